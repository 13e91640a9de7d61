"""Public elementwise functions (``ember.add``, ``ember.exp``, ...): argument handling in
PyTorch's terms, then one call to a primitive of :mod:`ember.ops.prims.pointwise`."""

from __future__ import annotations

from .. import _dtype
from .._tensor import Tensor
from . import _promote as P
from ._binding import tensor_method
from ._out import CAST, NONDIFF, SAME, OutRule, unless, with_out
from ._promote import FLOAT_NP, broadcast_error, cast, checked, promote2, scalar_like, to_float
from .prims import pointwise as E

__all__ = [
    "add",
    "positive",
    "sub",
    "subtract",
    "rsub",
    "mul",
    "multiply",
    "div",
    "divide",
    "true_divide",
    "floor_divide",
    "remainder",
    "fmod",
    "pow",
    "float_power",
    "square",
    "atan2",
    "arctan2",
    "hypot",
    "maximum",
    "minimum",
    "fmax",
    "fmin",
    "where",
    "lerp",
    "addcmul",
    "addcdiv",
    "clamp",
    "clip",
    "clamp_min",
    "clamp_max",
    "round",
    "logit",
    "polygamma",
    "nan_to_num",
    "neg",
    "negative",
    "abs",
    "absolute",
    "sign",
    "floor",
    "ceil",
    "trunc",
    "fix",
    "frac",
    "reciprocal",
    "sqrt",
    "rsqrt",
    "exp",
    "exp2",
    "expm1",
    "log",
    "log2",
    "log10",
    "log1p",
    "sin",
    "cos",
    "tan",
    "asin",
    "acos",
    "atan",
    "sinh",
    "cosh",
    "tanh",
    "asinh",
    "acosh",
    "atanh",
    "sigmoid",
    "erf",
    "erfc",
    "erfinv",
    "lgamma",
    "digamma",
    "eq",
    "ne",
    "lt",
    "le",
    "gt",
    "ge",
    "logical_and",
    "logical_or",
    "logical_xor",
    "logical_not",
    "bitwise_and",
    "bitwise_or",
    "bitwise_xor",
    "bitwise_left_shift",
    "bitwise_right_shift",
    "bitwise_not",
    "isnan",
    "isinf",
    "isposinf",
    "isneginf",
    "isfinite",
    "signbit",
    "isclose",
    "allclose",
    "equal",
    "masked_fill",
    # NumPy-style aliases torch has too
    "arccos",
    "arccosh",
    "arcsin",
    "arcsinh",
    "arctan",
    "arctanh",
    "greater",
    "greater_equal",
    "less",
    "less_equal",
    "not_equal",
]


def _binary(op, a, b):
    a, b = promote2(a, b)
    try:
        return op(a, b)
    except ValueError:
        raise broadcast_error(a.shape, b.shape) from None


@tensor_method("add", "__add__", inplace=True, reflected="__radd__", augmented="__iadd__")
def add(input, other, *, alpha=1, out=None):  # noqa: A002
    """``input + alpha * other``, with broadcasting and type promotion."""
    if out is not None:
        return with_out(out, CAST, add, input, other, alpha=alpha)
    if alpha != 1 or isinstance(alpha, bool):
        other = P.scaled(input, other, alpha)
    return _binary(E._add, input, other)


@tensor_method(
    "sub", "subtract", "__sub__", inplace=True, reflected="__rsub__", augmented="__isub__"
)
def sub(input, other, *, alpha=1, out=None):  # noqa: A002
    """``input - alpha * other``."""
    if out is not None:
        return with_out(out, CAST, sub, input, other, alpha=alpha)
    if (
        isinstance(input, Tensor)
        and isinstance(other, Tensor)
        and input.dtype is _dtype.bool
        and other.dtype is _dtype.bool
    ):
        raise RuntimeError(
            "Subtraction, the `-` operator, with two bool tensors is not "
            "supported. Use the `^` or `logical_xor()` operator instead."
        )
    if alpha != 1 or isinstance(alpha, bool):
        other = P.scaled(input, other, alpha)
    return _binary(E._sub, input, other)


subtract = sub


def rsub(input, other, *, alpha=1):  # noqa: A002
    """``other - alpha * input``."""
    return sub(other, input, alpha=alpha)


@tensor_method(
    "mul", "multiply", "__mul__", inplace=True, reflected="__rmul__", augmented="__imul__"
)
def mul(input, other, *, out=None):  # noqa: A002
    """Elementwise product."""
    if out is not None:
        return with_out(out, CAST, mul, input, other)
    return _binary(E._mul, input, other)


multiply = mul


@tensor_method(
    "div", "divide", "__truediv__", inplace=True, reflected="__rtruediv__", augmented="__itruediv__"
)
def div(input, other, *, rounding_mode=None, out=None):  # noqa: A002
    """Elementwise division; ``rounding_mode`` None (true), 'trunc' or 'floor'."""
    if out is not None:
        return with_out(out, CAST, div, input, other, rounding_mode=rounding_mode)
    if rounding_mode is None:
        a, b = promote2(input, other)
        if a._data.dtype not in FLOAT_NP:
            a, b = to_float(a), to_float(b)
        try:
            return E._div(a, b)
        except ValueError:
            raise broadcast_error(a.shape, b.shape) from None
    if rounding_mode == "trunc":
        a, b = promote2(input, other)
        if a._data.dtype in FLOAT_NP:
            return _binary(E._div, a, b).trunc()
        _check_int_zero(b)
        q = E._div(to_float(cast(a, _dtype.float64)), to_float(cast(b, _dtype.float64)))
        return cast(q.trunc(), a.dtype)
    if rounding_mode == "floor":
        return floor_divide(input, other)
    raise RuntimeError(
        "div expected rounding_mode to be one of None, 'trunc', or 'floor' but "
        f"found '{rounding_mode}'"
    )


divide = div


@tensor_method(inplace=True)
def true_divide(dividend, divisor):
    """Division that always produces a floating point result."""
    return div(dividend, divisor)


def _check_int_zero(b):
    if b._data.dtype not in FLOAT_NP and (b._data == 0).any():
        raise RuntimeError("ZeroDivisionError")


@tensor_method(
    "floor_divide",
    "__floordiv__",
    inplace=True,
    reflected="__rfloordiv__",
    augmented="__ifloordiv__",
)
def floor_divide(input, other, *, out=None):  # noqa: A002
    """Division rounded towards minus infinity."""
    if out is not None:
        rule = OutRule("aten::floor_divide", autograd="refuse_out")
        return with_out(out, rule, floor_divide, input, other)
    a, b = promote2(input, other)
    _check_int_zero(b)
    if a._data.dtype in FLOAT_NP:
        return _binary(E._div, a, b).floor()
    return _binary(E._floor_divide, a, b)


@tensor_method("remainder", "__mod__", inplace=True, reflected="__rmod__", augmented="__imod__")
def remainder(input, other, *, out=None):  # noqa: A002
    """Python-style modulus: the result has the sign of the divisor."""
    if out is not None:
        return with_out(out, CAST, remainder, input, other)
    a, b = promote2(input, other)
    _check_int_zero(b)
    return _binary(E._remainder, a, b)


@tensor_method(inplace=True)
def fmod(input, other, *, out=None):  # noqa: A002
    """C-style modulus: the result has the sign of the dividend."""
    if out is not None:
        return with_out(out, CAST, fmod, input, other)
    a, b = promote2(input, other)
    _check_int_zero(b)
    return _binary(E._fmod, a, b)


@tensor_method("pow", "__pow__", inplace=True, reflected="__rpow__", augmented="__ipow__")
def pow(input, exponent, *, out=None):  # noqa: A001, A002
    """``input ** exponent`` (tensor or scalar on either side)."""
    if out is not None:
        return with_out(out, CAST, pow, input, exponent)
    if isinstance(input, Tensor) and not isinstance(exponent, Tensor):
        if input._data.dtype not in FLOAT_NP and isinstance(exponent, int) and exponent < 0:
            raise RuntimeError("Integers to negative integer powers are not allowed.")
        if exponent == 2 and input._data.dtype in FLOAT_NP:
            return E._mul(input, input)
    return _binary(E._pow, input, exponent)


@tensor_method(inplace=True)
def float_power(input, exponent):  # noqa: A002
    """``pow`` computed in float64."""
    a = cast(input, _dtype.float64) if isinstance(input, Tensor) else float(input)
    b = cast(exponent, _dtype.float64) if isinstance(exponent, Tensor) else float(exponent)
    return pow(a, b)


@tensor_method(inplace=True)
def square(input):  # noqa: A002
    """``input * input``."""
    return mul(input, input)


@tensor_method("atan2", "arctan2", inplace=True)
def atan2(input, other, *, out=None):  # noqa: A002
    """Elementwise arctangent of ``input / other`` with the quadrant."""
    if out is not None:
        return with_out(out, CAST, atan2, input, other)
    return _binary(E._atan2, to_float(input), to_float(other))


arctan2 = atan2


@tensor_method(inplace=True)
def hypot(input, other, *, out=None):  # noqa: A002
    """``sqrt(input**2 + other**2)`` elementwise."""
    if out is not None:
        return with_out(out, CAST, hypot, input, other)
    return _binary(E._hypot, input, other)


@tensor_method()
def maximum(input, other, *, out=None):  # noqa: A002
    """Elementwise maximum (propagates NaN)."""
    if out is not None:
        return with_out(out, CAST, maximum, input, other)
    return _binary(E._maximum, input, other)


@tensor_method()
def minimum(input, other, *, out=None):  # noqa: A002
    """Elementwise minimum (propagates NaN)."""
    if out is not None:
        return with_out(out, CAST, minimum, input, other)
    return _binary(E._minimum, input, other)


@tensor_method()
def fmax(input, other, *, out=None):  # noqa: A002
    """Elementwise maximum that ignores NaN."""
    if out is not None:
        return with_out(out, CAST, fmax, input, other)
    return _binary(E._fmax, input, other)


@tensor_method()
def fmin(input, other, *, out=None):  # noqa: A002
    """Elementwise minimum that ignores NaN."""
    if out is not None:
        return with_out(out, CAST, fmin, input, other)
    return _binary(E._fmin, input, other)


def where(condition, input=None, other=None, *, out=None):  # noqa: A002
    """``input`` where ``condition`` holds, else ``other``; one argument gives ``nonzero``."""
    if out is not None:
        message = "Expected out type to be {want} but got {got}"
        return with_out(out, unless("equal", message), where, condition, input, other)
    if input is None and other is None:
        return condition.nonzero(as_tuple=True)
    if condition.dtype is not _dtype.bool:
        raise RuntimeError(
            f"where expected condition to be a boolean tensor, but got a tensor "
            f"with dtype {condition.dtype.name.capitalize()}"
        )
    if not isinstance(input, Tensor) and not isinstance(other, Tensor):  # two Python scalars
        input = scalar_like(input, _dtype.result_type(input, other), condition)
    a, b = promote2(input, other)
    try:
        return E._where(condition, a, b)
    except ValueError:
        raise broadcast_error(condition.shape, a.shape) from None


@tensor_method("where")
def _where_method(self, condition, other):
    """``x.where(condition, y)``: :func:`where` with ``self`` as the values where true."""
    return where(condition, self, other)


@tensor_method(inplace=True)
def lerp(input, end, weight, *, out=None):  # noqa: A002
    """``input + weight * (end - input)``."""
    if out is not None:
        return with_out(out, CAST, lerp, input, end, weight)
    if not isinstance(weight, Tensor):
        weight = scalar_like(weight, input.dtype, input)
    return E._lerp(input, end, weight)


@tensor_method(inplace=True)
def addcmul(input, tensor1, tensor2, *, value=1, out=None):  # noqa: A002
    """``input + value * tensor1 * tensor2``."""
    if out is not None:
        return with_out(out, CAST, addcmul, input, tensor1, tensor2, value=value)
    prod = mul(tensor1, tensor2)
    return add(input, prod if value == 1 else mul(prod, value))


@tensor_method(inplace=True)
def addcdiv(input, tensor1, tensor2, *, value=1, out=None):  # noqa: A002
    """``input + value * tensor1 / tensor2``."""
    if out is not None:
        return with_out(out, CAST, addcdiv, input, tensor1, tensor2, value=value)
    if tensor1.dtype.category < 2 and tensor2.dtype.category < 2:
        raise RuntimeError(
            "Integer division with addcdiv is no longer supported, and in a "
            "future release addcdiv will perform a true division of tensor1 and "
            "tensor2. The historic addcdiv behavior can be implemented as "
            "(input + value * torch.trunc(tensor1 / tensor2)).to(input.dtype) "
            "for integer inputs and as (input + value * tensor1 / tensor2) for "
            "float inputs. The future addcdiv behavior is just the latter "
            "implementation: (input + value * tensor1 / tensor2), for all "
            "dtypes."
        )
    quot = div(tensor1, tensor2)
    return add(input, quot if value == 1 else mul(quot, value))


@tensor_method("clamp", "clip", inplace=True)
def clamp(input, min=None, max=None, *, out=None):  # noqa: A002
    """Limit values to ``[min, max]`` (scalars or tensors)."""
    if out is not None:
        rule = CAST if isinstance(min, Tensor) or isinstance(max, Tensor) else SAME
        return with_out(out, rule, clamp, input, min, max)
    if min is None and max is None:
        raise RuntimeError("torch.clamp: At least one of 'min' or 'max' must not be None")
    if isinstance(min, Tensor) or isinstance(max, Tensor):
        lo = min if min is not None else scalar_like(-float("inf"), input.dtype, input)
        hi = max if max is not None else scalar_like(float("inf"), input.dtype, input)
        dt = _dtype.result_type(input, lo, hi)
        x, lo, hi = cast(input, dt), _as(lo, dt, input), _as(hi, dt, input)
        return E._clamp_tensor(x, lo, hi)
    dt = _dtype.result_type(input, *(v for v in (min, max) if v is not None))
    return E._clamp(cast(input, dt), lo=checked(min, dt), hi=checked(max, dt))


clip = clamp


def _as(v, dt, ref):
    return cast(v, dt) if isinstance(v, Tensor) else scalar_like(v, dt, ref)


@tensor_method(inplace=True)
def clamp_min(input, min):  # noqa: A002
    """``clamp(input, min=min)``."""
    return clamp(input, min=min)


@tensor_method(inplace=True)
def clamp_max(input, max):  # noqa: A002
    """``clamp(input, max=max)``."""
    return clamp(input, max=max)


@tensor_method(inplace=True)
def round(input, *, decimals=0, out=None):  # noqa: A001, A002
    """Round half to even, optionally to ``decimals`` places."""
    if out is not None:
        return with_out(out, SAME, round, input, decimals=decimals)
    if input._data.dtype not in FLOAT_NP:
        return input.clone()
    return E._round(input, decimals=decimals)


@tensor_method(inplace=True)
def logit(input, eps=None, *, out=None):  # noqa: A002
    """``log(p / (1 - p))``, with ``p`` clamped to ``[eps, 1 - eps]`` when eps is given."""
    if out is not None:
        return with_out(out, CAST, logit, input, eps)
    return E._logit(to_float(input), eps=eps)


def polygamma(n, input, *, out=None):  # noqa: A002
    """The n-th derivative of the digamma function."""
    if out is not None:
        return with_out(out, CAST, polygamma, n, input)
    return E._polygamma(to_float(input), n=n)


@tensor_method("polygamma", inplace=True)
def _polygamma_method(self, n):
    """``x.polygamma(n)``: :func:`polygamma` with the order given second."""
    return polygamma(n, self)


@tensor_method(inplace=True)
def nan_to_num(input, nan=0.0, posinf=None, neginf=None, *, out=None):  # noqa: A002
    """Replace NaN, +inf and -inf with finite numbers (defaults: 0 and the dtype's limits)."""
    if out is not None:
        message = "nan_to_num: dtype of out: {got} should be same as input: {want}"
        return with_out(out, unless("equal", message), nan_to_num, input, nan, posinf, neginf)
    if input._data.dtype not in FLOAT_NP:
        return input.clone()
    return E._nan_to_num(input, nan=nan, posinf=posinf, neginf=neginf)


def _unary_float(op, name, doc):
    def fn(input, *, out=None):  # noqa: A002
        if out is not None:
            return with_out(out, CAST, fn, input)
        return op(to_float(input))

    fn.__name__ = fn.__qualname__ = name
    fn.__doc__ = doc
    return fn


def _unary_same(op, name, doc, int_identity=False):
    def fn(input, *, out=None):  # noqa: A002
        if out is not None:
            return with_out(out, SAME, fn, input)
        if int_identity and input._data.dtype not in FLOAT_NP:
            return input.clone()
        return op(input)

    fn.__name__ = fn.__qualname__ = name
    fn.__doc__ = doc
    return fn


neg = tensor_method("neg", "negative", "__neg__", inplace=True)(
    _unary_same(E._neg, "neg", "``-input`` elementwise.")
)
negative = neg
abs = tensor_method("abs", "absolute", "__abs__")(  # abs_: ops/pointwise_extra.py
    _unary_same(E._abs, "abs", "Absolute value elementwise.")
)  # noqa: A001
absolute = abs
sign = tensor_method(inplace=True)(
    _unary_same(E._sign, "sign", "-1, 0 or 1 by the sign of each element.")
)
floor = tensor_method(inplace=True)(
    _unary_same(E._floor, "floor", "Largest integer <= each element.", int_identity=True)
)
ceil = tensor_method(inplace=True)(
    _unary_same(E._ceil, "ceil", "Smallest integer >= each element.", int_identity=True)
)
trunc = tensor_method("trunc", "fix", inplace=True)(
    _unary_same(E._trunc, "trunc", "Round towards zero.", int_identity=True)
)
fix = trunc
frac = tensor_method(inplace=True)(
    _unary_same(E._frac, "frac", "Fractional part: ``input - trunc(input)``.")
)
reciprocal = tensor_method(inplace=True)(
    _unary_float(E._reciprocal, "reciprocal", "``1 / input`` elementwise.")
)
sqrt = tensor_method(inplace=True)(_unary_float(E._sqrt, "sqrt", "Square root elementwise."))
rsqrt = tensor_method(inplace=True)(
    _unary_float(E._rsqrt, "rsqrt", "``1 / sqrt(input)`` elementwise.")
)
exp = tensor_method(inplace=True)(_unary_float(E._exp, "exp", "``e ** input`` elementwise."))
exp2 = tensor_method(inplace=True)(_unary_float(E._exp2, "exp2", "``2 ** input`` elementwise."))
expm1 = tensor_method(inplace=True)(
    _unary_float(E._expm1, "expm1", "``exp(input) - 1``, accurate near zero.")
)
log = tensor_method(inplace=True)(_unary_float(E._log, "log", "Natural logarithm elementwise."))
log2 = tensor_method(inplace=True)(_unary_float(E._log2, "log2", "Base-2 logarithm elementwise."))
log10 = tensor_method(inplace=True)(
    _unary_float(E._log10, "log10", "Base-10 logarithm elementwise.")
)
log1p = tensor_method(inplace=True)(
    _unary_float(E._log1p, "log1p", "``log(1 + input)``, accurate near zero.")
)
sin = tensor_method(inplace=True)(_unary_float(E._sin, "sin", "Sine elementwise."))
cos = tensor_method(inplace=True)(_unary_float(E._cos, "cos", "Cosine elementwise."))
tan = tensor_method(inplace=True)(_unary_float(E._tan, "tan", "Tangent elementwise."))
asin = tensor_method("asin", "arcsin", inplace=True)(
    _unary_float(E._asin, "asin", "Arcsine elementwise.")
)
acos = tensor_method("acos", "arccos", inplace=True)(
    _unary_float(E._acos, "acos", "Arccosine elementwise.")
)
atan = tensor_method("atan", "arctan", inplace=True)(
    _unary_float(E._atan, "atan", "Arctangent elementwise.")
)
sinh = tensor_method(inplace=True)(_unary_float(E._sinh, "sinh", "Hyperbolic sine elementwise."))
cosh = tensor_method(inplace=True)(_unary_float(E._cosh, "cosh", "Hyperbolic cosine elementwise."))
tanh = tensor_method(inplace=True)(_unary_float(E._tanh, "tanh", "Hyperbolic tangent elementwise."))
asinh = tensor_method("asinh", "arcsinh", inplace=True)(
    _unary_float(E._asinh, "asinh", "Inverse hyperbolic sine elementwise.")
)
acosh = tensor_method("acosh", "arccosh", inplace=True)(
    _unary_float(E._acosh, "acosh", "Inverse hyperbolic cosine elementwise.")
)
atanh = tensor_method("atanh", "arctanh", inplace=True)(
    _unary_float(E._atanh, "atanh", "Inverse hyperbolic tangent elementwise.")
)
arcsin, arccos, arctan = asin, acos, atan
arcsinh, arccosh, arctanh = asinh, acosh, atanh
sigmoid = tensor_method(inplace=True)(
    _unary_float(E._sigmoid, "sigmoid", "``1 / (1 + exp(-input))``, computed stably.")
)
erf = tensor_method(inplace=True)(_unary_float(E._erf, "erf", "The error function elementwise."))
erfc = tensor_method(inplace=True)(
    _unary_float(E._erfc, "erfc", "``1 - erf(input)``, accurate for large inputs.")
)
erfinv = tensor_method(inplace=True)(
    _unary_float(E._erfinv, "erfinv", "The inverse error function elementwise.")
)
lgamma = tensor_method(inplace=True)(
    _unary_float(E._lgamma, "lgamma", "``log(|gamma(input)|)`` elementwise.")
)
digamma = tensor_method(inplace=True)(
    _unary_float(E._digamma, "digamma", "The derivative of lgamma elementwise.")
)


def _compare(op, name):
    def fn(input, other, *, out=None):  # noqa: A002
        if out is not None:
            return with_out(out, NONDIFF, fn, input, other)
        return _binary(op, input, other)

    fn.__name__ = fn.__qualname__ = name
    fn.__doc__ = f"Elementwise ``{name}`` comparison, giving a bool tensor."
    return fn


eq = tensor_method(inplace=True)(_compare(E._eq, "eq"))
ne = tensor_method("ne", "not_equal", inplace=True)(_compare(E._ne, "ne"))
lt = tensor_method("lt", "less", "__lt__", inplace=True)(_compare(E._lt, "lt"))
le = tensor_method("le", "less_equal", "__le__", inplace=True)(_compare(E._le, "le"))
gt = tensor_method("gt", "greater", "__gt__", inplace=True)(_compare(E._gt, "gt"))
ge = tensor_method("ge", "greater_equal", "__ge__", inplace=True)(_compare(E._ge, "ge"))
not_equal, less, less_equal, greater, greater_equal = ne, lt, le, gt, ge


def _logical(op, name):
    def fn(input, other, *, out=None):  # noqa: A002
        if out is not None:
            return with_out(out, NONDIFF, fn, input, other)
        a = input if isinstance(input, Tensor) else scalar_like(input, _dtype.bool, other)
        b = other if isinstance(other, Tensor) else scalar_like(other, _dtype.bool, input)
        try:
            return op(a, b)
        except ValueError:
            raise broadcast_error(a.shape, b.shape) from None

    fn.__name__ = fn.__qualname__ = name
    fn.__doc__ = f"Elementwise ``{name}``, treating nonzero as True; gives a bool tensor."
    return fn


logical_and = tensor_method(inplace=True)(_logical(E._logical_and, "logical_and"))
logical_or = tensor_method(inplace=True)(_logical(E._logical_or, "logical_or"))
logical_xor = tensor_method(inplace=True)(_logical(E._logical_xor, "logical_xor"))


@tensor_method(inplace=True)
def logical_not(input, *, out=None):  # noqa: A002
    """Elementwise logical NOT, giving a bool tensor."""
    if out is not None:
        return with_out(out, NONDIFF, logical_not, input)
    return E._logical_not(input)


def _bitwise(op, name):
    def fn(input, other, *, out=None):  # noqa: A002
        if out is not None:
            return with_out(out, CAST, fn, input, other)
        a, b = promote2(input, other)
        if a._data.dtype in FLOAT_NP:
            raise RuntimeError(f"\"{name}_cpu\" not implemented for '{a.dtype.name.capitalize()}'")
        return _binary(op, a, b)

    fn.__name__ = fn.__qualname__ = name
    fn.__doc__ = f"Elementwise ``{name}`` of integer or bool tensors."
    return fn


bitwise_and = tensor_method(
    "bitwise_and", "__and__", inplace=True, reflected="__rand__", augmented="__iand__"
)(_bitwise(E._bitwise_and, "bitwise_and"))
bitwise_or = tensor_method(
    "bitwise_or", "__or__", inplace=True, reflected="__ror__", augmented="__ior__"
)(_bitwise(E._bitwise_or, "bitwise_or"))
bitwise_xor = tensor_method(
    "bitwise_xor", "__xor__", inplace=True, reflected="__rxor__", augmented="__ixor__"
)(_bitwise(E._bitwise_xor, "bitwise_xor"))
bitwise_left_shift = tensor_method(
    "bitwise_left_shift", "__lshift__", inplace=True, augmented="__ilshift__"
)(_bitwise(E._left_shift, "bitwise_left_shift"))
bitwise_right_shift = tensor_method(
    "bitwise_right_shift", "__rshift__", inplace=True, augmented="__irshift__"
)(_bitwise(E._right_shift, "bitwise_right_shift"))


@tensor_method("bitwise_not", "__invert__", inplace=True)
def bitwise_not(input, *, out=None):  # noqa: A002
    """Elementwise NOT of an integer or bool tensor."""
    if out is not None:
        return with_out(out, SAME, bitwise_not, input)
    if input._data.dtype in FLOAT_NP:
        raise RuntimeError(
            f"\"bitwise_not_cpu\" not implemented for '{input.dtype.name.capitalize()}'"
        )
    return E._bitwise_not(input)


@tensor_method()
def isnan(input):  # noqa: A002
    """Whether each element is NaN."""
    return E._isnan(input)


@tensor_method()
def isinf(input):  # noqa: A002
    """Whether each element is +inf or -inf."""
    return E._isinf(input)


@tensor_method()
def isposinf(input):  # noqa: A002
    """Whether each element is +inf."""
    return E._isposinf(input)


@tensor_method()
def isneginf(input):  # noqa: A002
    """Whether each element is -inf."""
    return E._isneginf(input)


@tensor_method()
def isfinite(input):  # noqa: A002
    """Whether each element is finite."""
    return E._isfinite(input)


@tensor_method()
def signbit(input):  # noqa: A002
    """Whether each element has its sign bit set."""
    return E._signbit(input)


@tensor_method()
def isclose(input, other, rtol=1e-05, atol=1e-08, equal_nan=False):  # noqa: A002
    """``|input - other| <= atol + rtol * |other|`` elementwise."""
    if input.dtype is not other.dtype:
        raise RuntimeError(
            f"{input.dtype.name.capitalize()} did not match {other.dtype.name.capitalize()}"
        )
    return _binary(
        lambda a, b: E._isclose(a, b, rtol=rtol, atol=atol, equal_nan=equal_nan), input, other
    )


@tensor_method()
def allclose(input, other, rtol=1e-05, atol=1e-08, equal_nan=False) -> bool:  # noqa: A002
    """Whether every element of ``input`` is close to ``other``."""
    return bool(isclose(input, other, rtol, atol, equal_nan).all())


@tensor_method()
def equal(input, other) -> bool:  # noqa: A002
    """Whether two tensors have the same shape and elements."""
    if input.shape != other.shape:
        return False
    return bool(eq(input, other).all())


@tensor_method(inplace=True)
def masked_fill(input, mask, value):  # noqa: A002
    """``value`` where ``mask`` is True, else ``input``."""
    if mask.dtype is not _dtype.bool:
        raise RuntimeError(
            "masked_fill_ only supports boolean masks, but got mask with dtype "
            f"{mask.dtype.cpp_name}"
        )
    if isinstance(value, Tensor):
        if value.ndim != 0:
            raise RuntimeError(
                f"masked_fill_ only supports a 0-dimensional value tensor, but "
                f"got tensor with {value.ndim} dimension(s)."
            )
        value = cast(value, input.dtype)
    else:
        value = scalar_like(checked(value, input.dtype), input.dtype, input)
    try:
        return E._where(mask, value, input)
    except ValueError:
        raise broadcast_error(mask.shape, input.shape) from None


@tensor_method("__eq__")
def _eq_operator(self, other):
    """``self == other``; comparing with None is False, as in PyTorch."""
    return False if other is None else eq(self, other)


@tensor_method("__ne__")
def _ne_operator(self, other):
    """``self != other``; comparing with None is True, as in PyTorch."""
    return True if other is None else ne(self, other)


@tensor_method("positive", "__pos__")
def positive(input):  # noqa: A002
    """``input`` itself (``+input``)."""
    return input
