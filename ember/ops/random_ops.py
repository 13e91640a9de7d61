"""In-place random fills (``uniform_``, ``normal_``, ``bernoulli_``, ``exponential_``, ...).

Samples are drawn on the host from the (default or given) Generator and written into the
tensor's memory, as PyTorch's in-place samplers do; they record no gradient.
"""

from __future__ import annotations

from .._random import generator_or_default
from .._tensor import Tensor
from ..autograd.grad_mode import GRAD_ENABLED
from ._binding import tensor_method
from ._inplace import check_inplace

__all__: list[str] = []


def _fill(self: Tensor, values) -> Tensor:
    if GRAD_ENABLED.get():
        check_inplace(self)
    from .._backend import backend_for

    self._data[...] = backend_for(self.device).from_host(values.astype(self.dtype.np), self.device)
    self._version_counter.v += 1
    return self


@tensor_method()
def uniform_(self, from_=0.0, to=1.0, *, generator=None, **kwargs):
    """Fill with samples from U(from, to)."""
    from_ = kwargs.pop("from", from_)
    return _fill(self, generator_or_default(generator).uniform(from_, to, self.shape))


@tensor_method()
def normal_(self, mean=0.0, std=1.0, *, generator=None):
    """Fill with samples from N(mean, std**2)."""
    return _fill(self, generator_or_default(generator).normal(mean, std, self.shape))


@tensor_method()
def bernoulli_(self, p=0.5, *, generator=None):
    """Fill with 0/1 samples that are 1 with probability ``p`` (a float or a tensor)."""
    probs = p._host_array() if isinstance(p, Tensor) else p
    return _fill(self, generator_or_default(generator).random(self.shape) < probs)


@tensor_method()
def exponential_(self, lambd=1.0, *, generator=None):
    """Fill with samples from the exponential distribution with rate ``lambd``."""
    return _fill(self, generator_or_default(generator).exponential(1.0 / lambd, self.shape))


@tensor_method()
def geometric_(self, p, *, generator=None):
    """Fill with samples from the geometric distribution (trials until first success)."""
    return _fill(self, generator_or_default(generator).geometric(p, self.shape))


@tensor_method()
def log_normal_(self, mean=1.0, std=2.0, *, generator=None):
    """Fill with samples whose log is N(mean, std**2)."""
    return _fill(self, generator_or_default(generator).lognormal(mean, std, self.shape))


@tensor_method()
def cauchy_(self, median=0.0, sigma=1.0, *, generator=None):
    """Fill with samples from the Cauchy distribution."""
    return _fill(self, median + sigma * generator_or_default(generator).standard_cauchy(self.shape))


@tensor_method()
def random_(self, from_=0, to=None, *, generator=None):
    """Fill with integers from [from, to) (to defaults to the dtype's range)."""
    if to is None:
        from_, to = 0, from_ if from_ else 2 ** min(self.dtype.itemsize * 8 - 1, 53)
    return _fill(self, generator_or_default(generator).integers(from_, to, self.shape))
