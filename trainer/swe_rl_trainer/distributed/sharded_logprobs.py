"""Packed, chunked action log-probs of a sharded (FSDP2) model, gradients reaching its shards.

long_context.model_action_logprobs runs the decoder body and the lm_head outside the model's own
forward; on a fully_shard-ed root the embedding, final norm and lm_head weights are sharded
DTensors there. So the computation runs *as* the root's forward: the root's FSDP hooks (on
`__call__`) all-gather its parameters first, the autograd graph goes through the gathered
tensors, and the root's post-backward reduce-scatters their gradients into the shards, exactly
as for a plain forward. Decoder layers are FSDP modules of their own and gather themselves.
"""
from __future__ import annotations

from contextlib import contextmanager

import torch

from ..long_context.action_logprobs import DEFAULT_CHUNK_TOKENS, model_action_logprobs
from ..long_context.packing import PackedRow, pack_row
from ..sequence_builder import TrainingSequence


@contextmanager
def _forward_replaced(model: torch.nn.Module, forward):
    """The module's forward is `forward` for one call; FSDP's hooks still run around it."""
    model.forward = forward
    try:
        yield
    finally:
        del model.forward  # back to the class's forward


def row_action_logprobs(model: torch.nn.Module, row: PackedRow, chunk_tokens: int = DEFAULT_CHUNK_TOKENS) -> torch.Tensor:
    """log p of the row's targets at its prediction positions ([N], fp32), through the root's forward.

    A row with no action token still runs the lm_head on one position (its value dropped): every
    rank's backward must produce a gradient for the same parameters, or FSDP's reduce-scatters differ.
    """
    empty = row.prediction_index.numel() == 0
    index = row.prediction_index if not empty else torch.zeros(1, dtype=torch.long, device=row.input_ids.device)
    targets = row.targets if not empty else torch.zeros(1, dtype=torch.long, device=row.input_ids.device)

    def forward(input_ids, position_ids, prediction_index, targets):
        return model_action_logprobs(model, input_ids, position_ids, prediction_index, targets, chunk_tokens=chunk_tokens)

    with _forward_replaced(model, forward):
        values = model(row.input_ids, row.position_ids, index, targets)
    return values[:0] if empty else values


def padding_row(pad_id: int, device: torch.device) -> PackedRow:
    """Two padding tokens, no action token: a rank's extra micro-batch that adds zero gradient."""
    ids = torch.full((1, 2), pad_id, dtype=torch.long, device=device)
    none = torch.zeros(0, dtype=torch.long, device=device)
    return PackedRow(ids, torch.arange(2, device=device).unsqueeze(0), none, none)


def padded_sharded_logprobs(model, sequences: list[TrainingSequence], mask: torch.Tensor,
                            chunk_tokens: int = DEFAULT_CHUNK_TOKENS) -> torch.Tensor:
    """Like long_context.padded_action_logprobs: [S, T-1] with the values at `mask`, 0 elsewhere."""
    values = row_action_logprobs(model, pack_row(sequences, mask.device), chunk_tokens)
    return torch.zeros(mask.shape, dtype=values.dtype, device=mask.device).masked_scatter(mask.bool(), values)
