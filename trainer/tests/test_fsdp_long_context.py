"""The N-rank path with the long-context machinery: packing by token budget, chunked action
log-probs through the sharded root, activation checkpointing, YaRN, and a KL reference model.

One SFT step then one DAPO step with kl_coef > 0, all with max_length 8192 (twice the tiny
model's native 4096: YaRN, and activation checkpointing on by the long-context rule), run by the
single-process Trainer, by a 1-rank job and by a 2-rank job: the weights agree after each step.
"""
import json

import pytest
import torch
from safetensors.torch import load_file

from batch_helpers import mixed_batch
from swe_rl_trainer.distributed.launch import run_step_job
from swe_rl_trainer.trainer import Trainer

LONG = {"max_length": 8192, "micro_batch_tokens": 120}
SFT = {"lr": 1e-3, "total_steps": 10, **LONG}
DAPO = {"lr": 1e-3, "kl_coef": 0.5, **LONG}


def steps(batch, out):
    return [
        {"kind": "sft", "step": 1, "batch_path": batch, "config": SFT, "export_to": str(out / "e1")},
        {"kind": "dapo", "step": 2, "batch_path": batch, "config": DAPO, "reset_optimizer": True,
         "export_to": str(out / "e2")},
    ]


@pytest.fixture(scope="module")
def runs(tmp_path_factory, tiny_model_dir, tokenizer):
    root = tmp_path_factory.mktemp("fsdp-long")
    batch = mixed_batch(tokenizer, root / "batch.jsonl")
    base = {"run_id": "run-l", "model_path": str(tiny_model_dir), "device": "cpu", "param_dtype": "fp32"}
    results = {n: run_step_job({**base, "steps": steps(batch, root / str(n))}, n, root / "jobs", timeout_s=300)
               for n in (1, 2)}
    single = Trainer("run-s", root / "runs", tiny_model_dir, device="cpu")
    results["single"] = [single.sft_step(1, batch, SFT)]
    results["single_e1"] = {k: v.detach().clone() for k, v in single.model.state_dict().items()}
    results["single"].append(single.dapo_step(2, batch, DAPO))
    results["single_e2"] = {k: v.detach().clone() for k, v in single.model.state_dict().items()}
    results["single_model"] = single.model
    return root, results


def close(a, b, atol=2e-5):
    for name in a:
        assert torch.allclose(a[name], b[name], rtol=0, atol=atol), f"{name}: max diff {(a[name] - b[name]).abs().max()}"


def test_packed_chunked_steps_on_two_ranks_equal_one_rank_and_the_single_process_trainer(runs, tiny_model_dir):
    root, results = runs
    base = load_file(str(tiny_model_dir / "model.safetensors"))
    for step, name in ((0, "e1"), (1, "e2")):
        single = results[f"single_{name}"]
        one, two = load_file(str(root / "1" / name / "model.safetensors")), load_file(str(root / "2" / name / "model.safetensors"))
        assert max((one[n] - base[n]).abs().max().item() for n in one) > 1e-4  # the steps do move the weights
        close(one, {n: single[n] for n in one})
        close(two, one)
        want = results["single"][step]
        for got in (results[1]["steps"][step], results[2]["steps"][step]):
            assert got["loss"] == pytest.approx(want["loss"], rel=1e-4)
            assert got["grad_norm"] == pytest.approx(want["grad_norm"], rel=1e-4)
            assert got["num_action_tokens"] == want["num_action_tokens"] > 0
    # Packing by the 120-token budget: fewer micro-batches than sequences, split over the ranks.
    assert results["single"][0]["micro_batches"] < 5
    assert results[2]["steps"][0]["micro_batches"] <= results[1]["steps"][0]["micro_batches"]
    # The KL term is in the DAPO loss of every path (the policy moved away from the reference by SFT).
    assert results["single"][1]["kl"] > 0
    assert results[2]["steps"][1]["kl"] == pytest.approx(results["single"][1]["kl"], rel=1e-4)


def test_the_export_carries_the_yarn_context_the_trainer_and_server_share(runs):
    root, results = runs
    config = json.loads((root / "2" / "e2" / "config.json").read_text())
    rope = config.get("rope_parameters") or config.get("rope_scaling")
    assert config["max_position_embeddings"] == 8192
    assert rope["rope_type"] == "yarn" and rope["factor"] == 2.0 and rope["original_max_position_embeddings"] == 4096
    assert results["single_model"].config.max_position_embeddings == 8192


def test_ranks_group_their_sequences_by_the_token_budget():
    from swe_rl_trainer.distributed.rank_batches import rank_micro_batches

    class Seq:
        def __init__(self, n):
            self.input_ids = [0] * n

    sequences = [Seq(n) for n in (10, 50, 20, 30, 5)]
    # Rank 0 holds (10, 50), rank 1 (20, 30, 5); a 40-token budget packs adjacent 30 and 5 into one row.
    first, count = rank_micro_batches(sequences, 2, 0, micro_batch_size=1, micro_batch_tokens=40)
    second, _ = rank_micro_batches(sequences, 2, 1, micro_batch_size=1, micro_batch_tokens=40)
    assert [[len(s.input_ids) for s in c] for c in first] == [[10], [50]]
    assert [[len(s.input_ids) for s in c] for c in second] == [[20], [30, 5]]
    assert count == 2
