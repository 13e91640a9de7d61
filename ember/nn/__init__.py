"""ember.nn: neural-network building blocks (``torch.nn``)."""

from . import functional as functional
from . import init as init
from . import parallel as parallel
from . import utils as utils
from .modules import *  # noqa: F403
from .parallel import DataParallel
from .parameter import Buffer, Parameter, UninitializedParameter
