"""Executes a step job on every rank of a torchrun job:

    torchrun --nproc-per-node N -m swe_rl_trainer.distributed.run_steps --job JOB.json

JOB.json:
    {"run_id", "model_path": HF folder (config, tokenizer, initial weights),
     "resume_from": sharded checkpoint folder or null, "metrics_path": where rank 0 writes the result,
     "device": "cpu"|"cuda"|null, "param_dtype": "bf16"|"fp32"|null, "export_dtype": "fp32"|"bf16",
     "steps": [{"kind": "sft"|"dapo", "step", "batch_path", "config", "reset_optimizer"?,
                "save_to"?: sharded checkpoint folder, "export_to"?: Hugging Face folder}],
     "export_to"?: Hugging Face folder written after all steps (a job of no steps only exports)}

The result, {"steps": [metrics per step], "saved": [...], "exported": [...]} or {"error": {"type",
"message"}}, is written by rank 0 to metrics_path; the exit status is 0 on success, 2 on invalid
input, 1 otherwise.
"""
from __future__ import annotations

import argparse
import json
import logging
import sys
import traceback
from pathlib import Path

from transformers import AutoConfig

from ..durable import write_json_atomic
from ..errors import InvalidInput
from ..long_context.activation_checkpointing import wants_checkpointing
from ..model_io import load_tokenizer
from ..step_config import parse_config
from .fsdp_step import apply_step
from .hf_export import export_hf
from .model_loading import load_sharded_model
from .process_group import RankInfo, destroy_process_group, init_process_group
from .sharded_checkpoint import load_sharded, save_sharded
from .sharding import DTYPES, param_dtype_for
from .step_inputs import load_step_sequences

log = logging.getLogger("swe_rl_trainer.distributed.run_steps")


def parse_job(job: dict) -> tuple[dict, list[tuple[dict, object]]]:
    """Validates the whole job (every step's config) before any rank loads a model."""
    if not isinstance(job, dict):
        raise InvalidInput("the step job must be an object")
    for name in ("run_id", "model_path", "metrics_path"):
        if not isinstance(job.get(name), str) or not job[name]:
            raise InvalidInput(f"job.{name} must be a non-empty string")
    steps = job.get("steps")
    if not isinstance(steps, list) or not (steps or job.get("export_to")):
        raise InvalidInput("job.steps must be a non-empty list (or empty with job.export_to)")
    parsed = []
    for index, step in enumerate(steps):
        if not isinstance(step, dict) or step.get("kind") not in ("sft", "dapo"):
            raise InvalidInput(f"job.steps[{index}].kind must be 'sft' or 'dapo'")
        if isinstance(step.get("step"), bool) or not isinstance(step.get("step"), int) or step["step"] < 1:
            raise InvalidInput(f"job.steps[{index}].step must be an integer >= 1")
        parsed.append((step, parse_config(step["kind"], step.get("config") or {})))
    if job.get("export_dtype", "fp32") not in DTYPES:
        raise InvalidInput(f"job.export_dtype must be one of {sorted(DTYPES)}")
    return job, parsed


def build_sharded_trainer(job: dict, ranks: RankInfo, activation_checkpointing: bool):
    from ..trainer import build_optimizer

    model = load_sharded_model(job["model_path"], ranks, param_dtype_for(ranks.device, job.get("param_dtype")),
                               activation_checkpointing)
    tokenizer = load_tokenizer(job["model_path"])
    optimizer = build_optimizer(model)
    resumed = load_sharded(job["resume_from"], model, optimizer) if job.get("resume_from") else None
    return model, tokenizer, optimizer, resumed


def execute(job: dict, ranks: RankInfo) -> dict:
    job, steps = parse_job(job)
    config_of_model = AutoConfig.from_pretrained(job["model_path"], local_files_only=True)
    context_length = int(getattr(config_of_model, "max_position_embeddings", 1 << 30))
    # Set before sharding, for the whole job: on when any step asks for it (or, unset, has a long context).
    checkpointing = any(wants_checkpointing(c.gradient_checkpointing, min(c.max_length or context_length, context_length))
                        for _, c in steps)
    model, tokenizer, optimizer, resumed = build_sharded_trainer(job, ranks, checkpointing)
    vocab_size = model.get_input_embeddings().num_embeddings
    pad_id = tokenizer.pad_token_id or 0
    result: dict = {"steps": [], "saved": [], "exported": [], "resumed_from": resumed}
    for step, config in steps:
        sequences, exclusions = load_step_sequences(step["kind"], step["batch_path"], config, tokenizer, vocab_size, context_length)
        metrics = apply_step(model, optimizer, step["kind"], step["step"], sequences, config, ranks, pad_id,
                             reset_optimizer=bool(step.get("reset_optimizer", False)))
        result["steps"].append({"run_id": job["run_id"], **metrics, **exclusions, "batch_path": step["batch_path"]})
        if step.get("save_to"):
            state = {"run_id": job["run_id"], "step": step["step"], "kind": step["kind"], "base_model": job["model_path"]}
            result["saved"].append(str(save_sharded(step["save_to"], model, optimizer, state, ranks)))
        if step.get("export_to"):
            dtype = DTYPES[job.get("export_dtype", "fp32")]
            result["exported"].append(str(export_hf(step["export_to"], model, tokenizer, ranks, dtype)))
    if job.get("export_to"):
        dtype = DTYPES[job.get("export_dtype", "fp32")]
        result["exported"].append(str(export_hf(job["export_to"], model, tokenizer, ranks, dtype)))
    return result


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="Run a step job on this torchrun rank.")
    parser.add_argument("--job", required=True, help="the step job (JSON file)")
    args = parser.parse_args(argv)
    logging.basicConfig(level=logging.INFO)
    job = json.loads(Path(args.job).read_text(encoding="utf-8"))
    ranks = init_process_group(job.get("device") if isinstance(job, dict) else None)
    status, outcome = 0, None
    try:
        outcome = execute(job, ranks)
    except InvalidInput as error:
        status, outcome = 2, {"error": {"type": "InvalidInput", "message": str(error)}}
    except Exception as error:  # noqa: BLE001 - reported in the result file, then the exit status
        traceback.print_exc()
        status, outcome = 1, {"error": {"type": type(error).__name__, "message": str(error)}}
    if ranks.is_main and isinstance(job, dict) and isinstance(job.get("metrics_path"), str):
        write_json_atomic(Path(job["metrics_path"]), outcome)
    destroy_process_group()
    return status


if __name__ == "__main__":
    sys.exit(main())
