"""Public complex-number functions (``ember.real``, ``ember.view_as_real``, ``ember.complex``,
``ember.polar``, ``ember.angle``, ``ember.conj``, ``ember.sgn``, ...), on the primitives of
:mod:`ember.ops.prims.complex`.

ember keeps no lazy conjugate or negative bit: ``conj`` of a complex tensor is a new tensor
(``conj_physical``), so ``is_conj`` and ``is_neg`` are always False and ``resolve_conj`` /
``resolve_neg`` return their input.
"""

from __future__ import annotations

from .. import _dtype
from ._binding import tensor_method
from ._out import CAST, SAME, OutRule, unless, with_out
from ._promote import to_float
from .prims import complex as C
from .prims import pointwise as E

__all__ = [
    "real",
    "imag",
    "view_as_real",
    "view_as_complex",
    "complex",
    "polar",
    "angle",
    "conj",
    "conj_physical",
    "resolve_conj",
    "resolve_neg",
    "is_conj",
    "is_neg",
    "is_complex",
    "sgn",
]


def real(input):  # noqa: A002
    """The real part of ``input``, a view sharing its memory (``input`` itself when it is not
    complex), as ``torch.real``."""
    if input._data.dtype.kind != "c":
        return input
    return C._real(input)


def imag(input):  # noqa: A002
    """The imaginary part of a complex ``input``, a view sharing its memory (``torch.imag``)."""
    if input._data.dtype.kind != "c":
        raise RuntimeError("imag is not implemented for tensors with non-complex dtypes.")
    return C._imag(input)


def view_as_real(input):  # noqa: A002
    """A complex tensor as a real one with a trailing dimension of size 2 (real and imaginary
    parts), sharing its memory (``torch.view_as_real``)."""
    if input._data.dtype.kind != "c":
        raise RuntimeError("view_as_real is only supported for complex tensors")
    return C._view_as_real(input)


def view_as_complex(input):  # noqa: A002
    """A real tensor whose last dimension has size 2 as a complex one, sharing its memory
    (``torch.view_as_complex``): the last dimension must have stride 1, every other stride and
    the storage offset must be even."""
    d = input.dtype
    if d not in (_dtype.float32, _dtype.float64):
        if d is _dtype.float16:
            raise RuntimeError("view_as_complex: ember has no complex32 (ComplexHalf) dtype")
        raise RuntimeError(
            "view_as_complex is only supported for half, float and double tensors, but got a "
            f"tensor of scalar type: {d.legacy_name}"
        )
    if input.ndim == 0:
        raise RuntimeError("Input tensor must have one or more dimensions")
    if input.shape[-1] != 2:
        raise RuntimeError("Tensor must have a last dimension of size 2")
    strides = input.stride()
    if strides[-1] != 1:
        raise RuntimeError("Tensor must have a last dimension with stride 1")
    if any(s % 2 for s in strides[:-1]):
        raise RuntimeError("Tensor must have a stride divisible by 2 for all but last dimension")
    if input.storage_offset() % 2:
        raise RuntimeError("Tensor must have a storage_offset divisible by 2")
    return C._view_as_complex(input)


_PARTS_OUT = OutRule(
    check=unless(
        "equal",
        "Expected object of scalar type {want} but got scalar type {got} for argument 'out'",
    )
)


def _parts(name, a, b):
    """``complex``/``polar``'s checks on its two real tensors, PyTorch's messages."""
    floats = (_dtype.float16, _dtype.float32, _dtype.float64)
    if a.dtype not in floats or b.dtype not in floats:
        raise RuntimeError(
            "Expected both inputs to be Half, Float or Double tensors but got "
            f"{a.dtype.legacy_name} and {b.dtype.legacy_name}"
        )
    if a.dtype is not b.dtype:
        raise RuntimeError(
            f"Expected object of scalar type {a.dtype.legacy_name} but got scalar type "
            f"{b.dtype.legacy_name} for second argument"
        )
    if a.dtype is _dtype.float16:
        raise RuntimeError(f"{name}: ember has no complex32 (ComplexHalf) dtype")


def complex(real, imag, *, out=None):  # noqa: A001
    """The complex tensor ``real + i imag`` from two real tensors of the same float dtype
    (``torch.complex``), broadcast together."""
    if out is not None:
        return with_out(out, _PARTS_OUT, complex, real, imag)
    _parts("complex", real, imag)
    return C._complex(real, imag)


def polar(abs, angle, *, out=None):  # noqa: A002
    """The complex tensor with absolute value ``abs`` and angle ``angle``:
    ``abs * (cos(angle) + i sin(angle))`` (``torch.polar``)."""
    if out is not None:
        return with_out(out, _PARTS_OUT, polar, abs, angle)
    _parts("polar", abs, angle)
    return C._complex(abs * angle.cos(), abs * angle.sin())


@tensor_method()
def angle(input, *, out=None):  # noqa: A002
    """The angle (argument) of each element, in radians: ``atan2(imag, real)`` for complex
    input, ``pi`` for negative and ``0`` for other real numbers (``torch.angle``); the result
    is real."""
    if out is not None:
        return with_out(out, CAST, angle, input)
    return C._angle(input if input._data.dtype.kind == "c" else to_float(input))


@tensor_method()
def conj(input):  # noqa: A002
    """The complex conjugate (``torch.conj``); ``input`` itself when it is not complex. ember
    computes it at once (PyTorch returns a lazy view with its conjugate bit set)."""
    if input._data.dtype.kind != "c":
        return input
    return C._conj_physical(input)


@tensor_method(inplace=True)
def conj_physical(input, *, out=None):  # noqa: A002
    """The complex conjugate, computed (``torch.conj_physical``); ``input`` itself when it is
    not complex."""
    if out is not None:
        return with_out(out, SAME, conj_physical, input)
    if input._data.dtype.kind != "c":
        return input
    return C._conj_physical(input)


@tensor_method()
def resolve_conj(input):  # noqa: A002
    """``input`` with its conjugate bit resolved: ``input`` itself, since ember sets none."""
    return input


@tensor_method()
def resolve_neg(input):  # noqa: A002
    """``input`` with its negative bit resolved: ``input`` itself, since ember sets none."""
    return input


@tensor_method()
def is_conj(input) -> bool:  # noqa: A002
    """Whether ``input``'s conjugate bit is set: never in ember (``conj`` computes)."""
    return False


@tensor_method()
def is_neg(input) -> bool:  # noqa: A002
    """Whether ``input``'s negative bit is set: never in ember."""
    return False


def is_complex(input) -> bool:  # noqa: A002
    """Whether ``input`` has a complex dtype (``torch.is_complex``)."""
    return input.is_complex()


@tensor_method(inplace=True)
def sgn(input, *, out=None):  # noqa: A002
    """``input / abs(input)`` for complex input (0 where it is 0), the sign for real input
    (``torch.sgn``)."""
    if out is not None:
        return with_out(out, SAME, sgn, input)
    if input._data.dtype.kind != "c":
        return E._sign(input)
    return C._sgn(input)
