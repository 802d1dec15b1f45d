"""A sharded model from a Hugging Face folder with one full copy in memory, on rank 0.

Every rank builds the model on the meta device (no memory) and shards it; only rank 0 reads the
fp32 weights, which are broadcast shard by shard into the ranks' parameters. Buffers that are
not in the state dict (rotary inv_freq) are broadcast from rank 0's model as well.

`max_context` past the model's native length sets YaRN rope scaling on both copies, the rule
(rope_context.extend_context) the single-process Trainer and the policy server use. A reference
model (`trainable=False`) is sharded the same way with no gradient.
"""
from __future__ import annotations

import torch
import torch.distributed as dist
from torch.distributed.checkpoint.state_dict import StateDictOptions, set_model_state_dict
from transformers import AutoConfig, AutoModelForCausalLM

from ..long_context.rope_context import extend_context
from ..model_io import check_model_dir, load_model
from .process_group import RankInfo
from .sharding import shard_model


def load_sharded_model(model_path, ranks: RankInfo, param_dtype: torch.dtype, activation_checkpointing: bool = False,
                       max_context: int | None = None, trainable: bool = True):
    folder = check_model_dir(model_path)
    full_model = load_model(folder, "cpu", torch.float32, max_context=max_context) if ranks.is_main else None
    config = AutoConfig.from_pretrained(folder, local_files_only=True)
    extend_context(config, max_context)
    with torch.device("meta"):
        model = AutoModelForCausalLM.from_config(config, dtype=torch.float32)
    if full_model is not None:
        model.generation_config = full_model.generation_config
    if not trainable:
        model.requires_grad_(False)
    shard_model(model, ranks, param_dtype, activation_checkpointing)
    model.to_empty(device=ranks.device)
    full_state = full_model.state_dict() if full_model is not None else {}
    set_model_state_dict(model, full_state, options=StateDictOptions(full_state_dict=True, broadcast_from_rank0=True))
    _broadcast_buffers(model, full_model, ranks)
    del full_state, full_model
    return model.train() if trainable else model.eval()


def _broadcast_buffers(model, full_model, ranks: RankInfo) -> None:
    source = dict(full_model.named_buffers()) if full_model is not None else {}
    for name, buffer in model.named_buffers():
        value = source[name].to(ranks.device, buffer.dtype) if ranks.is_main else torch.empty_like(buffer)
        if ranks.world_size > 1:
            dist.broadcast(value, src=0)
        buffer.copy_(value)
