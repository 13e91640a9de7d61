"""Grad modes: no_grad, enable_grad, set_grad_enabled, inference_mode, as in torch.autograd.

Grad mode is thread-local, as in PyTorch: a ``no_grad()`` block or a backward pass in one thread
never switches recording off in another, and every new thread starts with recording on. It is
held in a ``ContextVar`` (each thread has its own context; reading one is as cheap as reading an
attribute, and the op wrapper reads it on every call).
"""

from __future__ import annotations

import functools
from contextvars import ContextVar

__all__ = ["is_grad_enabled", "no_grad", "enable_grad", "set_grad_enabled", "inference_mode"]


GRAD_ENABLED: ContextVar[bool] = ContextVar("ember_grad_enabled", default=True)
"""Whether operations are recorded, in this thread: ``GRAD_ENABLED.get()``."""


def is_grad_enabled() -> bool:
    """Whether operations are currently recorded for autograd."""
    return GRAD_ENABLED.get()


class _Mode:
    """Base of the grad-mode context managers; also usable as a decorator."""

    _target = True

    def __enter__(self):
        self._prev = GRAD_ENABLED.get()
        GRAD_ENABLED.set(self._target)

    def __exit__(self, *exc):
        GRAD_ENABLED.set(self._prev)
        return False

    def __call__(self, fn):
        @functools.wraps(fn)
        def wrapper(*args, **kwargs):
            with self.__class__(*self._args()):
                return fn(*args, **kwargs)

        return wrapper

    def _args(self):
        return ()


class no_grad(_Mode):
    """Disable gradient recording inside the block (``torch.no_grad``)."""

    _target = False


class enable_grad(_Mode):
    """Enable gradient recording inside the block (``torch.enable_grad``)."""

    _target = True


class set_grad_enabled(_Mode):
    """Set gradient recording on or off; takes effect at once, and as a context manager."""

    def __init__(self, mode: bool):
        self._target = bool(mode)
        self._prev = GRAD_ENABLED.get()
        GRAD_ENABLED.set(self._target)

    def __enter__(self):
        pass

    def _args(self):
        return (self._target,)


class inference_mode(_Mode):
    """Like no_grad (``torch.inference_mode``); ``mode=False`` leaves recording as it is."""

    def __init__(self, mode: bool = True):
        self.mode = mode

    def __enter__(self):
        self._prev = GRAD_ENABLED.get()
        if self.mode:
            GRAD_ENABLED.set(False)

    def _args(self):
        return (self.mode,)
