"""old_logprobs "trainer" on the N-rank path: JobTrainer recomputes a batch's old log-probs and
reports action log-probs on 2 ranks equal to the single-process Trainer's, and the DAPO step that
uses them (with a KL term) gives the same update."""
import json
import shutil

import pytest

from batch_helpers import simple_trajectory, write_batch
from swe_rl_trainer.distributed.job_trainer import JobTrainer
from swe_rl_trainer.errors import StepOutOfOrder
from swe_rl_trainer.trainer import Trainer

DAPO = {"lr": 1e-3, "old_logprobs": "trainer", "kl_coef": 0.1, "micro_batch_tokens": 100}


def test_recomputed_old_logprobs_and_the_step_using_them_equal_the_single_process_trainer(tmp_path, tiny_model_dir, tokenizer):
    batch = write_batch(tmp_path / "single.jsonl", [
        simple_trajectory(tokenizer, "ep-1", "Fix the parser.", ["ls -la", "submit"], advantage=1.0),
        simple_trajectory(tokenizer, "ep-2", "Add a test.", ["cat setup.py"], advantage=-1.0),
        simple_trajectory(tokenizer, "ep-3", "Why does it crash?", ["grep -rn split src"], advantage=0.5),
    ])
    sharded_batch = str(tmp_path / "sharded.jsonl")
    shutil.copy(batch, sharded_batch)  # the recomputed file sits beside its batch: one batch per trainer

    single = Trainer("run-s", tmp_path / "single", tiny_model_dir, device="cpu")
    job = JobTrainer("run-j", tmp_path / "runs", tiny_model_dir, device="cpu", world_size=2, job_timeout_s=120)
    assert single.recompute_old_logprobs(batch, 0, DAPO)["recomputed"] is True
    assert job.recompute_old_logprobs(sharded_batch, 0, DAPO)["recomputed"] is True
    assert job.recompute_old_logprobs(sharded_batch, 0, DAPO)["recomputed"] is False  # kept: retries reuse it
    want = json.loads(Trainer.trainer_logprobs_path(batch).read_text())
    got = json.loads(Trainer.trainer_logprobs_path(sharded_batch).read_text())
    assert got["at_step"] == want["at_step"] == 0 and got["logprobs"].keys() == want["logprobs"].keys()
    for episode, values in want["logprobs"].items():
        assert len(values) > 0
        assert got["logprobs"][episode] == pytest.approx(values, abs=1e-5)

    first, reference = job.dapo_step(1, sharded_batch, DAPO), single.dapo_step(1, batch, DAPO)
    assert first["loss"] == pytest.approx(reference["loss"], rel=1e-4)
    assert first["grad_norm"] == pytest.approx(reference["grad_norm"], rel=1e-4)
    with pytest.raises(StepOutOfOrder, match="must be computed at step 0"):
        job.recompute_old_logprobs(str(tmp_path / "other.jsonl"), 0, DAPO)

    # After the step: the current action log-probs (so the updated weights) as the single-process trainer's.
    now, single_now = job.action_logprobs(sharded_batch), single.action_logprobs(batch)
    for episode, values in single_now.items():
        assert now[episode] == pytest.approx(values, abs=1e-5)
        assert values != pytest.approx(want["logprobs"][episode], abs=1e-6)  # the step moved them
