"""parameters_to_vector / vector_to_parameters: all parameters as one flat vector and back."""

from __future__ import annotations

from ..._tensor import Tensor
from ...ops.shape import cat

__all__ = ["parameters_to_vector", "vector_to_parameters"]


def _check_device(param, previous):
    """The device shared by the parameters so far; TypeError on a second device, as torch."""
    if previous is not None and param.device != previous:
        raise TypeError(
            "Found two parameters on different devices, this is currently not supported."
        )
    return param.device


def parameters_to_vector(parameters) -> Tensor:
    """Flatten and concatenate ``parameters`` into one 1-D tensor (differentiable)."""
    device = None
    flat = []
    for param in parameters:
        device = _check_device(param, device)
        flat.append(param.reshape(-1))
    return cat(flat)


def vector_to_parameters(vec: Tensor, parameters) -> None:
    """Point the data of each of ``parameters`` at consecutive slices of ``vec``."""
    if not isinstance(vec, Tensor):
        raise TypeError(
            f"expected torch.Tensor, but got: {type(vec).__module__}."
            f"{type(vec).__qualname__}".replace("builtins.", "")
        )
    device = None
    pointer = 0
    for param in parameters:
        device = _check_device(param, device)
        n = param.numel()
        param.data = vec[pointer : pointer + n].view_as(param).data
        pointer += n
