"""The KL divergences between distributions of different families, registered with
:func:`ember.distributions.kl.register_kl` on import (``kl.py`` imports this module).

Each finite one is ``KL(p || q) = -H(p) - E_p[log q(X)]``, with the expectation written from
``p``'s moments (``E[X]``, ``E[X^2]``, ``E[log X]``, ``E[exp(-X/b)]``, ...). Where ``q`` gives
zero density to part of ``p``'s support the divergence is infinite.
"""

from __future__ import annotations

import math

import ember

from .bernoulli import Bernoulli
from .beta import Beta
from .binomial import Binomial
from .exponential import Exponential
from .gamma import Gamma
from .gumbel import Gumbel
from .kl import _infinite_like, register_kl
from .laplace import Laplace
from .normal import Normal
from .pareto import Pareto
from .poisson import Poisson
from .uniform import Uniform
from .utils import euler_constant

__all__: list[str] = []

_HALF_LOG_2PI = 0.5 * math.log(2 * math.pi)


def _neg_log_normal(q, ex, ex2):
    """``-E[log q(X)]`` for a Normal ``q``, from ``E[X]`` and ``E[X^2]``."""
    mean_sq = ex2 - 2 * q.loc * ex + q.loc.pow(2)  # E[(X - loc)^2]
    return q.scale.log() + _HALF_LOG_2PI + mean_sq / (2 * q.scale.pow(2))


def _neg_log_gamma(q, ex, elogx):
    """``-E[log q(X)]`` for a Gamma ``q``, from ``E[X]`` and ``E[log X]``."""
    a, r = q.concentration, q.rate
    return -a * r.log() - (a - 1) * elogx + r * ex + a.lgamma()


def _neg_log_exponential(q, ex):
    return -q.rate.log() + q.rate * ex


def _neg_log_gumbel(q, ex, e_exp):
    """``-E[log q(X)]`` for a Gumbel ``q``, from ``E[X]`` and ``E[exp(-X / scale_q)]``."""
    return q.scale.log() + (ex - q.loc) / q.scale + ember.exp(q.loc / q.scale) * e_exp


# ---------------------------------------------------------------------------- infinite


def _kl_infinite(p, q):
    return _infinite_like(p.mean if not isinstance(p, Uniform) else p.low)


for _p, _qs in (
    (Beta, (Pareto,)),
    (Exponential, (Beta, Pareto, Uniform)),
    (Gamma, (Beta, Pareto, Uniform)),
    (Gumbel, (Beta, Exponential, Gamma, Pareto, Uniform)),
    (Laplace, (Beta, Exponential, Gamma, Pareto, Uniform)),
    (Normal, (Beta, Exponential, Gamma, Pareto, Uniform)),
    (Pareto, (Beta, Uniform)),
):
    for _q in _qs:
        register_kl(_p, _q)(_kl_infinite)


@register_kl(Poisson, Bernoulli)
@register_kl(Poisson, Binomial)
def _kl_poisson_infinity(p, q):
    return _infinite_like(p.rate)


# ---------------------------------------------------------------------------- from Bernoulli


@register_kl(Bernoulli, Poisson)
def _kl_bernoulli_poisson(p, q):
    return -p.entropy() - (p.probs * q.rate.log() - q.rate)


# ---------------------------------------------------------------------------- from Beta


def _beta_moments(p):
    a, b = p.concentration1, p.concentration0
    total = a + b
    ex = a / total
    ex2 = ex.pow(2) + a * b / (total.pow(2) * (total + 1))
    elogx = a.digamma() - total.digamma()
    return ex, ex2, elogx


@register_kl(Beta, Exponential)
def _kl_beta_exponential(p, q):
    ex, _, _ = _beta_moments(p)
    return -p.entropy() + _neg_log_exponential(q, ex)


@register_kl(Beta, Gamma)
def _kl_beta_gamma(p, q):
    ex, _, elogx = _beta_moments(p)
    return -p.entropy() + _neg_log_gamma(q, ex, elogx)


@register_kl(Beta, Normal)
def _kl_beta_normal(p, q):
    ex, ex2, _ = _beta_moments(p)
    return -p.entropy() + _neg_log_normal(q, ex, ex2)


@register_kl(Beta, Uniform)
def _kl_beta_uniform(p, q):
    result = -p.entropy() + (q.high - q.low).log()
    return ember.where((q.low > 0) | (q.high < 1), math.inf, result)


# ---------------------------------------------------------------------------- from Exponential


@register_kl(Exponential, Gamma)
def _kl_exponential_gamma(p, q):
    ex = p.rate.reciprocal()
    elogx = -euler_constant - p.rate.log()
    return -p.entropy() + _neg_log_gamma(q, ex, elogx)


@register_kl(Exponential, Gumbel)
def _kl_exponential_gumbel(p, q):
    ex = p.rate.reciprocal()
    e_exp = p.rate / (p.rate + q.scale.reciprocal())  # E[exp(-X / s)] = rate / (rate + 1/s)
    return -p.entropy() + _neg_log_gumbel(q, ex, e_exp)


@register_kl(Exponential, Normal)
def _kl_exponential_normal(p, q):
    ex = p.rate.reciprocal()
    return -p.entropy() + _neg_log_normal(q, ex, 2 * ex.pow(2))


# ---------------------------------------------------------------------------- from Gamma


@register_kl(Gamma, Exponential)
def _kl_gamma_exponential(p, q):
    return -p.entropy() + _neg_log_exponential(q, p.concentration / p.rate)


@register_kl(Gamma, Gumbel)
def _kl_gamma_gumbel(p, q):
    a, r = p.concentration, p.rate
    e_exp = ember.exp(a * (r.log() - (r + q.scale.reciprocal()).log()))  # (r / (r + 1/s))^a
    return -p.entropy() + _neg_log_gumbel(q, a / r, e_exp)


@register_kl(Gamma, Normal)
def _kl_gamma_normal(p, q):
    a, r = p.concentration, p.rate
    ex = a / r
    return -p.entropy() + _neg_log_normal(q, ex, ex.pow(2) + a / r.pow(2))


# ---------------------------------------------------------------------------- from Gumbel


@register_kl(Gumbel, Normal)
def _kl_gumbel_normal(p, q):
    ex = p.loc + p.scale * euler_constant
    var = (math.pi**2 / 6) * p.scale.pow(2)
    return -p.entropy() + _neg_log_normal(q, ex, var + ex.pow(2))


# ---------------------------------------------------------------------------- from Laplace


@register_kl(Laplace, Normal)
def _kl_laplace_normal(p, q):
    return -p.entropy() + _neg_log_normal(q, p.loc, 2 * p.scale.pow(2) + p.loc.pow(2))


# ---------------------------------------------------------------------------- from Normal


@register_kl(Normal, Gumbel)
def _kl_normal_gumbel(p, q):
    # E[exp(-X / s)] of a normal X: the normal's moment generating function at -1/s
    e_exp = ember.exp(-p.loc / q.scale + p.scale.pow(2) / (2 * q.scale.pow(2)))
    return -p.entropy() + _neg_log_gumbel(q, p.loc, e_exp)


@register_kl(Normal, Laplace)
def _kl_normal_laplace(p, q):
    d = p.loc - q.loc
    # E|X - loc_q| of a normal X (the mean of a folded normal)
    e_abs = p.scale * math.sqrt(2 / math.pi) * ember.exp(
        -d.pow(2) / (2 * p.scale.pow(2))
    ) + d * ember.erf(d / (p.scale * math.sqrt(2)))
    return -p.entropy() + (2 * q.scale).log() + e_abs / q.scale


# ---------------------------------------------------------------------------- from Pareto


def _pareto_mean(p):
    a = p.alpha.clamp(min=1 + 1e-6)
    return a * p.scale / (a - 1)


@register_kl(Pareto, Exponential)
def _kl_pareto_exponential(p, q):
    result = -p.entropy() + _neg_log_exponential(q, _pareto_mean(p))
    return ember.where(p.alpha <= 1, math.inf, result)


@register_kl(Pareto, Gamma)
def _kl_pareto_gamma(p, q):
    elogx = p.scale.log() + p.alpha.reciprocal()
    result = -p.entropy() + _neg_log_gamma(q, _pareto_mean(p), elogx)
    return ember.where(p.alpha <= 1, math.inf, result)


@register_kl(Pareto, Normal)
def _kl_pareto_normal(p, q):
    a = p.alpha.clamp(min=2 + 1e-6)
    ex2 = a * p.scale.pow(2) / (a - 2)
    result = -p.entropy() + _neg_log_normal(q, _pareto_mean(p), ex2)
    return ember.where(p.alpha <= 2, math.inf, result)


# ---------------------------------------------------------------------------- from Uniform


def _uniform_elogx(lo, hi):
    """``E[log X]`` for ``X ~ Uniform(lo, hi)``, ``0 <= lo < hi``: ``[x log x - x]`` over the
    interval, divided by its length."""
    return (ember.xlogy(hi, hi) - hi - ember.xlogy(lo, lo) + lo) / (hi - lo)


@register_kl(Uniform, Beta)
def _kl_uniform_beta(p, q):
    lo, hi = p.low, p.high
    a, b = q.concentration1, q.concentration0
    elogx = _uniform_elogx(lo, hi)
    elog1mx = _uniform_elogx(1 - hi, 1 - lo)
    log_beta = a.lgamma() + b.lgamma() - (a + b).lgamma()
    result = -(hi - lo).log() - (a - 1) * elogx - (b - 1) * elog1mx + log_beta
    return ember.where((lo < 0) | (hi > 1), math.inf, result)


@register_kl(Uniform, Exponential)
def _kl_uniform_exponetial(p, q):
    result = -(p.high - p.low).log() + _neg_log_exponential(q, (p.high + p.low) / 2)
    return ember.where(p.low < 0, math.inf, result)


@register_kl(Uniform, Gamma)
def _kl_uniform_gamma(p, q):
    elogx = _uniform_elogx(p.low, p.high)
    result = -(p.high - p.low).log() + _neg_log_gamma(q, (p.high + p.low) / 2, elogx)
    return ember.where(p.low < 0, math.inf, result)


@register_kl(Uniform, Gumbel)
def _kl_uniform_gumbel(p, q):
    lo, hi, s = p.low, p.high, q.scale
    e_exp = s * (ember.exp(-lo / s) - ember.exp(-hi / s)) / (hi - lo)
    return -(hi - lo).log() + _neg_log_gumbel(q, (hi + lo) / 2, e_exp)


@register_kl(Uniform, Normal)
def _kl_uniform_normal(p, q):
    lo, hi = p.low, p.high
    ex = (hi + lo) / 2
    return -(hi - lo).log() + _neg_log_normal(q, ex, ex.pow(2) + (hi - lo).pow(2) / 12)


@register_kl(Uniform, Pareto)
def _kl_uniform_pareto(p, q):
    lo, hi = p.low, p.high
    elogx = _uniform_elogx(lo, hi)
    neg_log_q = -q.alpha.log() - q.alpha * q.scale.log() + (q.alpha + 1) * elogx
    result = -(hi - lo).log() + neg_log_q
    return ember.where(lo < q.support.lower_bound, math.inf, result)
