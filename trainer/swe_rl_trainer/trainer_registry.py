"""Keeps each run's Trainer (model and optimizer) loaded between activity calls.

Evicting a Trainer is always safe: a new one resumes from the run's latest checkpoint and replays
the recorded steps after it.
"""
from __future__ import annotations

import threading
from collections import OrderedDict
from pathlib import Path

from .trainer import Trainer, check_run_id


class TrainerRegistry:
    def __init__(self, max_loaded: int = 2, device: str | None = None):
        self.max_loaded = max_loaded
        self.device = device
        self._trainers: OrderedDict[tuple[str, str], Trainer] = OrderedDict()
        self._lock = threading.Lock()

    def get(self, run_id: str, runs_dir: str | Path, model_path: str | Path) -> Trainer:
        key = (str(Path(runs_dir).resolve()), check_run_id(run_id))
        with self._lock:
            trainer = self._trainers.get(key)
            if trainer is not None and trainer.broken:
                del self._trainers[key]
                trainer = None
            if trainer is None:
                trainer = Trainer(run_id, runs_dir, model_path, device=self.device)
                self._trainers[key] = trainer
                while len(self._trainers) > self.max_loaded:
                    self._trainers.popitem(last=False)
            self._trainers.move_to_end(key)
            return trainer

    def clear(self) -> None:
        with self._lock:
            self._trainers.clear()
