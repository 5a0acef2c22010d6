"""Where tinygrad_lite's epoch time goes (workload a: MLP 784-256-128-10, batch 128, SGD).

    TINYGRAD_LITE_DATA=/path/to/data python benchmarks/profile_epoch.py [--epochs N] [--top K]
    ... profile_epoch.py --batch 16 --count 600      # workload b: per-step overhead

Three views of the same epoch:
1. phases, timed with perf_counter around each step of the loop (no profiler, so no distortion):
   batch gather, forward (model + loss), zero_grad, backward, optimizer step;
2. the GEMM floor: the 8 matrix products an epoch needs (3 forward, 5 backward; the first
   layer's input gradient skipped) with the same shapes and layouts, timed alone, and the
   minor page faults of an epoch (fresh memory being mapped) next to the NumPy loop's;
3. cProfile of one epoch, sorted by own time. NOTE: cProfile does not list NumPy ufuncs or
   the @ operator as calls of their own; their time lands in the Python function that calls them.
"""

from __future__ import annotations

import argparse
import cProfile
import pstats
import resource
import statistics
import time

import numpy as np
from run import LR, MOMENTUM, SIZES, NumpyMLP, batches, initial_weights, rest, training_data

import tinygrad_lite as tl
from tinygrad_lite import nn, optim
from tinygrad_lite.nn import functional as F

PHASES = ["gather", "forward", "zero_grad", "backward", "step"]


def fresh_model(init: dict) -> tuple[nn.MLP, optim.SGD]:
    model = nn.MLP(SIZES[0], SIZES[1:])
    model.load_state_dict(init)
    return model, optim.SGD(model.parameters(), lr=LR, momentum=MOMENTUM)


def epoch(model: nn.MLP, opt: optim.SGD, x: np.ndarray, y: np.ndarray, order: list) -> None:
    """The loop of run.py's ours_mlp, without timers."""
    for idx in order:
        xb = tl.Tensor._from_op(x[idx], None)
        yb = tl.Tensor._from_op(y[idx], None)
        loss = F.cross_entropy(model(xb), yb)
        opt.zero_grad()
        loss.backward()
        opt.step()


def timed_epoch(model, opt, x, y, order) -> dict[str, float]:
    """The same loop with a clock read between phases; seconds per phase."""
    spent = dict.fromkeys(PHASES, 0.0)
    clock = time.perf_counter
    for idx in order:
        t0 = clock()
        xb = tl.Tensor._from_op(x[idx], None)
        yb = tl.Tensor._from_op(y[idx], None)
        t1 = clock()
        loss = F.cross_entropy(model(xb), yb)
        t2 = clock()
        opt.zero_grad()
        t3 = clock()
        loss.backward()
        t4 = clock()
        opt.step()
        t5 = clock()
        for name, a, b in zip(PHASES, (t0, t1, t2, t3, t4), (t1, t2, t3, t4, t5)):
            spent[name] += b - a
    return spent


def gemm_epoch(init: dict, x: np.ndarray, order: list) -> tuple[float, float]:
    """Only the matrix products of an epoch, in the layouts ops.Linear uses; seconds spent in
    the forward products and in the backward ones."""
    w1, w2, w3 = init["0.weight"], init["2.weight"], init["4.weight"]
    forward = backward = 0.0
    clock = time.perf_counter
    for idx in order:
        xb = x[idx]  # (B, 784)
        t0 = clock()
        h1 = xb @ w1.T  # (B, 784) @ (784, 256) -> (B, 256)
        h2 = h1 @ w2.T  # (B, 256) @ (256, 128) -> (B, 128)
        z = h2 @ w3.T  # (B, 128) @ (128, 10) -> (B, 10)
        t1 = clock()
        _ = z.T @ h2  # (10, B) @ (B, 128): grad of w3
        d2 = z @ w3  # (B, 10) @ (10, 128): grad of h2
        _ = d2.T @ h1  # (128, B) @ (B, 256): grad of w2
        d1 = d2 @ w2  # (B, 128) @ (128, 256): grad of h1
        _ = d1.T @ xb  # (256, B) @ (B, 784): grad of w1
        t2 = clock()
        forward += t1 - t0
        backward += t2 - t1
    return forward, backward


def faults() -> int:
    """Minor page faults of this process so far (each one maps a fresh 4 KiB page)."""
    return resource.getrusage(resource.RUSAGE_SELF).ru_minflt


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--epochs", type=int, default=5, help="rounds of timed epochs")
    parser.add_argument("--top", type=int, default=25, help="rows of the cProfile listing")
    parser.add_argument("--batch", type=int, default=128, help="batch size (16: workload b)")
    parser.add_argument("--count", type=int, help="batches per epoch (default: all 60k images)")
    cfg = parser.parse_args()
    x, y, note = training_data()
    init = initial_weights()
    print(f"data: {note}; batch {cfg.batch}; {cfg.epochs} rounds, medians")

    # 1 and 2: whole epochs, phases and GEMM floor interleaved
    whole, phases, floor, flts, loop, loop_flts = [], [], [], [], [], []
    model, opt = fresh_model(init)
    epoch(model, opt, x, y, batches(-1, len(x), cfg.batch, cfg.count))  # warm-up
    gemm_epoch(init, x, batches(-1, len(x), cfg.batch, cfg.count))
    for r in range(cfg.epochs):
        order = batches(r, len(x), cfg.batch, cfg.count)
        model, opt = fresh_model(init)
        rest()
        start, f0 = time.perf_counter(), faults()
        epoch(model, opt, x, y, order)
        whole.append(time.perf_counter() - start)
        flts.append(faults() - f0)
        model, opt = fresh_model(init)
        rest()
        phases.append(timed_epoch(model, opt, x, y, order))
        rest()
        floor.append(gemm_epoch(init, x, order))
        reference = NumpyMLP(init)
        rest()
        start, f0 = time.perf_counter(), faults()
        for idx in order:
            reference.step(x[idx], y[idx])
        loop.append(time.perf_counter() - start)
        loop_flts.append(faults() - f0)

    total = statistics.median(whole)
    gemm_forward = statistics.median(f for f, _ in floor)
    gemm_backward = statistics.median(b for _, b in floor)
    gemm = gemm_forward + gemm_backward
    print(f"\nepoch (no timers): {total:.3f} s; the hand-written NumPy loop: ", end="")
    print(f"{statistics.median(loop):.3f} s")
    print(f"GEMM floor: {gemm:.3f} s = {gemm / total:.0%} of the epoch ", end="")
    print(f"(forward products {gemm_forward:.3f} s, backward products {gemm_backward:.3f} s)")
    print(f"minor page faults per epoch: ours {statistics.median(flts):,.0f}, ", end="")
    print(f"hand-written NumPy loop {statistics.median(loop_flts):,.0f}")
    print("\nphase        s/epoch   share")
    timed_total = statistics.median([sum(p.values()) for p in phases])
    for name in PHASES:
        s = statistics.median([p[name] for p in phases])
        print(f"{name:<10} {s:9.3f} {s / timed_total:7.0%}")
    print(f"{'(sum)':<10} {timed_total:9.3f}")

    # 3: cProfile (inflates Python-heavy code relative to BLAS; read shares, not seconds)
    model, opt = fresh_model(init)
    profiler = cProfile.Profile()
    rest()
    profiler.enable()
    epoch(model, opt, x, y, batches(0, len(x), cfg.batch, cfg.count))
    profiler.disable()
    stats = pstats.Stats(profiler)
    print(f"\ncProfile, one epoch: {stats.total_tt:.3f} s under the profiler")
    print("  own s   share  cum s  calls  function")
    rows = sorted(stats.stats.items(), key=lambda kv: kv[1][2], reverse=True)
    for (path, line, func), (_, calls, own, cum, _) in rows[: cfg.top]:
        where = f"{path.rsplit('/', 2)[-2:][-1]}:{line}" if line else ""
        print(f"{own:7.3f} {own / stats.total_tt:6.1%} {cum:6.3f} {calls:6d}  {func} {where}")


if __name__ == "__main__":
    main()
