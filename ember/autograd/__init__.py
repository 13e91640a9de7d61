"""Reverse-mode automatic differentiation (``torch.autograd``)."""

from __future__ import annotations

import warnings

from . import functional
from .function import Function, FunctionCtx, once_differentiable
from .grad_mode import enable_grad, inference_mode, is_grad_enabled, no_grad, set_grad_enabled
from .gradcheck import gradcheck, gradgradcheck


def _as_tuple(x):
    if x is None:
        return None
    if isinstance(x, (tuple, list)):
        return tuple(x)
    return (x,)


def _make_grads(outputs, grads):
    from .. import _factories
    from .._tensor import Tensor

    out = []
    for i, (t, g) in enumerate(zip(outputs, grads)):
        if g is None:
            if t.numel() != 1:
                raise RuntimeError("grad can be implicitly created only for scalar outputs")
            if not t.is_floating_point():
                raise RuntimeError(
                    "grad can be implicitly created only for real scalar outputs "
                    f"but got {t.dtype!r}"
                )
            g = _factories.ones_like(t)
        elif not isinstance(g, Tensor):
            g = _factories.full_like(t, g)
        elif g.shape != t.shape:
            raise RuntimeError(
                f"Mismatch in shape: grad_output[{i}] has a shape of "
                f"{g.shape} and output[{i}] has a shape of {t.shape}."
            )
        out.append(g)
    return out


def backward(
    tensors,
    grad_tensors=None,
    retain_graph=None,
    create_graph=False,
    grad_variables=None,
    inputs=None,
):
    """Accumulate gradients of ``tensors`` into the leaves' ``.grad``."""
    from .engine import run_backward

    if grad_variables is not None:
        warnings.warn(
            "`grad_variables` is deprecated. Use `grad_tensors` instead.",
            FutureWarning,
            stacklevel=2,
        )
        if grad_tensors is not None:
            raise RuntimeError(
                "`grad_tensors` and `grad_variables` (deprecated) arguments both passed to "
                "`backward()`. Please only use `grad_tensors`."
            )
        grad_tensors = grad_variables
    tensors = _as_tuple(tensors)
    grads = _as_tuple(grad_tensors) or (None,) * len(tensors)
    if len(grads) != len(tensors):
        raise RuntimeError(f"got {len(grads)} tensors and {len(tensors)} gradients")
    if retain_graph is None:
        retain_graph = create_graph
    inputs = _as_tuple(inputs)
    if inputs is not None and len(inputs) == 0:
        raise RuntimeError("`inputs` argument to `backward()` cannot be empty.")
    grads = _make_grads(tensors, grads)
    run_backward(
        tensors,
        grads,
        retain_graph,
        create_graph,
        inputs=inputs,
        accumulate=True,
        allow_unused=True,
    )


def grad(
    outputs,
    inputs,
    grad_outputs=None,
    retain_graph=None,
    create_graph=False,
    only_inputs=True,
    allow_unused=None,
    is_grads_batched=False,
    materialize_grads=False,
):
    """The gradients of ``outputs`` with respect to ``inputs`` (nothing accumulates in .grad).

    ``is_grads_batched``: each of ``grad_outputs`` has a leading batch dim, and the gradients
    get one too (PyTorch vmaps; ember runs the backward once per batch element)."""
    from .. import _factories
    from .engine import run_backward

    if not only_inputs:
        warnings.warn(
            "only_inputs argument is deprecated and is ignored now (defaults to True). To "
            "accumulate gradient for other parts of the graph, please use "
            "torch.autograd.backward.",
            FutureWarning,
            stacklevel=2,
        )
    if is_grads_batched:
        return _batched_grad(
            outputs,
            inputs,
            grad_outputs,
            retain_graph,
            create_graph,
            allow_unused,
            materialize_grads,
        )
    outputs = _as_tuple(outputs)
    inputs = _as_tuple(inputs)
    grads = _as_tuple(grad_outputs) or (None,) * len(outputs)
    if retain_graph is None:
        retain_graph = create_graph
    if allow_unused is None:
        allow_unused = materialize_grads
    grads = _make_grads(outputs, grads)
    result = run_backward(
        outputs,
        grads,
        retain_graph,
        create_graph,
        inputs=inputs,
        accumulate=False,
        allow_unused=allow_unused,
    )
    if materialize_grads:
        result = tuple(_factories.zeros_like(i) if g is None else g for g, i in zip(result, inputs))
    return result


def _batched_grad(outputs, inputs, grad_outputs, retain_graph, create_graph, *flags):
    """``grad(..., is_grads_batched=True)``: one backward per batch element, stacked."""
    from ..ops.shape import stack

    outputs, inputs = _as_tuple(outputs), _as_tuple(inputs)
    batched = _as_tuple(grad_outputs)
    size = batched[0].shape[0]
    rows = [
        grad(
            outputs,
            inputs,
            [g[i] for g in batched],
            True if i < size - 1 else retain_graph,
            create_graph,
            True,
            *flags,
        )
        for i in range(size)
    ]
    return tuple(
        None if any(r[k] is None for r in rows) else stack([r[k] for r in rows])
        for k in range(len(inputs))
    )


def __getattr__(name):
    if name == "profiler":  # torch.autograd.profiler, imported on first touch
        import importlib

        return importlib.import_module(".profiler", __name__)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


__all__ = [
    "Function",
    "FunctionCtx",
    "backward",
    "grad",
    "gradcheck",
    "gradgradcheck",
    "no_grad",
    "enable_grad",
    "set_grad_enabled",
    "inference_mode",
    "is_grad_enabled",
    "functional",
    "once_differentiable",
]
