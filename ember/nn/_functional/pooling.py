"""F.max_pool1d/2d/3d, F.avg_pool*, F.adaptive_avg_pool*, F.adaptive_max_pool*, F.max_unpool*,
F.lp_pool*.

Thin functions: they check arguments with PyTorch's exceptions, add a batch dim to unbatched
input, then call the N-d primitives of :mod:`ember.ops.prims.pooling` (see NOTE [ Separable max
pooling ] there). Adaptive average pooling is separable too: one averaging matrix per spatial
dim, applied with matmul, so its gradients come from matmul's.
"""

from __future__ import annotations

import numpy as np

from ... import _dtype
from ..._dtype import kernel_not_implemented
from ..._factories import tensor
from ..._size import wrap_dim
from ..._tensor import Tensor
from ...ops.prims import pooling as P

__all__ = [
    "max_pool1d",
    "max_pool2d",
    "max_pool3d",
    "max_pool1d_with_indices",
    "max_pool2d_with_indices",
    "max_pool3d_with_indices",
    "avg_pool1d",
    "avg_pool2d",
    "avg_pool3d",
    "adaptive_avg_pool1d",
    "adaptive_avg_pool2d",
    "adaptive_avg_pool3d",
    "adaptive_max_pool1d",
    "adaptive_max_pool2d",
    "adaptive_max_pool3d",
    "adaptive_max_pool1d_with_indices",
    "adaptive_max_pool2d_with_indices",
    "adaptive_max_pool3d_with_indices",
    "max_unpool1d",
    "max_unpool2d",
    "max_unpool3d",
    "lp_pool1d",
    "lp_pool2d",
    "lp_pool3d",
]

_WORDS = {1: "one", 2: "two", 3: "three"}


def _arg(value, nd: int, what: str, name: str, allow_none: bool = False) -> tuple:
    """A pooling argument as ``nd`` ints (a single int or a 1-tuple broadcasts)."""
    if isinstance(value, (tuple, list)):
        if len(value) == 1 and nd > 1:
            return tuple(value) * nd
        if len(value) != nd or (allow_none and len(value) == 0):
            if nd == 1:
                raise RuntimeError(
                    f"{name}() {what} must be an int, list of ints or tuple of "
                    f"ints of size 1 but got size {len(value)}"
                )
            verb = "must be either" if what == "dilation" else "must either be"
            if allow_none:
                verb = "must either be omitted,"
            raise RuntimeError(
                f"{name}: {what} {verb} a single int, or a tuple of {_WORDS[nd]} ints"
            )
        return tuple(int(v) for v in value)
    return (int(value),) * nd


def _batched(input: Tensor, nd: int, name: str) -> tuple[Tensor, bool]:
    """``input`` with a batch dim; PyTorch's (kernel-specific) shape errors."""
    shape = list(input.shape)
    prefix = "max_pool1d: " if name == "max_pool1d" else ""
    optional = (
        f"{prefix}Expected {nd + 1}D or {nd + 2}D (batch mode) tensor with optional 0 "
        f"dim batch size for input, but got:{shape}"
    )
    if input.ndim not in (nd + 1, nd + 2):
        if name == "avg_pool2d" and input.ndim < 3:
            wrap_dim(-3, input.ndim)  # PyTorch reads the channel dim first, and fails there
        if name in ("max_pool1d", "avg_pool2d"):
            raise RuntimeError(optional)
        raise RuntimeError(
            f"non-empty {nd + 1}D or {nd + 2}D (batch mode) tensor expected for input"
        )
    first = 1 if input.ndim == nd + 2 else 0
    empty = [d for d in range(first, input.ndim) if shape[d] == 0]
    if empty and nd == 3:
        kernel = "max_pool3d_with_indices_out_cpu_template" if name == "max_pool3d" else name
        raise RuntimeError(
            f"{kernel}(): Expected input's non-batch dimensions to have positive "
            f"length, but input has a shape of {shape} and non-batch dimension "
            f"{empty[0] - first} has length zero!"
        )
    if empty:
        raise RuntimeError(optional)
    if first == 0:
        return input.unsqueeze(0), True
    return input, False


def _out_size(n, k, s, p, d, ceil_mode):
    """ATen's pooling_output_shape."""
    span = n + 2 * p - d * (k - 1) - 1 + (s - 1 if ceil_mode else 0)
    out = span // s + 1
    if ceil_mode and (out - 1) * s >= n + p:
        out -= 1
    return out


def _pool_shape(x, name, kernel, stride, padding, dilation, ceil_mode):
    """Checks shared by max and average pooling; returns the output's spatial shape."""
    if any(k <= 0 for k in kernel):
        raise RuntimeError(
            f"{name}() kernel_size must be greater than zero, but got {kernel[0]}"
            if len(kernel) == 1
            else "stride should not be zero"
        )
    if any(s <= 0 for s in stride):
        raise RuntimeError(
            f"{name}() stride must be greater than zero, but got {stride[0]}"
            if len(stride) == 1
            else "stride should not be zero"
        )
    if any(p < 0 for p in padding):
        raise RuntimeError(f"pad must be non-negative, but got pad: {min(padding)}")
    if any(d <= 0 for d in dilation):
        raise RuntimeError(f"dilation should be greater than zero, but got {list(dilation)}")
    for k, p, d in zip(kernel, padding, dilation):
        if p > (d * (k - 1) + 1) // 2:
            raise RuntimeError(
                f"pad should be at most half of effective kernel size, but got "
                f"pad={p}, kernel_size={k} and dilation={d}"
            )
    out = [
        _out_size(n, k, s, p, d, ceil_mode)
        for n, k, s, p, d in zip(x.shape[2:], kernel, stride, padding, dilation)
    ]
    if any(o < 1 for o in out):
        shown_in = "x".join(str(v) for v in (x.shape[1], *x.shape[2:]))
        shown_out = "x".join(str(v) for v in (x.shape[1], *out))
        raise RuntimeError(
            f"Given input size: ({shown_in}). Calculated output size: "
            f"({shown_out}). Output size is too small"
        )
    return out


# ---------------------------------------------------------------------------- max pooling


def _max_pool(input, kernel_size, stride, padding, dilation, ceil_mode, nd):
    name = f"max_pool{nd}d"
    if input.dtype is _dtype.bool:
        raise NotImplementedError(f"\"{name}\" not implemented for 'Bool'")
    kernel = _arg(kernel_size, nd, "kernel_size", name)
    stride = kernel if stride is None or stride == () else _arg(stride, nd, "stride", name, True)
    padding = _arg(padding, nd, "padding", name)
    dilation = _arg(dilation, nd, "dilation", name)
    x, unbatched = _batched(input, nd, name)
    out = _pool_shape(x, name, kernel, stride, padding, dilation, ceil_mode)
    specs = [
        ("regular", n, o, k, s, p, d)
        for n, o, k, s, p, d in zip(x.shape[2:], out, kernel, stride, padding, dilation)
    ]
    values, indices = P.max_pool(x, specs)
    if unbatched:
        return values.squeeze(0), indices.squeeze(0)
    return values, indices


def max_pool1d_with_indices(
    input: Tensor,
    kernel_size,
    stride=None,
    padding=0,  # noqa: A002
    dilation=1,
    ceil_mode: bool = False,
    return_indices: bool = False,
):
    """1-d max pooling of ``input`` (N, C, L): (values, flat indices into each plane)."""
    return _max_pool(input, kernel_size, stride, padding, dilation, ceil_mode, 1)


def max_pool2d_with_indices(
    input: Tensor,
    kernel_size,
    stride=None,
    padding=0,  # noqa: A002
    dilation=1,
    ceil_mode: bool = False,
    return_indices: bool = False,
):
    """2-d max pooling of ``input`` (N, C, H, W): (values, flat indices into each plane)."""
    return _max_pool(input, kernel_size, stride, padding, dilation, ceil_mode, 2)


def max_pool3d_with_indices(
    input: Tensor,
    kernel_size,
    stride=None,
    padding=0,  # noqa: A002
    dilation=1,
    ceil_mode: bool = False,
    return_indices: bool = False,
):
    """3-d max pooling of ``input`` (N, C, D, H, W): (values, flat indices into each plane)."""
    return _max_pool(input, kernel_size, stride, padding, dilation, ceil_mode, 3)


def max_pool1d(
    input: Tensor,
    kernel_size,
    stride=None,
    padding=0,
    dilation=1,  # noqa: A002
    ceil_mode: bool = False,
    return_indices: bool = False,
):
    """1-d max pooling (stride defaults to ``kernel_size``; padding counts as -inf)."""
    out = _max_pool(input, kernel_size, stride, padding, dilation, ceil_mode, 1)
    return out if return_indices else out[0]


def max_pool2d(
    input: Tensor,
    kernel_size,
    stride=None,
    padding=0,
    dilation=1,  # noqa: A002
    ceil_mode: bool = False,
    return_indices: bool = False,
):
    """2-d max pooling (stride defaults to ``kernel_size``; padding counts as -inf)."""
    out = _max_pool(input, kernel_size, stride, padding, dilation, ceil_mode, 2)
    return out if return_indices else out[0]


def max_pool3d(
    input: Tensor,
    kernel_size,
    stride=None,
    padding=0,
    dilation=1,  # noqa: A002
    ceil_mode: bool = False,
    return_indices: bool = False,
):
    """3-d max pooling (stride defaults to ``kernel_size``; padding counts as -inf)."""
    out = _max_pool(input, kernel_size, stride, padding, dilation, ceil_mode, 3)
    return out if return_indices else out[0]


# ---------------------------------------------------------------------------- average pooling


def _avg_pool(
    input, kernel_size, stride, padding, ceil_mode, count_include_pad, divisor_override, nd
):
    name = f"avg_pool{nd}d"
    if input.dtype is _dtype.bool:
        raise NotImplementedError(f"\"{name}\" not implemented for 'Bool'")
    kernel = _arg(kernel_size, nd, "kernel_size", name)
    stride = kernel if stride is None or stride == () else _arg(stride, nd, "stride", name, True)
    padding = _arg(padding, nd, "padding", name)
    if nd == 1 and input.ndim not in (2, 3):
        raise RuntimeError(
            f"Expected 2 to 3 dimensions, but got {input.ndim}-dimensional tensor "
            "for argument #1 'self' (while checking arguments for avg_pool1d)"
        )
    x, unbatched = _batched(input, nd, name)
    if divisor_override is not None and divisor_override == 0:
        raise RuntimeError("divisor must be not zero")
    out = _pool_shape(x, name, kernel, stride, padding, (1,) * nd, ceil_mode)
    y = P.avg_pool(x, kernel, stride, padding, out, count_include_pad, divisor_override)
    return y.squeeze(0) if unbatched else y


def avg_pool1d(
    input: Tensor,
    kernel_size,
    stride=None,
    padding=0,  # noqa: A002
    ceil_mode: bool = False,
    count_include_pad: bool = True,
) -> Tensor:
    """1-d average pooling (stride defaults to ``kernel_size``; zero padding)."""
    return _avg_pool(input, kernel_size, stride, padding, ceil_mode, count_include_pad, None, 1)


def avg_pool2d(
    input: Tensor,
    kernel_size,
    stride=None,
    padding=0,  # noqa: A002
    ceil_mode: bool = False,
    count_include_pad: bool = True,
    divisor_override: int | None = None,
) -> Tensor:
    """2-d average pooling (stride defaults to ``kernel_size``; zero padding)."""
    return _avg_pool(
        input, kernel_size, stride, padding, ceil_mode, count_include_pad, divisor_override, 2
    )


def avg_pool3d(
    input: Tensor,
    kernel_size,
    stride=None,
    padding=0,  # noqa: A002
    ceil_mode: bool = False,
    count_include_pad: bool = True,
    divisor_override: int | None = None,
) -> Tensor:
    """3-d average pooling (stride defaults to ``kernel_size``; zero padding)."""
    return _avg_pool(
        input, kernel_size, stride, padding, ceil_mode, count_include_pad, divisor_override, 3
    )


# ---------------------------------------------------------------------------- adaptive pooling


def _adaptive_size(input, output_size, nd, name):
    if nd == 1:
        if isinstance(output_size, (tuple, list)) and len(output_size) != 1:
            raise RuntimeError(
                f"{name}() argument 'output_size' should contain one int (got {len(output_size)})"
            )
        if input.ndim not in (2, 3):
            raise RuntimeError(
                f"Expected 2 to 3 dimensions, but got {input.ndim}-dimensional "
                "tensor for argument #1 'self' (while checking arguments for "
                f"{name})"
            )
    size = list(output_size) if isinstance(output_size, (tuple, list)) else [output_size] * nd
    if len(size) != nd:
        raise RuntimeError(f"{name}: output_size must be {nd}")
    if input.ndim not in (nd + 1, nd + 2):
        got = ": " if "max" in name else " "
        raise RuntimeError(
            f"{name}(): Expected {nd + 1}D or {nd + 2}D tensor, but got{got}{list(input.shape)}"
        )
    for d in range(1, input.ndim):
        if input.shape[d] == 0 and (d > 1 or input.ndim == nd + 1):
            raise RuntimeError(
                f"{name}(): Expected input to have non-zero size for non-batch "
                f"dimensions, but input has sizes {list(input.shape)} with "
                f"dimension {d} being empty"
            )
    size = [n if s is None else int(s) for s, n in zip(size, input.shape[-nd:])]
    if any(s < 0 for s in size):
        raise RuntimeError(
            f"{name}: elements of output_size must be greater than or equal to 0 "
            f"but received {{{', '.join(str(s) for s in size)}}}"
        )
    if not input.is_floating_point():
        raise kernel_not_implemented(f"{name}", input.dtype)
    return size


def _averaging(n: int, out: int, like: Tensor) -> Tensor:
    """(out, n) matrix whose row o averages PyTorch's adaptive window o."""
    m = np.zeros((out, n))
    for o in range(out):
        start, end = o * n // out, -(-(o + 1) * n // out)
        m[o, start:end] = 1.0 / (end - start)
    return tensor(m, dtype=like.dtype, device=like.device)


def _adaptive_avg(input, output_size, nd):
    size = _adaptive_size(input, output_size, nd, f"adaptive_avg_pool{nd}d")
    y = input
    for d in range(nd):
        axis = input.ndim - nd + d
        n = input.shape[axis]
        if n == size[d]:
            continue
        mat = _averaging(n, size[d], input).t()
        y = (y.movedim(axis, -1) @ mat).movedim(-1, axis)
    return y


def adaptive_avg_pool1d(input: Tensor, output_size) -> Tensor:  # noqa: A002
    """Average pooling of (N, C, L) to length ``output_size`` with PyTorch's adaptive windows."""
    return _adaptive_avg(input, output_size, 1)


def adaptive_avg_pool2d(input: Tensor, output_size) -> Tensor:  # noqa: A002
    """Average pooling of (N, C, H, W) to ``output_size`` (None keeps a dim)."""
    return _adaptive_avg(input, output_size, 2)


def adaptive_avg_pool3d(input: Tensor, output_size) -> Tensor:  # noqa: A002
    """Average pooling of (N, C, D, H, W) to ``output_size`` (None keeps a dim)."""
    return _adaptive_avg(input, output_size, 3)


def _adaptive_max(input, output_size, nd):
    size = _adaptive_size(input, output_size, nd, f"adaptive_max_pool{nd}d")
    x = input.unsqueeze(0) if input.ndim == nd + 1 else input
    specs = [("adaptive", n, o) for n, o in zip(x.shape[2:], size)]
    values, indices = P.max_pool(x, specs)
    if input.ndim == nd + 1:
        return values.squeeze(0), indices.squeeze(0)
    return values, indices


def adaptive_max_pool1d_with_indices(
    input: Tensor,
    output_size,  # noqa: A002
    return_indices: bool = False,
):
    """Adaptive 1-d max pooling: (values, flat indices into each plane)."""
    return _adaptive_max(input, output_size, 1)


def adaptive_max_pool2d_with_indices(
    input: Tensor,
    output_size,  # noqa: A002
    return_indices: bool = False,
):
    """Adaptive 2-d max pooling: (values, flat indices into each plane)."""
    return _adaptive_max(input, output_size, 2)


def adaptive_max_pool3d_with_indices(
    input: Tensor,
    output_size,  # noqa: A002
    return_indices: bool = False,
):
    """Adaptive 3-d max pooling: (values, flat indices into each plane)."""
    return _adaptive_max(input, output_size, 3)


def adaptive_max_pool1d(input: Tensor, output_size, return_indices: bool = False):  # noqa: A002
    """Max pooling of (N, C, L) to length ``output_size`` with PyTorch's adaptive windows."""
    out = _adaptive_max(input, output_size, 1)
    return out if return_indices else out[0]


def adaptive_max_pool2d(input: Tensor, output_size, return_indices: bool = False):  # noqa: A002
    """Max pooling of (N, C, H, W) to ``output_size`` (None keeps a dim)."""
    out = _adaptive_max(input, output_size, 2)
    return out if return_indices else out[0]


def adaptive_max_pool3d(input: Tensor, output_size, return_indices: bool = False):  # noqa: A002
    """Max pooling of (N, C, D, H, W) to ``output_size`` (None keeps a dim)."""
    out = _adaptive_max(input, output_size, 3)
    return out if return_indices else out[0]


# ---------------------------------------------------------------------------- unpooling


def _unpool_size(input, kernel, stride, padding, output_size):
    """torch.nn.functional._unpool_output_size."""
    nd = len(kernel)
    default = [
        (input.shape[-nd + d] - 1) * stride[d] + kernel[d] - 2 * padding[d] for d in range(nd)
    ]
    if output_size is None:
        return default
    output_size = list(output_size)
    if len(output_size) == nd + 2:
        output_size = output_size[2:]
    if len(output_size) != nd:
        raise ValueError(
            f"output_size should be a sequence containing {nd} or {nd + 2} "
            f"elements, but it has a length of '{len(output_size)}'"
        )
    for d in range(nd):
        lo, hi = default[d] - stride[d], default[d] + stride[d]
        if not lo < output_size[d] < hi:
            raise ValueError(
                f'invalid output_size "{tuple(output_size)}" (dim {d} must be '
                f"between {lo} and {hi})"
            )
    return output_size


def _max_unpool(input, indices, kernel_size, stride, padding, output_size, nd):
    kernel = _arg(kernel_size, nd, "kernel_size", f"max_unpool{nd}d")
    stride = kernel if stride is None else _arg(stride, nd, "stride", f"max_unpool{nd}d")
    padding = _arg(padding, nd, "padding", f"max_unpool{nd}d")
    size = _unpool_size(input, kernel, stride, padding, output_size)
    if input.ndim not in (nd + 1, nd + 2):
        shown = max(nd, 2)
        raise RuntimeError(
            f"Input to max_unpooling{shown}d should be a {shown + 1}d or "
            f"{shown + 2}d Tensor, but got a tensor with {input.ndim} dimensions."
        )
    if indices.dtype is not _dtype.int64:
        raise RuntimeError(
            f"elements in indices should be type int64 but got: {indices.dtype.legacy_name}"
        )
    if tuple(indices.shape) != tuple(input.shape):
        extra = [1] if nd == 1 else []  # 1-d unpooling runs as a 2-d one in ATen
        raise RuntimeError(
            "Expected shape of indices to be same as that of the input tensor "
            f"({list(input.shape) + extra}) but got indices tensor with shape: "
            f"{list(indices.shape) + extra}"
        )
    unbatched = input.ndim == nd + 1
    x = input.unsqueeze(0) if unbatched else input
    idx = indices.unsqueeze(0) if unbatched else indices
    plane = int(np.prod(size))
    if idx.numel():
        bad = idx.detach()
        lo, hi = int(bad.min().item()), int(bad.max().item())
        if lo < 0 or hi >= plane:
            shown = size + [1] if nd == 1 else size
            raise RuntimeError(
                f"Found an invalid max index: {hi if hi >= plane else lo} "
                f"(output volumes are of size {'x'.join(map(str, shown))})"
            )
    out = P.unpool(x, idx, (*x.shape[:2], *size))
    return out.squeeze(0) if unbatched else out


def max_unpool1d(
    input: Tensor,
    indices: Tensor,
    kernel_size,
    stride=None,  # noqa: A002
    padding=0,
    output_size=None,
) -> Tensor:
    """Partial inverse of max_pool1d: values written at ``indices``, zeros elsewhere."""
    return _max_unpool(input, indices, kernel_size, stride, padding, output_size, 1)


def max_unpool2d(
    input: Tensor,
    indices: Tensor,
    kernel_size,
    stride=None,  # noqa: A002
    padding=0,
    output_size=None,
) -> Tensor:
    """Partial inverse of max_pool2d: values written at ``indices``, zeros elsewhere."""
    return _max_unpool(input, indices, kernel_size, stride, padding, output_size, 2)


def max_unpool3d(
    input: Tensor,
    indices: Tensor,
    kernel_size,
    stride=None,  # noqa: A002
    padding=0,
    output_size=None,
) -> Tensor:
    """Partial inverse of max_pool3d: values written at ``indices``, zeros elsewhere."""
    return _max_unpool(input, indices, kernel_size, stride, padding, output_size, 3)


# ---------------------------------------------------------------------------- power-average


def _lp_pool(input, norm_type, kernel_size, stride, ceil_mode, nd):
    max_pool = (max_pool1d, max_pool2d, max_pool3d)[nd - 1]
    avg_pool = (avg_pool1d, avg_pool2d, avg_pool3d)[nd - 1]
    if norm_type == float("inf"):
        return max_pool(input.abs(), kernel_size, stride, 0, 1, ceil_mode)
    if norm_type == -float("inf"):
        return -max_pool(-input.abs(), kernel_size, stride, 0, 1, ceil_mode)
    out = avg_pool(input.pow(norm_type), kernel_size, stride, 0, ceil_mode)
    count = int(np.prod(_arg(kernel_size, nd, "kernel_size", f"lp_pool{nd}d")))
    return (out.sign() * out.abs().relu()).mul(count).pow(1.0 / norm_type)


def lp_pool1d(
    input: Tensor,
    norm_type: float,
    kernel_size,
    stride=None,  # noqa: A002
    ceil_mode: bool = False,
) -> Tensor:
    """Power-average pooling ``(sum x^p)^(1/p)`` over 1-d windows."""
    return _lp_pool(input, norm_type, kernel_size, stride, ceil_mode, 1)


def lp_pool2d(
    input: Tensor,
    norm_type: float,
    kernel_size,
    stride=None,  # noqa: A002
    ceil_mode: bool = False,
) -> Tensor:
    """Power-average pooling ``(sum x^p)^(1/p)`` over 2-d windows."""
    return _lp_pool(input, norm_type, kernel_size, stride, ceil_mode, 2)


def lp_pool3d(
    input: Tensor,
    norm_type: float,
    kernel_size,
    stride=None,  # noqa: A002
    ceil_mode: bool = False,
) -> Tensor:
    """Power-average pooling ``(sum x^p)^(1/p)`` over 3-d windows."""
    return _lp_pool(input, norm_type, kernel_size, stride, ceil_mode, 3)
