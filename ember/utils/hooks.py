"""RemovableHandle: what every ``register_*hook`` returns (``torch.utils.hooks``)."""

from __future__ import annotations

import itertools

__all__ = ["RemovableHandle"]

_ids = itertools.count()


class RemovableHandle:
    """Removes its hook from the dict it was registered in when ``remove()`` is called."""

    def __init__(self, hooks_dict: dict, hook):
        self.hooks_dict = hooks_dict
        self.id = next(_ids)
        hooks_dict[self.id] = hook

    def remove(self) -> None:
        self.hooks_dict.pop(self.id, None)

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.remove()
