"""Turns a trajectory into the token sequence the policy produced, with its loss mask.

For each assistant turn the chat template renders the messages before it (with the generation
prompt). That text must continue the text built so far: only the template and observation text
in between is tokenised here; the assistant's sampled ids are appended verbatim. The check is on
text, not on a re-tokenisation of the whole conversation, because the policy may sample a
non-canonical tokenisation of its own output (common for small models), and re-tokenising would
silently train on ids the policy never produced. Any disagreement raises TemplateMismatch naming
the episode and turn.

When every assistant turn records the prompt ids the server was given (token-in), those ids are
the sequence instead (recorded_prompts.py) and this path only counts where it would differ.
"""
from __future__ import annotations

from dataclasses import dataclass

from .errors import InvalidInput, TemplateMismatch
from .trajectory_batch import Message, Trajectory
from .recorded_prompts import (
    has_recorded_prompts, mismatched_turns, recorded_sequence, retokenised_contexts, without_recorded_prompts,
)

REPLACEMENT_CHAR = "\ufffd"


@dataclass
class TrainingSequence:
    episode_id: str
    input_ids: list[int]
    loss_mask: list[int]
    old_logprobs: list[float]
    advantage: float
    # The trainer's own log-probs of the same tokens under the sampling weights (old_logprobs =
    # "trainer"); None when the sampler's are the old log-probs.
    trainer_old_logprobs: list[float] | None = None
    # Token-in: assistant turns whose recorded prompt ids differ from re-tokenising the chat.
    prompt_mismatch_turns: int = 0

    @property
    def num_action_tokens(self) -> int:
        return sum(self.loss_mask)


def special_token_ids(tokenizer) -> set[int]:
    ids = set(tokenizer.all_special_ids)
    ids.update(i for i, token in tokenizer.added_tokens_decoder.items() if token.special)
    return ids


def _first_difference(a: str, b: str) -> int:
    for i, (x, y) in enumerate(zip(a, b)):
        if x != y:
            return i
    return min(len(a), len(b))


def _excerpt(text: str, at: int, width: int = 40) -> str:
    return repr(text[max(0, at - width): at + width])


def _continuation(rendered: str, built: str, pending_end: str, where: str) -> str:
    """The template text after `built`, minus a sampled end-of-turn token the template renders too."""
    if not rendered.startswith(built):
        at = _first_difference(rendered, built)
        raise TemplateMismatch(
            f"{where}: the chat template does not reproduce the conversation the policy saw; "
            f"at character {at} the sequence built so far has {_excerpt(built, at)} "
            f"but the template renders {_excerpt(rendered, at)}"
        )
    rest = rendered[len(built):]
    if pending_end and rest.startswith(pending_end):
        rest = rest[len(pending_end):]
    return rest


def _check_content(message: Message, sampled: list[int], tokenizer, where: str) -> None:
    """The content the template will render must be what the sampled ids decode to."""
    def decode(ids: list[int]) -> str:
        # A generation cut inside a multi-byte character may end in U+FFFD on one side only.
        return tokenizer.decode(ids, skip_special_tokens=True, clean_up_tokenization_spaces=False).rstrip(REPLACEMENT_CHAR)

    content = message.content.rstrip(REPLACEMENT_CHAR)
    decoded = decode(sampled)
    # A server leaves a stop token (from stop_token_ids) out of the text even when it is not special.
    if decoded != content and not (sampled and decode(sampled[:-1]) == content):
        at = _first_difference(decoded, content)
        raise TemplateMismatch(
            f"{where}: content does not match token_ids; at character {at} the sampled ids decode to "
            f"{_excerpt(decoded, at)} but content is {_excerpt(content, at)}"
        )


def build_sequence(
    trajectory: Trajectory,
    tokenizer,
    *,
    vocab_size: int,
    mask_format_errors: bool,
) -> TrainingSequence:
    """The whole trajectory, never cut: the trainer excludes (and counts) one over its context."""
    if has_recorded_prompts(trajectory):
        return _from_recorded_prompts(trajectory, tokenizer, vocab_size=vocab_size, mask_format_errors=mask_format_errors)
    specials = special_token_ids(tokenizer)
    history = [{"role": m.role, "content": m.content} for m in trajectory.messages]
    ids: list[int] = []
    mask: list[int] = []
    old: list[float] = []
    built = ""  # the template text that `ids` stand for
    pending_end = ""  # text of a sampled trailing special token, e.g. "<|im_end|>"

    for index, message in enumerate(trajectory.messages):
        if message.role != "assistant":
            continue
        where = f"{trajectory.where()}, turn messages[{index}]"
        sampled = list(message.token_ids)
        for position, token_id in enumerate(sampled):
            if not 0 <= token_id < vocab_size:
                raise InvalidInput(
                    f"{where}: token_ids[{position}] = {token_id} is outside the model's vocabulary (0..{vocab_size - 1})"
                )
        prompt = tokenizer.apply_chat_template(history[:index], tokenize=False, add_generation_prompt=True)
        context_ids = tokenizer.encode(_continuation(prompt, built, pending_end, where), add_special_tokens=False)
        _check_content(message, sampled, tokenizer, where)

        ids += context_ids
        mask += [0] * len(context_ids)
        old += [0.0] * len(context_ids)
        trained = not (mask_format_errors and message.format_error)
        ids += sampled
        mask += [1 if trained else 0] * len(sampled)
        old += list(message.logprobs) if message.logprobs is not None else [0.0] * len(sampled)
        built = prompt + message.content
        pending_end = tokenizer.decode(sampled[-1:]) if sampled and sampled[-1] in specials else ""

    if ids:
        full = tokenizer.apply_chat_template(history, tokenize=False, add_generation_prompt=False)
        _continuation(full, built, pending_end, f"{trajectory.where()}, after the last assistant turn")
        out_of_vocab = [t for t in ids if not 0 <= t < vocab_size]
        if out_of_vocab:
            raise InvalidInput(f"{trajectory.where()}: the tokenizer produced id {out_of_vocab[0]} outside the model's vocabulary")

    return TrainingSequence(
        episode_id=trajectory.episode_id,
        input_ids=ids,
        loss_mask=mask,
        old_logprobs=old,
        advantage=trajectory.advantage if trajectory.advantage is not None else 0.0,
    )


def _from_recorded_prompts(trajectory: Trajectory, tokenizer, *, vocab_size: int, mask_format_errors: bool) -> TrainingSequence:
    """The ids the server was given, verbatim; the chat-template path only counts where it would differ."""
    recorded = recorded_sequence(trajectory, vocab_size=vocab_size, mask_format_errors=mask_format_errors)
    try:
        text_path = build_sequence(without_recorded_prompts(trajectory), tokenizer, vocab_size=vocab_size, mask_format_errors=False)
        retokenised = retokenised_contexts(text_path.input_ids, trajectory)
    except TemplateMismatch:
        retokenised = None
    return TrainingSequence(
        episode_id=trajectory.episode_id,
        input_ids=recorded.input_ids,
        loss_mask=recorded.loss_mask,
        old_logprobs=recorded.old_logprobs,
        advantage=trajectory.advantage if trajectory.advantage is not None else 0.0,
        prompt_mismatch_turns=mismatched_turns(recorded.contexts, retokenised),
    )
