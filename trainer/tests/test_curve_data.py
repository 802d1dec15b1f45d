"""The learning curve's x axis and row checks (swe_rl_trainer.curve_data)."""
from swe_rl_trainer.curve_data import Evaluation, StageSpan, curve_data, with_milestone_evaluations


def row(stage="stage-1", iteration=1, minute=1, pass_rate=0.25, evaluation=None):
    return {
        "runId": "run-a",
        "stage": stage,
        "iteration": iteration,
        "passRate": pass_rate,
        "filteredGroupFraction": 0.5,
        "evaluation": evaluation,
        "finishedAt": f"2025-01-01T{minute // 60:02d}:{minute % 60:02d}:00Z",
    }


def stage_rows(stage, n, start_minute):
    return [row(stage, k + 1, start_minute + k, (k + 1) / (n + 1)) for k in range(n)]


def placed(data):
    return [f"{p.stage}/{p.iteration}@{p.x}" for p in data.points]


def test_rft_at_zero_and_rl_iterations_counted_across_stages():
    rft = row("rft", 1, minute=0)
    data = curve_data([*stage_rows("stage-2", 2, 10), rft, *stage_rows("stage-1", 3, 1)])
    assert placed(data) == ["rft/1@0", "stage-1/1@1", "stage-1/2@2", "stage-1/3@3", "stage-2/1@4", "stage-2/2@5"]
    assert data.stages == [StageSpan("rft", 0, 0), StageSpan("stage-1", 1, 3), StageSpan("stage-2", 4, 5)]
    assert data.problems == []


def test_run_wide_iteration_numbers_are_used_as_they_are():
    s2 = [{**r, "iteration": r["iteration"] + 3} for r in stage_rows("stage-2", 2, 10)]
    data = curve_data([row("rft", 0, minute=0), *stage_rows("stage-1", 3, 1), *s2])
    assert placed(data) == ["rft/0@0", "stage-1/1@1", "stage-1/2@2", "stage-1/3@3", "stage-2/4@4", "stage-2/5@5"]


def test_configured_stage_order_and_gaps_of_missing_iterations():
    s1 = [r for r in stage_rows("s1", 3, 0) if r["iteration"] != 2]
    data = curve_data([*s1, *stage_rows("s2", 2, 10)], ["s2", "s1"])
    assert placed(data) == ["s2/1@1", "s2/2@2", "s1/1@3", "s1/3@5"]


def test_stages_numbered_from_zero_do_not_overlap():
    s1 = [{**r, "iteration": r["iteration"] - 1} for r in stage_rows("s1", 2, 0)]
    s2 = [{**r, "iteration": r["iteration"] - 1} for r in stage_rows("s2", 2, 10)]
    assert [p.x for p in curve_data([*s1, *s2]).points] == [1, 2, 3, 4]


def test_evaluation_carried_and_empty_input():
    data = curve_data([row(evaluation={"pass1": 0.4, "pass1Sem": 0.1, "runs": 3})])
    assert data.points[0].evaluation == Evaluation(0.4, 0.1)
    assert curve_data([]).points == []


def test_rows_that_cannot_be_plotted_are_left_out_and_described():
    rows = [row(iteration=1), {"stage": "stage-1", "iteration": 2}, "oops", row(iteration=3, evaluation={"pass1": "high"}), row(iteration=4)]
    data = curve_data(rows)
    assert [p.iteration for p in data.points] == [1, 4]
    assert data.problems == [
        "row 2 (stage 'stage-1', iteration 2): passRate missing or not a number",
        "row 3: not an object but str",
        "row 4 (stage 'stage-1', iteration 3): evaluation is neither null nor an object with numbers pass1 and pass1Sem",
    ]


def test_milestone_evaluations_go_on_rft_and_the_last_rl_iteration():
    data = curve_data([row("rft", 0, 0), row("stage1", 1, 1), row("stage1", 3, 3), row("stage1", 2, 2)])
    report = {"base": None, "rft": {"pass1": 0.3, "pass1_sem": 0.02}, "rl": {"pass1": 0.7, "pass1_sem": 0.05}, "control": None}
    out = with_milestone_evaluations(data, report)
    assert {p.iteration: p.evaluation for p in out.points} == {0: Evaluation(0.3, 0.02), 1: None, 2: None, 3: Evaluation(0.7, 0.05)}
