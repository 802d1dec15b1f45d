"""One trainer process per run: the lease, catching up with the ledger, and rolling a run back."""
import pytest
from temporalio.exceptions import ApplicationError
from temporalio.testing import ActivityEnvironment

from batch_helpers import simple_trajectory, write_batch
from swe_rl_trainer import worker
from swe_rl_trainer.rollback import roll_back
from swe_rl_trainer.run_lease import RunLease, read_owner
from swe_rl_trainer.trainer import Trainer
from swe_rl_trainer.trainer_registry import RunHeldElsewhere, TrainerRegistry
from weights import weights_digest

FAST = {"lr": 1e-3}


@pytest.fixture
def batches(tmp_path, tokenizer):
    return [
        write_batch(tmp_path / f"batch-{k}.jsonl", [
            simple_trajectory(tokenizer, f"ep-{k}-{i}", f"task {k} {i}", ["ls -la", "submit"], advantage=(-1.0) ** i) for i in range(2)
        ])
        for k in range(4)
    ]


def owner(name):
    return {"worker_id": name, "task_queue": f"swe-rl-trainer@{name}", "host": "test", "pid": 0}


def test_a_run_is_held_by_one_registry_at_a_time_and_freed_when_released(tmp_path, tiny_model_dir):
    runs = tmp_path / "runs"
    first, second = TrainerRegistry(owner=owner("a")), TrainerRegistry(owner=owner("b"))
    first.get("run-x", runs, tiny_model_dir)
    with pytest.raises(RunHeldElsewhere) as caught:
        second.get("run-x", runs, tiny_model_dir)
    assert caught.value.owner["task_queue"] == "swe-rl-trainer@a"
    assert read_owner(runs / "run-x")["worker_id"] == "a"
    first.clear()
    assert second.get("run-x", runs, tiny_model_dir).step == 0
    assert read_owner(runs / "run-x")["worker_id"] == "b"
    second.clear()


def test_eviction_releases_the_lease(tmp_path, tiny_model_dir):
    runs = tmp_path / "runs"
    registry = TrainerRegistry(max_loaded=1, owner=owner("a"))
    registry.get("run-1", runs, tiny_model_dir)
    registry.get("run-2", runs, tiny_model_dir)
    assert not registry.holds("run-1", runs)
    lease = RunLease.try_acquire(runs / "run-1", owner("b"))
    assert lease is not None
    lease.release()
    registry.clear()


def test_a_trainer_behind_the_ledger_replays_before_it_steps(tmp_path, tiny_model_dir, batches):
    runs = tmp_path / "runs"
    stale = Trainer("run-c", runs, tiny_model_dir, device="cpu")
    stale.dapo_step(1, batches[0], FAST)
    # Another process took the run over and applied step 2 (stale's weights are still at step 1).
    other = Trainer("run-c", runs, tiny_model_dir, device="cpu")
    assert other.step == 1  # it replayed step 1 from the ledger
    other.dapo_step(2, batches[1], FAST)
    stale.catch_up()
    assert stale.step == 2 and weights_digest(stale) == weights_digest(other)
    applied = stale.dapo_step(3, batches[2], FAST)
    assert applied["applied"] is True

    reference = Trainer("run-ref", runs, tiny_model_dir, device="cpu")
    for step, batch in enumerate(batches[:3], start=1):
        reference.dapo_step(step, batch, FAST)
    assert weights_digest(stale) == weights_digest(reference)


def test_roll_back_moves_later_steps_and_checkpoints_aside(tmp_path, tiny_model_dir, batches):
    runs = tmp_path / "runs"
    trainer = Trainer("run-r", runs, tiny_model_dir, device="cpu")
    for step, batch in enumerate(batches, start=1):
        trainer.dapo_step(step, batch, FAST)
        if step in (2, 3):
            trainer.save_checkpoint(step)
    moved = roll_back(runs / "run-r", 2)
    assert moved["abandoned_steps"] == [3, 4] and moved["abandoned_checkpoints"] == [3]
    assert sorted(p.name for p in (runs / "run-r" / "steps").iterdir()) == ["step-000001.json", "step-000002.json"]
    assert (tmp_path / moved["moved_to"] / "steps" / "step-000004.json").is_file()
    reloaded = Trainer("run-r", runs, tiny_model_dir, device="cpu")
    reference = Trainer("run-ref2", runs, tiny_model_dir, device="cpu")
    for step, batch in enumerate(batches[:2], start=1):
        reference.dapo_step(step, batch, FAST)
    assert reloaded.step == 2 and weights_digest(reloaded) == weights_digest(reference)
    # The redone step 3 is a new step on another batch, applied once.
    assert reloaded.dapo_step(3, batches[1], FAST)["applied"] is True
    assert roll_back(runs / "run-r", 3)["abandoned_steps"] == []


def test_acquire_run_answers_with_the_holders_queue_and_steps_elsewhere_are_refused(tmp_path, tiny_model_dir, batches, monkeypatch):
    monkeypatch.setattr(worker, "REGISTRY", TrainerRegistry(owner=owner("here")))
    identity = {"run_id": "run-q", "runs_dir": str(tmp_path / "runs"), "model_path": str(tiny_model_dir)}
    env = ActivityEnvironment()
    assert env.run(worker.acquire_run, identity) == {"task_queue": "swe-rl-trainer@here", "worker_id": "here", "step": 0}
    worker.REGISTRY.clear()

    elsewhere = TrainerRegistry(owner=owner("there"))
    elsewhere.get("run-q", identity["runs_dir"], tiny_model_dir)
    assert env.run(worker.acquire_run, identity)["task_queue"] == "swe-rl-trainer@there"
    with pytest.raises(ApplicationError) as caught:
        env.run(worker.dapo_step, {**identity, "step": 1, "batch_path": batches[0], "config": FAST})
    assert caught.value.type == "TrainerNotOwner" and not caught.value.non_retryable
    elsewhere.clear()
    assert env.run(worker.dapo_step, {**identity, "step": 1, "batch_path": batches[0], "config": FAST})["applied"] is True
    worker.REGISTRY.clear()


def test_rollback_run_activity_reloads_at_the_step(tmp_path, tiny_model_dir, batches, monkeypatch):
    monkeypatch.setattr(worker, "REGISTRY", TrainerRegistry(owner=owner("here")))
    identity = {"run_id": "run-b", "runs_dir": str(tmp_path / "runs"), "model_path": str(tiny_model_dir)}
    env = ActivityEnvironment()
    for step in (1, 2, 3):
        env.run(worker.dapo_step, {**identity, "step": step, "batch_path": batches[step - 1], "config": FAST})
    moved = env.run(worker.rollback_run, {**identity, "to_step": 1})
    assert moved["abandoned_steps"] == [2, 3]
    assert env.run(worker.acquire_run, identity)["step"] == 1
    with pytest.raises(ApplicationError) as caught:
        env.run(worker.rollback_run, {**identity, "to_step": 7})
    assert caught.value.type == "InvalidInput"
    worker.REGISTRY.clear()
