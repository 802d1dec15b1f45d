"""Token-in/token-out: the prompt ids sent to the server are the training sequence's prefix."""
import pytest

from http_helpers import call
from swe_rl_trainer.policy_server import PolicyServer
from swe_rl_trainer.sequence_builder import build_sequence
from swe_rl_trainer.serving.incremental_prompt import TokenizerEndpoint, first_prompt_ids, next_prompt_ids
from swe_rl_trainer.trajectory_batch import parse_trajectory
from swe_rl_trainer.errors import TemplateMismatch

from serving_helpers import completion_logprobs

SAMPLE = {"max_tokens": 5, "temperature": 1.0, "logprobs": 0, "return_token_ids": True}


@pytest.fixture(scope="module")
def server(tiny_model_dir):
    server = PolicyServer(tiny_model_dir, served_model_name="r1@step-000000").start()
    yield server
    server.shutdown()


def complete(server, prompt_ids, seed):
    status, body, _ = call(server.url + "/v1/completions", "POST", {"model": "r1@step-000000", "prompt": prompt_ids, "seed": seed, **SAMPLE})
    assert status == 200, body
    return body["choices"][0]


def test_a_token_id_prompt_is_used_verbatim_with_the_completion_log_probs(server, tiny_model_dir, tokenizer):
    prompt = tokenizer.encode("hello there, list the files", add_special_tokens=False)
    choice = complete(server, prompt, seed=3)
    assert choice["prompt_token_ids"] == prompt
    assert len(choice["token_ids"]) == len(choice["logprobs"]["token_logprobs"]) > 0
    expected = completion_logprobs(tiny_model_dir, prompt, choice["token_ids"])
    assert choice["logprobs"]["token_logprobs"] == pytest.approx(expected, abs=1e-4)


def test_tokenize_and_detokenize_speak_vllms_forms(server, tokenizer):
    messages = [{"role": "user", "content": "hi"}]
    status, body, _ = call(server.url + "/tokenize", "POST", {"messages": messages, "add_generation_prompt": True})
    assert status == 200
    assert body["tokens"] == tokenizer.apply_chat_template(messages, tokenize=True, add_generation_prompt=True, return_dict=False)
    assert body["count"] == len(body["tokens"])
    status, text, _ = call(server.url + "/detokenize", "POST", {"tokens": body["tokens"]})
    assert text["prompt"] == tokenizer.apply_chat_template(messages, tokenize=False, add_generation_prompt=True)
    status, bad, _ = call(server.url + "/v1/completions", "POST", {"prompt": [10 ** 9], "max_tokens": 1})
    assert status == 400 and "out of vocabulary" in bad["error"]["message"]


def run_episode(server, turns=3):
    """A token-in episode: each turn's prompt ids built from the last, as the policy activity does."""
    endpoint = TokenizerEndpoint(server.url, "r1@step-000000")
    messages = [{"role": "system", "content": "You fix bugs."}, {"role": "user", "content": "The tests fail."}]
    prompt = first_prompt_ids(endpoint, messages)
    sent, recorded = [], []
    for turn in range(turns):
        choice = complete(server, prompt, seed=turn)
        sent.append(list(prompt))
        reply = {"role": "assistant", "content": choice["text"], "token_ids": choice["token_ids"],
                 "logprobs": choice["logprobs"]["token_logprobs"], "prompt_token_ids": list(prompt)}
        recorded += [m for m in messages if m not in recorded] + [reply]
        observation = [{"role": "user", "content": f"observation {turn}: 3 files"}]
        conversation = [{"role": m["role"], "content": m["content"]} for m in recorded]
        prompt = next_prompt_ids(endpoint, prompt, choice["token_ids"], conversation, observation)
        messages = observation
        recorded += observation
    return sent, recorded


def test_prompt_ids_sent_are_the_training_sequences_prefix(server, tokenizer):
    sent, messages = run_episode(server)
    trajectory = parse_trajectory({"episode_id": "e1", "advantage": 1.0, "messages": messages}, 1, require_advantage=True)
    sequence = build_sequence(trajectory, tokenizer, vocab_size=len(tokenizer), mask_format_errors=False)
    replies = [m for m in messages if m["role"] == "assistant"]
    for prompt, reply in zip(sent, replies):
        assert sequence.input_ids[: len(prompt)] == prompt
        end = len(prompt) + len(reply["token_ids"])
        assert sequence.input_ids[len(prompt): end] == reply["token_ids"]
        assert sequence.loss_mask[len(prompt): end] == [1] * len(reply["token_ids"])
        assert sequence.old_logprobs[len(prompt): end] == pytest.approx(reply["logprobs"])
    assert len(sequence.input_ids) == len(sent[-1]) + len(replies[-1]["token_ids"])
    assert sum(sequence.loss_mask) == sum(len(r["token_ids"]) for r in replies)


def test_a_prompt_the_chat_template_would_tokenise_otherwise_is_trained_as_sent_and_counted(server, tokenizer):
    sent, messages = run_episode(server, turns=2)
    second = [m for m in messages if m["role"] == "assistant"][1]
    first = [m for m in messages if m["role"] == "assistant"][0]
    start = len(first["prompt_token_ids"]) + len(first["token_ids"])
    context = second["prompt_token_ids"][start:]
    # The same text, tokenised character by character: what a server tokenising on its own may do.
    text = tokenizer.decode(context, skip_special_tokens=False)
    observation = text.index("observation")
    spelled = tokenizer.encode(text[:observation], add_special_tokens=False) + [
        t for ch in text[observation:observation + 11] for t in tokenizer.encode(ch, add_special_tokens=False)
    ] + tokenizer.encode(text[observation + 11:], add_special_tokens=False)
    assert spelled != context and tokenizer.decode(spelled, skip_special_tokens=False) == text
    second["prompt_token_ids"] = second["prompt_token_ids"][:start] + spelled
    trajectory = parse_trajectory({"episode_id": "e2", "advantage": 1.0, "messages": messages}, 1, require_advantage=True)
    sequence = build_sequence(trajectory, tokenizer, vocab_size=len(tokenizer), mask_format_errors=False)
    assert sequence.input_ids[: len(second["prompt_token_ids"])] == second["prompt_token_ids"]
    assert sequence.prompt_mismatch_turns == 1
    untouched = parse_trajectory({"episode_id": "e3", "advantage": 1.0, "messages": run_episode(server, turns=2)[1]}, 1, require_advantage=True)
    assert build_sequence(untouched, tokenizer, vocab_size=len(tokenizer), mask_format_errors=False).prompt_mismatch_turns == 0


def test_recorded_prompts_that_do_not_extend_the_last_turn_are_refused(server, tokenizer):
    _, messages = run_episode(server, turns=2)
    second = [m for m in messages if m["role"] == "assistant"][1]
    second["prompt_token_ids"] = second["prompt_token_ids"][1:]
    trajectory = parse_trajectory({"episode_id": "e4", "advantage": 1.0, "messages": messages}, 1, require_advantage=True)
    with pytest.raises(TemplateMismatch, match="do not extend the previous turn"):
        build_sequence(trajectory, tokenizer, vocab_size=len(tokenizer), mask_format_errors=False)


def test_a_dapo_step_reports_the_mismatched_turns(server, tokenizer, tiny_model_dir, tmp_path):
    from batch_helpers import write_batch
    from swe_rl_trainer.trainer import Trainer

    _, agreeing = run_episode(server, turns=2)
    _, drifted = run_episode(server, turns=2)
    second = [m for m in drifted if m["role"] == "assistant"][1]
    first = [m for m in drifted if m["role"] == "assistant"][0]
    start = len(first["prompt_token_ids"]) + len(first["token_ids"])
    text = tokenizer.decode(second["prompt_token_ids"][start:], skip_special_tokens=False)
    second["prompt_token_ids"] = second["prompt_token_ids"][:start] + [
        t for ch in text for t in tokenizer.encode(ch, add_special_tokens=False)]  # same text, other ids
    batch = write_batch(tmp_path / "batch.jsonl", [
        {"episode_id": "a", "advantage": 1.0, "messages": agreeing},
        {"episode_id": "b", "advantage": -1.0, "messages": drifted},
    ])
    trainer = Trainer("token-in", tmp_path / "runs", tiny_model_dir, device="cpu")
    metrics = trainer.dapo_step(1, batch, {"lr": 1e-4, "total_steps": 2})
    assert metrics["applied"] is True
    assert metrics["prompt_mismatch_turns"] == 1
