"""Long context within memory: chunked action log-probs, packing, the context limit, YaRN on both sides."""
import json

import pytest
import torch

from batch_helpers import simple_trajectory, write_batch
from swe_rl_trainer.batching import collate
from swe_rl_trainer.long_context.action_logprobs import chunked_token_logprobs, naive_token_logprobs
from swe_rl_trainer.long_context.activation_checkpointing import wants_checkpointing
from swe_rl_trainer.long_context.packed_logprobs import padded_action_logprobs
from swe_rl_trainer.long_context.packing import group_by_token_budget, pack_row
from swe_rl_trainer.long_context.rope_context import (
    extend_context, native_context_length, vllm_context_arguments, yarn_rope_parameters,
)
from swe_rl_trainer.losses import token_logprobs
from swe_rl_trainer.model_io import load_model
from swe_rl_trainer.policy_server import load_policy
from swe_rl_trainer.sequence_builder import TrainingSequence
from swe_rl_trainer.step_config import parse_config
from swe_rl_trainer.trainer import Trainer


def sequence(ids, mask, name="s"):
    return TrainingSequence(name, list(ids), list(mask), [0.0] * len(ids), 1.0)


def test_chunked_logprobs_equal_the_full_logits_computation_values_and_gradients():
    torch.manual_seed(0)
    hidden = torch.randn(37, 16, requires_grad=True)
    weight = torch.randn(50, 16, requires_grad=True)
    bias = torch.randn(50, requires_grad=True)
    targets = torch.randint(0, 50, (37,))
    upstream = torch.randn(37, dtype=torch.float32)

    naive = naive_token_logprobs(hidden, weight, targets, bias)
    naive_grads = torch.autograd.grad((naive * upstream).sum(), (hidden, weight, bias))
    chunked = chunked_token_logprobs(hidden, weight, targets, bias=bias, chunk_tokens=8)
    chunked_grads = torch.autograd.grad((chunked * upstream).sum(), (hidden, weight, bias))

    assert chunked.dtype == torch.float32 and chunked.shape == (37,)
    torch.testing.assert_close(chunked, naive)
    for got, want in zip(chunked_grads, naive_grads):
        torch.testing.assert_close(got, want)


def test_packed_rows_give_the_log_probs_of_each_sequence_alone(tiny_model_dir):
    model = load_model(tiny_model_dir, "cpu", torch.float32)
    torch.manual_seed(1)
    sequences = [
        sequence(torch.randint(0, 500, (n,)).tolist(), [0] * 3 + [1] * (n - 3), f"s{n}") for n in (9, 23, 14)
    ]
    row = pack_row(sequences)
    assert row.position_ids[0].tolist() == list(range(9)) + list(range(23)) + list(range(14))

    batch = collate(sequences, 0, torch.device("cpu"))
    mask = batch.loss_mask[:, 1:]
    packed = padded_action_logprobs(model, sequences, mask, chunk_tokens=5)
    with torch.no_grad():
        for i, s in enumerate(sequences):
            ids = torch.tensor([s.input_ids])
            alone = token_logprobs(model(input_ids=ids).logits[:, :-1], ids[:, 1:])[0]
            n = len(s.input_ids) - 1
            torch.testing.assert_close(packed[i, :n][mask[i, :n].bool()], alone[mask[i, :n].bool()], atol=1e-5, rtol=1e-5)
    assert (packed[mask == 0] == 0).all()


def test_token_budget_groups_keep_order_and_never_exceed_the_budget_with_two_or_more():
    sequences = [sequence([1] * n, [1] * n, str(n)) for n in (5, 4, 3, 9, 2, 2)]
    groups = group_by_token_budget(sequences, 9)
    assert [[len(s.input_ids) for s in g] for g in groups] == [[5, 4], [3], [9], [2, 2]]
    assert [s for g in groups for s in g] == sequences


def test_micro_batches_by_token_budget_give_the_same_gradient_as_one_big_batch(tmp_path, tiny_model_dir, tokenizer):
    batch = write_batch(tmp_path / "b.jsonl", [
        simple_trajectory(tokenizer, f"ep-{i}", f"task {i}", ["ls -la", "cat x.py", "submit"][: 1 + i % 3], advantage=(-1) ** i * 0.5)
        for i in range(5)
    ])
    trainer = Trainer("run-a", tmp_path / "runs", tiny_model_dir, device="cpu")
    grads = []
    for options in ({"micro_batch_size": 5}, {"micro_batch_tokens": 64}, {"micro_batch_size": 1}):
        config = parse_config("dapo", options)
        sequences = trainer.load_sequences("dapo", batch, config)
        if "micro_batch_tokens" in options:
            assert len(trainer.micro_batches(sequences, config)) > 1
        trainer.optimizer.zero_grad(set_to_none=True)
        trainer.accumulate_gradients("dapo", sequences, config)
        grads.append(torch.cat([p.grad.flatten() for p in trainer.model.parameters()]))
    torch.testing.assert_close(grads[1], grads[0], atol=1e-6, rtol=1e-4)
    torch.testing.assert_close(grads[2], grads[0], atol=1e-6, rtol=1e-4)


def test_checkpointing_is_on_by_default_for_long_contexts_and_an_explicit_setting_wins():
    assert wants_checkpointing(None, 131072) and not wants_checkpointing(None, 2048)
    assert not wants_checkpointing(False, 131072) and wants_checkpointing(True, 2048)


def test_checkpointing_does_not_change_the_step(tmp_path, tiny_model_dir, tokenizer):
    batch = write_batch(tmp_path / "b.jsonl", [simple_trajectory(tokenizer, "ep-1", "t", ["ls", "submit"], advantage=1.0)])
    results = []
    for flag in (False, True):
        trainer = Trainer(f"run-{flag}", tmp_path / "runs", tiny_model_dir, device="cpu")
        result = trainer.dapo_step(1, batch, {"lr": 1e-3, "gradient_checkpointing": flag})
        assert trainer.model.is_activation_checkpointing == flag
        results.append(result)
    assert results[0]["loss"] == pytest.approx(results[1]["loss"], rel=1e-5)
    assert results[0]["grad_norm"] == pytest.approx(results[1]["grad_norm"], rel=1e-4)


def test_yarn_is_set_only_beyond_the_native_context():
    assert yarn_rope_parameters(32768, 32768, 1e6) is None
    assert yarn_rope_parameters(32768, 131072, 1e6) == {
        "rope_type": "yarn", "factor": 4.0, "original_max_position_embeddings": 32768, "rope_theta": 1e6,
    }


def test_extending_a_config_is_idempotent_and_never_shrinks(tiny_model_dir):
    from transformers import AutoConfig

    config = AutoConfig.from_pretrained(tiny_model_dir)
    assert not extend_context(config, 2048) and config.rope_parameters["rope_type"] == "default"
    assert extend_context(config, 16384)
    assert config.max_position_embeddings == 16384 and native_context_length(config) == 4096
    assert config.rope_parameters["rope_type"] == "yarn" and config.rope_parameters["factor"] == 4.0
    before = dict(config.rope_parameters)
    assert not extend_context(config, 16384) and not extend_context(config, 8192)
    assert config.rope_parameters == before
    args = vllm_context_arguments(config, 16384)
    assert args[:2] == ["--max-model-len", "16384"]
    assert json.loads(args[3])["rope_scaling"] == {"rope_type": "yarn", "factor": 4.0, "original_max_position_embeddings": 4096}


def test_trainer_and_server_set_the_same_yarn_and_compute_the_same_log_probs(tmp_path, tiny_model_dir, tokenizer):
    """The trainer extends its loaded model at the first long step; the server loads with --max-context."""
    context = 3 * 4096
    batch = write_batch(tmp_path / "b.jsonl", [simple_trajectory(tokenizer, "ep-1", "t", ["ls", "submit"])])
    trainer = Trainer("run-y", tmp_path / "runs", tiny_model_dir, device="cpu")
    before = trainer.action_logprobs(batch)["ep-1"]
    sequences = trainer.load_sequences("dapo", batch, parse_config("dapo", {"max_length": context}))
    assert trainer.context_length == context
    served = load_policy("policy", tiny_model_dir, 0, torch.device("cpu"), context)
    assert served.max_context == context
    assert served.model.config.rope_parameters == trainer.model.config.rope_parameters
    assert trainer.model.config.rope_parameters["factor"] == 3.0

    # Positions far beyond the native 4096: the scaled rope is what both sides run.
    long_ids = torch.randint(0, 500, (1, 64))
    positions = torch.arange(9000, 9064).unsqueeze(0)
    with torch.no_grad():
        trained = trainer.model(input_ids=long_ids, position_ids=positions).logits
        serving = served.model(input_ids=long_ids, position_ids=positions).logits
    torch.testing.assert_close(trained, serving)
    after = trainer.action_logprobs(batch)["ep-1"]
    assert after != pytest.approx(before, abs=1e-6)  # YaRN changes the model: it must be set on both sides

    # The checkpoint carries the scaling, so a server loading it without --max-context agrees too.
    trainer.dapo_step(1, batch, {"lr": 1e-3, "max_length": context})
    path = trainer.save_checkpoint(1)
    saved = json.loads((path / "config.json").read_text())
    assert saved["max_position_embeddings"] == context
    reloaded = load_policy("policy", path, 1, torch.device("cpu"), None)
    assert reloaded.max_context == context and reloaded.model.config.rope_parameters == trainer.model.config.rope_parameters
    assert len(sequences) == 1
