"""The `config` object of sft_step / dapo_step: defaults from the paper, strict validation.

Unknown keys are refused, so a typo such as "eps_hi" fails loudly instead of silently training
with the default.
"""
from __future__ import annotations

import math
from dataclasses import asdict, dataclass, fields
from typing import Any

from .errors import InvalidInput


@dataclass(frozen=True)
class OptimConfig:
    lr: float
    schedule: str
    warmup_steps: int = 0
    total_steps: int | None = None
    min_lr: float = 0.0
    schedule_start_step: int = 1
    weight_decay: float = 0.1
    beta1: float = 0.9
    beta2: float = 0.999
    adam_eps: float = 1e-8
    grad_clip: float = 1.0
    micro_batch_size: int = 4  # sequences per micro-batch, unless micro_batch_tokens is set
    micro_batch_tokens: int | None = None  # token budget of a micro-batch (its sequences packed into one row)
    max_length: int | None = None  # None: the model's context length; longer sequences are excluded
    gradient_checkpointing: bool | None = None  # None: on for contexts of 8192 tokens or more

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


@dataclass(frozen=True)
class SftConfig(OptimConfig):
    lr: float = 5e-6
    schedule: str = "cosine"


@dataclass(frozen=True)
class DapoConfig(OptimConfig):
    lr: float = 1e-6
    schedule: str = "constant"
    eps_low: float = 0.2
    eps_high: float = 0.3
    aggregation: str = "token"
    kl_coef: float = 0.0
    dual_clip_c: float = 0.0  # 0: off; > 1: dual clip for negative advantages
    old_logprobs: str = "sampler"  # or "trainer": recomputed before the iteration's first step
    tis_cap: float = 2.0  # truncation of the importance weight trainer/sampler (old_logprobs "trainer")


def _number(name: str, value: Any, *, minimum: float | None = None, exclusive: bool = False) -> float:
    if isinstance(value, bool) or not isinstance(value, (int, float)) or not math.isfinite(value):
        raise InvalidInput(f"config.{name} must be a finite number, got {value!r}")
    if minimum is not None and (value <= minimum if exclusive else value < minimum):
        raise InvalidInput(f"config.{name} must be {'>' if exclusive else '>='} {minimum}, got {value!r}")
    return float(value)


def _integer(name: str, value: Any, *, minimum: int) -> int:
    if isinstance(value, bool) or not isinstance(value, int) or value < minimum:
        raise InvalidInput(f"config.{name} must be an integer >= {minimum}, got {value!r}")
    return value


def _validate(config: OptimConfig) -> None:
    _number("lr", config.lr, minimum=0.0)
    if config.schedule not in ("constant", "cosine"):
        raise InvalidInput(f"config.schedule must be 'constant' or 'cosine', got {config.schedule!r}")
    _integer("warmup_steps", config.warmup_steps, minimum=0)
    if config.total_steps is not None:
        _integer("total_steps", config.total_steps, minimum=1)
    if config.schedule == "cosine" and (config.total_steps is None or config.total_steps <= config.warmup_steps):
        raise InvalidInput("config.total_steps is required by the cosine schedule and must exceed config.warmup_steps")
    _number("min_lr", config.min_lr, minimum=0.0)
    _integer("schedule_start_step", config.schedule_start_step, minimum=1)
    _number("weight_decay", config.weight_decay, minimum=0.0)
    for name in ("beta1", "beta2"):
        if not 0.0 <= _number(name, getattr(config, name)) < 1.0:
            raise InvalidInput(f"config.{name} must be in [0, 1), got {getattr(config, name)!r}")
    _number("adam_eps", config.adam_eps, minimum=0.0, exclusive=True)
    _number("grad_clip", config.grad_clip, minimum=0.0, exclusive=True)
    _integer("micro_batch_size", config.micro_batch_size, minimum=1)
    if config.micro_batch_tokens is not None:
        _integer("micro_batch_tokens", config.micro_batch_tokens, minimum=2)
    if config.max_length is not None:
        _integer("max_length", config.max_length, minimum=2)
    if config.gradient_checkpointing is not None and not isinstance(config.gradient_checkpointing, bool):
        raise InvalidInput(f"config.gradient_checkpointing must be a boolean or null, got {config.gradient_checkpointing!r}")
    if isinstance(config, DapoConfig):
        _number("eps_low", config.eps_low, minimum=0.0)
        if config.eps_low >= 1.0:
            raise InvalidInput(f"config.eps_low must be < 1, got {config.eps_low!r}")
        _number("eps_high", config.eps_high, minimum=0.0)
        if config.aggregation not in ("token", "sequence"):
            raise InvalidInput(f"config.aggregation must be 'token' or 'sequence', got {config.aggregation!r}")
        _number("kl_coef", config.kl_coef, minimum=0.0)
        if config.old_logprobs not in ("sampler", "trainer"):
            raise InvalidInput(f"config.old_logprobs must be 'sampler' or 'trainer', got {config.old_logprobs!r}")
        _number("tis_cap", config.tis_cap, minimum=1.0)
        if _number("dual_clip_c", config.dual_clip_c, minimum=0.0) and config.dual_clip_c <= 1.0:
            raise InvalidInput(f"config.dual_clip_c must be 0 (off) or > 1, got {config.dual_clip_c!r}")


def parse_config(kind: str, raw: dict[str, Any] | None):
    """Build an SftConfig ("sft") or DapoConfig ("dapo") from the activity's `config` dict."""
    cls = {"sft": SftConfig, "dapo": DapoConfig}[kind]
    raw = {} if raw is None else raw
    if not isinstance(raw, dict):
        raise InvalidInput(f"config must be an object, got {type(raw).__name__}")
    known = {f.name for f in fields(cls)}
    unknown = sorted(set(raw) - known)
    if unknown:
        raise InvalidInput(f"config has unknown field(s) {unknown} for a {kind} step; known: {sorted(known)}")
    config = cls(**raw)
    _validate(config)
    return config
