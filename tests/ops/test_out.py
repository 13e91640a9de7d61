"""``out=`` against torch: every public function that accepts it writes into ``out`` by
PyTorch's rules (ember/ops/_out.py), or refuses it exactly where torch does.

Each case runs the same lambda on ember and torch with an ``out=`` argument, and compares what
comes back: ``result is out``, values, dtype, shape, the version counter, the resize warning, and
the error (type and message) for an ``out`` of another dtype, for inputs that require grad and
for an ``out`` that requires grad.
"""

from __future__ import annotations

import warnings

import numpy as np
import pytest
import torch

import ember

from ..oracle import assert_same

_RNG = np.random.default_rng(0)


def _f(*shape):
    return _RNG.standard_normal(shape).astype(np.float32)


ARR = {
    "X": _f(3, 4),
    "Y": _f(3, 4),
    "P": (_RNG.random((3, 4)) * 0.8 + 0.1).astype(np.float32),
    "I": _RNG.integers(0, 5, (3, 4)).astype(np.int64),
    "J": _RNG.integers(1, 5, (3, 4)).astype(np.int64),
    "B": _RNG.random((3, 4)) > 0.5,
    "V": _f(4),
    "W": _f(3),
    "V3": _f(2, 3),
    "V3r": _f(2, 3),
    "V24": _f(2, 4),
    "W32": _f(3, 2),
    "M": _f(4, 2),
    "BA": _f(2, 3, 4),
    "BB": _f(2, 4, 2),
    "BC": _f(2, 3, 2),
    "IDX": np.array([[0, 2, 1, 0], [2, 1, 0, 1]], dtype=np.int64),
    "IDX1": np.array([2, 0], dtype=np.int64),
    "SEQ": np.array([-1.0, 0.0, 0.5, 2.0], dtype=np.float32),
    "Q": np.array([0.25, 0.5], dtype=np.float32),
}
_A = _RNG.standard_normal((3, 3)) + 3 * np.eye(3)
ARR["A"] = _A.astype(np.float32)
ARR["S"] = (_A @ _A.T + np.eye(3)).astype(np.float32)


def _mod(m, path):
    for part in path.split(".")[:-1]:
        m = getattr(m, part)
    return m


def _call(path, *extra, ins, **fixed):
    """A case calling ``lib.<path>(*inputs, *extra, **fixed, out=...)``."""
    name = path.split(".")[-1]
    tag = "-".join([path, *map(str, extra), *(f"{k}={v}" for k, v in fixed.items())])
    return (tag, lambda m, a, **kw: getattr(_mod(m, path), name)(*a, *extra, **fixed, **kw), ins)


def u(path, ins="X"):
    return _call(path, ins=[ins])


def b(path, ins=("X", "Y")):
    return _call(path, ins=list(ins))


# (id, fn(lib, inputs, **out_kw), input names)
CASES = [
    *(
        u(n)
        for n in [
            "abs",
            "absolute",
            "asinh",
            "arcsinh",
            "atan",
            "arctan",
            "ceil",
            "cos",
            "cosh",
            "digamma",
            "erf",
            "erfc",
            "exp",
            "exp2",
            "expm1",
            "fix",
            "trunc",
            "floor",
            "frac",
            "lgamma",
            "neg",
            "negative",
            "reciprocal",
            "round",
            "sign",
            "sgn",
            "sigmoid",
            "sin",
            "sinc",
            "sinh",
            "tan",
            "tanh",
            "nan_to_num",
        ]
    ),
    *(
        u(n, "P")
        for n in [
            "acos",
            "arccos",
            "asin",
            "arcsin",
            "atanh",
            "arctanh",
            "erfinv",
            "log",
            "log10",
            "log1p",
            "log2",
            "logit",
            "rsqrt",
            "sqrt",
        ]
    ),
    ("acosh", lambda m, a, **kw: m.acosh(a[0] + 2, **kw), ["P"]),
    ("polygamma", lambda m, a, **kw: m.polygamma(1, a[0], **kw), ["P"]),
    _call("round", decimals=1, ins=["X"]),
    ("exp_int", lambda m, a, **kw: m.exp(a[0], **kw), ["I"]),
    ("neg_int", lambda m, a, **kw: m.neg(a[0], **kw), ["I"]),
    ("abs_int", lambda m, a, **kw: m.abs(a[0], **kw), ["I"]),
    *(
        b(n)
        for n in [
            "atan2",
            "arctan2",
            "add",
            "sub",
            "subtract",
            "mul",
            "multiply",
            "div",
            "divide",
            "floor_divide",
            "remainder",
            "fmod",
            "hypot",
            "maximum",
            "minimum",
            "fmax",
            "fmin",
            "eq",
            "ne",
            "not_equal",
            "lt",
            "less",
            "le",
            "less_equal",
            "gt",
            "greater",
            "ge",
            "greater_equal",
            "logical_and",
            "logical_or",
            "logical_xor",
        ]
    ),
    u("logical_not"),
    b("pow", ("P", "Y")),
    b("xlogy", ("X", "P")),
    _call("add", alpha=2, ins=["X", "Y"]),
    ("add_scalar", lambda m, a, **kw: m.add(a[0], 2.5, **kw), ["X"]),
    ("pow_scalar", lambda m, a, **kw: m.pow(a[0], 2, **kw), ["X"]),
    ("add_int", lambda m, a, **kw: m.add(a[0], a[1], **kw), ["I", "J"]),
    ("div_int", lambda m, a, **kw: m.div(a[0], a[1], **kw), ["I", "J"]),
    _call("div", rounding_mode="trunc", ins=["X", "Y"]),
    _call("div", rounding_mode="floor", ins=["X", "P"]),
    *(
        b(n, ("I", "J"))
        for n in [
            "bitwise_and",
            "bitwise_or",
            "bitwise_xor",
            "bitwise_left_shift",
            "bitwise_right_shift",
        ]
    ),
    u("bitwise_not", "I"),
    _call("where", ins=["B", "X", "Y"]),
    _call("lerp", 0.3, ins=["X", "Y"]),
    _call("addcmul", value=0.5, ins=["X", "Y", "P"]),
    _call("addcdiv", value=0.5, ins=["X", "Y", "P"]),
    _call("clamp", -0.5, 0.5, ins=["X"]),
    _call("clip", min=-0.5, ins=["X"]),
    ("clamp_tensor", lambda m, a, **kw: m.clamp(a[0], a[1], **kw), ["X", "Y"]),
    # reductions
    _call("sum", 1, ins=["X"]),
    _call("sum", (0, 1), keepdim=True, ins=["X"]),
    ("sum_int", lambda m, a, **kw: m.sum(a[0], 0, **kw), ["I"]),
    ("sum_dtype", lambda m, a, **kw: m.sum(a[0], 0, dtype=m.float64, **kw), ["X"]),
    *(
        _call(n, 1, ins=["X"])
        for n in [
            "nansum",
            "mean",
            "nanmean",
            "prod",
            "amax",
            "amin",
            "std",
            "var",
            "logsumexp",
            "cumsum",
            "cumprod",
            "logcumsumexp",
        ]
    ),
    ("cumsum_int", lambda m, a, **kw: m.cumsum(a[0], 1, **kw), ["I"]),
    _call("aminmax", dim=1, ins=["X"]),
    _call("max", 1, ins=["X"]),
    _call("min", 1, keepdim=True, ins=["X"]),
    ("max_all", lambda m, a, **kw: m.max(a[0], **kw), ["X"]),
    ("min_binary", lambda m, a, **kw: m.min(a[0], a[1], **kw), ["X", "Y"]),
    _call("all", 1, ins=["B"]),
    _call("any", 1, ins=["B"]),
    _call("sort", 1, ins=["X"]),
    _call("topk", 2, ins=["X"]),
    _call("kthvalue", 2, 1, ins=["X"]),
    _call("median", 1, ins=["X"]),
    _call("nanmedian", 1, ins=["X"]),
    _call("mode", 1, ins=["I"]),
    _call("quantile", 0.3, 1, ins=["X"]),
    _call("nanquantile", 1, ins=["X", "Q"]),
    _call("histc", 5, ins=["X"]),
    # joining
    *(
        (n, lambda m, a, n=n, **kw: getattr(m, n)([a[0], a[1]], **kw), ["X", "Y"])
        for n in ["cat", "concat", "concatenate", "hstack", "vstack", "row_stack", "dstack"]
    ),
    ("cat_dim1", lambda m, a, **kw: m.cat([a[0], a[1]], 1, **kw), ["X", "Y"]),
    ("cat_mixed", lambda m, a, **kw: m.cat([a[0], a[1]], **kw), ["X", "I"]),
    ("stack", lambda m, a, **kw: m.stack([a[0], a[1]], 1, **kw), ["X", "Y"]),
    ("column_stack", lambda m, a, **kw: m.column_stack([a[0], a[1]], **kw), ["V", "V"]),
    # indexing
    ("gather", lambda m, a, **kw: m.gather(a[0], 0, a[1], **kw), ["X", "IDX"]),
    ("index_select", lambda m, a, **kw: m.index_select(a[0], 1, a[1], **kw), ["X", "IDX1"]),
    ("index_add", lambda m, a, **kw: m.index_add(a[0], 0, a[1], a[2], **kw), ["X", "IDX1", "V24"]),
    _call("masked_select", ins=["X", "B"]),
    _call("take_along_dim", 0, ins=["X", "IDX"]),
    _call("nonzero", ins=["I"]),
    _call("searchsorted", ins=["SEQ", "X"]),
    _call("bucketize", ins=["X", "SEQ"]),
    _call("tril", ins=["X"]),
    _call("triu", 1, ins=["X"]),
    _call("diag", ins=["V"]),
    ("diag_2d", lambda m, a, **kw: m.diag(a[0], 1, **kw), ["X"]),
    # products
    *(
        b(n, ins)
        for n, ins in [
            ("matmul", "XM"),
            ("mm", "XM"),
            ("bmm", ("BA", "BB")),
            ("mv", "XV"),
            ("dot", "VV"),
            ("vdot", "VV"),
            ("outer", "VW"),
            ("ger", "VW"),
            ("inner", "XY"),
            ("kron", ("V3", "W")),
        ]
    ),
    _call("tensordot", 1, ins=["X", "M"]),
    _call("addmm", beta=0.5, ins=["W32", "X", "M"]),
    _call("addmv", ins=["W", "X", "V"]),
    _call("addr", ins=["X", "W", "V"]),
    _call("baddbmm", ins=["BC", "BA", "BB"]),
    _call("addbmm", ins=["W32", "BA", "BB"]),
    _call("chain_matmul", ins=["A", "X", "M"]),
    _call("cross", dim=1, ins=["V3", "V3r"]),
    *(u(n, "A") for n in ["inverse", "slogdet", "qr", "svd"]),
    u("cholesky", "S"),
    _call("matrix_power", 3, ins=["A"]),
    _call("norm", 2, 1, ins=["X"]),
    *(u("linalg." + n, "A") for n in ["inv", "inv_ex", "det", "slogdet", "qr", "svd", "svdvals"]),
    *(u("linalg." + n, "S") for n in ["cholesky", "eigh", "eigvalsh"]),
    *(u("linalg." + n) for n in ["pinv", "matrix_rank", "vector_norm", "matrix_norm", "norm"]),
    b("linalg.solve", ("A", "X")),
    b("linalg.matmul", ("X", "M")),
    b("linalg.vecdot", ("X", "Y")),
    b("linalg.cross", ("V3", "V3r")),
    _call("linalg.matrix_power", 2, ins=["A"]),
    ("linalg.multi_dot", lambda m, a, **kw: m.linalg.multi_dot(list(a), **kw), ["A", "X", "M"]),
    # torch.special
    *(
        u("special." + n)
        for n in [
            "digamma",
            "psi",
            "entr",
            "erf",
            "erfc",
            "exp2",
            "expit",
            "expm1",
            "gammaln",
            "log_ndtr",
            "ndtr",
            "sinc",
            "round",
        ]
    ),
    *(u("special." + n, "P") for n in ["erfinv", "log1p", "logit", "ndtri"]),
    b("special.xlogy", ("X", "P")),
    b("special.xlog1py", ("X", "P")),
    _call("special.logsumexp", 1, ins=["X"]),
    ("special.multigammaln", lambda m, a, **kw: m.special.multigammaln(a[0] + 2, 2, **kw), ["P"]),
    ("special.polygamma", lambda m, a, **kw: m.special.polygamma(2, a[0], **kw), ["P"]),
    u("nn.functional.normalize"),
]

# factories and random sampling: the out's dtype is the result's
FACTORIES = [
    ("zeros", lambda m, a, **kw: m.zeros(2, 3, **kw), []),
    ("ones", lambda m, a, **kw: m.ones((2, 3), **kw), []),
    ("empty", lambda m, a, **kw: m.empty(2, 3, **kw).zero_(), []),
    ("full", lambda m, a, **kw: m.full((2, 3), 1.5, **kw), []),
    ("arange", lambda m, a, **kw: m.arange(5, **kw), []),
    ("arange_float", lambda m, a, **kw: m.arange(0, 2, 0.5, **kw), []),
    ("linspace", lambda m, a, **kw: m.linspace(0, 1, 5, **kw), []),
    ("logspace", lambda m, a, **kw: m.logspace(0, 1, 5, **kw), []),
    ("eye", lambda m, a, **kw: m.eye(3, 2, **kw), []),
    ("rand", lambda m, a, **kw: (m.manual_seed(0), m.rand(2, 3, **kw))[1], []),
    ("randn", lambda m, a, **kw: (m.manual_seed(0), m.randn(2, 3, **kw))[1], []),
    ("randint", lambda m, a, **kw: (m.manual_seed(0), m.randint(0, 5, (2, 3), **kw))[1], []),
    ("randperm", lambda m, a, **kw: (m.manual_seed(0), m.randperm(5, **kw))[1], []),
    ("normal", lambda m, a, **kw: (m.manual_seed(0), m.normal(0.0, 1.0, (2, 3), **kw))[1], []),
    ("normal_tensor", lambda m, a, **kw: (m.manual_seed(0), m.normal(a[0], 1.0, **kw))[1], ["X"]),
    ("bernoulli", lambda m, a, **kw: (m.manual_seed(0), m.bernoulli(a[0], **kw))[1], ["P"]),
    ("multinomial", lambda m, a, **kw: (m.manual_seed(0), m.multinomial(a[0], 2, **kw))[1], ["P"]),
]

# ember's generator is not torch's stream: these compare everything but the values with torch,
# and their values with ember's own call without out= (test_random_values_are_the_plain_call's)
RANDOM = {"rand", "randn", "randint", "randperm", "normal", "normal_tensor", "bernoulli"}
RANDOM.add("multinomial")

ALL = CASES + FACTORIES
IDS = [c[0] for c in ALL]
assert len(set(IDS)) == len(IDS), sorted(i for i in IDS if IDS.count(i) > 1)

# another dtype of the same or a higher category (castable), and of a lower one (not castable)
_WIDER = {"float32": "float64", "float64": "float32", "int64": "float32", "bool": "int64"}
_WIDER.update(int32="int64")
_NARROWER = {"float32": "int64", "float64": "int64", "int64": "bool", "int32": "bool"}


def _inputs(lib, names, grad=False):
    conv = ember.tensor if lib is ember else torch.tensor
    ts = [conv(ARR[n]) for n in names]
    if grad:
        ts = [t.requires_grad_() if t.is_floating_point() else t for t in ts]
    return ts


def _dt(lib, name):
    return getattr(lib, name)


def _empty_like_spec(lib, spec):
    """Fresh outputs for ``spec``: a (dtype name, shape) or a tuple of them."""
    if isinstance(spec, list):
        return tuple(_empty_like_spec(lib, s) for s in spec)
    dtype, shape = spec
    return lib.zeros(shape, dtype=_dt(lib, dtype))


def _spec(result):
    """(dtype name, shape) of torch's result without out=, per output."""
    if isinstance(result, tuple):
        return [_spec(r) for r in result]
    return (str(result.dtype).replace("torch.", ""), tuple(result.shape))


_REFERENCES: dict = {}


def _reference(case):
    """The (dtype, shape) spec of torch's result without out=, computed once per case."""
    cid, fn, names = case
    if cid not in _REFERENCES:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            _REFERENCES[cid] = _spec(fn(torch, _inputs(torch, names)))
    return _REFERENCES[cid]


def _run(lib, case, make_out, grad=False, no_grad=False):
    """(result, out, warnings, exception) of ``case`` on ``lib`` with ``out=make_out(lib)``."""
    _, fn, names = case
    ins = _inputs(lib, names, grad)
    out = make_out(lib)
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        try:
            if no_grad:
                with lib.no_grad():
                    result = fn(lib, ins, out=out)
            else:
                result = fn(lib, ins, out=out)
        except Exception as exc:  # noqa: BLE001 - compared with torch's below
            return None, out, caught, exc
    return result, out, caught, None


# ember functions that are another's alias while torch has two ops (none at present)
_SAME_FUNCTION_AS: dict = {}


def _same_error(e_exc, t_exc, case_id=""):
    assert e_exc is not None, f"ember did not raise; torch raised {type(t_exc).__name__}: {t_exc}"
    assert isinstance(e_exc, type(t_exc)), (
        f"ember raised {type(e_exc).__name__}: {e_exc}; torch raised {type(t_exc).__name__}: "
        f"{t_exc}"
    )
    t_msg = str(t_exc)
    if "invalid combination of arguments" in t_msg or "unexpected keyword" in t_msg:
        return  # the argument parser's listing of overloads: the type is what matters
    if case_id in _SAME_FUNCTION_AS:
        t_msg = t_msg.replace(f"{case_id}()", f"{_SAME_FUNCTION_AS[case_id]}()")
    assert str(e_exc) == t_msg


def _resize_warnings(caught):
    return [
        str(w.message).split(" (Triggered internally")[0]
        for w in caught
        if "was resized" in str(w.message)
    ]


def _flat(x):
    return list(x) if isinstance(x, (tuple, list)) else [x]


def _compare(case, make_out, grad=False, no_grad=False):
    t_res, t_out, t_warn, t_exc = _run(torch, case, make_out, grad, no_grad)
    e_res, e_out, e_warn, e_exc = _run(ember, case, make_out, grad, no_grad)
    if t_exc is not None:
        _same_error(e_exc, t_exc, case[0])
        return None
    if e_exc is not None:
        raise e_exc
    assert _resize_warnings(e_warn) == _resize_warnings(t_warn)
    for e, eo, t, to in zip(_flat(e_res), _flat(e_out), _flat(t_res), _flat(t_out)):
        assert (e is eo) == (t is to), "result is not out"
        if case[0] in RANDOM:
            assert (eo.shape, eo.dtype.name) == (to.shape, str(to.dtype)[6:])
        else:
            assert_same(eo, to, rtol=1e-4, atol=1e-5, what="out")
        assert eo.requires_grad == to.requires_grad
        assert (eo.grad_fn is None) == (to.grad_fn is None)
    return e_out, t_out


@pytest.mark.parametrize("case", ALL, ids=IDS)
def test_empty_out_is_resized_and_returned(case):
    spec = _reference(case)
    empty = [(d, (0,)) for d, _ in spec] if isinstance(spec, list) else (spec[0], (0,))
    outs = _compare(case, lambda lib: _empty_like_spec(lib, empty))
    for eo in _flat(outs[0] if outs else []):
        assert eo._version > 0  # written in place


@pytest.mark.parametrize("case", ALL, ids=IDS)
def test_out_of_the_right_shape(case):
    spec = _reference(case)
    _compare(case, lambda lib: _empty_like_spec(lib, spec))


# torch's kthvalue and mode unsqueeze a keepdim=False out before resizing it, so their warning
# names the shapes with the reduced dim kept ([7, 1] for [7]); ember warns with out's own shape.
_UNSQUEEZED_WARNING = {"kthvalue-2-1", "mode-1"}


@pytest.mark.parametrize(
    "case",
    [
        pytest.param(c, marks=pytest.mark.xfail(strict=True, reason="torch's unsqueezed shapes"))
        if c[0] in _UNSQUEEZED_WARNING
        else c
        for c in ALL
    ],
    ids=IDS,
)
def test_out_of_the_wrong_shape_warns_and_is_resized(case):
    spec = _reference(case)
    wrong = [(d, (7,)) for d, _ in spec] if isinstance(spec, list) else (spec[0], (7,))
    _compare(case, lambda lib: _empty_like_spec(lib, wrong))


def _other_dtype(spec, table, position):
    if isinstance(spec, list):
        return [_other_dtype(s, table, None) if i == position else s for i, s in enumerate(spec)]
    return (table[spec[0]], (0,)) if spec[0] in table else None


def _dtype_variants():
    for case in ALL:
        spec = _reference(case)
        positions = range(len(spec)) if isinstance(spec, list) else [None]
        for pos in positions:
            for label, table in (("castable", _WIDER), ("narrower", _NARROWER)):
                other = _other_dtype(spec, table, pos)
                if other is None or (isinstance(other, list) and other[pos] is None):
                    continue
                tag = f"{case[0]}-{label}" + ("" if pos is None else f"-{pos}")
                yield pytest.param(case, other, id=tag)


@pytest.mark.parametrize(("case", "other"), list(_dtype_variants()))
def test_out_of_another_dtype(case, other):
    _compare(case, lambda lib: _empty_like_spec(lib, other))


_DIFFERENTIABLE = [c for c in ALL if any(ARR[n].dtype == np.float32 for n in c[2])]


@pytest.mark.parametrize("case", _DIFFERENTIABLE, ids=[c[0] for c in _DIFFERENTIABLE])
def test_inputs_that_require_grad(case):
    """Refused where torch refuses (naming the same op); composites copy differentiably."""
    spec = _reference(case)
    _compare(case, lambda lib: _empty_like_spec(lib, spec), grad=True)


@pytest.mark.parametrize("case", _DIFFERENTIABLE, ids=[c[0] for c in _DIFFERENTIABLE])
def test_inputs_that_require_grad_under_no_grad(case):
    spec = _reference(case)
    _compare(case, lambda lib: _empty_like_spec(lib, spec), grad=True, no_grad=True)


def _out_requiring_grad(spec):
    def make(lib):
        outs = _empty_like_spec(lib, spec)
        for o in _flat(outs):
            if o.is_floating_point():
                o.requires_grad_()
        return outs

    return make


@pytest.mark.parametrize("case", CASES, ids=[c[0] for c in CASES])
def test_out_that_requires_grad(case):
    spec = _reference(case)
    _compare(case, _out_requiring_grad(spec))


def test_noncontiguous_out_is_written_through_its_strides():
    for lib in (ember, torch):
        base = lib.zeros(4, 3)
        out = base.t()
        x = lib.ones(3, 4)
        assert lib.add(x, 1, out=out) is out
        assert out.shape == (3, 4) and out.stride() == (1, 3)
        np.testing.assert_array_equal(np.asarray(base.tolist()), np.full((4, 3), 2.0))
        lib.mm(x, lib.ones(4, 4), out=out)
        np.testing.assert_array_equal(np.asarray(base.tolist()), np.full((4, 3), 4.0))


class _OnCuda:
    """Stands for a tensor on another device (this test needs no GPU)."""

    device = ember.device("cuda", 0)
    dtype = ember.float32


def test_out_on_another_device_is_refused():
    from ember.ops import _out

    with pytest.raises(RuntimeError, match="at least two devices, cuda:0 and cpu!"):
        _out._check(ember.ones(2), _OnCuda(), _out.castable, structured=False)
    with pytest.raises(RuntimeError, match="to have device cpu, but got cuda:0 instead"):
        _out._check(ember.ones(2), _OnCuda(), _out.exact, structured=True)


def test_out_may_be_an_input():
    for lib in (ember, torch):
        x = lib.arange(6.0).reshape(2, 3)
        lib.cumsum(x, 1, out=x)
        assert x.tolist() == [[0.0, 1.0, 3.0], [3.0, 7.0, 12.0]]
        lib.add(x, x, out=x)
        assert x.tolist() == [[0.0, 2.0, 6.0], [6.0, 14.0, 24.0]]


def test_version_counter_is_shared_with_views():
    x = ember.zeros(2, 3)
    v = x[0]
    before = v._version
    ember.exp(ember.ones(2, 3), out=x)
    assert v._version == before + 1 and v.tolist() == ember.exp(ember.ones(3)).tolist()


def test_a_saved_out_is_detected_by_backward():
    for lib in (ember, torch):
        w = lib.ones(3, requires_grad=True)
        x = lib.ones(3)
        y = (w * x).sum()
        lib.exp(lib.zeros(3), out=x)  # x was saved by mul
        with pytest.raises(RuntimeError, match="modified by an inplace operation"):
            y.backward()


# ------------------------------------------------------------------------ factories


@pytest.mark.parametrize("case", FACTORIES, ids=[c[0] for c in FACTORIES])
@pytest.mark.parametrize("dtype", ["float32", "float64", "int64", "int32", "bool"])
def test_factories_take_out_dtype(case, dtype):
    _compare(case, lambda lib: lib.zeros(0, dtype=_dt(lib, dtype)))


@pytest.mark.parametrize(
    "call",
    [
        lambda m, o: m.zeros(2, 3, dtype=m.float64, out=o),
        lambda m, o: m.arange(5, dtype=m.float64, out=o),
        lambda m, o: m.rand(2, dtype=m.float64, out=o),
        lambda m, o: m.full((2,), 1, dtype=m.int64, out=o),
    ],
)
def test_factory_dtype_must_match_out(call):
    with pytest.raises(RuntimeError) as t_exc:
        call(torch, torch.zeros(0, dtype=torch.int32))
    with pytest.raises(RuntimeError) as e_exc:
        call(ember, ember.zeros(0, dtype=ember.int32))
    assert str(e_exc.value) == str(t_exc.value)


@pytest.mark.parametrize(
    "case",
    [c for c in FACTORIES if c[0] in RANDOM],
    ids=[c[0] for c in FACTORIES if c[0] in RANDOM],
)
@pytest.mark.parametrize("dtype", ["float32", "float64", "int64"])
def test_random_values_are_the_plain_call(case, dtype):
    """Into ``out``, a sampler draws what it draws without ``out`` in ``out``'s dtype (both calls
    seed the generator with 0 first)."""
    _, fn, names = case
    ins = _inputs(ember, names)
    out = ember.zeros(0, dtype=_dt(ember, dtype))
    try:
        fn(ember, ins, out=out)
    except (NotImplementedError, RuntimeError):
        return  # the dtype is refused, as torch refuses it (test_factories_take_out_dtype)
    np.testing.assert_array_equal(out.numpy(), _plain_draw(case, dtype).numpy())


def _plain_draw(case, dtype):
    cid, fn, names = case
    ins = _inputs(ember, names)
    kw = (
        {} if cid in ("bernoulli", "multinomial", "normal_tensor") else {"dtype": _dt(ember, dtype)}
    )
    result = fn(ember, ins, **kw)
    return result.to(_dt(ember, dtype))


def test_factory_requires_grad_marks_out():
    for lib in (ember, torch):
        o = lib.zeros(0)
        assert lib.zeros(2, requires_grad=True, out=o) is o and o.requires_grad


# ------------------------------------------------------------------------ refused overloads


@pytest.mark.parametrize(
    "call",
    [
        lambda m, x, o: m.det(x, out=o),
        lambda m, x, o: m.sum(x, out=o),
        lambda m, x, o: m.median(x, out=o),
        lambda m, x, o: m.nanmedian(x, out=o),
        lambda m, x, o: m.max(x, 1, out=o),
        lambda m, x, o: m.sort(x, out=o),
        lambda m, x, o: m.add(x, x, out=[o]),
    ],
)
def test_out_refused_where_torch_has_no_such_overload(call):
    a = ARR["A"]
    with pytest.raises(TypeError) as t_exc:
        call(torch, torch.tensor(a), torch.zeros(0))
    with pytest.raises(TypeError) as e_exc:
        call(ember, ember.tensor(a), ember.zeros(0))
    if "invalid combination" not in str(t_exc.value):
        assert str(e_exc.value) == str(t_exc.value)


def test_tuple_out_of_the_wrong_length():
    x = ARR["X"]
    with pytest.raises(TypeError):
        torch.sort(torch.tensor(x), out=(torch.zeros(0),))
    with pytest.raises(TypeError):
        ember.sort(ember.tensor(x), out=(ember.zeros(0),))
