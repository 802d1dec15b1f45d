import os
import subprocess
import sys
import urllib.request

import pytest

from http_helpers import call, chat
from swe_rl_trainer.policy_server import PolicyServer

MESSAGES = [{"role": "system", "content": "You are an agent."}, {"role": "user", "content": "Fix the parser bug."}]
UNBIASED = {"temperature": 1.0, "top_p": 1.0, "top_k": -1, "min_p": 0.0, "repetition_penalty": 1.0}


@pytest.fixture(scope="module")
def server(tiny_model_dir):
    running = PolicyServer(tiny_model_dir, port=0, max_context=256).start()
    yield running
    running.shutdown()


def test_health_and_models(server, tiny_model_dir):
    assert call(server.url + "/health")[:2] == (200, {"status": "ok", "policies": ["policy"]})
    status, body, _ = call(server.url + "/v1/models")
    assert status == 200
    assert body["data"] == [{
        "id": "policy", "object": "model", "owned_by": "swe-rl", "root": str(tiny_model_dir),
        "max_model_len": 256, "policy_version": 0,
    }]


def test_chat_completion_returns_vllm_shaped_tokens_and_logprobs(server, tokenizer):
    status, body, headers = chat(server.url, MESSAGES, max_tokens=8, logprobs=True, return_token_ids=True, seed=5, **UNBIASED)
    assert status == 200 and headers["X-Policy-Version"] == "0" and body["policy_version"] == 0
    assert headers["X-Policy-Name"] == "policy" and body["policy"] == body["model"] == "policy"
    choice = body["choices"][0]
    ids, entries = choice["token_ids"], choice["logprobs"]["content"]
    assert len(ids) == len(entries) == body["usage"]["completion_tokens"]
    assert choice["finish_reason"] in ("stop", "length")
    assert all(e["logprob"] <= 0 and isinstance(e["bytes"], list) and isinstance(e["token"], str) for e in entries)
    prompt = tokenizer.apply_chat_template(MESSAGES, tokenize=False, add_generation_prompt=True)
    assert body["prompt_token_ids"] == tokenizer.encode(prompt, add_special_tokens=False)
    assert body["usage"]["total_tokens"] == len(body["prompt_token_ids"]) + len(ids)
    assert b"".join(bytes(e["bytes"]) for e in entries).decode("utf-8", "replace") == tokenizer.decode(ids)
    assert choice["message"]["content"] == tokenizer.decode(ids, skip_special_tokens=True)


def test_same_seed_same_tokens_and_no_token_ids_unless_asked(server):
    first = chat(server.url, MESSAGES, max_tokens=6, seed=11, return_token_ids=True)[1]
    second = chat(server.url, MESSAGES, max_tokens=6, seed=11, return_token_ids=True)[1]
    assert first["choices"][0]["token_ids"] == second["choices"][0]["token_ids"]
    plain = chat(server.url, MESSAGES, max_tokens=2)[1]
    assert "token_ids" not in plain["choices"][0] and "prompt_token_ids" not in plain
    assert plain["choices"][0]["logprobs"] is None


def test_prompt_over_the_context_limit_is_a_vllm_like_400(server):
    status, body, _ = chat(server.url, [{"role": "user", "content": "word " * 400}], max_tokens=5)
    assert status == 400
    assert "maximum context length" in body["error"]["message"]
    assert body["error"]["code"] == 400 and body["error"]["type"] == "BadRequestError"
    status, body, _ = chat(server.url, MESSAGES, max_tokens=250)  # prompt fits, prompt + completion does not
    assert status == 400 and "maximum context length is 256 tokens" in body["error"]["message"]


@pytest.mark.parametrize("fields, field", [
    ({"temperature": "hot"}, "temperature"),
    ({"top_p": 0}, "top_p"),
    ({"top_k": -2}, "top_k"),
    ({"max_tokens": 0}, "max_tokens"),
    ({"n": 2}, "n"),
    ({"stop": [1]}, "stop"),
    ({"logprobs": "yes"}, "logprobs"),
    ({"messages": []}, "messages"),
    ({"messages": [{"role": "user"}]}, "messages[0].content"),
])
def test_malformed_requests_get_400_naming_the_field(server, fields, field):
    status, body, _ = call(server.url + "/v1/chat/completions", "POST", {"messages": MESSAGES, **fields})
    assert status == 400
    assert body["error"]["param"] == field and field in body["error"]["message"]


def test_invalid_json_unknown_route_and_unknown_model(server):
    assert call(server.url + "/v1/chat/completions", "POST", raw=b"{oops")[0] == 400
    assert call(server.url + "/v2/nothing")[0] == 404
    status, body, headers = chat(server.url, MESSAGES, model="gpt-9", max_tokens=1)
    assert status == 404 and "X-Policy-Name" not in headers
    assert body["error"] == {"message": "The model `gpt-9` does not exist.", "type": "NotFoundError", "param": "model", "code": 404}
    assert chat(server.url, MESSAGES, model="policy", max_tokens=1)[0] == 200


def test_cli_prints_its_address_when_ready(tiny_model_dir):
    env = {**os.environ, "PYTHONUNBUFFERED": "1"}
    process = subprocess.Popen(
        [sys.executable, "-m", "swe_rl_trainer.policy_server", "--model", str(tiny_model_dir), "--port", "0", "--max-context", "512",
         "--served-model-name", "base@step-000000", "--max-policies", "2"],
        stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True, env=env,
    )
    try:
        line = process.stdout.readline().strip()
        assert line.startswith("policy server listening on http://127.0.0.1:")
        url = line.rsplit(" ", 1)[1]
        with urllib.request.urlopen(url + "/health", timeout=30) as response:
            assert response.status == 200
        model = call(url + "/v1/models")[1]["data"][0]
        assert (model["id"], model["max_model_len"]) == ("base@step-000000", 512)
    finally:
        process.terminate()
        process.wait(timeout=30)
