"""L-BFGS with an optional strong-Wolfe line search (``torch.optim.LBFGS``).

The algorithm works on one flat vector of all parameters. Scalars that PyTorch keeps as 0-d
tensors (``t``, ``ys``, ``ro``, ``H_diag``, directional derivatives) are NumPy scalars of the
parameters' dtype here, so they round the same way; see NOTE [ Optimizer arithmetic ] in
``_kernels.py``, which also holds the flat-vector kernels used here.
"""

from __future__ import annotations

import numpy as np

from ..autograd.grad_mode import enable_grad, no_grad
from ._kernels import (
    add_,
    add_flat_,
    arrays_to_tensors,
    clone,
    copy_,
    copy_params,
    dot,
    flatten_grads,
    hyperparameter_value,
    max_abs,
    mul_scalar,
    neg,
    restore_params_,
    sub,
    sum_abs,
    tensors_to_arrays,
)
from .optimizer import Optimizer, check_lr

__all__ = ["LBFGS"]


def _cubic_interpolate(x1, f1, g1, x2, f2, g2, bounds=None):
    """Minimizer of the cubic interpolating two points with values and derivatives."""
    if bounds is not None:
        xmin_bound, xmax_bound = bounds
    else:
        xmin_bound, xmax_bound = (x1, x2) if x1 <= x2 else (x2, x1)
    d1 = g1 + g2 - 3 * (f1 - f2) / (x1 - x2)
    d2_square = d1**2 - g1 * g2
    if d2_square >= 0:
        d2 = np.sqrt(d2_square)
        if x1 <= x2:
            min_pos = x2 - (x2 - x1) * ((g2 + d2 - d1) / (g2 - g1 + 2 * d2))
        else:
            min_pos = x1 - (x1 - x2) * ((g1 + d2 - d1) / (g1 - g2 + 2 * d2))
        return min(max(min_pos, xmin_bound), xmax_bound)
    return (xmin_bound + xmax_bound) / 2.0


def _strong_wolfe(obj_func, x, t, d, f, g, gtd, c1=1e-4, c2=0.9, tolerance_change=1e-9, max_ls=25):
    """Line search satisfying the strong Wolfe conditions (PyTorch's port of minFunc)."""
    d_norm = max_abs(d)
    g = clone(g)
    f_new, g_new = obj_func(x, t, d)
    ls_func_evals = 1
    gtd_new = dot(g_new, d)
    t_prev, f_prev, g_prev, gtd_prev = 0, f, g, gtd
    done = False
    ls_iter = 0
    while ls_iter < max_ls:
        if f_new > (f + c1 * t * gtd) or (ls_iter > 1 and f_new >= f_prev):
            bracket, bracket_f = [t_prev, t], [f_prev, f_new]
            bracket_g, bracket_gtd = [g_prev, clone(g_new)], [gtd_prev, gtd_new]
            break
        if abs(gtd_new) <= -c2 * gtd:
            bracket, bracket_f, bracket_g = [t], [f_new], [g_new]
            done = True
            break
        if gtd_new >= 0:
            bracket, bracket_f = [t_prev, t], [f_prev, f_new]
            bracket_g, bracket_gtd = [g_prev, clone(g_new)], [gtd_prev, gtd_new]
            break
        # interpolate
        min_step = t + 0.01 * (t - t_prev)
        max_step = t * 10
        tmp = t
        t = _cubic_interpolate(
            t_prev, f_prev, gtd_prev, t, f_new, gtd_new, bounds=(min_step, max_step)
        )
        t_prev, f_prev, g_prev, gtd_prev = tmp, f_new, clone(g_new), gtd_new
        f_new, g_new = obj_func(x, t, d)
        ls_func_evals += 1
        gtd_new = dot(g_new, d)
        ls_iter += 1
    if ls_iter == max_ls:
        bracket, bracket_f, bracket_g = [0, t], [f, f_new], [g, g_new]

    # zoom phase: a point satisfying the criteria lies within the bracket
    insuf_progress = False
    low_pos, high_pos = (0, 1) if bracket_f[0] <= bracket_f[-1] else (1, 0)
    while not done and ls_iter < max_ls:
        if abs(bracket[1] - bracket[0]) * d_norm < tolerance_change:
            break
        t = _cubic_interpolate(
            bracket[0], bracket_f[0], bracket_gtd[0], bracket[1], bracket_f[1], bracket_gtd[1]
        )
        # keep away from the bracket's ends unless progress stalls
        eps = 0.1 * (max(bracket) - min(bracket))
        if min(max(bracket) - t, t - min(bracket)) < eps:
            if insuf_progress or t >= max(bracket) or t <= min(bracket):
                if abs(t - max(bracket)) < abs(t - min(bracket)):
                    t = max(bracket) - eps
                else:
                    t = min(bracket) + eps
                insuf_progress = False
            else:
                insuf_progress = True
        else:
            insuf_progress = False
        f_new, g_new = obj_func(x, t, d)
        ls_func_evals += 1
        gtd_new = dot(g_new, d)
        ls_iter += 1
        if f_new > (f + c1 * t * gtd) or f_new >= bracket_f[low_pos]:
            bracket[high_pos], bracket_f[high_pos] = t, f_new
            bracket_g[high_pos], bracket_gtd[high_pos] = clone(g_new), gtd_new
            low_pos, high_pos = (0, 1) if bracket_f[0] <= bracket_f[1] else (1, 0)
        else:
            if abs(gtd_new) <= -c2 * gtd:
                done = True
            elif gtd_new * (bracket[high_pos] - bracket[low_pos]) >= 0:
                bracket[high_pos], bracket_f[high_pos] = bracket[low_pos], bracket_f[low_pos]
                bracket_g[high_pos] = bracket_g[low_pos]
                bracket_gtd[high_pos] = bracket_gtd[low_pos]
            bracket[low_pos], bracket_f[low_pos] = t, f_new
            bracket_g[low_pos], bracket_gtd[low_pos] = clone(g_new), gtd_new
    return bracket_f[low_pos], bracket_g[low_pos], bracket[low_pos], ls_func_evals


_ARRAY_KEYS = ("d", "t", "old_dirs", "old_stps", "ro", "H_diag", "prev_flat_grad", "al")


class LBFGS(Optimizer):
    """L-BFGS (``torch.optim.LBFGS``), a port of minFunc's algorithm.

    Needs a ``closure`` that clears the gradients, computes the loss, calls ``backward`` and
    returns the loss. Only one parameter group is supported, and all parameters are treated
    as one flat vector.

    Args:
        params: parameters to optimize.
        lr (float or Tensor): learning rate (default: 1).
        max_iter (int): maximal iterations per ``step`` (default: 20).
        max_eval (int): maximal function evaluations per ``step`` (default: max_iter * 1.25).
        tolerance_grad (float): stop when the gradient's max-norm is at most this (default: 1e-7).
        tolerance_change (float): stop when the step or the loss changes less (default: 1e-9).
        history_size (int): number of curvature pairs kept (default: 100).
        line_search_fn (str): ``None`` or ``"strong_wolfe"``.
    """

    _scalar_state_keys = ()

    def __init__(
        self,
        params,
        lr=1,
        max_iter: int = 20,
        max_eval: int | None = None,
        tolerance_grad: float = 1e-7,
        tolerance_change: float = 1e-9,
        history_size: int = 100,
        line_search_fn: str | None = None,
    ) -> None:
        check_lr(lr)
        if max_eval is None:
            max_eval = max_iter * 5 // 4
        defaults = {
            "lr": lr,
            "max_iter": max_iter,
            "max_eval": max_eval,
            "tolerance_grad": tolerance_grad,
            "tolerance_change": tolerance_change,
            "history_size": history_size,
            "line_search_fn": line_search_fn,
        }
        super().__init__(params, defaults)
        if len(self.param_groups) != 1:
            raise ValueError("LBFGS doesn't support per-parameter options (parameter groups)")
        self._params = self.param_groups[0]["params"]

    def _directional_evaluate(self, closure, x, t, d):
        add_flat_(self._params, d, t)
        loss = float(closure())
        flat_grad = flatten_grads(self._params)
        restore_params_(self._params, x)
        return loss, flat_grad

    def step(self, closure):
        """Run up to ``max_iter`` L-BFGS iterations; returns the closure's first loss."""
        with no_grad():
            return self._step(closure)

    def _step(self, closure):
        group = self.param_groups[0]
        lr = hyperparameter_value(group["lr"])
        max_iter, max_eval = group["max_iter"], group["max_eval"]
        tolerance_grad = group["tolerance_grad"]
        tolerance_change = group["tolerance_change"]
        line_search_fn = group["line_search_fn"]
        history_size = group["history_size"]

        def evaluate():
            with enable_grad():
                return closure()

        state = self.state[self._params[0]]
        state.setdefault("func_evals", 0)
        state.setdefault("n_iter", 0)
        orig_loss = evaluate()
        loss = float(orig_loss)
        current_evals = 1
        state["func_evals"] += 1
        flat_grad = flatten_grads(self._params)
        if max_abs(flat_grad) <= tolerance_grad:
            return orig_loss

        saved = {key: tensors_to_arrays(state.get(key)) for key in _ARRAY_KEYS}
        d, t = saved["d"], saved["t"]
        old_dirs, old_stps, ro = saved["old_dirs"], saved["old_stps"], saved["ro"]
        H_diag, prev_flat_grad, al = saved["H_diag"], saved["prev_flat_grad"], saved["al"]
        prev_loss = state.get("prev_loss")
        opt_cond = False
        n_iter = 0
        while n_iter < max_iter:
            n_iter += 1
            state["n_iter"] += 1
            if state["n_iter"] == 1:
                d = neg(flat_grad)
                old_dirs, old_stps, ro = [], [], []
                H_diag = 1
            else:
                # update the memory with the newest curvature pair
                y = sub(flat_grad, prev_flat_grad)
                s = mul_scalar(d, t)
                ys = dot(y, s)
                if ys > 1e-10:
                    if len(old_dirs) == history_size:
                        old_dirs.pop(0)
                        old_stps.pop(0)
                        ro.pop(0)
                    old_dirs.append(y)
                    old_stps.append(s)
                    ro.append(1.0 / ys)
                    H_diag = ys / dot(y, y)
                # two-loop recursion for the direction
                num_old = len(old_dirs)
                if al is None:
                    al = [None] * history_size
                q = neg(flat_grad)
                for i in range(num_old - 1, -1, -1):
                    al[i] = dot(old_stps[i], q) * ro[i]
                    add_(q, old_dirs[i], -al[i])
                d = r = mul_scalar(q, H_diag)
                for i in range(num_old):
                    be_i = dot(old_dirs[i], r) * ro[i]
                    add_(r, old_stps[i], al[i] - be_i)

            if prev_flat_grad is None:
                prev_flat_grad = clone(flat_grad)
            else:
                copy_(prev_flat_grad, flat_grad)
            prev_loss = loss

            # the first step is scaled down to at most unit length in the l1 norm
            t = min(1.0, 1.0 / sum_abs(flat_grad)) * lr if state["n_iter"] == 1 else lr
            gtd = dot(flat_grad, d)
            if gtd > -tolerance_change:
                break

            ls_func_evals = 0
            if line_search_fn is not None:
                if line_search_fn != "strong_wolfe":
                    raise RuntimeError("only 'strong_wolfe' is supported")
                x_init = copy_params(self._params)

                def obj_func(x, t, d):
                    return self._directional_evaluate(evaluate, x, t, d)

                loss, flat_grad, t, ls_func_evals = _strong_wolfe(
                    obj_func, x_init, t, d, loss, flat_grad, gtd, max_ls=max_eval - current_evals
                )
                add_flat_(self._params, d, t)
                opt_cond = max_abs(flat_grad) <= tolerance_grad
            else:
                add_flat_(self._params, d, t)
                if n_iter != max_iter:
                    loss = float(evaluate())
                    flat_grad = flatten_grads(self._params)
                    opt_cond = max_abs(flat_grad) <= tolerance_grad
                    ls_func_evals = 1
            current_evals += ls_func_evals
            state["func_evals"] += ls_func_evals

            if n_iter == max_iter or current_evals >= max_eval or opt_cond:
                break
            if max_abs(mul_scalar(d, t)) <= tolerance_change:
                break
            if abs(loss - prev_loss) < tolerance_change:
                break

        state.update(
            {
                "d": d,
                "t": t,
                "old_dirs": old_dirs,
                "old_stps": old_stps,
                "ro": ro,
                "H_diag": H_diag,
                "prev_flat_grad": prev_flat_grad,
            }
        )
        if al is not None:
            state["al"] = al
        for key in _ARRAY_KEYS:
            if key in state:
                state[key] = arrays_to_tensors(state[key])
        state["prev_loss"] = prev_loss
        return orig_loss
