from types import SimpleNamespace

import torch

from swe_rl_trainer.generation import generate


class ScriptedModel(torch.nn.Module):
    """Emits a fixed token sequence (almost surely), one per step, using the cache as a step counter."""

    def __init__(self, script, vocab_size):
        super().__init__()
        self.anchor = torch.nn.Parameter(torch.zeros(1))
        self.script, self.vocab_size = script, vocab_size

    def forward(self, input_ids, past_key_values=None, use_cache=True):
        step = 0 if past_key_values is None else past_key_values
        logits = torch.full((1, input_ids.shape[1], self.vocab_size), -30.0)
        logits[0, -1, self.script[min(step, len(self.script) - 1)]] = 30.0
        return SimpleNamespace(logits=logits, past_key_values=step + 1)


def script_for(tokenizer, text):
    return tokenizer.encode(text, add_special_tokens=False)


def test_eos_ends_generation_and_is_in_token_ids_but_not_in_text(tokenizer):
    eos = tokenizer.convert_tokens_to_ids("<|im_end|>")
    script = script_for(tokenizer, "ls -la") + [eos]
    result = generate(ScriptedModel(script, len(tokenizer)), tokenizer, [1, 2], max_tokens=50, eos_token_ids=frozenset({eos}), seed=0)
    assert result.token_ids == script
    assert result.text == "ls -la"
    assert (result.finish_reason, result.stop_reason) == ("stop", None)
    assert len(result.logprobs) == len(script) and all(lp <= 0 for lp in result.logprobs)


def test_max_tokens_ends_with_length(tokenizer):
    script = script_for(tokenizer, "python -m pytest tests -q")
    result = generate(ScriptedModel(script, len(tokenizer)), tokenizer, [1], max_tokens=3, seed=0)
    assert result.token_ids == script[:3]
    assert result.finish_reason == "length"


def test_stop_string_cuts_the_text_and_is_reported(tokenizer):
    script = script_for(tokenizer, "ls -la\n```\nmore text")
    result = generate(ScriptedModel(script, len(tokenizer)), tokenizer, [1], max_tokens=50, stop=("```",), seed=0)
    assert result.text == "ls -la\n"
    assert (result.finish_reason, result.stop_reason) == ("stop", "```")


def test_logprobs_are_the_raw_log_softmax_of_the_model(tiny_model_dir, tokenizer):
    from swe_rl_trainer.model_io import load_model

    model = load_model(tiny_model_dir)
    prompt = script_for(tokenizer, "def parse_line(line):")
    result = generate(model, tokenizer, prompt, max_tokens=12, seed=3)
    with torch.no_grad():
        logits = model(torch.tensor([prompt + result.token_ids])).logits[0].float()
    expected = torch.log_softmax(logits, -1)[len(prompt) - 1:-1].gather(-1, torch.tensor(result.token_ids)[:, None])
    assert torch.allclose(torch.tensor(result.logprobs), expected.flatten(), atol=1e-4)
    again = generate(model, tokenizer, prompt, max_tokens=12, seed=3)
    assert again.token_ids == result.token_ids
