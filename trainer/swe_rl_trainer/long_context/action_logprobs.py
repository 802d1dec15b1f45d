"""Log-probs of action tokens only, from hidden states, in chunks.

The full-vocabulary logits of a long sequence do not fit in memory (a 131k-token sequence of a
152k-vocabulary model: ~80 GB in fp32). Only positions whose next token is an action token carry
loss, so the lm_head runs on those alone, a chunk at a time; each chunk is checkpointed, so its
logits exist only while that chunk is computed (in the forward and again in the backward).
"""
from __future__ import annotations

import torch
import torch.nn.functional as F
from torch import Tensor
from torch.utils.checkpoint import checkpoint

DEFAULT_CHUNK_TOKENS = 1024


def _chunk_logprobs(hidden: Tensor, weight: Tensor, bias: Tensor | None, targets: Tensor) -> Tensor:
    logits = F.linear(hidden, weight, bias).float()
    return logits.gather(-1, targets.unsqueeze(-1)).squeeze(-1) - torch.logsumexp(logits, dim=-1)


def chunked_token_logprobs(
    hidden: Tensor, weight: Tensor, targets: Tensor, *, bias: Tensor | None = None, chunk_tokens: int = DEFAULT_CHUNK_TOKENS
) -> Tensor:
    """log p(target) for each row of `hidden` [N, H] under lm_head (`weight` [V, H]): fp32 [N]."""
    if hidden.shape[0] == 0:
        return hidden.new_zeros(0, dtype=torch.float32)
    parts = []
    for start in range(0, hidden.shape[0], chunk_tokens):
        h, t = hidden[start: start + chunk_tokens], targets[start: start + chunk_tokens]
        if torch.is_grad_enabled() and (h.requires_grad or weight.requires_grad):
            parts.append(checkpoint(_chunk_logprobs, h, weight, bias, t, use_reentrant=False))
        else:
            parts.append(_chunk_logprobs(h, weight, bias, t))
    return torch.cat(parts)


def model_action_logprobs(
    model, input_ids: Tensor, position_ids: Tensor, prediction_index: Tensor, targets: Tensor,
    *, chunk_tokens: int = DEFAULT_CHUNK_TOKENS,
) -> Tensor:
    """Runs the decoder body on one packed row [1, L] and returns log p(targets) at `prediction_index`.

    `prediction_index[i]` is the row position whose hidden state predicts `targets[i]`. Packed
    sequences are told apart by position_ids restarting at 0 (no attention mask): the model then
    confines attention to each sequence.
    """
    body = model.get_decoder()
    hidden = body(input_ids=input_ids, position_ids=position_ids, use_cache=False).last_hidden_state
    selected = hidden[0].index_select(0, prediction_index)
    head = model.get_output_embeddings()
    return chunked_token_logprobs(selected, head.weight, targets, bias=head.bias, chunk_tokens=chunk_tokens)


def naive_token_logprobs(hidden: Tensor, weight: Tensor, targets: Tensor, bias: Tensor | None = None) -> Tensor:
    """The reference: full logits at once (what the trainer did before)."""
    return torch.log_softmax(F.linear(hidden, weight, bias).float(), dim=-1).gather(-1, targets.unsqueeze(-1)).squeeze(-1)
