"""The layer functions torch also exposes at its top level (``torch.conv2d``, ``torch.dropout``,
``torch.layer_norm``, ``torch.kl_div``, ...), with the signatures of those ATen entry points:
positional flags where ``torch.nn.functional`` has keywords, ``reduction`` as an int (0 none,
the default as torch's bindings have it; 1 mean; 2 sum), and ``torch.embedding(weight,
indices)``'s argument order. Each maps onto the ``ember.nn.functional`` form; where the
signatures agree the very function is re-exported. ``ember/__init__.py`` star-imports this
module (``ember.nn.functional`` does not)."""

from __future__ import annotations

from .. import _linear_fn
from . import dropout as _dropout
from .conv import conv1d, conv2d, conv3d, conv_transpose1d, conv_transpose2d, conv_transpose3d
from .embedding import embedding as _f_embedding
from .loss import binary_cross_entropy_with_logits as _f_bce_logits
from .loss import ctc_loss as _f_ctc_loss
from .loss import kl_div as _f_kl_div
from .loss import poisson_nll_loss as _f_poisson_nll_loss
from .loss_margin import cosine_embedding_loss as _f_cosine_embedding_loss
from .loss_margin import hinge_embedding_loss as _f_hinge_embedding_loss
from .loss_margin import margin_ranking_loss as _f_margin_ranking_loss
from .loss_margin import triplet_margin_loss as _f_triplet_margin_loss
from .normalization import batch_norm as _f_batch_norm
from .normalization import group_norm as _f_group_norm
from .normalization import instance_norm as _f_instance_norm
from .normalization import layer_norm as _f_layer_norm
from .normalization import rms_norm as _f_rms_norm
from .padding import pad as _f_pad
from .pooling import adaptive_avg_pool1d, avg_pool1d
from .pooling import adaptive_max_pool1d as _f_adaptive_max_pool1d
from .pooling import max_pool1d as _f_max_pool1d
from .pooling import max_pool2d as _f_max_pool2d
from .pooling import max_pool3d as _f_max_pool3d
from .vision import channel_shuffle, pixel_shuffle, pixel_unshuffle

bilinear = _linear_fn.bilinear

__all__ = [
    "conv1d",
    "conv2d",
    "conv3d",
    "conv_transpose1d",
    "conv_transpose2d",
    "conv_transpose3d",
    "convolution",
    "avg_pool1d",
    "adaptive_avg_pool1d",
    "adaptive_max_pool1d",
    "max_pool1d",
    "max_pool2d",
    "max_pool3d",
    "max_pool1d_with_indices",
    "batch_norm",
    "layer_norm",
    "group_norm",
    "instance_norm",
    "rms_norm",
    "dropout",
    "dropout_",
    "alpha_dropout",
    "alpha_dropout_",
    "feature_dropout",
    "feature_dropout_",
    "feature_alpha_dropout",
    "feature_alpha_dropout_",
    "bilinear",
    "pixel_shuffle",
    "pixel_unshuffle",
    "channel_shuffle",
    "embedding",
    "constant_pad_nd",
    "kl_div",
    "ctc_loss",
    "binary_cross_entropy_with_logits",
    "poisson_nll_loss",
    "cosine_embedding_loss",
    "hinge_embedding_loss",
    "margin_ranking_loss",
    "triplet_margin_loss",
]

_REDUCTIONS = {0: "none", 1: "mean", 2: "sum"}


def _reduction(value):
    """ATen's reduction enum (an int) as ``torch.nn.functional``'s string."""
    if isinstance(value, str):
        return value
    if value not in _REDUCTIONS:
        raise ValueError(f"{value} is not a valid value for reduction")
    return _REDUCTIONS[value]


# ---------------------------------------------------------------- convolution and pooling
def convolution(input, weight, bias, stride, padding, dilation, transposed, output_padding, groups):  # noqa: A002
    """ATen's generic convolution: ``conv{1,2,3}d`` or, with ``transposed``,
    ``conv_transpose{1,2,3}d``, by the number of spatial dims of ``weight``."""
    dims = weight.ndim - 2
    if transposed:
        fn = (conv_transpose1d, conv_transpose2d, conv_transpose3d)[dims - 1]
        return fn(input, weight, bias, stride, padding, output_padding, groups, dilation)
    fn = (conv1d, conv2d, conv3d)[dims - 1]
    return fn(input, weight, bias, stride, padding, dilation, groups)


def max_pool1d(input, kernel_size, stride=(), padding=0, dilation=1, ceil_mode=False):  # noqa: A002
    """1-d max pooling (values only)."""
    return _f_max_pool1d(input, kernel_size, stride or None, padding, dilation, ceil_mode)


def max_pool2d(input, kernel_size, stride=(), padding=0, dilation=1, ceil_mode=False):  # noqa: A002
    """2-d max pooling (values only)."""
    return _f_max_pool2d(input, kernel_size, stride or None, padding, dilation, ceil_mode)


def max_pool3d(input, kernel_size, stride=(), padding=0, dilation=1, ceil_mode=False):  # noqa: A002
    """3-d max pooling (values only)."""
    return _f_max_pool3d(input, kernel_size, stride or None, padding, dilation, ceil_mode)


def max_pool1d_with_indices(input, kernel_size, stride=(), padding=0, dilation=1, ceil_mode=False):  # noqa: A002
    """1-d max pooling: ``(values, indices)``."""
    return _f_max_pool1d(
        input, kernel_size, stride or None, padding, dilation, ceil_mode, return_indices=True
    )


def adaptive_max_pool1d(input, output_size):  # noqa: A002
    """1-d adaptive max pooling: ``(values, indices)`` (always both, as ATen's)."""
    return _f_adaptive_max_pool1d(input, output_size, return_indices=True)


# ---------------------------------------------------------------- normalization
def batch_norm(
    input, weight, bias, running_mean, running_var, training, momentum, eps, cudnn_enabled
):  # noqa: A002
    """Batch normalization, ATen's argument order (``cudnn_enabled`` is accepted and unused)."""
    return _f_batch_norm(input, running_mean, running_var, weight, bias, training, momentum, eps)


def layer_norm(input, normalized_shape, weight=None, bias=None, eps=1e-05, cudnn_enable=True):  # noqa: A002
    """Layer normalization (``cudnn_enable`` is accepted and unused)."""
    return _f_layer_norm(input, normalized_shape, weight, bias, eps)


def group_norm(input, num_groups, weight=None, bias=None, eps=1e-05, cudnn_enabled=True):  # noqa: A002
    """Group normalization (``cudnn_enabled`` is accepted and unused)."""
    return _f_group_norm(input, num_groups, weight, bias, eps)


def instance_norm(
    input,
    weight,
    bias,
    running_mean,
    running_var,
    use_input_stats,
    momentum,
    eps,
    cudnn_enabled,  # noqa: A002
):
    """Instance normalization, ATen's argument order."""
    return _f_instance_norm(
        input, running_mean, running_var, weight, bias, use_input_stats, momentum, eps
    )


def rms_norm(input, normalized_shape, weight=None, eps=None):  # noqa: A002
    """Root-mean-square normalization over the last ``len(normalized_shape)`` dims."""
    return _f_rms_norm(input, normalized_shape, weight, eps)


# ---------------------------------------------------------------- dropout
def dropout(input, p, train):  # noqa: A002
    """Dropout with positional ``p`` and ``train``."""
    return _dropout.dropout(input, p, train)


def dropout_(input, p, train):  # noqa: A002
    """In-place :func:`dropout`."""
    return _dropout.dropout(input, p, train, inplace=True)


def alpha_dropout(input, p, train):  # noqa: A002
    """Alpha dropout (keeps SELU's mean and variance)."""
    return _dropout.alpha_dropout(input, p, train)


def alpha_dropout_(input, p, train):  # noqa: A002
    """In-place :func:`alpha_dropout`."""
    return _dropout.alpha_dropout(input, p, train, inplace=True)


def _feature(input, p, train, inplace):  # noqa: A002
    if input.ndim == 2:
        return _dropout.dropout(input, p, train, inplace)
    fn = {3: _dropout.dropout1d, 4: _dropout.dropout2d, 5: _dropout.dropout3d}.get(input.ndim)
    if fn is None:
        raise RuntimeError(
            f"Feature dropout requires at least 2 dimensions in the input, got {input.ndim}"
        )
    return fn(input, p, train, inplace)


def feature_dropout(input, p, train):  # noqa: A002
    """Dropout of whole channels (dim 1) of a (N, C, ...) tensor."""
    return _feature(input, p, train, False)


def feature_dropout_(input, p, train):  # noqa: A002
    """In-place :func:`feature_dropout`."""
    return _feature(input, p, train, True)


def feature_alpha_dropout(input, p, train):  # noqa: A002
    """Alpha dropout of whole channels."""
    return _dropout.feature_alpha_dropout(input, p, train)


def feature_alpha_dropout_(input, p, train):  # noqa: A002
    """In-place :func:`feature_alpha_dropout`."""
    return _dropout.feature_alpha_dropout(input, p, train, inplace=True)


# ---------------------------------------------------------------- embedding, padding
def embedding(weight, indices, padding_idx=-1, scale_grad_by_freq=False, sparse=False):
    """The rows of ``weight`` picked by ``indices`` (ATen's order: weight first;
    ``padding_idx=-1`` for none)."""
    return _f_embedding(
        indices,
        weight,
        padding_idx=None if padding_idx == -1 else padding_idx,
        scale_grad_by_freq=scale_grad_by_freq,
        sparse=sparse,
    )


def constant_pad_nd(input, pad, value=0):  # noqa: A002
    """Constant padding (``pad`` as :func:`ember.nn.functional.pad` takes it)."""
    return _f_pad(input, pad, "constant", value)


# ---------------------------------------------------------------- losses (int reductions)
def kl_div(input, target, reduction=0, log_target=False):  # noqa: A002
    """The KL divergence loss, ``reduction`` an int (1: the mean over all elements, without
    ``nn.functional.kl_div``'s warning about 'batchmean')."""
    mode = _reduction(reduction)
    loss = _f_kl_div(
        input, target, reduction="none" if mode == "mean" else mode, log_target=log_target
    )
    return loss.mean() if mode == "mean" else loss


def ctc_loss(
    log_probs, targets, input_lengths, target_lengths, blank=0, reduction=0, zero_infinity=False
):
    """The CTC loss, ``reduction`` an int."""
    return _f_ctc_loss(
        log_probs,
        targets,
        input_lengths,
        target_lengths,
        blank=blank,
        reduction=_reduction(reduction),
        zero_infinity=zero_infinity,
    )


def binary_cross_entropy_with_logits(input, target, weight=None, pos_weight=None, reduction=0):  # noqa: A002
    """Binary cross-entropy on logits, ``reduction`` an int."""
    return _f_bce_logits(
        input, target, weight, reduction=_reduction(reduction), pos_weight=pos_weight
    )


def poisson_nll_loss(input, target, log_input, full, eps, reduction):  # noqa: A002
    """The Poisson negative log-likelihood loss, all arguments positional."""
    return _f_poisson_nll_loss(
        input, target, log_input, full, eps=eps, reduction=_reduction(reduction)
    )


def cosine_embedding_loss(input1, input2, target, margin=0.0, reduction=0):
    """The cosine embedding loss, ``reduction`` an int."""
    return _f_cosine_embedding_loss(
        input1, input2, target, margin=margin, reduction=_reduction(reduction)
    )


def hinge_embedding_loss(input, target, margin=1.0, reduction=0):  # noqa: A002
    """The hinge embedding loss, ``reduction`` an int."""
    return _f_hinge_embedding_loss(input, target, margin=margin, reduction=_reduction(reduction))


def margin_ranking_loss(input1, input2, target, margin=0.0, reduction=0):
    """The margin ranking loss, ``reduction`` an int."""
    return _f_margin_ranking_loss(
        input1, input2, target, margin=margin, reduction=_reduction(reduction)
    )


def triplet_margin_loss(
    anchor, positive, negative, margin=1.0, p=2, eps=1e-06, swap=False, reduction=0
):
    """The triplet margin loss, ``reduction`` an int."""
    return _f_triplet_margin_loss(
        anchor,
        positive,
        negative,
        margin=margin,
        p=p,
        eps=eps,
        swap=swap,
        reduction=_reduction(reduction),
    )
