"""The warm start that makes the local base policy: loss on assistant text only, learns, reproducible."""
import json

import pytest
import torch

from swe_rl_trainer.model_io import load_model_and_tokenizer
from swe_rl_trainer.tiny_tokenizer import IM_END
from swe_rl_trainer.warm_start import encode, load_demonstrations, warm_start


def conversation(word: str) -> list[dict]:
    return [
        {"role": "system", "content": "You fix issues."},
        {"role": "user", "content": f"<issue>\n`{word}` is broken\n</issue>"},
        {"role": "assistant", "content": f"I will look.\n\n```bash\ncat {word}.py\n```"},
        {"role": "user", "content": "def f():\n    pass"},
        {"role": "assistant", "content": "Done.\n\n```bash\nsubmit\n```"},
    ]


@pytest.fixture()
def demos(tmp_path):
    path = tmp_path / "demos.jsonl"
    with path.open("w") as handle:
        for word in ("alpha", "beta", "gamma", "delta", "omega", "kappa"):
            handle.write(json.dumps({"messages": conversation(word)}) + "\n")
    return path


def test_only_assistant_text_and_its_end_token_are_learned(tiny_model_dir):
    _, tokenizer = load_model_and_tokenizer(tiny_model_dir, device="cpu", dtype=torch.float32)
    ids, mask = encode(tokenizer, conversation("alpha"))
    learned = tokenizer.decode([t for t, m in zip(ids, mask) if m])
    assert learned == "I will look.\n\n```bash\ncat alpha.py\n```" + IM_END + "Done.\n\n```bash\nsubmit\n```" + IM_END
    rendered = tokenizer.apply_chat_template(conversation("alpha"), tokenize=False)
    assert tokenizer.decode(ids) == rendered


def test_warm_start_lowers_the_loss_and_is_reproducible(demos, tmp_path):
    first = warm_start(demos, tmp_path / "a", steps=30, batch_size=4, lr=3e-3, log_every=10)
    second = warm_start(demos, tmp_path / "b", steps=30, batch_size=4, lr=3e-3, log_every=10)
    assert first["final_loss"] < first["first_loss"] / 2
    assert first["final_loss"] == second["final_loss"]
    a = load_model_and_tokenizer(tmp_path / "a", device="cpu", dtype=torch.float32)[0].state_dict()
    b = load_model_and_tokenizer(tmp_path / "b", device="cpu", dtype=torch.float32)[0].state_dict()
    assert all(torch.equal(a[k], b[k]) for k in a)
    summary = json.loads((tmp_path / "a" / "warm_start.json").read_text())
    assert summary["demonstration_count"] == 6 and summary["steps"] == 30


def test_bad_demonstration_files_are_refused_naming_the_line(tmp_path):
    bad = tmp_path / "bad.jsonl"
    bad.write_text(json.dumps({"messages": conversation("x")}) + "\nnot json\n")
    with pytest.raises(ValueError, match=r"bad\.jsonl:2: not a demonstration"):
        load_demonstrations(bad)
    no_assistant = tmp_path / "none.jsonl"
    no_assistant.write_text(json.dumps({"messages": conversation("x")[:2]}) + "\n")
    with pytest.raises(ValueError, match=r"none\.jsonl:1: the demonstration has no assistant message"):
        load_demonstrations(no_assistant)
    empty = tmp_path / "empty.jsonl"
    empty.write_text("\n")
    with pytest.raises(ValueError, match="no demonstrations"):
        load_demonstrations(empty)
