"""The trainer worker: a Temporal worker on the `swe-rl-trainer` task queue.

TypeScript workflows call its activities by name. It keeps the model loaded between steps, so
there is one such worker per training job. Inputs and outputs are small JSON objects; batches and
checkpoints travel as paths in the artifact store.

    sft_step / dapo_step  {"run_id", "step", "batch_path", "model_path", "runs_dir", "config": {...}}
                          -> metrics, with "applied": false when the step had already been applied
    save_checkpoint       {"run_id", "step", "runs_dir", "model_path"} -> {"path", "step"}
    publish_checkpoint    {"checkpoint_path", "policy_server_url", "policy_version"} -> {"policy_version"}

Bad input fails with a non-retryable ApplicationError of type "InvalidInput".
"""
from __future__ import annotations

import argparse
import asyncio
import logging
import os
import platform
import signal
from concurrent.futures import ThreadPoolExecutor
from typing import Any, Callable

from temporalio import activity
from temporalio.client import Client
from temporalio.exceptions import ApplicationError
from temporalio.worker import Worker

from .errors import InvalidInput
from .policy_client import PublishRejected
from .policy_client import publish_checkpoint as post_checkpoint
from .trainer_registry import TrainerRegistry

TASK_QUEUE = "swe-rl-trainer"
log = logging.getLogger("swe_rl_trainer.worker")

REGISTRY = TrainerRegistry(
    max_loaded=int(os.environ.get("SWE_RL_TRAINER_MAX_RUNS", "2")),
    device=os.environ.get("SWE_RL_TRAINER_DEVICE") or None,
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
    """Bad input becomes a non-retryable InvalidInput; anything else stays retryable."""
    try:
        return fn()
    except InvalidInput as error:
        raise _invalid(str(error)) from error


def _heartbeat(step: int) -> Callable[[int, int], None]:
    def report(micro_batch: int, total: int) -> None:
        if activity.in_activity():
            activity.heartbeat({"step": step, "micro_batch": micro_batch, "micro_batches": total})
    return report


def _training_step(kind: str, request: dict) -> dict:
    name = f"{kind}_step"
    run_id = _field(request, "run_id", str, name)
    step = _field(request, "step", int, name)
    batch_path = _field(request, "batch_path", str, name)
    model_path = _field(request, "model_path", str, name)
    runs_dir = _field(request, "runs_dir", str, name)
    config = request.get("config") or {}

    def run() -> dict:
        _heartbeat(step)(0, 0)  # loading a model for the first time can take a while
        trainer = REGISTRY.get(run_id, runs_dir, model_path)
        method = trainer.sft_step if kind == "sft" else trainer.dapo_step
        return method(step, batch_path, config, progress=_heartbeat(step))

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
    }


@activity.defn(name="sft_step")
def sft_step(request: dict) -> dict:
    """One SFT (rejection fine-tuning) update on passing trajectories; format-error turns masked."""
    return _training_step("sft", request)


@activity.defn(name="dapo_step")
def dapo_step(request: dict) -> dict:
    """One DAPO update: token-level clipped objective with the batch's per-trajectory advantages."""
    return _training_step("dapo", request)


@activity.defn(name="save_checkpoint")
def save_checkpoint(request: dict) -> dict:
    run_id = _field(request, "run_id", str, "save_checkpoint")
    step = _field(request, "step", int, "save_checkpoint")
    runs_dir = _field(request, "runs_dir", str, "save_checkpoint")
    model_path = _field(request, "model_path", str, "save_checkpoint")
    if step < 0:
        raise _invalid(f"save_checkpoint input.step must be >= 0, got {step}")

    def run() -> dict:
        trainer = REGISTRY.get(run_id, runs_dir, model_path)
        return {"path": str(trainer.save_checkpoint(step)), "step": step}

    return _guard(run)


@activity.defn(name="publish_checkpoint")
def publish_checkpoint(request: dict) -> dict:
    checkpoint_path = _field(request, "checkpoint_path", str, "publish_checkpoint")
    url = _field(request, "policy_server_url", str, "publish_checkpoint")
    version = _field(request, "policy_version", int, "publish_checkpoint")
    try:
        answer = post_checkpoint(url, checkpoint_path, version)
    except PublishRejected as error:
        raise _invalid(str(error)) from error
    return {"policy_version": int(answer["policy_version"])}


ACTIVITIES = [trainer_info, sft_step, dapo_step, save_checkpoint, publish_checkpoint]


async def run(address: str, namespace: str, task_queue: str) -> None:
    client = await Client.connect(address, namespace=namespace)
    # Training steps are CPU/GPU bound and synchronous: they run in worker threads, and each
    # run's Trainer serialises its own steps.
    with ThreadPoolExecutor(max_workers=2) as executor:
        worker = Worker(
            client,
            task_queue=task_queue,
            activities=ACTIVITIES,
            activity_executor=executor,
            max_concurrent_activities=2,
        )
        stop = asyncio.Event()
        loop = asyncio.get_running_loop()
        for sig in (signal.SIGINT, signal.SIGTERM):
            loop.add_signal_handler(sig, stop.set)
        print(f"[swe-rl] trainer worker polling {task_queue} on {address} (pid {os.getpid()})", flush=True)
        async with worker:
            await stop.wait()


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
