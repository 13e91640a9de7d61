"""one_hot, normalize, cosine_similarity, pairwise_distance, pdist, cdist, gumbel_softmax and
the PairwiseDistance / CosineSimilarity modules against torch: values, gradients, float64
gradcheck, edge cases and error types/messages."""

from __future__ import annotations

import math

import numpy as np
import pytest
import torch
import torch.nn.functional as TF

import ember
from ember.nn._functional import distance as D
from ember.nn.modules import distance as EM

from ..oracle import check, check_error, check_gradcheck

RNG = np.random.default_rng(0)


def F(lib):
    return D if lib is ember else TF


def cdist(lib):
    return D.cdist if lib is ember else torch.cdist


def f32(*shape):
    return RNG.standard_normal(shape).astype(np.float32)


A, B = f32(3, 4), f32(3, 4)


# ---------------------------------------------------------------------------- one_hot


@pytest.mark.parametrize(
    "values,n", [([0, 2, 1], -1), ([0, 2, 1], 5), ([[0, 1], [3, 0]], -1), (2, 4), ([], 3)]
)
def test_one_hot_matches_torch(values, n):
    arr = np.array(values, dtype=np.int64)
    check(lambda lib, t: F(lib).one_hot(t, n), arr, grad=False)


@pytest.mark.parametrize(
    "values,n,dtype",
    [
        ([0, 2, 1], 2, np.int64),
        ([0, -1], -1, np.int64),
        ([0.0, 1.0], -1, np.float32),
        ([0, 1], -1, np.int32),
        ([], -1, np.int64),
        ([0, 1], 0, np.int64),
    ],
)
def test_one_hot_errors(values, n, dtype):
    msg = check_error(lambda lib, t: F(lib).one_hot(t, n), np.array(values, dtype=dtype))
    assert msg in (
        "Class values must be smaller than num_classes.",
        "Class values must be non-negative.",
        "one_hot is only applicable to index tensor of type LongTensor.",
        "Can not infer total number of classes from empty tensor.",
    )


# ---------------------------------------------------------------------------- normalize


@pytest.mark.parametrize(
    "kw", [{}, {"p": 1, "dim": -1}, {"dim": 0}, {"p": 3.0, "eps": 0.5}, {"p": math.inf}]
)
def test_normalize(kw):
    check(lambda lib, x: F(lib).normalize(x, **kw), A)
    check(lambda lib, x: F(lib).normalize(x.mT, **kw), A)  # non-contiguous


def test_normalize_zero_rows_and_out():
    z = np.zeros((2, 3), np.float32)
    z[1] = [1.0, 2.0, 2.0]
    check(lambda lib, x: F(lib).normalize(x), z)
    out = ember.empty(2, 3)
    res = D.normalize(ember.tensor(z), out=out)
    assert res is out
    np.testing.assert_allclose(out.numpy(), TF.normalize(torch.tensor(z)).numpy(), rtol=1e-6)
    check_error(lambda lib, x: F(lib).normalize(x), np.array([[1, 2]]))
    check_error(lambda lib, x: F(lib).normalize(x), np.ones(3, np.float32))  # dim 1 of 1-D


# ---------------------------------------------------------------------------- cosine / pairwise


@pytest.mark.parametrize(
    "shapes,kw",
    [
        (((3, 4), (3, 4)), {}),
        (((3, 4), (1, 4)), {}),
        (((4,), (4,)), {"dim": 0}),
        (((2, 3, 4), (3, 4)), {"dim": -1}),
        (((3, 4), (3, 4)), {"dim": 0, "eps": 0.5}),
        (((), ()), {"dim": 0}),
    ],
)
def test_cosine_similarity(shapes, kw):
    check(lambda lib, x, y: F(lib).cosine_similarity(x, y, **kw), *(f32(*s) for s in shapes))


def test_cosine_similarity_edges():
    zeros = np.zeros((3, 4), np.float32)
    check(lambda lib, x, y: F(lib).cosine_similarity(x, y), zeros, B)  # clamped norm: grad flows
    check(lambda lib, x: F(lib).cosine_similarity(x, x), A)  # one tensor used twice
    check(lambda lib, x, y: F(lib).cosine_similarity(x, y), A.astype(np.float64), B)
    check(lambda lib, x, y: F(lib).cosine_similarity(x, y), np.array([[1, 2]]), B[:1, :2])
    check_error(
        lambda lib, x, y: F(lib).cosine_similarity(x, y), np.array([[1, 2]]), np.array([[1, 3]])
    )
    msg = check_error(lambda lib, x, y: F(lib).cosine_similarity(x, y), A, f32(3, 5))
    assert "(4)" in msg and "(5)" in msg
    check_error(lambda lib, x, y: F(lib).cosine_similarity(x, y), f32(4), f32(4))


@pytest.mark.parametrize(
    "shapes,kw",
    [
        (((3, 4), (3, 4)), {}),
        (((3, 4), (3, 4)), {"p": 1, "keepdim": True}),
        (((4,), (4,)), {}),
        (((4,), (3, 4)), {"p": 3.0}),
        (((2, 3, 4), (3, 4)), {"eps": 0.0}),
        (((), ()), {}),
        (((3, 4), (3, 4)), {"p": math.inf}),
        (((0, 4), (0, 4)), {}),
        (((3, 0), (3, 0)), {}),
    ],
)
def test_pairwise_distance(shapes, kw):
    check(lambda lib, x, y: F(lib).pairwise_distance(x, y, **kw), *(f32(*s) for s in shapes))


def test_pairwise_distance_int_inputs_and_errors():
    ints = np.array([[1, 2, 3], [4, 5, 6]])
    check(lambda lib, x, y: F(lib).pairwise_distance(x, y), ints, ints[::-1].copy())
    msg = check_error(lambda lib, x, y: F(lib).pairwise_distance(x, y), A, f32(3, 5))
    assert "(4)" in msg and "(5)" in msg


def test_distance_modules():
    for kw in ({}, {"p": 1.0, "eps": 0.0, "keepdim": True}):
        check(
            lambda lib, x, y, kw=kw: (EM if lib is ember else torch.nn).PairwiseDistance(**kw)(
                x, y
            ),
            A,
            B,
        )
    for kw in ({}, {"dim": 0, "eps": 1e-3}):
        check(
            lambda lib, x, y, kw=kw: (EM if lib is ember else torch.nn).CosineSimilarity(**kw)(
                x, y
            ),
            A,
            B,
        )
    assert repr(EM.PairwiseDistance(3.0)) == repr(torch.nn.PairwiseDistance(3.0))
    assert repr(EM.CosineSimilarity(0)) == repr(torch.nn.CosineSimilarity(0))
    assert EM.PairwiseDistance(3.0).norm == torch.nn.PairwiseDistance(3.0).norm == 3.0


# ---------------------------------------------------------------------------- pdist / cdist


@pytest.mark.parametrize("p", [2, 1, 0.5, 3.0, math.inf, 0])
def test_pdist(p):
    check(lambda lib, x: F(lib).pdist(x, p), f32(5, 3), rtol=1e-5, atol=1e-5)


def test_pdist_edges_and_errors():
    x = f32(4, 3)
    x[2] = x[0]  # a zero distance: gradient 0 there, as torch
    check(lambda lib, t: F(lib).pdist(t), x)
    check(lambda lib, t: F(lib).pdist(t.mT), f32(3, 4))
    check(lambda lib, t: F(lib).pdist(t), f32(1, 3))
    check(lambda lib, t: F(lib).pdist(t), f32(0, 3), grad=False)  # torch's backward segfaults
    e = ember.zeros(0, 3, requires_grad=True)
    D.pdist(e).sum().backward()
    assert tuple(e.grad.shape) == (0, 3)
    assert (
        check_error(lambda lib, t: F(lib).pdist(t), f32(2, 3, 4))
        == "pdist only supports 2D tensors, got: 3D"
    )
    check_error(lambda lib, t: F(lib).pdist(t), np.ones((3, 2), np.int64))
    check_error(lambda lib, t: F(lib).pdist(t, -1.0), f32(3, 2))


@pytest.mark.parametrize(
    "shapes",
    [((4, 3), (5, 3)), ((2, 4, 3), (1, 5, 3)), ((2, 1, 3, 2), (4, 2, 2)), ((1, 3), (1, 3))],
)
@pytest.mark.parametrize("p", [2.0, 1.0, 3.0, math.inf, 0.5])
def test_cdist(shapes, p):
    check(lambda lib, x, y: cdist(lib)(x, y, p), *(f32(*s) for s in shapes), atol=1e-5)


@pytest.mark.parametrize(
    "mode",
    [
        "use_mm_for_euclid_dist",
        "donot_use_mm_for_euclid_dist",
        "use_mm_for_euclid_dist_if_necessary",
    ],
)
def test_cdist_compute_modes(mode):
    x, y = f32(30, 4), f32(6, 4)  # 30 rows: the default switches to the matrix-product form
    check(lambda lib, a, b: cdist(lib)(a, b, compute_mode=mode), x, y, rtol=1e-4, atol=1e-4)
    x64 = x.astype(np.float64)
    check(lambda lib, a, b: cdist(lib)(a, b, compute_mode=mode), x64, x64[:7].copy())


def test_cdist_edges_and_errors():
    x = f32(4, 3)
    check(lambda lib, a: cdist(lib)(a, a), x)  # zero diagonal: zero gradient, as torch
    check(lambda lib, a, b: cdist(lib)(a, b), f32(0, 3), f32(5, 3))
    check(lambda lib, a, b: cdist(lib)(a, b), f32(4, 0), f32(5, 0))
    check(lambda lib, a, b: cdist(lib)(a.mT, b), f32(3, 4), f32(5, 3))
    cases = [
        ((4, 3), (5, 2), "X1 and X2 must have the same number of columns. X1: 3 X2: 2"),
        ((3,), (5, 3), "cdist only supports at least 2D tensors, X1 got: 1D"),
        ((2, 4, 3), (3, 5, 3), None),
    ]
    for s1, s2, want in cases:
        msg = check_error(lambda lib, a, b: cdist(lib)(a, b), f32(*s1), f32(*s2))
        assert want is None or msg == want
    check_error(lambda lib, a, b: cdist(lib)(a, b), np.ones((4, 3), np.int64), f32(5, 3))
    check_error(lambda lib, a, b: cdist(lib)(a, b), f32(4, 3), f32(5, 3).astype(np.float64))
    check_error(lambda lib, a, b: cdist(lib)(a, b, -1.0), f32(4, 3), f32(5, 3))
    assert (
        check_error(lambda lib, a, b: cdist(lib)(a, b, compute_mode="fast"), f32(4, 3), f32(5, 3))
        == "fast is not a valid value for compute_mode"
    )


# ---------------------------------------------------------------------------- gradcheck


GRADCHECK = [
    (lambda lib, x, y: D.cosine_similarity(x, y), (f32(2, 3), f32(2, 3))),
    (lambda lib, x, y: D.pairwise_distance(x, y, 3.0), (f32(2, 3), f32(2, 3))),
    (lambda lib, x: D.normalize(x, 1.5), (f32(2, 3),)),
    (lambda lib, x: D.pdist(x), (f32(3, 3),)),
    (lambda lib, x, y: D.cdist(x, y), (f32(2, 3), f32(3, 3))),
    (lambda lib, x, y: D.cdist(x, y, 1.0), (f32(2, 3), f32(3, 3))),
    (
        lambda lib, x, y: D.cdist(x, y, compute_mode="use_mm_for_euclid_dist"),
        (f32(2, 3), f32(3, 3)),
    ),
]


@pytest.mark.parametrize("fn,arrays", GRADCHECK)
def test_gradcheck(fn, arrays):
    check_gradcheck(fn, *arrays)


# ---------------------------------------------------------------------------- gumbel_softmax


def test_gumbel_softmax_soft_is_a_distribution_with_gumbel_statistics():
    logits = ember.tensor([[0.0, 1.0, 2.0]]).expand(20000, 3)
    y = D.gumbel_softmax(logits, tau=1.0)
    np.testing.assert_allclose(y.sum(-1).numpy(), 1.0, rtol=1e-5)
    # argmax of logits + Gumbel noise is a sample of softmax(logits)
    freq = np.bincount(y.argmax(-1).numpy(), minlength=3) / 20000
    np.testing.assert_allclose(freq, torch.tensor([0.0, 1.0, 2.0]).softmax(0).numpy(), atol=0.02)
    low = D.gumbel_softmax(logits[:2000], tau=0.05)
    assert float(low.max(-1)[0].mean()) > 0.95  # small tau: nearly one-hot


def test_gumbel_softmax_hard_is_one_hot_with_soft_gradient():
    logits = ember.randn(50, 4, requires_grad=True)
    y = D.gumbel_softmax(logits, tau=0.5, hard=True, dim=1)
    assert sorted(set(y.detach().numpy().ravel().tolist())) == [0.0, 1.0]
    np.testing.assert_array_equal(y.detach().sum(1).numpy(), 1.0)
    w = ember.randn(4)
    (y * w).sum().backward()
    # straight-through: the gradient is the soft sample's, nonzero and summing to 0 per row
    g = logits.grad.numpy()
    assert np.abs(g).sum() > 0
    np.testing.assert_allclose(g.sum(1), 0.0, atol=1e-5)


def test_gumbel_softmax_dim_seed_and_eps_warning():
    ember.manual_seed(5)
    a = D.gumbel_softmax(ember.zeros(3, 6), dim=0)
    ember.manual_seed(5)
    b = D.gumbel_softmax(ember.zeros(3, 6), dim=0)
    np.testing.assert_array_equal(a.numpy(), b.numpy())
    np.testing.assert_allclose(a.sum(0).numpy(), 1.0, rtol=1e-5)
    with pytest.warns(UserWarning, match="`eps` parameter is deprecated"):
        D.gumbel_softmax(ember.zeros(2, 3), eps=1e-5)
