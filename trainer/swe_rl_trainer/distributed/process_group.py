"""The process group of a torchrun job, read from its env (RANK, WORLD_SIZE, LOCAL_RANK, MASTER_ADDR)."""
from __future__ import annotations

import logging
import os
from dataclasses import dataclass
from datetime import timedelta

import torch
import torch.distributed as dist
from torch.distributed.device_mesh import DeviceMesh, init_device_mesh

log = logging.getLogger(__name__)

# How long a rank waits at teardown for the others (a rank that failed may never come).
TEARDOWN_BARRIER_S = 120.0


@dataclass(frozen=True)
class RankInfo:
    rank: int
    world_size: int
    local_rank: int
    device: torch.device
    mesh: DeviceMesh

    @property
    def is_main(self) -> bool:
        return self.rank == 0


def choose_device_type(requested: str | None = None) -> str:
    if requested:
        return requested
    return "cuda" if torch.cuda.is_available() else "cpu"


def init_process_group(device_type: str | None = None, timeout_s: float = 1800.0) -> RankInfo:
    """nccl on CUDA (one GPU per local rank), gloo on CPU; a 1-D mesh over all ranks."""
    device_type = choose_device_type(device_type)
    rank = int(os.environ.get("RANK", "0"))
    world_size = int(os.environ.get("WORLD_SIZE", "1"))
    local_rank = int(os.environ.get("LOCAL_RANK", "0"))
    if "MASTER_ADDR" not in os.environ:  # a plain `python` run: a group of one
        os.environ.setdefault("MASTER_ADDR", "127.0.0.1")
        os.environ.setdefault("MASTER_PORT", str(_free_port()))
    if device_type == "cuda":
        torch.cuda.set_device(local_rank)
        device = torch.device("cuda", local_rank)
    else:
        device = torch.device("cpu")
    if not dist.is_initialized():
        dist.init_process_group(
            backend="nccl" if device_type == "cuda" else "gloo",
            rank=rank, world_size=world_size, timeout=timedelta(seconds=timeout_s),
            **({"device_id": device} if device_type == "cuda" else {}),
        )
    mesh = init_device_mesh(device_type, (world_size,))
    return RankInfo(rank, world_size, local_rank, device, mesh)


def destroy_process_group() -> None:
    """Tears the group down once every rank is done with it.

    A rank that destroys its gloo group while another rank still talks to it can abort ("terminate
    called without an active exception", SIGABRT) and fail a job that had succeeded, so the ranks
    meet at a barrier first; one that does not come within TEARDOWN_BARRIER_S is let go.
    """
    if not dist.is_initialized():
        return
    if dist.get_world_size() > 1:
        try:
            if dist.get_backend() == "gloo":
                dist.monitored_barrier(timeout=timedelta(seconds=TEARDOWN_BARRIER_S))
            else:
                dist.barrier()
        except Exception as error:  # noqa: BLE001 - a missing rank: tear down regardless
            log.warning("teardown barrier: %s", error)
    dist.destroy_process_group()


def _free_port() -> int:
    import socket

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]
