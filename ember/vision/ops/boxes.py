"""Box operations (torchvision.ops.boxes): IoUs, conversions, clipping, non-maximum suppression.

Boxes are ``Tensor[N, 4]`` in ``(x1, y1, x2, y2)`` format unless a function says otherwise. Every
function is vectorised over boxes; the IoU functions are differentiable.

NOTE [ Blocked greedy NMS ]
Greedy NMS walks the boxes in decreasing score and keeps a box unless a box kept before it overlaps
it by more than the threshold, so whether box j survives depends on the survival of every box
before it: the definition is sequential. It is computed here block by block, with no loop over
boxes: the boxes, sorted by score, are cut into blocks of ``_NMS_BLOCK``. A block's boxes are first
tested against the boxes kept in earlier blocks that can overlap them (windows of those boxes
sorted by position, see ``_suppressed_by_kept``); the survivors' fate inside the
block is the unique fixed point of ``keep[j] = candidate[j] and not any(keep[i] and over[i, j]
for i < j)``, a strictly triangular system, found by iterating it from ``keep = candidate``: after
t rounds the first t entries are final, and the iteration stops as soon as a round changes
nothing (usually after a handful of rounds; at most the block's length). The IoU is computed with
the same operations in the same dtype as torchvision's kernel (``inter / (area_i + area_j -
inter)`` compared with ``>``), so the kept set is the kernel's, bit for bit.
"""

from __future__ import annotations

import ember

__all__ = [
    "batched_nms",
    "box_area",
    "box_convert",
    "box_iou",
    "clip_boxes_to_image",
    "complete_box_iou",
    "distance_box_iou",
    "generalized_box_iou",
    "masks_to_boxes",
    "nms",
    "remove_small_boxes",
]

_NMS_BLOCK = 256
_DENSE_BELOW = 64  # kept boxes compared all at once below this many


def _upcast(t):
    """Protect against overflow: half floats become float32, small integers int32."""
    if t.is_floating_point():
        return t if t.dtype in (ember.float32, ember.float64) else t.float()
    return t if t.dtype in (ember.int32, ember.int64) else t.int()


def _check_nms_args(boxes, scores):
    if boxes.dim() != 2:
        raise RuntimeError(f"boxes should be a 2d tensor, got {boxes.dim()}D")
    if boxes.shape[1] != 4:
        raise RuntimeError(f"boxes should have 4 elements in dimension 1, got {boxes.shape[1]}")
    if scores.dim() != 1:
        raise RuntimeError(f"scores should be a 1d tensor, got {scores.dim()}D")
    if boxes.shape[0] != scores.shape[0]:
        raise RuntimeError(
            "boxes and scores should have same number of elements in dimension 0, got "
            f"{boxes.shape[0]} and {scores.shape[0]}"
        )
    if boxes.dtype != scores.dtype:
        raise RuntimeError("dets should have the same type as scores")


_TYPE_NAMES = {
    "int64": "Long",
    "int32": "Int",
    "int16": "Short",
    "int8": "Char",
    "uint8": "Byte",
    "bool": "Bool",
    "float16": "Half",
    "bfloat16": "BFloat16",
}


def _iou_above(a, b, threshold):
    """``IoU(a, b) > threshold`` elementwise; ``a`` and ``b`` are ``(x1, y1, x2, y2, area)``
    columns that broadcast, in torchvision's kernel arithmetic (``a`` is the higher-scoring)."""
    w = (ember.minimum(a[2], b[2]) - ember.maximum(a[0], b[0])).clamp(min=0)
    h = (ember.minimum(a[3], b[3]) - ember.maximum(a[1], b[1])).clamp(min=0)
    inter = w * h
    return inter / (a[4] + b[4] - inter) > threshold


def _kept_index(kept, blk, threshold: float):
    """The kept boxes sorted by (row, x1) for window searches, or None when a dense comparison
    is as cheap (few boxes, or a negative threshold, where even disjoint boxes suppress each
    other). A row is as high as the highest box of ``kept`` and ``blk``, so a block box's
    y-range meets at most four rows."""
    x1, y1, x2, y2 = kept[:4]
    if threshold < 0 or x1.shape[0] < _DENSE_BELOW:
        return None
    wmax = float((x2 - x1).amax().clamp(min=0))
    hmax = float((y2 - y1).amax().clamp(min=0))
    cell_h = max(hmax, float((blk[3] - blk[1]).amax()))
    x0, y0 = float(x1.amin()), float(y1.amin())
    span = float(x1.amax()) - x0 + 1.0
    cell = max(cell_h, 1e-6 * (abs(y0) + 1.0))
    keys = ember.floor((y1.double() - y0) / cell) * (2 * span) + (x1.double() - x0)
    order = ember.argsort(keys, stable=True)
    feats = ember.stack([c[order] for c in kept[:5]])
    groups = None if kept[5] is None else kept[5][order]
    return keys[order], feats, groups, (x0, y0, span, cell, wmax, hmax)


def _suppressed_by_kept(kept, index, blk, threshold):
    """Which boxes of the block ``blk`` a box of ``kept`` (higher scoring) suppresses.

    Both are columns ``(x1, y1, x2, y2, area, group or None)``. With ``IoU > t >= 0`` the boxes'
    horizontal overlap exceeds ``t`` times either width (the vertical overlap being at most
    either height), so kept box i can suppress block box j only if
    ``x1_j - (1 - t) * w_i < x1_i < x2_j - t * w_j``, and likewise in y. ``index`` holds the kept
    boxes sorted by (row of height ``max h``, x1): block box j's candidates are one window of
    that order per row its y-range meets (at most four), found by binary search (widened for
    rounding) and gathered padded to the longest window.
    """
    mine = [c[:, None, None] for c in blk[:5]]
    if index is None:
        over = _iou_above([c[None, None, :] for c in kept[:5]], mine, threshold)
        if blk[5] is not None:
            over = over & (kept[5][None, None, :] == blk[5][:, None, None])
        return over.any(2).any(1)
    keys, feats, groups, (x0, y0, span, cell, wmax, hmax) = index
    bx1, by1, bx2, by2 = (c.double() for c in blk[:4])
    slack = max(1.0 - threshold, 0.0)
    mx = 1e-5 * (bx1.abs() + bx2.abs() + wmax + 1.0)
    my = 1e-5 * (by1.abs() + by2.abs() + hmax + 1.0)
    x_lo = (bx1 - slack * wmax - mx - x0).clamp(min=-0.5)
    x_hi = (bx2 - threshold * (bx2 - bx1).clamp(min=0) + mx - x0).clamp(max=span + 0.5)
    row_lo = ember.floor((by1 - slack * hmax - my - y0) / cell)
    row_hi = ember.floor((by2 - threshold * (by2 - by1).clamp(min=0) + my - y0) / cell)
    rows = row_lo[:, None] + ember.arange(
        max(1, int((row_hi - row_lo).amax()) + 1), device=keys.device
    )
    base = rows * (2 * span)
    lo = ember.searchsorted(keys, base + x_lo[:, None], side="right")
    hi = ember.searchsorted(keys, base + x_hi[:, None], side="left")
    count = ember.where(rows <= row_hi[:, None], hi - lo, 0).clamp(min=0)
    width = int(count.amax())
    if width == 0:
        return ember.zeros(blk[0].shape[0], dtype=ember.bool, device=keys.device)
    # window w of row r of box j: sorted kept boxes lo[j, r] + w (a sliding-window view)
    pad = ember.zeros((feats.shape[0], width), dtype=feats.dtype, device=feats.device)
    near = ember.cat([feats, pad], 1).unfold(1, width, 1)[:, lo]  # [5, B, R, width]
    valid = ember.arange(width, device=keys.device) < count[..., None]
    over = _iou_above(near, mine, threshold) & valid
    if groups is not None:
        gpad = ember.cat([groups, groups.new_zeros(width)]).unfold(0, width, 1)[lo]
        over = over & (gpad == blk[5][:, None, None])
    return over.any(2).any(1)


def _greedy_nms(boxes, scores, iou_threshold: float, groups=None):
    """Indices of the boxes kept by greedy NMS, in decreasing score; boxes of different
    ``groups`` never suppress each other (NOTE [ Blocked greedy NMS ])."""
    if boxes.dtype not in (ember.float32, ember.float64):
        name = _TYPE_NAMES.get(str(boxes.dtype).rsplit(".", 1)[-1], str(boxes.dtype))
        raise RuntimeError(f"\"nms_kernel\" not implemented for '{name}'")
    n = boxes.shape[0]
    if n == 0:
        return ember.empty((0,), dtype=ember.int64, device=boxes.device)
    with ember.no_grad():
        order = ember.argsort(scores.detach(), descending=True, stable=True)
        cols = [c.contiguous() for c in boxes.detach()[order].unbind(1)]
        cols.append((cols[2] - cols[0]) * (cols[3] - cols[1]))
        cols.append(None if groups is None else groups.detach()[order])
        kept = None  # the kept boxes' columns
        kept_pos = []  # their positions in the score order
        for start in range(0, n, _NMS_BLOCK):
            stop = min(start + _NMS_BLOCK, n)
            blk = [None if c is None else c[start:stop] for c in cols]
            candidate = ember.ones(stop - start, dtype=ember.bool, device=boxes.device)
            if kept is not None:
                index = _kept_index(kept, blk, iou_threshold)
                candidate = ~_suppressed_by_kept(kept, index, blk, iou_threshold)
            # within the block: over[i, j] (i < j) when box i would suppress box j
            over = _iou_above(
                [c[:, None] for c in blk[:5]], [c[None] for c in blk[:5]], iou_threshold
            )
            if blk[5] is not None:
                over = over & (blk[5][:, None] == blk[5][None, :])
            over = (over & ember.ones_like(over).triu(1)).to(boxes.dtype)
            candidate = candidate.to(boxes.dtype)[None, :]
            keep = candidate
            while True:
                new = candidate * (ember.matmul(keep, over) == 0)
                if ember.equal(new, keep):
                    break
                keep = new
            idx = ember.where(keep[0] > 0)[0]
            if idx.numel():
                kept_pos.append(idx + start)
                new_cols = [None if c is None else c[idx] for c in blk]
                if kept is not None:
                    new_cols = [
                        None if c is None else ember.cat([k, c]) for k, c in zip(kept, new_cols)
                    ]
                kept = new_cols
        return order[ember.cat(kept_pos)]


def nms(boxes, scores, iou_threshold: float):
    """Performs non-maximum suppression (NMS) on the boxes according to their
    intersection-over-union (IoU).

    NMS iteratively removes lower scoring boxes which have an IoU greater than ``iou_threshold``
    with another (higher scoring) box kept before them. Boxes of equal score are visited in
    their original order.

    Args:
        boxes (Tensor[N, 4]): boxes to perform NMS on, in ``(x1, y1, x2, y2)`` format with
            ``0 <= x1 < x2`` and ``0 <= y1 < y2``.
        scores (Tensor[N]): scores for each one of the boxes.
        iou_threshold (float): discards all overlapping boxes with IoU > iou_threshold.

    Returns:
        Tensor: int64 tensor with the indices of the elements that have been kept by NMS,
        sorted in decreasing order of scores.

    Example::

        >>> from ember.vision.ops import nms
        >>> boxes = ember.tensor([[0.0, 0, 10, 10], [1, 1, 11, 11], [20, 20, 30, 30]])
        >>> nms(boxes, ember.tensor([0.9, 0.8, 0.7]), 0.5)
        tensor([0, 2])
    """
    _check_nms_args(boxes, scores)
    return _greedy_nms(boxes, scores, float(iou_threshold))


def batched_nms(boxes, scores, idxs, iou_threshold: float):
    """Performs non-maximum suppression in a batched fashion.

    Each index value corresponds to a category, and NMS is not applied between elements of
    different categories.

    Args:
        boxes (Tensor[N, 4]): boxes where NMS will be performed, in ``(x1, y1, x2, y2)`` format
            with ``0 <= x1 < x2`` and ``0 <= y1 < y2``.
        scores (Tensor[N]): scores for each one of the boxes.
        idxs (Tensor[N]): indices of the categories for each one of the boxes.
        iou_threshold (float): discards all overlapping boxes with IoU > iou_threshold.

    Returns:
        Tensor: int64 tensor with the indices of the elements that have been kept by NMS,
        sorted in decreasing order of scores.
    """
    if boxes.numel() == 0:
        return ember.empty((0,), dtype=ember.int64, device=boxes.device)
    _check_nms_args(boxes, scores)
    return _greedy_nms(boxes, scores, float(iou_threshold), idxs)


def remove_small_boxes(boxes, min_size: float):
    """Remove every box from ``boxes`` which has at least one side length smaller than
    ``min_size``.

    Args:
        boxes (Tensor[N, 4]): boxes in ``(x1, y1, x2, y2)`` format with ``0 <= x1 < x2`` and
            ``0 <= y1 < y2``.
        min_size (float): minimum size.

    Returns:
        Tensor[K]: indices of the boxes that have both sides larger than ``min_size``.
    """
    ws, hs = boxes[:, 2] - boxes[:, 0], boxes[:, 3] - boxes[:, 1]
    return ember.where((ws >= min_size) & (hs >= min_size))[0]


def clip_boxes_to_image(boxes, size: tuple[int, int]):
    """Clip boxes so that they lie inside an image of size ``size``.

    Args:
        boxes (Tensor[..., 4]): boxes in ``(x1, y1, x2, y2)`` format.
        size (Tuple[height, width]): size of the image.

    Returns:
        Tensor[..., 4]: clipped boxes.
    """
    height, width = size
    xs = boxes[..., 0::2].clamp(min=0, max=width)
    ys = boxes[..., 1::2].clamp(min=0, max=height)
    return ember.stack((xs, ys), dim=boxes.dim()).reshape(boxes.shape)


def box_convert(boxes, in_fmt: str, out_fmt: str):
    """Converts boxes from ``in_fmt`` to ``out_fmt``.

    Supported formats: ``'xyxy'`` (corners x1, y1 top left and x2, y2 bottom right; the format
    the other box functions expect), ``'xywh'`` (top-left corner, width and height) and
    ``'cxcywh'`` (centre, width and height).

    Args:
        boxes (Tensor[N, 4]): boxes which will be converted.
        in_fmt (str): input format of the boxes.
        out_fmt (str): output format of the boxes.

    Returns:
        Tensor[N, 4]: boxes in the converted format.

    Example::

        >>> from ember.vision.ops import box_convert
        >>> box_convert(ember.tensor([[1.0, 2.0, 4.0, 8.0]]), "xyxy", "cxcywh")
        tensor([[2.5000, 5.0000, 3.0000, 6.0000]])
    """
    allowed = ("xyxy", "xywh", "cxcywh")
    if in_fmt not in allowed or out_fmt not in allowed:
        raise ValueError("Unsupported Bounding Box Conversions for given in_fmt and out_fmt")
    if in_fmt == out_fmt:
        return boxes.clone()
    a, b, c, d = boxes.unbind(-1)
    if in_fmt == "xywh":
        a, b, c, d = a, b, a + c, b + d
    elif in_fmt == "cxcywh":
        a, b, c, d = a - 0.5 * c, b - 0.5 * d, a + 0.5 * c, b + 0.5 * d
    if out_fmt == "xywh":
        a, b, c, d = a, b, c - a, d - b
    elif out_fmt == "cxcywh":
        a, b, c, d = (a + c) / 2, (b + d) / 2, c - a, d - b
    return ember.stack((a, b, c, d), dim=-1)


def box_area(boxes):
    """Computes the area of a set of bounding boxes given by their ``(x1, y1, x2, y2)``
    coordinates.

    Args:
        boxes (Tensor[N, 4]): boxes for which the area will be computed, with ``0 <= x1 < x2``
            and ``0 <= y1 < y2``.

    Returns:
        Tensor[N]: the area for each box.
    """
    boxes = _upcast(boxes)
    return (boxes[:, 2] - boxes[:, 0]) * (boxes[:, 3] - boxes[:, 1])


def _pairwise_extent(boxes1, boxes2, inner: bool):
    """Width and height ``[N, M]`` of each pair's intersection (``inner``) or enclosing box,
    clamped at 0; computed coordinate by coordinate (the broadcast stays contiguous)."""
    near, far = (ember.maximum, ember.minimum) if inner else (ember.minimum, ember.maximum)
    sides = []
    for lo, hi in ((0, 2), (1, 3)):
        extent = far(boxes1[:, None, hi], boxes2[None, :, hi]) - near(
            boxes1[:, None, lo], boxes2[None, :, lo]
        )
        sides.append(_upcast(extent).clamp(min=0))
    return sides


def _box_inter_union(boxes1, boxes2):
    area1, area2 = box_area(boxes1), box_area(boxes2)
    w, h = _pairwise_extent(boxes1, boxes2, inner=True)
    inter = w * h
    return inter, area1[:, None] + area2 - inter


def box_iou(boxes1, boxes2):
    """Return intersection-over-union (Jaccard index) between two sets of boxes.

    Both sets of boxes are expected to be in ``(x1, y1, x2, y2)`` format with
    ``0 <= x1 < x2`` and ``0 <= y1 < y2``.

    Args:
        boxes1 (Tensor[N, 4]): first set of boxes.
        boxes2 (Tensor[M, 4]): second set of boxes.

    Returns:
        Tensor[N, M]: the pairwise IoU values for every element in boxes1 and boxes2.

    Example::

        >>> from ember.vision.ops import box_iou
        >>> box_iou(ember.tensor([[0.0, 0, 2, 2]]), ember.tensor([[1.0, 1, 3, 3], [0, 0, 2, 2]]))
        tensor([[0.1429, 1.0000]])
    """
    inter, union = _box_inter_union(boxes1, boxes2)
    return inter / union


def generalized_box_iou(boxes1, boxes2):
    """Return generalized intersection-over-union (https://giou.stanford.edu/) between two sets
    of boxes: ``IoU - (C - union) / C`` with ``C`` the area of the smallest enclosing box.

    Both sets of boxes are expected to be in ``(x1, y1, x2, y2)`` format with
    ``0 <= x1 < x2`` and ``0 <= y1 < y2``.

    Args:
        boxes1 (Tensor[N, 4]): first set of boxes.
        boxes2 (Tensor[M, 4]): second set of boxes.

    Returns:
        Tensor[N, M]: the pairwise generalized IoU values.
    """
    inter, union = _box_inter_union(boxes1, boxes2)
    iou = inter / union
    w, h = _pairwise_extent(boxes1, boxes2, inner=False)
    area = w * h
    return iou - (area - union) / area


def _box_diou_iou(boxes1, boxes2, eps: float):
    iou = box_iou(boxes1, boxes2)
    w, h = _pairwise_extent(boxes1, boxes2, inner=False)
    diagonal_sq = w**2 + h**2 + eps
    xp, yp = (boxes1[:, 0] + boxes1[:, 2]) / 2, (boxes1[:, 1] + boxes1[:, 3]) / 2
    xg, yg = (boxes2[:, 0] + boxes2[:, 2]) / 2, (boxes2[:, 1] + boxes2[:, 3]) / 2
    centers_sq = _upcast(xp[:, None] - xg[None, :]) ** 2 + _upcast(yp[:, None] - yg[None, :]) ** 2
    return iou - centers_sq / diagonal_sq, iou


def distance_box_iou(boxes1, boxes2, eps: float = 1e-7):
    """Return distance intersection-over-union (https://arxiv.org/abs/1911.08287) between two
    sets of boxes: the IoU less the squared distance of the centres over the squared diagonal of
    the smallest enclosing box.

    Args:
        boxes1 (Tensor[N, 4]): first set of boxes, ``(x1, y1, x2, y2)``.
        boxes2 (Tensor[M, 4]): second set of boxes, ``(x1, y1, x2, y2)``.
        eps (float): small number to prevent division by zero. Default: 1e-7

    Returns:
        Tensor[N, M]: the pairwise distance IoU values.
    """
    diou, _ = _box_diou_iou(_upcast(boxes1), _upcast(boxes2), eps)
    return diou


def complete_box_iou(boxes1, boxes2, eps: float = 1e-7):
    """Return complete intersection-over-union (https://arxiv.org/abs/1911.08287) between two
    sets of boxes: the distance IoU less ``alpha * v``, ``v`` measuring the difference of the
    aspect ratios and ``alpha = v / (1 - IoU + v + eps)`` (not differentiated).

    Args:
        boxes1 (Tensor[N, 4]): first set of boxes, ``(x1, y1, x2, y2)``.
        boxes2 (Tensor[M, 4]): second set of boxes, ``(x1, y1, x2, y2)``.
        eps (float): small number to prevent division by zero. Default: 1e-7

    Returns:
        Tensor[N, M]: the pairwise complete IoU values.
    """
    boxes1, boxes2 = _upcast(boxes1), _upcast(boxes2)
    diou, iou = _box_diou_iou(boxes1, boxes2, eps)
    w_pred = boxes1[:, None, 2] - boxes1[:, None, 0]
    h_pred = boxes1[:, None, 3] - boxes1[:, None, 1]
    w_gt, h_gt = boxes2[:, 2] - boxes2[:, 0], boxes2[:, 3] - boxes2[:, 1]
    v = (4 / (ember.pi**2)) * (ember.atan(w_pred / h_pred) - ember.atan(w_gt / h_gt)) ** 2
    with ember.no_grad():
        alpha = v / (1 - iou + v + eps)
    return diou - alpha * v


def masks_to_boxes(masks):
    """Compute the bounding boxes around the provided masks.

    Args:
        masks (Tensor[N, H, W]): masks to transform, non-zero where the object is.

    Returns:
        Tensor[N, 4]: float boxes in ``(x1, y1, x2, y2)`` format with ``0 <= x1 <= x2`` and
        ``0 <= y1 <= y2`` (equal for a mask one row or column wide).
    """
    if masks.numel() == 0:
        return ember.zeros((0, 4), device=masks.device, dtype=ember.float)
    n, h, w = masks.shape
    on = masks != 0
    rows, cols = on.any(2), on.any(1)
    ys = ember.arange(h, device=masks.device, dtype=ember.float)
    xs = ember.arange(w, device=masks.device, dtype=ember.float)
    big = float(max(h, w))
    y1 = ember.where(rows, ys, big).amin(1)
    y2 = ember.where(rows, ys, -1.0).amax(1)
    x1 = ember.where(cols, xs, big).amin(1)
    x2 = ember.where(cols, xs, -1.0).amax(1)
    return ember.stack((x1, y1, x2, y2), dim=1)
