"""Writes the drill suite: one git repository per drill plus train.jsonl and eval.jsonl.

    python3 tasks/builtin/generate_drills.py --out DIR [--seed N] [--train-per-family N]
                                             [--eval-per-family N] [--force]

The drills are what a CPU run can learn from in minutes (see drills.py); the hand-written suite
(generate.py) is the harder, realistic one.
"""
import argparse

from build_task import build_task
from drills import ORG, domain_of, drill_specs
from generate import created_at, prepare_out_dir, write_splits

DEFAULT_SEED = 0


def generate_drills(out_dir: str, seed: int = DEFAULT_SEED, train_per_family: int = 8, eval_per_family: int = 2) -> list:
    records = []
    for index, (split, spec) in enumerate(drill_specs(seed, train_per_family, eval_per_family)):
        domain = domain_of(spec, f"{spec.noun}-{spec.family.name.replace('_', '-')}")
        records.append(build_task(domain, 1, domain.bugs[0], out_dir, created_at(index), split, org=ORG))
    write_splits(out_dir, records)
    return records


def main(argv=None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", required=True, help="output folder")
    parser.add_argument("--seed", type=int, default=DEFAULT_SEED)
    parser.add_argument("--train-per-family", type=int, default=8)
    parser.add_argument("--eval-per-family", type=int, default=2)
    parser.add_argument("--force", action="store_true", help="replace an earlier suite in --out")
    args = parser.parse_args(argv)
    prepare_out_dir(args.out, args.force)
    records = generate_drills(args.out, args.seed, args.train_per_family, args.eval_per_family)
    counts = {split: sum(r["split"] == split for r in records) for split in ("train", "eval")}
    print(f"wrote {len(records)} drills to {args.out} (train {counts['train']}, eval {counts['eval']})")


if __name__ == "__main__":
    main()
