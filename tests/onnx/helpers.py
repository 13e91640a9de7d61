"""Shared helpers of the ONNX export tests: export, check, run in ONNX Runtime."""

from __future__ import annotations

import io

import numpy as np
import pytest

import ember

onnx = pytest.importorskip("onnx")
ort = pytest.importorskip("onnxruntime")


def export(model, inputs, names=None, **kwargs):
    """Export ``model`` on ``inputs`` (a tuple); return the checked proto and a session."""
    names = names or [f"x{i}" for i in range(len(inputs))]
    f = io.BytesIO()
    proto = ember.onnx.export(model, tuple(inputs), f, input_names=names, **kwargs)
    onnx.checker.check_model(proto, full_check=True)
    session = ort.InferenceSession(f.getvalue(), providers=["CPUExecutionProvider"])
    return proto, session


def run(session, inputs, names=None):
    names = names or [f"x{i}" for i in range(len(inputs))]
    return session.run(None, {n: np.asarray(x.numpy()) for n, x in zip(names, inputs)})


def as_tuple(out):
    return out if isinstance(out, (tuple, list)) else (out,)


def op_types(proto):
    return [n.op_type for n in proto.graph.node]
