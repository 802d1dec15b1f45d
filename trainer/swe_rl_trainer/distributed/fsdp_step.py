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
from ..losses import batch_dapo_loss, sft_loss
from ..lr_schedule import apply_hyperparameters
from ..sequence_builder import TrainingSequence
from ..step_config import DapoConfig, OptimConfig
from .process_group import RankInfo
from .rank_batches import rank_micro_batches
from .sharded_logprobs import padded_sharded_logprobs, padding_row, row_action_logprobs


def _micro_batch_loss(model, kind: str, chunk: list[TrainingSequence], config: OptimConfig, num_tokens: int,
                      num_sequences: int, device, pad_id: int, reference=None):
    """The loss of one packed micro-batch, log-probs only at action positions (as Trainer does)."""
    batch = collate(chunk, pad_id, device)
    mask = batch.loss_mask[:, 1:]
    logp = padded_sharded_logprobs(model, chunk, mask)
    if kind == "sft":
        return sft_loss(logp, mask, num_tokens)
    assert isinstance(config, DapoConfig)
    ref = None
    if config.kl_coef:
        with torch.no_grad():
            ref = padded_sharded_logprobs(reference, chunk, mask)
    return batch_dapo_loss(logp, batch, mask, config, num_tokens, num_sequences, ref)


def accumulate_gradients(model, kind: str, sequences: list[TrainingSequence], config: OptimConfig,
                         ranks: RankInfo, pad_id: int, reference=None) -> dict[str, float]:
    """Forward/backward over this rank's micro-batches; returns the metrics summed over all ranks.

    A micro-batch is one packed row (position_ids restarting per sequence); ranks with fewer
    micro-batches run padding rows, which add zero to every gradient.
    """
    num_tokens = sum(s.num_action_tokens for s in sequences)
    num_sequences = sum(1 for s in sequences if s.num_action_tokens > 0)
    chunks, count = rank_micro_batches(sequences, ranks.world_size, ranks.rank, config.micro_batch_size,
                                       config.micro_batch_tokens)
    sums: dict[str, float] = defaultdict(float)
    for chunk in chunks:
        if chunk is None:
            # The same collectives, in the same order, as a real micro-batch: the policy's forward,
            # the reference's (its all-gathers are collective too), the backward.
            padding = padding_row(pad_id, ranks.device)
            loss = row_action_logprobs(model, padding).sum()
            if kind == "dapo" and getattr(config, "kl_coef", 0.0):
                with torch.no_grad():
                    row_action_logprobs(reference, padding)
            loss.backward()
            continue
        out = _micro_batch_loss(model, kind, chunk, config, num_tokens, num_sequences, ranks.device, pad_id, reference)
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
               ranks: RankInfo, pad_id: int, reset_optimizer: bool = False, reference=None) -> dict:
    """One optimizer update on the whole batch (all ranks call it with the same sequences)."""
    started = time.monotonic()
    lr = apply_hyperparameters(optimizer, step, config)
    optimizer.zero_grad(set_to_none=True)
    try:
        sums = accumulate_gradients(model, kind, sequences, config, ranks, pad_id, reference)
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
