"""``out=``: PyTorch's rules for writing a result into a given tensor, in one place.

Every public function that accepts ``out=`` starts with::

    if out is not None:
        return with_out(out, RULE, fn, *args, **kwargs)

:func:`with_out` then, in PyTorch's order:

1. refuses when autograd would need the result: grad mode on and an input (or ``out``)
   requires grad raises PyTorch's "functions with out=... arguments don't support automatic
   differentiation" error, naming the op as PyTorch does (``OutRule.name``). Two kinds of op
   are not refused, as in PyTorch: composites (``OutRule(autograd="copy")``, PyTorch's
   CompositeImplicitAutograd ops) copy the result into ``out`` with autograd's ``copy_``
   (so ``out`` gets a history, or the leaf error), and ops whose result is never
   differentiable (``autograd="none"``: comparisons, ``histc``, ``nonzero``) just write;
2. calls ``fn(*args, **kwargs)`` (without ``out``), so argument errors are the function's own;
3. checks each output's device, and its dtype by the op's rule (``OutRule.check``):
   :func:`castable` (elementwise ops: the result is cast into ``out``), :func:`same`,
   :func:`exact`, or a message of the op's own (:func:`unless`);
4. resizes an output of the wrong shape (with PyTorch's deprecation warning unless it was
   empty) and writes the result into its memory, bumping its version counter;
5. returns ``out`` itself (for a tuple op, the usual named tuple of the given tensors).

Functions whose result dtype *is* ``out``'s dtype (``sum``, ``cumsum``) pass ``dtype=out.dtype``
to themselves first (:func:`dtype_from_out`); the factories go through :func:`factory_out`.

A resized view gets new memory of its own (PyTorch reuses its storage when it is big enough).
"""

from __future__ import annotations

import warnings

from .._backend import backend_of
from .._device import as_device
from .._size import shape_text
from .._tensor import Tensor, device_mismatch
from ..autograd.grad_mode import GRAD_ENABLED, no_grad


def can_cast(src, dst) -> bool:
    """PyTorch's ``canCast``: never float to integral, nor non-bool to bool."""
    return src.category <= dst.category


# ---------------------------------------------------------------------------- dtype rules
# A rule is called as rule(want, got) with the result's dtype and out's dtype; it raises
# PyTorch's error when ``got`` is not acceptable.


def anything(want, got) -> None:
    """Ops that write any dtype (``bernoulli``)."""


def castable(want, got) -> None:
    """Elementwise (TensorIterator) ops: any dtype the result can be cast to."""
    if not can_cast(want, got):
        raise RuntimeError(
            f"result type {want.legacy_name} can't be cast to the desired output type "
            f"{got.legacy_name}"
        )


def same(want, got) -> None:
    """Elementwise ops that keep their input's dtype (``abs``, ``floor``, ``neg``, ...)."""
    if want is not got:
        raise RuntimeError(f"Found dtype {got.legacy_name} but expected {want.legacy_name}")


def exact(want, got) -> None:
    """Structured kernels (``mm``, ``sort``, ``gather``, ``linalg.*``, ...): the same dtype."""
    if want is not got:
        raise RuntimeError(
            f"Expected out tensor to have dtype {want.cpp_name}, but got {got.cpp_name} instead"
        )


def unless(ok, message, exc=RuntimeError):
    """A rule raising ``exc(message)`` where ``ok(want, got)`` is false.

    ``ok`` is ``"equal"``, ``"castable"``, ``"float"`` (``got`` is a floating type) or a
    function; ``message`` may use ``{want}`` and
    ``{got}`` (Float), ``{want_c}`` and ``{got_c}`` (float) and ``{want_t}`` and ``{got_t}``
    (torch.FloatTensor)."""
    if ok == "equal":
        ok = _equal
    elif ok == "castable":
        ok = can_cast
    elif ok == "float":
        ok = _float_out

    def rule(want, got):
        if not ok(want, got):
            raise exc(
                message.format(
                    want=want.legacy_name,
                    got=got.legacy_name,
                    want_c=want.cpp_name,
                    got_c=got.cpp_name,
                    want_t=_type_text(want),
                    got_t=_type_text(got),
                )
            )

    return rule


def _type_text(d) -> str:
    """The type PyTorch's argument checks print: ``torch.FloatTensor``, but ``CPUBoolType``."""
    if d.name in ("bool", "bfloat16"):
        return f"CPU{d.legacy_name}Type"
    return f"torch.{d.legacy_name}Tensor"


def _equal(want, got):
    return want is got


def _float_out(want, got):
    return got.is_floating_point


def both(*rules):
    """A rule that applies ``rules`` in order."""

    def rule(want, got):
        for r in rules:
            r(want, got)

    return rule


class OutRule:
    """How one function treats ``out=``.

    ``name``: the op PyTorch names in its autograd refusal (default: the function's name).
    ``check``: the dtype rule, or a tuple of rules, one per output of a tuple op.
    ``autograd``: one of :data:`AUTOGRAD`'s modes: ``"refuse"`` (PyTorch's native ops),
    ``"copy"`` (composites), ``"none"`` (the result is never differentiable), or the mixes some
    of PyTorch's composites have (``diag``, ``svd``).
    ``structured``: PyTorch's structured-kernel device message (default: for :func:`exact`).
    ``resize_warning``: False for the few ops that resize ``out`` silently (``addbmm``).
    ``order``: the order PyTorch resizes a tuple op's outputs in (its warnings come in it).
    """

    __slots__ = ("name", "check", "autograd", "structured", "resize_warning", "order")

    def __init__(
        self,
        name=None,
        check=castable,
        *,
        autograd="refuse",
        structured=None,
        resize_warning=True,
        order=None,
    ):
        if autograd not in AUTOGRAD:
            raise ValueError(f"unknown autograd mode {autograd!r}")
        self.name = name
        self.check = check
        self.autograd = autograd
        self.structured = check is exact if structured is None else structured
        self.resize_warning = resize_warning
        self.order = order


AUTOGRAD = {
    # mode: (refuse inputs that require grad, refuse an out that does, copy with autograd)
    "refuse": (True, True, False),
    "copy": (False, False, True),  # copy_ gives out a history, or the leaf error
    "none": (False, False, False),
    "refuse_out": (False, True, True),
    "refuse_inputs": (True, False, True),
}


CAST = OutRule()
SAME = OutRule(check=same)
EXACT = OutRule(check=exact)
COMPOSITE = OutRule(autograd="copy")
NONDIFF = OutRule(autograd="none")
_FACTORY = OutRule(autograd="none", resize_warning=False)  # factories resize out silently


# ---------------------------------------------------------------------------- the helper


def with_out(out, rule, fn, *args, **kwargs):
    """Run ``fn(*args, **kwargs)`` and write its result into ``out`` by PyTorch's rules.

    ``rule`` is an :class:`OutRule`, or just a dtype rule (or a tuple of them, per output)."""
    if not isinstance(rule, OutRule):
        rule = OutRule(check=rule)
    name = rule.name or fn.__name__
    refuse_inputs, refuse_out, copy = AUTOGRAD[rule.autograd]
    if GRAD_ENABLED.get() and (
        (refuse_inputs and _requires_grad(args, kwargs)) or (refuse_out and _requires_grad([out]))
    ):
        raise RuntimeError(
            f"{name}(): functions with out=... arguments don't support automatic "
            "differentiation, but one of the arguments requires grad."
        )
    result = fn(*args, **kwargs)
    if isinstance(result, tuple):
        outs = _out_tuple(out, len(result), name)
        checks = rule.check if isinstance(rule.check, tuple) else (rule.check,) * len(result)
        for r, o, check in zip(result, outs, checks):
            _check(r, o, check, rule.structured)
        for i in rule.order or range(len(result)):
            _write(result[i], outs[i], copy, rule.resize_warning)
        return type(result)(*outs)
    if not isinstance(out, Tensor):
        raise TypeError(f"{name}(): argument 'out' must be Tensor, not {type(out).__name__}")
    _check(result, out, rule.check, rule.structured)
    return _write(result, out, copy, rule.resize_warning)


def dtype_from_out(out, dtype):
    """The dtype an op computes in when ``out`` is given: ``out``'s, which an explicit
    ``dtype`` must equal (``sum``, ``prod``, ``cumsum``)."""
    if not isinstance(out, Tensor):
        raise TypeError(f"argument 'out' must be Tensor, not {type(out).__name__}")
    if dtype is not None and dtype is not out.dtype:
        exact(dtype, out.dtype)
    return out.dtype


def no_out_overload(name, accepted):
    """PyTorch's TypeError for ``out=`` in an overload that has none (``sum(x, out=o)``)."""
    return TypeError(
        f"{name}() received an invalid combination of arguments - out= is only accepted {accepted}"
    )


def factory_out(out, dtype, device, requires_grad, fn, *args, **kwargs):
    """A factory (``zeros``, ``arange``, ``rand``, ...) writing into ``out``: it makes ``out``'s
    dtype on ``out``'s device (an explicit ``dtype`` or ``device`` must match them, PyTorch's
    errors), and ``requires_grad=True`` marks ``out``."""
    if not isinstance(out, Tensor):
        raise TypeError(f"argument 'out' must be Tensor, not {type(out).__name__}")
    if dtype is not None and dtype is not out.dtype:
        raise RuntimeError(
            f"dtype {dtype.legacy_name} does not match dtype of out parameter "
            f"({out.dtype.legacy_name})"
        )
    if device is not None and as_device(device).type != out.device.type:
        raise RuntimeError(
            f"device type {as_device(device).type} does not match device type of out "
            f"parameter ({out.device.type})"
        )
    with_out(out, _FACTORY, fn, *args, dtype=out.dtype, device=out.device, **kwargs)
    if requires_grad:
        out.requires_grad_(True)
    return out


def _requires_grad(args, kwargs=None) -> bool:
    """Whether a tensor among ``args`` and ``kwargs`` (or in a list there) requires grad."""
    for a in (*args, *(kwargs or {}).values()):
        if isinstance(a, Tensor):
            if a.requires_grad:
                return True
        elif isinstance(a, (tuple, list)):
            for t in a:
                if isinstance(t, Tensor) and t.requires_grad:
                    return True
    return False


def _out_tuple(out, n, name):
    if not isinstance(out, (tuple, list)) or not all(isinstance(o, Tensor) for o in out):
        raise TypeError(
            f"{name}(): argument 'out' must be tuple of Tensors, not {type(out).__name__}"
        )
    if len(out) != n:
        raise TypeError(f"{name}(): argument 'out' expected a tuple of {n} Tensors")
    return tuple(out)


def _check(result, out, check, structured) -> None:
    if out.device != result.device:
        if structured:
            raise RuntimeError(
                f"Expected out tensor to have device {result.device}, but got {out.device} instead"
            )
        raise device_mismatch([result, out])
    check(result.dtype, out.dtype)


def _resize(out, shape, warn) -> None:
    """Give ``out`` the result's ``shape`` (new contiguous memory), as ``resize_output``."""
    if warn and out.numel() != 0:
        warnings.warn(
            f"An output with one or more elements was resized since it had shape "
            f"{shape_text(out.shape)}, which does not match the required output shape "
            f"{shape_text(shape)}. This behavior is deprecated, and in a future PyTorch "
            "release outputs will not be resized unless they have zero elements. You can "
            "explicitly reuse an out tensor t by resizing it, inplace, to zero elements with "
            "t.resize_(0).",
            UserWarning,
            stacklevel=4,
        )
    out._data = backend_of(out._data).xp.empty(tuple(shape), dtype=out._data.dtype)
    out._base = None  # the new memory is out's own


def _write(result, out, copy, warn):
    """Write ``result`` into ``out``'s memory (cast to its dtype) and return ``out``."""
    if tuple(out.shape) != tuple(result.shape):
        _resize(out, result.shape, warn)
    if copy and GRAD_ENABLED.get():
        return out.copy_(result)  # autograd's copy_, as in PyTorch's composite ops
    with no_grad():
        out.copy_(result.detach())
    return out
