import json

import pyarrow as pa
import pyarrow.parquet as pq
import pytest
from datasets import load_from_disk

from swe_rl_trainer.task_datasets import ExportError, export, main


def _record(n, **extra):
    return {
        "instance_id": f"octo__calc-{n}",
        "repo": "octo/calc",
        "base_commit": "a" * 40,
        "problem_statement": f"bug {n}",
        "patch": "diff --git a/calc.py b/calc.py\n",
        "test_patch": "diff --git a/tests/test_calc.py b/tests/test_calc.py\n",
        "FAIL_TO_PASS": [f"tests/test_calc.py::test_{n}"],
        "PASS_TO_PASS": json.dumps(["tests/test_calc.py::test_sub"]),
        **extra,
    }


def _write_jsonl(path, records):
    path.write_text("".join(json.dumps(r) + "\n" for r in records), encoding="utf-8")
    return path


@pytest.fixture
def task_files(tmp_path):
    train = _write_jsonl(
        tmp_path / "train.jsonl",
        [
            _record(1, install_config={"python": "3.11", "pip_packages": ["pytest"], "test_cmd": "pytest -rA"}),
            _record(2, install_config=json.dumps({"python": "3.9", "pip_packages": [], "test_cmd": "python -m unittest"})),
            _record(3, install_config={"python": "3.10", "pip_packages": ["attrs"], "test_cmd": "pytest"}),
        ],
    )
    test = _write_jsonl(tmp_path / "test.jsonl", [_record(4, install_config={"python": "3.12", "pip_packages": [], "test_cmd": "pytest"})])
    return train, test


def test_parquet_has_json_string_test_lists_and_an_install_config_struct(tmp_path, task_files):
    train, test = task_files
    out = tmp_path / "set.parquet"
    export([train, test], parquet=out)
    table = pq.read_table(out)
    assert table.column("instance_id").to_pylist() == [f"octo__calc-{n}" for n in (1, 2, 3, 4)]
    assert table.schema.field("FAIL_TO_PASS").type == pa.string()
    assert [json.loads(v) for v in table.column("PASS_TO_PASS").to_pylist()] == [["tests/test_calc.py::test_sub"]] * 4
    assert pa.types.is_struct(table.schema.field("install_config").type)
    assert table.column("install_config").to_pylist()[1] == {"python": "3.9", "pip_packages": [], "test_cmd": "python -m unittest"}


def test_saved_dataset_has_list_test_lists_in_shards(tmp_path, task_files):
    train, _ = task_files
    out = tmp_path / "saved"
    export([train], datasets_dir=out, shards=2)
    state = json.loads((out / "state.json").read_text())
    assert [f["filename"] for f in state["_data_files"]] == ["data-00000-of-00002.arrow", "data-00001-of-00002.arrow"]
    saved = load_from_disk(str(out))
    assert saved["FAIL_TO_PASS"] == [[f"tests/test_calc.py::test_{n}"] for n in (1, 2, 3)]
    assert saved["PASS_TO_PASS"][0] == ["tests/test_calc.py::test_sub"]
    assert saved[2]["install_config"] == {"python": "3.10", "pip_packages": ["attrs"], "test_cmd": "pytest"}


def test_dataset_dict_has_one_split_per_task_file(tmp_path, task_files):
    train, test = task_files
    out = tmp_path / "dict"
    export([train, test], datasets_dir=out, dict_splits=["train", "test"])
    assert json.loads((out / "dataset_dict.json").read_text())["splits"] == ["train", "test"]
    saved = load_from_disk(str(out))
    assert saved["train"]["instance_id"] == ["octo__calc-1", "octo__calc-2", "octo__calc-3"]
    assert saved["test"]["instance_id"] == ["octo__calc-4"]


def test_refuses_a_split_count_that_does_not_match_the_task_files(tmp_path, task_files):
    train, test = task_files
    with pytest.raises(ExportError, match="one per file"):
        export([train, test], datasets_dir=tmp_path / "dict", dict_splits=["test"])
    assert not (tmp_path / "dict").exists()


def test_command_line_reports_records_of_mixed_types(tmp_path, capsys):
    mixed = _write_jsonl(tmp_path / "mixed.jsonl", [_record(1, version="3.1"), _record(2, version=3.1)])
    code = main(["export", "--tasks", str(mixed), "--parquet", str(tmp_path / "out.parquet")])
    assert code == 1
    assert "do not share one type per field" in capsys.readouterr().err
    assert not (tmp_path / "out.parquet").exists()


def test_keeps_fields_the_first_record_lacks(tmp_path):
    records = _write_jsonl(tmp_path / "sparse.jsonl", [_record(1), _record(2, install_config={"python": "3.9"}, hints_text="see #12")])
    export([records], parquet=tmp_path / "sparse.parquet")
    rows = pq.read_table(tmp_path / "sparse.parquet").to_pylist()
    assert [r["install_config"] for r in rows] == [None, {"python": "3.9"}]
    assert [r["hints_text"] for r in rows] == [None, "see #12"]
