"""Adversarial tests: hostile checkpoints, byte flips and truncations (issue 8)."""
