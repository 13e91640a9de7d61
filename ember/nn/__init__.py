"""ember.nn: neural-network building blocks (``torch.nn``)."""

from . import functional as functional
from . import init as init
from . import utils as utils
from .modules import *  # noqa: F403
from .parameter import Buffer, Parameter, UninitializedParameter
