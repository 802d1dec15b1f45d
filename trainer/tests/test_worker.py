import pytest
from temporalio.exceptions import ApplicationError
from temporalio.testing import ActivityEnvironment

from batch_helpers import simple_trajectory, write_batch
from swe_rl_trainer.policy_server import PolicyServer
from swe_rl_trainer.worker import (
    ACTIVITIES, TASK_QUEUE, dapo_step, publish_checkpoint, save_checkpoint, sft_step, trainer_info,
)


def test_trainer_info_reports_torch_and_device():
    info = trainer_info()
    assert info["device"] in ("cpu", "cuda")
    assert info["torch"].split(".")[0].isdigit()
    assert isinstance(info["worker_pid"], int)


def test_activities_are_registered_under_the_names_typescript_calls():
    names = {a.__temporal_activity_definition.name for a in ACTIVITIES}
    assert names == {"trainer_info", "sft_step", "dapo_step", "recompute_logprobs", "save_checkpoint", "publish_checkpoint",
                     "acquire_run", "rollback_run", "track_run"}
    assert TASK_QUEUE == "swe-rl-trainer"


@pytest.fixture
def request_base(tmp_path, tiny_model_dir, tokenizer):
    batch = write_batch(tmp_path / "batch.jsonl", [
        simple_trajectory(tokenizer, f"ep-{i}", f"task {i}", ["ls -la", "submit"], advantage=(-1.0) ** i) for i in range(3)
    ])
    return {"run_id": "worker-run", "model_path": str(tiny_model_dir), "runs_dir": str(tmp_path / "runs"), "batch_path": batch}


def test_steps_heartbeat_per_phase_and_micro_batch_and_retries_apply_nothing(request_base):
    env = ActivityEnvironment()
    beats = []
    env.on_heartbeat = lambda *details: beats.append(details[0])
    request = {**request_base, "step": 1, "config": {"lr": 1e-3, "micro_batch_size": 2}}
    result = env.run(dapo_step, request)
    assert result["applied"] is True and result["micro_batches"] == 2
    assert [b["phase"] for b in beats[:2]] == ["load", "tokenise"]
    assert [b["micro_batch"] for b in beats if "micro_batch" in b] == [1, 2]
    assert all(b["step"] == 1 for b in beats)
    retried = env.run(dapo_step, request)
    assert retried == {**result, "applied": False}


def test_a_long_phase_keeps_heartbeating(request_base, monkeypatch):
    """A save that blocks for 1.5 s still beats every 0.2 s: a short heartbeat timeout holds."""
    from swe_rl_trainer import checkpoints
    import time

    monkeypatch.setenv("SWE_RL_TRAINER_HEARTBEAT_SECONDS", "0.2")
    env = ActivityEnvironment()
    env.run(dapo_step, {**request_base, "step": 1, "config": {"lr": 1e-3}})
    real_save = checkpoints.save_checkpoint

    def slow_save(*args, **kwargs):
        time.sleep(1.5)
        return real_save(*args, **kwargs)

    monkeypatch.setattr(checkpoints, "save_checkpoint", slow_save)
    beats = []
    env.on_heartbeat = lambda *details: beats.append((time.monotonic(), details[0]))
    saved = env.run(save_checkpoint, {**request_base, "step": 1, "keep_last": 2})
    during_save = [t for t, b in beats if b["phase"] == "save"]
    assert len(during_save) >= 5
    gaps = [b - a for a, b in zip(during_save, during_save[1:])]
    assert max(gaps) < 0.6
    assert saved["removed_steps"] == []


def invalid_input(run):
    with pytest.raises(ApplicationError) as caught:
        run()
    assert caught.value.type == "InvalidInput" and caught.value.non_retryable
    return str(caught.value)


def test_bad_input_is_a_non_retryable_invalid_input(request_base, tmp_path):
    env = ActivityEnvironment()
    assert "run_id" in invalid_input(lambda: env.run(sft_step, {**request_base, "run_id": None, "step": 1}))
    assert "run_id must match" in invalid_input(lambda: env.run(sft_step, {**request_base, "run_id": "../escape", "step": 1}))
    assert "input.step" in invalid_input(lambda: env.run(dapo_step, {**request_base, "step": "1"}))
    nan_batch = tmp_path / "nan.jsonl"
    nan_batch.write_text('{"episode_id": "ep-x", "advantage": NaN, "messages": [{"role": "user", "content": "x"}]}\n')
    assert "ep-x" in invalid_input(lambda: env.run(dapo_step, {**request_base, "step": 1, "batch_path": str(nan_batch)}))
    assert "skips ahead" in invalid_input(lambda: env.run(dapo_step, {**request_base, "step": 5}))
    assert "config.eps_low" in invalid_input(lambda: env.run(dapo_step, {**request_base, "step": 1, "config": {"eps_low": -1}}))
    assert "does not exist" in invalid_input(lambda: env.run(sft_step, {**request_base, "run_id": "other", "step": 1, "model_path": str(tmp_path / "none")}))


def test_save_then_publish_checkpoint(request_base, tiny_model_dir):
    env = ActivityEnvironment()
    env.run(sft_step, {**request_base, "step": 1, "config": {"total_steps": 5}})
    common = {k: request_base[k] for k in ("run_id", "runs_dir", "model_path")}
    saved = env.run(save_checkpoint, {**common, "step": 1})
    assert saved["step"] == 1 and saved["path"].endswith("step-000001")
    assert env.run(save_checkpoint, {**common, "step": 1}) == saved
    assert "weights are at step 1" in invalid_input(lambda: env.run(save_checkpoint, {**common, "step": 2}))

    server = PolicyServer(tiny_model_dir, port=0).start()
    try:
        request = {"checkpoint_path": saved["path"], "policy_server_url": server.url, "policy_version": 1}
        named = {"policy_version": 1, "policy": "worker-run@step-000001"}  # named after the run and step
        assert env.run(publish_checkpoint, request) == named
        assert env.run(publish_checkpoint, request) == named  # a retry is harmless
        # Another run's checkpoint is served beside it, under its own name.
        assert env.run(publish_checkpoint, {**request, "policy": "other-run@step-000001"})["policy"] == "other-run@step-000001"
        refused = lambda: env.run(publish_checkpoint, {**request, "policy": named["policy"], "checkpoint_path": str(tiny_model_dir)})
        with pytest.raises(ApplicationError) as caught:
            refused()
        assert caught.value.type == "PublishRejected" and caught.value.non_retryable and "409" in str(caught.value)
    finally:
        server.shutdown()


def test_publishing_to_an_unreachable_server_stays_retryable(tmp_path):
    with pytest.raises(Exception) as caught:
        ActivityEnvironment().run(publish_checkpoint, {
            "checkpoint_path": str(tmp_path), "policy_server_url": "http://127.0.0.1:9", "policy_version": 1})
    assert not isinstance(caught.value, ApplicationError) or not caught.value.non_retryable
