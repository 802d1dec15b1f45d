"""AdamW state between the sharded (DCP) form and the single-process Trainer's optimizer.pt.

A run can switch between 1 and N ranks: JobTrainer's checkpoints also carry the full optimizer
state as the single-process Trainer saves it (torch.optim state_dict, parameters by index in
build_optimizer's order), and a JobTrainer resumes from such a checkpoint by loading it into the
sharded optimizer. Parameters are named (FQNs) on the sharded side; build_optimizer's order
(2-D+ parameters, then the rest, each in named_parameters order) maps names to indices.
"""
from __future__ import annotations

from pathlib import Path

import torch
from torch.distributed.checkpoint.state_dict import (
    StateDictOptions, get_optimizer_state_dict, set_optimizer_state_dict,
)

from ..checkpoints import OPTIMIZER_FILE
from .process_group import RankInfo


def parameter_order(model: torch.nn.Module) -> list[list[str]]:
    """The names of build_optimizer's two groups (decay, no decay), in order."""
    named = [(n, p) for n, p in model.named_parameters() if p.requires_grad]
    return [[n for n, p in named if p.dim() >= 2], [n for n, p in named if p.dim() < 2]]


def named_to_indexed(named: dict, order: list[list[str]]) -> dict:
    index = {name: i for i, name in enumerate(n for group in order for n in group)}
    groups = []
    for group, names in zip(named["param_groups"], order):
        groups.append({**{k: v for k, v in group.items() if k != "params"}, "params": [index[n] for n in names]})
    return {"state": {index[n]: s for n, s in named["state"].items()}, "param_groups": groups}


def indexed_to_named(indexed: dict, order: list[list[str]]) -> dict:
    names = [n for group in order for n in group]
    groups = []
    for group, group_names in zip(indexed["param_groups"], order):
        if len(group["params"]) != len(group_names):
            raise ValueError("the optimizer state does not match this model's parameters")
        groups.append({**{k: v for k, v in group.items() if k != "params"}, "params": list(group_names)})
    return {"state": {names[int(i)]: s for i, s in indexed["state"].items()}, "param_groups": groups}


def save_full_optimizer(folder: str | Path, model, optimizer, ranks: RankInfo) -> Path | None:
    """Collective: gathers the AdamW state to rank 0, which writes folder/optimizer.pt."""
    full = get_optimizer_state_dict(model, optimizer, options=StateDictOptions(full_state_dict=True, cpu_offload=True))
    if not ranks.is_main:
        return None
    target = Path(folder) / OPTIMIZER_FILE
    torch.save(named_to_indexed(full, parameter_order(model)), target)
    return target


def load_full_optimizer(folder: str | Path, model, optimizer, ranks: RankInfo) -> None:
    """Collective: every rank reads folder/optimizer.pt and keeps its own shards of it."""
    indexed = torch.load(Path(folder) / OPTIMIZER_FILE, map_location="cpu", weights_only=True)
    named = indexed_to_named(indexed, parameter_order(model))
    set_optimizer_state_dict(model, optimizer, optim_state_dict=named, options=StateDictOptions(full_state_dict=True))
