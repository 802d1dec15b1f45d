"""The trainer worker: a Temporal worker on the `swe-rl-trainer` task queue.

TypeScript workflows call its activities by name. It keeps the model loaded between steps, so
there is one such worker per training job. Inputs and outputs are small JSON objects; batches and
checkpoints travel as paths in the artifact store.

    sft_step / dapo_step  {"run_id", "step", "batch_path", "model_path", "runs_dir", "config": {...}}
                          -> metrics, with "applied": false when the step had already been applied
    recompute_logprobs    {"run_id", "at_step", "batch_path", "model_path", "runs_dir", "config"}
                          -> {"recomputed", "path"}: the trainer's old log-probs beside the batch
    save_checkpoint       {"run_id", "step", "runs_dir", "model_path", "milestone"?, "keep_last"?}
                          -> {"path", "step", "removed_steps"} (retention: the newest keep_last and
                          the milestones stay)
    publish_checkpoint    {"checkpoint_path", "policy_server_url", "policy_version", "policy"?,
                           "route"?, "publish_url"?} -> {"policy_version", "policy"}: the
                          server serves the checkpoint under the name `<run>@step-N` (derived from
                          the path when "policy" is absent), checked on its /v1/models; route
                          load | restart | reload (default SWE_RL_PUBLISH_ROUTE, else load),
                          serving/publish_routes.py
    acquire_run           {"run_id", "runs_dir", "model_path"} -> {"task_queue", "worker_id", "step"}:
                          on the shared queue; the trainer that holds the run (this one if the run
                          was free: it loads checkpoint + replays the ledger) and the queue it
                          takes the run's steps on
    rollback_run          {"run_id", "runs_dir", "model_path", "to_step"} -> what was moved aside:
                          a resumed run's steps and checkpoints past its last completed iteration
    track_run             {"run_id", "runs_dir", "tracking"?, "trainer_step"?} -> what each tracker
                          was sent: the run folder's new points to TensorBoard / W&B / MLflow and
                          the learning curve rendered (tracking/); needs no lease, any trainer runs it

Affinity: every trainer worker polls the shared queue `swe-rl-trainer` and its own queue
`swe-rl-trainer@<worker id>`. A run is held by one process at a time (an flock lease in the run
folder, `run_lease.py`); the workflows acquire the run on the shared queue and send its steps to
the holder's own queue. A step that reaches a process not holding the run fails with the
retryable type "TrainerNotOwner", and the workflow acquires the run again.

Bad input fails with a non-retryable ApplicationError of type "InvalidInput".
"""
from __future__ import annotations

import argparse
import asyncio
import logging
import os
import platform
import re
import signal
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any, Callable

from temporalio import activity
from temporalio.client import Client
from temporalio.exceptions import ApplicationError
from temporalio.worker import Worker

from .errors import InvalidInput
from .heartbeats import PhaseHeartbeat
from .policy_client import PublishRejected
from .serving.publish_routes import publish as publish_by_route, resolve_route
from .distributed.launch import configured_world_size
from .rollback import roll_back
from .trainer import Trainer
from .trainer_registry import RunHeldElsewhere, TrainerRegistry, process_identity

TASK_QUEUE = "swe-rl-trainer"
log = logging.getLogger("swe_rl_trainer.worker")


REGISTRY = TrainerRegistry(
    max_loaded=int(os.environ.get("SWE_RL_TRAINER_MAX_RUNS", "2")),
    device=os.environ.get("SWE_RL_TRAINER_DEVICE") or None,
    owner=process_identity(TASK_QUEUE),
)


def _invalid(message: str) -> ApplicationError:
    return ApplicationError(message, type="InvalidInput", non_retryable=True)


def _field(request: Any, name: str, kind: type, activity_name: str) -> Any:
    if not isinstance(request, dict):
        raise _invalid(f"{activity_name} input must be an object")
    value = request.get(name)
    wrong_type = not isinstance(value, kind) or (kind is int and isinstance(value, bool))
    if wrong_type or (kind is str and not value):
        raise _invalid(f"{activity_name} input.{name} must be a {'non-empty string' if kind is str else kind.__name__}, got {value!r}")
    return value


def _guard(fn: Callable[[], dict]) -> dict:
    """Bad input becomes a non-retryable InvalidInput, a run held elsewhere a retryable TrainerNotOwner;
    anything else stays retryable."""
    try:
        return fn()
    except InvalidInput as error:
        raise _invalid(str(error)) from error
    except RunHeldElsewhere as error:
        raise ApplicationError(str(error), type="TrainerNotOwner") from error


def _trainer_loader(request: Any, activity_name: str) -> Callable[[PhaseHeartbeat], Trainer]:
    """Reads the run's identity (run_id, runs_dir, model_path); the function returned loads its Trainer."""
    run_id = _field(request, "run_id", str, activity_name)
    runs_dir = _field(request, "runs_dir", str, activity_name)
    model_path = _field(request, "model_path", str, activity_name)

    def load(beat: PhaseHeartbeat) -> Trainer:
        beat.phase("load")  # the first call of a run loads (and maybe replays) its trainer
        return REGISTRY.get(run_id, runs_dir, model_path)

    return load


def _training_step(kind: str, request: dict) -> dict:
    name = f"{kind}_step"
    load = _trainer_loader(request, name)
    step = _field(request, "step", int, name)
    batch_path = _field(request, "batch_path", str, name)
    config = request.get("config") or {}

    def run() -> dict:
        with PhaseHeartbeat(step=step) as beat:
            trainer = load(beat)
            beat.phase("tokenise")
            method = trainer.sft_step if kind == "sft" else trainer.dapo_step
            return method(step, batch_path, config, progress=beat.micro_batch)

    return _guard(run)


@activity.defn(name="trainer_info")
def trainer_info() -> dict:
    """What this trainer runs on; the cross-language smoke test of the wiring."""
    import torch

    device = "cuda" if torch.cuda.is_available() else "cpu"
    return {
        "python": platform.python_version(),
        "torch": torch.__version__,
        "device": device,
        "worker_pid": os.getpid(),
        # Above 1, each step is a torchrun job over that many ranks (distributed/job_trainer.py).
        "world_size": configured_world_size(),
    }


@activity.defn(name="sft_step")
def sft_step(request: dict) -> dict:
    """One SFT (rejection fine-tuning) update on passing trajectories; format-error turns masked."""
    return _training_step("sft", request)


@activity.defn(name="dapo_step")
def dapo_step(request: dict) -> dict:
    """One DAPO update: token-level clipped objective with the batch's per-trajectory advantages."""
    return _training_step("dapo", request)


@activity.defn(name="recompute_logprobs")
def recompute_logprobs(request: dict) -> dict:
    """The trainer's old log-probs of a batch under the sampling weights (config.old_logprobs "trainer")."""
    load = _trainer_loader(request, "recompute_logprobs")
    at_step = _field(request, "at_step", int, "recompute_logprobs")
    batch_path = _field(request, "batch_path", str, "recompute_logprobs")
    config = request.get("config") or {}

    def run() -> dict:
        with PhaseHeartbeat(step=at_step) as beat:
            trainer = load(beat)
            beat.phase("recompute")
            return trainer.recompute_old_logprobs(batch_path, at_step, config)

    return _guard(run)


@activity.defn(name="save_checkpoint")
def save_checkpoint(request: dict) -> dict:
    load = _trainer_loader(request, "save_checkpoint")
    step = _field(request, "step", int, "save_checkpoint")
    milestone = request.get("milestone", False)
    keep_last = request.get("keep_last")
    if step < 0:
        raise _invalid(f"save_checkpoint input.step must be >= 0, got {step}")
    if not isinstance(milestone, bool):
        raise _invalid(f"save_checkpoint input.milestone must be a boolean, got {milestone!r}")
    if keep_last is not None and (isinstance(keep_last, bool) or not isinstance(keep_last, int) or keep_last < 1):
        raise _invalid(f"save_checkpoint input.keep_last must be an integer >= 1, got {keep_last!r}")

    def run() -> dict:
        with PhaseHeartbeat(step=step) as beat:
            trainer = load(beat)
            beat.phase("save")
            path = trainer.save_checkpoint(step, milestone=milestone)
            beat.phase("retention")
            removed = trainer.retain_checkpoints(keep_last) if keep_last else []
            return {"path": str(path), "step": step, "removed_steps": removed}

    return _guard(run)


@activity.defn(name="publish_checkpoint")
def publish_checkpoint(request: dict) -> dict:
    checkpoint_path = _field(request, "checkpoint_path", str, "publish_checkpoint")
    url = _field(request, "policy_server_url", str, "publish_checkpoint")
    version = _field(request, "policy_version", int, "publish_checkpoint")
    name = _field(request, "policy", str, "publish_checkpoint") if "policy" in request else checkpoint_policy_name(checkpoint_path)
    try:
        route, publish_url = resolve_route(request.get("route"), request.get("publish_url"), url)
        with PhaseHeartbeat(policy_version=version, policy=name, route=route) as beat:
            beat.phase("publish")  # the server loads (or restarts on) the weights before it answers
            answer = publish_by_route(route, publish_url, url, checkpoint_path, name, version)
    except PublishRejected as error:
        raise ApplicationError(str(error), type="PublishRejected", non_retryable=True) from error
    return {"policy_version": answer["policy_version"], "policy": answer["policy"]}


def checkpoint_policy_name(path: str) -> str:
    """`<run>@step-000012` for a run's checkpoint folder (as the TypeScript side names it)."""
    parts = path.rstrip("/").split("/")
    match = re.fullmatch(r"step-(\d+)", parts[-1])
    if match and len(parts) >= 3 and parts[-2] == "checkpoints":
        return f"{parts[-3]}@step-{int(match.group(1)):06d}"
    return "checkpoint@" + re.sub(r"[^A-Za-z0-9._-]+", "_", path).lstrip("_")[-160:]


@activity.defn(name="acquire_run")
def acquire_run(request: dict) -> dict:
    """On the shared queue: which trainer holds the run, taking it (and loading it) when it is free."""
    load = _trainer_loader(request, "acquire_run")
    run_id = request["run_id"]

    def run() -> dict:
        with PhaseHeartbeat(run_id=run_id) as beat:
            try:
                trainer = load(beat)
            except RunHeldElsewhere as error:
                if not (error.owner or {}).get("task_queue"):
                    raise  # the holder says no queue: retried until it lets the run go
                return {"task_queue": error.owner["task_queue"], "worker_id": error.owner["worker_id"], "step": None}
            return {"task_queue": REGISTRY.owner["task_queue"], "worker_id": REGISTRY.owner["worker_id"], "step": trainer.step}

    return _guard(run)


@activity.defn(name="rollback_run")
def rollback_run(request: dict) -> dict:
    """A resumed run: steps and checkpoints past `to_step` are moved aside and the weights reloaded."""
    load = _trainer_loader(request, "rollback_run")
    to_step = _field(request, "to_step", int, "rollback_run")
    if to_step < 0:
        raise _invalid(f"rollback_run input.to_step must be >= 0, got {to_step}")

    def run() -> dict:
        with PhaseHeartbeat(to_step=to_step) as beat:
            trainer = load(beat)
            with trainer.lock:
                moved = roll_back(trainer.run_dir, to_step)
            REGISTRY.reload(trainer.run_id, request["runs_dir"])
            beat.phase("reload")
            reloaded = load(beat)
            if reloaded.step != to_step:
                raise _invalid(f"run {trainer.run_id}: rolled back to step {to_step} but the weights reload at step {reloaded.step}")
            log.info("run %s rolled back to step %d: %s", trainer.run_id, to_step, moved)
            return moved

    return _guard(run)


@activity.defn(name="track_run")
def track_run(request: dict) -> dict:
    """Sends the run folder's new metrics, steps, evaluations and learning curve to its trackers."""
    from .tracking import TrackingConfig, sync_run
    from .trainer import check_run_id

    def run() -> dict:
        run_id = check_run_id(_field(request, "run_id", str, "track_run"))
        runs_dir = _field(request, "runs_dir", str, "track_run")
        through = request.get("trainer_step")
        if through is not None and (isinstance(through, bool) or not isinstance(through, int) or through < 0):
            raise InvalidInput(f"track_run input.trainer_step must be an integer >= 0, got {through!r}")
        config = TrackingConfig.from_dict(request.get("tracking"))
        return sync_run(Path(runs_dir) / run_id, run_id, config, through_trainer_step=through)

    return _guard(run)


ACTIVITIES = [trainer_info, sft_step, dapo_step, recompute_logprobs, save_checkpoint, publish_checkpoint, acquire_run, rollback_run, track_run]


async def run(address: str, namespace: str, task_queue: str) -> None:
    client = await Client.connect(address, namespace=namespace)
    REGISTRY.owner = process_identity(task_queue)
    own_queue = REGISTRY.owner["task_queue"]
    # Training steps are CPU/GPU bound and synchronous: they run in worker threads, and each
    # run's Trainer serialises its own steps.
    with ThreadPoolExecutor(max_workers=4) as executor:
        workers = [
            Worker(client, task_queue=queue, activities=ACTIVITIES, activity_executor=executor, max_concurrent_activities=2)
            for queue in (task_queue, own_queue)
        ]
        stop = asyncio.Event()
        loop = asyncio.get_running_loop()
        for sig in (signal.SIGINT, signal.SIGTERM):
            loop.add_signal_handler(sig, stop.set)
        print(f"[swe-rl] trainer worker polling {task_queue} and {own_queue} on {address} (pid {os.getpid()})", flush=True)
        async with workers[0], workers[1]:
            await stop.wait()
    # After the executor has finished every step still running: only then may another process take the runs.
    REGISTRY.clear()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--address", default=os.environ.get("TEMPORAL_ADDRESS", "localhost:7233"))
    parser.add_argument("--namespace", default=os.environ.get("TEMPORAL_NAMESPACE", "default"))
    parser.add_argument("--task-queue", default=TASK_QUEUE)
    args = parser.parse_args()
    logging.basicConfig(level=logging.INFO)
    asyncio.run(run(args.address, args.namespace, args.task_queue))


if __name__ == "__main__":
    main()
