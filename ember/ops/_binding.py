"""The one rule that makes public functions Tensor methods: ``@tensor_method`` at the definition.

::

    @tensor_method("add", "__add__", inplace=True, reflected="__radd__", augmented="__iadd__")
    def add(input, other, *, alpha=1): ...

binds ``Tensor.add``, ``Tensor.__add__`` and ``Tensor.__radd__`` to ``add`` (reflected: with
its operands swapped), and ``Tensor.add_`` and ``Tensor.__iadd__`` to its in-place version made
by :func:`ember.ops._inplace.inplace_method`. A method whose signature differs from the public
function (``x.where(cond, y)`` against ``ember.where(cond, x, y)``) is a small adapter function
decorated the same way, next to the function it adapts. So ``ember.exp(x)`` and ``x.exp()`` are
one implementation, and searching for a method's name leads to its definition.

Binding a name twice is an error: every method maps to exactly one function (:data:`BOUND`).
"""

from __future__ import annotations

from .._tensor import Tensor

BOUND: dict[str, object] = {}
"""Method or operator name -> the function it runs (for an in-place method: the out-of-place
function it is made from)."""


def _bind(name, method, source) -> None:
    if name in BOUND:
        raise RuntimeError(
            f"Tensor.{name} is bound twice: to {_where(BOUND[name])} and to {_where(source)}"
        )
    BOUND[name] = source
    setattr(Tensor, name, method)


def _where(fn) -> str:
    return f"{getattr(fn, '__module__', '?')}.{getattr(fn, '__qualname__', fn)}"


def _reflect(fn, name):
    def method(self, other):
        return fn(other, self)

    method.__name__ = name
    method.__qualname__ = "Tensor." + name
    method.__doc__ = f"``other {name[3:-2]} self``: :func:`{fn.__name__}` with operands swapped."
    method.__wrapped__ = fn
    return method


def tensor_method(*names, inplace=False, reflected=None, augmented=None):
    """Bind the decorated function as ``Tensor`` methods and operators.

    ``names``: the method and operator names (default: the function's own name).
    ``inplace=True``: also bind ``name_`` for every plain (non-dunder) name.
    ``reflected``: the reflected operator (``"__radd__"``), called with the operands swapped.
    ``augmented``: the augmented assignment (``"__iadd__"``), bound to the in-place version.
    """

    def bind(fn):
        from ._inplace import inplace_method  # the in-place module binds methods with this one

        made = None
        for name in names or (fn.__name__,):
            _bind(name, fn, fn)
            if inplace and not name.startswith("__"):
                made = made or inplace_method(fn)
                _bind(name + "_", made, fn)
        if reflected is not None:
            _bind(reflected, _reflect(fn, reflected), fn)
        if augmented is not None:
            _bind(augmented, made or inplace_method(fn), fn)
        return fn

    return bind
