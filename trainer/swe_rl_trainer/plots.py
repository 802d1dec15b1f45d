"""
The run's plots, drawn with matplotlib: the learning curve (runs/<run>/learning_curve.png/.svg) and
the report plot (runs/<run>/report_curve.png/.svg).

    python -m swe_rl_trainer.plots learning-curve --metrics runs/R/metrics.jsonl --run-id R --out runs/R/learning_curve
    python -m swe_rl_trainer.plots report --report runs/R/report.json --out runs/R/report_curve
"""
from __future__ import annotations

import argparse
import json
import os
import sys
import tempfile
from pathlib import Path
from typing import Any, Callable, Mapping, Sequence

import matplotlib

matplotlib.use("Agg")
from matplotlib.axes import Axes  # noqa: E402
from matplotlib.figure import Figure  # noqa: E402
from matplotlib.ticker import MaxNLocator  # noqa: E402

from .curve_data import CurveData, curve_data, with_milestone_evaluations  # noqa: E402

COLORS = {"pass_rate": "#1f77b4", "evaluation": "#d62728", "filtered": "#2ca02c", "boundary": "#888888", "pass5": "#9467bd"}
EMPTY_NOTE = "no iterations recorded yet"
_LEGEND_ORDER = ["rollout pass rate", "eval Pass@1 ± SEM", "filtered-group fraction"]
REPORT_POLICIES = ("base", "rft", "rl", "control")
# Text stays text in the SVG (searchable, selectable) instead of being drawn as glyph outlines.
_RC = {"svg.fonttype": "none", "font.family": "DejaVu Sans", "font.size": 10}

Problem = Callable[[str], None]


def _warn(message: str) -> None:
    print(f"plots: {message}", file=sys.stderr)


def read_metrics_jsonl(path: Path, on_problem: Problem = _warn) -> list[Any]:
    """The rows of a metrics.jsonl; a line that is not JSON is reported as `file:line: not JSON` and left out."""
    rows = []
    for number, line in enumerate(Path(path).read_text(encoding="utf-8").splitlines(), start=1):
        if not line.strip():
            continue
        try:
            rows.append(json.loads(line))
        except json.JSONDecodeError as err:
            on_problem(f"{path}:{number}: not JSON ({err.msg})")
    return rows


def _save(figure: Figure, out_stem: Path) -> list[Path]:
    """Writes out_stem.png and out_stem.svg, each atomically, so a reader never sees half a file."""
    out_stem = Path(out_stem)
    out_stem.parent.mkdir(parents=True, exist_ok=True)
    written = []
    for suffix in (".png", ".svg"):
        target = out_stem.with_name(out_stem.name + suffix)
        fd, tmp = tempfile.mkstemp(prefix=f".{target.name}.", dir=target.parent)
        try:
            with os.fdopen(fd, "wb") as f:
                figure.savefig(f, format=suffix[1:], dpi=100, bbox_inches="tight")
            os.chmod(tmp, 0o644)  # mkstemp makes it private; the plot is for anyone who can read the run
            os.replace(tmp, target)
        except BaseException:
            Path(tmp).unlink(missing_ok=True)
            raise
        written.append(target)
    return written


def _draw_curve(ax: Axes, data: CurveData) -> None:
    """Rollout pass rate (line), eval Pass@1 +- SEM (points), filtered-group fraction (dashed), stage boundaries."""
    ax.set_xlabel("iteration (RFT ends at 0)" if any(s.stage == "rft" for s in data.stages) else "iteration")
    ax.set_ylabel("rate")
    ax.set_ylim(0, 1.05)
    ax.grid(True, color="#e6e6e6")
    ax.xaxis.set_major_locator(MaxNLocator(integer=True))
    if not data.points:
        ax.text(0.5, 0.5, EMPTY_NOTE, transform=ax.transAxes, ha="center", va="center", color="#555555")

    xs = [p.x for p in data.points]
    marker = 3 if len(xs) > 100 else 5
    ax.plot(xs, [p.pass_rate for p in data.points], color=COLORS["pass_rate"], marker="o", markersize=marker, linewidth=2, label="rollout pass rate")
    evaluated = [p for p in data.points if p.evaluation is not None]
    ax.errorbar(
        [p.x for p in evaluated],
        [p.evaluation.pass1 for p in evaluated],
        yerr=[abs(p.evaluation.sem) for p in evaluated],
        fmt="o",
        color=COLORS["evaluation"],
        markersize=7,
        capsize=4,
        label="eval Pass@1 ± SEM",
    )
    ax.plot(xs, [p.filtered_group_fraction for p in data.points], color=COLORS["filtered"], linestyle="--", linewidth=2, label="filtered-group fraction")

    # A boundary halfway between two stages; each stage's name at the top of its span.
    for i, span in enumerate(data.stages):
        if i > 0:
            boundary = (data.stages[i - 1].last + span.first) / 2
            ax.axvline(boundary, color=COLORS["boundary"], linestyle=":", linewidth=1)
        ax.text(span.first, 1.0, span.stage, transform=ax.get_xaxis_transform(), va="bottom", ha="left", fontsize=9, color=COLORS["boundary"])
    if xs:
        ax.set_xlim(min(xs) - 0.5, max(xs) + 0.5)
    handles, labels = ax.get_legend_handles_labels()
    order = sorted(range(len(labels)), key=lambda i: _LEGEND_ORDER.index(labels[i]))
    ax.legend([handles[i] for i in order], [labels[i] for i in order], loc="upper left", bbox_to_anchor=(1.01, 1.0), frameon=False)


def render_learning_curve(
    rows: Sequence[Any], run_id: str, out_stem: Path, stage_order: Sequence[str] = (), on_problem: Problem = _warn
) -> list[Path]:
    """
    Draws the run's learning curve from its metrics.jsonl rows into out_stem.png and out_stem.svg.
    Rows that cannot be plotted are reported through `on_problem` and left out; with no rows the
    plot says that no iterations were recorded yet.
    """
    data = curve_data(rows, stage_order)
    for problem in data.problems:
        on_problem(problem)
    with matplotlib.rc_context(_RC):
        figure = Figure(figsize=(9, 5))
        ax = figure.add_subplot()
        ax.set_title(f"Learning curve: {run_id}", pad=18)
        _draw_curve(ax, data)
        return _save(figure, out_stem)


def _draw_policies(ax: Axes, report: Mapping[str, Any]) -> None:
    """Pass@1 +- SEM (bars) and Pass@5 (diamonds) of each policy in the report."""
    rows = [(name, report[name]) for name in REPORT_POLICIES if isinstance(report.get(name), Mapping)]
    names = [name for name, _ in rows]
    ax.bar(names, [r["pass1"] for _, r in rows], yerr=[r["pass1_sem"] for _, r in rows], capsize=5, color=COLORS["evaluation"], alpha=0.8, label="Pass@1 ± SEM")
    ax.plot(names, [r["pass5"] for _, r in rows], "D", color=COLORS["pass5"], label="Pass@5")
    ax.set_ylim(0, 1.05)
    ax.set_xlabel("policy")
    ax.set_ylabel("Pass rate on the eval split")
    ax.set_title("Milestone evaluations")
    ax.grid(True, axis="y", color="#e6e6e6")
    handles, labels = ax.get_legend_handles_labels()
    ax.legend(handles[::-1], labels[::-1], loc="upper left", frameon=False)  # Pass@1 first, as drawn first


def _check_report(report: Any) -> None:
    if not isinstance(report, Mapping):
        raise ValueError(f"the report is not a JSON object but {type(report).__name__}")
    for name in REPORT_POLICIES:
        row = report.get(name)
        if row is None:
            continue
        if not isinstance(row, Mapping):
            raise ValueError(f"report row {name!r} is neither null nor an object")
        for key in ("pass1", "pass1_sem", "pass5"):
            value = row.get(key)
            if not isinstance(value, (int, float)) or isinstance(value, bool):
                raise ValueError(f"report row {name!r}: {key} missing or not a number")
    if not any(isinstance(report.get(name), Mapping) for name in REPORT_POLICIES):
        raise ValueError(f"the report has none of the rows {', '.join(REPORT_POLICIES)}")


def render_report_plot(
    report: Mapping[str, Any], out_stem: Path, rows: Sequence[Any] = (), run_id: str = "", on_problem: Problem = _warn
) -> list[Path]:
    """
    Draws the report (report.json: base / rft / rl / control rows) into out_stem.png and out_stem.svg:
    the policies' Pass@1 +- SEM and Pass@5 and, when the run's metrics rows are given, its learning
    curve with the RFT and final evaluations placed where they happened.
    """
    _check_report(report)
    with matplotlib.rc_context(_RC):
        figure = Figure(figsize=(14, 5.5) if rows else (6, 5.5), layout="constrained")
        axes = figure.subplots(1, 2, width_ratios=[1, 2.2]) if rows else [figure.add_subplot()]
        _draw_policies(axes[0], report)
        if rows:
            data = with_milestone_evaluations(curve_data(rows), report)
            for problem in data.problems:
                on_problem(problem)
            axes[1].set_title("Learning curve with the milestone evaluations", pad=18)
            _draw_curve(axes[1], data)
        figure.suptitle(f"Report: {run_id}" if run_id else "Report")
        return _save(figure, out_stem)


def _learning_curve_command(args: argparse.Namespace) -> int:
    if not args.metrics.is_file():
        print(f"plots: no metrics file {args.metrics}", file=sys.stderr)
        return 2
    rows = read_metrics_jsonl(args.metrics)
    if not rows:
        print(f"plots: {args.metrics} holds no iterations yet; the curve says so", file=sys.stderr)
    stage_order = [s for s in (args.stage_order or "").split(",") if s]
    written = render_learning_curve(rows, args.run_id, args.out, stage_order)
    print("\n".join(str(p) for p in written))
    return 0


def _report_command(args: argparse.Namespace) -> int:
    try:
        report = json.loads(args.report.read_text(encoding="utf-8"))
    except FileNotFoundError:
        print(f"plots: no report file {args.report}", file=sys.stderr)
        return 2
    except json.JSONDecodeError as err:
        print(f"plots: {args.report}: not JSON ({err.msg})", file=sys.stderr)
        return 2
    metrics = args.metrics or args.report.parent / "metrics.jsonl"
    rows = read_metrics_jsonl(metrics) if metrics.is_file() else []
    try:
        written = render_report_plot(report, args.out, rows, args.run_id or args.report.resolve().parent.name)
    except ValueError as err:
        print(f"plots: {args.report}: {err}", file=sys.stderr)
        return 2
    print("\n".join(str(p) for p in written))
    return 0


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m swe_rl_trainer.plots", description="Draw a run's plots as PNG and SVG.")
    commands = parser.add_subparsers(dest="command", required=True)

    curve = commands.add_parser("learning-curve", help="the learning curve from metrics.jsonl")
    curve.add_argument("--metrics", type=Path, required=True, help="runs/<run>/metrics.jsonl")
    curve.add_argument("--run-id", required=True)
    curve.add_argument("--out", type=Path, required=True, help="output path without extension; .png and .svg are written")
    curve.add_argument("--stage-order", help="RL stage names in run order, comma-separated (default: the order they finished in)")
    curve.set_defaults(handler=_learning_curve_command)

    report = commands.add_parser("report", help="the report plot from report.json (and the run's metrics.jsonl)")
    report.add_argument("--report", type=Path, required=True, help="runs/<run>/report.json")
    report.add_argument("--out", type=Path, required=True, help="output path without extension; .png and .svg are written")
    report.add_argument("--metrics", type=Path, help="default: metrics.jsonl beside the report")
    report.add_argument("--run-id", help="default: the report's folder name")
    report.set_defaults(handler=_report_command)

    args = parser.parse_args(argv)
    return args.handler(args)


if __name__ == "__main__":
    sys.exit(main())
