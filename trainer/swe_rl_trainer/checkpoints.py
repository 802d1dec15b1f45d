"""Checkpoints in Hugging Face format under `<run_dir>/checkpoints/step-000123/`.

Each holds the safetensors weights, config and tokenizer (loadable by vLLM or model_io), plus
`optimizer.pt` and `trainer_state.json` for resuming. A checkpoint is written into a temporary
directory and renamed into place, so a directory named step-N is always complete.
"""
from __future__ import annotations

import json
import os
import re
import shutil
import time
import uuid
from dataclasses import dataclass
from pathlib import Path

import torch

from .durable import fsync_dir, fsync_tree

CHECKPOINT_NAME = re.compile(r"^step-(\d+)$")
STATE_FILE = "trainer_state.json"
MILESTONE_FILE = "MILESTONE"
OPTIMIZER_FILE = "optimizer.pt"
TEMP_PREFIX = ".tmp-"


@dataclass(frozen=True)
class Checkpoint:
    step: int
    path: Path


def checkpoints_dir(run_dir: Path) -> Path:
    return Path(run_dir) / "checkpoints"


def checkpoint_path(run_dir: Path, step: int) -> Path:
    return checkpoints_dir(run_dir) / f"step-{step:06d}"


def list_checkpoints(run_dir: Path) -> list[Checkpoint]:
    root = checkpoints_dir(run_dir)
    if not root.is_dir():
        return []
    found = []
    for entry in root.iterdir():
        match = CHECKPOINT_NAME.match(entry.name)
        if match and (entry / STATE_FILE).is_file():
            found.append(Checkpoint(int(match.group(1)), entry))
    return sorted(found, key=lambda c: c.step)


def latest_checkpoint(run_dir: Path) -> Checkpoint | None:
    found = list_checkpoints(run_dir)
    return found[-1] if found else None


def remove_stale_temp_dirs(run_dir: Path) -> None:
    """Leftovers of a save that crashed before its rename; only one trainer writes a run."""
    root = checkpoints_dir(run_dir)
    if root.is_dir():
        for entry in root.iterdir():
            if entry.name.startswith(TEMP_PREFIX):
                shutil.rmtree(entry, ignore_errors=True)


def mark_milestone(path: Path) -> None:
    """A milestone (the end of RFT, of a stage) is never removed by retention."""
    marker = Path(path) / MILESTONE_FILE
    if not marker.is_file():
        marker.write_text("kept by retention\n", encoding="utf-8")


def prune_checkpoints(run_dir: Path, keep_last: int) -> list[int]:
    """Removes all but the newest `keep_last` checkpoints and the milestones; returns the removed steps.

    The newest is always kept: a trainer resumes from it and replays the step records after it.
    """
    if keep_last < 1:
        raise ValueError(f"keep_last must be >= 1, got {keep_last}")
    found = list_checkpoints(run_dir)
    removed = []
    for checkpoint in found[:-keep_last]:
        if (checkpoint.path / MILESTONE_FILE).is_file():
            continue
        # Renamed first, so a crash mid-removal never leaves a half checkpoint under a step-N name.
        doomed = checkpoint.path.parent / f"{TEMP_PREFIX}{checkpoint.path.name}-removed"
        os.rename(checkpoint.path, doomed)
        shutil.rmtree(doomed, ignore_errors=True)
        removed.append(checkpoint.step)
    return removed


def save_checkpoint(run_dir: Path, step: int, model, tokenizer, optimizer, state: dict) -> Path:
    final = checkpoint_path(run_dir, step)
    if (final / STATE_FILE).is_file():
        return final
    final.parent.mkdir(parents=True, exist_ok=True)
    temp = final.parent / f"{TEMP_PREFIX}{final.name}-{uuid.uuid4().hex[:8]}"
    temp.mkdir()
    try:
        model.save_pretrained(temp)
        tokenizer.save_pretrained(temp)
        torch.save(optimizer.state_dict(), temp / OPTIMIZER_FILE)
        full_state = {**state, "step": step, "saved_at": time.time()}
        (temp / STATE_FILE).write_text(json.dumps(full_state, indent=2, sort_keys=True) + "\n", encoding="utf-8")
        fsync_tree(temp)
        os.rename(temp, final)
    except BaseException:
        shutil.rmtree(temp, ignore_errors=True)
        if (final / STATE_FILE).is_file():  # another writer won the race with the same content
            return final
        raise
    fsync_dir(final.parent)
    return final


def load_optimizer_state(path: Path, device: torch.device) -> dict:
    return torch.load(Path(path) / OPTIMIZER_FILE, map_location=device, weights_only=True)
