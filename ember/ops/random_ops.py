"""In-place random fills (``uniform_``, ``normal_``, ``bernoulli_``, ``random_``, ...).

Samples are drawn on the host from the (default or given) Generator by PyTorch's own CPU
algorithms (``ember/_sampling.py``), with torch's argument checks and messages, and written into
the tensor's memory; they record no gradient.

NOTE [ Fill order ]
torch's samplers run a serial loop over a TensorIterator, which visits a tensor's elements in
memory order: the dimension with the smallest stride innermost. A contiguous tensor is filled in
C order; a transposed or permuted one in the order of its memory, not of its indices. The same
samples land in the same places here: :func:`fill_order` gives the permutation of axes whose C
order is that memory order, and values are written through it.
"""

from __future__ import annotations

import math
import operator
import warnings

from .. import _dtype
from .. import _sampling as S
from .._dtype import kernel_not_implemented
from .._random import generator_of
from .._tensor import Tensor
from ..autograd.grad_mode import GRAD_ENABLED
from ._binding import tensor_method
from ._inplace import check_inplace

__all__: list[str] = []

_NO_TO = object()  # random_(from, to) with ``to`` not given (torch's ``random_(to)``)


def fill_order(array):
    """The axes of ``array`` from largest to smallest stride (torch's fill order), or None
    when that is C order."""
    if array.flags.c_contiguous or array.ndim < 2:
        return None
    strides = array.strides
    perm = tuple(sorted(range(array.ndim), key=lambda d: -abs(strides[d])))
    return None if perm == tuple(range(array.ndim)) else perm


def dense_order(t: Tensor):
    """The axes of ``t`` from largest to smallest stride when ``t`` is laid out densely but not
    in C order (torch's ``empty_like`` then copies its layout: a transposed or permuted
    tensor), else None."""
    shape, strides = tuple(t.shape), t.stride()
    if len(shape) < 2 or t.is_contiguous():
        return None
    order = sorted(range(len(shape)), key=lambda d: -strides[d])
    expected = 1
    for d in reversed(order):
        if shape[d] != 1 and strides[d] != expected:
            return None
        expected *= shape[d]
    return order


def write_samples(self: Tensor, values) -> Tensor:
    """Write host ``values`` (flat, in fill order, of ``self``'s dtype) into ``self``."""
    if GRAD_ENABLED.get():
        check_inplace(self)
    from .._backend import backend_for

    data = self._data
    perm = fill_order(data)
    target = data if perm is None else data.transpose(perm)
    values = values.reshape(target.shape)
    target[...] = backend_for(self.device).from_host(values, self.device)
    self._version_counter.v += 1
    return self


def _float_only(name: str, self: Tensor) -> None:
    if not self.dtype.is_floating_point:
        raise kernel_not_implemented(f"{name}", self.dtype)


def _real_view(self: Tensor):
    """``self``, or for a complex tensor its real view (torch samples its real view)."""
    if self.dtype.is_complex:
        from .complex import view_as_real

        return view_as_real(self)
    return self


@tensor_method()
def uniform_(self, from_=0.0, to=1.0, *, generator=None, **kwargs):
    """Fill with samples from U(from, to)."""
    from_ = kwargs.pop("from", from_)
    target = _real_view(self)
    _float_only("check_uniform_bounds", target)
    from_, to = float(from_), float(to)
    lo, hi = -_dtype.finfo(target.dtype).max, _dtype.finfo(target.dtype).max
    for name, v in (("from", from_), ("to", to)):
        if not lo <= v <= hi:
            raise RuntimeError(f"{name} is out of bounds for {target.dtype.cpp_name}")
    if from_ > to:
        raise RuntimeError(
            f"uniform_ expects to return a [from, to) range, but found from={from_:g} > to={to:g}"
        )
    if to - from_ > hi:
        raise RuntimeError(
            f"uniform_ expects to-from <= std::numeric_limits<{target.dtype.legacy_name}>::max(), "
            f"but found to={to:g} and from={from_:g} which result in to-from to exceed the limit"
        )
    with generator_of(generator) as eng:
        values = S.uniform(eng, target.numel(), target.dtype.np, from_, to)
    write_samples(target, values)
    return self


def _normal_into(target: Tensor, mean, std, generator) -> None:
    with generator_of(generator) as eng:
        values = S.normal(
            eng, target.numel(), target.dtype.np, mean, std, target._data.flags.c_contiguous
        )
    write_samples(target, values)


@tensor_method()
def normal_(self, mean=0.0, std=1.0, *, generator=None):
    """Fill with samples from N(mean, std**2)."""
    mean, std = float(mean), float(std)
    if not std >= 0.0:
        raise RuntimeError(f"normal expects std >= 0.0, but found std {std:g}")
    if self.dtype.is_complex:  # torch splits the variance between re and im
        _normal_into(_real_view(self), mean, std / math.sqrt(2), generator)
        return self
    _float_only("normal_kernel_cpu", self)
    _normal_into(self, mean, std, generator)
    return self


@tensor_method()
def bernoulli_(self, p=0.5, *, generator=None):
    """Fill with 0/1 samples that are 1 with probability ``p`` (a float or a tensor)."""
    if isinstance(p, Tensor):
        return _bernoulli_tensor_(self, p, generator)
    p = float(p)
    if not 0.0 <= p <= 1.0:
        raise RuntimeError(f"bernoulli_ expects p to be in [0, 1], but got p={p:g}")
    with generator_of(generator) as eng:
        values = S.bernoulli_scalar(eng, self.numel(), p)
    return write_samples(self, S.cast(values, self.dtype.np))


def _bernoulli_tensor_(self: Tensor, p: Tensor, generator) -> Tensor:
    if not p.dtype.is_floating_point:
        raise kernel_not_implemented("bernoulli_tensor_cpu_p_", p.dtype)
    probs = p.detach()._host_array()
    from .._backend import backend_for

    xp = backend_for(None).xp
    probs = xp.broadcast_to(probs, _expanded(tuple(self.shape), tuple(p.shape)))
    perm = fill_order(self._data)
    flat = (probs if perm is None else probs.transpose(perm)).ravel()
    bad = (flat < 0) | (flat > 1) | (flat != flat)
    with generator_of(generator) as eng:
        if bad.any():  # torch draws for the elements before the first bad one, then stops
            S.bernoulli_tensor(eng, flat[: int(bad.argmax())])
            raise RuntimeError(
                "Expected p_in >= 0 && p_in <= 1 to be true, but got false.  (Could this error "
                "message be improved?  If so, please report an enhancement request to PyTorch.)"
            )
        values = S.bernoulli_tensor(eng, flat)
    return write_samples(self, S.cast(values, self.dtype.np))


def _expanded(target: tuple, shape: tuple) -> tuple:
    """``shape`` expanded to ``target`` (PyTorch's expand rule and message)."""
    lead = len(target) - len(shape)
    ok = lead >= 0 and all(s in (1, t) for s, t in zip(shape, target[lead:]))
    if not ok:
        for i in range(1, min(len(shape), len(target)) + 1):
            if shape[-i] not in (1, target[-i]):
                raise RuntimeError(
                    f"The expanded size of the tensor ({target[-i]}) must match the existing "
                    f"size ({shape[-i]}) at non-singleton dimension {len(target) - i}.  Target "
                    f"sizes: {list(target)}.  Tensor sizes: {list(shape)}"
                )
    return target


@tensor_method()
def exponential_(self, lambd=1.0, *, generator=None):
    """Fill with samples from the exponential distribution with rate ``lambd``."""
    lambd = float(lambd)
    if not lambd > 0.0:
        raise RuntimeError(f"exponential_ expects lambda > 0.0, but found lambda={lambd:g}")
    if not self.dtype.is_floating_point:
        raise RuntimeError(
            "Exponential distribution is a continuous probability distribution. dtype must be a "
            f"floating point but you specified {self.dtype.legacy_name}"
        )
    with generator_of(generator) as eng:
        values = S.exponential(eng, self.numel(), self.dtype.np, lambd)
    return write_samples(self, values)


@tensor_method()
def geometric_(self, p, *, generator=None):
    """Fill with samples from the geometric distribution (trials until first success)."""
    p = float(p)
    if not 0.0 < p < 1.0:
        raise RuntimeError(f"geometric_ expects p to be in (0, 1), but got p={p:g}")
    if self.dtype is _dtype.bool:
        raise NotImplementedError("\"geometric_cpu\" not implemented for 'Bool'")
    with generator_of(generator) as eng:
        values = S.geometric(eng, self.numel(), self.dtype.np, p)
    return write_samples(self, values)


@tensor_method()
def log_normal_(self, mean=1.0, std=2.0, *, generator=None):
    """Fill with samples whose log is N(mean, std**2)."""
    mean, std = float(mean), float(std)
    if not std > 0.0:
        raise RuntimeError(f"log_normal_ expects std > 0.0, but found std={std:g}")
    _float_only("log_normal_cpu", self)
    with generator_of(generator) as eng:
        values = S.log_normal(eng, self.numel(), self.dtype.np, mean, std)
    return write_samples(self, values)


@tensor_method()
def cauchy_(self, median=0.0, sigma=1.0, *, generator=None):
    """Fill with samples from the Cauchy distribution."""
    median, sigma = float(median), float(sigma)
    if not sigma > 0.0:
        raise RuntimeError(f"cauchy_ expects sigma > 0.0, but found sigma={sigma:g}")
    if not self.dtype.is_floating_point:
        raise RuntimeError(
            "Cauchy distribution is a continuous probability distribution. dtype must be a "
            f"floating point but you specified {self.dtype.cpp_name}"
        )
    with generator_of(generator) as eng:
        values = S.cauchy(eng, self.numel(), self.dtype.np, median, sigma)
    return write_samples(self, values)


# ---------------------------------------------------------------------------- random_


def _digits(d) -> int:
    return {_dtype.float16: 11, _dtype.bfloat16: 8, _dtype.float32: 24}.get(d, 53)


def _as_dtype_and_back(d, v: int) -> int:
    """``static_cast<int64_t>(static_cast<scalar_t>(v))`` (an infinity reads as int64's min, as
    the x86 conversion gives)."""
    x = float(S.cast(v, d.np).astype("float64"))
    return int(x) if math.isfinite(x) else -(2**63)


def _update_from(d, lo: int) -> int:
    """torch's ``update_from``: the smallest value of ``d`` that is not below ``lo``."""
    as_d = _as_dtype_and_back(d, lo + 1)
    if as_d < lo:
        n = abs(lo + 1).bit_length() - 1
        lo = as_d + (1 << (n - _digits(d) + 1))
    return lo


def _update_to(d, hi: int) -> int:
    """torch's ``update_to``: the largest value of ``d`` that is below ``hi``."""
    as_d = _as_dtype_and_back(d, hi - 1)
    if as_d >= hi:
        n = abs(hi - 1).bit_length() - 1
        hi = as_d - (1 << (n - _digits(d) + 1))
    return hi


def _check_in_range(d, lo: int, hi_inc: int) -> None:
    """torch's ``check_from_to_in_range`` (with its warning for floats past their mantissa)."""
    if d.is_floating_point:
        top = _dtype.finfo(d).max
        bounds = (-top, top)
    elif d is _dtype.bool:
        bounds = (0, 1)
    else:
        info = _dtype.iinfo(d)
        bounds = (info.min, info.max)
    for name, v in (("from", lo), ("to - 1", hi_inc)):
        if not bounds[0] <= v <= bounds[1]:
            raise RuntimeError(f"{name} is out of bounds for {d.cpp_name}")
    if d.is_floating_point:
        digits = _digits(d)
        for name, v in (("from", lo), ("to - 1", hi_inc)):
            if not -(1 << digits) <= v <= 1 << digits:
                warnings.warn(
                    f"{name} is out of bounds [-(2^{digits}), 2^{digits}]. Due to precision "
                    f"limitations {d.cpp_name} can support discrete uniform distribution only "
                    "within this range. This warning will become an error in version 1.7 "
                    "release, please fix the code in advance",
                    UserWarning,
                    stacklevel=4,
                )


def _int_args(*values) -> list[int]:
    try:
        return [operator.index(v) for v in values]
    except TypeError:
        got = ", ".join(type(v).__name__ for v in values)
        raise TypeError(
            f"random_() received an invalid combination of arguments - got ({got}), but "
            "expected one of:\n * (*, torch.Generator generator = None)\n * (int from, int to, "
            "*, torch.Generator generator = None)\n * (int to, *, torch.Generator generator = "
            "None)\n"
        ) from None


@tensor_method()
def random_(self, from_=None, to=_NO_TO, *, generator=None, **kwargs):
    """Fill with integers: ``random_()`` over ``[0, 2**mantissa]`` (floats) or ``[0, max]``
    (integers); ``random_(to)`` over ``[0, to)``; ``random_(from, to)`` over ``[from, to)``,
    ``to=None`` meaning up to the dtype's maximum."""
    from_ = kwargs.pop("from", from_)
    to = kwargs.pop("to", to)
    d = self.dtype
    if from_ is None and to is _NO_TO:
        return _random_default(self, generator)
    if to is _NO_TO:  # random_(to)
        from_, to = 0, from_
    if to is None:
        (from_,) = _int_args(0 if from_ is None else from_)
    else:
        from_, to = _int_args(0 if from_ is None else from_, to)
    if to is not None:
        if from_ >= to:
            raise RuntimeError(
                f"random_ expects 'from' to be less than 'to', but got from={from_} >= to={to}"
            )
        if d.is_floating_point:
            from_, to = _update_from(d, from_), _update_to(d, to)
            if from_ >= to:
                raise RuntimeError(
                    "random_ expects 'from' casted to dtype to be less than 'to' casted to "
                    f"dtype, but got from={from_} >= to={to}"
                )
        _check_in_range(d, from_, to - 1)
        return _random_span(self, generator, to - from_, from_)
    if from_ != -(2**63):  # [from, dtype max]
        if d.is_floating_point:
            to_inc = min(1 << _digits(d), 2**63 - 1)
            from_ = _update_from(d, from_)
            if from_ >= to_inc:
                raise RuntimeError(
                    "random_ expects 'from' casted to dtype to be less than or equal to "
                    f"'to_inc' casted to dtype, but got from={from_} > to_inc={to_inc}"
                )
        else:
            to_inc = 1 if d is _dtype.bool else int(_dtype.iinfo(d).max)
        _check_in_range(d, from_, to_inc)
        return _random_span(self, generator, to_inc - from_ + 1, from_)
    if d not in (_dtype.int64, _dtype.float64, _dtype.float32, _dtype.bfloat16):
        if d is _dtype.float16 or d is _dtype.bool:
            raise kernel_not_implemented("random_full_64_bits_range_kernel_cpu", d)
        raise RuntimeError(
            "random_full_64_bits_range_kernel_cpu handles only int64, double, float and bfloat16"
        )
    with generator_of(generator) as eng:
        values = S.random_full_range(eng, self.numel(), d.np)
    return write_samples(self, values)


def _random_span(self, generator, span: int, base: int):
    if self.numel() == 0:
        return self
    with generator_of(generator) as eng:
        values = S.random_from_to(eng, self.numel(), self.dtype.np, span, base)
    return write_samples(self, values)


def _random_default(self, generator):
    if self.dtype.np.name not in S.RANDOM_DEFAULT_TYPES:
        raise kernel_not_implemented("random_kernel_cpu", self.dtype)
    with generator_of(generator) as eng:
        values = S.random_default(eng, self.numel(), self.dtype.np)
    return write_samples(self, values)
