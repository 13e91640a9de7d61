"""The Tensor: an array plus dtype/device, requires_grad, grad, grad_fn and a version counter.

Math methods and operators are bound by ``@tensor_method`` (:mod:`ember.ops._binding`) at the
definition of the public function that ``ember.<name>`` exports, so a method and its function are
one implementation.
"""

from __future__ import annotations

import warnings
import weakref

from . import _dtype
from ._backend import backend_for, backend_of, device_of, to_device
from ._options import check_memory_format
from ._size import Size, wrap_dim
from .autograd.graph import Version

_warned_T: list = []  # PyTorch warns once per process


def type_name(t) -> str:
    """PyTorch's legacy type name of a tensor, e.g. ``torch.FloatTensor``."""
    cuda = "cuda." if t.device.type == "cuda" else ""
    return f"torch.{cuda}{t.dtype.legacy_name}Tensor"


def device_mismatch(tensors) -> RuntimeError:
    devs = sorted({str(t.device) for t in tensors})
    return RuntimeError(
        "Expected all tensors to be on the same device, but found at least two "
        f"devices, {devs[1]} and {devs[0]}!"
    )


class Tensor:
    """A multi-dimensional array with autograd support, like ``torch.Tensor``.

    ``Tensor(data)`` builds a float tensor of the default dtype from nested sequences (PyTorch's
    legacy constructor); prefer :func:`ember.tensor`.
    """

    __slots__ = (
        "_data",
        "requires_grad",
        "_grad",
        "grad_fn",
        "_output_nr",
        "_version_counter",
        "_base",
        "_view_version",
        "_hooks",
        "_post_accumulate_hooks",
        "_retains_grad",
        "__weakref__",
        "__dict__",
    )

    __array_priority__ = 1000

    def __new__(cls, *args, **kwargs):
        return object.__new__(cls)

    def __init__(self, *args, device=None, dtype=None):
        from ._factories import _array_from_data, empty

        if len(args) == 1 and not isinstance(args[0], int):
            src = args[0]
            arr = (
                src._data
                if isinstance(src, Tensor)
                else _array_from_data(src, dtype or _dtype.get_default_dtype(), device)
            )
        else:
            arr = empty(*args, dtype=dtype, device=device)._data
        _init(self, arr)

    # ------------------------------------------------------------------ metadata
    @property
    def dtype(self) -> _dtype.dtype:
        return _dtype.from_numpy_dtype(self._data.dtype)

    @property
    def device(self):
        return device_of(self._data)

    @property
    def shape(self) -> Size:
        return Size(self._data.shape)

    def size(self, dim: int | None = None):
        """The shape as an ``ember.Size``, or the size of one dimension."""
        if dim is None:
            return Size(self._data.shape)
        return self._data.shape[wrap_dim(dim, self._data.ndim)]

    def dim(self) -> int:
        """Number of dimensions."""
        return self._data.ndim

    ndimension = dim

    @property
    def ndim(self) -> int:
        return self._data.ndim

    def numel(self) -> int:
        """Number of elements."""
        return self._data.size

    nelement = numel

    def element_size(self) -> int:
        """Bytes per element."""
        return self._data.itemsize

    @property
    def itemsize(self) -> int:
        return self._data.itemsize

    @property
    def nbytes(self) -> int:
        return self._data.nbytes

    @property
    def is_cuda(self) -> bool:
        return self.device.type == "cuda"

    @property
    def is_cpu(self) -> bool:
        return self.device.type == "cpu"

    is_sparse = False
    is_quantized = False
    is_meta = False
    is_nested = False
    layout = "torch.strided"

    def is_floating_point(self) -> bool:
        """Whether the dtype is a floating point type."""
        return self.dtype.is_floating_point

    def is_complex(self) -> bool:
        """Whether the dtype is a complex type."""
        return self._data.dtype.kind == "c"

    def is_signed(self) -> bool:
        return self.dtype.is_signed

    def get_device(self) -> int:
        """-1 on the CPU, else the CUDA device index."""
        d = self.device
        return -1 if d.type == "cpu" else (d.index or 0)

    def stride(self, dim: int | None = None):
        """Strides in elements (not bytes), as PyTorch reports them."""
        item = self._data.itemsize
        st = tuple(s // item for s in self._data.strides)
        if dim is None:
            return st
        return st[wrap_dim(dim, self._data.ndim)]

    def is_contiguous(self, memory_format=None) -> bool:
        """Whether the tensor is C-contiguous."""
        check_memory_format(memory_format)
        return self._data.flags.c_contiguous

    def data_ptr(self) -> int:
        """Address of the first element."""
        return backend_of(self._data).data_ptr(self._data)

    def storage_offset(self) -> int:
        """Offset, in elements, from the start of the underlying storage."""
        root = self._data
        while getattr(root, "base", None) is not None and hasattr(root.base, "dtype"):
            root = root.base
        backend = backend_of(self._data)
        root_ptr = backend.data_ptr(root) if type(root) is type(self._data) else self.data_ptr()
        return (self.data_ptr() - root_ptr) // self._data.itemsize

    def untyped_storage(self):
        return self._data if self._base is None else self._base._data

    @property
    def _version(self) -> int:
        return self._version_counter.v

    @property
    def is_leaf(self) -> bool:
        return self.grad_fn is None

    @property
    def T(self):
        if self._data.ndim != 2 and not _warned_T:
            import warnings

            _warned_T.append(True)
            warnings.warn(
                "The use of `x.T` on tensors of dimension other than 2 to reverse "
                "their shape is deprecated and it will throw an error in a future "
                "release. Consider `x.mT` to transpose batches of matrices or "
                "`x.permute(*torch.arange(x.ndim - 1, -1, -1))` to reverse the "
                "dimensions of a tensor.",
                UserWarning,
                stacklevel=2,
            )
        return self.permute(*range(self._data.ndim - 1, -1, -1))

    @property
    def mT(self):
        if self._data.ndim < 2:
            raise RuntimeError(
                "tensor.mT is only supported on matrices or batches of matrices. "
                f"Got {self._data.ndim}-D tensor."
            )
        return self.transpose(-2, -1)

    @property
    def H(self):
        return self.T.conj()

    @property
    def mH(self):
        return self.mT.conj()

    @property
    def real(self):
        """The real part, a view (the tensor itself when it is not complex)."""
        from .ops.complex import real

        return real(self)

    @real.setter
    def real(self, value):
        self.real.copy_(value)

    @property
    def imag(self):
        """The imaginary part of a complex tensor, a view."""
        from .ops.complex import imag

        return imag(self)

    @imag.setter
    def imag(self, value):
        self.imag.copy_(value)

    @property
    def data(self):
        out = _wrap(self._data)
        out._version_counter = self._version_counter
        return out

    @data.setter
    def data(self, value):
        self._data = value._data

    @property
    def retains_grad(self) -> bool:
        return self._retains_grad

    @property
    def grad(self):
        """The gradient accumulated by backward (None until then). Reading it on a non-leaf
        that does not retain its gradient warns, as in torch: it is never populated."""
        if self.grad_fn is not None and not self._retains_grad:
            warnings.warn(_NON_LEAF_GRAD, UserWarning, stacklevel=2)
        return self._grad

    @grad.setter
    def grad(self, value):
        if value is not None:
            _check_assigned_grad(self, value)
        self._grad = value

    @property
    def output_nr(self) -> int:
        return self._output_nr

    def is_inference(self) -> bool:
        """Whether this is an inference tensor (a method, as torch's). ember's
        ``inference_mode`` only disables recording, so no tensor is one."""
        return False

    # ------------------------------------------------------------------ conversion
    def _host_array(self):
        return backend_of(self._data).to_host(self._data)

    def numpy(self, *, force: bool = False):
        """The NumPy array sharing this tensor's memory (CPU tensors that need no grad)."""
        if not force:
            if self.requires_grad:
                raise RuntimeError(
                    "Can't call numpy() on Tensor that requires grad. "
                    "Use tensor.detach().numpy() instead."
                )
            if self.device.type != "cpu":
                raise TypeError(
                    f"can't convert {self.device} device type tensor to numpy. Use "
                    "Tensor.cpu() to copy the tensor to host memory first."
                )
        return self._host_array()

    def __array__(self, dtype=None, copy=None):
        """NumPy's protocol: the tensor's memory itself where it can be (``np.asarray``), a new
        array with ``copy=True``, and NumPy's ValueError when ``copy=False`` cannot be kept."""
        a = self.detach().numpy()
        b = a if dtype is None else a.astype(dtype, copy=False)
        if copy:
            return b.copy() if b is a else b
        if copy is False and b is not a:
            raise ValueError("Unable to avoid copy while creating an array as requested.")
        return b

    def item(self):
        """The value of a one-element tensor as a Python number."""
        if self._data.size != 1:
            raise RuntimeError(
                f"a Tensor with {self._data.size} elements cannot be converted to Scalar"
            )
        return self._host_array().reshape(()).item()

    def tolist(self):
        """The tensor as (nested) Python lists of numbers."""
        a = self._host_array()
        if a.dtype.name == "bfloat16":
            a = a.astype("float32")
        return a.tolist()

    def __dlpack__(self, stream=None, **kwargs):
        """The DLPack capsule of the tensor's array; ``max_version``, ``dl_device`` and ``copy``
        go to the array library's own ``__dlpack__``."""
        if self.requires_grad:
            raise RuntimeError("Can't export tensors that require gradient, use tensor.detach()")
        return self._data.__dlpack__(**({} if stream is None else {"stream": stream}), **kwargs)

    def __dlpack_device__(self):
        return self._data.__dlpack_device__()

    def __float__(self):
        return float(self.item())

    def __int__(self):
        return int(self.item())

    def __bool__(self):
        if self._data.size != 1:
            raise RuntimeError("Boolean value of Tensor with more than one value is ambiguous")
        return bool(self.item())

    def __index__(self):
        if self.dtype.category != 1 or self._data.size != 1:
            raise TypeError("only integer tensors of a single element can be converted to an index")
        return int(self.item())

    def __complex__(self):
        return complex(self.item())

    def __format__(self, spec):
        if self._data.ndim == 0:
            return self.item().__format__(spec)
        return object.__format__(self, spec)

    def __len__(self):
        if self._data.ndim == 0:
            raise TypeError("len() of a 0-d tensor")
        return self._data.shape[0]

    def __iter__(self):
        if self._data.ndim == 0:
            raise TypeError("iteration over a 0-d tensor")
        return iter(self.unbind(0))

    def __hash__(self):
        return id(self)

    def __repr__(self, *, tensor_contents=None):
        from ._tensor_str import tensor_repr

        return tensor_repr(self, contents=tensor_contents)

    def __reduce_ex__(self, protocol):
        return (_rebuild, (self._host_array().copy(), str(self.device), self.requires_grad))

    def __deepcopy__(self, memo):
        if not self.is_leaf:
            raise RuntimeError(
                "Only Tensors created explicitly by the user (graph leaves) "
                "support the deepcopy protocol at the moment.  If you were "
                "attempting to deepcopy a module, this may be because of a "
                "torch.nn.utils.weight_norm usage, see "
                "https://github.com/pytorch/pytorch/pull/103001"
            )
        if id(self) in memo:
            return memo[id(self)]
        new = type(self).__new__(type(self))
        _init(new, self._data.copy(), self.requires_grad)
        if self._grad is not None:
            new._grad = self._grad.__deepcopy__(memo)
        if self.__dict__:
            import copy

            new.__dict__.update(copy.deepcopy(self.__dict__, memo))
        memo[id(self)] = new
        return new

    # ------------------------------------------------------------------ autograd
    def backward(self, gradient=None, retain_graph=None, create_graph=False, inputs=None):
        """Accumulate the gradient of this tensor into the ``.grad`` of the graph's leaves."""
        from .autograd import backward

        backward(self, gradient, retain_graph, create_graph, inputs=inputs)

    def requires_grad_(self, requires_grad: bool = True):
        """Set ``requires_grad`` in place (leaves only, as in PyTorch); returns self."""
        if not requires_grad and self.grad_fn is not None:
            raise RuntimeError(
                "you can only change requires_grad flags of leaf variables. If you "
                "want to use a computed variable in a subgraph that doesn't require "
                "differentiation use var_no_grad = var.detach()."
            )
        if requires_grad and not (self.is_floating_point() or self._data.dtype.kind == "c"):
            raise RuntimeError(
                "only Tensors of floating point and complex dtype can require gradients"
            )
        self.requires_grad = requires_grad
        return self

    def detach(self):
        """A new tensor sharing data (and version counter) with no autograd history."""
        out = _wrap(self._data)
        out._version_counter = self._version_counter
        out._base = self._base
        return out

    def detach_(self):
        """Detach in place: this tensor becomes a leaf that does not require grad."""
        self.grad_fn = None
        self.requires_grad = False
        return self

    def retain_grad(self):
        """Keep ``.grad`` for this non-leaf tensor after backward."""
        if not self.requires_grad:
            raise RuntimeError("can't retain_grad on Tensor that has requires_grad=False")
        if self.grad_fn is None or self._retains_grad:
            return
        node = self.grad_fn
        if node.retains is None:
            node.retains = {}
        node.retains[self._output_nr] = weakref.ref(self)
        self._retains_grad = True

    def register_hook(self, hook):
        """Call ``hook(grad)`` when this tensor's gradient is computed; it may return a new one."""
        from .utils.hooks import RemovableHandle

        if not self.requires_grad:
            raise RuntimeError("cannot register a hook on a tensor that doesn't require gradient")
        if self.grad_fn is None:
            if self._hooks is None:
                self._hooks = {}
            return RemovableHandle(self._hooks, hook)
        node = self.grad_fn
        if node.pre_hooks is None:
            node.pre_hooks = {}
        return RemovableHandle(node.pre_hooks, (self._output_nr, hook))

    def register_post_accumulate_grad_hook(self, hook):
        """Call ``hook(tensor)`` after a leaf's ``.grad`` has been accumulated."""
        from .utils.hooks import RemovableHandle

        if self.grad_fn is not None:
            raise RuntimeError(
                "post accumulate grad hooks cannot be registered on non-leaf tensors"
            )
        if self._post_accumulate_hooks is None:
            self._post_accumulate_hooks = {}
        return RemovableHandle(self._post_accumulate_hooks, hook)

    # ------------------------------------------------------------------ devices
    def to(self, *args, **kwargs):
        """Convert dtype and/or device: ``to(dtype)``, ``to(device, dtype)``, ``to(other)``."""
        from ._conversion import tensor_to

        return tensor_to(self, *args, **kwargs)

    @staticmethod
    def _make_subclass(cls, data, require_grad=False):
        """A ``cls`` instance over ``data``'s memory and version counter: a detached leaf, as
        torch's ``Tensor._make_subclass`` (how ``nn.Parameter`` is built)."""
        t = object.__new__(cls)
        _init(t, data._data, require_grad)
        t._version_counter = data._version_counter
        return t

    def type_as(self, other):
        """``self`` cast to ``other``'s dtype."""
        return self.to(other.dtype)

    # dtype casts: x.float(), x.long(), ...
    def float(self, memory_format=None):
        """``self.to(ember.float32)``."""
        check_memory_format(memory_format)
        return _cast_to(self, _dtype.float32)

    def double(self, memory_format=None):
        """``self.to(ember.float64)``."""
        check_memory_format(memory_format)
        return _cast_to(self, _dtype.float64)

    def half(self, memory_format=None):
        """``self.to(ember.float16)``."""
        check_memory_format(memory_format)
        return _cast_to(self, _dtype.float16)

    def bfloat16(self, memory_format=None):
        """``self.to(ember.bfloat16)``."""
        check_memory_format(memory_format)
        return _cast_to(self, _dtype.bfloat16)

    def long(self, memory_format=None):
        """``self.to(ember.int64)``."""
        check_memory_format(memory_format)
        return _cast_to(self, _dtype.int64)

    def int(self, memory_format=None):
        """``self.to(ember.int32)``."""
        check_memory_format(memory_format)
        return _cast_to(self, _dtype.int32)

    def short(self, memory_format=None):
        """``self.to(ember.int16)``."""
        check_memory_format(memory_format)
        return _cast_to(self, _dtype.int16)

    def char(self, memory_format=None):
        """``self.to(ember.int8)``."""
        check_memory_format(memory_format)
        return _cast_to(self, _dtype.int8)

    def byte(self, memory_format=None):
        """``self.to(ember.uint8)``."""
        check_memory_format(memory_format)
        return _cast_to(self, _dtype.uint8)

    def bool(self, memory_format=None):
        """``self.to(ember.bool)``."""
        check_memory_format(memory_format)
        return _cast_to(self, _dtype.bool)

    def cpu(self):
        """A copy on the CPU (self if already there)."""
        return self.to("cpu")

    def cuda(self, device=None, non_blocking=False):
        """A copy on a CUDA device."""
        from ._device import device as device_cls

        return self.to(
            device_cls("cuda", device if isinstance(device, int) else None)
            if not isinstance(device, (str, device_cls))
            else device
        )

    def type(self, dtype=None, non_blocking=False):
        """The legacy type string (``'torch.FloatTensor'``), or a cast when ``dtype`` is given
        as a dtype or such a string."""
        if dtype is None:
            return type_name(self)
        if isinstance(dtype, str):
            for d in _dtype.ALL_DTYPES:
                legacy = d.legacy_name
                if dtype in (f"torch.{legacy}Tensor", f"torch.cuda.{legacy}Tensor"):
                    return self.to(d)
            raise ValueError(f"invalid type: '{dtype}'")
        return self.to(dtype)

    def pin_memory(self):
        """Refused: ember does not pin host memory (torch's error where there is no
        accelerator to pin for)."""
        from . import cuda

        if not cuda.is_available():
            raise RuntimeError("Cannot access accelerator device when none is available.")
        raise NotImplementedError("ember does not pin host memory: pin_memory() is not supported")

    def is_pinned(self):
        """False: ember never pins memory."""
        return False

    def share_memory_(self):
        return self

    def is_shared(self):
        return False


def _cast_to(t, dtype):
    """``t.to(dtype)`` without parsing ``to``'s arguments (the dtype-cast methods)."""
    from .ops._promote import cast  # ops are built on this module

    return cast(t, dtype)


_NON_LEAF_GRAD = (
    "The .grad attribute of a Tensor that is not a leaf Tensor is being accessed. Its .grad "
    "attribute won't be populated during autograd.backward(). If you indeed want the .grad "
    "field to be populated for a non-leaf Tensor, use .retain_grad() on the non-leaf Tensor. If "
    "you access the non-leaf Tensor by mistake, make sure you access the leaf Tensor instead. "
    "See github.com/pytorch/pytorch/pull/30531 for more information."
)


def _check_assigned_grad(t, g) -> None:
    """torch's checks on ``t.grad = g``: a Tensor of ``t``'s size, dtype and device."""
    if not isinstance(g, Tensor):
        raise TypeError(
            f"assigned grad expected to be a Tensor or None but got grad of type {type(g).__name__}"
        )
    if g.shape != t.shape:
        raise RuntimeError(
            f"attempting to assign a gradient of size '[{', '.join(map(str, g.shape))}]' to a "
            f"tensor of size '[{', '.join(map(str, t.shape))}]'. Please ensure that the "
            "gradient and the tensor are the same size"
        )
    if g.dtype is not t.dtype:
        raise RuntimeError(
            f"attempting to assign a gradient with dtype '{g.dtype.cpp_name}' to a tensor with "
            f"grad_dtype '{t.dtype.legacy_name}'. The gradient must match the tensor's grad_dtype "
            "(defaults to the tensor's dtype). You can set the tensor's grad_dtype attribute "
            "with a specific dtype, or None to allow any dtype. Set grad_dtype with caution. "
            "Diverging the dtypes of a tensor and its gradient may break downstream systems "
            "that assume they match."
        )
    if g.device != t.device:
        raise RuntimeError(
            f"attempting to assign a gradient located on device with type '{g.device.type}' to "
            f"a tensor located on device with type '{t.device.type}'. Please ensure that the "
            "gradient and the tensor are on the same device"
        )


def _init(t, arr, requires_grad=False):
    t._data = arr
    t.requires_grad = requires_grad
    t._grad = None
    t.grad_fn = None
    t._output_nr = 0
    t._version_counter = Version()
    t._base = None
    t._view_version = 0
    t._hooks = None
    t._post_accumulate_hooks = None
    t._retains_grad = False


def _wrap(arr) -> Tensor:
    """A new leaf Tensor around ``arr`` (no copy); the op wrapper's fast constructor."""
    t = object.__new__(Tensor)
    _init(t, arr)
    return t


def _rebuild(array, device, requires_grad):
    t = _wrap(
        to_device(
            backend_for(device).from_host(array, None) if device == "cpu" else array,
            __import__("ember")._device.device(device),
        )
    )
    t.requires_grad = requires_grad
    return t
