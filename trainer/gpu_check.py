"""The CUDA path of the FSDP2 trainer on a Qwen2-shaped ~0.5B model (random weights, built here).

    ../.venv/bin/python gpu_check.py [--out DIR] [--lengths 8192,32768]    # one GPU, about 5 minutes on an H200
    ../.venv/bin/python gpu_check.py --smoke                               # tiny shapes on CPU: the script runs

FSDP2 on one rank (torchrun for more), bf16 compute with fp32 master weights, activation
checkpointing on; one SFT and one DAPO step per sequence length, then a sharded save, the
Hugging Face export, the export reloaded with from_pretrained and the sharded checkpoint resumed.
Prints tokens/s, peak memory (torch.cuda.max_memory_allocated) and MFU = 6 * params * tokens /
time / peak (989 TFLOPS, H200 dense bf16; attention FLOPs not counted), then one JSON line.
"""
from __future__ import annotations

import argparse
import json
import math
import sys
import tempfile
import time
from pathlib import Path

import torch
from transformers import AutoModelForCausalLM, Qwen2Config, Qwen2ForCausalLM

from swe_rl_trainer.distributed.fsdp_step import apply_step
from swe_rl_trainer.distributed.hf_export import export_hf
from swe_rl_trainer.distributed.process_group import destroy_process_group, init_process_group
from swe_rl_trainer.distributed.run_steps import build_sharded_trainer
from swe_rl_trainer.distributed.sharded_checkpoint import save_sharded
from swe_rl_trainer.sequence_builder import TrainingSequence
from swe_rl_trainer.step_config import parse_config
from swe_rl_trainer.tiny_tokenizer import build_tokenizer

H200_BF16_DENSE_FLOPS = 989e12
QWEN25_05B = dict(hidden_size=896, intermediate_size=4864, num_hidden_layers=24, num_attention_heads=14,
                  num_key_value_heads=2, vocab_size=151936, max_position_embeddings=32768)
SMOKE = dict(hidden_size=64, intermediate_size=128, num_hidden_layers=2, num_attention_heads=4,
             num_key_value_heads=2, vocab_size=1024, max_position_embeddings=512)


def build_model_dir(path: Path, shapes: dict) -> Path:
    tokenizer = build_tokenizer()
    config = Qwen2Config(**shapes, tie_word_embeddings=True, bos_token_id=None,
                         eos_token_id=tokenizer.eos_token_id, pad_token_id=tokenizer.pad_token_id)
    torch.manual_seed(0)
    Qwen2ForCausalLM(config).save_pretrained(path)
    tokenizer.save_pretrained(path)
    return path


def random_sequence(length: int, vocab: int, seed: int) -> TrainingSequence:
    """One trajectory of `length` tokens: the first quarter prompt, the rest actions sampled
    (as far as the old log-probs say) from a uniform policy, which a random model is close to."""
    generator = torch.Generator().manual_seed(seed)
    ids = torch.randint(3, vocab, (length,), generator=generator).tolist()
    prompt = length // 4
    uniform = -math.log(vocab)
    return TrainingSequence(episode_id=f"ep-{seed}", input_ids=ids, loss_mask=[0] * prompt + [1] * (length - prompt),
                            old_logprobs=[0.0] * prompt + [uniform] * (length - prompt), advantage=1.0 if seed % 2 else -1.0)


def timed_step(model, optimizer, kind, step, length, vocab, ranks, pad_id) -> dict:
    raw = {"lr": 1e-5, "micro_batch_size": 1, "gradient_checkpointing": True, "max_length": length}
    config = parse_config(kind, {**raw, "total_steps": 10} if kind == "sft" else raw)
    cuda = ranks.device.type == "cuda"
    if cuda:
        torch.cuda.synchronize()
        torch.cuda.reset_peak_memory_stats()
    started = time.perf_counter()
    # One sequence of `length` tokens per rank.
    sequences = [random_sequence(length, vocab, step * 1000 + r) for r in range(ranks.world_size)]
    result = apply_step(model, optimizer, kind, step, sequences, config, ranks, pad_id)
    if cuda:
        torch.cuda.synchronize()
    seconds = time.perf_counter() - started
    params = sum(p.numel() for p in model.parameters())
    tokens = length * ranks.world_size
    figures = {
        "kind": kind, "tokens": tokens, "seconds": round(seconds, 3), "tokens_per_s": round(tokens / seconds, 1),
        "peak_memory_gib": round(torch.cuda.max_memory_allocated() / 2**30, 2) if cuda else None,
        "mfu": round(6 * params * tokens / seconds / (H200_BF16_DENSE_FLOPS * ranks.world_size), 4) if cuda else None,
        "loss": result["loss"], "grad_norm": result["grad_norm"],
    }
    if not (torch.isfinite(torch.tensor(result["loss"])) and torch.isfinite(torch.tensor(result["grad_norm"]))):
        raise FloatingPointError(f"{kind} step at {length} tokens: non-finite loss or gradient norm")
    return figures


def check_export_and_resume(model, optimizer, tokenizer, out: Path, ranks, job: dict, export_dtype, step: int) -> dict:
    started = time.perf_counter()
    save_sharded(out / "sharded", model, optimizer, {"run_id": "gpu-check", "step": step}, ranks)
    export_hf(out / "export", model, tokenizer, ranks, export_dtype)
    saved_s = time.perf_counter() - started
    probe = torch.randint(3, len(tokenizer), (1, 128), generator=torch.Generator().manual_seed(7)).to(ranks.device)
    with torch.no_grad():
        trained = model(input_ids=probe, use_cache=False).logits.float()
    reloaded = AutoModelForCausalLM.from_pretrained(out / "export", local_files_only=True, dtype=export_dtype).to(ranks.device).eval()
    with torch.no_grad():
        served = reloaded(input_ids=probe, use_cache=False).logits.float()
    del reloaded
    resumed_model, _, _, state = build_sharded_trainer({**job, "resume_from": str(out / "sharded")}, ranks, False)
    with torch.no_grad():
        resumed = resumed_model(input_ids=probe, use_cache=False).logits.float()
    return {
        "save_and_export_s": round(saved_s, 2),
        "export_logits_max_abs_diff": round((served - trained).abs().max().item(), 4),
        "export_top1_agreement": round((served.argmax(-1) == trained.argmax(-1)).float().mean().item(), 4),
        "resumed_step": state["step"],
        "resumed_logits_max_abs_diff": (resumed - trained).abs().max().item(),
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--smoke", action="store_true", help="tiny shapes and short sequences on CPU")
    parser.add_argument("--lengths", help="comma-separated sequence lengths (default 8192,32768; smoke 64,256)")
    parser.add_argument("--out", help="work folder (default: a temporary one)")
    args = parser.parse_args(argv)
    lengths = [int(x) for x in (args.lengths or ("64,256" if args.smoke else "8192,32768")).split(",")]
    if not args.smoke and not torch.cuda.is_available():
        print("no CUDA device: run with --smoke on CPU", file=sys.stderr)
        return 2
    ranks = init_process_group("cpu" if args.smoke else "cuda")
    out = Path(args.out or tempfile.mkdtemp(prefix="gpu-check-"))
    report: dict = {"check": "fsdp2-gpu", "smoke": args.smoke, "device": str(ranks.device), "world_size": ranks.world_size}
    started = time.perf_counter()
    try:
        if ranks.is_main:
            build_model_dir(out / "model", SMOKE if args.smoke else QWEN25_05B)
        if ranks.world_size > 1:
            torch.distributed.barrier()
        job = {"model_path": str(out / "model"), "param_dtype": "fp32" if args.smoke else "bf16"}
        model, tokenizer, optimizer, _ = build_sharded_trainer(job, ranks, True)
        vocab = model.get_input_embeddings().num_embeddings
        report["params"] = sum(p.numel() for p in model.parameters())
        report["steps"] = []
        # Untimed: CUDA context, kernels and allocator warm up on a short sequence first.
        warmup = timed_step(model, optimizer, "sft", 1, max(16, min(lengths) // 8), vocab, ranks, tokenizer.pad_token_id or 0)
        report["warmup_s"] = warmup["seconds"]
        step = 1
        for length in lengths:
            for kind in ("sft", "dapo"):
                step += 1
                figures = {"length": length, **timed_step(model, optimizer, kind, step, length, vocab, ranks, tokenizer.pad_token_id or 0)}
                report["steps"].append(figures)
                if ranks.is_main:
                    print(f"[gpu-check] {kind} {length} tokens: {figures['tokens_per_s']} tokens/s, "
                          f"peak {figures['peak_memory_gib']} GiB, MFU {figures['mfu']}", flush=True)
        export_dtype = torch.float32 if args.smoke else torch.bfloat16
        report["checkpoint"] = check_export_and_resume(model, optimizer, tokenizer, out, ranks, job, export_dtype, step)
        report["ok"] = report["checkpoint"]["resumed_logits_max_abs_diff"] == 0.0
    except Exception as error:  # the JSON line still reports how far it got
        report["ok"], report["error"] = False, f"{type(error).__name__}: {error}"
        raise
    finally:
        report["total_s"] = round(time.perf_counter() - started, 1)
        if ranks.is_main:
            print(json.dumps(report), flush=True)
        destroy_process_group()
    return 0 if report["ok"] else 1


if __name__ == "__main__":
    sys.exit(main())
