"""Loss functions as small pure torch functions (in the spirit of verl's core_algos.py).

Shapes: per-token tensors are [batch, time]; `mask` is 1 on action tokens (the ones that carry
loss) and 0 elsewhere. Every reduction divides by an explicit normaliser so that micro-batches,
each normalised by the count of the *whole* batch, sum to exactly the full-batch loss. Metrics
are normalised the same way, so they too add up across micro-batches.
"""
from __future__ import annotations

from dataclasses import dataclass, field

import torch
from torch import Tensor


@dataclass
class LossOutput:
    loss: Tensor
    metrics: dict[str, Tensor] = field(default_factory=dict)


def token_logprobs(logits: Tensor, targets: Tensor) -> Tensor:
    """log p(target) under log_softmax of fp32 logits: [B, T, V], [B, T] -> [B, T]."""
    return torch.log_softmax(logits.float(), dim=-1).gather(-1, targets.unsqueeze(-1)).squeeze(-1)


def count_action_tokens(mask: Tensor) -> Tensor:
    return mask.sum()


def count_sequences_with_actions(mask: Tensor) -> Tensor:
    return (mask.sum(dim=-1) > 0).sum()


def masked_token_mean(values: Tensor, mask: Tensor, num_tokens: Tensor | float | None = None) -> Tensor:
    """Sum over all action tokens divided by their count (DAPO's token-level average)."""
    total = count_action_tokens(mask) if num_tokens is None else num_tokens
    return torch.where(mask.bool(), values, 0.0).sum() / total


def masked_sequence_mean(values: Tensor, mask: Tensor, num_sequences: Tensor | float | None = None) -> Tensor:
    """Mean over each sequence's action tokens, then over sequences (GRPO-style), for comparison."""
    mask = mask.bool()
    per_sequence_tokens = mask.sum(dim=-1)
    per_sequence_sum = torch.where(mask, values, 0.0).sum(dim=-1)
    per_sequence_mean = per_sequence_sum / per_sequence_tokens.clamp(min=1)
    total = count_sequences_with_actions(mask) if num_sequences is None else num_sequences
    return per_sequence_mean.sum() / total


def clipped_surrogate(
    log_ratio: Tensor, advantages: Tensor, eps_low: float, eps_high: float, dual_clip_c: float = 0.0
) -> tuple[Tensor, Tensor]:
    """Per-token loss -min(r*A, clip(r, 1-eps_low, 1+eps_high)*A) and the ratio r.

    With dual_clip_c > 1 (dual-clip PPO), a token with A < 0 loses at most -c*A: a ratio far above
    1 on a bad action cannot blow the update up.
    """
    ratio = torch.exp(log_ratio)
    unclipped = ratio * advantages
    clipped = torch.clamp(ratio, 1.0 - eps_low, 1.0 + eps_high) * advantages
    loss = -torch.minimum(unclipped, clipped)
    if dual_clip_c:
        loss = torch.where(advantages < 0, torch.minimum(loss, -dual_clip_c * advantages), loss)
    return loss, ratio


def k3_kl(logp: Tensor, ref_logp: Tensor) -> Tensor:
    """Per-token estimate of KL(pi || pi_ref): exp(d) - d - 1 with d = ref_logp - logp (always >= 0)."""
    delta = ref_logp - logp
    return torch.exp(delta) - delta - 1.0


def dapo_loss(
    logp: Tensor,
    old_logp: Tensor,
    advantages: Tensor,
    mask: Tensor,
    *,
    eps_low: float = 0.2,
    eps_high: float = 0.3,
    aggregation: str = "token",
    num_tokens: Tensor | float | None = None,
    num_sequences: Tensor | float | None = None,
    ref_logp: Tensor | None = None,
    kl_coef: float = 0.0,
    dual_clip_c: float = 0.0,
    sampler_logp: Tensor | None = None,
    tis_cap: float = 2.0,
) -> LossOutput:
    """DAPO's clipped objective with asymmetric clipping; `advantages` is [B] or [B, T].

    `old_logp` is the sampler's log-probs, or, with `sampler_logp` given, the trainer's own
    log-probs under the sampling weights; then each token's loss is weighted by the truncated
    importance weight min(exp(old_logp - sampler_logp), tis_cap) (TIS), which corrects for the
    sampler/trainer mismatch without letting a rare token dominate.

    |logp - sampler log-probs| measures how far the trainer's policy is from the one that sampled
    (the mismatch on the first step of an iteration, plus the earlier steps' updates after it):
    reported as logprob_diff_mean (additive over micro-batches) and logprob_diff_max (by max).

    aggregation "token": summed over all action tokens, divided by their count (the paper's loss).
    aggregation "sequence": each sequence's token mean, averaged over sequences.
    """
    mask = mask.bool()
    if advantages.dim() == 1:
        advantages = advantages.unsqueeze(-1).expand_as(logp)
    # Non-action positions get log-ratio 0, so no inf/NaN can leak into the gradient through them.
    log_ratio = torch.where(mask, logp - old_logp, 0.0)
    per_token, ratio = clipped_surrogate(log_ratio, advantages, eps_low, eps_high, dual_clip_c)
    sampler = old_logp if sampler_logp is None else sampler_logp
    weight = None
    if sampler_logp is not None:
        weight = torch.clamp(torch.exp(torch.where(mask, old_logp - sampler_logp, 0.0)), max=tis_cap).detach()
        per_token = per_token * weight
    tokens = count_action_tokens(mask) if num_tokens is None else num_tokens
    if aggregation == "token":
        policy_loss = masked_token_mean(per_token, mask, tokens)
    elif aggregation == "sequence":
        policy_loss = masked_sequence_mean(per_token, mask, num_sequences)
    else:
        raise ValueError(f"aggregation must be 'token' or 'sequence', got {aggregation!r}")

    loss = policy_loss
    with torch.no_grad():
        ratio_d = ratio.detach()
        metrics = {
            "policy_loss": policy_loss.detach(),
            # Tokens whose gradient the clip removed, on each side.
            "clip_frac_low": masked_token_mean(((ratio_d < 1 - eps_low) & (advantages < 0)).float(), mask, tokens),
            "clip_frac_high": masked_token_mean(((ratio_d > 1 + eps_high) & (advantages > 0)).float(), mask, tokens),
            "ratio_mean": masked_token_mean(ratio_d, mask, tokens),
            "logprob_diff_mean": masked_token_mean((logp.detach() - sampler).abs(), mask, tokens),
            "logprob_diff_max": torch.where(mask, (logp.detach() - sampler).abs(), 0.0).max(),
        }
        if weight is not None:
            metrics["tis_weight_mean"] = masked_token_mean(weight, mask, tokens)
    if kl_coef:
        if ref_logp is None:
            raise ValueError("kl_coef > 0 needs ref_logp")
        kl = masked_token_mean(k3_kl(logp, torch.where(mask, ref_logp, logp.detach())), mask, tokens)
        loss = loss + kl_coef * kl
        metrics["kl"] = kl.detach()
    return LossOutput(loss=loss, metrics=metrics)


def sft_loss(logp: Tensor, mask: Tensor, num_tokens: Tensor | float | None = None) -> LossOutput:
    """Next-token negative log-likelihood over the action tokens, token-level average."""
    nll = masked_token_mean(-logp, mask, num_tokens)
    return LossOutput(loss=nll, metrics={"nll": nll.detach()})


def batch_dapo_loss(logp, batch, mask, config, num_tokens, num_sequences, ref_logp=None):
    """dapo_loss on a collated batch (old/sampler log-probs shifted to the predicted positions) with
    a DapoConfig's settings: the single-process and the sharded trainer use the same call."""
    return dapo_loss(
        logp, batch.old_logprobs[:, 1:], batch.advantages, mask,
        eps_low=config.eps_low, eps_high=config.eps_high, aggregation=config.aggregation,
        num_tokens=num_tokens, num_sequences=num_sequences, ref_logp=ref_logp, kl_coef=config.kl_coef,
        dual_clip_c=config.dual_clip_c,
        sampler_logp=None if batch.sampler_logprobs is None else batch.sampler_logprobs[:, 1:],
        tis_cap=config.tis_cap,
    )
