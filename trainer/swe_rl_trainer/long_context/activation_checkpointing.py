"""Activation checkpointing: a step option, on by default once the context is long."""
from __future__ import annotations

LONG_CONTEXT_TOKENS = 8192


def wants_checkpointing(setting: bool | None, max_length: int) -> bool:
    """An explicit setting wins; unset (None), it is on for contexts of LONG_CONTEXT_TOKENS or more."""
    return setting if setting is not None else max_length >= LONG_CONTEXT_TOKENS


def set_activation_checkpointing(model, on: bool) -> None:
    if on == bool(model.is_activation_checkpointing):
        return
    if on:
        # Non-reentrant: works with inputs that need no grad and keeps autocast in the recomputation.
        model.activation_checkpointing_enable(activation_checkpointing_kwargs={"use_reentrant": False})
    else:
        model.activation_checkpointing_disable()
