"""Builds one task: its git repository (HEAD = buggy base commit) and its SWE-bench record."""
import calendar
import os
import time

import gitrepo
import scaffold
import statements
from node_ids import is_test_path, node_ids

ORG = "swe-rl-builtin"


def plant(files: dict, bug) -> dict:
    text = files[bug.path]
    if text.count(bug.fixed) != 1:
        raise ValueError(f"{bug.path}: the fixed snippet must occur exactly once: {bug.fixed!r}")
    planted = dict(files)
    planted[bug.path] = text.replace(bug.fixed, bug.buggy)
    return planted


def _write(repo_dir: str, path: str, text: str) -> None:
    full = os.path.join(repo_dir, path)
    os.makedirs(os.path.dirname(full), exist_ok=True)
    with open(full, "w", encoding="utf-8", newline="\n") as handle:
        handle.write(text)


def _diff_of_change(repo_dir: str, path: str, before: str, after: str) -> str:
    """The diff that turns `before` into `after` in a tracked file; the file is left as `before`."""
    _write(repo_dir, path, after)
    try:
        return gitrepo.working_tree_diff(repo_dir)
    finally:
        _write(repo_dir, path, before)


def _git_date(created_at: str) -> str:
    """Git's own "<unix seconds> <zone>" form, which every git version reads the same way."""
    seconds = calendar.timegm(time.strptime(created_at, "%Y-%m-%dT%H:%M:%SZ"))
    return f"{seconds} +0000"


def with_new_tests(test_text: str, tests: str) -> str:
    return test_text.rstrip("\n") + "\n\n\n" + tests


def build_task(domain, number: int, bug, out_dir: str, created_at: str, split: str, org: str = ORG) -> dict:
    name = f"{domain.name}-{number}"
    repo_dir = os.path.join(out_dir, "repos", f"{org}__{name}")
    buggy_files = plant(domain.files, bug)
    all_files = {**scaffold.scaffold_files(domain), **buggy_files}

    gitrepo.init(repo_dir)
    for path in sorted(all_files):
        _write(repo_dir, path, all_files[path])
    base_commit = gitrepo.commit_all(repo_dir, f"Initial import of {domain.name}", _git_date(created_at))

    patch = _diff_of_change(repo_dir, bug.path, buggy_files[bug.path], domain.files[bug.path])
    old_tests = buggy_files[bug.test_path]
    test_patch = _diff_of_change(repo_dir, bug.test_path, old_tests, with_new_tests(old_tests, bug.tests))

    pass_to_pass = []
    for path in sorted(buggy_files):
        if is_test_path(path) and os.path.basename(path).startswith("test_"):
            pass_to_pass += node_ids(path, buggy_files[path])
    fail_to_pass = node_ids(bug.test_path, bug.tests)

    return {
        "instance_id": f"{org}__{name}",
        "repo": f"{org}/{name}",
        "base_commit": base_commit,
        "problem_statement": statements.render(bug.statement, buggy_files),
        "patch": patch,
        "test_patch": test_patch,
        "FAIL_TO_PASS": fail_to_pass,
        "PASS_TO_PASS": pass_to_pass,
        "created_at": created_at,
        "version": "1.0",
        "bug_family": bug.family,
        "split": split,
    }
