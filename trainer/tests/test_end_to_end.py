"""The whole loop without Temporal: sample from the policy server, train SFT then DAPO on what it
sampled, checkpoint, publish, and see the server serve the new policy version."""
import json
import statistics

import pytest

from http_helpers import call, chat
from swe_rl_trainer import worker
from swe_rl_trainer.policy_server import PolicyServer

UNBIASED = {"temperature": 1.0, "top_p": 1.0, "top_k": -1, "min_p": 0.0, "repetition_penalty": 1.0}
SYSTEM = {"role": "system", "content": "You are a software engineering agent. Run one command per turn."}


def assistant_message(response):
    choice = response["choices"][0]
    return {
        "role": "assistant",
        "content": choice["message"]["content"],
        "token_ids": choice["token_ids"],
        "logprobs": [entry["logprob"] for entry in choice["logprobs"]["content"]],
        "format_error": False,
    }


def run_episode(url, episode_id, task, seed):
    """Two agent turns with an observation in between, recorded the way the TypeScript side records them."""
    messages = [SYSTEM, {"role": "user", "content": task}]
    for turn in range(2):
        if turn:
            messages.append({"role": "user", "content": "OBSERVATION: 1 failed, 3 passed\n(Current directory: /testbed) bash-$"})
        history = [{"role": m["role"], "content": m["content"]} for m in messages]
        status, response, _ = chat(url, history, max_tokens=12, logprobs=True, return_token_ids=True, seed=seed + turn, **UNBIASED)
        assert status == 200, response
        messages.append(assistant_message(response))
    return {"episode_id": episode_id, "messages": messages}


def write_jsonl(path, rows):
    path.write_text("".join(json.dumps(r) + "\n" for r in rows), encoding="utf-8")
    return str(path)


@pytest.fixture
def server(tiny_model_dir):
    running = PolicyServer(tiny_model_dir, port=0).start()
    yield running
    running.shutdown()


def test_sample_train_checkpoint_publish(tmp_path, tiny_model_dir, server):
    good = run_episode(server.url, "ep-good", "The parser truncates values after '='. Fix it.", seed=1)
    bad = run_episode(server.url, "ep-bad", "Add a regression test for the config loader.", seed=2)
    sft_batch = write_jsonl(tmp_path / "sft.jsonl", [good, bad])
    dapo_batch = write_jsonl(tmp_path / "dapo.jsonl", [{**good, "advantage": 1.0}, {**bad, "advantage": -1.0}])
    common = {"run_id": "e2e", "model_path": str(tiny_model_dir), "runs_dir": str(tmp_path / "runs")}

    # Before any update the trainer reproduces the server's log-probs of the first turn: ratio 1.
    trainer = worker.REGISTRY.get("e2e", common["runs_dir"], common["model_path"])
    first_turn = good["messages"][2]
    recomputed = trainer.action_logprobs(dapo_batch)["ep-good"][: len(first_turn["token_ids"])]
    assert recomputed == pytest.approx(first_turn["logprobs"], abs=1e-4)

    sft = worker.sft_step({**common, "step": 1, "batch_path": sft_batch, "config": {"lr": 1e-4, "total_steps": 10}})
    assert sft["applied"] and sft["kind"] == "sft" and sft["num_action_tokens"] > 0

    before = trainer.action_logprobs(dapo_batch)
    dapo = worker.dapo_step({**common, "step": 2, "batch_path": dapo_batch,
                             "config": {"lr": 1e-3, "eps_low": 0.2, "eps_high": 0.3, "micro_batch_size": 1}})
    after = trainer.action_logprobs(dapo_batch)
    assert dapo["applied"] and dapo["micro_batches"] == 2 and dapo["optimizer_reset"]
    assert dapo["ratio_mean"] == pytest.approx(1.0, abs=0.05)  # nearly on-policy after a small SFT step
    assert statistics.mean(after["ep-good"]) > statistics.mean(before["ep-good"])
    assert statistics.mean(after["ep-bad"]) < statistics.mean(before["ep-bad"])

    saved = worker.save_checkpoint({**common, "step": 2})
    assert saved["step"] == 2 and saved["path"].endswith("checkpoints/step-000002")
    published = worker.publish_checkpoint({"checkpoint_path": saved["path"], "policy_server_url": server.url, "policy_version": 1})
    name = published["policy"]
    assert published == {"policy_version": 1, "policy": name} and name.endswith("@step-000002")

    assert {m["id"]: m["policy_version"] for m in call(server.url + "/v1/models")[1]["data"]}[name] == 1
    status, response, headers = chat(server.url, [SYSTEM, {"role": "user", "content": "hi"}], max_tokens=3, model=name, **UNBIASED)
    assert status == 200 and response["policy_version"] == 1 and headers["X-Policy-Version"] == "1"
