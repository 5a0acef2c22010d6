"""One MLP, two APIs: micrograd's lists of Values against one batched Tensor, same weights.

    python examples/compare_scalar_tensor.py [--steps 20] [--plot both.png]

Both sides compute Karpathy's two-moons loss (max-margin hinge + 1e-4 L2) on the same 100
points from the same initial weights. The script prints the largest difference between the two
gradients (float64, so it should be rounding noise, ~1e-15), then trains each for --steps steps
and prints the median time per step and the speed-up. --plot saves both decision boundaries.
"""

from __future__ import annotations

import argparse
import random
import statistics
import sys
import time
from collections.abc import Callable

import numpy as np

import tinygrad_lite as tl
from tinygrad_lite.datasets import moons
from tinygrad_lite.micrograd import MLP, Value


def scalar_loss(model: MLP, X: np.ndarray, y: np.ndarray) -> Value:
    """The demo notebook's loss, sample by sample: each input is a list of two Values."""
    inputs = [list(map(Value, xrow)) for xrow in X]
    scores = list(map(model, inputs))  # one Value per sample
    losses = [(1 + -yi * scorei).relu() for yi, scorei in zip(y, scores)]
    data_loss = sum(losses) * (1.0 / len(losses))
    reg_loss = 1e-4 * sum(p * p for p in model.parameters())  # 337 scalar Values
    return data_loss + reg_loss


def tensor_loss(model: MLP, xb: tl.Tensor, yb: tl.Tensor) -> tl.Tensor:
    """The same loss on the whole batch at once."""
    scores = model(xb)  # (100, 2) -> (100, 1)
    data_loss = (1 - yb * scores).relu().mean()
    reg_loss = 1e-4 * sum((p * p).sum() for p in model.tensor_parameters())
    return data_loss + reg_loss


def scalar_step(model: MLP, X: np.ndarray, y: np.ndarray, lr: float) -> float:
    """One micrograd-style step: backward, then `p.data -= lr * p.grad` for every Value."""
    loss = scalar_loss(model, X, y)
    model.zero_grad()
    loss.backward()
    for p in model.parameters():
        p.data -= lr * p.grad
    return loss.data


def tensor_step(model: MLP, xb: tl.Tensor, yb: tl.Tensor, lr: float) -> float:
    """The same step with one update per weight matrix."""
    loss = tensor_loss(model, xb, yb)
    model.zero_grad()
    loss.backward()
    for p in model.tensor_parameters():
        p.data -= lr * p.grad
    return loss.item()


def gradients(model: MLP) -> list[np.ndarray]:
    """A copy of each weight matrix's and bias vector's gradient."""
    return [p.grad.copy() for p in model.tensor_parameters()]


def train(step: Callable[..., float], model: MLP, data: tuple, steps: int) -> tuple[float, float]:
    """Run the demo's schedule for `steps` steps; return the median step time and last loss."""
    times, loss = [], float("nan")
    for k in range(steps):
        lr = 1.0 - 0.9 * k / 100  # the demo's learning-rate decay
        start = time.perf_counter()
        loss = step(model, *data, lr)
        times.append(time.perf_counter() - start)
    return statistics.median(times), loss


def plot_boundaries(models: dict[str, MLP], X: np.ndarray, y: np.ndarray, path: str) -> None:
    """Save each model's decision boundary over the data, side by side, as one image."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    xx, yy = np.meshgrid(np.linspace(-2, 3, 200), np.linspace(-1.5, 2, 200))
    grid = tl.Tensor(np.c_[xx.ravel(), yy.ravel()])  # (40000, 2)
    fig, axes = plt.subplots(1, len(models), figsize=(5 * len(models), 4), squeeze=False)
    for ax, (title, model) in zip(axes[0], models.items()):
        with tl.no_grad():
            z = model(grid).data.reshape(xx.shape) > 0
        ax.contourf(xx, yy, z, cmap=plt.cm.Spectral, alpha=0.8)
        ax.scatter(X[:, 0], X[:, 1], c=y, s=20, cmap=plt.cm.Spectral, edgecolors="k")
        ax.set_title(title)
    fig.savefig(path, dpi=100, bbox_inches="tight")
    plt.close(fig)
    print(f"decision boundaries saved to {path}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--steps", type=int, default=20, help="training steps per API")
    parser.add_argument("--seed", type=int, default=1337)
    parser.add_argument("--plot", metavar="PATH", help="save both decision boundaries (PNG)")
    args = parser.parse_args()
    if args.steps < 1:
        parser.error("--steps must be at least 1")
    if args.plot:
        try:
            import matplotlib  # noqa: F401  (checked before training, not after)
        except ImportError:
            sys.exit(
                "--plot needs matplotlib: pip install matplotlib (or 'tinygrad-lite[examples]')"
            )

    X, y = moons(100, noise=0.1, seed=args.seed)
    y = y * 2 - 1  # labels -1 or +1 for the max-margin loss
    xb = tl.Tensor(X)  # float64, like the micrograd model
    yb = tl.Tensor(y.astype(np.float64)).reshape(-1, 1)  # (100,) -> (100, 1)

    random.seed(args.seed)
    model = MLP(2, [16, 16, 1])  # micrograd's initialisation and float64 weights
    start = {k: v.data.copy() for k, v in model.state_dict().items()}
    print(f"MLP(2, [16, 16, 1]): {len(model.parameters())} parameters")

    # 1) the same gradient two ways
    model.zero_grad()
    loss_s = scalar_loss(model, X, y)
    loss_s.backward()
    grads_s = gradients(model)
    model.zero_grad()
    loss_t = tensor_loss(model, xb, yb)
    loss_t.backward()
    grads_t = gradients(model)
    diff = max(float(np.abs(a - b).max()) for a, b in zip(grads_s, grads_t))
    print(f"loss: micrograd API {loss_s.data:.17f}, tensor API {loss_t.item():.17f}")
    print(f"largest absolute gradient difference: {diff:.3g}")

    # 2) train each from the same weights and time the steps
    scalar_model = model
    tensor_model = MLP(2, [16, 16, 1])
    tensor_model.load_state_dict(start)
    scalar_time, scalar_last = train(scalar_step, scalar_model, (X, y), args.steps)
    tensor_time, tensor_last = train(tensor_step, tensor_model, (xb, yb), args.steps)
    apart = max(
        float(np.abs(a.data - b.data).max())
        for a, b in zip(scalar_model.tensor_parameters(), tensor_model.tensor_parameters())
    )
    print(
        f"after {args.steps} steps: loss {scalar_last:.6f} (micrograd API), "
        f"{tensor_last:.6f} (tensor API); weights differ by at most {apart:.3g}"
    )
    print(
        f"time per step (median of {args.steps}): micrograd API {scalar_time * 1e3:.2f} ms, "
        f"tensor API {tensor_time * 1e3:.3f} ms, speed-up {scalar_time / tensor_time:.1f}x"
    )

    if args.plot:
        models = {
            f"micrograd API (lists of Values), {args.steps} steps": scalar_model,
            f"tensor API (one batch), {args.steps} steps": tensor_model,
        }
        plot_boundaries(models, X, y, args.plot)


if __name__ == "__main__":
    main()
