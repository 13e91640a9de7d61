"""``Metric``: the base of every stateful metric (torchmetrics' ``Metric``).

A metric declares its accumulators with ``add_state`` in ``__init__``, folds a batch into them in
``update`` and turns them into the value in ``compute``. ``forward`` (what ``metric(preds,
target)`` calls) does both at once: it returns the metric *of this batch* and also accumulates
the batch into the running state. ``reset`` restores the declared defaults.

NOTE [ Metric bookkeeping ]
``update`` and ``compute`` of every subclass are wrapped once, at class creation
(``__init_subclass__``): ``update`` runs under ``no_grad``, counts the calls and
invalidates the cached result; ``compute`` warns when nothing was accumulated yet and caches its
result until the next ``update`` or ``reset``. A subclass that calls ``super().update()`` or
``super().compute()`` goes through the wrapper again; the ``_wrapped_depth`` counter makes those
inner calls plain calls.
"""

from __future__ import annotations

import functools
import inspect
import warnings

import ember
from ember.nn import Module

__all__ = ["Metric", "dim_zero_cat"]

_REDUCTIONS = ("sum", "mean", "cat", "min", "max", None)


def dim_zero_cat(values):
    """Concatenate a list of tensors along dim 0 (0-d tensors count as length 1)."""
    if isinstance(values, ember.Tensor):
        return values
    return ember.cat([v.reshape(1) if v.ndim == 0 else v for v in values])


def _wrap_update(update):
    @functools.wraps(update)
    def wrapped(self, *args, **kwargs):
        if self._wrapped_depth:
            return update(self, *args, **kwargs)
        self._computed = None
        self._update_count += 1
        self._wrapped_depth += 1
        try:
            with ember.no_grad():
                return update(self, *args, **kwargs)
        finally:
            self._wrapped_depth -= 1

    wrapped._metric_wrapped = True
    return wrapped


def _wrap_compute(compute):
    @functools.wraps(compute)
    def wrapped(self):
        if self._wrapped_depth:
            return compute(self)
        if self._update_count == 0:
            warnings.warn(
                f"The ``compute`` method of metric {type(self).__name__} was called before the "
                "``update`` method which may lead to errors, as metric states have not yet been "
                "updated.",
                UserWarning,
                stacklevel=2,
            )
        if self._computed is not None and self.compute_with_cache:
            return self._computed
        self._wrapped_depth += 1
        try:
            value = compute(self)
        finally:
            self._wrapped_depth -= 1
        if self.compute_with_cache:
            self._computed = value
        return value

    wrapped._metric_wrapped = True
    return wrapped


class Metric(Module):
    """Base class of stateful metrics: ``add_state`` + ``update`` + ``compute``.

    Args:
        compute_with_cache: keep the result of ``compute`` until the next ``update``/``reset``.

    Example:
        >>> import ember
        >>> class Total(Metric):
        ...     def __init__(self):
        ...         super().__init__()
        ...         self.add_state("total", default=ember.tensor(0.0), dist_reduce_fx="sum")
        ...     def update(self, x):
        ...         self.total += x.sum()
        ...     def compute(self):
        ...         return self.total
        >>> m = Total()
        >>> m(ember.tensor([1.0, 2.0]))
        tensor(3.)
        >>> m(ember.tensor([4.0]))
        tensor(4.)
        >>> m.compute()
        tensor(7.)
    """

    is_differentiable: bool | None = None
    higher_is_better: bool | None = None
    full_state_update: bool | None = None

    def __init_subclass__(cls, **kwargs):
        super().__init_subclass__(**kwargs)
        for name, wrap in (("update", _wrap_update), ("compute", _wrap_compute)):
            fn = cls.__dict__.get(name)
            if fn is not None and not getattr(fn, "_metric_wrapped", False):
                setattr(cls, name, wrap(fn))

    def __init__(self, compute_with_cache: bool = True, **kwargs):
        super().__init__()
        if kwargs:
            raise ValueError(f"Unexpected keyword arguments: {', '.join(sorted(kwargs))}")
        if not isinstance(compute_with_cache, bool):
            raise ValueError(
                "Expected keyword argument `compute_with_cache` to be an `bool` but got "
                f"{compute_with_cache}"
            )
        sa = object.__setattr__
        sa(self, "compute_with_cache", compute_with_cache)
        sa(self, "_defaults", {})
        sa(self, "_persistent", {})
        sa(self, "_reductions", {})
        sa(self, "_update_count", 0)
        sa(self, "_computed", None)
        sa(self, "_forward_cache", None)
        sa(self, "_wrapped_depth", 0)
        sa(self, "_dtype_convert", False)

    # ------------------------------------------------------------------ states
    def add_state(self, name: str, default, dist_reduce_fx=None, persistent: bool = False) -> None:
        """Declare an accumulator ``name`` starting at ``default`` (a tensor, or an empty list
        that collects tensors). ``dist_reduce_fx`` ("sum", "mean", "cat", "min", "max", a
        callable or None) says how two partial states combine."""
        is_empty_list = isinstance(default, list) and not default
        if not isinstance(default, ember.Tensor) and not is_empty_list:
            raise ValueError(
                "state variable must be a tensor or any empty list (where you can append tensors)"
            )
        if dist_reduce_fx not in _REDUCTIONS and not callable(dist_reduce_fx):
            raise ValueError(
                "`dist_reduce_fx` must be callable or one of ['mean', 'sum', 'cat', "
                "'min', 'max', None]"
            )
        if isinstance(default, ember.Tensor):
            default = default.detach()
            object.__setattr__(self, name, default.clone())
        else:
            object.__setattr__(self, name, [])
        self._defaults[name] = default
        self._persistent[name] = persistent
        self._reductions[name] = dist_reduce_fx

    @property
    def metric_state(self) -> dict:
        """The current value of every declared state."""
        return {name: getattr(self, name) for name in self._defaults}

    @property
    def update_count(self) -> int:
        """How many times ``update`` ran since the last ``reset``."""
        return self._update_count

    @property
    def update_called(self) -> bool:
        """Whether ``update`` ran since the last ``reset``."""
        return self._update_count > 0

    @property
    def device(self):
        """The device the states live on."""
        for value in self.metric_state.values():
            if isinstance(value, ember.Tensor):
                return value.device
            if value:
                return value[0].device
        return ember.device("cpu")

    def _copy_state(self) -> dict:
        return {
            name: value.clone() if isinstance(value, ember.Tensor) else list(value)
            for name, value in self.metric_state.items()
        }

    def _set_state(self, state: dict) -> None:
        for name, value in state.items():
            object.__setattr__(self, name, value)

    # ------------------------------------------------------------------ the protocol
    def update(self, *args, **kwargs) -> None:
        """Fold one batch into the states (override)."""
        raise NotImplementedError(f"{type(self).__name__} must implement `update`")

    def compute(self):
        """The metric value from the accumulated states (override)."""
        raise NotImplementedError(f"{type(self).__name__} must implement `compute`")

    def reset(self) -> None:
        """Restore every state to its default and forget the cached result."""
        object.__setattr__(self, "_update_count", 0)
        object.__setattr__(self, "_computed", None)
        object.__setattr__(self, "_forward_cache", None)
        device = self.device
        for name, default in self._defaults.items():
            value = default.clone().to(device) if isinstance(default, ember.Tensor) else []
            object.__setattr__(self, name, value)

    def forward(self, *args, **kwargs):
        """Accumulate the batch and return the metric of this batch alone."""
        if (
            self.full_state_update
            or self.full_state_update is None
            or any(r is None for r in self._reductions.values())
        ):
            value = self._forward_full_state_update(*args, **kwargs)
        else:
            value = self._forward_reduce_state_update(*args, **kwargs)
        object.__setattr__(self, "_forward_cache", value)
        return value

    def _batch_value(self, *args, **kwargs):
        """Reset, then update on the batch alone and compute; the wrappers are bypassed, so
        this records gradients when the caller does (a differentiable batch value)."""
        self.reset()
        object.__setattr__(self, "_update_count", 1)
        object.__setattr__(self, "_wrapped_depth", self._wrapped_depth + 1)
        try:
            self.update(*args, **kwargs)
            return self.compute()
        finally:
            object.__setattr__(self, "_wrapped_depth", self._wrapped_depth - 1)

    def _forward_full_state_update(self, *args, **kwargs):
        self.update(*args, **kwargs)
        count = self._update_count
        saved = self._copy_state()
        try:
            return self._batch_value(*args, **kwargs)
        finally:
            self._set_state(saved)
            object.__setattr__(self, "_update_count", count)
            object.__setattr__(self, "_computed", None)

    def _forward_reduce_state_update(self, *args, **kwargs):
        count = self._update_count
        saved = self._copy_state()
        try:
            value = self._batch_value(*args, **kwargs)
        except BaseException:
            self._set_state(saved)  # a failing batch leaves the accumulated state untouched
            object.__setattr__(self, "_update_count", count)
            raise
        batch = self.metric_state
        merged = {name: self._merge(name, saved[name], batch[name], count) for name in saved}
        self._set_state(merged)
        object.__setattr__(self, "_update_count", count + 1)
        object.__setattr__(self, "_computed", None)
        return value

    def _merge(self, name, old, new, count):
        """Combine the running state ``old`` with the state ``new`` of one more batch."""
        reduce = self._reductions[name]
        if isinstance(old, list):
            return old + [v.detach() for v in new]
        new = new.detach()
        if reduce == "sum":
            return old + new
        if reduce == "mean":
            return (count * old + new) / (count + 1)
        if reduce == "max":
            return ember.maximum(old, new)
        if reduce == "min":
            return ember.minimum(old, new)
        if reduce == "cat":
            return ember.cat(
                [
                    old.reshape(-1) if old.ndim == 0 else old,
                    new.reshape(-1) if new.ndim == 0 else new,
                ]
            )
        return reduce(ember.stack([old, new]))

    # ------------------------------------------------------------------ module integration
    def _apply(self, fn, recurse=True):
        """Move the states with the module (``to``, ``cuda``, ``cpu``); their dtype only
        changes through ``set_dtype``."""
        super()._apply(fn, recurse)

        def move(t):
            out = fn(t)
            if out.dtype != t.dtype and not self._dtype_convert:
                out = out.to(t.dtype)
            return out

        for name, value in self.metric_state.items():
            if isinstance(value, ember.Tensor):
                object.__setattr__(self, name, move(value))
            else:
                object.__setattr__(self, name, [move(v) for v in value])
            default = self._defaults[name]
            if isinstance(default, ember.Tensor):
                self._defaults[name] = move(default)
        if isinstance(self._computed, ember.Tensor):
            object.__setattr__(self, "_computed", move(self._computed))
        return self

    def set_dtype(self, dst_type):
        """Cast the floating-point states to ``dst_type`` (``float()``/``double()`` leave them)."""
        object.__setattr__(self, "_dtype_convert", True)
        try:
            return self._apply(lambda t: t.to(dst_type) if t.is_floating_point() else t)
        finally:
            object.__setattr__(self, "_dtype_convert", False)

    def persistent(self, mode: bool = False) -> None:
        """Whether the states are saved in ``state_dict`` (default: not)."""
        for name in self._persistent:
            self._persistent[name] = mode

    def _save_to_state_dict(self, destination, prefix, keep_vars):
        super()._save_to_state_dict(destination, prefix, keep_vars)
        for name, value in self.metric_state.items():
            if not self._persistent[name]:
                continue
            if isinstance(value, ember.Tensor):
                destination[prefix + name] = value if keep_vars else value.detach()
            else:
                destination[prefix + name] = list(value)

    def _load_from_state_dict(
        self, state_dict, prefix, local_metadata, strict, missing_keys, unexpected_keys, error_msgs
    ):
        for name in self._defaults:
            key = prefix + name
            if key in state_dict:
                value = state_dict.pop(key)
                object.__setattr__(self, name, list(value) if isinstance(value, list) else value)
        super()._load_from_state_dict(
            state_dict, prefix, local_metadata, strict, missing_keys, unexpected_keys, error_msgs
        )

    def clone(self):
        """A deep copy of this metric, states included."""
        import copy

        return copy.deepcopy(self)

    def _filter_kwargs(self, **kwargs) -> dict:
        """The keyword arguments that ``update`` accepts (for ``MetricCollection``)."""
        params = inspect.signature(self.update).parameters
        if any(p.kind == inspect.Parameter.VAR_KEYWORD for p in params.values()):
            return kwargs
        return {k: v for k, v in kwargs.items() if k in params}
