"""A run folder as the workflows and the trainer leave it (metrics.jsonl rows, step records,
evaluations), built step by step the way a run grows, and readers of what the trackers got."""
from __future__ import annotations

import json
import struct
from collections import Counter
from pathlib import Path

from swe_rl_trainer.durable import write_json_atomic


def step_record(run_dir: Path, step: int, kind: str, loss: float) -> None:
    result = {"run_id": run_dir.name, "step": step, "kind": kind, "loss": loss, "grad_norm": 0.5 + step / 100,
              "lr": 1e-3, "num_sequences": 8, "num_action_tokens": 100 + step, "optimizer_reset": step == 1,
              "duration_s": 0.25}
    if kind == "dapo":
        result.update(clip_frac_low=0.01 * step, clip_frac_high=0.0, ratio_mean=1.0)
    write_json_atomic(run_dir / "steps" / f"step-{step:06d}.json",
                      {"step": step, "kind": kind, "batch_path": f"b{step}", "config": {}, "result": result})


def metrics_row(run_id: str, stage: str, iteration: int, steps: list[int], evaluation: dict | None = None) -> dict:
    return {
        "runId": run_id, "stage": stage, "iteration": iteration, "policyVersion": steps[-1] if steps else 0,
        "episodes": 32, "failedEpisodes": 1, "failureReasons": {"sandbox_lost": 1}, "passRate": 0.1 * iteration,
        "meanReward": 0.1 * iteration, "filteredGroupFraction": 0.25, "meanSteps": 3.5, "submitRate": 0.9,
        "formatErrorRate": 0.02, "completionTokens": 1000 + iteration, "trainedTrajectories": 16,
        "trainLoss": 0.3, "clipFracLow": None, "clipFracHigh": None, "optimizerSteps": len(steps),
        "trainSteps": [{"step": s, "applied": True, "loss": 0.3} for s in steps],
        "phaseSeconds": {"rollout": 10.0, "advantage": 0.1, "train": 2.0, "eval": 0.0},
        "evaluation": evaluation, "finishedAt": "2026-12-02T08:00:00.000Z",
    }


def append_row(run_dir: Path, row: dict) -> None:
    with open(run_dir / "metrics.jsonl", "a", encoding="utf-8") as f:
        f.write(json.dumps(row) + "\n")


def evaluation(label: str, run_dir: Path, policy_version: int, pass1: float) -> dict:
    summary = {"tasks": 4, "runs": 2, "pass1": pass1, "pass1Sem": 0.05, "passK": 0.5, "meanSteps": 3.0,
               "formatErrorRate": 0.01}
    write_json_atomic(run_dir / "evals" / f"{label}.json", {**summary, "policyVersion": policy_version, "workflowId": f"w/{label}"})
    return summary


def tensorboard_events(run_dir: Path) -> Counter:
    """(tag, step) -> how many times any event file holds it, read with TensorBoard's own loader."""
    from tensorboard.backend.event_processing.event_file_loader import EventFileLoader

    seen: Counter = Counter()
    for path in sorted((run_dir / "tracking" / "tensorboard").glob("events.out.tfevents.*")):
        for event in EventFileLoader(str(path)).Load():
            for value in event.summary.value:
                seen[(value.tag, event.step)] += 1
    return seen


def wandb_history(run_dir: Path) -> tuple[set[str], list[dict]]:
    """The run ids and history rows of every offline W&B run folder under the run's tracking folder.

    W&B's own reader of its `.wandb` files is gone from the Python package (it lives in its Go
    core), so this reads the format directly: a 7-byte header, then LevelDB-log records (32 KiB
    blocks, 7-byte record headers) holding `Record` protobufs.
    """
    from wandb.proto import wandb_internal_pb2 as pb

    ids, rows = set(), []
    for path in sorted((run_dir / "tracking" / "wandb").glob("offline-run-*/run-*.wandb")):
        for data in _leveldb_records(path.read_bytes()):
            record = pb.Record()
            record.ParseFromString(data)
            kind = record.WhichOneof("record_type")
            if kind == "run":
                ids.add(record.run.run_id)
            elif kind == "history":
                rows.append({item.key or "/".join(item.nested_key): json.loads(item.value_json) for item in record.history.item})
    return ids, rows


def _leveldb_records(data: bytes):
    block = 32 * 1024
    assert data[:4] == b":W&B", data[:4]
    pos, parts = 7, b""
    while pos + 7 <= len(data):
        left = block - pos % block
        if left < 7:
            pos += left
            continue
        _crc, length, kind = struct.unpack("<IHB", data[pos:pos + 7])
        if length == 0 and kind == 0:
            pos += left
            continue
        chunk = data[pos + 7:pos + 7 + length]
        pos += 7 + length
        if kind == 1:
            yield chunk
        elif kind == 2:
            parts = chunk
        elif kind == 3:
            parts += chunk
        elif kind == 4:
            yield parts + chunk


def wandb_points(run_dir: Path) -> Counter:
    """(tag, step on its own axis) -> how many times the run's offline W&B history holds it."""
    points: Counter = Counter()
    for row in wandb_history(run_dir)[1]:
        axis = "iteration" if "iteration" in row else "trainer_step"
        for tag in row:
            if tag == "learning_curve/_type":
                points[("learning_curve", row[axis])] += 1  # an image is logged as nested keys
            elif not tag.startswith(("_", "learning_curve/")) and tag != axis:
                points[(tag, row[axis])] += 1
    return points


def mlflow_points(tracking_uri: str, experiment: str) -> dict:
    """run name -> {tag: [steps]} of every run of the experiment in an MLflow store."""
    import os

    from mlflow.tracking import MlflowClient

    os.environ.setdefault("MLFLOW_ALLOW_FILE_STORE", "true")
    client = MlflowClient(tracking_uri=tracking_uri)
    found = client.get_experiment_by_name(experiment)
    runs = client.search_runs([found.experiment_id]) if found else []
    return {run.info.run_name: {key: [m.step for m in client.get_metric_history(run.info.run_id, key)] for key in run.data.metrics} for run in runs}


if __name__ == "__main__":
    # For the TypeScript integration test: what each tracker holds, as JSON.
    import sys

    folder = Path(sys.argv[1])
    print(json.dumps({
        "tensorboard": {f"{tag}@{step}": n for (tag, step), n in tensorboard_events(folder).items()},
        "wandb_ids": sorted(wandb_history(folder)[0]),
        "wandb": {f"{tag}@{step}": n for (tag, step), n in wandb_points(folder).items()},
        "mlflow": mlflow_points(sys.argv[2], sys.argv[3]) if len(sys.argv) > 3 else {},
    }))
