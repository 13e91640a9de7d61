"""Function transforms (``torch.func``): composable ``grad``, ``vjp``, ``jvp``, ``jacrev``,
``jacfwd``, ``hessian`` and ``vmap``, and ``functional_call`` to call a module as a function
of its parameters.

Differentiation runs on ember's reverse-mode autograd (NOTE [ Transforms on a tape ] in
``_autodiff.py``; forward mode as a double vjp, NOTE [ jvp as a double vjp ] in ``_jvp.py``);
vmap runs a function once on batched tensors (NOTE [ vmap as a backend ] in ``_batched.py``).
Every transform nests in every other: ``vmap(grad(f))`` gives per-sample gradients,
``jacrev(jacrev(f))`` and ``hessian(f)`` second derivatives.
"""

from ._functional_call import functional_call, stack_module_state
from ._grad import grad, grad_and_value
from ._jacobian import hessian, jacfwd, jacrev
from ._jvp import jvp
from ._vjp import vjp
from ._vmap import vmap

__all__ = [
    "functional_call",
    "grad",
    "grad_and_value",
    "hessian",
    "jacfwd",
    "jacrev",
    "jvp",
    "stack_module_state",
    "vjp",
    "vmap",
]
