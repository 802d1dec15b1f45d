import hashlib

import torch

from swe_rl_trainer.model_io import load_model_and_tokenizer
from swe_rl_trainer.tiny_model import build_tiny_model, main
from swe_rl_trainer.tiny_tokenizer import build_tokenizer


def file_hashes(directory):
    return {p.name: hashlib.sha256(p.read_bytes()).hexdigest() for p in sorted(directory.iterdir())}


def test_same_seed_gives_identical_files_and_another_seed_other_weights(tmp_path):
    first = file_hashes(build_tiny_model(tmp_path / "a", seed=7))
    second = file_hashes(build_tiny_model(tmp_path / "b", seed=7))
    other = file_hashes(build_tiny_model(tmp_path / "c", seed=8))
    assert first == second
    assert {"model.safetensors", "config.json", "tokenizer.json"} <= set(first)
    assert other["model.safetensors"] != first["model.safetensors"]
    assert other["tokenizer.json"] == first["tokenizer.json"]


def test_building_does_not_disturb_the_global_random_stream(tmp_path):
    torch.manual_seed(123)
    expected = torch.rand(3)
    torch.manual_seed(123)
    build_tiny_model(tmp_path / "m", seed=1)
    assert torch.equal(torch.rand(3), expected)


def test_chat_template_is_qwen_style(tokenizer):
    text = tokenizer.apply_chat_template(
        [{"role": "system", "content": "S"}, {"role": "user", "content": "U"}],
        tokenize=False, add_generation_prompt=True,
    )
    assert text == "<|im_start|>system\nS<|im_end|>\n<|im_start|>user\nU<|im_end|>\n<|im_start|>assistant\n"


def test_loaded_tokenizer_tokenises_exactly_like_the_one_built(tiny_model_dir):
    model, loaded = load_model_and_tokenizer(tiny_model_dir)
    built = build_tokenizer()
    samples = [
        "def parse_line(line):\n    key, value = line.split('=', 1)\n",
        "$ python -m pytest tests -q  # 3 passed ü € 日本",
        "<|im_start|>user\nhi<|im_end|>\n",
    ]
    for text in samples:
        assert loaded.encode(text, add_special_tokens=False) == built.encode(text, add_special_tokens=False)
    assert loaded.eos_token == "<|im_end|>" and loaded.pad_token == "<|endoftext|>"
    assert model.config.vocab_size == len(loaded)
    im_start, im_end = loaded.convert_tokens_to_ids(["<|im_start|>", "<|im_end|>"])
    assert loaded.decode([im_start] + loaded.encode("ok", add_special_tokens=False) + [im_end], skip_special_tokens=True) == "ok"


def test_cli_writes_a_loadable_model(tmp_path, capsys):
    main(["--out", str(tmp_path / "cli"), "--seed", "3"])
    assert "tiny model written to" in capsys.readouterr().out
    model, _ = load_model_and_tokenizer(tmp_path / "cli")
    assert model.config.num_hidden_layers == 2
