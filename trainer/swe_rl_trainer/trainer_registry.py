"""Keeps each run's Trainer (model and optimizer) loaded between activity calls, with its lease.

A process serves a run only while it holds the run's lease (`run_lease.py`), so a run's steps are
applied by one process at a time. Evicting a Trainer releases its lease and is always safe: the
next holder resumes from the run's latest checkpoint and replays the recorded steps after it.
"""
from __future__ import annotations

import os
import re
import secrets
import socket
import threading
from collections import OrderedDict
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from .run_lease import RunLease, read_owner
from .trainer import Trainer, check_run_id


class RunHeldElsewhere(Exception):
    """Another live trainer process holds the run; `owner` says which and where it takes steps."""

    def __init__(self, run_id: str, owner: dict[str, Any] | None):
        self.owner = owner
        where = f"{owner.get('worker_id')} (task queue {owner.get('task_queue')})" if owner else "another process"
        super().__init__(f"run {run_id} is held by trainer {where}")


def process_identity(shared_queue: str = "swe-rl-trainer") -> dict[str, Any]:
    """A name no other trainer process has (a restarted worker is a new one) and its own task queue."""
    host = re.sub(r"[^a-z0-9_.-]+", "-", socket.gethostname().lower()).strip("-") or "host"
    worker_id = f"{host}-{os.getpid()}-{secrets.token_hex(2)}"
    return {"worker_id": worker_id, "task_queue": f"{shared_queue}@{worker_id}", "host": socket.gethostname(), "pid": os.getpid()}


@dataclass
class _Held:
    lease: RunLease
    trainer: Trainer | None = None


class TrainerRegistry:
    def __init__(self, max_loaded: int = 2, device: str | None = None, owner: dict[str, Any] | None = None):
        self.max_loaded = max_loaded
        self.device = device
        self.owner = owner or process_identity()
        self._held: OrderedDict[tuple[str, str], _Held] = OrderedDict()
        self._lock = threading.Lock()

    def get(self, run_id: str, runs_dir: str | Path, model_path: str | Path) -> Trainer:
        """The run's Trainer, loaded and caught up with its step ledger; RunHeldElsewhere if another process holds it."""
        key = (str(Path(runs_dir).resolve()), check_run_id(run_id))
        run_dir = Path(key[0]) / run_id
        with self._lock:
            held = self._held.get(key)
            if held is None:
                lease = RunLease.try_acquire(run_dir, self.owner)
                if lease is None:
                    raise RunHeldElsewhere(run_id, read_owner(run_dir))
                held = self._held[key] = _Held(lease)
            if held.trainer is not None and held.trainer.broken:
                held.trainer = None
            if held.trainer is None:
                # Newly held (or broken): whatever this process had in memory may be behind.
                held.trainer = Trainer(run_id, runs_dir, model_path, device=self.device)
            self._held.move_to_end(key)
            while len(self._held) > self.max_loaded:
                _, evicted = self._held.popitem(last=False)
                evicted.lease.release()
            trainer = held.trainer
        trainer.catch_up()
        return trainer

    def reload(self, run_id: str, runs_dir: str | Path) -> None:
        """Forgets the loaded weights of a run this process holds (after its ledger was rolled back)."""
        key = (str(Path(runs_dir).resolve()), check_run_id(run_id))
        with self._lock:
            held = self._held.get(key)
            if held is not None:
                held.trainer = None

    def holds(self, run_id: str, runs_dir: str | Path) -> bool:
        return (str(Path(runs_dir).resolve()), run_id) in self._held

    def clear(self) -> None:
        with self._lock:
            for held in self._held.values():
                held.lease.release()
            self._held.clear()
