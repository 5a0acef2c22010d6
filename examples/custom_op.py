"""Write your own differentiable op with `tl.Function`, use it, and check it with `tl.gradcheck`.

    python examples/custom_op.py

The op is LogCosh, log(cosh(x)): a loss that behaves like x**2 / 2 near 0 and like |x| far
away, so a few outliers do not dominate training as they do under the squared error.
It is written exactly like the built-in ops: `forward` on NumPy arrays saves what `backward`
needs; `backward` turns the output gradient `g` into one gradient per input.
"""

from __future__ import annotations

import math
from collections.abc import Callable

import numpy as np

import tinygrad_lite as tl
from tinygrad_lite import Tensor, nn


class LogCosh(tl.Function):
    """log(cosh(x)) elementwise, derivative tanh(x): `LogCosh.apply(Tensor([0.0, 2.0]))`."""

    op = "logcosh"  # the name graph drawings (tl.viz) show

    def forward(self, x):
        # NOTE: np.log(np.cosh(x)) overflows to inf once |x| > ~710 (cosh x ~ e^|x| / 2).
        # Rewritten as |x| + log(1 + e^(-2|x|)) - log 2, the exponent is never positive, so
        # nothing overflows; log1p keeps the last term's digits when e^(-2|x|) is tiny.
        a = np.abs(x)
        self.t = np.tanh(x)  # all backward needs (tanh saturates to +-1, never overflows)
        return a + np.log1p(np.exp(-2.0 * a)) - math.log(2.0)

    def backward(self, g):
        return (g * self.t,)  # one gradient per input: d log(cosh(x)) / dx = tanh(x)


def logcosh_loss(pred: Tensor, target: Tensor) -> Tensor:
    """Mean log(cosh(pred - target)): a smooth L1 loss (PyTorch's nearest is HuberLoss)."""
    return LogCosh.apply(pred - target).mean()


def make_model() -> nn.Module:
    """A small 1-16-1 tanh MLP, always from the same initial weights."""
    tl.manual_seed(0)
    return nn.Sequential(nn.Linear(1, 16), nn.Tanh(), nn.Linear(16, 1))


def fit(
    model: nn.Module, loss_fn: Callable[[Tensor, Tensor], Tensor], xb: Tensor, yb: Tensor
) -> tuple[float, float]:
    """300 steps of full-batch Adam; returns the first and the last loss."""
    opt = tl.optim.Adam(model.parameters(), lr=0.03)
    losses = []
    for _ in range(300):
        loss = loss_fn(model(xb), yb)
        opt.zero_grad()
        loss.backward()
        opt.step()
        losses.append(loss.item())
    return losses[0], losses[-1]


def main() -> None:
    tl.set_default_dtype(tl.float64)  # gradcheck compares in float64; keep the model there too
    rng = np.random.default_rng(0)

    # 1) the numerics: the stable form stays finite where the textbook formula overflows
    x = np.array([-1000.0, -1.0, 0.0, 1.0, 1000.0])
    with np.errstate(over="ignore"):
        naive = np.log(np.cosh(x))
    ours = LogCosh.apply(Tensor(x)).data
    print("x                 ", " ".join(f"{v:>10.4f}" for v in x))
    print("np.log(np.cosh(x))", " ".join(f"{v:>10.4f}" for v in naive))
    print("LogCosh.apply(x)  ", " ".join(f"{v:>10.4f}" for v in ours))
    assert np.all(np.isfinite(ours)), "LogCosh overflowed"

    # 2) gradcheck the op itself: backward against central differences, in float64
    xs = Tensor(rng.normal(0, 3, (4, 5)), requires_grad=True)
    tl.gradcheck(LogCosh.apply, xs)
    print(f"gradcheck LogCosh on a {xs.shape} float64 tensor: passed")

    # 3) use it: fit y = sin(x) with an MLP; a few targets are corrupted by large outliers
    X = rng.uniform(-3, 3, (64, 1))
    y = np.sin(X)
    y[::16] += 8.0  # 4 outliers
    clean = np.ones(len(X), bool)
    clean[::16] = False

    model = make_model()
    head = Tensor(X[:8], requires_grad=True)
    tl.gradcheck(lambda inp: logcosh_loss(model(inp), Tensor(y[:8])), head)
    print("gradcheck of an MLP's LogCosh loss with respect to its input batch: passed")

    for name, loss_fn in [("LogCosh", logcosh_loss), ("MSE", nn.functional.mse_loss)]:
        model = make_model()  # the same initial weights for both losses
        first, last = fit(model, loss_fn, Tensor(X), Tensor(y))
        with tl.no_grad():
            err = np.abs(model(Tensor(X)).data - np.sin(X))[clean].mean()
        print(
            f"MLP(1, 16, 1) trained with {name:7s}: loss {first:.4f} -> {last:.4f}, "
            f"mean |model(x) - sin(x)| on the clean points {err:.3f}"
        )


if __name__ == "__main__":
    main()
