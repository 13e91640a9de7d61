"""``Dirichlet``: the Dirichlet distribution on the simplex, with concentration
``concentration``."""

from __future__ import annotations

import ember
import ember.nn.functional as F

from . import constraints
from .exp_family import ExponentialFamily

__all__ = ["Dirichlet"]


class Dirichlet(ExponentialFamily):
    """The Dirichlet distribution: density ``prod_i x_i^(a_i - 1) / B(a)`` on the simplex.

    ``rsample`` normalises independent ``Gamma(a_i, 1)`` samples, each differentiable by
    implicit reparameterisation, so the sample's gradient reaches ``concentration``.

    >>> import ember
    >>> from ember.distributions import Dirichlet
    >>> d = Dirichlet(ember.tensor([1.0, 3.0]))
    >>> d.mean, d.event_shape
    (tensor([0.2500, 0.7500]), ember.Size([2]))
    """

    arg_constraints = {"concentration": constraints.independent(constraints.positive, 1)}
    support = constraints.simplex
    has_rsample = True

    def __init__(self, concentration, validate_args=None):
        if concentration.dim() < 1:
            raise ValueError("`concentration` parameter must be at least one-dimensional.")
        self.concentration = concentration
        batch_shape, event_shape = concentration.shape[:-1], concentration.shape[-1:]
        super().__init__(batch_shape, event_shape, validate_args=validate_args)

    def expand(self, batch_shape, _instance=None):
        new = self._get_checked_instance(Dirichlet, _instance)
        batch_shape = ember.Size(batch_shape)
        new.concentration = self.concentration.expand(batch_shape + self.event_shape)
        super(Dirichlet, new).__init__(batch_shape, self.event_shape, validate_args=False)
        new._validate_args = self._validate_args
        return new

    def rsample(self, sample_shape=()):
        shape = self._extended_shape(sample_shape)
        gammas = ember._standard_gamma(self.concentration.expand(shape))
        return gammas / gammas.sum(-1, keepdim=True)

    def log_prob(self, value):
        if self._validate_args:
            self._validate_sample(value)
        a = self.concentration
        return (
            ember.xlogy(a - 1.0, value).sum(-1) + ember.lgamma(a.sum(-1)) - ember.lgamma(a).sum(-1)
        )

    @property
    def mean(self):
        return self.concentration / self.concentration.sum(-1, True)

    @property
    def mode(self):
        am1 = (self.concentration - 1).clamp(min=0.0)
        mode = am1 / am1.sum(-1, True)
        # with every concentration below 1 the density peaks at a vertex: the largest one's
        spiky = (self.concentration < 1).all(dim=-1, keepdim=True)
        vertex = F.one_hot(am1.argmax(dim=-1), am1.shape[-1]).to(mode.dtype)
        return ember.where(spiky, vertex, mode)

    @property
    def variance(self):
        a0 = self.concentration.sum(-1, True)
        return self.concentration * (a0 - self.concentration) / (a0.pow(2) * (a0 + 1))

    def entropy(self):
        a = self.concentration
        k = a.size(-1)
        a0 = a.sum(-1)
        return (
            ember.lgamma(a).sum(-1)
            - ember.lgamma(a0)
            - (k - a0) * ember.digamma(a0)
            - ((a - 1.0) * ember.digamma(a)).sum(-1)
        )

    @property
    def _natural_params(self):
        return (self.concentration,)

    def _log_normalizer(self, x):
        return x.lgamma().sum(-1) - ember.lgamma(x.sum(-1))
