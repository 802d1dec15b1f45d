#!/usr/bin/env python3
"""Check the built task on this machine with plain pytest (no containers).

    python3 tasks/real/more-itertools-866/verify.py --out OUT [--update]

Reads OUT/tasks.jsonl and OUT/repos/ (run build.py first). In two fresh clones of the
repository it runs every test of the files that test_patch touches, reading outcomes from JUnit
XML:
  1. base_commit + test_patch: every FAIL_TO_PASS test must fail, every PASS_TO_PASS test pass;
  2. base_commit + patch + test_patch: all of them must pass.
It also reports the tests that pass in both states but are not listed (UNSTABLE_EXCLUDED in
instance.json names the ones left out on purpose). With --update it rewrites the FAIL_TO_PASS
and PASS_TO_PASS lists of instance.json from what it observed (then rebuild).
"""
import argparse
import json
import os
import re
import subprocess
import sys
import tempfile
import xml.etree.ElementTree as ET

HERE = os.path.dirname(os.path.abspath(__file__))


def sh(args, cwd, stdin=None):
    done = subprocess.run(args, cwd=cwd, input=stdin, capture_output=True, text=True)
    if done.returncode != 0:
        raise SystemExit(f"{' '.join(args)} failed: {done.stderr.strip()}")
    return done.stdout


def test_files(diff):
    return sorted(set(re.findall(r"^\+\+\+ b/(\S+)$", diff, flags=re.M)))


def outcomes(repo, test_cmd, files):
    """Map node id -> 'passed' | 'failed' | 'skipped' for every test in `files`."""
    with tempfile.TemporaryDirectory() as tmp:
        junit = os.path.join(tmp, "junit.xml")
        cmd = test_cmd.split() + [f"--junitxml={junit}", "-o", "junit_family=xunit1"] + files
        subprocess.run(cmd, cwd=repo, capture_output=True, text=True)
        root = ET.parse(junit).getroot()
    result = {}
    for case in root.iter("testcase"):
        # xunit1: file="tests/test_more.py" classname="tests.test_more.SeekableTest"
        path = case.get("file")
        cls = case.get("classname").split(".")
        module_parts = path[:-3].split("/")
        inner = cls[len(module_parts):]
        node = "::".join([path] + inner + [case.get("name")])
        if case.find("failure") is not None or case.find("error") is not None:
            state = "failed"
        elif case.find("skipped") is not None:
            state = "skipped"
        else:
            state = "passed"
        result[node] = state
    return result


def clone(src, dst, commit):
    sh(["git", "clone", "-q", src, dst], cwd=os.path.dirname(dst))
    sh(["git", "checkout", "-q", commit], cwd=dst)


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", required=True)
    parser.add_argument("--update", action="store_true", help="rewrite the lists in instance.json")
    args = parser.parse_args(argv)

    with open(os.path.join(args.out, "tasks.jsonl"), encoding="utf-8") as handle:
        record = json.loads(handle.readline())
    with open(os.path.join(HERE, "instance.json"), encoding="utf-8") as handle:
        meta = json.load(handle)
    repo = os.path.abspath(os.path.join(args.out, "repos", record["repo"].replace("/", "__")))
    files = test_files(record["test_patch"])

    with tempfile.TemporaryDirectory() as tmp:
        before_dir, after_dir = os.path.join(tmp, "before"), os.path.join(tmp, "after")
        clone(repo, before_dir, record["base_commit"])
        clone(repo, after_dir, record["base_commit"])
        sh(["git", "apply", "-"], cwd=before_dir, stdin=record["test_patch"])
        sh(["git", "apply", "-"], cwd=after_dir, stdin=record["patch"])
        sh(["git", "apply", "-"], cwd=after_dir, stdin=record["test_patch"])
        before = outcomes(before_dir, record["test_cmd"], files)
        after = outcomes(after_dir, record["test_cmd"], files)

    excluded = set(meta.get("UNSTABLE_EXCLUDED", []))
    fail_to_pass = sorted(n for n in after if after[n] == "passed" and before.get(n) != "passed")
    pass_to_pass = sorted(
        n for n in after if after[n] == "passed" and before.get(n) == "passed" and n not in excluded
    )
    print(f"collected {len(after)} tests in {', '.join(files)}; observed FAIL_TO_PASS {fail_to_pass}")
    print(f"observed PASS_TO_PASS: {len(pass_to_pass)} (+{len(excluded)} excluded on purpose)")
    broken = sorted(n for n in after if after[n] != "passed")
    if broken:
        print(f"not passing after the fix: {broken}")

    if args.update:
        meta["FAIL_TO_PASS"], meta["PASS_TO_PASS"] = fail_to_pass, pass_to_pass
        with open(os.path.join(HERE, "instance.json"), "w", encoding="utf-8") as handle:
            json.dump(meta, handle, indent=2)
            handle.write("\n")
        print("instance.json updated; rebuild to refresh tasks.jsonl")
        return 0

    problems = []
    for node in record["FAIL_TO_PASS"]:
        if before.get(node) == "passed" or node not in before:
            problems.append(f"FAIL_TO_PASS {node}: {before.get(node, 'missing')} before the fix")
        if after.get(node) != "passed":
            problems.append(f"FAIL_TO_PASS {node}: {after.get(node, 'missing')} after the fix")
    for node in record["PASS_TO_PASS"]:
        if before.get(node) != "passed":
            problems.append(f"PASS_TO_PASS {node}: {before.get(node, 'missing')} before the fix")
        if after.get(node) != "passed":
            problems.append(f"PASS_TO_PASS {node}: {after.get(node, 'missing')} after the fix")
    if sorted(record["FAIL_TO_PASS"]) != fail_to_pass:
        problems.append(f"FAIL_TO_PASS differs from observed {fail_to_pass}")
    if sorted(record["PASS_TO_PASS"]) != pass_to_pass:
        problems.append("PASS_TO_PASS differs from the observed list")
    for line in problems:
        print("PROBLEM:", line)
    print("OK" if not problems else f"{len(problems)} problem(s)")
    return 0 if not problems else 1


if __name__ == "__main__":
    sys.exit(main())
