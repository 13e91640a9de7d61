"""ember's CPU generator is torch's: after the same seed every random function gives torch's bits
and leaves the generator in torch's state (compared byte for byte), and states move both ways."""

from __future__ import annotations

import pickle
import subprocess
import sys
import warnings

import numpy as np
import pytest
import torch

import ember
from tests.oracle import check_same_outcome

SEEDS = (0, 1, 2**32 + 7, -5)
FLOATS = ("float32", "float64", "float16", "bfloat16")


def _raw(x):
    """A result as exact bytes: tensors (half and bfloat16 widened to float, exactly) and
    nested lists/tuples/dicts of them or of Python values."""
    if isinstance(x, dict):
        return {k: _raw(v) for k, v in x.items()}
    if isinstance(x, (list, tuple)):
        return [_raw(v) for v in x]
    if isinstance(x, (torch.Tensor, ember.Tensor)):
        x = x.detach()
        name = str(x.dtype).split(".")[-1]
        if name in ("float16", "bfloat16"):
            x = x.float()
        a = x.numpy()
        return name, a.shape, a.tobytes()
    return x


def _run(fn, lib, seed):
    lib.manual_seed(seed)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        out = fn(lib)
    return _raw(out), bytes(lib.get_rng_state().numpy().tobytes())


def same(fn, seeds=SEEDS):
    """``fn(ember)`` gives ``fn(torch)``'s bits and the same generator state, for each seed."""
    for s in seeds:
        (e, e_state), (t, t_state) = _run(fn, ember, s), _run(fn, torch, s)
        assert e == t, f"seed {s}: different samples"
        assert e_state == t_state, f"seed {s}: the generator ends in a different state"


# ---------------------------------------------------------------------------- state


def test_a_fresh_generator_is_torchs():
    g = ember.Generator()
    assert g.initial_seed() == torch.Generator().initial_seed() == 67280421310721
    assert g.get_state().dtype is ember.uint8 and tuple(g.get_state().shape) == (5056,)
    assert bytes(g.get_state().numpy()) == bytes(torch.Generator().get_state().numpy())


@pytest.mark.parametrize("seed", [0, 7, -1, 2**64 - 1, 2**40 + 3, -(2**63)])
def test_seeding_and_drawing_leave_torchs_state(seed):
    same(lambda m: m.Generator().manual_seed(seed).initial_seed(), seeds=(0,))
    # after several kinds of draws, including a double normal whose twin stays cached
    same(
        lambda m: (
            m.rand(5),
            m.randn(3, dtype=m.float64),
            m.randint(0, 9, (700,)),
            m.randn(20),
        ),
        seeds=(seed,),
    )


def test_states_move_between_ember_and_torch():
    torch.manual_seed(11)
    torch.rand(1000)
    torch.randn(3, dtype=torch.float64)  # caches a normal sample in the state
    state = torch.get_rng_state()
    ember.set_rng_state(ember.tensor(state.numpy()))
    expect = torch.cat([torch.randn(1, dtype=torch.float64), torch.rand(5, dtype=torch.float64)])
    got = ember.cat([ember.randn(1, dtype=ember.float64), ember.rand(5, dtype=ember.float64)])
    assert got.numpy().tobytes() == expect.numpy().tobytes()
    # and back: torch continues from ember's state
    ember.randn(5, dtype=ember.float64)
    torch.set_rng_state(torch.from_numpy(ember.get_rng_state().numpy().copy()))
    g = ember.Generator()
    g.set_state(ember.get_rng_state())
    assert ember.randn(9, generator=g).numpy().tobytes() == torch.randn(9).numpy().tobytes()


def test_a_hand_made_state_is_read_as_torch_reads_it():
    # left + next != 625: torch reads state[next : next + left - 1] before its next twist
    raw = bytearray(torch.Generator().manual_seed(3).get_state().numpy().tobytes())
    raw[8:12] = (40).to_bytes(4, "little")
    raw[16:24] = (100).to_bytes(8, "little")
    t_state = torch.tensor(list(raw), dtype=torch.uint8)
    tg, eg = torch.Generator(), ember.Generator()
    tg.set_state(t_state)
    eg.set_state(ember.tensor(list(raw), dtype=ember.uint8))
    assert bytes(eg.get_state().numpy()) == bytes(tg.get_state().numpy())
    a = ember.randint(0, 2**20, (700,), generator=eg).tolist()
    assert a == torch.randint(0, 2**20, (700,), generator=tg).tolist()


def test_the_default_seed_differs_from_run_to_run():
    code = "import ember; print(ember.initial_seed())"
    seeds = {
        subprocess.run([sys.executable, "-c", code], capture_output=True, text=True).stdout
        for _ in range(2)
    }
    assert len(seeds) == 2 and str(67280421310721) + "\n" not in seeds


def test_generator_methods():
    g = ember.Generator().manual_seed(5)
    ember.rand(3, generator=g)
    c = g.clone_state()
    assert c is not g and ember.rand(4, generator=c).tolist() == ember.rand(4, generator=g).tolist()
    p = pickle.loads(pickle.dumps(g))
    assert (
        p.initial_seed() == 5
        and ember.rand(4, generator=p).tolist() == ember.rand(4, generator=g).tolist()
    )
    s = ember.seed()
    assert s == ember.initial_seed() and 0 <= s < 2**64
    check_same_outcome(lambda m: m.Generator().get_offset())
    check_same_outcome(lambda m: m.Generator().graphsafe_get_state())


@pytest.mark.parametrize(
    "fn",
    [
        lambda m: m.Generator().manual_seed(2**64),
        lambda m: m.Generator().manual_seed(-(2**63) - 1),
        lambda m: m.Generator().manual_seed(1.5),
        lambda m: m.Generator().manual_seed(True),
        lambda m: m.manual_seed(3.7).initial_seed(),
        lambda m: m.set_rng_state([1, 2]),
        lambda m: m.set_rng_state(m.zeros(5056, dtype=m.int8)),
        lambda m: m.set_rng_state(m.zeros(5056)),
        lambda m: m.set_rng_state(m.zeros(5048, dtype=m.uint8)),
        lambda m: m.set_rng_state(m.zeros(5056, dtype=m.uint8)),
        lambda m: m.set_rng_state(m.zeros(2 * 5056, dtype=m.uint8)[::2]),
        lambda m: m.Generator().set_state(m.zeros(10, dtype=m.uint8)),
    ],
)
def test_bad_seeds_and_states_raise_torchs_errors(fn):
    check_same_outcome(fn)


# ---------------------------------------------------------------------------- factories


@pytest.mark.parametrize("dtype", FLOATS)
@pytest.mark.parametrize("n", [1, 5, 15, 16, 17, 40, 1001])
def test_rand_and_randn(dtype, n):
    same(lambda m: (m.rand(n, dtype=getattr(m, dtype)), m.randn(n, 2, dtype=getattr(m, dtype))))


def test_randn_of_many_float32_is_exact():
    # the 16-wide Box-Muller with torch's vectorised log and sincos, on a large size
    same(lambda m: m.randn(100_003), seeds=(0, 5, 123))
    # seed 12 draws a uniform of 0, whose radius is -0: torch's final fma(x, 1, 0) makes it +0
    same(lambda m: m.randn(1_000_000), seeds=(12,))


def test_like_factories_and_generators():
    g_kw = lambda m: {"generator": m.Generator().manual_seed(9)}  # noqa: E731
    same(
        lambda m: (
            m.rand_like(m.zeros(4, 5)),
            m.randn_like(m.zeros(33, dtype=m.float64)),
            m.randint_like(m.zeros(6, dtype=m.int32), 3, 100),
            m.rand(7, **g_kw(m)),
            m.randn(40, **g_kw(m)),
            # like empty_like, a dense input's layout is kept, and with it the fill order
            m.rand_like(m.zeros(3, 4).t()),
            m.randn_like(m.zeros(2, 3, 20).permute(2, 0, 1)),
            m.randint_like(m.zeros(5, 6, dtype=m.int64).t(), 10),
            m.randn_like(m.zeros(4, 40)[:, ::2]),
            m.rand_like(m.zeros(3, 4).t(), memory_format=torch_or_ember_contiguous(m)),
        )
    )


def torch_or_ember_contiguous(m):
    return m.contiguous_format if hasattr(m, "contiguous_format") else "contiguous_format"


@pytest.mark.parametrize(
    "low, high", [(0, 10), (-5, 5), (3, 2**28 - 1), (0, 2**28), (-(2**40), 2**40)]
)
@pytest.mark.parametrize("dtype", ["int64", "int32", "float64", "float32", "bfloat16", "uint8"])
def test_randint(low, high, dtype):
    def fn(m):
        return m.randint(low, high, (37,), dtype=getattr(m, dtype))

    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")  # past a float's mantissa torch warns
            torch.randint(low, high, (1,), dtype=getattr(torch, dtype))
    except RuntimeError:
        check_same_outcome(fn)
        return
    same(fn)


@pytest.mark.parametrize("n", [0, 1, 2, 3, 10, 1000, 30_001, 100_000])
def test_randperm(n):
    same(lambda m: (m.randperm(n), m.randperm(n, dtype=m.float32)))


def test_normal_overloads():
    mean = np.linspace(-2, 2, 20, dtype=np.float32)
    std = np.linspace(0.1, 3, 20, dtype=np.float32)
    same(
        lambda m: (
            m.normal(1.5, 2.5, (18,)),
            m.normal(0.5, 2.0, (3,), dtype=m.float64),
            m.normal(m.tensor(mean), 2.0),
            m.normal(3.0, m.tensor(std)),
            m.normal(m.tensor(mean), m.tensor(std)),
            m.normal(m.tensor(mean[:4]), m.tensor(std[:4]).double()),
            m.normal(0.0, 1.0, (5,), out=m.empty(5)),
        )
    )


def test_bernoulli_multinomial_poisson_gamma():
    p = np.random.default_rng(0).uniform(0, 1, (6, 9))
    w = np.random.default_rng(1).uniform(0, 1, (3, 8)).astype(np.float32)
    w[1, 2] = 0
    rates = np.array([0.0, 0.5, 3.0, 9.9, 10.0, 25.0, 1e4], np.float64)
    alphas = np.array([0.1, 0.5, 1.0, 2.5, 40.0], np.float32)
    same(
        lambda m: (
            m.bernoulli(m.tensor(p)),
            m.bernoulli(m.tensor(p, dtype=m.float32)),
            m.bernoulli(m.tensor(p, dtype=m.float16)),
            m.bernoulli(m.tensor(p), p=0.3),
            m.tensor(p).bernoulli(),
            m.multinomial(m.tensor(w), 20, replacement=True),
            m.multinomial(m.tensor(w[0]).half(), 20, replacement=True),
            m.multinomial(m.tensor(w), 5),
            m.multinomial(m.tensor(w).double(), 1),
            m.multinomial(m.tensor(w).t().contiguous().t(), 3),
            m.tensor(w).multinomial(2),
            m.poisson(m.tensor(rates)),
            m.poisson(m.tensor(rates, dtype=m.float32)),
            m._standard_gamma(m.tensor(alphas)),
            m._standard_gamma(m.tensor(alphas, dtype=m.float64)),
        )
    )


# ---------------------------------------------------------------------------- in-place samplers


@pytest.mark.parametrize("dtype", FLOATS)
def test_continuous_inplace_samplers(dtype):
    def fn(m):
        d = getattr(m, dtype)
        return (
            [m.empty(n, dtype=d).uniform_(-1.3, 2.9) for n in (3, 40)]
            + [m.empty(n, dtype=d).normal_(0.7, 2.3) for n in (5, 16, 37)]
            + [
                m.empty(9, dtype=d).exponential_(1.7),
                m.empty(9, dtype=d).geometric_(0.27),
                m.empty(9, dtype=d).log_normal_(0.5, 0.75),
                m.empty(9, dtype=d).cauchy_(0.5, 2.5),
                m.empty(9, dtype=d).bernoulli_(0.4),
                m.empty(4, 5, dtype=d).bernoulli_(m.rand(5)),
            ]
        )

    same(fn)


def test_inplace_samplers_fill_in_memory_order():
    # a transposed or sliced tensor is filled as torch's TensorIterator walks its memory
    same(
        lambda m: (
            m.zeros(6, 40).t().normal_(),
            m.zeros(5, 8).t().uniform_(),
            m.zeros(3, 4, 5).permute(2, 0, 1).bernoulli_(0.5),
            m.zeros(4, 6).t().bernoulli_(m.rand(6, 1)),
            m.zeros(7, 20)[:, ::3].normal_(),
            m.zeros(30, 30, dtype=m.float64)[::2].exponential_(),
            m.zeros(4, 9, dtype=m.int64).t().random_(0, 50),
        )
    )


@pytest.mark.parametrize("dtype", ["int64", "int32", "int16", "int8", "uint8", "bool", *FLOATS])
def test_random_(dtype):
    def fn(m):
        d = getattr(m, dtype)
        out = [m.empty(11, dtype=d).random_(), m.empty(11, dtype=d).random_(2)]
        for lo, hi in [(0, 2), (-3, 9), (0, 2**28), (-(2**30), 2**30), (0, 2**40), (5, None)]:
            try:
                out.append(m.empty(11, dtype=d).random_(lo, hi))
            except RuntimeError as e:
                out.append(str(e))
        if dtype in ("int64", "float64", "float32", "bfloat16"):
            out.append(m.empty(11, dtype=d).random_(-(2**63), None))
        return out

    same(fn)


def test_random_warns_as_torch_past_a_floats_mantissa():
    with pytest.warns(UserWarning, match=r"to - 1 is out of bounds \[-\(2\^24\), 2\^24\]"):
        ember.empty(3).random_(0, 2**25)


@pytest.mark.parametrize(
    "fn",
    [
        lambda m: m.empty(3, dtype=m.int64).uniform_(),
        lambda m: m.empty(3).uniform_(2, 1),
        lambda m: m.empty(3).uniform_(-3e38, 3e38),
        lambda m: m.empty(3).uniform_(0, float("inf")),
        lambda m: m.empty(3, dtype=m.float16).uniform_(-60000, 60000),
        lambda m: m.empty(3, dtype=m.int64).normal_(),
        lambda m: m.empty(3).normal_(0, -1.5),
        lambda m: m.empty(3).bernoulli_(1.5),
        lambda m: m.empty(3).bernoulli_(m.tensor([0.5, 1.5, 0.2])),
        lambda m: m.empty(3).bernoulli_(m.tensor([1, 0, 1])),
        lambda m: m.empty(3).bernoulli_(m.rand(2)),
        lambda m: m.bernoulli(m.tensor([1, 0])),
        lambda m: m.empty(3).exponential_(0),
        lambda m: m.empty(3, dtype=m.int64).exponential_(),
        lambda m: m.empty(3).geometric_(1),
        lambda m: m.empty(3, dtype=m.bool).geometric_(0.5),
        lambda m: m.empty(3).log_normal_(1, 0),
        lambda m: m.empty(3, dtype=m.int64).log_normal_(),
        lambda m: m.empty(3).cauchy_(0, -1),
        lambda m: m.empty(3, dtype=m.int64).cauchy_(),
        lambda m: m.empty(3, dtype=m.int8).random_(-200, 7),
        lambda m: m.empty(3).random_(5, 5),
        lambda m: m.empty(3, dtype=m.float16).random_(0, 70000),
        lambda m: m.empty(3).random_(2**30, None),
        lambda m: m.empty(3, dtype=m.int16).random_(-(2**63), None),
        lambda m: m.empty(3, dtype=m.bool).random_(0, 3),
        lambda m: m.multinomial(m.tensor([0.5, -1.0]), 2, True),
        lambda m: m.multinomial(m.tensor([0.5, float("nan")]), 2, True),
        lambda m: m.multinomial(m.tensor([0.0, 0.0]), 1),
        lambda m: m.multinomial(m.tensor([1.0, 2.0]), 3),
        lambda m: m.multinomial(m.tensor([1.0, 2.0]), 0),
        lambda m: m.multinomial(m.tensor([1, 2]), 1),
        lambda m: m.poisson(m.tensor([1.0, -2.0])),
    ],
)
def test_bad_sampler_arguments_raise_torchs_errors(fn):
    check_same_outcome(fn)


# ---------------------------------------------------------------------------- nn


def _x(m, shape=(4, 6, 5), dtype=np.float32):
    return m.tensor(np.random.default_rng(0).standard_normal(shape).astype(dtype))


@pytest.mark.parametrize(
    "name",
    ["dropout", "alpha_dropout", "feature_alpha_dropout", "dropout1d", "dropout2d", "dropout3d"],
)
def test_functional_dropouts(name):
    same(lambda m: [getattr(m.nn.functional, name)(_x(m), p=p, training=True) for p in (0.2, 0.5)])


def test_dropout_layouts_dtypes_and_modules():
    same(
        lambda m: (
            m.nn.functional.dropout(_x(m).transpose(0, 2), 0.3),
            m.nn.functional.dropout(_x(m)[:, ::2], 0.3),
            m.nn.functional.dropout(_x(m).half(), 0.3),
            m.nn.functional.dropout(_x(m).double(), 0.3, inplace=True),
            m.nn.functional.dropout2d(_x(m, (2, 3, 4, 5)), 0.4),
            m.nn.Dropout(0.25)(_x(m)),
            m.nn.AlphaDropout(0.25).train()(_x(m)),
            m.nn.functional.rrelu(_x(m), training=True),
            m.nn.functional.rrelu(_x(m).double(), 0.2, 0.6, training=True),
        )
    )


def test_attention_dropout_drops_torchs_weights():
    # with value = identity the output is the dropped attention weights themselves
    def fn(m):
        q = _x(m, (2, 3, 4, 4))
        v = m.eye(4).expand(2, 3, 4, 4)
        out = m.nn.functional.scaled_dot_product_attention(q, q, v, dropout_p=0.4)
        return (out == 0).tolist()

    same(fn)


@pytest.mark.parametrize(
    "make",
    [
        lambda m: m.nn.Linear(7, 5),
        lambda m: m.nn.Conv2d(3, 4, 3),
        lambda m: m.nn.Embedding(10, 4, padding_idx=2),
        lambda m: m.nn.LSTM(4, 6, num_layers=2),
        lambda m: m.nn.GRU(3, 5, bidirectional=True),
        lambda m: m.nn.MultiheadAttention(8, 2),
        lambda m: m.nn.TransformerEncoderLayer(8, 2, dim_feedforward=16),
    ],
)
def test_modules_start_with_torchs_weights(make):
    same(lambda m: dict(make(m).state_dict()), seeds=(0, 3))


@pytest.mark.parametrize(
    "init",
    [
        lambda m, t: m.nn.init.uniform_(t, -0.5, 2.0),
        lambda m, t: m.nn.init.normal_(t, 1.0, 0.3),
        lambda m, t: m.nn.init.xavier_uniform_(t, gain=2.0),
        lambda m, t: m.nn.init.xavier_normal_(t),
        lambda m, t: m.nn.init.kaiming_uniform_(t, a=5**0.5),
        lambda m, t: m.nn.init.kaiming_normal_(t, mode="fan_out", nonlinearity="relu"),
        lambda m, t: m.nn.init.trunc_normal_(t, std=0.02),
        lambda m, t: m.nn.init.trunc_normal_(t, mean=0.0, std=1.0, a=2.0, b=3.0),
        lambda m, t: m.nn.init.sparse_(t, 0.3),
        lambda m, t: m.nn.init.uniform_(t, generator=m.Generator().manual_seed(4)),
    ],
)
def test_init_functions(init):
    same(lambda m: init(m, m.empty(12, 9)))


def test_orthogonal_init_draws_torchs_normals():
    # the QR is NumPy's LAPACK, not MKL's: the matrix agrees to rounding, the draws exactly
    for shape in [(6, 9), (9, 6), (4, 3, 2)]:
        ember.manual_seed(0)
        torch.manual_seed(0)
        e = ember.nn.init.orthogonal_(ember.empty(*shape), gain=1.5)
        t = torch.nn.init.orthogonal_(torch.empty(*shape), gain=1.5)
        np.testing.assert_allclose(e.numpy(), t.numpy(), rtol=0, atol=2e-6)
        assert bytes(ember.get_rng_state().numpy()) == bytes(torch.get_rng_state().numpy())


# ---------------------------------------------------------------------------- utils.data


def _epochs(m, n=2, **kwargs):
    loader = m.utils.data.DataLoader(
        m.utils.data.TensorDataset(m.arange(23)), batch_size=4, **kwargs
    )
    return [[b[0].tolist() for b in loader] for _ in range(n)]


def test_data_loading_order():
    data = m_range = range(10)  # noqa: F841
    same(
        lambda m: (
            _epochs(m, shuffle=True),
            _epochs(m, 1, shuffle=True, generator=m.Generator().manual_seed(5)),
            list(m.utils.data.RandomSampler(data)),
            list(m.utils.data.RandomSampler(data, replacement=True, num_samples=70)),
            list(m.utils.data.RandomSampler(data, num_samples=25)),
            list(m.utils.data.SubsetRandomSampler([3, 5, 7, 11, 13])),
            list(m.utils.data.WeightedRandomSampler([0.1, 0.9, 0.4, 0.0, 2.0], 12)),
            list(m.utils.data.WeightedRandomSampler([0.1, 0.9, 0.4, 0.3, 2.0], 4, False)),
            [list(s.indices) for s in m.utils.data.random_split(range(30), [0.3, 0.3, 0.4])],
            [
                list(s.indices)
                for s in m.utils.data.random_split(
                    range(10), [3, 7], generator=m.Generator().manual_seed(42)
                )
            ],
        )
    )


# ---------------------------------------------------------------------------- CUDA


@pytest.mark.skipif(not ember.cuda.is_available(), reason="needs CuPy and a CUDA device")
def test_cuda_draws_are_the_cpus():
    # ember draws on the host and moves the samples: a seed gives the CPU's numbers on CUDA
    cases = [
        lambda d: ember.rand(40, device=d),
        lambda d: ember.randn(41, device=d),
        lambda d: ember.randint(0, 7, (30,), device=d),
        lambda d: ember.empty(6, 5, device=d).t().normal_(),
        lambda d: ember.empty(33, device=d).bernoulli_(0.3),
        lambda d: ember.nn.functional.dropout(ember.ones(50, device=d), 0.4),
        lambda d: ember.multinomial(ember.ones(3, 6, device=d), 4),
        lambda d: ember.nn.Linear(4, 3).to(d).weight,
    ]
    for fn in cases:
        ember.manual_seed(0)
        cpu = fn("cpu").detach().numpy()
        ember.manual_seed(0)
        cuda = fn("cuda").detach().cpu().numpy()
        assert cpu.tobytes() == cuda.tobytes()
