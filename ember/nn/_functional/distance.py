"""Distances, similarities and encodings of ``torch.nn.functional``: one_hot, normalize,
cosine_similarity, pairwise_distance, pdist and gumbel_softmax; also ``ember.cdist``, which torch
exports only at the top level.

All are compositions of ember ops, so their gradients (and double backward) come from the
primitives they are built from; the formulas are PyTorch's, step for step, so values and
gradients agree with ``torch`` also at the edges (zero vectors, ``eps`` clamps).
"""

from __future__ import annotations

import warnings

from ... import _dtype, _factories
from ..._tensor import Tensor
from ...ops import shape as shaping
from ...ops._out import OutRule, with_out
from ...ops._promote import cast

__all__ = [
    "one_hot",
    "normalize",
    "cosine_similarity",
    "pairwise_distance",
    "pdist",
    "gumbel_softmax",
]

# the names torch also has at top level (torch.cdist, torch.pdist, ...): ember.<name>
TOP_LEVEL = ["cdist", "pdist", "cosine_similarity", "pairwise_distance"]


def one_hot(tensor: Tensor, num_classes: int = -1) -> Tensor:
    """int64 one-hot encoding of class indices: shape ``(*tensor.shape, num_classes)``;
    ``num_classes=-1`` infers ``max + 1``."""
    if tensor.dtype is not _dtype.int64:
        raise RuntimeError("one_hot is only applicable to index tensor of type LongTensor.")
    if tensor.numel() == 0:
        if num_classes <= 0:
            raise RuntimeError("Can not infer total number of classes from empty tensor.")
        return _factories.zeros(
            *tensor.shape, num_classes, dtype=_dtype.int64, device=tensor.device
        )
    if int(tensor.min()) < 0:
        raise RuntimeError("Class values must be non-negative.")
    top = int(tensor.max())
    if num_classes == -1:
        num_classes = top + 1
    elif num_classes <= top:
        raise RuntimeError("Class values must be smaller than num_classes.")
    classes = _factories.arange(num_classes, device=tensor.device)
    return (tensor.unsqueeze(-1) == classes).long()


def normalize(
    input: Tensor,
    p: float = 2.0,
    dim: int = 1,
    eps: float = 1e-12,  # noqa: A002
    out: Tensor | None = None,
) -> Tensor:
    """``input / max(||input||_p, eps)`` with the norm taken over ``dim``."""
    if out is not None:
        return with_out(out, OutRule("div"), normalize, input, p, dim, eps)
    denom = input.norm(p, dim, keepdim=True).clamp_min(eps).expand_as(input)
    return input / denom


def _clamped_norm(x: Tensor, dim: int, eps: float) -> Tensor:
    """PyTorch's ``vector_norm(x).clone()`` then ``clamp_min_(eps)`` under ``no_grad``: the value
    is clamped, the gradient flows as if it were not."""
    norm = x.norm(2, dim, keepdim=True)
    return norm + (norm.clamp_min(eps) - norm).detach()


def cosine_similarity(x1: Tensor, x2: Tensor, dim: int = 1, eps: float = 1e-8) -> Tensor:
    """``<x1, x2> / (max(||x1||, eps) * max(||x2||, eps))`` along ``dim`` (inputs broadcast)."""
    common = _dtype.result_type(x1, x2)
    if not common.is_floating_point:
        raise RuntimeError(
            f"expected common dtype to be floating point, yet common dtype is {common.legacy_name}"
        )
    if not x1.is_floating_point():
        x1 = cast(x1, common)
    if not x2.is_floating_point():
        x2 = cast(x2, common)
    x1, x2 = shaping.broadcast_tensors(x1, x2)
    return ((x1 / _clamped_norm(x1, dim, eps)) * (x2 / _clamped_norm(x2, dim, eps))).sum(dim)


def pairwise_distance(
    x1: Tensor, x2: Tensor, p: float = 2.0, eps: float = 1e-6, keepdim: bool = False
) -> Tensor:
    """``||x1 - x2 + eps||_p`` over the last dimension (inputs broadcast)."""
    innermost = max(x1.ndim, x2.ndim) - 1
    return (x1 - x2 + eps).norm(p, innermost, keepdim=keepdim)


def _float_name(t: Tensor) -> str:
    return t.dtype.legacy_name


def pdist(input: Tensor, p: float = 2) -> Tensor:  # noqa: A002
    """The ``p``-norm distances between the rows of a 2-D ``input``, upper triangle, row-major:
    shape ``(N * (N - 1) / 2,)``."""
    if input.ndim != 2:
        raise RuntimeError(f"pdist only supports 2D tensors, got: {input.ndim}D")
    if not input.is_floating_point():
        raise RuntimeError("pdist only supports floating-point dtypes")
    if p < 0:
        raise RuntimeError("pdist only supports non-negative p values")
    n = input.shape[0]
    i, j = _factories.triu_indices(n, n, 1, device=input.device)
    return (input.index_select(0, i) - input.index_select(0, j)).norm(p, -1)


_CDIST_MODES = {
    "use_mm_for_euclid_dist_if_necessary": 0,
    "use_mm_for_euclid_dist": 1,
    "donot_use_mm_for_euclid_dist": 2,
}


def _euclidean_dist(x1: Tensor, x2: Tensor) -> Tensor:
    """PyTorch's matrix-product form of the Euclidean distance:
    ``sqrt(max(|a|^2 + |b|^2 - 2 a.b, 1e-30))`` as one batched GEMM."""
    n1 = (x1 * x1).sum(-1, keepdim=True)
    n2 = (x2 * x2).sum(-1, keepdim=True)
    a = shaping.cat([x1 * -2, n1, _factories.ones_like(n1)], -1)
    b = shaping.cat([x2, _factories.ones_like(n2), n2], -1)
    return (a @ b.mT).clamp_min(1e-30).sqrt()


def cdist(
    x1: Tensor,
    x2: Tensor,
    p: float = 2.0,
    compute_mode: str = "use_mm_for_euclid_dist_if_necessary",
) -> Tensor:
    """The ``p``-norm distance between each row of ``x1`` ``(B*, P, M)`` and each row of
    ``x2`` ``(B*, R, M)``: shape ``(B*, P, R)`` (batch dims broadcast).

    For ``p=2`` the matrix-product form is used when ``compute_mode`` asks for it, or (the
    default) when ``P > 25`` or ``R > 25``, as in PyTorch.
    """
    if compute_mode not in _CDIST_MODES:
        raise ValueError(f"{compute_mode} is not a valid value for compute_mode")
    mode = _CDIST_MODES[compute_mode]
    for name, x in (("X1", x1), ("X2", x2)):
        if x.ndim < 2:
            raise RuntimeError(f"cdist only supports at least 2D tensors, {name} got: {x.ndim}D")
    if x1.shape[-1] != x2.shape[-1]:
        raise RuntimeError(
            f"X1 and X2 must have the same number of columns. X1: {x1.shape[-1]} X2: {x2.shape[-1]}"
        )
    for name, x in (("X1", x1), ("X2", x2)):
        if not x.is_floating_point():
            raise RuntimeError(
                f"cdist only supports floating-point dtypes, {name} got: {_float_name(x)}"
            )
    if p < 0:
        raise RuntimeError("cdist only supports non-negative p values")
    if x1.dtype is not x2.dtype:
        raise RuntimeError(f"expected scalar type {_float_name(x1)} but found {_float_name(x2)}")
    batch = tuple(shaping.broadcast_shapes(tuple(x1.shape[:-2]), tuple(x2.shape[:-2])))
    r1, r2, m = x1.shape[-2], x2.shape[-2], x1.shape[-1]
    x1 = x1.expand(*batch, r1, m)
    x2 = x2.expand(*batch, r2, m)
    if x1.numel() == 0 or x2.numel() == 0 or m == 0:  # zeros, still connected to the inputs
        return (x1.unsqueeze(-2) - x2.unsqueeze(-3)).sum(-1) * 0
    if p == 2 and (mode == 1 or (mode == 0 and (r1 > 25 or r2 > 25))):
        return _euclidean_dist(x1, x2)
    return (x1.unsqueeze(-2) - x2.unsqueeze(-3)).norm(p, -1)


def gumbel_softmax(
    logits: Tensor, tau: float = 1, hard: bool = False, eps: float = 1e-10, dim: int = -1
) -> Tensor:
    """A sample from the Gumbel-softmax distribution: ``softmax((logits + g) / tau)`` with
    ``g ~ Gumbel(0, 1)``; ``hard=True`` returns the one-hot argmax whose gradient is the soft
    sample's (straight-through)."""
    if eps != 1e-10:
        warnings.warn("`eps` parameter is deprecated and has no effect.", stacklevel=2)
    gumbels = -_factories.empty_like(logits).exponential_().log()
    y_soft = ((logits + gumbels) / tau).softmax(dim)
    if not hard:
        return y_soft
    index = y_soft.max(dim, keepdim=True)[1]
    y_hard = _factories.zeros_like(logits).scatter_(dim, index, 1.0)
    return y_hard - y_soft.detach() + y_soft
