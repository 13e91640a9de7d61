"""ONNX for each recorded primitive: ``CONVERTERS[name](g, record) -> output name(s)``.

A converter reads the record's inputs (``g.name(ref)``), its parameters as the primitive got
them, and ``record.params2`` (the same parameters in the resized run, NOTE [ Dynamic shapes in
the graph ]) when a parameter is a shape.
"""

from __future__ import annotations

import math

import numpy as np

from ._graph import INT64_MAX
from ._trace import _host, unsupported

__all__: list[str] = []

CONVERTERS: dict = {}


def converts(*names):
    def register(fn):
        for n in names:
            CONVERTERS[n] = fn
        return fn

    return register


def _x(g, r, i=0):
    return g.name(r.inputs[i])


def _simple(op_type):
    def convert(g, r):
        return g.op(op_type, [g.name(ref) for ref in r.inputs])

    return convert


for _name, _type in {
    "add": "Add",
    "sub": "Sub",
    "mul": "Mul",
    "div": "Div",
    "pow": "Pow",
    "maximum": "Max",
    "minimum": "Min",
    "eq": "Equal",
    "lt": "Less",
    "le": "LessOrEqual",
    "gt": "Greater",
    "ge": "GreaterOrEqual",
    "logical_and": "And",
    "logical_or": "Or",
    "logical_xor": "Xor",
    "logical_not": "Not",
    "where": "Where",
    "matmul": "MatMul",
    "abs": "Abs",
    "neg": "Neg",
    "exp": "Exp",
    "log": "Log",
    "sqrt": "Sqrt",
    "reciprocal": "Reciprocal",
    "sin": "Sin",
    "cos": "Cos",
    "tan": "Tan",
    "asin": "Asin",
    "acos": "Acos",
    "atan": "Atan",
    "sinh": "Sinh",
    "cosh": "Cosh",
    "asinh": "Asinh",
    "acosh": "Acosh",
    "atanh": "Atanh",
    "tanh": "Tanh",
    "sigmoid": "Sigmoid",
    "relu": "Relu",
    "erf": "Erf",
    "floor": "Floor",
    "ceil": "Ceil",
    "sign": "Sign",
    "isnan": "IsNaN",
    "clone": "Identity",
    "prelu": "PRelu",
}.items():
    CONVERTERS[_name] = _simple(_type)


@converts("ne")
def _ne(g, r):
    return g.op("Not", [g.op("Equal", [_x(g, r, 0), _x(g, r, 1)])])


@converts("rsqrt")
def _rsqrt(g, r):
    return g.op("Reciprocal", [g.op("Sqrt", [_x(g, r)])])


@converts("log1p")
def _log1p(g, r):
    return g.op("Log", [g.op("Add", [_x(g, r), g.scalar(1, r.inputs[0])])])


@converts("expm1")
def _expm1(g, r):
    return g.op("Sub", [g.op("Exp", [_x(g, r)]), g.scalar(1, r.inputs[0])])


@converts("round")
def _round(g, r):
    if r.params["decimals"] != 0:
        raise unsupported("op 'round' with decimals")
    return g.op("Round", [_x(g, r)])


# ---------------------------------------------------------------------- activations
@converts("gelu")
def _gelu(g, r):
    x, ref = _x(g, r), r.inputs[0]
    approximate = r.params["approximate"]
    if g.opset >= 20:
        return g.op("Gelu", [x], approximate=approximate)
    if approximate == "tanh":  # 0.5 x (1 + tanh(sqrt(2/pi) (x + 0.044715 x^3)))
        cube = g.op("Mul", [g.op("Mul", [x, x]), x])
        inner = g.op("Add", [x, g.op("Mul", [cube, g.scalar(0.044715, ref)])])
        t = g.op("Tanh", [g.op("Mul", [inner, g.scalar(math.sqrt(2 / math.pi), ref)])])
    else:  # 0.5 x (1 + erf(x / sqrt 2))
        t = g.op("Erf", [g.op("Div", [x, g.scalar(math.sqrt(2.0), ref)])])
    half = g.op("Mul", [x, g.scalar(0.5, ref)])
    return g.op("Mul", [half, g.op("Add", [t, g.scalar(1.0, ref)])])


@converts("silu")
def _silu(g, r):
    x = _x(g, r)
    return g.op("Mul", [x, g.op("Sigmoid", [x])])


@converts("mish")
def _mish(g, r):
    x = _x(g, r)
    return g.op("Mul", [x, g.op("Tanh", [g.op("Softplus", [x])])])


@converts("log_sigmoid")
def _log_sigmoid(g, r):
    return g.op("Neg", [g.op("Softplus", [g.op("Neg", [_x(g, r)])])])


@converts("softplus")
def _softplus(g, r):
    x, ref, beta = _x(g, r), r.inputs[0], r.params["beta"]
    if beta == 1:
        return g.op("Softplus", [x])
    scaled = g.op("Mul", [x, g.scalar(beta, ref)])
    soft = g.op("Div", [g.op("Softplus", [scaled]), g.scalar(beta, ref)])
    linear = g.op("Greater", [scaled, g.scalar(r.params["threshold"], ref)])
    return g.op("Where", [linear, x, soft])


@converts("elu")
def _elu(g, r):
    p = r.params
    if p["scale"] != 1.0 or p["input_scale"] != 1.0:
        x, ref = _x(g, r), r.inputs[0]
        inner = g.op("Elu", [g.op("Mul", [x, g.scalar(p["input_scale"], ref)])], alpha=1.0)
        pos = g.op("Greater", [x, g.scalar(0, ref)])
        neg = g.op("Mul", [inner, g.scalar(p["alpha"], ref)])
        return g.op("Mul", [g.op("Where", [pos, x, neg]), g.scalar(p["scale"], ref)])
    return g.op("Elu", [_x(g, r)], alpha=float(p["alpha"]))


@converts("leaky_relu")
def _leaky_relu(g, r):
    return g.op("LeakyRelu", [_x(g, r)], alpha=float(r.params["negative_slope"]))


@converts("hardtanh")
def _hardtanh(g, r):
    ref = r.inputs[0]
    lo, hi = g.scalar(r.params["min_val"], ref), g.scalar(r.params["max_val"], ref)
    return g.op("Clip", [_x(g, r), lo, hi])


@converts("hardsigmoid")
def _hardsigmoid(g, r):
    return g.op("HardSigmoid", [_x(g, r)], alpha=1 / 6, beta=0.5)


@converts("hardswish")
def _hardswish(g, r):
    return g.op("HardSwish", [_x(g, r)])


@converts("threshold")
def _threshold(g, r):
    x, ref = _x(g, r), r.inputs[0]
    keep = g.op("Greater", [x, g.scalar(r.params["threshold"], ref)])
    return g.op("Where", [keep, x, g.scalar(r.params["value"], ref)])


@converts("clamp")
def _clamp(g, r):
    ref, lo, hi = r.inputs[0], r.params["lo"], r.params["hi"]
    bounds = ["" if v is None else g.scalar(v, ref) for v in (lo, hi)]
    return g.op("Clip", [_x(g, r), *bounds])


@converts("clamp_tensor")
def _clamp_tensor(g, r):
    out = _x(g, r)
    if r.inputs[1] is not None:
        out = g.op("Max", [out, _x(g, r, 1)])
    if r.inputs[2] is not None:
        out = g.op("Min", [out, _x(g, r, 2)])
    return out


@converts("_softmax")
def _softmax(g, r):
    return g.op("Softmax", [_x(g, r)], axis=r.params["dim"])


@converts("_log_softmax")
def _log_softmax(g, r):
    return g.op("LogSoftmax", [_x(g, r)], axis=r.params["dim"])


# ---------------------------------------------------------------------- shapes
@converts("view")
def _view(g, r):
    return g.reshape(r.inputs[0], r.params["shape"], r.params2["shape"])


@converts("expand")
def _expand(g, r):
    return g.expand(r.inputs[0], r.params["shape"], r.params2["shape"])


@converts("permute")
def _permute(g, r):
    return g.op("Transpose", [_x(g, r)], perm=list(r.params["dims"]))


@converts("cat")
def _cat(g, r):
    return g.op("Concat", [g.name(ref) for ref in r.inputs], axis=r.params["dim"])


@converts("_to_copy")
def _to_copy(g, r):
    to = g.helper.np_dtype_to_tensor_dtype(np.dtype(r.params["dtype"]))
    return g.op("Cast", [_x(g, r)], to=to)


@converts("flip")
def _flip(g, r):
    dims = list(r.params["dims"])
    n = len(dims)
    starts, ends = g.ints([-1] * n), g.ints([-INT64_MAX] * n)
    return g.op("Slice", [_x(g, r), starts, ends, g.ints(dims), g.ints([-1] * n)])


@converts("repeat")
def _repeat(g, r):
    reps, src = list(r.params["reps"]), r.inputs[0]
    x = _x(g, r)
    extra = len(reps) - len(src.shape)
    if extra > 0:
        x = g.op("Unsqueeze", [x, g.ints(range(extra))])
    return g.op("Tile", [x, g.ints(reps)])


@converts("constant_pad_nd")
def _pad(g, r):
    pad = r.params["pad"]
    pads = [int(p[0]) for p in pad] + [int(p[1]) for p in pad]
    value = g.scalar(r.params["value"], r.inputs[0])
    return g.op("Pad", [_x(g, r), g.ints(pads), value], mode="constant")


@converts("tril", "triu")
def _trilu(g, r):
    upper = int(r.op == "triu")
    k = g.literal(int(r.params["diagonal"]), np.int64)
    return g.op("Trilu", [_x(g, r), k], upper=upper)


def _slice_bound(g, src, value, value2, size, size2, default):
    """A slice bound: an int, or a 1-D tensor when it follows a dynamic axis."""
    if value is None:
        return default
    if value == value2:
        return int(value)
    if value == size and value2 == size2:
        return INT64_MAX
    piece = g.dim((value, value2), [src]) if value >= 0 and value2 >= 0 else None
    if piece is None:
        raise unsupported("op 'slice' with a bound that depends on a dynamic axis")
    return piece


@converts("slice")
def _slice(g, r):
    src = r.inputs[0]
    key, key2 = r.params["key"], r.params2["key"]
    key = key if type(key) is tuple else (key,)
    key2 = key2 if type(key2) is tuple else (key2,)
    if any(k is Ellipsis for k in key):
        at = key.index(Ellipsis)
        fill = len(src.shape) - sum(1 for k in key if k is not None and k is not Ellipsis)
        key = key[:at] + (slice(None),) * fill + key[at + 1 :]
        at2 = key2.index(Ellipsis)
        key2 = key2[:at2] + (slice(None),) * fill + key2[at2 + 1 :]
    starts, ends, axes, steps, picks, news = [], [], [], [], [], []
    axis = out_axis = 0
    for k, k2 in zip(key, key2):
        if k is None:
            news.append(out_axis)
            out_axis += 1
        elif isinstance(k, slice):
            size, size2 = src.shape[axis], src.shape2[axis]
            step = 1 if k.step is None else int(k.step)
            if k != slice(None) and step > 0:
                starts.append(_slice_bound(g, src, k.start, k2.start, size, size2, 0))
                ends.append(_slice_bound(g, src, k.stop, k2.stop, size, size2, INT64_MAX))
                axes.append(axis)
                steps.append(step)
            elif step <= 0:
                raise unsupported("op 'slice' with a negative step")
            axis += 1
            out_axis += 1
        elif isinstance(k, (int, np.integer)) and not isinstance(k, bool):
            if k != k2:
                raise unsupported("op 'slice' with an index that depends on a dynamic axis")
            picks.append((axis, int(k)))
            axis += 1
        else:
            raise unsupported(f"op 'slice' with the index {k!r}")
    x = _x(g, r)
    if axes:
        bounds = [g.shape_input(starts), g.shape_input(ends)]
        x = g.op("Slice", [x, *bounds, g.ints(axes), g.ints(steps)])
    for a, k in reversed(picks):
        x = g.op("Gather", [x, g.literal(k, np.int64)], axis=a)
    if news:
        x = g.op("Unsqueeze", [x, g.ints(news)])
    if not (axes or picks or news):
        x = g.op("Identity", [x])
    return x


def _index_input(g, r, key):
    ref = r.param_refs.get(key)
    if ref is not None:
        return g.name(ref)
    value = r.params[key[0]] if type(key) is tuple else r.params[key]
    if type(key) is tuple:
        value = value[key[1]]
    return g.const(_host(value))


@converts("index")
def _index(g, r):
    key = r.params["key"]
    key = key if type(key) is tuple else (key,)
    arrays = [i for i, k in enumerate(key) if hasattr(k, "dtype")]
    rest_full = all(k == slice(None) for i, k in enumerate(key) if i not in arrays)
    if len(arrays) != 1 or not rest_full or key[arrays[0]].dtype == np.bool_:
        raise unsupported("op 'index' (advanced indexing) other than one integer index array")
    i = arrays[0]
    return g.op("Gather", [_x(g, r), _index_input(g, r, ("key", i))], axis=i)


@converts("index_select")
def _index_select(g, r):
    return g.op("Gather", [_x(g, r), _index_input(g, r, "index")], axis=r.params["dim"])


@converts("gather")
def _gather(g, r):
    return g.op("GatherElements", [_x(g, r), _index_input(g, r, "index")], axis=r.params["dim"])


@converts("embedding")
def _embedding(g, r):
    return g.op("Gather", [_x(g, r), _index_input(g, r, "indices")], axis=0)


def _split_last(n):
    def convert(g, r):
        src = r.inputs[0]
        e = src.shape[-1] // n
        return g.op("Split", [_x(g, r), g.ints([e] * n)], n=n, axis=-1)

    return convert


CONVERTERS["_split_last_2"] = _split_last(2)
CONVERTERS["_split_last_3"] = _split_last(3)


# ---------------------------------------------------------------------- reductions
def _reduction(op_type):
    def convert(g, r):
        return g.reduce(op_type, _x(g, r), r.params["dims"], r.params["keepdim"])

    return convert


CONVERTERS["mean"] = _reduction("ReduceMean")
CONVERTERS["amax"] = _reduction("ReduceMax")
CONVERTERS["amin"] = _reduction("ReduceMin")
CONVERTERS["prod"] = _reduction("ReduceProd")
CONVERTERS["logsumexp"] = _reduction("ReduceLogSumExp")


@converts("sum")
def _sum(g, r):
    out = g.reduce("ReduceSum", _x(g, r), r.params["dims"], r.params["keepdim"])
    if r.params.get("dtype") is not None:
        to = g.helper.np_dtype_to_tensor_dtype(np.dtype(r.params["dtype"]))
        out = g.op("Cast", [out], to=to)
    return out


@converts("var", "std")
def _var(g, r):
    src, p = r.inputs[0], r.params
    dims, correction = list(p["dims"]), p["correction"]
    x = _x(g, r)
    mean = g.reduce("ReduceMean", x, dims, True)
    d = g.op("Sub", [x, mean])
    sq = g.op("Mul", [d, d])
    out = g.reduce("ReduceMean", sq, dims, p["keepdim"])
    if correction:
        if any(i in src.dynamic for i in dims):
            raise unsupported(f"op '{r.op}' with a correction over a dynamic axis")
        n = int(np.prod([src.shape[i] for i in dims]))
        out = g.op("Mul", [out, g.scalar(n / max(n - correction, 0), src)])
    return g.op("Sqrt", [out]) if r.op == "std" else out


@converts("argmax", "argmin")
def _argmax(g, r):
    x, dim, keep = _x(g, r), r.params["dim"], r.params["keepdim"]
    if dim is None:
        x = g.op("Reshape", [x, g.ints([-1])])
        dim, keep = 0, False
    return g.op("ArgMax" if r.op == "argmax" else "ArgMin", [x], axis=dim, keepdims=int(keep))


@converts("linalg_vector_norm")
def _vector_norm(g, r):
    ord_, dims, keep = r.params["ord"], r.params["dims"], r.params["keepdim"]
    x = _x(g, r)
    if dims is None:
        dims = list(range(len(r.inputs[0].shape)))
    if ord_ == 2:
        return g.reduce("ReduceL2", x, dims, keep)
    if ord_ == 1:
        return g.reduce("ReduceL1", x, dims, keep)
    if ord_ == math.inf:
        return g.reduce("ReduceMax", g.op("Abs", [x]), dims, keep)
    raise unsupported(f"op 'linalg_vector_norm' with ord={ord_}")


@converts("cumsum")
def _cumsum(g, r):
    axis = g.literal(int(r.params["dim"]), np.int64)
    return g.op("CumSum", [_x(g, r), axis], reverse=int(bool(r.params["reverse"])))


@converts("einsum")
def _einsum(g, r):
    return g.op("Einsum", [g.name(ref) for ref in r.inputs], equation=r.params["equation"])


def _bitwise(logical, bitwise):
    def convert(g, r):
        names = [g.name(ref) for ref in r.inputs]
        ref = r.inputs[0]
        dtype = ref.dtype if hasattr(ref, "dtype") else ref.array.dtype
        if np.dtype(dtype) == np.bool_:
            return g.op(logical, names)
        if g.opset < 18:
            raise unsupported(f"op '{r.op}' on integers before opset 18")
        return g.op(bitwise, names)

    return convert


for _name, _types in {
    "bitwise_and": ("And", "BitwiseAnd"),
    "bitwise_or": ("Or", "BitwiseOr"),
    "bitwise_xor": ("Xor", "BitwiseXor"),
    "bitwise_not": ("Not", "BitwiseNot"),
}.items():
    CONVERTERS[_name] = _bitwise(*_types)


@converts("transpose")
def _transpose(g, r):
    rank = len(r.inputs[0].shape)
    perm = list(range(rank))
    a, b = r.params["dim0"] % max(rank, 1), r.params["dim1"] % max(rank, 1)
    perm[a], perm[b] = perm[b], perm[a]
    return g.op("Transpose", [_x(g, r)], perm=perm)


@converts("addmm")
def _addmm(g, r):
    bias, a, b = r.inputs
    return g.op("Gemm", [g.name(a), g.name(b), g.name(bias)])


CONVERTERS["mm"] = _simple("MatMul")
CONVERTERS["t"] = lambda g, r: g.op("Transpose", [_x(g, r)], perm=[1, 0])
CONVERTERS["isinf"] = _simple("IsInf")


def _dtype(ref):
    return np.dtype(ref.dtype if hasattr(ref, "dtype") else ref.array.dtype)


@converts("exp2")
def _exp2(g, r):
    return g.op("Pow", [g.scalar(2.0, r.inputs[0]), _x(g, r)])


@converts("log2", "log10")
def _log_base(g, r):
    base = 2.0 if r.op == "log2" else 10.0
    return g.op("Div", [g.op("Log", [_x(g, r)]), g.scalar(math.log(base), r.inputs[0])])


@converts("erfc")
def _erfc(g, r):
    return g.op("Sub", [g.scalar(1.0, r.inputs[0]), g.op("Erf", [_x(g, r)])])


@converts("isfinite")
def _isfinite(g, r):
    x = _x(g, r)
    return g.op("Not", [g.op("Or", [g.op("IsInf", [x]), g.op("IsNaN", [x])])])


def _trunc_of(g, x):
    return g.op("Mul", [g.op("Sign", [x]), g.op("Floor", [g.op("Abs", [x])])])


@converts("trunc")
def _trunc(g, r):
    return _trunc_of(g, _x(g, r))


@converts("frac")
def _frac(g, r):
    x = _x(g, r)
    return g.op("Sub", [x, _trunc_of(g, x)])


@converts("fmod")
def _fmod(g, r):
    return g.op("Mod", [_x(g, r, 0), _x(g, r, 1)], fmod=1)


@converts("remainder", "floor_divide")
def _floor_ops(g, r):
    a, b = _x(g, r, 0), _x(g, r, 1)
    if _dtype(r.inputs[0]).kind in "iu":
        rem = g.op("Mod", [a, b], fmod=0)  # the divisor's sign, as Python's %
        if r.op == "remainder":
            return rem
        return g.op("Div", [g.op("Sub", [a, rem]), b])
    quotient = g.op("Floor", [g.op("Div", [a, b])])
    if r.op == "floor_divide":
        return quotient
    return g.op("Sub", [a, g.op("Mul", [quotient, b])])


@converts("hardshrink", "softshrink")
def _shrink(g, r):
    lambd = float(r.params["lambd"])
    bias = lambd if r.op == "softshrink" else 0.0
    return g.op("Shrink", [_x(g, r)], lambd=lambd, bias=bias)


@converts("logit")
def _logit(g, r):
    x, ref, eps = _x(g, r), r.inputs[0], r.params["eps"]
    if eps is not None:
        x = g.op("Clip", [x, g.scalar(eps, ref), g.scalar(1 - eps, ref)])
    return g.op("Log", [g.op("Div", [x, g.op("Sub", [g.scalar(1.0, ref), x])])])


@converts("lerp")
def _lerp(g, r):
    a, b, w = (g.name(ref) for ref in r.inputs)
    return g.op("Add", [a, g.op("Mul", [w, g.op("Sub", [b, a])])])


@converts("signbit")
def _signbit(g, r):
    return g.op("Less", [_x(g, r), g.scalar(0, r.inputs[0])])


@converts("all", "any")
def _all_any(g, r):
    x, ref = _x(g, r), r.inputs[0]
    if _dtype(ref) != np.bool_:
        x = g.op("Not", [g.op("Equal", [x, g.scalar(0, ref)])])
    as_float = g.op("Cast", [x], to=g.helper.np_dtype_to_tensor_dtype(np.dtype(np.float32)))
    kind = "ReduceMin" if r.op == "all" else "ReduceMax"
    out = g.reduce(kind, as_float, r.params["dims"], r.params["keepdim"])
    return g.op("Cast", [out], to=g.helper.np_dtype_to_tensor_dtype(np.dtype(np.bool_)))


@converts("roll")
def _roll(g, r):
    src = r.inputs[0]
    x = _x(g, r)
    dims = r.params["dims"]
    shifts = r.params["shifts"]
    if not dims:  # roll of the flattened tensor
        flat = g.op("Reshape", [x, g.ints([-1])])
        n = int(np.prod(src.shape))
        rolled = _roll_axis(g, flat, shifts[0], 0, n)
        return g.op("Reshape", [rolled, g.op("Shape", [x])])
    for shift, dim in zip(shifts, dims):
        if dim in src.dynamic:
            raise unsupported("op 'roll' along a dynamic axis")
        x = _roll_axis(g, x, shift, dim, src.shape[dim])
    return x


def _roll_axis(g, x, shift, axis, n):
    shift %= max(n, 1)
    if shift == 0:
        return x
    tail = g.op("Slice", [x, g.ints([n - shift]), g.ints([n]), g.ints([axis])])
    head = g.op("Slice", [x, g.ints([0]), g.ints([n - shift]), g.ints([axis])])
    return g.op("Concat", [tail, head], axis=axis)
