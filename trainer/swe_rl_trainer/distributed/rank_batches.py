"""Which sequences each rank trains on, and the padding that keeps ranks in lockstep.

Every rank reads the whole batch file and computes the same assignment, so the global counts
(the loss normalisers) are known on every rank without a collective.
"""
from __future__ import annotations

from ..long_context.packing import group_by_count, group_by_token_budget
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
                       micro_batch_size: int, micro_batch_tokens: int | None = None,
                       ) -> tuple[list[list[TrainingSequence] | None], int]:
    """This rank's micro-batches, padded with None up to the largest count of any rank.

    Grouped like the single-process Trainer's: by token budget (`micro_batch_tokens`, each group
    one packed row) when set, else `micro_batch_size` sequences.

    FSDP gathers each layer's weights collectively in every forward and backward, so all ranks
    must run the same number of them; a None is a micro-batch that contributes nothing.
    """
    def group(part: list[TrainingSequence]) -> list[list[TrainingSequence]]:
        if micro_batch_tokens is not None:
            return group_by_token_budget(part, micro_batch_tokens)
        return group_by_count(part, micro_batch_size)

    per_rank = [group(part) for part in assign_to_ranks(sequences, world_size)]
    count = max(1, max(len(chunks) for chunks in per_rank))
    mine: list[list[TrainingSequence] | None] = list(per_rank[rank])
    return mine + [None] * (count - len(mine)), count

