"""Micro-batches by token budget, packed into one row without padding.

A micro-batch is one row: its sequences side by side, position_ids restarting at 0 for each, so
the model confines attention to each sequence. Grouping keeps the batch order and starts a new
group when the next sequence would take the row past the budget (a sequence longer than the
budget gets a row of its own: the context limit, not the budget, excludes sequences).
"""
from __future__ import annotations

from dataclasses import dataclass

import torch

from ..sequence_builder import TrainingSequence


@dataclass
class PackedRow:
    input_ids: torch.Tensor  # [1, L]
    position_ids: torch.Tensor  # [1, L]
    prediction_index: torch.Tensor  # [N]: row positions whose next token is an action token
    targets: torch.Tensor  # [N]: those action tokens, in sequence order then time order

    @property
    def num_tokens(self) -> int:
        return self.input_ids.shape[1]


def group_by_token_budget(sequences: list[TrainingSequence], budget: int) -> list[list[TrainingSequence]]:
    groups: list[list[TrainingSequence]] = []
    used = 0
    for s in sequences:
        if groups and used + len(s.input_ids) <= budget:
            groups[-1].append(s)
            used += len(s.input_ids)
        else:
            groups.append([s])
            used = len(s.input_ids)
    return groups


def group_by_count(sequences: list[TrainingSequence], count: int) -> list[list[TrainingSequence]]:
    return [sequences[i: i + count] for i in range(0, len(sequences), count)]


def pack_row(sequences: list[TrainingSequence], device: torch.device | str = "cpu") -> PackedRow:
    """One row of the sequences; predictions at t-1 for every action token t >= 1 of each sequence."""
    ids: list[int] = []
    positions: list[int] = []
    prediction_index: list[int] = []
    targets: list[int] = []
    for s in sequences:
        offset = len(ids)
        ids += s.input_ids
        positions += range(len(s.input_ids))
        for t in range(1, len(s.input_ids)):
            if s.loss_mask[t]:
                prediction_index.append(offset + t - 1)
                targets.append(s.input_ids[t])
    def tensor(values: list[int]) -> torch.Tensor:
        return torch.tensor(values, dtype=torch.long, device=device)
    return PackedRow(tensor(ids).unsqueeze(0), tensor(positions).unsqueeze(0), tensor(prediction_index), tensor(targets))
