import json

import pytest

from swe_rl_trainer.errors import InvalidInput
from swe_rl_trainer.trajectory_batch import load_batch


def write_lines(tmp_path, lines):
    path = tmp_path / "batch.jsonl"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def turn(**overrides):
    base = {"role": "assistant", "content": "ok", "token_ids": [5, 6], "logprobs": [-0.1, -0.2], "format_error": False}
    return {**base, **overrides}


def line(advantage=1.0, episode_id="ep-1", **turn_overrides):
    return json.dumps({"episode_id": episode_id, "advantage": advantage,
                       "messages": [{"role": "user", "content": "task"}, turn(**turn_overrides)]})


def test_a_valid_batch_is_parsed(tmp_path):
    batch = load_batch(write_lines(tmp_path, [line(), line(episode_id="ep-2", advantage=-0.5)]), require_advantage=True)
    assert [t.episode_id for t in batch] == ["ep-1", "ep-2"]
    assert batch[1].advantage == -0.5
    assert batch[0].messages[1].token_ids == (5, 6)
    assert batch[0].messages[1].logprobs == (-0.1, -0.2)


@pytest.mark.parametrize("text, message", [
    (line(logprobs=[-0.1]), "episode 'ep-1': messages\\[1\\].logprobs has 1 entries but token_ids has 2"),
    ('{"episode_id": "ep-1", "advantage": NaN, "messages": [{"role": "user", "content": "x"}]}', "ep-1.*advantage must be a finite number"),
    ('{"episode_id": "ep-1", "advantage": Infinity, "messages": [{"role": "user", "content": "x"}]}', "ep-1.*advantage must be a finite number"),
    (json.dumps({"episode_id": "ep-1", "messages": [{"role": "user", "content": "x"}]}), "ep-1.*advantage is required"),
    (line(token_ids=[5, "6"]), "messages\\[1\\].token_ids must be a list of integers"),
    (line(token_ids=[5, True]), "messages\\[1\\].token_ids must be a list of integers"),
    (line(logprobs=[-0.1, None]), "messages\\[1\\].logprobs\\[1\\] must be a finite number"),
    (line(role="robot"), "messages\\[1\\].role"),
    (line(format_error="yes"), "format_error must be a boolean"),
    ("{not json", "line 1 is not valid JSON"),
    (json.dumps({"episode_id": "", "messages": []}), "episode_id must be a non-empty string"),
])
def test_bad_trajectories_are_refused_naming_episode_and_field(tmp_path, text, message):
    with pytest.raises(InvalidInput, match=message):
        load_batch(write_lines(tmp_path, [text]), require_advantage=True)


def test_empty_or_missing_batch_is_refused(tmp_path):
    with pytest.raises(InvalidInput, match="is empty"):
        load_batch(write_lines(tmp_path, [""]), require_advantage=False)
    with pytest.raises(InvalidInput, match="does not exist"):
        load_batch(tmp_path / "missing.jsonl", require_advantage=False)


def test_sft_batches_need_neither_advantages_nor_logprobs(tmp_path):
    raw = {"episode_id": "ep-1", "messages": [{"role": "user", "content": "x"},
                                              {"role": "assistant", "content": "y", "token_ids": [1]}]}
    (batch,) = load_batch(write_lines(tmp_path, [json.dumps(raw)]), require_advantage=False)
    assert batch.advantage is None and batch.messages[1].logprobs is None
    with pytest.raises(InvalidInput, match="logprobs is required"):
        load_batch(write_lines(tmp_path, [json.dumps({**raw, "advantage": 1.0})]), require_advantage=True)
