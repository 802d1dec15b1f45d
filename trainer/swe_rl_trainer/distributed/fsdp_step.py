"""One SFT or DAPO update of a sharded model over all ranks, with the losses of losses.py.

Each rank runs forward/backward on its own sequences; every micro-batch's loss is divided by
the action-token (or sequence) count of the *global* batch and FSDP sums the gradients over
ranks (divide factor 1), so N ranks produce the gradient of the one-rank full-batch loss.
"""
from __future__ import annotations

import math
import time
from collections import defaultdict

import torch
import torch.distributed as dist

from ..batching import collate
from ..losses import dapo_loss, sft_loss, token_logprobs
from ..lr_schedule import apply_hyperparameters
from ..sequence_builder import TrainingSequence
from ..step_config import DapoConfig, OptimConfig
from .process_group import RankInfo
from .rank_batches import empty_micro_batch, rank_micro_batches


def _micro_batch_loss(model, kind: str, batch, config: OptimConfig, num_tokens: int, num_sequences: int):
    logits = model(input_ids=batch.input_ids, attention_mask=batch.attention_mask, use_cache=False).logits
    logp = token_logprobs(logits[:, :-1], batch.input_ids[:, 1:])
    mask = batch.loss_mask[:, 1:]
    if kind == "sft":
        return sft_loss(logp, mask, num_tokens)
    assert isinstance(config, DapoConfig)
    return dapo_loss(
        logp, batch.old_logprobs[:, 1:], batch.advantages, mask,
        eps_low=config.eps_low, eps_high=config.eps_high, aggregation=config.aggregation,
        num_tokens=num_tokens, num_sequences=num_sequences, dual_clip_c=config.dual_clip_c,
        sampler_logp=None if batch.sampler_logprobs is None else batch.sampler_logprobs[:, 1:],
        tis_cap=config.tis_cap,
    )


def accumulate_gradients(model, kind: str, sequences: list[TrainingSequence], config: OptimConfig,
                         ranks: RankInfo, pad_id: int) -> dict[str, float]:
    """Forward/backward over this rank's micro-batches; returns the metrics summed over all ranks."""
    num_tokens = sum(s.num_action_tokens for s in sequences)
    num_sequences = sum(1 for s in sequences if s.num_action_tokens > 0)
    chunks, count = rank_micro_batches(sequences, ranks.world_size, ranks.rank, config.micro_batch_size)
    with_sampler = any(s.trainer_old_logprobs is not None for s in sequences)
    sums: dict[str, float] = defaultdict(float)
    for chunk in chunks:
        batch = (collate(chunk, pad_id, ranks.device) if chunk is not None
                 else empty_micro_batch(pad_id, ranks.device, with_sampler))
        out = _micro_batch_loss(model, kind, batch, config, num_tokens, num_sequences)
        out.loss.backward()
        sums["loss"] += out.loss.item()
        for name, value in out.metrics.items():
            sums[name] = max(sums.get(name, float("-inf")), value.item()) if name.endswith("_max") else sums[name] + value.item()
        del out
    totals = _reduce_metrics(dict(sums), ranks)
    totals["micro_batches"] = count
    return totals


def _reduce_metrics(local: dict[str, float], ranks: RankInfo) -> dict[str, float]:
    names = sorted(local)
    summed = [n for n in names if not n.endswith("_max")]
    maxed = [n for n in names if n.endswith("_max")]
    # Collectives on the rank's device: nccl reduces CUDA tensors only.
    sums = torch.tensor([local[n] for n in summed], dtype=torch.float64, device=ranks.device)
    maxes = torch.tensor([local[n] for n in maxed] or [0.0], dtype=torch.float64, device=ranks.device)
    if ranks.world_size > 1:
        dist.all_reduce(sums, op=dist.ReduceOp.SUM)
        dist.all_reduce(maxes, op=dist.ReduceOp.MAX)
    return {**dict(zip(summed, sums.tolist())), **dict(zip(maxed, maxes.tolist()))}


def clip_gradients(model: torch.nn.Module, max_norm: float) -> float:
    norm = torch.nn.utils.clip_grad_norm_(model.parameters(), max_norm)
    if hasattr(norm, "full_tensor"):  # a DTensor: the norm over all shards
        norm = norm.full_tensor()
    return float(norm)


def apply_step(model, optimizer, kind: str, step: int, sequences: list[TrainingSequence], config: OptimConfig,
               ranks: RankInfo, pad_id: int, reset_optimizer: bool = False) -> dict:
    """One optimizer update on the whole batch (all ranks call it with the same sequences)."""
    started = time.monotonic()
    lr = apply_hyperparameters(optimizer, step, config)
    optimizer.zero_grad(set_to_none=True)
    try:
        sums = accumulate_gradients(model, kind, sequences, config, ranks, pad_id)
        grad_norm = clip_gradients(model, config.grad_clip)
        if not math.isfinite(grad_norm) or not math.isfinite(sums["loss"]):
            raise FloatingPointError(f"step {step}: non-finite loss or gradient norm; the update was not applied")
        if reset_optimizer:
            optimizer.state.clear()
        optimizer.step()
    finally:
        optimizer.zero_grad(set_to_none=True)
    result = {
        "step": step, "kind": kind, **sums, "micro_batches": int(sums["micro_batches"]),
        "optimizer_reset": reset_optimizer, "grad_norm": grad_norm, "lr": lr,
        "num_sequences": len(sequences), "num_action_tokens": sum(s.num_action_tokens for s in sequences),
        "num_tokens": sum(len(s.input_ids) for s in sequences),
        "world_size": ranks.world_size, "duration_s": round(time.monotonic() - started, 3),
    }
    if kind == "dapo":
        result["advantage_mean"] = sum(s.advantage for s in sequences) / len(sequences)
    return result
