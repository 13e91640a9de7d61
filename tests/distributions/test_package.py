"""The package's layout is torch's: ``ember.distributions`` imports lazily with ``import ember``,
the submodules torch has exist under the same names and hold the same classes, and every
distribution class torch exports is there (or in the short list of those still missing)."""

from __future__ import annotations

import importlib
import pkgutil
import subprocess
import sys

import torch.distributions

import ember

MISSING = {"ContinuousBernoulli", "LKJCholesky", "Wishart"}  # not implemented yet


def test_lazy_import_and_import_forms():
    code = (
        "import sys, ember; assert 'ember.distributions' not in sys.modules;"
        "d = ember.distributions.Normal(0.0, 1.0);"
        "import ember.distributions; from ember.distributions import Normal;"
        "from ember.distributions.kl import kl_divergence;"
        "from ember.distributions.normal import Normal as N2; assert Normal is N2;"
        "print(kl_divergence(d, Normal(0.0, 1.0)).item())"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "0.0"


def test_submodules_are_torchs():
    torch_mods = {
        m.name
        for m in pkgutil.iter_modules(torch.distributions.__path__)
        if not m.name.startswith("_")
    }
    missing = {"continuous_bernoulli", "lkj_cholesky", "wishart"}
    for name in sorted(torch_mods - missing):
        ours = importlib.import_module(f"ember.distributions.{name}")
        theirs = importlib.import_module(f"torch.distributions.{name}")
        for attr in getattr(theirs, "__all__", []):
            assert hasattr(ours, attr), f"ember.distributions.{name} lacks {attr}"


def test_every_torch_distribution_name_is_here():
    names = set(torch.distributions.__all__) - MISSING
    assert not [n for n in names if not hasattr(ember.distributions, n)]
    assert not [n for n in MISSING if hasattr(ember.distributions, n)]  # keep the list true
    assert set(ember.distributions.__all__) <= set(torch.distributions.__all__)


def test_utils_are_torchs():
    import torch.distributions.utils as tu

    import ember.distributions.utils as eu

    x = ember.tensor([[0.2, 0.3, 0.5]], dtype=ember.float64)
    t = tu.probs_to_logits(__import__("torch").tensor(x.numpy()))
    assert (eu.probs_to_logits(x).numpy() == t.numpy()).all()
    v = ember.arange(6.0)
    assert (
        eu.vec_to_tril_matrix(v).tolist()
        == tu.vec_to_tril_matrix(__import__("torch").arange(6.0)).tolist()
    )
    assert eu.tril_matrix_to_vec(eu.vec_to_tril_matrix(v)).tolist() == v.tolist()
    a, b = eu.broadcast_all(ember.zeros(2, dtype=ember.float64), 1.5)
    assert b.dtype == ember.float64 and b.tolist() == [1.5, 1.5]
    try:
        eu.broadcast_all("a")
    except ValueError as e:
        assert "Input arguments must all be instances of numbers.Number" in str(e)
    else:
        raise AssertionError("broadcast_all accepted a string")
