"""One trainer process holds a run: an exclusive `flock` on `<run_dir>/trainer.lock`.

The process that holds a run's weights holds its lease, and only it applies the run's steps, so
two trainer workers (a rolling update, a second job on the cluster) never interleave one run.
The kernel drops the lock when the process dies, kill -9 included, so a dead trainer's run is
free at once; on a shared filesystem the run folder's mount must honour `flock` (NFSv4 does, and
frees the lock when the dead client's lease expires). Beside the lock, `trainer.owner.json` says
who holds it and on which task queue it takes the run's steps.
"""
from __future__ import annotations

import fcntl
import json
import os
from pathlib import Path
from typing import Any

from .durable import write_json_atomic

LOCK_FILE = "trainer.lock"
OWNER_FILE = "trainer.owner.json"


class RunLease:
    def __init__(self, run_dir: Path, fd: int, owner: dict[str, Any]):
        self.run_dir = run_dir
        self.owner = owner
        self._fd: int | None = fd

    @classmethod
    def try_acquire(cls, run_dir: str | Path, owner: dict[str, Any]) -> "RunLease | None":
        """The lease, or None while another process (or another lease in this one) holds it."""
        run_dir = Path(run_dir)
        run_dir.mkdir(parents=True, exist_ok=True)
        fd = os.open(run_dir / LOCK_FILE, os.O_RDWR | os.O_CREAT, 0o644)
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            os.close(fd)
            return None
        write_json_atomic(run_dir / OWNER_FILE, owner)
        return cls(run_dir, fd, owner)

    @property
    def held(self) -> bool:
        return self._fd is not None

    def release(self) -> None:
        if self._fd is None:
            return
        fd, self._fd = self._fd, None
        fcntl.flock(fd, fcntl.LOCK_UN)
        os.close(fd)


def read_owner(run_dir: str | Path) -> dict[str, Any] | None:
    """Who last took the run's lease (it may have died since: only the lock itself is proof)."""
    try:
        return json.loads((Path(run_dir) / OWNER_FILE).read_text(encoding="utf-8"))
    except (FileNotFoundError, json.JSONDecodeError):
        return None
