"""Named tuples returned by ops with several outputs (``torch.return_types``)."""

from __future__ import annotations

from collections import namedtuple

from ._naming import public_name

__all__ = [
    "max",
    "min",
    "aminmax",
    "sort",
    "topk",
    "kthvalue",
    "median",
    "nanmedian",
    "mode",
    "cummax",
    "cummin",
    "slogdet",
    "qr",
    "svd",
    "eigh",
    "lstsq",
]


def _make(name, fields):
    cls = namedtuple(name, fields)
    cls.__module__ = "ember.return_types"

    def __repr__(self):
        body = ",\n".join(f"{f}={getattr(self, f)!r}" for f in fields)
        return f"{public_name()}.return_types.{name}(\n{body})"

    cls.__repr__ = __repr__
    return cls


max = _make("max", ["values", "indices"])  # noqa: A001
min = _make("min", ["values", "indices"])  # noqa: A001
aminmax = _make("aminmax", ["min", "max"])
sort = _make("sort", ["values", "indices"])
topk = _make("topk", ["values", "indices"])
kthvalue = _make("kthvalue", ["values", "indices"])
median = _make("median", ["values", "indices"])
nanmedian = _make("nanmedian", ["values", "indices"])
mode = _make("mode", ["values", "indices"])
cummax = _make("cummax", ["values", "indices"])
cummin = _make("cummin", ["values", "indices"])
slogdet = _make("slogdet", ["sign", "logabsdet"])
qr = _make("qr", ["Q", "R"])
svd = _make("svd", ["U", "S", "Vh"])
eigh = _make("eigh", ["eigenvalues", "eigenvectors"])
lstsq = _make("lstsq", ["solution", "residuals", "rank", "singular_values"])
