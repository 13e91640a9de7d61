"""RoI Align (torchvision.ops.roi_align), from Mask R-CNN (https://arxiv.org/abs/1703.06870).

NOTE [ Separable RoI Align ]
torchvision's kernel averages, over a grid of sampling points in each output bin, the bilinear
interpolation of the feature map. A sample at ``(y, x)`` reads four pixels with weights
``wy(row) * wx(col)``, and is dropped when ``y`` or ``x`` falls outside ``[-1, size]``: the weight
of every pixel is a product of a function of its row and a function of its column. Summed over
the ``gh x gw`` samples of bin ``(ph, pw)``, the output is therefore

    out[k, c, ph, pw] = sum_{h, w} Ay[k, ph, h] * input[b_k, c, h, w] * Ax[k, pw, w] / count_k

with ``Ay[k, ph, h]`` the summed row weights of the bin row's samples (``Ax`` likewise), i.e. two
matrix products per RoI, which run as batched GEMMs on each image's RoIs (cropped to the rows and
columns they touch, in chunks that bound the memory). The weight matrices are built from the
boxes without a gradient (torchvision's RoI ops do not differentiate the boxes); the products are
ordinary ember ops, so the output is differentiable in ``input``, to any order.
"""

from __future__ import annotations

import ember
from ember import nn

from ._utils import as_rois, check_same_type, pair

__all__ = ["RoIAlign", "roi_align"]

_CHUNK_ELEMENTS = 1 << 22  # bound on the largest intermediate of one chunk of RoIs


def _axis_weights(start, end, size: int, pooled: int, sampling_ratio: int, aligned: bool):
    """The summed bilinear weights ``A[k, p, i]`` of the samples of bin ``p`` on pixel ``i`` along
    one axis, and the number of samples per bin along it (torchvision's kernel arithmetic, in the
    boxes' dtype)."""
    offset = 0.5 if aligned else 0.0
    start = start - offset
    length = (end - offset) - start
    if not aligned:
        length = length.clamp(min=1.0)
    bin_size = length / pooled
    if sampling_ratio > 0:
        grid = ember.full_like(length, sampling_ratio).long()
    else:
        grid = ember.ceil(length / pooled).long()
    n_grid = max(int(grid.amax()), 1) if grid.numel() else 1
    k = start.shape[0]
    p = ember.arange(pooled, device=start.device, dtype=start.dtype)
    i = ember.arange(n_grid, device=start.device, dtype=start.dtype)
    grid_f = grid.to(start.dtype)[:, None, None]
    pos = (start[:, None, None] + p[None, :, None] * bin_size[:, None, None]) + (
        (i[None, None, :] + 0.5) * bin_size[:, None, None]
    ) / grid_f  # [K, P, G]
    used = (i[None, None, :] < grid_f) & (pos >= -1.0) & (pos <= size)
    pos = pos.clamp(min=0)
    low = pos.long()
    edge = low >= size - 1
    low = ember.where(edge, size - 1, low)
    high = ember.where(edge, size - 1, low + 1)
    frac = ember.where(edge, 0.0, pos - low.to(pos.dtype)) * used
    rest = (1.0 - frac) * used
    base = (ember.arange(k * pooled, device=start.device) * size).reshape(k, pooled, 1)
    weights = ember.zeros(k * pooled * size, dtype=start.dtype, device=start.device)
    weights.index_add_(0, (base + low).reshape(-1), rest.reshape(-1))
    weights.index_add_(0, (base + high).reshape(-1), frac.reshape(-1))
    return weights.reshape(k, pooled, size), grid


def _span(weights):
    """The first and one-past-last pixel index with a non-zero weight in any RoI and bin."""
    touched = ember.where((weights != 0).any(1).any(0))[0]
    if touched.numel() == 0:
        return 0, 1
    return int(touched[0]), int(touched[-1]) + 1


def _pool_separable(input, rois, ay, ax):
    """``sum_hw ay[k, ph, h] * input[b_k, :, h, w] * ax[k, pw, w]`` per image, in chunks."""
    k, (c, w) = rois.shape[0], (input.shape[1], input.shape[3])
    ph, pw = ay.shape[1], ax.shape[1]
    batch = rois[:, 0].long()
    # image by image, RoIs sorted by y1 so a chunk's RoIs share rows
    by_y = ember.argsort(rois[:, 2], stable=True)
    order = by_y[ember.argsort(batch[by_y], stable=True)]
    per_chunk = max(1, _CHUNK_ELEMENTS // max(1, c * ph * w))
    pieces, positions = [], []
    sorted_batch = batch[order]
    for img in ember.unique(sorted_batch).tolist():
        sel = order[sorted_batch == img]
        x_img = input[img]
        for lo in range(0, sel.shape[0], per_chunk):
            idx = sel[lo : lo + per_chunk]
            a_y, a_x = ay[idx], ax[idx]
            r0, r1 = _span(a_y)
            c0, c1 = _span(a_x)
            a_y, a_x = a_y[:, :, r0:r1], a_x[:, :, c0:c1]
            crop = x_img[:, r0:r1, c0:c1]
            n, hh, ww = idx.shape[0], r1 - r0, c1 - c0
            # rows first, one GEMM for the chunk: (n*ph, hh) @ (hh, C*ww) -> (n, ph*C, ww)
            rows = crop.permute(1, 0, 2).reshape(hh, c * ww)
            t = ember.matmul(a_y.reshape(n * ph, hh), rows).reshape(n, ph * c, ww)
            # then columns, batched over the RoIs: (n, ph*C, ww) @ (n, ww, pw)
            out = ember.matmul(t, a_x.transpose(1, 2))
            out = out.reshape(n, ph, c, pw).permute(0, 2, 1, 3)
            pieces.append(out)
            positions.append(idx)
    out = ember.cat(pieces) if len(pieces) > 1 else pieces[0]
    where = ember.cat(positions) if len(positions) > 1 else positions[0]
    inverse = ember.empty_like(where)
    inverse[where] = ember.arange(k, device=where.device)
    return out[inverse]


def roi_align(
    input,  # noqa: A002
    boxes,
    output_size,
    spatial_scale: float = 1.0,
    sampling_ratio: int = -1,
    aligned: bool = False,
):
    """Performs Region of Interest (RoI) Align operator with average pooling, as described in
    Mask R-CNN.

    Each box is cut into ``output_size`` bins; a bin's value is the average of the bilinear
    interpolations of ``input`` at a regular grid of sampling points inside it.

    Args:
        input (Tensor[N, C, H, W]): the input tensor, i.e. a batch with ``N`` elements, each with
            ``C`` feature maps of dimensions ``H x W``.
        boxes (Tensor[K, 5] or List[Tensor[L, 4]]): the box coordinates in ``(x1, y1, x2, y2)``
            format where the regions will be taken from, with ``0 <= x1 < x2`` and
            ``0 <= y1 < y2``. A single Tensor carries the batch index of each box in its first
            column; a list holds the boxes of each batch element.
        output_size (int or Tuple[int, int]): the size of the output (in bins) after the pooling,
            as (height, width).
        spatial_scale (float): a scaling factor that maps the box coordinates to the input
            coordinates (0.5 for boxes on a 224x224 image and a 112x112 input). Default: 1.0
        sampling_ratio (int): number of sampling points per bin along each axis; if <= 0, an
            adaptive number is used (``ceil(roi_width / output_width)``, likewise for height).
            Default: -1
        aligned (bool): if False, use the legacy implementation; if True, shift the box
            coordinates by -0.5 pixel for a better alignment with the two neighbouring pixel
            indices (as in Detectron2). Default: False

    Returns:
        Tensor[K, C, output_size[0], output_size[1]]: the pooled RoIs, differentiable in
        ``input``.

    Example::

        >>> from ember.vision.ops import roi_align
        >>> x = ember.arange(16.0).reshape(1, 1, 4, 4)
        >>> roi_align(x, [ember.tensor([[0.0, 0.0, 2.0, 2.0]])], output_size=1, aligned=True)
        tensor([[[[2.5000]]]])
    """
    rois = as_rois(boxes)
    out_h, out_w = pair(output_size)
    check_same_type("roi_align_forward_kernel", input, rois)
    c, h, w = input.shape[1:]
    if rois.shape[0] == 0 or input.numel() == 0:
        return ember.zeros((rois.shape[0], c, out_h, out_w), dtype=input.dtype, device=input.device)
    with ember.no_grad():
        r = rois.detach()
        scaled = r[:, 1:] * spatial_scale
        ay, gy = _axis_weights(scaled[:, 1], scaled[:, 3], h, out_h, sampling_ratio, aligned)
        ax, gx = _axis_weights(scaled[:, 0], scaled[:, 2], w, out_w, sampling_ratio, aligned)
        ay = ay / (gy * gx).clamp(min=1).to(ay.dtype)[:, None, None]
    return _pool_separable(input, r, ay, ax)


class RoIAlign(nn.Module):
    """See :func:`roi_align`."""

    def __init__(
        self, output_size, spatial_scale: float, sampling_ratio: int, aligned: bool = False
    ):
        super().__init__()
        self.output_size = output_size
        self.spatial_scale = spatial_scale
        self.sampling_ratio = sampling_ratio
        self.aligned = aligned

    def forward(self, input, rois):  # noqa: A002
        return roi_align(
            input, rois, self.output_size, self.spatial_scale, self.sampling_ratio, self.aligned
        )

    def __repr__(self) -> str:
        return (
            f"{self.__class__.__name__}(output_size={self.output_size}, "
            f"spatial_scale={self.spatial_scale}, sampling_ratio={self.sampling_ratio}, "
            f"aligned={self.aligned})"
        )
