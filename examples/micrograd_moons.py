"""Karpathy's two-moons demo, first through the micrograd API, then through the tensor API.

    python examples/micrograd_moons.py [--steps 100] [--plot moons.png]

Part 1 is micrograd code with one import changed: lists of Values, `p.data -= lr * p.grad`.
Part 2 trains the same model (same initial weights) on the whole batch as one Tensor.
"""

from __future__ import annotations

import argparse
import random
import time

import numpy as np

import tinygrad_lite as tl
from tinygrad_lite.datasets import moons
from tinygrad_lite.micrograd import MLP, Value


def train_scalar(model, X, y, steps):
    """The demo notebook's loop: per-sample lists of Values, max-margin loss, L2, plain SGD."""

    def loss():
        inputs = [list(map(Value, xrow)) for xrow in X]
        scores = list(map(model, inputs))
        losses = [(1 + -yi * scorei).relu() for yi, scorei in zip(y, scores)]
        data_loss = sum(losses) * (1.0 / len(losses))
        reg_loss = 1e-4 * sum(p * p for p in model.parameters())
        accuracy = [(yi > 0) == (scorei.data > 0) for yi, scorei in zip(y, scores)]
        return data_loss + reg_loss, sum(accuracy) / len(accuracy)

    start = time.perf_counter()
    for k in range(steps):
        total_loss, acc = loss()
        model.zero_grad()
        total_loss.backward()
        learning_rate = 1.0 - 0.9 * k / 100
        for p in model.parameters():
            p.data -= learning_rate * p.grad
        if k % 10 == 0 or k == steps - 1:
            print(f"  step {k:3d} loss {total_loss.data:.6f} accuracy {acc * 100:.0f}%")
    return (time.perf_counter() - start) / steps


def train_tensor(model, X, y, steps):
    """The same training, batched: one (100, 2) Tensor through the same weight matrices."""
    xb, yb = tl.Tensor(X), tl.Tensor(y.astype(np.float64)).reshape(-1, 1)
    params = model.tensor_parameters()
    start = time.perf_counter()
    for k in range(steps):
        scores = model(xb)  # (100, 2) -> (100, 1)
        data_loss = (1 - yb * scores).relu().mean()
        reg_loss = 1e-4 * sum((p * p).sum() for p in params)
        total_loss = data_loss + reg_loss
        acc = ((yb.data > 0) == (scores.data > 0)).mean()
        model.zero_grad()
        total_loss.backward()
        learning_rate = 1.0 - 0.9 * k / 100
        for p in params:
            p.data -= learning_rate * p.grad
        if k % 10 == 0 or k == steps - 1:
            print(f"  step {k:3d} loss {total_loss.item():.6f} accuracy {acc * 100:.0f}%")
    return (time.perf_counter() - start) / steps


def plot_boundary(model, X, y, path):
    """Save the learned decision boundary over the data as a PNG."""
    try:
        import matplotlib

        matplotlib.use("Agg")
        import matplotlib.pyplot as plt
    except ImportError:
        print("--plot needs matplotlib: pip install 'tinygrad-lite[examples]'")
        return
    xx, yy = np.meshgrid(np.linspace(-2, 3, 200), np.linspace(-1.5, 2, 200))
    grid = np.c_[xx.ravel(), yy.ravel()]
    with tl.no_grad():
        z = model(tl.Tensor(grid)).data.reshape(xx.shape) > 0
    fig, ax = plt.subplots(figsize=(5, 4))
    ax.contourf(xx, yy, z, cmap=plt.cm.Spectral, alpha=0.8)
    ax.scatter(X[:, 0], X[:, 1], c=y, s=20, cmap=plt.cm.Spectral, edgecolors="k")
    ax.set_title("two moons: MLP(2, [16, 16, 1])")
    fig.savefig(path, dpi=100, bbox_inches="tight")
    print(f"decision boundary saved to {path}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--steps", type=int, default=100)
    parser.add_argument("--seed", type=int, default=1337)
    parser.add_argument("--plot", metavar="PATH", help="save the decision boundary as a PNG")
    args = parser.parse_args()

    X, y = moons(100, noise=0.1, seed=args.seed)
    y = y * 2 - 1  # labels -1 or +1 for the max-margin loss

    random.seed(args.seed)
    model = MLP(2, [16, 16, 1])  # micrograd's initialisation, from Python's random
    start_weights = {k: v.data.copy() for k, v in model.state_dict().items()}
    print(model)
    print("number of parameters", len(model.parameters()))

    print("\n1) micrograd API (lists of Values):")
    scalar_step = train_scalar(model, X, y, args.steps)

    model.load_state_dict(start_weights)  # the same initial weights for the tensor API
    print("\n2) tensor API (one batch):")
    tensor_step = train_tensor(model, X, y, args.steps)

    print(
        f"\ntime per step: micrograd API {scalar_step * 1e3:.1f} ms, "
        f"tensor API {tensor_step * 1e3:.2f} ms ({scalar_step / tensor_step:.0f}x faster)"
    )
    if args.plot:
        plot_boundary(model, X, y, args.plot)


if __name__ == "__main__":
    main()
