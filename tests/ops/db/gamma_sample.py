"""OpInfo entries: gamma sampling (``_standard_gamma``) and its derivative
(``_standard_gamma_grad``).

``_standard_gamma`` is random, and ember's stream of gamma samples is not torch's, so its entry
draws one sample with ember (a seeded Generator) and hands the same numbers to torch: the torch
side is ``x + (a - a.detach()) * torch._standard_gamma_grad(a, x)``, whose value is ``x`` and
whose gradient is torch's formula. The gradients then compare ember's vjp with torch's
derivative on identical samples. torch approximates the derivative (a relative error up to about
1e-3) where ember evaluates it to float64 rounding, hence the tolerance.
"""

from __future__ import annotations

import numpy as np

import ember

from ..op_db import OpInfo, Sample, register
from . import isolated


def _gamma_sample(m, a):
    sample = ember._standard_gamma(
        ember.tensor(a.detach().numpy()), generator=ember.Generator().manual_seed(7)
    )
    if m is ember:
        return ember._standard_gamma(a, generator=ember.Generator().manual_seed(7))
    x = m.tensor(sample.numpy())
    return x + (a - a.detach()) * m._standard_gamma_grad(a.detach(), x)


def _alphas():
    from .. import op_db

    rng = op_db._RNG
    return [
        Sample((rng.uniform(0.05, 3.0, size=(4,)).astype(np.float32),), name="small"),
        Sample((rng.uniform(0.5, 40.0, size=(2, 3)).astype(np.float64),), name="f64"),
        Sample((np.array(2.5, dtype=np.float32),), name="scalar"),
    ]


def _grad_args():
    from .. import op_db

    rng = op_db._RNG
    out = []
    for dtype in (np.float32, np.float64):
        a = rng.uniform(0.05, 20.0, size=(3, 4)).astype(dtype)
        x = rng.gamma(a.astype(np.float64)).astype(dtype) + np.finfo(dtype).tiny
        out.append(Sample((a, x), name=np.dtype(dtype).name))
    return out


register(
    *isolated(
        OpInfo(
            "_standard_gamma",
            _gamma_sample,
            _alphas,
            gradcheck=False,  # a random draw has no finite differences
            gradgrad=False,
            rtol=2e-3,
            atol=1e-5,
        ),
        OpInfo(
            "_standard_gamma_grad",
            lambda m, a, x: m._standard_gamma_grad(a.detach(), x.detach()),
            _grad_args,
            grad=False,
            gradcheck=False,
            gradgrad=False,
            rtol=2e-3,
            atol=1e-5,
        ),
    )
)
