"""FSDP2 over real torch.distributed (gloo, CPU): 2 ranks equal 1 rank, sharded resume, HF export.

Three torchrun jobs on the tiny model, each an SFT step then a DAPO step (the optimizer moments
carried over, so a resume that lost them would differ):
  one:     1 rank                                  -> one/e1, one/e2
  two:     2 ranks, sharded checkpoint after SFT   -> two/c1, two/e1, two/e2
  resumed: 2 ranks from two/c1, the DAPO step only -> resumed/e2
"""
import pytest
import torch
from safetensors.torch import load_file
from transformers import AutoModelForCausalLM

from batch_helpers import mixed_batch
from swe_rl_trainer.distributed.launch import run_step_job
from swe_rl_trainer.distributed.rank_batches import assign_to_ranks, rank_micro_batches
from swe_rl_trainer.distributed.run_steps import parse_job
from swe_rl_trainer.errors import InvalidInput
from swe_rl_trainer.trainer import Trainer

SFT = {"lr": 1e-3, "total_steps": 10, "micro_batch_size": 1}
DAPO = {"lr": 1e-3, "micro_batch_size": 2}


def sft_then_dapo(batch, out, save_sft=False):
    sft = {"kind": "sft", "step": 1, "batch_path": batch, "config": SFT, "export_to": str(out / "e1")}
    if save_sft:
        sft["save_to"] = str(out / "c1")
    dapo = {"kind": "dapo", "step": 2, "batch_path": batch, "config": DAPO, "export_to": str(out / "e2")}
    return [sft, dapo]


@pytest.fixture(scope="module")
def runs(tmp_path_factory, tiny_model_dir, tokenizer):
    root = tmp_path_factory.mktemp("fsdp")
    batch = mixed_batch(tokenizer, root / "batch.jsonl")
    base = {"run_id": "run-f", "model_path": str(tiny_model_dir), "device": "cpu", "param_dtype": "fp32"}
    one, two, resumed = root / "one", root / "two", root / "resumed"
    results = {
        "one": run_step_job({**base, "steps": sft_then_dapo(batch, one)}, 1, root / "jobs", timeout_s=300),
        "two": run_step_job({**base, "steps": sft_then_dapo(batch, two, save_sft=True)}, 2, root / "jobs", timeout_s=300),
        "resumed": run_step_job({**base, "resume_from": str(two / "c1"), "steps": sft_then_dapo(batch, resumed)[1:]},
                                2, root / "jobs", timeout_s=300),
    }
    return {"root": root, "batch": batch, "one": one, "two": two, "resumed": resumed, "results": results}


def weights(folder):
    return load_file(str(folder / "model.safetensors"))


def assert_same_weights(a, b, atol):
    assert a.keys() == b.keys()
    for name in a:
        assert torch.allclose(a[name], b[name], rtol=0, atol=atol), f"{name}: max diff {(a[name] - b[name]).abs().max()}"


def max_change(a, b):
    return max((a[n] - b[n]).abs().max().item() for n in a)


def test_sft_and_dapo_steps_on_two_ranks_equal_one_rank(runs, tiny_model_dir):
    base = load_file(str(tiny_model_dir / "model.safetensors"))
    one_sft, one_dapo = weights(runs["one"] / "e1"), weights(runs["one"] / "e2")
    # Both steps move the weights by far more than the tolerance, so equality means something.
    assert max_change(one_sft, {n: base[n] for n in one_sft}) > 1e-4 and max_change(one_dapo, one_sft) > 1e-4
    assert_same_weights(weights(runs["two"] / "e1"), one_sft, atol=1e-5)
    assert_same_weights(weights(runs["two"] / "e2"), one_dapo, atol=1e-5)
    one_steps, two_steps = runs["results"]["one"]["steps"], runs["results"]["two"]["steps"]
    for a, b in zip(one_steps, two_steps):
        assert (a["world_size"], b["world_size"]) == (1, 2)
        assert b["loss"] == pytest.approx(a["loss"], rel=1e-5) and b["grad_norm"] == pytest.approx(a["grad_norm"], rel=1e-5)
        assert b["num_action_tokens"] == a["num_action_tokens"] > 0
    assert two_steps[1]["clip_frac_low"] == pytest.approx(one_steps[1]["clip_frac_low"], abs=1e-6)


def test_one_fsdp_rank_equals_the_single_process_trainer_and_the_export_gives_its_logits(runs, tiny_model_dir, tmp_path):
    trainer = Trainer("run-t", tmp_path / "runs", tiny_model_dir, device="cpu")
    reference = trainer.sft_step(1, runs["batch"], SFT)
    assert runs["results"]["one"]["steps"][0]["loss"] == pytest.approx(reference["loss"], rel=1e-5)
    expected = {n: t.detach() for n, t in trainer.model.state_dict().items()}
    exported = weights(runs["one"] / "e1")
    assert_same_weights(exported, {n: expected[n] for n in exported}, atol=1e-5)

    served = AutoModelForCausalLM.from_pretrained(runs["two"] / "e1", local_files_only=True, dtype=torch.float32).eval()
    ids = torch.tensor([trainer.tokenizer.encode("def parse(text): return text.split()")])
    with torch.no_grad():
        got = served(input_ids=ids).logits
        want = trainer.model.eval()(input_ids=ids).logits
    assert torch.allclose(got, want, rtol=0, atol=1e-4), (got - want).abs().max()
    for name in ("config.json", "tokenizer.json", "tokenizer_config.json", "model.safetensors"):
        assert (runs["two"] / "e1" / name).is_file()


def test_a_two_rank_sharded_checkpoint_resumes_equal_to_the_uninterrupted_run(runs):
    checkpoint = runs["two"] / "c1"
    assert sorted(p.name for p in checkpoint.glob("*.distcp")) == ["__0_0.distcp", "__1_0.distcp"]
    assert runs["results"]["resumed"]["resumed_from"]["step"] == 1
    assert_same_weights(weights(runs["resumed"] / "e2"), weights(runs["two"] / "e2"), atol=1e-6)
    assert runs["results"]["resumed"]["steps"][0]["loss"] == pytest.approx(runs["results"]["two"]["steps"][1]["loss"], rel=1e-6)


def test_ranks_share_sequences_by_tokens_and_run_the_same_number_of_micro_batches():
    class Seq:
        def __init__(self, n):
            self.input_ids = [0] * n

    sequences = [Seq(n) for n in (10, 50, 20, 30, 5)]
    parts = assign_to_ranks(sequences, 2)
    # Longest first onto the lighter rank (50 | 30, 20 | 10 | 5), each rank in batch order.
    assert [[len(s.input_ids) for s in p] for p in parts] == [[10, 50], [20, 30, 5]]
    first, count = rank_micro_batches(sequences, 2, 0, micro_batch_size=1)
    second, _ = rank_micro_batches(sequences, 2, 1, micro_batch_size=1)
    assert count == 3 and len(first) == len(second) == 3 and first[2] is None and None not in second


def test_a_job_with_a_bad_step_is_refused_before_any_rank_loads_a_model():
    job = {"run_id": "r", "model_path": "/m", "metrics_path": "/m.json",
           "steps": [{"kind": "sft", "step": 1, "batch_path": "b", "config": {"eps_hi": 0.3}}]}
    with pytest.raises(InvalidInput, match="unknown field"):
        parse_job(job)
    with pytest.raises(InvalidInput, match="kind must be"):
        parse_job({**job, "steps": [{"kind": "ppo", "step": 1}]})


def test_invalid_input_in_a_launched_job_is_invalid_input_to_the_caller(tmp_path, tiny_model_dir):
    job = {"run_id": "run-x", "model_path": str(tiny_model_dir), "device": "cpu",
           "steps": [{"kind": "dapo", "step": 1, "batch_path": str(tmp_path / "b.jsonl"), "config": {"eps_hi": 0.3}}]}
    with pytest.raises(InvalidInput, match="unknown field"):
        run_step_job(job, 1, tmp_path / "jobs", timeout_s=120)
