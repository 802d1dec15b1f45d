"""The configured context, honoured the same way by the trainer and the policy server.

A context longer than the model's native length (`max_position_embeddings` as pretrained) gets
YaRN rope scaling with factor context / native. Both sides call `extend_context` on the
config they load, so for the same config.json and the same context they compute the same rope;
a checkpoint's config.json keeps the scaling, so whoever loads it later agrees too.
"""
from __future__ import annotations

from typing import Any

import torch


def native_context_length(config: Any) -> int:
    """The pretrained context: YaRN's original length once scaled, else max_position_embeddings."""
    rope = getattr(config, "rope_parameters", None) or {}
    if rope.get("rope_type", rope.get("type")) == "yarn" and rope.get("original_max_position_embeddings"):
        return int(rope["original_max_position_embeddings"])
    return int(config.max_position_embeddings)


def yarn_rope_parameters(native: int, context: int, rope_theta: float) -> dict[str, Any] | None:
    """YaRN parameters for `context` tokens on a model pretrained for `native`; None when none are needed."""
    if context <= native:
        return None
    return {
        "rope_type": "yarn",
        "factor": context / native,
        "original_max_position_embeddings": native,
        "rope_theta": rope_theta,
    }


def extend_context(config: Any, context: int | None) -> bool:
    """Sets YaRN on `config` when `context` exceeds what it covers now; True when it changed.

    Never shrinks: a config already covering `context` (natively or scaled) is left as it is.
    """
    if context is None or context <= int(config.max_position_embeddings):
        return False
    rope = dict(getattr(config, "rope_parameters", None) or {})
    params = yarn_rope_parameters(native_context_length(config), context, float(rope.get("rope_theta", 10000.0)))
    assert params is not None
    config.rope_parameters = {**{k: v for k, v in rope.items() if k != "type"}, **params}
    config.max_position_embeddings = context
    return True


def rebuild_rotary_embeddings(model: torch.nn.Module) -> int:
    """Recomputes every rotary embedding module from the model's (changed) config; returns how many."""
    rebuilt = 0
    for parent in list(model.modules()):
        for name, child in list(parent.named_children()):
            if type(child).__name__.endswith("RotaryEmbedding"):
                device = child.inv_freq.device
                setattr(parent, name, type(child)(config=model.config).to(device))
                rebuilt += 1
    return rebuilt


def extend_model_context(model: torch.nn.Module, context: int | None) -> bool:
    """`extend_context` on a loaded model: its config, then its rotary embeddings."""
    if not extend_context(model.config, context):
        return False
    rebuild_rotary_embeddings(model)
    return True


def vllm_context_arguments(config: Any, context: int) -> list[str]:
    """The vLLM server flags giving it the same context and rope as `extend_context`."""
    import json

    native = native_context_length(config)
    rope = getattr(config, "rope_parameters", None) or {}
    params = yarn_rope_parameters(native, context, float(rope.get("rope_theta", 10000.0)))
    args = ["--max-model-len", str(context)]
    if params:
        scaling = {k: v for k, v in params.items() if k != "rope_theta"}
        args += ["--hf-overrides", json.dumps({"rope_scaling": scaling, "max_position_embeddings": context})]
    return args
