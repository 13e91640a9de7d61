"""Random tensor factories: rand, randn, randint, randperm, their ``*_like``, normal, bernoulli,
multinomial, poisson (``torch``'s), drawing PyTorch's own streams (``ember/_random.py``).

Each is torch's composition: ``rand(size)`` is ``empty(size).uniform_()``, ``randn`` is
``normal_()``, ``randint`` is ``random_(low, high)``, ``bernoulli(input)`` is
``empty_like(input).bernoulli_(input)``, ``multinomial`` without replacement is a Gumbel-style
``argmax``/``topk`` of ``input / exponential``, so the same words are drawn in the same order.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

from . import _dtype
from . import _sampling as S
from ._dtype import kernel_not_implemented
from ._factories import _allocated, _random_result, empty, full
from ._factory_args import int_like, no_signature, size_arg, tname
from ._options import check_options as _options
from ._random import generator_of
from ._tensor import Tensor
from .ops._binding import tensor_method
from .ops._out import OutRule, anything, factory_out, unless, with_out
from .ops.random_ops import dense_order

__all__ = [
    "rand",
    "randn",
    "randint",
    "randperm",
    "rand_like",
    "randn_like",
    "randint_like",
    "normal",
    "bernoulli",
    "multinomial",
    "poisson",
]


def _float_kernel(kernel, dtype):
    if not (dtype.is_floating_point or dtype.is_complex):
        raise kernel_not_implemented(f"{kernel}", dtype)


def _sampled(size, dtype, device, requires_grad, sampler, generator) -> Tensor:
    """A new contiguous tensor filled by ``sampler(engine, numel, dtype)`` (C order is its fill
    order); complex dtypes sample their real view, as torch's ``view_as_real`` does."""
    n = 1
    for s in size:
        n *= s
    np_dtype, scale, shape = dtype.np, 1.0, size
    if dtype.is_complex:
        np_dtype = dtype.to_real().np
        n, shape = 2 * n, (*size, 2)
        scale = 0.5**0.5 if sampler is S.normal else 1.0
    _allocated(lambda: np.empty(shape, np_dtype), size)  # torch's errors for a size too big
    with generator_of(generator) as eng:
        if scale != 1.0:
            arr = _allocated(lambda: sampler(eng, n, np_dtype, 0.0, scale), size)
        else:
            arr = _allocated(lambda: sampler(eng, n, np_dtype), size)
    arr = arr.reshape(shape)
    if shape is not size:
        arr = arr.view(dtype.np)[..., 0]
    return _random_result(arr, dtype, device, requires_grad)


def rand(
    *size, generator=None, out=None, dtype=None, device=None, requires_grad=False, **options
) -> Tensor:
    """Uniform samples on [0, 1)."""
    _options("rand", options)
    if out is not None:
        return factory_out(out, dtype, device, requires_grad, rand, *size, generator=generator)
    dtype = dtype or _dtype.get_default_dtype()
    _float_kernel("check_uniform_bounds", dtype)
    size = size_arg(size, "rand")
    return _sampled(size, dtype, device, requires_grad, S.uniform, generator)


def randn(
    *size, generator=None, out=None, dtype=None, device=None, requires_grad=False, **options
) -> Tensor:
    """Standard normal samples."""
    _options("randn", options)
    if out is not None:
        return factory_out(out, dtype, device, requires_grad, randn, *size, generator=generator)
    dtype = dtype or _dtype.get_default_dtype()
    _float_kernel("normal_kernel_cpu", dtype)
    size = size_arg(size, "randn")
    return _sampled(size, dtype, device, requires_grad, S.normal, generator)


def randint(
    low=0,
    high=None,
    size=None,
    *,
    generator=None,
    out=None,
    dtype=None,
    device=None,
    requires_grad=False,
    **options,
) -> Tensor:
    """Integers uniformly drawn from [low, high)."""
    _options("randint", options)
    if out is not None:
        return factory_out(
            out, dtype, device, requires_grad, randint, low, high, size, generator=generator
        )
    given = [a for a in (low, high, size) if a is not None]
    if size is None:
        low, high, size = 0, low, high
    if high is None:
        low, high = 0, low
    if not isinstance(size, Sequence) or isinstance(size, str) or (size and not int_like(size[0])):
        raise no_signature("randint", *given)
    size = size_arg((size,), "randint", varargs=False)
    if not (int_like(low) and int_like(high)):
        raise no_signature("randint", *given)
    t = empty(size, dtype=dtype or _dtype.int64, device=device)  # torch: empty(...).random_()
    t.random_(low, high, generator=generator)
    return t.requires_grad_(True) if requires_grad else t


_RANDPERM_MAX = {  # the integers a float dtype holds exactly
    _dtype.float16: (2049, "2049 for Half"),
    _dtype.float32: (2**24 + 1, "2^24+1 for Float"),
    _dtype.float64: (2**53 + 1, "2^53+1 for Double"),
}


def randperm(
    n, *, generator=None, out=None, dtype=None, device=None, requires_grad=False, **options
) -> Tensor:
    """A random permutation of 0..n-1."""
    _options("randperm", options)
    if out is not None:
        return factory_out(out, dtype, device, requires_grad, randperm, n, generator=generator)
    if not int_like(n) or isinstance(n, Tensor):
        raise TypeError(f"randperm(): argument 'n' (position 1) must be int, not {tname(n)}")
    n, dtype = int(n), dtype or _dtype.int64
    if not -(2**63) <= n < 2**63:
        raise ValueError("Overflow when unpacking long long")
    if n < 0:
        raise RuntimeError(f"Trying to create tensor with negative dimension {n}: [{n}]")
    _dtype.check_scalar(max(n - 1, 0), dtype, numel=1)  # PyTorch: n - 1 must fit the dtype
    if n > _RANDPERM_MAX.get(dtype, (n, ""))[0]:
        raise RuntimeError(f"n cannot be greater than {_RANDPERM_MAX[dtype][1]} type.")
    if dtype is _dtype.bool:
        raise NotImplementedError("\"randperm\" not implemented for 'Bool'")
    with generator_of(generator) as eng:
        arr = _allocated(lambda: S.randperm(eng, n), (n,))
    return _random_result(arr, dtype or _dtype.int64, device, requires_grad)


def _empty_like(input, dtype=None, device=None, options=None) -> Tensor:  # noqa: A002
    """torch's ``empty_like(input)``: a dense input's memory order is kept
    (``preserve_format``); that order decides which element each draw lands on, and a tensor
    not in C order takes the serial normal path."""
    dtype, device = dtype or input.dtype, device or input.device
    order = None
    if str((options or {}).get("memory_format", "preserve_format")).endswith("preserve_format"):
        order = dense_order(input)
    if order is None:
        return empty(tuple(input.shape), dtype=dtype, device=device)
    inverse = [0] * len(order)
    for i, d in enumerate(order):
        inverse[d] = i
    laid = empty(tuple(input.shape[d] for d in order), dtype=dtype, device=device)
    return laid.permute(*inverse)


def _grad(t: Tensor, requires_grad) -> Tensor:
    return t.requires_grad_(True) if requires_grad else t


def rand_like(
    input, *, generator=None, dtype=None, device=None, requires_grad=False, **options
) -> Tensor:  # noqa: A002
    """Uniform samples shaped (and laid out) like ``input``: ``empty_like(input).uniform_()``."""
    _options("rand_like", options, memory_format=True)
    out = _empty_like(input, dtype, device, options)
    return _grad(out.uniform_(generator=generator), requires_grad)


def randn_like(
    input, *, generator=None, dtype=None, device=None, requires_grad=False, **options
) -> Tensor:  # noqa: A002
    """Normal samples shaped (and laid out) like ``input``: ``empty_like(input).normal_()``."""
    _options("randn_like", options, memory_format=True)
    out = _empty_like(input, dtype, device, options)
    return _grad(out.normal_(generator=generator), requires_grad)


def randint_like(
    input,
    low=0,
    high=None,
    *,
    generator=None,
    dtype=None,
    device=None,  # noqa: A002
    requires_grad=False,
    **options,
) -> Tensor:
    """Random integers shaped (and laid out) like ``input``: ``empty_like(input).random_(low,
    high)``."""
    _options("randint_like", options, memory_format=True)
    if high is None:
        low, high = 0, low
    out = _empty_like(input, dtype, device, options)
    return _grad(out.random_(low, high, generator=generator), requires_grad)


def normal(
    mean=0.0,
    std=1.0,
    size=None,
    *,
    generator=None,
    out=None,
    dtype=None,
    device=None,
    requires_grad=False,
    **options,
) -> Tensor:
    """Normal samples with the given mean(s) and standard deviation(s).

    As torch: with a tensor ``mean`` or ``std`` the result has their broadcast shape and the
    dtype of ``mean`` (else of ``std``); it is ``normal_(0, 1)`` (``normal_(0, std)`` for a
    float ``std``) followed by ``mul_(std)`` and ``add_(mean)``.
    """
    _options("normal", options)
    if out is not None:
        return _normal_out(out, mean, std, size, generator, dtype, device, requires_grad)
    if isinstance(mean, Tensor) or isinstance(std, Tensor):
        return _normal_tensors(mean, std, generator, requires_grad)
    if std < 0:
        raise RuntimeError(f"normal expects std >= 0.0, but found std {std:g}")
    _float_kernel("normal_kernel_cpu", dtype or _dtype.get_default_dtype())
    if not isinstance(size, Sequence) or isinstance(size, str) or (size and not int_like(size[0])):
        raise no_signature("normal", mean, std, size)
    size = size_arg((size,), "normal", varargs=False)
    t = empty(size, dtype=dtype or _dtype.get_default_dtype(), device=device)
    t.normal_(mean, std, generator=generator)
    return t.requires_grad_(True) if requires_grad else t


def _normal_tensors(mean, std, generator, requires_grad) -> Tensor:
    from .ops._promote import broadcast_shapes

    ref = mean if isinstance(mean, Tensor) else std
    if isinstance(std, Tensor) and std.numel() and (std.detach() < 0).any().item():
        raise RuntimeError("normal expects all elements of std >= 0.0")
    if not isinstance(std, Tensor) and std < 0:
        raise RuntimeError(f"normal expects std >= 0.0, but found std {std:g}")
    shapes = [tuple(x.shape) for x in (mean, std) if isinstance(x, Tensor)]
    out = empty(broadcast_shapes(*shapes), dtype=ref.dtype, device=ref.device)
    if isinstance(std, Tensor):
        out.normal_(0.0, 1.0, generator=generator).mul_(std.detach())
    else:
        out.normal_(0.0, std, generator=generator)
    if isinstance(mean, Tensor):
        out.add_(mean.detach())
    else:
        out.add_(full((), mean, dtype=out.dtype, device=out.device))
    return out.requires_grad_(True) if requires_grad else out


def _normal_out(out, mean, std, size, generator, dtype, device, requires_grad):
    """``normal(..., out=out)``; with a tensor mean or std PyTorch draws the broadcast of their
    shape with ``out``'s (so ``out`` may be larger, and an empty one is an error)."""
    if not (isinstance(mean, Tensor) or isinstance(std, Tensor)):
        return factory_out(
            out, dtype, device, requires_grad, normal, mean, std, size, generator=generator
        )
    from .ops._promote import broadcast_shapes

    shape = broadcast_shapes((mean if isinstance(mean, Tensor) else std).shape, out.shape)
    mean, std = (x.expand(shape) if isinstance(x, Tensor) else x for x in (mean, std))
    return with_out(out, _NORMAL_OUT, normal, mean, std, generator=generator)


_NORMAL_OUT = OutRule(check=lambda want, got: _float_kernel("normal_kernel_cpu", got))
_BERNOULLI_OUT = OutRule(check=anything, resize_warning=False)
_MULTINOMIAL_OUT = OutRule(
    check=unless("equal", "multinomial expects Long tensor out, got: {got}"),
    autograd="none",
    resize_warning=False,
)


@tensor_method()
def bernoulli(input, p=None, *, generator=None, out=None) -> Tensor:  # noqa: A002
    """0/1 samples with probabilities ``input`` (or ``p``), of ``input``'s dtype: torch's
    ``empty_like(input).bernoulli_(input)`` (or ``bernoulli_(p)``)."""
    if out is not None:
        return with_out(out, _BERNOULLI_OUT, bernoulli, input, p, generator=generator)
    result = empty(tuple(input.shape), dtype=input.dtype, device=input.device)
    return result.bernoulli_(input.detach() if p is None else p, generator=generator)


def poisson(input, generator=None) -> Tensor:  # noqa: A002
    """Poisson samples with rates ``input`` (torch's CPU sampler, element by element)."""
    _float_kernel("poisson_cpu", input.dtype)
    rates = input.detach()._host_array()
    with generator_of(generator) as eng:
        arr = S.poisson(eng, rates)
    return _random_result(
        S.cast(arr, input.dtype.np).reshape(rates.shape), input.dtype, input.device, False
    )


@tensor_method()
def multinomial(
    input,
    num_samples,
    replacement=False,
    *,
    generator=None,  # noqa: A002
    out=None,
) -> Tensor:
    """Indices drawn from the rows of ``input`` taken as (unnormalised) probabilities.

    As torch on the CPU: with replacement (and more than one sample) each sample is a double
    uniform looked up in the row's normalised running sum; without replacement, or for a single
    sample, the indices of the largest ``input / q`` with ``q ~ Exp(1)``.
    """
    if out is not None:
        return with_out(
            out, _MULTINOMIAL_OUT, multinomial, input, num_samples, replacement, generator=generator
        )
    if input.dim() not in (1, 2):
        raise RuntimeError("prob_dist must be 1 or 2 dim")
    if not input.dtype.is_floating_point:
        raise RuntimeError(
            f"multinomial only supports floating-point dtypes for input, got: "
            f"{input.dtype.legacy_name}"
        )
    if num_samples <= 0:
        raise RuntimeError("cannot sample n_sample <= 0 samples")
    n_categories = input.shape[-1]
    if not replacement and num_samples > n_categories:
        raise RuntimeError(
            "cannot sample n_sample > prob_dist.size(-1) samples without replacement"
        )
    if n_categories > 2**24:
        raise RuntimeError("number of categories cannot exceed 2^24")
    shape = (num_samples,) if input.dim() == 1 else (input.shape[0], num_samples)
    if not input.numel() or not num_samples:
        return empty(shape, dtype=_dtype.int64, device=input.device)
    probs = input.detach()
    if replacement and num_samples > 1:
        rows = probs._host_array().reshape(-1, n_categories)
        _check_rows(rows)
        with generator_of(generator) as eng:
            arr = S.multinomial_with_replacement(eng, rows, num_samples)
        return _random_result(arr.reshape(shape), _dtype.int64, input.device, False)
    if not ((probs.max() < float("inf")) & (probs.min() >= 0)).item():
        raise RuntimeError("probability tensor contains either `inf`, `nan` or element < 0")
    sums = probs.sum() if probs.dim() == 1 else probs.sum(1)
    if (sums == 0).any().item():
        raise RuntimeError("invalid multinomial distribution (sum of probabilities <= 0)")
    q = probs / _empty_like(probs).exponential_(1.0, generator=generator)
    if num_samples == 1:
        return q.argmax(-1, keepdim=True)
    return q.topk(num_samples).indices


def _check_rows(rows) -> None:
    """The with-replacement kernel's checks, element by element as it makes them (a NaN fails
    its ``>= 0`` test first)."""
    for row in rows.astype(np.float64):
        bad = ~(row >= 0) | ~np.isfinite(row)
        if bad.any():
            first = row[int(bad.argmax())]
            what = "< 0" if not first >= 0 else "= infinity or NaN"
            raise RuntimeError(
                f"invalid multinomial distribution (encountering probability entry {what})"
            )
        if not row.sum() > 0:
            raise RuntimeError("invalid multinomial distribution (sum of probabilities <= 0)")
