"""A run switches between 1 and N ranks through its checkpoints, optimizer state included.

The same run (3 SFT steps; AdamW moments matter from the second on) is trained by:
  reference: the single-process Trainer, steps 1-3;
  1 -> N:    the single-process Trainer for step 1 and its checkpoint, then a 2-rank JobTrainer
             resuming from that checkpoint for step 2 and its checkpoint, then
  N -> 1:    the single-process Trainer resuming from the JobTrainer's checkpoint for step 3.
Each switch keeps the optimizer's state, so the weights equal the reference's after every step.
"""
import pytest
import torch
from safetensors.torch import load_file

from batch_helpers import simple_trajectory, write_batch
from swe_rl_trainer.distributed.job_trainer import JobTrainer
from swe_rl_trainer.trainer import Trainer

SFT = {"lr": 1e-2, "total_steps": 10, "micro_batch_size": 2}


def same(got, want, atol=2e-5):
    """Every tensor of `got` (a safetensors file drops the tied lm_head) equals `want`'s."""
    for name, tensor in got.items():
        assert torch.allclose(tensor, want[name], rtol=0, atol=atol), f"{name}: {(tensor - want[name]).abs().max()}"


def test_a_run_switches_from_one_to_two_ranks_and_back_keeping_the_optimizer_state(tmp_path, tiny_model_dir, tokenizer):
    batch = write_batch(tmp_path / "batch.jsonl", [
        simple_trajectory(tokenizer, "ep-1", "Fix the parser.", ["ls -la", "submit"]),
        simple_trajectory(tokenizer, "ep-2", "Add a test.", ["cat setup.py"]),
        simple_trajectory(tokenizer, "ep-3", "Why does it crash?", ["grep -rn split src"]),
    ])
    reference = Trainer("run-r", tmp_path / "reference", tiny_model_dir, device="cpu")
    states = []
    for step in (1, 2, 3):
        reference.sft_step(step, batch, SFT)
        states.append({k: v.detach().clone() for k, v in reference.model.state_dict().items()})

    runs = tmp_path / "runs"
    single = Trainer("run-x", runs, tiny_model_dir, device="cpu")
    single.sft_step(1, batch, SFT)
    single.save_checkpoint(1)
    del single

    sharded = JobTrainer("run-x", runs, tiny_model_dir, device="cpu", world_size=2, job_timeout_s=120)
    assert sharded.step == 1 and sharded.state_path == runs / "run-x" / "checkpoints" / "step-000001"
    second = sharded.sft_step(2, batch, SFT)
    assert second["optimizer_reset"] is False
    checkpoint = sharded.save_checkpoint(2)
    assert (checkpoint / "optimizer.pt").is_file() and (checkpoint / "sharded" / ".metadata").is_file()
    same(load_file(str(checkpoint / "model.safetensors")), states[1])
    del sharded

    back = Trainer("run-x", runs, tiny_model_dir, device="cpu")
    assert back.step == 2
    # The moments came through both conversions: step 3 from here equals the uninterrupted run's.
    back.sft_step(3, batch, SFT)
    same(back.model.state_dict(), states[2])
    fresh = Trainer("run-y", tmp_path / "fresh", checkpoint, device="cpu")  # the same weights, no optimizer state
    fresh.sft_step(1, batch, SFT)  # constant lr: the same as step 3's
    with pytest.raises(AssertionError):
        same(fresh.model.state_dict(), states[2])  # so the comparison above can tell a lost state apart
