"""ember.vision.datasets (``torchvision.datasets``): image datasets read from their original files.

Each dataset reads the files torchvision reads, laid out under ``root`` as torchvision lays them
out, and can fetch them (``download=True``) from the same mirrors, checking the same MD5s.
``ember.vision.datasets.utils`` holds the download, checksum and extraction helpers, which
``ember.text``'s datasets share. A sample is ``(PIL image, int target)``, as in torchvision.
"""

from . import utils
from .cifar import CIFAR10, CIFAR100
from .fakedata import FakeData
from .folder import DatasetFolder, ImageFolder
from .mnist import EMNIST, KMNIST, MNIST, QMNIST, FashionMNIST
from .svhn import SVHN
from .vision import VisionDataset

__all__ = [
    "CIFAR10",
    "CIFAR100",
    "EMNIST",
    "KMNIST",
    "MNIST",
    "QMNIST",
    "SVHN",
    "DatasetFolder",
    "FakeData",
    "FashionMNIST",
    "ImageFolder",
    "VisionDataset",
]
