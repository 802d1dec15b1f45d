"""Tests of the built-in task generator and its checker (host Python, no device needed)."""
import json
import os
import subprocess
import sys

import pytest

import check
import gitrepo
from build_task import plant
from domains import ALL_DOMAINS
from families import FAMILIES
from generate import generate
from model import Bug
from split import choose_eval_domains
from suite_check import SPLITS, check_record, check_suite, domain_of
from task_check import check_task, patched_paths

GENERATE_SCRIPT = os.path.join(os.path.dirname(check.__file__), "generate.py")


@pytest.fixture(scope="module")
def suite_dir(tmp_path_factory):
    out = str(tmp_path_factory.mktemp("suite"))
    generate(out)
    return out


@pytest.fixture(scope="module")
def suite(suite_dir):
    return check.load_suite(suite_dir)


@pytest.fixture(scope="module")
def records(suite):
    return [record for split in SPLITS for record in suite[split]]


def heads(out_dir):
    repos = os.path.join(out_dir, "repos")
    return {name: gitrepo.git(os.path.join(repos, name), "rev-parse", "HEAD").strip() for name in os.listdir(repos)}


def test_a_second_generation_in_another_process_is_identical(suite_dir, tmp_path):
    # A different hash seed in a fresh process catches any dependence on set or dict order.
    env = dict(os.environ, PYTHONHASHSEED="12345")
    subprocess.run([sys.executable, GENERATE_SCRIPT, "--out", str(tmp_path)], env=env, check=True, capture_output=True)
    for name in ("train.jsonl", "eval.jsonl"):
        assert (tmp_path / name).read_bytes() == open(os.path.join(suite_dir, name), "rb").read()
    assert heads(str(tmp_path)) == heads(suite_dir)


def test_counts_and_family_coverage(suite, records):
    assert len(records) >= 40
    assert len(suite["train"]) == 32 and len(suite["eval"]) == 16
    for split in SPLITS:
        assert {record["bug_family"] for record in suite[split]} == set(FAMILIES)


def test_records_follow_the_schema(suite, records):
    for record in records:
        assert check_record(record, record["split"]) == [], record["instance_id"]
    assert check_suite(suite) == []


def test_eval_domains_never_appear_in_train(suite):
    train = {domain_of(record) for record in suite["train"]}
    assert all(domain_of(record) not in train for record in suite["eval"])


def test_patches_touch_the_right_files(records):
    for record in records:
        assert patched_paths(record["patch"]) and not any(p.startswith("tests/") for p in patched_paths(record["patch"]))
        assert patched_paths(record["test_patch"]) and all(p.startswith("tests/") for p in patched_paths(record["test_patch"]))


def test_base_commit_is_the_head_of_its_repository(suite_dir, records):
    all_heads = heads(suite_dir)
    for record in records:
        assert all_heads[record["instance_id"]] == record["base_commit"]


def test_problem_statements_do_not_quote_the_gold_patch(records):
    for record in records:
        added = [line[1:].strip() for line in record["patch"].splitlines() if line.startswith("+") and not line.startswith("+++")]
        assert not any(line and line in record["problem_statement"] for line in added), record["instance_id"]


def test_checker_passes_a_subset(suite_dir, records):
    chosen = [records[0]["instance_id"], records[-1]["instance_id"]]
    assert check.main(["--out", suite_dir, "--only", ",".join(chosen), "--skip-determinism"]) == 0


def test_checker_rejects_a_task_whose_fail_to_pass_test_already_passes(suite_dir, records):
    record = dict(records[1])
    record["FAIL_TO_PASS"] = record["PASS_TO_PASS"][:1]
    record["PASS_TO_PASS"] = record["PASS_TO_PASS"][1:]
    problems = check_task(record, os.path.join(suite_dir, "repos"))
    assert any("expected failed" in problem for problem in problems)


@pytest.mark.parametrize("seed", range(6))
def test_every_seed_gives_a_stratified_split(seed):
    eval_names = choose_eval_domains(ALL_DOMAINS, seed)
    for chosen in (True, False):
        families = [bug.family for d in ALL_DOMAINS if (d.name in eval_names) == chosen for bug in d.bugs]
        assert set(families) == set(FAMILIES)
    eval_families = [bug.family for d in ALL_DOMAINS if d.name in eval_names for bug in d.bugs]
    assert len(eval_families) == len(set(eval_families))


def test_every_bug_is_planted_in_exactly_one_place():
    for domain in ALL_DOMAINS:
        for bug in domain.bugs:
            assert bug.family in FAMILIES
            assert plant(domain.files, bug)[bug.path] != domain.files[bug.path]


def test_planting_an_ambiguous_snippet_fails():
    bug = Bug("wrong_constant", "m.py", "x = 1", "x = 2", "tests/test_m.py", "", "")
    with pytest.raises(ValueError):
        plant({"m.py": "x = 1\nx = 1\n"}, bug)


def test_jsonl_lines_are_single_records(suite_dir):
    for split in SPLITS:
        with open(os.path.join(suite_dir, f"{split}.jsonl"), encoding="utf-8") as handle:
            for line in handle:
                assert isinstance(json.loads(line), dict)
