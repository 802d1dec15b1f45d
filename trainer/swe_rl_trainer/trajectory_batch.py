"""Reads and validates a trajectory batch: a JSONL file, one trajectory per line.

    {"episode_id": str, "advantage": float (DAPO only),
     "messages": [{"role": "system"|"user"|"tool", "content": str},
                  {"role": "assistant", "content": str, "token_ids": [int], "logprobs": [float],
                   "format_error": bool, "prompt_token_ids"?: [int]}, ...]}
    (prompt_token_ids: the ids the server was given as that turn's prompt, when sent as token ids)

Every error names the line, the episode and the field, so a bad batch can be fixed at its source.
"""
from __future__ import annotations

import json
import math
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from .errors import InvalidInput

CONTEXT_ROLES = ("system", "user", "tool")


@dataclass(frozen=True)
class Message:
    role: str
    content: str
    token_ids: tuple[int, ...] = ()
    logprobs: tuple[float, ...] | None = None
    format_error: bool = False
    # The ids the server was given as this turn's prompt (token-in); None when it got the chat.
    prompt_token_ids: tuple[int, ...] | None = None


@dataclass(frozen=True)
class Trajectory:
    episode_id: str
    messages: tuple[Message, ...]
    advantage: float | None
    line: int

    def where(self) -> str:
        return f"line {self.line}, episode {self.episode_id!r}"


def _is_int(value: Any) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)


def _is_finite_number(value: Any) -> bool:
    return isinstance(value, (int, float)) and not isinstance(value, bool) and math.isfinite(value)


def _parse_message(raw: Any, index: int, where: str, require_logprobs: bool) -> Message:
    field = f"messages[{index}]"
    if not isinstance(raw, dict):
        raise InvalidInput(f"{where}: {field} must be an object")
    role, content = raw.get("role"), raw.get("content")
    if role not in CONTEXT_ROLES + ("assistant",):
        raise InvalidInput(f"{where}: {field}.role must be one of system, user, tool, assistant; got {role!r}")
    if not isinstance(content, str):
        raise InvalidInput(f"{where}: {field}.content must be a string")
    if role != "assistant":
        return Message(role=role, content=content)

    token_ids = raw.get("token_ids")
    if not isinstance(token_ids, list) or not all(_is_int(t) for t in token_ids):
        raise InvalidInput(f"{where}: {field}.token_ids must be a list of integers (the sampled ids)")
    logprobs = raw.get("logprobs")
    if logprobs is None:
        if require_logprobs:
            raise InvalidInput(f"{where}: {field}.logprobs is required for a DAPO step")
    else:
        if not isinstance(logprobs, list):
            raise InvalidInput(f"{where}: {field}.logprobs must be a list of numbers")
        if len(logprobs) != len(token_ids):
            raise InvalidInput(
                f"{where}: {field}.logprobs has {len(logprobs)} entries but token_ids has {len(token_ids)}"
            )
        for position, value in enumerate(logprobs):
            if not _is_finite_number(value):
                raise InvalidInput(f"{where}: {field}.logprobs[{position}] must be a finite number, got {value!r}")
        logprobs = tuple(float(v) for v in logprobs)
    format_error = raw.get("format_error", False)
    if not isinstance(format_error, bool):
        raise InvalidInput(f"{where}: {field}.format_error must be a boolean")
    prompt_token_ids = raw.get("prompt_token_ids")
    if prompt_token_ids is not None and (not isinstance(prompt_token_ids, list) or not all(_is_int(t) for t in prompt_token_ids)):
        raise InvalidInput(f"{where}: {field}.prompt_token_ids must be a list of integers (the ids the server was given)")
    return Message(role, content, tuple(token_ids), logprobs, format_error,
                   tuple(prompt_token_ids) if prompt_token_ids is not None else None)


def parse_trajectory(raw: Any, line: int, *, require_advantage: bool) -> Trajectory:
    if not isinstance(raw, dict):
        raise InvalidInput(f"line {line}: a trajectory must be a JSON object")
    episode_id = raw.get("episode_id")
    if not isinstance(episode_id, str) or not episode_id:
        raise InvalidInput(f"line {line}: episode_id must be a non-empty string")
    where = f"line {line}, episode {episode_id!r}"
    advantage = raw.get("advantage")
    if require_advantage:
        if advantage is None:
            raise InvalidInput(f"{where}: advantage is required for a DAPO step")
        if not _is_finite_number(advantage):
            raise InvalidInput(f"{where}: advantage must be a finite number, got {advantage!r}")
        advantage = float(advantage)
    messages = raw.get("messages")
    if not isinstance(messages, list) or not messages:
        raise InvalidInput(f"{where}: messages must be a non-empty list")
    parsed = tuple(_parse_message(m, i, where, require_logprobs=require_advantage) for i, m in enumerate(messages))
    return Trajectory(episode_id=episode_id, messages=parsed, advantage=advantage, line=line)


def load_batch(path: str | Path, *, require_advantage: bool) -> list[Trajectory]:
    """All trajectories of a batch file; DAPO batches need advantages and log-probs."""
    batch_path = Path(path)
    if not batch_path.is_file():
        raise InvalidInput(f"batch_path {str(batch_path)!r} does not exist")
    trajectories = []
    with open(batch_path, encoding="utf-8") as f:
        for line_number, text in enumerate(f, start=1):
            if not text.strip():
                continue
            try:
                raw = json.loads(text)
            except json.JSONDecodeError as error:
                raise InvalidInput(f"{batch_path}: line {line_number} is not valid JSON: {error}") from None
            trajectories.append(parse_trajectory(raw, line_number, require_advantage=require_advantage))
    if not trajectories:
        raise InvalidInput(f"batch {str(batch_path)!r} is empty")
    return trajectories
