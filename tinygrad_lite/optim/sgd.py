"""SGD with momentum, dampening, Nesterov momentum and weight decay (like `torch.optim.SGD`)."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

import numpy as np

from ..tensor import Tensor
from .optimizer import Optimizer, ParamGroup


class SGD(Optimizer):
    """Stochastic gradient descent, optionally with momentum (like `torch.optim.SGD`).

    Per step, with g the gradient (negated when `maximize`):
    g += weight_decay * p; b = momentum * b + (1 - dampening) * g (b = g on the first step);
    g = g + momentum * b if nesterov else b; p -= lr * g.
    """

    def __init__(
        self,
        params: Iterable[Any],
        lr: float = 1e-3,
        momentum: float = 0.0,
        dampening: float = 0.0,
        weight_decay: float = 0.0,
        nesterov: bool = False,
        *,
        maximize: bool = False,
    ) -> None:
        defaults = dict(
            lr=lr,
            momentum=momentum,
            dampening=dampening,
            weight_decay=weight_decay,
            nesterov=nesterov,
            maximize=maximize,
        )
        super().__init__(params, defaults)

    def _check_options(self, options: dict[str, Any], where: str) -> None:
        self._check_nonnegative(options, where, "lr", "momentum", "dampening", "weight_decay")
        if options["nesterov"] and (options["momentum"] <= 0 or options["dampening"] != 0):
            raise ValueError(
                f"SGD: {where}nesterov needs momentum > 0 and dampening = 0, got "
                f"momentum={options['momentum']!r}, dampening={options['dampening']!r}"
            )

    def _state_keys(self, options: dict[str, Any]) -> set[str]:
        return {"momentum_buffer"} if options["momentum"] != 0 else set()

    def _update_group(self, group: ParamGroup, pairs: list[tuple[Tensor, np.ndarray]]) -> None:
        # NOTE: Python floats, so that float32 arrays stay float32 (a NumPy float64 would promote)
        lr = float(group["lr"])
        momentum = float(group["momentum"])
        dampening = float(group["dampening"])
        weight_decay = float(group["weight_decay"])
        nesterov = bool(group["nesterov"])
        maximize = bool(group["maximize"])
        for p, g in pairs:
            x = p.data
            bufs = self._buffers(p, 2 if nesterov and (weight_decay or maximize) else 1)
            s = bufs[0]
            d, own = g, False  # the direction, and whether it sits in our scratch (p.grad: never)
            if weight_decay:
                np.multiply(x, weight_decay, out=s)
                if maximize:
                    np.subtract(s, g, out=s)
                else:
                    np.add(g, s, out=s)
                d, own = s, True
            elif maximize:
                np.negative(g, out=s)
                d, own = s, True
            if momentum:
                state = self.state.setdefault(p, {})
                b = state.get("momentum_buffer")
                if b is None:
                    # NOTE: order="K" keeps p's memory layout; ufuncs on mixed layouts are slow
                    b = state["momentum_buffer"] = d.copy(order="K")
                else:
                    b *= momentum
                    if dampening:
                        # NOTE: nesterov excludes dampening, so d is not needed after this
                        np.multiply(d, 1.0 - dampening, out=s)
                        b += s
                    else:
                        b += d
                if nesterov:
                    u = bufs[1] if own else s
                    np.multiply(b, momentum, out=u)
                    np.add(d, u, out=u)
                    d, own = u, True
                else:
                    d, own = b, False
            if own:
                d *= lr
                x -= d
            else:
                np.multiply(d, lr, out=s)
                x -= s
