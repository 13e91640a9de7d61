"""Building the ONNX graph: names, nodes, initializers, and shapes that follow dynamic axes.

NOTE [ Dynamic shapes in the graph ]
A traced op sees concrete sizes (``x.view(x.size(0), -1)`` reaches the ``view`` primitive as
``(2, 192)``). When the export has dynamic axes the model runs twice, the second time with each
dynamic axis resized, and every value and shape argument is known at both sizes: a size that
changed depends on a dynamic axis. A shape argument is then written so that it follows the
axis at run time: a ``Reshape`` copies a size from the same position of its input (``0``) or
infers one size (``-1``); otherwise (and in ``Expand``) the size is read from a tensor that has
it, ``Shape(x, start=i, end=i+1)``, the op's input first, then the graph inputs.
"""

from __future__ import annotations

import numpy as np

from ._trace import Const, Value, _host, unsupported

__all__: list[str] = []

INT64_MAX = np.iinfo(np.int64).max


class Graph:
    """The nodes and initializers of the graph being built, with unique names."""

    def __init__(self, onnx, opset: int, export_params: bool):
        self.onnx = onnx
        self.helper = onnx.helper
        self.opset = opset
        self.export_params = export_params
        self.nodes: list = []
        self.initializers: dict = {}  # name -> TensorProto
        self.param_inputs: list = []  # (name, array) of parameters given as inputs
        self.arrays: dict = {}  # id(array) -> name, for Consts
        self.keep: list = []  # arrays whose ids are keys of self.arrays
        self.small: dict = {}  # (bytes, dtype, shape) -> name, for converters' constants
        self.values: dict = {}  # id(Value) -> name (None: an output no node produces)
        self.taken: set = set()
        self.scope = ""
        self.sources: dict = {}  # (size, size2) -> (value name, axis), graph inputs first

    # ------------------------------------------------------------------ names
    def unique(self, base: str) -> str:
        name, k = base, 0
        while name in self.taken:
            k += 1
            name = f"{base}_{k}"
        self.taken.add(name)
        return name

    def name(self, ref) -> str:
        """The ONNX name of a traced value or constant (``""`` for an absent input)."""
        if ref is None:
            return ""
        if type(ref) is Value:
            name = self.values.get(id(ref))
            if name is None:
                raise unsupported("using an output that its op's export does not produce")
            return name
        return self.const(ref.array, ref.name)

    def const(self, array, name=None) -> str:
        """An initializer holding ``array`` (a parameter keeps its ``name``)."""
        found = self.arrays.get(id(array))
        if found is not None:
            return found
        host = _host(array)
        if name is not None:
            out = self.unique(name)
            if not self.export_params:
                self.param_inputs.append((out, host))
                self.arrays[id(array)] = out
                self.keep.append(array)
                return out
        else:
            out = self.unique("onnx::Const")
        self.initializers[out] = self.onnx.numpy_helper.from_array(np.ascontiguousarray(host), out)
        self.arrays[id(array)] = out
        self.keep.append(array)
        return out

    def literal(self, values, dtype) -> str:
        """A small constant made by a converter (deduplicated)."""
        a = np.asarray(values, dtype=dtype)
        key = (a.tobytes(), a.dtype.str, a.shape)
        found = self.small.get(key)
        if found is None:
            found = self.small[key] = self.unique("onnx::Const")
            self.initializers[found] = self.onnx.numpy_helper.from_array(a, found)
        return found

    def ints(self, values) -> str:
        """A 1-D int64 constant."""
        return self.literal(list(values), np.int64)

    def scalar(self, value, like: Value | Const) -> str:
        """A 0-d constant of ``like``'s dtype."""
        return self.literal(value, like.dtype if type(like) is Value else like.array.dtype)

    # ------------------------------------------------------------------ nodes
    def op(self, op_type: str, inputs, n: int = 1, **attrs):
        """Add a node; its output name (or list of names when ``n > 1``)."""
        node_name = self.unique(f"{self.scope}/{op_type}")
        outs = [self.unique(f"{node_name}_output_{i}") for i in range(n)]
        self.nodes.append(
            self.helper.make_node(op_type, list(inputs), outs, name=node_name, **attrs)
        )
        return outs[0] if n == 1 else outs

    def reduce(self, op_type: str, x: str, axes, keepdims: bool) -> str:
        """A Reduce* node; its axes are an input from opset 18 (ReduceSum: 13)."""
        axes = list(axes)
        if op_type == "ReduceSum" or self.opset >= 18:
            return self.op(op_type, [x, self.ints(axes)], keepdims=int(keepdims))
        return self.op(op_type, [x], axes=axes, keepdims=int(keepdims))

    # ------------------------------------------------------------------ dynamic shapes
    def add_source(self, name: str, value) -> None:
        for axis, pair in enumerate(zip(value.shape, value.shape2)):
            if pair[0] != pair[1]:
                self.sources.setdefault(pair, (name, axis))

    def dim(self, pair, near=()):
        """A 1-D tensor holding the run-time size that was ``pair`` in the two runs."""
        for ref in near:
            for axis, p in enumerate(zip(ref.shape, ref.shape2)):
                if p == pair:
                    return self.op("Shape", [self.name(ref)], start=axis, end=axis + 1)
        found = self.sources.get(pair)
        if found is None:
            return None
        name, axis = found
        return self.op("Shape", [name], start=axis, end=axis + 1)

    def shape_input(self, entries) -> str:
        """A 1-D int64 shape from ints and 1-D pieces (tensor names)."""
        if all(isinstance(e, (int, np.integer)) for e in entries):
            return self.ints(entries)
        pieces, run = [], []
        for e in entries:
            if isinstance(e, str):
                if run:
                    pieces.append(self.ints(run))
                    run = []
                pieces.append(e)
            else:
                run.append(int(e))
        if run:
            pieces.append(self.ints(run))
        return self.op("Concat", pieces, axis=0)

    def reshape(self, src, target, target2) -> str:
        """``Reshape`` of ``src`` to ``target`` (``target2`` in the second run)."""
        x = self.name(src)
        entries, pending = [], []
        for i, (a, b) in enumerate(zip(target, target2)):
            if a == b:
                entries.append(int(a))
            elif i < len(src.shape) and (src.shape[i], src.shape2[i]) == (a, b):
                entries.append(0)
            else:
                entries.append(None)
                pending.append(i)
        if len(pending) > 1:
            still = []
            for i in pending:
                piece = self.dim((target[i], target2[i]), [src])
                if piece is None:
                    still.append(i)
                else:
                    entries[i] = piece
            if len(still) > 1:
                raise unsupported("a reshape whose sizes follow several dynamic axes at once")
            pending = still
        if pending:
            entries[pending[0]] = -1
        allowzero = 0
        if any(a == 0 and a == b for a, b in zip(target, target2)):
            if any(e == 0 and a != 0 for e, a in zip(entries, target) if isinstance(e, int)):
                raise unsupported("a reshape to an empty shape with dynamic axes")
            allowzero = 1
        attrs = {"allowzero": 1} if allowzero else {}
        return self.op("Reshape", [x, self.shape_input(entries)], **attrs)

    def expand(self, src, target, target2) -> str:
        """``Expand`` of ``src`` to ``target`` (``target2`` in the second run)."""
        off = len(target) - len(src.shape)
        entries = []
        for i, (a, b) in enumerate(zip(target, target2)):
            j = i - off
            if a == b:
                entries.append(int(a))
            elif j >= 0 and (src.shape[j], src.shape2[j]) == (a, b):
                entries.append(1)
            else:
                piece = self.dim((a, b), [src])
                if piece is None:
                    raise unsupported("an expand to a size that follows a dynamic axis")
                entries.append(piece)
        return self.op("Expand", [self.name(src), self.shape_input(entries)])
