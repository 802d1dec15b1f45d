"""Request validation and response bodies of the OpenAI-compatible chat API, shaped like vLLM's,
and of the policy server's POST /admin/load_checkpoint."""
from __future__ import annotations

import math
import re
import time
import uuid
from dataclasses import dataclass
from typing import Any

from .generation import GenerationResult
from .sampling import SamplingParams

ERROR_TYPES = {400: "BadRequestError", 404: "NotFoundError", 409: "ConflictError", 500: "InternalServerError"}
# A served policy's name, e.g. "<run>@step-000004" or a vLLM-style "Org/Model-1.5B".
POLICY_NAME = re.compile(r"^[A-Za-z0-9._@:/-]{1,200}$")


class ApiError(Exception):
    def __init__(self, status: int, message: str, param: str | None = None):
        super().__init__(message)
        self.status = status
        self.message = message
        self.param = param

    def body(self) -> dict:
        return error_body(self.status, self.message, self.param)


def error_body(status: int, message: str, param: str | None = None) -> dict:
    return {"error": {"message": message, "type": ERROR_TYPES.get(status, "Error"), "param": param, "code": status}}


def context_length_error(max_context: int, prompt_tokens: int, max_tokens: int | None) -> ApiError:
    if max_tokens is None:
        message = (f"This model's maximum context length is {max_context} tokens. However, your request has "
                   f"{prompt_tokens} input tokens. Please reduce the length of the input messages.")
    else:
        message = (f"This model's maximum context length is {max_context} tokens. However, you requested "
                   f"{prompt_tokens + max_tokens} tokens ({prompt_tokens} in the messages, {max_tokens} in the "
                   f"completion). Please reduce the length of the messages or completion.")
    return ApiError(400, message, "messages")


def model_not_found(name: str) -> ApiError:
    return ApiError(404, f"The model `{name}` does not exist.", "model")  # vLLM's words


def check_policy_name(name: Any, field: str = "policy") -> str:
    if not isinstance(name, str) or not POLICY_NAME.match(name):
        raise ApiError(400, f"{field}: must be 1-200 characters of letters, digits and ._@:/-, got {name!r}", field)
    return name


@dataclass(frozen=True)
class ChatRequest:
    messages: list[dict[str, str]]
    max_tokens: int | None
    sampling: SamplingParams
    seed: int | None
    stop: tuple[str, ...]
    stop_token_ids: tuple[int, ...]
    logprobs: bool
    top_logprobs: int
    return_token_ids: bool
    model: str | None


def _bad(field: str, message: str) -> ApiError:
    return ApiError(400, f"{field}: {message}", field)


def _number(body: dict, field: str, default: float, low: float, high: float = math.inf, low_open: bool = False) -> float:
    value = body.get(field)
    if value is None:
        return default
    if isinstance(value, bool) or not isinstance(value, (int, float)) or not math.isfinite(value):
        raise _bad(field, f"must be a number, got {value!r}")
    if value < low or (low_open and value == low) or value > high:
        bounds = f"{'(' if low_open else '['}{low}, {high}]"
        raise _bad(field, f"must be in {bounds}, got {value!r}")
    return float(value)


def _integer(body: dict, field: str, default: int | None, low: int) -> int | None:
    value = body.get(field)
    if value is None:
        return default
    if isinstance(value, bool) or not isinstance(value, int) or value < low:
        raise _bad(field, f"must be an integer >= {low}, got {value!r}")
    return value


def _boolean(body: dict, field: str) -> bool:
    value = body.get(field, False)
    if value is None:
        return False
    if not isinstance(value, bool):
        raise _bad(field, f"must be a boolean, got {value!r}")
    return value


def _content_text(content: Any, field: str) -> str:
    if isinstance(content, str):
        return content
    if isinstance(content, list) and all(isinstance(p, dict) and p.get("type") == "text" and isinstance(p.get("text"), str) for p in content):
        return "".join(p["text"] for p in content)
    raise _bad(field, "must be a string or a list of text parts")


def _messages(body: dict) -> list[dict[str, str]]:
    raw = body.get("messages")
    if not isinstance(raw, list) or not raw:
        raise _bad("messages", "must be a non-empty list")
    messages = []
    for index, message in enumerate(raw):
        field = f"messages[{index}]"
        if not isinstance(message, dict):
            raise _bad(field, "must be an object")
        role = message.get("role")
        if role not in ("system", "user", "assistant", "tool"):
            raise _bad(f"{field}.role", f"must be one of system, user, assistant, tool; got {role!r}")
        messages.append({"role": role, "content": _content_text(message.get("content"), f"{field}.content")})
    return messages


def _sampling_fields(body: dict) -> dict:
    """The fields /v1/chat/completions and /v1/completions share, validated."""
    if body.get("stream"):
        raise _bad("stream", "streaming is not supported by this server")
    if body.get("n") not in (None, 1):
        raise _bad("n", f"only n=1 is supported, got {body.get('n')!r}")
    max_tokens = _integer(body, "max_completion_tokens", None, 1)
    if max_tokens is None:
        max_tokens = _integer(body, "max_tokens", None, 1)
    top_k = _integer(body, "top_k", -1, -1)
    sampling = SamplingParams(
        temperature=_number(body, "temperature", 1.0, 0.0),
        top_p=_number(body, "top_p", 1.0, 0.0, 1.0, low_open=True),
        top_k=-1 if top_k in (-1, 0) else top_k,
        min_p=_number(body, "min_p", 0.0, 0.0, 1.0),
        repetition_penalty=_number(body, "repetition_penalty", 1.0, 0.0, low_open=True),
    )
    stop = body.get("stop")
    if stop is None:
        stop = ()
    elif isinstance(stop, str):
        stop = (stop,)
    elif isinstance(stop, list) and all(isinstance(s, str) for s in stop):
        stop = tuple(stop)
    else:
        raise _bad("stop", "must be a string or a list of strings")
    stop_token_ids = body.get("stop_token_ids") or []
    if not isinstance(stop_token_ids, list) or not all(isinstance(t, int) and not isinstance(t, bool) for t in stop_token_ids):
        raise _bad("stop_token_ids", "must be a list of integers")
    seed = body.get("seed")
    if seed is not None and (isinstance(seed, bool) or not isinstance(seed, int)):
        raise _bad("seed", f"must be an integer, got {seed!r}")
    model = body.get("model")
    if model is not None and not isinstance(model, str):
        raise _bad("model", "must be a string")
    return dict(max_tokens=max_tokens, sampling=sampling, seed=seed, stop=stop, stop_token_ids=tuple(stop_token_ids),
                return_token_ids=_boolean(body, "return_token_ids"), model=model)


def parse_chat_request(body: Any) -> ChatRequest:
    if not isinstance(body, dict):
        raise ApiError(400, "the request body must be a JSON object")
    shared = _sampling_fields(body)
    messages = _messages(body)
    logprobs = _boolean(body, "logprobs")
    top_logprobs = _integer(body, "top_logprobs", 0, 0)
    if top_logprobs and not logprobs:
        raise _bad("top_logprobs", "needs logprobs=true")
    return ChatRequest(messages=messages, logprobs=logprobs, top_logprobs=top_logprobs, **shared)


@dataclass(frozen=True)
class LoadRequest:
    path: str
    policy: str
    policy_version: int


def parse_load_request(body: Any) -> LoadRequest:
    """POST /admin/load_checkpoint {"path", "policy", "policy_version"?}."""
    if not isinstance(body, dict):
        raise ApiError(400, "the request body must be a JSON object")
    path = body.get("path")
    if not isinstance(path, str) or not path:
        raise _bad("path", "must be a non-empty string")
    version = _integer(body, "policy_version", 0, 0)
    return LoadRequest(path, check_policy_name(body.get("policy")), version)


def _byte_decoder() -> dict[str, int]:
    """Inverse of the GPT-2 byte-to-unicode table that byte-level BPE vocabularies are written in."""
    printable = list(range(ord("!"), ord("~") + 1)) + list(range(ord("¡"), ord("¬") + 1)) + list(range(ord("®"), ord("ÿ") + 1))
    codes = printable[:]
    extra = 0
    for byte in range(256):
        if byte not in printable:
            printable.append(byte)
            codes.append(256 + extra)
            extra += 1
    return {chr(code): byte for byte, code in zip(printable, codes)}


BYTE_DECODER = _byte_decoder()


def token_entry(tokenizer, token_id: int, logprob: float) -> dict:
    """{"token", "logprob", "bytes"}; bytes are the token's exact bytes when the vocabulary is byte-level."""
    text = tokenizer.decode([token_id], skip_special_tokens=False, clean_up_tokenization_spaces=False)
    piece = tokenizer.convert_ids_to_tokens(token_id)
    special = token_id in tokenizer.all_special_ids
    if isinstance(piece, str) and not special and piece and all(ch in BYTE_DECODER for ch in piece):
        raw = [BYTE_DECODER[ch] for ch in piece]
    else:
        raw = list(text.encode("utf-8"))
    return {"token": text, "logprob": logprob, "bytes": raw}


def chat_completion_body(
    request: ChatRequest, result: GenerationResult, prompt_ids: list[int], tokenizer, model_name: str, policy_version: int
) -> dict:
    choice: dict[str, Any] = {
        "index": 0,
        "message": {"role": "assistant", "content": result.text},
        "logprobs": None,
        "finish_reason": result.finish_reason,
        "stop_reason": result.stop_reason,
    }
    if request.logprobs:
        content = []
        for position, (token_id, logprob) in enumerate(zip(result.token_ids, result.logprobs)):
            entry = token_entry(tokenizer, token_id, logprob)
            entry["top_logprobs"] = [
                token_entry(tokenizer, i, lp) for i, lp in (result.top_logprobs[position] if result.top_logprobs else [])
            ]
            content.append(entry)
        choice["logprobs"] = {"content": content}
    body: dict[str, Any] = {
        "id": f"chatcmpl-{uuid.uuid4().hex}",
        "object": "chat.completion",
        "created": int(time.time()),
        "model": model_name,
        "choices": [choice],
        "usage": {
            "prompt_tokens": len(prompt_ids),
            "completion_tokens": len(result.token_ids),
            "total_tokens": len(prompt_ids) + len(result.token_ids),
        },
        "policy_version": policy_version,
        "policy": model_name,
    }
    if request.return_token_ids:
        choice["token_ids"] = list(result.token_ids)
        body["prompt_token_ids"] = list(prompt_ids)
    return body
