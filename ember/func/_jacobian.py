"""``jacrev``, ``jacfwd`` and ``hessian`` (torch.func): Jacobians as a vmap of vjps (one row
per output element) or of jvps (one column per input element)."""

from __future__ import annotations

import functools

from .._tensor import Tensor
from ._autodiff import check_argnums
from ._jvp import jvp
from ._pytree import tree_flatten, tree_unflatten
from ._vjp import vjp
from ._vmap import vmap

__all__ = ["jacrev", "jacfwd", "hessian"]


def _partial(func, args, positions, kwargs):
    """``func`` as a function of the arguments at ``positions`` only."""

    def f(*diff):
        full = list(args)
        for p, d in zip(positions, diff):
            full[p] = d
        return func(*full, **kwargs)

    return f


def _basis(tensors):
    """For tensors of sizes n_1..n_k: per tensor, a batch of ``N = sum n_i`` one-hot tensors of
    its shape (row r is 1 at element r - offset_i when r falls in its block, else 0)."""
    from .. import eye

    sizes = [t.numel() for t in tensors]
    total = sum(sizes)
    out, start = [], 0
    for t, n in zip(tensors, sizes):
        e = eye(total, dtype=t.dtype, device=t.device)[:, start : start + n]
        out.append(e.reshape(total, *t.shape))
        start += n
    return out, sizes


def _split_rows(stacked, sizes):
    """The rows of ``stacked`` (N, ...) cut into blocks of ``sizes``."""
    out, start = [], 0
    for n in sizes:
        out.append(stacked[start : start + n])
        start += n
    return out


def jacrev(func, argnums=0, *, has_aux=False, chunk_size=None, _preallocate_and_copy=False):
    """``torch.func.jacrev``: the Jacobian of ``func`` with respect to the argument(s)
    ``argnums``, by reverse mode (a vmap of :func:`vjp` over the rows of the identity).

    The result has the structure of ``func``'s output; each leaf is the Jacobian of that
    output, of shape ``output.shape + input.shape`` (a tuple of them when ``argnums`` is a
    tuple; each input may itself be a pytree). ``has_aux``: ``func`` returns ``(output, aux)``
    and the result is ``(jacobian, aux)``. ``chunk_size``: at most that many rows per vmap
    call (memory), same result. Nests with the other transforms (``jacrev(jacrev(f))``,
    ``vmap(jacrev(f))``).

    >>> import ember
    >>> from ember.func import jacrev
    >>> jacrev(lambda x: x**2)(ember.tensor([1.0, 2.0]))
    tensor([[2., 0.],
            [0., 4.]])
    """
    if chunk_size is not None and (not isinstance(chunk_size, int) or chunk_size <= 0):
        raise ValueError("jacrev: `chunk_size` should be greater than 0.")

    @functools.wraps(func)
    def wrapper(*args, **kwargs):
        positions = check_argnums(argnums, len(args))
        diff = [args[p] for p in positions]
        res = vjp(_partial(func, args, positions, kwargs), *diff, has_aux=has_aux)
        out, vjp_fn = res[0], res[1]
        flat_out, out_spec = tree_flatten(out)
        basis, sizes = _basis(flat_out)
        cot = tree_unflatten(basis, out_spec)
        rows = vmap(vjp_fn, chunk_size=chunk_size)(cot)  # per primal: (N, *primal.shape)
        flat_primals = []
        for r in rows:
            leaves, spec = tree_flatten(r)
            flat_primals.append((leaves, spec))
        jac_leaves = []
        for i, o in enumerate(flat_out):
            per_arg = []
            for leaves, spec in flat_primals:
                blocks = [_split_rows(g, sizes)[i] for g in leaves]
                per_arg.append(
                    tree_unflatten(
                        [b.reshape(*o.shape, *g.shape[1:]) for b, g in zip(blocks, leaves)], spec
                    )
                )
            jac_leaves.append(per_arg[0] if isinstance(argnums, int) else tuple(per_arg))
        jac = tree_unflatten(jac_leaves, out_spec)
        return (jac, res[2]) if has_aux else jac

    return wrapper


def jacfwd(func, argnums=0, has_aux=False, *, randomness="error"):
    """``torch.func.jacfwd``: the Jacobian of ``func`` with respect to the argument(s)
    ``argnums``, by forward mode (a vmap of :func:`jvp` over the columns of the identity).

    Same results and structure as :func:`jacrev` (``output.shape + input.shape`` per leaf);
    ``randomness`` is passed to the vmap. ember's jvp is a double vjp (NOTE [ jvp as a double
    vjp ] in ``ember/func/_jvp.py``), so this costs more than jacrev; it is here for
    compatibility and for :func:`hessian`.

    >>> import ember
    >>> from ember.func import jacfwd
    >>> jacfwd(lambda x: x.sin())(ember.tensor([0.0]))
    tensor([[1.]])
    """

    @functools.wraps(func)
    def wrapper(*args, **kwargs):
        positions = check_argnums(argnums, len(args))
        diff = tuple(args[p] for p in positions)
        flat_in, in_spec = tree_flatten(diff)
        for x in flat_in:
            if not isinstance(x, Tensor):
                raise ValueError(f"Thing passed to transform API must be Tensor, got {type(x)}")
        basis, sizes = _basis(flat_in)
        f = _partial(func, args, positions, kwargs)

        def column(*tangent_leaves):
            tangents = tree_unflatten(list(tangent_leaves), in_spec)
            res = jvp(f, diff, tangents, has_aux=has_aux)
            return (res[1], res[2]) if has_aux else res[1]

        out_dims = (0, None) if has_aux else 0
        cols = vmap(column, out_dims=out_dims, randomness=randomness)(*basis)
        jv, aux = cols if has_aux else (cols, None)
        flat_jv, out_spec = tree_flatten(jv)
        n_args = len(positions)
        groups, start = [], 0
        for p in positions:  # how many flat inputs each argument has
            k = len(tree_flatten(args[p])[0])
            groups.append((start, start + k))
            start += k
        jac_leaves = []
        for col in flat_jv:  # (N, *out.shape)
            out_shape = tuple(col.shape[1:])
            blocks = _split_rows(col, sizes)
            per_input = []
            for b, x in zip(blocks, flat_in):
                j = b.reshape(*x.shape, *out_shape)
                k, m = x.dim(), len(out_shape)
                per_input.append(j.permute(*range(k, k + m), *range(k)) if k and m else j)
            per_arg = []
            for a, (lo, hi) in enumerate(groups):
                spec = tree_flatten(args[positions[a]])[1]
                per_arg.append(tree_unflatten(per_input[lo:hi], spec))
            jac_leaves.append(per_arg[0] if isinstance(argnums, int) else tuple(per_arg[:n_args]))
        jac = tree_unflatten(jac_leaves, out_spec)
        return (jac, aux) if has_aux else jac

    return wrapper


def hessian(func, argnums=0):
    """``torch.func.hessian``: the Hessian of the scalar function ``func`` with respect to the
    argument(s) ``argnums`` (``jacfwd(jacrev(func, argnums), argnums)``): shape
    ``input.shape + input.shape`` for one input.

    >>> import ember
    >>> from ember.func import hessian
    >>> hessian(lambda x: (x**3).sum())(ember.tensor([1.0, 2.0]))
    tensor([[ 6.,  0.],
            [ 0., 12.]])
    """
    return jacfwd(jacrev(func, argnums), argnums)
