"""The layer library (``torch.nn`` modules)."""

from . import batchnorm as _batchnorm
from . import container as _container
from . import conv as _conv
from . import dropout as _dropout
from . import linear as _linear
from . import normalization as _normalization
from . import pooling as _pooling
from . import sparse as _sparse
from .batchnorm import *
from .container import *
from .conv import *
from .dropout import *
from .linear import *
from .module import Module
from .normalization import *
from .pooling import *
from .sparse import *

__all__ = ["Module", *_container.__all__, *_linear.__all__, *_conv.__all__, *_pooling.__all__,
           *_batchnorm.__all__, *_normalization.__all__, *_dropout.__all__, *_sparse.__all__]
