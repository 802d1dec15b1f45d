"""Checks on the suite as a whole: record schema, counts, family coverage, split hygiene."""
import re

from build_task import ORG
from families import FAMILIES

MIN_TASKS = 40
SPLITS = ("train", "eval")
FIELD_TYPES = {
    "instance_id": str,
    "repo": str,
    "base_commit": str,
    "problem_statement": str,
    "patch": str,
    "test_patch": str,
    "FAIL_TO_PASS": list,
    "PASS_TO_PASS": list,
    "created_at": str,
    "version": str,
    "bug_family": str,
    "split": str,
}
_NODE_ID = re.compile(r"^tests/[\w/]+\.py::\w+(\[.*\])?$")
_REPO = re.compile(rf"^{ORG}/([a-z0-9]+(?:-[a-z0-9]+)*)-(\d+)$")


def domain_of(record: dict) -> str:
    return _REPO.match(record["repo"]).group(1)


def check_record(record: dict, split: str) -> list:
    problems = []
    for name, kind in FIELD_TYPES.items():
        if not isinstance(record.get(name), kind):
            problems.append(f"field {name} missing or not {kind.__name__}")
    if problems:
        return problems
    if not _REPO.match(record["repo"]):
        problems.append(f"repo {record['repo']} is not {ORG}/<domain>-<n>")
    if record["instance_id"] != record["repo"].replace("/", "__"):
        problems.append("instance_id must be repo with / replaced by __")
    if not re.fullmatch(r"[0-9a-f]{40}", record["base_commit"]):
        problems.append("base_commit is not 40 hex digits")
    if not re.fullmatch(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ", record["created_at"]):
        problems.append("created_at is not YYYY-MM-DDTHH:MM:SSZ")
    if record["version"] != "1.0":
        problems.append("version is not 1.0")
    if record["split"] != split:
        problems.append(f"split {record['split']} found in {split}.jsonl")
    if record["bug_family"] not in FAMILIES:
        problems.append(f"unknown bug_family {record['bug_family']}")
    for name in ("FAIL_TO_PASS", "PASS_TO_PASS"):
        ids = record[name]
        if not ids or not all(isinstance(i, str) and _NODE_ID.match(i) for i in ids):
            problems.append(f"{name} must be a non-empty list of pytest node ids")
    if set(record["FAIL_TO_PASS"]) & set(record["PASS_TO_PASS"]):
        problems.append("FAIL_TO_PASS and PASS_TO_PASS overlap")
    if not record["problem_statement"].strip():
        problems.append("problem_statement is empty")
    return problems


def check_suite(records_by_split: dict, complete: bool = True) -> list:
    """Suite-wide problems; `complete` is False when checking a chosen subset of tasks."""
    problems = []
    records = [r for split in SPLITS for r in records_by_split.get(split, [])]
    ids = [r.get("instance_id") for r in records]
    if len(ids) != len(set(ids)):
        problems.append("instance_id values are not unique")
    if any(check_record(r, r.get("split")) for r in records):
        return problems  # per-record problems are reported with each task
    domains = {split: {domain_of(r) for r in records_by_split.get(split, [])} for split in SPLITS}
    shared = domains["train"] & domains["eval"]
    if shared:
        problems.append(f"domains in both splits: {sorted(shared)}")
    if complete:
        if len(records) < MIN_TASKS:
            problems.append(f"only {len(records)} tasks, want at least {MIN_TASKS}")
        for split in SPLITS:
            present = {r["bug_family"] for r in records_by_split.get(split, [])}
            missing = sorted(set(FAMILIES) - present)
            if missing:
                problems.append(f"{split} lacks families {missing}")
    return problems
