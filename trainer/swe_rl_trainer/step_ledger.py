"""The durable record of completed training steps of a run: `<run_dir>/steps/step-000123.json`.

A step's record is written before its optimizer update is applied, and it holds the step's
result, so a retried step returns the same result without applying anything, and a trainer that
restarts from an older checkpoint can replay the recorded steps after it.
"""
from __future__ import annotations

import json
import re
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

from .durable import write_json_atomic

RECORD_NAME = re.compile(r"^step-(\d+)\.json$")


@dataclass(frozen=True)
class StepRecord:
    step: int
    kind: str
    batch_path: str
    config: dict[str, Any]
    result: dict[str, Any]


class StepLedger:
    def __init__(self, run_dir: Path):
        self.directory = Path(run_dir) / "steps"

    def _path(self, step: int) -> Path:
        return self.directory / f"step-{step:06d}.json"

    def recorded_steps(self) -> list[int]:
        if not self.directory.is_dir():
            return []
        steps = (RECORD_NAME.match(p.name) for p in self.directory.iterdir())
        return sorted(int(m.group(1)) for m in steps if m)

    def last_step(self) -> int:
        steps = self.recorded_steps()
        return steps[-1] if steps else 0

    def read(self, step: int) -> StepRecord | None:
        path = self._path(step)
        if not path.is_file():
            return None
        return StepRecord(**json.loads(path.read_text(encoding="utf-8")))

    def write(self, record: StepRecord) -> None:
        write_json_atomic(self._path(record.step), asdict(record))

    def records_after(self, step: int) -> list[StepRecord]:
        return [self.read(s) for s in self.recorded_steps() if s > step]
