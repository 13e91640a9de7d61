"""The primitives: every differentiable op, forward and backward side by side."""
