"""Sharded, resumable checkpoints with torch.distributed.checkpoint: model + AdamW state.

Each rank writes its own shards; the folder is written under a temporary name and renamed by
rank 0 once every rank has finished, so a folder under its final name is always complete.
Resuming works with any world size (DCP reshards on load).
"""
from __future__ import annotations

import json
import os
import shutil
import time
from pathlib import Path

import torch.distributed as dist
import torch.distributed.checkpoint as dcp
from torch.distributed.checkpoint.state_dict import get_state_dict, set_state_dict

from ..durable import fsync_dir, fsync_tree
from .process_group import RankInfo

STATE_FILE = "trainer_state.json"
TEMP_PREFIX = ".tmp-"


def is_complete(path: str | Path) -> bool:
    return (Path(path) / STATE_FILE).is_file()


def _barrier(ranks: RankInfo) -> None:
    if ranks.world_size > 1:
        dist.barrier()


def save_sharded(path: str | Path, model, optimizer, state: dict, ranks: RankInfo) -> Path:
    """Collective: every rank calls it. `state` (step, run, ...) lands in trainer_state.json."""
    final = Path(path)
    if is_complete(final):
        return final
    temp = final.parent / f"{TEMP_PREFIX}{final.name}"
    if ranks.is_main:
        shutil.rmtree(temp, ignore_errors=True)  # a save that crashed before its rename
        temp.mkdir(parents=True)
    _barrier(ranks)
    model_state, optim_state = get_state_dict(model, optimizer)
    dcp.save({"model": model_state, "optim": optim_state}, checkpoint_id=str(temp))
    _barrier(ranks)
    if ranks.is_main:
        full_state = {**state, "world_size": ranks.world_size, "saved_at": time.time()}
        (temp / STATE_FILE).write_text(json.dumps(full_state, indent=2, sort_keys=True) + "\n", encoding="utf-8")
        fsync_tree(temp)
        os.rename(temp, final)
        fsync_dir(final.parent)
    _barrier(ranks)
    return final


def load_sharded(path: str | Path, model, optimizer) -> dict:
    """Collective: loads the shards this rank holds into the sharded model and optimizer."""
    source = Path(path)
    if not is_complete(source):
        raise FileNotFoundError(f"{source} is not a complete sharded checkpoint (no {STATE_FILE})")
    model_state, optim_state = get_state_dict(model, optimizer)
    loaded = {"model": model_state, "optim": optim_state}
    dcp.load(loaded, checkpoint_id=str(source))
    set_state_dict(model, optimizer, model_state_dict=loaded["model"], optim_state_dict=loaded["optim"])
    return json.loads((source / STATE_FILE).read_text(encoding="utf-8"))
