"""OpInfo entries: ``linalg.eig`` and ``linalg.eigvals`` (the primitives ``linalg_eig`` and
``linalg_eigvals``).

LAPACK may list the eigenvalues in a different order for ember and torch, and each eigenvector
is defined up to a phase, so the entries compare functions that depend on neither: sums over the
eigenvalues, and each row of ``|V|^2`` weighted by the eigenvalues. ``tests/ops/test_linalg_eig.py``
compares the values themselves, paired by nearness.
"""

from __future__ import annotations

from ..op_db import OpInfo, Sample, arr, register
from . import isolated


def _square(*shape):
    return lambda: [Sample((arr(*shape),), name=str(shape))]


def _symmetric_sums(m, w):
    return m.stack([(w * w).real.sum(-1), w.abs().sum(-1), (w**3).imag.pow(2).sum(-1)], -1)


def _weighted_rows(m, values, vectors):
    return (vectors.abs() ** 2 * values.real.unsqueeze(-2)).sum(-1)


register(
    *isolated(
        OpInfo(
            "linalg.eigvals",
            lambda m, a: _symmetric_sums(m, m.linalg.eigvals(a)),
            _square(2, 4, 4),
            rtol=1e-4,
            atol=1e-5,
            gradcheck_samples=_square(3, 3),
        ),
        OpInfo(
            "linalg.eig",
            lambda m, a: _weighted_rows(m, *m.linalg.eig(a)),
            _square(3, 4, 4),
            rtol=1e-4,
            atol=1e-5,
            gradcheck_samples=_square(3, 3),
        ),
    )
)
