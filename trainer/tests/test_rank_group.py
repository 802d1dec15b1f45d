"""A long-lived 2-rank group (torchrun started once) serving a JobTrainer's jobs over a folder:
the model is loaded once and kept between steps, and the steps equal the single-process Trainer's."""
import pytest
import torch
from safetensors.torch import load_file

from batch_helpers import simple_trajectory, write_batch
from swe_rl_trainer.distributed.job_trainer import JobTrainer
from swe_rl_trainer.trainer import Trainer

SFT = {"lr": 1e-3, "total_steps": 10, "micro_batch_tokens": 80}


def test_steps_on_a_long_lived_rank_group_reuse_the_loaded_model_and_equal_the_single_process_trainer(
        tmp_path, tiny_model_dir, tokenizer):
    batch = write_batch(tmp_path / "batch.jsonl", [
        simple_trajectory(tokenizer, "ep-1", "Fix the parser.", ["ls -la", "submit"]),
        simple_trajectory(tokenizer, "ep-2", "Add a test.", ["cat setup.py"]),
        simple_trajectory(tokenizer, "ep-3", "Why does it crash?", ["grep -rn split src"]),
    ])
    single = Trainer("run-s", tmp_path / "single", tiny_model_dir, device="cpu")
    trainer = JobTrainer("run-g", tmp_path / "runs", tiny_model_dir, device="cpu", world_size=2,
                         job_timeout_s=120, rank_group=True)
    try:
        first = trainer.sft_step(1, batch, SFT)
        assert trainer.last_outcome["model_loaded"] is True
        group = trainer._group.process.pid
        second = trainer.sft_step(2, batch, SFT)
        # The same ranks, the model kept in memory: resumed from the state it had just saved.
        assert trainer._group.process.pid == group and trainer.last_outcome["model_loaded"] is False
        assert trainer.last_outcome["resumed_from"] == {"in_memory": str(trainer._states_dir() / "step-000001")}
        for step, got in ((1, first), (2, second)):
            want = single.sft_step(step, batch, SFT)
            assert got["loss"] == pytest.approx(want["loss"], rel=1e-4) and got["world_size"] == 2
        exported = load_file(str(trainer.save_checkpoint(2) / "model.safetensors"))
        assert trainer.last_outcome["model_loaded"] is False
        for name, tensor in exported.items():
            assert torch.allclose(tensor, single.model.state_dict()[name], rtol=0, atol=2e-5), (name, (tensor - single.model.state_dict()[name]).abs().max())
    finally:
        process = trainer._group.process
        trainer.close()
    assert process.poll() == 0  # told to stop, it exited cleanly
