"""Executes a step job on every rank of a torchrun job:

    torchrun --nproc-per-node N -m swe_rl_trainer.distributed.run_steps --job JOB.json

JOB.json:
    {"run_id", "model_path": HF folder (config, tokenizer, initial weights),
     "resume_from": sharded checkpoint folder, or a single-process Trainer checkpoint (weights +
                    optimizer.pt), or null; "metrics_path": where rank 0 writes the result,
     "device": "cpu"|"cuda"|null, "param_dtype": "bf16"|"fp32"|null, "export_dtype": "fp32"|"bf16",
     "max_context"?: context the model is built for (YaRN past its native length; at least each step's max_length),
     "steps": [{"kind": "sft"|"dapo", "step", "batch_path", "config", "reset_optimizer"?,
                "save_to"?: sharded checkpoint folder, "export_to"?: Hugging Face folder}],
     "export_to"?: Hugging Face folder written after all steps (a job of no steps only exports),
     "export_optimizer"?: true: optimizer.pt beside that export, in the single-process Trainer's format,
     "logprobs"?: {"kind", "batch_path", "config", "out", "at_step"?}: the action log-probs of the
                  batch under the resumed weights, written by rank 0 to out as {"at_step", "logprobs"}}

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
from ..long_context.rope_context import extend_context
from ..model_io import load_tokenizer
from ..step_config import DapoConfig, parse_config
from .fsdp_step import apply_step
from ..checkpoints import OPTIMIZER_FILE, STATE_FILE
from .hf_export import export_hf
from .optimizer_interop import load_full_optimizer, save_full_optimizer
from .logprob_job import episode_action_logprobs
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
    if not isinstance(steps, list) or not (steps or job.get("export_to") or job.get("logprobs")):
        raise InvalidInput("job.steps must be a non-empty list (or empty with job.export_to or job.logprobs)")
    parsed = []
    for index, step in enumerate(steps):
        if not isinstance(step, dict) or step.get("kind") not in ("sft", "dapo"):
            raise InvalidInput(f"job.steps[{index}].kind must be 'sft' or 'dapo'")
        if isinstance(step.get("step"), bool) or not isinstance(step.get("step"), int) or step["step"] < 1:
            raise InvalidInput(f"job.steps[{index}].step must be an integer >= 1")
        parsed.append((step, parse_config(step["kind"], step.get("config") or {})))
    if job.get("export_dtype", "fp32") not in DTYPES:
        raise InvalidInput(f"job.export_dtype must be one of {sorted(DTYPES)}")
    parse_logprobs_request(job)
    return job, parsed


def parse_logprobs_request(job: dict):
    """job.logprobs, {"kind", "batch_path", "config", "out", "at_step"?}: its config, or None without one.

    The config is parsed as Trainer.action_logprobs / recompute_old_logprobs do (the sampler's
    old log-probs: the file of recomputed ones is what this request writes).
    """
    request = job.get("logprobs")
    if request is None:
        return None
    if not isinstance(request, dict) or request.get("kind") not in ("sft", "dapo"):
        raise InvalidInput("job.logprobs.kind must be 'sft' or 'dapo'")
    for name in ("batch_path", "out"):
        if not isinstance(request.get(name), str) or not request[name]:
            raise InvalidInput(f"job.logprobs.{name} must be a non-empty string")
    raw = dict(request.get("config") or {})
    if request["kind"] == "dapo":
        raw["old_logprobs"] = "sampler"
    else:
        raw.setdefault("total_steps", 1)
    return parse_config(request["kind"], raw)


def job_context(job: dict, steps) -> int | None:
    """The context the job's model is built for: the largest of job.max_context and the steps' max_length."""
    return max([job.get("max_context") or 0] + [config.max_length or 0 for _, config in steps]) or None


def is_full_checkpoint(path) -> bool:
    """A single-process Trainer checkpoint (Hugging Face weights + optimizer.pt), not DCP shards."""
    folder = Path(path)
    return (folder / OPTIMIZER_FILE).is_file() and not (folder / ".metadata").is_file()


def build_sharded_trainer(job: dict, ranks: RankInfo, activation_checkpointing: bool, max_context: int | None = None):
    """The sharded model and optimizer, resumed from DCP shards or from a single-process checkpoint."""
    from ..trainer import build_optimizer

    resume = job.get("resume_from")
    full = bool(resume) and is_full_checkpoint(resume)
    model = load_sharded_model(resume if full else job["model_path"], ranks,
                               param_dtype_for(ranks.device, job.get("param_dtype")),
                               activation_checkpointing, max_context=max_context)
    tokenizer = load_tokenizer(job["model_path"])
    optimizer = build_optimizer(model)
    resumed = None
    if full:
        load_full_optimizer(resume, model, optimizer, ranks)
        resumed = {**json.loads((Path(resume) / STATE_FILE).read_text(encoding="utf-8")), "format": "full"}
    elif resume:
        resumed = load_sharded(resume, model, optimizer)
    return model, tokenizer, optimizer, resumed


def execute(job: dict, ranks: RankInfo, cache: dict | None = None) -> dict:
    """Runs a job. `cache` (rank_group: a long-lived rank group) keeps the model between jobs: a job
    resuming from the state the model in memory already is at does not load it again."""
    job, steps = parse_job(job)
    logprobs_config = parse_logprobs_request(job)
    max_context = job_context(job, steps + ([({}, logprobs_config)] if logprobs_config else []))
    config_of_model = AutoConfig.from_pretrained(job["model_path"], local_files_only=True)
    if extend_context(config_of_model, max_context):  # YaRN, the rule Trainer and the policy server use
        log.info("context %d exceeds the model's; YaRN rope scaling set", max_context)
    context_length = int(getattr(config_of_model, "max_position_embeddings", 1 << 30))
    # Set before sharding, for the whole job: on when any step asks for it (or, unset, the context is long),
    # the rule of Trainer (wants_checkpointing on the model's context).
    checkpointing = any(wants_checkpointing(c.gradient_checkpointing, context_length) for _, c in steps)
    cache = cache if cache is not None else {}
    key = (job["model_path"], max_context, checkpointing, job.get("param_dtype"))
    loaded = not (cache.get("key") == key and job.get("resume_from") and cache.get("position") == job["resume_from"])
    if loaded:
        cache.clear()
        model, tokenizer, optimizer, resumed = build_sharded_trainer(job, ranks, checkpointing, max_context)
        cache.update(key=key, model=model, tokenizer=tokenizer, optimizer=optimizer, position=job.get("resume_from"))
    else:
        model, tokenizer, optimizer = cache["model"], cache["tokenizer"], cache["optimizer"]
        resumed = {"in_memory": job["resume_from"]}
    reference = None
    if any(isinstance(c, DapoConfig) and c.kl_coef for _, c in steps):
        # The base model, sharded the same way, frozen: the KL term's reference (as Trainer's).
        if cache.get("reference_key") != key:
            cache["reference"] = load_sharded_model(job["model_path"], ranks, param_dtype_for(ranks.device, job.get("param_dtype")),
                                                    max_context=max_context, trainable=False)
            cache["reference_key"] = key
        reference = cache["reference"]
    vocab_size = model.get_input_embeddings().num_embeddings
    pad_id = tokenizer.pad_token_id or 0
    result: dict = {"steps": [], "saved": [], "exported": [], "resumed_from": resumed, "model_loaded": loaded}
    if logprobs_config is not None:  # under the resumed weights, before any step
        request = job["logprobs"]
        sequences, _ = load_step_sequences(request["kind"], request["batch_path"], logprobs_config, tokenizer,
                                           vocab_size, context_length)
        found = episode_action_logprobs(model, sequences, ranks, pad_id)
        if ranks.is_main:
            write_json_atomic(Path(request["out"]), {"at_step": request.get("at_step"), "logprobs": found})
        result["logprobs"] = request["out"]
    for step, config in steps:
        cache["position"] = None  # the weights move: until saved, no job may reuse them
        sequences, exclusions = load_step_sequences(step["kind"], step["batch_path"], config, tokenizer, vocab_size, context_length)
        metrics = apply_step(model, optimizer, step["kind"], step["step"], sequences, config, ranks, pad_id,
                             reset_optimizer=bool(step.get("reset_optimizer", False)), reference=reference)
        result["steps"].append({"run_id": job["run_id"], **metrics, **exclusions, "batch_path": step["batch_path"]})
        if step.get("save_to"):
            state = {"run_id": job["run_id"], "step": step["step"], "kind": step["kind"], "base_model": job["model_path"]}
            result["saved"].append(str(save_sharded(step["save_to"], model, optimizer, state, ranks)))
            cache["position"] = step["save_to"]
        if step.get("export_to"):
            dtype = DTYPES[job.get("export_dtype", "fp32")]
            result["exported"].append(str(export_hf(step["export_to"], model, tokenizer, ranks, dtype)))
    if job.get("export_to"):
        dtype = DTYPES[job.get("export_dtype", "fp32")]
        result["exported"].append(str(export_hf(job["export_to"], model, tokenizer, ranks, dtype)))
        if job.get("export_optimizer"):  # optimizer.pt as the single-process Trainer saves it
            save_full_optimizer(job["export_to"], model, optimizer, ranks)
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
