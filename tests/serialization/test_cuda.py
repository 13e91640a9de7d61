"""CUDA checkpoints: storages tagged 'cuda:N', restored on the GPU or mapped to the CPU."""

from __future__ import annotations

import io

import numpy as np
import pytest
import torch

import ember
from ember.serialization import load, save


@pytest.mark.gpu
def test_cuda_tensors_roundtrip_and_map_to_cpu():
    x = ember.arange(12.0, device="cuda").reshape(3, 4)
    buf = io.BytesIO()
    save({"x": x, "t": x.t(), "p": ember.nn.Parameter(ember.ones(2, device="cuda"))}, buf)
    buf.seek(0)
    in_torch = torch.load(buf, map_location="cpu")  # CPU torch reads the 'cuda:0' storages
    np.testing.assert_array_equal(in_torch["t"].numpy(), x.t().cpu().numpy())
    buf.seek(0)
    on_gpu = load(buf)
    assert on_gpu["x"].device == ember.device("cuda", 0)
    assert on_gpu["t"].data_ptr() == on_gpu["x"].data_ptr()
    assert type(on_gpu["p"]) is ember.nn.Parameter and on_gpu["p"].is_cuda
    buf.seek(0)
    on_cpu = load(buf, map_location="cpu")
    assert on_cpu["x"].device == ember.device("cpu")
    np.testing.assert_array_equal(on_cpu["t"].numpy(), x.t().cpu().numpy())
    buf.seek(0)
    moved = load(buf, map_location=lambda storage, location: storage.cuda(0))
    assert moved["x"].is_cuda


@pytest.mark.gpu
def test_cpu_checkpoint_to_cuda():
    buf = io.BytesIO()
    torch.save({"w": torch.arange(4.0), "legacy": 1}, buf)
    buf.seek(0)
    got = load(buf, map_location="cuda:0")
    assert got["w"].is_cuda and got["w"].cpu().tolist() == [0.0, 1.0, 2.0, 3.0]
    buf = io.BytesIO()
    torch.save({"w": torch.arange(4.0)}, buf, _use_new_zipfile_serialization=False)
    buf.seek(0)
    got = load(buf, map_location={"cpu": "cuda:0"})
    assert got["w"].is_cuda and got["w"].cpu().tolist() == [0.0, 1.0, 2.0, 3.0]
