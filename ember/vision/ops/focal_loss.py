"""Sigmoid focal loss (torchvision.ops.sigmoid_focal_loss), from RetinaNet."""

from __future__ import annotations

from ember.nn import functional as F

__all__ = ["sigmoid_focal_loss"]


def sigmoid_focal_loss(
    inputs, targets, alpha: float = 0.25, gamma: float = 2, reduction: str = "none"
):
    """Loss used in RetinaNet for dense detection (https://arxiv.org/abs/1708.02002).

    ``loss = alpha_t * (1 - p_t) ** gamma * BCE(inputs, targets)`` elementwise, with
    ``p = sigmoid(inputs)``, ``p_t = p * targets + (1 - p) * (1 - targets)`` and
    ``alpha_t = alpha * targets + (1 - alpha) * (1 - targets)``.

    Args:
        inputs (Tensor): a float tensor of arbitrary shape: the predictions (logits) for each
            example.
        targets (Tensor): a float tensor with the same shape as inputs: the binary label of each
            element (0 for the negative class and 1 for the positive class).
        alpha (float): weighting factor in range [0, 1] to balance positive vs negative
            examples, or -1 to ignore. Default: 0.25
        gamma (float): exponent of the modulating factor ``(1 - p_t)`` to balance easy vs hard
            examples. Default: 2
        reduction (str): ``'none'`` | ``'mean'`` | ``'sum'``: no reduction, the mean or the sum
            of the elementwise losses. Default: ``'none'``

    Returns:
        Tensor: the loss, with the reduction applied.

    Example::

        >>> import ember
        >>> from ember.vision.ops import sigmoid_focal_loss
        >>> loss = sigmoid_focal_loss(ember.tensor([0.0, 2.0]), ember.tensor([1.0, 0.0]))
        >>> loss
        tensor([0.0433, 1.2376])
    """
    p = inputs.sigmoid()
    ce_loss = F.binary_cross_entropy_with_logits(inputs, targets, reduction="none")
    p_t = p * targets + (1 - p) * (1 - targets)
    loss = ce_loss * ((1 - p_t) ** gamma)
    if alpha >= 0:
        loss = (alpha * targets + (1 - alpha) * (1 - targets)) * loss
    if reduction == "none":
        return loss
    if reduction == "mean":
        return loss.mean()
    if reduction == "sum":
        return loss.sum()
    raise ValueError(
        f"Invalid Value for arg 'reduction': '{reduction} \n Supported reduction modes: "
        "'none', 'mean', 'sum'"
    )
