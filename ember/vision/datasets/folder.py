"""Datasets read from a folder of class sub-folders (``torchvision.datasets.folder``).

::

    root/dog/xxx.png
    root/dog/xxy.png
    root/cat/123.png
    root/cat/nsdf3.png

The class names are the sub-folder names, sorted; each class index is its position.
"""

from __future__ import annotations

import os

from ..io._pil import pil_module
from .vision import VisionDataset

__all__ = [
    "IMG_EXTENSIONS",
    "DatasetFolder",
    "ImageFolder",
    "default_loader",
    "find_classes",
    "has_file_allowed_extension",
    "is_image_file",
    "make_dataset",
    "pil_loader",
]

IMG_EXTENSIONS = (".jpg", ".jpeg", ".png", ".ppm", ".bmp", ".pgm", ".tif", ".tiff", ".webp")


def has_file_allowed_extension(filename: str, extensions) -> bool:
    """Whether ``filename`` ends, case-insensitively, with one of ``extensions`` (a string or
    a tuple of lowercase strings)."""
    exts = extensions if isinstance(extensions, str) else tuple(extensions)
    return filename.lower().endswith(exts)


def is_image_file(filename: str) -> bool:
    """Whether ``filename`` has one of :data:`IMG_EXTENSIONS`."""
    return has_file_allowed_extension(filename, IMG_EXTENSIONS)


def find_classes(directory) -> tuple[list[str], dict[str, int]]:
    """The sorted names of the folders inside ``directory``, and ``{name: index}``.

    Raises ``FileNotFoundError`` when there is no folder in it.
    """
    classes = sorted(entry.name for entry in os.scandir(directory) if entry.is_dir())
    if not classes:
        raise FileNotFoundError(f"Couldn't find any class folder in {directory}.")
    return classes, {name: i for i, name in enumerate(classes)}


def make_dataset(
    directory, class_to_idx=None, extensions=None, is_valid_file=None, allow_empty=False
) -> list[tuple[str, int]]:
    """The ``(path, class_index)`` samples under ``directory``, class by class in sorted order,
    each class's files in sorted order (sub-folders followed, links too).

    A file is kept if it has one of ``extensions`` or, instead, if ``is_valid_file(path)`` is
    true; exactly one of the two must be given (``ValueError`` otherwise). ``class_to_idx``
    defaults to :func:`find_classes`. A class without a single file raises
    ``FileNotFoundError`` unless ``allow_empty``.
    """
    directory = os.path.expanduser(os.fspath(directory))
    if class_to_idx is None:
        _, class_to_idx = find_classes(directory)
    elif not class_to_idx:
        raise ValueError("'class_to_index' must have at least one entry to collect any samples.")
    if (extensions is None) == (is_valid_file is None):
        raise ValueError(
            "Both extensions and is_valid_file cannot be None or not None at the same time"
        )
    if extensions is not None:

        def is_valid_file(path: str) -> bool:
            return has_file_allowed_extension(path, extensions)

    instances: list[tuple[str, int]] = []
    found: set[str] = set()
    for target_class in sorted(class_to_idx):
        class_index = class_to_idx[target_class]
        target_dir = os.path.join(directory, target_class)
        if not os.path.isdir(target_dir):
            continue
        for root, _, fnames in sorted(os.walk(target_dir, followlinks=True)):
            for fname in sorted(fnames):
                path = os.path.join(root, fname)
                if is_valid_file(path):
                    instances.append((path, class_index))
                    found.add(target_class)
    empty = set(class_to_idx) - found
    if empty and not allow_empty:
        msg = f"Found no valid file for the classes {', '.join(sorted(empty))}. "
        if extensions is not None:
            listed = extensions if isinstance(extensions, str) else ", ".join(extensions)
            msg += f"Supported extensions are: {listed}"
        raise FileNotFoundError(msg)
    return instances


class DatasetFolder(VisionDataset):
    """Samples stored as ``root/<class>/<file>``, read by ``loader``.

    Args:
        root: the root folder.
        loader: reads one sample given its path.
        extensions: the file extensions to take (lowercase); exclusive with ``is_valid_file``.
        transform: applied to each sample.
        target_transform: applied to each class index.
        is_valid_file: decides from a path whether the file is a sample.
        allow_empty: allow class folders without any sample (else ``FileNotFoundError``).

    Attributes: ``classes`` (sorted class names), ``class_to_idx``, ``samples`` (list of
    ``(path, class_index)``), ``targets`` (the class index of each sample).
    Subclasses may override :meth:`find_classes` and :meth:`make_dataset`.
    """

    def __init__(
        self,
        root,
        loader,
        extensions=None,
        transform=None,
        target_transform=None,
        is_valid_file=None,
        allow_empty: bool = False,
    ) -> None:
        super().__init__(root, transform=transform, target_transform=target_transform)
        classes, class_to_idx = self.find_classes(self.root)
        samples = self.make_dataset(
            self.root,
            class_to_idx=class_to_idx,
            extensions=extensions,
            is_valid_file=is_valid_file,
            allow_empty=allow_empty,
        )
        self.loader = loader
        self.extensions = extensions
        self.classes = classes
        self.class_to_idx = class_to_idx
        self.samples = samples
        self.targets = [s[1] for s in samples]

    @staticmethod
    def make_dataset(
        directory, class_to_idx, extensions=None, is_valid_file=None, allow_empty=False
    ) -> list[tuple[str, int]]:
        """The samples, by :func:`make_dataset` (``class_to_idx`` is required here)."""
        if class_to_idx is None:
            raise ValueError("The class_to_idx parameter cannot be None.")
        return make_dataset(
            directory,
            class_to_idx,
            extensions=extensions,
            is_valid_file=is_valid_file,
            allow_empty=allow_empty,
        )

    def find_classes(self, directory) -> tuple[list[str], dict[str, int]]:
        """The classes, by :func:`find_classes`."""
        return find_classes(directory)

    def __getitem__(self, index: int):
        """``(sample, target)``: the loaded (and transformed) sample and its class index."""
        path, target = self.samples[index]
        sample = self.loader(path)
        if self.transform is not None:
            sample = self.transform(sample)
        if self.target_transform is not None:
            target = self.target_transform(target)
        return sample, target

    def __len__(self) -> int:
        return len(self.samples)


def pil_loader(path):
    """Open the image at ``path`` with Pillow and convert it to RGB."""
    Image = pil_module()
    with open(path, "rb") as f:
        img = Image.open(f)
        return img.convert("RGB")


def default_loader(path):
    """The loader of :class:`ImageFolder`: :func:`pil_loader` (ember reads images with Pillow
    only; see ``ember.vision.get_image_backend``)."""
    return pil_loader(path)


class ImageFolder(DatasetFolder):
    """Images stored as ``root/<class>/<image>`` (any of :data:`IMG_EXTENSIONS`), loaded as
    RGB PIL images by ``loader`` (default :func:`default_loader`).

    Arguments as :class:`DatasetFolder`; ``is_valid_file`` replaces the extension check.
    ``imgs`` is the same list as ``samples``.
    """

    def __init__(
        self,
        root,
        transform=None,
        target_transform=None,
        loader=default_loader,
        is_valid_file=None,
        allow_empty: bool = False,
    ) -> None:
        super().__init__(
            root,
            loader,
            IMG_EXTENSIONS if is_valid_file is None else None,
            transform=transform,
            target_transform=target_transform,
            is_valid_file=is_valid_file,
            allow_empty=allow_empty,
        )
        self.imgs = self.samples
