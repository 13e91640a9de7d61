"""Public linear algebra (einsum, addmm, outer, ...); ember.linalg re-exports the linalg ones."""

from __future__ import annotations

__all__: list[str] = []

# Tensor methods bound by ember._methods.install(): name -> function(self, ...)
METHODS: dict = {}
# names in METHODS that also get an in-place variant `name_`
INPLACE: list[str] = []
