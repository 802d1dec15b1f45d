"""Exports a JSONL task set the way SWE-bench / SWE-rebench are published: Parquet and `datasets` folders.

    python -m swe_rl_trainer.task_datasets export --tasks IN.jsonl [--tasks MORE.jsonl ...]
        [--parquet OUT.parquet] [--datasets OUTDIR] [--dict-split NAME ...] [--shards N]

The two outputs differ on purpose, as the published sets do: the Parquet file stores FAIL_TO_PASS
and PASS_TO_PASS as JSON strings of lists (as SWE-bench's Parquet files do), the `datasets` folder
stores them as lists of strings (as SWE-rebench does). `install_config` is a struct in both (a
JSON string of one in the input is parsed first).

Without --dict-split the `datasets` folder is one Dataset (`save_to_disk`) of every --tasks file
in order; with it, a DatasetDict whose splits are named by --dict-split, one per --tasks file, in
the same order. The Parquet file holds every --tasks file in order.
"""
from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path
from typing import Any, Sequence

TEST_LIST_FIELDS = ("FAIL_TO_PASS", "PASS_TO_PASS")


class ExportError(Exception):
    pass


def read_jsonl(path: Path) -> list[dict[str, Any]]:
    records = []
    for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
        if not line.strip():
            continue
        try:
            record = json.loads(line)
        except json.JSONDecodeError as err:
            raise ExportError(f"{path}:{number}: not valid JSON: {err}") from err
        if not isinstance(record, dict):
            raise ExportError(f"{path}:{number}: record is not a JSON object")
        records.append(record)
    return records


def _as_list(value: Any) -> Any:
    return json.loads(value) if isinstance(value, str) else value


def _with_test_lists(record: dict[str, Any], as_json_strings: bool) -> dict[str, Any]:
    out = dict(record)
    if isinstance(out.get("install_config"), str):
        out["install_config"] = json.loads(out["install_config"])
    for field in TEST_LIST_FIELDS:
        if field in out:
            listed = _as_list(out[field])
            out[field] = json.dumps(listed) if as_json_strings else listed
    return out


def _dataset(records: Sequence[dict[str, Any]], tests_as_json_strings: bool):
    # Imported here so that `--help` and the pure helpers work without the `datasets` extra.
    from datasets import Dataset

    if not records:
        raise ExportError("no records to export")
    rows = [_with_test_lists(r, tests_as_json_strings) for r in records]
    # Dataset.from_list takes its columns from the first record only: use every record's fields.
    columns = list(dict.fromkeys(key for row in rows for key in row))
    try:
        return Dataset.from_dict({key: [row.get(key) for row in rows] for key in columns})
    except (ValueError, TypeError) as err:  # pyarrow's ArrowInvalid / ArrowTypeError
        raise ExportError(f"the records do not share one type per field: {err}") from err


def export(
    task_files: Sequence[Path],
    parquet: Path | None = None,
    datasets_dir: Path | None = None,
    dict_splits: Sequence[str] = (),
    shards: int = 1,
) -> None:
    if parquet is None and datasets_dir is None:
        raise ExportError("nothing to write: give --parquet and/or --datasets")
    if dict_splits and len(dict_splits) != len(task_files):
        raise ExportError(f"--dict-split is given {len(dict_splits)} times for {len(task_files)} --tasks files; give one per file")
    if len(set(dict_splits)) != len(dict_splits):
        raise ExportError(f"--dict-split names repeat: {', '.join(dict_splits)}")
    per_file = [read_jsonl(f) for f in task_files]
    everything = [r for records in per_file for r in records]

    if parquet is not None:
        parquet.parent.mkdir(parents=True, exist_ok=True)
        _dataset(everything, tests_as_json_strings=True).to_parquet(str(parquet))

    if datasets_dir is not None:
        if dict_splits:
            from datasets import DatasetDict

            splits = DatasetDict({name: _dataset(records, False) for name, records in zip(dict_splits, per_file)})
            splits.save_to_disk(str(datasets_dir), num_shards={name: shards for name in dict_splits})
        else:
            _dataset(everything, tests_as_json_strings=False).save_to_disk(str(datasets_dir), num_shards=shards)


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m swe_rl_trainer.task_datasets", description=__doc__.split("\n\n")[0])
    commands = parser.add_subparsers(dest="command", required=True)
    ex = commands.add_parser("export", help="write a JSONL task set as Parquet and/or a saved `datasets` folder")
    ex.add_argument("--tasks", type=Path, action="append", required=True, help="a JSONL task file (repeatable)")
    ex.add_argument("--parquet", type=Path, help="Parquet file to write (test lists as JSON strings)")
    ex.add_argument("--datasets", type=Path, help="folder to save_to_disk (test lists as lists)")
    ex.add_argument("--dict-split", action="append", default=[], help="save a DatasetDict: the split name of each --tasks file, in order")
    ex.add_argument("--shards", type=int, default=1, help="data files per saved split (default 1)")
    args = parser.parse_args(argv)
    try:
        export(args.tasks, parquet=args.parquet, datasets_dir=args.datasets, dict_splits=args.dict_split, shards=args.shards)
    except (ExportError, OSError, ValueError) as err:  # ValueError: a test list that is not JSON
        print(f"error: {err}", file=sys.stderr)
        return 1
    written = [str(p) for p in (args.parquet, args.datasets) if p is not None]
    print(f"exported {len(args.tasks)} task file(s) to {' and '.join(written)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
