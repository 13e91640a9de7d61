"""The model registry and the weights API of ``ember.vision.models`` (torchvision's ``_api``).

Every model builder is registered under its name with :func:`register_model`; :func:`list_models`,
:func:`get_model_builder` and :func:`get_model` find it by that name. Each builder takes
``weights=`` (a member of its :class:`WeightsEnum`, the member's name as a string, or ``None``);
:func:`get_model_weights` reads that enum from the builder's annotation and :func:`get_weight`
finds a member by its full name, e.g. ``"ResNet50_Weights.IMAGENET1K_V1"``.
"""

from __future__ import annotations

import fnmatch
import importlib
import inspect
import sys
import typing
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from enum import Enum
from functools import partial
from types import ModuleType
from typing import Any

__all__ = [
    "Weights",
    "WeightsEnum",
    "get_model",
    "get_model_builder",
    "get_model_weights",
    "get_weight",
    "list_models",
    "register_model",
]


@dataclass
class Weights:
    """What one set of pre-trained weights is: where it lives, how to feed it, what it knows.

    Args:
        url (str): where the checkpoint is downloaded from (``ember.hub`` caches it).
        transforms (Callable): called with no arguments, builds the preprocessing the weights
            expect (e.g. ``ImageClassification(crop_size=224)``); built only when asked for.
        meta (dict): facts about the weights: ``categories`` (the class names, whose number
            fixes ``num_classes``), ``num_params``, ``min_size``, ``recipe``, ``_metrics``, ...
    """

    url: str
    transforms: Callable
    meta: dict[str, Any]

    def __eq__(self, other: Any) -> bool:
        # Equal by content, so a member survives copy.deepcopy and pickling (an Enum looks its
        # value up among the members, and two equal partials do not compare equal by default).
        if not isinstance(other, Weights):
            return NotImplemented
        if self.url != other.url or self.meta != other.meta:
            return False
        a, b = self.transforms, other.transforms
        if isinstance(a, partial) and isinstance(b, partial):
            return (a.func, a.args, a.keywords) == (b.func, b.args, b.keywords)
        return a == b


class WeightsEnum(Enum):
    """The base class of every model's weights enum (``ResNet50_Weights`` and the others).

    Each member's value is a :class:`Weights`; ``member.url``, ``member.transforms`` and
    ``member.meta`` read it directly, and ``DEFAULT`` is an alias of the recommended member.
    """

    @classmethod
    def verify(cls, obj: Any) -> Any:
        """Turn ``obj`` into a member of this enum: ``None`` stays ``None``, a member's name
        (``"IMAGENET1K_V1"`` or ``"ResNet50_Weights.IMAGENET1K_V1"``) becomes the member, and
        anything that is not a member raises ``TypeError``."""
        if obj is None:
            return None
        if type(obj) is str:
            return cls[obj.replace(cls.__name__ + ".", "")]
        if not isinstance(obj, cls):
            raise TypeError(
                f"Invalid Weight class provided; expected {cls.__name__} "
                f"but received {obj.__class__.__name__}."
            )
        return obj

    def get_state_dict(self, *args: Any, **kwargs: Any) -> Mapping[str, Any]:
        """Download (once) and load the checkpoint: ``ember.hub.load_state_dict_from_url(url,
        ...)`` with the given arguments (``progress=``, ``check_hash=``, ``model_dir=``, ...)."""
        from ember.hub import load_state_dict_from_url

        return load_state_dict_from_url(self.url, *args, **kwargs)

    def __repr__(self) -> str:
        return f"{self.__class__.__name__}.{self._name_}"

    @property
    def url(self) -> str:
        """The checkpoint's URL."""
        return self.value.url

    @property
    def transforms(self) -> Callable:
        """Builds the preprocessing these weights expect: ``weights.transforms()``."""
        return self.value.transforms

    @property
    def meta(self) -> dict[str, Any]:
        """The weights' metadata (``categories``, ``num_params``, ``_metrics``, ...)."""
        return self.value.meta


def get_weight(name: str) -> WeightsEnum:
    """The weights member called ``name`` in full, e.g. ``"ResNet50_Weights.IMAGENET1K_V1"``.

    The enum is looked up in ``ember.vision.models`` and its sub-packages; raises ``ValueError``
    for a name without exactly one dot or an enum that does not exist, ``KeyError`` for an
    unknown member.
    """
    try:
        enum_name, value_name = name.split(".")
    except ValueError:
        raise ValueError(f"Invalid weight name provided: '{name}'.") from None
    base = importlib.import_module(__name__.rsplit(".", 1)[0])
    modules = [base] + [
        m
        for _, m in inspect.getmembers(base, inspect.ismodule)
        if getattr(m, "__file__", None) and m.__file__.endswith("__init__.py")
    ]
    for m in modules:
        candidate = m.__dict__.get(enum_name)
        if isinstance(candidate, type) and issubclass(candidate, WeightsEnum):
            return candidate[value_name]
    raise ValueError(
        f"The weight enum '{enum_name}' for the specific method couldn't be retrieved."
    )


def get_model_weights(name: Callable | str) -> type[WeightsEnum]:
    """The weights enum class of a model, given its builder or its registered name."""
    builder = get_model_builder(name) if isinstance(name, str) else name
    return _enum_of_builder(builder)


def _enum_of_builder(fn: Callable) -> type[WeightsEnum]:
    """Read the WeightsEnum class from the annotation of ``fn``'s ``weights`` parameter."""
    params = inspect.signature(fn).parameters
    if "weights" not in params:
        raise ValueError("The method is missing the 'weights' argument.")
    ann = params["weights"].annotation
    if isinstance(ann, str):  # postponed annotations: evaluate in the builder's module
        ann = typing.get_type_hints(fn).get("weights", ann)
    candidates = [ann] if isinstance(ann, type) else list(typing.get_args(ann))
    for t in candidates:
        if isinstance(t, type) and issubclass(t, WeightsEnum):
            return t
    raise ValueError(
        "The WeightsEnum class for the specific method couldn't be retrieved. "
        "Make sure the typing info is correct."
    )


BUILTIN_MODELS: dict[str, Callable] = {}


def register_model(name: str | None = None) -> Callable[[Callable], Callable]:
    """Decorator: register a model builder under ``name`` (default: the function's name).

    A name registered twice raises ``ValueError``.
    """

    def wrapper(fn: Callable) -> Callable:
        key = fn.__name__ if name is None else name
        if key in BUILTIN_MODELS:
            raise ValueError(f"An entry is already registered under the name '{key}'.")
        BUILTIN_MODELS[key] = fn
        return fn

    return wrapper


def list_models(
    module: ModuleType | None = None,
    include: Iterable[str] | str | None = None,
    exclude: Iterable[str] | str | None = None,
) -> list[str]:
    """The sorted names of the registered models.

    Args:
        module (ModuleType, optional): only the models defined directly in this package (e.g.
            ``ember.vision.models``; its sub-packages are separate).
        include (str or Iterable[str], optional): shell-style patterns (``fnmatch``); a model is
            kept if any pattern matches. Default: all.
        exclude (str or Iterable[str], optional): patterns applied after ``include``; a model
            matching any of them is removed.

    Example::

        from ember.vision import models

        models.list_models(include="resnet1*")  # ['resnet101', 'resnet152', 'resnet18']
    """
    _load_builtin_models()
    every = {
        k
        for k, fn in BUILTIN_MODELS.items()
        if module is None or fn.__module__.rsplit(".", 1)[0] == module.__name__
    }
    if include:
        patterns = [include] if isinstance(include, str) else include
        chosen: set[str] = set()
        for pattern in patterns:
            chosen |= set(fnmatch.filter(every, pattern))
    else:
        chosen = every
    if exclude:
        for pattern in [exclude] if isinstance(exclude, str) else exclude:
            chosen -= set(fnmatch.filter(every, pattern))
    return sorted(chosen)


def get_model_builder(name: str) -> Callable:
    """The builder function registered under ``name`` (case-insensitive); ``ValueError`` if
    there is none."""
    _load_builtin_models()
    name = name.lower()
    try:
        return BUILTIN_MODELS[name]
    except KeyError:
        raise ValueError(f"Unknown model {name}") from None


def get_model(name: str, **config: Any):
    """Build the model registered under ``name``: ``get_model_builder(name)(**config)``.

    Example::

        from ember.vision import models

        net = models.get_model("squeezenet1_1", num_classes=10)
    """
    return get_model_builder(name)(**config)


def _load_builtin_models() -> None:
    # The builders register themselves when their modules are imported; importing the package
    # imports them all, so a registry reached through ``_api`` alone still sees every model.
    if "ember.vision.models" not in sys.modules:
        importlib.import_module("ember.vision.models")
