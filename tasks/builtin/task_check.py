"""Checks one task end to end in a scratch clone of its repository."""
import os
import re
import tempfile

import gitrepo
from pytest_run import run_tests
from node_ids import is_test_path

_DIFF_HEADER = re.compile(r"^diff --git a/(\S+) b/(\S+)$", re.MULTILINE)


def patched_paths(diff: str) -> list:
    paths = []
    for before, after in _DIFF_HEADER.findall(diff):
        paths += [before, after]
    return sorted(set(paths))


def repo_dir_of(record: dict, repos_dir: str) -> str:
    return os.path.join(repos_dir, record["repo"].replace("/", "__"))


def check_patch_paths(record: dict) -> list:
    problems = []
    source_paths = patched_paths(record["patch"])
    test_paths = patched_paths(record["test_patch"])
    if not source_paths or any(is_test_path(path) for path in source_paths):
        problems.append(f"patch must touch only non-test files, touches {source_paths}")
    if not test_paths or not all(is_test_path(path) for path in test_paths):
        problems.append(f"test_patch must touch only tests/, touches {test_paths}")
    return problems


def _expect(outcomes: dict, node_ids: list, wanted: str, stage: str) -> list:
    wrong = [f"{node} is {outcomes.get(node, 'missing')}" for node in node_ids if outcomes.get(node) != wanted]
    return [f"{stage}: expected {wanted}: " + "; ".join(wrong)] if wrong else []


def check_task(record: dict, repos_dir: str) -> list:
    """Returns the problems found; an empty list means the task is sound."""
    problems = check_patch_paths(record)
    source = repo_dir_of(record, repos_dir)
    if not os.path.isdir(source):
        return problems + [f"repository {source} is missing"]
    head = gitrepo.git(source, "rev-parse", "HEAD").strip()
    if head != record["base_commit"]:
        problems.append(f"HEAD is {head}, base_commit is {record['base_commit']}")

    fail_to_pass, pass_to_pass = record["FAIL_TO_PASS"], record["PASS_TO_PASS"]
    with tempfile.TemporaryDirectory() as scratch:
        clone = os.path.join(scratch, "repo")
        gitrepo.git(scratch, "clone", "-q", "--no-checkout", source, clone)
        gitrepo.git(clone, "checkout", "-q", "--detach", record["base_commit"])

        gitrepo.git(clone, "apply", "-", stdin=record["test_patch"])
        before = run_tests(clone)
        problems += _expect(before, fail_to_pass, "failed", "base + test_patch")
        problems += _expect(before, pass_to_pass, "passed", "base + test_patch")

        gitrepo.git(clone, "apply", "-", stdin=record["patch"])
        after = run_tests(clone)
        problems += _expect(after, fail_to_pass + pass_to_pass, "passed", "base + patch + test_patch")
        unlisted = sorted(set(after) - set(fail_to_pass) - set(pass_to_pass))
        if unlisted:
            problems.append(f"tests in neither list: {unlisted}")
    return problems
