"""Public indexing functions: gather, scatter, index_select, masked_select, take, tril, diag, ..."""

from __future__ import annotations

__all__: list[str] = []

# Tensor methods bound by ember._methods.install(): name -> function(self, ...)
METHODS: dict = {}
# names in METHODS that also get an in-place variant `name_`
INPLACE: list[str] = []
