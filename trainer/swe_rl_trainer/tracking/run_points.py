"""The points a run folder holds, each on its own step axis.

- `rollout/*`, `time/*`, `failures/*` and `eval/*` (an iteration's evaluation): one metrics.jsonl row
  per iteration, at step = the iteration (RFT is iteration 0).
- `trainer/*`: one step record (`steps/step-N.json`) per optimizer step, at step = the trainer step,
  only through the last step of a completed iteration (a later step may still be rolled back).
- `eval_<label>/*`: the milestone and scheduled evaluations (`evals/<label>.json`), at step = the
  trainer step of the evaluated weights (their policy version).
"""
from __future__ import annotations

import json
import logging
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Iterable

ITERATION = "iteration"
TRAINER_STEP = "trainer_step"
STEP_RECORD = re.compile(r"^step-(\d+)\.json$")
ITERATION_EVAL_LABEL = re.compile(r"^it-\d+(-r\d+)?$")
log = logging.getLogger("swe_rl_trainer.tracking")


@dataclass(frozen=True)
class Point:
    tag: str
    step: int
    value: float
    axis: str


def snake(name: str) -> str:
    return re.sub(r"(?<=[a-z0-9])([A-Z])", r"_\1", name).lower()


def _numeric(value: Any) -> bool:
    return isinstance(value, (int, float)) and not isinstance(value, bool)


def read_metric_rows(run_dir: Path) -> tuple[list[dict], int]:
    """metrics.jsonl's rows in file order, and how many lines could not be read."""
    path = run_dir / "metrics.jsonl"
    if not path.is_file():
        return [], 0
    rows, bad = [], 0
    for line in path.read_text(encoding="utf-8").splitlines():
        if not line.strip():
            continue
        try:
            row = json.loads(line)
        except json.JSONDecodeError:
            bad += 1
            continue
        if isinstance(row, dict) and isinstance(row.get("iteration"), int):
            rows.append(row)
        else:
            bad += 1
    return rows, bad


def row_points(row: dict) -> Iterable[Point]:
    step = row["iteration"]
    skip = {"iteration", "runId", "stage", "finishedAt"}
    for key, value in row.items():
        if key not in skip and _numeric(value):
            yield Point(f"rollout/{snake(key)}", step, float(value), ITERATION)
    for phase, seconds in (row.get("phaseSeconds") or {}).items():
        if _numeric(seconds):
            yield Point(f"time/{snake(phase)}_s", step, float(seconds), ITERATION)
    for reason, count in (row.get("failureReasons") or {}).items():
        if _numeric(count):
            yield Point(f"failures/{reason}", step, float(count), ITERATION)
    for key, value in (row.get("evaluation") or {}).items():
        if _numeric(value):
            yield Point(f"eval/{snake(key)}", step, float(value), ITERATION)


def last_completed_trainer_step(rows: list[dict]) -> int | None:
    """The newest trainer step an iteration recorded as its own, None when no row names steps."""
    steps = [s["step"] for row in rows for s in row.get("trainSteps") or [] if isinstance(s.get("step"), int)]
    return max(steps) if steps else None


def trainer_points(run_dir: Path, through_step: int | None) -> Iterable[Point]:
    directory = run_dir / "steps"
    if not directory.is_dir():
        return
    found = sorted((int(m.group(1)), p) for p in directory.iterdir() if (m := STEP_RECORD.match(p.name)))
    for step, path in found:
        if through_step is not None and step > through_step:
            break
        try:
            result = json.loads(path.read_text(encoding="utf-8")).get("result") or {}
        except (OSError, json.JSONDecodeError) as error:
            log.warning("tracking: unreadable step record %s: %s", path, error)
            continue
        for key, value in sorted(result.items()):
            if key != "step" and _numeric(value):
                yield Point(f"trainer/{key}", step, float(value), TRAINER_STEP)


def evaluation_points(run_dir: Path) -> Iterable[Point]:
    directory = run_dir / "evals"
    if not directory.is_dir():
        return
    for path in sorted(directory.glob("*.json")):
        label = path.stem
        if ITERATION_EVAL_LABEL.match(label):
            continue  # an iteration's evaluation: its metrics row carries it on the iteration axis
        try:
            summary = json.loads(path.read_text(encoding="utf-8"))
        except (OSError, json.JSONDecodeError) as error:
            log.warning("tracking: unreadable evaluation %s: %s", path, error)
            continue
        step = summary.get("policyVersion")
        if not isinstance(step, int):
            continue
        series = re.sub(r"-step-\d+$", "", label)  # scheduled-step-N: one series over the steps
        for key, value in sorted(summary.items()):
            if key != "policyVersion" and _numeric(value):
                yield Point(f"eval_{series}/{snake(key)}", step, float(value), TRAINER_STEP)


def collect_points(run_dir: Path, rows: list[dict], through_trainer_step: int | None) -> list[Point]:
    """Every point, one per (tag, step) (the last read wins), in step order within each tag."""
    if through_trainer_step is None:
        through_trainer_step = last_completed_trainer_step(rows)
    by_key: dict[tuple[str, int], Point] = {}
    for row in rows:
        for point in row_points(row):
            by_key[(point.tag, point.step)] = point
    for point in [*trainer_points(run_dir, through_trainer_step), *evaluation_points(run_dir)]:
        by_key[(point.tag, point.step)] = point
    return sorted(by_key.values(), key=lambda p: (p.tag, p.step))
