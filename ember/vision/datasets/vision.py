"""``VisionDataset``, base class of the datasets (``torchvision.datasets.vision``)."""

from __future__ import annotations

import os

from ...utils.data import Dataset

__all__ = ["StandardTransform", "VisionDataset"]


class VisionDataset(Dataset):
    """Base class of the image datasets: a root folder and the transforms applied to samples.

    A subclass overrides ``__getitem__`` and ``__len__``. ``transform`` takes a sample (a PIL
    image) and returns a transformed one, ``target_transform`` does the same for the target,
    and ``transforms`` takes and returns both; ``transforms`` and the other two are mutually
    exclusive (given the latter, ``transforms`` becomes a :class:`StandardTransform` of them).
    A ``root`` given as a string has ``~`` expanded; it is shown by ``repr``.
    """

    _repr_indent = 4

    def __init__(self, root=None, transforms=None, transform=None, target_transform=None) -> None:
        if isinstance(root, str):
            root = os.path.expanduser(root)
        self.root = root
        separate = transform is not None or target_transform is not None
        if transforms is not None and separate:
            raise ValueError(
                "Only transforms or transform/target_transform can be passed as argument"
            )
        self.transform = transform
        self.target_transform = target_transform
        if separate:
            transforms = StandardTransform(transform, target_transform)
        self.transforms = transforms

    def __getitem__(self, index: int):
        raise NotImplementedError

    def __len__(self) -> int:
        raise NotImplementedError

    def __repr__(self) -> str:
        body = [f"Number of datapoints: {self.__len__()}"]
        if self.root is not None:
            body.append(f"Root location: {self.root}")
        body += self.extra_repr().splitlines()
        if getattr(self, "transforms", None) is not None:
            body += [repr(self.transforms)]
        pad = " " * self._repr_indent
        return "\n".join([f"Dataset {type(self).__name__}"] + [pad + line for line in body])

    def _format_transform_repr(self, transform, head: str) -> list[str]:
        return _indented(transform, head)

    def extra_repr(self) -> str:
        """Extra lines for ``repr`` (a subclass shows its split here)."""
        return ""


def _indented(transform, head: str) -> list[str]:
    lines = repr(transform).splitlines()
    return [head + lines[0]] + [" " * len(head) + line for line in lines[1:]]


class StandardTransform:
    """Applies ``transform`` to the input and ``target_transform`` to the target (either may be
    None): the ``transforms`` a :class:`VisionDataset` builds from the two."""

    def __init__(self, transform=None, target_transform=None) -> None:
        self.transform = transform
        self.target_transform = target_transform

    def __call__(self, input, target):
        if self.transform is not None:
            input = self.transform(input)
        if self.target_transform is not None:
            target = self.target_transform(target)
        return input, target

    def __repr__(self) -> str:
        body = [type(self).__name__]
        if self.transform is not None:
            body += _indented(self.transform, "Transform: ")
        if self.target_transform is not None:
            body += _indented(self.target_transform, "Target transform: ")
        return "\n".join(body)
