"""Complex dtypes against torch: dtype objects, promotion, construction, printing, views of the
parts, casts, elementwise ops and their gradients on complex inputs, refusals, gradcheck.

The op-db entries of ``tests/ops/db/complex.py`` reach the complex backward formulas from real
inputs; here the inputs themselves are complex.
"""

from __future__ import annotations

import io
import pickle
import warnings

import numpy as np
import pytest
import torch

import ember
from ember import _dtype

from ..oracle import check_error

RNG = np.random.default_rng(7)


def cz(*shape):
    """A random complex128 array (parts in [-2, 2))."""
    return RNG.uniform(-2, 2, shape) + 1j * RNG.uniform(-2, 2, shape)


def same(e, t, rtol=1e-5, atol=1e-6):
    """ember tensor ``e`` equals torch tensor ``t``: shape, dtype name and (complex) values."""
    assert isinstance(e, ember.Tensor), type(e)
    assert tuple(e.shape) == tuple(t.shape)
    assert e.dtype.name == str(t.dtype).replace("torch.", "")
    np.testing.assert_allclose(
        e.detach().numpy(), t.detach().resolve_conj().numpy(), rtol=rtol, atol=atol
    )


def both(a, requires_grad=False, dtype="complex128"):
    return (
        ember.tensor(a, dtype=getattr(ember, dtype), requires_grad=requires_grad),
        torch.tensor(a, dtype=getattr(torch, dtype), requires_grad=requires_grad),
    )


# ---------------------------------------------------------------------------- dtypes

DTYPES = [d.name for d in _dtype.ALL_DTYPES]


def test_dtype_objects_are_torchs():
    for name in ("complex64", "complex128"):
        e, t = getattr(ember, name), getattr(torch, name)
        assert e.is_complex and not e.is_floating_point
        assert e.itemsize == t.itemsize and e.is_signed == t.is_signed
        assert e.to_real().name == str(t.to_real()).replace("torch.", "")
        assert e.to_complex() is e
        assert pickle.loads(pickle.dumps(e)) is e
        assert repr(e) == f"ember.{name}"
    assert ember.cfloat is ember.complex64 and ember.cdouble is ember.complex128
    assert ember.float32.to_complex() is ember.complex64
    assert ember.float64.to_complex() is ember.complex128
    assert ember.bfloat16.to_complex() is ember.complex64  # torch's too
    assert ember.float32.to_real() is ember.float32 and ember.int32.to_real() is ember.int32
    with pytest.raises(RuntimeError, match="Unknown Complex ScalarType for Long"):
        ember.int64.to_complex()
    with pytest.raises(RuntimeError, match="Unknown Complex ScalarType for Long"):
        torch.int64.to_complex()
    assert ember.finfo(ember.complex64).eps == torch.finfo(torch.complex64).eps
    assert ember.finfo(ember.complex128).max == torch.finfo(torch.complex128).max


@pytest.mark.parametrize("a", DTYPES)
def test_promote_types_is_torchs(a):
    for b in DTYPES:
        got = ember.promote_types(getattr(ember, a), getattr(ember, b)).name
        want = str(torch.promote_types(getattr(torch, a), getattr(torch, b)))
        assert got == want.replace("torch.", ""), (a, b)


RESULT_CASES = [
    # (description, builder of the operands given a library)
    ("int tensor + complex scalar", lambda m: (m.ones(2, dtype=m.int32), 1j)),
    ("bool tensor + complex scalar", lambda m: (m.ones(2, dtype=m.bool), 2j)),
    ("float32 tensor + complex scalar", lambda m: (m.ones(2), 1j)),
    ("float64 tensor + complex scalar", lambda m: (m.ones(2, dtype=m.float64), 1j)),
    ("float32 tensor + 0-d complex128", lambda m: (m.ones(2), m.tensor(1j, dtype=m.complex128))),
    (
        "int tensor + 0-d complex128",
        lambda m: (m.ones(2, dtype=m.int64), m.tensor(1j, dtype=m.complex128)),
    ),
    ("float64 tensor + 0-d complex64", lambda m: (m.ones(2).double(), m.tensor(1j))),
    ("0-d float64 + 0-d complex64", lambda m: (m.tensor(1.0).double(), m.tensor(1j))),
    (
        "complex64 tensor + 0-d float64",
        lambda m: (m.ones(2, dtype=m.complex64), m.tensor(2.0).double()),
    ),
    (
        "complex64 tensor + float64 tensor",
        lambda m: (m.ones(2, dtype=m.complex64), m.ones(2).double()),
    ),
    ("complex128 tensor + float scalar", lambda m: (m.ones(2, dtype=m.complex128), 2.5)),
    ("0-d int + complex scalar", lambda m: (m.tensor(3), 1j)),
]


@pytest.mark.parametrize("case", RESULT_CASES, ids=[c[0] for c in RESULT_CASES])
def test_result_type_and_arithmetic_dtype_are_torchs(case):
    _, build = case
    want = torch.result_type(*build(torch))
    assert ember.result_type(*build(ember)).name == str(want).replace("torch.", "")
    a_t, b_t = build(torch)
    a_e, b_e = build(ember)
    same(a_e + b_e, a_t + b_t)
    same(a_e * b_e, a_t * b_t)


def test_complex_scalars_follow_the_default_dtype():
    try:
        ember.set_default_dtype(ember.float64)
        torch.set_default_dtype(torch.float64)
        same(ember.tensor([1 + 2j]), torch.tensor([1 + 2j]))
        same(ember.ones(2, dtype=ember.int32) + 1j, torch.ones(2, dtype=torch.int32) + 1j)
        assert repr(ember.tensor([1j])) == "tensor([0.+1.j])"
        assert repr(ember.tensor([1j], dtype=ember.complex64)).endswith("dtype=ember.complex64)")
    finally:
        ember.set_default_dtype(ember.float32)
        torch.set_default_dtype(torch.float32)


# ---------------------------------------------------------------------------- construction


@pytest.mark.parametrize(
    "data",
    [[1 + 2j], [1, 2.5, 3j], 1j, [[1j, 2], [3, 4]], np.complex128(1 + 1j), np.array([1j])],
    ids=["list", "mixed", "scalar", "nested", "np_scalar", "ndarray"],
)
def test_tensor_infers_torchs_complex_dtype(data):
    same(ember.tensor(data), torch.tensor(data))


def test_factories_and_fills_take_complex_values():
    same(ember.full((2,), 2j), torch.full((2,), 2j))
    same(
        ember.full((2,), 1 + 0j, dtype=ember.float32), torch.full((2,), 1 + 0j, dtype=torch.float32)
    )
    same(ember.zeros(2, dtype=ember.complex128), torch.zeros(2, dtype=torch.complex128))
    same(
        ember.ones(2, dtype=ember.complex64).fill_(3), torch.ones(2, dtype=torch.complex64).fill_(3)
    )
    mask = [True, False]
    same(
        ember.ones(2, dtype=ember.complex64).masked_fill(ember.tensor(mask), 2j),
        torch.ones(2, dtype=torch.complex64).masked_fill(torch.tensor(mask), 2j),
    )
    for lib in (ember, torch):
        with pytest.raises(RuntimeError, match="value cannot be converted to type int64_t"):
            lib.full((2,), 1 + 1j, dtype=lib.int64)
        with pytest.raises(RuntimeError, match=r"type c10::complex<float> without overflow"):
            lib.full((2,), 1e300, dtype=lib.complex64)
        with pytest.raises(TypeError, match="must be real number, not complex"):
            lib.tensor(1j, dtype=lib.float32)


def test_numpy_round_trip_shares_memory():
    a = cz(3).astype(np.complex64)
    t = ember.from_numpy(a)
    assert t.dtype is ember.complex64
    t[0] = 5 + 5j
    assert a[0] == 5 + 5j
    assert np.shares_memory(t.numpy(), a)
    assert ember.tensor(a).numpy().dtype == np.complex64


def test_item_tolist_and_python_conversions():
    e, t = both([1 + 2j, -3.5j], dtype="complex64")
    assert e[0].item() == t[0].item() and type(e[0].item()) is complex
    assert e.tolist() == t.tolist()
    assert complex(e[1]) == complex(t[1])
    assert e.is_complex() and not e.is_floating_point() and ember.is_complex(e)
    assert not ember.ones(2).is_complex()


def test_save_load_with_torch():
    e, t = both(cz(2, 3))
    buf = io.BytesIO()
    torch.save({"z": t, "dtype": torch.complex64}, buf)
    buf.seek(0)
    loaded = ember.load(buf)
    same(loaded["z"], t)
    assert loaded["dtype"] is ember.complex64
    buf = io.BytesIO()
    ember.save({"z": e[:, 1:]}, buf)
    buf.seek(0)
    same(e[:, 1:], torch.load(buf)["z"])


# ---------------------------------------------------------------------------- printing

REPR_DATA = [
    [1 + 2j, 3 - 4j],
    [[1 + 2j, 3.5 - 4j], [0j, -1e-5 + 2j]],
    [1e10 + 1j, 2j],
    1 + 1j,
    -0.0 - 0.0j,
    [],
    [0.1234567 + 1e-9j, -2.5 - 3.25j, complex("nan+1j"), complex("inf-infj")],
    [[complex(i, -i * 1.5) for i in range(40)]],
    [complex(i, i) for i in range(2000)],
    [[1 + 0j] * 30] * 3,
]


@pytest.mark.parametrize("data", REPR_DATA, ids=[str(i) for i in range(len(REPR_DATA))])
@pytest.mark.parametrize("dtype", ["complex64", "complex128"])
def test_repr_is_torchs(data, dtype):
    e, t = both(data, dtype=dtype)
    assert repr(e) == repr(t).replace("torch.", "ember.")
    e.requires_grad_()
    t.requires_grad_()
    assert repr(e * 2) == repr(t * 2).replace("torch.", "ember.")


# ---------------------------------------------------------------------------- parts as views


def test_real_and_imag_are_writable_views():
    e, t = both(cz(2, 3), dtype="complex64")
    for lib, z in ((ember, e), (torch, t)):
        z.real.mul_(2)
        z.imag[0] = 7
        z.real[1, 1] = -1
        lib.real(z)[0, 0] = 9
        lib.imag(z)[1, 0] = 3
    same(e, t)
    same(e.real, t.real)
    same(e.imag, t.imag)
    assert e.real._version == e._version and e.real._base is e
    v = e.imag
    before = v._version
    e.mul_(1j)
    assert v._version > before  # the view shares the version counter
    same(v, t.mul_(1j).imag)
    e.real = ember.zeros(3)
    t.real = torch.zeros(3)
    same(e, t)
    e.imag = ember.ones(2, 3)
    t.imag = torch.ones(2, 3)
    same(e, t)


def test_real_of_a_real_tensor_is_itself_and_imag_raises():
    r = ember.ones(3)
    assert r.real is r and ember.real(r) is r
    check_error(lambda m, x: x.imag, np.ones(3, np.float32))
    check_error(lambda m, x: m.imag(x), np.ones(3, np.int64))
    msg = check_error(lambda m, x: m.view_as_real(x), np.ones(3, np.float32))
    assert msg == "view_as_real is only supported for complex tensors"


def test_view_as_real_and_view_as_complex_share_memory():
    e, t = both(cz(3, 2), dtype="complex64")
    for z in (e, t):
        r = type(z).__module__ and (ember if isinstance(z, ember.Tensor) else torch).view_as_real(
            z.T
        )
        r[0, 1, 1] = 42
    same(e, t)
    lib_r = ember.view_as_real(e.T)
    assert lib_r.shape == (2, 3, 2) and lib_r.stride() == torch.view_as_real(t.T).stride()
    x = ember.tensor(RNG.uniform(-1, 1, (4, 2)), dtype=ember.float64)
    z = ember.view_as_complex(x)
    z[1] = 3 - 1j
    assert x[1].tolist() == [3.0, -1.0]
    same(z, torch.view_as_complex(torch.tensor(x.numpy())))
    assert ember.view_as_complex(x[2:]).tolist() == x[2:].numpy().view(np.complex128)[:, 0].tolist()


@pytest.mark.parametrize(
    "make",
    [
        lambda m: m.ones(3),
        lambda m: m.ones(2, 3),
        lambda m: m.ones(()),
        lambda m: m.ones(2, 4)[:, ::2],
        lambda m: m.ones(4, 2).t().contiguous().t(),
        lambda m: m.ones(2, 2, dtype=m.int64),
        lambda m: m.ones(3, 2).view(-1)[1:5].view(2, 2),
        lambda m: m.ones(3, 5)[:, :2],
    ],
    ids=["1d", "last3", "0d", "stride2", "transposed", "int", "odd_offset", "odd_stride"],
)
def test_view_as_complex_errors_are_torchs(make):
    outcome = []
    for lib in (torch, ember):
        with pytest.raises(RuntimeError) as info:
            lib.view_as_complex(make(lib))
        outcome.append(str(info.value))
    assert outcome[0] == outcome[1]


@pytest.mark.parametrize("fn", ["complex", "polar"])
def test_complex_and_polar_errors_are_torchs(fn):
    pairs = [(np.float64, np.float32), (np.int64, np.int64), (np.float32, np.float64)]
    for a, b in pairs:
        msg = check_error(
            lambda m, x, y: getattr(m, fn)(x, y), np.ones(2, dtype=a), np.ones(2, dtype=b)
        )
        assert "scalar type" in msg or "Half, Float or Double" in msg


def test_complex_and_polar_values():
    a, b = RNG.uniform(-2, 2, (2, 3)), RNG.uniform(-2, 2, (3,))
    same(
        ember.complex(ember.tensor(a), ember.tensor(b)),
        torch.complex(torch.tensor(a), torch.tensor(b)),
    )
    inf = np.array([np.inf, -np.inf, 1.0])
    same(
        ember.complex(ember.tensor(inf), ember.tensor(inf)),
        torch.complex(torch.tensor(inf), torch.tensor(inf)),
    )
    r = np.abs(a)
    same(
        ember.polar(ember.tensor(r), ember.tensor(a)), torch.polar(torch.tensor(r), torch.tensor(a))
    )


def test_angle_sgn_abs_conj():
    z = cz(2, 3)
    z[0, 0] = 0
    e, t = both(z)
    for f in (
        lambda m, z: z.angle(),
        lambda m, z: m.angle(z),
        lambda m, z: z.sgn(),
        lambda m, z: m.sgn(z),
        lambda m, z: z.abs(),
        lambda m, z: z.conj(),
        lambda m, z: m.conj_physical(z),
        lambda m, z: z.resolve_conj(),
        lambda m, z: z.mH,
        lambda m, z: z.H,
    ):
        same(f(ember, e), f(torch, t))
    real = np.array([-1.0, 0.0, -0.0, 2.0, np.nan])
    same(ember.tensor(real).angle(), torch.tensor(real).angle())
    same(ember.tensor([-2, 0, 3]).angle(), torch.tensor([-2, 0, 3]).angle())
    same(ember.tensor(real).sgn(), torch.tensor(real).sgn())
    r = ember.ones(2)
    assert r.conj() is r and not r.is_conj() and ember.conj_physical(r) is r
    assert not e.conj().is_conj()  # ember conjugates at once (torch: a lazy view)
    assert not ember.is_neg(e) and ember.resolve_neg(e) is e
    e2 = ember.tensor(z)
    e2.sgn_()
    same(e2, torch.tensor(z).sgn())


def test_complex_to_real_cast_warns_and_keeps_the_real_part():
    e, t = both([1 + 2j, -3 - 4j], dtype="complex64")
    for cast in (
        lambda z, m: z.to(m.float32),
        lambda z, m: z.float(),
        lambda z, m: z.long(),
        lambda z, m: z.double(),
    ):
        with pytest.warns(UserWarning, match="Casting complex values to real discards the imag"):
            got = cast(e, ember)
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            same(got, cast(t, torch))
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        same(e.to(ember.complex128), t.to(torch.complex128))
        same(ember.ones(2).to(ember.complex64), torch.ones(2).to(torch.complex64))
        same(e.bool(), t.bool())


# ---------------------------------------------------------------------------- elementwise

UNARY = {
    "neg": lambda m, z: -z,
    "exp": lambda m, z: z.exp(),
    "log": lambda m, z: z.log(),
    "sqrt": lambda m, z: z.sqrt(),
    "rsqrt": lambda m, z: z.rsqrt(),
    "reciprocal": lambda m, z: z.reciprocal(),
    "sin": lambda m, z: m.sin(z),
    "cos": lambda m, z: m.cos(z),
    "tan": lambda m, z: m.tan(z * 0.3),
    "sinh": lambda m, z: z.sinh(),
    "cosh": lambda m, z: z.cosh(),
    "tanh": lambda m, z: z.tanh(),
    "sigmoid": lambda m, z: z.sigmoid(),
    "expm1": lambda m, z: z.expm1(),
    "log1p": lambda m, z: z.log1p(),
    "log2": lambda m, z: z.log2(),
    "log10": lambda m, z: z.log10(),
    "square": lambda m, z: z.square(),
    "pow_int": lambda m, z: z**3,
    "pow_float": lambda m, z: z**0.5,
    "pow_complex": lambda m, z: z ** (1 - 0.5j),
    "rpow": lambda m, z: 2**z,
    "pow_tensor": lambda m, z: z**z,
    "abs": lambda m, z: z.abs(),
    "sgn": lambda m, z: z.sgn(),
    "angle": lambda m, z: z.angle(),
    "sum": lambda m, z: z.sum(0),
    "mean": lambda m, z: z.mean(),
    "prod": lambda m, z: z.prod(1),
    "cumsum": lambda m, z: z.cumsum(1),
    "cumprod": lambda m, z: z.cumprod(1),
    "cumprod_zero": lambda m, z: (z * m.tensor([1.0, 0.0, 1.0])).cumprod(1),
    "var": lambda m, z: z.var(),
    "std_dim": lambda m, z: z.std(1),
    "var_correction": lambda m, z: z.var(0, correction=0),
    "logsumexp": lambda m, z: (z * 3).logsumexp(1),
    "matmul": lambda m, z: z @ z.mT,
    "mm": lambda m, z: m.mm(z, z.mH),
    "bmm": lambda m, z: m.bmm(z[None], z.mT[None]),
    "matvec": lambda m, z: z @ z[0],
    "vdot": lambda m, z: m.vdot(z[0], z[1]),
    "einsum": lambda m, z: m.einsum("ij,kj->ik", z, z * 1j),
    "where": lambda m, z: m.where(z.real > 0, z, z * 2j),
    "cat_stack": lambda m, z: m.cat([m.stack([z, z * 1j]), z[None]]).reshape(-1, 2),
    "shape_ops": lambda m, z: z.T.flip(0)[1:].unsqueeze(0).expand(2, -1, -1).permute(2, 0, 1),
    "add_real": lambda m, z: z + z.real,
    "mul_real_tensor": lambda m, z: z * m.ones(3, dtype=m.float64),
    "div_scalar": lambda m, z: z / (2 + 1j),
    "rdiv": lambda m, z: (1 + 2j) / z,
    "sub_alpha": lambda m, z: m.sub(z, z * z, alpha=2j),
    "lerp": lambda m, z: m.lerp(z, z * 1j, 0.25),
    "addcmul": lambda m, z: m.addcmul(z, z, z.conj(), value=0.5),
    "eq": lambda m, z: z == z.conj(),
    "isclose": lambda m, z: m.isclose(z, z + 1e-9),
    "nan_to_num": lambda m, z: (z.detach() / 0).nan_to_num(),
    "isnan": lambda m, z: (z / 0).isnan(),
}


@pytest.mark.parametrize("name", list(UNARY))
def test_elementwise_values_and_grads_are_torchs(name):
    f = UNARY[name]
    z = cz(2, 3)
    e, t = both(z, requires_grad=True)
    oe, ot = f(ember, e), f(torch, t)
    same(oe, ot, rtol=1e-7, atol=1e-9)
    if not ot.requires_grad:
        return
    g = cz(*ot.shape) if ot.is_complex() else RNG.standard_normal(tuple(ot.shape))
    (gt,) = torch.autograd.grad(ot, t, torch.tensor(g))
    (ge,) = ember.autograd.grad(oe, e, ember.tensor(g))
    same(ge, gt, rtol=1e-7, atol=1e-9)


GRADCHECK = [
    "cumprod",
    "cumprod_zero",
    "var",
    "std_dim",
    "logsumexp",
    "exp",
    "log",
    "sqrt",
    "reciprocal",
    "sin",
    "tanh",
    "sigmoid",
    "pow_complex",
    "pow_tensor",
    "abs",
    "sgn",
    "angle",
    "prod",
    "matmul",
    "vdot",
    "einsum",
    "rdiv",
    "lerp",
    "addcmul",
    "where",
]


@pytest.mark.parametrize("name", GRADCHECK)
def test_gradcheck_on_complex_inputs(name):
    f = UNARY[name]
    z = ember.tensor(cz(2, 3), requires_grad=True)
    assert ember.autograd.gradcheck(lambda x: f(ember, x), (z,))
    assert ember.autograd.gradcheck(lambda x: f(ember, x), (z,), fast_mode=True)
    assert ember.autograd.gradgradcheck(lambda x: f(ember, x), (z,))


def test_gradcheck_catches_a_missing_conjugate(monkeypatch):
    from ember.ops.prims import pointwise as E

    z = ember.tensor(cz(3), requires_grad=True)
    assert ember.autograd.gradcheck(lambda x: x.exp(), (z,))
    monkeypatch.setattr(E._exp, "backward", lambda ctx, g: g * ctx.output)  # no conj
    assert not ember.autograd.gradcheck(lambda x: x.exp(), (z,), raise_exception=False)
    assert not ember.autograd.gradcheck(
        lambda x: x.exp(), (z,), fast_mode=True, raise_exception=False
    )
    # real input and output, complex inside: the Jacobian is still checked
    r = ember.tensor(RNG.uniform(-1, 1, 3), requires_grad=True)
    assert not ember.autograd.gradcheck(
        lambda x: (x * (1 + 1j)).exp().imag, (r,), raise_exception=False
    )


def test_gradcheck_warns_for_single_precision_complex():
    z = ember.tensor(cz(2), dtype=ember.complex64, requires_grad=True)
    with pytest.warns(UserWarning, match="not a double precision floating point or complex"):
        ember.autograd.gradcheck(lambda x: x * 2, (z,), raise_exception=False)


def test_mixed_real_and_complex_gradients_are_torchs():
    r = RNG.uniform(-2, 2, 3)
    z = cz(3)
    ins = {
        lib: (
            lib.tensor(r, requires_grad=True),
            lib.tensor(z, requires_grad=True),
        )
        for lib in (ember, torch)
    }
    for lib, (x, w) in ins.items():
        loss = ((x * w).abs() ** 2).sum() + (x.to(lib.complex128) * 1j).exp().real.sum()
        loss = loss + lib.view_as_real(w).pow(3).sum() + lib.complex(x, x * x).angle().sum()
        loss.backward()
    same(ins[ember][0].grad, ins[torch][0].grad, rtol=1e-7)
    same(ins[ember][1].grad, ins[torch][1].grad, rtol=1e-7)
    assert ins[ember][0].grad.dtype is ember.float64  # a real leaf keeps a real gradient


def test_abs_squared_gradient_is_twice_z():
    z = cz(4)
    e = ember.tensor(z, requires_grad=True)
    (e.abs() ** 2).sum().backward()
    np.testing.assert_allclose(e.grad.numpy(), 2 * z)


def test_backward_of_a_complex_output_needs_a_gradient():
    for lib in (ember, torch):
        z = lib.tensor([1 + 1j], requires_grad=True)
        with pytest.raises(RuntimeError, match="grad can be implicitly created only for real"):
            z.sum().backward()
    assert ember.ones(2, dtype=ember.complex64).requires_grad_().requires_grad


# ---------------------------------------------------------------------------- refusals

REFUSED = {
    "lt": lambda m, z: z < z,
    "gt": lambda m, z: z > 1,
    "le": lambda m, z: z.le(z),
    "ge": lambda m, z: m.ge(z, z),
    "maximum": lambda m, z: m.maximum(z, z),
    "minimum": lambda m, z: m.minimum(z, z),
    "fmax": lambda m, z: m.fmax(z, z),
    "fmin": lambda m, z: m.fmin(z, z),
    "floor": lambda m, z: z.floor(),
    "ceil": lambda m, z: z.ceil(),
    "trunc": lambda m, z: z.trunc(),
    "frac": lambda m, z: z.frac(),
    "round": lambda m, z: z.round(),
    "clamp": lambda m, z: z.clamp(0, 1),
    "clamp_tensor": lambda m, z: z.clamp(m.zeros(2, dtype=m.complex128)),
    "sign": lambda m, z: z.sign(),
    "remainder": lambda m, z: z % 2,
    "fmod": lambda m, z: m.fmod(z, z),
    "amax": lambda m, z: z.amax(0),
    "amin": lambda m, z: m.amin(z),
    "sort": lambda m, z: z.sort(),
    "argsort": lambda m, z: z.argsort(),
    "topk": lambda m, z: z.topk(1),
    "argmax": lambda m, z: z.argmax(),
    "argmin": lambda m, z: z.argmin(0),
    # real-only kernels: torch refuses complex rather than computing something else
    "relu": lambda m, z: m.relu(z),
    "relu_": lambda m, z: z.clone().relu_(),
    "softmax": lambda m, z: z.softmax(0),
    "log_softmax": lambda m, z: m.log_softmax(z, 0),
    "gelu": lambda m, z: m.nn.functional.gelu(z),
    "elu": lambda m, z: m.nn.functional.elu(z),
    "leaky_relu": lambda m, z: m.nn.functional.leaky_relu(z),
    "layer_norm": lambda m, z: m.nn.functional.layer_norm(z, (2,)),
    "mse_loss": lambda m, z: m.nn.functional.mse_loss(z, z),
    "nansum": lambda m, z: m.nansum(z),
    "abs_": lambda m, z: z.clone().abs_(),
}


@pytest.mark.parametrize("name", list(REFUSED))
@pytest.mark.parametrize("dtype", [np.complex64, np.complex128])
def test_ordering_ops_refuse_complex_as_torch(name, dtype):
    msg = check_error(REFUSED[name], cz(2).astype(dtype))
    with pytest.raises(Exception) as theirs:  # noqa: B017 - the message is compared
        REFUSED[name](torch, torch.tensor(cz(2).astype(dtype)))
    assert msg == str(theirs.value)


OUT_CASES = {
    "sgn_wider": lambda m: m.sgn(m.ones(2), out=m.empty(2, dtype=m.float64)),
    "sgn_autograd": lambda m: m.sgn(m.ones(2).requires_grad_(), out=m.empty(2)),
    "angle_int": lambda m: m.angle(m.ones(2), out=m.empty(2, dtype=m.int64)),
    "conj_physical_wider": lambda m: m.conj_physical(
        m.ones(2, dtype=m.complex64), out=m.empty(2, dtype=m.complex128)
    ),
    "complex_wider": lambda m: m.complex(m.ones(2), m.ones(2), out=m.empty(2, dtype=m.complex128)),
    "complex_real": lambda m: m.complex(m.ones(2), m.ones(2), out=m.empty(2)),
    "polar_wider": lambda m: m.polar(m.ones(2), m.ones(2), out=m.empty(2, dtype=m.complex128)),
}


@pytest.mark.parametrize("name", list(OUT_CASES))
def test_out_errors_are_torchs(name):
    outcome = []
    for lib in (torch, ember):
        with pytest.raises(RuntimeError) as info:
            OUT_CASES[name](lib)
        outcome.append(str(info.value))
    assert outcome[0] == outcome[1]


def test_out_writes():
    z = cz(3)
    for lib in (ember, torch):
        t = lib.tensor(z)
        out = lib.empty(3, dtype=lib.float64)
        assert lib.angle(t, out=out) is out
        np.testing.assert_allclose(out.numpy(), np.angle(z))
        out = lib.empty(3, dtype=lib.complex128)
        assert lib.complex(t.real, t.imag, out=out) is out
        np.testing.assert_allclose(out.numpy(), z)
        lib.sgn(t, out=out)
        np.testing.assert_allclose(out.numpy(), z / np.abs(z))


INPLACE_ON_PARTS = {
    "real_and_imag": lambda m, y: (y.real.mul_(3), y.imag[0].fill_(7.0)),
    "view_as_real": lambda m, y: m.view_as_real(y)[:, 0, 1].add_(5.0),
    "imag_from_real": lambda m, y: y.imag.mul_(2.0).add_(y.real.detach()),
    "row_real": lambda m, y: y[1].real.neg_(),
    "copy_into_real": lambda m, y: y.real.copy_(y.imag.detach() * 3),
}


@pytest.mark.parametrize("name", list(INPLACE_ON_PARTS))
def test_inplace_on_part_views_keeps_the_graph(name):
    z = cz(2, 2)
    out = []
    for lib in (torch, ember):
        x = lib.tensor(z, requires_grad=True)
        y = x * 2
        INPLACE_ON_PARTS[name](lib, y)
        v = y.imag  # a view the next in-place change of the base refreshes
        y.mul_(1 + 1j)
        ((y.abs() ** 2).sum() + (v * v).sum()).backward()
        out.append((y.detach().resolve_conj().numpy(), x.grad.numpy()))
    np.testing.assert_allclose(out[1][0], out[0][0])
    np.testing.assert_allclose(out[1][1], out[0][1])


def test_inplace_on_a_complex_view_of_a_real_base_keeps_the_graph():
    out = []
    for lib in (torch, ember):
        x = lib.tensor(np.arange(8.0).reshape(2, 2, 2), requires_grad=True)
        y = x * 1.5
        lib.view_as_complex(y).mul_(1j + 0.5)
        w = lib.view_as_complex(y)[0]
        y.add_(1.0)
        ((y**2).sum() + w.abs().sum()).backward()
        out.append((y.detach().numpy(), x.grad.numpy()))
    np.testing.assert_allclose(out[1][0], out[0][0])
    np.testing.assert_allclose(out[1][1], out[0][1])


@pytest.mark.parametrize("delta", [0, 1e-9j, 1e-3j, 1e-3, 2e-6 + 2e-6j])
@pytest.mark.parametrize("dtype", ["complex64", "complex128"])
def test_assert_close_compares_both_parts_as_torch(delta, dtype):
    z = cz(3)
    outcome = []
    for lib in (torch, ember):
        a = lib.tensor(z, dtype=getattr(lib, dtype))
        b = lib.tensor(z + delta, dtype=getattr(lib, dtype))
        try:
            lib.testing.assert_close(a, b)
            outcome.append(True)
        except AssertionError:
            outcome.append(False)
    assert outcome[0] == outcome[1]
