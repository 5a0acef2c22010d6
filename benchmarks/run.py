"""tinygrad_lite's benchmark suite: the workloads of SPEC §11 against PyTorch, micrograd and NumPy.

    TINYGRAD_LITE_DATA=/path/to/data python benchmarks/run.py [--quick] [--only NAME] [--rounds N]

Every workload runs tinygrad_lite and each installed peer in this one process, interleaved round
by round (the order alternating), after a warm-up, with a pause before each timed run (BLAS and
OpenMP worker threads keep spinning for a while after a call). The table gives medians and the
median of the per-round ratios ours / peer: the machine is shared, so ratios are what to trust.
Peak memory (workloads f and g) is read in a fresh subprocess per candidate, where ru_maxrss
belongs to that candidate alone. See benchmarks/README.md for what each workload measures.
"""

from __future__ import annotations

import argparse
import functools
import gc
import importlib.metadata
import importlib.util
import json
import os
import platform
import random
import statistics
import subprocess
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime

import numpy as np

import tinygrad_lite as tl
from tinygrad_lite import nn, optim
from tinygrad_lite.micrograd import MLP as ScalarMLP
from tinygrad_lite.micrograd import Value as ScalarValue
from tinygrad_lite.nn import functional as F

# torch and micrograd are imported only where used, so that a child process measuring our
# memory never loads them
HAVE_TORCH = importlib.util.find_spec("torch") is not None
HAVE_MICROGRAD = importlib.util.find_spec("micrograd") is not None

PAUSE = 0.3  # seconds of rest before each timed run, so spinning BLAS threads go to sleep
LR, MOMENTUM = 0.05, 0.9  # the headline MLP's SGD
SIZES = [784, 256, 128, 10]  # the headline MLP's layer widths
PEERS = {
    "torch": "PyTorch",
    "numpy": "NumPy loop",
    "numpy-cm": "NumPy loop, column-major",
    "micrograd": "micrograd",
}


# ----------------------------------------------------------------------------- the runner


@dataclass
class Candidate:
    """One contestant of a workload.

    `setup(round)` does the untimed work (fresh model, initial weights, data order) and returns
    the function to time; that function returns a number (a loss, a gradient) for a sanity check.
    Round -1 is the warm-up.
    """

    name: str
    setup: Callable[[int], Callable[[], float]]


def rest() -> None:
    """Collect the garbage of the previous run and let BLAS/OpenMP threads fall asleep."""
    gc.collect()
    time.sleep(PAUSE)


def paired(candidates: list[Candidate], rounds: int) -> dict[str, list[float]]:
    """Warm each candidate up, then time each once per round, interleaved; name -> seconds."""
    checks = {}
    for c in candidates:
        run = c.setup(-1)
        rest()
        checks[c.name] = run()
    agree = ", ".join(f"{k} {v:.6g}" for k, v in checks.items())
    print(f"    warm-up results (should agree): {agree}")
    times: dict[str, list[float]] = {c.name: [] for c in candidates}
    for r in range(rounds):
        order = candidates if r % 2 == 0 else candidates[::-1]
        for c in order:
            run = c.setup(r)
            rest()
            start = time.perf_counter()
            run()
            times[c.name].append(time.perf_counter() - start)
    return times


@dataclass
class Row:
    """One line of the table: our times and each peer's, measured in the same rounds."""

    workload: str
    unit: str
    scale: float  # multiplies seconds into the unit
    ours: list[float]
    peers: dict[str, list[float]]


def row(workload: str, unit: str, scale: float, times: dict, ours: str = "ours") -> Row:
    peers = {k: v for k, v in times.items() if k in PEERS}
    return Row(workload, unit, scale, times[ours], peers)


def ratio(x: float) -> str:
    """A ratio to two decimals, or as 1/k when it is small (1/58: 58 times faster)."""
    return f"{x:.2f}" if x >= 0.1 else f"1/{1 / x:.0f}"


def ratio_text(ours: list[float], peer: list[float]) -> str:
    """Median of the per-round ratios ours / peer, with their range when there are several."""
    ratios = [a / b for a, b in zip(ours, peer)]
    text = ratio(statistics.median(ratios))
    if len(ratios) > 1:
        text += f" ({ratio(min(ratios))} to {ratio(max(ratios))})"
    return text


def number(x: float) -> str:
    return f"{x:.3g}" if x < 1000 else f"{x:.0f}"


def print_table(rows: list[Row]) -> None:
    """One markdown table: per workload, our median, each peer's median and the paired ratio."""
    header = ["workload", "unit", "ours"]
    for name in PEERS.values():
        header += [name, f"ours/{name}"]
    lines = [header, ["---"] * len(header)]
    for r in rows:
        cells = [r.workload, r.unit, number(statistics.median(r.ours) * r.scale)]
        for key in PEERS:
            if key in r.peers:
                peer = r.peers[key]
                cells += [number(statistics.median(peer) * r.scale), ratio_text(r.ours, peer)]
            else:
                cells += ["", ""]
        lines.append(cells)
    print()
    for cells in lines:
        print("| " + " | ".join(cells) + " |")
    print()


# ----------------------------------------------------------------------------- the machine


def describe_machine() -> str:
    """CPU, cores, Python, NumPy and its BLAS, the peers' versions and the date."""
    cpu = platform.processor() or "unknown CPU"
    with open("/proc/cpuinfo") as f:
        for line in f:
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    try:
        blas = np.show_config(mode="dicts")["Build Dependencies"]["blas"]
        blas_text = f"{blas['name']} {blas['version']}"
    except Exception:  # older NumPy: no dict form of the build configuration
        blas_text = "BLAS unknown"
    lines = [
        f"date: {datetime.now().astimezone().isoformat(timespec='seconds')}",
        f"machine: {cpu}, {os.cpu_count()} cores",
        f"Python {platform.python_version()}, NumPy {np.__version__} ({blas_text})",
        f"tinygrad_lite {tl.__version__} from {source_version()}",
    ]
    knobs = ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS")
    threads = {k: os.environ[k] for k in knobs if k in os.environ}
    lines.append(f"thread settings: {threads or 'defaults'}")
    if HAVE_TORCH:
        import torch

        lines.append(f"PyTorch {torch.__version__}, {torch.get_num_threads()} threads")
    else:
        lines.append("PyTorch not installed: skipping the PyTorch peer")
    if HAVE_MICROGRAD:
        lines.append(f"micrograd {importlib.metadata.version('micrograd')}")
    else:
        lines.append("micrograd not installed: skipping the micrograd peer")
    return "\n".join(lines)


def source_version() -> str:
    """Where tinygrad_lite was imported from, and its git commit when that is a checkout."""
    root = os.path.dirname(os.path.dirname(os.path.abspath(tl.__file__)))
    try:
        git = ["git", "-C", root, "describe", "--always", "--dirty"]
        out = subprocess.run(git, capture_output=True, text=True, timeout=10)
    except (OSError, subprocess.SubprocessError):
        return root
    return f"{root} @ {out.stdout.strip()}" if out.returncode == 0 else root


# ----------------------------------------------------------------------------- (a, b) the MLP


def load_images() -> tuple[np.ndarray, np.ndarray, str]:
    """Fashion-MNIST's 60k training images as float32 (N, 784) in [0, 1], and int64 labels."""
    try:
        images, labels, _, _ = tl.datasets.fashion_mnist(download=False)
        note = "Fashion-MNIST training set"
    except FileNotFoundError:
        rng = np.random.default_rng(0)
        images = rng.integers(0, 256, (60000, 28, 28), dtype=np.uint8)
        labels = rng.integers(0, 10, 60000)
        note = "SYNTHETIC data of Fashion-MNIST's shape (set $TINYGRAD_LITE_DATA for the real set)"
    x = images.reshape(len(images), 784).astype(np.float32)
    x /= 255  # in place: stays float32
    return x, labels.astype(np.int64), note


def initial_weights() -> dict[str, np.ndarray]:
    """Our MLP's initial weights, to be copied into every candidate."""
    tl.manual_seed(0)
    model = nn.MLP(SIZES[0], SIZES[1:])
    return {k: v.numpy().copy() for k, v in model.state_dict().items()}


def batches(r: int, n: int, batch: int, count: int | None = None) -> list[np.ndarray]:
    """The index arrays of one epoch in round r's order (the same for every candidate)."""
    order = np.random.default_rng(r + 1).permutation(n)
    starts = range(0, n, batch)
    if count is not None:
        starts = starts[:count]
    return [order[i : i + batch] for i in starts]


def ours_mlp(init: dict, x: np.ndarray, y: np.ndarray, batch: int, count: int | None):
    def setup(r: int) -> Callable[[], float]:
        model = nn.MLP(SIZES[0], SIZES[1:])
        model.load_state_dict(init)
        opt = optim.SGD(model.parameters(), lr=LR, momentum=MOMENTUM)
        order = batches(r, len(x), batch, count)

        def run() -> float:
            total = 0.0
            for idx in order:
                xb = tl.Tensor._from_op(x[idx], None)  # (B, 784), as the DataLoader makes it
                yb = tl.Tensor._from_op(y[idx], None)  # (B,)
                loss = F.cross_entropy(model(xb), yb)
                opt.zero_grad()
                loss.backward()
                opt.step()
                total += loss.item()
            return total / len(order)

        return run

    return setup


def torch_mlp(init: dict, x: np.ndarray, y: np.ndarray, batch: int, count: int | None):
    import torch

    def setup(r: int) -> Callable[[], float]:
        layers = []
        for i in range(len(SIZES) - 1):
            layers += [torch.nn.Linear(SIZES[i], SIZES[i + 1]), torch.nn.ReLU()]
        model = torch.nn.Sequential(*layers[:-1])
        model.load_state_dict({k: torch.from_numpy(v.copy()) for k, v in init.items()})
        opt = torch.optim.SGD(model.parameters(), lr=LR, momentum=MOMENTUM)
        order = batches(r, len(x), batch, count)

        def run() -> float:
            total = 0.0
            for idx in order:
                xb = torch.from_numpy(x[idx])
                yb = torch.from_numpy(y[idx])
                loss = torch.nn.functional.cross_entropy(model(xb), yb)
                opt.zero_grad()
                loss.backward()
                opt.step()
                total += loss.item()
            return total / len(order)

        return run

    return setup


class NumpyMLP:
    """The hand-written float32 reference: 784-256-128-10, ReLU, softmax-CE, SGD with momentum.

    Weights have PyTorch's (out, in) shape, stored row-major as PyTorch does or, with
    `column_major=True`, column-major as tinygrad_lite stores them (then x @ w.T and the weight
    gradients are GEMMs without a transposed operand). Backward skips the input gradient of
    layer 1, and the update is in place: b = momentum * b + g; w -= lr * b (PyTorch's SGD; b
    starts at 0, so the first step gives b = g as PyTorch does).
    """

    def __init__(self, init: dict, column_major: bool = False) -> None:
        order = "F" if column_major else "C"
        keys = ("0.weight", "0.bias", "2.weight", "2.bias", "4.weight", "4.bias")
        self.params = [init[k].copy(order=order) for k in keys]
        self.column_major = column_major
        self.momenta = [np.zeros_like(p) for p in self.params]
        self.scratch = [np.empty_like(p) for p in self.params]

    def step(self, x: np.ndarray, y: np.ndarray) -> float:
        w1, b1, w2, b2, w3, b3 = self.params
        n = len(x)
        rows = np.arange(n)
        # forward
        h1 = x @ w1.T  # (n, 784) @ (784, 256) -> (n, 256)
        h1 += b1
        np.maximum(h1, 0, out=h1)
        h2 = h1 @ w2.T  # (n, 256) @ (256, 128) -> (n, 128)
        h2 += b2
        np.maximum(h2, 0, out=h2)
        z = h2 @ w3.T  # (n, 128) @ (128, 10) -> (n, 10)
        z += b3
        # NOTE: stable softmax cross-entropy: shift by the row max before exp
        z -= z.max(axis=1, keepdims=True)
        e = np.exp(z)
        total = e.sum(axis=1, keepdims=True)  # (n, 1)
        loss = float(np.log(total).mean() - z[rows, y].mean())
        # backward: d loss / d z = (softmax - onehot) / n
        dz = e
        dz /= total
        dz[rows, y] -= 1.0
        dz *= 1.0 / n
        grads = [None] * 6
        wgrad = self.weight_grad
        grads[4] = wgrad(dz, h2)  # (10, n) @ (n, 128) -> (10, 128)
        grads[5] = dz.sum(axis=0)
        d2 = dz @ w3  # (n, 10) @ (10, 128) -> (n, 128)
        d2 *= h2 > 0
        grads[2] = wgrad(d2, h1)  # (128, n) @ (n, 256) -> (128, 256)
        grads[3] = d2.sum(axis=0)
        d1 = d2 @ w2  # (n, 128) @ (128, 256) -> (n, 256)
        d1 *= h1 > 0
        grads[0] = wgrad(d1, x)  # (256, n) @ (n, 784) -> (256, 784)
        grads[1] = d1.sum(axis=0)
        # SGD with momentum, in place
        for p, g, b, s in zip(self.params, grads, self.momenta, self.scratch):
            b *= MOMENTUM
            b += g
            np.multiply(b, LR, out=s)
            p -= s
        return loss

    def weight_grad(self, d: np.ndarray, a: np.ndarray) -> np.ndarray:
        """d.T @ a, computed in the weights' memory layout."""
        return (a.T @ d).T if self.column_major else d.T @ a


def numpy_mlp(
    init: dict,
    x: np.ndarray,
    y: np.ndarray,
    batch: int,
    count: int | None,
    column_major: bool = False,
):
    def setup(r: int) -> Callable[[], float]:
        model = NumpyMLP(init, column_major)
        order = batches(r, len(x), batch, count)

        def run() -> float:
            total = 0.0
            for idx in order:
                total += model.step(x[idx], y[idx])
            return total / len(order)

        return run

    return setup


MLP_CANDIDATES = {
    "ours": ours_mlp,
    "torch": torch_mlp,
    "numpy": numpy_mlp,
    "numpy-cm": functools.partial(numpy_mlp, column_major=True),
}
_data: tuple | None = None


def training_data() -> tuple[np.ndarray, np.ndarray, str]:
    """The training images, loaded once per process."""
    global _data
    if _data is None:
        _data = load_images()
    return _data


def mlp_candidates(batch: int, count: int | None, names: list[str] | None = None):
    x, y, note = training_data()
    init = initial_weights()
    names = names or [k for k in MLP_CANDIDATES if k != "torch" or HAVE_TORCH]
    return [Candidate(k, MLP_CANDIDATES[k](init, x, y, batch, count)) for k in names], note


def bench_mlp128(cfg: argparse.Namespace) -> list[Row]:
    candidates, note = mlp_candidates(128, None)
    print(f"    data: {note}")
    times = paired(candidates, cfg.rounds)
    return [row("a MLP epoch, batch 128 (469 batches)", "s/epoch", 1.0, times)]


def bench_mlp16(cfg: argparse.Namespace) -> list[Row]:
    count = 600  # 9,600 images; a full epoch at batch 16 is 3,750 batches
    candidates, note = mlp_candidates(16, count)
    print(f"    data: {note}")
    times = paired(candidates, cfg.rounds)
    return [row("b MLP batch 16, 600 batches", "ms/batch", 1e3 / count, times)]


# ----------------------------------------------------------------------------- (c) tiny op


def tiny_ours(iters: int):
    def setup(r: int) -> Callable[[], float]:
        a, b, c = (tl.Tensor([v], requires_grad=True) for v in (1.5, 2.0, 0.5))

        def run() -> float:
            for _ in range(iters):
                a.grad = b.grad = c.grad = None
                (a * b + c).backward()
            return float(a.grad[0])

        return run

    return setup


def tiny_torch(iters: int):
    import torch

    def setup(r: int) -> Callable[[], float]:
        a, b, c = (torch.tensor([v], requires_grad=True) for v in (1.5, 2.0, 0.5))

        def run() -> float:
            for _ in range(iters):
                a.grad = b.grad = c.grad = None
                (a * b + c).backward()
            return float(a.grad[0])

        return run

    return setup


def bench_tiny(cfg: argparse.Namespace) -> list[Row]:
    iters = 5000 if cfg.quick else 20000
    candidates = [Candidate("ours", tiny_ours(iters))]
    if HAVE_TORCH:
        candidates.append(Candidate("torch", tiny_torch(iters)))
    times = paired(candidates, cfg.rounds)
    return [row("c tiny op a*b+c, fwd+bwd", "us/iter", 1e6 / iters, times)]


# ----------------------------------------------------------------------------- (d) two moons

ALPHA = 1e-4  # the demo's L2 weight


def moons_data() -> tuple[list[list[float]], list[float]]:
    x, y = tl.datasets.moons(100, noise=0.1, seed=1)
    return x.tolist(), (y * 2 - 1).astype(float).tolist()  # labels -1 / +1


def scalar_moons(value_cls: type, mlp_cls: type, steps: int):
    """Karpathy's demo step on lists of Values; works for micrograd and for our scalar API."""
    xs, ys = moons_data()

    def setup(r: int) -> Callable[[], float]:
        random.seed(r + 1)  # the same initial weights for ours and micrograd
        model = mlp_cls(2, [16, 16, 1])

        def run() -> float:
            for k in range(steps):
                inputs = [[value_cls(a) for a in row] for row in xs]
                scores = [model(row) for row in inputs]
                losses = [(1 + -yi * s).relu() for yi, s in zip(ys, scores)]
                data_loss = sum(losses) * (1.0 / len(losses))
                reg_loss = ALPHA * sum(p * p for p in model.parameters())
                total = data_loss + reg_loss
                model.zero_grad()
                total.backward()
                lr = 1.0 - 0.9 * k / 100
                for p in model.parameters():
                    p.data -= lr * p.grad
            return total.data

        return run

    return setup


def tensor_moons(steps: int):
    """The same step with the whole batch as one (100, 2) Tensor through our scalar MLP."""
    xs, ys = moons_data()
    x = tl.Tensor(np.array(xs))  # (100, 2) float64
    y = tl.Tensor(np.array(ys)).reshape(-1, 1)  # (100, 1)

    def setup(r: int) -> Callable[[], float]:
        random.seed(r + 1)
        model = ScalarMLP(2, [16, 16, 1])
        params = model.tensor_parameters()

        def run() -> float:
            for k in range(steps):
                scores = model(x)  # (100, 2) -> (100, 1)
                data_loss = (1 + -y * scores).relu().mean()
                reg_loss = ALPHA * sum((p * p).sum() for p in params)
                total = data_loss + reg_loss
                model.zero_grad()
                total.backward()
                lr = 1.0 - 0.9 * k / 100
                for p in params:
                    p.data -= lr * p.grad
            return total.item()

        return run

    return setup


def bench_moons(cfg: argparse.Namespace) -> list[Row]:
    steps = 1 if cfg.quick else 2
    candidates = [
        Candidate("scalar", scalar_moons(ScalarValue, ScalarMLP, steps)),
        Candidate("tensor", tensor_moons(steps)),
    ]
    if HAVE_MICROGRAD:
        from micrograd.engine import Value
        from micrograd.nn import MLP

        candidates.append(Candidate("micrograd", scalar_moons(Value, MLP, steps)))
    times = paired(candidates, cfg.rounds)
    return [
        row("d1 two-moons step, scalar API", "ms/step", 1e3 / steps, times, ours="scalar"),
        row("d2 two-moons step, tensor API", "ms/step", 1e3 / steps, times, ours="tensor"),
    ]


# ----------------------------------------------------------------------------- (e) Value graph

CHAINS, LINKS = 100, 333  # 100 chains of 333 (mul, add, relu) + 100 adds = 100,000 ops


def value_graph(value_cls: type):
    """Build a 100k-op graph of Values and backpropagate through it.

    The graph is 100 chains of x = relu(x * a + b), with a and b shared by all, summed at the
    end: deep enough (about 1,100 levels) to be realistic, shallow enough for micrograd's
    recursive topological sort once the recursion limit is raised to 10,000.
    """

    def setup(r: int) -> Callable[[], float]:
        def run() -> float:
            a, b = value_cls(0.9), value_cls(0.1)
            out = value_cls(0.0)
            for j in range(CHAINS):
                x = value_cls(j / CHAINS)
                for _ in range(LINKS):
                    x = (x * a + b).relu()
                out = out + x
            out.backward()
            return a.grad

        return run

    return setup


def bench_graph(cfg: argparse.Namespace) -> list[Row]:
    candidates = [Candidate("ours", value_graph(ScalarValue))]
    if HAVE_MICROGRAD:
        from micrograd.engine import Value

        sys.setrecursionlimit(max(sys.getrecursionlimit(), 10_000))
        candidates.append(Candidate("micrograd", value_graph(Value)))
    times = paired(candidates, cfg.rounds)
    return [row("e Value graph, 100k ops, build+bwd", "ms", 1e3, times)]


# ----------------------------------------------------------------------------- (f) peak RSS


def peak_mb() -> float:
    """This process's peak resident set so far, in MB.

    NOTE: read from VmHWM, not ru_maxrss: Linux carries the parent's resident set at the time
    of the spawn into a child's ru_maxrss, so a child of this (large) process would report it.
    """
    return status_mb("VmHWM")


def status_mb(field: str) -> float:
    """A memory field of /proc/self/status (VmHWM, VmRSS), in MB."""
    with open("/proc/self/status") as f:
        for line in f:
            if line.startswith(field + ":"):
                return int(line.split()[1]) / 1024  # the file counts kB
    raise RuntimeError(f"no {field} in /proc/self/status")


def current_mb() -> float:
    """This process's resident set now, in MB."""
    return status_mb("VmRSS")


def rss_child(name: str) -> dict:
    """One epoch of (a) for one candidate, in this fresh process: its peak RSS."""
    (candidate,), _ = mlp_candidates(128, None, [name])
    run = candidate.setup(0)
    before = current_mb()
    run()
    return {"peak_mb": peak_mb(), "before_mb": before}


def child(args: list[str]) -> dict:
    """Run this script with `args` in a new process and read the JSON line it prints last."""
    script = os.path.abspath(__file__)
    out = subprocess.run([sys.executable, script, *args], capture_output=True, text=True)
    if out.returncode != 0:
        raise RuntimeError(f"child {args} failed:\n{out.stderr}")
    return json.loads(out.stdout.strip().splitlines()[-1])


def bench_rss(cfg: argparse.Namespace) -> list[Row]:
    names = [k for k in MLP_CANDIDATES if k != "torch" or HAVE_TORCH]
    peaks = {}
    for name in names:
        result = child(["--rss-child", name])
        grew = result["peak_mb"] - result["before_mb"]
        print(f"    {name}: peak {result['peak_mb']:.0f} MB, {grew:.0f} MB of it during the epoch")
        peaks[name] = [result["peak_mb"]]
    return [row("f peak RSS of (a), own process", "MB", 1.0, peaks)]


# ----------------------------------------------------------------------------- (g) long chain


def chain_child(name: str, n: int) -> dict:
    """Build y = x * 1.0 * 1.0 ... (n ops) and time its backward, in this fresh process."""
    if name == "torch":
        import torch

        x = torch.ones(1, requires_grad=True)
    else:
        x = tl.Tensor([1.0], requires_grad=True)
    before = current_mb()
    start = time.perf_counter()
    y = x
    for _ in range(n):
        y = y * 1.0
    built = time.perf_counter()
    y.backward()
    done = time.perf_counter()
    return {
        "build_s": built - start,
        "backward_s": done - built,
        "grew_mb": peak_mb() - before,
    }


def bench_chain(cfg: argparse.Namespace) -> list[Row]:
    sizes = [25_000, 50_000, 100_000] if cfg.quick else [250_000, 500_000, 1_000_000]
    rounds = 1 if cfg.quick else 2
    names = ["ours", "torch"] if HAVE_TORCH else ["ours"]
    seconds = {n: {k: [] for k in names} for n in sizes}
    memory = {n: {k: [] for k in names} for n in sizes}
    for r in range(rounds):
        for n in sizes:
            for name in names if r % 2 == 0 else names[::-1]:
                result = child(["--chain-child", f"{name}:{n}"])
                seconds[n][name].append(result["backward_s"])
                memory[n][name].append(result["grew_mb"])
                print(
                    f"    {name} {n:>9,} ops: build {result['build_s']:.2f} s, backward "
                    f"{result['backward_s']:.2f} s, peak RSS +{result['grew_mb']:.0f} MB"
                )
    rows = [row(f"g backward of a {n:,}-op chain", "s", 1.0, seconds[n]) for n in sizes]
    rows += [row(f"g peak RSS growth, {n:,}-op chain", "MB", 1.0, memory[n]) for n in sizes]
    return rows


# ----------------------------------------------------------------------------- main

WORKLOADS = {
    "a": ("mlp128", bench_mlp128),
    "b": ("mlp16", bench_mlp16),
    "c": ("tiny-op", bench_tiny),
    "d": ("moons", bench_moons),
    "e": ("value-graph", bench_graph),
    "f": ("rss", bench_rss),
    "g": ("chain", bench_chain),
}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--quick", action="store_true", help="fewer rounds and smaller sizes")
    parser.add_argument("--rounds", type=int, help="timed rounds per workload (a-e)")
    names = ", ".join(f"{k}/{v[0]}" for k, v in WORKLOADS.items())
    parser.add_argument("--only", metavar="NAME", help=f"run one workload: {names}")
    parser.add_argument("--rss-child", metavar="NAME", help=argparse.SUPPRESS)
    parser.add_argument("--chain-child", metavar="NAME:N", help=argparse.SUPPRESS)
    cfg = parser.parse_args()

    if cfg.rss_child:
        print(json.dumps(rss_child(cfg.rss_child)))
        return
    if cfg.chain_child:
        name, n = cfg.chain_child.split(":")
        print(json.dumps(chain_child(name, int(n))))
        return

    cfg.rounds = cfg.rounds or (3 if cfg.quick else 7)
    chosen = WORKLOADS
    if cfg.only:
        chosen = {k: v for k, v in WORKLOADS.items() if cfg.only in (k, v[0])}
        if not chosen:
            parser.error(f"--only: unknown workload {cfg.only!r} (choose from {names})")
    print(describe_machine())
    print(f"rounds: {cfg.rounds}, pause {PAUSE} s before each timed run, one warm-up run each")
    rows = []
    for key, (name, bench) in chosen.items():
        print(f"({key}) {name} ...", flush=True)
        start = time.perf_counter()
        rows += bench(cfg)
        print(f"    took {time.perf_counter() - start:.0f} s", flush=True)
    print_table(rows)


if __name__ == "__main__":
    main()
