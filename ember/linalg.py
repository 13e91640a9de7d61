"""``ember.linalg``: PyTorch's ``torch.linalg`` namespace (re-exports only).

The functions live in :mod:`ember.ops.linalg_api` and :mod:`ember.ops.norms`.
"""

from __future__ import annotations
