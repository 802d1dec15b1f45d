"""Offline W&B and a file-store MLflow, configured for a run that is synced, grows, is resumed in a
fresh process state and synced again: one tracked run each, every point once."""
from __future__ import annotations

import pytest

from swe_rl_trainer.errors import InvalidInput
from swe_rl_trainer.tracking import TrackingConfig, sync_run
from swe_rl_trainer.tracking.tracking_state import TrackingState
from tracking_run_folder import append_row, evaluation, metrics_row, step_record, wandb_history, wandb_points

RUN = "tracked-run"


def config(tmp_path):
    return {"tensorboard": False, "wandb": {"project": "swe-rl-test", "mode": "offline"},
            "mlflow": {"trackingUri": str(tmp_path / "mlruns"), "experiment": "swe-rl-test"}}


def mlflow_history(tmp_path, run_id, key):
    from mlflow.tracking import MlflowClient

    client = MlflowClient(tracking_uri=(tmp_path / "mlruns").as_uri())
    return [(m.step, m.value) for m in client.get_metric_history(run_id, key)]


def test_offline_wandb_and_mlflow_continue_one_run_without_repeats(tmp_path):
    run_dir = tmp_path / "runs" / RUN
    for step in (1, 2):
        step_record(run_dir, step, "sft", loss=1.0 / step)
    append_row(run_dir, metrics_row(RUN, "rft", 0, [1, 2]))
    evaluation("rft", run_dir, 2, 0.3)
    first = sync_run(run_dir, RUN, config(tmp_path))
    mlflow_run = TrackingState.load(run_dir).run_id("mlflow")

    for step in (3, 4):
        step_record(run_dir, step, "dapo", loss=0.5)
    append_row(run_dir, metrics_row(RUN, "rl", 1, [3, 4], evaluation=evaluation("it-0001", run_dir, 4, 0.5)))
    second = sync_run(run_dir, RUN, config(tmp_path))
    third = sync_run(run_dir, RUN, config(tmp_path))

    for sink in ("wandb", "mlflow"):
        assert first["written"][sink]["points"] > 0 and second["written"][sink]["points"] > 0
        assert third["written"][sink] == {"points": 0, "images": 0}
    assert TrackingState.load(run_dir).run_id("mlflow") == mlflow_run
    assert mlflow_history(tmp_path, mlflow_run, "trainer/loss") == [(1, 1.0), (2, 0.5), (3, 0.5), (4, 0.5)]
    assert mlflow_history(tmp_path, mlflow_run, "rollout/pass_rate") == [(0, 0.0), (1, pytest.approx(0.1))]
    assert mlflow_history(tmp_path, mlflow_run, "eval/pass1") == [(1, 0.5)]
    assert mlflow_history(tmp_path, mlflow_run, "eval_rft/pass1") == [(2, 0.3)]

    ids, _rows = wandb_history(run_dir)
    assert ids == {RUN}, "the resumed sync continues the same W&B run"
    points = wandb_points(run_dir)
    assert points[("trainer/loss", 4)] == 1 and points[("rollout/pass_rate", 1)] == 1
    assert points[("eval/pass1", 1)] == 1 and points[("eval_rft/pass1", 2)] == 1
    assert points[("learning_curve", 0)] == 1 and points[("learning_curve", 1)] == 1
    assert set(points.values()) == {1}, [k for k, n in points.items() if n > 1]


def test_tracking_config_rejects_what_the_schema_would():
    assert TrackingConfig.from_dict(None) == TrackingConfig(tensorboard=True)
    assert TrackingConfig.from_dict({"wandb": {"project": "p"}}).wandb.mode == "offline"
    with pytest.raises(InvalidInput, match="mode"):
        TrackingConfig.from_dict({"wandb": {"project": "p", "mode": "sometimes"}})
    with pytest.raises(InvalidInput, match="tensorboard"):
        TrackingConfig.from_dict({"tensorboard": "yes"})
