"""What each sink has already been sent: `<run_dir>/tracking/state.json`, and the lock around a sync.

Per sink and series, the highest step written (its high-water mark), plus the ids of the tracked
runs so a resumed run continues them. The state is saved after a sink has flushed, so a crash in
between can repeat that one sink's last batch, never lose it.
"""
from __future__ import annotations

import fcntl
import json
import os
import time
from contextlib import contextmanager
from pathlib import Path
from typing import Any, Iterator

from ..durable import write_json_atomic

STATE_FILE = "state.json"
LOCK_FILE = "sync.lock"


def tracking_dir(run_dir: Path) -> Path:
    return Path(run_dir) / "tracking"


class TrackingState:
    def __init__(self, path: Path, data: dict[str, Any]):
        self.path = path
        self.data = data

    @classmethod
    def load(cls, run_dir: Path) -> "TrackingState":
        path = tracking_dir(run_dir) / STATE_FILE
        data = json.loads(path.read_text(encoding="utf-8")) if path.is_file() else {}
        data.setdefault("high_water", {})
        data.setdefault("run_ids", {})
        return cls(path, data)

    def high_water(self, sink: str, tag: str) -> int:
        return self.data["high_water"].get(sink, {}).get(tag, -1)

    def advance(self, sink: str, tag: str, step: int) -> None:
        marks = self.data["high_water"].setdefault(sink, {})
        marks[tag] = max(marks.get(tag, -1), step)

    def run_id(self, sink: str) -> str | None:
        return self.data["run_ids"].get(sink)

    def set_run_id(self, sink: str, run_id: str) -> None:
        self.data["run_ids"][sink] = run_id

    def save(self) -> None:
        write_json_atomic(self.path, self.data)


@contextmanager
def sync_lock(run_dir: Path, timeout_s: float = 120.0) -> Iterator[None]:
    """One sync of a run at a time, across threads and processes (an flock; a retry waits its turn)."""
    directory = tracking_dir(run_dir)
    directory.mkdir(parents=True, exist_ok=True)
    fd = os.open(directory / LOCK_FILE, os.O_RDWR | os.O_CREAT, 0o644)
    try:
        deadline = time.monotonic() + timeout_s
        while True:
            try:
                fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
                break
            except BlockingIOError:
                if time.monotonic() > deadline:
                    raise TimeoutError(f"another tracking sync of {run_dir} held the lock for {timeout_s:.0f}s")
                time.sleep(0.2)
        yield
    finally:
        os.close(fd)  # closing the descriptor releases the lock
