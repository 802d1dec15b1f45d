"""The run's learning curve, `<run_dir>/learning_curve.{png,svg}`, rendered from metrics.jsonl's rows."""
from __future__ import annotations

import logging
from pathlib import Path

log = logging.getLogger("swe_rl_trainer.tracking")


def render_run_curve(run_dir: Path, run_id: str, rows: list[dict]) -> Path | None:
    """The PNG written, or None when there is nothing to plot yet."""
    if not rows:
        return None
    from ..plots import render_learning_curve  # matplotlib loads only when a curve is drawn

    written = render_learning_curve(rows, run_id, Path(run_dir) / "learning_curve")
    return next((p for p in written if p.suffix == ".png"), None)
