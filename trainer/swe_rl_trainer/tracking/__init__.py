"""Experiment tracking: a run folder's metrics, trainer steps, evaluations and learning curve sent to
TensorBoard (always, unless switched off), Weights & Biases and MLflow (when configured).

`sync_run` reads what the run folder holds and writes each series only past its high-water mark,
so a retried activity, a replayed workflow or a resumed run never writes a point twice.
"""
from .sync import sync_run
from .tracking_config import TrackingConfig

__all__ = ["sync_run", "TrackingConfig"]
