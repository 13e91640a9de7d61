"""``defop``: how a primitive is declared, and the wrapper that records it for autograd.

NOTE [ Op wrapper ]
``op(*tensors, **params)`` is the hot path of the whole library. It (1) takes the raw arrays and
the backend namespace ``xp`` of the inputs, (2) runs the forward on arrays, (3) records an
:class:`OpNode` only when grad mode is on and some input requires grad, keeping just what the
backward declared, and (4) wraps the result. Dtype promotion and argument checking happen in the
public functions before an op is called, so an op receives tensors already of the right dtype.
"""

from __future__ import annotations

from .._backend import backend_by_type
from .._tensor import Tensor, _wrap, device_mismatch
from ..autograd.grad_mode import STATE
from ..autograd.graph import OpNode, Version


def refresh_view(t):
    from .._inplace_view import refresh_view as refresh

    refresh(t)


REGISTRY: dict[str, Op] = {}


class Op:
    """A differentiable primitive: forward on arrays, backward on Tensors."""

    __slots__ = (
        "name",
        "node_name",
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

    def __call__(self, *inputs, **params):
        data = [t._data for t in inputs]
        t0 = type(data[0])
        for d in data:
            if type(d) is not t0:
                raise device_mismatch(inputs)
        backend = backend_by_type[t0]
        out = self.forward(backend.xp, *data, **params)
        if self.has_aux:
            out, aux = out
        record = False
        if STATE.enabled and self.backward is not None:
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
                node = self._record(inputs, params, aux if self.has_aux else None)
                result.requires_grad = True
                result.grad_fn = node
                if self.save_output:
                    node.output = result
                    node.saved_versions = (*node.saved_versions, result._version_counter.v)
            return result
        outs = tuple(_wrap(o if type(o) is t0 else backend.xp.asarray(o)) for o in out)
        if record:
            node = self._record(inputs, params, aux if self.has_aux else None)
            node.out_meta = tuple(
                (o.shape, o.dtype, o.device) if o.dtype.is_floating_point else None for o in outs
            )
            for i, o in enumerate(outs):
                if o.dtype.is_floating_point:
                    o.requires_grad = True
                    o.grad_fn = node
                    o._output_nr = i
        return outs

    def _record(self, inputs, params, aux):
        node = OpNode.__new__(OpNode)
        node.op = self
        node.params = params
        node.aux = aux
        node.output = None
        node.pre_hooks = node.post_hooks = node.retains = None
        node._freed = False
        node.out_meta = None
        edges = []
        meta = []
        needs = []
        for t in inputs:
            if t.requires_grad:
                if t._base is not None and t._view_version != t._version_counter.v:
                    refresh_view(t)
                edges.append((t.grad_fn, t._output_nr) if t.grad_fn is not None else (t, 0))
                meta.append((t._data.shape, t.dtype))
                needs.append(True)
            else:
                edges.append((None, 0))
                meta.append(None)
                needs.append(False)
        node.next_edges = edges
        node.in_meta = meta
        node.needs_input_grad = needs
        if self.save_inputs:
            node.inputs = inputs
            node.saved_versions = tuple(t._version_counter.v for t in inputs)
        else:
            node.inputs = None
            node.saved_versions = ()
        return node


def defop(name, *, aux=False, n_outputs=1, view=False):
    """Declare a primitive: ``@defop("exp")`` over ``def exp(xp, x): return xp.exp(x)``.

    ``aux=True``: the forward returns ``(out, aux)`` and ``aux`` is kept for the backward as
    ``ctx.aux``. ``view=True``: the output shares its input's memory and version counter.
    """

    def register(fn):
        op = Op(name, fn, aux=aux, n_outputs=n_outputs, view=view)
        REGISTRY[name] = op
        return op

    return register


__all__ = ["Op", "defop", "REGISTRY", "Tensor", "Version"]


def inplace(op, target, *others, **params):
    """Run ``op(target, *others)`` and write the result into ``target``'s memory.

    PyTorch's rules: a leaf that requires grad cannot be modified while grad mode is on; any
    other tensor takes the op's node as its new ``grad_fn``. The version counter (shared with
    views) is bumped, so a backward that saved the old value raises instead of using stale data.
    """
    inputs = (target, *others)
    recording = False
    if STATE.enabled and op.backward is not None:
        for t in inputs:
            if t.requires_grad:
                recording = True
                break
    if recording and target.grad_fn is None and target.requires_grad:
        raise RuntimeError(
            "a leaf Variable that requires grad is being used in an in-place operation."
        )
    if recording and target._base is not None:
        from .._inplace_view import inplace_on_view

        return inplace_on_view(target, lambda old: op(old, *others, **params))
    data = [t._data for t in inputs]
    t0 = type(data[0])
    for d in data:
        if type(d) is not t0:
            raise device_mismatch(inputs)
    xp = backend_by_type[t0].xp
    out = op.forward(xp, *data, **params)
    if op.has_aux:
        out, aux = out
    if recording:
        snapshot = _wrap(target._data.copy() if op.save_inputs else target._data)
        snapshot.requires_grad = target.requires_grad
        snapshot.grad_fn = target.grad_fn
        snapshot._output_nr = target._output_nr
        node = op._record((snapshot, *others), params, aux if op.has_aux else None)
    target_arr = target._data
    if target_arr.ndim == 0 and getattr(out, "shape", ()) != ():
        raise RuntimeError(
            f"output with shape [] doesn't match the broadcast shape "
            f"[{', '.join(map(str, out.shape))}]"
        )
    if (
        getattr(out, "shape", ()) != target_arr.shape
        and xp.broadcast_shapes(getattr(out, "shape", ()), target_arr.shape) != target_arr.shape
    ):
        raise RuntimeError(
            f"output with shape [{', '.join(map(str, target_arr.shape))}] doesn't "
            "match the broadcast shape "
            f"[{', '.join(map(str, out.shape))}]"
        )
    target_arr[...] = out
    target._version_counter.v += 1
    if recording:
        target.grad_fn = node
        target.requires_grad = True
        target._output_nr = 0
        if op.save_output:
            node.output = target
            node.saved_versions = (*node.saved_versions, target._version_counter.v)
    return target
