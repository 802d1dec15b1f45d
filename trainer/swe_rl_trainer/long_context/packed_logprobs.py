"""A micro-batch's action log-probs laid out like the loss functions expect ([S, T-1], 0 elsewhere)."""
from __future__ import annotations

import torch

from ..sequence_builder import TrainingSequence
from .action_logprobs import DEFAULT_CHUNK_TOKENS, model_action_logprobs
from .packing import pack_row


def action_logprobs_values(model, sequences: list[TrainingSequence], device, chunk_tokens: int = DEFAULT_CHUNK_TOKENS) -> torch.Tensor:
    """log p of every action token t >= 1, sequence by sequence then by time, from one packed row."""
    row = pack_row(sequences, device)
    return model_action_logprobs(model, row.input_ids, row.position_ids, row.prediction_index, row.targets,
                                 chunk_tokens=chunk_tokens)


def padded_action_logprobs(model, sequences: list[TrainingSequence], mask: torch.Tensor,
                           chunk_tokens: int = DEFAULT_CHUNK_TOKENS) -> torch.Tensor:
    """`mask` is collate's loss_mask[:, 1:] of the same sequences; its row-major order is the packed order."""
    values = action_logprobs_values(model, sequences, mask.device, chunk_tokens)
    return torch.zeros(mask.shape, dtype=values.dtype, device=mask.device).masked_scatter(mask.bool(), values)
