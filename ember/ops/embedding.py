"""Public functions of the embedding family (:mod:`ember.ops.prims.embedding`): the row lookup,
its in-place max-norm renormalization and the per-bag reduction of ``F.embedding_bag``.

They take Tensors whose dtypes and shapes :mod:`ember.nn.functional` has checked, and do the
array work on the indices (range checks with PyTorch's messages, the bag of each position)
through the backend's ``xp``.
"""

from __future__ import annotations

from .._backend import backend_of
from .._tensor import _wrap, type_name
from ..autograd.grad_mode import no_grad
from .indexing import scatter_reduce
from .prims import embedding as E
from .prims.indexing import _index_add, _index_select

__all__ = ["embedding", "embedding_renorm_", "embedding_bag"]


def embedding(
    weight,
    input,  # noqa: A002
    padding_idx: int = -1,
    scale_grad_by_freq: bool = False,
    *,
    max_norm: float | None = None,
    norm_type: float = 2.0,
):
    """``weight[input]``: one row of ``weight`` (num_embeddings, dim) per index of ``input``.

    An index outside ``[0, num_embeddings)`` raises PyTorch's IndexError. The ``padding_idx``
    row (``-1``: none) receives no gradient; ``scale_grad_by_freq`` divides each row's gradient
    by the index's count; ``max_norm`` first renormalizes the looked-up rows in place
    (:func:`embedding_renorm_`).
    """
    idx = input._data
    if idx.size and (int(idx.min()) < 0 or int(idx.max()) >= weight._data.shape[0]):
        raise IndexError("index out of range in self")
    if max_norm is not None:
        embedding_renorm_(weight, input, max_norm, norm_type)
    return E._embedding(
        weight, indices=idx, padding_idx=padding_idx, scale_grad_by_freq=scale_grad_by_freq
    )


def embedding_renorm_(weight, input, max_norm: float, norm_type: float):  # noqa: A002
    """Rescale in place the rows of ``weight`` named in ``input`` whose ``norm_type``-norm
    exceeds ``max_norm`` to norm ``max_norm`` (``torch.embedding_renorm_``; no gradient)."""
    with no_grad():
        E.embedding_renorm_(
            weight, input._data, max_norm=float(max_norm), norm_type=float(norm_type)
        )
    return weight


def _check_bag_indices(idx, offs, offsets, num: int, n: int) -> None:
    """PyTorch's range checks of embedding_bag's indices and offsets."""
    bad = (idx < 0) | (idx >= num)
    if bad.any():
        raise RuntimeError(
            "embedding_bag: Expected idx >= 0 && idx < num_embeddings but found "
            f"idx to be {int(idx[bad][0])}"
        )
    if offs.shape[0]:
        if int(offs[0]) != 0:
            raise RuntimeError(
                "offsets[0] has to be 0, i.e., the first sequence in the "
                "mini-batch has to start from position 0. However, got "
                f"{int(offs[0])}\n[ {type_name(offsets)}{{}} ]"
            )
        if int(offs[-1]) > n:
            raise RuntimeError(
                f"offsets[-1] can not be greater than input's length {n} but got "
                f"offsets[-1] of {int(offs[-1])}"
            )


def embedding_bag(
    weight,
    input,  # noqa: A002
    offsets,
    mode: str,
    per_sample_weights=None,
    include_last_offset: bool = False,
    padding_idx: int = -1,
    scale_grad_by_freq: bool = False,
):
    """Sum, mean or max (``mode``) of the rows of ``weight`` looked up by each bag of the 1-D
    ``input``, bag ``b`` starting at ``offsets[b]`` (``offsets`` None: a 2-D ``input``, one bag
    per row); ``per_sample_weights`` (mode 'sum') scale each row, entries equal to
    ``padding_idx`` (``-1``: none) are left out, an empty bag gives zeros. Gradients come from
    the lookup, index_add and scatter_reduce ops it is built from.
    """
    xp = backend_of(weight._data).xp
    idx = input._data
    if offsets is None:
        rows, size = idx.shape
        idx = idx.reshape(-1)
        offs = xp.arange(rows, dtype=idx.dtype) * size
        if per_sample_weights is not None:
            per_sample_weights = per_sample_weights.reshape(-1)
    else:
        offs = offsets._data
    _check_bag_indices(idx, offs, offsets, weight.shape[0], idx.shape[0])
    n_bags = max(offs.shape[0] - (1 if include_last_offset else 0), 0)
    end = int(offs[n_bags]) if include_last_offset and n_bags else idx.shape[0]
    positions = xp.arange(idx.shape[0])
    bag_of = xp.searchsorted(offs[:n_bags], positions, side="right") - 1
    keep = (positions < end) & (bag_of >= 0)
    if padding_idx >= 0:
        keep &= idx != padding_idx
    kept = positions[keep]
    bag_of = bag_of[keep]
    rows = E._embedding(
        weight, indices=idx[kept], padding_idx=-1, scale_grad_by_freq=scale_grad_by_freq
    )
    out = weight.new_zeros((n_bags, weight.shape[1]))
    if mode == "max":
        index = _wrap(xp.ascontiguousarray(xp.broadcast_to(bag_of[:, None], rows.shape)))
        return scatter_reduce(out, 0, index, rows, "amax", include_self=False)
    if per_sample_weights is not None:
        rows = rows * _index_select(per_sample_weights, index=kept, dim=0).unsqueeze(1)
    out = _index_add(out, rows, index=bag_of, dim=0, alpha=1)
    if mode == "mean":
        counts = xp.bincount(bag_of, minlength=n_bags)[:n_bags]
        out = out / _wrap(xp.maximum(counts, 1).astype(weight._data.dtype)[:, None])
    return out
