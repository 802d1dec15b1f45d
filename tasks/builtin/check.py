"""Verifies a generated suite: schema, counts, split, every task's tests, and determinism.

    python3 tasks/builtin/check.py --out DIR [--only ID,ID] [--jobs N] [--skip-determinism]
"""
import argparse
import json
import os
import sys
import time
from concurrent.futures import ThreadPoolExecutor

from determinism import check_determinism
from generate import DEFAULT_SEED
from suite_check import SPLITS, check_record, check_suite
from task_check import check_task


def load_suite(out_dir: str) -> dict:
    records = {}
    for split in SPLITS:
        with open(os.path.join(out_dir, f"{split}.jsonl"), encoding="utf-8") as handle:
            records[split] = [json.loads(line) for line in handle if line.strip()]
    return records


def _check_one(record: dict, repos_dir: str) -> tuple:
    started = time.monotonic()
    try:
        problems = check_record(record, record.get("split")) or check_task(record, repos_dir)
    except Exception as error:  # a broken task must not hide the report on the others
        problems = [f"{type(error).__name__}: {error}"]
    return problems, time.monotonic() - started


def check_tasks(records: list, repos_dir: str, jobs: int) -> int:
    """Prints one line per task; returns how many tasks failed."""
    failed = 0
    with ThreadPoolExecutor(max_workers=jobs) as pool:
        results = pool.map(lambda record: _check_one(record, repos_dir), records)
        for record, (problems, seconds) in zip(records, results):
            label = f"{record.get('instance_id')} ({record.get('split')}, {record.get('bug_family')})"
            print(f"{'ok  ' if not problems else 'FAIL'} {label} {seconds:.1f}s", flush=True)
            for problem in problems:
                print(f"       {problem}")
            failed += bool(problems)
    return failed


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", required=True, help="folder written by generate.py")
    parser.add_argument("--only", default="", help="comma-separated instance ids to check")
    parser.add_argument("--jobs", type=int, default=2, help="tasks checked in parallel")
    parser.add_argument("--seed", type=int, default=DEFAULT_SEED, help="seed the suite was made with")
    parser.add_argument("--skip-determinism", action="store_true", help="do not regenerate twice")
    args = parser.parse_args(argv)
    started = time.monotonic()

    suite = load_suite(args.out)
    only = {name for name in args.only.split(",") if name}
    records = [r for split in SPLITS for r in suite[split] if not only or r.get("instance_id") in only]
    if only and len(records) != len(only):
        print(f"unknown instance ids: {sorted(only - {r.get('instance_id') for r in records})}")
        return 1

    suite_problems = check_suite(suite, complete=not only)
    failed = check_tasks(records, os.path.join(args.out, "repos"), args.jobs)
    if not args.skip_determinism:
        suite_problems += check_determinism(args.out, args.seed)
    for problem in suite_problems:
        print(f"FAIL suite: {problem}")

    counts = " ".join(f"{split} {sum(r.get('split') == split for r in records)}" for split in SPLITS)
    verdict = "OK" if not failed and not suite_problems else "FAILED"
    print(
        f"{verdict}: {len(records) - failed}/{len(records)} tasks ok ({counts}), "
        f"{len(suite_problems)} suite problems, "
        f"determinism {'skipped' if args.skip_determinism else 'checked'}, "
        f"{time.monotonic() - started:.1f}s"
    )
    return 0 if verdict == "OK" else 1


if __name__ == "__main__":
    sys.exit(main())
