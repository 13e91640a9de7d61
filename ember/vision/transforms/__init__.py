"""Image transforms, as ``torchvision.transforms`` (the v1 API): the transform classes of
:mod:`.transforms` and :mod:`.autoaugment`, and the functions of :mod:`.functional`.

They work on PIL images (through Pillow, an optional dependency: ``pip install 'ember[vision]'``)
and on tensor images ``(..., C, H, W)`` (through ember's ops)::

    from ember.vision import transforms as T

    train_tf = T.Compose([T.RandomResizedCrop(224), T.RandomHorizontalFlip(), T.ToTensor(),
                          T.Normalize((0.485, 0.456, 0.406), (0.229, 0.224, 0.225))])
"""

from __future__ import annotations

from .autoaugment import *  # noqa: F403
from .autoaugment import __all__ as _autoaugment_all
from .transforms import *  # noqa: F403
from .transforms import __all__ as _transforms_all

__all__ = [*_transforms_all, *_autoaugment_all]
