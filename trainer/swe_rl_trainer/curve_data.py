"""The learning curve's data: metrics.jsonl rows checked and placed on one run-wide iteration axis."""
from __future__ import annotations

import math
from dataclasses import dataclass, replace
from datetime import datetime
from typing import Any, Iterable, Mapping, Sequence

# The stage name the rejection fine-tuning phase records under.
RFT_STAGE = "rft"


@dataclass(frozen=True)
class Evaluation:
    pass1: float
    sem: float


@dataclass(frozen=True)
class CurvePoint:
    # Position on the run-wide iteration axis (RFT ends at 0, RL iterations count from 1).
    x: int
    stage: str
    iteration: int
    pass_rate: float
    filtered_group_fraction: float
    evaluation: Evaluation | None


@dataclass(frozen=True)
class StageSpan:
    """The x range a stage (or the RFT phase) covers, both ends inclusive."""

    stage: str
    first: int
    last: int


@dataclass(frozen=True)
class CurveData:
    points: list[CurvePoint]
    stages: list[StageSpan]
    # One line per row that could not be plotted: "row N: why".
    problems: list[str]


@dataclass(frozen=True)
class _Row:
    stage: str
    iteration: int
    pass_rate: float
    filtered_group_fraction: float
    evaluation: Evaluation | None
    finished_at: float


def _is_number(value: Any) -> bool:
    return isinstance(value, (int, float)) and not isinstance(value, bool)


def _timestamp(value: Any) -> float:
    try:
        return datetime.fromisoformat(str(value)).timestamp()
    except ValueError:
        return math.inf


def _check_row(row: Any) -> _Row | str:
    """The row's plotted fields, or why it cannot be plotted."""
    if not isinstance(row, Mapping):
        return f"not an object but {type(row).__name__}"
    stage, iteration = row.get("stage"), row.get("iteration")
    if not isinstance(stage, str) or not stage:
        return "stage missing or not a non-empty string"
    if not isinstance(iteration, int) or isinstance(iteration, bool) or iteration < 0:
        return "iteration missing or not a whole number >= 0"
    for key in ("passRate", "filteredGroupFraction"):
        if not _is_number(row.get(key)):
            return f"{key} missing or not a number"
    evaluation = row.get("evaluation")
    if evaluation is not None and not (
        isinstance(evaluation, Mapping) and _is_number(evaluation.get("pass1")) and _is_number(evaluation.get("pass1Sem"))
    ):
        return "evaluation is neither null nor an object with numbers pass1 and pass1Sem"
    return _Row(
        stage=stage,
        iteration=iteration,
        pass_rate=float(row["passRate"]),
        filtered_group_fraction=float(row["filteredGroupFraction"]),
        evaluation=Evaluation(float(evaluation["pass1"]), float(evaluation["pass1Sem"])) if evaluation else None,
        finished_at=_timestamp(row.get("finishedAt")),
    )


def curve_data(rows: Iterable[Any], stage_order: Sequence[str] = ()) -> CurveData:
    """
    Places every valid row on one iteration axis: the RFT phase first (its last point at x = 0), then
    the RL stages in `stage_order` (stages it does not name follow in order of their first finished
    iteration). Iteration numbers that count over the whole run (as trainingRun's do) are used as
    they are; a stage whose numbers restart (would overlap the stage before) is moved to start after
    it, and a stage numbered from 0 is shifted by one. Gaps (missing iterations) stay visible.
    Rows that cannot be plotted are left out and described in `problems`.
    """
    checked: list[_Row] = []
    problems: list[str] = []
    for index, row in enumerate(rows, start=1):
        result = _check_row(row)
        if isinstance(result, str):
            where = f" (stage {row.get('stage')!r}, iteration {row.get('iteration')!r})" if isinstance(row, Mapping) else ""
            problems.append(f"row {index}{where}: {result}")
        else:
            checked.append(result)

    checked.sort(key=lambda r: (r.finished_at, r.stage, r.iteration))
    by_stage: dict[str, list[_Row]] = {}
    for r in checked:
        by_stage.setdefault(r.stage, []).append(r)

    rl = [s for s in by_stage if s != RFT_STAGE]
    ordered = [s for s in stage_order if s in rl] + [s for s in rl if s not in stage_order]
    segments = ([RFT_STAGE] if RFT_STAGE in by_stage else []) + ordered

    points: list[CurvePoint] = []
    stages: list[StageSpan] = []
    previous_last = 0
    for stage in segments:
        records = sorted(by_stage[stage], key=lambda r: r.iteration)
        first, last = records[0].iteration, records[-1].iteration
        shift = 1 if first == 0 else 0
        if stage == RFT_STAGE:
            offset = -(last + shift)  # RFT comes before RL iteration 1 and ends at x = 0.
        else:
            offset = previous_last if first + shift <= previous_last else 0
        for r in records:
            points.append(CurvePoint(offset + r.iteration + shift, stage, r.iteration, r.pass_rate, r.filtered_group_fraction, r.evaluation))
        span = StageSpan(stage, offset + first + shift, offset + last + shift)
        stages.append(span)
        previous_last = span.last
    return CurveData(points, stages, problems)


def with_milestone_evaluations(data: CurveData, report: Mapping[str, Any]) -> CurveData:
    """
    The curve with the report's milestone evaluations (report.json rows) placed where they happened:
    the RFT evaluation on the RFT points, the final (RL) evaluation on the last RL iteration.
    """

    def summary(key: str) -> Evaluation | None:
        row = report.get(key)
        return Evaluation(float(row["pass1"]), float(row["pass1_sem"])) if isinstance(row, Mapping) else None

    rft, rl = summary("rft"), summary("rl")
    rl_points = [p for p in data.points if p.stage != RFT_STAGE]
    last = max(rl_points, key=lambda p: p.iteration, default=None)
    points = []
    for p in data.points:
        if p.stage == RFT_STAGE and rft:
            p = replace(p, evaluation=rft)
        elif p is last and rl:
            p = replace(p, evaluation=rl)
        points.append(p)
    return replace(data, points=points)
