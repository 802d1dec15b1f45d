"""The trainer worker's track_run activity: the run folder named by the request, bad input refused."""
from __future__ import annotations

import pytest
from temporalio.exceptions import ApplicationError

from swe_rl_trainer.worker import track_run
from tracking_run_folder import append_row, metrics_row, step_record, tensorboard_events


def test_track_run_syncs_through_the_given_trainer_step(tmp_path):
    run_dir = tmp_path / "act-run"
    for step in (1, 2, 3):
        step_record(run_dir, step, "sft", loss=0.1)
    append_row(run_dir, metrics_row("act-run", "rft", 0, [1, 2, 3]))
    result = track_run({"run_id": "act-run", "runs_dir": str(tmp_path), "tracking": {"tensorboard": True}, "trainer_step": 2})
    assert result["written"]["tensorboard"]["points"] > 0
    tags = tensorboard_events(run_dir)
    assert ("trainer/loss", 2) in tags and ("trainer/loss", 3) not in tags


@pytest.mark.parametrize("request_", [
    {"run_id": "../escape", "runs_dir": "/tmp"},
    {"run_id": "ok-run", "runs_dir": "/tmp", "trainer_step": -1},
    {"run_id": "ok-run", "runs_dir": "/tmp", "tracking": {"wandb": {"project": "p", "mode": "later"}}},
])
def test_track_run_refuses_bad_input_without_retries(request_):
    with pytest.raises(ApplicationError) as caught:
        track_run(request_)
    assert caught.value.type == "InvalidInput" and caught.value.non_retryable
