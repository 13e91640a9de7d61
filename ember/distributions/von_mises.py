"""``VonMises``: the von Mises (circular normal) distribution."""

from __future__ import annotations

import math

import ember

from . import constraints
from .distribution import Distribution
from .utils import broadcast_all, lazy_property

__all__ = ["VonMises"]


def _log_i0(kappa):
    """``log I_0(kappa)`` from the exponentially scaled Bessel function (no overflow)."""
    return ember.special.i0e(kappa).log() + kappa


def _log_i1(kappa):
    return ember.special.i1e(kappa).log() + kappa


def _best_fisher(loc, kappa, r, shape):
    """Angles in ``[-pi, pi)`` by Best and Fisher's (1979) rejection method: a wrapped Cauchy
    proposal with parameter ``r``, three uniforms per try (float64 throughout)."""
    x = ember.zeros(shape, dtype=loc.dtype, device=loc.device)
    done = ember.zeros(shape, dtype=ember.bool, device=loc.device)
    while not bool(done.all()):
        u1, u2, u3 = ember.rand((3, *shape), dtype=loc.dtype, device=loc.device).unbind()
        z = ember.cos(math.pi * u1)
        f = (1 + r * z) / (r + z)
        c = kappa * (r - f)
        accept = ((c * (2 - c) - u2) > 0) | ((c / u2).log() + 1 - c >= 0)
        # as torch does, a later accepted try replaces an earlier one (the tries are
        # independent of when the loop stops, so the result is still a draw)
        x = ember.where(accept, (u3 - 0.5).sign() * f.acos(), x)
        done = done | accept
    return (x + math.pi + loc) % (2 * math.pi) - math.pi


class VonMises(Distribution):
    """The von Mises distribution on the circle with mean direction ``loc`` (any real number;
    values are angles in radians) and concentration ``concentration``: density
    ``exp(kappa cos(x - loc)) / (2 pi I_0(kappa))``. ``mean`` and ``variance`` are the circular
    ones; samples lie in ``[-pi, pi)``.

    >>> import ember
    >>> from ember.distributions import VonMises
    >>> d = VonMises(ember.tensor([0.0]), ember.tensor([1.0]))
    >>> d.log_prob(ember.tensor([0.0]))
    tensor([-1.0738])
    """

    arg_constraints = {"loc": constraints.real, "concentration": constraints.positive}
    support = constraints.real
    has_rsample = False

    def __init__(self, loc, concentration, validate_args=None):
        self.loc, self.concentration = broadcast_all(loc, concentration)
        super().__init__(self.loc.shape, (), validate_args)

    def log_prob(self, value):
        if self._validate_args:
            self._validate_sample(value)
        kappa = self.concentration
        return kappa * ember.cos(value - self.loc) - math.log(2 * math.pi) - _log_i0(kappa)

    @lazy_property
    def _proposal_r(self):
        kappa = self.concentration.to(ember.float64)
        tau = 1 + (1 + 4 * kappa**2).sqrt()
        rho = (tau - (2 * tau).sqrt()) / (2 * kappa)
        r = (1 + rho**2) / (2 * rho)
        return ember.where(kappa < 1e-5, 1 / kappa + kappa, r)  # r ~ 1/kappa + kappa near 0

    def sample(self, sample_shape=()):
        shape = self._extended_shape(sample_shape)
        with ember.no_grad():
            loc = self.loc.to(ember.float64)
            kappa = self.concentration.to(ember.float64)
            return _best_fisher(loc, kappa, self._proposal_r, shape).to(self.loc.dtype)

    def expand(self, batch_shape, _instance=None):
        try:
            return super().expand(batch_shape)
        except NotImplementedError:
            validate_args = self.__dict__.get("_validate_args")
            loc = self.loc.expand(batch_shape)
            concentration = self.concentration.expand(batch_shape)
            return type(self)(loc, concentration, validate_args=validate_args)

    @property
    def mean(self):
        return self.loc

    @property
    def mode(self):
        return self.loc

    @lazy_property
    def variance(self):
        kappa = self.concentration
        return 1 - (_log_i1(kappa) - _log_i0(kappa)).exp()
