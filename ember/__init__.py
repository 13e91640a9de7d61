"""ember: a PyTorch-compatible deep-learning framework on NumPy (CPU) and CuPy (GPU).

``import ember as torch`` gives PyTorch's namespace: tensors, autograd, ops, and (in later
modules) nn, optim, data loading and serialization.
"""

from __future__ import annotations

import math as _math

from . import autograd, testing
from ._compile import (  # noqa: E402
    are_deterministic_algorithms_enabled,
    compile,  # noqa: A004 - torch.compile (returns the model unchanged)
    get_float32_matmul_precision,
    is_deterministic_algorithms_warn_only_enabled,
    set_float32_matmul_precision,
    use_deterministic_algorithms,
)
from ._device import device
from ._dtype import (
    bfloat16,
    bool,
    cdouble,
    cfloat,
    complex64,
    complex128,
    double,
    dtype,
    finfo,
    float,
    float16,
    float32,
    float64,
    get_default_dtype,
    half,
    iinfo,
    int,
    int8,
    int16,
    int32,
    int64,
    long,
    promote_types,
    set_default_dtype,
    short,
    uint8,
)
from ._factories import (
    arange,
    as_tensor,
    asarray,
    bernoulli,
    empty,
    empty_like,
    empty_strided,
    eye,
    from_dlpack,
    from_numpy,
    full,
    full_like,
    linspace,
    logspace,
    multinomial,
    normal,
    ones,
    ones_like,
    poisson,
    rand,
    rand_like,
    randint,
    randint_like,
    randn,
    randn_like,
    randperm,
    range,
    scalar_tensor,
    tensor,
    tril_indices,
    triu_indices,
    zeros,
    zeros_like,
)
from ._legacy_types import *  # noqa: F403
from ._random import (
    Generator,
    default_generator,
    get_rng_state,
    initial_seed,
    manual_seed,
    seed,
    set_rng_state,
)
from ._size import Size
from ._tensor import Tensor
from ._tensor_str import set_printoptions
from ._threads import (
    get_num_interop_threads,
    get_num_threads,
    set_num_interop_threads,
    set_num_threads,
)
from ._toplevel import *  # noqa: F403
from .amp import autocast, get_autocast_dtype, is_autocast_enabled  # noqa: E402
from .autograd import enable_grad, inference_mode, is_grad_enabled, no_grad, set_grad_enabled
from .nn._functional.distance import cdist, cosine_similarity, pairwise_distance, pdist
from .nn._functional.rnn import gru_cell, lstm_cell, rnn_relu_cell, rnn_tanh_cell
from .nn._functional.torch_level import *  # noqa: F403
from .ops.activations import *  # noqa: F403
from .ops.complex import *  # noqa: F403
from .ops.composite import *  # noqa: F403
from .ops.functional_forms import *  # noqa: F403
from .ops.gamma_sample import _standard_gamma, _standard_gamma_grad
from .ops.indexing import *  # noqa: F403
from .ops.linalg import *  # noqa: F403
from .ops.linalg_extra import *  # noqa: F403
from .ops.linalg_misc import *  # noqa: F403
from .ops.lowrank import *  # noqa: F403
from .ops.norms import *  # noqa: F403
from .ops.numeric import *  # noqa: F403
from .ops.pointwise import *  # noqa: F403
from .ops.pointwise_extra import *  # noqa: F403
from .ops.products import *  # noqa: F403
from .ops.random_ops import *  # noqa: F403
from .ops.reduction import *  # noqa: F403
from .ops.shape import *  # noqa: F403
from .ops.shape_extra import *  # noqa: F403
from .ops.sorting import *  # noqa: F403
from .ops.special_fns import *  # noqa: F403
from .ops.windows import *  # noqa: F403

# isort: split
# Sub-packages built on the core: imported after the ops have bound the Tensor methods.
from . import (  # noqa: E402
    accelerator,
    amp,
    backends,
    cuda,
    linalg,
    nn,
    optim,
    return_types,
    serialization,
    special,
    utils,
)
from .serialization import load, save
from .version import __version__  # noqa: E402 - torch's API level, comparable as torch's

inf = _math.inf
nan = _math.nan
pi = _math.pi
e = _math.e


def result_type(tensor1, tensor2):
    """The dtype PyTorch's promotion gives for an op on the two arguments."""
    from ._dtype import result_type as _rt

    return _rt(tensor1, tensor2)


def is_tensor(obj) -> bool:
    """Whether ``obj`` is an ember Tensor."""
    return isinstance(obj, Tensor)


def is_floating_point(input) -> bool:  # noqa: A002
    """Whether ``input`` has a floating point dtype."""
    return input.is_floating_point()


def is_nonzero(input) -> bool:  # noqa: A002
    """The truth value of a one-element tensor."""
    return bool(input)


def numel(input) -> int:  # noqa: A002
    """Number of elements of ``input``."""
    return input.numel()


# Sub-packages that are heavy or rarely needed import on first touch (`ember.fft.fft(...)` works
# without `import ember.fft`, as `torch.fft` does), which keeps `import ember` fast.
_LAZY_SUBMODULES = frozenset(
    {"distributions", "fft", "func", "hub", "jit", "metrics", "onnx", "profiler", "random"}
)


def __getattr__(name):
    if name in _LAZY_SUBMODULES:
        import importlib

        try:
            return importlib.import_module(f".{name}", __name__)
        except ModuleNotFoundError as e:
            if e.name != f"{__name__}.{name}":
                raise
    if name == "vmap":  # torch.vmap is torch.func.vmap; ember.func loads on first use
        from .func import vmap

        return vmap
    raise AttributeError(f"module 'ember' has no attribute {name!r}")
