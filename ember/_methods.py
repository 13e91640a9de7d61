"""Binds the public functions to Tensor methods and operators (one implementation each).

In-place variants (``add_``, ``exp_``, ...) are made here, once, from their out-of-place
function: the result is computed from a snapshot of the tensor and written back into its
memory, and the tensor takes over the result's ``grad_fn``. Views see the change; the version
counter is bumped so stale saved values are detected.
"""

from __future__ import annotations

from . import _dtype, _factories
from ._inplace_view import inplace_on_view
from ._tensor import Tensor, _wrap
from .autograd.grad_mode import STATE
from .ops import pointwise as P
from .ops import products
from .ops import reduction as reducing
from .ops import shape as shaping


def _check_inplace(self, recording):
    if recording and self.grad_fn is None and self.requires_grad:
        raise RuntimeError(
            "a leaf Variable that requires grad is being used in an in-place operation."
        )


def cast_for_inplace(self, result):
    """``result`` in ``self``'s dtype and shape, with PyTorch's errors when it cannot be."""
    if result.dtype is not self.dtype:
        if result.dtype.category > self.dtype.category:
            raise RuntimeError(
                f"result type {_cname(result.dtype)} can't be cast to the desired "
                f"output type {_cname(self.dtype)}"
            )
        result = result.to(self.dtype)
    if result.shape != self.shape:
        raise RuntimeError(
            f"output with shape [{', '.join(map(str, self.shape))}] doesn't "
            f"match the broadcast shape [{', '.join(map(str, result.shape))}]"
        )
    return result


def write_result(self, result):
    """Make ``self`` hold ``result`` in place (memory, version, autograd history)."""
    result = cast_for_inplace(self, result)
    self._data[...] = result._data
    self._version_counter.v += 1
    if result.requires_grad:
        self.grad_fn = result.grad_fn
        self._output_nr = result._output_nr
        self.requires_grad = True
    return self


def _cname(d):
    return {
        "float32": "Float",
        "float64": "Double",
        "int64": "Long",
        "int32": "Int",
        "bool": "Bool",
        "float16": "Half",
        "bfloat16": "BFloat16",
        "uint8": "Byte",
        "int8": "Char",
        "int16": "Short",
    }[d.name]


def make_inplace(fn):
    """The in-place method ``name_`` of an out-of-place function ``fn(self, ...)``."""

    def method(self, *args, **kwargs):
        recording = STATE.enabled and (
            self.requires_grad or any(isinstance(a, Tensor) and a.requires_grad for a in args)
        )
        _check_inplace(self, recording)
        if recording and self._base is not None:
            return inplace_on_view(self, lambda old: fn(old, *args, **kwargs))
        if recording:
            snapshot = _wrap(self._data.copy())
            snapshot.requires_grad = self.requires_grad
            snapshot.grad_fn = self.grad_fn
            snapshot._output_nr = self._output_nr
            result = fn(snapshot, *args, **kwargs)
        else:
            result = fn(self, *args, **kwargs)
        return write_result(self, result)

    method.__name__ = fn.__name__ + "_"
    method.__doc__ = f"In-place version of :meth:`Tensor.{fn.__name__}`."
    return method


def _reflect(fn):
    def method(self, other):
        return fn(other, self)

    return method


def _new_factory(factory):
    def method(self, *size, dtype=None, device=None, requires_grad=False, **kwargs):
        return factory(
            *size,
            dtype=dtype or self.dtype,
            device=device or self.device,
            requires_grad=requires_grad,
            **kwargs,
        )

    method.__name__ = "new_" + factory.__name__
    return method


def _new_full(self, size, fill_value, *, dtype=None, device=None, requires_grad=False):
    return _factories.full(
        size,
        fill_value,
        dtype=dtype or self.dtype,
        device=device or self.device,
        requires_grad=requires_grad,
    )


def _new_tensor(self, data, *, dtype=None, device=None, requires_grad=False):
    return _factories.tensor(
        data, dtype=dtype or self.dtype, device=device or self.device, requires_grad=requires_grad
    )


def _type_as(self, other):
    return self.to(other.dtype)


def _caster(d):
    def method(self, memory_format=None):
        return self.to(d)

    return method


def _zero_(self):
    with_grad = STATE.enabled and self.requires_grad and self.grad_fn is None
    if with_grad:
        _check_inplace(self, True)
    if STATE.enabled and self.requires_grad:
        return write_result(self, self * 0)
    self._data[...] = 0
    self._version_counter.v += 1
    return self


def _fill_(self, value):
    if isinstance(value, Tensor):
        value = value.item()
    recording = STATE.enabled and self.requires_grad
    _check_inplace(self, recording)
    if recording:
        return write_result(self, self * 0 + value)
    self._data[...] = value
    self._version_counter.v += 1
    return self


def _copy_(self, src, non_blocking=False):
    recording = STATE.enabled and (self.requires_grad or src.requires_grad)
    _check_inplace(self, recording)
    src = src.to(self.device)
    if src.dtype is not self.dtype:
        from .ops._promote import cast

        src = cast(src, self.dtype)
    if recording:
        result = self * 0 + src if self.requires_grad else src.expand(self.shape).clone()
        self._data[...] = result._data
        self._version_counter.v += 1
        self.grad_fn = result.grad_fn
        self._output_nr = result._output_nr
        self.requires_grad = True
        return self
    try:
        self._data[...] = src._data
    except ValueError:
        raise RuntimeError(
            f"The size of tensor a ({self.shape[-1] if self.ndim else 1}) must "
            f"match the size of tensor b ({src.shape[-1] if src.ndim else 1}) "
            "at non-singleton dimension"
        ) from None
    self._version_counter.v += 1
    return self


def _eq_operator(self, other):
    return False if other is None else P.eq(self, other)


def _ne_operator(self, other):
    return True if other is None else P.ne(self, other)


def _size_method_view(self, *shape):
    return shaping.view(self, *shape)


_PLAIN = {
    # pointwise
    "add": P.add,
    "sub": P.sub,
    "subtract": P.sub,
    "mul": P.mul,
    "multiply": P.mul,
    "div": P.div,
    "divide": P.div,
    "true_divide": P.true_divide,
    "floor_divide": P.floor_divide,
    "remainder": P.remainder,
    "fmod": P.fmod,
    "pow": P.pow,
    "float_power": P.float_power,
    "square": P.square,
    "atan2": P.atan2,
    "arctan2": P.atan2,
    "hypot": P.hypot,
    "maximum": P.maximum,
    "minimum": P.minimum,
    "fmax": P.fmax,
    "fmin": P.fmin,
    "lerp": P.lerp,
    "addcmul": P.addcmul,
    "addcdiv": P.addcdiv,
    "clamp": P.clamp,
    "clip": P.clamp,
    "clamp_min": P.clamp_min,
    "clamp_max": P.clamp_max,
    "round": P.round,
    "logit": P.logit,
    "nan_to_num": P.nan_to_num,
    "neg": P.neg,
    "negative": P.neg,
    "abs": P.abs,
    "absolute": P.abs,
    "sign": P.sign,
    "sgn": P.sgn,
    "floor": P.floor,
    "ceil": P.ceil,
    "trunc": P.trunc,
    "fix": P.trunc,
    "frac": P.frac,
    "reciprocal": P.reciprocal,
    "sqrt": P.sqrt,
    "rsqrt": P.rsqrt,
    "exp": P.exp,
    "exp2": P.exp2,
    "expm1": P.expm1,
    "log": P.log,
    "log2": P.log2,
    "log10": P.log10,
    "log1p": P.log1p,
    "sin": P.sin,
    "cos": P.cos,
    "tan": P.tan,
    "asin": P.asin,
    "acos": P.acos,
    "atan": P.atan,
    "arcsin": P.asin,
    "arccos": P.acos,
    "arctan": P.atan,
    "sinh": P.sinh,
    "cosh": P.cosh,
    "tanh": P.tanh,
    "asinh": P.asinh,
    "acosh": P.acosh,
    "atanh": P.atanh,
    "arcsinh": P.asinh,
    "arccosh": P.acosh,
    "arctanh": P.atanh,
    "sigmoid": P.sigmoid,
    "erf": P.erf,
    "erfc": P.erfc,
    "erfinv": P.erfinv,
    "lgamma": P.lgamma,
    "digamma": P.digamma,
    "eq": P.eq,
    "ne": P.ne,
    "lt": P.lt,
    "le": P.le,
    "gt": P.gt,
    "ge": P.ge,
    "not_equal": P.ne,
    "less": P.lt,
    "less_equal": P.le,
    "greater": P.gt,
    "greater_equal": P.ge,
    "logical_and": P.logical_and,
    "logical_or": P.logical_or,
    "logical_xor": P.logical_xor,
    "logical_not": P.logical_not,
    "bitwise_and": P.bitwise_and,
    "bitwise_or": P.bitwise_or,
    "bitwise_xor": P.bitwise_xor,
    "bitwise_not": P.bitwise_not,
    "bitwise_left_shift": P.bitwise_left_shift,
    "bitwise_right_shift": P.bitwise_right_shift,
    "isnan": P.isnan,
    "isinf": P.isinf,
    "isfinite": P.isfinite,
    "isposinf": P.isposinf,
    "isneginf": P.isneginf,
    "signbit": P.signbit,
    "isclose": P.isclose,
    "allclose": P.allclose,
    "equal": P.equal,
    "masked_fill": P.masked_fill,
    "where": lambda self, condition, other: P.where(condition, self, other),
    "polygamma": lambda self, n: P.polygamma(n, self),
    # shape
    "view": _size_method_view,
    "reshape": shaping.reshape,
    "view_as": shaping.view_as,
    "reshape_as": shaping.reshape_as,
    "contiguous": shaping.contiguous,
    "clone": shaping.clone,
    "flatten": shaping.flatten,
    "unflatten": shaping.unflatten,
    "squeeze": shaping.squeeze,
    "unsqueeze": shaping.unsqueeze,
    "permute": shaping.permute,
    "transpose": shaping.transpose,
    "swapaxes": shaping.swapaxes,
    "swapdims": shaping.swapdims,
    "t": shaping.t,
    "adjoint": shaping.adjoint,
    "movedim": shaping.movedim,
    "moveaxis": shaping.movedim,
    "expand": shaping.expand,
    "expand_as": shaping.expand_as,
    "broadcast_to": shaping.broadcast_to,
    "narrow": shaping.narrow,
    "select": shaping.select,
    "split": shaping.split,
    "chunk": shaping.chunk,
    "tensor_split": shaping.tensor_split,
    "unbind": shaping.unbind,
    "flip": shaping.flip,
    "fliplr": shaping.fliplr,
    "flipud": shaping.flipud,
    "roll": shaping.roll,
    "rot90": shaping.rot90,
    "repeat": shaping.repeat,
    "tile": shaping.tile,
    "index_put": shaping.index_put,
    "index_put_": shaping.index_put_,
    # reductions and products
    "sum": reducing.sum,
    "mean": reducing.mean,
    "sum_to_size": reducing.sum_to_size,
    "matmul": products.matmul,
    "mm": products.mm,
    "bmm": products.bmm,
    "mv": products.mv,
    "dot": products.dot,
}

_INPLACE = [
    "add",
    "sub",
    "subtract",
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
    "lerp",
    "addcmul",
    "addcdiv",
    "clamp",
    "clip",
    "clamp_min",
    "clamp_max",
    "round",
    "logit",
    "nan_to_num",
    "neg",
    "negative",
    "abs",
    "absolute",
    "sign",
    "sgn",
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
    "arcsin",
    "arccos",
    "arctan",
    "sinh",
    "cosh",
    "tanh",
    "asinh",
    "acosh",
    "atanh",
    "arcsinh",
    "arccosh",
    "arctanh",
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
    "bitwise_not",
    "bitwise_left_shift",
    "bitwise_right_shift",
    "masked_fill",
    "polygamma",
]

_OPERATORS = {
    "__add__": P.add,
    "__radd__": _reflect(P.add),
    "__sub__": P.sub,
    "__rsub__": _reflect(P.sub),
    "__mul__": P.mul,
    "__rmul__": _reflect(P.mul),
    "__truediv__": P.div,
    "__rtruediv__": _reflect(P.div),
    "__floordiv__": P.floor_divide,
    "__rfloordiv__": _reflect(P.floor_divide),
    "__mod__": P.remainder,
    "__rmod__": _reflect(P.remainder),
    "__pow__": P.pow,
    "__rpow__": _reflect(P.pow),
    "__matmul__": products.matmul,
    "__rmatmul__": _reflect(products.matmul),
    "__neg__": P.neg,
    "__abs__": P.abs,
    "__pos__": lambda self: self,
    "__eq__": _eq_operator,
    "__ne__": _ne_operator,
    "__lt__": P.lt,
    "__le__": P.le,
    "__gt__": P.gt,
    "__ge__": P.ge,
    "__and__": P.bitwise_and,
    "__rand__": _reflect(P.bitwise_and),
    "__or__": P.bitwise_or,
    "__ror__": _reflect(P.bitwise_or),
    "__xor__": P.bitwise_xor,
    "__rxor__": _reflect(P.bitwise_xor),
    "__invert__": P.bitwise_not,
    "__lshift__": P.bitwise_left_shift,
    "__rshift__": P.bitwise_right_shift,
    "__getitem__": shaping.getitem,
    "__setitem__": shaping.setitem,
}

_AUGMENTED = {
    "__iadd__": "add",
    "__isub__": "sub",
    "__imul__": "mul",
    "__itruediv__": "div",
    "__ifloordiv__": "floor_divide",
    "__imod__": "remainder",
    "__ipow__": "pow",
    "__iand__": "bitwise_and",
    "__ior__": "bitwise_or",
    "__ixor__": "bitwise_xor",
    "__ilshift__": "bitwise_left_shift",
    "__irshift__": "bitwise_right_shift",
}


def bind(namespace: dict, plain: dict, inplace_names=()) -> None:
    """Attach ``plain`` as methods and ``name_`` in-place variants for ``inplace_names``."""
    for name, fn in plain.items():
        setattr(Tensor, name, fn)
    for name in inplace_names:
        setattr(Tensor, name + "_", make_inplace(plain[name]))


# Modules that declare their own METHODS / INPLACE (see each module's top).
_SELF_DECLARING = (
    "sorting",
    "indexing",
    "linalg",
    "activations",
    "norms",
    "random_ops",
    "composite",
)


def install() -> None:
    """Attach every method and operator to Tensor."""
    import importlib

    bind({}, _PLAIN, _INPLACE)
    for name in _SELF_DECLARING:
        mod = importlib.import_module(f"ember.ops.{name}")
        bind({}, mod.METHODS, mod.INPLACE)
    for name, fn in _OPERATORS.items():
        setattr(Tensor, name, fn)
    for dunder, name in _AUGMENTED.items():
        setattr(Tensor, dunder, getattr(Tensor, name + "_"))
    Tensor.new_zeros = _new_factory(_factories.zeros)
    Tensor.new_ones = _new_factory(_factories.ones)
    Tensor.new_empty = _new_factory(_factories.empty)
    Tensor.new_full = _new_full
    Tensor.new_tensor = _new_tensor
    Tensor.type_as = _type_as
    Tensor.zero_ = _zero_
    Tensor.fill_ = _fill_
    Tensor.copy_ = _copy_
    for name, d in (
        ("float", _dtype.float32),
        ("double", _dtype.float64),
        ("half", _dtype.float16),
        ("bfloat16", _dtype.bfloat16),
        ("long", _dtype.int64),
        ("int", _dtype.int32),
        ("short", _dtype.int16),
        ("char", _dtype.int8),
        ("byte", _dtype.uint8),
        ("bool", _dtype.bool),
    ):
        setattr(Tensor, name, _caster(d))
