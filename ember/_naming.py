"""The name ember shows for itself in reprs: ``ember``, or ``torch`` under ``ember.compat``.

A program run through ``ember.run`` prints ``torch.Size([2, 3])`` and ``torch.float32``, as it
would under torch; everywhere else ember calls itself ember.
"""

from __future__ import annotations

_public = ["ember"]


def public_name() -> str:
    """``"torch"`` while the compat alias is installed, else ``"ember"``."""
    return _public[0]


def set_public_name(name: str) -> None:
    _public[0] = name
