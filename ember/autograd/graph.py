"""Graph nodes: what a recorded operation keeps for its backward.

A :class:`Node` is a tensor's ``grad_fn``. It holds edges ``(target, output_nr)`` to the nodes
that produced its inputs (or to the leaf tensor itself, which accumulates into ``.grad``), the
shapes and dtypes of those inputs (so the engine can undo broadcasting in one place), and the
values its backward needs. Nothing here knows any particular op.
"""

from __future__ import annotations

__all__ = [
    "Node",
    "OpNode",
    "Version",
    "new_node",
    "set_history",
    "edge_to",
    "version_error",
    "FREED_MESSAGE",
]

FREED_MESSAGE = (
    "Trying to backward through the graph a second time (or directly access saved tensors after "
    "they have already been freed). Saved intermediate values of the graph are freed when you call "
    ".backward() or autograd.grad(). Specify retain_graph=True if you need to backward through the "
    "graph a second time or if you need to access saved tensors after calling backward."
)


def version_error(t, node, expected):
    from .._tensor import type_name  # the tensor module imports this one

    return RuntimeError(
        "one of the variables needed for gradient computation has been modified by an inplace "
        f"operation: [{type_name(t)} [{', '.join(map(str, t.shape))}]], which is output "
        f"{t._output_nr} of {node.name()}, is at version {t._version_counter.v}; expected "
        f"version {expected} instead. Hint: the backtrace further above can help locate the "
        "operation that failed to compute its gradient."
    )


class Version:
    """The version counter shared by a tensor and its views; in-place ops bump it."""

    __slots__ = ("v",)

    def __init__(self):
        self.v = 0


class Node:
    """Base of all backward nodes (``grad_fn``)."""

    __slots__ = (
        "next_edges",
        "in_meta",
        "out_meta",
        "pre_hooks",
        "post_hooks",
        "retains",
        "_freed",
        "__weakref__",
    )

    n_outputs = 1
    materialize = True  # missing output gradients reach backward as zeros

    def name(self) -> str:
        return type(self).__name__

    @property
    def next_functions(self):
        """((node_or_AccumulateGrad, output_nr), ...) like PyTorch's ``grad_fn.next_functions``."""
        return tuple(
            (_AccumulateGradView(t) if t is not None and not isinstance(t, Node) else t, i)
            for t, i in self.next_edges
        )

    def register_hook(self, fn):
        """Call ``fn(grad_inputs, grad_outputs)`` after this node's backward runs."""
        from ..utils.hooks import RemovableHandle

        if self.post_hooks is None:
            self.post_hooks = {}
        return RemovableHandle(self.post_hooks, fn)

    def register_prehook(self, fn):
        """Call ``fn(grad_outputs)`` before this node's backward runs; it may return new grads."""
        from ..utils.hooks import RemovableHandle

        if self.pre_hooks is None:
            self.pre_hooks = {}
        return RemovableHandle(self.pre_hooks, (None, fn))

    def __repr__(self):
        return f"<{self.name()} object at {hex(id(self))}>"


def edge_to(t):
    """The edge ``(node, output_nr)`` a gradient for ``t`` flows along: its ``grad_fn``, or the
    leaf itself (which accumulates into ``.grad``). A view whose base changed in place since
    its history was made gets a fresh history first."""
    if t._base is not None and t._view_version != t._version_counter.v:
        from ..ops._inplace import refresh_view  # the view machinery is built from ops

        refresh_view(t)
    if t.grad_fn is not None:
        return t.grad_fn, t._output_nr
    return t, 0


def new_node(cls, inputs=None):
    """The one node constructor, shared by ops, custom Functions and the engine.

    Makes a node of class ``cls`` (no hooks, not freed) and, when ``inputs`` is given, connects
    it to them: one edge per input (``(None, 0)`` where the input needs no gradient) and the
    input shapes/dtypes the engine uses to undo broadcasting and casts.
    """
    node = cls.__new__(cls)
    node.pre_hooks = node.post_hooks = node.retains = None
    node._freed = False
    node.out_meta = None
    if inputs is None:
        return node
    # The per-op hot path: an input with a grad_fn that is not a view takes the short way;
    # leaves and views follow the general rule of edge_to.
    edges = []
    meta = []
    for t in inputs:
        if t is not None and t.requires_grad:
            fn = t.grad_fn
            edges.append((fn, t._output_nr) if fn is not None and t._base is None else edge_to(t))
            meta.append((t._data.shape, t.dtype))
        else:
            edges.append((None, 0))
            meta.append(None)
    node.next_edges = edges
    node.in_meta = meta
    return node


def set_history(t, node, output_nr=0) -> None:
    """Make ``t`` output ``output_nr`` of ``node``."""
    t.requires_grad = True
    t.grad_fn = node
    t._output_nr = output_nr


class _AccumulateGradView:
    """What ``next_functions`` shows for a leaf: PyTorch's AccumulateGrad with ``.variable``."""

    def __init__(self, variable):
        self.variable = variable

    def name(self):
        return "torch::autograd::AccumulateGrad"

    next_functions = ()

    def __repr__(self):
        return f"<AccumulateGrad object at {hex(id(self))}>"


class OpNode(Node):
    """The node of a registered op: backward is ``op.backward(node, *grads)``."""

    __slots__ = ("op", "inputs", "output", "aux", "params", "saved_versions")

    @property
    def needs_input_grad(self):
        """One bool per input: whether its gradient is wanted."""
        return [m is not None for m in self.in_meta]

    def name(self) -> str:
        return self.op.node_name

    @property
    def n_outputs(self):
        return self.op.n_outputs

    @property
    def saved_tensors(self):
        if self._freed:
            raise RuntimeError(FREED_MESSAGE)
        return self.inputs

    def check_versions(self):
        versions = self.saved_versions
        inputs = self.inputs
        n = 0
        if inputs is not None:
            n = len(inputs)
            for t, v in zip(inputs, versions):
                if t._version_counter.v != v:
                    raise version_error(t, self, v)
        if self.output is not None and self.output._version_counter.v != versions[n]:
            raise version_error(self.output, self, versions[n])

    def apply(self, grads):
        op = self.op
        if self._freed and op.saves:
            raise RuntimeError(FREED_MESSAGE)
        if self.saved_versions:
            self.check_versions()
        if op.n_outputs == 1:
            return op.backward(self, grads[0])
        return op.backward(self, *grads)

    def release(self):
        self._freed = True
        self.inputs = self.output = self.aux = None
