"""The layer library (``torch.nn`` modules)."""

from . import activation as _activation
from . import batchnorm as _batchnorm
from . import channelshuffle as _channelshuffle
from . import container as _container
from . import conv as _conv
from . import distance as _distance
from . import dropout as _dropout
from . import flatten as _flatten
from . import fold as _fold
from . import instancenorm as _instancenorm
from . import linear as _linear
from . import loss as _loss
from . import normalization as _normalization
from . import padding as _padding
from . import pixelshuffle as _pixelshuffle
from . import pooling as _pooling
from . import rnn as _rnn
from . import sparse as _sparse
from . import transformer as _transformer
from . import upsampling as _upsampling
from .activation import *
from .batchnorm import *
from .channelshuffle import *
from .container import *
from .conv import *
from .distance import *
from .dropout import *
from .flatten import *
from .fold import *
from .instancenorm import *
from .linear import *
from .loss import *
from .module import Module
from .normalization import *
from .padding import *
from .pixelshuffle import *
from .pooling import *
from .rnn import *
from .sparse import *
from .transformer import *
from .upsampling import *

__all__ = [
    "Module",
    *_container.__all__,
    *_linear.__all__,
    *_conv.__all__,
    *_fold.__all__,
    *_pooling.__all__,
    *_batchnorm.__all__,
    *_instancenorm.__all__,
    *_normalization.__all__,
    *_dropout.__all__,
    *_sparse.__all__,
    *_activation.__all__,
    *_flatten.__all__,
    *_loss.__all__,
    *_distance.__all__,
    *_padding.__all__,
    *_pixelshuffle.__all__,
    *_channelshuffle.__all__,
    *_upsampling.__all__,
    *_transformer.__all__,
    *_rnn.__all__,
]
