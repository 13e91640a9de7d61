"""ONNX for the layer primitives (convolution, pooling, normalization, attention, resizing)
and for the modules recorded whole (NOTE [ ONNX tracing ])."""

from __future__ import annotations

import numpy as np

from ._ops import CONVERTERS, _x, converts
from ._trace import unsupported

__all__: list[str] = []


def _pads(padding):
    return [int(p[0]) for p in padding] + [int(p[1]) for p in padding]


@converts("convolution")
def _conv(g, r):
    p = r.params
    return g.op(
        "Conv",
        [g.name(ref) for ref in r.inputs],
        strides=list(p["stride"]),
        pads=_pads(p["padding"]),
        dilations=list(p["dilation"]),
        group=int(p["groups"]),
    )


@converts("convolution_backward_input")
def _conv_transpose(g, r):
    p = r.params
    x, w = r.inputs[0], r.inputs[1]
    kernel = w.shape[2:]
    spatial = x.shape[2:]
    out_padding = []
    sizes = zip(spatial, kernel, p["stride"], p["dilation"], p["padding"], p["in_shape"])
    for n, k, s, d, pad, want in sizes:
        got = (n - 1) * s - pad[0] - pad[1] + d * (k - 1) + 1
        if want - got < 0:
            raise unsupported("op 'convolution_backward_input' with this output size")
        out_padding.append(int(want - got))
    return g.op(
        "ConvTranspose",
        [g.name(x), g.name(w)],
        strides=list(p["stride"]),
        pads=_pads(p["padding"]),
        dilations=list(p["dilation"]),
        group=int(p["groups"]),
        output_padding=out_padding,
    )


def _ceil_mode(sizes, kernel, stride, pads, dilation, outs):
    """1 when ``outs`` are the sizes of ceil mode (not floor mode)."""
    for n, k, s, (lo, hi), d, o in zip(sizes, kernel, stride, pads, dilation, outs):
        if (n + lo + hi - d * (k - 1) - 1) // s + 1 != o:
            return 1
    return 0


@converts("max_pool_with_indices")
def _max_pool(g, r):
    specs = r.params["specs"]
    x = _x(g, r)
    if all(s[0] == "adaptive" and s[2] == 1 for s in specs):
        axes = list(range(len(r.inputs[0].shape) - len(specs), len(r.inputs[0].shape)))
        return [g.reduce("ReduceMax", x, axes, True), None]
    if any(s[0] != "regular" for s in specs):
        raise unsupported("op 'max_pool_with_indices' with adaptive windows")
    _, sizes, outs, kernel, stride, pad, dilation = zip(*specs)
    pads = [(p, p) for p in pad]
    ceil = _ceil_mode(sizes, kernel, stride, pads, dilation, outs)
    out = g.op(
        "MaxPool",
        [x],
        kernel_shape=list(kernel),
        strides=list(stride),
        pads=list(pad) * 2,
        dilations=list(dilation),
        ceil_mode=ceil,
    )
    return [out, None]


@converts("avg_pool")
def _avg_pool(g, r):
    p = r.params
    if p["divisor_override"] is not None:
        raise unsupported("op 'avg_pool' with divisor_override")
    nd = len(p["kernel"])
    sizes = r.inputs[0].shape[-nd:]
    pads = [(q, q) for q in p["padding"]]
    ceil = _ceil_mode(sizes, p["kernel"], p["stride"], pads, [1] * nd, p["out_shape"])
    return g.op(
        "AveragePool",
        [_x(g, r)],
        kernel_shape=list(p["kernel"]),
        strides=list(p["stride"]),
        pads=list(p["padding"]) * 2,
        count_include_pad=int(bool(p["count_include_pad"])),
        ceil_mode=ceil,
    )


@converts("native_norm")
def _layer_norm(g, r):
    p = r.params
    src = r.inputs[0]
    axes, rank = tuple(p["axes"]), len(src.shape)
    if axes != tuple(range(axes[0], rank)):
        raise unsupported("op 'native_norm' over axes that are not the trailing ones")
    shape = src.shape[axes[0] :]
    rest = list(r.inputs[1:])
    weight = g.name(rest.pop(0)) if p["has_weight"] else g.literal(np.ones(shape), src.dtype)
    bias = g.name(rest.pop(0)) if p["has_bias"] else g.literal(np.zeros(shape), src.dtype)
    y = g.op("LayerNormalization", [g.name(src), weight, bias], axis=axes[0], epsilon=p["eps"])
    return [y, None, None]


def _attention(g, r, with_weights):
    p = r.params
    if p["has_noise"]:
        raise unsupported(f"op '{r.op}' with dropout (export the model in eval mode)")
    q, k, v = r.inputs[:3]
    rank = len(k.shape)
    perm = list(range(rank - 2)) + [rank - 1, rank - 2]
    scaled = g.op("Mul", [g.name(q), g.scalar(p["scale"], q)])
    s = g.op("MatMul", [scaled, g.op("Transpose", [g.name(k)], perm=perm)])
    if p["has_mask"]:
        s = g.op("Add", [s, g.name(r.inputs[3])])
    if p["causal"]:
        last2 = g.op("Shape", [s], start=-2)
        elem = g.helper.np_dtype_to_tensor_dtype(np.dtype(q.dtype))
        fill = g.helper.make_tensor("value", elem, [1], [-np.inf])
        full = g.op("ConstantOfShape", [last2], value=fill)
        s = g.op("Add", [s, g.op("Trilu", [full, g.literal(1, np.int64)], upper=1)])
    probs = g.op("Softmax", [s], axis=-1)
    if p["safe"] and p["has_mask"]:  # a row masked out entirely: zeros, not NaN
        probs = g.op("Where", [g.op("IsNaN", [probs]), g.scalar(0.0, q), probs])
    out = g.op("MatMul", [probs, g.name(v)])
    return [out, probs] if with_weights else out


CONVERTERS["scaled_dot_product_attention"] = lambda g, r: _attention(g, r, False)
CONVERTERS["_attention_with_weights"] = lambda g, r: _attention(g, r, True)


_RESIZE = {
    "nearest": {"mode": "nearest", "nearest_mode": "floor"},
    "nearest-exact": {"mode": "nearest", "nearest_mode": "round_prefer_ceil"},
    "linear": {"mode": "linear"},
    "cubic": {"mode": "cubic", "cubic_coeff_a": -0.75},
}


@converts("upsample_axis")
def _upsample(g, r):
    mode, n_in, n_out, scale, align_corners, _, transposed = r.params["spec"]
    if mode not in _RESIZE or transposed:
        raise unsupported(f"op 'upsample_axis' in mode {mode!r}")
    attrs = dict(_RESIZE[mode])
    if mode == "nearest":
        attrs["coordinate_transformation_mode"] = "asymmetric"
    elif mode == "nearest-exact":
        attrs["coordinate_transformation_mode"] = "half_pixel"
    else:
        attrs["coordinate_transformation_mode"] = (
            "align_corners" if align_corners else "pytorch_half_pixel"
        )
    src, axis = r.inputs[0], r.params["axis"]
    x = g.name(src)
    if scale is not None and not align_corners:
        scales = [1.0] * len(src.shape)
        scales[axis] = float(scale)
        return g.op("Resize", [x, "", g.literal(scales, np.float32)], **attrs)
    sizes = g.shape_input(
        [
            g.op("Shape", [x], start=0, end=axis),
            int(n_out),
            g.op("Shape", [x], start=axis + 1),
        ]
    )
    return g.op("Resize", [x, "", "", sizes], **attrs)


# ---------------------------------------------------------------------- whole modules
@converts("nn.Linear")
def _linear(g, r):
    x, w, b = r.inputs
    inputs = [g.name(x), g.name(w)] + ([g.name(b)] if b is not None else [])
    return g.op("Gemm", inputs, transB=1)


@converts("nn.BatchNorm")
def _batch_norm(g, r):
    x, weight, bias, mean, var = r.inputs
    c = mean.shape[0]
    scale = g.name(weight) if weight is not None else g.literal(np.ones(c), x.dtype)
    shift = g.name(bias) if bias is not None else g.literal(np.zeros(c), x.dtype)
    names = [g.name(x), scale, shift, g.name(mean), g.name(var)]
    return g.op("BatchNormalization", names, epsilon=float(r.params["eps"]))


def _global(op_type, reduce_type):
    def convert(g, r):
        x, nd = r.inputs[0], r.params["nd"]
        rank = len(x.shape)
        if rank == nd + 2:
            return g.op(op_type, [g.name(x)])
        return g.reduce(reduce_type, g.name(x), list(range(rank - nd, rank)), True)

    return convert


CONVERTERS["nn.GlobalAvg"] = _global("GlobalAveragePool", "ReduceMean")
CONVERTERS["nn.GlobalMax"] = _global("GlobalMaxPool", "ReduceMax")
