"""Autoregressive generation with a KV cache, returning sampled ids and their raw log-probs."""
from __future__ import annotations

import random
from dataclasses import dataclass, field

import torch

from .sampling import SamplingParams, choose_token


@dataclass
class GenerationResult:
    token_ids: list[int]
    logprobs: list[float]
    finish_reason: str  # "stop" | "length"
    stop_reason: str | int | None  # stop string or stop token id that ended it; None for EOS
    text: str
    top_logprobs: list[list[tuple[int, float]]] = field(default_factory=list)


def _earliest_stop(text: str, stops: tuple[str, ...]) -> tuple[int, str] | None:
    hits = [(text.find(s), s) for s in stops if s and text.find(s) >= 0]
    return min(hits) if hits else None


@torch.inference_mode()
def generate(
    model,
    tokenizer,
    prompt_ids: list[int],
    *,
    max_tokens: int,
    params: SamplingParams = SamplingParams(),
    eos_token_ids: frozenset[int] = frozenset(),
    stop: tuple[str, ...] = (),
    stop_token_ids: tuple[int, ...] = (),
    seed: int | None = None,
    top_logprobs: int = 0,
) -> GenerationResult:
    """Samples up to max_tokens; the EOS or stop token that ends generation is part of token_ids,
    as with vLLM, while `text` leaves it out (special tokens are skipped in text)."""
    device = next(model.parameters()).device
    generator = torch.Generator(device="cpu")
    generator.manual_seed(seed if seed is not None else random.getrandbits(63))
    seen = torch.tensor(sorted(set(prompt_ids)), dtype=torch.long)
    inputs = torch.tensor([prompt_ids], dtype=torch.long, device=device)
    past = None
    ids: list[int] = []
    logprobs: list[float] = []
    tops: list[list[tuple[int, float]]] = []
    finish, stop_reason, stop_at = "length", None, None

    for _ in range(max_tokens):
        output = model(input_ids=inputs, past_key_values=past, use_cache=True)
        past = output.past_key_values
        token, raw = choose_token(output.logits[0, -1].float().cpu(), params, seen, generator)
        ids.append(token)
        logprobs.append(float(raw[token]))
        if top_logprobs:
            values, indices = torch.topk(raw, top_logprobs)
            tops.append([(int(i), float(v)) for i, v in zip(indices, values)])
        if token in eos_token_ids:
            finish = "stop"
            break
        if token in stop_token_ids:
            finish, stop_reason = "stop", token
            break
        if stop:
            hit = _earliest_stop(tokenizer.decode(ids, skip_special_tokens=True), stop)
            if hit:
                finish, (stop_at, stop_reason) = "stop", hit
                break
        if params.repetition_penalty != 1.0 and token not in set(seen.tolist()):
            seen = torch.cat([seen, torch.tensor([token])])
        inputs = torch.tensor([[token]], dtype=torch.long, device=device)

    ends_with_stop_token = finish == "stop" and stop_at is None
    visible = ids[:-1] if ends_with_stop_token else ids
    text = tokenizer.decode(visible, skip_special_tokens=True, clean_up_tokenization_spaces=False)
    if stop_at is not None:
        text = text[:stop_at]
    return GenerationResult(ids, logprobs, finish, stop_reason, text, tops)
