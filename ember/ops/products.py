"""Public products (matmul, mm, bmm, einsum, tensordot, addmm, kron, ...) with PyTorch's shape
checks and messages. Each is one primitive of :mod:`ember.ops.prims.products` or a short
composition."""

from __future__ import annotations

import warnings

from .. import _dtype
from .._size import wrap_dim
from .._tensor import Tensor
from . import pointwise as P
from ._binding import tensor_method
from ._out import CAST, EXACT, OutRule, unless, with_out
from ._promote import broadcast_shapes, scalar_like
from .prims import products as PR

__all__ = [
    "matmul",
    "mm",
    "bmm",
    "mv",
    "dot",
    "vdot",
    "outer",
    "ger",
    "inner",
    "einsum",
    "tensordot",
    "addmm",
    "addmv",
    "addr",
    "baddbmm",
    "addbmm",
    "chain_matmul",
    "kron",
]


def _prod(shape) -> int:
    n = 1
    for s in shape:
        n *= s
    return n


def _shape(t) -> str:
    return "[" + ", ".join(map(str, t.shape)) + "]"


def _no_bool(t, what="addmm_impl_cpu_"):
    if t.dtype is _dtype.bool:
        raise NotImplementedError(f"\"{what}\" not implemented for 'Bool'")


_TENSORDOT_OUT = OutRule(  # inner and tensordot are composites in PyTorch
    check=unless(
        "equal",
        "tensordot: Expected the output tensor to have dtype {want}, but got an output tensor "
        "with dtype {got}",
    ),
    autograd="copy",
)
_DOT_OUT = unless("equal", "result dtype {got} does not match input dtype {want}")
_MULTI_DOT_OUT = OutRule(
    "mm", unless("equal", "multi_dot(): expected out tensor to have dtype {want_c} but got {got_c}")
)


# ---------------------------------------------------------------- matmul family
@tensor_method("matmul", "__matmul__", reflected="__rmatmul__")
def matmul(input, other, *, out=None):  # noqa: A002
    """Matrix product with PyTorch's 1-D and batch-broadcasting rules."""
    if out is not None:
        return with_out(out, EXACT, matmul, input, other)
    if not isinstance(input, Tensor) or not isinstance(other, Tensor):
        raise TypeError(
            f"matmul(): argument 'other' (position 2) must be Tensor, not "
            f"{type(other if isinstance(input, Tensor) else input).__name__}"
        )
    a, b = input, other
    if a.ndim == 0 or b.ndim == 0:
        raise RuntimeError(
            f"both arguments to matmul need to be at least 1D, but they are {a.ndim}D and {b.ndim}D"
        )
    if a.dtype is not b.dtype:
        raise _matmul_dtype_error(a, b)
    _no_bool(a)
    ka = a.shape[-1]
    kb = b.shape[-2] if b.ndim > 1 else b.shape[0]
    if ka != kb:
        raise _matmul_size_error(a, b, ka, kb)
    if a.ndim == 2 and b.ndim == 2:
        return PR._mm(a, b)  # torch's matmul of two matrices is mm (MmBackward0)
    if a.ndim > 2 and b.ndim > 2:
        broadcast_shapes(a.shape[:-2], b.shape[:-2])
    return PR._matmul(a, b)


def _matmul_dtype_error(a, b):
    """The dtype message of the kernel PyTorch's matmul dispatches to (dot, mv, mm or bmm)."""
    if a.ndim == 1 and b.ndim == 1:
        return RuntimeError(
            f"dot : expected both vectors to have same dtype, but found "
            f"{a.dtype.legacy_name} and {b.dtype.legacy_name}"
        )
    if b.ndim == 1:
        return RuntimeError(
            f"addmv input tensors must have the same dtype, but got "
            f"{b.dtype.legacy_name}, {a.dtype.legacy_name}, and {b.dtype.legacy_name}"
        )
    if b.ndim == 2 or (a.ndim == 2 and b.ndim <= 2):
        return RuntimeError(
            f"expected m1 and m2 to have the same dtype, but got: "
            f"{a.dtype.cpp_name} != {b.dtype.cpp_name}"
        )
    return RuntimeError(
        f"expected scalar type {a.dtype.legacy_name} but found {b.dtype.legacy_name}"
    )


def _matmul_size_error(a, b, ka, kb):
    """The message of the kernel PyTorch's matmul dispatches to for these shapes."""
    da, db = a.ndim, b.ndim
    if da == 1 and db == 1:
        return RuntimeError(
            f"inconsistent tensor size, expected tensor [{ka}] and src [{kb}] to "
            f"have the same number of elements, but got {ka} and {kb} elements "
            "respectively"
        )
    if db <= 2:  # mm / mv, with a's leading dims folded into rows
        rows = _prod(a.shape[:-1])
        if db == 1:
            return RuntimeError(f"size mismatch, got input ({rows}), mat ({rows}x{ka}), vec ({kb})")
        return RuntimeError(
            f"mat1 and mat2 shapes cannot be multiplied ({rows}x{ka} and {kb}x{b.shape[-1]})"
        )
    if da <= 2 and a.requires_grad:  # PyTorch folds b^T @ a^T when a needs a gradient
        rows = _prod(b.shape[:-2]) * b.shape[-1]
        if da == 1:
            return RuntimeError(f"size mismatch, got input ({rows}), mat ({rows}x{kb}), vec ({ka})")
        return RuntimeError(
            f"mat1 and mat2 shapes cannot be multiplied ({rows}x{kb} and {ka}x{a.shape[-2]})"
        )
    batch = _prod(broadcast_shapes(a.shape[:-2], b.shape[:-2]))
    return RuntimeError(
        f"Expected size for first two dimensions of batch2 tensor to be: "
        f"[{batch}, {ka}] but got: [{batch}, {kb}]."
    )


@tensor_method()
def mm(input, mat2, *, out=None):  # noqa: A002
    """Product of two matrices."""
    if out is not None:
        return with_out(out, EXACT, mm, input, mat2)
    if input.ndim != 2:
        raise RuntimeError("self must be a matrix")
    if mat2.ndim != 2:
        raise RuntimeError("mat2 must be a matrix")
    return matmul(input, mat2)


@tensor_method()
def bmm(input, mat2, *, out=None):  # noqa: A002
    """Batched product of two 3-D tensors with the same batch size."""
    if out is not None:
        return with_out(out, EXACT, bmm, input, mat2)
    if input.ndim != 3:
        raise RuntimeError("batch1 must be a 3D tensor")
    if mat2.ndim != 3:
        raise RuntimeError("batch2 must be a 3D tensor")
    if input.dtype is not mat2.dtype:
        raise RuntimeError(
            f"expected scalar type {input.dtype.legacy_name} but found {mat2.dtype.legacy_name}"
        )
    if input.shape[0] != mat2.shape[0] or input.shape[2] != mat2.shape[1]:
        raise RuntimeError(
            f"Expected size for first two dimensions of batch2 tensor to be: "
            f"[{input.shape[0]}, {input.shape[2]}] but got: [{mat2.shape[0]}, "
            f"{mat2.shape[1]}]."
        )
    return matmul(input, mat2)


@tensor_method()
def mv(input, vec, *, out=None):  # noqa: A002
    """Matrix-vector product."""
    if out is not None:
        return with_out(out, EXACT, mv, input, vec)
    if input.ndim != 2 or vec.ndim != 1:
        raise RuntimeError(f"vector + matrix @ vector expected, got 1, {input.ndim}, {vec.ndim}")
    return matmul(input, vec)


@tensor_method()
def dot(input, other, *, out=None):  # noqa: A002
    """Inner product of two 1-D tensors."""
    if out is not None:
        return with_out(out, _DOT_OUT, dot, input, other)
    if input.ndim != 1 or other.ndim != 1:
        raise RuntimeError(f"1D tensors expected, but got {input.ndim}D and {other.ndim}D tensors")
    if input.dtype is not other.dtype:
        raise RuntimeError(
            f"dot : expected both vectors to have same dtype, but found "
            f"{input.dtype.legacy_name} and {other.dtype.legacy_name}"
        )
    return matmul(input, other)


@tensor_method()
def vdot(input, other, *, out=None):  # noqa: A002
    """``sum(conj(input) * other)`` of two 1-D tensors (``dot`` for real tensors)."""
    if out is not None:
        return with_out(out, _DOT_OUT, vdot, input, other)
    return dot(input.conj(), other)


@tensor_method()
def outer(input, vec2, *, out=None):  # noqa: A002
    """Outer product of two 1-D tensors: ``input[i] * vec2[j]``."""
    if out is not None:
        return with_out(out, OutRule("mul"), outer, input, vec2)
    for name, t in (("self", input), ("vec2", vec2)):
        if t.ndim != 1:
            raise RuntimeError(f"outer: Expected 1-D argument {name}, but got {t.ndim}-D")
    return P.mul(input.unsqueeze(-1), vec2)


@tensor_method()
def ger(input, vec2, *, out=None):  # noqa: A002
    """Alias of :func:`outer`."""
    if out is not None:
        return with_out(out, OutRule("mul"), ger, input, vec2)
    return outer(input, vec2)


@tensor_method()
def inner(input, other, *, out=None):  # noqa: A002
    """Sum of products over the last dims; a product if either argument is 0-d."""
    if out is not None:
        return with_out(out, _TENSORDOT_OUT, inner, input, other)
    if input.ndim == 0 or other.ndim == 0:
        return P.mul(input, other)
    if input.shape[-1] != other.shape[-1]:
        raise RuntimeError(
            f"inner() the last dimension must match on both input tensors but got "
            f"shapes {_shape(input)} and {_shape(other)}"
        )
    return tensordot(input, other, dims=([-1], [-1]))


def tensordot(a, b, dims=2, out=None):
    """Contract ``a``'s dims ``dims[0]`` with ``b``'s dims ``dims[1]`` (or the last/first
    ``dims`` dims when an int), through one matrix product."""
    if out is not None:
        return with_out(out, _TENSORDOT_OUT, tensordot, a, b, dims)
    if a.dtype is not b.dtype:
        raise RuntimeError("both inputs should have same dtype")
    if isinstance(dims, Tensor):
        dims = dims.item() if dims.numel() == 1 else dims.tolist()
    if isinstance(dims, int):
        if dims < 0:
            raise RuntimeError(f"tensordot expects dims >= 0, but got dims={dims}")
        if dims > min(a.ndim, b.ndim):
            raise RuntimeError(f"tensordot expects dims < ndim_a or ndim_b, but got dims={dims}")
        dims_a, dims_b = list(range(-dims, 0)), list(range(dims))
    else:
        dims_a, dims_b = ([d] if isinstance(d, int) else list(d) for d in dims)
    if len(dims_a) != len(dims_b):
        raise RuntimeError("both dimension lists should have same length")
    ca = [wrap_dim(d, a.ndim) for d in dims_a]
    cb = [wrap_dim(d, b.ndim) for d in dims_b]
    for da, db, ga, gb in zip(ca, cb, dims_a, dims_b):
        if a.shape[da] != b.shape[db]:
            raise RuntimeError(
                f"contracted dimensions need to match, but first has size "
                f"{a.shape[da]} in dim {ga} and second has size {b.shape[db]} in "
                f"dim {gb}"
            )
    free_a = [d for d in range(a.ndim) if d not in ca]
    free_b = [d for d in range(b.ndim) if d not in cb]
    shape_a = [a.shape[d] for d in free_a]
    shape_b = [b.shape[d] for d in free_b]
    k = _prod(a.shape[d] for d in ca)
    left = a.permute(*free_a, *ca).reshape(_prod(shape_a), k)
    right = b.permute(*cb, *free_b).reshape(k, _prod(shape_b))
    return PR._matmul(left, right).reshape(shape_a + shape_b)


# ---------------------------------------------------------------- einsum
def einsum(*args):
    """Einstein summation: ``einsum("ij,jk->ik", a, b)`` (``...`` broadcasts; with no ``->``
    the output is the labels seen once, in alphabetical order). The sublist form
    ``einsum(a, [0, 1], b, [1, 2], [0, 2])`` is accepted too."""
    if not args:
        raise TypeError(
            "einsum(): must specify the equation string and at least one operand, "
            "or at least one operand and its subscripts list"
        )
    if isinstance(args[0], str):
        equation, operands = args[0], list(args[1:])
        if len(operands) == 1 and isinstance(operands[0], (list, tuple)):
            operands = list(operands[0])
    else:
        equation, operands = _sublist_equation(args)
    for i, t in enumerate(operands):
        if not isinstance(t, Tensor):
            raise TypeError(f"einsum(): operand {i} must be a Tensor, got {type(t).__name__}")
    if not operands:
        raise RuntimeError("einsum(): must provide at least one operand")
    for t in operands[1:]:
        if t.dtype is not operands[0].dtype:
            raise RuntimeError(
                f"expected scalar type {operands[0].dtype.legacy_name} "
                f"but found {t.dtype.legacy_name}"
            )
    return PR._einsum(*operands, equation=_explicit_equation(equation, operands))


def _sublist_equation(args):
    def letters(sub):
        out = []
        for s in sub:
            if s is Ellipsis:
                out.append("...")
            elif isinstance(s, int) and 0 <= s < 52:
                out.append(chr(ord("A") + s) if s < 26 else chr(ord("a") + s - 26))
            else:
                raise ValueError(f"einsum(): expected subscript to be in [0, 52) but got {s}")
        return "".join(out)

    operands = list(args[0::2][: len(args) // 2])
    terms = [letters(s) for s in args[1::2][: len(args) // 2]]
    eq = ",".join(terms)
    if len(args) % 2 == 1:
        eq += "->" + letters(args[-1])
    return eq, operands


def _parse_term(term, i, ndim):
    """Labels of operand ``i`` with ``None`` standing for its ellipsis, checked against ndim."""
    body = term.replace("...", "\0")
    if body.count("\0") > 1:
        raise RuntimeError(
            f"einsum(): found '.' for operand {i} for which an ellipsis was already found"
        )
    labels = []
    for c in body:
        if c == "\0":
            labels.append(None)
        elif c == ".":
            raise RuntimeError(
                f"einsum(): found '.' for operand {i} that is not part of any ellipsis"
            )
        elif c not in PR._LETTERS:
            raise RuntimeError(
                "einsum(): invalid subscript given at index "
                f"{term.index(c)} in the equation string, subscripts must be "
                "in [a-zA-Z]"
            )
        else:
            labels.append(c)
    n = len(labels) - (None in labels)
    if None not in labels and n != ndim:
        raise RuntimeError(
            f"einsum(): the number of subscripts in the equation ({n}) does not "
            f"match the number of dimensions ({ndim}) for operand {i} and no "
            "ellipsis was given"
        )
    if n > ndim:
        raise RuntimeError(
            f"einsum(): the number of subscripts in the equation ({n}) is more "
            f"than the number of dimensions ({ndim}) for operand {i}"
        )
    return labels


def _explicit_equation(equation, operands):
    """``equation`` with ellipses spelled out as letters and the output made explicit."""
    eq = equation.replace(" ", "")
    lhs, arrow, rhs = eq.partition("->")
    terms = lhs.split(",")
    if len(terms) > len(operands):
        raise RuntimeError("einsum(): fewer operands were provided than specified in the equation")
    if len(terms) < len(operands):
        raise RuntimeError("einsum(): more operands were provided than specified in the equation")
    parsed = [_parse_term(t, i, op.ndim) for i, (t, op) in enumerate(zip(terms, operands))]
    n_ell = max((op.ndim - len(p) + 1 for p, op in zip(parsed, operands) if None in p), default=0)
    spare = [c for c in PR._LETTERS if c not in eq]
    ell = spare[:n_ell]
    sizes, ell_sizes = {}, [1] * n_ell
    explicit, counts = [], {}
    for i, (labels, op) in enumerate(zip(parsed, operands)):
        k = op.ndim - len(labels) + 1
        own = ell[n_ell - k :] if None in labels else []
        full = []
        for c in labels:
            full.extend(own if c is None else [c])
        for d, (c, size) in enumerate(zip(full, op.shape)):
            if c in own:
                j = n_ell - k + own.index(c)
                if size != 1 and ell_sizes[j] not in (1, size):
                    raise RuntimeError(
                        f"einsum(): dimension {d} covered by ellipsis in operand "
                        f"{i}has size {size} which does not broadcast with "
                        f"previously seen ellipsis with size {ell_sizes[j]} for "
                        "the respective dimension"
                    )
                ell_sizes[j] = max(ell_sizes[j], size)
                continue
            _check_label(c, size, sizes, i, full[:d], op.shape[:d])
            counts[c] = counts.get(c, 0) + 1
        explicit.append("".join(full))
    if arrow:
        out = _output_labels(rhs, ell, counts)
    else:
        out = "".join(ell) + "".join(sorted(c for c, n in counts.items() if n == 1))
    return ",".join(explicit) + "->" + out


def _check_label(c, size, sizes, i, before, before_sizes):
    if c in before:
        prev = before_sizes[before.index(c)]
        if prev != size:
            raise RuntimeError(
                f"einsum(): subscript {c} is repeated for operand {i} but the "
                f"sizes don't match, {size} != {prev}"
            )
        return
    seen = sizes.get(c)
    if seen is not None and size not in (1, seen) and seen != 1:
        raise RuntimeError(
            f"einsum(): subscript {c} has size {size} for operand {i} which does "
            f"not broadcast with previously seen size {seen}"
        )
    sizes[c] = size if seen is None or seen == 1 else seen


def _output_labels(rhs, ell, counts):
    out = []
    body = rhs.replace("...", "\0")
    for c in body:
        if c == "\0":
            out.extend(ell)
        elif c == ".":
            raise RuntimeError("einsum(): found '.' for output that is not part of any ellipsis")
        elif c not in PR._LETTERS:
            raise RuntimeError(
                f"einsum(): invalid subscript given at index {rhs.index(c)} in "
                "the equation string, subscripts must be in [a-zA-Z]"
            )
        elif c in out:
            raise RuntimeError(
                f"einsum(): output subscript {c} appears more than once in the output"
            )
        elif c not in counts:
            raise RuntimeError(
                f"einsum(): output subscript {c} does not appear in the equation "
                "for any input operand"
            )
        else:
            out.append(c)
    return "".join(out)


# ---------------------------------------------------------------- beta * input + alpha * product
def _scaled_sum(input, product, beta, alpha, name):  # noqa: A002
    """``beta * input + alpha * product``, where a zero factor drops its term (NaN included)
    but keeps it in the graph with a zero gradient, as PyTorch does."""
    if input.dtype is not product.dtype:
        raise RuntimeError(
            f"{name}: expected self and mat2 to have the same dtype, but got "
            f"{input.dtype.legacy_name} and {product.dtype.legacy_name}"
        )
    try:
        if broadcast_shapes(input.shape, product.shape) != tuple(product.shape):
            raise ValueError
    except (RuntimeError, ValueError):
        raise _expand_error(input, product) from None
    return P.add(_scaled(product, alpha), _scaled(input, beta))


def _scaled(t, factor):
    if factor == 1:
        return t
    if factor == 0:
        return P.where(scalar_like(True, _dtype.bool, t), 0, t)
    return P.mul(t, factor)


def _expand_error(input, product):  # noqa: A002
    target = product.shape
    n = len(target)
    padded = (1,) * (n - input.ndim) + tuple(input.shape)
    dim = next((d for d in range(n - 1, -1, -1) if padded[d] not in (1, target[d])), n - 1)
    return RuntimeError(
        f"The expanded size of the tensor ({target[dim]}) must match the existing "
        f"size ({padded[dim]}) at non-singleton dimension {dim}.  Target sizes: "
        f"{_shape(product)}.  Tensor sizes: {_shape(input)}"
    )


@tensor_method(inplace=True)
def addmm(input, mat1, mat2, *, beta=1, alpha=1, out=None):  # noqa: A002
    """``beta * input + alpha * (mat1 @ mat2)``."""
    if out is not None:
        return with_out(out, EXACT, addmm, input, mat1, mat2, beta=beta, alpha=alpha)
    for name, t in (("mat1", mat1), ("mat2", mat2)):
        if t.ndim != 2:
            raise RuntimeError(f"{name} must be a matrix, got {t.ndim}-D tensor")
    if input.dtype is not mat2.dtype:
        raise RuntimeError(
            f"self and mat2 must have the same dtype, but got "
            f"{input.dtype.legacy_name} and {mat2.dtype.legacy_name}"
        )
    if beta == 1 and alpha == 1 and _fits_addmm(input, mat1, mat2):
        return PR._addmm(input, mat1, mat2)  # one GEMM and an in-place add (AddmmBackward0)
    return _scaled_sum(input, mm(mat1, mat2), beta, alpha, "addmm")


def _fits_addmm(input, mat1, mat2) -> bool:  # noqa: A002
    """Whether the fused addmm applies; anything else takes the checked path and its errors."""
    if not (mat1.dtype is mat2.dtype and mat1.dtype.category >= 2):
        return False
    if mat1.shape[1] != mat2.shape[0] or input.ndim > 2:
        return False
    shape = (mat1.shape[0], mat2.shape[1])
    return all(n in (1, m) for n, m in zip(reversed(input.shape), reversed(shape)))


@tensor_method(inplace=True)
def addmv(input, mat, vec, *, beta=1, alpha=1, out=None):  # noqa: A002
    """``beta * input + alpha * (mat @ vec)``."""
    if out is not None:
        return with_out(out, EXACT, addmv, input, mat, vec, beta=beta, alpha=alpha)
    if mat.ndim != 2 or vec.ndim != 1:
        raise RuntimeError(
            f"vector + matrix @ vector expected, got {input.ndim}, {mat.ndim}, {vec.ndim}"
        )
    if len({input.dtype, mat.dtype, vec.dtype}) > 1:
        raise RuntimeError(
            f"addmv input tensors must have the same dtype, but got "
            f"{input.dtype.legacy_name}, {mat.dtype.legacy_name}, and {vec.dtype.legacy_name}"
        )
    return _scaled_sum(input, mv(mat, vec), beta, alpha, "addmv")


@tensor_method(inplace=True)
def addr(input, vec1, vec2, *, beta=1, alpha=1, out=None):  # noqa: A002
    """``beta * input + alpha * outer(vec1, vec2)``."""
    if out is not None:
        return with_out(out, CAST, addr, input, vec1, vec2, beta=beta, alpha=alpha)
    for name, t in (("vec1", vec1), ("vec2", vec2)):
        if t.ndim != 1:
            raise RuntimeError(f"addr: Expected 1-D argument {name}, but got {t.ndim}-D")
    if vec1.dtype.category < 2:
        for arg, v in (("beta", beta), ("alpha", alpha)):
            if isinstance(v, float):
                raise RuntimeError(
                    f"For integral input tensors, argument {arg} must not be a "
                    "floating point number."
                )
    return _scaled_sum(input, outer(vec1, vec2), beta, alpha, "addr")


@tensor_method(inplace=True)
def baddbmm(input, batch1, batch2, *, beta=1, alpha=1, out=None):  # noqa: A002
    """``beta * input + alpha * bmm(batch1, batch2)``."""
    if out is not None:
        return with_out(out, EXACT, baddbmm, input, batch1, batch2, beta=beta, alpha=alpha)
    return _scaled_sum(input, bmm(batch1, batch2), beta, alpha, "baddbmm")


@tensor_method(inplace=True)
def addbmm(input, batch1, batch2, *, beta=1, alpha=1, out=None):  # noqa: A002
    """``beta * input + alpha * sum_b batch1[b] @ batch2[b]`` (one matrix product)."""
    if out is not None:
        message = "self and mat2 must have the same dtype, but got {got} and {want}"
        rule = OutRule(check=unless("equal", message), resize_warning=False)
        return with_out(out, rule, addbmm, input, batch1, batch2, beta=beta, alpha=alpha)
    for name, t in (("batch1", batch1), ("batch2", batch2)):
        if t.ndim != 3:
            raise RuntimeError(f"{name} must be a 3D tensor")
    b, n, m = batch1.shape
    if batch2.shape[0] != b:
        raise RuntimeError(
            f"batch1 and batch2 must have same number of batches, got {b} and {batch2.shape[0]}"
        )
    if batch2.shape[1] != m:
        raise RuntimeError(
            f"Incompatible matrix sizes for bmm ({n}x{m} and {batch2.shape[1]}x{batch2.shape[2]})"
        )
    left = batch1.permute(1, 0, 2).reshape(n, b * m)
    product = mm(left, batch2.reshape(b * m, batch2.shape[2]))
    return _scaled_sum(input, product, beta, alpha, "addbmm")


def chain_matmul(*matrices, out=None):
    """Product of 2-D matrices (deprecated in PyTorch for :func:`ember.linalg.multi_dot`)."""
    if out is not None:
        return with_out(out, _MULTI_DOT_OUT, chain_matmul, *matrices)
    _warn_once(
        "chain_matmul",
        "torch.chain_matmul is deprecated and will be removed in a future "
        "PyTorch release. Use torch.linalg.multi_dot instead, which accepts a list of two "
        "or more tensors rather than multiple parameters.",
    )
    if not matrices:
        raise RuntimeError("chain_matmul(): Expected one or more matrices")
    for t in matrices:
        if t.ndim != 2:
            raise RuntimeError(f"Tensor dimension is {t.ndim}, expected 2 instead.")
    if len(matrices) == 1:
        return matrices[0].clone()
    return multi_dot(list(matrices))


_WARNED: set = set()


def _warn_once(key, message):
    """PyTorch's TORCH_WARN_ONCE: a UserWarning the first time only, per process."""
    if key not in _WARNED:
        _WARNED.add(key)
        warnings.warn(message, UserWarning, stacklevel=3)


def multi_dot(tensors, *, out=None):
    """Product of two or more matrices in the cheapest order; the first and last may be 1-D."""
    if out is not None:
        return with_out(out, _MULTI_DOT_OUT, multi_dot, tensors)
    n = len(tensors)
    if n < 2:
        raise RuntimeError(f"multi_dot(): expected at least 2 tensors but got {n}")
    for i, t in enumerate(tensors):
        if i in (0, n - 1):
            if t.ndim not in (1, 2):
                which = "first" if i == 0 else "last"
                raise RuntimeError(
                    f"multi_dot(): the {which} tensor must be 1D or 2D but got {t.ndim}D"
                )
        elif t.ndim != 2:
            raise RuntimeError(f"multi_dot(): tensor {i} must be 2D but got {t.ndim}D")
        if t.dtype is not tensors[0].dtype:
            raise RuntimeError(
                f"multi_dot(): all tensors must have be the same dtype but tensor "
                f"0 is {tensors[0].dtype.legacy_name} and tensor {i} "
                f"{t.dtype.legacy_name}"
            )
    mats = list(tensors)
    if mats[0].ndim == 1:
        mats[0] = mats[0].unsqueeze(0)
    if mats[-1].ndim == 1:
        mats[-1] = mats[-1].unsqueeze(-1)
    for i in range(n - 1):
        if mats[i].shape[1] != mats[i + 1].shape[0]:
            raise RuntimeError(
                f"multi_dot(): tensors {i} and {i + 1} with shapes "
                f"{_shape(mats[i])} and {_shape(mats[i + 1])} cannot be "
                "multiplied"
            )
    result = _chain(mats, _chain_order(mats), 0, n - 1)
    if tensors[0].ndim == 1:
        result = result.squeeze(0)
    if tensors[-1].ndim == 1:
        result = result.squeeze(-1)
    return result


def _chain_order(mats):
    """Matrix-chain dynamic programme: ``split[i][j]`` = best last split of mats[i..j]."""
    n = len(mats)
    dims = [mats[0].shape[0]] + [m.shape[1] for m in mats]
    cost = [[0] * n for _ in range(n)]
    split = [[0] * n for _ in range(n)]
    for length in range(1, n):
        for i in range(n - length):
            j = i + length
            cost[i][j] = None
            for k in range(i, j):
                c = cost[i][k] + cost[k + 1][j] + dims[i] * dims[k + 1] * dims[j + 1]
                if cost[i][j] is None or c < cost[i][j]:
                    cost[i][j], split[i][j] = c, k
    return split


def _chain(mats, split, i, j):
    if i == j:
        return mats[i]
    k = split[i][j]
    return PR._matmul(_chain(mats, split, i, k), _chain(mats, split, k + 1, j))


@tensor_method()
def kron(input, other, *, out=None):  # noqa: A002
    """Kronecker product: blocks ``input[i] * other`` (shapes padded with leading ones)."""
    if out is not None:
        return with_out(out, OutRule("mul"), kron, input, other)
    n = max(input.ndim, other.ndim)
    sa = (1,) * (n - input.ndim) + tuple(input.shape)
    sb = (1,) * (n - other.ndim) + tuple(other.shape)
    a = input.reshape([s for d in sa for s in (d, 1)])
    b = other.reshape([s for d in sb for s in (1, d)])
    return P.mul(a, b).reshape([x * y for x, y in zip(sa, sb)])
