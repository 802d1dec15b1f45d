"""JobTrainer: the worker's Trainer API over 2-rank torchrun step jobs (gloo, CPU)."""
import json
import shutil

import pytest
import torch
from transformers import AutoModelForCausalLM

from batch_helpers import simple_trajectory, write_batch
from swe_rl_trainer.distributed.job_trainer import JobTrainer
from swe_rl_trainer.errors import StepOutOfOrder
from swe_rl_trainer.trainer import Trainer

SFT = {"lr": 1e-3, "total_steps": 10, "micro_batch_size": 1}


@pytest.fixture
def batch(tokenizer, tmp_path):
    return write_batch(tmp_path / "batch.jsonl", [
        simple_trajectory(tokenizer, "ep-1", "Fix the parser.", ["ls -la", "submit"], advantage=1.0),
        simple_trajectory(tokenizer, "ep-2", "Add a test.", ["cat setup.py"], advantage=-1.0),
        simple_trajectory(tokenizer, "ep-3", "Why does it crash?", ["grep -rn split src"], advantage=0.5),
    ])


def test_steps_are_recorded_retried_checkpointed_and_resumed_after_a_restart(tmp_path, tiny_model_dir, batch):
    runs = tmp_path / "runs"
    trainer = JobTrainer("run-j", runs, tiny_model_dir, device="cpu", world_size=2, job_timeout_s=300)
    first = trainer.sft_step(1, batch, SFT)
    assert first["applied"] is True and first["world_size"] == 2 and first["num_sequences"] == 3
    assert trainer.sft_step(1, batch, SFT) == {**first, "applied": False}  # a retry launches nothing
    with pytest.raises(StepOutOfOrder, match="skips ahead"):
        trainer.sft_step(3, batch, SFT)

    checkpoint = trainer.save_checkpoint(1, milestone=True)
    assert json.loads((checkpoint / "trainer_state.json").read_text())["world_size"] == 2
    assert (checkpoint / "MILESTONE").is_file() and (checkpoint / "sharded" / ".metadata").is_file()
    served = AutoModelForCausalLM.from_pretrained(checkpoint, local_files_only=True, dtype=torch.float32)
    single = Trainer("run-s", tmp_path / "single", tiny_model_dir, device="cpu")
    assert single.sft_step(1, batch, SFT)["loss"] == pytest.approx(first["loss"], rel=1e-5)
    for name, tensor in single.model.state_dict().items():
        assert torch.allclose(served.state_dict()[name], tensor, atol=1e-5), name

    shutil.rmtree(runs / "run-j" / "sharded")  # the restart resumes from the checkpoint's own copy
    restarted = JobTrainer("run-j", runs, tiny_model_dir, device="cpu", world_size=2, job_timeout_s=300)
    assert restarted.step == 1 and restarted.state_path == checkpoint / "sharded"
    second = restarted.dapo_step(2, batch, {"lr": 1e-3})
    assert second["applied"] and second["optimizer_reset"] is True and second["step"] == 2
    assert (runs / "run-j" / "sharded" / "step-000002" / "trainer_state.json").is_file()
    assert (runs / "run-j" / "steps" / "step-000002.json").is_file()


def test_a_trainer_is_a_job_trainer_when_the_world_size_is_above_one(tmp_path, tiny_model_dir, monkeypatch):
    monkeypatch.setenv("SWE_RL_TRAINER_WORLD_SIZE", "2")
    trainer = Trainer("run-w", tmp_path / "runs", tiny_model_dir, device="cpu")
    assert isinstance(trainer, JobTrainer) and trainer.world_size == 2 and trainer.step == 0
    monkeypatch.setenv("SWE_RL_TRAINER_WORLD_SIZE", "1")
    assert type(Trainer("run-w1", tmp_path / "runs", tiny_model_dir, device="cpu")) is Trainer
