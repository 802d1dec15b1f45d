"""Which sequences each rank trains on, and the padding that keeps ranks in lockstep.

Every rank reads the whole batch file and computes the same assignment, so the global counts
(the loss normalisers) are known on every rank without a collective.
"""
from __future__ import annotations

import torch

from ..batching import MicroBatch, split_into_micro_batches
from ..sequence_builder import TrainingSequence


def assign_to_ranks(sequences: list[TrainingSequence], world_size: int) -> list[list[TrainingSequence]]:
    """Longest first onto the rank with the fewest tokens so far; each rank keeps the batch order."""
    load = [0] * world_size
    owner: dict[int, int] = {}
    for index in sorted(range(len(sequences)), key=lambda i: (-len(sequences[i].input_ids), i)):
        rank = min(range(world_size), key=lambda r: (load[r], r))
        owner[index] = rank
        load[rank] += len(sequences[index].input_ids)
    return [[s for i, s in enumerate(sequences) if owner[i] == rank] for rank in range(world_size)]


def rank_micro_batches(sequences: list[TrainingSequence], world_size: int, rank: int,
                       micro_batch_size: int) -> tuple[list[list[TrainingSequence] | None], int]:
    """This rank's micro-batches, padded with None up to the largest count of any rank.

    FSDP gathers each layer's weights collectively in every forward and backward, so all ranks
    must run the same number of them; a None is a micro-batch that contributes nothing.
    """
    per_rank = [split_into_micro_batches(part, micro_batch_size) for part in assign_to_ranks(sequences, world_size)]
    count = max(1, max(len(chunks) for chunks in per_rank))
    mine: list[list[TrainingSequence] | None] = list(per_rank[rank])
    return mine + [None] * (count - len(mine)), count


def empty_micro_batch(pad_id: int, device: torch.device, with_sampler: bool) -> MicroBatch:
    """Two padding tokens with no loss: a forward/backward that adds zero to every gradient."""
    zeros = torch.zeros((1, 2), dtype=torch.float32, device=device)
    return MicroBatch(
        input_ids=torch.full((1, 2), pad_id, dtype=torch.long, device=device),
        attention_mask=torch.ones((1, 2), dtype=torch.long, device=device),
        loss_mask=zeros.clone(), old_logprobs=zeros.clone(),
        advantages=torch.zeros((1,), dtype=torch.float32, device=device),
        sampler_logprobs=zeros.clone() if with_sampler else None,
    )
