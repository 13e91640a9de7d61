"""Every differentiable primitive (forward and backward together), and the public functions
that prepare their arguments in PyTorch's terms."""
