"""Argument checks and input formatting shared by the classification metrics.

torchmetrics' conventions: a float ``preds`` tensor holds scores. For binary and multilabel tasks,
scores outside ``[0, 1]`` are taken as logits and get a sigmoid; a threshold then turns
probabilities into labels. For multiclass tasks, scores of shape ``(N, C, ...)`` are argmax'ed
(or, for the ranking metrics, softmax'ed when they are not probabilities). Integer ``preds`` are
labels. Extra dimensions ``...`` are flattened into the sample axis (``multidim_average="global"``)
or kept per sample (``"samplewise"``). A ``target`` equal to ``ignore_index`` drops that element.
"""

from __future__ import annotations

import ember

TASKS = ("binary", "multiclass", "multilabel")
AVERAGES = ("micro", "macro", "weighted", "none", None)
MULTIDIM_AVERAGES = ("global", "samplewise")


# ---------------------------------------------------------------------------- argument checks
def check_task(task, allowed=TASKS) -> None:
    """Raise torchmetrics' ValueError for an unknown ``task``."""
    if task not in allowed:
        raise ValueError(f"Invalid Classification: expected one of {allowed}, but got {task}.")


def check_int_arg(name: str, value) -> None:
    """``num_classes`` / ``num_labels`` given to a task wrapper must be an int."""
    if not isinstance(value, int) or isinstance(value, bool):
        raise ValueError(f"`{name}` is expected to be `int` but `{type(value)} was passed.`")


def check_threshold(threshold) -> None:
    """``threshold`` must be a float in ``[0, 1]``."""
    if not (isinstance(threshold, float) and 0 <= threshold <= 1):
        raise ValueError(
            f"Expected argument `threshold` to be a float in the [0,1] range, but got {threshold}."
        )


def check_ignore_index(ignore_index) -> None:
    """``ignore_index`` must be None or an int."""
    if ignore_index is not None and not isinstance(ignore_index, int):
        raise ValueError(
            "Expected argument `ignore_index` to either be `None` or an integer, "
            f"but got {ignore_index}"
        )


def check_average(average, allowed=AVERAGES) -> None:
    """``average`` must be one of ``allowed``."""
    if average not in allowed:
        raise ValueError(f"Expected argument `average` to be one of {allowed}, but got {average}")


def check_multidim_average(multidim_average) -> None:
    """``multidim_average`` must be "global" or "samplewise"."""
    if multidim_average not in MULTIDIM_AVERAGES:
        raise ValueError(
            f"Expected argument `multidim_average` to be one of {MULTIDIM_AVERAGES}, "
            f"but got {multidim_average}"
        )


def check_num(name: str, value) -> None:
    """``num_classes`` / ``num_labels`` must be an int larger than 1."""
    if not isinstance(value, int) or isinstance(value, bool) or value < 2:
        raise ValueError(
            f"Expected argument `{name}` to be an integer larger than 1, but got {value}"
        )


def check_normalize(normalize) -> None:
    """``normalize`` of a confusion matrix must be "true", "pred", "all", "none" or None."""
    allowed = ("true", "pred", "all", "none", None)
    if normalize not in allowed:
        raise ValueError(
            f"Expected argument `normalize` to be one of {allowed}, but got {normalize}"
        )


def binary_args(threshold, multidim_average="global", ignore_index=None) -> None:
    """Validate the non-tensor arguments of a binary metric."""
    check_threshold(threshold)
    check_multidim_average(multidim_average)
    check_ignore_index(ignore_index)


def multiclass_args(
    num_classes, top_k=1, average="macro", multidim_average="global", ignore_index=None
) -> None:
    """Validate the non-tensor arguments of a multiclass metric."""
    check_num("num_classes", num_classes)
    if not isinstance(top_k, int) or top_k < 1:
        raise ValueError(
            f"Expected argument `top_k` to be an integer larger than or equal to 1, but got {top_k}"
        )
    if top_k > num_classes:
        raise ValueError(
            "Expected argument `top_k` to be smaller or equal to `num_classes` but got "
            f"{top_k} and {num_classes}"
        )
    check_average(average)
    check_multidim_average(multidim_average)
    check_ignore_index(ignore_index)


def multilabel_args(
    num_labels, threshold=0.5, average="macro", multidim_average="global", ignore_index=None
) -> None:
    """Validate the non-tensor arguments of a multilabel metric."""
    check_num("num_labels", num_labels)
    check_threshold(threshold)
    check_average(average)
    check_multidim_average(multidim_average)
    check_ignore_index(ignore_index)


# ---------------------------------------------------------------------------- tensor checks
def check_same_shape(preds, target) -> None:
    """Raise torchmetrics' RuntimeError unless ``preds`` and ``target`` have the same shape."""
    if preds.shape != target.shape:
        raise RuntimeError(
            "Predictions and targets are expected to have the same shape, but got "
            f"{tuple(preds.shape)} and {tuple(target.shape)}."
        )


def _check_values(t, name: str, allowed_hi: int, ignore_index, what: str) -> None:
    """Every value of ``t`` must lie in ``{0, ..., allowed_hi}`` or equal ``ignore_index``."""
    if t.is_floating_point():
        ok = (t == t.round()) & (t >= 0) & (t <= allowed_hi)
    else:
        ok = (t >= 0) & (t <= allowed_hi)
    if ignore_index is not None:
        ok = ok | (t == ignore_index)
    if not bool(ok.all()):
        found = ember.unique(t[~ok]).tolist()
        extra = "" if ignore_index is None else f" or the `ignore_index` {ignore_index}"
        raise RuntimeError(
            f"Detected the following values in `{name}`: {found} but expected only {what}{extra}."
        )


def check_binary_target(target, ignore_index=None) -> None:
    """``target`` must hold only 0, 1 (or ``ignore_index``)."""
    _check_values(target, "target", 1, ignore_index, "the values [0, 1]")


def check_label_preds(preds) -> None:
    """Non-float binary/multilabel ``preds`` are labels: only 0 and 1 are allowed."""
    if not preds.is_floating_point():
        _check_values(preds, "preds", 1, None, "the values [0, 1] since `preds` is a label tensor")


def check_float_preds(preds) -> None:
    """Ranking metrics (curves, AUROC, AP) need float scores."""
    if not preds.is_floating_point():
        raise ValueError(
            "Expected argument `preds` to be an floating tensor with probability/logit scores, "
            f"but got tensor with dtype {preds.dtype}"
        )


def binary_tensors(preds, target, multidim_average="global", ignore_index=None) -> None:
    """Validate the tensors of a binary metric."""
    check_same_shape(preds, target)
    check_binary_target(target, ignore_index)
    check_label_preds(preds)
    if multidim_average != "global" and preds.ndim < 2:
        raise ValueError(
            "Expected input to be atleast 2D when multidim_average is set to `samplewise`"
        )


def multilabel_tensors(
    preds, target, num_labels, multidim_average="global", ignore_index=None
) -> None:
    """Validate the tensors of a multilabel metric (shape ``(N, L, ...)``)."""
    check_same_shape(preds, target)
    if preds.ndim < 2 or preds.shape[1] != num_labels:
        got = preds.shape[1] if preds.ndim >= 2 else None
        raise ValueError(
            "Expected both `target.shape[1]` and `preds.shape[1]` to be equal to the number of "
            f"labels but got {got} and expected {num_labels}"
        )
    check_binary_target(target, ignore_index)
    check_label_preds(preds)
    if multidim_average != "global" and preds.ndim < 3:
        raise ValueError(
            "Expected input to be atleast 3D when multidim_average is set to `samplewise`"
        )


def multiclass_tensors(
    preds, target, num_classes, multidim_average="global", ignore_index=None, top_k=1
) -> None:
    """Validate the tensors of a multiclass metric: labels ``(N, ...)`` or scores
    ``(N, C, ...)``."""
    if preds.ndim == target.ndim + 1:
        if not preds.is_floating_point():
            raise ValueError(
                "If `preds` have one dimension more than `target`, `preds` should be a float "
                "tensor."
            )
        if preds.shape[1] != num_classes:
            raise ValueError(
                "If `preds` have one dimension more than `target`, `preds.shape[1]` should be "
                f"equal to number of classes, but got {preds.shape[1]} and {num_classes}."
            )
        if preds.shape[2:] != target.shape[1:]:
            raise ValueError(
                "If `preds` have one dimension more than `target`, the shape of `preds` should be "
                "(N, C, ...), and the shape of `target` should be (N, ...), but got "
                f"{tuple(preds.shape)} and {tuple(target.shape)}."
            )
        if multidim_average != "global" and preds.ndim < 3:
            raise ValueError(
                "If `preds` have one dimension more than `target`, the shape of `preds` should be "
                "atleast 3D when multidim_average is set to `samplewise`"
            )
    elif preds.ndim == target.ndim:
        if preds.shape != target.shape:
            raise ValueError(
                "The `preds` and `target` should have the same shape, got `preds` with shape="
                f"{tuple(preds.shape)} and `target` with shape={tuple(target.shape)}."
            )
        if top_k > 1:
            raise ValueError(
                "Expected `preds` to be a float tensor of shape (N, C, ...) with probabilities or "
                "logits when `top_k` > 1"
            )
        if multidim_average != "global" and preds.ndim < 2:
            raise ValueError(
                "When `preds` and `target` have the same shape, the shape of `preds` should be "
                "atleast 2D when multidim_average is set to `samplewise`"
            )
        _check_values(
            preds,
            "preds",
            num_classes - 1,
            None,
            f"the classes [0, {num_classes - 1}] since `preds` is a label tensor",
        )
    else:
        raise ValueError(
            "Either `preds` and `target` both should have the (same) shape (N, ...), or `target` "
            f"should be (N, ...) and `preds` should be (N, C, ...), but got {tuple(preds.shape)} "
            f"and {tuple(target.shape)}."
        )
    _check_values(
        target, "target", num_classes - 1, ignore_index, f"the classes [0, {num_classes - 1}]"
    )


# ---------------------------------------------------------------------------- formatting
def is_probability(preds) -> bool:
    """Whether every score lies in ``[0, 1]`` (otherwise torchmetrics treats them as logits)."""
    return bool(((preds >= 0) & (preds <= 1)).all())


def sigmoid_if_logits(preds):
    """``preds`` unchanged when they are probabilities, else their sigmoid."""
    return preds if is_probability(preds) else preds.sigmoid()


def softmax_if_logits(preds, dim: int = 1):
    """``preds`` unchanged when they are probabilities, else their softmax over ``dim``."""
    return preds if is_probability(preds) else preds.softmax(dim)


def threshold_labels(preds, threshold: float):
    """Boolean positive predictions: float scores (sigmoid'ed if logits) ``> threshold``, or
    integer/bool labels equal to 1."""
    if preds.is_floating_point():
        return sigmoid_if_logits(preds) > threshold
    return preds == 1


def binary_masks(target, ignore_index=None):
    """Boolean masks of the positive and negative targets that are not ignored."""
    pos = target == 1
    neg = target == 0
    if ignore_index is not None:
        keep = target != ignore_index
        pos = pos & keep
        neg = neg & keep
    return pos, neg
