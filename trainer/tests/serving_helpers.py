"""Checkpoints with other weights, free ports and the served model's own log-probs, for serving tests."""
import shutil
import socket
from pathlib import Path

import torch

from swe_rl_trainer.model_io import load_model


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def perturbed_checkpoint(source: Path, out: Path, seed: int) -> Path:
    """A copy of `source` (tokenizer included) whose weights are moved by seeded noise."""
    shutil.copytree(source, out)
    model = load_model(out, "cpu", torch.float32)
    generator = torch.Generator().manual_seed(seed)
    with torch.no_grad():
        for parameter in model.parameters():
            parameter.add_(torch.randn(parameter.shape, generator=generator) * 0.5)
    model.save_pretrained(out)
    return out


@torch.no_grad()
def completion_logprobs(model_dir: Path, prompt_ids: list[int], completion_ids: list[int]) -> list[float]:
    """log p(completion token | everything before it) under the checkpoint at model_dir."""
    model = load_model(model_dir, "cpu", torch.float32)
    ids = torch.tensor([prompt_ids + completion_ids])
    logits = model(input_ids=ids).logits[0].float().log_softmax(-1)
    start = len(prompt_ids)
    return [float(logits[start + i - 1, token]) for i, token in enumerate(completion_ids)]
