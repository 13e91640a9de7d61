"""``FakeData``: random images, the same for the same index (``torchvision.datasets.fakedata``)."""

from __future__ import annotations

import ember

from ..io._pil import tensor_to_pil
from .vision import VisionDataset

__all__ = ["FakeData"]


class FakeData(VisionDataset):
    """A dataset of random PIL images with random integer labels, for trying out a pipeline.

    Sample ``i`` is drawn from the global generator seeded with ``i + random_offset`` (whose
    state is restored afterwards): ``randn(*image_size)`` converted like
    ``transforms.ToPILImage()`` (values times 255, cast to uint8), and
    ``randint(0, num_classes, (1,))``. ember's generator is torch's stream, so the samples
    equal torchvision's.

    Args:
        size: number of samples. Default: 1000.
        image_size: (C, H, W) of each image. Default: (3, 224, 224).
        num_classes: number of classes. Default: 10.
        transform: applied to each PIL image.
        target_transform: applied to each label (a 0-dim int64 tensor); the result's
            ``.item()`` is returned.
        random_offset: added to the index to seed each sample. Default: 0.
    """

    def __init__(
        self,
        size: int = 1000,
        image_size=(3, 224, 224),
        num_classes: int = 10,
        transform=None,
        target_transform=None,
        random_offset: int = 0,
    ) -> None:
        super().__init__(None, transform=transform, target_transform=target_transform)
        self.size = size
        self.num_classes = num_classes
        self.image_size = image_size
        self.random_offset = random_offset

    def __getitem__(self, index: int):
        """``(image, target)``: the PIL image and the class index (an int) of sample ``index``."""
        if index >= len(self):
            raise IndexError(f"{type(self).__name__} index out of range")
        state = ember.get_rng_state()
        try:
            ember.manual_seed(index + self.random_offset)
            img = ember.randn(*self.image_size)
            target = ember.randint(0, self.num_classes, size=(1,), dtype=ember.long)[0]
        finally:
            ember.set_rng_state(state)
        img = tensor_to_pil(img)
        if self.transform is not None:
            img = self.transform(img)
        if self.target_transform is not None:
            target = self.target_transform(target)
        return img, target.item()

    def __len__(self) -> int:
        return self.size
