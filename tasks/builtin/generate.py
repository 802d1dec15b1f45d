"""Writes the built-in task suite: one git repository per task plus train.jsonl and eval.jsonl.

    python3 tasks/builtin/generate.py --out DIR [--seed N] [--force]
"""
import argparse
import datetime
import json
import os
import shutil
import sys

from build_task import build_task
from domains import ALL_DOMAINS
from split import choose_eval_domains

DEFAULT_SEED = 0
FIRST_CREATED_AT = datetime.datetime(2024, 3, 1, 9, 0, 0)
OUTPUTS = ("repos", "train.jsonl", "eval.jsonl")


def created_at(index: int) -> str:
    moment = FIRST_CREATED_AT + datetime.timedelta(days=index, minutes=17 * index)
    return moment.strftime("%Y-%m-%dT%H:%M:%SZ")


def generate(out_dir: str, seed: int = DEFAULT_SEED, only: set = None) -> list:
    """Builds every task (or the domains named in `only`) and returns the records."""
    eval_domains = choose_eval_domains(ALL_DOMAINS, seed)
    records = []
    index = 0
    for domain in ALL_DOMAINS:
        split = "eval" if domain.name in eval_domains else "train"
        for number, bug in enumerate(domain.bugs, start=1):
            if only is None or domain.name in only:
                records.append(build_task(domain, number, bug, out_dir, created_at(index), split))
            index += 1
    write_splits(out_dir, records)
    return records


def write_splits(out_dir: str, records: list) -> None:
    """train.jsonl and eval.jsonl, each sorted by instance id."""
    for split in ("train", "eval"):
        chosen = sorted((r for r in records if r["split"] == split), key=lambda r: r["instance_id"])
        write_jsonl(os.path.join(out_dir, f"{split}.jsonl"), chosen)


def write_jsonl(path: str, records: list) -> None:
    with open(path, "w", encoding="utf-8", newline="\n") as handle:
        for record in records:
            handle.write(json.dumps(record, ensure_ascii=False) + "\n")


def prepare_out_dir(out_dir: str, force: bool) -> None:
    present = [name for name in OUTPUTS if os.path.exists(os.path.join(out_dir, name))]
    if present and not force:
        sys.exit(f"{out_dir} already holds {', '.join(present)}; pass --force to replace them")
    for name in present:
        path = os.path.join(out_dir, name)
        if os.path.isdir(path):
            shutil.rmtree(path)
        else:
            os.remove(path)
    os.makedirs(out_dir, exist_ok=True)


def main(argv=None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", required=True, help="output folder")
    parser.add_argument("--seed", type=int, default=DEFAULT_SEED, help="seed of the train/eval split")
    parser.add_argument("--force", action="store_true", help="replace an earlier suite in --out")
    args = parser.parse_args(argv)
    prepare_out_dir(args.out, args.force)
    records = generate(args.out, args.seed)
    counts = {split: sum(r["split"] == split for r in records) for split in ("train", "eval")}
    print(f"wrote {len(records)} tasks to {args.out} (train {counts['train']}, eval {counts['eval']})")


if __name__ == "__main__":
    main()
