import pytest

from batch_helpers import assistant_turn, simple_trajectory, trajectory
from swe_rl_trainer.errors import InvalidInput, TemplateMismatch
from swe_rl_trainer.sequence_builder import build_sequence
from swe_rl_trainer.trajectory_batch import parse_trajectory


def build(tokenizer, raw, *, sft=False, vocab_size=None):
    return build_sequence(
        parse_trajectory(raw, 1, require_advantage=not sft), tokenizer,
        vocab_size=vocab_size or len(tokenizer), mask_format_errors=sft,
    )


def encode(tokenizer, text):
    return tokenizer.encode(text, add_special_tokens=False)


def test_multi_turn_sequence_equals_the_rendered_conversation_when_sampling_was_canonical(tokenizer):
    raw = simple_trajectory(tokenizer, "ep-1", "Fix the parser.", ["ls -la", "submit"])
    seq = build(tokenizer, raw)
    history = [{"role": m["role"], "content": m["content"]} for m in raw["messages"]]
    full = tokenizer.apply_chat_template(history, tokenize=False)
    # the whole conversation minus the template's newline after the last <|im_end|>
    assert seq.input_ids == encode(tokenizer, full)[:-1]
    sampled = [i for m in raw["messages"] if m["role"] == "assistant" for i in m["token_ids"]]
    assert [t for t, m in zip(seq.input_ids, seq.loss_mask) if m] == sampled
    assert [lp for lp, m in zip(seq.old_logprobs, seq.loss_mask) if m] == [-1.0] * len(sampled)
    assert all(lp == 0.0 for lp, m in zip(seq.old_logprobs, seq.loss_mask) if not m)


def test_non_canonical_sampled_ids_are_kept_verbatim(tokenizer):
    text = "parser"
    canonical = encode(tokenizer, text)
    spelled = [encode(tokenizer, ch)[0] for ch in text]  # one token per character
    assert spelled != canonical
    raw = trajectory("ep-1", [{"role": "user", "content": "go"}, assistant_turn(tokenizer, text, token_ids=spelled)])
    seq = build(tokenizer, raw)
    eos = tokenizer.convert_tokens_to_ids("<|im_end|>")
    prompt = encode(tokenizer, tokenizer.apply_chat_template([{"role": "user", "content": "go"}], tokenize=False, add_generation_prompt=True))
    assert seq.input_ids == prompt + spelled + [eos]
    assert seq.loss_mask == [0] * len(prompt) + [1] * (len(spelled) + 1)


def test_a_turn_cut_by_max_tokens_gets_the_template_end_token_as_context(tokenizer):
    messages = [{"role": "user", "content": "go"}, assistant_turn(tokenizer, "ls", eos=False),
                {"role": "user", "content": "obs"}, assistant_turn(tokenizer, "submit")]
    seq = build(tokenizer, trajectory("ep-1", messages))
    eos = tokenizer.convert_tokens_to_ids("<|im_end|>")
    first_turn_end = seq.loss_mask.index(0, seq.loss_mask.index(1))
    assert seq.input_ids[first_turn_end] == eos and seq.loss_mask[first_turn_end] == 0
    assert seq.input_ids.count(eos) == 4  # user, assistant(template), user, assistant(sampled)


def test_format_error_turns_are_masked_for_sft_only(tokenizer):
    raw = simple_trajectory(tokenizer, "ep-1", "task", ["no command here", "ls"], format_errors=(0,))
    bad_ids = raw["messages"][2]["token_ids"]
    good_ids = raw["messages"][4]["token_ids"]
    sft = build(tokenizer, raw, sft=True)
    dapo = build(tokenizer, raw)
    assert sft.num_action_tokens == len(good_ids)
    assert dapo.num_action_tokens == len(bad_ids) + len(good_ids)
    assert sft.input_ids == dapo.input_ids  # masked turns stay in the context


def test_content_that_disagrees_with_the_sampled_ids_is_a_mismatch(tokenizer):
    turn = assistant_turn(tokenizer, "ls -la")
    turn["content"] = "ls -l"
    raw = trajectory("ep-9", [{"role": "user", "content": "go"}, turn])
    with pytest.raises(TemplateMismatch, match=r"episode 'ep-9', turn messages\[1\]: content does not match token_ids"):
        build(tokenizer, raw)


def test_a_template_that_rewrites_history_is_a_mismatch_naming_episode_and_turn(tokenizer):
    rewriting = tokenizer.__class__.from_pretrained(tokenizer.name_or_path, local_files_only=True)
    # like templates that drop earlier reasoning: past assistant turns are rendered differently
    rewriting.chat_template = (
        "{%- for m in messages %}{{ '<|im_start|>' + m['role'] + '\\n' }}"
        "{%- if m['role'] == 'assistant' %}{{ m['content'] | upper }}{%- else %}{{ m['content'] }}{%- endif %}"
        "{{ '<|im_end|>\\n' }}{%- endfor %}{%- if add_generation_prompt %}{{ '<|im_start|>assistant\\n' }}{%- endif %}"
    )
    raw = simple_trajectory(rewriting, "ep-7", "task", ["ls", "submit"])
    with pytest.raises(TemplateMismatch, match=r"episode 'ep-7', turn messages\[4\]: the chat template does not reproduce"):
        build(rewriting, raw)


def test_ids_outside_the_vocabulary_are_refused(tokenizer):
    raw = trajectory("ep-3", [{"role": "user", "content": "go"}, assistant_turn(tokenizer, "x", token_ids=[len(tokenizer) + 5], eos=False)])
    with pytest.raises(InvalidInput, match=r"ep-3.*token_ids\[0\] = \d+ is outside the model's vocabulary"):
        build(tokenizer, raw)
