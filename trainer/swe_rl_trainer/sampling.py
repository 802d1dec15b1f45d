"""Next-token choice with vLLM's sampling parameters; the reported log-prob is always the raw one.

The raw log-prob is log_softmax of the fp32 logits at temperature 1 before any penalty or
filter. At the unbiased defaults (temperature 1, top_p 1, top_k off, min_p 0, repetition penalty
1) every step below is the identity, so the sampling distribution is exactly the raw one and the
recorded log-probs are the right "old" log-probs for the importance ratio.
"""
from __future__ import annotations

from dataclasses import dataclass

import torch


@dataclass(frozen=True)
class SamplingParams:
    temperature: float = 1.0
    top_p: float = 1.0
    top_k: int = -1  # -1 or 0: off
    min_p: float = 0.0
    repetition_penalty: float = 1.0


def apply_repetition_penalty(logits: torch.Tensor, seen_ids: torch.Tensor, penalty: float) -> torch.Tensor:
    """vLLM/HF rule for tokens already in prompt or output: positive logits / penalty, negative * penalty."""
    if penalty == 1.0 or seen_ids.numel() == 0:
        return logits
    out = logits.clone()
    seen = out[seen_ids]
    out[seen_ids] = torch.where(seen > 0, seen / penalty, seen * penalty)
    return out


def filter_logits(logits: torch.Tensor, params: SamplingParams) -> torch.Tensor:
    """Temperature, then min_p, top_k, top_p (vLLM's order); filtered tokens get -inf. 1-D logits."""
    out = logits / params.temperature if params.temperature != 1.0 else logits
    if params.min_p > 0.0:
        probs = torch.softmax(out, dim=-1)
        out = out.masked_fill(probs < params.min_p * probs.max(), float("-inf"))
    if params.top_k > 0 and params.top_k < out.numel():
        kth = torch.topk(out, params.top_k).values[-1]
        out = out.masked_fill(out < kth, float("-inf"))
    if params.top_p < 1.0:
        sorted_logits, order = torch.sort(out, descending=True)
        cumulative = torch.softmax(sorted_logits, dim=-1).cumsum(dim=-1)
        # Drop a token when the tokens before it already reach top_p; the first one always stays.
        drop_sorted = (cumulative - torch.softmax(sorted_logits, dim=-1)) >= params.top_p
        drop_sorted[0] = False
        drop = torch.zeros_like(drop_sorted).scatter(0, order, drop_sorted)
        out = out.masked_fill(drop, float("-inf"))
    return out


def choose_token(
    logits: torch.Tensor, params: SamplingParams, seen_ids: torch.Tensor, generator: torch.Generator
) -> tuple[int, torch.Tensor]:
    """Returns (token id, raw log-probs over the vocabulary) for one position's fp32 logits [V]."""
    logits = logits.float()
    raw_logprobs = torch.log_softmax(logits, dim=-1)
    penalised = apply_repetition_penalty(logits, seen_ids, params.repetition_penalty)
    if params.temperature == 0.0:
        return int(torch.argmax(penalised)), raw_logprobs
    probs = torch.softmax(filter_logits(penalised, params), dim=-1)
    return int(torch.multinomial(probs, 1, generator=generator)), raw_logprobs
