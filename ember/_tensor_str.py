"""Tensor printing in PyTorch's exact format (``torch._tensor_str``), and set_printoptions."""

from __future__ import annotations

import math

import numpy as np


class _PrintOptions:
    precision = 4
    threshold = 1000
    edgeitems = 3
    linewidth = 80
    sci_mode = None


PRINT_OPTS = _PrintOptions()


def set_printoptions(
    precision=None, threshold=None, edgeitems=None, linewidth=None, profile=None, sci_mode=None
):
    """Set the options for printing tensors (``torch.set_printoptions``)."""
    if profile == "default":
        PRINT_OPTS.precision, PRINT_OPTS.threshold = 4, 1000
        PRINT_OPTS.edgeitems, PRINT_OPTS.linewidth = 3, 80
    elif profile == "short":
        PRINT_OPTS.precision, PRINT_OPTS.threshold = 2, 1000
        PRINT_OPTS.edgeitems, PRINT_OPTS.linewidth = 2, 80
    elif profile == "full":
        PRINT_OPTS.precision, PRINT_OPTS.threshold = 4, math.inf
        PRINT_OPTS.edgeitems, PRINT_OPTS.linewidth = 3, 80
    if precision is not None:
        PRINT_OPTS.precision = precision
    if threshold is not None:
        PRINT_OPTS.threshold = threshold
    if edgeitems is not None:
        PRINT_OPTS.edgeitems = edgeitems
    if linewidth is not None:
        PRINT_OPTS.linewidth = linewidth
    PRINT_OPTS.sci_mode = sci_mode


class _Formatter:
    def __init__(self, values: np.ndarray, floating: bool):
        self.floating = floating
        self.int_mode = True
        self.sci_mode = False
        self.max_width = 1
        p = PRINT_OPTS.precision
        flat = values.reshape(-1)
        if not floating:
            for v in flat.tolist():
                self.max_width = max(self.max_width, len(f"{v}"))
        else:
            vals = flat.astype(np.float64)
            vals = vals[np.isfinite(vals) & (vals != 0)]
            if vals.size == 0:
                return
            absv = np.abs(vals)
            vmin, vmax = float(absv.min()), float(absv.max())
            items = vals.tolist()
            self.int_mode = all(v == math.ceil(v) for v in items)
            if self.int_mode:
                if vmax / vmin > 1000.0 or vmax > 1.0e8:
                    self.sci_mode = True
                    strs = [f"{v:.{p}e}" for v in items]
                else:
                    strs = [f"{v:.0f}." for v in items]
            elif vmax / vmin > 1000.0 or vmax > 1.0e8 or vmin < 1.0e-4:
                self.sci_mode = True
                strs = [f"{v:.{p}e}" for v in items]
            else:
                strs = [f"{v:.{p}f}" for v in items]
            self.max_width = max(len(s) for s in strs)
        if PRINT_OPTS.sci_mode is not None:
            self.sci_mode = PRINT_OPTS.sci_mode

    def format(self, value) -> str:
        p = PRINT_OPTS.precision
        if self.floating:
            if self.sci_mode:
                ret = f"{value:{self.max_width}.{p}e}"
            elif self.int_mode:
                ret = f"{value:.0f}"
                if not (math.isinf(value) or math.isnan(value)):
                    ret += "."
            else:
                ret = f"{value:.{p}f}"
        else:
            ret = f"{value}"
        return (self.max_width - len(ret)) * " " + ret


class _ComplexFormatter:
    """A complex element as PyTorch prints it: the real part by the real parts' formatter, then
    the imaginary part by the imaginary parts' (unpadded, signed) and ``j``. An element's width
    for line breaking is both widths plus the sign (``max_width``)."""

    def __init__(self, values: np.ndarray):
        self.real = _Formatter(values.real, True)
        self.imag = _Formatter(values.imag, True)
        self.max_width = self.real.max_width + self.imag.max_width + 1

    def format(self, value) -> str:
        re = self.real.format(value.real)
        im = (self.imag.format(value.imag) + "j").lstrip()
        return re + im if im[0] in "+-" else re + "+" + im


def _summarized(a: np.ndarray) -> np.ndarray:
    e = PRINT_OPTS.edgeitems
    if a.ndim == 0:
        return a
    if a.ndim == 1:
        return np.concatenate([a[:e], a[-e:]]) if a.shape[0] > 2 * e else a
    if a.shape[0] > 2 * e:
        parts = [_summarized(a[i]) for i in (*range(e), *range(a.shape[0] - e, a.shape[0]))]
    else:
        parts = [_summarized(x) for x in a]
    return np.stack(parts)


def _vector_str(a, indent, summarize, fmt):
    e = PRINT_OPTS.edgeitems
    element_length = fmt.max_width + 2
    per_line = max(1, int(math.floor((PRINT_OPTS.linewidth - indent) / element_length)))
    if summarize and a.shape[0] > 2 * e:
        data = (
            [fmt.format(v) for v in a[:e].tolist()]
            + [" ..."]
            + [fmt.format(v) for v in a[-e:].tolist()]
        )
    else:
        data = [fmt.format(v) for v in a.tolist()]
    lines = [", ".join(data[i : i + per_line]) for i in range(0, len(data), per_line)]
    return "[" + ("," + "\n" + " " * (indent + 1)).join(lines) + "]"


def _array_str(a, indent, summarize, fmt):
    if a.ndim == 0:
        return fmt.format(a.item())
    if a.ndim == 1:
        return _vector_str(a, indent, summarize, fmt)
    e = PRINT_OPTS.edgeitems
    if summarize and a.shape[0] > 2 * e:
        slices = (
            [_array_str(a[i], indent + 1, summarize, fmt) for i in range(e)]
            + ["..."]
            + [
                _array_str(a[i], indent + 1, summarize, fmt)
                for i in range(a.shape[0] - e, a.shape[0])
            ]
        )
    else:
        slices = [_array_str(a[i], indent + 1, summarize, fmt) for i in range(a.shape[0])]
    return "[" + ("," + "\n" * (a.ndim - 1) + " " * (indent + 1)).join(slices) + "]"


def _add_suffixes(text, suffixes, indent):
    last_line_len = len(text) - text.rfind("\n") + 1
    for suffix in suffixes:
        if last_line_len + len(suffix) + 2 > PRINT_OPTS.linewidth:
            text += ",\n" + " " * indent + suffix
            last_line_len = indent + len(suffix)
        else:
            text += ", " + suffix
            last_line_len += len(suffix) + 2
    return text + ")"


def tensor_repr(t, prefix: str = "tensor(", contents: str | None = None) -> str:
    """``repr(tensor)`` exactly as PyTorch prints it (``contents``, when given, in place of the
    values, as torch's ``tensor_contents``)."""
    from ._dtype import bool as bool_
    from ._dtype import default_complex_dtype, get_default_dtype, int64

    indent = len(prefix)
    suffixes = []
    if t.device.type != "cpu":
        suffixes.append(f"device='{t.device}'")
    default = t.dtype in (get_default_dtype(), default_complex_dtype(), int64, bool_)
    a = t._host_array()
    if a.size == 0:
        if a.ndim != 1:
            suffixes.append("size=" + str(tuple(a.shape)))
        default = t.dtype is get_default_dtype()  # an empty tensor names any other dtype
        body = "[]"
    elif contents is not None:
        body = contents
    else:
        if t.dtype.is_floating_point and t.dtype.itemsize < 4:
            a = a.astype(np.float32)
        summarize = a.size > PRINT_OPTS.threshold
        shown = _summarized(a) if summarize else a
        if t.dtype.is_complex:
            fmt = _ComplexFormatter(shown)
        else:
            fmt = _Formatter(shown, t.dtype.is_floating_point)
        body = _array_str(a, indent, summarize, fmt)
    if not default:
        suffixes.append(f"dtype={t.dtype!r}")
    if t.grad_fn is not None:
        suffixes.append(f"grad_fn=<{t.grad_fn.name()}>")
    elif t.requires_grad:
        suffixes.append("requires_grad=True")
    return _add_suffixes(prefix + (body if contents is None else contents), suffixes, indent)
