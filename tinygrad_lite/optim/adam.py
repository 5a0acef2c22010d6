"""Adam and AdamW (like `torch.optim.Adam` and `torch.optim.AdamW`)."""

from __future__ import annotations

import numbers
from collections.abc import Iterable
from typing import Any

import numpy as np

from ..tensor import Tensor
from .optimizer import Optimizer, ParamGroup


class Adam(Optimizer):
    """Adam, optionally AMSGrad, weight decay added to the gradient (like `torch.optim.Adam`).

    Per step t, with g the gradient (negated when `maximize`), plus weight_decay * p:
    m = b1 * m + (1 - b1) * g; v = b2 * v + (1 - b2) * g * g (v_max = max(v_max, v) with amsgrad);
    p -= lr / (1 - b1**t) * m / (sqrt(v) / sqrt(1 - b2**t) + eps).

    So the first step moves each parameter by about lr against the sign of its gradient.

    >>> import tinygrad_lite as tl
    >>> w = tl.Tensor([1.0, -1.0], requires_grad=True)
    >>> opt = tl.optim.Adam([w], lr=0.1)
    >>> (w * w).sum().backward(); opt.step()
    >>> w.data.round(4)
    array([ 0.9, -0.9], dtype=float32)
    """

    _decoupled = False  # AdamW decays the weights directly instead of adding to the gradient

    def __init__(
        self,
        params: Iterable[Any],
        lr: float = 1e-3,
        betas: tuple[float, float] = (0.9, 0.999),
        eps: float = 1e-8,
        weight_decay: float = 0.0,
        amsgrad: bool = False,
        *,
        maximize: bool = False,
    ) -> None:
        defaults = dict(
            lr=lr,
            betas=betas,
            eps=eps,
            weight_decay=weight_decay,
            amsgrad=amsgrad,
            maximize=maximize,
        )
        super().__init__(params, defaults)

    def _check_options(self, options: dict[str, Any], where: str) -> None:
        self._check_nonnegative(options, where, "lr", "eps", "weight_decay")
        name = type(self).__name__
        betas = options["betas"]
        if not isinstance(betas, tuple | list) or len(betas) != 2:
            raise ValueError(f"{name}: {where}betas must be a pair of numbers, got {betas!r}")
        for i, beta in enumerate(betas):
            if isinstance(beta, bool) or not isinstance(beta, numbers.Real):
                raise TypeError(
                    f"{name}: {where}betas[{i}] must be a number, got {type(beta).__name__}"
                )
            if not 0.0 <= float(beta) < 1.0:
                raise ValueError(f"{name}: {where}invalid betas[{i}] {beta!r}, need 0 <= beta < 1")

    def _state_keys(self, options: dict[str, Any]) -> set[str]:
        keys = {"step", "exp_avg", "exp_avg_sq"}
        return keys | {"max_exp_avg_sq"} if options["amsgrad"] else keys

    def _update_group(self, group: ParamGroup, pairs: list[tuple[Tensor, np.ndarray]]) -> None:
        # NOTE: Python floats, so that float32 arrays stay float32 (a NumPy float64 would promote)
        lr = float(group["lr"])
        beta1, beta2 = float(group["betas"][0]), float(group["betas"][1])
        eps = float(group["eps"])
        weight_decay = float(group["weight_decay"])
        amsgrad = bool(group["amsgrad"])
        maximize = bool(group["maximize"])
        decoupled = self._decoupled
        for p, g in pairs:
            x = p.data
            state = self.state.get(p)
            if state is None:
                state = self.state[p] = {
                    "step": 0,
                    "exp_avg": np.zeros_like(x),
                    "exp_avg_sq": np.zeros_like(x),
                }
            if amsgrad and "max_exp_avg_sq" not in state:
                state["max_exp_avg_sq"] = np.zeros_like(x)
            state["step"] += 1
            t = state["step"]
            m, v = state["exp_avg"], state["exp_avg_sq"]
            s, u = self._buffers(p, 2)
            d = g  # the direction; p.grad itself is never written
            if weight_decay and decoupled:
                x *= 1.0 - lr * weight_decay
            if weight_decay and not decoupled:
                np.multiply(x, weight_decay, out=s)
                if maximize:
                    np.subtract(s, g, out=s)
                else:
                    np.add(g, s, out=s)
                d = s
            elif maximize:
                np.negative(g, out=s)
                d = s
            # m = b1 * m + (1 - b1) * d
            m *= beta1
            np.multiply(d, 1.0 - beta1, out=u)
            m += u
            # v = b2 * v + (1 - b2) * d * d
            v *= beta2
            np.multiply(d, 1.0 - beta2, out=u)
            u *= d
            v += u
            if amsgrad:
                v = np.maximum(state["max_exp_avg_sq"], v, out=state["max_exp_avg_sq"])
            # NOTE: the bias corrections are Python floats: exact powers, and no float64 promotion
            bias1 = 1.0 - beta1**t
            bias2_sqrt = (1.0 - beta2**t) ** 0.5
            step_size = lr / bias1
            np.sqrt(v, out=u)  # u = sqrt(v) / sqrt(1 - b2^t) + eps
            u /= bias2_sqrt
            u += eps
            np.multiply(m, -step_size, out=s)  # d (if it was in s) is no longer needed
            s /= u
            x += s


class AdamW(Adam):
    """Adam with decoupled weight decay, p *= 1 - lr * weight_decay each step (like
    `torch.optim.AdamW`); weight_decay defaults to 1e-2.

    >>> import tinygrad_lite as tl
    >>> w = tl.Tensor([1.0], requires_grad=True)
    >>> opt = tl.optim.AdamW([w], lr=0.1, weight_decay=0.5)
    >>> w.grad = np.zeros(1, np.float32)   # no gradient: only the decay acts
    >>> opt.step(); w                      # 1 * (1 - 0.1 * 0.5)
    Tensor([0.95], requires_grad=True)
    """

    _decoupled = True

    def __init__(
        self,
        params: Iterable[Any],
        lr: float = 1e-3,
        betas: tuple[float, float] = (0.9, 0.999),
        eps: float = 1e-8,
        weight_decay: float = 1e-2,
        amsgrad: bool = False,
        *,
        maximize: bool = False,
    ) -> None:
        super().__init__(
            params, lr, betas, eps, weight_decay=weight_decay, amsgrad=amsgrad, maximize=maximize
        )
