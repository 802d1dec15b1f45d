"""Peak memory and tokens/s of one DAPO forward+backward against sequence length, before and after.

    ../.venv/bin/python bench_memory.py [--lengths 1024,2048,...] [--layers 12] [--hidden 768] [--threads N]

"before": full-vocabulary fp32 logits at every position, no activation checkpointing (the
trainer's old path). "after": log-probs only at action positions, in chunks, with activation
checkpointing (swe_rl_trainer.long_context). The model is Qwen2-shaped with Qwen2's 151936-token
vocabulary and random weights, built in memory; nothing is downloaded. Each point runs in a
fresh subprocess and reports its peak RSS (resource.getrusage); "before" points whose logits
alone would pass --before-limit-gb are skipped and printed as skipped. One JSON line per point,
then a table.
"""
from __future__ import annotations

import argparse
import json
import resource
import subprocess
import sys
import time

VOCAB = 151936
ACTION_BLOCK, CONTEXT_BLOCK = 64, 192  # a quarter of the tokens are actions, in turns


def rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def build_model(args):
    import torch
    from transformers import Qwen2Config, Qwen2ForCausalLM

    config = Qwen2Config(
        vocab_size=VOCAB, hidden_size=args.hidden, intermediate_size=args.intermediate,
        num_hidden_layers=args.layers, num_attention_heads=args.heads, num_key_value_heads=args.kv_heads,
        max_position_embeddings=max(args.lengths), tie_word_embeddings=True,
    )
    torch.manual_seed(0)
    return Qwen2ForCausalLM(config).train()


def make_sequence(length: int):
    from swe_rl_trainer.sequence_builder import TrainingSequence
    import torch

    ids = torch.randint(0, VOCAB, (length,)).tolist()
    mask = [1 if (t % (ACTION_BLOCK + CONTEXT_BLOCK)) >= CONTEXT_BLOCK else 0 for t in range(length)]
    return TrainingSequence("bench", ids, mask, [-1.0 * m for m in mask], 1.0)


def one_step(model, sequence, mode: str) -> None:
    import torch
    from swe_rl_trainer.batching import collate
    from swe_rl_trainer.long_context.packed_logprobs import padded_action_logprobs
    from swe_rl_trainer.losses import dapo_loss, token_logprobs

    batch = collate([sequence], 0, torch.device("cpu"))
    mask = batch.loss_mask[:, 1:]
    if mode == "before":
        logits = model(input_ids=batch.input_ids, use_cache=False).logits
        logp = token_logprobs(logits[:, :-1], batch.input_ids[:, 1:])
    else:
        logp = padded_action_logprobs(model, [sequence], mask)
    out = dapo_loss(logp, batch.old_logprobs[:, 1:], batch.advantages, mask, num_tokens=mask.sum())
    out.loss.backward()
    model.zero_grad(set_to_none=True)


def run_point(args) -> dict:
    import torch
    from swe_rl_trainer.long_context.activation_checkpointing import set_activation_checkpointing

    torch.set_num_threads(args.threads)
    model = build_model(args)
    params = sum(p.numel() for p in model.parameters())
    set_activation_checkpointing(model, args.mode == "after")
    one_step(model, make_sequence(512), args.mode)  # warm-up: first-call overheads out of the timing
    baseline = rss_mb()
    sequence = make_sequence(args.length)
    started = time.perf_counter()
    one_step(model, sequence, args.mode)
    seconds = time.perf_counter() - started
    return {
        "mode": args.mode, "seq_len": args.length, "params_m": round(params / 1e6, 1),
        "action_tokens": sum(sequence.loss_mask), "peak_rss_mb": round(rss_mb()), "baseline_rss_mb": round(baseline),
        "step_peak_mb": round(rss_mb() - baseline), "seconds": round(seconds, 2),
        "tokens_per_s": round(args.length / seconds, 1),
    }


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--lengths", default="1024,2048,4096,8192,16384,32768")
    parser.add_argument("--modes", default="before,after")
    parser.add_argument("--hidden", type=int, default=768)
    parser.add_argument("--intermediate", type=int, default=2048)
    parser.add_argument("--layers", type=int, default=12)
    parser.add_argument("--heads", type=int, default=12)
    parser.add_argument("--kv-heads", type=int, default=2)
    parser.add_argument("--threads", type=int, default=2)
    parser.add_argument("--before-limit-gb", type=float, default=16.0, help="skip 'before' points whose fp32 logits and their gradients (~4 copies) would pass this")
    parser.add_argument("--point-timeout", type=int, default=1800, help="seconds per point")
    parser.add_argument("--mode", help=argparse.SUPPRESS)
    parser.add_argument("--length", type=int, help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    args.lengths = [int(x) for x in args.lengths.split(",")]
    if args.mode:  # a child: one point
        print(json.dumps(run_point(args)), flush=True)
        return

    rows = []
    for length in args.lengths:
        for mode in args.modes.split(","):
            logits_gb = 4 * length * VOCAB * 4 / 1e9  # fp32 logits, log-softmax and gradients: measured ~3.4 copies at 4k
            if mode == "before" and logits_gb > args.before_limit_gb:
                row = {"mode": mode, "seq_len": length, "skipped": f"fp32 logits and gradients ~{logits_gb:.0f} GB > {args.before_limit_gb:g} GB"}
            else:
                child = [sys.executable, __file__, "--mode", mode, "--length", str(length), "--lengths", ",".join(map(str, args.lengths)),
                         "--hidden", str(args.hidden), "--intermediate", str(args.intermediate), "--layers", str(args.layers),
                         "--heads", str(args.heads), "--kv-heads", str(args.kv_heads), "--threads", str(args.threads)]
                try:
                    done = subprocess.run(child, capture_output=True, text=True, timeout=args.point_timeout)
                    lines = [l for l in done.stdout.splitlines() if l.startswith("{")]
                    row = json.loads(lines[-1]) if done.returncode == 0 and lines else {
                        "mode": mode, "seq_len": length, "failed": f"exit {done.returncode}: {done.stderr.strip()[-300:]}"}
                except subprocess.TimeoutExpired:
                    row = {"mode": mode, "seq_len": length, "skipped": f"over {args.point_timeout} s"}
            print(json.dumps(row), flush=True)
            rows.append(row)

    print(f"\n{'seq_len':>8} {'mode':>7} {'peak RSS MB':>12} {'step MB':>9} {'tokens/s':>9}")
    for row in rows:
        if "peak_rss_mb" in row:
            print(f"{row['seq_len']:>8} {row['mode']:>7} {row['peak_rss_mb']:>12} {row['step_peak_mb']:>9} {row['tokens_per_s']:>9}")
        else:
            print(f"{row['seq_len']:>8} {row['mode']:>7} {'-':>12} {'-':>9} {'-':>9}  {row.get('skipped') or row.get('failed')}")


if __name__ == "__main__":
    main()
