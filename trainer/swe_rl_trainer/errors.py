"""Errors the trainer raises on purpose, so callers can tell bad input from failures worth retrying."""
from __future__ import annotations


class InvalidInput(ValueError):
    """The request itself is wrong; retrying it unchanged cannot succeed."""


class ModelNotFound(InvalidInput):
    """A model or checkpoint directory is missing or is not a Hugging Face model directory."""


class TemplateMismatch(InvalidInput):
    """The chat template does not reproduce the conversation the policy server sampled from."""


class StepOutOfOrder(InvalidInput):
    """A training step number that skips ahead, goes back, or conflicts with a recorded step."""


def require_sampling_step(run_id: str, step: int, at_step: int, batch_path) -> None:
    """Old log-probs of a batch are computed under the weights that sampled it, at step `at_step`."""
    if step != at_step:
        raise StepOutOfOrder(
            f"run {run_id}: old log-probs of {batch_path} must be computed at step {at_step}; "
            f"the weights are at step {step}"
        )
