"""``ember.fft`` against ``torch.fft``: every transform with every norm, sizes and dims, on real and
complex inputs of both precisions (values and dtypes), gradients of random cotangents, float64 /
complex128 gradcheck and gradgradcheck, the helpers, and torch's errors."""

from __future__ import annotations

import importlib

import numpy as np
import pytest
import torch

import ember

RNG = np.random.default_rng(11)

ONE_D = ["fft", "ifft", "rfft", "irfft", "hfft", "ihfft"]
N_D = ["fft2", "ifft2", "rfft2", "irfft2", "hfft2", "ihfft2"]
N_D += ["fftn", "ifftn", "rfftn", "irfftn", "hfftn", "ihfftn"]
REAL_ONLY = {"rfft", "ihfft", "rfft2", "ihfft2", "rfftn", "ihfftn"}
NORMS = [None, "ortho", "forward"]  # None is "backward"


def _signal(name, shape, complex_):
    x = RNG.standard_normal(shape)
    if complex_ and name not in REAL_ONLY:
        x = x + 1j * RNG.standard_normal(shape)
    return x


def same(e, t, rtol=1e-5, atol=1e-6):
    assert tuple(e.shape) == tuple(t.shape)
    assert e.dtype.name == str(t.dtype).replace("torch.", "")
    expected = t.detach().resolve_conj().resolve_neg().numpy()
    np.testing.assert_allclose(e.detach().numpy(), expected, rtol=rtol, atol=atol)


def _kwargs(name):
    if name in ONE_D:
        return [{}, {"n": 3}, {"n": 9}, {"dim": 0}, {"n": 5, "dim": -2}]
    out = [{}, {"s": (3, 8)}, {"s": (-1, 4)}, {"dim": (0,)}, {"s": (2,), "dim": (-1,)}]
    if name.endswith("n"):
        out += [{"dim": (2, 0)}, {"s": (2, 3, 5)}, {"dim": None}]
    return out


CASES = [(name, kw, norm) for name in ONE_D + N_D for kw in _kwargs(name) for norm in NORMS]


def _id(case):
    name, kw, norm = case
    return f"{name}-{kw}-{norm}".replace(" ", "")


@pytest.mark.parametrize("case", CASES, ids=[_id(c) for c in CASES])
def test_values_and_dtypes_are_torchs(case):
    name, kw, norm = case
    for complex_ in (False, True) if name not in REAL_ONLY else (False,):
        for single in (False, True):
            x = _signal(name, (4, 6, 3), complex_)
            if single:
                x = x.astype(np.complex64 if complex_ else np.float32)
            e = getattr(ember.fft, name)(ember.tensor(x), norm=norm, **kw)
            t = getattr(torch.fft, name)(torch.tensor(x), norm=norm, **kw)
            tol = 1e-4 if single else 1e-10
            same(e, t, rtol=tol, atol=tol)


@pytest.mark.parametrize("case", CASES, ids=[_id(c) for c in CASES])
def test_gradients_are_torchs(case):
    name, kw, norm = case
    for complex_ in (False, True) if name not in REAL_ONLY else (False,):
        x = _signal(name, (4, 6, 3), complex_)
        fe = getattr(ember.fft, name)
        ft = getattr(torch.fft, name)
        xe = ember.tensor(x, requires_grad=True)
        xt = torch.tensor(x, requires_grad=True)
        oe, ot = fe(xe, norm=norm, **kw), ft(xt, norm=norm, **kw)
        g = RNG.standard_normal(tuple(ot.shape))
        if ot.is_complex():
            g = g + 1j * RNG.standard_normal(tuple(ot.shape))
        (ge,) = ember.autograd.grad(oe, xe, ember.tensor(g))
        (gt,) = torch.autograd.grad(ot, xt, torch.tensor(g))
        same(ge, gt, rtol=1e-9, atol=1e-10)


GRADCHECK = [
    ("fft", {"n": 5}),
    ("ifft", {"dim": 0, "norm": "ortho"}),
    ("rfft", {"n": 6, "norm": "forward"}),
    ("irfft", {}),
    ("irfft", {"n": 5, "norm": "ortho"}),
    ("hfft", {"n": 4}),
    ("ihfft", {"norm": "forward"}),
    ("fft2", {"s": (3, 2)}),
    ("rfftn", {"norm": "ortho"}),
    ("irfftn", {"s": (2, 3)}),
    ("irfft2", {"norm": "forward"}),
    ("hfftn", {"dim": (1, 0)}),
    ("ihfft2", {"s": (3, 3)}),
    ("ifftn", {"s": (2, -1), "norm": "forward"}),
]


GRADCHECK = [(n, kw, c) for n, kw in GRADCHECK for c in (False, True) if not (c and n in REAL_ONLY)]


@pytest.mark.parametrize(
    ("name", "kw", "complex_"),
    GRADCHECK,
    ids=[f"{n}-{k}-{'complex128' if c else 'float64'}" for n, k, c in GRADCHECK],
)
def test_gradcheck(name, kw, complex_):
    x = ember.tensor(_signal(name, (3, 4), complex_), requires_grad=True)
    f = getattr(ember.fft, name)
    assert ember.autograd.gradcheck(lambda t: f(t, **kw), (x,))
    assert ember.autograd.gradgradcheck(lambda t: f(t, **kw), (x,))


def test_gradcheck_fails_for_a_wrong_adjoint(monkeypatch):
    from ember.ops.prims import fft as F

    x = ember.tensor(_signal("irfft", (5,), True), requires_grad=True)
    assert ember.autograd.gradcheck(lambda t: ember.fft.irfft(t), (x,))
    real_backward = F._fft_c2r.backward

    def undoubled(ctx, g):  # the bins standing for two not doubled
        return F._fft_r2c(g, dims=ctx.params["dims"], norm=F._SWAP[ctx.params["norm"]])

    monkeypatch.setattr(F._fft_c2r, "backward", undoubled)
    assert not ember.autograd.gradcheck(lambda t: ember.fft.irfft(t), (x,), raise_exception=False)
    monkeypatch.setattr(F._fft_c2r, "backward", real_backward)
    monkeypatch.setattr(
        F, "_SWAP", {"backward": "backward", "forward": "forward", "ortho": "ortho"}
    )
    assert not ember.autograd.gradcheck(lambda t: ember.fft.fft(t), (x,), raise_exception=False)


@pytest.mark.parametrize("dtype", ["int64", "int32", "bool", "uint8"])
def test_integer_input_takes_the_default_float_dtype(dtype):
    for name in ["fft", "rfft", "irfft", "ihfft", "fftn", "rfft2"]:
        x = RNG.integers(0, 2, (3, 4))
        e = getattr(ember.fft, name)(ember.tensor(x, dtype=getattr(ember, dtype)))
        t = getattr(torch.fft, name)(torch.tensor(x, dtype=getattr(torch, dtype)))
        same(e, t)


def test_import_forms():
    mod = importlib.import_module("ember.fft")
    assert ember.fft is mod
    assert sorted(mod.__all__) == sorted(
        n
        for n in dir(torch.fft)
        if not n.startswith("_") and callable(getattr(torch.fft, n))
        if n not in ("Tensor",)
    )
    from ember.fft import rfft  # noqa: F401 - the from-import works


# ---------------------------------------------------------------------------- helpers


SHIFTS = [
    ((5,), None),
    ((5,), 0),
    ((4, 7), None),
    ((4, 7), 1),
    ((4, 7), -1),
    ((4, 7), (0, 1)),
    ((3, 4, 5), None),
    ((3, 4, 5), (2, 0)),
    ((3, 4, 5), (1,)),
]


@pytest.mark.parametrize("name", ["fftshift", "ifftshift"])
@pytest.mark.parametrize(("shape", "dim"), SHIFTS, ids=[f"{s}-{d}" for s, d in SHIFTS])
def test_shifts_are_torchs(name, shape, dim):
    x = RNG.standard_normal(shape)
    e, t = ember.tensor(x, requires_grad=True), torch.tensor(x, requires_grad=True)
    oe, ot = getattr(ember.fft, name)(e, dim=dim), getattr(torch.fft, name)(t, dim=dim)
    same(oe, ot)
    g = RNG.standard_normal(shape)
    same(
        ember.autograd.grad(oe, e, ember.tensor(g))[0],
        torch.autograd.grad(ot, t, torch.tensor(g))[0],
    )


@pytest.mark.parametrize("name", ["fftfreq", "rfftfreq"])
@pytest.mark.parametrize("dtype", [None, "float64", "float32"])
def test_frequencies_are_torchs(name, dtype):
    for n in (0, 1, 2, 5, 8, 11):
        for d in (1.0, 0.1, 0.3, 2):
            kw = {} if dtype is None else {"dtype": getattr(torch, dtype)}
            t = getattr(torch.fft, name)(n, d, **kw)
            kw = {} if dtype is None else {"dtype": getattr(ember, dtype)}
            e = getattr(ember.fft, name)(n, d, **kw)
            assert e.dtype.name == str(t.dtype).replace("torch.", "")
            np.testing.assert_array_equal(e.numpy(), t.numpy())  # exactly: the same steps


def test_frequency_options():
    e = ember.fft.fftfreq(4, requires_grad=True)
    assert e.requires_grad and e.is_leaf
    out = ember.empty(4, dtype=ember.float64)
    assert ember.fft.fftfreq(4, 0.5, out=out) is out
    same(out, torch.fft.fftfreq(4, 0.5, dtype=torch.float64))
    assert ember.fft.rfftfreq(3, d=0.0).isnan()[0].item()


# ---------------------------------------------------------------------------- errors


def _error(fn):
    outcome = []
    for lib in (torch, ember):
        with pytest.raises(Exception) as info:
            fn(lib)
        outcome.append((type(info.value), str(info.value)))
    assert outcome[0] == outcome[1]


ERRORS = {
    "bad_norm": lambda m: m.fft.fft(m.ones(4), norm="bad"),
    "n_zero": lambda m: m.fft.fft(m.ones(4), n=0),
    "n_negative": lambda m: m.fft.rfft(m.ones(4), n=-1),
    "dim_range": lambda m: m.fft.fft(m.ones(4), dim=1),
    "zero_dim": lambda m: m.fft.fft(m.ones(())),
    "empty": lambda m: m.fft.fft(m.ones(0)),
    "rfft_complex": lambda m: m.fft.rfft(m.ones(4, dtype=m.complex64)),
    "ihfft_complex": lambda m: m.fft.ihfft(m.ones(4, dtype=m.complex128)),
    "rfftn_complex": lambda m: m.fft.rfftn(m.ones(2, 3, dtype=m.complex64)),
    "rfft2_complex": lambda m: m.fft.rfft2(m.ones(2, 3, dtype=m.complex64)),
    "ihfftn_complex": lambda m: m.fft.ihfftn(m.ones(2, 3, dtype=m.complex64)),
    "irfft_one_point": lambda m: m.fft.irfft(m.ones(1)),
    "irfftn_one_point": lambda m: m.fft.irfftn(m.ones(3, 1)),
    "half": lambda m: m.fft.fft(m.ones(4).half()),
    "bfloat16": lambda m: m.fft.rfft(m.ones(4).bfloat16()),
    "s_dim_length": lambda m: m.fft.fftn(m.ones(2, 3), s=(2,), dim=(0, 1)),
    "s_dim_length_2d": lambda m: m.fft.rfft2(m.ones(3, 4), s=(5,)),
    "dims_unique": lambda m: m.fft.fftn(m.ones(2, 3), dim=(0, -2)),
    "s_too_long": lambda m: m.fft.fftn(m.ones(2, 3), s=(2, 2, 2)),
    "s_zero": lambda m: m.fft.ifftn(m.ones(2, 3), s=(0, 5)),
    "rfftn_no_axes": lambda m: m.fft.rfftn(m.ones(2, 3), dim=()),
    "irfftn_no_axes": lambda m: m.fft.irfftn(m.ones(2, 3), dim=()),
    "fft2_1d": lambda m: m.fft.fft2(m.ones(3)),
    "freq_negative": lambda m: m.fft.fftfreq(-1),
    "freq_int": lambda m: m.fft.fftfreq(5, dtype=m.int64),
    "rfreq_int": lambda m: m.fft.rfftfreq(5, dtype=m.int32),
    "freq_complex": lambda m: m.fft.fftfreq(4, dtype=m.complex64),
    "shift_0d": lambda m: m.fft.fftshift(m.tensor(3.0)),
    "out_real": lambda m: m.fft.fft(m.ones(4), out=m.empty(4)),
    "out_2d_real": lambda m: m.fft.fft2(m.ones(2, 2), out=m.empty(4)),
    "out_complex_for_real": lambda m: m.fft.irfft(
        m.ones(3, dtype=m.complex64), out=m.empty(4, dtype=m.complex64)
    ),
    "out_autograd_c2c": lambda m: m.fft.fftn(
        m.ones(2, 2).requires_grad_(), out=m.empty(4, dtype=m.complex64)
    ),
    "out_autograd_r2c": lambda m: m.fft.fft(
        m.ones(2).requires_grad_(), out=m.empty(2, dtype=m.complex64)
    ),
    "out_autograd_c2r": lambda m: m.fft.hfft(m.ones(3).requires_grad_(), out=m.empty(4)),
}


@pytest.mark.parametrize("name", list(ERRORS))
def test_errors_are_torchs(name):
    _error(ERRORS[name])


def test_out_writes_and_casts():
    x = RNG.standard_normal(4)
    for lib, dtype in ((ember, ember.complex128), (torch, torch.complex128)):
        out = lib.empty(4, dtype=dtype)
        assert lib.fft.fft(lib.tensor(x, dtype=lib.float32), out=out) is out
    e = ember.empty(4, dtype=ember.complex128)
    ember.fft.fft(ember.tensor(x), out=e)
    same(e, torch.fft.fft(torch.tensor(x)))
    e = ember.empty(5, dtype=ember.float64)
    ember.fft.irfft(ember.tensor(x + 1j), n=5, out=e)
    same(e, torch.fft.irfft(torch.tensor(x + 1j), n=5))
