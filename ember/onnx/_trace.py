"""Tracing a model for export: run it once and record which ops ran on which tensors.

NOTE [ ONNX tracing ]
The exporter runs the model's forward on the example inputs with an observer on the op wrapper
(:func:`ember.ops._registry.observe`): every primitive that receives a traced tensor (a graph
input, or the output of a recorded op) becomes a :class:`Record`, and its outputs become traced
:class:`Value` s. A primitive whose inputs are all untraced (parameters, buffers, tensors made
inside ``forward``) is not recorded: its output is an untraced constant, so constant folding
comes for free (a BatchNorm's folded scale, a transposed weight). Untraced tensors that a
recorded op reads become :class:`Const` s, named after their parameter or buffer when they are
one (they become the graph's initializers).

Tensors are identified by their array, so an alias made outside the ops (``detach``, a
tensor wrapped around an op's array, the index array an op takes as a parameter) is still
followed. In-place writes are followed where they go through the in-place writer
(``relu_``, ``add_``, ``x += y``): the written tensor's array is rebound to the new value. Any
other change of a traced tensor (``x[0] = 1``, ``copy_``) is caught by its version counter the
next time an op reads it, and refused rather than exported wrongly.

Some modules are recorded whole, when their forward is the library's own: ``Linear`` on a
2-D input (``Gemm``), BatchNorm with running statistics in eval mode
(``BatchNormalization``), adaptive pooling to size 1 (``GlobalAveragePool``); their inner ops
run untraced.
"""

from __future__ import annotations

import threading
import warnings
from contextlib import contextmanager

import numpy as np

from .. import nn
from .._backend import to_device
from .._device import device as _device
from .._tensor import Tensor
from ..ops import _inplace
from ..ops._registry import observe

__all__: list[str] = []

_CPU = _device("cpu")
_STATE = {"exporting": 0}
_LEAVING = ("item", "tolist", "numpy", "__bool__", "__int__", "__float__", "__index__")


def unsupported(what: str) -> RuntimeError:
    return RuntimeError(f"ember.onnx.export: {what} is not supported yet")


class Value:
    """A traced tensor; ``shape2`` is its shape in the second (resized) run, if any;
    ``array``: its value when it was computed from constants alone (foldable, unless its
    shape or its op's arguments follow a dynamic axis)."""

    __slots__ = ("shape", "dtype", "shape2", "array")

    def __init__(self, shape, dtype, array=None):
        self.shape = tuple(shape)
        self.dtype = dtype
        self.shape2 = self.shape
        self.array = array

    @property
    def dynamic(self):
        """The axes whose size changed between the two runs."""
        return [i for i, (a, b) in enumerate(zip(self.shape, self.shape2)) if a != b]


class Const:
    """An untraced array read by a recorded op; ``name``: its parameter/buffer name;
    ``origin``: the parameter it is a reshaped view of, if any."""

    __slots__ = ("array", "name", "origin")

    def __init__(self, array, name, origin=None):
        self.array = array
        self.name = name
        self.origin = origin

    @property
    def shape(self):
        return tuple(self.array.shape)

    shape2 = shape
    dynamic: list = []


class Record:
    """One recorded op (or module): its inputs, parameters and outputs."""

    __slots__ = ("op", "inputs", "params", "param_refs", "outputs", "scope", "params2")

    def __init__(self, op, inputs, params, param_refs, outputs, scope):
        self.op = op
        self.inputs = inputs
        self.params = params
        self.param_refs = param_refs
        self.outputs = outputs
        self.scope = scope
        self.params2 = params


def _host(array):
    """A NumPy copy of an array (a GPU array comes to the host)."""
    return np.array(to_device(array, _CPU), copy=True)


class Tracer:
    """Records the ops run on traced tensors while active (NOTE [ ONNX tracing ])."""

    def __init__(self, named_arrays: dict):
        self.records: list[Record] = []
        self.bound: dict = {}  # id(array) -> (Value, array, version counter, version)
        self.named = named_arrays  # id(parameter array) -> qualified name
        self.scope: list[str] = []
        self.suspended = 0
        self.thread = threading.get_ident()  # ops of other threads are not the model's

    # ------------------------------------------------------------------ values
    def bind(self, tensor, value):
        a = tensor._data
        self.bound[id(a)] = (value, a, tensor._version_counter, tensor._version_counter.v)

    def lookup(self, tensor):
        """The traced :class:`Value` of ``tensor``, or None if it is untraced."""
        entry = self.bound.get(id(tensor._data))
        if entry is None or entry[1] is not tensor._data:
            return None
        value, _, counter, version = entry
        if counter is tensor._version_counter and counter.v != version:
            raise unsupported(
                "reading a traced tensor changed in place through a view, or by an op the "
                "exporter cannot follow (index assignment, copy_, fill_, ...),"
            )
        return value

    def ref(self, tensor):
        value = self.lookup(tensor)
        if value is not None:
            return value
        a = tensor._data
        name = self.named.get(id(a))
        if name is not None:
            return Const(a, name)
        base = getattr(a, "base", None)
        origin = self.named.get(id(base)) if base is not None and base.size == a.size else None
        return Const(_host(a), None, origin)

    def _param_refs(self, params):
        found = {}
        for k, v in params.items():
            if id(v) in self.bound:
                found[k] = self._array_ref(v)
            elif type(v) is tuple:
                for i, e in enumerate(v):
                    if id(e) in self.bound:
                        found[(k, i)] = self._array_ref(e)
        return found

    def _array_ref(self, array):
        value, a, counter, version = self.bound[id(array)]
        if counter.v != version:
            raise unsupported("an in-place change of a traced tensor used as an index")
        return value

    # ------------------------------------------------------------------ recording
    def record(self, op, inputs, params, outputs, param_refs=None, arrays=None):
        arrays = arrays or [None] * len(outputs)
        values = [Value(o.shape, o._data.dtype, a) for o, a in zip(outputs, arrays)]
        for o, v in zip(outputs, values):
            self.bind(o, v)
        scope = next((n for n in reversed(self.scope) if n), "")
        self.records.append(Record(op, inputs, params, param_refs or {}, values, scope))
        return values

    def hook(self, op, inputs, params, inplace, proceed):
        if self.suspended or threading.get_ident() != self.thread:
            return proceed()
        refs = [self.ref(t) for t in inputs]
        prefs = self._param_refs(params) if params else {}
        out = proceed()
        constant = all(type(r) is not Value or r.array is not None for r in refs) and all(
            v.array is not None for v in prefs.values()
        )
        if inplace:
            target = inputs[0]
            if tuple(out[0].shape) != tuple(target.shape):
                raise unsupported(f"in-place '{op.name}_' that broadcasts into its target")
            arrays = [_host(out[0])] if constant else None
            (value,) = self.record(op.name, refs, params, [target], prefs, arrays)
            a = target._data
            counter = target._version_counter
            self.bound[id(a)] = (value, a, counter, counter.v + 1)  # the writer bumps it next
            return out
        outs = out if type(out) is tuple else (out,)
        arrays = [_host(o._data) for o in outs] if constant else None
        self.record(op.name, refs, params, outs, prefs, arrays)
        return out

    def write_result(self, original):
        """``_inplace.write_result`` followed: ``x += y`` rebinds ``x`` to ``x + y``'s value."""

        def traced(target, result):
            if (
                self.suspended
                or threading.get_ident() != self.thread
                or (self.lookup(result) is None and self.lookup(target) is None)
            ):
                return original(target, result)
            result = _inplace.cast_for_inplace(target, result)
            out = original(target, result)
            value = self.lookup(result)
            if value is None:
                self.bound.pop(id(target._data), None)  # overwritten by a constant
            else:
                self.bind(target, value)
            return out

        return traced

    @contextmanager
    def suspend(self):
        self.suspended += 1
        try:
            yield
        finally:
            self.suspended -= 1

    def _leaves_graph(self, name, original):
        """``Tensor.<name>`` that warns when a traced value becomes a Python value: the graph
        keeps what it was for the example inputs."""

        def method(t, *args, **kwargs):
            entry = self.bound.get(id(t._data))
            if not self.suspended and entry is not None and entry[0].array is None:
                warnings.warn(
                    f"ember.onnx.export: Tensor.{name} turns a traced tensor into a Python "
                    "value; the exported graph treats it as a constant and may not generalize "
                    "to other inputs",
                    stacklevel=2,
                )
            return original(t, *args, **kwargs)

        return method

    @contextmanager
    def active(self, model):
        remove = observe(self.hook)
        original = _inplace.write_result
        _inplace.write_result = self.write_result(original)
        methods = {n: Tensor.__dict__[n] for n in _LEAVING if n in Tensor.__dict__}
        for n, m in methods.items():
            setattr(Tensor, n, self._leaves_graph(n, m))
        patched = self._patch_modules(model)
        _STATE["exporting"] += 1
        try:
            yield self
        finally:
            _STATE["exporting"] -= 1
            for m in patched:
                m.__dict__.pop("forward", None)
            for n, m in methods.items():
                setattr(Tensor, n, m)
            _inplace.write_result = original
            remove()

    # ------------------------------------------------------------------ modules
    def _patch_modules(self, model):
        if not isinstance(model, nn.Module):
            return []
        patched = []
        for name, m in model.named_modules():
            if "forward" in m.__dict__:
                continue  # a forward set on the instance: leave it alone
            m.__dict__["forward"] = self._scoped(name, m, type(m).forward.__get__(m))
            patched.append(m)
        return patched

    def _scoped(self, name, module, forward):
        whole = _whole_module(module)

        def scoped_forward(*args, **kwargs):
            self.scope.append(name)
            try:
                if whole is not None and not self.suspended:
                    return whole(self, module, forward, args, kwargs)
                return forward(*args, **kwargs)
            finally:
                self.scope.pop()

        return scoped_forward

    def record_module(self, kind, module, forward, x, args, kwargs, params, extra=()):
        """Run ``forward`` untraced and record it as one ``kind`` record on ``x``."""
        xv = self.lookup(x)
        with self.suspend():
            out = forward(*args, **kwargs)
        inputs = [xv, *(self.ref(t) if t is not None else None for t in extra)]
        arrays = [_host(out._data)] if xv.array is not None else None
        self.record(kind, inputs, params, (out,), None, arrays)
        return out


def _first(args, kwargs, name="input"):
    return args[0] if args else kwargs.get(name)


def _linear(tracer, m, forward, args, kwargs):
    x = _first(args, kwargs)
    if tracer.lookup(x) is None or x.dim() != 2:
        return forward(*args, **kwargs)
    return tracer.record_module("nn.Linear", m, forward, x, args, kwargs, {}, (m.weight, m.bias))


def _batch_norm(tracer, m, forward, args, kwargs):
    x = _first(args, kwargs)
    if tracer.lookup(x) is None or m.training or m.running_mean is None:
        return forward(*args, **kwargs)
    params = {"eps": m.eps}
    extra = (m.weight, m.bias, m.running_mean, m.running_var)
    return tracer.record_module("nn.BatchNorm", m, forward, x, args, kwargs, params, extra)


def _global_pool(kind, nd):
    def convert(tracer, m, forward, args, kwargs):
        x = _first(args, kwargs)
        size = m.output_size if isinstance(m.output_size, (tuple, list)) else (m.output_size,)
        if (
            tracer.lookup(x) is None
            or any(s != 1 for s in size)
            or getattr(m, "return_indices", False)
        ):
            return forward(*args, **kwargs)
        return tracer.record_module(kind, m, forward, x, args, kwargs, {"nd": nd})

    return convert


def _whole_module(m):
    """The whole-module recorder of ``m``, if its forward is the library's own."""
    table = [
        (nn.Linear, _linear),
        (nn.BatchNorm1d, _batch_norm),
        (nn.BatchNorm2d, _batch_norm),
        (nn.BatchNorm3d, _batch_norm),
    ]
    for nd in (1, 2, 3):
        table.append((getattr(nn, f"AdaptiveAvgPool{nd}d"), _global_pool("nn.GlobalAvg", nd)))
        table.append((getattr(nn, f"AdaptiveMaxPool{nd}d"), _global_pool("nn.GlobalMax", nd)))
    for cls, fn in table:
        if isinstance(m, cls) and type(m).forward is cls.forward:
            return fn
    return None


def is_exporting() -> bool:
    return _STATE["exporting"] > 0
