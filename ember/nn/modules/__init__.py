"""The layer library (``torch.nn`` modules)."""

from . import activation as _activation
from . import batchnorm as _batchnorm
from . import container as _container
from . import conv as _conv
from . import distance as _distance
from . import dropout as _dropout
from . import flatten as _flatten
from . import linear as _linear
from . import loss as _loss
from . import normalization as _normalization
from . import pooling as _pooling
from . import sparse as _sparse
from .activation import *
from .batchnorm import *
from .container import *
from .conv import *
from .distance import *
from .dropout import *
from .flatten import *
from .linear import *
from .loss import *
from .module import Module
from .normalization import *
from .pooling import *
from .sparse import *

__all__ = ["Module", *_container.__all__, *_linear.__all__, *_conv.__all__, *_pooling.__all__,
           *_batchnorm.__all__, *_normalization.__all__, *_dropout.__all__, *_sparse.__all__,
           *_activation.__all__, *_flatten.__all__, *_loss.__all__, *_distance.__all__]
