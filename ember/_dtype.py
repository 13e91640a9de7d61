"""dtypes and PyTorch's type-promotion rules (``torch.result_type``)."""

from __future__ import annotations

import numpy as np

from . import _naming

__all__ = [
    "dtype",
    "float16",
    "bfloat16",
    "float32",
    "float64",
    "int8",
    "int16",
    "int32",
    "int64",
    "uint8",
    "bool",
    "complex64",
    "complex128",
    "cfloat",
    "cdouble",
    "half",
    "float",
    "double",
    "short",
    "int",
    "long",
    "get_default_dtype",
    "set_default_dtype",
    "promote_types",
    "result_type",
    "finfo",
    "iinfo",
]

_BOOL, _INT, _FLOAT, _COMPLEX = 0, 1, 2, 3


class dtype:
    """A tensor element type, like ``torch.dtype``; ``.np`` is the matching NumPy dtype.

    ``legacy_name`` is PyTorch's scalar-type name (``Float``, ``Long``, ...), the one its error
    messages and legacy tensor types (``torch.FloatTensor``) use; ``cpp_name`` is the C++ type
    name other messages print (``float``, ``long int``). These are their only tables.
    """

    __slots__ = ("name", "np", "category", "itemsize", "is_signed", "legacy_name", "cpp_name")

    def __init__(self, name: str, np_dtype, category: int, legacy_name: str, cpp_name: str):
        self.name = name
        self.legacy_name = legacy_name
        self.cpp_name = cpp_name
        self.np = np.dtype(np_dtype)
        self.category = category
        self.itemsize = self.np.itemsize
        self.is_signed = name != "uint8" and name != "bool"

    @property
    def is_floating_point(self) -> bool:
        return self.category == _FLOAT

    @property
    def is_complex(self) -> bool:
        return self.category == _COMPLEX

    def to_real(self) -> dtype:
        """The real dtype of a complex one's parts (``complex64`` -> ``float32``); any other
        dtype is itself."""
        return _TO_REAL.get(self, self)

    def to_complex(self) -> dtype:
        """The complex dtype whose parts are this floating dtype (``float64`` -> ``complex128``);
        a complex dtype is itself. ember has no ``complex32``: ``float16`` gives ``complex64``."""
        if self.category == _COMPLEX:
            return self
        if self.category != _FLOAT:
            raise RuntimeError(f"Unknown Complex ScalarType for {self.legacy_name}")
        return complex128 if self is float64 else complex64

    def __repr__(self) -> str:
        return f"{_naming.public_name()}.{self.name}"

    def __reduce__(self):
        return (_dtype_by_name, (self.name,))


class _MlDtype(dtype):
    """A dtype whose NumPy type comes from ml_dtypes, imported on first use: it alone took
    0.6 s of ``import ember``, and most programs never touch bfloat16."""

    __slots__ = ("_np",)

    def __init__(self, name, category, legacy_name, cpp_name, itemsize):
        self.name, self.category, self.itemsize = name, category, itemsize
        self.legacy_name, self.cpp_name = legacy_name, cpp_name
        self.is_signed = True
        self._np = None

    @property
    def np(self):
        if self._np is None:
            import ml_dtypes

            self._np = np.dtype(getattr(ml_dtypes, self.name))
            _BY_NP[self._np] = self
            INEXACT_NP.add(self._np)
        return self._np


class _ByNumpy(dict):
    """NumPy dtype -> ember dtype; bfloat16 joins on first lookup (an array of it exists only
    once ml_dtypes is loaded)."""

    def __missing__(self, key):
        if getattr(key, "name", None) == "bfloat16":
            bfloat16.np  # noqa: B018 - resolving it registers it here and in INEXACT_NP
            return bfloat16
        raise KeyError(key)


float16 = dtype("float16", np.float16, _FLOAT, "Half", "c10::Half")
bfloat16 = _MlDtype("bfloat16", _FLOAT, "BFloat16", "c10::BFloat16", 2)
float32 = dtype("float32", np.float32, _FLOAT, "Float", "float")
float64 = dtype("float64", np.float64, _FLOAT, "Double", "double")
int8 = dtype("int8", np.int8, _INT, "Char", "signed char")
int16 = dtype("int16", np.int16, _INT, "Short", "short int")
int32 = dtype("int32", np.int32, _INT, "Int", "int")
int64 = dtype("int64", np.int64, _INT, "Long", "long int")
uint8 = dtype("uint8", np.uint8, _INT, "Byte", "unsigned char")
bool = dtype("bool", np.bool_, _BOOL, "Bool", "bool")  # noqa: A001 - PyTorch's public name
complex64 = dtype("complex64", np.complex64, _COMPLEX, "ComplexFloat", "c10::complex<float>")
complex128 = dtype("complex128", np.complex128, _COMPLEX, "ComplexDouble", "c10::complex<double>")
cfloat, cdouble = complex64, complex128
half, float, double = float16, float32, float64  # noqa: A001
short, int, long = int16, int32, int64  # noqa: A001

ALL_DTYPES = (
    float16,
    bfloat16,
    float32,
    float64,
    int8,
    int16,
    int32,
    int64,
    uint8,
    bool,
    complex64,
    complex128,
)
_BY_NAME = {d.name: d for d in ALL_DTYPES}
_BY_NP = _ByNumpy({d.np: d for d in ALL_DTYPES if d is not bfloat16})
# The NumPy dtypes of the inexact (float and complex) dtypes: the set that the "not an integer or
# bool tensor" checks of the op path look in, a C-level lookup. bfloat16 joins it when resolved.
INEXACT_NP = {d.np for d in ALL_DTYPES if d.category >= _FLOAT and d is not bfloat16}
_FLOAT_RANK = {float16: 1, bfloat16: 1, float32: 2, float64: 3}
_TO_REAL = {complex64: float32, complex128: float64}


def _dtype_by_name(name: str) -> dtype:
    return _BY_NAME[name]


def from_numpy_dtype(np_dtype) -> dtype:
    """The ember dtype of a NumPy dtype; raises TypeError for types PyTorch does not have."""
    try:
        return _BY_NP[np_dtype]
    except KeyError:
        np_dtype = np.dtype(np_dtype)
        if np_dtype in _BY_NP:
            return _BY_NP[np_dtype]
        if np_dtype == np.uint16 or np_dtype == np.uint32 or np_dtype == np.uint64:
            return int64
        raise TypeError(
            f"can't convert np.ndarray of type numpy.{np_dtype}. The only supported types are: "
            "float64, float32, float16, complex64, complex128, int64, int32, int16, int8, "
            "uint8, and bool."
        ) from None


class _Defaults:
    float_dtype = float32


_defaults = _Defaults()


def get_default_dtype() -> dtype:
    """The default floating point dtype (``torch.get_default_dtype``)."""
    return _defaults.float_dtype


def set_default_dtype(d: dtype) -> None:
    """Set the default floating point dtype (``torch.set_default_dtype``)."""
    if not isinstance(d, dtype) or not d.is_floating_point:
        raise TypeError(f"only floating-point types are supported as the default type, got {d}")
    _defaults.float_dtype = d


def default_complex_dtype() -> dtype:
    """The complex dtype that goes with the default float dtype (what ``tensor([1j])`` is)."""
    return complex128 if _defaults.float_dtype is float64 else complex64


def promote_types(a: dtype, b: dtype) -> dtype:
    """The smallest dtype both ``a`` and ``b`` convert to (``torch.promote_types``)."""
    if a is b:
        return a
    if a.category == _COMPLEX or b.category == _COMPLEX:
        # the parts are the promotion of the float types involved; ints and bools add nothing
        ra = a.to_real() if a.category >= _FLOAT else b.to_real()
        rb = b.to_real() if b.category >= _FLOAT else a.to_real()
        return promote_types(ra, rb).to_complex()
    if a.category != b.category:
        return a if a.category > b.category else b
    if a.category == _FLOAT:
        ra, rb = _FLOAT_RANK[a], _FLOAT_RANK[b]
        if ra == rb:  # float16 with bfloat16
            return float32
        return a if ra > rb else b
    return _BY_NP[np.promote_types(a.np, b.np)]


def scalar_dtype(value) -> dtype:
    """The dtype a Python scalar takes on its own (``torch.tensor(value).dtype``)."""
    if isinstance(value, (builtins_bool, np.bool_)):
        return bool
    if isinstance(value, (builtins_int, np.integer)):
        return int64
    if isinstance(value, (builtins_complex, np.complexfloating)):
        return default_complex_dtype()
    return _defaults.float_dtype


def result_type(*operands) -> dtype:
    """PyTorch's ``result_type``: dimensioned tensors, then 0-d tensors, then Python scalars.

    A lower-priority group only matters when its category (bool < int < float < complex) is
    higher than everything above it; a float scalar then gives the default float dtype. A
    complex one over floats keeps their precision (``float64`` tensor + ``1j`` is complex128).
    """
    groups = [None, None, None]
    for x in operands:
        if hasattr(x, "_data"):
            d, g = x.dtype, 0 if x._data.ndim else 1
        else:
            d, g = scalar_dtype(x), 2
        cur = groups[g]
        groups[g] = d if cur is None else promote_types(cur, d)
    result = None
    for d in groups:
        if d is not None and (result is None or d.category > result.category):
            if d.category == _COMPLEX and result is not None and result.category == _FLOAT:
                d = result.to_complex()
            result = d
    return result


def finfo(type: dtype | None = None):  # noqa: A002 - PyTorch's argument name
    """Machine limits of a floating point dtype (``torch.finfo``); a complex dtype gives its
    parts' limits."""
    return _FInfo((type or _defaults.float_dtype).to_real())


def iinfo(type: dtype):  # noqa: A002
    """Machine limits of an integer dtype (``torch.iinfo``)."""
    if type.category != _INT:
        raise TypeError(
            f"torch.iinfo() requires an integer input type. Use torch.finfo to handle '{type.name}'"
        )
    return _IInfo(type)


def overflows(value, d: dtype):
    """Whether ``value`` (a number, or elementwise an array) is outside what ``d`` holds, by
    c10's ``overflows``: an int outside an integer dtype's range (an unsigned dtype also takes
    ``-max..-1``, which wrap), a float that is NaN, infinite or outside it, a finite number
    past a float dtype's largest (infinity converts). ``bool`` holds anything. A complex number
    fits a complex dtype when both parts fit its real one, and another dtype when it is real."""
    a = np.asarray(value)
    if d.category == _BOOL:
        return np.zeros(a.shape, builtins_bool)
    if a.dtype.kind == "c":
        if d.category == _COMPLEX:
            return overflows(a.real, d.to_real()) | overflows(a.imag, d.to_real())
        return (a.imag != 0) | overflows(a.real, d)
    if d.category == _COMPLEX:
        return overflows(a, d.to_real())
    if d.category == _INT:
        info = np.iinfo(d.np)
        if a.dtype.kind in "biuO":
            low = builtins_int(info.min) or -builtins_int(info.max)
            return (a < low) | (a > builtins_int(info.max))
        return ~((a >= info.min) & (a <= info.max))
    top = builtins_float(_finfo_of(d).max)
    if a.dtype.kind in "biuO":
        return (a < -top) | (a > top)
    return np.isfinite(a) & (np.abs(a) > top)


def check_scalar(value, d: dtype, numel: int = 0):
    """``value`` as a fill of ``d``, checked as ``c10::Scalar::to<T>()`` checks it (``full``,
    ``fill_``, ``scalar_tensor``): PyTorch's errors where it does not fit; a negative int
    wraps into uint8. A one-element half or bfloat16 fill takes PyTorch's unchecked path."""
    if isinstance(value, (builtins_int, np.integer)) and not isinstance(value, builtins_bool):
        if value >= 1 << 64:
            raise OverflowError("int too big to convert")
        if value < -(1 << 63):
            raise OverflowError("can't convert negative int to unsigned")
    if not (numel == 1 and d.itemsize == 2 and d.category == _FLOAT) and overflows(value, d):
        name = d.cpp_name if d.category >= _FLOAT else "int" if d is int32 else d.name + "_t"
        raise RuntimeError(f"value cannot be converted to type {name} without overflow")
    if d.category == _BOOL:
        return builtins_bool(value)
    if isinstance(value, (builtins_complex, np.complexfloating)) and d.category != _COMPLEX:
        value = value.real  # a complex number with no imaginary part, as a real fill
    return value % 256 if d is uint8 and value < 0 else value


class _FInfo:
    def __init__(self, d: dtype):
        if not d.is_floating_point:
            raise TypeError(
                "torch.finfo() requires a floating point input type. Use torch.iinfo "
                f"to handle '{d.name}'"
            )
        info = _finfo_of(d)
        self.dtype = d.name
        self.bits = info.bits
        self.eps = builtins_float(info.eps)
        self.max = builtins_float(info.max)
        self.min = builtins_float(info.min)
        self.tiny = self.smallest_normal = builtins_float(info.tiny)
        self.resolution = 10.0 ** -builtins_int(info.precision)

    def __repr__(self):
        return (
            f"finfo(resolution={self.resolution}, min={self.min:g}, max={self.max:g}, "
            f"eps={self.eps:g}, smallest_normal={self.tiny:g}, tiny={self.tiny:g}, "
            f"dtype={self.dtype})"
        )


class _IInfo:
    def __init__(self, d: dtype):
        info = np.iinfo(d.np)
        self.dtype = d.name
        self.bits = info.bits
        self.max = builtins_int(info.max)
        self.min = builtins_int(info.min)

    def __repr__(self):
        return f"iinfo(min={self.min}, max={self.max}, dtype={self.dtype})"


def kernel_not_implemented(kernel: str, d: dtype) -> NotImplementedError:
    """PyTorch's error for a kernel with no version for dtype ``d``, e.g.
    ``"softplus_cpu" not implemented for 'Long'`` (raise what this returns)."""
    return NotImplementedError(f"\"{kernel}\" not implemented for '{d.legacy_name}'")


def _finfo_of(d: dtype):
    if d is bfloat16:
        import ml_dtypes

        return ml_dtypes.finfo(d.np)
    return np.finfo(d.np)


import builtins as _builtins  # noqa: E402 - after the dtype names that shadow the builtins

builtins_bool, builtins_int, builtins_float = _builtins.bool, _builtins.int, _builtins.float
builtins_complex = _builtins.complex
