"""Pads training sequences into micro-batch tensors."""
from __future__ import annotations

from dataclasses import dataclass, field

import torch

from .sequence_builder import TrainingSequence


@dataclass
class MicroBatch:
    input_ids: torch.Tensor  # [B, T]
    attention_mask: torch.Tensor  # [B, T], 0 on padding
    loss_mask: torch.Tensor  # [B, T], 1 on action tokens
    old_logprobs: torch.Tensor  # [B, T], the ratio's denominator on action tokens
    advantages: torch.Tensor  # [B]
    # The sampler's log-probs when old_logprobs are the trainer's (truncated importance weight).
    sampler_logprobs: torch.Tensor | None = field(default=None)


def split_into_micro_batches(sequences: list[TrainingSequence], size: int) -> list[list[TrainingSequence]]:
    return [sequences[i: i + size] for i in range(0, len(sequences), size)]


def collate(sequences: list[TrainingSequence], pad_id: int, device: torch.device) -> MicroBatch:
    """Right-pads to the longest sequence; padding is masked out of attention and loss."""
    length = max(len(s.input_ids) for s in sequences)
    count = len(sequences)
    input_ids = torch.full((count, length), pad_id, dtype=torch.long)
    attention_mask = torch.zeros((count, length), dtype=torch.long)
    loss_mask = torch.zeros((count, length), dtype=torch.float32)
    old_logprobs = torch.zeros((count, length), dtype=torch.float32)
    recomputed = [s.trainer_old_logprobs is not None for s in sequences]
    if any(recomputed) and not all(recomputed):
        raise ValueError("a micro-batch mixes sequences with and without trainer old log-probs")
    sampler = torch.zeros((count, length), dtype=torch.float32) if all(recomputed) else None
    for row, s in enumerate(sequences):
        n = len(s.input_ids)
        input_ids[row, :n] = torch.tensor(s.input_ids, dtype=torch.long)
        attention_mask[row, :n] = 1
        loss_mask[row, :n] = torch.tensor(s.loss_mask, dtype=torch.float32)
        if sampler is not None:
            old_logprobs[row, :n] = torch.tensor(s.trainer_old_logprobs, dtype=torch.float32)
            sampler[row, :n] = torch.tensor(s.old_logprobs, dtype=torch.float32)
        else:
            old_logprobs[row, :n] = torch.tensor(s.old_logprobs, dtype=torch.float32)
    advantages = torch.tensor([s.advantage for s in sequences], dtype=torch.float32)
    return MicroBatch(
        input_ids.to(device), attention_mask.to(device), loss_mask.to(device),
        old_logprobs.to(device), advantages.to(device),
        sampler.to(device) if sampler is not None else None,
    )
