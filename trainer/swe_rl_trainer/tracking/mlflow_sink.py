"""An MLflow run per swe-rl run (its id kept in the tracking state, so a resumed run continues it)."""
from __future__ import annotations

import os
import time
from pathlib import Path

from .run_points import Point
from .tracking_config import MlflowConfig, resolve_tracking_uri
from .tracking_state import TrackingState

BATCH = 1000  # MLflow's limit of metrics per log_batch call
RUN_TAG = "swe_rl.run_id"


class MlflowSink:
    name = "mlflow"

    def __init__(self, run_dir: Path, run_id: str, config: MlflowConfig, state: TrackingState):
        from mlflow.tracking import MlflowClient

        uri = resolve_tracking_uri(config.tracking_uri, Path(run_dir).parent)
        if uri.startswith("file:"):
            # MLflow 3.7+ refuses its file store unless asked; the file store is the one that needs
            # no server or database here (mlflow-skinny has no SQL store).
            os.environ.setdefault("MLFLOW_ALLOW_FILE_STORE", "true")
        self.client = MlflowClient(tracking_uri=uri)
        experiment = self.client.get_experiment_by_name(config.experiment)
        experiment_id = experiment.experiment_id if experiment else self.client.create_experiment(config.experiment)
        self.run_id = state.run_id(self.name) or self._find_run(experiment_id, run_id)
        if self.run_id is None:
            self.run_id = self.client.create_run(experiment_id, run_name=run_id, tags={RUN_TAG: run_id}).info.run_id
        if state.run_id(self.name) != self.run_id:
            state.set_run_id(self.name, self.run_id)
            state.save()

    def _find_run(self, experiment_id: str, run_id: str) -> str | None:
        """The run a lost state file forgot (the tag names the swe-rl run)."""
        found = self.client.search_runs([experiment_id], filter_string=f"tags.`{RUN_TAG}` = '{run_id}'", max_results=1)
        return found[0].info.run_id if found else None

    def write(self, points: list[Point]) -> None:
        from mlflow.entities import Metric

        now = int(time.time() * 1000)
        metrics = [Metric(p.tag, p.value, now, p.step) for p in points]
        for start in range(0, len(metrics), BATCH):
            self.client.log_batch(self.run_id, metrics=metrics[start:start + BATCH])

    def write_image(self, tag: str, step: int, png: Path) -> None:
        self.client.log_artifact(self.run_id, str(png), artifact_path=tag)

    def close(self) -> None:
        pass  # every call above has been written when it returns
