"""The layer library (``torch.nn`` modules)."""

from . import container as _container
from . import conv as _conv
from . import linear as _linear
from . import pooling as _pooling
from .container import *
from .conv import *
from .linear import *
from .module import Module
from .pooling import *

__all__ = ["Module", *_container.__all__, *_linear.__all__, *_conv.__all__, *_pooling.__all__]
