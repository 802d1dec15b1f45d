"""The training sequence from the prompt ids the server was given (token-in/token-out).

When every assistant turn records `prompt_token_ids`, turn k's prompt must extend turn k-1's
prompt and sampled ids; the sequence is then the last prompt's ids plus its sampled ids, exactly
what the model was conditioned on. The chat-template path (sequence_builder) is run beside it only
to count where re-tokenising the conversation would have given other ids: that count is the drift
token-in avoids, reported in the step metrics.
"""
from __future__ import annotations

import dataclasses

from .errors import InvalidInput, TemplateMismatch
from .trajectory_batch import Trajectory


@dataclasses.dataclass
class RecordedSequence:
    input_ids: list[int]
    loss_mask: list[int]
    old_logprobs: list[float]
    contexts: list[list[int]]  # per assistant turn, the prompt ids added before its sampled ids


def has_recorded_prompts(trajectory: Trajectory) -> bool:
    turns = [m for m in trajectory.messages if m.role == "assistant"]
    return bool(turns) and all(m.prompt_token_ids is not None for m in turns)


def recorded_sequence(trajectory: Trajectory, *, vocab_size: int, mask_format_errors: bool) -> RecordedSequence:
    ids: list[int] = []
    mask: list[int] = []
    old: list[float] = []
    contexts: list[list[int]] = []
    for index, message in enumerate(trajectory.messages):
        if message.role != "assistant":
            continue
        where = f"{trajectory.where()}, turn messages[{index}]"
        prompt = list(message.prompt_token_ids)
        if prompt[: len(ids)] != ids:
            at = next(i for i, (a, b) in enumerate(zip(prompt, ids)) if a != b) if len(prompt) >= len(ids) else len(prompt)
            raise TemplateMismatch(f"{where}: prompt_token_ids do not extend the previous turn's prompt and sampled ids (first difference at position {at})")
        for token in prompt + list(message.token_ids):
            if not 0 <= token < vocab_size:
                raise InvalidInput(f"{where}: token id {token} is outside the model's vocabulary (0..{vocab_size - 1})")
        context = prompt[len(ids):]
        contexts.append(context)
        sampled = list(message.token_ids)
        trained = not (mask_format_errors and message.format_error)
        ids += context + sampled
        mask += [0] * len(context) + [1 if trained else 0] * len(sampled)
        old += [0.0] * len(context) + (list(message.logprobs) if message.logprobs is not None else [0.0] * len(sampled))
    return RecordedSequence(ids, mask, old, contexts)


def retokenised_contexts(input_ids: list[int], trajectory: Trajectory) -> list[list[int]]:
    """Per assistant turn, the context ids of a chat-template sequence built with every turn trained."""
    contexts, at = [], 0
    for message in trajectory.messages:
        if message.role != "assistant":
            continue
        sampled = list(message.token_ids)
        end = at
        while end < len(input_ids) and input_ids[end: end + len(sampled)] != sampled:
            end += 1
        contexts.append(input_ids[at:end])
        at = end + len(sampled)
    return contexts


def mismatched_turns(recorded: list[list[int]], retokenised: list[list[int]] | None) -> int:
    """Turns whose recorded prompt ids differ from the chat template's re-tokenisation (all, when that fails)."""
    if retokenised is None:
        return len(recorded)
    return sum(1 for a, b in zip(recorded, retokenised) if a != b) + abs(len(recorded) - len(retokenised))


def without_recorded_prompts(trajectory: Trajectory) -> Trajectory:
    messages = tuple(dataclasses.replace(m, prompt_token_ids=None) for m in trajectory.messages)
    return dataclasses.replace(trajectory, messages=messages)
