"""``x[idx]`` and ``x[idx] = v`` against torch: values, gradients, views and errors."""

from __future__ import annotations

import numpy as np
import pytest
import torch
from hypothesis import given, settings
from hypothesis import strategies as st

import ember

from ..oracle import check, check_error, check_gradcheck

A = np.arange(60, dtype=np.float32).reshape(3, 4, 5) / 7 - 3
MASK_01 = A[:, :, 0] > -1  # (3, 4)
MASK_0 = np.array([True, False, True])


# ---------------------------------------------------------------------------- reading

READ = {
    "int": lambda m, x: x[1],
    "neg_int": lambda m, x: x[-1, -2],
    "slice": lambda m, x: x[1:, :3],
    "slice_step": lambda m, x: x[::2, 1::2, 1:4:3],
    "slice_beyond": lambda m, x: x[1:10, -10:2],
    "slice_empty": lambda m, x: x[2:1],
    "none": lambda m, x: x[None, 0, None],
    "ellipsis": lambda m, x: x[..., 0],
    "ellipsis_mid": lambda m, x: x[0, ..., 1],
    "ellipsis_none": lambda m, x: x[..., None],
    "int_list": lambda m, x: x[[0, 2]],
    "list_slice": lambda m, x: x[[0, 2], :, 1:3],
    "tensor_none": lambda m, x: x[:, m.tensor([0, 3, 3]), None],
    "dup_tensor": lambda m, x: x[m.tensor([0, 0, 2, 0])],
    "neg_tensor": lambda m, x: x[m.tensor([-1, 0])],
    "int32_index": lambda m, x: x[m.tensor([2, 1], dtype=m.int32)],
    "tensor_2d": lambda m, x: x[m.tensor([[0, 1], [2, 2]])],
    "slice_then_tensor_2d": lambda m, x: x[:, m.tensor([[0, -1], [1, 1]])],
    "slice_then_tensor_dups": lambda m, x: x[:, :, m.tensor([4, 0, 4, -1])],
    "broadcast_pair": lambda m, x: x[m.tensor([[0], [2]]), m.tensor([1, 3, 0])],
    "separated": lambda m, x: x[m.tensor([0, 2]), :, m.tensor([1, 4])],
    "adjacent_mid": lambda m, x: x[:, m.tensor([1, 3]), m.tensor([0, 4])],
    "int_and_list": lambda m, x: x[1, [0, 1], [2, 3]],
    "0d_tensor": lambda m, x: x[m.tensor(1)],
    "mask_full": lambda m, x: x[x > 0],
    "mask_01": lambda m, x: x[m.tensor(MASK_01)],
    "mask_0_then_int": lambda m, x: x[m.tensor(MASK_0), 0],
    "mask_0_slice": lambda m, x: x[m.tensor(MASK_0), 1:3],
    "mask_list": lambda m, x: x[[True, False, True]],
    "mask_after_slice": lambda m, x: x[:, m.tensor([True, False, True, True])],
    "bool_scalar": lambda m, x: x[True],
    "empty_tensor": lambda m, x: x[m.tensor([], dtype=m.int64)],
    "noncontig": lambda m, x: x.mT[1, [0, 2]],
    "noncontig_slice": lambda m, x: x.transpose(0, 2)[::2, 1],
    "chain": lambda m, x: x[1:][:, [0, 2]][..., 1],
    "used_twice": lambda m, x: x[0] * x[1] + x[[0, 0]].sum(0),
    "slice_tensors_as_bounds": lambda m, x: x[m.tensor(1) : m.tensor(3)],
}


@pytest.mark.parametrize("name", list(READ))
def test_getitem(name):
    check(READ[name], A.copy())


def test_getitem_0d():
    s = np.array(2.5, dtype=np.float32)
    check(lambda m, x: (x[None], x[...], x[m.tensor(True)], x[None, ..., None]), s)


def test_getitem_int_and_bool_tensors():
    ints = np.arange(12).reshape(3, 4)
    check(lambda m, x: (x[1, ::2], x[[0, 2], 1], x[x > 5]), ints, grad=False)
    check(lambda m, x: (x > 5)[1:, [0, 3]], ints, grad=False)


@pytest.mark.parametrize(
    "name",
    [
        "int",
        "slice_step",
        "list_slice",
        "broadcast_pair",
        "mask_0_then_int",
        "dup_tensor",
        "separated",
    ],
)
def test_getitem_gradcheck(name):
    small = np.linspace(-1, 1, 12).reshape(3, 2, 2)
    keys = {
        "int": lambda m, x: x[1],
        "slice_step": lambda m, x: x[::2, 1:],
        "list_slice": lambda m, x: x[[0, 2], :, 1:],
        "broadcast_pair": lambda m, x: x[m.tensor([[0], [2]]), m.tensor([1, 0, 1])],
        "mask_0_then_int": lambda m, x: x[m.tensor(MASK_0), 0],
        "dup_tensor": lambda m, x: x[m.tensor([0, 0, 2])],
        "separated": lambda m, x: x[m.tensor([0, 2]), :, m.tensor([1, 0])],
    }
    check_gradcheck(keys[name], small)


# ---------------------------------------------------------------------------- writing


def _setter(key_fn):
    def fn(m, x, v):
        y = x * 1
        y[key_fn(m, y)] = v
        return y

    return fn


WRITE = {
    # name: (key, value shape)
    "int": (lambda m, y: 1, (4, 5)),
    "int_broadcast": (lambda m, y: 1, (5,)),
    "neg_int_pair": (lambda m, y: (-1, -2), (5,)),
    "slice_step": (lambda m, y: (slice(None, None, 2), slice(1, None, 2)), (2, 2, 5)),
    "ellipsis": (lambda m, y: (Ellipsis, 0), (3, 4)),
    "none": (lambda m, y: (None, 0), (1, 4, 5)),
    "lead_ones": (lambda m, y: (0, 0), (1, 5)),
    "lead_ones_broadcast": (lambda m, y: (0, 0), (1, 1)),
    "lead_ones_advanced": (lambda m, y: ([0, 2], 1), (1, 1, 5)),
    "int_list": (lambda m, y: [0, 2], (2, 4, 5)),
    "list_slice": (lambda m, y: ([0, 2], slice(None), slice(1, 3)), (2, 4, 2)),
    "tensor_bcast_value": (lambda m, y: (slice(None), m.tensor([3, 0])), (5,)),
    "broadcast_pair": (lambda m, y: (m.tensor([[0], [2]]), m.tensor([1, 3, 0])), (3, 5)),
    "mask_01": (lambda m, y: m.tensor(MASK_01), (int(MASK_01.sum()), 5)),
    "mask_01_bcast": (lambda m, y: m.tensor(MASK_01), (5,)),
    "mask_0_int": (lambda m, y: (m.tensor(MASK_0), 0), (2, 5)),
    "mask_scalar_value": (lambda m, y: m.tensor(A > 1), ()),
    "scalar_0d_value": (lambda m, y: (0, slice(1, 3)), ()),
    "noncontig_value": (lambda m, y: 1, (5, 4)),  # transposed in the test
}


@pytest.mark.parametrize("name", list(WRITE))
def test_setitem_grads(name):
    key, vshape = WRITE[name]
    v = np.random.default_rng(3).standard_normal(vshape).astype(np.float32)
    if name == "noncontig_value":
        check(lambda m, x, w: _setter(key)(m, x, w.mT), A.copy(), v)
    else:
        check(_setter(key), A.copy(), v)


def test_setitem_python_scalars_and_mask_from_self():
    def fn(m, x):
        y = x * 2
        y[0] = 1.5
        y[y > 3] = 0
        y[:, 1, [0, 4]] = -1
        y[..., 2] = y[..., 2] + 10
        return y

    check(fn, A.copy())


def test_augmented_assignment_through_a_view():
    def fn(m, x):
        y = x * 2
        y[..., 2] += 10  # __iadd__ on the view y[..., 2], then __setitem__
        return y

    check(fn, A.copy())


def test_inplace_ops_on_views_flow_to_the_base():
    def fn(m, x, w):
        y = x * 1
        v = y[1:, ::2]
        v.mul_(w[1:, ::2])
        y.diagonal(0, 0, 1).mul_(3)
        t = y.transpose(0, 1)
        t[0].add_(w[:, 0])
        return y, v

    w = np.random.default_rng(3).standard_normal(A.shape).astype(np.float32)
    check(fn, A.copy(), w)


def test_setitem_value_requires_grad_target_does_not():
    def fn(m, v):
        y = m.zeros(3, 4)
        y[1] = v
        y[:, 0] = v[:3] * 2
        return y

    check(fn, np.arange(4, dtype=np.float32))


def test_setitem_then_use_both():
    def fn(m, x, v):
        y = x.sin() + 1  # sin saves x, not y: writing into y is fine
        y[[1, 2], 0] = v
        return y * x

    check(fn, A[:, :, 0].copy(), np.float32([0.5, -1.0]))


def test_setitem_gradcheck_and_gradgradcheck():
    def fn(m, x, v):
        y = x * x
        y[m.tensor([0, 2]), 1:] = v * v
        return y

    check_gradcheck(fn, np.linspace(-1, 1, 9).reshape(3, 3), np.float64([[0.5], [-1.5]]))


def test_setitem_int_and_bool_tensors():
    def fn(m, x):
        y = x.clone()
        y[0] = 7
        y[y > 8] = -1
        y[[1, 2], [0, 1]] = m.tensor([100, 200])
        b = x > 3
        b[0, 0] = True
        return y, b

    check(fn, np.arange(12).reshape(3, 4), grad=False)


def test_setitem_casts_value_to_target_dtype():
    def fn(m, x):
        y = x.clone()
        y[0] = 2.7  # float into an int tensor truncates, as in PyTorch
        y[1] = m.tensor([1.9, -1.9, 0.5, 3.0])
        return y

    check(fn, np.arange(12).reshape(3, 4), grad=False)


def test_setitem_leaf_requires_grad_raises():
    for lib in (ember, torch):
        x = lib.ones(3, requires_grad=True)
        with pytest.raises(RuntimeError, match="leaf Variable"):
            x[0] = 2.0
        with pytest.raises(RuntimeError, match="leaf Variable"):
            x[lib.tensor([True, False, True])] = lib.zeros(2)
        with lib.no_grad():
            x[0] = 5.0
        assert x[0].item() == 5.0


def test_setitem_backward_checks_version_of_saved_tensor():
    x = ember.ones(3, requires_grad=True)
    y = x * 1
    z = y.exp()  # saves its output
    z[0] = 0.0  # modifies the saved output in place
    with pytest.raises(RuntimeError, match="modified by an inplace operation"):
        z.sum().backward()


# ---------------------------------------------------------------------------- views, memory


def test_basic_index_is_a_view_sharing_version():
    x = ember.arange(12.0).reshape(3, 4)
    v = x[0]
    assert v._base is x._base or v._base is x
    before = x._version
    with ember.no_grad():
        v.add_(1)
    assert x._version > before and v._version == x._version
    assert x[0].tolist() == [1.0, 2.0, 3.0, 4.0]
    x[1:, ::2] = -1.0  # writes through a strided view
    assert x.tolist()[2] == [-1.0, 9.0, -1.0, 11.0]
    assert x[:, 1].data_ptr() == x.data_ptr() + x.element_size()


def test_advanced_index_is_a_copy():
    x = ember.arange(6.0)
    y = x[[0, 1]]
    y.add_(10)
    assert x.tolist() == [0.0, 1.0, 2.0, 3.0, 4.0, 5.0]
    m = x[x > 2]
    m.zero_()
    assert x.tolist()[3:] == [3.0, 4.0, 5.0]


VIEWS = {
    "diagonal": lambda m, x: x.diagonal(),
    "diagonal_above": lambda m, x: x.diagonal(1),
    "diagonal_swapped_dims": lambda m, x: m.diagonal(x, -1, 1, 0),
    "unfold": lambda m, x: x.unfold(1, 2, 2),
    "narrow": lambda m, x: x.narrow(1, 1, 2),
    "select": lambda m, x: x.select(0, 2),
    "getitem": lambda m, x: x[1:, ::2],
    "mT": lambda m, x: x.mT,
    "none": lambda m, x: x[..., None],
}


@pytest.mark.parametrize("name", list(VIEWS))
def test_views_write_through(name):
    x, t = ember.zeros(3, 4), torch.zeros(3, 4)
    ve, vt = VIEWS[name](ember, x), VIEWS[name](torch, t)
    assert ve._base is x and vt._base is t
    assert ve._version_counter is x._version_counter
    with ember.no_grad():
        ve.add_(1)
        ve.mul_(ember.arange(1.0, ve.shape[-1] + 1))
    vt.add_(1)
    vt.mul_(torch.arange(1.0, vt.shape[-1] + 1))
    np.testing.assert_array_equal(x.numpy(), t.numpy())
    assert x._version == ve._version > 0
    ve.fill_(7)
    vt.fill_(7)
    np.testing.assert_array_equal(x.numpy(), t.numpy())


def test_diagonal_view_setitem_and_grad():
    x = ember.zeros(3, 3)
    d = x.diagonal()
    d[1] = 5.0
    d[ember.tensor([0, 2])] = ember.tensor([1.0, 2.0])
    assert x.tolist() == [[1.0, 0.0, 0.0], [0.0, 5.0, 0.0], [0.0, 0.0, 2.0]]
    a = ember.ones(3, 3, requires_grad=True)
    (a.diagonal() * ember.tensor([1.0, 2.0, 3.0])).sum().backward()
    assert a.grad.tolist() == [[1.0, 0.0, 0.0], [0.0, 2.0, 0.0], [0.0, 0.0, 3.0]]


def test_saved_view_modified_through_base_raises():
    a = ember.ones(3, 3, requires_grad=True)
    b = a * 1
    d = b.diagonal()
    z = d * d  # saves a view of b
    with ember.no_grad():
        b.add_(1)
    with pytest.raises(RuntimeError, match="modified by an inplace operation"):
        z.sum().backward()


# ---------------------------------------------------------------------------- errors

ERRORS = {
    "int_out_of_range": lambda m, x: x[3],
    "neg_out_of_range": lambda m, x: x[0, -5],
    "list_out_of_range": lambda m, x: x[[0, 3]],
    "tensor_out_of_range": lambda m, x: x[:, m.tensor([4])],
    "too_many": lambda m, x: x[0, 0, 0],
    "float_index": lambda m, x: x[1.5],
    "float_tensor_index": lambda m, x: x[m.tensor([1.0])],
    "mask_shape": lambda m, x: x[m.tensor([True, False])],
    "neg_step": lambda m, x: x[::-1],
    "zero_d_int": lambda m, x: x[0, 0][0],
    "set_out_of_range": lambda m, x: x.__setitem__(3, 1.0),
    "set_tensor_out_of_range": lambda m, x: x.__setitem__(m.tensor([0, 5]), 1.0),
    "set_shape": lambda m, x: x.__setitem__(0, m.ones(3)),
    "set_mask_shape": lambda m, x: x.__setitem__(x > 5, m.ones(4)),
    "set_shape_recording": lambda m, x: (x.requires_grad_() * 1).__setitem__(0, m.ones(3)),
}


@pytest.mark.parametrize("name", list(ERRORS))
def test_index_errors(name):
    msg = check_error(ERRORS[name], np.arange(12, dtype=np.float32).reshape(3, 4))
    if "out_of_range" in name:
        assert "out of bounds for dimension" in msg


# ---------------------------------------------------------------------------- properties


@st.composite
def _basic_case(draw):
    shape = tuple(draw(st.lists(st.integers(0, 4), min_size=1, max_size=3)))
    key = []
    dims = list(shape)
    used_ellipsis = False
    while dims and draw(st.booleans()):
        kind = draw(st.sampled_from(["int", "slice", "none", "ellipsis"]))
        if kind == "int" and dims[0] > 0:
            key.append(draw(st.integers(-dims[0], dims[0] - 1)))
            dims.pop(0)
        elif kind == "slice":
            lo = draw(st.none() | st.integers(-6, 6))
            hi = draw(st.none() | st.integers(-6, 6))
            step = draw(st.none() | st.integers(1, 3))
            key.append(slice(lo, hi, step))
            dims.pop(0)
        elif kind == "none":
            key.append(None)
        elif kind == "ellipsis" and not used_ellipsis:
            used_ellipsis = True
            key.append(Ellipsis)
            dims = []
    return shape, tuple(key)


@settings(max_examples=50, deadline=None)
@given(_basic_case())
def test_basic_indexing_property(case):
    shape, key = case
    a = np.arange(int(np.prod(shape)), dtype=np.float32).reshape(shape)
    check(lambda m, x: x[key], a)
    check(_setter(lambda m, y: key), a, np.full((), -1.0, np.float32))


@st.composite
def _advanced_case(draw):
    shape = tuple(draw(st.lists(st.integers(1, 4), min_size=1, max_size=3)))
    n = draw(st.integers(1, 4))
    dim = draw(st.integers(0, len(shape) - 1))
    index = draw(st.lists(st.integers(-shape[dim], shape[dim] - 1), min_size=n, max_size=n))
    use_mask = draw(st.booleans())
    return shape, dim, index, use_mask


@settings(max_examples=50, deadline=None)
@given(_advanced_case())
def test_advanced_indexing_property(case):
    shape, dim, index, use_mask = case
    a = np.arange(int(np.prod(shape)), dtype=np.float32).reshape(shape) - 3
    pre = (slice(None),) * dim
    check(lambda m, x: x[pre + (m.tensor(index),)], a)
    if use_mask:
        check(lambda m, x: x[x > 0], a)
        check(_setter(lambda m, y: y > 0), a, np.full((), 2.0, np.float32))


# ---------------------------------------------------------------------------- op behaviours


def test_scatter_reduce_argument_with_tensor_src_warns_like_torch():
    x, i = np.zeros((3, 4), np.float32), np.array([[0, 1, 2, 0]], np.int64)
    outs = []
    for lib in (ember, torch):
        with pytest.warns(UserWarning, match="deprecated"):
            outs.append(lib.tensor(x).scatter(0, lib.tensor(i), lib.ones(1, 4), reduce="add"))
    np.testing.assert_array_equal(outs[0].numpy(), outs[1].numpy())


def test_meshgrid_without_indexing_warns_like_torch():
    shapes = []
    for lib in (ember, torch):
        with pytest.warns(UserWarning, match="indexing argument"):
            shapes.append([tuple(g.shape) for g in lib.meshgrid(lib.ones(2), lib.ones(3))])
    assert shapes[0] == shapes[1] == [(2, 3), (2, 3)]


@pytest.mark.parametrize(
    "call",
    [
        lambda m, x: x.scatter_(0, m.tensor([[0]]), 1.0),
        lambda m, x: x.index_fill_(0, m.tensor([0]), 1.0),
        lambda m, x: x.tril_(),
        lambda m, x: x.put_(m.tensor([0]), m.tensor([1.0])),
    ],
)
def test_inplace_ops_on_leaf_requiring_grad_raise(call):
    for lib in (ember, torch):
        x = lib.ones(2, 2, requires_grad=True)
        with pytest.raises(RuntimeError, match="leaf Variable"):
            call(lib, x)
        with lib.no_grad():
            call(lib, x)  # allowed without recording


def test_inplace_ops_return_self_and_bump_version():
    x = ember.zeros(3, 3)
    v = x._version
    assert x.index_fill_(1, ember.tensor([0]), 2.0) is x
    assert x.tril_() is x and x.triu_(1) is x
    assert x._version == v + 3
    np.testing.assert_array_equal(x.numpy(), np.zeros((3, 3)))
