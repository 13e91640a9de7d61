"""``torch.accelerator`` on a machine as torch sees it: answers and errors match torch's."""

from __future__ import annotations

import pytest
import torch

import ember

pytestmark = pytest.mark.skipif(
    ember.cuda.is_available() or torch.accelerator.is_available(),
    reason="compares the no-accelerator answers",
)


def test_queries_match_torch_without_an_accelerator():
    for name in ("is_available", "current_accelerator", "device_count"):
        assert getattr(ember.accelerator, name)() == getattr(torch.accelerator, name)(), name


@pytest.mark.parametrize("call", ["current_device_index", "synchronize"])
def test_device_calls_raise_torchs_error_without_an_accelerator(call):
    raised = []
    for m in (torch, ember):
        with pytest.raises(RuntimeError) as info:
            getattr(m.accelerator, call)()
        raised.append(str(info.value))
    assert raised[0] == raised[1]


def test_every_name_is_torchs():
    assert set(ember.accelerator.__all__) <= set(dir(torch.accelerator))
