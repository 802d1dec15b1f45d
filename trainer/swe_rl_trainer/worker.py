"""The trainer worker: a Temporal worker on the `swe-rl-trainer` task queue.

TypeScript workflows call its activities by name. It keeps the model loaded between steps, so
there is one such worker per training job.
"""
from __future__ import annotations

import argparse
import asyncio
import logging
import os
import platform
import signal
from concurrent.futures import ThreadPoolExecutor

from temporalio import activity
from temporalio.client import Client
from temporalio.worker import Worker

TASK_QUEUE = "swe-rl-trainer"
log = logging.getLogger("swe_rl_trainer.worker")


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


ACTIVITIES = [trainer_info]


async def run(address: str, namespace: str, task_queue: str) -> None:
    client = await Client.connect(address, namespace=namespace)
    # Training steps are CPU/GPU bound and synchronous: one at a time, in a worker thread.
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
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--address", default=os.environ.get("TEMPORAL_ADDRESS", "localhost:7233"))
    parser.add_argument("--namespace", default=os.environ.get("TEMPORAL_NAMESPACE", "default"))
    parser.add_argument("--task-queue", default=TASK_QUEUE)
    args = parser.parse_args()
    logging.basicConfig(level=logging.INFO)
    asyncio.run(run(args.address, args.namespace, args.task_queue))


if __name__ == "__main__":
    main()
