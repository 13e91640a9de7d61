"""``ember.onnx.export``: trace the model (NOTE [ ONNX tracing ]), build the graph, save it."""

from __future__ import annotations

import enum
import inspect
import os
from contextlib import contextmanager

from .._tensor import Tensor
from ..autograd.grad_mode import no_grad
from . import _nn  # noqa: F401  (registers the layer converters)
from ._graph import Graph
from ._ops import CONVERTERS
from ._trace import Const, Tracer, Value, _host, unsupported

__all__ = ["OperatorExportTypes", "TrainingMode", "export"]

DEFAULT_OPSET = 17
MIN_OPSET = 17


class TrainingMode(enum.IntEnum):
    """The mode the model is exported in: ``EVAL`` (the default), ``PRESERVE``, ``TRAINING``."""

    EVAL = 0
    PRESERVE = 1
    TRAINING = 2


class OperatorExportTypes(enum.IntEnum):
    """How ops are exported; ember writes standard ONNX ops only (``ONNX``)."""

    ONNX = 0
    ONNX_ATEN = 1
    ONNX_ATEN_FALLBACK = 2
    ONNX_FALLTHROUGH = 3


def _require_onnx():
    try:
        import onnx
    except ImportError:
        onnx = None
    if onnx is None:
        raise ModuleNotFoundError(
            "ember.onnx.export needs the 'onnx' package: pip install ember[onnx] "
            "(or pip install onnx)",
            name="onnx",
        )
    import onnx.numpy_helper  # noqa: F401

    return onnx


def _refuse(**flags):
    for name, value in flags.items():
        if value:
            raise NotImplementedError(f"ember.onnx.export: {name} is not supported")


def _split_args(args, kwargs):
    if isinstance(args, Tensor):
        args = (args,)
    elif isinstance(args, list):
        args = tuple(args)
    elif not isinstance(args, tuple):
        args = (args,)
    kwargs = dict(kwargs or {})
    if args and isinstance(args[-1], dict):
        kwargs = {**args[-1], **kwargs}
        args = args[:-1]
    return args, kwargs


def _input_keys(model, args, kwargs):
    """``(key, tensor, argument name)`` of every tensor input, positional ones first."""
    try:
        params = list(
            inspect.signature(model.forward if hasattr(model, "forward") else model).parameters
        )
    except (TypeError, ValueError):
        params = []
    found = []
    for i, a in enumerate(args):
        if isinstance(a, Tensor):
            name = params[i] if i < len(params) and not params[i].startswith("*") else None
            found.append((i, a, name))
    for k, v in kwargs.items():
        if isinstance(v, Tensor):
            found.append((k, v, k))
    return found


def _input_names(found, input_names):
    """The graph's input names: ``input_names``, else the arguments' names (when distinct),
    else ``input`` / ``input_<i>``."""
    names = [n for _, _, n in found]
    if len(set(names)) != len(names) or None in names:
        names = [f"input_{i}" for i in range(len(found))] if len(found) > 1 else ["input"]
    given = list(input_names or [])[: len(found)]
    return given + names[len(given) :]


def _flatten(out):
    if isinstance(out, Tensor):
        return [out]
    if isinstance(out, (tuple, list)):
        return [t for o in out for t in _flatten(o)]
    if isinstance(out, dict):
        return [t for o in out.values() for t in _flatten(o)]
    raise unsupported(f"a model output of type {type(out).__name__}")


def _dynamic_axes(dynamic_axes, names):
    """``{tensor name: {axis: dim name}}`` from torch's list or dict form."""
    result = {}
    for name, axes in (dynamic_axes or {}).items():
        if isinstance(axes, dict):
            result[name] = {int(a): str(n) for a, n in axes.items()}
        else:
            result[name] = {int(a): f"{name}_dynamic_axes_{i + 1}" for i, a in enumerate(axes)}
    unknown = [n for n in result if n not in names]
    if unknown:
        raise ValueError(
            f"ember.onnx.export: dynamic_axes names {unknown} are neither input nor output names"
        )
    return result


def _from_dynamic_shapes(dynamic_shapes, found, names):
    """torch's ``dynamic_shapes`` (by argument name, or a sequence by position) as
    ``dynamic_axes`` on the graph's input ``names``."""
    if isinstance(dynamic_shapes, dict):
        lookup = [dynamic_shapes.get(arg, dynamic_shapes.get(k)) for k, _, arg in found]
    else:
        lookup = list(dynamic_shapes) + [None] * len(found)
    out = {}
    for name, spec in zip(names, lookup):
        if spec:
            items = spec.items() if isinstance(spec, dict) else enumerate(spec)
            out[name] = {
                int(a): d if isinstance(d, str) else getattr(d, "__name__", f"{name}_dim_{a}")
                for a, d in items
                if d is not None
            }
    return out


@contextmanager
def _mode(model, training):
    modules = list(model.modules()) if hasattr(model, "modules") else []
    saved = [(m, m.training) for m in modules]
    if modules and training != TrainingMode.PRESERVE:
        model.train(training == TrainingMode.TRAINING)
    try:
        yield
    finally:
        for m, t in saved:
            m.training = t


def _named_arrays(model):
    named = {}
    if hasattr(model, "named_parameters"):
        for name, p in list(model.named_parameters()) + list(model.named_buffers()):
            if p is not None:
                named.setdefault(id(p._data), name)
    return named


def _trace(model, args, kwargs, keys, named):
    tracer = Tracer(named)
    inputs = []
    for _, t, _ in keys:
        v = Value(t.shape, t._data.dtype)
        tracer.bind(t, v)
        inputs.append(v)
    with tracer.active(model):
        out = model(*args, **kwargs)
    outputs = [tracer.ref(t) for t in _flatten(out)]
    return tracer, inputs, outputs


def _resized(args, kwargs, keys, dyn):
    """The inputs with every dynamic axis grown (each dim name by its own amount)."""
    from .. import _factories

    grow, args, kwargs = {}, list(args), dict(kwargs)
    for key, t, name in keys:
        for axis, dim in sorted(dyn.get(name, {}).items()):
            if not 0 <= axis < t.dim():
                raise ValueError(
                    f"ember.onnx.export: dynamic axis {axis} of input '{name}' is out of range "
                    f"for its {t.dim()} dimensions"
                )
            step = grow.setdefault(dim, len(grow) + 1)
            size = t.shape[axis]
            if size == 0:
                raise unsupported(f"a dynamic axis of size 0 (input '{name}')")
            index = _factories.arange(size + step, device=t.device) % size
            t = t.index_select(axis, index)
        if isinstance(key, int):
            args[key] = t
        else:
            kwargs[key] = t
    return tuple(args), kwargs


def _align(run1, run2):
    """Attach the second run's sizes to the first run's values (NOTE [ Dynamic shapes in the
    graph ])."""
    (t1, in1, out1), (t2, in2, out2) = run1, run2
    r1, r2 = t1.records, t2.records
    if len(r1) != len(r2) or any(a.op != b.op for a, b in zip(r1, r2)) or len(out1) != len(out2):
        raise unsupported(
            "a model that runs different ops when its dynamic axes change size (tracing "
            "follows one path)"
        )
    for a, b in zip(in1, in2):
        a.shape2 = b.shape
    for a, b in zip(r1, r2):
        a.params2 = b.params
        for k, v in a.params.items():
            if k not in a.param_refs and getattr(v, "shape", None) != getattr(
                b.params.get(k), "shape", None
            ):
                raise unsupported(
                    f"op '{a.op}' taking an index made inside forward whose shape follows a "
                    "dynamic axis"
                )
        for va, vb in zip(a.outputs, b.outputs):
            va.shape2 = vb.shape
        for x, y in zip(a.inputs, b.inputs):
            if type(x) is Const and type(y) is Const and x.shape != y.shape:
                raise unsupported(
                    f"op '{a.op}' reading a tensor made inside forward whose shape follows a "
                    "dynamic axis"
                )
            if (type(x) is Value) != (type(y) is Value):
                raise unsupported(
                    f"op '{a.op}' reading a constant in one run and a traced tensor in the other"
                )


def _live(records, outputs):
    """The records the outputs depend on, in order."""
    needed = {id(v) for v in outputs if type(v) is Value}
    live = []
    for r in reversed(records):
        if any(id(v) in needed for v in r.outputs):
            live.append(r)
            for ref in list(r.inputs) + list(r.param_refs.values()):
                if type(ref) is Value:
                    needed.add(id(ref))
    return live[::-1]


def _same(a, b) -> bool:
    if a is b:
        return True
    if isinstance(a, dict):
        return a.keys() == b.keys() and all(_same(a[k], b[k]) for k in a)
    if isinstance(a, (tuple, list)):
        return type(a) is type(b) and len(a) == len(b) and all(map(_same, a, b))
    if hasattr(a, "shape") and hasattr(a, "dtype"):
        return getattr(b, "shape", None) == a.shape and bool((_host(a) == _host(b)).all())
    return type(a) is type(b) and a == b


def _fold(records, outputs, enabled=True):
    """Constant folding: records computed from constants alone, with the same sizes and
    arguments in both runs, leave the graph; their outputs become constants."""
    folded: dict = {}

    def resolve(ref):
        return folded.get(id(ref), ref) if type(ref) is Value else ref

    kept = []
    for r in records:
        r.inputs = [resolve(x) for x in r.inputs]
        r.param_refs = {k: resolve(v) for k, v in r.param_refs.items()}
        if (
            enabled
            and all(v.array is not None and v.shape == v.shape2 for v in r.outputs)
            and not any(type(x) is Value for x in r.inputs)
            and not any(type(v) is Value for v in r.param_refs.values())
            and (r.params2 is r.params or _same(r.params, r.params2))
        ):
            src = r.inputs[0] if r.inputs else None
            origin = src.name if r.op == "view" and type(src) is Const else None
            for v in r.outputs:
                folded[id(v)] = Const(v.array, None, origin)
        else:
            kept.append(r)
    return kept, [resolve(o) for o in outputs]


def _fuse_conv_bias(records, outputs):
    """``convolution`` then ``add`` of a per-channel constant (how Conv layers add their bias)
    become one ``Conv`` with its bias input."""
    uses: dict = {}
    for ref in outputs:
        uses[id(ref)] = uses.get(id(ref), 0) + 1
    producer = {}
    for r in records:
        for ref in list(r.inputs) + list(r.param_refs.values()):
            uses[id(ref)] = uses.get(id(ref), 0) + 1
        for v in r.outputs:
            producer[id(v)] = r
    kept = []
    for r in records:
        conv = producer.get(id(r.inputs[0])) if r.op == "add" and r.inputs else None
        if conv is not None and conv.op == "convolution" and len(conv.inputs) == 2:
            out, bias = r.inputs
            channels = out.shape[1] if len(out.shape) > 1 else None
            shape = (channels,) + (1,) * (len(out.shape) - 2)
            if uses.get(id(out)) == 1 and type(bias) is Const and bias.shape == shape:
                conv.inputs = [*conv.inputs, Const(bias.array.reshape(channels), bias.origin)]
                conv.outputs = r.outputs
                continue
        kept.append(r)
    return kept


def _value_info(helper, name, dtype, shape, dims):
    elem = helper.np_dtype_to_tensor_dtype(dtype)
    return helper.make_tensor_value_info(name, elem, [dims.get(i, s) for i, s in enumerate(shape)])


def _rename(nodes, old, new):
    for node in nodes:
        for field in (node.input, node.output):
            for i, n in enumerate(field):
                if n == old:
                    field[i] = new


def _build(onnx, run, input_names, output_names, dyn, opset, export_params, fold):
    _, inputs, outputs = run
    helper = onnx.helper
    g = Graph(onnx, opset, export_params)
    graph_inputs = []
    dim_names = {}  # (size, size2) -> dim name, from the inputs' dynamic axes
    for name, v in zip(input_names, inputs):
        g.values[id(v)] = name
        g.taken.add(name)
        g.add_source(name, v)
        axes = dyn.get(name, {})
        for a, d in axes.items():
            dim_names.setdefault((v.shape[a], v.shape2[a]), d)
        graph_inputs.append(_value_info(helper, name, v.dtype, v.shape, axes))
    for name in output_names:
        g.taken.add(name)
    records, outputs = _fold(run[0].records, outputs, fold)
    for r in _live(_fuse_conv_bias(records, outputs), outputs):
        convert = CONVERTERS.get(r.op)
        if convert is None:
            raise unsupported(f"op '{r.op}'")
        g.scope = "/" + r.scope if r.scope else ""
        names = convert(g, r)
        if isinstance(names, str):
            names = [names]
        for v, n in zip(r.outputs, names):
            g.values[id(v)] = n
    graph_outputs = []
    produced = {o for node in g.nodes for o in node.output}
    named_outputs: set = set()
    g.scope = ""
    for name, ref in zip(output_names, outputs):
        current = g.name(ref)
        if current in produced and current not in named_outputs:
            _rename(g.nodes, current, name)
            produced.add(name)
            if type(ref) is Value:
                g.values[id(ref)] = name
        else:  # an input, a constant, or a value already given as another output
            g.nodes.append(
                helper.make_node("Identity", [current], [name], name=g.unique("/Identity"))
            )
        named_outputs.add(name)
        dims = dict(dyn.get(name, {}))
        for a, pair in enumerate(zip(ref.shape, ref.shape2)):
            if pair[0] != pair[1] and a not in dims:
                dims[a] = dim_names.get(pair, f"{name}_dim_{a}")
        dtype = ref.dtype if type(ref) is Value else ref.array.dtype
        graph_outputs.append(_value_info(helper, name, dtype, ref.shape, dims))
    for name, array in g.param_inputs:
        graph_inputs.append(_value_info(helper, name, array.dtype, array.shape, {}))
    return g, graph_inputs, graph_outputs


def export(
    model,
    args=(),
    f=None,
    *,
    kwargs=None,
    verbose=None,
    input_names=None,
    output_names=None,
    opset_version=None,
    dynamo=False,
    external_data=True,
    dynamic_shapes=None,
    custom_translation_table=None,
    report=False,
    optimize=True,
    verify=False,
    profile=False,
    dump_exported_program=False,
    artifacts_dir=".",
    export_params=True,
    keep_initializers_as_inputs=False,
    dynamic_axes=None,
    training=TrainingMode.EVAL,
    operator_export_type=OperatorExportTypes.ONNX,
    do_constant_folding=True,
    custom_opsets=None,
    export_modules_as_functions=False,
    autograd_inlining=True,
):
    """Export ``model`` to ONNX by running it once on ``args`` (``torch.onnx.export``).

    The ops the forward runs on the inputs become the graph (NOTE [ ONNX tracing ]); parameters
    and buffers become initializers under their ``state_dict`` names, and computations on
    constants alone are folded. ``f`` is a path or a binary file object; the ``ModelProto`` is
    also returned. ``input_names`` / ``output_names`` name the graph's inputs and outputs
    (defaults: ``forward``'s argument names, ``output`` / ``output_<i>``). ``dynamic_axes``
    (``{"input": {0: "batch"}}`` or ``{"input": [0]}``) or ``dynamic_shapes`` make axes
    symbolic; the exporter then runs the model a second time with those axes resized, to find
    the sizes that follow them (NOTE [ Dynamic shapes in the graph ]). ``opset_version``
    defaults to 17. The model is exported in eval mode (``training=TrainingMode.EVAL``) and
    then put back in its mode. ``do_constant_folding=False`` keeps the ops on constants as
    nodes too. Data-dependent control flow is traced along the path the example
    inputs take, as in PyTorch's TorchScript exporter. An op with no ONNX form raises
    ``RuntimeError: ember.onnx.export: op '<name>' is not supported yet``.
    """
    onnx = _require_onnx()
    _refuse(
        custom_translation_table=custom_translation_table,
        report=report,
        verify=verify,
        profile=profile,
        dump_exported_program=dump_exported_program,
        custom_opsets=custom_opsets,
        export_modules_as_functions=export_modules_as_functions,
    )
    if operator_export_type != OperatorExportTypes.ONNX:
        raise NotImplementedError(
            "ember.onnx.export writes standard ONNX ops only (OperatorExportTypes.ONNX)"
        )
    opset = DEFAULT_OPSET if opset_version is None else int(opset_version)
    newest = onnx.defs.onnx_opset_version()
    if not MIN_OPSET <= opset <= newest:
        raise ValueError(
            f"ember.onnx.export supports opset_version {MIN_OPSET} to {newest}, got {opset}"
        )
    args, kwargs = _split_args(args, kwargs)
    found = _input_keys(model, args, kwargs)
    names = _input_names(found, input_names)
    keys = [(k, t, n) for (k, t, _), n in zip(found, names)]
    named = _named_arrays(model)
    if isinstance(training, bool):
        training = TrainingMode.TRAINING if training else TrainingMode.EVAL
    with _mode(model, TrainingMode(training)), no_grad():
        run = _trace(model, args, kwargs, keys, named)
        n_out = len(run[2])
        outs = list(output_names or [])[:n_out]
        outs += ["output" if n_out == 1 else f"output_{i}" for i in range(len(outs), n_out)]
        if dynamic_axes is None and dynamic_shapes is not None:
            dynamic_axes = _from_dynamic_shapes(dynamic_shapes, found, names)
        dyn = _dynamic_axes(dynamic_axes, set(names) | set(outs))
        if any(dyn.get(n) for n in names):
            args2, kwargs2 = _resized(args, kwargs, keys, dyn)
            keys2 = [(k, (args2[k] if isinstance(k, int) else kwargs2[k]), n) for k, _, n in keys]
            _align(run, _trace(model, args2, kwargs2, keys2, named))
    g, graph_inputs, graph_outputs = _build(
        onnx, run, names, outs, dyn, opset, export_params, do_constant_folding
    )
    initializers = list(g.initializers.values())
    if keep_initializers_as_inputs:
        graph_inputs += [
            onnx.helper.make_tensor_value_info(t.name, t.data_type, list(t.dims))
            for t in initializers
        ]
    graph = onnx.helper.make_graph(
        g.nodes, "main_graph", graph_inputs, graph_outputs, initializer=initializers
    )
    opsets = [onnx.helper.make_opsetid("", opset)]
    model_proto = onnx.helper.make_model(
        graph,
        opset_imports=opsets,
        producer_name="ember",
        ir_version=onnx.helper.find_min_ir_version_for(opsets),
    )
    if verbose:
        print(onnx.helper.printable_graph(model_proto.graph))
    if f is not None:
        if isinstance(f, (str, os.PathLike)):
            onnx.save_model(model_proto, os.fspath(f))
        else:
            f.write(model_proto.SerializeToString())
    return model_proto
