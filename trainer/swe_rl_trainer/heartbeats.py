"""Heartbeats from a background thread while a trainer activity works, with the phase it is in.

Loading a model, tokenising a batch, one micro-batch of a 131k-token sequence and writing a
checkpoint of a large model can each take minutes without a natural point to report from. A
thread that beats every few seconds lets the workflow use a short heartbeat timeout, so a dead
trainer is noticed in about a minute instead of at the end of a long start-to-close timeout.
"""
from __future__ import annotations

import contextvars
import os
import threading
from typing import Any

from temporalio import activity


def heartbeat_interval_seconds() -> float:
    raw = os.environ.get("SWE_RL_TRAINER_HEARTBEAT_SECONDS", "10")
    try:
        value = float(raw)
    except ValueError:
        value = -1.0
    if not value > 0:
        raise ValueError(f"SWE_RL_TRAINER_HEARTBEAT_SECONDS must be a positive number, got {raw!r}")
    return value


class PhaseHeartbeat:
    """`with PhaseHeartbeat(step=3) as beat: beat.phase("load"); ...` beats {"phase": ..., **details}."""

    def __init__(self, interval: float | None = None, **details: Any):
        self.interval = heartbeat_interval_seconds() if interval is None else interval
        self.base = details
        self.details: dict[str, Any] = {"phase": "start", **details}
        self._stop = threading.Event()
        self._lock = threading.Lock()
        self._thread: threading.Thread | None = None

    def phase(self, name: str, **details: Any) -> None:
        with self._lock:
            self.details = {**self.base, "phase": name, **details}
        self.beat()

    def micro_batch(self, done: int, total: int) -> None:
        """The trainer's progress callback: one beat per micro-batch, on top of the timer."""
        self.phase("step", micro_batch=done, micro_batches=total)

    def beat(self) -> None:
        if activity.in_activity():
            with self._lock:
                details = dict(self.details)
            activity.heartbeat(details)

    def _run(self) -> None:
        while not self._stop.wait(self.interval):
            self.beat()

    def __enter__(self) -> "PhaseHeartbeat":
        if activity.in_activity():
            # The activity's context (and so activity.heartbeat) travels into the thread.
            context = contextvars.copy_context()
            self._thread = threading.Thread(target=context.run, args=(self._run,), daemon=True, name="trainer-heartbeat")
            self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._stop.set()
        if self._thread:
            self._thread.join(timeout=5)
