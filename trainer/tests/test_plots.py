"""The run's plots drawn with matplotlib: files, their content and the command line."""
import json
import subprocess
import sys
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest
from PIL import Image

from swe_rl_trainer.plots import EMPTY_NOTE, main, read_metrics_jsonl, render_learning_curve, render_report_plot

TRAINER_DIR = Path(__file__).resolve().parents[1]
PASS_RATE_BLUE = (0x1F, 0x77, 0xB4)
REPORT = {
    "base": {"pass1": 0.15, "pass1_sem": 0.02, "pass5": 0.3, "mean_steps": 3.1, "format_error_rate": 0.01},
    "rft": {"pass1": 0.3, "pass1_sem": 0.04, "pass5": 0.5, "mean_steps": 3.0, "format_error_rate": 0.01},
    "rl": {"pass1": 0.7, "pass1_sem": 0.05, "pass5": 0.9, "mean_steps": 2.9, "format_error_rate": 0.0},
    "control": None,
}


def row(stage, iteration, pass_rate, evaluation=None):
    return {
        "runId": "run-a",
        "stage": stage,
        "iteration": iteration,
        "passRate": pass_rate,
        "filteredGroupFraction": 0.4,
        "evaluation": evaluation,
        "finishedAt": f"2025-01-01T00:{iteration:02d}:00Z",
    }


ROWS = [row("rft", 0, 0.1), row("stage1", 1, 0.2), row("stage1", 2, 0.35, {"pass1": 0.3, "pass1Sem": 0.05}), row("stage2", 3, 0.5)]


def svg_texts(path: Path) -> list[str]:
    """Every text the SVG shows (matplotlib writes text as <text> with svg.fonttype = none)."""
    root = ET.parse(path).getroot()
    return ["".join(t.itertext()).strip() for t in root.iter("{http://www.w3.org/2000/svg}text")]


def blue_pixels(path: Path) -> int:
    with Image.open(path) as image:
        return sum(count for count, color in image.convert("RGB").getcolors(1 << 24) if color == PASS_RATE_BLUE)


def test_learning_curve_png_and_svg_with_axes_title_legend_and_stages(tmp_path):
    written = render_learning_curve(ROWS, "run-a", tmp_path / "learning_curve")
    assert written == [tmp_path / "learning_curve.png", tmp_path / "learning_curve.svg"]
    with Image.open(written[0]) as image:
        image.verify()
        assert image.format == "PNG"
    assert blue_pixels(written[0]) > 300  # the pass-rate line is drawn
    texts = svg_texts(written[1])
    for expected in ["Learning curve: run-a", "iteration (RFT ends at 0)", "rate", "rollout pass rate", "eval Pass@1 ± SEM", "filtered-group fraction", "rft", "stage1", "stage2"]:
        assert expected in texts
    assert EMPTY_NOTE not in texts
    assert sorted(p.name for p in tmp_path.iterdir()) == ["learning_curve.png", "learning_curve.svg"]  # no temporary files left


def test_empty_metrics_give_a_plot_that_says_so(tmp_path):
    png, svg = render_learning_curve([], "run-a", tmp_path / "curve")
    assert EMPTY_NOTE in svg_texts(svg)
    assert blue_pixels(png) < 100  # the legend key only, no line


def test_corrupt_rows_are_reported_and_the_rest_plotted(tmp_path):
    problems = []
    rows = [*ROWS, {"stage": "stage2", "iteration": 4, "passRate": "n/a"}]
    render_learning_curve(rows, "run-a", tmp_path / "curve", on_problem=problems.append)
    assert problems == ["row 5 (stage 'stage2', iteration 4): passRate missing or not a number"]
    assert "stage2" in svg_texts(tmp_path / "curve.svg")


def test_report_plot_shows_policies_and_the_curve(tmp_path):
    png, svg = render_report_plot(REPORT, tmp_path / "report_curve", ROWS, "run-a")
    texts = svg_texts(svg)
    for expected in ["Report: run-a", "Milestone evaluations", "base", "rft", "rl", "Pass@1 ± SEM", "Pass@5", "policy", "rollout pass rate"]:
        assert expected in texts
    assert "control" not in texts
    assert blue_pixels(png) > 300


def test_report_plot_without_metrics_and_a_bad_report(tmp_path):
    _, svg = render_report_plot(REPORT, tmp_path / "report_curve")
    assert "rollout pass rate" not in svg_texts(svg)
    with pytest.raises(ValueError, match="report row 'rl': pass1_sem missing"):
        render_report_plot({**REPORT, "rl": {"pass1": 0.7, "pass5": 0.9}}, tmp_path / "bad")
    with pytest.raises(ValueError, match="none of the rows"):
        render_report_plot({"base": None}, tmp_path / "bad")


def test_read_metrics_jsonl_reports_lines_that_are_not_json(tmp_path):
    metrics = tmp_path / "metrics.jsonl"
    metrics.write_text(json.dumps(ROWS[0]) + "\n{truncated\n\n" + json.dumps(ROWS[1]) + "\n")
    problems = []
    assert read_metrics_jsonl(metrics, problems.append) == ROWS[:2]
    assert len(problems) == 1 and problems[0].startswith(f"{metrics}:2: not JSON")


def test_command_line(tmp_path, capsys):
    run = tmp_path / "runs" / "run-a"
    run.mkdir(parents=True)
    (run / "metrics.jsonl").write_text("".join(json.dumps(r) + "\n" for r in ROWS) + "{bad\n")
    assert main(["learning-curve", "--metrics", str(run / "metrics.jsonl"), "--run-id", "run-a", "--out", str(run / "learning_curve")]) == 0
    assert f"metrics.jsonl:{len(ROWS) + 1}: not JSON" in capsys.readouterr().err
    assert "Learning curve: run-a" in svg_texts(run / "learning_curve.svg")

    (run / "report.json").write_text(json.dumps(REPORT))
    assert main(["report", "--report", str(run / "report.json"), "--out", str(run / "report_curve")]) == 0
    texts = svg_texts(run / "report_curve.svg")
    assert "Report: run-a" in texts and "rollout pass rate" in texts  # run id and metrics.jsonl found beside the report

    empty = tmp_path / "empty.jsonl"
    empty.write_text("")
    assert main(["learning-curve", "--metrics", str(empty), "--run-id", "run-b", "--out", str(tmp_path / "empty")]) == 0
    assert "holds no iterations yet" in capsys.readouterr().err
    assert main(["learning-curve", "--metrics", str(tmp_path / "missing.jsonl"), "--run-id", "run-b", "--out", str(tmp_path / "x")]) == 2
    assert "no metrics file" in capsys.readouterr().err
    (run / "report.json").write_text("{")
    assert main(["report", "--report", str(run / "report.json"), "--out", str(run / "r")]) == 2
    assert "not JSON" in capsys.readouterr().err


def test_module_runs_as_a_script(tmp_path):
    metrics = tmp_path / "metrics.jsonl"
    metrics.write_text("".join(json.dumps(r) + "\n" for r in ROWS))
    out = tmp_path / "learning_curve"
    done = subprocess.run(
        [sys.executable, "-m", "swe_rl_trainer.plots", "learning-curve", "--metrics", str(metrics), "--run-id", "run-a", "--out", str(out)],
        cwd=TRAINER_DIR, capture_output=True, text=True, timeout=120,
    )
    assert done.returncode == 0, done.stderr
    assert done.stdout.split() == [f"{out}.png", f"{out}.svg"]
