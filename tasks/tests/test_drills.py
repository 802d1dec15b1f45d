"""Tests of the drill suite and of the demonstrations the local base is warm-started on."""
import json
import os
import random
import subprocess
import sys

import pytest

from drill_demos import SOURCE_FILES, ToolRunner, demonstration, made_up_noun
from drill_families import EDITS, FAMILIES
from drills import EVAL_NOUNS, TRAIN_NOUNS, drill_specs, module_source, random_spec
from generate_drills import generate_drills
from task_check import check_task

HERE = os.path.dirname(os.path.abspath(__file__))
BUILTIN = os.path.join(HERE, "..", "builtin")
PROMPTS = {"system": "SYSTEM", "user": "<issue>\n{issue}\n</issue>\nprompt line", "formatError": "FORMAT ERROR"}


@pytest.fixture(scope="module")
def suite(tmp_path_factory):
    out = str(tmp_path_factory.mktemp("drills"))
    generate_drills(out)
    records = {}
    for split in ("train", "eval"):
        with open(os.path.join(out, f"{split}.jsonl")) as handle:
            records[split] = [json.loads(line) for line in handle]
    return out, records


def test_every_family_fix_is_its_one_edit_and_every_other_edit_fails_to_apply():
    rng = random.Random(3)
    for family in FAMILIES:
        spec = random_spec(rng, family, ("widgets",))
        fixed = module_source(spec)
        buggy = fixed.replace(family.fixed, family.buggy)
        assert buggy != fixed
        search, replacement = family.edit
        assert buggy.count(search) == 1, family.name
        assert buggy.replace(search, replacement) == fixed, family.name
        for other in EDITS:
            if other != family.edit:
                assert other[0] not in buggy, f"{family.name}: {other[0]!r} would apply"


def test_split_sizes_and_nouns_never_shared_between_train_and_eval(suite):
    _, records = suite
    assert len(records["train"]) == 8 * len(FAMILIES)
    assert len(records["eval"]) == 2 * len(FAMILIES)
    for split, nouns in (("train", TRAIN_NOUNS), ("eval", EVAL_NOUNS)):
        for record in records[split]:
            noun = record["instance_id"].split("__")[1].split("-")[0]
            assert noun in nouns and record["split"] == split
    assert not set(TRAIN_NOUNS) & set(EVAL_NOUNS)
    families = {r["bug_family"] for r in records["eval"]}
    assert families == {f.name for f in FAMILIES}


def test_generation_is_reproducible(tmp_path):
    first = generate_drills(str(tmp_path / "a"))
    second = generate_drills(str(tmp_path / "b"))
    assert [r["base_commit"] for r in first] == [r["base_commit"] for r in second]
    assert drill_specs(0, 8, 2) == drill_specs(0, 8, 2)
    assert drill_specs(0, 8, 2) != drill_specs(1, 8, 2)


@pytest.mark.parametrize("split", ["train", "eval"])
def test_drills_are_valid_tasks_gold_patch_passes_and_bug_fails(suite, split):
    out, records = suite
    # One drill per family and split keeps this quick; tasks/builtin/check.py-style checks run on each.
    seen = set()
    for record in records[split]:
        if record["bug_family"] in seen:
            continue
        seen.add(record["bug_family"])
        assert check_task(record, os.path.join(out, "repos")) == [], record["instance_id"]


def test_demonstrations_use_made_up_names_and_the_real_tool_output():
    rng = random.Random(0)
    runner = ToolRunner()
    options = {"fix_rate": 1.0, "test_rate": 0.0, "informed": 1.0, "format_noise": 0.0}
    for _ in range(40):
        demo = demonstration(rng, PROMPTS, runner, options)
        text = json.dumps(demo)
        assert not any(f"_{noun}" in text for noun in EVAL_NOUNS + TRAIN_NOUNS)
        roles = [m["role"] for m in demo["messages"]]
        assert roles == ["system", "user", "assistant", "user", "assistant", "user", "assistant"]
        assert f"cat $({SOURCE_FILES})" in demo["messages"][2]["content"]
        replaced = demo["messages"][5]["content"]
        assert replaced.startswith("Replaced 1 occurrence in /testbed/") and demo["edit_is_fix"]
        assert "current file: /testbed/" in replaced
        assert demo["messages"][6]["content"].endswith("```bash\nsubmit\n```")


def test_demonstration_behaviours_follow_the_rates_and_format_noise_adds_a_rejected_reply():
    rng = random.Random(1)
    runner = ToolRunner()
    options = {"fix_rate": 0.2, "test_rate": 0.3, "informed": 0.0, "format_noise": 1.0}
    demos = [demonstration(rng, PROMPTS, runner, options) for _ in range(400)]
    counts = {b: sum(d["behaviour"] == b for d in demos) for b in ("fix", "tests", "submit")}
    assert 50 <= counts["fix"] <= 110 and 90 <= counts["tests"] <= 150 and 160 <= counts["submit"] <= 240
    fixes = [d for d in demos if d["behaviour"] == "fix"]
    assert sum(d["edit_is_fix"] for d in fixes) < len(fixes) / 2  # informed = 0: the edit is a guess
    for d in demos:
        if d["behaviour"] != "submit":
            assert "FORMAT ERROR" in [m["content"] for m in d["messages"]]


def test_made_up_nouns_never_collide_with_eval_nouns():
    rng = random.Random(0)
    words = {made_up_noun(rng) for _ in range(2000)}
    assert not words & set(EVAL_NOUNS)
    assert len(words) > 1000


def test_demo_cli_refuses_bad_rates(tmp_path):
    prompts = tmp_path / "prompts.json"
    prompts.write_text(json.dumps(PROMPTS))
    done = subprocess.run(
        [sys.executable, os.path.join(BUILTIN, "drill_demos.py"), "--prompts", str(prompts), "--out", str(tmp_path / "d.jsonl"), "--fix-rate", "0.8", "--test-rate", "0.5"],
        capture_output=True, text=True,
    )
    assert done.returncode != 0 and "at most 1" in done.stderr
    (tmp_path / "bad.json").write_text("{}")
    done = subprocess.run(
        [sys.executable, os.path.join(BUILTIN, "drill_demos.py"), "--prompts", str(tmp_path / "bad.json"), "--out", str(tmp_path / "d.jsonl")],
        capture_output=True, text=True,
    )
    assert done.returncode != 0 and "no 'system' field" in done.stderr
