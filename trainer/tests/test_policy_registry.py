"""The policy server holds several named policies: runs and evaluations share one server."""
import shutil

import pytest

from http_helpers import call, chat
from swe_rl_trainer.generation import generate
from swe_rl_trainer.policy_server import PolicyServer
from swe_rl_trainer.sampling import SamplingParams
from swe_rl_trainer.tiny_model import build_tiny_model

MESSAGES = [{"role": "user", "content": "Fix the parser bug."}]
RUN_A, RUN_B, RUN_C = "run-a@step-000001", "run-b@step-000001", "run-c@step-000001"


@pytest.fixture(scope="module")
def checkpoints(tmp_path_factory):
    """Three runs' step-1 checkpoints, each with its own weights."""
    runs = tmp_path_factory.mktemp("runs")
    return {
        name: build_tiny_model(runs / name.split("@")[0] / "checkpoints" / "step-000001", seed=seed)
        for name, seed in ((RUN_A, 1), (RUN_B, 2), (RUN_C, 3))
    }


@pytest.fixture
def server(tiny_model_dir):
    running = PolicyServer(tiny_model_dir, port=0, max_policies=3).start()
    yield running
    running.shutdown()


def load(server, name, path, **extra):
    return call(server.url + "/admin/load_checkpoint", "POST", {"path": str(path), "policy": name, **extra})


def sampled(server, model=None):
    fields = {"model": model} if model else {}
    status, body, headers = chat(server.url, MESSAGES, max_tokens=6, seed=7, logprobs=True, **fields)
    assert status == 200, body
    return body, headers


def logprobs(body):
    """What a policy's weights show: the same seed can sample the same tokens from similar models."""
    return [entry["logprob"] for entry in body["choices"][0]["logprobs"]["content"]]


def test_two_runs_side_by_side_each_answered_by_its_own_policy(server, checkpoints, tiny_model_dir):
    assert load(server, RUN_A, checkpoints[RUN_A], policy_version=1)[:2] == (200, {
        "status": "ok", "policy": RUN_A, "path": str(checkpoints[RUN_A]), "policy_version": 1, "loaded": True})
    assert load(server, RUN_B, checkpoints[RUN_B], policy_version=1)[0] == 200

    answers = {name: sampled(server, name) for name in (RUN_A, RUN_B)}
    for name, (body, headers) in answers.items():
        assert body["policy"] == body["model"] == headers["X-Policy-Name"] == name
        assert body["policy_version"] == 1 and headers["X-Policy-Version"] == "1"
    base, _ = sampled(server)  # no model: the pinned one
    assert base["policy"] == "policy" and base["policy_version"] == 0
    assert len({tuple(logprobs(b)) for b in (answers[RUN_A][0], answers[RUN_B][0], base)}) == 3

    models = {m["id"]: m for m in call(server.url + "/v1/models")[1]["data"]}
    assert {name: m["root"] for name, m in models.items()} == {
        "policy": str(tiny_model_dir), RUN_A: str(checkpoints[RUN_A]), RUN_B: str(checkpoints[RUN_B])}
    assert sorted(call(server.url + "/health")[1]["policies"]) == sorted(["policy", RUN_A, RUN_B])


def test_publishing_again_is_idempotent_and_another_path_is_a_409(server, checkpoints):
    assert load(server, RUN_A, checkpoints[RUN_A])[1]["loaded"] is True
    model = server.registry.get(RUN_A).model
    status, body, _ = load(server, RUN_A, str(checkpoints[RUN_A]) + "/")  # the same folder, spelt differently
    assert (status, body["loaded"], body["policy_version"]) == (200, False, 0)
    assert server.registry.get(RUN_A).model is model

    status, body, _ = load(server, RUN_A, checkpoints[RUN_B])
    assert status == 409 and body["error"]["type"] == "ConflictError"
    message = body["error"]["message"]
    assert RUN_A in message and str(checkpoints[RUN_A]) in message and str(checkpoints[RUN_B]) in message
    assert sampled(server, RUN_A)[0]["policy"] == RUN_A


def test_a_checkpoint_rewritten_at_the_same_path_is_reloaded(server, checkpoints, tmp_path):
    path = shutil.copytree(checkpoints[RUN_A], tmp_path / "run-r" / "checkpoints" / "step-000002")
    assert load(server, "run-r@step-000002", path, policy_version=2)[1]["loaded"] is True
    before = logprobs(sampled(server, "run-r@step-000002")[0])
    # a resumed run writes step 2 again: same path, same size, other weights
    shutil.copyfile(checkpoints[RUN_B] / "model.safetensors", path / "model.safetensors")
    assert load(server, "run-r@step-000002", path, policy_version=2)[1]["loaded"] is True
    after = logprobs(sampled(server, "run-r@step-000002")[0])
    load(server, RUN_B, checkpoints[RUN_B])
    assert after != before and after == logprobs(sampled(server, RUN_B)[0])
    assert load(server, "run-r@step-000002", path, policy_version=2)[1]["loaded"] is False


def test_least_recently_used_policies_are_evicted_and_then_unknown(server, checkpoints):
    load(server, RUN_A, checkpoints[RUN_A])
    load(server, RUN_B, checkpoints[RUN_B])
    sampled(server, RUN_A)  # A is now used more recently than B
    load(server, RUN_C, checkpoints[RUN_C])  # max 3: the pinned policy, A, C
    assert sorted(call(server.url + "/health")[1]["policies"]) == sorted(["policy", RUN_A, RUN_C])
    status, body, _ = chat(server.url, MESSAGES, model=RUN_B, max_tokens=1)
    assert status == 404 and body["error"]["message"] == f"The model `{RUN_B}` does not exist."
    assert load(server, RUN_B, checkpoints[RUN_B])[1]["loaded"] is True  # publishing heals it


def test_the_pinned_policy_is_never_evicted_and_requests_keep_theirs(tiny_model_dir, checkpoints, tokenizer):
    server = PolicyServer(tiny_model_dir, port=0, served_model_name="base@step-000000", max_policies=1)
    try:
        registry = server.registry
        registry.load(RUN_A, str(checkpoints[RUN_A]), 1)
        in_flight = registry.get(RUN_A)
        registry.load(RUN_B, str(checkpoints[RUN_B]), 1)  # the newest and the pinned one stay
        assert [p.name for p in registry.all()] == ["base@step-000000", RUN_B]
        result = generate(in_flight.model, in_flight.tokenizer, tokenizer.encode("hi"), max_tokens=3,
                          params=SamplingParams(), eos_token_ids=in_flight.eos_token_ids, seed=1)
        assert len(result.token_ids) >= 1  # an evicted policy still serves the request holding it
        assert registry.get().name == "base@step-000000"
    finally:
        server.httpd.server_close()


@pytest.mark.parametrize("fields, param", [
    ({"policy": "bad name!"}, "policy"),
    ({"policy": "x" * 201}, "policy"),
    ({"policy": ""}, "policy"),
    ({}, "policy"),
    ({"policy": RUN_A, "policy_version": -1}, "policy_version"),
    ({"policy": RUN_A, "policy_version": "1"}, "policy_version"),
    ({"policy": RUN_A, "path": ""}, "path"),
])
def test_bad_load_requests_are_400_naming_the_field(server, checkpoints, fields, param):
    status, body, _ = call(server.url + "/admin/load_checkpoint", "POST", {"path": str(checkpoints[RUN_A]), **fields})
    assert status == 400 and body["error"]["param"] == param


def test_a_missing_checkpoint_is_400_and_loads_nothing(server, tmp_path):
    status, body, _ = load(server, RUN_A, tmp_path / "nope")
    assert status == 400 and "does not exist" in body["error"]["message"]
    assert call(server.url + "/health")[1]["policies"] == ["policy"]
