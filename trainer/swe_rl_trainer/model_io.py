"""Loads a causal LM and its tokenizer from a local directory; never downloads anything.

Default precision: fp32 on CPU, bf16 on CUDA (serving). The trainer asks for fp32 explicitly and
uses bf16 autocast on CUDA, because lr-1e-6 updates vanish when added to bf16 weights.
"""
from __future__ import annotations

from pathlib import Path

import torch
from transformers import AutoConfig, AutoModelForCausalLM, AutoTokenizer
from transformers.utils import logging as hf_logging

from .errors import ModelNotFound
from .long_context.rope_context import extend_context

hf_logging.disable_progress_bar()


def resolve_device(device: str | torch.device | None = None) -> torch.device:
    if device is not None:
        return torch.device(device)
    return torch.device("cuda" if torch.cuda.is_available() else "cpu")


def default_dtype(device: torch.device) -> torch.dtype:
    return torch.bfloat16 if device.type == "cuda" else torch.float32


def check_model_dir(path: str | Path) -> Path:
    model_dir = Path(path)
    if not model_dir.is_dir():
        raise ModelNotFound(f"model directory {str(model_dir)!r} does not exist")
    if not (model_dir / "config.json").is_file():
        raise ModelNotFound(
            f"model directory {str(model_dir)!r} has no config.json; expected a Hugging Face model directory"
        )
    return model_dir


def load_tokenizer(path: str | Path):
    return AutoTokenizer.from_pretrained(check_model_dir(path), local_files_only=True)


def load_model(path: str | Path, device: str | torch.device | None = None, dtype: torch.dtype | None = None,
               max_context: int | None = None):
    """`max_context` beyond the model's length sets YaRN rope scaling (the trainer's and server's shared rule)."""
    model_dir = check_model_dir(path)
    target = resolve_device(device)
    config = AutoConfig.from_pretrained(model_dir, local_files_only=True)
    extend_context(config, max_context)
    model = AutoModelForCausalLM.from_pretrained(
        model_dir, config=config, local_files_only=True, dtype=dtype or default_dtype(target)
    )
    return model.to(target).eval()


def load_model_and_tokenizer(path: str | Path, device: str | torch.device | None = None, dtype: torch.dtype | None = None,
                             max_context: int | None = None):
    return load_model(path, device, dtype, max_context), load_tokenizer(path)
