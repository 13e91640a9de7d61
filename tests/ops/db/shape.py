"""OpInfo entries: views, reshapes, permutations, broadcasts, joins, splits, flips and copies."""

from __future__ import annotations

import numpy as np

from ..op_db import OpInfo, Sample, arr, iarr, register


def _samples(*samples):
    return lambda: list(samples)


def f64(*shape):
    return arr(*shape, dtype=np.float64)


def _op(name, fn, samples, grad_samples=None, **kw):
    gs = _samples(*grad_samples) if grad_samples is not None else None
    return OpInfo(name, fn, _samples(*samples), gradcheck_samples=gs, **kw)


def nograd(name, fn, samples):
    return OpInfo(name, fn, _samples(*samples), grad=False, gradcheck=False)


# ---------------------------------------------------------------------------- reshapes

register(
    _op(
        "view",
        lambda m, x, shape: x.view(shape),
        [
            Sample((arr(2, 3, 4),), {"shape": (6, 4)}, "merge"),
            Sample((arr(2, 3, 4),), {"shape": (-1,)}, "flat"),
            Sample((arr(2, 6),), {"shape": (2, -1, 3)}, "infer"),
            Sample((arr(),), {"shape": (1, 1)}, "0d"),
            Sample((arr(1),), {"shape": ()}, "to_0d"),
            Sample((arr(0, 3),), {"shape": (3, 0)}, "empty"),
        ],
        [Sample((f64(2, 3),), {"shape": (3, 2)})],
    ),
    _op(
        "view_varargs_noncontig",
        lambda m, x: x.mT.view(4, 1, 3).view(-1, 3),
        [Sample((arr(3, 4),))],
    ),
    _op(
        "reshape",
        lambda m, x, shape: m.reshape(x, shape),
        [
            Sample((arr(2, 3, 4),), {"shape": (4, -1)}, "infer"),
            Sample((arr(),), {"shape": (1,)}, "0d"),
            Sample((arr(0, 4),), {"shape": (2, 0, 2)}, "empty"),
        ],
        [Sample((f64(2, 3),), {"shape": (6,)})],
    ),
    _op(
        "reshape_noncontig_copy",
        lambda m, x: x.mT.reshape(-1),
        [Sample((arr(3, 4),))],
        [Sample((f64(3, 4),))],
    ),
    _op(
        "view_as_reshape_as",
        lambda m, x, y: (x.view_as(y), x.mT.reshape_as(y.mT)),
        [Sample((arr(2, 6), arr(3, 4)))],
    ),
    _op(
        "flatten",
        lambda m, x, **kw: m.flatten(x, **kw),
        [
            Sample((arr(2, 3, 4),), {}, "all"),
            Sample((arr(2, 3, 4),), {"start_dim": 1}, "start"),
            Sample((arr(2, 3, 4, 2),), {"start_dim": -3, "end_dim": -2}, "neg_dims"),
            Sample((arr(),), {}, "0d"),
            Sample((arr(3, 4),), {"start_dim": 1, "end_dim": 1}, "same_dim"),
        ],
        [Sample((f64(2, 3, 2),), {"start_dim": 1})],
    ),
    _op("flatten_noncontig", lambda m, x: x.mT.flatten(), [Sample((arr(3, 4),))]),
    _op(
        "unflatten",
        lambda m, x, dim, sizes: x.unflatten(dim, sizes),
        [
            Sample((arr(2, 6),), {"dim": 1, "sizes": (3, 2)}, "dim1"),
            Sample((arr(6, 2),), {"dim": -2, "sizes": (-1, 3)}, "infer"),
        ],
        [Sample((f64(2, 6),), {"dim": 1, "sizes": (2, 3)})],
    ),
    _op(
        "squeeze",
        lambda m, x, **kw: m.squeeze(x, **kw),
        [
            Sample((arr(1, 3, 1, 2),), {}, "all"),
            Sample((arr(1, 3, 1, 2),), {"dim": 2}, "dim"),
            Sample((arr(1, 3, 1, 2),), {"dim": -4}, "neg_dim"),
            Sample((arr(1, 3, 1, 2),), {"dim": 1}, "not_one"),
            Sample((arr(1, 3, 1, 2),), {"dim": (0, 2)}, "dims"),
            Sample((arr(),), {"dim": 0}, "0d"),
            Sample((arr(1, 1),), {}, "to_0d"),
        ],
        [Sample((f64(1, 3, 1),), {"dim": (0, 2)})],
    ),
    _op(
        "unsqueeze",
        lambda m, x, dim: x.unsqueeze(dim),
        [
            Sample((arr(2, 3),), {"dim": 0}, "front"),
            Sample((arr(2, 3),), {"dim": -1}, "back"),
            Sample((arr(2, 3),), {"dim": 1}, "middle"),
            Sample((arr(),), {"dim": 0}, "0d"),
        ],
        [Sample((f64(2, 3),), {"dim": -2})],
    ),
)

# ---------------------------------------------------------------------------- permutations

register(
    _op(
        "permute",
        lambda m, x, dims: m.permute(x, dims),
        [
            Sample((arr(2, 3, 4),), {"dims": (2, 0, 1)}, "3d"),
            Sample((arr(2, 3, 4),), {"dims": (-1, -3, -2)}, "neg"),
            Sample((arr(),), {"dims": ()}, "0d"),
        ],
        [Sample((f64(2, 3, 2),), {"dims": (1, 2, 0)})],
    ),
    _op(
        "Tensor.permute_varargs",
        lambda m, x: x.permute(1, 0).permute([1, 0]).permute(1, 0),
        [Sample((arr(2, 5),))],
    ),
    _op(
        "transpose",
        lambda m, x, d0, d1: m.transpose(x, d0, d1),
        [
            Sample((arr(2, 3, 4), 0, 2), name="3d"),
            Sample((arr(2, 3), -1, -2), name="neg"),
            Sample((arr(2, 3), 1, 1), name="same"),
            Sample((arr(), 0, -1), name="0d"),
        ],
        [Sample((f64(2, 3, 2), 0, 2))],
    ),
    _op(
        "t",
        lambda m, x: m.t(x),
        [
            Sample((arr(2, 3),), name="2d"),
            Sample((arr(3),), name="1d"),
            Sample((arr(),), name="0d"),
        ],
        [Sample((f64(2, 3),))],
    ),
    _op(
        "swapaxes_swapdims",
        lambda m, x: (m.swapaxes(x, 0, 2), x.swapdims(-1, 1)),
        [Sample((arr(2, 3, 4),))],
        [Sample((f64(2, 1, 3),))],
    ),
    _op(
        "movedim",
        lambda m, x, s, d: m.movedim(x, s, d),
        [
            Sample((arr(2, 3, 4), 0, -1), name="int"),
            Sample((arr(2, 3, 4, 5), (0, 1), (3, 0)), name="tuple"),
            Sample((arr(2, 3, 4), (-1, 0), (0, -1)), name="neg"),
        ],
        [Sample((f64(2, 3, 2), (0, 1), (2, 0)))],
    ),
    _op("mT_T", lambda m, x: (x.mT, x.T, x.mT.T), [Sample((arr(3, 4),))]),
)

# ---------------------------------------------------------------------------- broadcasts, repeats

register(
    _op(
        "expand",
        lambda m, x, sizes: x.expand(*sizes),
        [
            Sample((arr(3, 1),), {"sizes": (3, 4)}, "basic"),
            Sample((arr(3, 1),), {"sizes": (2, -1, 4)}, "lead"),
            Sample((arr(),), {"sizes": (2, 3)}, "0d"),
            Sample((arr(1, 3),), {"sizes": (0, 3)}, "to_empty"),
            Sample((arr(2, 3),), {"sizes": (2, 3)}, "same"),
        ],
        [Sample((f64(3, 1),), {"sizes": (2, 3, 4)})],
    ),
    _op(
        "expand_as_broadcast_to",
        lambda m, x, y: (x.expand_as(y), m.broadcast_to(x, (2, 3, 4))),
        [Sample((arr(3, 1), arr(3, 4)))],
        [Sample((f64(1, 4), f64(3, 4)))],
    ),
    _op("expand_noncontig", lambda m, x: x.mT.expand(2, 4, 3), [Sample((arr(3, 4),))]),
    _op(
        "broadcast_tensors",
        lambda m, x, y, z: m.broadcast_tensors(x, y, z),
        [Sample((arr(3, 1), arr(4), arr(2, 1, 1)))],
        [Sample((f64(3, 1), f64(2), f64()))],
    ),
    _op(
        "repeat",
        lambda m, x, sizes: x.repeat(*sizes),
        [
            Sample((arr(2, 3),), {"sizes": (2, 1)}, "2d"),
            Sample((arr(2, 3),), {"sizes": (3, 1, 2)}, "lead"),
            Sample((arr(),), {"sizes": (2, 3)}, "0d"),
            Sample((arr(2, 3),), {"sizes": (0, 2)}, "zero"),
        ],
        [Sample((f64(2, 3),), {"sizes": (2, 1, 2)})],
    ),
    _op(
        "tile",
        lambda m, x, dims: m.tile(x, dims),
        [
            Sample((arr(2, 3),), {"dims": (2,)}, "short"),
            Sample((arr(2, 3),), {"dims": (2, 2, 1)}, "long"),
        ],
        [Sample((f64(2, 3),), {"dims": (2,)})],
    ),
    nograd(
        "repeat_int_bool",
        lambda m, x: (x.repeat(2, 1), (x > 0).expand(2, 3, 4)),
        [Sample((iarr(3, 4),))],
    ),
)

# ---------------------------------------------------------------------------- flips, rolls

register(
    _op(
        "flip",
        lambda m, x, dims: m.flip(x, dims),
        [
            Sample((arr(2, 3, 4),), {"dims": (0, 2)}, "two"),
            Sample((arr(2, 3),), {"dims": (-1,)}, "neg"),
            Sample((arr(2, 3),), {"dims": ()}, "none"),
            Sample((arr(),), {"dims": (0,)}, "0d"),
        ],
        [Sample((f64(2, 3),), {"dims": (0, 1)})],
    ),
    _op(
        "fliplr_flipud",
        lambda m, x: (m.fliplr(x), m.flipud(x), x.mT.fliplr()),
        [Sample((arr(2, 3),))],
        [Sample((f64(2, 3),))],
    ),
    _op(
        "roll",
        lambda m, x, shifts, dims: m.roll(x, shifts, dims),
        [
            Sample((arr(2, 3, 4),), {"shifts": 1, "dims": 0}, "int"),
            Sample((arr(2, 3, 4),), {"shifts": (-1, 5), "dims": (2, 1)}, "two"),
            Sample((arr(3, 4),), {"shifts": 5, "dims": None}, "flat"),
        ],
        [
            Sample((f64(3, 4),), {"shifts": (1, -2), "dims": (0, 1)}),
            Sample((f64(3, 2),), {"shifts": 2, "dims": None}),
        ],
    ),
    _op(
        "rot90",
        lambda m, x, k, dims: m.rot90(x, k, dims),
        [
            Sample((arr(2, 3),), {"k": 1, "dims": (0, 1)}, "k1"),
            Sample((arr(2, 3),), {"k": 2, "dims": (0, 1)}, "k2"),
            Sample((arr(2, 3, 4),), {"k": -1, "dims": (2, 0)}, "k-1"),
            Sample((arr(2, 3),), {"k": 4, "dims": (1, 0)}, "k4"),
        ],
        [Sample((f64(2, 3),), {"k": 3, "dims": (0, 1)})],
    ),
)

# ---------------------------------------------------------------------------- joins

register(
    _op(
        "cat",
        lambda m, x, y, dim: m.cat([x, y], dim),
        [
            Sample((arr(2, 3), arr(4, 3)), {"dim": 0}, "dim0"),
            Sample((arr(2, 3), arr(2, 1)), {"dim": -1}, "neg"),
            Sample((arr(0, 3), arr(2, 3)), {"dim": 0}, "empty"),
        ],
        [Sample((f64(2, 3), f64(1, 3)), {"dim": 0})],
    ),
    _op("cat_promote", lambda m, x, y: m.cat((x, y.double()), 1), [Sample((arr(2, 3), arr(2, 2)))]),
    _op("cat_used_twice", lambda m, x: m.cat([x, x.mT.mT, x], 1), [Sample((arr(2, 3),))]),
    _op("cat_single", lambda m, x: m.cat([x]), [Sample((arr(2, 3),))]),
    _op(
        "stack",
        lambda m, x, y, dim: m.stack([x, y], dim),
        [
            Sample((arr(2, 3), arr(2, 3)), {"dim": 0}, "dim0"),
            Sample((arr(2, 3), arr(2, 3)), {"dim": -1}, "neg"),
            Sample((arr(), arr()), {"dim": 0}, "0d"),
        ],
        [Sample((f64(2, 3), f64(2, 3)), {"dim": 1})],
    ),
    _op(
        "hstack",
        lambda m, x, y: m.hstack([x, y]),
        [
            Sample((arr(2, 3), arr(2, 1)), name="2d"),
            Sample((arr(3), arr(2)), name="1d"),
            Sample((arr(), arr(2)), name="0d"),
        ],
        [Sample((f64(2, 3), f64(2, 1)))],
    ),
    _op(
        "vstack",
        lambda m, x, y: m.vstack((x, y)),
        [
            Sample((arr(2, 3), arr(1, 3)), name="2d"),
            Sample((arr(3), arr(3)), name="1d"),
            Sample((arr(), arr()), name="0d"),
        ],
        [Sample((f64(3), f64(1, 3)))],
    ),
    _op(
        "dstack",
        lambda m, x, y: m.dstack([x, y]),
        [
            Sample((arr(2, 3), arr(2, 3)), name="2d"),
            Sample((arr(3), arr(3)), name="1d"),
            Sample((arr(2, 3, 1), arr(2, 3, 2)), name="3d"),
        ],
        [Sample((f64(2, 2), f64(2, 2)))],
    ),
    nograd(
        "cat_int_bool",
        lambda m, x: (m.cat([x, x]), m.stack([x > 0, x < 0], 1)),
        [Sample((iarr(2, 3),))],
    ),
)

# ---------------------------------------------------------------------------- splits, slices

register(
    _op(
        "split",
        lambda m, x, s, dim: m.split(x, s, dim),
        [
            Sample((arr(5, 3),), {"s": 2, "dim": 0}, "size"),
            Sample((arr(5, 3),), {"s": [1, 0, 4], "dim": 0}, "sections"),
            Sample((arr(3, 5),), {"s": 5, "dim": -1}, "whole"),
            Sample((arr(3, 5),), {"s": 7, "dim": -1}, "bigger"),
        ],
        [Sample((f64(5, 2),), {"s": 2, "dim": 0})],
    ),
    _op("Tensor.split", lambda m, x: x.split([2, 1], 1), [Sample((arr(2, 3),))]),
    _op(
        "chunk",
        lambda m, x, chunks, dim: m.chunk(x, chunks, dim),
        [
            Sample((arr(5, 3),), {"chunks": 2, "dim": 0}, "uneven"),
            Sample((arr(6, 3),), {"chunks": 4, "dim": 0}, "fewer"),
            Sample((arr(2, 3),), {"chunks": 5, "dim": 1}, "more_than_size"),
        ],
        [Sample((f64(5, 2),), {"chunks": 3, "dim": 0})],
    ),
    _op(
        "tensor_split",
        lambda m, x, s, dim: m.tensor_split(x, s, dim),
        [
            Sample((arr(7, 2),), {"s": 3, "dim": 0}, "sections"),
            Sample((arr(2, 7),), {"s": [1, 5], "dim": 1}, "indices"),
            Sample((arr(2, 7),), {"s": [4, 2, 9], "dim": -1}, "unsorted_indices"),
            Sample((arr(2, 3),), {"s": 5, "dim": 1}, "more_sections"),
        ],
        [Sample((f64(5, 2),), {"s": [1, 3], "dim": 0})],
    ),
    _op(
        "unbind",
        lambda m, x, dim: m.unbind(x, dim),
        [Sample((arr(3, 2),), {"dim": 0}, "dim0"), Sample((arr(2, 3, 2),), {"dim": -2}, "neg")],
        [Sample((f64(2, 3),), {"dim": 1})],
    ),
    _op(
        "narrow",
        lambda m, x, dim, start, length: m.narrow(x, dim, start, length),
        [
            Sample((arr(5, 3),), {"dim": 0, "start": 1, "length": 3}, "dim0"),
            Sample((arr(3, 5),), {"dim": -1, "start": -2, "length": 2}, "neg_start"),
            Sample((arr(3, 5),), {"dim": 1, "start": 5, "length": 0}, "empty"),
        ],
        [Sample((f64(3, 4),), {"dim": 1, "start": 1, "length": 2})],
    ),
    _op(
        "select",
        lambda m, x, dim, index: m.select(x, dim, index),
        [
            Sample((arr(3, 4),), {"dim": 0, "index": 1}, "dim0"),
            Sample((arr(3, 4),), {"dim": -1, "index": -1}, "neg"),
            Sample((arr(3),), {"dim": 0, "index": 2}, "to_0d"),
        ],
        [Sample((f64(3, 4),), {"dim": 1, "index": 2})],
    ),
    _op("select_noncontig", lambda m, x: x.mT.select(0, 1), [Sample((arr(3, 4),))]),
)

# ---------------------------------------------------------------------------- copies

register(
    _op(
        "clone",
        lambda m, x: m.clone(x),
        [
            Sample((arr(2, 3),), name="2d"),
            Sample((arr(),), name="0d"),
            Sample((arr(0, 2),), name="empty"),
        ],
        [Sample((f64(2, 3),))],
    ),
    _op("clone_noncontig", lambda m, x: x.mT.clone(), [Sample((arr(3, 4),))]),
    _op(
        "contiguous",
        lambda m, x: (x.contiguous(), x.mT.contiguous(), x[:, ::2].contiguous()),
        [Sample((arr(3, 4),))],
        [Sample((f64(3, 4),))],
    ),
    nograd(
        "clone_int_bool",
        lambda m, x: (x.clone(), (x > 0).clone(), x.mT.contiguous()),
        [Sample((iarr(3, 4),))],
    ),
)
