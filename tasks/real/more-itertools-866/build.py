#!/usr/bin/env python3
"""Build the more-itertools relative_seek task (upstream issue 862, PR 866) offline and reproducibly.

    python3 tasks/real/more-itertools-866/build.py --out OUT

writes

    OUT/repos/more-itertools__more-itertools/   git repository, HEAD = base_commit
    OUT/tasks.jsonl                             one SWE-bench-shaped record

Everything comes from this folder: `source/` (more-itertools 10.3.0 as released, a subset of the
sdist), `fix.patch` (gold patch), `test.patch`, `problem_statement.md` and `instance.json`.
Only the standard library and git (2.29 or newer) are needed. The commit uses a fixed identity
and date, pinned git settings (user and system git config are ignored) and fixed file modes, so
`base_commit` is the same on every machine and every run.
"""
import argparse
import json
import os
import shutil
import subprocess
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
SOURCE = os.path.join(HERE, "source")

AUTHOR_NAME = "swe-rl real"
AUTHOR_EMAIL = "real@swe-rl.invalid"
# Build date of the more-itertools 10.3.0 sdist (newest file time in the archive).
COMMIT_DATE = "2024-06-10T14:24:00+00:00"
COMMIT_MESSAGE = "more-itertools 10.3.0\n\nFiles from the more-itertools 10.3.0 source distribution.\n"

# Files that are executable in the 10.3.0 sdist; everything else is written 0644.
EXECUTABLE = {"more_itertools/more.py"}

_PINNED_CONFIG = (
    "core.autocrlf=false",
    "core.fileMode=true",
    "core.abbrev=7",
    "core.excludesFile=" + os.devnull,
    "commit.gpgSign=false",
    "diff.algorithm=myers",
    "diff.indentHeuristic=true",
    "diff.noprefix=false",
    "diff.mnemonicPrefix=false",
    "diff.renames=false",
    "init.defaultBranch=main",
    "init.templateDir=",
)


def git(repo_dir, *args, stdin=None):
    env = {k: v for k, v in os.environ.items() if not k.startswith("GIT_")}
    env.update(
        GIT_CONFIG_NOSYSTEM="1",
        GIT_CONFIG_GLOBAL=os.devnull,
        GIT_AUTHOR_NAME=AUTHOR_NAME,
        GIT_AUTHOR_EMAIL=AUTHOR_EMAIL,
        GIT_AUTHOR_DATE=COMMIT_DATE,
        GIT_COMMITTER_NAME=AUTHOR_NAME,
        GIT_COMMITTER_EMAIL=AUTHOR_EMAIL,
        GIT_COMMITTER_DATE=COMMIT_DATE,
        TZ="UTC",
        LC_ALL="C",
    )
    command = ["git"]
    for setting in _PINNED_CONFIG:
        command += ["-c", setting]
    done = subprocess.run(
        command + list(args), cwd=repo_dir, env=env, input=stdin, capture_output=True, text=True
    )
    if done.returncode != 0:
        raise SystemExit(f"git {' '.join(args)} failed in {repo_dir}: {done.stderr.strip()}")
    return done.stdout


def source_files():
    found = []
    for root, dirs, files in os.walk(SOURCE):
        dirs[:] = [d for d in dirs if d not in ("__pycache__", ".pytest_cache")]
        for name in files:
            if name.endswith((".pyc", ".pyo")):
                continue
            found.append(os.path.relpath(os.path.join(root, name), SOURCE).replace(os.sep, "/"))
    return sorted(found)


def read(name):
    with open(os.path.join(HERE, name), encoding="utf-8", newline="") as handle:
        return handle.read()


def build_repo(repo_dir):
    if os.path.exists(repo_dir):
        shutil.rmtree(repo_dir)
    os.makedirs(repo_dir)
    for rel in source_files():
        target = os.path.join(repo_dir, *rel.split("/"))
        os.makedirs(os.path.dirname(target), exist_ok=True)
        with open(os.path.join(SOURCE, *rel.split("/")), "rb") as src:
            data = src.read()
        with open(target, "wb") as dst:
            dst.write(data)
        os.chmod(target, 0o755 if rel in EXECUTABLE else 0o644)
    for root, dirs, _ in os.walk(repo_dir):
        for name in dirs:
            os.chmod(os.path.join(root, name), 0o755)
    os.chmod(repo_dir, 0o755)
    git(repo_dir, "init", "-q", "--object-format=sha1")
    git(repo_dir, "add", "-A")
    git(repo_dir, "commit", "-q", "--no-verify", "-m", COMMIT_MESSAGE)
    return git(repo_dir, "rev-parse", "HEAD").strip()


def check_patches(repo_dir, patch, test_patch):
    """Both patches must apply cleanly to the base commit, alone and together."""
    git(repo_dir, "apply", "--check", "-", stdin=patch)
    git(repo_dir, "apply", "--check", "-", stdin=test_patch)
    git(repo_dir, "apply", "--check", "-", stdin=patch + test_patch)
    if git(repo_dir, "status", "--porcelain"):
        raise SystemExit(f"{repo_dir}: working tree not clean after build")


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", required=True, help="output folder (repos/ and tasks.jsonl)")
    args = parser.parse_args(argv)

    meta = json.loads(read("instance.json"))
    patch = read("fix.patch")
    test_patch = read("test.patch")
    repo_dir = os.path.join(args.out, "repos", meta["repo"].replace("/", "__"))
    base_commit = build_repo(repo_dir)
    check_patches(repo_dir, patch, test_patch)

    record = {
        "instance_id": meta["instance_id"],
        "repo": meta["repo"],
        "base_commit": base_commit,
        "problem_statement": read("problem_statement.md"),
        "patch": patch,
        "test_patch": test_patch,
        "FAIL_TO_PASS": meta["FAIL_TO_PASS"],
        "PASS_TO_PASS": meta["PASS_TO_PASS"],
        "test_cmd": meta["test_cmd"],
        "created_at": meta["created_at"],
        "version": meta["version"],
        "source": meta["source"],
    }
    os.makedirs(args.out, exist_ok=True)
    with open(os.path.join(args.out, "tasks.jsonl"), "w", encoding="utf-8", newline="\n") as handle:
        handle.write(json.dumps(record, ensure_ascii=False, sort_keys=False) + "\n")
    print(f"{meta['instance_id']}: base_commit {base_commit}, repo {repo_dir}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
