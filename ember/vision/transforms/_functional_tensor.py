"""The tensor kernels behind ``ember.vision.transforms.functional`` (torchvision's
``_functional_tensor``).

Images are tensors of shape ``(..., C, H, W)`` (``(H, W)`` for a single channel). Every kernel is
written with ember's own ops (``interpolate``, ``grid_sample``, ``conv2d``, ``pad``, reductions
and indexing), whole-image at once; the arithmetic follows torchvision's order of operations so
float results agree with torchvision's to rounding.
"""

from __future__ import annotations

import warnings

import ember as _ember
from ember import Tensor as _Tensor
from ember.nn import functional as _nnf

__all__: list[str] = []


def _is_tensor_a_torch_image(x) -> bool:
    return x.ndim >= 2


def _assert_image_tensor(img) -> None:
    if not _is_tensor_a_torch_image(img):
        raise TypeError("Tensor is not a torch image.")


def get_dimensions(img) -> list[int]:
    _assert_image_tensor(img)
    channels = 1 if img.ndim == 2 else img.shape[-3]
    height, width = img.shape[-2:]
    return [channels, height, width]


def get_image_size(img) -> list[int]:
    _assert_image_tensor(img)
    return [img.shape[-1], img.shape[-2]]


def get_image_num_channels(img) -> int:
    _assert_image_tensor(img)
    if img.ndim == 2:
        return 1
    if img.ndim > 2:
        return img.shape[-3]
    raise TypeError(f"Input ndim should be 2 or more. Got {img.ndim}")


_INT_MAX = {"uint8": 255, "int8": 127, "int16": 32767, "uint16": 65535}
_INT_MAX.update(int32=2147483647, int64=9223372036854775807)


def _max_value(dtype) -> int:
    """The largest value of an image of ``dtype`` (1 for floating point images)."""
    for name, value in _INT_MAX.items():
        if dtype == getattr(_ember, name, None):
            return value
    return 1


def _assert_channels(img, permitted: list[int]) -> None:
    c = get_dimensions(img)[0]
    if c not in permitted:
        raise TypeError(
            f"Input image tensor permitted channel values are {permitted}, but found {c}"
        )


def convert_image_dtype(image, dtype=_ember.float32):
    if image.dtype == dtype:
        return image
    if image.is_floating_point():
        if dtype.is_floating_point:
            return image.to(dtype)
        if (image.dtype == _ember.float32 and dtype in (_ember.int32, _ember.int64)) or (
            image.dtype == _ember.float64 and dtype == _ember.int64
        ):
            raise RuntimeError(
                f"The cast from {image.dtype} to {dtype} cannot be performed safely."
            )
        # scale by max + 1 - eps: only 1.0 maps to the top value, the rest spreads evenly
        eps = 1e-3
        max_val = float(_max_value(dtype))
        return image.mul(max_val + 1.0 - eps).to(dtype)
    input_max = float(_max_value(image.dtype))
    if dtype.is_floating_point:
        return image.to(dtype) / input_max
    output_max = float(_max_value(dtype))
    if input_max > output_max:
        factor = int((input_max + 1) // (output_max + 1))
        return _ember.div(image, factor, rounding_mode="floor").to(dtype)
    factor = int((output_max + 1) // (input_max + 1))
    return image.to(dtype) * factor


def vflip(img):
    _assert_image_tensor(img)
    return img.flip(-2)


def hflip(img):
    _assert_image_tensor(img)
    return img.flip(-1)


def crop(img, top: int, left: int, height: int, width: int):
    _assert_image_tensor(img)
    _, h, w = get_dimensions(img)
    right = left + width
    bottom = top + height
    if left < 0 or top < 0 or right > w or bottom > h:
        padding_ltrb = [
            max(-left + min(0, right), 0),
            max(-top + min(0, bottom), 0),
            max(right - max(w, left), 0),
            max(bottom - max(h, top), 0),
        ]
        return pad(img[..., max(top, 0) : bottom, max(left, 0) : right], padding_ltrb, fill=0)
    return img[..., top:bottom, left:right]


def rgb_to_grayscale(img, num_output_channels: int = 1):
    if img.ndim < 3:
        raise TypeError(
            f"Input image tensor should have at least 3 dimensions, but found {img.ndim}"
        )
    _assert_channels(img, [1, 3])
    if num_output_channels not in (1, 3):
        raise ValueError("num_output_channels should be either 1 or 3")
    if img.shape[-3] == 3:
        r, g, b = img.unbind(dim=-3)
        # ITU-R 601-2 luma weights (as TensorFlow and torchvision round them)
        l_img = (0.2989 * r + 0.587 * g + 0.114 * b).to(img.dtype)
        l_img = l_img.unsqueeze(dim=-3)
    else:
        l_img = img.clone()
    if num_output_channels == 3:
        return l_img.expand(img.shape)
    return l_img


def _blend(img1, img2, ratio: float):
    ratio = float(ratio)
    bound = _max_value(img1.dtype)
    return (ratio * img1 + (1.0 - ratio) * img2).clamp(0, bound).to(img1.dtype)


def adjust_brightness(img, brightness_factor: float):
    if brightness_factor < 0:
        raise ValueError(f"brightness_factor ({brightness_factor}) is not non-negative.")
    _assert_image_tensor(img)
    _assert_channels(img, [1, 3])
    return _blend(img, _ember.zeros_like(img), brightness_factor)


def adjust_contrast(img, contrast_factor: float):
    if contrast_factor < 0:
        raise ValueError(f"contrast_factor ({contrast_factor}) is not non-negative.")
    _assert_image_tensor(img)
    _assert_channels(img, [3, 1])
    c = get_dimensions(img)[0]
    dtype = img.dtype if img.is_floating_point() else _ember.float32
    gray = rgb_to_grayscale(img) if c == 3 else img
    mean = _ember.mean(gray.to(dtype), dim=(-3, -2, -1), keepdim=True)
    return _blend(img, mean, contrast_factor)


def adjust_hue(img, hue_factor: float):
    if not (-0.5 <= hue_factor <= 0.5):
        raise ValueError(f"hue_factor ({hue_factor}) is not in [-0.5, 0.5].")
    if not isinstance(img, _Tensor):
        raise TypeError("Input img should be Tensor image")
    _assert_image_tensor(img)
    _assert_channels(img, [1, 3])
    if get_dimensions(img)[0] == 1:  # as PIL: a grey image has no hue
        return img
    orig_dtype = img.dtype
    img = convert_image_dtype(img, _ember.float32)
    h, s, v = _rgb2hsv(img).unbind(dim=-3)
    h = (h + hue_factor) % 1.0
    img_hue_adj = _hsv2rgb(_ember.stack((h, s, v), dim=-3))
    return convert_image_dtype(img_hue_adj, orig_dtype)


def adjust_saturation(img, saturation_factor: float):
    if saturation_factor < 0:
        raise ValueError(f"saturation_factor ({saturation_factor}) is not non-negative.")
    _assert_image_tensor(img)
    _assert_channels(img, [1, 3])
    if get_dimensions(img)[0] == 1:  # as PIL
        return img
    return _blend(img, rgb_to_grayscale(img), saturation_factor)


def adjust_gamma(img, gamma: float, gain: float = 1):
    if not isinstance(img, _Tensor):
        raise TypeError("Input img should be a Tensor.")
    _assert_channels(img, [1, 3])
    if gamma < 0:
        raise ValueError("Gamma should be a non-negative real number")
    result = img
    dtype = img.dtype
    if not img.is_floating_point():
        result = convert_image_dtype(result, _ember.float32)
    result = (gain * result**gamma).clamp(0, 1)
    return convert_image_dtype(result, dtype)


def _rgb2hsv(img):
    """RGB in [0, 1] to HSV (Pillow's formulas); hue and saturation are 0 where max == min."""
    r, g, b = img.unbind(dim=-3)
    maxc = img.amax(dim=-3)
    minc = img.amin(dim=-3)
    eqc = maxc == minc
    cr = maxc - minc
    ones = _ember.ones_like(maxc)
    s = cr / _ember.where(eqc, ones, maxc)
    cr_divisor = _ember.where(eqc, ones, cr)
    rc = (maxc - r) / cr_divisor
    gc = (maxc - g) / cr_divisor
    bc = (maxc - b) / cr_divisor
    hr = (maxc == r) * (bc - gc)
    hg = ((maxc == g) & (maxc != r)) * (2.0 + rc - bc)
    hb = ((maxc != g) & (maxc != r)) * (4.0 + gc - rc)
    h = hr + hg + hb
    h = _ember.fmod((h / 6.0 + 1.0), 1.0)
    return _ember.stack((h, s, maxc), dim=-3)


def _hsv2rgb(img):
    h, s, v = img.unbind(dim=-3)
    i = _ember.floor(h * 6.0)
    f = (h * 6.0) - i
    i = i.to(dtype=_ember.int32)
    p = _ember.clamp((v * (1.0 - s)), 0.0, 1.0)
    q = _ember.clamp((v * (1.0 - s * f)), 0.0, 1.0)
    t = _ember.clamp((v * (1.0 - s * (1.0 - f))), 0.0, 1.0)
    i = i % 6
    # one-hot over the six hue sectors picks (r, g, b) from the sector's table
    mask = i.unsqueeze(dim=-3) == _ember.arange(6, device=i.device).view(-1, 1, 1)
    a1 = _ember.stack((v, q, p, p, t, v), dim=-3)
    a2 = _ember.stack((t, v, v, q, p, p), dim=-3)
    a3 = _ember.stack((p, p, t, v, v, q), dim=-3)
    a4 = _ember.stack((a1, a2, a3), dim=-4)
    return _ember.einsum("...ijk, ...xijk -> ...xjk", mask.to(dtype=img.dtype), a4)


def _pad_symmetric(img, padding: list[int]):
    # padding is left, right, top, bottom; negative values crop
    if min(padding) < 0:
        crop_left, crop_right, crop_top, crop_bottom = [-min(x, 0) for x in padding]
        img = img[
            ..., crop_top : img.shape[-2] - crop_bottom, crop_left : img.shape[-1] - crop_right
        ]
        padding = [max(x, 0) for x in padding]
    h, w = img.shape[-2], img.shape[-1]
    x_idx = [*range(padding[0] - 1, -1, -1), *range(w), *[-(i + 1) for i in range(padding[1])]]
    y_idx = [*range(padding[2] - 1, -1, -1), *range(h), *[-(i + 1) for i in range(padding[3])]]
    x_indices = _ember.tensor(x_idx, device=img.device)
    y_indices = _ember.tensor(y_idx, device=img.device)
    if img.ndim == 3:
        return img[:, y_indices[:, None], x_indices[None, :]]
    if img.ndim == 4:
        return img[:, :, y_indices[:, None], x_indices[None, :]]
    raise RuntimeError("Symmetric padding of N-D tensors are not supported yet")


def _parse_pad_padding(padding) -> list[int]:
    if isinstance(padding, int):
        return [padding] * 4
    if len(padding) == 1:
        return [padding[0]] * 4
    if len(padding) == 2:
        return [padding[0], padding[0], padding[1], padding[1]]
    return [padding[0], padding[2], padding[1], padding[3]]


def pad(img, padding, fill=0, padding_mode: str = "constant"):
    _assert_image_tensor(img)
    if fill is None:
        fill = 0
    if not isinstance(padding, (int, tuple, list)):
        raise TypeError("Got inappropriate padding arg")
    if not isinstance(fill, (int, float)):
        raise TypeError("Got inappropriate fill arg")
    if not isinstance(padding_mode, str):
        raise TypeError("Got inappropriate padding_mode arg")
    if isinstance(padding, (tuple, list)) and len(padding) not in [1, 2, 4]:
        raise ValueError(
            "Padding must be an int or a 1, 2, or 4 element tuple, not a "
            f"{len(padding)} element tuple"
        )
    if padding_mode not in ["constant", "edge", "reflect", "symmetric"]:
        raise ValueError("Padding mode should be either constant, edge, reflect or symmetric")
    p = _parse_pad_padding(padding)
    if padding_mode == "symmetric":
        return _pad_symmetric(img, p)
    mode = "replicate" if padding_mode == "edge" else padding_mode
    need_squeeze = img.ndim < 4
    if need_squeeze:
        img = img.unsqueeze(dim=0)
    out_dtype = img.dtype
    # reflect/replicate are float kernels: integer images go through float32
    need_cast = mode != "constant" and img.dtype not in (_ember.float32, _ember.float64)
    if need_cast:
        img = img.to(_ember.float32)
    if mode in ("reflect", "replicate"):
        img = _nnf.pad(img, p, mode=mode)
    else:
        img = _nnf.pad(img, p, mode=mode, value=float(fill))
    if need_squeeze:
        img = img.squeeze(dim=0)
    if need_cast:
        img = img.to(out_dtype)
    return img


def _to_batch(img):
    """``img`` as ``(N, C, H, W)`` and a function that gives a result its leading dims back."""
    shape = img.shape
    if img.ndim == 4:
        return img, lambda x: x
    lead = shape[:-3] if img.ndim > 3 else ()
    batch = img.reshape(-1, *shape[-3:]) if img.ndim > 2 else img.reshape(1, 1, *shape)
    if img.ndim == 2:
        return batch, lambda x: x.reshape(x.shape[-2:])
    return batch, lambda x: x.reshape(*lead, *x.shape[-3:])


def _cast_in(img, req_dtypes):
    out_dtype = img.dtype
    if out_dtype not in req_dtypes:
        return img.to(req_dtypes[0]), out_dtype
    return img, out_dtype


def _cast_out(img, out_dtype):
    if img.dtype != out_dtype:
        if not out_dtype.is_floating_point:
            img = _ember.round(img)  # round before an integer cast
        img = img.to(out_dtype)
    return img


def resize(img, size: list[int], interpolation: str = "bilinear", antialias=True):
    _assert_image_tensor(img)
    size = list(size)
    if antialias is None:
        antialias = False
    if antialias and interpolation not in ["bilinear", "bicubic"]:
        antialias = False  # antialiasing means nothing for the other modes
    batch, restore = _to_batch(img)
    batch, out_dtype = _cast_in(batch, [_ember.float32, _ember.float64])
    align_corners = False if interpolation in ["bilinear", "bicubic"] else None
    out = _nnf.interpolate(
        batch, size=size, mode=interpolation, align_corners=align_corners, antialias=antialias
    )
    if interpolation == "bicubic" and out_dtype == _ember.uint8:
        out = out.clamp(min=0, max=255)
    return restore(_cast_out(out, out_dtype))


def _assert_grid_transform_inputs(
    img, matrix, interpolation, fill, supported_interpolation_modes, coeffs=None
) -> None:
    if not isinstance(img, _Tensor):
        raise TypeError("Input img should be Tensor")
    _assert_image_tensor(img)
    if matrix is not None and not isinstance(matrix, list):
        raise TypeError("Argument matrix should be a list")
    if matrix is not None and len(matrix) != 6:
        raise ValueError("Argument matrix should have 6 float values")
    if coeffs is not None and len(coeffs) != 8:
        raise ValueError("Argument coeffs should have 8 float values")
    if fill is not None and not isinstance(fill, (int, float, tuple, list)):
        warnings.warn("Argument fill should be either int, float, tuple or list", stacklevel=3)
    num_channels = get_dimensions(img)[0]
    if isinstance(fill, (tuple, list)) and len(fill) > 1 and len(fill) != num_channels:
        raise ValueError(
            "The number of elements in 'fill' cannot broadcast to match the number of "
            f"channels of the image ({len(fill)} != {num_channels})"
        )
    if interpolation not in supported_interpolation_modes:
        raise ValueError(f"Interpolation mode '{interpolation}' is unsupported with Tensor input")


def _apply_grid_transform(img, grid, mode: str, fill):
    batch, restore = _to_batch(img)
    batch, out_dtype = _cast_in(batch, [grid.dtype])
    if batch.shape[0] > 1:
        grid = grid.expand(batch.shape[0], grid.shape[1], grid.shape[2], grid.shape[3])
    if fill is not None:
        # a channel of ones, sampled alongside, tells how much of each output pixel is inside
        mask = _ember.ones(
            (batch.shape[0], 1, batch.shape[2], batch.shape[3]),
            dtype=batch.dtype,
            device=batch.device,
        )
        batch = _ember.cat((batch, mask), dim=1)
    out = _nnf.grid_sample(batch, grid, mode=mode, padding_mode="zeros", align_corners=False)
    if fill is not None:
        mask = out[:, -1:, :, :].expand_as(out[:, :-1])
        out = out[:, :-1, :, :]
        fill_list = list(fill) if isinstance(fill, (tuple, list)) else [float(fill)]
        fill_img = _ember.tensor(fill_list, dtype=out.dtype, device=out.device)
        fill_img = fill_img.view(1, len(fill_list), 1, 1).expand_as(out)
        if mode == "nearest":
            out = _ember.where(mask < 0.5, fill_img, out)
        else:
            out = out * mask + (1.0 - mask) * fill_img
    return restore(_cast_out(out, out_dtype))


def _base_grid(ow: int, oh: int, x0: float, y0: float, dtype, device):
    """The (oh, ow) pixel coordinates x = x0 + column and y = y0 + row."""
    x = _ember.linspace(x0, x0 + ow - 1, steps=ow, device=device).to(dtype)
    y = _ember.linspace(y0, y0 + oh - 1, steps=oh, device=device).to(dtype)
    return x.expand(oh, ow), y.unsqueeze(-1).expand(oh, ow)


def _grid_dot(xs, ys, m):
    """``[x, y, 1] @ m`` for every pixel, m of shape (3, 2): (oh, ow, 2).

    Summed left to right without fused multiply-adds, as torch's CPU bmm does for these
    shapes, so grids (and the pixels sampled through them) agree with torchvision's exactly."""
    return xs.unsqueeze(-1) * m[0] + ys.unsqueeze(-1) * m[1] + m[2]


def _gen_affine_grid(theta, w: int, h: int, ow: int, oh: int):
    # as affine_grid, but normalised after applying theta and by the input's size (so an
    # expanded output, as PIL's rotate(expand=True), samples the same input pixels)
    d = 0.5
    xs, ys = _base_grid(ow, oh, -ow * 0.5 + d, -oh * 0.5 + d, theta.dtype, theta.device)
    scale = _ember.tensor([0.5 * w, 0.5 * h], dtype=theta.dtype, device=theta.device)
    rescaled_theta = theta[0].T / scale
    return _grid_dot(xs, ys, rescaled_theta).unsqueeze(0)


def affine(img, matrix: list[float], interpolation: str = "nearest", fill=None):
    _assert_grid_transform_inputs(img, matrix, interpolation, fill, ["nearest", "bilinear"])
    dtype = img.dtype if img.is_floating_point() else _ember.float32
    theta = _ember.tensor(matrix, dtype=dtype, device=img.device).reshape(1, 2, 3)
    h, w = img.shape[-2], img.shape[-1]
    grid = _gen_affine_grid(theta, w=w, h=h, ow=w, oh=h)
    return _apply_grid_transform(img, grid, interpolation, fill=fill)


def _compute_affine_output_size(matrix: list[float], w: int, h: int) -> tuple[int, int]:
    # the corners, centred on the image centre, through the forward matrix (as PIL's rotate)
    pts = _ember.tensor(
        [
            [-0.5 * w, -0.5 * h, 1.0],
            [-0.5 * w, 0.5 * h, 1.0],
            [0.5 * w, 0.5 * h, 1.0],
            [0.5 * w, -0.5 * h, 1.0],
        ]
    )
    theta = _ember.tensor(matrix, dtype=_ember.float32).view(2, 3)
    new_pts = _ember.matmul(pts, theta.T)
    shift = _ember.tensor((w * 0.5, h * 0.5))
    min_vals = new_pts.amin(dim=0) + shift
    max_vals = new_pts.amax(dim=0) + shift
    # truncate to 1e-4 so that 1e-15 above an integer does not ceil to the next one
    tol = 1e-4
    cmax = _ember.ceil((max_vals / tol).trunc() * tol)
    cmin = _ember.floor((min_vals / tol).trunc() * tol)
    size = cmax - cmin
    return int(size[0]), int(size[1])


def rotate(img, matrix: list[float], interpolation: str = "nearest", expand=False, fill=None):
    _assert_grid_transform_inputs(img, matrix, interpolation, fill, ["nearest", "bilinear"])
    w, h = img.shape[-1], img.shape[-2]
    ow, oh = _compute_affine_output_size(matrix, w, h) if expand else (w, h)
    dtype = img.dtype if img.is_floating_point() else _ember.float32
    theta = _ember.tensor(matrix, dtype=dtype, device=img.device).reshape(1, 2, 3)
    grid = _gen_affine_grid(theta, w=w, h=h, ow=ow, oh=oh)
    return _apply_grid_transform(img, grid, interpolation, fill=fill)


def _perspective_grid(coeffs: list[float], ow: int, oh: int, dtype, device):
    # output pixel (x, y) samples input ((c0 x + c1 y + c2) / (c6 x + c7 y + 1),
    #                                   (c3 x + c4 y + c5) / (c6 x + c7 y + 1)), as PIL's
    theta1 = _ember.tensor(
        [[[coeffs[0], coeffs[1], coeffs[2]], [coeffs[3], coeffs[4], coeffs[5]]]],
        dtype=dtype,
        device=device,
    )
    theta2 = _ember.tensor(
        [[[coeffs[6], coeffs[7], 1.0], [coeffs[6], coeffs[7], 1.0]]], dtype=dtype, device=device
    )
    d = 0.5
    xs, ys = _base_grid(ow, oh, d, d, dtype, device)
    scale = _ember.tensor([0.5 * ow, 0.5 * oh], dtype=dtype, device=device)
    output_grid1 = _grid_dot(xs, ys, theta1[0].T / scale)
    output_grid2 = _grid_dot(xs, ys, theta2[0].T)
    return (output_grid1 / output_grid2 - 1.0).unsqueeze(0)


def perspective(img, perspective_coeffs: list[float], interpolation: str = "bilinear", fill=None):
    if not isinstance(img, _Tensor):
        raise TypeError("Input img should be Tensor.")
    _assert_image_tensor(img)
    _assert_grid_transform_inputs(
        img, None, interpolation, fill, ["nearest", "bilinear"], coeffs=perspective_coeffs
    )
    ow, oh = img.shape[-1], img.shape[-2]
    dtype = img.dtype if img.is_floating_point() else _ember.float32
    grid = _perspective_grid(perspective_coeffs, ow=ow, oh=oh, dtype=dtype, device=img.device)
    return _apply_grid_transform(img, grid, interpolation, fill=fill)


def _get_gaussian_kernel1d(kernel_size: int, sigma: float, dtype, device):
    ksize_half = (kernel_size - 1) * 0.5
    x = _ember.linspace(-ksize_half, ksize_half, steps=kernel_size, dtype=dtype, device=device)
    pdf = _ember.exp(-0.5 * (x / sigma).pow(2))
    return pdf / pdf.sum()


def _get_gaussian_kernel2d(kernel_size: list[int], sigma: list[float], dtype, device):
    kernel1d_x = _get_gaussian_kernel1d(kernel_size[0], sigma[0], dtype, device)
    kernel1d_y = _get_gaussian_kernel1d(kernel_size[1], sigma[1], dtype, device)
    return _ember.mm(kernel1d_y[:, None], kernel1d_x[None, :])


def _depthwise(batch, kernel):
    """Each channel of an (N, C, H, W) batch convolved with the same 2-D kernel."""
    channels = batch.shape[-3]
    weight = kernel.expand(channels, 1, kernel.shape[0], kernel.shape[1])
    return _nnf.conv2d(batch, weight, groups=channels)


def gaussian_blur(img, kernel_size: list[int], sigma: list[float]):
    if not isinstance(img, _Tensor):
        raise TypeError(f"img should be Tensor. Got {type(img)}")
    _assert_image_tensor(img)
    dtype = img.dtype if img.is_floating_point() else _ember.float32
    kernel = _get_gaussian_kernel2d(kernel_size, sigma, dtype=dtype, device=img.device)
    batch, restore = _to_batch(img)
    batch, out_dtype = _cast_in(batch, [kernel.dtype])
    # padding = (left, right, top, bottom), reflected so the output keeps the input's size
    padding = [kernel_size[0] // 2, kernel_size[0] // 2, kernel_size[1] // 2, kernel_size[1] // 2]
    out = _depthwise(_nnf.pad(batch, padding, mode="reflect"), kernel)
    return restore(_cast_out(out, out_dtype))


def invert(img):
    _assert_image_tensor(img)
    if img.ndim < 3:
        raise TypeError(
            f"Input image tensor should have at least 3 dimensions, but found {img.ndim}"
        )
    _assert_channels(img, [1, 3])
    return _max_value(img.dtype) - img


def posterize(img, bits: int):
    _assert_image_tensor(img)
    if img.ndim < 3:
        raise TypeError(
            f"Input image tensor should have at least 3 dimensions, but found {img.ndim}"
        )
    if img.dtype != _ember.uint8:
        raise TypeError(f"Only torch.uint8 image tensors are supported, but found {img.dtype}")
    _assert_channels(img, [1, 3])
    return img & -int(2 ** (8 - bits))  # keeps the top `bits` bits


def solarize(img, threshold: float):
    _assert_image_tensor(img)
    if img.ndim < 3:
        raise TypeError(
            f"Input image tensor should have at least 3 dimensions, but found {img.ndim}"
        )
    _assert_channels(img, [1, 3])
    if threshold > _max_value(img.dtype):
        raise TypeError("Threshold should be less than bound of img.")
    return _ember.where(img >= threshold, invert(img), img)


def _blurred_degenerate_image(img):
    dtype = img.dtype if img.is_floating_point() else _ember.float32
    kernel = _ember.ones((3, 3), dtype=dtype, device=img.device)
    kernel[1, 1] = 5.0
    kernel /= kernel.sum()
    batch, restore = _to_batch(img)
    batch, out_dtype = _cast_in(batch, [kernel.dtype])
    inner = restore(_cast_out(_depthwise(batch, kernel), out_dtype))
    result = img.clone()
    result[..., 1:-1, 1:-1] = inner
    return result


def adjust_sharpness(img, sharpness_factor: float):
    if sharpness_factor < 0:
        raise ValueError(f"sharpness_factor ({sharpness_factor}) is not non-negative.")
    _assert_image_tensor(img)
    _assert_channels(img, [1, 3])
    if img.size(-1) <= 2 or img.size(-2) <= 2:
        return img
    return _blend(img, _blurred_degenerate_image(img), sharpness_factor)


def autocontrast(img):
    _assert_image_tensor(img)
    if img.ndim < 3:
        raise TypeError(
            f"Input image tensor should have at least 3 dimensions, but found {img.ndim}"
        )
    _assert_channels(img, [1, 3])
    bound = _max_value(img.dtype)
    dtype = img.dtype if img.is_floating_point() else _ember.float32
    minimum = img.amin(dim=(-2, -1), keepdim=True).to(dtype)
    maximum = img.amax(dim=(-2, -1), keepdim=True).to(dtype)
    scale = bound / (maximum - minimum)
    flat = _ember.isfinite(scale).logical_not()  # a constant channel is left as it is
    minimum = _ember.where(flat, _ember.zeros_like(minimum), minimum)
    scale = _ember.where(flat, _ember.ones_like(scale), scale)
    return ((img - minimum) * scale).clamp(0, bound).to(img.dtype)


def _scale_channel(img_chan):
    """Equalize one uint8 channel: its cumulative histogram as a lookup table (PIL's rules)."""
    hist = _ember.bincount(img_chan.reshape(-1), minlength=256)
    nonzero_hist = hist[hist != 0]
    step = _ember.div(nonzero_hist[:-1].sum(), 255, rounding_mode="floor")
    if step == 0:
        return img_chan
    lut = _ember.div(
        _ember.cumsum(hist, 0) + _ember.div(step, 2, rounding_mode="floor"),
        step,
        rounding_mode="floor",
    )
    lut = _nnf.pad(lut, [1, 0])[:-1].clamp(0, 255)
    return lut[img_chan.to(_ember.int64)].to(_ember.uint8)


def _equalize_single_image(img):
    return _ember.stack([_scale_channel(img[c]) for c in range(img.size(0))])


def equalize(img):
    _assert_image_tensor(img)
    if not (3 <= img.ndim <= 4):
        raise TypeError(f"Input image tensor should have 3 or 4 dimensions, but found {img.ndim}")
    if img.dtype != _ember.uint8:
        raise TypeError(f"Only torch.uint8 image tensors are supported, but found {img.dtype}")
    _assert_channels(img, [1, 3])
    if img.ndim == 3:
        return _equalize_single_image(img)
    return _ember.stack([_equalize_single_image(x) for x in img])


def normalize(tensor, mean: list[float], std: list[float], inplace: bool = False):
    _assert_image_tensor(tensor)
    if not tensor.is_floating_point():
        raise TypeError(f"Input tensor should be a float tensor. Got {tensor.dtype}.")
    if tensor.ndim < 3:
        raise ValueError(
            "Expected tensor to be a tensor image of size (..., C, H, W). Got tensor.size() = "
            f"{tensor.size()}"
        )
    if not inplace:
        tensor = tensor.clone()
    dtype = tensor.dtype
    mean = _ember.as_tensor(mean, dtype=dtype, device=tensor.device)
    std = _ember.as_tensor(std, dtype=dtype, device=tensor.device)
    if not bool((std != 0).all()):
        raise RuntimeError(
            f"std evaluated to zero after conversion to {dtype}, leading to division by zero."
        )
    if mean.ndim == 1:
        mean = mean.view(-1, 1, 1)
    if std.ndim == 1:
        std = std.view(-1, 1, 1)
    return tensor.sub_(mean).div_(std)


def erase(img, i: int, j: int, h: int, w: int, v, inplace: bool = False):
    _assert_image_tensor(img)
    if not inplace:
        img = img.clone()
    img[..., i : i + h, j : j + w] = v
    return img


def _create_identity_grid(size: list[int]):
    hw_space = [_ember.linspace((-s + 1) / s, (s - 1) / s, s) for s in size]
    grid_y, grid_x = _ember.meshgrid(hw_space, indexing="ij")
    return _ember.stack([grid_x, grid_y], -1).unsqueeze(0)  # 1 x H x W x 2


def elastic_transform(img, displacement, interpolation: str = "bilinear", fill=None):
    if not isinstance(img, _Tensor):
        raise TypeError(f"img should be Tensor. Got {type(img)}")
    size = list(img.shape[-2:])
    displacement = displacement.to(img.device)
    grid = _create_identity_grid(size).to(img.device) + displacement
    return _apply_grid_transform(img, grid, interpolation, fill)
