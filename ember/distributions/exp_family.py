"""``ExponentialFamily``: distributions whose density is
``p(x; theta) = exp(<t(x), theta> - F(theta) + k(x))`` (``torch.distributions.ExponentialFamily``).

Subclasses give the natural parameters ``theta`` (``_natural_params``), the log normalizer ``F``
(``_log_normalizer``) and the carrier measure's expectation ``E[k(x)]``
(``_mean_carrier_measure``); the entropy and the KL divergence between two members of one family
then follow from ``F`` and its gradient (the Bregman divergence).
"""

from __future__ import annotations

import ember

from .distribution import Distribution

__all__ = ["ExponentialFamily"]


class ExponentialFamily(Distribution):
    """The base class of exponential-family distributions."""

    @property
    def _natural_params(self):
        """The natural parameters, a tuple of tensors."""
        raise NotImplementedError

    def _log_normalizer(self, *natural_params):
        """The log normalizer ``F`` as a function of the natural parameters."""
        raise NotImplementedError

    @property
    def _mean_carrier_measure(self):
        """The expectation of the carrier measure ``k(x)``."""
        raise NotImplementedError

    def entropy(self):
        """``F(theta) - <theta, grad F(theta)> - E[k(x)]``, by autograd on the log normalizer."""
        result = -self._mean_carrier_measure
        nparams = [p.detach().requires_grad_() for p in self._natural_params]
        lg_normal = self._log_normalizer(*nparams)
        gradients = ember.autograd.grad(lg_normal.sum(), nparams, create_graph=True)
        result = result + lg_normal
        for theta, g in zip(nparams, gradients):
            result = result - (theta * g).reshape(tuple(self._batch_shape) + (-1,)).sum(-1)
        return result
