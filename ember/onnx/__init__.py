"""Export models to ONNX (``torch.onnx``).

``ember.onnx.export(model, args, "model.onnx")`` traces ``model`` on ``args`` and writes an
ONNX model (opset 17 by default) that ONNX Runtime and other tools run. It needs the ``onnx``
package (``pip install ember[onnx]``); importing ``ember.onnx`` does not.
"""

from __future__ import annotations

from ._export import OperatorExportTypes, TrainingMode, export
from ._trace import is_exporting as _is_exporting

__all__ = ["OperatorExportTypes", "TrainingMode", "export", "is_in_onnx_export"]


def is_in_onnx_export() -> bool:
    """Whether an :func:`export` is running the model now (``forward`` may branch on it)."""
    return _is_exporting()
