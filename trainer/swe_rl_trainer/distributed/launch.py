"""Starts a step job under torchrun from the worker and returns its result.

`SWE_RL_TRAINER_WORLD_SIZE` ranks on this node (one per GPU); `SWE_RL_TRAINER_TORCHRUN_ARGS`
replaces `--standalone` for several nodes (e.g. "--nnodes 2 --node-rank 0 --rdzv-endpoint host:29400").
"""
from __future__ import annotations

import json
import os
import shlex
import subprocess
import sys
import tempfile
from pathlib import Path

from ..errors import InvalidInput

WORLD_SIZE_ENV = "SWE_RL_TRAINER_WORLD_SIZE"
TORCHRUN_ARGS_ENV = "SWE_RL_TRAINER_TORCHRUN_ARGS"


class StepJobFailed(RuntimeError):
    pass


def configured_world_size(environ: dict | None = None) -> int:
    raw = (environ if environ is not None else os.environ).get(WORLD_SIZE_ENV, "1")
    try:
        value = int(raw)
    except ValueError:
        raise ValueError(f"{WORLD_SIZE_ENV} must be an integer >= 1, got {raw!r}") from None
    if value < 1:
        raise ValueError(f"{WORLD_SIZE_ENV} must be an integer >= 1, got {raw!r}")
    return value


def torchrun_command(job_path: str | Path, world_size: int, torchrun_args: str | None = None) -> list[str]:
    topology = shlex.split(torchrun_args) if torchrun_args else ["--standalone"]
    return [sys.executable, "-m", "torch.distributed.run", *topology, "--nproc-per-node", str(world_size),
            "-m", "swe_rl_trainer.distributed.run_steps", "--job", str(job_path)]


def run_step_job(job: dict, world_size: int, work_dir: str | Path, timeout_s: float | None = None,
                 env: dict | None = None) -> dict:
    """Writes the job, runs it on `world_size` ranks and returns rank 0's result.

    Invalid input (exit 2) raises InvalidInput; any other failure StepJobFailed with the output's tail.
    """
    work = Path(work_dir)
    work.mkdir(parents=True, exist_ok=True)
    fd, job_path = tempfile.mkstemp(dir=work, prefix="step-job-", suffix=".json")
    metrics_path = Path(job_path).with_suffix(".result.json")
    with os.fdopen(fd, "w", encoding="utf-8") as f:
        json.dump({**job, "metrics_path": str(metrics_path)}, f)
    child_env = {**os.environ, **(env or {})}
    child_env.setdefault("OMP_NUM_THREADS", "1")
    command = torchrun_command(job_path, world_size, child_env.get(TORCHRUN_ARGS_ENV))
    done = subprocess.run(command, env=child_env, capture_output=True, text=True, timeout=timeout_s)
    outcome = json.loads(metrics_path.read_text(encoding="utf-8")) if metrics_path.is_file() else None
    if isinstance(outcome, dict) and outcome.get("error", {}).get("type") == "InvalidInput":
        raise InvalidInput(outcome["error"]["message"])
    if done.returncode != 0 or not isinstance(outcome, dict) or "error" in outcome:
        detail = (outcome or {}).get("error") if isinstance(outcome, dict) else None
        tail = (done.stdout + done.stderr)[-4000:]
        raise StepJobFailed(f"step job on {world_size} ranks failed (exit {done.returncode}): {detail or ''}\n{tail}")
    # Kept only when the job failed, for inspection.
    Path(job_path).unlink(missing_ok=True)
    metrics_path.unlink(missing_ok=True)
    return outcome
