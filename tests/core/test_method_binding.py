"""The one method-binding rule: every Tensor method and operator that is not written in the
Tensor class itself is bound by ``@tensor_method`` at the definition of exactly one function."""

from __future__ import annotations

import inspect
import re

import pytest

import ember
from ember import Tensor
from ember.ops._binding import BOUND, tensor_method


def _own_methods():
    for name, attr in vars(Tensor).items():
        fn = attr.fget if isinstance(attr, property) else getattr(attr, "__func__", attr)
        if callable(fn) and not isinstance(fn, type):
            yield name, fn


def test_every_method_is_defined_in_the_class_or_bound_once():
    strays = [
        name
        for name, fn in _own_methods()
        if name not in BOUND and getattr(fn, "__module__", None) != "ember._tensor"
    ]
    assert not strays, f"Tensor methods set outside @tensor_method: {strays}"


def test_bound_methods_are_what_the_table_says():
    # a method is the function itself, or (in-place, reflected) made from it
    for name, source in BOUND.items():
        method = getattr(Tensor, name)
        assert method is source or getattr(method, "__wrapped__", None) is source, name


def test_a_method_and_its_function_are_one_implementation():
    public = {n: f for n, f in BOUND.items() if not f.__name__.startswith("_")}
    shared = [n for n in public if not n.startswith("_") and hasattr(ember, n)]
    assert len(shared) > 200
    for name in shared:
        # torch.abs_(x) is the in-place method itself (ember/ops/functional_forms.py)
        assert getattr(ember, name) in (public[name], getattr(Tensor, name)), name


def test_searching_for_a_method_name_finds_its_definition():
    for name, source in BOUND.items():
        text = inspect.getsource(inspect.getmodule(source))
        plain = name[:-1] if name.endswith("_") and not name.startswith("__") else name
        found = (
            re.search(rf"\b(def|class) {re.escape(name)}\(", text)
            or f'"{name}"' in text
            or (plain != name and f'"{plain}"' in text)
            or (plain != name and re.search(rf"\bdef {re.escape(plain)}\(", text))
            or re.search(rf"^{re.escape(plain)} = ", text, re.M)
        )
        assert found, f"Tensor.{name}: its name does not appear where {source} is defined"


def test_binding_a_name_twice_is_an_error():
    before = Tensor.exp
    with pytest.raises(RuntimeError, match=r"Tensor\.exp is bound twice"):
        tensor_method("exp")(lambda input: input)
    assert Tensor.exp is before


def test_inplace_and_operator_variants_share_one_function():
    assert Tensor.__iadd__ is Tensor.add_
    assert Tensor.add_.__wrapped__ is ember.add
    x = ember.tensor([1.0, 2.0])
    assert (3 - x).tolist() == [2.0, 1.0]  # reflected: operands swapped
    x += 1
    assert x.tolist() == [2.0, 3.0]
