"""The run folder synced to TensorBoard as a run grows, is resumed and is synced again, read back
with TensorBoard's own readers: every metric at its step, every (tag, step) written once."""
from __future__ import annotations

import threading

import pytest
from tensorboard.backend.event_processing.event_accumulator import EventAccumulator

from swe_rl_trainer.tracking import sync_run
from tracking_run_folder import append_row, evaluation, metrics_row, step_record, tensorboard_events

RUN = "tracked-run"


def accumulator(run_dir):
    acc = EventAccumulator(str(run_dir / "tracking" / "tensorboard"), size_guidance={"scalars": 0, "images": 0})
    acc.Reload()
    return acc


def scalars(acc, tag):
    return {e.step: pytest.approx(e.value) for e in acc.Scalars(tag)}


def grow_to_first_iteration(run_dir):
    """Base evaluation, RFT (steps 1-3) and its evaluation, then RL iteration 1 (steps 4-5)."""
    evaluation("base", run_dir, 0, 0.1)
    for step in (1, 2, 3):
        step_record(run_dir, step, "sft", loss=1.0 / step)
    append_row(run_dir, metrics_row(RUN, "rft", 0, [1, 2, 3]))
    evaluation("rft", run_dir, 3, 0.3)
    for step in (4, 5):
        step_record(run_dir, step, "dapo", loss=0.5)
    append_row(run_dir, metrics_row(RUN, "rl", 1, [4, 5]))


def test_every_metric_at_its_step_once_across_a_resume(tmp_path):
    run_dir = tmp_path / RUN
    grow_to_first_iteration(run_dir)
    step_record(run_dir, 6, "dapo", loss=99.0)  # iteration 2's step, then the run stops and is resumed
    first = sync_run(run_dir, RUN)
    assert first["written"]["tensorboard"]["images"] == 1
    assert first["learning_curve"] == str(run_dir / "learning_curve.png")
    assert ("trainer/loss", 6) not in tensorboard_events(run_dir), "a step past the last completed iteration may be rolled back"

    # The resume rolls step 6 back and redoes it; iteration 2 completes with an evaluation.
    step_record(run_dir, 6, "dapo", loss=0.25)
    step_record(run_dir, 7, "dapo", loss=0.2)
    iteration_eval = evaluation("it-0002", run_dir, 7, 0.6)
    append_row(run_dir, metrics_row(RUN, "rl", 2, [6, 7], evaluation=iteration_eval))
    second = sync_run(run_dir, RUN, {"tensorboard": True}, through_trainer_step=7)
    again = sync_run(run_dir, RUN)  # a retried activity or a replayed workflow
    assert second["written"]["tensorboard"]["points"] > 0
    assert again["written"]["tensorboard"] == {"points": 0, "images": 0}

    acc = accumulator(run_dir)
    assert scalars(acc, "trainer/loss") == {1: 1.0, 2: 0.5, 3: 1 / 3, 4: 0.5, 5: 0.5, 6: 0.25, 7: 0.2}
    assert scalars(acc, "trainer/clip_frac_low") == {4: 0.04, 5: 0.05, 6: 0.06, 7: 0.07}
    assert scalars(acc, "trainer/num_action_tokens") == {s: 100 + s for s in range(1, 8)}
    assert scalars(acc, "rollout/pass_rate") == {0: 0.0, 1: 0.1, 2: 0.2}
    assert scalars(acc, "rollout/completion_tokens") == {0: 1000, 1: 1001, 2: 1002}
    assert scalars(acc, "rollout/filtered_group_fraction") == {0: 0.25, 1: 0.25, 2: 0.25}
    assert scalars(acc, "rollout/optimizer_steps") == {0: 3, 1: 2, 2: 2}
    assert scalars(acc, "time/rollout_s") == {0: 10.0, 1: 10.0, 2: 10.0}
    assert scalars(acc, "failures/sandbox_lost") == {0: 1, 1: 1, 2: 1}
    assert scalars(acc, "eval/pass1") == {2: 0.6}
    assert scalars(acc, "eval/pass1_sem") == {2: 0.05}
    assert scalars(acc, "eval_base/pass1") == {0: 0.1}
    assert scalars(acc, "eval_rft/pass1") == {3: 0.3}
    assert "eval_it-0002/pass1" not in acc.Tags()["scalars"], "an iteration's evaluation is on the iteration axis"
    assert "trainer/optimizer_reset" not in acc.Tags()["scalars"]
    assert [e.step for e in acc.Images("learning_curve")] == [1, 2]
    assert acc.Images("learning_curve")[-1].width > 100

    counts = tensorboard_events(run_dir)
    assert counts and set(counts.values()) == {1}, [k for k, n in counts.items() if n > 1]


def test_concurrent_syncs_of_one_run_write_each_point_once(tmp_path):
    run_dir = tmp_path / RUN
    grow_to_first_iteration(run_dir)
    errors = []

    def sync():
        try:
            sync_run(run_dir, RUN)
        except Exception as error:  # noqa: BLE001 - reported below
            errors.append(error)

    threads = [threading.Thread(target=sync) for _ in range(3)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert not errors
    counts = tensorboard_events(run_dir)
    assert counts[("trainer/loss", 5)] == 1 and set(counts.values()) == {1}


def test_tensorboard_off_still_renders_the_learning_curve(tmp_path):
    run_dir = tmp_path / RUN
    grow_to_first_iteration(run_dir)
    result = sync_run(run_dir, RUN, {"tensorboard": False})
    assert result["written"] == {}
    assert (run_dir / "learning_curve.png").stat().st_size > 1000
    assert not (run_dir / "tracking" / "tensorboard").exists()


def test_corrupt_metrics_lines_are_counted_and_skipped(tmp_path):
    run_dir = tmp_path / RUN
    grow_to_first_iteration(run_dir)
    with open(run_dir / "metrics.jsonl", "a", encoding="utf-8") as f:
        f.write('{"runId": "tracked-run", "iter\n')
    result = sync_run(run_dir, RUN)
    assert result["corrupt_lines"] == 1
    assert scalars(accumulator(run_dir), "rollout/pass_rate") == {0: 0.0, 1: 0.1}
