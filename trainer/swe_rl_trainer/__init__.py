"""swe-rl's trainer: PyTorch training steps behind a Temporal worker on the swe-rl-trainer queue."""
