import json
import time

import pytest

from http_helpers import chat
from swe_rl_trainer.errors import InvalidInput
from swe_rl_trainer.policy_server import PolicyServer
from swe_rl_trainer.scripted_policy import SUBMIT, UNFIXED_MARK, UNFIXED_SUBMIT, Script, ScriptBook, failing_test_files, main, plan_replies

PATCH = "--- a/pkg/mod.py\n+++ b/pkg/mod.py\n@@ -1 +1 @@\n-x = 1\n+x = 2\n"
TASK = {"instance_id": "t-1", "problem_statement": "x is 1", "patch": PATCH,
        "FAIL_TO_PASS": ["tests/test_mod.py::test_x", "tests/test_mod.py::test_y", "tests/test_other.py::test_z"]}
SYSTEM = {"role": "system", "content": "You are an agent."}


def issue(text):
    return {"role": "user", "content": f"<issue>\n{text}\n</issue>\nFix it."}


def after(messages, *replies):
    out = list(messages)
    for r in replies:
        out += [{"role": "assistant", "content": r}, {"role": "user", "content": "observation"}]
    return out


def test_the_test_plan_runs_the_failing_tests_files_between_the_fix_and_submit():
    replies = plan_replies(TASK, "view-fix-test-submit")
    assert len(replies) == 4
    assert replies[0].endswith("```\ncat pkg/mod.py\n```")
    assert "git apply" in replies[1]
    assert replies[2].endswith("```\npython3 -m pytest -q tests/test_mod.py tests/test_other.py\n```")
    assert replies[3] == SUBMIT
    assert plan_replies(TASK) == [replies[0], replies[1], replies[3]]
    with pytest.raises(InvalidInput, match="unknown plan"):
        plan_replies(TASK, "fix-only")


def test_failing_tests_stored_as_a_json_string_are_read():
    assert failing_test_files({"FAIL_TO_PASS": json.dumps(["a/t.py::x", "b/t.py::y[1]"])}) == ["a/t.py", "b/t.py"]
    assert failing_test_files({}) == []


def test_the_writer_takes_a_plan(tmp_path):
    tasks = tmp_path / "tasks.jsonl"
    tasks.write_text(json.dumps(TASK) + "\n")
    main(["--tasks", str(tasks), "--out", str(tmp_path / "script.json"), "--plan", "view-fix-test-submit"])
    book = ScriptBook.load(tmp_path / "script.json")
    assert "pytest" in book.reply(after([SYSTEM, issue("x is 1")], "a", "b"))


def test_every_nth_episode_of_a_task_submits_unfixed_and_keeps_to_that_plan():
    replies = tuple(plan_replies(TASK, "view-fix-test-submit"))
    book = ScriptBook([Script("t-1", "x is 1", replies)], unfixed_every=3)
    start = [SYSTEM, issue("x is 1")]
    firsts = [book.reply(start) for _ in range(6)]
    assert [f.startswith(UNFIXED_MARK) for f in firsts] == [False, False, True, False, False, True]
    assert book.reply(after(start, firsts[2])) == UNFIXED_SUBMIT
    assert book.reply(after(start, firsts[0])) == replies[1]
    assert book.reply(after(start, firsts[0], replies[1], replies[2])) == SUBMIT
    # counted per task: another issue starts its own count
    other = ScriptBook([Script("a", "x is 1", replies), Script("b", "y is 2", replies)], unfixed_every=2)
    assert not other.reply([SYSTEM, issue("x is 1")]).startswith(UNFIXED_MARK)
    assert not other.reply([SYSTEM, issue("y is 2")]).startswith(UNFIXED_MARK)
    assert other.reply([SYSTEM, issue("y is 2")]).startswith(UNFIXED_MARK)


def test_the_instant_server_answers_the_script_with_token_ids_and_zero_logprobs(tiny_model_dir, tokenizer):
    book = ScriptBook([Script("t-1", "x is 1", tuple(plan_replies(TASK, "view-fix-test-submit")))])
    instant = PolicyServer(tiny_model_dir, port=0, script=book, instant=True).start()
    try:
        messages = [SYSTEM, issue("x is 1")]
        started = time.perf_counter()
        status, body, _ = chat(instant.url, messages, logprobs=True, return_token_ids=True, max_tokens=512)
        assert status == 200
        choice = body["choices"][0]
        assert choice["message"]["content"] == book.reply(messages)
        ids = choice["token_ids"]
        assert ids[-1] in (tokenizer.convert_tokens_to_ids("<|im_end|>"), tokenizer.eos_token_id)
        assert tokenizer.decode(ids, skip_special_tokens=True) == choice["message"]["content"]
        assert [e["logprob"] for e in choice["logprobs"]["content"]] == [0.0] * len(ids)
        # A reply cut by max_tokens still reports "length", as a sampled one would.
        status, body, _ = chat(instant.url, messages, logprobs=True, return_token_ids=True, max_tokens=3)
        assert status == 200 and body["choices"][0]["finish_reason"] == "length" and len(body["choices"][0]["token_ids"]) == 3
        assert time.perf_counter() - started < 5
    finally:
        instant.shutdown()


def test_instant_needs_a_script(tiny_model_dir):
    with pytest.raises(ValueError, match="need a script"):
        PolicyServer(tiny_model_dir, port=0, instant=True)
