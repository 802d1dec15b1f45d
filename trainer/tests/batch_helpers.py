"""Builders of trajectory batches in the JSONL format the TypeScript side writes."""
import json
from pathlib import Path


def assistant_turn(tokenizer, text, *, eos=True, logprob=-1.0, format_error=False, token_ids=None):
    ids = list(token_ids) if token_ids is not None else tokenizer.encode(text, add_special_tokens=False)
    if eos:
        ids.append(tokenizer.convert_tokens_to_ids("<|im_end|>"))
    return {
        "role": "assistant", "content": text, "token_ids": ids,
        "logprobs": [logprob] * len(ids), "format_error": format_error,
    }


def trajectory(episode_id, messages, advantage=1.0):
    return {"episode_id": episode_id, "advantage": advantage, "messages": messages}


def simple_trajectory(tokenizer, episode_id, task, replies, advantage=1.0, format_errors=()):
    """system + user, then alternating assistant replies and observations."""
    messages = [{"role": "system", "content": "You are a software engineering agent."},
                {"role": "user", "content": task}]
    for index, reply in enumerate(replies):
        if index:
            messages.append({"role": "user", "content": f"OBSERVATION {index}: 2 passed"})
        messages.append(assistant_turn(tokenizer, reply, format_error=index in format_errors))
    return trajectory(episode_id, messages, advantage)


def write_batch(path, trajectories):
    path = Path(path)
    path.write_text("".join(json.dumps(t) + "\n" for t in trajectories), encoding="utf-8")
    return str(path)


MIXED_TRAJECTORIES = [
    ("ep-1", "Fix the parser.", ["ls -la", "submit"], 1.0),
    ("ep-2", "Add a test.", ["cat setup.py"], -1.0),
    ("ep-3", "Why does it crash?", ["grep -rn split src", "python -m pytest", "submit"], 0.5),
    ("ep-4", "Rename the function.", ["git diff"], -0.5),
    ("ep-5", "Run the tests.", ["pytest -q"], 0.25),
]


def mixed_batch(tokenizer, path, count=len(MIXED_TRAJECTORIES)):
    """A batch of the first `count` short trajectories, with mixed advantages."""
    return write_batch(path, [simple_trajectory(tokenizer, e, task, replies, advantage=a)
                              for e, task, replies, a in MIXED_TRAJECTORIES[:count]])
