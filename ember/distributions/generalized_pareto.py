"""``GeneralizedPareto``: the generalized Pareto distribution (tails of other distributions)."""

from __future__ import annotations

import math
from numbers import Number

import ember

from . import constraints
from .distribution import Distribution
from .utils import broadcast_all

__all__ = ["GeneralizedPareto"]


class GeneralizedPareto(Distribution):
    """The generalized Pareto distribution with location ``loc``, scale ``scale`` and shape
    ``concentration`` (``xi``): survival function ``(1 + xi z)^(-1/xi)`` with
    ``z = (x - loc) / scale`` (``exp(-z)`` at ``xi = 0``, where it is the exponential
    distribution; ``xi = -1`` is the uniform one). A concentration within ``isclose`` of 0
    takes the exponential formulas.

    >>> import ember
    >>> from ember.distributions import GeneralizedPareto
    >>> d = GeneralizedPareto(ember.tensor([0.0]), ember.tensor([1.0]), ember.tensor([0.0]))
    >>> d.cdf(ember.tensor([1.0]))
    tensor([0.6321])
    """

    arg_constraints = {
        "loc": constraints.real,
        "scale": constraints.positive,
        "concentration": constraints.real,
    }
    has_rsample = True

    def __init__(self, loc, scale, concentration, validate_args=None):
        self.loc, self.scale, self.concentration = broadcast_all(loc, scale, concentration)
        if all(isinstance(v, Number) for v in (loc, scale, concentration)):
            batch_shape = ember.Size()
        else:
            batch_shape = self.loc.size()
        super().__init__(batch_shape, validate_args=validate_args)

    def expand(self, batch_shape, _instance=None):
        new = self._get_checked_instance(GeneralizedPareto, _instance)
        batch_shape = ember.Size(batch_shape)
        new.loc = self.loc.expand(batch_shape)
        new.scale = self.scale.expand(batch_shape)
        new.concentration = self.concentration.expand(batch_shape)
        super(GeneralizedPareto, new).__init__(batch_shape, validate_args=False)
        new._validate_args = self._validate_args
        return new

    def _xi(self):
        """(whether xi counts as 0, xi with those entries replaced by 1 so both branches are
        finite)."""
        xi = self.concentration
        zero = ember.isclose(xi, ember.zeros_like(xi))
        return zero, ember.where(zero, ember.ones_like(xi), xi)

    def rsample(self, sample_shape=()):
        shape = self._extended_shape(sample_shape)
        return self.icdf(ember.rand(shape, dtype=self.loc.dtype, device=self.loc.device))

    def log_prob(self, value):
        if self._validate_args:
            self._validate_sample(value)
        z = (value - self.loc) / self.scale
        zero, xi = self._xi()
        power = 1 / xi + 1  # 0 at xi = -1: a flat density, even at the support's end
        tail = ember.where(power == 0, power, power * ember.log1p(xi * z))
        return -self.scale.log() - ember.where(zero, z, tail)

    def log_survival_function(self, value):
        """``log P(X > value)``."""
        if self._validate_args:
            self._validate_sample(value)
        z = (value - self.loc) / self.scale
        zero, xi = self._xi()
        return ember.where(zero, -z, -ember.log1p(xi * z) / xi)

    def log_cdf(self, value):
        """``log P(X <= value)``."""
        return ember.log1p(-ember.exp(self.log_survival_function(value)))

    def cdf(self, value):
        return ember.exp(self.log_cdf(value))

    def icdf(self, value):
        zero, xi = self._xi()
        log_sf = ember.log1p(-value)  # log(1 - u)
        general = self.loc + self.scale / xi * ember.expm1(-xi * log_sf)
        return ember.where(zero, self.loc - self.scale * log_sf, general)

    @property
    def mean(self):
        xi = self.concentration
        finite = xi < 1
        safe = ember.where(finite, xi, 0.5)
        return ember.where(finite, self.loc + self.scale / (1 - safe), math.nan)

    @property
    def variance(self):
        xi = self.concentration
        finite = xi < 0.5
        safe = ember.where(finite, xi, 0.25)
        var = self.scale**2 / ((1 - safe) ** 2 * (1 - 2 * safe))
        return ember.where(finite, var, math.nan)

    def entropy(self):
        return (ember.log(self.scale) + self.concentration + 1).expand(self._batch_shape)

    @property
    def mode(self):
        return self.loc

    @constraints.dependent_property(is_discrete=False, event_dim=0)
    def support(self):
        lower = self.loc
        upper = ember.where(
            self.concentration < 0, lower - self.scale / self.concentration, math.inf
        )
        return constraints.interval(lower, upper)
