"""RoI max pooling (torchvision.ops.roi_pool), from Fast R-CNN (https://arxiv.org/abs/1504.08083).

The box corners are rounded to pixels; each output bin takes the maximum over its window of the
feature map (zero for an empty window). A chunk of RoIs (sorted by window size, so the
chunk's windows are alike) is reduced in one pass over the window offsets, all RoIs, bins and
channels at once; the maximum's gradient goes to the first maximal pixel in row-major order, as
torchvision's kernel's argmax.
"""

from __future__ import annotations

import ember
from ember import nn

from ._utils import as_rois, check_same_type, pair

__all__ = ["RoIPool", "roi_pool"]

_CHUNK_ELEMENTS = 1 << 22
_FLT_MAX = 3.4028234663852886e38


def _round_half_away(x):
    return ember.sign(x) * ember.floor(x.abs() + 0.5)


def _bins(start, end, size: int, pooled: int, dtype):
    """Window ``[lo, hi)`` of each bin along one axis, clipped to ``[0, size]``: ``[K, P]``."""
    length = (end - start + 1).clamp(min=1)
    bin_size = length.to(dtype) / pooled
    p = ember.arange(pooled, device=start.device, dtype=dtype)
    lo = ember.floor(p[None, :] * bin_size[:, None]).long() + start[:, None]
    hi = ember.ceil((p[None, :] + 1) * bin_size[:, None]).long() + start[:, None]
    return lo.clamp(0, size), hi.clamp(0, size)


def roi_pool(input, boxes, output_size, spatial_scale: float = 1.0):  # noqa: A002
    """Performs Region of Interest (RoI) Pool operator described in Fast R-CNN.

    Args:
        input (Tensor[N, C, H, W]): the input tensor, i.e. a batch with ``N`` elements, each with
            ``C`` feature maps of dimensions ``H x W``.
        boxes (Tensor[K, 5] or List[Tensor[L, 4]]): the box coordinates in ``(x1, y1, x2, y2)``
            format where the regions will be taken from, with ``0 <= x1 < x2`` and
            ``0 <= y1 < y2``. A single Tensor carries the batch index of each box in its first
            column; a list holds the boxes of each batch element.
        output_size (int or Tuple[int, int]): the size of the output after the cropping is
            performed, as (height, width).
        spatial_scale (float): a scaling factor that maps the box coordinates to the input
            coordinates. Default: 1.0

    Returns:
        Tensor[K, C, output_size[0], output_size[1]]: the pooled RoIs, differentiable in
        ``input``.

    Example::

        >>> from ember.vision.ops import roi_pool
        >>> x = ember.arange(16.0).reshape(1, 1, 4, 4)
        >>> roi_pool(x, [ember.tensor([[0.0, 0.0, 3.0, 3.0]])], output_size=2)
        tensor([[[[ 5.,  7.],
                  [13., 15.]]]])
    """
    rois = as_rois(boxes)
    out_h, out_w = pair(output_size)
    check_same_type("roi_pool_forward_kernel", input, rois)
    k = rois.shape[0]
    c, h, w = input.shape[1:]
    if k == 0 or input.numel() == 0:
        return ember.zeros((k, c, out_h, out_w), dtype=input.dtype, device=input.device)
    with ember.no_grad():
        r = rois.detach()
        corner = _round_half_away(r[:, 1:] * spatial_scale).long()
        h0, h1 = _bins(corner[:, 1], corner[:, 3], h, out_h, input.dtype)
        w0, w1 = _bins(corner[:, 0], corner[:, 2], w, out_w, input.dtype)
        bh = (h1 - h0).clamp(min=0).amax(1)
        bw = (w1 - w0).clamp(min=0).amax(1)
        batch = r[:, 0].long()
        by_size = ember.argsort(bh * bw, stable=True)
        order = by_size[ember.argsort(batch[by_size], stable=True)]
    pieces, positions = [], []
    sorted_batch = batch[order]
    for img in ember.unique(sorted_batch).tolist():
        sel = order[sorted_batch == img]
        x_img = input[img]
        per_chunk = max(1, _CHUNK_ELEMENTS // max(1, c * out_h * out_w))
        for start in range(0, sel.shape[0], per_chunk):
            idx = sel[start : start + per_chunk]
            pieces.append(_pool_chunk(x_img, h0[idx], h1[idx], w0[idx], w1[idx]))
            positions.append(idx)
    out = ember.cat(pieces) if len(pieces) > 1 else pieces[0]
    where = ember.cat(positions) if len(positions) > 1 else positions[0]
    inverse = ember.empty_like(where)
    inverse[where] = ember.arange(k, device=where.device)
    return out[inverse]


def _pool_chunk(x, h0, h1, w0, w1):
    """Max over the windows ``[h0, h1) x [w0, w1)`` of one image ``x`` (C, H, W) for a chunk of
    RoIs: ``[n, C, PH, PW]``.

    Without a gradient to record, the maximum is a running ``fmax`` over the window offsets
    (offsets past a window's end re-read its last row or column, which leaves the maximum
    unchanged; ``fmax`` skips NaN as the kernel's comparisons do). With one, the offsets are
    visited in row-major order with a strict ``>``, as torchvision's kernel scans (from
    ``-FLT_MAX``), which fixes the argmax among equal values; the output is then gathered at the
    argmax, so its gradient goes there.
    """
    c, height, width = x.shape
    n, ph = h0.shape
    pw = w0.shape[1]
    differentiable = x.requires_grad and ember.is_grad_enabled()
    with ember.no_grad():
        plane = x.detach().reshape(c, height * width)
        best = ember.full((c, n, ph, pw), -_FLT_MAX, dtype=x.dtype, device=x.device)
        arg = ember.full((c, n, ph, pw), -1, dtype=ember.int64, device=x.device)
        last_row = (h1 - 1).clamp(min=0, max=height - 1)
        last_col = (w1 - 1).clamp(min=0, max=width - 1)
        col_ok, col_at = [], []
        for j in range(max(1, int((w1 - w0).amax()))):
            col_ok.append(((w0 + j) < w1)[:, None, :])
            col_at.append(ember.minimum(w0 + j, last_col).clamp(min=0)[:, None, :])
        for i in range(max(1, int((h1 - h0).amax()))):
            row_ok = ((h0 + i) < h1)[:, :, None]
            row_at = ember.minimum(h0 + i, last_row).clamp(min=0)[:, :, None] * width
            for ok, at in zip(col_ok, col_at):
                pos = row_at + at  # [n, PH, PW]
                value = plane[:, pos]
                if not differentiable:
                    best = ember.fmax(best, value)
                    continue
                better = (value > best) & (row_ok & ok)
                best = ember.where(better, value, best)
                arg = ember.where(better, pos, arg)
        empty = ((h1 <= h0)[:, :, None] | (w1 <= w0)[:, None, :])[None]
        fill = ember.where(empty, ember.zeros((), dtype=x.dtype, device=x.device), -_FLT_MAX)
        if not differentiable:  # nothing above -FLT_MAX: the kernel's -FLT_MAX (0 when empty)
            best = ember.where(best > -_FLT_MAX, best, -_FLT_MAX)
            return ember.where(empty, fill, best).permute(1, 0, 2, 3)
    value = x.reshape(c, height * width).gather(1, arg.clamp(min=0).reshape(c, -1))
    value = ember.where(arg >= 0, value.reshape(c, n, ph, pw), fill)
    return value.permute(1, 0, 2, 3)


class RoIPool(nn.Module):
    """See :func:`roi_pool`."""

    def __init__(self, output_size, spatial_scale: float):
        super().__init__()
        self.output_size = output_size
        self.spatial_scale = spatial_scale

    def forward(self, input, rois):  # noqa: A002
        return roi_pool(input, rois, self.output_size, self.spatial_scale)

    def __repr__(self) -> str:
        return (
            f"{self.__class__.__name__}(output_size={self.output_size}, "
            f"spatial_scale={self.spatial_scale})"
        )
