"""A Weights & Biases run per swe-rl run: the same id, resumed, so a resumed run continues it.

W&B's own step must only grow, and the series here run on two axes, so each metric is plotted
against its own step metric (`iteration` or `trainer_step`, declared with define_metric).
"""
from __future__ import annotations

import re
from collections import defaultdict
from pathlib import Path

from .run_points import ITERATION, TRAINER_STEP, Point
from .tracking_config import WandbConfig
from .tracking_state import TrackingState, tracking_dir


def wandb_run_id(run_id: str) -> str:
    return re.sub(r"[^A-Za-z0-9_-]", "-", run_id)[:64]


class WandbSink:
    name = "wandb"

    def __init__(self, run_dir: Path, run_id: str, config: WandbConfig, state: TrackingState):
        import wandb

        directory = Path(run_dir).parent / config.dir if config.dir else tracking_dir(run_dir)  # relative: to the runs folder
        directory.mkdir(parents=True, exist_ok=True)
        self.wandb = wandb
        self.run = wandb.init(
            project=config.project, id=wandb_run_id(run_id), name=run_id, resume="allow", mode=config.mode,
            dir=str(directory), reinit="create_new",
            settings=wandb.Settings(console="off", silent=True, x_disable_stats=True, x_disable_meta=True),
        )
        for axis in (ITERATION, TRAINER_STEP):
            self.run.define_metric(axis, hidden=True)
        self.axes_defined: set[str] = set()
        if state.run_id(self.name) != self.run.id:
            state.set_run_id(self.name, self.run.id)
            state.save()

    def _define(self, tag: str, axis: str) -> None:
        if tag not in self.axes_defined:
            self.run.define_metric(tag, step_metric=axis)
            self.axes_defined.add(tag)

    def write(self, points: list[Point]) -> None:
        rows: dict[tuple[str, int], dict[str, float]] = defaultdict(dict)
        for point in points:
            self._define(point.tag, point.axis)
            rows[(point.axis, point.step)][point.tag] = point.value
        for (axis, step), values in sorted(rows.items(), key=lambda item: (item[0][1], item[0][0])):
            self.run.log({axis: step, **values})

    def write_image(self, tag: str, step: int, png: Path) -> None:
        self._define(tag, ITERATION)
        self.run.log({ITERATION: step, tag: self.wandb.Image(str(png))})

    def close(self) -> None:
        self.run.finish()
