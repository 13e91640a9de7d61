"""Helpers shared by the model builders (torchvision's ``models._utils``).

``_ovewrite_named_param`` (sic, torchvision's spelling, which other code imports) makes a
builder's ``num_classes`` follow the chosen weights; ``handle_legacy_interface`` keeps the old
``pretrained=True`` calls working with torchvision's deprecation warnings; ``_make_divisible``
rounds channel counts as the MobileNets do; ``_preset`` names a preprocessing transform of
``ember.vision.transforms`` without importing that package until it is built.
"""

from __future__ import annotations

import functools
import importlib
import inspect
import warnings
from collections import OrderedDict
from collections.abc import Callable
from typing import Any

from ember import nn

from ._api import Weights, WeightsEnum

__all__ = [
    "IntermediateLayerGetter",
    "handle_legacy_interface",
    "load_weights",
]


def _make_divisible(v: float, divisor: int, min_value: int | None = None) -> int:
    """Round ``v`` to the nearest multiple of ``divisor`` (at least ``min_value``, default
    ``divisor``), going up one step when rounding would lose more than 10% of ``v``."""
    if min_value is None:
        min_value = divisor
    rounded = max(min_value, int(v + divisor / 2) // divisor * divisor)
    if rounded < 0.9 * v:
        rounded += divisor
    return rounded


def _ovewrite_named_param(kwargs: dict[str, Any], param: str, new_value: Any) -> None:
    """Set ``kwargs[param]`` to ``new_value``; a different value given already is a
    ``ValueError`` (e.g. ``num_classes=10`` with weights trained on 1000 classes)."""
    if param in kwargs:
        if kwargs[param] != new_value:
            raise ValueError(
                f"The parameter '{param}' expected value {new_value} but got {kwargs[param]} "
                "instead."
            )
    else:
        kwargs[param] = new_value


def _ovewrite_value_param(param: str, actual: Any, expected: Any) -> Any:
    """``expected`` if ``actual`` is ``None`` or equal to it, else torchvision's ValueError."""
    if actual is not None and actual != expected:
        raise ValueError(
            f"The parameter '{param}' expected value {expected} but got {actual} instead."
        )
    return expected


def load_weights(model: nn.Module, weights: WeightsEnum | None, progress: bool) -> nn.Module:
    """Load ``weights``' checkpoint (downloaded once, hash checked) into ``model``, strictly."""
    if weights is not None:
        model.load_state_dict(weights.get_state_dict(progress=progress, check_hash=True))
    return model


def _build_preset(name: str, **kwargs: Any):
    try:
        presets = importlib.import_module("ember.vision.transforms._presets")
    except ModuleNotFoundError:
        presets = importlib.import_module("ember.vision.transforms")
    if isinstance(kwargs.get("interpolation"), str):
        modes = importlib.import_module("ember.vision.transforms").InterpolationMode
        kwargs["interpolation"] = modes(kwargs["interpolation"])
    return getattr(presets, name)(**kwargs)


def _preset(name: str, **kwargs: Any) -> functools.partial:
    """A weights' ``transforms``: calling it builds ``ember.vision.transforms``' preset
    ``name`` (e.g. ``ImageClassification``) with ``kwargs``; nothing is imported before. An
    ``interpolation`` given as a string (``"bicubic"``) becomes that ``InterpolationMode``."""
    return functools.partial(_build_preset, name, **kwargs)


def _imagenet_weights(
    url: str,
    *,
    num_params: int,
    acc1: float,
    acc5: float,
    ops: float,
    file_size: float,
    recipe: str,
    crop_size: int = 224,
    resize_size: int = 256,
    interpolation: str = "bilinear",
    min_size: tuple[int, int] = (1, 1),
    **meta: Any,
) -> Weights:
    """The :class:`Weights` of a model trained on ImageNet-1k: its 1000 categories, the
    ``ImageClassification`` preprocessing (``resize_size``, then ``crop_size``), and its metrics."""
    from ._meta import _IMAGENET_CATEGORIES

    kwargs: dict[str, Any] = {"crop_size": crop_size}
    if resize_size != 256:
        kwargs["resize_size"] = resize_size
    if interpolation != "bilinear":
        kwargs["interpolation"] = interpolation
    return Weights(
        url=url,
        transforms=_preset("ImageClassification", **kwargs),
        meta={
            "min_size": min_size,
            "categories": _IMAGENET_CATEGORIES,
            "num_params": num_params,
            "recipe": recipe,
            "_metrics": {"ImageNet-1K": {"acc@1": acc1, "acc@5": acc5}},
            "_ops": ops,
            "_file_size": file_size,
            **meta,
        },
    )


def _quoted(names: tuple[str, ...]) -> str:
    quoted = [f"'{n}'" for n in names]
    if len(quoted) == 1:
        return quoted[0]
    return ", ".join(quoted[:-1]) + ("" if len(quoted) == 2 else ",") + " and " + quoted[-1]


def _positional_as_keywords(fn: Callable) -> Callable:
    """Accept the keyword-only parameters of ``fn`` positionally, with torchvision's
    deprecation warning (the builders took ``pretrained, progress`` positionally before 0.13)."""
    params = inspect.signature(fn).parameters
    kwonly = [n for n, p in params.items() if p.kind is inspect.Parameter.KEYWORD_ONLY]
    n_positional = sum(
        p.kind in (p.POSITIONAL_ONLY, p.POSITIONAL_OR_KEYWORD) for p in params.values()
    )

    @functools.wraps(fn)
    def wrapper(*args: Any, **kwargs: Any):
        args, extra = args[:n_positional], args[n_positional:]
        if extra:
            moved = dict(zip(kwonly, extra))
            warnings.warn(
                f"Using {_quoted(tuple(moved))} as positional parameter(s) is deprecated since "
                "0.13 and may be removed in the future. Please use keyword parameter(s) instead.",
                stacklevel=2,
            )
            kwargs.update(moved)
        return fn(*args, **kwargs)

    return wrapper


def handle_legacy_interface(**weights: tuple[str, Any]) -> Callable[[Callable], Callable]:
    """Decorator: translate the pre-0.13 ``pretrained=`` arguments of a builder into ``weights=``.

    Each keyword names a weights parameter and maps it to ``(legacy name, default)``: with
    ``pretrained=True`` the builder gets ``default`` (a member, or a callable of the keyword
    arguments returning one), with ``pretrained=False`` ``None``; both warn as torchvision does.
    """

    def decorate(builder: Callable) -> Callable:
        @_positional_as_keywords
        @functools.wraps(builder)
        def wrapper(*args: Any, **kwargs: Any):
            for weights_param, (legacy_param, default) in weights.items():
                missing = object()
                given = kwargs.get(weights_param, missing)
                if (
                    (weights_param not in kwargs and legacy_param not in kwargs)
                    or isinstance(given, WeightsEnum)
                    or (isinstance(given, str) and given != "legacy")
                    or given is None
                ):
                    continue
                # A boolean given positionally lands under the new name: it is the old flag.
                positional = given is not missing
                if positional:
                    kwargs[legacy_param] = kwargs.pop(weights_param)
                flag = kwargs[legacy_param]
                if flag:
                    chosen = default(kwargs) if callable(default) else default
                    if not isinstance(chosen, WeightsEnum):
                        raise ValueError(f"No weights available for model {builder.__name__}")
                else:
                    chosen = None
                if not positional:
                    warnings.warn(
                        f"The parameter '{legacy_param}' is deprecated since 0.13 and may be "
                        f"removed in the future, please use '{weights_param}' instead.",
                        stacklevel=2,
                    )
                msg = (
                    f"Arguments other than a weight enum or `None` for '{weights_param}' are "
                    "deprecated since 0.13 and may be removed in the future. The current behavior "
                    f"is equivalent to passing `{weights_param}={chosen}`."
                )
                if flag:
                    msg += (
                        f" You can also use `{weights_param}={type(chosen).__name__}.DEFAULT` to "
                        "get the most up-to-date weights."
                    )
                warnings.warn(msg, stacklevel=2)
                del kwargs[legacy_param]
                kwargs[weights_param] = chosen
            return builder(*args, **kwargs)

        return wrapper

    return decorate


class IntermediateLayerGetter(nn.ModuleDict):
    """Run a model's direct children in order and return the outputs of some of them.

    ``return_layers`` maps child names to the keys of the returned ``OrderedDict``; children
    after the last one asked for are dropped. It assumes the children run in the order they
    were registered, each once (true of ResNet and most backbones).
    """

    def __init__(self, model: nn.Module, return_layers: dict[str, str]) -> None:
        names = [n for n, _ in model.named_children()]
        if not set(return_layers).issubset(names):
            raise ValueError("return_layers are not present in model")
        wanted = {str(k): str(v) for k, v in return_layers.items()}
        remaining = set(wanted)
        layers: OrderedDict[str, nn.Module] = OrderedDict()
        for name, module in model.named_children():
            layers[name] = module
            remaining.discard(name)
            if not remaining:
                break
        super().__init__(layers)
        self.return_layers = dict(return_layers)

    def forward(self, x):
        out = OrderedDict()
        for name, module in self.items():
            x = module(x)
            if name in self.return_layers:
                out[self.return_layers[name]] = x
        return out
