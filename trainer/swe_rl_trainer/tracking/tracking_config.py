"""The run config's `tracking` section (core/config/trackingConfig.ts), as the workflow sends it."""
from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

from ..errors import InvalidInput


@dataclass(frozen=True)
class WandbConfig:
    project: str
    mode: str  # "offline" | "online"
    dir: str | None


@dataclass(frozen=True)
class MlflowConfig:
    tracking_uri: str | None
    experiment: str


@dataclass(frozen=True)
class TrackingConfig:
    tensorboard: bool = True
    wandb: WandbConfig | None = None
    mlflow: MlflowConfig | None = None

    @classmethod
    def from_dict(cls, raw: Any) -> "TrackingConfig":
        if raw is None:
            return cls()
        if not isinstance(raw, dict):
            raise InvalidInput(f"tracking must be an object, got {raw!r}")
        tensorboard = raw.get("tensorboard", True)
        if not isinstance(tensorboard, bool):
            raise InvalidInput(f"tracking.tensorboard must be a boolean, got {tensorboard!r}")
        return cls(tensorboard=tensorboard, wandb=_wandb(raw.get("wandb")), mlflow=_mlflow(raw.get("mlflow")))


def _text(section: dict, key: str, where: str, default: str | None = None) -> str | None:
    value = section.get(key, default)
    if value is not None and (not isinstance(value, str) or not value):
        raise InvalidInput(f"tracking.{where}.{key} must be a non-empty string, got {value!r}")
    return value


def _wandb(raw: Any) -> WandbConfig | None:
    if raw is None:
        return None
    if not isinstance(raw, dict):
        raise InvalidInput(f"tracking.wandb must be an object, got {raw!r}")
    mode = _text(raw, "mode", "wandb", "offline")
    if mode not in ("offline", "online"):
        raise InvalidInput(f"tracking.wandb.mode must be 'offline' or 'online', got {mode!r}")
    return WandbConfig(project=_text(raw, "project", "wandb", "swe-rl"), mode=mode, dir=_text(raw, "dir", "wandb"))


def _mlflow(raw: Any) -> MlflowConfig | None:
    if raw is None:
        return None
    if not isinstance(raw, dict):
        raise InvalidInput(f"tracking.mlflow must be an object, got {raw!r}")
    return MlflowConfig(tracking_uri=_text(raw, "trackingUri", "mlflow"), experiment=_text(raw, "experiment", "mlflow", "swe-rl"))


def resolve_tracking_uri(uri: str | None, runs_dir: Path) -> str:
    """A URI as given; a plain path (or none: `<runs dir>/mlruns`) as a file store, relative to the runs folder."""
    if uri and ("://" in uri or uri.startswith("file:")):
        return uri
    path = Path(uri) if uri else Path("mlruns")
    return (path if path.is_absolute() else Path(runs_dir).resolve() / path).as_uri()
