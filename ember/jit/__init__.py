"""``ember.jit`` (``torch.jit``): TorchScript's names, running eagerly.

ember has no TorchScript compiler. ``script`` and ``trace`` hand back the module or function they
were given, unchanged, so a program that scripts its model keeps training and evaluating it
exactly as before (``isinstance``, ``state_dict``, ``.forward`` all still work); the first call
warns once that nothing was compiled. The decorators (``ignore``, ``unused``, ``export``, ...)
return what they decorate, ``is_scripting()``/``is_tracing()`` are False, ``fork`` runs its
function at once, and writing or reading a TorchScript archive (``save``/``load``) raises a
``RuntimeError`` pointing at ``ember.save(model.state_dict(), f)``.

>>> import ember
>>> ember.jit.is_scripting()
False
>>> ember.jit.annotate(list, [])
[]
"""

from __future__ import annotations

import typing as _typing
import warnings as _warnings

from ..nn.modules.module import Module as _Module

__all__ = [
    "Attribute",
    "CompilationUnit",
    "Error",
    "Future",
    "ScriptFunction",
    "ScriptModule",
    "annotate",
    "enable_onednn_fusion",
    "export",
    "export_opnames",
    "fork",
    "freeze",
    "interface",
    "ignore",
    "isinstance",
    "load",
    "onednn_fusion_enabled",
    "optimize_for_inference",
    "save",
    "script",
    "script_if_tracing",
    "set_fusion_strategy",
    "strict_fusion",
    "trace",
    "trace_module",
    "unused",
    "wait",
]

_builtin_isinstance = isinstance  # this module defines torch.jit.isinstance below

Final = _typing.Final

# ember compiles nothing: a scripted module is the nn.Module itself.
ScriptModule = _Module

_NO_TORCHSCRIPT = (
    "ember cannot {what} TorchScript: ember.jit.script and ember.jit.trace return the model "
    "unchanged, so there is no TorchScript archive. Save the weights with "
    "ember.save(model.state_dict(), f) and load them into the model with "
    "model.load_state_dict(ember.load(f))."
)


class Error(Exception):
    """The exception TorchScript raises for errors in scripted code (``torch.jit.Error``)."""


class Attribute(_typing.NamedTuple):
    """A value with its TorchScript type (``torch.jit.Attribute(value, type)``); eagerly, just
    the pair."""

    value: _typing.Any
    type: _typing.Any


class ScriptFunction:
    """The type of a scripted function in torch. ember's ``script`` returns the function itself,
    so nothing is ever of this type; the name exists for ``isinstance`` checks."""

    def __init__(self, *args, **kwargs):
        raise RuntimeError(_NO_TORCHSCRIPT.format(what="create"))


class CompilationUnit:
    """A TorchScript compilation unit; ember cannot compile TorchScript source."""

    def __init__(self, lang=None, _frames_up=0):
        raise RuntimeError(_NO_TORCHSCRIPT.format(what="compile"))


_warned = False


def _warn_no_torchscript(what: str) -> None:
    global _warned
    if not _warned:
        _warned = True
        _warnings.warn(
            f"ember.jit.{what} returns the model unchanged: ember runs it eagerly and produces "
            "no TorchScript (ember.jit.save cannot write it; save the state_dict instead)",
            UserWarning,
            stacklevel=3,
        )


def script(obj, optimize=None, _frames_up=0, _rcb=None, example_inputs=None):
    """``torch.jit.script``: returns ``obj`` (module, function or class) unchanged, warning once
    that ember compiles no TorchScript."""
    _warn_no_torchscript("script")
    return obj


def _example_args(example_inputs):
    if example_inputs is None:
        return ()
    if _builtin_isinstance(example_inputs, tuple):
        return example_inputs
    return (example_inputs,)


def trace(
    func,
    example_inputs=None,
    optimize=None,
    check_trace=True,
    check_inputs=None,
    check_tolerance=1e-5,
    strict=True,
    _force_outplace=False,
    _module_class=None,
    _compilation_unit=None,
    example_kwarg_inputs=None,
    _store_inputs=True,
):
    """``torch.jit.trace``: runs ``func`` once on the example inputs, as tracing does (so a
    model that cannot run fails here), and returns ``func`` unchanged, warning once that ember
    records no TorchScript graph."""
    if example_inputs is None and not _builtin_isinstance(example_kwarg_inputs, dict):
        raise RuntimeError("example_kwarg_inputs should be a dict")
    _warn_no_torchscript("trace")
    func(*_example_args(example_inputs), **(example_kwarg_inputs or {}))
    return func


def trace_module(
    mod,
    inputs,
    optimize=None,
    check_trace=True,
    check_inputs=None,
    check_tolerance=1e-5,
    strict=True,
    _force_outplace=False,
    _module_class=None,
    _compilation_unit=None,
    example_inputs_is_kwarg=False,
    _store_inputs=True,
):
    """``torch.jit.trace_module``: runs each named method of ``mod`` once on its inputs
    (``inputs`` maps method names to example inputs) and returns ``mod`` unchanged."""
    if not _builtin_isinstance(inputs, dict):
        raise AttributeError("expected a dictionary of (method_name, input) pairs")
    _warn_no_torchscript("trace_module")
    for name, example in inputs.items():
        method = getattr(mod, name)
        if example_inputs_is_kwarg:
            method(**example)
        else:
            method(*_example_args(example))
    return mod


def save(m, f, _extra_files=None):
    """``torch.jit.save``: ember writes no TorchScript, so this raises ``RuntimeError``."""
    raise RuntimeError(_NO_TORCHSCRIPT.format(what="write"))


def load(f, map_location=None, _extra_files=None, _restore_shapes=False):
    """``torch.jit.load``: ember reads no TorchScript, so this raises ``RuntimeError``."""
    raise RuntimeError(_NO_TORCHSCRIPT.format(what="read"))


def export_opnames(m):
    """``torch.jit.export_opnames``: needs a TorchScript module, so this raises."""
    raise RuntimeError(_NO_TORCHSCRIPT.format(what="list the operators of"))


def freeze(mod, preserved_attrs=None, optimize_numerics=True):
    """``torch.jit.freeze``: returns ``mod`` (which must be in eval mode, as torch requires)."""
    if getattr(mod, "training", False):
        raise RuntimeError(
            "Freezing is currently only implemented for modules in eval mode. Please call "
            ".eval() on your module before freezing."
        )
    return mod


def optimize_for_inference(mod, other_methods=None):
    """``torch.jit.optimize_for_inference``: returns ``mod`` unchanged, in eval mode."""
    if getattr(mod, "training", False):
        mod.eval()
    return mod


def ignore(drop=False, **kwargs):
    """``@torch.jit.ignore`` / ``@torch.jit.ignore(drop=...)``: leaves the function as it is."""
    if callable(drop):
        return drop
    return lambda fn: fn


def unused(fn):
    """``@torch.jit.unused``: leaves the function as it is."""
    return fn


def export(fn):
    """``@torch.jit.export``: leaves the method as it is."""
    return fn


def interface(obj):
    """``@torch.jit.interface``: leaves the class as it is."""
    return obj


def script_if_tracing(fn):
    """``@torch.jit.script_if_tracing``: leaves the function as it is (ember never traces)."""
    return fn


def script_method(fn):
    """``@torch.jit.script_method``: leaves the method as it is."""
    return fn


def is_scripting() -> bool:
    """Whether the caller runs inside TorchScript: never in ember."""
    return False


def is_tracing() -> bool:
    """Whether the caller runs inside ``torch.jit.trace``: never in ember."""
    return False


def annotate(the_type, the_value):
    """``torch.jit.annotate``: a type hint for TorchScript; returns ``the_value``."""
    return the_value


class Future:
    """The result of :func:`fork` (``torch.jit.Future``): already computed."""

    def __init__(self, value=None):
        self._value = value

    def done(self) -> bool:
        """Always True: the work ran when it was forked."""
        return True

    def wait(self):
        """The forked function's return value."""
        return self._value

    def value(self):
        """The forked function's return value."""
        return self._value

    def then(self, callback):
        """A Future holding ``callback(self)``."""
        return Future(callback(self))


def fork(func, *args, **kwargs):
    """``torch.jit.fork``: eagerly, calls ``func(*args, **kwargs)`` now (an exception
    propagates at once, as torch's eager fork does) and returns a :class:`Future` of it."""
    return Future(func(*args, **kwargs))


def wait(future):
    """``torch.jit.wait``: the value of a :class:`Future` from :func:`fork`."""
    return future.wait()


def isinstance(obj, target_type):  # noqa: A001 - torch.jit.isinstance
    """``torch.jit.isinstance``: ``isinstance`` that understands ``list[int]``,
    ``dict[str, Tensor]``, ``tuple[int, str]`` and ``Optional[T]``, checking the contents."""
    origin = _typing.get_origin(target_type)
    args = _typing.get_args(target_type)
    if target_type in (list, dict, tuple) or (origin in (list, dict, tuple) and not args):
        name = getattr(target_type, "_name", None) or target_type.__name__  # List or list
        if (origin or target_type) is dict:
            raise RuntimeError(
                f"Attempted to use {name} without contained types. Please add contained type, "
                f"e.g. {name}[int, int]"
            )
        raise RuntimeError(
            f"Attempted to use {name} without a contained type. Please add a contained "
            f"type, e.g. {name}[int]"
        )
    if origin is None:
        return _builtin_isinstance(obj, target_type)
    if origin is _typing.Union:
        return any(isinstance(obj, a) if a is not type(None) else obj is None for a in args)
    if origin is list:
        return _builtin_isinstance(obj, list) and all(isinstance(x, args[0]) for x in obj)
    if origin is dict:
        return _builtin_isinstance(obj, dict) and all(
            isinstance(k, args[0]) and isinstance(v, args[1]) for k, v in obj.items()
        )
    if origin is tuple:
        if not _builtin_isinstance(obj, tuple):
            return False
        return len(obj) == len(args) and all(isinstance(x, a) for x, a in zip(obj, args))
    return _builtin_isinstance(obj, origin)


_onednn_fusion = False


def enable_onednn_fusion(enabled: bool) -> None:
    """Record whether oneDNN fusion is asked for (ember fuses nothing)."""
    global _onednn_fusion
    _onednn_fusion = bool(enabled)


def onednn_fusion_enabled() -> bool:
    """What :func:`enable_onednn_fusion` last recorded (False by default)."""
    return _onednn_fusion


_fusion_strategy = [("STATIC", 2), ("DYNAMIC", 10)]


def set_fusion_strategy(strategy):
    """Record a fusion strategy and return the previous one (ember fuses nothing)."""
    global _fusion_strategy
    previous, _fusion_strategy = _fusion_strategy, list(strategy)
    return previous


class strict_fusion:
    """``with torch.jit.strict_fusion():`` a TorchScript fusion assertion; eagerly, nothing."""

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        return False
