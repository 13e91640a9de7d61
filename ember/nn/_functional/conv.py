"""F.conv1d/2d/3d, F.conv_transpose1d/2d/3d, F.unfold and F.fold.

Thin functions: they check arguments with PyTorch's exceptions, add a batch dim to unbatched
input, then call the N-d primitives of :mod:`ember.ops.prims.conv` (see NOTE [ Convolution as a
GEMM ] there). The bias is a separate broadcast add, so the engine derives its gradient.
"""

from __future__ import annotations

from ..._tensor import Tensor
from ...ops.prims import conv as C

__all__ = [
    "conv1d",
    "conv2d",
    "conv3d",
    "conv_transpose1d",
    "conv_transpose2d",
    "conv_transpose3d",
    "unfold",
    "fold",
]

_SPATIAL = ("depth", "height", "width")


def ntuple(value, n: int) -> tuple:
    """PyTorch's ``_single``/``_pair``/``_triple``: an iterable as a tuple, else ``n`` copies."""
    if isinstance(value, (tuple, list)):
        return tuple(value)
    return (value,) * n


def _expand(value, nd: int, name: str, fn: str) -> tuple:
    """A conv argument of function ``fn`` broadcast to ``nd`` ints, as ATen's
    ``expand_param_if_needed``; not an int is a TypeError (PyTorch's parser words it after how
    the argument was passed, ember as its parser does for a tuple's later element)."""
    if isinstance(value, (tuple, list)):
        if len(value) == 1:
            value = tuple(value) * nd
        if len(value) != nd:
            raise RuntimeError(
                f"expected {name} to be a single integer value or a list of {nd} "
                f"values to match the convolution dimensions, but got "
                f"{name}={list(value)}"
            )
        values = tuple(value)
    else:
        values = (value,) * nd
    bad = [i for i, v in enumerate(values) if not hasattr(v, "__index__")]  # 1.5 is no stride
    if bad and not isinstance(value, (tuple, list)):
        raise TypeError(
            f"{fn}(): argument '{name}' must be tuple of ints, not {type(value).__name__}"
        )
    if bad:
        got = type(values[bad[0]]).__name__
        raise TypeError(
            f"{fn}(): argument '{name}' failed to unpack the object at pos {bad[0] + 1} with "
            f'error "type must be tuple of ints,but got {got}"'
        )
    return tuple(int(v) for v in values)


def _sizes(values) -> str:
    return " x ".join(str(v) for v in values)


def _batched(input: Tensor, nd: int, name: str) -> tuple[Tensor, bool]:
    if input.ndim not in (nd + 1, nd + 2):
        raise RuntimeError(
            f"Expected {nd + 1}D (unbatched) or {nd + 2}D (batched) input to "
            f"{name}, but got input of size: {list(input.shape)}"
        )
    if input.ndim == nd + 1:
        return input.unsqueeze(0), True
    return input, False


def _check_common(
    input, weight, bias, stride, padding, dilation, groups, transposed, output_padding=()
):
    """ATen's ``check_shape_forward``: signs, groups, channels, bias, dtypes."""
    if any(p < 0 for p in padding):
        raise RuntimeError("negative padding is not supported")
    if any(p < 0 for p in output_padding):
        raise RuntimeError("negative output_padding is not supported")
    if any(s <= 0 for s in stride):
        raise RuntimeError("non-positive stride is not supported")
    if any(d < 0 for d in dilation):
        raise RuntimeError("dilation should be greater than zero")
    if not transposed and any(d == 0 for d in dilation):  # the transposed kernel's own check
        shown = [1] * (len(dilation) == 1) + list(dilation)  # conv1d runs as a 2-d one
        raise RuntimeError(f"dilation should be greater than zero, but got {shown}")
    if groups <= 0:
        raise RuntimeError("non-positive groups is not supported")
    w = list(weight.shape)
    if w[0] < groups:
        raise RuntimeError(
            f"Given groups={groups}, expected weight to be at least {groups} at dimension 0, "
            f"but got weight of size {w} instead"
        )
    if w[0] % groups:
        raise RuntimeError(
            f"Given groups={groups}, expected weight to be divisible by {groups} "
            f"at dimension 0, but got weight of size [{w}] instead"
        )
    expected = w[0] if transposed else w[1] * groups
    if input.shape[1] != expected:
        head = "transposed=1" if transposed else f"groups={groups}"
        raise RuntimeError(
            f"Given {head}, weight of size {w}, expected input"
            f"{list(input.shape)} to have {expected} channels, but got "
            f"{input.shape[1]} channels instead"
        )
    n_out = w[1] * groups if transposed else w[0]
    if bias is not None and (bias.ndim != 1 or bias.shape[0] != n_out):
        head = "transposed=1, weight" if transposed else "weight"
        raise RuntimeError(
            f"Given {head} of size {w}, expected bias to be 1-dimensional with "
            f"{n_out} elements, but got bias of size {list(bias.shape)} instead"
        )
    if weight.dtype is not input.dtype:
        raise RuntimeError(
            f"expected scalar type {input.dtype.legacy_name} but found {weight.dtype.legacy_name}"
        )
    if bias is not None and bias.dtype is not input.dtype:
        raise RuntimeError(
            f"Input type ({input.dtype.cpp_name}) and bias type "
            f"({bias.dtype.cpp_name}) should be the same"
        )
    if input.dtype.name == "bool":
        raise NotImplementedError("\"slow_conv2d_cpu\" not implemented for 'Bool'")


def _check_kernel(weight, dilation, nd: int) -> None:
    """ATen's CPU kernels refuse a kernel size of 0 (after check_shape_forward), each in its own
    words."""
    k = list(weight.shape[2:])
    if all(k):
        return
    if any(d != 1 for d in dilation):  # the dilated kernels
        raise RuntimeError(
            f"kernel size should be greater than zero, but got {[1] * (nd == 1) + k}"
        )
    if nd == 3:
        raise RuntimeError(f"kernel size should be greater than zero, but got: {_sizes(k)} (TxHxW)")
    kh, kw = [1] * (nd == 1) + k
    raise RuntimeError(
        f"kernel size should be greater than zero, but got kernel_height: {kh} kernel_width: {kw}"
    )


def _check_transposed_kernel(x, weight, dilation, nd: int, lift) -> None:
    """ATen's slow_conv_transpose2d/3d shape checks on what check_shape_forward lets through:
    input empty but for its batch or channels, a kernel size of 0, an empty weight, a zero
    dilation; conv_transpose1d runs as a 2-d one, so its messages show a height of 1."""
    if x.numel() == 0 and x.shape[0] and x.shape[1]:
        raise RuntimeError(
            "Only zero batch or zero channel inputs are supported, but got input shape: "
            f"{list(x.shape[:2]) + list(lift(x.shape[2:], 1))}"
        )
    w = list(weight.shape[:2]) + list(lift(weight.shape[2:], 1))
    if nd == 3 and weight.numel() == 0:
        raise RuntimeError(
            "non-empty 5D (n_output_plane x n_input_plane x kernel_depth x kernel_height x "
            f"kernel_width) tensor expected for weight, but got: {w}"
        )
    _check_kernel(weight, (1,) * nd, nd)
    if weight.numel() == 0:
        raise RuntimeError(f"non-empty 2D or 4D weight tensor expected, but got: {w}")
    if any(d == 0 for d in dilation):
        names = _SPATIAL[3 - max(nd, 2) :]
        shown = ", ".join(f"dilation_{n}: {d}" for n, d in zip(names, lift(dilation, 1)))
        raise RuntimeError(f"dilation should be greater than zero, but got {shown}")


def _add_bias(out: Tensor, bias: Tensor | None) -> Tensor:
    if bias is None:
        return out
    return out + bias.reshape((-1,) + (1,) * (out.ndim - 2))


def _conv(input, weight, bias, stride, padding, dilation, groups, nd: int, name: str):
    x, unbatched = _batched(input, nd, name)
    if weight.ndim != nd + 2:
        raise RuntimeError(
            f"expected stride to be a single integer value or a list of "
            f"{weight.ndim - 2} values to match the convolution dimensions, but "
            f"got stride={list(_expand(stride, nd, 'stride', name))}"
        )
    stride = _expand(stride, nd, "stride", name)
    if isinstance(padding, str):
        if padding not in ("same", "valid"):
            raise RuntimeError(f"Invalid padding string: '{padding}'")
        dilation = _expand(dilation, nd, "dilation", name)
        if padding == "same" and any(s != 1 for s in stride):
            raise RuntimeError("padding='same' is not supported for strided convolutions")
        kernel = weight.shape[2:]
        # max: a zero-size kernel is refused below with its own error, not as negative padding
        total = [max(d * (k - 1), 0) if padding == "same" else 0 for d, k in zip(dilation, kernel)]
        pairs = tuple((t // 2, t - t // 2) for t in total)
        flat = total
    else:
        flat = _expand(padding, nd, "padding", name)
        dilation = _expand(dilation, nd, "dilation", name)
        pairs = tuple((p, p) for p in flat)
    _check_common(x, weight, bias, stride, flat, dilation, groups, transposed=False)
    padded = [n + lo + hi for n, (lo, hi) in zip(x.shape[2:], pairs)]
    eff = [d * (k - 1) + 1 for d, k in zip(dilation, weight.shape[2:])]
    if any(p < k for p, k in zip(padded, eff)):
        raise RuntimeError(
            f"Calculated padded input size per channel: ({_sizes(padded)}). "
            f"Kernel size: ({_sizes(eff)}). Kernel size can't be greater than "
            "actual input size"
        )
    _check_kernel(weight, dilation, nd)
    out = _add_bias(C.conv(x, weight, stride, pairs, dilation, groups), bias)
    return out.squeeze(0) if unbatched else out


def conv1d(
    input: Tensor,
    weight: Tensor,
    bias: Tensor | None = None,
    stride=1,  # noqa: A002
    padding=0,
    dilation=1,
    groups: int = 1,
) -> Tensor:
    """1-d convolution (cross-correlation) of ``input`` (N, C, L) with ``weight`` (O, C/g, k).

    ``padding``: int, tuple, 'valid' or 'same'.
    """
    return _conv(input, weight, bias, stride, padding, dilation, groups, 1, "conv1d")


def conv2d(
    input: Tensor,
    weight: Tensor,
    bias: Tensor | None = None,
    stride=1,  # noqa: A002
    padding=0,
    dilation=1,
    groups: int = 1,
) -> Tensor:
    """2-d convolution of ``input`` (N, C, H, W) with ``weight`` (O, C/g, kH, kW).

    ``padding``: int, tuple, 'valid' or 'same'.
    """
    return _conv(input, weight, bias, stride, padding, dilation, groups, 2, "conv2d")


def conv3d(
    input: Tensor,
    weight: Tensor,
    bias: Tensor | None = None,
    stride=1,  # noqa: A002
    padding=0,
    dilation=1,
    groups: int = 1,
) -> Tensor:
    """3-d convolution of ``input`` (N, C, D, H, W) with ``weight`` (O, C/g, kD, kH, kW).

    ``padding``: int, tuple, 'valid' or 'same'.
    """
    return _conv(input, weight, bias, stride, padding, dilation, groups, 3, "conv3d")


# ---------------------------------------------------------------------------- transposed


def _conv_transpose(
    input, weight, bias, stride, padding, output_padding, groups, dilation, nd: int, name: str
):
    x, unbatched = _batched(input, nd, name)
    if isinstance(padding, str):
        raise TypeError(f"{name}(): argument 'padding' must be tuple of ints, not str")
    stride = _expand(stride, nd, "stride", name)
    padding = _expand(padding, nd, "padding", name)
    output_padding = _expand(output_padding, nd, "output_padding", name)
    dilation = _expand(dilation, nd, "dilation", name)
    _check_common(
        x, weight, bias, stride, padding, dilation, groups, True, output_padding=output_padding
    )
    # conv_transpose1d runs as a 2-d one in ATen: its messages show a height of 1
    shown = 2 if nd == 1 else nd
    lift = (lambda t, v: (v, *t)) if nd == 1 else (lambda t, v: t)
    _check_transposed_kernel(x, weight, dilation, nd, lift)
    names = _SPATIAL[3 - shown :]
    if any(op >= s and op >= d for op, s, d in zip(output_padding, stride, dilation)):
        parts = [f"output_padding_{n}: {v}" for n, v in zip(names, lift(output_padding, 0))]
        parts += [f"stride_{n}: {v}" for n, v in zip(names, lift(stride, 1))]
        parts += [f"dilation_{n}: {v}" for n, v in zip(names, lift(dilation, 1))]
        raise RuntimeError(
            "output padding must be smaller than either stride or dilation, but "
            f"got {' '.join(parts)}"
        )
    out_shape = [
        (n - 1) * s - 2 * p + d * (k - 1) + 1 + op
        for n, s, p, d, k, op in zip(
            x.shape[2:], stride, padding, dilation, weight.shape[2:], output_padding
        )
    ]
    if any(o < 1 for o in out_shape):
        raise RuntimeError(
            f"Given input size per channel: ({_sizes(lift(x.shape[2:], 1))}). "
            f"Calculated output size per channel: ({_sizes(lift(out_shape, 1))}). "
            "Output size is too small"
        )
    pairs = tuple((p, p) for p in padding)
    out = C.conv_transpose(x, weight, out_shape, stride, pairs, dilation, groups)
    out = _add_bias(out, bias)
    return out.squeeze(0) if unbatched else out


def conv_transpose1d(
    input: Tensor,
    weight: Tensor,
    bias: Tensor | None = None,  # noqa: A002
    stride=1,
    padding=0,
    output_padding=0,
    groups: int = 1,
    dilation=1,
) -> Tensor:
    """1-d transposed convolution of ``input`` (N, Cin, L) with ``weight`` (Cin, Cout/g, k)."""
    return _conv_transpose(
        input,
        weight,
        bias,
        stride,
        padding,
        output_padding,
        groups,
        dilation,
        1,
        "conv_transpose1d",
    )


def conv_transpose2d(
    input: Tensor,
    weight: Tensor,
    bias: Tensor | None = None,  # noqa: A002
    stride=1,
    padding=0,
    output_padding=0,
    groups: int = 1,
    dilation=1,
) -> Tensor:
    """2-d transposed convolution of (N, Cin, H, W) with ``weight`` (Cin, Cout/g, kH, kW)."""
    return _conv_transpose(
        input,
        weight,
        bias,
        stride,
        padding,
        output_padding,
        groups,
        dilation,
        2,
        "conv_transpose2d",
    )


def conv_transpose3d(
    input: Tensor,
    weight: Tensor,
    bias: Tensor | None = None,  # noqa: A002
    stride=1,
    padding=0,
    output_padding=0,
    groups: int = 1,
    dilation=1,
) -> Tensor:
    """3-d transposed convolution of (N, Cin, D, H, W) with ``weight`` (Cin, Cout/g, *k)."""
    return _conv_transpose(
        input,
        weight,
        bias,
        stride,
        padding,
        output_padding,
        groups,
        dilation,
        3,
        "conv_transpose3d",
    )


# ---------------------------------------------------------------------------- unfold / fold


def _fold_args(kernel_size, dilation, padding, stride, name):
    k, d, p, s = (ntuple(v, 2) for v in (kernel_size, dilation, padding, stride))
    for label, vals, low in (("kernel", k, 1), ("dilation", d, 1), ("stride", s, 1)):
        if any(v < low for v in vals):
            raise RuntimeError(
                f"{name}: {label} should be greater than zero, but got "
                f"{' '.join(str(v) for v in vals)}"
            )
    if any(v < 0 for v in p):
        raise RuntimeError(
            f"{name}: padding should be non-negative, but got {' '.join(str(v) for v in p)}"
        )
    return k, d, tuple((v, v) for v in p), s


def unfold(input: Tensor, kernel_size, dilation=1, padding=0, stride=1) -> Tensor:  # noqa: A002
    """im2col: sliding blocks of ``input`` (N, C, H, W) as columns (N, C * kH * kW, L)."""
    if input.ndim not in (3, 4):
        raise RuntimeError(
            "Expected 3D or 4D (batch mode) tensor with possibly 0 batch size and "
            f"other non-zero dimensions for input, but got: {list(input.shape)}"
        )
    k, d, pairs, s = _fold_args(kernel_size, dilation, padding, stride, "im2col")
    x = input.unsqueeze(0) if input.ndim == 3 else input
    blocks = C.out_size(x.shape[2:], k, s, pairs, d)
    if any(b < 1 for b in blocks):
        raise RuntimeError(
            f"Given input with spatial size {tuple(x.shape[2:])}, kernel_size={k}, "
            f"dilation={d}, padding={tuple(p for p, _ in pairs)}, calculated shape "
            f"of the array of sliding blocks as {blocks}, but its components "
            "must be at least one."
        )
    out = C.im2col(x, k, s, pairs, d)
    return out.squeeze(0) if input.ndim == 3 else out


def fold(
    input: Tensor,
    output_size,
    kernel_size,
    dilation=1,
    padding=0,  # noqa: A002
    stride=1,
) -> Tensor:
    """col2im: sum sliding blocks (N, C * kH * kW, L) into an image (N, C, *output_size)."""
    if input.ndim not in (2, 3):
        raise RuntimeError(
            "Expected 2D or 3D (batch mode) tensor for input with possibly 0 batch "
            f"size and non-zero dimensions for input, but got: "
            f"{list(input.shape)}"
        )
    size = ntuple(output_size, 2)
    k, d, pairs, s = _fold_args(kernel_size, dilation, padding, stride, "col2im")
    x = input.unsqueeze(0) if input.ndim == 2 else input
    kp = k[0] * k[1]
    if x.shape[1] % kp:
        raise RuntimeError(
            "Expected size of input's dimension 1 to be divisible by the product "
            f"of kernel_size, but got input.size(1)={x.shape[1]} and "
            f"kernel_size={k}."
        )
    blocks = C.out_size(size, k, s, pairs, d)
    if any(b < 1 for b in blocks) or x.shape[2] != blocks[0] * blocks[1]:
        raise RuntimeError(
            f"Given output_size={size}, kernel_size={k}, dilation={d}, "
            f"padding={tuple(p for p, _ in pairs)}, stride={s}, expected size of "
            "input's dimension 2 to match the calculated number of sliding "
            f"blocks {blocks[0]} * {blocks[1]} = {blocks[0] * blocks[1]}, but got "
            f"input.size(2)={x.shape[2]}."
        )
    out = C.col2im_sum(x, size, k, s, pairs, d)
    return out.squeeze(0) if input.ndim == 2 else out
