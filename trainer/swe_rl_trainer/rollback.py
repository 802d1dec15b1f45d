"""Rolls a run's trainer state back to the last completed iteration, for a resumed run.

A run stopped mid-iteration (terminated, failed, a deploy gone wrong) may have applied some of
that iteration's steps and even saved its checkpoint. Its resume redoes the iteration from the
rollout on, so the steps and checkpoints past the last completed iteration's step are moved
aside into `<run_dir>/abandoned/<stamp>/`, kept for inspection, never applied again.
"""
from __future__ import annotations

import os
import time
from pathlib import Path

from . import checkpoints
from .durable import fsync_dir
from .errors import InvalidInput
from .step_ledger import StepLedger


def roll_back(run_dir: str | Path, to_step: int) -> dict:
    run_dir = Path(run_dir)
    ledger = StepLedger(run_dir)
    steps = [s for s in ledger.recorded_steps() if s > to_step]
    saved = [c for c in checkpoints.list_checkpoints(run_dir) if c.step > to_step]
    if to_step > 0 and ledger.read(to_step) is None and not any(c.step == to_step for c in checkpoints.list_checkpoints(run_dir)):
        raise InvalidInput(f"cannot roll {run_dir} back to step {to_step}: the run has no record or checkpoint of that step")
    if not steps and not saved:
        return {"to_step": to_step, "abandoned_steps": [], "abandoned_checkpoints": [], "moved_to": None}
    target = run_dir / "abandoned" / time.strftime("%Y%m%dT%H%M%S", time.gmtime())
    suffix = 0
    while target.exists():
        suffix += 1
        target = target.with_name(f"{target.name.split('.')[0]}.{suffix}")
    (target / "steps").mkdir(parents=True)
    (target / "checkpoints").mkdir()
    # Checkpoints first: a trainer that loads in between must never see a checkpoint past the ledger.
    for checkpoint in saved:
        os.rename(checkpoint.path, target / "checkpoints" / checkpoint.path.name)
    for step in steps:
        name = f"step-{step:06d}.json"
        os.rename(ledger.directory / name, target / "steps" / name)
    for folder in (ledger.directory, checkpoints.checkpoints_dir(run_dir)):
        if folder.is_dir():
            fsync_dir(folder)
    return {"to_step": to_step, "abandoned_steps": steps, "abandoned_checkpoints": [c.step for c in saved], "moved_to": str(target)}
