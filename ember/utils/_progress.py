"""The one progress bar: tqdm's when it is installed (``pip install 'ember[progress]'``), else a
plain counter on stderr with the same small interface (iterate, ``update``, ``set_postfix``,
``close``, context manager), so ember's downloads, demo and datasets show progress either way."""

from __future__ import annotations

import sys
import time

__all__ = ["progress_bar"]


class _Counter:
    """A minimal stand-in for ``tqdm.tqdm``: one line on stderr, rewritten in place."""

    def __init__(self, iterable=None, total=None, desc=None, disable=False, unit="it", **_):
        if total is None and iterable is not None and hasattr(iterable, "__len__"):
            total = len(iterable)
        self.iterable, self.total, self.desc, self.unit = iterable, total, desc, unit
        self.disable, self.n, self.postfix = disable, 0, ""
        self._drawn_at = 0.0

    def __iter__(self):
        for item in self.iterable:
            yield item
            self.update(1)
        self.close()

    def __len__(self):
        return self.total

    def update(self, n=1):
        self.n += n
        self._draw()

    def set_postfix(self, ordered_dict=None, refresh=True, **kwargs):
        items = {**(ordered_dict or {}), **kwargs}
        self.postfix = ", ".join(f"{k}={v}" for k, v in items.items())
        self._draw()

    def _draw(self):
        now = time.monotonic()
        # redraw at most five times a second, and always at the end
        if self.disable or (now - self._drawn_at < 0.2 and self.n != self.total):
            return
        self._drawn_at = now
        head = f"{self.desc}: " if self.desc else ""
        count = f"{self.n}/{self.total}" if self.total else f"{self.n}"
        tail = f" [{self.postfix}]" if self.postfix else ""
        sys.stderr.write(f"\r{head}{count} {self.unit}{tail}")
        sys.stderr.flush()

    def close(self):
        if not self.disable and self.n:
            sys.stderr.write("\n")
            sys.stderr.flush()
        self.disable = True

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.close()


def progress_bar(iterable=None, **kwargs):
    """``tqdm.tqdm(iterable, **kwargs)`` when tqdm is installed, else a plain stderr counter."""
    try:
        from tqdm.auto import tqdm
    except ImportError:
        return _Counter(iterable, **kwargs)
    return tqdm(iterable, **kwargs)
