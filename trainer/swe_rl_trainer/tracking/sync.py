"""One sync of a run folder to its trackers: only the points past each sink's high-water marks."""
from __future__ import annotations

import logging
from pathlib import Path
from typing import Any

from .learning_curve import render_run_curve
from .mlflow_sink import MlflowSink
from .run_points import Point, collect_points, read_metric_rows
from .tensorboard_sink import TensorBoardSink
from .tracking_config import TrackingConfig
from .tracking_state import TrackingState, sync_lock
from .wandb_sink import WandbSink

CURVE_TAG = "learning_curve"
log = logging.getLogger("swe_rl_trainer.tracking")


def _sink_factories(config: TrackingConfig, run_dir: Path, run_id: str, state: TrackingState) -> list[tuple[str, Any]]:
    """(name, factory) of each configured sink; a sink opens only when it has something to write."""
    sinks: list[tuple[str, Any]] = []
    if config.tensorboard:
        sinks.append((TensorBoardSink.name, lambda: TensorBoardSink(run_dir, run_id)))
    if config.wandb:
        sinks.append((WandbSink.name, lambda: WandbSink(run_dir, run_id, config.wandb, state)))
    if config.mlflow:
        sinks.append((MlflowSink.name, lambda: MlflowSink(run_dir, run_id, config.mlflow, state)))
    return sinks


def sync_run(run_dir: str | Path, run_id: str, tracking_config: TrackingConfig | dict | None = None, *, through_trainer_step: int | None = None) -> dict:
    """Renders the learning curve and sends each configured tracker what it has not had yet.

    Returns, per sink, how many scalar points and images it was sent, and the curve's path.
    """
    run_dir = Path(run_dir)
    config = tracking_config if isinstance(tracking_config, TrackingConfig) else TrackingConfig.from_dict(tracking_config)
    with sync_lock(run_dir):
        state = TrackingState.load(run_dir)
        rows, corrupt = read_metric_rows(run_dir)
        if corrupt:
            log.warning("tracking: %d unreadable metrics.jsonl lines of run %s skipped", corrupt, run_id)
        points = collect_points(run_dir, rows, through_trainer_step)
        curve, curve_error = None, None
        try:
            curve = render_run_curve(run_dir, run_id, rows)
        except Exception as error:  # a plotting failure must not hold back the scalars
            curve_error = f"{type(error).__name__}: {error}"
            log.warning("tracking: learning curve of run %s not rendered: %s", run_id, curve_error)
        curve_step = max(row["iteration"] for row in rows) if rows else -1
        written: dict[str, dict[str, int]] = {}
        for name, open_sink in _sink_factories(config, run_dir, run_id, state):
            fresh = [p for p in points if p.step > state.high_water(name, p.tag)]
            new_curve = curve is not None and curve_step > state.high_water(name, CURVE_TAG)
            written[name] = {"points": len(fresh), "images": int(new_curve)}
            if not fresh and not new_curve:
                continue
            sink = open_sink()
            try:
                sink.write(fresh)
                if new_curve:
                    sink.write_image(CURVE_TAG, curve_step, curve)
            finally:
                sink.close()
            _advance(state, name, fresh)
            if new_curve:
                state.advance(name, CURVE_TAG, curve_step)
            state.save()
        return {
            "written": written,
            "learning_curve": str(curve) if curve else None,
            "learning_curve_error": curve_error,
            "corrupt_lines": corrupt,
        }


def _advance(state: TrackingState, sink: str, points: list[Point]) -> None:
    for point in points:
        state.advance(sink, point.tag, point.step)
