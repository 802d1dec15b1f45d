from pathlib import Path
import json

import pytest
import torch

from batch_helpers import assistant_turn, simple_trajectory, trajectory, write_batch
from batch_helpers import mixed_batch as shared_mixed_batch
from weights import weights_digest
from swe_rl_trainer.errors import InvalidInput, StepOutOfOrder
from swe_rl_trainer.lr_schedule import learning_rate
from swe_rl_trainer.step_config import parse_config
from swe_rl_trainer.trainer import Trainer

FAST = {"lr": 1e-3}
SFT_FAST = {"lr": 1e-3, "total_steps": 10}


def mixed_batch(tokenizer, path):
    return shared_mixed_batch(tokenizer, path, 4)


@pytest.fixture
def batch(tokenizer, tmp_path):
    return mixed_batch(tokenizer, tmp_path / "batch.jsonl")


def new_trainer(tmp_path, tiny_model_dir, run_id="run-a"):
    return Trainer(run_id, tmp_path / "runs", tiny_model_dir, device="cpu")


@pytest.mark.parametrize("kind", ["sft", "dapo"])
def test_gradient_accumulated_over_micro_batches_equals_one_big_batch(tmp_path, tiny_model_dir, batch, kind):
    trainer = new_trainer(tmp_path, tiny_model_dir)
    grads, losses = [], []
    for micro_batch_size in (1, 3, 4):
        config = parse_config(kind, {"micro_batch_size": micro_batch_size, **({"total_steps": 10} if kind == "sft" else {})})
        sequences = trainer.load_sequences(kind, batch, config)
        trainer.optimizer.zero_grad(set_to_none=True)
        sums = trainer.accumulate_gradients(kind, sequences, config)
        grads.append(torch.cat([p.grad.flatten() for p in trainer.model.parameters()]))
        losses.append(sums["loss"])
    assert losses[0] == pytest.approx(losses[2], rel=1e-5) and losses[1] == pytest.approx(losses[2], rel=1e-5)
    assert torch.allclose(grads[0], grads[2], rtol=1e-4, atol=1e-7)
    assert torch.allclose(grads[1], grads[2], rtol=1e-4, atol=1e-7)
    assert grads[2].abs().sum() > 0


def test_a_step_updates_weights_with_the_scheduled_lr_and_a_retry_applies_nothing(tmp_path, tiny_model_dir, batch):
    trainer = new_trainer(tmp_path, tiny_model_dir)
    before = weights_digest(trainer)
    config = {"lr": 1e-3, "warmup_steps": 4, "total_steps": 10}
    first = trainer.sft_step(1, batch, config)
    assert first["applied"] is True and first["lr"] == pytest.approx(learning_rate(1, peak_lr=1e-3, warmup_steps=4, schedule="cosine", total_steps=10))
    after = weights_digest(trainer)
    assert after != before
    retry = trainer.sft_step(1, batch, config)
    assert retry == {**first, "applied": False}
    assert weights_digest(trainer) == after
    assert (tmp_path / "runs" / "run-a" / "steps" / "step-000001.json").is_file()


def test_steps_that_skip_ahead_go_back_or_conflict_are_refused(tmp_path, tiny_model_dir, batch, tokenizer):
    trainer = new_trainer(tmp_path, tiny_model_dir)
    with pytest.raises(StepOutOfOrder, match="step 2 skips ahead; the last completed step is 0"):
        trainer.dapo_step(2, batch, FAST)
    trainer.dapo_step(1, batch, FAST)
    trainer.dapo_step(2, batch, FAST)
    with pytest.raises(StepOutOfOrder, match="step 1 goes back past the last completed step 2"):
        trainer.dapo_step(1, batch, FAST)
    other = mixed_batch(tokenizer, tmp_path / "other.jsonl")
    with pytest.raises(StepOutOfOrder, match="was completed as a dapo step"):
        trainer.dapo_step(2, other, FAST)
    with pytest.raises(StepOutOfOrder, match="this request is a sft step"):
        trainer.sft_step(2, batch, SFT_FAST)
    assert trainer.step == 2


def bad_batches(tokenizer):
    good = simple_trajectory(tokenizer, "ep-ok", "task", ["ls"])
    mismatched = simple_trajectory(tokenizer, "ep-len", "task", ["ls"])
    mismatched["messages"][2]["logprobs"].append(-1.0)
    out_of_vocab = trajectory("ep-vocab", [{"role": "user", "content": "x"},
                                           assistant_turn(tokenizer, "x", token_ids=[99999], eos=False)])
    yield "empty", "", "is empty"
    yield "length", [good, mismatched], "episode 'ep-len': messages\\[2\\].logprobs has"
    yield "nan", '{"episode_id": "ep-nan", "advantage": NaN, "messages": [{"role": "user", "content": "x"}]}\n', "ep-nan.*advantage must be a finite number"
    yield "inf", '{"episode_id": "ep-inf", "advantage": -Infinity, "messages": [{"role": "user", "content": "x"}]}\n', "ep-inf.*advantage must be a finite number"
    yield "vocab", [good, out_of_vocab], "ep-vocab.*outside the model's vocabulary"
    yield "no-actions", [trajectory("ep-none", [{"role": "user", "content": "only a question"}])], "no action tokens"


@pytest.mark.parametrize("case", ["empty", "length", "nan", "inf", "vocab", "no-actions"])
def test_bad_input_is_refused_and_leaves_the_weights_unchanged(tmp_path, tiny_model_dir, tokenizer, case):
    name, content, message = next(c for c in bad_batches(tokenizer) if c[0] == case)
    path = tmp_path / f"{name}.jsonl"
    if isinstance(content, str):
        path.write_text(content, encoding="utf-8")
    else:
        write_batch(path, content)
    trainer = new_trainer(tmp_path, tiny_model_dir)
    before = weights_digest(trainer)
    with pytest.raises(InvalidInput, match=message):
        trainer.dapo_step(1, str(path), FAST)
    assert weights_digest(trainer) == before
    assert trainer.step == 0 and trainer.ledger.last_step() == 0
    assert all(p.grad is None for p in trainer.model.parameters())


def test_sft_with_only_format_error_turns_is_refused(tmp_path, tiny_model_dir, tokenizer):
    path = write_batch(tmp_path / "b.jsonl", [simple_trajectory(tokenizer, "ep-1", "t", ["oops"], format_errors=(0,))])
    trainer = new_trainer(tmp_path, tiny_model_dir)
    with pytest.raises(InvalidInput, match="every assistant turn is a format error"):
        trainer.sft_step(1, path, SFT_FAST)


def test_bad_config_is_refused_before_anything_changes(tmp_path, tiny_model_dir, batch):
    trainer = new_trainer(tmp_path, tiny_model_dir)
    before = weights_digest(trainer)
    with pytest.raises(InvalidInput, match="config.eps_high"):
        trainer.dapo_step(1, batch, {"eps_high": "big"})
    assert weights_digest(trainer) == before and trainer.ledger.last_step() == 0


def test_a_sequence_over_the_context_is_excluded_and_counted_never_cut(tmp_path, tiny_model_dir, batch):
    trainer = new_trainer(tmp_path, tiny_model_dir)
    lengths = sorted(len(s.input_ids) for s in trainer.load_sequences("dapo", batch, parse_config("dapo", {})))
    assert lengths[-1] - 5 > lengths[-2]
    result = trainer.dapo_step(1, batch, {**FAST, "max_length": lengths[-1] - 5})
    assert (result["excluded_overlong"], result["excluded_overlong_tokens"]) == (1, lengths[-1])
    assert result["num_sequences"] == 3 and result["num_tokens"] == sum(lengths[:-1])


def test_a_restarted_trainer_replays_recorded_steps_after_its_latest_checkpoint(tmp_path, tiny_model_dir, batch):
    first = new_trainer(tmp_path, tiny_model_dir)
    first.sft_step(1, batch, SFT_FAST)
    checkpoint = first.save_checkpoint(1)
    first.dapo_step(2, batch, FAST)
    result = first.dapo_step(3, batch, FAST)  # steps 2 and 3 exist only in memory and in the ledger

    restarted = new_trainer(tmp_path, tiny_model_dir)
    assert restarted.step == 3
    for (name, a), (_, b) in zip(first.model.state_dict().items(), restarted.model.state_dict().items()):
        assert torch.allclose(a, b, atol=1e-6), name
    assert restarted.dapo_step(3, batch, FAST) == {**result, "applied": False}
    assert json.loads((checkpoint / "trainer_state.json").read_text())["step"] == 1


def test_checkpoints_are_hf_directories_and_resume_model_and_optimizer(tmp_path, tiny_model_dir, batch):
    trainer = new_trainer(tmp_path, tiny_model_dir)
    trainer.dapo_step(1, batch, FAST)
    path = trainer.save_checkpoint(1)
    assert path == tmp_path / "runs" / "run-a" / "checkpoints" / "step-000001"
    assert {"model.safetensors", "config.json", "tokenizer.json", "optimizer.pt", "trainer_state.json"} <= {p.name for p in path.iterdir()}
    assert not [p for p in path.parent.iterdir() if p.name.startswith(".tmp-")]
    assert trainer.save_checkpoint(1) == path  # idempotent
    with pytest.raises(StepOutOfOrder, match="the weights are at step 1"):
        trainer.save_checkpoint(2)

    resumed = new_trainer(tmp_path, tiny_model_dir)
    assert resumed.step == 1 and weights_digest(resumed) == weights_digest(trainer)
    state_a, state_b = trainer.optimizer.state_dict()["state"], resumed.optimizer.state_dict()["state"]
    assert state_a.keys() == state_b.keys()
    assert all(torch.equal(state_a[k]["exp_avg"], state_b[k]["exp_avg"]) for k in state_a)
    assert resumed.dapo_step(2, batch, FAST)["applied"] is True


def test_switching_from_sft_to_dapo_starts_the_optimizer_afresh(tmp_path, tiny_model_dir, batch):
    trainer = new_trainer(tmp_path, tiny_model_dir)
    assert trainer.sft_step(1, batch, SFT_FAST)["optimizer_reset"] is False
    assert trainer.sft_step(2, batch, SFT_FAST)["optimizer_reset"] is False
    steps = {int(state["step"]) for state in trainer.optimizer.state.values()}
    assert steps == {2}
    assert trainer.dapo_step(3, batch, FAST)["optimizer_reset"] is True
    assert {int(state["step"]) for state in trainer.optimizer.state.values()} == {1}


def test_optional_kl_term_is_reported_and_zero_against_an_identical_reference(tmp_path, tiny_model_dir, batch):
    trainer = new_trainer(tmp_path, tiny_model_dir)
    plain = trainer.dapo_step(1, batch, FAST)
    assert "kl" not in plain
    with_kl = trainer.dapo_step(2, batch, {**FAST, "kl_coef": 0.1})
    # after one update the policy has moved away from the reference (the base model)
    assert with_kl["kl"] > 0 and with_kl["loss"] == pytest.approx(with_kl["policy_loss"] + 0.1 * with_kl["kl"], rel=1e-5)


def test_step_metrics_combine_maxima_by_max_across_micro_batches(tmp_path, tiny_model_dir, batch):
    one = new_trainer(tmp_path / "one", tiny_model_dir)
    split = new_trainer(tmp_path / "split", tiny_model_dir)
    whole = one.dapo_step(1, batch, {**FAST, "micro_batch_size": 4})
    parts = split.dapo_step(1, batch, {**FAST, "micro_batch_size": 1})
    assert parts["micro_batches"] == 4
    assert parts["logprob_diff_max"] == pytest.approx(whole["logprob_diff_max"], rel=1e-5)
    assert parts["logprob_diff_mean"] == pytest.approx(whole["logprob_diff_mean"], rel=1e-5)
    assert whole["logprob_diff_max"] >= whole["logprob_diff_mean"] > 0


def test_retention_keeps_the_newest_and_the_milestones(tmp_path, tiny_model_dir, batch):
    trainer = new_trainer(tmp_path, tiny_model_dir)
    for step in range(1, 7):
        trainer.dapo_step(step, batch, FAST)
        trainer.save_checkpoint(step, milestone=(step == 2))
        trainer.retain_checkpoints(keep_last=2)
    root = tmp_path / "runs" / "run-a" / "checkpoints"
    assert sorted(p.name for p in root.iterdir()) == ["step-000002", "step-000005", "step-000006"]
    resumed = new_trainer(tmp_path, tiny_model_dir)
    assert resumed.step == 6 and weights_digest(resumed) == weights_digest(trainer)
    with pytest.raises(ValueError, match="keep_last must be >= 1"):
        trainer.retain_checkpoints(keep_last=0)


def test_dual_clip_must_be_off_or_above_one():
    assert parse_config("dapo", {"dual_clip_c": 3.0}).dual_clip_c == 3.0
    with pytest.raises(InvalidInput, match="dual_clip_c must be 0 \\(off\\) or > 1"):
        parse_config("dapo", {"dual_clip_c": 0.5})


def test_trainer_old_logprobs_are_recomputed_once_before_the_first_step_and_weight_the_loss(tmp_path, tiny_model_dir, batch):
    trainer = new_trainer(tmp_path, tiny_model_dir)
    config = {**FAST, "old_logprobs": "trainer", "tis_cap": 2.0}
    with pytest.raises(InvalidInput, match="recompute_logprobs runs first"):
        trainer.dapo_step(1, batch, config)
    assert trainer.recompute_old_logprobs(batch, 0)["recomputed"] is True
    assert trainer.recompute_old_logprobs(batch, 0)["recomputed"] is False  # kept beside the batch
    stored = json.loads(Trainer.trainer_logprobs_path(batch).read_text())
    assert stored["at_step"] == 0 and stored["logprobs"] == trainer.action_logprobs(batch)

    sampler_old = new_trainer(tmp_path / "other", tiny_model_dir).dapo_step(1, batch, FAST)
    result = trainer.dapo_step(1, batch, config)
    # The trainer's old log-probs are the current ones: the ratio starts at exactly 1, and the
    # tokens are weighted by min(pi_trainer / pi_sampler, 2), which the sampler-based step is not.
    assert result["ratio_mean"] == pytest.approx(1.0, abs=1e-5)
    assert 0 < result["tis_weight_mean"] <= 2.0
    assert "tis_weight_mean" not in sampler_old
    assert result["logprob_diff_mean"] == pytest.approx(sampler_old["logprob_diff_mean"], rel=1e-5)

    other = tmp_path / "batch-2.jsonl"
    other.write_bytes(Path(batch).read_bytes())
    with pytest.raises(StepOutOfOrder, match="must be computed at step 0; the weights are at step 1"):
        trainer.recompute_old_logprobs(other, 0)


def test_tis_cap_and_old_logprobs_are_validated():
    with pytest.raises(InvalidInput, match="old_logprobs must be 'sampler' or 'trainer'"):
        parse_config("dapo", {"old_logprobs": "server"})
    with pytest.raises(InvalidInput, match="tis_cap must be >= 1"):
        parse_config("dapo", {"tis_cap": 0.5})
