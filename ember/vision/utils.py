"""ember.vision.utils (``torchvision.utils``): image grids, saving, and drawing boxes and masks.

``make_grid`` works on any tensors; the others need Pillow (``pip install 'ember[vision]'``),
imported on first use.
"""

from __future__ import annotations

import math
import warnings

import numpy as np

import ember

from .io._pil import array_to_pil, pil_module

__all__ = ["draw_bounding_boxes", "draw_segmentation_masks", "make_grid", "save_image"]


@ember.no_grad()
def make_grid(
    tensor,
    nrow: int = 8,
    padding: int = 2,
    normalize: bool = False,
    value_range=None,
    scale_each: bool = False,
    pad_value: float = 0.0,
    **kwargs,
):
    """Lay a batch of images out as one image: a grid with ``nrow`` images per row.

    Args:
        tensor: a (B, C, H, W) tensor, or a list of (C, H, W) tensors of one size. A single
            (C, H, W) or (H, W) image is returned as it is (normalized if asked); single-channel
            images are repeated to 3 channels.
        nrow: images per row; the grid has ``ceil(B / nrow)`` rows. Default: 8.
        padding: pixels between images and around the grid. Default: 2.
        normalize: shift the values to [0, 1] using ``value_range`` (min, max), or the
            tensor's min and max, clamping outside values. Default: False.
        value_range: the (min, max) tuple for ``normalize``.
        scale_each: normalize each image by its own min and max. Default: False.
        pad_value: the value of the padding pixels. Default: 0.

    Returns:
        A (C, H', W') tensor holding the grid.

    >>> import ember
    >>> make_grid(ember.ones(5, 3, 4, 4), nrow=2, padding=1).shape
    ember.Size([3, 16, 11])
    """
    if not isinstance(tensor, ember.Tensor):
        if isinstance(tensor, list):
            for t in tensor:
                if not isinstance(t, ember.Tensor):
                    raise TypeError(
                        f"tensor or list of tensors expected, got a list containing {type(t)}"
                    )
        else:
            raise TypeError(f"tensor or list of tensors expected, got {type(tensor)}")
    if "range" in kwargs:
        warnings.warn("range will be deprecated, please use value_range instead.", stacklevel=2)
        value_range = kwargs["range"]
    if isinstance(tensor, list):
        tensor = ember.stack(tensor, dim=0)
    if tensor.dim() == 2:  # a single H x W image
        tensor = tensor.unsqueeze(0)
    if tensor.dim() == 3:  # a single image
        if tensor.size(0) == 1:
            tensor = ember.cat((tensor, tensor, tensor), 0)
        tensor = tensor.unsqueeze(0)
    if tensor.dim() == 4 and tensor.size(1) == 1:  # single-channel images
        tensor = ember.cat((tensor, tensor, tensor), 1)

    if normalize is True:
        tensor = tensor.clone()  # normalized in place below: never the caller's tensor
        if value_range is not None and not isinstance(value_range, tuple):
            raise TypeError(
                "value_range has to be a tuple (min, max) if specified. min and max are numbers"
            )

        def norm_ip(img, low, high):
            img.clamp_(min=low, max=high)
            img.sub_(low).div_(max(high - low, 1e-5))

        def norm_range(t):
            if value_range is not None:
                norm_ip(t, value_range[0], value_range[1])
            else:
                norm_ip(t, float(t.min()), float(t.max()))

        if scale_each is True:
            for t in tensor:  # each image of the batch on its own
                norm_range(t)
        else:
            norm_range(tensor)

    if tensor.size(0) == 1:
        return tensor.squeeze(0)

    nmaps = tensor.size(0)
    xmaps = min(nrow, nmaps)
    ymaps = int(math.ceil(float(nmaps) / xmaps))
    height, width = int(tensor.size(2) + padding), int(tensor.size(3) + padding)
    num_channels = tensor.size(1)
    grid = tensor.new_full(
        (num_channels, height * ymaps + padding, width * xmaps + padding), pad_value
    )
    k = 0
    for y in range(ymaps):
        for x in range(xmaps):
            if k >= nmaps:
                break
            cell = grid.narrow(1, y * height + padding, height - padding)
            cell.narrow(2, x * width + padding, width - padding).copy_(tensor[k])
            k += 1
    return grid


@ember.no_grad()
def save_image(tensor, fp, format: str | None = None, **kwargs) -> None:
    """Save a tensor (or a batch, as a :func:`make_grid` grid) as an image file with Pillow.

    Values are taken to lie in [0, 1]: they are scaled by 255, rounded to the nearest integer
    and clamped to [0, 255]. ``fp`` is a path or a binary file object; ``format`` (e.g.
    ``"PNG"``) is needed for a file object, and otherwise read from the file name.
    ``kwargs`` go to :func:`make_grid`.
    """
    grid = make_grid(tensor, **kwargs)
    ndarr = grid.mul(255).add_(0.5).clamp_(0, 255).permute(1, 2, 0).to("cpu", ember.uint8)
    array_to_pil(ndarr.numpy()).save(fp, format=format)


def _generate_color_palette(num_objects: int) -> list[tuple[int, int, int]]:
    palette = (2**25 - 1, 2**15 - 1, 2**21 - 1)
    return [tuple((i * p) % 255 for p in palette) for i in range(num_objects)]


def _parse_colors(colors, *, num_objects: int, floating: bool = False) -> list[tuple]:
    """One RGB tuple per object: from a list, a single color for all, or the default palette."""
    if colors is None:
        colors = _generate_color_palette(num_objects)
    elif isinstance(colors, list):
        if len(colors) < num_objects:
            raise ValueError(
                "Number of colors must be equal or larger than the number of objects, "
                f"but got {len(colors)} < {num_objects}."
            )
    elif not isinstance(colors, (tuple, str)):
        raise ValueError(
            f"`colors` must be a tuple or a string, or a list thereof, but got {colors}."
        )
    elif isinstance(colors, tuple) and len(colors) != 3:
        raise ValueError(f"If passed as tuple, colors should be an RGB triplet, but got {colors}.")
    else:  # one color for every object
        colors = [colors] * num_objects
    getrgb = pil_module("ImageColor").getrgb
    colors = [getrgb(c) if isinstance(c, str) else tuple(c) for c in colors]
    if floating:  # [0, 255] -> [0, 1]
        colors = [tuple(v / 255 for v in c) for c in colors]
    return colors


def _check_image(image, channels, what: str) -> None:
    if not isinstance(image, ember.Tensor):
        raise TypeError(f"{what}, got {type(image)}")
    if not (image.dtype == ember.uint8 or image.is_floating_point()):
        raise ValueError(f"The image dtype must be uint8 or float, got {image.dtype}")
    if image.dim() != 3:
        raise ValueError("Pass individual images, not batches")
    if image.size(0) not in channels:
        if channels == (3,):
            raise ValueError("Pass an RGB image. Other Image formats are not supported")
        raise ValueError("Only grayscale and RGB images are supported")


@ember.no_grad()
def draw_bounding_boxes(
    image,
    boxes,
    labels=None,
    colors=None,
    fill: bool | None = False,
    width: int = 1,
    font: str | None = None,
    font_size: int | None = None,
    label_colors=None,
    fill_labels: bool = False,
):
    """Draw boxes (and their labels) on an image, with Pillow.

    Args:
        image: a (C, H, W) tensor, C 1 or 3, of dtype uint8 (or floating, in [0, 1]).
        boxes: an (N, 4) tensor of ``(xmin, ymin, xmax, ymax)`` pixel coordinates (converted
            to integers); each box's outline covers both corners.
        labels: N strings, drawn inside each box's top-left corner.
        colors: one color for all boxes, or a list of one per box: a name or ``"#RRGGBB"``
            (Pillow's color strings) or an RGB tuple. Default: a fixed palette.
        fill: also fill each box with its color at alpha 100/255.
        width: the outline's width in pixels.
        font: a TrueType font file for the labels (Pillow's default font otherwise);
            ``font_size`` its size (default 10).
        label_colors: colors of the label text (default: the box colors).
        fill_labels: draw each label on a background of its box's color.

    Returns:
        The image with the boxes drawn, a new tensor of the input's dtype (3 channels).
    """
    _check_image(image, (1, 3), "Tensor expected")
    if ((boxes[:, 0] > boxes[:, 2]) | (boxes[:, 1] > boxes[:, 3])).any():
        raise ValueError(
            "Boxes need to be in (xmin, ymin, xmax, ymax) format. Use torchvision.ops.box_convert "
            "to convert them"
        )
    num_boxes = boxes.shape[0]
    if num_boxes == 0:
        warnings.warn("boxes doesn't contain any box. No box was drawn", stacklevel=3)
        return image
    if labels is None:
        labels = [None] * num_boxes
    elif len(labels) != num_boxes:
        raise ValueError(
            f"Number of boxes ({num_boxes}) and labels ({len(labels)}) mismatch. Please specify "
            "labels for each box."
        )
    colors = _parse_colors(colors, num_objects=num_boxes)
    if label_colors:
        label_colors = _parse_colors(label_colors, num_objects=num_boxes)
    else:
        label_colors = list(colors)

    ImageDraw, ImageFont = pil_module("ImageDraw"), pil_module("ImageFont")
    if font is None:
        if font_size is not None:
            warnings.warn(
                "Argument 'font_size' will be ignored since 'font' is not set.", stacklevel=3
            )
        txt_font = ImageFont.load_default()
    else:
        txt_font = ImageFont.truetype(font=font, size=font_size or 10)

    if image.size(0) == 1:
        image = ember.tile(image, (3, 1, 1))
    original_dtype = image.dtype
    if original_dtype.is_floating_point:  # as transforms.v2's to_dtype(uint8, scale=True)
        image = image.mul(255 + 1.0 - 1e-3).to(ember.uint8)
    img_to_draw = array_to_pil(image.permute(1, 2, 0).cpu().numpy())
    draw = ImageDraw.Draw(img_to_draw, "RGBA" if fill else None)
    for bbox, color, label, label_color in zip(
        boxes.to(ember.int64).tolist(), colors, labels, label_colors
    ):
        if fill:
            draw.rectangle(bbox, width=width, outline=color, fill=(*color, 100))
        else:
            draw.rectangle(bbox, width=width, outline=color)
        if label is not None:
            box_margin = 1
            margin = width + box_margin
            at = (bbox[0] + margin, bbox[1] + margin)
            if fill_labels:
                left, top, right, bottom = draw.textbbox(at, label, font=txt_font)
                draw.rectangle(
                    (left - box_margin, top - box_margin, right + box_margin, bottom + box_margin),
                    fill=color,
                )
            draw.text(at, label, fill=label_color, font=txt_font)

    out = ember.from_numpy(np.array(img_to_draw)).permute(2, 0, 1).contiguous()
    if original_dtype.is_floating_point:
        out = out.to(original_dtype).mul_(1.0 / 255)
    return out


@ember.no_grad()
def draw_segmentation_masks(image, masks, alpha: float = 0.8, colors=None):
    """Draw boolean masks over an RGB image, blended with transparency ``alpha``.

    Args:
        image: a (3, H, W) tensor of dtype uint8 (or floating, in [0, 1]).
        masks: a boolean (N, H, W) or (H, W) tensor.
        alpha: 0 leaves the image unchanged, 1 paints the masks opaque.
        colors: one color for all masks or a list of one per mask (names, ``"#RRGGBB"`` or RGB
            tuples). Default: a fixed palette.

    Each mask's pixels take its color, pixels covered by two masks or more become black, and
    the result is ``image * (1 - alpha) + painted * alpha`` cast back to the image's dtype.
    """
    _check_image(image, (3,), "The image must be a tensor")
    if masks.ndim == 2:
        masks = masks[None, :, :]
    if masks.ndim != 3:
        raise ValueError("masks must be of shape (H, W) or (batch_size, H, W)")
    if masks.dtype != ember.bool:
        raise ValueError(f"The masks must be of dtype bool. Got {masks.dtype}")
    if masks.shape[-2:] != image.shape[-2:]:
        raise ValueError("The image and the masks must have the same height and width")
    num_masks = masks.size(0)
    if num_masks == 0:
        warnings.warn("masks doesn't contain any mask. No mask was drawn", stacklevel=3)
        return image
    overlapping = masks.sum(dim=0) > 1
    original_dtype = image.dtype
    colors = _parse_colors(colors, num_objects=num_masks, floating=original_dtype.is_floating_point)
    img_to_draw = image.detach().clone()
    for mask, color in zip(masks, colors):
        img_to_draw[:, mask] = ember.tensor(color, dtype=original_dtype)[:, None]
    img_to_draw[:, overlapping] = 0
    out = image * (1 - alpha) + img_to_draw * alpha
    return out.to(original_dtype)
