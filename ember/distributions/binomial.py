"""``Binomial``: the number of successes in ``total_count`` independent Bernoulli trials."""

from __future__ import annotations

import ember

from . import constraints
from .distribution import Distribution
from .utils import (
    broadcast_all,
    expand_probs_logits,
    lazy_property,
    logits_to_probs,
    probs_to_logits,
)

__all__ = ["Binomial"]

_DIRECT = 16  # counts up to this are drawn as sums of Bernoulli trials


def _gamma_large(alpha):
    """Gamma(alpha, 1) samples for ``alpha >= 1`` (no gradient), by Marsaglia and Tsang's
    squeeze-and-reject method on whole tensors of normal and uniform draws."""
    d = alpha - 1.0 / 3.0
    c = (9.0 * d).rsqrt()
    out = ember.zeros_like(alpha)
    pending = ember.ones_like(alpha, dtype=ember.bool)
    while bool(pending.any()):
        z = ember.randn(alpha.shape, dtype=alpha.dtype, device=alpha.device)
        u = 1.0 - ember.rand(alpha.shape, dtype=alpha.dtype, device=alpha.device)
        y = 1.0 + c * z
        v = y * y * y
        logv = ember.where(v > 0, v, 1.0).log()
        take = (y > 0) & (
            (u < 1.0 - 0.0331 * z**4) | (u.log() < 0.5 * z * z + d * (1.0 - v + logv))
        )
        take = take & pending
        out = ember.where(take, d * v, out)
        pending = pending & ~take
    return out


def _sample_binomial(count, prob):
    """Binomial(count, prob) samples (float tensors of one shape; no gradient).

    Exact at every count: while a count is large, the median order statistic ``X`` of its
    ``n`` uniforms is drawn (``Beta(a, n + 1 - a)``, from two gamma samples) and the problem
    halves; the uniforms below ``X`` are uniform on ``[0, X)``, those above on ``(X, 1)``
    (Knuth's recursion). What is left, at most ``_DIRECT`` trials, is counted directly.
    """
    n, p = count.clone(), prob.clone()
    result = ember.zeros_like(p)
    while True:
        big = n > _DIRECT
        if not bool(big.any()):
            break
        a = ember.where(big, ember.floor(n / 2) + 1, ember.ones_like(n))
        b = ember.where(big, n + 1 - a, ember.ones_like(n))
        g1, g2 = _gamma_large(a), _gamma_large(b)
        x = g1 / (g1 + g2)
        left = x >= p
        n = ember.where(big, ember.where(left, a - 1, b - 1), n)
        result = ember.where(big & ~left, result + a, result)
        p = ember.where(big, ember.where(left, p / x, (p - x) / (1 - x)), p).clamp(0, 1)
    trials = ember.rand(tuple(p.shape) + (_DIRECT,), dtype=p.dtype, device=p.device)
    live = ember.arange(_DIRECT, device=p.device) < n.unsqueeze(-1)
    return result + ((trials < p.unsqueeze(-1)) & live).sum(-1).to(p.dtype)


class Binomial(Distribution):
    """The binomial distribution, parameterised by ``total_count`` and ``probs`` or ``logits``
    (not both); ``total_count`` broadcasts with them.

    >>> import ember
    >>> from ember.distributions import Binomial
    >>> d = Binomial(4, probs=ember.tensor([0.5]))
    >>> d.log_prob(ember.tensor([2.0])).exp(), d.mean
    (tensor([0.3750]), tensor([2.]))
    """

    arg_constraints = {
        "total_count": constraints.nonnegative_integer,
        "probs": constraints.unit_interval,
        "logits": constraints.real,
    }
    has_enumerate_support = True

    def __init__(self, total_count=1, probs=None, logits=None, validate_args=None):
        if (probs is None) == (logits is None):
            raise ValueError("Either `probs` or `logits` must be specified, but not both.")
        if probs is not None:
            self.total_count, self.probs = broadcast_all(total_count, probs)
            self.total_count = self.total_count.type_as(self.probs)
        else:
            self.total_count, self.logits = broadcast_all(total_count, logits)
            self.total_count = self.total_count.type_as(self.logits)
        self._param = self.probs if probs is not None else self.logits
        super().__init__(self._param.size(), validate_args=validate_args)

    def expand(self, batch_shape, _instance=None):
        new = self._get_checked_instance(Binomial, _instance)
        batch_shape = ember.Size(batch_shape)
        new.total_count = self.total_count.expand(batch_shape)
        expand_probs_logits(self, new, batch_shape)
        super(Binomial, new).__init__(batch_shape, validate_args=False)
        new._validate_args = self._validate_args
        return new

    def _new(self, *args, **kwargs):
        return self._param.new_empty(*args, **kwargs)

    @constraints.dependent_property(is_discrete=True, event_dim=0)
    def support(self):
        return constraints.integer_interval(0, self.total_count)

    @property
    def mean(self):
        return self.total_count * self.probs

    @property
    def mode(self):
        return ((self.total_count + 1) * self.probs).floor().clamp(max=self.total_count)

    @property
    def variance(self):
        return self.total_count * self.probs * (1 - self.probs)

    @lazy_property
    def logits(self):
        return probs_to_logits(self.probs, is_binary=True)

    @lazy_property
    def probs(self):
        return logits_to_probs(self.logits, is_binary=True)

    @property
    def param_shape(self):
        return self._param.size()

    def sample(self, sample_shape=()):
        shape = self._extended_shape(sample_shape)
        with ember.no_grad():
            return _sample_binomial(self.total_count.expand(shape), self.probs.expand(shape))

    def log_prob(self, value):
        if self._validate_args:
            self._validate_sample(value)
        n, logits = self.total_count, self.logits
        log_choose = (n + 1).lgamma() - (value + 1).lgamma() - (n - value + 1).lgamma()
        # n log(1 + e^logits), stable for logits of either sign
        log_norm = n * (logits.clamp(min=0) + ember.log1p(ember.exp(-logits.abs())))
        return log_choose + value * logits - log_norm

    def entropy(self):
        total_count = int(self.total_count.max())
        if not total_count == self.total_count.min():
            raise NotImplementedError("Inhomogeneous total count not supported by `entropy`.")
        log_prob = self.log_prob(self.enumerate_support(False))
        return -(ember.exp(log_prob) * log_prob).sum(0)

    def enumerate_support(self, expand=True):
        total_count = int(self.total_count.max())
        if not total_count == self.total_count.min():
            raise NotImplementedError(
                "Inhomogeneous total count not supported by `enumerate_support`."
            )
        values = ember.arange(1 + total_count, dtype=self._param.dtype, device=self._param.device)
        values = values.view((-1,) + (1,) * len(self._batch_shape))
        if expand:
            values = values.expand((-1,) + tuple(self._batch_shape))
        return values
