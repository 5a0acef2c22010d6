"""RMSprop, optionally centered and with momentum (like `torch.optim.RMSprop`)."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

import numpy as np

from ..tensor import Tensor
from .optimizer import Optimizer, ParamGroup


class RMSprop(Optimizer):
    """RMSprop (like `torch.optim.RMSprop`).

    Per step, with g the gradient (negated when `maximize`), plus weight_decay * p:
    v = alpha * v + (1 - alpha) * g * g; avg = sqrt(v) + eps, or, when centered,
    m = alpha * m + (1 - alpha) * g and avg = sqrt(v - m * m) + eps;
    with momentum b = momentum * b + g / avg and p -= lr * b, else p -= lr * g / avg.

    >>> import tinygrad_lite as tl
    >>> w = tl.Tensor([1.0, -1.0], requires_grad=True)
    >>> opt = tl.optim.RMSprop([w], lr=0.01)
    >>> (w * w).sum().backward(); opt.step()   # v = 0.01 g^2: the step is 10 lr
    >>> w.data.round(4)
    array([ 0.9, -0.9], dtype=float32)
    """

    def __init__(
        self,
        params: Iterable[Any],
        lr: float = 1e-2,
        alpha: float = 0.99,
        eps: float = 1e-8,
        weight_decay: float = 0.0,
        momentum: float = 0.0,
        centered: bool = False,
        *,
        maximize: bool = False,
    ) -> None:
        defaults = dict(
            lr=lr,
            alpha=alpha,
            eps=eps,
            weight_decay=weight_decay,
            momentum=momentum,
            centered=centered,
            maximize=maximize,
        )
        super().__init__(params, defaults)

    def _check_options(self, options: dict[str, Any], where: str) -> None:
        self._check_nonnegative(options, where, "lr", "alpha", "eps", "weight_decay", "momentum")

    def _state_keys(self, options: dict[str, Any]) -> set[str]:
        keys = {"step", "square_avg"}
        if options["momentum"] > 0:
            keys.add("momentum_buffer")
        if options["centered"]:
            keys.add("grad_avg")
        return keys

    def _update_group(self, group: ParamGroup, pairs: list[tuple[Tensor, np.ndarray]]) -> None:
        # NOTE: Python floats, so that float32 arrays stay float32 (a NumPy float64 would promote)
        lr = float(group["lr"])
        alpha = float(group["alpha"])
        eps = float(group["eps"])
        weight_decay = float(group["weight_decay"])
        momentum = float(group["momentum"])
        centered = bool(group["centered"])
        maximize = bool(group["maximize"])
        for p, g in pairs:
            x = p.data
            state = self.state.get(p)
            if state is None:
                state = self.state[p] = {"step": 0, "square_avg": np.zeros_like(x)}
            if momentum > 0 and "momentum_buffer" not in state:
                state["momentum_buffer"] = np.zeros_like(x)
            if centered and "grad_avg" not in state:
                state["grad_avg"] = np.zeros_like(x)
            state["step"] += 1
            s, u = self._buffers(p, 2)
            d = g  # the direction; p.grad itself is never written
            if weight_decay:
                np.multiply(x, weight_decay, out=s)
                if maximize:
                    np.subtract(s, g, out=s)
                else:
                    np.add(g, s, out=s)
                d = s
            elif maximize:
                np.negative(g, out=s)
                d = s
            v = state["square_avg"]  # v = alpha * v + (1 - alpha) * d * d
            v *= alpha
            np.multiply(d, 1.0 - alpha, out=u)
            u *= d
            v += u
            if centered:
                m = state["grad_avg"]  # m = alpha * m + (1 - alpha) * d
                m *= alpha
                np.multiply(d, 1.0 - alpha, out=u)
                m += u
                np.multiply(m, m, out=u)  # u = sqrt(v - m * m)
                np.subtract(v, u, out=u)
                np.sqrt(u, out=u)
            else:
                np.sqrt(v, out=u)
            u += eps  # u is now the denominator, avg
            if momentum > 0:
                b = state["momentum_buffer"]
                b *= momentum
                np.divide(d, u, out=u)
                b += u
                np.multiply(b, lr, out=u)
                x -= u
            else:
                np.multiply(d, -lr, out=s)  # d (if it was in s) is no longer needed
                s /= u
                x += s
