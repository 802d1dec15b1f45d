"""A long-lived rank group: torchrun started once per run, step jobs sent to it over a folder.

One torchrun job per step reloads (and re-shards) the model every step, minutes at 72B. Here the
ranks stay up and keep the model between jobs (run_steps.execute's cache: a job resuming from
the state the model in memory is at does not load it). The channel is a local folder:

    <dir>/NNNNNN.job.json   a job (run_steps' format), written atomically by the client
    <dir>/stop              the group exits

Rank 0 polls the folder, broadcasts each job to every rank (broadcast_object_list), all ranks
execute it, and rank 0 writes the result to the job's metrics_path then removes the job file.

    torchrun --nproc-per-node N -m swe_rl_trainer.distributed.rank_group --dir DIR [--device cpu]

RankGroup (client) starts it and runs jobs on it; JobTrainer uses one when
SWE_RL_TRAINER_RANK_GROUP=1, the per-step launcher (launch.run_step_job) otherwise.
"""
from __future__ import annotations

import argparse
import itertools
import json
import logging
import os
import signal
import subprocess
import sys
import time
import traceback
from pathlib import Path

import torch.distributed as dist

from ..durable import write_json_atomic
from ..errors import InvalidInput
from .launch import TORCHRUN_ARGS_ENV, StepJobFailed, torchrun_command

RANK_GROUP_ENV = "SWE_RL_TRAINER_RANK_GROUP"
STOP = "stop"
POLL_S = 0.05

log = logging.getLogger("swe_rl_trainer.distributed.rank_group")


# ---- the ranks --------------------------------------------------------------------------------

def _alive(pid: int | None) -> bool:
    if pid is None:
        return True
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def _next_job(folder: Path, client_pid: int | None = None) -> dict | None:
    """Rank 0: waits for the next job; None when told to stop or when the client process is gone."""
    while True:
        if (folder / STOP).exists() or not _alive(client_pid):
            return None
        pending = sorted(folder.glob("*.job.json"))
        if pending:
            job = json.loads(pending[0].read_text(encoding="utf-8"))
            pending[0].unlink()
            return job
        time.sleep(POLL_S)


def serve(folder: Path, device: str | None, client_pid: int | None = None) -> None:
    from .process_group import destroy_process_group, init_process_group
    from .run_steps import execute

    ranks = init_process_group(device)
    cache: dict = {}
    while True:
        message = [_next_job(folder, client_pid) if ranks.is_main else None]
        if ranks.world_size > 1:
            dist.broadcast_object_list(message, src=0)
        job = message[0]
        if job is None:
            break
        try:
            outcome = execute(job, ranks, cache)
        except InvalidInput as error:
            outcome = {"error": {"type": "InvalidInput", "message": str(error)}}
        except Exception as error:  # noqa: BLE001 - reported to the client; the group keeps serving
            traceback.print_exc()
            cache.clear()  # the model may be half updated: the next job loads again
            outcome = {"error": {"type": type(error).__name__, "message": str(error)}}
        if ranks.is_main:
            write_json_atomic(Path(job["metrics_path"]), outcome)
    destroy_process_group()


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="Serve step jobs on this torchrun rank until told to stop.")
    parser.add_argument("--dir", required=True)
    parser.add_argument("--device", default=None)
    parser.add_argument("--client-pid", type=int, default=None, help="exit once this process is gone")
    args = parser.parse_args(argv)
    logging.basicConfig(level=logging.INFO)
    serve(Path(args.dir), args.device, args.client_pid)
    return 0


# ---- the client -------------------------------------------------------------------------------

class RankGroup:
    """Starts the group once; `run(job)` returns rank 0's result like launch.run_step_job."""

    def __init__(self, folder: str | Path, world_size: int, device: str | None = None, env: dict | None = None):
        self.folder = Path(folder)
        self.folder.mkdir(parents=True, exist_ok=True)
        (self.folder / STOP).unlink(missing_ok=True)
        for stale in self.folder.glob("*.job.json"):
            stale.unlink()
        self.world_size = world_size
        child_env = {**os.environ, **(env or {})}
        child_env.setdefault("OMP_NUM_THREADS", "1")
        command = torchrun_command("-", world_size, child_env.get(TORCHRUN_ARGS_ENV))
        command = command[: command.index("--nproc-per-node") + 2] + [
            "-m", "swe_rl_trainer.distributed.rank_group", "--dir", str(self.folder), "--client-pid", str(os.getpid()),
            *(["--device", device] if device else [])]
        self.log_path = self.folder / "group.log"
        self._log = open(self.log_path, "ab")
        # Its own process group: a kill reaches torchrun's ranks too.
        self.process = subprocess.Popen(command, env=child_env, stdout=self._log, stderr=subprocess.STDOUT,
                                        start_new_session=True)
        self._numbers = itertools.count(1)

    def alive(self) -> bool:
        return self.process.poll() is None

    def run(self, job: dict, timeout_s: float | None = None) -> dict:
        if not self.alive():
            raise StepJobFailed(f"the rank group exited ({self.process.returncode}); see {self.log_path}")
        number = next(self._numbers)
        metrics_path = self.folder / f"{number:06d}.result.json"
        metrics_path.unlink(missing_ok=True)
        temp = self.folder / f".{number:06d}.tmp"
        temp.write_text(json.dumps({**job, "metrics_path": str(metrics_path)}), encoding="utf-8")
        os.rename(temp, self.folder / f"{number:06d}.job.json")
        deadline = None if timeout_s is None else time.monotonic() + timeout_s
        while not metrics_path.is_file():
            if not self.alive():
                raise StepJobFailed(f"the rank group exited ({self.process.returncode}) during a job; see {self.log_path}")
            if deadline is not None and time.monotonic() > deadline:
                self.close(kill=True)
                raise StepJobFailed(f"a job on the rank group ran past {timeout_s}s; the group was stopped")
            time.sleep(POLL_S)
        outcome = json.loads(metrics_path.read_text(encoding="utf-8"))
        metrics_path.unlink()
        if isinstance(outcome, dict) and outcome.get("error", {}).get("type") == "InvalidInput":
            raise InvalidInput(outcome["error"]["message"])
        if not isinstance(outcome, dict) or "error" in outcome:
            raise StepJobFailed(f"a job on the {self.world_size}-rank group failed: {outcome.get('error')}")
        return outcome

    def close(self, kill: bool = False, timeout_s: float = 60.0) -> None:
        if self.alive():
            if not kill:
                (self.folder / STOP).touch()
                try:
                    self.process.wait(timeout=timeout_s)
                except subprocess.TimeoutExpired:
                    kill = True
            if kill:
                os.killpg(self.process.pid, signal.SIGKILL)
            self.process.wait()
        self._log.close()


if __name__ == "__main__":
    sys.exit(main())
