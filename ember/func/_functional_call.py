"""``functional_call`` and ``stack_module_state`` (torch.func): a module called with tensors
given for its parameters and buffers, and a list of like modules' state stacked for vmap."""

from __future__ import annotations

from .._tensor import Tensor
from ..autograd.grad_mode import no_grad

__all__ = ["functional_call", "stack_module_state"]

_MISSING = object()


def _owner(module, name):
    """``(submodule, attribute)`` that the dotted ``name`` of ``module`` refers to."""
    *path, attr = name.split(".")
    sub = module
    for p in path:
        sub = getattr(sub, p)
    return sub, attr


def _merged(parameter_and_buffer_dicts) -> dict:
    if isinstance(parameter_and_buffer_dicts, dict):
        return dict(parameter_and_buffer_dicts)
    merged: dict = {}
    for d in parameter_and_buffer_dicts:
        repeated = [k for k in d if k in merged]
        if repeated:
            raise ValueError(
                f"{sorted(repeated)} appeared in multiple dictionaries; behavior of functional "
                "call is ambiguous"
            )
        merged.update(d)
    return merged


def _tied_groups(module) -> list:
    """Names (as ``named_parameters`` / ``named_buffers`` give them, duplicates kept) that
    refer to one tensor, in groups of two or more."""
    by_id: dict = {}
    for name, t in module.named_parameters(remove_duplicate=False):
        by_id.setdefault(id(t), []).append(name)
    for name, t in module.named_buffers(remove_duplicate=False):
        by_id.setdefault(id(t), []).append(name)
    return [names for names in by_id.values() if len(names) > 1]


def _with_tied(values: dict, module) -> dict:
    """``values`` extended to every name tied to one it gives (torch's ``tie_weights``)."""
    values = dict(values)
    for group in _tied_groups(module):
        given = [n for n in group if n in values]
        if not given:
            continue
        first = values[given[0]]
        if any(values[n] is not first for n in given[1:]):
            raise ValueError(
                f"functional_call got multiple values for keys {sorted(given)}, which are "
                "tied. Consider using tie_weights=False"
            )
        for n in group:
            values[n] = first
    return values


def _check_strict(module, values: dict):
    expected = [n for n, _ in module.named_parameters(remove_duplicate=False)]
    expected += [n for n, _ in module.named_buffers(remove_duplicate=False)]
    unexpected = [k for k in values if k not in expected]
    missing = [k for k in expected if k not in values]
    if unexpected or missing:
        lines = []
        if unexpected:
            lines.append("Unexpected key(s): " + ", ".join(f"'{k}'" for k in unexpected) + ".")
        if missing:
            lines.append("Missing key(s): " + ", ".join(f"'{k}'" for k in missing) + ".")
        raise RuntimeError(
            f"Error(s) in reparametrizing for {module._get_name()}:\n\t" + "\n\t".join(lines)
        )


class _Swapped:
    """The module's tensors replaced by ``values`` while inside, restored after."""

    def __init__(self, module, values):
        self.module, self.values = module, values
        self.undo: list = []

    def __enter__(self):
        try:
            for name, value in self.values.items():
                sub, attr = _owner(self.module, name)
                d = sub.__dict__
                for store in ("_parameters", "_buffers"):
                    table = d.get(store)
                    if table is not None and attr in table:
                        self.undo.append((table, attr, table[attr]))
                        table[attr] = value
                        break
                else:
                    self.undo.append((sub, attr, d.get(attr, _MISSING)))
                    object.__setattr__(sub, attr, value)
        except BaseException:
            self.__exit__()
            raise
        return self

    def __exit__(self, *exc):
        for target, attr, old in reversed(self.undo):
            if isinstance(target, dict):
                target[attr] = old
            elif old is _MISSING:
                target.__dict__.pop(attr, None)
            else:
                object.__setattr__(target, attr, old)
        self.undo.clear()


def functional_call(
    module,
    parameter_and_buffer_dicts,
    args=None,
    kwargs=None,
    *,
    tie_weights=True,
    strict=False,
):
    """``torch.func.functional_call``: ``module(*args, **kwargs)`` with its parameters and
    buffers replaced by the tensors of ``parameter_and_buffer_dicts`` (a dict, or a sequence of
    dicts with disjoint keys, from dotted names as ``named_parameters`` gives them) for the
    call only. Names not given keep the module's own tensors; ``strict=True`` requires every
    parameter and buffer and nothing else. ``tie_weights``: a value given for one of several
    names of one tensor (tied weights) is used for all of them. ``args`` that is not a tuple
    is the single positional argument.

    With :func:`grad`/:func:`vmap` this makes a model a function of its parameters, e.g.
    per-sample gradients: ``vmap(grad(loss), in_dims=(None, 0, 0))(params, x, y)`` with
    ``loss(params, x, y)`` calling ``functional_call(model, params, (x,))``.

    >>> import ember
    >>> from ember.func import functional_call
    >>> lin = ember.nn.Linear(2, 1)
    >>> params = {"weight": ember.ones(1, 2), "bias": ember.zeros(1)}
    >>> functional_call(lin, params, (ember.tensor([[1.0, 2.0]]),))
    tensor([[3.]])
    """
    values = _merged(parameter_and_buffer_dicts)
    for k in values:
        if not isinstance(k, str):
            raise TypeError(f"functional_call: the keys must be strings, got {type(k)}")
    if tie_weights:
        values = _with_tied(values, module)
    if strict:
        _check_strict(module, values)
    if args is None:
        args = ()
    elif not isinstance(args, tuple):
        args = (args,)
    with _Swapped(module, values):
        return module(*args, **(kwargs or {}))


def stack_module_state(models):
    """``torch.func.stack_module_state``: ``(params, buffers)``, dicts from each name of the
    models' ``named_parameters`` / ``named_buffers`` to their tensors stacked along a new dim
    0, for calling like models at once with ``vmap`` and :func:`functional_call` (model
    ensembling). The stacked parameters are new leaves that require grad as the models' do.

    >>> import ember
    >>> from ember.func import stack_module_state
    >>> params, buffers = stack_module_state([ember.nn.Linear(3, 2) for _ in range(4)])
    >>> params["weight"].shape
    ember.Size([4, 2, 3])
    """
    from .. import stack

    models = list(models)
    if not models:
        raise RuntimeError("stack_module_state: Expected at least one model, got 0.")
    if any(m.training != models[0].training for m in models):
        raise RuntimeError(
            "stack_module_state: Expected all models to have the same training/eval mode."
        )
    if any(type(m) is not type(models[0]) for m in models):
        raise RuntimeError("stack_module_state: Expected all models to be of the same class.")

    def stacked(named):
        out = {}
        tables = [dict(named(m)) for m in models]
        for name, first in named(models[0]):
            tensors = [t[name] for t in tables]
            with no_grad():
                s = stack([t.detach() for t in tensors])
            if isinstance(first, Tensor) and first.requires_grad:
                s.requires_grad_()
            out[name] = s
        return out

    params = stacked(lambda m: list(m.named_parameters()))
    buffers = stacked(lambda m: list(m.named_buffers()))
    return params, buffers
