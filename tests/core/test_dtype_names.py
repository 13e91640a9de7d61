"""dtype.legacy_name and dtype.cpp_name, the one table of each, against torch's own names."""

import re

import pytest
import torch

import ember
from ember import _dtype

PAIRS = [(d, getattr(torch, d.name)) for d in _dtype.ALL_DTYPES]


@pytest.mark.parametrize(("e", "t"), PAIRS, ids=[d.name for d, _ in PAIRS])
def test_legacy_name_is_torchs(e, t):
    assert torch.empty(0, dtype=t).type() == f"torch.{e.legacy_name}Tensor"
    assert ember.empty(0, dtype=e).type() == f"torch.{e.legacy_name}Tensor"


@pytest.mark.parametrize(("e", "t"), PAIRS, ids=[d.name for d, _ in PAIRS])
def test_cpp_name_is_torchs(e, t):
    other = "float64" if e is not _dtype.float64 else "float32"
    with pytest.raises(RuntimeError) as info:
        torch.mm(torch.ones(2, 2, dtype=t), torch.ones(2, 2, dtype=getattr(torch, other)))
    assert re.search(r"but got: (.*) != ", str(info.value)).group(1) == e.cpp_name
    with pytest.raises(RuntimeError, match=re.escape(f"but got: {e.cpp_name} != ")):
        ember.mm(ember.ones(2, 2, dtype=e), ember.ones(2, 2, dtype=getattr(ember, other)))


@pytest.mark.parametrize(("e", "t"), PAIRS[:2] + PAIRS[3:], ids=lambda d: str(d))
def test_conv_bias_message_names_the_cpp_type(e, t):
    def run(lib, dt):
        x, w = lib.ones(1, 1, 3), lib.ones(1, 1, 1)
        lib.nn.functional.conv1d(x, w, lib.ones(1, dtype=dt))

    messages = []
    for lib, dt in ((torch, t), (ember, e)):
        with pytest.raises(RuntimeError) as info:
            run(lib, dt)
        messages.append(str(info.value))
    assert messages[0] == messages[1]
