"""The consolidated Hugging Face export of a sharded model, for serving (vLLM, model_io).

The full state dict is gathered to rank 0 (on CPU) and written with save_pretrained as
safetensors, with the config and tokenizer, under a temporary name then renamed.
"""
from __future__ import annotations

import os
import shutil
from pathlib import Path

import torch
import torch.distributed as dist
from torch.distributed.checkpoint.state_dict import StateDictOptions, get_model_state_dict
from transformers import AutoModelForCausalLM

from ..durable import fsync_dir, fsync_tree
from .process_group import RankInfo

TEMP_PREFIX = ".tmp-"


def export_hf(path: str | Path, model, tokenizer, ranks: RankInfo, dtype: torch.dtype = torch.float32) -> Path:
    """Collective: every rank takes part in the gather; only rank 0 writes."""
    final = Path(path)
    full = get_model_state_dict(model, options=StateDictOptions(full_state_dict=True, cpu_offload=True))
    if ranks.is_main:
        temp = final.parent / f"{TEMP_PREFIX}{final.name}"
        shutil.rmtree(temp, ignore_errors=True)
        temp.mkdir(parents=True)
        # A plain (unsharded) model of the same config on the meta device takes the gathered tensors.
        with torch.device("meta"):
            plain = AutoModelForCausalLM.from_config(model.config, dtype=dtype)
        plain.load_state_dict({k: v.to(dtype) for k, v in full.items()}, strict=True, assign=True)
        plain.tie_weights()
        if getattr(model, "generation_config", None) is not None:
            plain.generation_config = model.generation_config
        plain.save_pretrained(temp)
        tokenizer.save_pretrained(temp)
        fsync_tree(temp)
        if final.exists():
            shutil.rmtree(final)
        os.rename(temp, final)
        fsync_dir(final.parent)
    del full
    if ranks.world_size > 1:
        dist.barrier()
    return final
