"""Token-in/token-out requests, shaped like vLLM's: POST /v1/completions with `prompt` as a list
of token ids (or a string), POST /tokenize (a string or chat messages) and POST /detokenize.

The policy sends each turn's prompt as ids it built itself (the previous prompt, the previous
sampled ids, the new observation tokenised), so the ids the trainer trains on are what the model
was conditioned on: no re-tokenisation of earlier turns between sampling and training.
"""
from __future__ import annotations

import time
import uuid
from dataclasses import dataclass
from typing import Any

from ..generation import GenerationResult
from ..openai_protocol import ApiError, _bad, _boolean, _integer, _messages, _sampling_fields, token_entry
from ..sampling import SamplingParams


@dataclass(frozen=True)
class CompletionRequest:
    prompt_ids: tuple[int, ...] | None  # the prompt as ids: used verbatim
    prompt_text: str | None  # or as text: tokenised by the server
    max_tokens: int | None
    sampling: SamplingParams
    seed: int | None
    stop: tuple[str, ...]
    stop_token_ids: tuple[int, ...]
    logprobs: int | None  # the legacy API's integer: top log-probs per token; 0 = the sampled token's only
    return_token_ids: bool
    model: str | None


def _token_ids(value: Any, field: str) -> tuple[int, ...]:
    if not isinstance(value, list) or not value or not all(isinstance(t, int) and not isinstance(t, bool) and t >= 0 for t in value):
        raise _bad(field, "must be a non-empty list of token ids (integers >= 0)")
    return tuple(value)


def parse_completion_request(body: Any) -> CompletionRequest:
    if not isinstance(body, dict):
        raise ApiError(400, "the request body must be a JSON object")
    shared = _sampling_fields(body)
    prompt = body.get("prompt")
    if isinstance(prompt, list) and len(prompt) == 1 and isinstance(prompt[0], (list, str)):
        prompt = prompt[0]  # a batch of one, as the OpenAI API allows
    prompt_ids = None if isinstance(prompt, str) else _token_ids(prompt, "prompt")
    if isinstance(prompt, str) and not prompt:
        raise _bad("prompt", "must not be empty")
    return CompletionRequest(prompt_ids=prompt_ids, prompt_text=prompt if isinstance(prompt, str) else None,
                             logprobs=_integer(body, "logprobs", None, 0), **shared)


def check_vocabulary(prompt_ids: tuple[int, ...], vocab_size: int) -> None:
    bad = [t for t in prompt_ids if t >= vocab_size]
    if bad:
        raise _bad("prompt", f"token id {bad[0]} is out of vocabulary (size {vocab_size})")


def completion_body(request: CompletionRequest, result: GenerationResult, prompt_ids: list[int], tokenizer,
                    model_name: str, policy_version: int) -> dict:
    choice: dict[str, Any] = {"index": 0, "text": result.text, "logprobs": None,
                              "finish_reason": result.finish_reason, "stop_reason": result.stop_reason}
    if request.logprobs is not None:
        entries = [token_entry(tokenizer, t, lp) for t, lp in zip(result.token_ids, result.logprobs)]
        tops = [{token_entry(tokenizer, i, lp)["token"]: lp for i, lp in top} for top in result.top_logprobs] if request.logprobs else None
        offsets, at = [], 0
        for entry in entries:
            offsets.append(at)
            at += len(entry["token"])
        choice["logprobs"] = {"tokens": [e["token"] for e in entries], "token_logprobs": [e["logprob"] for e in entries],
                              "top_logprobs": tops, "text_offset": offsets}
    if request.return_token_ids:
        choice["prompt_token_ids"] = list(prompt_ids)
        choice["token_ids"] = list(result.token_ids)
    return {
        "id": f"cmpl-{uuid.uuid4().hex}", "object": "text_completion", "created": int(time.time()), "model": model_name,
        "choices": [choice],
        "usage": {"prompt_tokens": len(prompt_ids), "completion_tokens": len(result.token_ids),
                  "total_tokens": len(prompt_ids) + len(result.token_ids)},
        "policy_version": policy_version, "policy": model_name,
    }


@dataclass(frozen=True)
class TokenizeRequest:
    model: str | None
    prompt: str | None
    messages: list[dict[str, str]] | None
    add_generation_prompt: bool
    add_special_tokens: bool


def parse_tokenize_request(body: Any) -> TokenizeRequest:
    """vLLM's two forms: {"prompt", "add_special_tokens"=true} or {"messages", "add_generation_prompt"=true,
    "add_special_tokens"=false}."""
    if not isinstance(body, dict):
        raise ApiError(400, "the request body must be a JSON object")
    model = body.get("model")
    if model is not None and not isinstance(model, str):
        raise _bad("model", "must be a string")
    if "messages" in body:
        generation = body.get("add_generation_prompt", True)
        if not isinstance(generation, bool):
            raise _bad("add_generation_prompt", "must be a boolean")
        return TokenizeRequest(model, None, _messages(body), generation, _boolean(body, "add_special_tokens"))
    prompt = body.get("prompt")
    if not isinstance(prompt, str):
        raise _bad("prompt", "must be a string (or send messages)")
    special = body.get("add_special_tokens", True)
    if not isinstance(special, bool):
        raise _bad("add_special_tokens", "must be a boolean")
    return TokenizeRequest(model, prompt, None, False, special)


def parse_detokenize_request(body: Any) -> tuple[str | None, tuple[int, ...]]:
    if not isinstance(body, dict):
        raise ApiError(400, "the request body must be a JSON object")
    model = body.get("model")
    if model is not None and not isinstance(model, str):
        raise _bad("model", "must be a string")
    return model, _token_ids(body.get("tokens"), "tokens")
