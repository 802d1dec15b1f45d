"""The Trainer of a run whose model lives in torchrun ranks: every step is a step job.

Same API, ledger and idempotency as Trainer (a retried step returns its recorded result; a
restart replays the recorded steps after the newest state), but the weights and AdamW state are
sharded checkpoints on disk rather than tensors in this process:

    <run_dir>/sharded/step-N/            the state after step N (the newest one or two are kept)
    <run_dir>/checkpoints/step-N/        Hugging Face export (for serving) + sharded/ + trainer_state.json
                                         + optimizer.pt (the full AdamW state, the single-process format)

A run can switch between 1 and N ranks: the single-process Trainer resumes from these checkpoints
(weights from the export, optimizer.pt), and a JobTrainer resumes from the single-process
Trainer's (its job loads those weights and shards optimizer.pt; optimizer_interop.py).

A step job resumes from the newest state and saves step N's; the ledger record is written after
the job, and the state of step N-1 is removed only then, so a crash in between re-runs the step
from N-1. A state past the ledger (that crash, or a rollback) is never resumed from.
"""
from __future__ import annotations

import json
import os
import re
import shutil
import threading
import time
import uuid
from pathlib import Path

from transformers import AutoConfig

from .. import checkpoints
from ..durable import fsync_dir, fsync_tree
from ..errors import StepOutOfOrder
from ..model_io import check_model_dir
from ..step_config import OptimConfig
from ..step_ledger import StepLedger, StepRecord
from ..trainer import Trainer, check_run_id
from .launch import configured_world_size, run_step_job
from .rank_group import RANK_GROUP_ENV, RankGroup
from .sharded_checkpoint import is_complete

STATE_NAME = re.compile(r"^step-(\d+)$")
SHARDED_SUBDIR = "sharded"


class JobTrainer(Trainer):
    def __init__(self, run_id: str, runs_dir: str | Path, model_path: str | Path, device: str | None = None,
                 world_size: int | None = None, job_timeout_s: float | None = None, rank_group: bool | None = None):
        self.run_id = check_run_id(run_id)
        self.run_dir = Path(runs_dir) / run_id
        self.model_path = check_model_dir(model_path)
        self.device_type = device
        self.world_size = world_size or configured_world_size()
        self.job_timeout_s = job_timeout_s
        # A long-lived rank group keeps the model loaded between steps; else one torchrun job per step.
        self.use_rank_group = rank_group if rank_group is not None else os.environ.get(RANK_GROUP_ENV) == "1"
        self._group: RankGroup | None = None
        self.lock = threading.Lock()
        self.broken: str | None = None
        self.ledger = StepLedger(self.run_dir)
        self._model_config = AutoConfig.from_pretrained(self.model_path, local_files_only=True)
        checkpoints.remove_stale_temp_dirs(self.run_dir)
        self.state_path, self.step = self._newest_state()
        self._replay_recorded_steps()

    # ---- what the worker asks besides steps -------------------------------------------------

    @property
    def vocab_size(self) -> int:
        return int(self._model_config.vocab_size)

    @property
    def context_length(self) -> int:
        native = int(getattr(self._model_config, "max_position_embeddings", 1 << 30))
        return max(native, self._max_context() or 0)

    def action_logprobs(self, batch_path, kind: str = "dapo") -> dict[str, list[float]]:
        """Current log-probs of each episode's action tokens: a job of no steps on the newest state."""
        with self.lock:
            self._check_usable()
            work = self.run_dir / "jobs"
            work.mkdir(parents=True, exist_ok=True)
            out = work / f"logprobs-{uuid.uuid4().hex[:8]}.json"
            try:
                self._launch({"resume_from": self._resume_arg(), "steps": [],
                              "logprobs": {"kind": kind, "batch_path": str(batch_path), "config": {}, "out": str(out)}})
                return json.loads(out.read_text(encoding="utf-8"))["logprobs"]
            finally:
                out.unlink(missing_ok=True)

    def _write_old_logprobs(self, batch_path, at_step: int, raw_config: dict | None, target: Path) -> None:
        """Computed by the ranks on the state of step `at_step`."""
        self._launch({"resume_from": self._resume_arg(), "steps": [],
                      "logprobs": {"kind": "dapo", "batch_path": str(batch_path), "config": raw_config or {},
                                   "out": str(target), "at_step": at_step}})

    def save_checkpoint(self, step: int, milestone: bool = False) -> Path:
        with self.lock:
            final = checkpoints.checkpoint_path(self.run_dir, step)
            if (final / checkpoints.STATE_FILE).is_file():
                if milestone:
                    checkpoints.mark_milestone(final)
                return final
            self._check_usable()
            if step != self.step:
                raise StepOutOfOrder(
                    f"run {self.run_id}: cannot save a checkpoint for step {step}: the weights are at step {self.step}"
                )
            temp = final.parent / f"{checkpoints.TEMP_PREFIX}{final.name}-{uuid.uuid4().hex[:8]}"
            try:
                # The export with optimizer.pt: the single-process Trainer can resume from this checkpoint.
                self._launch({"resume_from": self._resume_arg(), "steps": [], "export_to": str(temp),
                              "export_optimizer": True})
                if self.state_path is not None and (self.state_path / ".metadata").is_file():
                    _link_tree(self.state_path, temp / SHARDED_SUBDIR)
                state = {"run_id": self.run_id, "base_model": str(self.model_path), "step": step,
                         "world_size": self.world_size, "saved_at": time.time()}
                (temp / checkpoints.STATE_FILE).write_text(json.dumps(state, indent=2, sort_keys=True) + "\n", encoding="utf-8")
                fsync_tree(temp)
                os.rename(temp, final)
            except BaseException:
                shutil.rmtree(temp, ignore_errors=True)
                raise
            fsync_dir(final.parent)
            if milestone:
                checkpoints.mark_milestone(final)
            return final

    # ---- steps ------------------------------------------------------------------------------

    def _apply(self, kind: str, step: int, batch_path: str, config: OptimConfig, progress, *, record: bool) -> dict:
        previous = self.ledger.read(step - 1)
        target = self._states_dir() / f"step-{step:06d}"
        shutil.rmtree(target, ignore_errors=True)  # a job that failed after saving
        job_step = {"kind": kind, "step": step, "batch_path": batch_path, "config": config.to_dict(),
                    "reset_optimizer": previous is not None and previous.kind != kind, "save_to": str(target)}
        if progress:
            progress(0, 1)
        outcome = self._launch({"resume_from": self._resume_arg(), "steps": [job_step]})
        result = {k: v for k, v in outcome["steps"][0].items() if k != "batch_path"}
        if record:
            self.ledger.write(StepRecord(step, kind, batch_path, config.to_dict(), result))
        old = self.state_path
        self.state_path, self.step = target, step
        if old is not None and old.parent == self._states_dir():
            shutil.rmtree(old, ignore_errors=True)
        if progress:
            progress(1, 1)
        return {**result, "applied": True}

    def _launch(self, job: dict) -> dict:
        base = {"run_id": self.run_id, "model_path": str(self.model_path), "device": self.device_type,
                "max_context": self._max_context(),
                "param_dtype": os.environ.get("SWE_RL_TRAINER_PARAM_DTYPE") or None, "export_dtype": "fp32"}
        if not self.use_rank_group:
            self.last_outcome = run_step_job({**base, **job}, self.world_size, self.run_dir / "jobs", timeout_s=self.job_timeout_s)
            return self.last_outcome
        if self._group is None or not self._group.alive():
            if self._group is not None:
                self._group.close()
            self._group = RankGroup(self.run_dir / "rank-group", self.world_size, self.device_type)
        self.last_outcome = self._group.run({**base, **job}, timeout_s=self.job_timeout_s)
        return self.last_outcome

    def close(self) -> None:
        """Stops the rank group, if one runs."""
        if self._group is not None:
            self._group.close()
            self._group = None

    def _max_context(self) -> int | None:
        """The largest max_length of the steps the weights include: the single-process Trainer extends its
        model (YaRN) at the first such step and keeps it, so every later job builds the model for it."""
        lengths = [(r.config or {}).get("max_length") or 0 for r in self.ledger.records_after(0) if r.step <= self.step]
        return max(lengths, default=0) or None

    def _resume_arg(self) -> str | None:
        return str(self.state_path) if self.state_path is not None else None

    def _states_dir(self) -> Path:
        return self.run_dir / "sharded"

    def _newest_state(self) -> tuple[Path | None, int]:
        """The newest sharded state the ledger covers (or a checkpoint's); states past the ledger are removed."""
        last = self.ledger.last_step()
        found: list[tuple[int, Path]] = []
        if self._states_dir().is_dir():
            for entry in self._states_dir().iterdir():
                match = STATE_NAME.match(entry.name)
                if not match:
                    continue
                if int(match.group(1)) > last or not is_complete(entry):
                    shutil.rmtree(entry, ignore_errors=True)
                else:
                    found.append((int(match.group(1)), entry))
        for checkpoint in checkpoints.list_checkpoints(self.run_dir):
            if is_complete(checkpoint.path / SHARDED_SUBDIR):
                found.append((checkpoint.step, checkpoint.path / SHARDED_SUBDIR))
            elif (checkpoint.path / checkpoints.OPTIMIZER_FILE).is_file():
                # A single-process Trainer's checkpoint (the run had 1 rank then): the job loads its
                # weights and converts its optimizer.pt into the shards.
                found.append((checkpoint.step, checkpoint.path))
        if not found:
            return None, 0
        step, path = max(found, key=lambda item: item[0])
        return path, step


def _link_tree(source: Path, target: Path) -> None:
    """Hard links where the filesystem allows (shards are large and never rewritten), else copies."""
    target.mkdir(parents=True)
    for entry in source.iterdir():
        try:
            os.link(entry, target / entry.name)
        except OSError:
            shutil.copy2(entry, target / entry.name)
