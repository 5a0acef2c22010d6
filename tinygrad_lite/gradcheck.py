"""gradcheck: backward's gradients against central finite differences, in float64."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import numpy as np

from .autograd import no_grad
from .tensor import Tensor
from .value import Value


class GradcheckError(AssertionError):
    """Raised by `gradcheck` when backward and finite differences disagree (PyTorch raises
    `torch.autograd.gradcheck.GradcheckError`); an AssertionError, naming the input and the
    Jacobian entry that differ most.

    >>> import tinygrad_lite as tl
    >>> class BadSquare(tl.Function):
    ...     def forward(self, x):
    ...         self.x = x
    ...         return x * x
    ...     def backward(self, g):
    ...         return (self.x * g,)   # wrong: the derivative is 2 x
    >>> x = tl.Tensor([1.0, 2.0], requires_grad=True)
    >>> tl.gradcheck(BadSquare.apply, x)
    Traceback (most recent call last):
    tinygrad_lite.gradcheck.GradcheckError: gradcheck: backward disagrees with ...
    """


def _output_array(out: Any) -> np.ndarray:
    if isinstance(out, Value):
        return np.array([out.data])
    if isinstance(out, Tensor):
        return out.data.astype(np.float64).reshape(-1)
    raise TypeError(f"gradcheck: fn must return a Tensor or a Value, got {type(out).__name__}")


def gradcheck(
    fn: Callable[..., Any],
    *inputs: Any,
    eps: float = 1e-6,
    atol: float = 1e-5,
    rtol: float = 1e-3,
    raise_exception: bool = True,
) -> bool:
    """Check fn's backward against central differences in float64 (`torch.autograd.gradcheck`).

    Tensor inputs with `requires_grad=True` and all Value inputs are checked; they are copied to
    float64 first, so float32 rounding does not hide or fake an error. The full Jacobian is
    compared: one backward per output element, two forwards per input element.

    With `raise_exception=False` a disagreement returns False instead of raising
    GradcheckError.

    >>> import tinygrad_lite as tl
    >>> x = tl.Tensor(np.random.default_rng(0).normal(size=(3, 4)), requires_grad=True)
    >>> tl.gradcheck(lambda x: (x * x).sum(axis=0), x)
    True
    >>> a, b = tl.Value(2.0), tl.Value(-1.5)   # micrograd's scalars work too
    >>> tl.gradcheck(lambda a, b: (a * b + b**2).tanh(), a, b)
    True
    """
    args: list[Any] = []
    checked: list[int] = []
    for i, x in enumerate(inputs):
        if isinstance(x, Tensor):
            copy = Tensor(x.data.astype(np.float64), requires_grad=x.requires_grad)
            if x.requires_grad:
                checked.append(i)
            args.append(copy)
        elif isinstance(x, Value):
            args.append(Value(x.data))
            checked.append(i)
        else:
            args.append(x)
    if not checked:
        raise ValueError("gradcheck: no input requires a gradient (use requires_grad=True)")

    # analytical Jacobian, one row per output element
    out = fn(*args)
    n_out = _output_array(out).size
    sizes = [np.size(args[i].data) for i in checked]
    analytic = [np.zeros((n_out, n)) for n in sizes]
    if isinstance(out, Value):
        out.backward()
        for k, i in enumerate(checked):
            analytic[k][0] = _grad_of(args[i])
    else:
        for j in range(n_out):
            for i in checked:
                _clear_grad(args[i])
            seed = np.zeros(out.shape, out.dtype)
            seed.reshape(-1)[j] = 1
            out.backward(seed, retain_graph=True)
            for k, i in enumerate(checked):
                analytic[k][j] = _grad_of(args[i])

    # numerical Jacobian, one column per input element
    with no_grad():
        for k, i in enumerate(checked):
            x = args[i]
            numeric = np.zeros_like(analytic[k])
            for e in range(sizes[k]):
                orig = _get(x, e)
                _set(x, e, orig + eps)
                plus = _output_array(fn(*args))
                _set(x, e, orig - eps)
                minus = _output_array(fn(*args))
                _set(x, e, orig)
                numeric[:, e] = (plus - minus) / (2 * eps)
            diff = np.abs(analytic[k] - numeric)
            bad = diff > atol + rtol * np.abs(numeric)
            if bad.any():
                j, e = (
                    int(i) for i in np.unravel_index(np.argmax(np.where(bad, diff, -1)), bad.shape)
                )
                msg = (
                    f"gradcheck: backward disagrees with finite differences for input {i} "
                    f"(shape {np.shape(x.data)}): d out[{j}] / d in[{e}] is "
                    f"{analytic[k][j, e]!r} by backward, {numeric[j, e]!r} numerically "
                    f"(largest difference {diff.max():.3g}, atol={atol}, rtol={rtol})"
                )
                if raise_exception:
                    raise GradcheckError(msg)
                return False
    return True


def _grad_of(x: Any) -> np.ndarray:
    if isinstance(x, Value):
        return np.array([x.grad])
    return np.zeros(x.data.size) if x.grad is None else np.asarray(x.grad, np.float64).reshape(-1)


def _clear_grad(x: Any) -> None:
    if isinstance(x, Value):
        x.grad = 0.0
    else:
        x.grad = None


def _get(x: Any, e: int) -> float:
    return x.data if isinstance(x, Value) else float(x.data.reshape(-1)[e])


def _set(x: Any, e: int, v: float) -> None:
    if isinstance(x, Value):
        x.data = v
    else:
        x.data.reshape(-1)[e] = v
