import json
import math

import pytest

from batch_helpers import write_batch
from http_helpers import chat
from swe_rl_trainer.errors import InvalidInput
from swe_rl_trainer.policy_server import PolicyServer
from swe_rl_trainer.scripted_policy import SUBMIT, Script, ScriptBook, gold_patch_replies, main
from swe_rl_trainer.trainer import Trainer

PATCH = "--- a/pkg/mod.py\n+++ b/pkg/mod.py\n@@ -1 +1 @@\n-x = 1\n+x = 2\n"
SYSTEM = {"role": "system", "content": "You are an agent."}


def issue(text):
    return {"role": "user", "content": f"<issue>\n{text}\n</issue>\nFix it."}


def test_a_script_is_found_by_its_issue_and_played_turn_by_turn():
    book = ScriptBook([Script("a", "The parser drops fields.", ("one", "two")), Script("b", "The parser drops fields. Also commas.", ("other",))],
                      default=("fallback",))
    assert book.reply([SYSTEM, issue("The parser drops fields.")]) == "one"
    assert book.reply([SYSTEM, issue("The parser drops fields."), {"role": "assistant", "content": "one"}, {"role": "user", "content": "obs"}]) == "two"
    three_in = [SYSTEM, issue("The parser drops fields.")] + [{"role": "assistant", "content": "x"}] * 2
    assert book.reply(three_in) == SUBMIT
    assert book.reply([SYSTEM, issue("The parser drops fields. Also commas.")]) == "other"  # the longer issue wins
    assert book.reply([SYSTEM, issue("Something else.")]) == "fallback"


def test_gold_patch_becomes_view_apply_submit():
    replies = gold_patch_replies({"instance_id": "t-1", "patch": PATCH})
    assert replies[0].endswith("```\ncat pkg/mod.py\n```")
    assert f"git apply <<'SWE_RL_PATCH'\n{PATCH}SWE_RL_PATCH\n```" in replies[1]
    assert replies[2] == SUBMIT
    with pytest.raises(InvalidInput, match="no gold patch"):
        gold_patch_replies({"instance_id": "t-2", "patch": ""})


def test_bad_script_files_are_named(tmp_path):
    bad = tmp_path / "bad.json"
    bad.write_text(json.dumps({"scripts": [{"issue": "x", "replies": "not a list"}]}))
    with pytest.raises(InvalidInput, match=r"scripts\[0\] needs a non-empty 'issue' and 'replies'"):
        ScriptBook.load(bad)
    with pytest.raises(InvalidInput, match="cannot be read"):
        ScriptBook.load(tmp_path / "missing.json")


def test_the_writer_turns_a_task_file_into_scripts(tmp_path):
    tasks = tmp_path / "tasks.jsonl"
    tasks.write_text(json.dumps({"instance_id": "t-1", "problem_statement": "  x is 1  ", "patch": PATCH}) + "\n")
    main(["--tasks", str(tasks), "--out", str(tmp_path / "script.json")])
    book = ScriptBook.load(tmp_path / "script.json")
    assert book.reply([SYSTEM, issue("x is 1")]) == gold_patch_replies({"patch": PATCH})[0]


def test_the_server_answers_from_the_script_with_token_ids_and_the_models_logprobs(tmp_path, tiny_model_dir, tokenizer):
    book = ScriptBook([Script("t-1", "x is 1", tuple(gold_patch_replies({"patch": PATCH})))])
    server = PolicyServer(tiny_model_dir, port=0, script=book).start()
    try:
        messages = [SYSTEM, issue("x is 1")]
        status, body, _ = chat(server.url, messages, logprobs=True, return_token_ids=True, max_tokens=512)
        assert status == 200
        choice = body["choices"][0]
        assert choice["message"]["content"] == book.reply(messages)
        ids = choice["token_ids"]
        assert ids[-1] == tokenizer.convert_tokens_to_ids("<|im_end|>") or ids[-1] == tokenizer.eos_token_id
        assert tokenizer.decode(ids, skip_special_tokens=True) == choice["message"]["content"]
        logprobs = [entry["logprob"] for entry in choice["logprobs"]["content"]]
        assert len(logprobs) == len(ids) and all(math.isfinite(lp) and lp <= 0 for lp in logprobs)

        # The trainer takes a step on a scripted trajectory: the ids are what its chat template gives.
        turn = {"role": "assistant", "content": choice["message"]["content"], "token_ids": ids, "logprobs": logprobs, "format_error": False}
        batch = write_batch(tmp_path / "batch.jsonl", [
            {"episode_id": "ep-1", "advantage": 1.0, "messages": messages + [turn]},
            {"episode_id": "ep-2", "advantage": -1.0, "messages": messages + [turn]},
        ])
        trainer = Trainer("scripted", tmp_path / "runs", tiny_model_dir, device="cpu")
        result = trainer.dapo_step(1, batch, {"lr": 1e-3})
        assert result["applied"] and result["ratio_mean"] == pytest.approx(1.0, abs=1e-3)

        second = messages + [{"role": "assistant", "content": choice["message"]["content"]}, {"role": "user", "content": "output"}]
        assert chat(server.url, second, max_tokens=512)[1]["choices"][0]["message"]["content"].startswith("Now I apply the fix.")
    finally:
        server.shutdown()
