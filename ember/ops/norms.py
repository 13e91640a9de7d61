"""Vector and matrix norms: norm, linalg.vector_norm, linalg.matrix_norm."""

from __future__ import annotations

__all__: list[str] = []

# Tensor methods bound by ember._methods.install(): name -> function(self, ...)
METHODS: dict = {}
# names in METHODS that also get an in-place variant `name_`
INPLACE: list[str] = []
