"""Public activation kernels (softmax, log_softmax, relu, gelu, ...) that nn.functional wraps."""

from __future__ import annotations

__all__: list[str] = []

# Tensor methods bound by ember._methods.install(): name -> function(self, ...)
METHODS: dict = {}
# names in METHODS that also get an in-place variant `name_`
INPLACE: list[str] = []
