#!/usr/bin/env python3
"""Run the real instances' tests on this machine and compare them with the recipes' test lists.

    python3 tasks/real/build.py --out OUT           # first
    python3 tasks/real/check.py --out OUT [--only ID,...] [--update] [--whole-suite]

For each instance, in a throwaway venv (the recipe's python, a clean venv with its pip_packages,
the project installed by `install` at base_commit, as the environment image does), runs the test
command on the test files the test_patch touches, twice: base + test_patch, and base + patch +
test_patch. Observed FAIL_TO_PASS: fail (or absent) before, pass after; PASS_TO_PASS: pass in both;
`unstable_excluded` stays out of both. Without --update, differences from recipe.json are
problems (exit 1). --update rewrites the two lists of recipe.json (rebuild afterwards).
"""
import argparse
import json
import os
import sys
import tempfile
import time

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)

from recipe_tools.errors import RecipeError  # noqa: E402
from recipe_tools.recipes import RECIPE_FILE, load_recipe  # noqa: E402
from recipe_tools.records import read_tasks  # noqa: E402
from recipe_tools.runs import checkout, make_venv, run_tests  # noqa: E402


def observe(recipe, record, out_dir, whole_suite):
    instance_id, environment = recipe["instance_id"], recipe["environment"]
    repo_dir = os.path.join(out_dir, "repos", record["repo"].replace("/", "__"))
    results = {}
    with tempfile.TemporaryDirectory(prefix="swe-rl-check-") as tmp:
        started = time.monotonic()
        venv_dir = os.path.join(tmp, "venv")
        make_venv(instance_id, environment, venv_dir)
        print(f"{instance_id}: venv with {environment.get('pip_packages') or 'no packages'} in {time.monotonic() - started:.0f} s")
        states = (("before", [("test_patch", record["test_patch"])]),
                  ("after", [("patch", record["patch"]), ("test_patch", record["test_patch"])]))
        for state, patches in states:
            dest = os.path.join(tmp, state, "testbed")
            os.makedirs(os.path.dirname(dest))
            checkout(instance_id, repo_dir, record["base_commit"], dest, venv_dir, environment.get("install", ""), patches)
            listed = recipe["FAIL_TO_PASS"] + recipe["PASS_TO_PASS"] + recipe.get("unstable_excluded", [])
            results[state], seconds = run_tests(instance_id, dest, venv_dir, environment["test_cmd"], record["test_patch"],
                                                os.path.dirname(dest), listed, whole_suite)
            counts = {o: sum(1 for v in results[state].values() if v == o) for o in ("passed", "failed", "skipped")}
            print(f"{instance_id}: {state}: {counts['passed']} passed, {counts['failed']} failed, {counts['skipped']} skipped in {seconds:.1f} s")
    return results["before"], results["after"]


def compare(recipe, before, after):
    unstable = set(recipe.get("unstable_excluded", []))
    fail_to_pass = sorted(t for t in after if after[t] == "passed" and before.get(t) != "passed" and t not in unstable)
    pass_to_pass = sorted(t for t in after if after[t] == "passed" and before.get(t) == "passed" and t not in unstable)
    problems = []
    for key, observed in (("FAIL_TO_PASS", fail_to_pass), ("PASS_TO_PASS", pass_to_pass)):
        listed = set(recipe[key])
        for test in sorted(listed - set(observed)):
            problems.append(f"{key} lists {test}, observed before={before.get(test, 'absent')} after={after.get(test, 'absent')}")
        for test in sorted(set(observed) - listed):
            problems.append(f"{key} lacks {test} (before={before.get(test, 'absent')}, after=passed)")
    return fail_to_pass, pass_to_pass, problems


def update_recipe(folder, fail_to_pass, pass_to_pass):
    path = os.path.join(folder, RECIPE_FILE)
    with open(path, encoding="utf-8") as handle:
        raw = json.load(handle)
    raw["FAIL_TO_PASS"], raw["PASS_TO_PASS"] = fail_to_pass, pass_to_pass
    with open(path, "w", encoding="utf-8", newline="\n") as handle:
        handle.write(json.dumps(raw, indent=2, ensure_ascii=False) + "\n")


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", required=True, help="the folder build.py wrote")
    parser.add_argument("--only", help="comma-separated instance ids (default: every instance of OUT/tasks.jsonl)")
    parser.add_argument("--update", action="store_true", help="rewrite FAIL_TO_PASS and PASS_TO_PASS in recipe.json")
    parser.add_argument("--whole-suite", action="store_true",
                        help="run every test the runner finds (for a small repository whose lists hold its whole suite)")
    parser.add_argument("--recipes", default=HERE, help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    out_dir = os.path.abspath(args.out)
    try:
        records = {r["instance_id"]: r for r in read_tasks(out_dir)}
    except OSError as error:
        print(f"error: cannot read {out_dir}/tasks.jsonl ({error}); run build.py --out {args.out} first", file=sys.stderr)
        return 1
    wanted = [name.strip() for name in args.only.split(",")] if args.only else sorted(records)
    failed = 0
    for instance_id in wanted:
        try:
            if instance_id not in records:
                raise RecipeError(instance_id, f"not in {out_dir}/tasks.jsonl; build it first (build.py --out {args.out} --only {instance_id})")
            recipe = load_recipe(os.path.join(args.recipes, instance_id))
            before, after = observe(recipe, records[instance_id], out_dir, args.whole_suite)
        except RecipeError as error:
            print(f"error: {error}", file=sys.stderr)
            failed += 1
            continue
        fail_to_pass, pass_to_pass, problems = compare(recipe, before, after)
        print(f"{instance_id}: observed FAIL_TO_PASS {fail_to_pass}")
        print(f"{instance_id}: observed PASS_TO_PASS {len(pass_to_pass)} test(s), {len(recipe.get('unstable_excluded', []))} left out as unstable")
        not_passing = sorted(t for t, o in after.items() if o != "passed")
        if not_passing:
            print(f"{instance_id}: not passing after the fix: {not_passing[:20]}{' ...' if len(not_passing) > 20 else ''}")
        if args.update:
            update_recipe(recipe["folder"], fail_to_pass, pass_to_pass)
            print(f"{instance_id}: recipe.json updated; rebuild to refresh tasks.jsonl")
            if not fail_to_pass:
                print(f"error: {instance_id}: no test fails before and passes after", file=sys.stderr)
                failed += 1
            continue
        stale = [k for k in ("FAIL_TO_PASS", "PASS_TO_PASS") if records[instance_id][k] != recipe[k]]
        if stale:
            problems.append(f"tasks.jsonl {', '.join(stale)} differ from recipe.json: rebuild")
        for problem in problems:
            print(f"PROBLEM {instance_id}: {problem}")
        print(f"{instance_id}: {'OK' if not problems else f'{len(problems)} problem(s)'}")
        failed += bool(problems)
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
