"""F.interpolate / F.upsample*, F.pixel_shuffle / F.pixel_unshuffle, F.channel_shuffle,
F.grid_sample and F.affine_grid.

Thin functions: they check arguments with PyTorch's exceptions and messages, then call the
separable resampling primitive of :mod:`ember.ops.prims.vision` (see NOTE [ Separable resampling
tables ] there) once per spatial dim, or its grid-sampling composite. 'area' interpolation is
adaptive average pooling, exactly as in PyTorch. The shuffles are reshape / permute views.
"""

from __future__ import annotations

import math
import numbers
import warnings

from ... import _dtype
from ..._dtype import kernel_not_implemented
from ..._factories import linspace, ones
from ..._tensor import Tensor
from ...ops.prims import vision as R
from ...ops.shape import stack
from . import pooling as P

__all__ = [
    "interpolate",
    "upsample",
    "upsample_nearest",
    "upsample_bilinear",
    "pixel_shuffle",
    "pixel_unshuffle",
    "channel_shuffle",
    "native_channel_shuffle",
    "grid_sample",
    "affine_grid",
]

_INTERP_MODES = "nearest | linear | bilinear | bicubic | trilinear | lanczos | area | nearest-exact"
_SPATIAL = {3: "linear", 4: "bilinear", 5: "trilinear"}
_REDUCED = (_dtype.float16, _dtype.bfloat16)

# ---------------------------------------------------------------------------- interpolate


def _is_integer(x) -> bool:
    if isinstance(x, bool):
        return True
    if isinstance(x, numbers.Integral):
        return True
    return isinstance(x, Tensor) and not x.is_floating_point()


def _output_plan(input, size, scale_factor, dim, recompute_scale_factor):
    """PyTorch's size / scale_factor rules: (output sizes, per-dim scales or None)."""
    if size is not None and scale_factor is not None:
        raise ValueError("only one of size or scale_factor should be defined")
    if size is not None:
        if isinstance(size, (list, tuple)):
            if len(size) != dim:
                raise ValueError(
                    "Input and output must have the same number of spatial dimensions, but got "
                    f"input with spatial dimensions of {list(input.shape[2:])} and output size "
                    f"of {size}. Please provide input tensor in (N, C, d1, d2, ...,dK) format "
                    "and output size in (o1, o2, ...,oK) format."
                )
            if not all(_is_integer(s) for s in size):
                raise TypeError(
                    "expected size to be one of int or Tuple[int] or Tuple[int, int] "
                    "or Tuple[int, int, int], but got size with types "
                    f"{[type(s) for s in size]}"
                )
            out = [int(s) for s in size]
        else:
            if not _is_integer(size):
                raise TypeError(
                    f"upsample(): argument 'output_size' must be tuple of ints, but "
                    f"found element of type {type(size).__name__} at pos 0"
                )
            out = [int(size)] * dim
        scales = None
    elif scale_factor is not None:
        if isinstance(scale_factor, (list, tuple)):
            if len(scale_factor) != dim:
                raise ValueError(
                    "Input and scale_factor must have the same number of spatial dimensions, "
                    f"but got input with spatial dimensions of {list(input.shape[2:])} and "
                    f"scale_factor of shape {scale_factor}. Please provide input tensor in (N, "
                    "C, d1, d2, ...,dK) format and scale_factor in (s1, s2, ...,sK) format."
                )
            scales = [float(s) for s in scale_factor]
        else:
            scales = [float(scale_factor)] * dim
        out = [int(n * s) for n, s in zip(input.shape[2:], scales)]
    else:
        raise ValueError("either size or scale_factor should be defined")
    if recompute_scale_factor and size is not None:
        raise ValueError("recompute_scale_factor is not meaningful with an explicit size.")
    if recompute_scale_factor:
        scales = None
    return out, scales


def _check_sizes(input, out):
    """ATen's upsample_Nd_common_check and the non-empty check."""
    spatial = list(input.shape[2:])
    if min(spatial) <= 0 or min(out) <= 0:
        names = "DHW"[3 - len(out) :]
        shown_in = ", ".join(f"{c}: {v}" for c, v in zip(names, spatial))
        shown_out = ", ".join(f"{c}: {v}" for c, v in zip(names, out))
        joint = " and output" if len(out) == 1 else " output"
        raise RuntimeError(
            "Input and output sizes should be greater than 0, but got input "
            f"({shown_in}){joint} ({shown_out})"
        )
    if input.numel() == 0 and input.shape[1] == 0:
        raise RuntimeError(
            f"Non-empty {input.ndim}D data tensor expected but got a tensor with "
            f"sizes {list(input.shape)}"
        )


def _check_dtype(input, mode):
    dt = input.dtype
    if dt.is_floating_point and not dt.is_complex:
        return
    kernel = {"nearest": "nearest", "nearest-exact": "nearest", "bicubic": "cubic"}.get(
        mode, "linear"
    )
    if dt is _dtype.uint8 and mode in ("nearest", "nearest-exact", "bilinear", "bicubic"):
        return
    raise kernel_not_implemented(f"compute_indices_weights_{kernel}", dt)


def _resample_all(input, mode, out, scales, align_corners):
    """One separable pass per spatial dim (last dim first, like ATen's separable kernels)."""
    as_bytes = input.dtype is _dtype.uint8 and not mode.startswith("nearest")
    dt = input.dtype
    y = input.float() if as_bytes or dt in _REDUCED else input
    nd = len(out)
    for d in reversed(range(nd)):
        scale = None if scales is None else scales[d]
        if mode == "nearest" and nd == 2 and out[d] in (y.shape[2 + d], 2 * y.shape[2 + d]):
            # ATen's 2-d nearest kernel copies equal sizes and halves indices for doubled
            # ones whatever the scale; 1-d and 3-d use the scale
            scale = None
        y = R.resample(y, 2 + d, mode, out[d], scale, align_corners)
        if as_bytes:
            # ATen's uint8 kernels store each pass in uint8
            y = (y + 0.5).floor().clamp(0, 255)
    return y.to(dt) if y.dtype is not dt else y


def interpolate(
    input: Tensor,
    size=None,
    scale_factor=None,
    mode: str = "nearest",  # noqa: A002
    align_corners: bool | None = None,
    recompute_scale_factor: bool | None = None,
    antialias: bool = False,
) -> Tensor:
    """Resize (N, C, *S) to ``size`` or by ``scale_factor`` with PyTorch's coordinate rules.

    Modes: 'nearest', 'nearest-exact', 'linear' (3-D), 'bilinear' / 'bicubic' (4-D),
    'trilinear' (5-D), 'area' (adaptive average pooling), 'lanczos' (4-D, antialias only).
    ``align_corners`` maps corner pixel centres onto each other; without it pixels are
    areas (half-pixel offsets). A given ``scale_factor`` is used directly for the coordinates
    unless ``recompute_scale_factor``; ``antialias`` filters when downsampling (4-D bilinear,
    bicubic, lanczos).
    """
    if mode in ("nearest", "area", "nearest-exact"):
        if align_corners is not None:
            raise ValueError(
                "align_corners option can only be set with the interpolating "
                "modes: linear | bilinear | bicubic | trilinear"
            )
    elif align_corners is None:
        align_corners = False
    dim = input.ndim - 2
    out, scales = _output_plan(input, size, scale_factor, dim, recompute_scale_factor)
    if mode == "area" and scale_factor is not None:
        scales = None
    if antialias and not (mode in ("bilinear", "bicubic", "lanczos") and input.ndim == 4):
        raise ValueError(
            "Anti-alias option is restricted to bilinear, bicubic, and lanczos modes "
            "and requires a 4-D tensor as input"
        )
    if input.ndim not in (3, 4, 5) or mode not in _INTERP_MODES.split(" | "):
        raise NotImplementedError(
            f"Input Error: Only 3D, 4D and 5D input Tensors supported (got "
            f"{input.ndim}D) for the modes: {_INTERP_MODES} (got {mode})"
        )
    if mode == "area":
        return getattr(P, f"adaptive_avg_pool{dim}d")(input, out)
    if mode in ("linear", "bilinear", "trilinear") and mode != _SPATIAL[input.ndim]:
        need = {"linear": 3, "bilinear": 4, "trilinear": 5}[mode]
        raise NotImplementedError(f"Got {input.ndim}D input, but {mode} mode needs {need}D input")
    if mode in ("bicubic", "lanczos") and input.ndim != 4:
        raise NotImplementedError(
            f"Input Error: Only 3D, 4D and 5D input Tensors supported (got "
            f"{input.ndim}D) for the modes: {_INTERP_MODES} (got {mode})"
        )
    if mode == "lanczos":
        if align_corners:
            raise ValueError("Lanczos mode does not support align_corners=True")
        if not antialias:
            raise ValueError("Lanczos mode requires antialias=True")
    _check_sizes(input, out)
    _check_dtype(input, mode)
    kind = {
        "nearest": "nearest",
        "nearest-exact": "nearest-exact",
        "bicubic": "cubic",
        "lanczos": "lanczos",
    }.get(mode, "linear")
    if antialias:
        kind = "aa-" + kind
    return _resample_all(input, kind, out, scales, bool(align_corners))


def upsample(
    input: Tensor,
    size=None,
    scale_factor=None,
    mode: str = "nearest",  # noqa: A002
    align_corners: bool | None = None,
) -> Tensor:
    """Deprecated alias of :func:`interpolate` (warns, as PyTorch does)."""
    warnings.warn(
        "`nn.functional.upsample` is deprecated. Use `nn.functional.interpolate` instead.",
        UserWarning,
        stacklevel=2,
    )
    return interpolate(input, size, scale_factor, mode, align_corners)


def upsample_nearest(input: Tensor, size=None, scale_factor=None) -> Tensor:  # noqa: A002
    """Deprecated: ``interpolate(..., mode='nearest')``."""
    warnings.warn(
        "`nn.functional.upsample_nearest` is deprecated. Use `nn.functional.interpolate` instead.",
        UserWarning,
        stacklevel=2,
    )
    return interpolate(input, size, scale_factor, mode="nearest")


def upsample_bilinear(input: Tensor, size=None, scale_factor=None) -> Tensor:  # noqa: A002
    """Deprecated: ``interpolate(..., mode='bilinear', align_corners=True)``."""
    warnings.warn(
        "`nn.functional.upsample_bilinear` is deprecated. Use `nn.functional.interpolate` instead.",
        UserWarning,
        stacklevel=2,
    )
    return interpolate(input, size, scale_factor, mode="bilinear", align_corners=True)


# ---------------------------------------------------------------------------- shuffles


def _int_arg(value, fn: str, name: str) -> int:
    if isinstance(value, bool) or not isinstance(value, numbers.Integral):
        raise TypeError(
            f"{fn}(): argument '{name}' (position 2) must be int, not {type(value).__name__}"
        )
    return int(value)


def pixel_shuffle(input: Tensor, upscale_factor: int) -> Tensor:  # noqa: A002
    """(*, C * r**2, H, W) -> (*, C, H * r, W * r): channel blocks become r x r pixel tiles."""
    r = _int_arg(upscale_factor, "pixel_shuffle", "upscale_factor")
    if input.ndim < 3:
        raise RuntimeError(
            "pixel_shuffle expects input to have at least 3 dimensions, but got "
            f"input with {input.ndim} dimension(s)"
        )
    if r <= 0:
        raise RuntimeError(f"pixel_shuffle expects a positive upscale_factor, but got {r}")
    *batch, c, h, w = input.shape
    if c % (r * r):
        raise RuntimeError(
            "pixel_shuffle expects its input's 'channel' dimension to be divisible "
            f"by the square of upscale_factor, but input.size(-3)={c} is not "
            f"divisible by {r * r}"
        )
    nb = len(batch)
    y = input.reshape(*batch, c // (r * r), r, r, h, w)
    y = y.permute(*range(nb), nb, nb + 3, nb + 1, nb + 4, nb + 2)
    return y.reshape(*batch, c // (r * r), h * r, w * r)


def pixel_unshuffle(input: Tensor, downscale_factor: int) -> Tensor:  # noqa: A002
    """(*, C, H * r, W * r) -> (*, C * r**2, H, W): the inverse of :func:`pixel_shuffle`."""
    r = _int_arg(downscale_factor, "pixel_unshuffle", "downscale_factor")
    if input.ndim < 3:
        raise RuntimeError(
            "pixel_unshuffle expects input to have at least 3 dimensions, but got "
            f"input with {input.ndim} dimension(s)"
        )
    if r <= 0:
        raise RuntimeError(f"pixel_unshuffle expects a positive downscale_factor, but got {r}")
    *batch, c, h, w = input.shape
    for what, n, pos in (("height", h, -2), ("width", w, -1)):
        if n % r:
            raise RuntimeError(
                f"pixel_unshuffle expects {what} to be divisible by "
                f"downscale_factor, but input.size({pos})={n} is not divisible "
                f"by {r}"
            )
    nb = len(batch)
    y = input.reshape(*batch, c, h // r, r, w // r, r)
    y = y.permute(*range(nb), nb, nb + 2, nb + 4, nb + 1, nb + 3)
    return y.reshape(*batch, c * r * r, h // r, w // r)


def channel_shuffle(input: Tensor, groups: int) -> Tensor:  # noqa: A002
    """(N, C, *) with channels regrouped: channel ``g * (C / groups) + k`` moves to
    ``k * groups + g`` (ShuffleNet's interleave)."""
    g = _int_arg(groups, "channel_shuffle", "groups")
    if input.ndim <= 2:
        raise RuntimeError(
            f"channel_shuffle expects input with > 2 dims, but got input with "
            f"sizes {list(input.shape)}"
        )
    if g <= 0:
        raise RuntimeError(
            f"Number of groups to divide channels in must be positive. Value of groups:{g}"
        )
    n, c, *rest = input.shape
    if c % g:
        raise RuntimeError(
            f"Number of channels must be divisible by groups. Got {c} channels and {g} groups."
        )
    y = input.reshape(n, g, c // g, *rest).transpose(1, 2)
    return y.reshape(n, c, *rest)


native_channel_shuffle = channel_shuffle


# ---------------------------------------------------------------------------- grid sampling


def _grid_warning(align_corners):
    if align_corners is None:
        warnings.warn(
            "Default grid_sample and affine_grid behavior has changed to "
            "align_corners=False since 1.3.0. Please specify align_corners=True if the "
            "old behavior is desired. See the documentation of grid_sample for "
            "details.",
            UserWarning,
            stacklevel=3,
        )
        return False
    return bool(align_corners)


def grid_sample(
    input: Tensor,
    grid: Tensor,
    mode: str = "bilinear",  # noqa: A002
    padding_mode: str = "zeros",
    align_corners: bool | None = None,
) -> Tensor:
    """Sample ``input`` (N, C, H, W) / (N, C, D, H, W) at the normalised [-1, 1] positions of
    ``grid`` (N, Ho, Wo, 2) / (N, Do, Ho, Wo, 3); grid[..., 0] is x (width).

    ``mode``: 'bilinear' | 'nearest' | 'bicubic' (4-D); ``padding_mode``: 'zeros' | 'border' |
    'reflection'. Differentiable with respect to both ``input`` and ``grid``.
    """
    if mode not in ("bilinear", "nearest", "bicubic"):
        raise ValueError(
            "nn.functional.grid_sample(): expected mode to be 'bilinear', "
            f"'nearest' or 'bicubic', but got: '{mode}'"
        )
    if padding_mode not in ("zeros", "border", "reflection"):
        raise ValueError(
            "nn.functional.grid_sample(): expected padding_mode to be 'zeros', "
            f"'border', or 'reflection', but got: '{padding_mode}'"
        )
    align_corners = _grid_warning(align_corners)
    shapes = f"input with sizes {list(input.shape)} and grid with sizes {list(grid.shape)}"
    if input.ndim == 0 or grid.ndim == 0 or input.shape[0] != grid.shape[0]:
        raise RuntimeError(
            f"grid_sampler(): expected grid and input to have same batch size, but got {shapes}"
        )
    if grid.shape[-1] != input.ndim - 2:
        raise RuntimeError(
            f"grid_sampler(): expected grid to have size {input.ndim - 2} in last "
            f"dimension, but got grid with sizes {list(grid.shape)}"
        )
    for d in range(2, input.ndim):
        if input.shape[d] <= 0:
            raise RuntimeError(
                "grid_sampler(): expected input to have non-empty spatial "
                f"dimensions, but input has sizes {list(input.shape)} with "
                f"dimension {d} being empty"
            )
    want = 4 if input.ndim == 4 else 5
    if input.ndim != grid.ndim or input.ndim != want:
        raise RuntimeError(
            f"grid_sampler(): expected {want}D input and grid with same number "
            f"of dimensions, but got {shapes}"
        )
    if want == 5 and mode == "bicubic":
        raise RuntimeError("grid_sampler(): bicubic interpolation only supports 4D input")
    if not input.is_floating_point():
        raise NotImplementedError(
            f'"grid_sampler_{want - 2}d_cpu_kernel_impl" not implemented '
            f"for '{input.dtype.legacy_name}'"
        )
    if grid.dtype is not input.dtype:
        raise RuntimeError(
            f"expected scalar type {input.dtype.legacy_name} but found {grid.dtype.legacy_name}"
        )
    return R.grid_sample_nd(input, grid, mode, padding_mode, align_corners)


def _base_coords(n: int, align_corners: bool, like: Tensor) -> Tensor:
    """ATen's linspace_from_neg_one: n points spanning [-1, 1] (pixel centres if not aligned)."""
    if n <= 1:
        return like.new_zeros((max(n, 1),))
    line = linspace(-1, 1, n, dtype=like.dtype, device=like.device)
    return line if align_corners else line * (n - 1) / n


def affine_grid(theta: Tensor, size, align_corners: bool | None = None) -> Tensor:
    """The sampling grid (N, H, W, 2) / (N, D, H, W, 3) of affine maps ``theta`` (N, 2, 3) /
    (N, 3, 4) applied to the normalised output coordinates of ``size`` (for grid_sample)."""
    align_corners = _grid_warning(align_corners)
    if not theta.is_floating_point():
        raise ValueError(f"Expected theta to have floating point type, but got {theta.dtype}")
    size = [int(s) for s in size]
    if len(size) == 4:
        if theta.ndim != 3 or tuple(theta.shape[-2:]) != (2, 3):
            raise ValueError(
                f"Expected a batch of 2D affine matrices of shape Nx2x3 for size "
                f"{tuple(size)}. Got {theta.shape}."
            )
        spatial = size[-2:]
    elif len(size) == 5:
        if theta.ndim != 3 or tuple(theta.shape[-2:]) != (3, 4):
            raise ValueError(
                f"Expected a batch of 3D affine matrices of shape Nx3x4 for size "
                f"{tuple(size)}. Got {theta.shape}."
            )
        spatial = size[-3:]
    else:
        raise NotImplementedError(
            "affine_grid only supports 4D and 5D sizes, for 2D and 3D "
            "affine transforms, respectively. Got size "
            f"{tuple(size)}."
        )
    if align_corners and min(spatial) == 1:
        warnings.warn(
            "Since version 1.3.0, affine_grid behavior has changed for unit-size "
            "grids when align_corners=True. This is not an intended use case of "
            "affine_grid. See the documentation of affine_grid for details.",
            UserWarning,
            stacklevel=2,
        )
    elif min(size) <= 0:
        raise ValueError(f"Expected non-zero, positive output size. Got {tuple(size)}")
    n, nd = size[0], len(spatial)
    if theta.shape[0] != n:
        raise RuntimeError(
            f"Expected size for first two dimensions of batch2 tensor to be: "
            f"[{n}, {nd + 1}] but got: [{theta.shape[0]}, {nd + 1}]."
        )
    columns = []
    for k in range(nd):
        line = _base_coords(spatial[nd - 1 - k], align_corners, theta)
        view = [1] * nd
        view[nd - 1 - k] = line.shape[0]
        columns.append(line.reshape(view).expand(*spatial))
    columns.append(ones(*spatial, dtype=theta.dtype, device=theta.device))
    base = stack(columns, -1).reshape(1, math.prod(spatial), nd + 1)
    grid = base.expand(n, math.prod(spatial), nd + 1) @ theta.transpose(1, 2)
    return grid.reshape(n, *spatial, nd)
