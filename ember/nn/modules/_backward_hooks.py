"""Full backward hooks: identity autograd Functions around a module's inputs and outputs.

The output wrapper sees the gradients of the outputs (running backward pre-hooks, which may
replace them); the input wrapper then sees the gradients of the inputs and runs the backward
hooks with both, as ``torch.nn.Module.register_full_backward_hook`` specifies.
"""

from __future__ import annotations

from ..._tensor import Tensor
from ...autograd.function import Function
from ...autograd.grad_mode import GRAD_ENABLED


class _OutputHook(Function):
    @staticmethod
    def forward(ctx, state, *tensors):
        ctx.state = state
        return tensors

    @staticmethod
    def backward(ctx, *grads):
        state = ctx.state
        module = state.module
        for hook in list(module._backward_pre_hooks.values()):
            res = hook(module, grads)
            if res is not None:
                grads = tuple(res) if isinstance(res, (tuple, list)) else (res,)
        state.grad_outputs = grads
        if not state.inputs_wrapped:
            state.run_hooks((None,))
        return (None, *grads)


class _InputHook(Function):
    @staticmethod
    def forward(ctx, state, *tensors):
        ctx.state = state
        return tensors

    @staticmethod
    def backward(ctx, *grads):
        return (None, *ctx.state.run_hooks(grads))


class BackwardHookState:
    """Per-call state shared by the input and output wrappers of one module call."""

    def __init__(self, module):
        self.module = module
        self.grad_outputs = None
        self.inputs_wrapped = False

    def run_hooks(self, grad_inputs):
        for hook in list(self.module._backward_hooks.values()):
            res = hook(self.module, grad_inputs, self.grad_outputs)
            if res is not None:
                grad_inputs = tuple(res) if isinstance(res, (tuple, list)) else (res,)
        return grad_inputs

    def _wrap(self, fn, values):
        idx = [i for i, v in enumerate(values) if isinstance(v, Tensor) and v.requires_grad]
        if not idx or not GRAD_ENABLED.get():
            return values, False
        outs = fn.apply(self, *(values[i] for i in idx))
        values = list(values)
        for i, o in zip(idx, outs):
            values[i] = o
        return values, True

    def setup_inputs(self, args):
        values, self.inputs_wrapped = self._wrap(_InputHook, args)
        return tuple(values)

    def setup_outputs(self, out):
        if isinstance(out, Tensor):
            values, _ = self._wrap(_OutputHook, [out])
            return values[0]
        if isinstance(out, tuple):
            values, _ = self._wrap(_OutputHook, list(out))
            return tuple(values)
        return out
