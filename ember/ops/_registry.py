"""``defop``: how a primitive is declared, and the wrapper that records it for autograd.

NOTE [ Op wrapper ]
``op(*tensors, **params)`` is the hot path of the whole library. It (1) takes the raw arrays and
the backend namespace ``xp`` of the inputs, (2) runs the forward on arrays, (3) records an
:class:`OpNode` only when grad mode is on and some input requires grad, keeping just what the
backward declared, and (4) wraps the result. Dtype promotion and argument checking happen in the
public functions before an op is called, so an op receives tensors already of the right dtype.
"""

from __future__ import annotations

from .._backend import allocation_error, backend_by_type
from .._tensor import Tensor, _wrap, device_mismatch
from ..autograd.grad_mode import GRAD_ENABLED
from ..autograd.graph import OpNode, Version, new_node, set_history

_grad_enabled = GRAD_ENABLED.get  # bound once: the op wrapper reads it on every call

REGISTRY: dict[str, Op] = {}


class Op:
    """A differentiable primitive: forward on arrays, backward on Tensors."""

    __slots__ = (
        "name",
        "node_name",
        "node_cls",
        "forward",
        "backward",
        "save_inputs",
        "save_output",
        "has_aux",
        "n_outputs",
        "view",
        "saves",
        "doc",
    )

    def __init__(self, name, forward, *, aux=False, n_outputs=1, view=False):
        self.name = name
        self.node_name = "".join(p.capitalize() for p in name.strip("_").split("_")) + "Backward0"
        # one node class per op, named as torch's: type(loss.grad_fn).__name__ == "MseLossBackward0"
        self.node_cls = type(self.node_name, (OpNode,), {"__slots__": ()})
        self.forward = forward
        self.backward = None
        self.save_inputs = self.save_output = self.saves = False
        self.has_aux = aux
        self.n_outputs = n_outputs
        self.view = view
        self.doc = forward.__doc__

    def vjp(self, save_inputs=False, save_output=False):
        """Register the backward: ``fn(ctx, *grads) -> grad or tuple of grads (None allowed)``."""

        def register(fn):
            self.backward = fn
            self.save_inputs = save_inputs
            self.save_output = save_output
            self.saves = save_inputs or save_output or self.has_aux
            return fn

        return register

    def __repr__(self):
        return f"<ember op {self.name}>"

    def run(self, inputs, params):
        """The forward on the inputs' arrays: ``(out, aux, xp)``, with PyTorch's errors for
        mixed devices and failed allocations. ``__call__`` inlines these same steps (it is the
        hot path); the in-place writer calls this."""
        data = [t._data for t in inputs]
        t0 = type(data[0])
        for d in data:
            if type(d) is not t0:
                raise device_mismatch(inputs)
        xp = backend_by_type[t0].xp
        try:
            out = self.forward(xp, *data, **params)
        except (MemoryError, ValueError) as e:
            err = allocation_error(e)
            if err is None:
                raise
            raise err from None
        return (*out, xp) if self.has_aux else (out, None, xp)

    def __call__(self, *inputs, **params):
        data = [t._data for t in inputs]
        t0 = type(data[0])
        for d in data:
            if type(d) is not t0:
                raise device_mismatch(inputs)
        backend = backend_by_type[t0]
        try:
            out = self.forward(backend.xp, *data, **params)
        except (MemoryError, ValueError) as e:
            err = allocation_error(e)
            if err is None:
                raise
            raise err from None
        if self.has_aux:
            out, aux = out
        record = False
        if _grad_enabled() and self.backward is not None:
            for t in inputs:
                if t.requires_grad:
                    record = True
                    break
        if self.n_outputs == 1:
            if type(out) is not t0:
                out = backend.xp.asarray(out)
            result = _wrap(out)
            if self.view:
                base = inputs[0]
                result._version_counter = base._version_counter
                result._base = base if base._base is None else base._base
                result._view_version = base._version_counter.v
            if record:
                node = self.record(inputs, params, aux if self.has_aux else None)
                result.requires_grad = True  # set_history, inlined on the hot path
                result.grad_fn = node
                if self.save_output:
                    node.output = result
                    node.saved_versions = (*node.saved_versions, result._version_counter.v)
            return result
        outs = tuple(_wrap(o if type(o) is t0 else backend.xp.asarray(o)) for o in out)
        if record:
            node = self.record(inputs, params, aux if self.has_aux else None)
            # float and complex outputs are differentiable (dtype category 2 and 3)
            node.out_meta = tuple(
                (o.shape, o.dtype, o.device) if o.dtype.category >= 2 else None for o in outs
            )
            for i, o in enumerate(outs):
                if o.dtype.category >= 2:
                    set_history(o, node, i)
        return outs

    def wrap(self, inputs, params, out, aux, xp):
        """The second half of the op wrapper on a forward's result: the arrays become tensors (a
        view shares its base's version counter) and, when recording, one node is made. Returns
        ``(result, node)``, node None when nothing was recorded. ``__call__`` inlines these same
        steps (the hot path); vmap's dispatcher calls this."""
        record = False
        if _grad_enabled() and self.backward is not None:
            record = any(t.requires_grad for t in inputs)
        node = self.record(inputs, params, aux if self.has_aux else None) if record else None
        if self.n_outputs == 1:
            result = _wrap(out if type(out) in backend_by_type else xp.asarray(out))
            if self.view:
                base = inputs[0]
                result._version_counter = base._version_counter
                result._base = base if base._base is None else base._base
                result._view_version = base._version_counter.v
            if node is not None:
                set_history(result, node)
                if self.save_output:
                    node.output = result
                    node.saved_versions = (*node.saved_versions, result._version_counter.v)
            return result, node
        outs = tuple(_wrap(o if type(o) in backend_by_type else xp.asarray(o)) for o in out)
        if node is not None:
            node.out_meta = tuple(
                (o.shape, o.dtype, o.device) if o.dtype.category >= 2 else None for o in outs
            )
            for i, o in enumerate(outs):
                if o.dtype.category >= 2:
                    set_history(o, node, i)
        return outs, node

    def record(self, inputs, params, aux):
        """The graph node of one call of this op on ``inputs`` (grad mode on, some input
        requires grad), keeping only what the backward declared."""
        node = new_node(self.node_cls, inputs)
        node.op = self
        node.params = params
        node.aux = aux
        node.output = None
        if self.save_inputs:
            node.inputs = inputs
            node.saved_versions = tuple(t._version_counter.v for t in inputs)
        else:
            node.inputs = None
            node.saved_versions = ()
        return node


_PLAIN = (Op.__call__, Op.run)
_OBSERVERS: list = []


def observe(hook):
    """Route every op call through ``hook(op, inputs, params, inplace, proceed)`` (``proceed()``
    runs the op; ``inplace``: the in-place writer's :meth:`Op.run`) until the returned
    function is called. The profiler and the ONNX exporter use it; it swaps ``Op.__call__``
    and ``Op.run`` at class level, so the hot path costs nothing while nobody observes."""

    def layered(hook, call, run):
        def __call__(self, *inputs, **params):
            return hook(self, inputs, params, False, lambda: call(self, *inputs, **params))

        def observed_run(self, inputs, params):
            return hook(self, inputs, params, True, lambda: run(self, inputs, params))

        return __call__, observed_run

    def install():
        call, run = _PLAIN
        for h in _OBSERVERS:
            call, run = layered(h, call, run)
        Op.__call__, Op.run = call, run

    def remove():
        if hook in _OBSERVERS:
            _OBSERVERS.remove(hook)
            install()

    _OBSERVERS.append(hook)
    install()
    return remove


def defop(name, *, aux=False, n_outputs=1, view=False):
    """Declare a primitive: ``@defop("exp")`` over ``def exp(xp, x): return xp.exp(x)``.

    ``aux=True``: the forward returns ``(out, aux)`` and ``aux`` is kept for the backward as
    ``ctx.aux``. ``view=True``: the output shares its input's memory and version counter.
    Each primitive is defined once: a second ``defop`` of the same name raises ``ValueError``.
    """

    def register(fn):
        first = REGISTRY.get(name)
        if first is not None:
            raise ValueError(
                f"defop: primitive {name!r} is defined twice, in {first.forward.__module__} "
                f"and in {fn.__module__}; keep one and import it where it is needed"
            )
        op = Op(name, fn, aux=aux, n_outputs=n_outputs, view=view)
        REGISTRY[name] = op
        return op

    return register


__all__ = ["Op", "defop", "REGISTRY", "Tensor", "Version"]
