"""The backward engine: an iterative walk of the graph in topological order.

NOTE [ Engine order ]
One depth-first pass from the roots (no recursion, so graphs 100,000 nodes deep work) yields a
post-order; its reverse is a topological order, so when a node's turn comes every consumer has
already sent its gradient, and the node runs exactly once with their sum. A leaf tensor is a
target of the walk like a node: its gradients are summed, its hooks run, then ``.grad`` grows.
When only some inputs are wanted (``autograd.grad``, ``backward(inputs=...)``), nodes with no
path to them are skipped.
"""

from __future__ import annotations

from .grad_mode import GRAD_ENABLED
from .graph import Node, edge_to, version_error  # noqa: F401 - re-exported

__all__ = ["run_backward"]


def _root_edge(t, i):
    if t.grad_fn is None and not t.requires_grad:
        raise RuntimeError(
            f"element {i} of tensors does not require grad and does not have a grad_fn"
        )
    return edge_to(t)


def _topological(starts):
    """Nodes and leaves reachable from ``starts``, consumers before producers."""
    seen = set()
    order = []
    for start in starts:
        if start in seen:
            continue  # reached from an earlier start: already ordered after its consumers
        seen.add(start)
        if not isinstance(start, Node):
            order.append(start)
            continue
        stack = [(start, iter(start.next_edges))]
        while stack:
            node, edges = stack[-1]
            for target, _ in edges:
                if target is not None and target not in seen:
                    seen.add(target)
                    if isinstance(target, Node):
                        stack.append((target, iter(target.next_edges)))
                        break
                    order.append(target)
            else:
                stack.pop()
                order.append(node)
    order.reverse()
    return order


def _needed(order, targets):
    """The set of nodes that lie on a path to one of ``targets``."""
    needed = set()
    for node in reversed(order):  # producers first
        if node in targets or (
            isinstance(node, Node) and any(t in needed for t, _ in node.next_edges)
        ):
            needed.add(node)
    return needed


def _sum_to(g, shape, dtype):
    if g._data.shape != shape:
        g = g.sum_to_size(shape)
    if g._data.dtype != dtype.np:
        if g._data.dtype.kind == "c" and not dtype.is_complex:
            g = g.real  # a real input's gradient is the real part (PyTorch's convention)
        g = g.to(dtype)
    return g


def _accumulate(buffers, key, index, g, n):
    buf = buffers.get(key)
    if buf is None:
        buf = buffers[key] = [None] * n
    prev = buf[index]
    buf[index] = g if prev is None else prev + g


def run_backward(
    roots, grad_roots, retain_graph, create_graph, inputs=None, accumulate=True, allow_unused=False
):
    """Backpropagate ``grad_roots`` from ``roots``.

    With ``accumulate`` the leaves (or only ``inputs``) gain ``.grad``; without it the gradients
    of ``inputs`` are returned in order (``autograd.grad``).
    """
    edges = [_root_edge(t, i) for i, t in enumerate(roots)]
    buffers = {}
    handed = set()
    for (node, nr), g in zip(edges, grad_roots):
        handed.add(id(g))
        _accumulate(buffers, node, nr, g, _n_outputs(node))
    order = _topological(list(dict.fromkeys(n for n, _ in edges)))

    targets = None
    if inputs is not None:
        targets = {}
        for i, t in enumerate(inputs):
            if t.grad_fn is not None:
                targets.setdefault(t.grad_fn, []).append((t._output_nr, i))
            else:
                if not t.requires_grad:
                    raise RuntimeError("One of the differentiated Tensors does not require grad")
                targets.setdefault(t, []).append((0, i))
        needed = _needed(order, targets)
    captured = [None] * (len(inputs) if inputs is not None else 0)

    prev_mode = GRAD_ENABLED.get()
    GRAD_ENABLED.set(create_graph)
    try:
        for node in order:
            grads = buffers.pop(node, None)
            if grads is None:
                continue
            if targets is not None and node not in needed:
                continue
            if not isinstance(node, Node):
                _to_leaf(node, grads[0], targets, captured, accumulate, create_graph, handed)
                continue
            grads = _run_pre_hooks(node, grads)
            if targets is not None and node in targets:
                for nr, i in targets[node]:
                    captured[i] = grads[nr]
                # autograd.grad on a non-leaf stops there unless something else is wanted
                if not accumulate and not any(t in needed for t, _ in node.next_edges):
                    continue
            if node.materialize:
                grads = _fill_missing(node, grads)
            in_grads = node.apply(grads)
            if not isinstance(in_grads, tuple):
                in_grads = (in_grads,)
            if node.post_hooks:
                for hook in list(node.post_hooks.values()):
                    hook(in_grads, tuple(grads))
            for (target, nr), g, meta in zip(node.next_edges, in_grads, node.in_meta):
                if target is None or g is None:
                    continue
                g = _sum_to(g, meta[0], meta[1])
                _accumulate(buffers, target, nr, g, _n_outputs(target))
            if not retain_graph:
                node.release()
    finally:
        GRAD_ENABLED.set(prev_mode)
    if inputs is not None and not accumulate:
        for g in captured:
            if g is None and not allow_unused:
                raise RuntimeError(
                    "One of the differentiated Tensors appears to not have been used in the graph. "
                    "Set allow_unused=True if this is the desired behavior."
                )
        return tuple(captured)
    return None


def _n_outputs(node):
    return node.n_outputs if isinstance(node, Node) else 1


def _fill_missing(node, grads):
    """Multi-output nodes get zeros for outputs that received no gradient."""
    if all(g is not None for g in grads):
        return grads
    from .. import _factories

    out = []
    for g, meta in zip(grads, node.out_meta):
        if g is None and meta is not None:
            g = _factories.zeros(meta[0], dtype=meta[1], device=meta[2])
        out.append(g)
    return out


def _hooked(hook, g, res):
    """A tensor hook's replacement gradient, with torch's checks: same size (never broadcast)."""
    if res.shape != g.shape:
        name = getattr(hook, "__name__", repr(hook))
        raise RuntimeError(f"hook '{name}' has changed the size of value")
    return res


def _run_pre_hooks(node, grads):
    if node.pre_hooks:
        for nr, hook in list(node.pre_hooks.values()):
            if nr is None:
                res = hook(tuple(grads))
                if res is not None:
                    grads = list(res)
            elif grads[nr] is not None:
                res = hook(grads[nr])
                if res is not None:
                    grads[nr] = _hooked(hook, grads[nr], res)
    if node.retains:
        for nr, ref in node.retains.items():
            t = ref()
            if t is not None and grads[nr] is not None:
                g = grads[nr] if GRAD_ENABLED.get() else grads[nr].detach()
                t._grad = g if t._grad is None else t._grad + g
    return grads


def _to_leaf(t, g, targets, captured, accumulate, create_graph, handed):
    if t._hooks:
        for hook in list(t._hooks.values()):
            res = hook(g)
            if res is not None:
                g = _hooked(hook, g, res)
    if targets is not None and t in targets:
        for _, i in targets[t]:
            captured[i] = g
    if not accumulate:
        return
    if not create_graph:
        g = g.detach()
    # ._grad, not the .grad property: the engine's gradient already has t's shape, dtype and
    # device, so the assignment checks (and the non-leaf warning) would be work on a hot path
    if t._grad is None:
        if id(g) in handed or g._data.base is not None:
            g = g.clone() if create_graph else g.detach().clone()
        handed.add(id(g))
        t._grad = g
    else:
        t._grad = t._grad + g
    if t._post_accumulate_hooks:
        for hook in list(t._post_accumulate_hooks.values()):
            hook(t)
