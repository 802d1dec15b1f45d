"""The Trainer of one run: model, AdamW, SFT and DAPO steps, idempotent by (run_id, step).

One step = one optimizer update over one batch file (an iteration's mini-batch of trajectories,
split by the workflow). The batch is processed in micro-batches
with gradient accumulation; every micro-batch's loss is normalised by the action-token count of
the whole batch, so the accumulated gradient equals the one of a single big batch.

Switching between SFT and DAPO resets the optimizer's moments (a new phase, like RL starting
from the RFT checkpoint with a fresh optimizer).

Durability: a step's record (with its result) is written to `<run_dir>/steps/` before the update
is applied. A retried step that is already recorded returns the recorded result and applies
nothing. A trainer that starts from an older checkpoint replays the recorded steps after it
(from their batch files), so a crash between a step and its checkpoint loses nothing.
"""
from __future__ import annotations

import dataclasses
import json
import logging
import math
import re
import threading
import time
from collections import defaultdict
from contextlib import nullcontext
from pathlib import Path
from typing import Callable

import torch

from . import checkpoints
from .batching import collate
from .distributed.launch import configured_world_size
from .durable import write_json_atomic
from .errors import InvalidInput, StepOutOfOrder, require_sampling_step
from .losses import batch_dapo_loss, sft_loss
from .long_context.activation_checkpointing import set_activation_checkpointing, wants_checkpointing
from .long_context.context_limit import ContextSplit, split_by_context
from .long_context.packed_logprobs import action_logprobs_values, padded_action_logprobs
from .long_context.packing import group_by_count, group_by_token_budget
from .long_context.rope_context import extend_model_context
from .lr_schedule import apply_hyperparameters
from .model_io import check_model_dir, load_model, load_tokenizer, resolve_device
from .sequence_builder import TrainingSequence, build_sequence
from .step_config import DapoConfig, OptimConfig, parse_config
from .step_ledger import StepLedger, StepRecord
from .trajectory_batch import load_batch

log = logging.getLogger("swe_rl_trainer.trainer")

RUN_ID = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._-]{0,127}$")
Progress = Callable[[int, int], None]


def check_run_id(run_id: object) -> str:
    if not isinstance(run_id, str) or not RUN_ID.match(run_id):
        raise InvalidInput(f"run_id must match {RUN_ID.pattern} (it names a folder), got {run_id!r}")
    return run_id


def build_optimizer(model: torch.nn.Module) -> torch.optim.AdamW:
    """AdamW; as usual (nanoGPT, HF Trainer) norms and biases, the 1-D parameters, get no weight decay."""
    params = [p for p in model.parameters() if p.requires_grad]
    decay = [p for p in params if p.dim() >= 2]
    no_decay = [p for p in params if p.dim() < 2]
    return torch.optim.AdamW(
        [{"params": decay, "weight_decay": 0.1}, {"params": no_decay, "weight_decay": 0.0}],
        lr=0.0, betas=(0.9, 0.999), eps=1e-8,
    )


class Trainer:
    def __new__(cls, *args, **kwargs):
        # SWE_RL_TRAINER_WORLD_SIZE > 1: the run trains in torchrun ranks, one step job per step.
        if cls is Trainer and configured_world_size() > 1:
            from .distributed.job_trainer import JobTrainer

            return super().__new__(JobTrainer)
        return super().__new__(cls)

    def __init__(self, run_id: str, runs_dir: str | Path, model_path: str | Path, device: str | None = None):
        self.run_id = check_run_id(run_id)
        self.run_dir = Path(runs_dir) / run_id
        self.model_path = Path(model_path)
        self.device = resolve_device(device)
        self.lock = threading.Lock()
        self.broken: str | None = None
        self.ledger = StepLedger(self.run_dir)
        self._reference_model = None

        checkpoints.remove_stale_temp_dirs(self.run_dir)
        latest = checkpoints.latest_checkpoint(self.run_dir)
        source = latest.path if latest else check_model_dir(self.model_path)
        # fp32 master weights everywhere; CUDA computes in bf16 under autocast.
        self.model = load_model(source, self.device, torch.float32).train()
        self.tokenizer = load_tokenizer(source)
        self.optimizer = build_optimizer(self.model)
        self.step = 0
        if latest:
            self.optimizer.load_state_dict(checkpoints.load_optimizer_state(latest.path, self.device))
            self.step = latest.step
        log.info("run %s: loaded %s at step %d", run_id, source, self.step)
        self._replay_recorded_steps()

    # ---- public API -------------------------------------------------------------------------

    @property
    def vocab_size(self) -> int:
        return self.model.get_input_embeddings().num_embeddings

    @property
    def context_length(self) -> int:
        return int(getattr(self.model.config, "max_position_embeddings", 1 << 30))

    def catch_up(self) -> None:
        """Replays the recorded steps the weights are behind (another process applied them)."""
        with self.lock:
            self._check_usable()
            if self.ledger.last_step() > self.step:
                self._replay_recorded_steps()

    def sft_step(self, step: int, batch_path: str | Path, config: dict | None = None, progress: Progress | None = None) -> dict:
        return self._run_step("sft", step, batch_path, config, progress)

    def dapo_step(self, step: int, batch_path: str | Path, config: dict | None = None, progress: Progress | None = None) -> dict:
        return self._run_step("dapo", step, batch_path, config, progress)

    def save_checkpoint(self, step: int, milestone: bool = False) -> Path:
        with self.lock:
            existing = checkpoints.checkpoint_path(self.run_dir, step)
            if (existing / checkpoints.STATE_FILE).is_file():
                if milestone:
                    checkpoints.mark_milestone(existing)
                return existing
            self._check_usable()
            if step != self.step:
                raise StepOutOfOrder(
                    f"run {self.run_id}: cannot save a checkpoint for step {step}: the weights are at step {self.step}"
                )
            path = checkpoints.save_checkpoint(
                self.run_dir, step, self.model, self.tokenizer, self.optimizer,
                {"run_id": self.run_id, "base_model": str(self.model_path)},
            )
            if milestone:
                checkpoints.mark_milestone(path)
            return path

    def retain_checkpoints(self, keep_last: int) -> list[int]:
        """Checkpoint retention: the newest `keep_last` and the milestones stay; returns the steps removed."""
        with self.lock:
            removed = checkpoints.prune_checkpoints(self.run_dir, keep_last)
        if removed:
            log.info("run %s: retention removed checkpoints of steps %s", self.run_id, removed)
        return removed

    def action_logprobs(self, batch_path: str | Path, kind: str = "dapo") -> dict[str, list[float]]:
        """Current log-probs of each episode's action tokens (those the step would train on)."""
        with self.lock:
            config = parse_config(kind, {"total_steps": 1} if kind == "sft" else {})
            return {s.episode_id: self._action_logprobs(s) for s in self.load_sequences(kind, batch_path, config)}

    # ---- steps ------------------------------------------------------------------------------

    def _check_usable(self) -> None:
        if self.broken:
            raise RuntimeError(f"run {self.run_id}: trainer is unusable ({self.broken}); reload it")

    def _run_step(self, kind: str, step: int, batch_path, raw_config, progress) -> dict:
        if isinstance(step, bool) or not isinstance(step, int) or step < 1:
            raise InvalidInput(f"step must be an integer >= 1, got {step!r}")
        with self.lock:
            self._check_usable()
            last = max(self.ledger.last_step(), self.step)
            if step <= last:
                return self._recorded_result(kind, step, str(batch_path), last)
            if step > last + 1:
                raise StepOutOfOrder(
                    f"run {self.run_id}: step {step} skips ahead; the last completed step is {last}, so the next is {last + 1}"
                )
            config = parse_config(kind, raw_config)
            return self._apply(kind, step, str(batch_path), config, progress, record=True)

    def _recorded_result(self, kind: str, step: int, batch_path: str, last: int) -> dict:
        if step < last:
            raise StepOutOfOrder(
                f"run {self.run_id}: step {step} goes back past the last completed step {last}"
            )
        record = self.ledger.read(step)
        if record is None:
            raise StepOutOfOrder(f"run {self.run_id}: step {step} is covered by a checkpoint but has no step record")
        if record.kind != kind or record.batch_path != batch_path:
            raise StepOutOfOrder(
                f"run {self.run_id}: step {step} was completed as a {record.kind} step on {record.batch_path!r}; "
                f"this request is a {kind} step on {batch_path!r}"
            )
        return {**record.result, "applied": False}

    def _replay_recorded_steps(self) -> None:
        for record in self.ledger.records_after(self.step):
            if not Path(record.batch_path).is_file():
                raise RuntimeError(
                    f"run {self.run_id}: cannot restore step {record.step}: its batch {record.batch_path!r} is gone "
                    f"and the latest checkpoint is at step {self.step}"
                )
            log.info("run %s: replaying step %d from its record", self.run_id, record.step)
            config = parse_config(record.kind, record.config)
            result = self._apply(record.kind, record.step, record.batch_path, config, None, record=False)
            if not math.isclose(result["loss"], record.result["loss"], rel_tol=1e-3, abs_tol=1e-5):
                log.warning("run %s: replayed step %d loss %.6g differs from recorded %.6g",
                            self.run_id, record.step, result["loss"], record.result["loss"])

    def load_sequences(self, kind: str, batch_path: str | Path, config: OptimConfig) -> list[TrainingSequence]:
        """Reads, validates and tokenises a batch; raises InvalidInput before any gradient is computed."""
        return self._load_within_context(kind, batch_path, config).kept

    def _load_within_context(self, kind: str, batch_path: str | Path, config: OptimConfig) -> ContextSplit:
        """The batch's sequences, those longer than the context (config.max_length) set aside, never cut."""
        trajectories = load_batch(batch_path, require_advantage=(kind == "dapo"))
        if extend_model_context(self.model, config.max_length):
            log.info("run %s: context %d exceeds the model's; YaRN rope scaling set", self.run_id, config.max_length)
        sequences = [
            build_sequence(t, self.tokenizer, vocab_size=self.vocab_size, mask_format_errors=(kind == "sft"))
            for t in trajectories
        ]
        split = split_by_context(sequences, config.max_length or self.context_length)
        if isinstance(config, DapoConfig) and config.old_logprobs == "trainer":
            split = dataclasses.replace(split, kept=self._with_trainer_old_logprobs(batch_path, split.kept))
        return split

    # ---- old log-probs recomputed by the trainer (old_logprobs "trainer") --------------------

    @staticmethod
    def trainer_logprobs_path(batch_path: str | Path) -> Path:
        return Path(f"{batch_path}.trainer-logprobs.json")

    def recompute_old_logprobs(self, batch_path: str | Path, at_step: int, raw_config: dict | None = None) -> dict:
        """The trainer's log-probs of a batch's action tokens under the weights that sampled it.

        Run for every batch of an iteration before its first step (the weights are then at step
        `at_step`, the iteration's checkpoint, which the sampler served) and kept beside the batch,
        so retries and replays reuse them. Refused once the weights have moved past `at_step`.
        """
        target = self.trainer_logprobs_path(batch_path)
        if target.is_file():
            return {"recomputed": False, "path": str(target)}
        with self.lock:
            self._check_usable()
            require_sampling_step(self.run_id, self.step, at_step, batch_path)
            self._write_old_logprobs(batch_path, at_step, raw_config, target)
        return {"recomputed": True, "path": str(target)}

    def _write_old_logprobs(self, batch_path, at_step: int, raw_config: dict | None, target: Path) -> None:
        config = parse_config("dapo", {**(raw_config or {}), "old_logprobs": "sampler"})
        sequences = self.load_sequences("dapo", batch_path, config)
        found = {s.episode_id: self._action_logprobs(s) for s in sequences}
        write_json_atomic(target, {"at_step": at_step, "logprobs": found})

    @torch.no_grad()
    def _action_logprobs(self, sequence: TrainingSequence) -> list[float]:
        with self._autocast():
            return action_logprobs_values(self.model, [sequence], self.device).tolist()

    def _with_trainer_old_logprobs(self, batch_path, sequences: list[TrainingSequence]) -> list[TrainingSequence]:
        target = self.trainer_logprobs_path(batch_path)
        if not target.is_file():
            raise InvalidInput(f"config.old_logprobs is 'trainer' but {target} does not exist: recompute_logprobs runs first")
        found = json.loads(target.read_text(encoding="utf-8"))["logprobs"]
        out = []
        for s in sequences:
            values = found.get(s.episode_id)
            positions = [t for t in range(1, len(s.input_ids)) if s.loss_mask[t]]
            if values is None or len(values) != len(positions):
                raise InvalidInput(f"{target}: episode {s.episode_id} has no or mismatched trainer log-probs")
            recomputed = list(s.old_logprobs)
            for t, value in zip(positions, values):
                recomputed[t] = value
            out.append(dataclasses.replace(s, trainer_old_logprobs=recomputed))
        return out

    def _set_hyperparameters(self, step: int, config: OptimConfig) -> float:
        return apply_hyperparameters(self.optimizer, step, config)

    def _autocast(self):
        if self.device.type == "cuda":
            return torch.autocast("cuda", dtype=torch.bfloat16)
        return nullcontext()

    def _reference_logprobs(self, sequences: list[TrainingSequence], mask: torch.Tensor) -> torch.Tensor:
        if self._reference_model is None:
            self._reference_model = load_model(
                self.model_path, self.device, torch.float32, max_context=self.context_length
            ).requires_grad_(False)
        with torch.no_grad(), self._autocast():
            return padded_action_logprobs(self._reference_model, sequences, mask)

    @staticmethod
    def micro_batches(sequences: list[TrainingSequence], config: OptimConfig) -> list[list[TrainingSequence]]:
        if config.micro_batch_tokens is not None:
            return group_by_token_budget(sequences, config.micro_batch_tokens)
        return group_by_count(sequences, config.micro_batch_size)

    def accumulate_gradients(
        self, kind: str, sequences: list[TrainingSequence], config: OptimConfig, progress: Progress | None = None
    ) -> dict[str, float]:
        """Forward and backward over micro-batches; leaves the whole batch's gradient in .grad.

        Each micro-batch's loss is normalised by the action-token (or sequence) count of the whole
        batch, so the summed gradient is exactly the gradient of the full-batch loss. A micro-batch
        is one packed row; log-probs are computed only where the next token is an action token.
        """
        num_tokens = sum(s.num_action_tokens for s in sequences)
        num_sequences = sum(1 for s in sequences if s.num_action_tokens > 0)
        chunks = self.micro_batches(sequences, config)
        sums: dict[str, float] = defaultdict(float)
        for index, chunk in enumerate(chunks):
            batch = collate(chunk, self.tokenizer.pad_token_id or 0, self.device)
            mask = batch.loss_mask[:, 1:]
            if not mask.any():  # nothing to train on: no forward at all
                if progress:
                    progress(index + 1, len(chunks))
                continue
            with self._autocast():
                logp = padded_action_logprobs(self.model, chunk, mask)
            if kind == "sft":
                out = sft_loss(logp, mask, num_tokens)
            else:
                assert isinstance(config, DapoConfig)
                ref = self._reference_logprobs(chunk, mask) if config.kl_coef else None
                out = batch_dapo_loss(logp, batch, mask, config, num_tokens, num_sequences, ref)
            out.loss.backward()
            sums["loss"] += out.loss.item()
            for name, value in out.metrics.items():
                # Normalised metrics add up across micro-batches; maxima combine by max.
                sums[name] = max(sums.get(name, float("-inf")), value.item()) if name.endswith("_max") else sums[name] + value.item()
            del logp, out
            if progress:
                progress(index + 1, len(chunks))
        sums["micro_batches"] = len(chunks)
        return dict(sums)

    def _apply(self, kind: str, step: int, batch_path: str, config: OptimConfig, progress, *, record: bool) -> dict:
        started = time.monotonic()
        log.info("run %s: %s %s step %d", self.run_id, "applying" if record else "replaying", kind, step)
        split = self._load_within_context(kind, batch_path, config)  # all validation happens before any gradient
        sequences = split.kept
        num_tokens = sum(s.num_action_tokens for s in sequences)
        if num_tokens == 0:
            raise InvalidInput(
                f"batch {batch_path!r} has no action tokens to train on"
                + (" (every assistant turn is a format error)" if kind == "sft" and not split.excluded else "")
                + (f" ({len(split.excluded)} sequence(s) longer than the context of {config.max_length or self.context_length} "
                   "tokens were excluded)" if split.excluded else "")
            )
        lr = self._set_hyperparameters(step, config)
        previous = self.ledger.read(step - 1)
        # Switching between SFT and DAPO starts a new phase: RL starts from the RFT weights with a
        # fresh optimizer, so SFT's momentum does not keep pushing every sampled token up.
        reset_optimizer = previous is not None and previous.kind != kind
        set_activation_checkpointing(self.model, wants_checkpointing(config.gradient_checkpointing, self.context_length))

        self.optimizer.zero_grad(set_to_none=True)
        try:
            sums = self.accumulate_gradients(kind, sequences, config, progress)
            grad_norm = float(torch.nn.utils.clip_grad_norm_(self.model.parameters(), config.grad_clip))
            if not math.isfinite(grad_norm) or not math.isfinite(sums["loss"]):
                raise FloatingPointError(
                    f"run {self.run_id} step {step}: non-finite loss or gradient norm; the update was not applied"
                )
            result = {
                "run_id": self.run_id, "step": step, "kind": kind, **sums,
                "micro_batches": int(sums["micro_batches"]), "optimizer_reset": reset_optimizer,
                "grad_norm": grad_norm, "lr": lr,
                "num_sequences": len(sequences), "num_action_tokens": int(num_tokens),
                "num_tokens": sum(len(s.input_ids) for s in sequences),
                **split.metrics(),
                "prompt_mismatch_turns": sum(s.prompt_mismatch_turns for s in sequences),  # token-in vs re-tokenised chat
                "duration_s": round(time.monotonic() - started, 3),
            }
            if kind == "dapo":
                result["advantage_mean"] = sum(s.advantage for s in sequences) / len(sequences)
            if split.excluded:
                log.warning("run %s step %d: %d sequence(s) over the context of %d tokens excluded",
                            self.run_id, step, len(split.excluded), config.max_length or self.context_length)
            if record:
                self.ledger.write(StepRecord(step, kind, batch_path, config.to_dict(), result))
        except BaseException:
            self.optimizer.zero_grad(set_to_none=True)
            raise
        try:
            if reset_optimizer:
                self.optimizer.state.clear()
            self.optimizer.step()
        except BaseException as error:
            # The step is recorded but maybe half applied: only a reload (checkpoint + replay) is safe now.
            self.broken = f"optimizer step {step} failed: {error!r}"
            raise
        finally:
            self.optimizer.zero_grad(set_to_none=True)
        self.step = step
        log.info("run %s: %s %s step %d", self.run_id, "applied" if record else "replayed", kind, step)
        return {**result, "applied": True}
