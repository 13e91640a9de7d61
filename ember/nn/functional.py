"""``ember.nn.functional``: the functional forms of the layers, in PyTorch's terms.

This module is the public face only. The functions live by family in ``ember/nn/_functional/``
(activation, loss, loss_margin, padding, conv, pooling, normalization, dropout, embedding,
distance, vision, attention) and are re-exported here, as torch has them all under
``torch.nn.functional``; ``__all__`` is exactly the names of ``torch.nn.functional`` that ember
implements.
"""

from __future__ import annotations

from ._functional import activation as _activation
from ._functional import attention as _attention
from ._functional import conv as _conv
from ._functional import distance as _distance
from ._functional import dropout as _dropout
from ._functional import embedding as _embedding
from ._functional import loss as _loss
from ._functional import loss_margin as _loss_margin
from ._functional import normalization as _normalization
from ._functional import padding as _padding
from ._functional import pooling as _pooling
from ._functional import vision as _vision
from ._functional.activation import *  # noqa: F403
from ._functional.attention import *  # noqa: F403
from ._functional.conv import *  # noqa: F403
from ._functional.distance import *  # noqa: F403
from ._functional.dropout import *  # noqa: F403
from ._functional.embedding import *  # noqa: F403
from ._functional.loss import *  # noqa: F403
from ._functional.loss_margin import *  # noqa: F403
from ._functional.normalization import *  # noqa: F403
from ._functional.padding import *  # noqa: F403
from ._functional.pooling import *  # noqa: F403
from ._functional.vision import *  # noqa: F403
from ._linear_fn import bilinear, linear

__all__ = [
    "linear",
    "bilinear",
    *_activation.__all__,
    *_padding.__all__,
    *_loss.__all__,
    *_loss_margin.__all__,
    *_conv.__all__,
    *_pooling.__all__,
    *_dropout.__all__,
    *_embedding.__all__,
    *_normalization.__all__,
    *_distance.__all__,
    *_vision.__all__,
    *_attention.__all__,
]
