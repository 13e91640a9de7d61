"""ember.func's differentiating transforms against torch.func on the same functions: grad,
grad_and_value, vjp, jvp, jacrev, jacfwd, hessian, their nesting (with each other and with
vmap), pytrees of inputs and outputs, has_aux, and torch's errors."""

from __future__ import annotations

import numpy as np
import pytest
import torch
import torch.func as tf

import ember
import ember.func as ef

from ..oracle import check_error

RNG = np.random.default_rng(0)
# torch.func's forward mode compiles a helper with the deprecated torch.jit.script
pytestmark = pytest.mark.filterwarnings("ignore:`torch.jit.script` is deprecated")


def arr(*shape, dtype=np.float64):
    return RNG.standard_normal(shape).astype(dtype)


def both(tree):
    """The same pytree of arrays as ember and as torch tensors."""
    if isinstance(tree, np.ndarray):
        return ember.tensor(tree), torch.tensor(tree)
    if isinstance(tree, dict):
        pairs = {k: both(v) for k, v in tree.items()}
        return {k: p[0] for k, p in pairs.items()}, {k: p[1] for k, p in pairs.items()}
    if isinstance(tree, (tuple, list)):
        pairs = [both(v) for v in tree]
        return type(tree)(p[0] for p in pairs), type(tree)(p[1] for p in pairs)
    return tree, tree


def same(e, t, rtol=1e-6, atol=1e-8):
    """Pytrees of equal structure and values (ember vs torch)."""
    if isinstance(t, torch.Tensor):
        assert isinstance(e, ember.Tensor), type(e)
        assert tuple(e.shape) == tuple(t.shape), (tuple(e.shape), tuple(t.shape))
        assert e.dtype.name == str(t.dtype).replace("torch.", "")
        np.testing.assert_allclose(e.detach().numpy(), t.detach().numpy(), rtol=rtol, atol=atol)
    elif isinstance(t, dict):
        assert isinstance(e, dict) and list(e) == list(t)
        for k in t:
            same(e[k], t[k], rtol, atol)
    elif isinstance(t, (tuple, list)):
        assert type(e) is type(t) and len(e) == len(t), (type(e), type(t))
        for a, b in zip(e, t):
            same(a, b, rtol, atol)
    else:
        assert e == t


# functions written once for both libraries: f(lib)(*args)
def f_scalar(m):
    return lambda x: (m.sin(x) * x.exp()).sum() + (x**3).mean()


def f_vector(m):
    return lambda x: m.tanh(x) * x.sum() + x.flip(0) ** 2


def f_two(m):
    return lambda x, y: (m.sin(x) @ y).cos().sum()


def f_tree(m):
    return lambda d: (d["a"].sin() * d["b"][0]).sum() + d["b"][1].exp().sum()


def f_mat(m):
    return lambda w, x: m.nn.functional.softmax(x @ w, dim=-1)


CASES = [
    ("scalar", f_scalar, (arr(5),)),
    ("matrix-in", f_scalar, (arr(3, 4),)),
    ("two-args", f_two, (arr(3, 4), arr(4, 2))),
    ("pytree", f_tree, ({"a": arr(3), "b": [arr(3), arr(2)]},)),
]


@pytest.mark.parametrize("name,fn,args", CASES, ids=[c[0] for c in CASES])
@pytest.mark.parametrize("argnums", [0, (0,), "all"])
def test_grad_and_value(name, fn, args, argnums):
    if argnums == "all":
        argnums = tuple(range(len(args)))
    e_args, t_args = both(args)
    ge, ve = ef.grad_and_value(fn(ember), argnums=argnums)(*e_args)
    gt, vt = tf.grad_and_value(fn(torch), argnums=argnums)(*t_args)
    same(ge, gt)
    same(ve, vt)
    same(ef.grad(fn(ember), argnums=argnums)(*e_args), gt)


def test_grad_results_have_no_graph_at_top_level():
    x = ember.tensor(arr(3))
    g = ef.grad(lambda x: (x**2).sum())(x)
    assert not g.requires_grad and g.grad_fn is None
    assert tf.grad(lambda x: (x**2).sum())(torch.tensor(arr(3))).requires_grad is False


def test_grad_composes_with_regular_autograd():
    """A closure over a tensor that requires grad: the gradient is differentiable wrt it."""
    w_np, x_np = arr(3), arr(3)
    we = ember.tensor(w_np, requires_grad=True)
    wt = torch.tensor(w_np, requires_grad=True)
    ge = ef.grad(lambda x: (we * x.sin()).sum() * (x**2).sum())(ember.tensor(x_np))
    gt = tf.grad(lambda x: (wt * x.sin()).sum() * (x**2).sum())(torch.tensor(x_np))
    same(ge, gt)
    assert ge.requires_grad
    ge.sum().backward()
    gt.sum().backward()
    same(we.grad, wt.grad)


def test_grad_has_aux():
    def f(m):
        return lambda x: ((x**2).sum(), {"double": x * 2, "half": [x / 2]})

    xe, xt = both(arr(4))
    (ge, auxe), (gt, auxt) = (
        ef.grad(f(ember), has_aux=True)(xe),
        tf.grad(f(torch), has_aux=True)(xt),
    )
    same(ge, gt)
    same(auxe, auxt)
    (ge, (ve, auxe)) = ef.grad_and_value(f(ember), has_aux=True)(xe)
    (gt, (vt, auxt)) = tf.grad_and_value(f(torch), has_aux=True)(xt)
    same((ge, ve, auxe), (gt, vt, auxt))


def test_grad_of_unused_input_is_zeros():
    xe, xt = both((arr(3), arr(2)))
    same(
        ef.grad(lambda x, y: (x**2).sum(), argnums=(0, 1))(*xe),
        tf.grad(lambda x, y: (x**2).sum(), argnums=(0, 1))(*xt),
    )


@pytest.mark.parametrize("order", [2, 3])
def test_grad_of_grad(order):
    fe, ft = (lambda x: ember.sin(x) * x**2), (lambda x: torch.sin(x) * x**2)
    for _ in range(order):
        fe, ft = ef.grad(fe), tf.grad(ft)
    same(fe(ember.tensor(0.7, dtype=ember.float64)), ft(torch.tensor(0.7, dtype=torch.float64)))


def test_perturbation_confusion():
    """d/dx [x * d/dy (x * y)] = 2x: the inner derivative must not see the outer x as y."""

    def outer(m, tr):
        return lambda x: x * tr.grad(lambda y: (x * y).sum())(x).sum()

    xe, xt = both(np.array(3.0))
    same(ef.grad(outer(ember, ef))(xe), tf.grad(outer(torch, tf))(xt))


@pytest.mark.parametrize("name,fn,args", CASES, ids=[c[0] for c in CASES])
def test_vjp(name, fn, args):
    e_args, t_args = both(args)
    oe, vjp_e = ef.vjp(fn(ember), *e_args)
    ot, vjp_t = tf.vjp(fn(torch), *t_args)
    same(oe, ot)
    ct = np.asarray(1.7)
    same(vjp_e(ember.tensor(ct)), vjp_t(torch.tensor(ct)))
    same(vjp_e(ember.tensor(-ct)), vjp_t(torch.tensor(-ct)))  # vjp_fn runs again


def test_vjp_pytree_output_and_aux():
    def f(m):
        return lambda x, y: ({"p": x * y, "q": (x.sin(), y**2)}, x.sum())

    xe, xt = both((arr(3), arr(3)))
    oe, vjp_e, auxe = ef.vjp(f(ember), *xe, has_aux=True)
    ot, vjp_t, auxt = tf.vjp(f(torch), *xt, has_aux=True)
    same((oe, auxe), (ot, auxt))
    ce, ct = both({"p": arr(3), "q": (arr(3), arr(3))})
    same(vjp_e(ce), vjp_t(ct))


@pytest.mark.parametrize("name,fn,args", [("vector", f_vector, (arr(4),))] + CASES[1:3])
def test_jvp(name, fn, args):
    e_args, t_args = both(args)
    tangents = tuple(arr(*a.shape) for a in args)
    e_tan, t_tan = both(tangents)
    same(ef.jvp(fn(ember), e_args, e_tan), tf.jvp(fn(torch), t_args, t_tan))


def test_jvp_has_aux_and_pytree_output():
    def f(m):
        return lambda x: ((x.sin(), {"e": x.exp()}), x.cos())

    (xe, te), (xt, tt) = both((arr(3), arr(3)))
    same(ef.jvp(f(ember), (xe,), (te,), has_aux=True), tf.jvp(f(torch), (xt,), (tt,), has_aux=True))


@pytest.mark.parametrize("jac", ["jacrev", "jacfwd"])
@pytest.mark.parametrize(
    "name,fn,args,argnums",
    [
        ("vector", f_vector, (arr(4),), 0),
        ("matrix", f_mat, (arr(3, 4), arr(2, 3)), 0),
        ("matrix-both", f_mat, (arr(3, 4), arr(2, 3)), (0, 1)),
        ("scalar", f_scalar, (arr(2, 3),), 0),
        ("pytree", f_tree, ({"a": arr(3), "b": [arr(3), arr(2)]},), 0),
    ],
)
def test_jacobians(jac, name, fn, args, argnums):
    e_args, t_args = both(args)
    same(
        getattr(ef, jac)(fn(ember), argnums=argnums)(*e_args),
        getattr(tf, jac)(fn(torch), argnums=argnums)(*t_args),
    )


def test_jacrev_pytree_output_has_aux_and_chunks():
    def f(m):
        return lambda x: ({"a": x.sin(), "b": (x * x.sum()).reshape(2, 2)}, x.mean())

    xe, xt = both(arr(4))
    for chunk in (None, 1, 3):
        je, auxe = ef.jacrev(f(ember), has_aux=True, chunk_size=chunk)(xe)
        jt, auxt = tf.jacrev(f(torch), has_aux=True, chunk_size=chunk)(xt)
        same((je, auxe), (jt, auxt))


def test_jacfwd_has_aux():
    def f(m):
        return lambda x: (x.sin() * 2, x.sum())

    xe, xt = both(arr(3))
    same(ef.jacfwd(f(ember), has_aux=True)(xe), tf.jacfwd(f(torch), has_aux=True)(xt))


@pytest.mark.parametrize("argnums", [0, 1, (0, 1)])
def test_hessian(argnums):
    def f(m):
        return lambda x, y: (m.sin(x) * y.exp()).sum() * (x**2).sum() + (y**3).sum()

    e_args, t_args = both((arr(3), arr(3)))
    same(
        ef.hessian(f(ember), argnums=argnums)(*e_args),
        tf.hessian(f(torch), argnums=argnums)(*t_args),
    )


def test_jacrev_of_jacrev_and_mixed():
    fe, ft = f_vector(ember), f_vector(torch)
    xe, xt = both(arr(3))
    expected = tf.jacrev(tf.jacrev(ft))(xt)
    same(ef.jacrev(ef.jacrev(fe))(xe), expected)
    same(ef.jacfwd(ef.jacrev(fe))(xe), expected)
    same(ef.jacrev(ef.jacfwd(fe))(xe), expected)


def test_vmap_of_jacrev_and_jacrev_of_vmap():
    fe, ft = f_vector(ember), f_vector(torch)
    xe, xt = both(arr(5, 3))
    same(ef.vmap(ef.jacrev(fe))(xe), tf.vmap(tf.jacrev(ft))(xt))
    same(ef.vmap(ef.jacfwd(fe))(xe), tf.vmap(tf.jacfwd(ft))(xt))
    same(ef.jacrev(ef.vmap(fe))(xe), tf.jacrev(tf.vmap(ft))(xt))


def test_vmap_of_grad_of_grad_and_grad_of_vmap():
    xe, xt = both(arr(6))
    same(
        ef.vmap(ef.grad(ef.grad(lambda x: x.sin() * x**3)))(xe),
        tf.vmap(tf.grad(tf.grad(lambda x: x.sin() * x**3)))(xt),
    )
    same(
        ef.grad(lambda x: ef.vmap(lambda r: (r.sin() * r).sum())(x).prod())(xe.reshape(2, 3)),
        tf.grad(lambda x: tf.vmap(lambda r: (r.sin() * r).sum())(x).prod())(xt.reshape(2, 3)),
    )


def test_vmap_of_vjp_and_jvp():
    xe, xt = both(arr(4, 3))
    ce, ct = both(arr(4, 3))

    def vjp_of(tr, m):
        return lambda x, c: tr.vjp(lambda y: y.sin() * y.sum(), x)[1](c)[0]

    same(ef.vmap(vjp_of(ef, ember))(xe, ce), tf.vmap(vjp_of(tf, torch))(xt, ct))

    def jvp_of(tr):
        return lambda x, t: tr.jvp(lambda y: y.sin() * y.sum(), (x,), (t,))[1]

    same(ef.vmap(jvp_of(ef))(xe, ce), tf.vmap(jvp_of(tf))(xt, ct))


# ---------------------------------------------------------------------------- errors


def _lib(m):
    return ef if m is ember else tf


@pytest.mark.parametrize(
    "call",
    [
        lambda m, x: _lib(m).grad(lambda x: x)(x),
        lambda m, x: _lib(m).grad(lambda x: 1.0)(x),
        lambda m, x: _lib(m).grad(lambda x: (x.sum(), x))(x),
        lambda m, x: _lib(m).grad(lambda x: x.sum(), argnums=1)(x),
        lambda m, x: _lib(m).grad(lambda x: x.sum(), argnums=-2)(x),
        lambda m, x: _lib(m).grad(lambda x: x.sum(), argnums=(0, 0))(x),
        lambda m, x: _lib(m).grad(lambda x: x.sum(), argnums=1.5)(x),
        lambda m, x: _lib(m).grad(lambda x: x.sum(), argnums=[0])(x),
        lambda m, x: _lib(m).grad(lambda x: x.sum(), argnums=())(x),
        lambda m, x: _lib(m).grad(lambda x, y: x.sum(), argnums=(0, 1.0))(x, x),
        lambda m, x: _lib(m).grad(lambda x: x.sum(), has_aux=True)(x),
        lambda m, x: _lib(m).grad(lambda x: (x.sum(), 1, 2), has_aux=True)(x),
        lambda m, x: _lib(m).grad(lambda x: x.sum())(1.0),
        lambda m, x: _lib(m).grad(lambda x: x.sum())(m.arange(3)),
        lambda m, x: _lib(m).grad(lambda x: x.sum())(),
        lambda m, x: _lib(m).vjp(lambda x: 1.0, x),
        lambda m, x: _lib(m).vjp(lambda x: x, 1.0),
        lambda m, x: _lib(m).vjp(lambda x: x, x, has_aux=True),
        lambda m, x: _lib(m).vjp(lambda x: (x, x), x)[1]((x,)),
        lambda m, x: _lib(m).vjp(lambda x: (x, x), x)[1](x),
        lambda m, x: _lib(m).vjp(lambda x: x, x)[1]((x,)),
        lambda m, x: _lib(m).vjp(lambda x: x, x)[1](m.ones(4)),
        lambda m, x: _lib(m).jvp(lambda x: x, x, x),
        lambda m, x: _lib(m).jvp(lambda x: x, (x,), x),
        lambda m, x: _lib(m).jvp(lambda x: x, (x,), (x, x)),
        lambda m, x: _lib(m).jvp(lambda x: x, (1.0,), (x,)),
        lambda m, x: _lib(m).jvp(lambda x: 1.0, (x,), (x,)),
        lambda m, x: _lib(m).jvp(lambda x: x, (x,), (m.ones(4),)),
        lambda m, x: _lib(m).jacrev(lambda x: x, argnums=2)(x),
        lambda m, x: _lib(m).jacrev(lambda x: 1.0)(x),
        lambda m, x: _lib(m).jacrev(lambda x: x, chunk_size=0)(x),
        lambda m, x: _lib(m).jacfwd(lambda x: 1.0)(x),
        lambda m, x: _lib(m).grad(lambda x: (x.sum(), 1), has_aux=True)(x),
        lambda m, x: _lib(m).grad(lambda x: (x.sum(), None), has_aux=True)(x),
        lambda m, x: _lib(m).vjp(lambda x: (x, 1), x, has_aux=True),
        lambda m, x: _lib(m).jvp(lambda x: (x, 1), (x,), (x,), has_aux=True),
        lambda m, x: _lib(m).jacrev(lambda x: (x, 1), has_aux=True)(x),
        lambda m, x: _lib(m).jacfwd(lambda x: (x, 1), has_aux=True)(x),
        lambda m, x: _lib(m).jvp(lambda x: x, (x,), [x]),
        lambda m, x: _lib(m).jvp(lambda x: x, (x,), (1.0,)),
        lambda m, x: _lib(m).vjp(lambda x: x.sum(), m.arange(3)),
    ],
)
def test_errors_match_torch(call):
    same_error(call, arr(3))


def same_error(call, *arrays):
    """``call(lib, *tensors)`` raises the same exception type and message in both libraries
    (library names dropped)."""
    msg = check_error(call, *arrays)
    try:
        call(torch, *[torch.tensor(a) for a in arrays])
    except Exception as e:  # noqa: BLE001 - whatever torch raises
        expected = str(e)
    norm = [m.replace("torch.", "").replace("ember.", "") for m in (msg, expected)]
    assert norm[0] == norm[1]
