"""fully_shard (FSDP2) on each decoder layer, then the root (embeddings, final norm, lm_head).

Master weights and AdamW moments stay fp32 and sharded; MixedPrecisionPolicy casts the gathered
parameters to `param_dtype` for compute (bf16 on CUDA) and reduces gradients in fp32.
"""
from __future__ import annotations

import torch
from torch.distributed.fsdp import FSDPModule, MixedPrecisionPolicy, fully_shard

from ..long_context.activation_checkpointing import set_activation_checkpointing
from .process_group import RankInfo

DTYPES = {"bf16": torch.bfloat16, "bfloat16": torch.bfloat16, "fp32": torch.float32, "float32": torch.float32}


def param_dtype_for(device: torch.device, requested: str | None = None) -> torch.dtype:
    if requested:
        if requested not in DTYPES:
            raise ValueError(f"param dtype must be one of {sorted(DTYPES)}, got {requested!r}")
        return DTYPES[requested]
    return torch.bfloat16 if device.type == "cuda" else torch.float32


def decoder_layers(model: torch.nn.Module) -> list[torch.nn.Module]:
    """The transformer blocks of a Hugging Face causal LM (Qwen2/Llama: model.model.layers)."""
    inner = getattr(model, "model", None)
    layers = getattr(inner, "layers", None)
    if layers is None:
        raise ValueError(f"{type(model).__name__} has no model.layers to shard")
    return list(layers)


def shard_model(model: torch.nn.Module, ranks: RankInfo, param_dtype: torch.dtype,
                activation_checkpointing: bool = False) -> torch.nn.Module:
    """Shards an fp32 model in place over all ranks; its parameters become DTensors on `ranks.device`."""
    if any(p.dtype != torch.float32 for p in model.parameters()):
        raise ValueError("shard an fp32 model: the master weights must stay fp32")
    set_activation_checkpointing(model, activation_checkpointing)
    policy = MixedPrecisionPolicy(param_dtype=param_dtype, reduce_dtype=torch.float32)
    for layer in decoder_layers(model):
        fully_shard(layer, mesh=ranks.mesh, mp_policy=policy)
    fully_shard(model, mesh=ranks.mesh, mp_policy=policy)
    for module in model.modules():
        if isinstance(module, FSDPModule):
            # Gradients are summed, not averaged, over ranks: each rank's loss is already divided
            # by the token count of the global batch.
            module.set_gradient_divide_factor(1.0)
            # Plain SUM collectives: gloo has no PREMUL_SUM (and NCCL copies less with SUM).
            module.set_force_sum_reduction_for_comms(True)
    return model
