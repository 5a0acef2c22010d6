"""The `tinygrad-lite` command: train an MLP on MNIST-like data, or evaluate a saved one.

    tinygrad-lite train [--dataset mnist|fashion-mnist|mnist-sample] [--epochs 15] [--save m.npz]
    tinygrad-lite evaluate --load m.npz [--dataset ...]

Also reachable as `python -m tinygrad_lite`.
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

import numpy as np

from . import datasets, nn
from . import optim as optim_
from .autograd import no_grad
from .data import DataLoader, TensorDataset
from .nn import functional as F
from .serialization import load, save
from .tensor import Tensor, manual_seed

DATASETS = ("mnist", "fashion-mnist", "mnist-sample")
OPTIMIZERS = {"sgd": 0.05, "adam": 1e-3, "adamw": 1e-3, "rmsprop": 1e-3}  # name -> default lr


# ----------------------------------------------------------------------------- data


def load_data(name: str, data_dir: str | None) -> tuple[tuple[np.ndarray, ...], str]:
    """(x_train, y_train, x_test, y_test) and a one-line note on where they came from.

    `name` is one of DATASETS; `data_dir` a folder holding the four IDX files, or None to
    search as `tinygrad_lite.datasets` does. MNIST falls back to the bundled sample when its
    files are nowhere to be found and cannot be downloaded, so the command always runs.

    >>> (x_train, y_train, x_test, y_test), note = load_data("mnist-sample", None)
    >>> x_train.shape, note
    ((4000, 28, 28), 'the bundled MNIST sample (4,000 train / 1,000 test)')
    """
    if name == "mnist-sample":
        return datasets.mnist_sample(), "the bundled MNIST sample (4,000 train / 1,000 test)"
    loader = datasets.mnist if name == "mnist" else datasets.fashion_mnist
    try:
        return loader(root=data_dir), f"{name} (full)"
    except ValueError as e:  # a malformed file: say so rather than train on something else
        raise SystemExit(f"error: {e}") from None
    except (OSError, RuntimeError) as e:
        if name != "mnist":
            raise SystemExit(f"error: {e}") from None
        note = (
            "MNIST not found locally and not downloadable (set TINYGRAD_LITE_DATA or "
            "--data-dir); training on the bundled sample (4,000 train / 1,000 test) instead"
        )
        return datasets.mnist_sample(), note


def flatten_images(x: np.ndarray, mean: float, std: float) -> np.ndarray:
    """uint8 (N, 28, 28) -> float32 (N, 784), standardised with the training set's mean/std.

    `mean` and `std` are of the pixels scaled to [0, 1] (like torchvision's ToTensor then
    Normalize, flattened).

    >>> x = flatten_images(np.full((2, 28, 28), 255, np.uint8), mean=0.5, std=0.25)
    >>> x.shape, x.dtype, float(x[0, 0])
    ((2, 784), dtype('float32'), 2.0)
    """
    x = x.reshape(len(x), -1).astype(np.float32)
    x /= 255.0
    x -= mean
    x /= std
    return x


# ----------------------------------------------------------------------------- progress


class Progress:
    """A per-epoch progress bar: tqdm when installed, a plain one on a terminal otherwise.

    Drawn on stderr, and only on a terminal; `enabled=False` (the `--quiet` flag) draws nothing.

    >>> bar = Progress(total=3, desc="epoch 1/1", enabled=False)
    >>> for loss in (0.9, 0.5, 0.3):
    ...     bar.update(loss)
    >>> bar.close(); bar.n
    3
    """

    def __init__(self, total: int, desc: str, enabled: bool = True) -> None:
        self.total, self.desc, self.n = total, desc, 0
        self.bar = None
        self.plain = False
        if not enabled:
            return
        try:
            from tqdm import tqdm

            self.bar = tqdm(total=total, desc=desc, leave=False, unit="batch", disable=None)
        except ImportError:
            self.plain = sys.stderr.isatty()

    def update(self, loss: float) -> None:
        """Count one more batch, showing `loss` from time to time."""
        self.n += 1
        if self.bar is not None:
            self.bar.update(1)
            if self.n % 20 == 0:
                self.bar.set_postfix(loss=f"{loss:.4f}")
        elif self.plain and (self.n % 10 == 0 or self.n == self.total):
            filled = int(30 * self.n / self.total)
            print(
                f"\r{self.desc} [{'#' * filled}{'.' * (30 - filled)}] {self.n}/{self.total} "
                f"loss {loss:.4f}",
                end="",
                file=sys.stderr,
                flush=True,
            )

    def close(self) -> None:
        """Remove the bar at the end of the epoch."""
        if self.bar is not None:
            self.bar.close()
        elif self.plain:
            print("\r" + " " * 79 + "\r", end="", file=sys.stderr, flush=True)


# ----------------------------------------------------------------------------- training


def build_model(hidden: list[int]) -> nn.MLP:
    """The default model: MLP 784 -> hidden... -> 10 (ReLU between layers).

    Its state dict loads into `torch.nn.Sequential(Linear, ReLU, ..., Linear)`.

    >>> build_model([256, 128])
    MLP(
      (0): Layer(nin=784, nout=256, nonlin=relu)
      (2): Layer(nin=256, nout=128, nonlin=relu)
      (4): Layer(nin=128, nout=10, nonlin=linear)
    )
    """
    return nn.MLP(784, [*hidden, 10])


def make_optimizer(
    name: str, params: list[Tensor], lr: float, momentum: float, weight_decay: float
) -> optim_.Optimizer:
    """The optimizer `--optimizer` names ('sgd', 'adam', 'adamw' or 'rmsprop'), from
    `tinygrad_lite.optim` (like `torch.optim`'s); momentum is ignored by Adam and AdamW.

    >>> model = build_model([32])
    >>> make_optimizer("adamw", model.parameters(), lr=1e-3, momentum=0.0, weight_decay=0.01)
    AdamW (
    Parameter Group 0
        amsgrad: False
        betas: (0.9, 0.999)
        eps: 1e-08
        lr: 0.001
        maximize: False
        weight_decay: 0.01
    )
    """
    if name == "sgd":
        return optim_.SGD(params, lr=lr, momentum=momentum, weight_decay=weight_decay)
    if name == "adam":
        return optim_.Adam(params, lr=lr, weight_decay=weight_decay)
    if name == "adamw":
        return optim_.AdamW(params, lr=lr, weight_decay=weight_decay)
    return optim_.RMSprop(params, lr=lr, momentum=momentum, weight_decay=weight_decay)


@no_grad()
def evaluate(
    model: nn.Module, x: np.ndarray, y: np.ndarray, batch_size: int = 1000
) -> tuple[float, float]:
    """(mean cross-entropy, accuracy) of model on (x, y), in eval mode and without gradients.

    x is float (N, 784), y int (N,); the data goes through in batches of `batch_size`.

    >>> model = build_model([32])
    >>> x, y = np.zeros((50, 784), np.float32), np.zeros(50, np.int64)
    >>> loss, acc = evaluate(model, x, y)
    >>> loss > 0, acc in (0.0, 1.0)   # one input repeated: all right or all wrong
    (True, True)
    """
    model.eval()
    total_loss, correct = 0.0, 0
    for start in range(0, len(x), batch_size):
        xb = Tensor._from_op(x[start : start + batch_size], None)
        yb = y[start : start + batch_size]
        logits = model(xb)
        total_loss += F.cross_entropy(logits, yb, reduction="sum").item()
        correct += int((logits.data.argmax(1) == yb).sum())
    return total_loss / len(x), correct / len(x)


def train(args: argparse.Namespace) -> dict[str, Any]:
    """Train as the command line asks; print progress; return the history and final figures.

    `args` come from `parser()`; see `tinygrad-lite train --help`.

    >>> args = parser().parse_args(
    ...     ["train", "--dataset", "mnist-sample", "--epochs", "1", "--hidden", "32", "--quiet"]
    ... )
    >>> result = train(args)
    data: the bundled MNIST sample (4,000 train / 1,000 test)
    model: MLP 784 -> 32 -> 10 (25,450 parameters), sgd lr=0.05, ...
    epoch  1/1  loss ...  acc ...%  val_loss ...  val_acc ...%  (...s)
    test accuracy: ...% (loss ...) on 1,000 images
    >>> sorted(result), len(result["history"]["loss"])
    (['history', 'model', 'test_acc', 'test_loss'], 1)
    """
    (x_train, y_train, x_test, y_test), note = load_data(args.dataset, args.data_dir)
    print(f"data: {note}")
    rng = np.random.default_rng(args.seed)
    perm = rng.permutation(len(x_train))
    n_val = min(args.val_size, len(x_train) // 10)
    val_idx, train_idx = perm[:n_val], perm[n_val:]
    mean = float(x_train[train_idx].mean() / 255.0)
    std = float(x_train[train_idx].std() / 255.0)
    xtr = flatten_images(x_train[train_idx], mean, std)
    ytr = y_train[train_idx]
    xval = flatten_images(x_train[val_idx], mean, std)
    yval = y_train[val_idx]
    xte = flatten_images(x_test, mean, std)

    manual_seed(args.seed)
    model = build_model(args.hidden)
    lr = args.lr if args.lr is not None else OPTIMIZERS[args.optimizer]
    momentum = args.momentum
    if momentum is None:
        momentum = 0.9 if args.optimizer == "sgd" else 0.0
    if momentum and args.optimizer in ("adam", "adamw"):
        raise SystemExit(f"error: --momentum does not apply to {args.optimizer} (it has betas)")
    opt = make_optimizer(args.optimizer, model.parameters(), lr, momentum, args.weight_decay)
    steps = args.epochs * -(-len(xtr) // args.batch_size)
    sched = optim_.lr_scheduler.CosineAnnealingLR(opt, T_max=steps) if args.cosine else None
    loader = DataLoader(
        TensorDataset(xtr, ytr), batch_size=args.batch_size, shuffle=True, seed=args.seed
    )
    sizes = " -> ".join(str(n) for n in [784, *args.hidden, 10])
    print(
        f"model: MLP {sizes} ({sum(p.size for p in model.parameters()):,} parameters), "
        f"{args.optimizer} lr={lr}, batch {args.batch_size}, {args.epochs} epochs, "
        f"{len(xtr):,} train / {len(xval):,} validation / {len(xte):,} test images"
    )

    history: dict[str, list[float]] = {k: [] for k in ("loss", "acc", "val_loss", "val_acc")}
    for epoch in range(1, args.epochs + 1):
        model.train()
        start = time.perf_counter()
        bar = Progress(len(loader), f"epoch {epoch}/{args.epochs}", enabled=not args.quiet)
        seen, loss_sum, correct = 0, 0.0, 0
        for xb, yb in loader:
            logits = model(xb)
            loss = F.cross_entropy(logits, yb)
            opt.zero_grad()
            loss.backward()
            opt.step()
            if sched is not None:
                sched.step()
            n = len(yb)
            loss_val = loss.item()
            seen += n
            loss_sum += loss_val * n
            correct += int((logits.data.argmax(1) == yb.data).sum())
            bar.update(loss_val)
        bar.close()
        elapsed = time.perf_counter() - start
        val_loss, val_acc = evaluate(model, xval, yval) if len(xval) else (float("nan"),) * 2
        for key, v in zip(history, (loss_sum / seen, correct / seen, val_loss, val_acc)):
            history[key].append(v)
        print(
            f"epoch {epoch:2d}/{args.epochs}  loss {loss_sum / seen:.4f}  "
            f"acc {100 * correct / seen:.2f}%  val_loss {val_loss:.4f}  "
            f"val_acc {100 * val_acc:.2f}%  ({elapsed:.2f}s)",
            flush=True,
        )

    test_loss, test_acc = evaluate(model, xte, y_test)
    print(f"test accuracy: {100 * test_acc:.2f}% (loss {test_loss:.4f}) on {len(xte):,} images")
    if args.save:
        save(
            {
                "model": model.state_dict(),
                "optimizer": opt.state_dict(),
                "config": {
                    "hidden": list(args.hidden),
                    "mean": mean,
                    "std": std,
                    "dataset": args.dataset,
                    "epochs": args.epochs,
                },
                "history": history,
            },
            args.save,
        )
        print(f"saved model to {args.save}")
    if args.plot:
        plot_history(history, args.plot, title=f"MLP {sizes} on {args.dataset}")
    return {"history": history, "test_acc": test_acc, "test_loss": test_loss, "model": model}


def plot_history(history: dict[str, list[float]], path: str, title: str = "") -> bool:
    """Write loss and accuracy curves to a PNG (written whole or not at all).

    Needs matplotlib; without it, says how to install it and returns False.

    >>> import tempfile
    >>> history = {"loss": [1.0, 0.5], "acc": [0.6, 0.8], "val_loss": [1.1, 0.6],
    ...            "val_acc": [0.5, 0.7]}
    >>> with tempfile.TemporaryDirectory() as d:
    ...     plot_history(history, os.path.join(d, "curves.png"), title="demo")
    saved curves to .../curves.png
    True
    """
    try:
        import matplotlib

        matplotlib.use("Agg")
        import matplotlib.pyplot as plt
    except ImportError:
        print(
            "--plot needs matplotlib, which is not installed: pip install 'tinygrad-lite[examples]'"
        )
        return False
    epochs = range(1, len(history["loss"]) + 1)
    fig, (ax1, ax2) = plt.subplots(1, 2, figsize=(10, 4))
    ax1.plot(epochs, history["loss"], "o-", label="train")
    ax1.plot(epochs, history["val_loss"], "o-", label="validation")
    ax1.set_xlabel("epoch")
    ax1.set_ylabel("cross-entropy")
    ax1.legend()
    ax2.plot(epochs, [100 * a for a in history["acc"]], "o-", label="train")
    ax2.plot(epochs, [100 * a for a in history["val_acc"]], "o-", label="validation")
    ax2.set_xlabel("epoch")
    ax2.set_ylabel("accuracy (%)")
    ax2.legend()
    fig.suptitle(title)
    fig.tight_layout()
    folder = os.path.dirname(os.path.abspath(path))
    fd, tmp = tempfile.mkstemp(suffix=".png", dir=folder)
    try:
        with os.fdopen(fd, "wb") as f:
            fig.savefig(f, format="png", dpi=100)
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
    finally:
        plt.close(fig)
    print(f"saved curves to {path}")
    return True


def evaluate_saved(args: argparse.Namespace) -> float:
    """Load a model saved by `train --save` and report its test accuracy.

    >>> import tempfile
    >>> with tempfile.TemporaryDirectory() as d:
    ...     path = os.path.join(d, "model.npz")
    ...     _ = train(parser().parse_args(["train", "--dataset", "mnist-sample", "--epochs",
    ...                                    "1", "--hidden", "32", "--quiet", "--save", path]))
    ...     acc = evaluate_saved(parser().parse_args(["evaluate", "--load", path]))
    data: ...
    saved model to .../model.npz
    data: the bundled MNIST sample (4,000 train / 1,000 test)
    test accuracy: ...% (loss ...) on 1,000 images
    >>> 0.0 <= acc <= 1.0
    True
    """
    try:
        ckpt = load(args.load)
        config = ckpt["config"]
        model = build_model([int(n) for n in config["hidden"]])
        model.load_state_dict(ckpt["model"])
    except (KeyError, TypeError) as e:
        raise SystemExit(
            f"error: {args.load} is not a model saved by `tinygrad-lite train` ({e})"
        ) from None
    except (ValueError, RuntimeError, OSError) as e:
        raise SystemExit(f"error: {e}") from None
    name = args.dataset or config["dataset"]
    (_, _, x_test, y_test), note = load_data(name, args.data_dir)
    print(f"data: {note}")
    xte = flatten_images(x_test, float(config["mean"]), float(config["std"]))
    loss, acc = evaluate(model, xte, y_test)
    print(f"test accuracy: {100 * acc:.2f}% (loss {loss:.4f}) on {len(xte):,} images")
    return acc


# ----------------------------------------------------------------------------- arguments


def parser() -> argparse.ArgumentParser:
    """The command line's argument parser, with the subcommands `train` and `evaluate`.

    >>> args = parser().parse_args(["train", "--epochs", "2", "--optimizer", "adam"])
    >>> args.command, args.epochs, args.optimizer, args.hidden
    ('train', 2, 'adam', [256, 128])
    """
    p = argparse.ArgumentParser(
        prog="tinygrad-lite",
        description="Train and evaluate MLPs on MNIST and Fashion-MNIST with tinygrad_lite.",
    )
    sub = p.add_subparsers(dest="command", required=True)
    t = sub.add_parser("train", help="train an MLP and report its test accuracy")
    t.add_argument(
        "--dataset",
        choices=DATASETS,
        default="mnist",
        help="mnist falls back to the bundled sample when unavailable (default mnist)",
    )
    t.add_argument("--data-dir", help="folder holding the four IDX files (gzipped or not)")
    t.add_argument(
        "--hidden",
        type=int,
        nargs="+",
        default=[256, 128],
        metavar="N",
        help="hidden layer sizes (default 256 128)",
    )
    t.add_argument("--epochs", type=int, default=15)
    t.add_argument("--batch-size", type=int, default=128)
    t.add_argument("--optimizer", choices=sorted(OPTIMIZERS), default="sgd")
    t.add_argument("--lr", type=float, help="learning rate (default: sgd 0.05, others 1e-3)")
    t.add_argument(
        "--momentum",
        type=float,
        default=None,
        help="momentum for sgd (default 0.9) and rmsprop (default 0)",
    )
    t.add_argument("--weight-decay", type=float, default=0.0)
    t.add_argument(
        "--no-cosine",
        dest="cosine",
        action="store_false",
        help="keep the learning rate constant instead of cosine annealing",
    )
    t.add_argument(
        "--val-size",
        type=int,
        default=5000,
        help="training images held out for validation (at most 10%%)",
    )
    t.add_argument("--seed", type=int, default=0)
    t.add_argument("--save", metavar="PATH", help="save the model (.npz) here")
    t.add_argument("--plot", metavar="PATH", help="save loss/accuracy curves (PNG) here")
    t.add_argument("--quiet", action="store_true", help="no progress bar")
    e = sub.add_parser("evaluate", help="evaluate a model saved by `train --save`")
    e.add_argument("--load", required=True, metavar="PATH")
    e.add_argument("--dataset", choices=DATASETS, help="default: the one it was trained on")
    e.add_argument("--data-dir")
    return p


def main(argv: list[str] | None = None) -> int:
    """Entry point of the `tinygrad-lite` console script (and `python -m tinygrad_lite`).

    `argv` defaults to `sys.argv[1:]`; returns the exit status, 0.

    >>> main(["train", "--dataset", "mnist-sample", "--epochs", "1", "--hidden", "16",
    ...       "--optimizer", "adam", "--quiet"])
    data: the bundled MNIST sample (4,000 train / 1,000 test)
    model: MLP 784 -> 16 -> 10 (12,730 parameters), adam lr=0.001, ...
    epoch  1/1 ...
    test accuracy: ...
    0
    """
    args = parser().parse_args(argv)
    if args.command == "train":
        for flag, value in (("--epochs", args.epochs), ("--batch-size", args.batch_size)):
            if value < 1:
                parser().error(f"{flag} must be at least 1, got {value}")
        train(args)
    else:
        evaluate_saved(args)
    return 0
