"""Warm-starts the tiny model on demonstration conversations: the local runs' base policy.

    python -m swe_rl_trainer.warm_start --demos FILE --out DIR [--steps N] [--batch-size B]
                                        [--lr LR] [--seed N] [--threads T]

A stand-in for a pretrained model, which a CPU-only machine cannot have: the loss is next-token
cross-entropy on the assistant messages only (their text and end-of-turn token), every other
token is context. The same seed and demonstrations give the same weights. Writes the model, its
tokenizer and warm_start.json (settings, demonstration count, loss at the start and the end).
"""
from __future__ import annotations

import argparse
import json
import random
import time
from pathlib import Path

import torch
from transformers.utils import logging as hf_logging

from .lr_schedule import learning_rate
from .model_io import load_model_and_tokenizer
from .tiny_model import TinyModelSpec, build_tiny_model
from .tiny_tokenizer import IM_END, IM_START


def load_demonstrations(path: str | Path) -> list[list[dict]]:
    conversations = []
    with open(path, encoding="utf-8") as handle:
        for number, line in enumerate(handle, start=1):
            if not line.strip():
                continue
            try:
                messages = json.loads(line)["messages"]
            except (ValueError, KeyError, TypeError) as error:
                raise ValueError(f"{path}:{number}: not a demonstration ({error})") from error
            if not any(m.get("role") == "assistant" for m in messages):
                raise ValueError(f"{path}:{number}: the demonstration has no assistant message")
            conversations.append(messages)
    if not conversations:
        raise ValueError(f"{path}: no demonstrations")
    return conversations


def encode(tokenizer, messages: list[dict]) -> tuple[list[int], list[int]]:
    """Token ids of the conversation as the chat template renders it, and its loss mask.

    Each part is tokenised on its own, as the policy server sees it: the header up to the
    assistant's first token, the sampled text, the end-of-turn token.
    """
    ids: list[int] = []
    mask: list[int] = []

    def add(text: str, learn: bool) -> None:
        piece = tokenizer(text, add_special_tokens=False)["input_ids"]
        ids.extend(piece)
        mask.extend([1 if learn else 0] * len(piece))

    for message in messages:
        add(f"{IM_START}{message['role']}\n", False)
        learn = message["role"] == "assistant"
        add(message["content"], learn)
        add(IM_END, learn)
        add("\n", False)
    return ids, mask


def batches(encoded: list, batch_size: int, rng: random.Random, pad_id: int):
    while True:
        chosen = rng.sample(encoded, batch_size)
        width = max(len(ids) for ids, _ in chosen)
        input_ids = torch.full((batch_size, width), pad_id, dtype=torch.long)
        labels = torch.full((batch_size, width), -100, dtype=torch.long)
        attention = torch.zeros((batch_size, width), dtype=torch.long)
        for row, (ids, mask) in enumerate(chosen):
            input_ids[row, : len(ids)] = torch.tensor(ids)
            attention[row, : len(ids)] = 1
            labels[row, : len(ids)] = torch.tensor([t if m else -100 for t, m in zip(ids, mask)])
        yield input_ids, attention, labels


def warm_start(
    demos: str | Path,
    out_dir: str | Path,
    *,
    steps: int = 600,
    batch_size: int = 16,
    lr: float = 3e-3,
    seed: int = 0,
    spec: TinyModelSpec = TinyModelSpec(),
    log_every: int = 50,
) -> dict:
    out = Path(out_dir)
    build_tiny_model(out, seed=seed, spec=spec)
    model, tokenizer = load_model_and_tokenizer(out, device="cpu", dtype=torch.float32)
    conversations = load_demonstrations(demos)
    encoded = [encode(tokenizer, messages) for messages in conversations]
    longest = max(len(ids) for ids, _ in encoded)
    if longest > spec.max_position_embeddings:
        raise ValueError(f"a demonstration has {longest} tokens, more than the model's {spec.max_position_embeddings}")

    torch.manual_seed(seed)
    rng = random.Random(seed)
    optimizer = torch.optim.AdamW(model.parameters(), lr=lr, betas=(0.9, 0.95), weight_decay=0.01)
    model.train()
    losses: list[float] = []
    started = time.monotonic()
    stream = batches(encoded, min(batch_size, len(encoded)), rng, tokenizer.pad_token_id)
    for step in range(1, steps + 1):
        for group in optimizer.param_groups:
            group["lr"] = learning_rate(step, peak_lr=lr, warmup_steps=min(50, steps // 10), schedule="cosine", total_steps=steps, min_lr=lr / 10)
        input_ids, attention, labels = next(stream)
        loss = model(input_ids=input_ids, attention_mask=attention, labels=labels).loss
        optimizer.zero_grad(set_to_none=True)
        loss.backward()
        torch.nn.utils.clip_grad_norm_(model.parameters(), 1.0)
        optimizer.step()
        losses.append(loss.item())
        if step % log_every == 0 or step == steps:
            print(f"step {step}/{steps}: loss {sum(losses[-log_every:]) / len(losses[-log_every:]):.4f} ({time.monotonic() - started:.0f} s)", flush=True)

    model.eval()
    model.save_pretrained(out)
    tokenizer.save_pretrained(out)
    summary = {
        "demonstrations": str(demos),
        "demonstration_count": len(encoded),
        "steps": steps,
        "batch_size": batch_size,
        "lr": lr,
        "seed": seed,
        "first_loss": losses[0],
        "final_loss": sum(losses[-log_every:]) / len(losses[-log_every:]),
        "seconds": round(time.monotonic() - started, 1),
    }
    (out / "warm_start.json").write_text(json.dumps(summary, indent=2) + "\n")
    return summary


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description="Warm-start the tiny model on demonstrations.")
    parser.add_argument("--demos", required=True)
    parser.add_argument("--out", required=True)
    parser.add_argument("--steps", type=int, default=600)
    parser.add_argument("--batch-size", type=int, default=16)
    parser.add_argument("--lr", type=float, default=3e-3)
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--threads", type=int, default=0, help="torch CPU threads (0: torch's default)")
    args = parser.parse_args(argv)
    if args.threads > 0:
        torch.set_num_threads(args.threads)
    hf_logging.disable_progress_bar()
    summary = warm_start(args.demos, args.out, steps=args.steps, batch_size=args.batch_size, lr=args.lr, seed=args.seed)
    print(json.dumps(summary))


if __name__ == "__main__":
    main()
