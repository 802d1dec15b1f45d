"""CPU throughput of the tiny model: generation (direct and through the policy server) and training steps.

    ../.venv/bin/python bench_cpu.py [--gen-tokens 256] [--episodes 8] [--turn-tokens 200] [--threads N]

The tiny model's matrices are so small that extra intra-op threads mostly add overhead; compare
--threads 1 with the default.

Everything is built locally in a temporary directory; nothing is downloaded.
"""
from __future__ import annotations

import argparse
import json
import tempfile
import time
import urllib.request
from pathlib import Path

import torch

from swe_rl_trainer.generation import generate
from swe_rl_trainer.model_io import load_model_and_tokenizer
from swe_rl_trainer.policy_server import PolicyServer
from swe_rl_trainer.tiny_model import build_tiny_model
from swe_rl_trainer.trainer import Trainer

MESSAGES = [{"role": "system", "content": "You are a software engineering agent."},
            {"role": "user", "content": "The parser truncates values after '='. Fix it."}]


def bench_direct_generation(model_dir: Path, tokens: int, runs: int) -> float:
    model, tokenizer = load_model_and_tokenizer(model_dir, "cpu")
    prompt = tokenizer.encode(tokenizer.apply_chat_template(MESSAGES, tokenize=False, add_generation_prompt=True), add_special_tokens=False)
    generate(model, tokenizer, prompt, max_tokens=8, seed=0)  # warm-up
    produced, started = 0, time.perf_counter()
    for run in range(runs):
        produced += len(generate(model, tokenizer, prompt, max_tokens=tokens, seed=run).token_ids)
    return produced / (time.perf_counter() - started)


def bench_server_generation(model_dir: Path, tokens: int, runs: int) -> float:
    server = PolicyServer(model_dir, port=0).start()
    try:
        body = {"messages": MESSAGES, "max_tokens": tokens, "logprobs": True, "return_token_ids": True,
                "temperature": 1.0, "top_p": 1.0, "top_k": -1, "min_p": 0.0, "repetition_penalty": 1.0}
        produced, started = 0, time.perf_counter()
        for run in range(runs):
            request = urllib.request.Request(server.url + "/v1/chat/completions", json.dumps({**body, "seed": run}).encode(),
                                             headers={"Content-Type": "application/json"})
            with urllib.request.urlopen(request) as response:
                produced += json.loads(response.read())["usage"]["completion_tokens"]
        return produced / (time.perf_counter() - started)
    finally:
        server.shutdown()


def synthetic_batch(path: Path, tokenizer, episodes: int, turn_tokens: int) -> str:
    generator = torch.Generator().manual_seed(0)
    eos = tokenizer.convert_tokens_to_ids("<|im_end|>")
    rows = []
    for index in range(episodes):
        messages = list(MESSAGES)
        for turn in range(2):
            ids = torch.randint(3, len(tokenizer), (turn_tokens,), generator=generator).tolist() + [eos]
            messages.append({"role": "assistant", "content": tokenizer.decode(ids[:-1], skip_special_tokens=True),
                             "token_ids": ids, "logprobs": [-6.9] * len(ids), "format_error": False})
            messages.append({"role": "user", "content": "OBSERVATION: 1 failed, 3 passed"})
        rows.append({"episode_id": f"ep-{index}", "advantage": 1.0 if index % 2 else -1.0, "messages": messages})
    path.write_text("".join(json.dumps(r) + "\n" for r in rows))
    return str(path)


def bench_training(model_dir: Path, work: Path, episodes: int, turn_tokens: int, micro_batch_size: int) -> dict:
    trainer = Trainer("bench", work / "runs", model_dir, device="cpu")
    batch = synthetic_batch(work / "batch.jsonl", trainer.tokenizer, episodes, turn_tokens)
    figures = {}
    step = 0
    for kind, config in (("sft", {"lr": 1e-4, "total_steps": 100}), ("dapo", {"lr": 1e-4})):
        method = trainer.sft_step if kind == "sft" else trainer.dapo_step
        timings = []
        for _ in range(3):
            step += 1
            started = time.perf_counter()
            result = method(step, batch, {**config, "micro_batch_size": micro_batch_size})
            timings.append(time.perf_counter() - started)
        best = min(timings)
        figures[kind] = {"tokens_per_step": result["num_tokens"], "seconds_per_step": round(best, 3),
                         "tokens_per_second": round(result["num_tokens"] / best)}
    return figures


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--gen-tokens", type=int, default=256)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--episodes", type=int, default=8)
    parser.add_argument("--turn-tokens", type=int, default=200)
    parser.add_argument("--micro-batch-size", type=int, default=4)
    parser.add_argument("--threads", type=int, default=None, help="torch intra-op threads (default: torch's choice)")
    args = parser.parse_args()
    if args.threads:
        torch.set_num_threads(args.threads)
    with tempfile.TemporaryDirectory() as tmp:
        work = Path(tmp)
        model_dir = build_tiny_model(work / "model", seed=0)
        print(f"torch {torch.__version__}, {torch.get_num_threads()} CPU threads; tiny model "
              f"{sum(p.numel() for p in load_model_and_tokenizer(model_dir, 'cpu')[0].parameters()):,} parameters")
        direct = bench_direct_generation(model_dir, args.gen_tokens, args.runs)
        print(f"generation, direct:        {direct:8.1f} tokens/s ({args.runs} x {args.gen_tokens} tokens, KV cache)")
        served = bench_server_generation(model_dir, args.gen_tokens, args.runs)
        print(f"generation, policy server: {served:8.1f} tokens/s (HTTP, logprobs + token ids)")
        for kind, f in bench_training(model_dir, work, args.episodes, args.turn_tokens, args.micro_batch_size).items():
            print(f"training, {kind}_step:{'':6}{f['tokens_per_second']:8d} tokens/s "
                  f"({f['tokens_per_step']} tokens in {f['seconds_per_step']} s, {args.episodes} episodes, "
                  f"micro-batch {args.micro_batch_size})")


if __name__ == "__main__":
    main()
