"""Sequences over the context limit are excluded from a step and counted, never cut."""
from __future__ import annotations

from dataclasses import dataclass

from ..sequence_builder import TrainingSequence


@dataclass(frozen=True)
class ContextSplit:
    kept: list[TrainingSequence]
    excluded: list[TrainingSequence]

    def metrics(self) -> dict[str, int]:
        return {
            "excluded_overlong": len(self.excluded),
            "excluded_overlong_tokens": sum(len(s.input_ids) for s in self.excluded),
            "excluded_overlong_action_tokens": sum(s.num_action_tokens for s in self.excluded),
        }


def split_by_context(sequences: list[TrainingSequence], max_length: int) -> ContextSplit:
    kept = [s for s in sequences if len(s.input_ids) <= max_length]
    excluded = [s for s in sequences if len(s.input_ids) > max_length]
    return ContextSplit(kept, excluded)
