"""Learning rate as a pure function of the step number, so a resumed or replayed run gets the same value."""
from __future__ import annotations

import math


def learning_rate(
    step: int,
    *,
    peak_lr: float,
    warmup_steps: int = 0,
    schedule: str = "constant",
    total_steps: int | None = None,
    min_lr: float = 0.0,
    start_step: int = 1,
) -> float:
    """Linear warm-up to peak_lr, then constant or cosine decay to min_lr at total_steps.

    Steps count from start_step (the first step of this phase, e.g. the first RL step after RFT).
    """
    phase_step = step - start_step + 1
    if phase_step < 1:
        raise ValueError(f"step {step} comes before the schedule's start_step {start_step}")
    if warmup_steps > 0 and phase_step <= warmup_steps:
        return peak_lr * phase_step / warmup_steps
    if schedule == "constant":
        return peak_lr
    if schedule == "cosine":
        if not total_steps or total_steps <= warmup_steps:
            raise ValueError("the cosine schedule needs total_steps greater than warmup_steps")
        progress = min(1.0, (phase_step - warmup_steps) / (total_steps - warmup_steps))
        return min_lr + (peak_lr - min_lr) * 0.5 * (1.0 + math.cos(math.pi * progress))
    raise ValueError(f"schedule must be 'constant' or 'cosine', got {schedule!r}")


def apply_hyperparameters(optimizer, step: int, config) -> float:
    """Sets this step's learning rate and AdamW settings (an OptimConfig) on the optimizer: group 0
    decays, group 1 (norms, biases) does not. Returns the learning rate."""
    lr = learning_rate(
        step, peak_lr=config.lr, warmup_steps=config.warmup_steps, schedule=config.schedule,
        total_steps=config.total_steps, min_lr=config.min_lr, start_step=config.schedule_start_step,
    )
    decay_group, no_decay_group = optimizer.param_groups
    for group in (decay_group, no_decay_group):
        group["lr"] = lr
        group["betas"] = (config.beta1, config.beta2)
        group["eps"] = config.adam_eps
    decay_group["weight_decay"] = config.weight_decay
    return lr
