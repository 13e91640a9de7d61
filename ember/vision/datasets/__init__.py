"""ember.vision.datasets (``torchvision.datasets``): image datasets read from their original files.

Each dataset reads the files torchvision reads, laid out under ``root`` as torchvision lays them
out, and can fetch them (``download=True``) from the same mirrors, checking the same MD5s.
``ember.vision.datasets.utils`` holds the download, checksum and extraction helpers.
"""

from . import utils

__all__ = ["utils"]
