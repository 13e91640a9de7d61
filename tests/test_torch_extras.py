"""torch-level names added for namespace coverage, beyond the op database: layouts and memory
formats, type queries, ``broadcast_shapes``, the deterministic debug mode, ``frombuffer`` and
DLPack, signal windows, the ATen-signature layer functions (``torch.conv2d``,
``torch.kl_div``, ...), the torch-level in-place functions, the in-place view ops,
``fill_diagonal_`` and ``apply_``/``map_``/``map2_``, each against torch."""

from __future__ import annotations

import pickle
import warnings

import numpy as np
import pytest
import torch

import ember

from .oracle import check_error

RNG = np.random.default_rng(3)


def _t(a):
    return ember.tensor(a), torch.tensor(a)


# ---------------------------------------------------------------- layouts, memory formats
def test_layouts_and_memory_formats_are_accepted_or_refused_as_ember_can():
    x = ember.ones(2, 3)
    assert ember.zeros(2, layout=ember.strided).shape == (2,)
    assert x.contiguous(memory_format=ember.contiguous_format).shape == (2, 3)
    assert x.clone(memory_format=ember.preserve_format).shape == (2, 3)
    with pytest.raises(NotImplementedError):
        x.contiguous(memory_format=ember.channels_last)
    assert repr(ember.strided) == "ember.strided" and isinstance(ember.strided, ember.layout)
    assert isinstance(ember.channels_last_3d, ember.memory_format)
    assert pickle.loads(pickle.dumps(ember.preserve_format)) is ember.preserve_format
    assert ember.newaxis is None and x[ember.newaxis].shape == (1, 2, 3)


# ---------------------------------------------------------------- type queries
@pytest.mark.parametrize(
    "obj",
    [
        lambda m: m.ones(2),
        lambda m: m.ones(2).long(),
        lambda m: 3,
        lambda m: m.nn.Linear,
        lambda m: len,
    ],
)
def test_typename_as_torch(obj):
    got, want = ember.typename(obj(ember)), torch.typename(obj(torch))
    assert got == want.replace("torch", "ember") if "nn" in want else got == want


def test_tensor_queries_as_torch():
    e, t = _t(np.zeros((2, 3), dtype=np.uint8))
    assert ember.is_signed(e) == torch.is_signed(t) is False
    assert ember.is_same_size(e, e[:, :]) and not e.is_same_size(e[0])
    assert ember.is_distributed(e) is torch.is_distributed(t) is False and not e.is_distributed()
    assert ember.get_device(e) == torch.get_device(t) == -1
    assert ember.is_inference(e) is torch.is_inference(t) is False
    assert ember.get_default_device() == ember.device("cpu")


def test_can_cast_for_every_pair_of_dtypes():
    names = ["bool", "uint8", "int8", "int16", "int32", "int64", "float16", "float32", "float64"]
    for a in names:
        for b in names:
            want = torch.can_cast(getattr(torch, a), getattr(torch, b))
            assert ember.can_cast(getattr(ember, a), getattr(ember, b)) == want, (a, b)


@pytest.mark.parametrize(
    "shapes",
    [((2, 1), (3,)), ((2, 1), (3, 2)), (2, (3, 1)), ((-1,), (3,)), (), ((0,), (1,)), ((5, 1, 4),)],
)
def test_broadcast_shapes_as_torch(shapes):
    try:
        want = torch.broadcast_shapes(*shapes)
    except Exception as e:  # noqa: BLE001
        with pytest.raises(type(e)) as got:
            ember.broadcast_shapes(*shapes)
        assert str(got.value) == str(e)
    else:
        assert tuple(ember.broadcast_shapes(*shapes)) == tuple(want)


def test_deterministic_debug_mode_as_torch():
    try:
        for mode, number in [("warn", 1), ("error", 2), (0, 0), (1, 1), ("default", 0)]:
            ember.set_deterministic_debug_mode(mode)
            assert ember.get_deterministic_debug_mode() == number
            assert ember.are_deterministic_algorithms_enabled() == (number > 0)
        for bad in ("foo", 3, 1.0):
            check_error(lambda m, bad=bad: m.set_deterministic_debug_mode(bad))
    finally:
        ember.use_deterministic_algorithms(False)
    assert ember.set_flush_denormal(True) is False


def test_frombuffer_and_dlpack():
    buf = bytearray(np.arange(6, dtype=np.int32).tobytes())
    got = ember.frombuffer(buf, dtype=ember.int32, count=2, offset=8)
    want = torch.frombuffer(bytearray(buf), dtype=torch.int32, count=2, offset=8)
    assert got.tolist() == want.tolist()
    got[0] = 40  # shares the writable buffer, as torch does
    assert np.frombuffer(buf, dtype=np.int32)[2] == 40
    assert ember.frombuffer(b"\x01\x00", dtype=ember.int16).tolist() == [1]
    check_error(lambda m: m.frombuffer(bytearray(), dtype=m.int32))
    check_error(lambda m: m.frombuffer(bytearray(b"abc"), dtype=m.int32))
    x = ember.arange(4.0)
    shared = torch.from_dlpack(ember.to_dlpack(x))
    x[1] = 9.0
    assert shared.tolist() == [0.0, 9.0, 2.0, 3.0]
    leaf = ember.ones(2, requires_grad=True)  # torch exports it too (without its history)
    assert torch.from_dlpack(ember.to_dlpack(leaf)).tolist() == [1.0, 1.0]


# ---------------------------------------------------------------- windows
@pytest.mark.parametrize(
    "name", ["hann_window", "hamming_window", "blackman_window", "bartlett_window", "kaiser_window"]
)
def test_windows_as_torch(name):
    for n in (0, 1, 2, 7, 16):
        for periodic in (True, False):
            for dtype in ("float32", "float64"):
                got = getattr(ember, name)(n, periodic, dtype=getattr(ember, dtype))
                want = getattr(torch, name)(n, periodic, dtype=getattr(torch, dtype))
                assert got.dtype.name == dtype and got.shape == want.shape
                np.testing.assert_allclose(got.numpy(), want.numpy(), atol=1e-6)
    assert getattr(ember, name)(5, requires_grad=True).requires_grad
    check_error(lambda m: getattr(m, name)(-1))
    check_error(lambda m: getattr(m, name)(4, dtype=m.int64))
    extra = {"hamming_window": (False, 0.5, 0.5), "kaiser_window": (False, 5.0)}.get(name)
    if extra:
        got, want = getattr(ember, name)(9, *extra), getattr(torch, name)(9, *extra)
        np.testing.assert_allclose(got.numpy(), want.numpy(), atol=1e-6)


# ---------------------------------------------------------------- ATen-signature layer functions
def test_torch_level_layer_functions_as_torch():
    x = RNG.standard_normal((2, 3, 8)).astype(np.float32)
    w = RNG.standard_normal((4, 3, 3)).astype(np.float32)
    img = RNG.standard_normal((1, 4, 6, 6)).astype(np.float32)
    a, b = RNG.random((3, 4)).astype(np.float32), RNG.random((3, 4)).astype(np.float32)
    cases = [
        lambda m, t: m.conv1d(t(x), t(w), None, 1, 1),
        lambda m, t: m.convolution(t(x), t(w), None, [1], [0], [1], False, [0], 1),
        lambda m, t: m.convolution(t(x), t(w).transpose(0, 1), None, [2], [1], [1], True, [1], 1),
        lambda m, t: m.max_pool1d(t(x), 2),
        lambda m, t: m.max_pool2d(t(img), 2, 1),
        lambda m, t: m.max_pool1d_with_indices(t(x), 3, 2)[1],
        lambda m, t: m.adaptive_max_pool1d(t(x), 3)[0],
        lambda m, t: m.avg_pool1d(t(x), 2),
        lambda m, t: m.batch_norm(t(x), None, None, None, None, True, 0.1, 1e-5, False),
        lambda m, t: m.layer_norm(t(x), (8,)),
        lambda m, t: m.group_norm(t(img), 2),
        lambda m, t: m.instance_norm(t(img), None, None, None, None, True, 0.1, 1e-5, False),
        lambda m, t: m.rms_norm(t(x), (8,)),
        lambda m, t: m.dropout(t(x), 0.5, False),
        lambda m, t: m.feature_dropout(t(img), 0.5, False),
        lambda m, t: m.alpha_dropout(t(x), 0.5, False),
        lambda m, t: m.pixel_shuffle(t(img), 2),
        lambda m, t: m.pixel_unshuffle(t(img), 2),
        lambda m, t: m.channel_shuffle(t(img), 2),
        lambda m, t: m.embedding(t(a), m.tensor([[0, 2], [1, 1]])),
        lambda m, t: m.embedding(t(a), m.tensor([0, 2, 1]), 1),
        lambda m, t: m.constant_pad_nd(t(x), [1, 2], 0.5),
        lambda m, t: m.bilinear(t(a), t(b), t(np.ones((2, 4, 4), dtype=np.float32)), None),
    ]
    for reduction in (0, 1, 2):
        cases += [
            lambda m, t, r=reduction: m.kl_div(t(a), t(b), r),
            lambda m, t, r=reduction: m.binary_cross_entropy_with_logits(t(a), t(b), None, None, r),
            lambda m, t, r=reduction: m.poisson_nll_loss(t(a), t(b), True, False, 1e-8, r),
            lambda m, t, r=reduction: m.cosine_embedding_loss(t(a), t(b), m.ones(3), 0.1, r),
            lambda m, t, r=reduction: m.hinge_embedding_loss(t(a), m.ones(3, 4), 1.0, r),
            lambda m, t, r=reduction: m.margin_ranking_loss(t(a), t(b), m.ones(3, 4), 0.0, r),
            lambda m, t, r=reduction: m.triplet_margin_loss(
                t(a), t(b), t(a[::-1].copy()), 1.0, 2, 1e-6, False, r
            ),
        ]
    cases += [  # the default reduction of these bindings is none
        lambda m, t: m.kl_div(t(a), t(b)),
        lambda m, t: m.hinge_embedding_loss(t(a), m.ones(3, 4)),
    ]
    for case in cases:
        got, want = case(ember, ember.tensor), case(torch, torch.tensor)
        assert tuple(got.shape) == tuple(want.shape)
        np.testing.assert_allclose(
            got.detach().numpy(), want.detach().numpy(), rtol=1e-4, atol=1e-5
        )


def test_torch_level_ctc_loss_as_torch():
    logits = RNG.standard_normal((6, 2, 5)).astype(np.float32)
    for args in [(), (0, 1), (0, 2, True)]:
        got = ember.ctc_loss(
            ember.tensor(logits).log_softmax(-1),
            ember.tensor([[1, 2], [3, 3]]),
            [6, 5],
            [2, 2],
            *args,
        )
        want = torch.ctc_loss(
            torch.tensor(logits).log_softmax(-1),
            torch.tensor([[1, 2], [3, 3]]),
            [6, 5],
            [2, 2],
            *args,
        )
        np.testing.assert_allclose(got.numpy(), want.numpy(), rtol=1e-5)


def test_torch_level_dropout_in_training_draws_as_torch():
    x = np.ones((4, 8, 3), dtype=np.float32)
    for fn in ("dropout", "feature_dropout", "alpha_dropout", "feature_alpha_dropout"):
        ember.manual_seed(5)
        torch.manual_seed(5)
        got, want = (
            getattr(ember, fn)(ember.tensor(x), 0.4, True),
            getattr(torch, fn)(torch.tensor(x), 0.4, True),
        )
        assert got.shape == want.shape
        kept = got.numpy() != 0 if "alpha" not in fn else got.numpy() != got.numpy().min()
        assert 0.3 < kept.mean() < 0.9, fn  # about 60% kept
    y = ember.ones(3, 4)
    assert ember.dropout_(y, 0.5, False) is y


# ---------------------------------------------------------------- in-place functions and view ops
def test_torch_level_inplace_functions_are_the_methods():
    assert ember.abs_ is ember.Tensor.abs_ and ember.zero_ is ember.Tensor.zero_
    e, t = _t(np.array([-1.5, 0.25, 2.0]))
    for name in ("abs_", "exp_", "sigmoid_", "sqrt_", "deg2rad_"):
        getattr(ember, name)(e)
        getattr(torch, name)(t)
    np.testing.assert_allclose(e.numpy(), t.numpy())
    e2, t2 = _t(np.array([-1.5, 0.25, 2.0]))
    ember.clamp_(e2, -1, 1)
    torch.clamp_(t2, -1, 1)
    assert e2.tolist() == t2.tolist()
    assert ember.fill_(e2, 3.0) is e2 and e2.tolist() == [3.0, 3.0, 3.0]


@pytest.mark.parametrize(
    "op",
    [
        lambda x: x.t_(),
        lambda x: x.transpose_(0, 1),
        lambda x: x.swapaxes_(1, 0),
        lambda x: x.swapdims_(0, 1),
        lambda x: x.unsqueeze_(1),
        lambda x: x.unsqueeze_(0).squeeze_(),
        lambda x: x.unsqueeze_(-1).squeeze_(-1),
        lambda x: x.as_strided_((2, 2), (1, 3)),
    ],
)
def test_inplace_view_ops_as_torch(op):
    a = RNG.standard_normal((2, 3))
    for m in (ember, torch):
        leaf = m.tensor(a, requires_grad=True)
        y = leaf * 2
        out = op(y)
        assert out is y
        (y * m.arange(y.numel(), dtype=m.float64).reshape(y.shape)).sum().backward()
        if m is ember:
            got, got_grad = y.detach().numpy(), leaf.grad.numpy()
        else:
            np.testing.assert_allclose(got, y.detach().numpy())
            np.testing.assert_allclose(got_grad, leaf.grad.numpy())
    check_error(lambda m: op(m.ones(2, 3, requires_grad=True)))
    plain = ember.tensor(a)
    before = plain.data_ptr()
    op(plain)
    assert plain.data_ptr() == before  # still the same memory


@pytest.mark.parametrize("shape", [(3, 3), (5, 3), (3, 5), (7, 3), (2, 2, 2), (1, 4)])
@pytest.mark.parametrize("wrap", [False, True])
def test_fill_diagonal_as_torch(shape, wrap):
    e, t = _t(RNG.standard_normal(shape))
    assert e.fill_diagonal_(5.0, wrap) is e
    t.fill_diagonal_(5.0, wrap)
    np.testing.assert_array_equal(e.numpy(), t.numpy())


def test_fill_diagonal_errors_and_grad():
    check_error(lambda m: m.ones(3).fill_diagonal_(1))
    check_error(lambda m: m.ones(2, 3, 3).fill_diagonal_(1))
    for m in (ember, torch):
        leaf = m.ones(3, 3, requires_grad=True)
        y = leaf * 3
        y.fill_diagonal_(0)
        y.sum().backward()
        assert leaf.grad.tolist() == [[0, 3, 3], [3, 0, 3], [3, 3, 0]]


def test_apply_and_map_as_torch():
    a, b, c = RNG.standard_normal((2, 3)), RNG.standard_normal((3,)), RNG.standard_normal((2, 1))
    results = []
    for m in (ember, torch):
        x, y, z = m.tensor(a), m.tensor(b), m.tensor(c)
        x.apply_(lambda v: v * v + 1)
        x.map_(y, lambda u, v: u - v)
        x.map2_(y, z, lambda s, u, v: s * u + v)
        results.append(x.numpy())
    np.testing.assert_allclose(*results)
    check_error(lambda m: m.ones(2, requires_grad=True).apply_(abs))
    check_error(lambda m: m.ones(2, requires_grad=True).map_(m.ones(2), max))


# ---------------------------------------------------------------- argument errors
@pytest.mark.parametrize(
    "fn",
    [
        lambda m: m.hsplit(m.tensor(1.0), 2),
        lambda m: m.hsplit(m.ones(2, 3, 4), 2),
        lambda m: m.vsplit(m.ones(4), 2),
        lambda m: m.dsplit(m.ones(2, 2), 2),
        lambda m: m.as_strided(m.ones(2, 3), (30,), (1,)),
        lambda m: m.as_strided(m.ones(2, 3), (3,), (-1,)),
        lambda m: m.select_scatter(m.zeros(2, 2), m.ones(3), 0, 0),
        lambda m: m.slice_scatter(m.zeros(4, 4), m.ones(3, 4), 0, 0, 2),
        lambda m: m.unravel_index(m.tensor([1.0]), (2, 3)),
        lambda m: m.index_reduce(m.ones(3, 2), 0, m.tensor([0, 1]), m.ones(2, 2), "sum"),
        lambda m: m.frexp(m.tensor([1, 2])),
        lambda m: m.gcd(m.tensor([4.0]), m.tensor([2.0])),
        lambda m: m.logaddexp(m.tensor([1]), m.tensor([2])),
        lambda m: m.heaviside(m.tensor([1, 0]), m.tensor([0.5, 0.5])),
        lambda m: m.dist(m.tensor([1, 2]), m.tensor([1, 2])),
        lambda m: m.renorm(m.ones(3), 2, 0, 1),
        lambda m: m.histogram(m.tensor([1, 2]), 3),
        lambda m: m.gradient(m.tensor([1.0])),
        lambda m: m.trapezoid(m.ones(3), m.ones(2)),
        lambda m: m.trapezoid(m.ones(3), 0.5),
        lambda m: m.fill(m.ones(2), m.ones(2)),
    ],
)
def test_errors_as_torch(fn):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        check_error(fn)


# ---------------------------------------------------------------- legacy types, empty_permuted
def test_legacy_tensor_types_as_torch():
    cases = [
        lambda m: m.FloatTensor(),
        lambda m: m.FloatTensor(2, 3).zero_(),
        lambda m: m.DoubleTensor(m.Size([2])).fill_(1.5),
        lambda m: m.LongTensor([1.7, 2]),
        lambda m: m.IntTensor([[1, 2], [3, 4]]),
        lambda m: m.BoolTensor([1, 0]),
        lambda m: m.ByteTensor((3, 4)),
        lambda m: m.HalfTensor(2).zero_(),
        lambda m: m.FloatTensor(m.ones(2)),
    ]
    for case in cases:
        got, want = case(ember), case(torch)
        assert got.dtype.name == str(want.dtype).split(".")[1]
        assert got.tolist() == want.tolist()
    assert isinstance(ember.ones(2), ember.FloatTensor)
    assert not isinstance(ember.ones(2).double(), ember.FloatTensor)
    assert isinstance(ember.ones(2).long(), ember.LongTensor)
    assert ember.FloatTensor.dtype is ember.float32 and repr(ember.FloatTensor).endswith(
        ".FloatTensor'>"
    )
    x = ember.ones(3)
    assert ember.FloatTensor(x).data_ptr() == x.data_ptr()  # an alias, as torch's
    check_error(lambda m: m.FloatTensor(3.5))
    check_error(lambda m: m.FloatTensor(m.ones(2).long()))


def test_set_default_tensor_type():
    with pytest.warns(UserWarning, match="deprecated"):
        from ember.ops import products

        products._WARNED.discard("set_default_tensor_type")
        ember.set_default_tensor_type(ember.DoubleTensor)
    try:
        assert ember.tensor([1.0]).dtype is ember.float64
        ember.set_default_tensor_type("torch.FloatTensor")
        assert ember.tensor([1.0]).dtype is ember.float32
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            check_error(lambda m: m.set_default_tensor_type(m.LongTensor))
    finally:
        ember.set_default_dtype(ember.float32)


def test_empty_permuted_as_torch():
    for size, order in [((2, 3, 4), (0, 2, 1)), ((2, 3), (1, 0)), ((5,), (0,))]:
        got, want = ember.empty_permuted(size, order), torch.empty_permuted(size, order)
        assert got.shape == want.shape and got.stride() == want.stride()
    assert ember.empty_permuted((2, 2), (1, 0), dtype=ember.int64).dtype is ember.int64
    check_error(lambda m: m.empty_permuted((2, 3), (0,)))


# ---------------------------------------------------------------- randomized low rank
@pytest.mark.parametrize("shape", [(6, 8), (8, 6), (2, 5, 4)])
def test_svd_and_pca_lowrank_as_torch(shape):
    """The same seed draws the same sketch, so the factors agree up to the signs an SVD may
    choose; the approximation itself is compared exactly."""
    a = RNG.random(shape)
    m_ = RNG.random(shape)
    for fn in (
        lambda m, x: m.svd_lowrank(x, q=3),
        lambda m, x: m.svd_lowrank(x, q=2, niter=1, M=m.tensor(m_)),
        lambda m, x: m.pca_lowrank(x),
        lambda m, x: m.pca_lowrank(x, q=2, center=False),
    ):
        ember.manual_seed(0)
        torch.manual_seed(0)
        (eu, es, ev), (tu, ts, tv) = fn(ember, ember.tensor(a)), fn(torch, torch.tensor(a))
        np.testing.assert_allclose(es.numpy(), ts.numpy(), rtol=1e-10, atol=1e-12)
        kept = ts.numpy() > 1e-8  # the vectors of a zero singular value are arbitrary
        kept = (
            np.broadcast_to(kept[..., None, :], tu.shape),
            np.broadcast_to(kept[..., None, :], tv.shape),
        )
        np.testing.assert_allclose(np.abs(eu.numpy()[kept[0]]), np.abs(tu.numpy()[kept[0]]), 1e-8)
        np.testing.assert_allclose(np.abs(ev.numpy()[kept[1]]), np.abs(tv.numpy()[kept[1]]), 1e-8)
        approx = (eu * es.unsqueeze(-2)) @ ev.mT
        want = (tu * ts.unsqueeze(-2)) @ tv.mT
        np.testing.assert_allclose(approx.numpy(), want.numpy(), atol=1e-10)


def test_svd_lowrank_recovers_a_low_rank_matrix_and_has_gradients():
    a = ember.tensor(RNG.random((12, 3)) @ RNG.random((3, 9)), requires_grad=True)
    u, s, v = ember.svd_lowrank(a, q=3)
    np.testing.assert_allclose(((u * s) @ v.mT).detach().numpy(), a.detach().numpy(), atol=1e-10)
    s.sum().backward()
    assert a.grad is not None and a.grad.shape == a.shape
