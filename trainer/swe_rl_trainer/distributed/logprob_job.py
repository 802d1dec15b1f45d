"""Action log-probs of a batch under the sharded model's current weights (no gradient).

What Trainer.action_logprobs and Trainer.recompute_old_logprobs compute, over N ranks: each rank
takes its share of the sequences (assign_to_ranks), one sequence per forward as Trainer does,
padded with empty rows so every rank runs the same number of forwards (FSDP's all-gathers are
collective); the per-episode lists are gathered on every rank.
"""
from __future__ import annotations

import torch
import torch.distributed as dist

from ..long_context.packing import pack_row
from ..sequence_builder import TrainingSequence
from .process_group import RankInfo
from .rank_batches import assign_to_ranks
from .sharded_logprobs import padding_row, row_action_logprobs


@torch.no_grad()
def episode_action_logprobs(model, sequences: list[TrainingSequence], ranks: RankInfo, pad_id: int) -> dict[str, list[float]]:
    """{episode_id: log p of each action token t >= 1}, the same on every rank."""
    parts = assign_to_ranks(sequences, ranks.world_size)
    count = max(len(p) for p in parts) if parts else 0
    mine = parts[ranks.rank]
    found: dict[str, list[float]] = {}
    for index in range(count):
        if index < len(mine):
            row = pack_row([mine[index]], ranks.device)
            found[mine[index].episode_id] = row_action_logprobs(model, row).tolist()
        else:
            row_action_logprobs(model, padding_row(pad_id, ranks.device))
    if ranks.world_size > 1:
        gathered: list = [None] * ranks.world_size
        dist.all_gather_object(gathered, found)
        found = {k: v for part in gathered for k, v in part.items()}
    return {s.episode_id: found[s.episode_id] for s in sequences}
