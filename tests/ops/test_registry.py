"""The rules of the primitive registry (``ember/ops/_registry.py``).

1. A primitive is defined once: a second ``defop`` of a name raises, naming both modules.
2. Every primitive lives in ``ember/ops/prims/<family>.py``, and each family pairs with a public
   module of the same name, ``ember/ops/<family>.py`` or ``ember/nn/_functional/<family>.py``.
3. Every primitive with a vjp is covered by the op database (``tests/ops/db/*``): its backward
   runs in one of the op-db checks.

How coverage is measured (rule 3). Each ``Op.backward`` in ``REGISTRY`` is wrapped to record
its name, then every op-db sample is taken through the backward passes that the op-db tests
take (``tests/ops/test_op_db.py``), with the same inputs and flags, minus the comparisons:

- ``test_against_torch`` (entries with ``grad``): the first-order backward of a random
  cotangent, compared there with torch's gradient;
- ``test_gradcheck`` (entries with ``gradcheck``, float64 samples): the first-order backward,
  checked there against finite differences;
- ``gradgradcheck`` (entries with ``gradgrad`` too): the gradient is taken with
  ``create_graph=True`` and differentiated again with respect to the inputs and the
  cotangents. This is where the backward-only primitives (``relu_backward``,
  ``_softmax_backward_data``, ``embedding_dense_backward``, ...) have their own vjp run: they
  appear only inside a recorded backward, so double backward is the one check that reaches
  them, and gradgradcheck compares it with finite differences of the first derivative.

A primitive whose vjp none of these runs is listed as uncovered; the fix is an op-db entry
(forward against torch and gradcheck) reaching it through a public function, not an exemption.
A backward of a backward can need a third derivative: ``max_pool_double_backward``'s vjp runs in
the gradgradcheck of ``max_pool2d_grad`` (tests/ops/db/pooling.py), an entry whose function is
itself a gradient. The one primitive left out, ``ctc_loss_backward``, has a vjp only to raise
PyTorch's "not implemented" error; :func:`test_ctc_double_backward_raises_as_torch` checks that.
"""

from __future__ import annotations

import ast
import pathlib

import numpy as np
import pytest

import ember
from ember.ops import _registry
from ember.ops._registry import REGISTRY, defop

from ..oracle import check_error, flat_outputs, to_ember
from .op_db import OP_DB
from .test_op_db import CASES, GRAD_CASES

EMBER = pathlib.Path(ember.__file__).parent


# ---------------------------------------------------------------------------- one definition


def test_defop_rejects_a_duplicate_name(monkeypatch):
    monkeypatch.setattr(_registry, "REGISTRY", dict(REGISTRY))
    name = "relu"  # defined in ember.ops.prims.activations
    with pytest.raises(ValueError) as err:

        @defop(name)
        def _again(xp, x):
            return x

    msg = str(err.value)
    assert "'relu'" in msg
    assert "ember.ops.prims.activations" in msg and __name__ in msg


def test_defop_names_are_unique_in_the_source():
    """The same rule read from the source: a ``defop("name")`` literal appears once in ember/."""
    seen: dict[str, str] = {}
    dupes = []
    for path in sorted(EMBER.rglob("*.py")):
        for node in ast.walk(ast.parse(path.read_text())):
            if (
                isinstance(node, ast.Call)
                and getattr(node.func, "id", None) == "defop"
                and node.args
                and isinstance(node.args[0], ast.Constant)
            ):
                name, where = node.args[0].value, str(path.relative_to(EMBER))
                if name in seen:
                    dupes.append(f"{name}: {seen[name]} and {where}")
                seen.setdefault(name, where)
    assert not dupes, dupes


# ---------------------------------------------------------------------------- one layout


def test_primitives_live_in_prims_families_paired_with_public_modules():
    wrong = sorted(
        f"{name} ({op.forward.__module__})"
        for name, op in REGISTRY.items()
        if not op.forward.__module__.startswith("ember.ops.prims.")
    )
    assert not wrong, f"primitives defined outside ember/ops/prims/: {wrong}"
    families = sorted(
        p.stem for p in (EMBER / "ops" / "prims").glob("*.py") if p.stem != "__init__"
    )
    unpaired = [
        f
        for f in families
        if not (EMBER / "ops" / f"{f}.py").exists()
        and not (EMBER / "nn" / "_functional" / f"{f}.py").exists()
    ]
    assert not unpaired, f"prims families with no public module of the same name: {unpaired}"


# ---------------------------------------------------------------------------- op-db coverage


def _backward_passes(info, sample, *, float64, twice):
    """The backward passes of one op-db check on ``sample`` (see the module docstring)."""
    arrays = [
        a.astype(np.float64) if float64 and isinstance(a, np.ndarray) and a.dtype.kind == "f" else a
        for a in sample.args
    ]
    ins = [to_ember(a, True) for a in arrays]
    diff = [t for t in ins if isinstance(t, ember.Tensor) and t.requires_grad]
    outs = [
        o
        for o in flat_outputs(info.fn(ember, *ins, **sample.kwargs))
        if isinstance(o, ember.Tensor) and o.requires_grad
    ]
    if not diff or not outs:
        return
    rng = np.random.default_rng(0)
    cots = [
        ember.tensor(rng.standard_normal(tuple(o.shape)).astype(o.numpy().dtype))
        for o in (o.detach() for o in outs)
    ]
    if twice:
        for c in cots:
            c.requires_grad_(True)
    grads = ember.autograd.grad(outs, diff, cots, create_graph=twice, allow_unused=True)
    if not twice:
        return
    gs = [g for g in grads if g is not None and g.requires_grad]
    if gs:
        wrt = diff + [c for c in cots if c.requires_grad]
        ember.autograd.grad(gs, wrt, [ember.ones_like(g) for g in gs], allow_unused=True)


def _covered_primitives():
    ran: set[str] = set()

    def recording(op, backward):
        def run(ctx, *grads):
            ran.add(op.name)
            return backward(ctx, *grads)

        return run

    saved = {op: op.backward for op in REGISTRY.values() if op.backward is not None}
    try:
        for op, backward in saved.items():
            op.backward = recording(op, backward)
        for info, sample in CASES:
            if info.grad:
                _backward_passes(info, sample, float64=False, twice=False)
        for info, sample in GRAD_CASES:
            _backward_passes(info, sample, float64=True, twice=info.gradgrad)
    finally:
        for op, backward in saved.items():
            op.backward = backward
    return ran


# a vjp that only raises PyTorch's error (no derivative to check), with the test that checks it
# (geqrf's: tests/ops/test_linalg_extra.py)
RAISES_ONLY = {"ctc_loss_backward", "geqrf"}


def test_every_primitive_with_a_vjp_is_covered_by_the_op_db():
    assert OP_DB
    with_vjp = {name for name, op in REGISTRY.items() if op.backward is not None}
    uncovered = sorted(with_vjp - _covered_primitives() - RAISES_ONLY)
    assert not uncovered, (
        f"primitives whose vjp no op-db check runs: {uncovered}; add an op-db entry in "
        "tests/ops/db/<family>.py that reaches each through a public function"
    )


def _ctc_double_backward(m, x, t):
    loss = m.nn.functional.ctc_loss(x.log_softmax(-1), t, (4, 4), (2, 2))
    (g,) = m.autograd.grad(loss, x, create_graph=True)
    return m.autograd.grad(g.sum(), x)


def test_ctc_double_backward_raises_as_torch():
    x = np.random.default_rng(0).standard_normal((4, 2, 3))
    msg = check_error(
        lambda m, x, t: _ctc_double_backward(m, x.requires_grad_(), t),
        x,
        np.array([[1, 2], [2, 1]]),
    )
    assert "derivative for aten::_ctc_loss_backward is not implemented" in msg
