"""Bad arguments to shape and indexing ops raise the exception type PyTorch raises."""

from __future__ import annotations

import numpy as np
import pytest

from ..oracle import check_error

X = np.arange(12, dtype=np.float32).reshape(3, 4)
I = np.array([[0, 1], [2, 0]], dtype=np.int64)


def _t(m, a):
    return m.tensor(a)


INDEXING = {
    "gather_float_index": lambda m, x: x.gather(0, _t(m, I).float()),
    "gather_ndim": lambda m, x: x.gather(0, _t(m, [1])),
    "gather_index_too_big": lambda m, x: x.gather(0, m.zeros(2, 5, dtype=m.int64)),
    "gather_out_of_range": lambda m, x: x.gather(0, _t(m, [[3]])),
    "gather_negative": lambda m, x: x.gather(1, _t(m, [[-1]])),
    "gather_dim": lambda m, x: x.gather(2, _t(m, I)),
    "scatter_dtype": lambda m, x: x.scatter(0, _t(m, I), m.ones(2, 2, dtype=m.float64)),
    "scatter_src_small": lambda m, x: x.scatter(0, _t(m, I), m.ones(1, 2)),
    "scatter_out_of_range": lambda m, x: x.scatter(0, _t(m, [[3]]), m.ones(1, 1)),
    "scatter_float_index": lambda m, x: x.scatter(0, _t(m, I).float(), m.ones(2, 2)),
    "scatter_ndim": lambda m, x: x.scatter(0, _t(m, [1]), m.ones(1, 1)),
    "scatter_value_ndim": lambda m, x: x.scatter(0, _t(m, [1]), 1.0),
    "scatter_bad_reduce": lambda m, x: x.scatter(0, _t(m, I), 1.0, reduce="sum"),
    "scatter_add_out_of_range": lambda m, x: x.scatter_add(1, _t(m, [[4]]), m.ones(1, 1)),
    "scatter_add_dtype": lambda m, x: x.scatter_add(0, _t(m, I), m.ones(2, 2).double()),
    "scatter_reduce_bad": lambda m, x: x.scatter_reduce(0, _t(m, I), m.ones(2, 2), "foo"),
    "scatter_reduce_negative": lambda m, x: x.scatter_reduce(0, -_t(m, I) - 1, m.ones(2, 2), "sum"),
    "index_select_float": lambda m, x: x.index_select(0, _t(m, [0.0])),
    "index_select_2d": lambda m, x: x.index_select(0, _t(m, [[0]])),
    "index_select_out_of_range": lambda m, x: x.index_select(0, _t(m, [3])),
    "index_select_negative": lambda m, x: x.index_select(0, _t(m, [-1])),
    "index_select_0d_input": lambda m, x: x[0, 0].index_select(0, _t(m, [0, 0])),
    "index_add_out_of_range": lambda m, x: x.index_add(0, _t(m, [5]), m.ones(1, 4)),
    "index_add_negative": lambda m, x: x.index_add(0, _t(m, [-1]), m.ones(1, 4)),
    "index_add_shape": lambda m, x: x.index_add(0, _t(m, [1]), m.ones(1, 3)),
    "index_add_numel": lambda m, x: x.index_add(0, _t(m, [1, 2]), m.ones(1, 4)),
    "index_add_dtype": lambda m, x: x.index_add(0, _t(m, [1]), m.ones(1, 4).double()),
    "index_add_float_index": lambda m, x: x.index_add(0, _t(m, [1.0]), m.ones(1, 4)),
    "index_add_2d_index": lambda m, x: x.index_add(0, _t(m, [[1]]), m.ones(1, 4)),
    "index_copy_out_of_range": lambda m, x: x.index_copy(0, _t(m, [5]), m.ones(1, 4)),
    "index_copy_numel": lambda m, x: x.index_copy(0, _t(m, [1, 2]), m.ones(1, 4)),
    "index_copy_int32_index": lambda m, x: x.index_copy(0, _t(m, [1]).int(), m.ones(1, 4)),
    "index_copy_dtype": lambda m, x: x.index_copy(0, _t(m, [1]), m.ones(1, 4).double()),
    "index_copy_slice_shape": lambda m, x: x.index_copy(0, _t(m, [1]), m.ones(1, 3)),
    "index_copy_2d_index": lambda m, x: x.index_copy(0, _t(m, [[1]]), m.ones(1, 4)),
    "index_fill_out_of_range": lambda m, x: x.index_fill(0, _t(m, [3]), 1.0),
    "index_fill_1d_value": lambda m, x: x.index_fill(0, _t(m, [1]), m.ones(1)),
    "index_fill_float_index": lambda m, x: x.index_fill(0, _t(m, [1.0]), 1.0),
    "index_fill_2d_index": lambda m, x: x.index_fill(0, _t(m, [[1]]), 1.0),
    "masked_select_not_bool": lambda m, x: x.masked_select(x.long()),
    "masked_select_broadcast": lambda m, x: x.masked_select(m.ones(5, dtype=m.bool)),
    "masked_scatter_few": lambda m, x: x.masked_scatter(x > 2, m.ones(3)),
    "masked_scatter_dtype": lambda m, x: x.masked_scatter(x > 2, m.ones(20).double()),
    "masked_scatter_not_bool": lambda m, x: x.masked_scatter(x.long(), m.ones(20)),
    "take_float_index": lambda m, x: m.take(x, _t(m, [1.0])),
    "take_int32_index": lambda m, x: m.take(x, _t(m, [1]).int()),
    "take_out_of_range": lambda m, x: m.take(x, _t(m, [12])),
    "take_negative_out_of_range": lambda m, x: m.take(x, _t(m, [-13])),
    "take_along_dim_ndim": lambda m, x: m.take_along_dim(x, _t(m, [1]), 0),
    "take_along_dim_float": lambda m, x: m.take_along_dim(x, _t(m, [[1.0]]), 0),
    "take_along_dim_dim": lambda m, x: m.take_along_dim(x, _t(m, [[1]]), 2),
    "put_out_of_range": lambda m, x: x.put(_t(m, [20]), _t(m, [1.0])),
    "put_numel": lambda m, x: x.put(_t(m, [1, 2]), _t(m, [1.0])),
    "put_dtype": lambda m, x: x.put(_t(m, [1]), _t(m, [1.0]).double()),
    "put_float_index": lambda m, x: x.put(_t(m, [1.0]), _t(m, [1.0])),
    "tril_1d": lambda m, x: m.tril(x[0]),
    "triu_0d": lambda m, x: x[0, 0].triu(),
    "diag_3d": lambda m, x: m.diag(x[None]),
    "diag_0d": lambda m, x: m.diag(x[0, 0]),
    "diagonal_same_dims": lambda m, x: m.diagonal(x, 0, 1, 1),
    "diagonal_1d": lambda m, x: m.diagonal(x[0]),
    "diagonal_dim": lambda m, x: m.diagonal(x, 0, 0, 2),
    "diag_embed_same_dims": lambda m, x: m.diag_embed(x, 0, 1, 1),
    "diag_embed_dim": lambda m, x: m.diag_embed(x, 0, 0, 3),
    "diagonal_scatter_shape": lambda m, x: m.diagonal_scatter(x, m.ones(2)),
    "unfold_size": lambda m, x: x.unfold(1, 5, 1),
    "unfold_step": lambda m, x: x.unfold(1, 2, 0),
    "unfold_negative_size": lambda m, x: x.unfold(1, -1, 1),
    "unfold_dim": lambda m, x: x.unfold(2, 1, 1),
    "searchsorted_shapes": lambda m, x: m.searchsorted(x, m.ones(2, 3)),
    "searchsorted_side_right": lambda m, x: m.searchsorted(x[0], x[0], right=True, side="left"),
    "searchsorted_bad_side": lambda m, x: m.searchsorted(x[0], x[0], side="middle"),
    "searchsorted_0d": lambda m, x: m.searchsorted(x[0, 0], x[0]),
    "searchsorted_scalar_nd": lambda m, x: m.searchsorted(x, 1.0),
    "searchsorted_sorter_dtype": lambda m, x: m.searchsorted(x[0], x[0], sorter=x[0]),
    "searchsorted_sorter_shape": lambda m, x: m.searchsorted(x[0], x[0], sorter=_t(m, [0, 1])),
    "bucketize_2d": lambda m, x: m.bucketize(x[0], x),
    "repeat_interleave_negative": lambda m, x: m.repeat_interleave(x, -1),
    "repeat_interleave_negative_tensor": lambda m, x: m.repeat_interleave(
        x, _t(m, [1, -1, 1]), dim=0
    ),
    "repeat_interleave_length": lambda m, x: m.repeat_interleave(x, _t(m, [1, 2]), dim=0),
    "repeat_interleave_float": lambda m, x: m.repeat_interleave(x, _t(m, [1.0, 1, 1]), dim=0),
    "repeat_interleave_2d": lambda m, x: m.repeat_interleave(x, _t(m, [[1, 1, 1]]), dim=0),
    "repeat_interleave_only_2d": lambda m, x: m.repeat_interleave(_t(m, [[1, 2]])),
    "repeat_interleave_output_size": lambda m, x: m.repeat_interleave(
        x, _t(m, [1, 1, 2]), dim=0, output_size=5
    ),
    "repeat_interleave_dim": lambda m, x: x.repeat_interleave(2, dim=2),
    "meshgrid_2d": lambda m, x: m.meshgrid(x, x, indexing="ij"),
    "meshgrid_dtypes": lambda m, x: m.meshgrid(x[0], x[0].double(), indexing="ij"),
    "meshgrid_empty": lambda m, x: m.meshgrid(indexing="ij"),
    "meshgrid_indexing": lambda m, x: m.meshgrid(x[0], indexing="xx"),
    "index_put_out_of_range": lambda m, x: x.index_put((_t(m, [5]),), _t(m, 1.0)),
    "index_put_shape": lambda m, x: x.index_put((_t(m, [0, 1]),), m.ones(3)),
}

SHAPE = {
    "view_noncontig": lambda m, x: x.mT.view(12),
    "view_size": lambda m, x: x.view(5, 2),
    "view_two_infer": lambda m, x: x.view(-1, -1),
    "view_negative": lambda m, x: x.view(-2, 6),
    "reshape_size": lambda m, x: x.reshape(5, -1),
    "reshape_empty_infer": lambda m, x: x[:0].reshape(0, -1),
    "flatten_order": lambda m, x: x.flatten(1, 0),
    "flatten_dim": lambda m, x: x.flatten(0, 2),
    "unflatten_sizes": lambda m, x: x.unflatten(1, (3, 2)),
    "squeeze_dim": lambda m, x: x.squeeze(2),
    "unsqueeze_dim": lambda m, x: x.unsqueeze(3),
    "permute_length": lambda m, x: x.permute(0),
    "permute_duplicate": lambda m, x: x.permute(0, 0),
    "permute_dim": lambda m, x: x.permute(0, 2),
    "transpose_dim": lambda m, x: x.transpose(0, 2),
    "t_3d": lambda m, x: x[None].t(),
    "mT_1d": lambda m, x: x[0].mT,
    "movedim_lengths": lambda m, x: x.movedim((0, 1), (0,)),
    "movedim_duplicate": lambda m, x: x.movedim((0, 0), (0, 1)),
    "movedim_duplicate_destination": lambda m, x: x.movedim((0, 1), (1, -1)),
    "movedim_dim": lambda m, x: x.movedim(0, 2),
    "expand_fewer": lambda m, x: x.expand(4),
    "expand_mismatch": lambda m, x: x.expand(2, 4),
    "expand_negative_lead": lambda m, x: x.expand(-1, 3, 4),
    "broadcast_to": lambda m, x: m.broadcast_to(x, (3, 5)),
    "broadcast_tensors": lambda m, x: m.broadcast_tensors(x, x[:2]),
    "repeat_fewer": lambda m, x: x.repeat(2),
    "tile_negative": lambda m, x: x.tile((-1, 1)),
    "flip_dim": lambda m, x: x.flip(2),
    "flip_duplicate": lambda m, x: x.flip((0, 0)),
    "fliplr_1d": lambda m, x: x[0].fliplr(),
    "flipud_0d": lambda m, x: x[0, 0].flipud(),
    "roll_mismatch": lambda m, x: x.roll((1, 2), (0,)),
    "roll_dim": lambda m, x: x.roll(1, 2),
    "rot90_same_dims": lambda m, x: x.rot90(1, (0, 0)),
    "rot90_1d": lambda m, x: x[0].rot90(),
    "rot90_three_dims": lambda m, x: x.rot90(1, (0, 1, 1)),
    "roll_no_shifts": lambda m, x: x.roll((), ()),
    "cat_empty": lambda m, x: m.cat([]),
    "cat_tensor": lambda m, x: m.cat(x),
    "cat_ndim": lambda m, x: m.cat([x, x[0]]),
    "cat_sizes": lambda m, x: m.cat([x, x[:, :2]], 0),
    "cat_0d": lambda m, x: m.cat([x[0, 0], x[0, 1]]),
    "cat_dim": lambda m, x: m.cat([x, x], 2),
    "stack_sizes": lambda m, x: m.stack([x, x[:2]]),
    "stack_dim": lambda m, x: m.stack([x, x], 3),
    "stack_empty": lambda m, x: m.stack([]),
    "split_sections": lambda m, x: x.split([1, 1], 0),
    "split_zero": lambda m, x: x.split(0),
    "chunk_zero": lambda m, x: x.chunk(0),
    "tensor_split_zero": lambda m, x: x.tensor_split(0),
    "narrow_range": lambda m, x: x.narrow(0, 2, 2),
    "narrow_negative_length": lambda m, x: x.narrow(0, 0, -1),
    "narrow_0d": lambda m, x: x[0, 0].narrow(0, 0, 1),
    "select_range": lambda m, x: x.select(1, 4),
    "select_0d": lambda m, x: x[0, 0].select(0, 0),
    "unbind_dim": lambda m, x: x.unbind(2),
}


@pytest.mark.parametrize("name", list(INDEXING))
def test_indexing_errors(name):
    check_error(INDEXING[name], X.copy())


@pytest.mark.parametrize("name", list(SHAPE))
def test_shape_errors(name):
    check_error(SHAPE[name], X.copy())


def test_messages_name_shapes_and_indices():
    msg = check_error(INDEXING["gather_index_too_big"], X.copy())
    assert "[2, 5]" in msg and "[3, 4]" in msg
    msg = check_error(INDEXING["gather_out_of_range"], X.copy())
    assert "index 3 is out of bounds for dimension 0 with size 3" in msg
    msg = check_error(INDEXING["index_add_shape"], X.copy())
    assert "[3, 4]" in msg and "[1, 3]" in msg
    msg = check_error(INDEXING["take_out_of_range"], X.copy())
    assert "index 12" in msg and "12 elements" in msg
    msg = check_error(SHAPE["cat_sizes"], X.copy())
    assert "Expected size 4 but got size 2" in msg
