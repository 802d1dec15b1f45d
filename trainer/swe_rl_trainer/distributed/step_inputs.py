"""A step's batch file as training sequences, the same way Trainer.load_sequences builds them:
a sequence over the context limit is excluded and counted, never cut."""
from __future__ import annotations

from pathlib import Path

from ..errors import InvalidInput
from ..long_context.context_limit import split_by_context
from ..sequence_builder import TrainingSequence, build_sequence
from ..step_config import DapoConfig, OptimConfig
from ..trajectory_batch import load_batch


def load_step_sequences(kind: str, batch_path: str | Path, config: OptimConfig, tokenizer,
                        vocab_size: int, context_length: int) -> tuple[list[TrainingSequence], dict[str, int]]:
    """The sequences to train on and the exclusion counts (excluded_overlong, ...)."""
    trajectories = load_batch(batch_path, require_advantage=(kind == "dapo"))
    built = [build_sequence(t, tokenizer, vocab_size=vocab_size, mask_format_errors=(kind == "sft")) for t in trajectories]
    # context_length is the model's after YaRN extension (run_steps), as Trainer's context_length.
    split = split_by_context(built, config.max_length or context_length)
    sequences = split.kept
    if isinstance(config, DapoConfig) and config.old_logprobs == "trainer":
        from ..trainer import Trainer

        # Reads the recomputed log-probs kept beside the batch; it uses no Trainer state.
        sequences = Trainer._with_trainer_old_logprobs(Trainer, batch_path, sequences)
    if sum(s.num_action_tokens for s in sequences) == 0:
        raise InvalidInput(f"batch {str(batch_path)!r} has no action tokens to train on")
    return sequences, split.metrics()
