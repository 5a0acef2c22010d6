"""Weight initialisation, in place, with PyTorch's formulas and defaults (`torch.nn.init`).

All draws come from tinygrad_lite's one generator (`tl.manual_seed`).
"""

from __future__ import annotations

import math

import numpy as np

from ..tensor import Tensor, default_generator


def calculate_gain(nonlinearity: str, param: float | None = None) -> float:
    """The recommended gain for a nonlinearity (like `torch.nn.init.calculate_gain`).

    `param` is leaky_relu's negative slope (default 0.01).

    >>> import tinygrad_lite as tl
    >>> round(tl.nn.init.calculate_gain("relu"), 4), tl.nn.init.calculate_gain("linear")
    (1.4142, 1.0)
    """
    if nonlinearity in ("linear", "sigmoid", "conv1d", "conv2d", "conv3d"):
        return 1.0
    if nonlinearity == "tanh":
        return 5.0 / 3
    if nonlinearity == "relu":
        return math.sqrt(2.0)
    if nonlinearity == "leaky_relu":
        slope = 0.01 if param is None else float(param)
        return math.sqrt(2.0 / (1 + slope**2))
    if nonlinearity == "selu":
        return 3.0 / 4
    raise ValueError(f"calculate_gain: unsupported nonlinearity {nonlinearity!r}")


def _fans(t: Tensor) -> tuple[int, int]:
    """(fan_in, fan_out) of a weight laid out (out, in, *kernel) as in PyTorch."""
    if t.ndim < 2:
        raise ValueError(f"init: fan in/out need a tensor with >= 2 dims, got shape {t.shape}")
    receptive = math.prod(t.shape[2:])
    return t.shape[1] * receptive, t.shape[0] * receptive


def _fill(t: Tensor, values: np.ndarray) -> Tensor:
    t.data[...] = values  # NOTE: in place and cast to t's dtype, so float32 stays float32
    return t


def uniform_(t: Tensor, a: float = 0.0, b: float = 1.0) -> Tensor:
    """Fill t in place with draws from U(a, b) and return it (like `torch.nn.init.uniform_`).

    >>> import tinygrad_lite as tl
    >>> w = tl.zeros(2, 3)
    >>> tl.nn.init.uniform_(w, -1.0, 1.0) is w
    True
    >>> bool((abs(w.data) <= 1.0).all())
    True
    """
    return _fill(t, default_generator().uniform(a, b, t.shape))


def normal_(t: Tensor, mean: float = 0.0, std: float = 1.0) -> Tensor:
    """Fill t in place with draws from N(mean, std^2) and return it (like
    `torch.nn.init.normal_`).

    >>> import tinygrad_lite as tl
    >>> _ = tl.manual_seed(0)
    >>> w = tl.nn.init.normal_(tl.zeros(10000), std=0.1)
    >>> round(float(w.data.std()), 2)
    0.1
    """
    return _fill(t, default_generator().normal(mean, std, t.shape))


def constant_(t: Tensor, val: float) -> Tensor:
    """Fill t in place with one value and return it (like `torch.nn.init.constant_`).

    >>> import tinygrad_lite as tl
    >>> tl.nn.init.constant_(tl.zeros(3), 0.5)
    Tensor([0.5, 0.5, 0.5])
    """
    t.data[...] = val
    return t


def zeros_(t: Tensor) -> Tensor:
    """Fill t in place with zeros and return it (like `torch.nn.init.zeros_`).

    >>> import tinygrad_lite as tl
    >>> tl.nn.init.zeros_(tl.ones(2))
    Tensor([0., 0.])
    """
    return constant_(t, 0.0)


def ones_(t: Tensor) -> Tensor:
    """Fill t in place with ones and return it (like `torch.nn.init.ones_`).

    >>> import tinygrad_lite as tl
    >>> tl.nn.init.ones_(tl.zeros(2))
    Tensor([1., 1.])
    """
    return constant_(t, 1.0)


def xavier_uniform_(t: Tensor, gain: float = 1.0) -> Tensor:
    """Glorot uniform: U(-a, a) with a = gain * sqrt(6 / (fan_in + fan_out)), in place (like
    `torch.nn.init.xavier_uniform_`); t is laid out (fan_out, fan_in) as a Linear weight.

    >>> import tinygrad_lite as tl
    >>> w = tl.nn.init.xavier_uniform_(tl.zeros(20, 30))
    >>> bool(abs(w.data).max() <= (6 / 50) ** 0.5)
    True
    """
    fan_in, fan_out = _fans(t)
    a = gain * math.sqrt(6.0 / (fan_in + fan_out))
    return uniform_(t, -a, a)


def xavier_normal_(t: Tensor, gain: float = 1.0) -> Tensor:
    """Glorot normal: N(0, std^2) with std = gain * sqrt(2 / (fan_in + fan_out)), in place
    (like `torch.nn.init.xavier_normal_`).

    >>> import tinygrad_lite as tl
    >>> _ = tl.manual_seed(0)
    >>> w = tl.nn.init.xavier_normal_(tl.zeros(200, 300))
    >>> round(float(w.data.std()), 3)   # sqrt(2 / 500)
    0.063
    """
    fan_in, fan_out = _fans(t)
    return normal_(t, 0.0, gain * math.sqrt(2.0 / (fan_in + fan_out)))


def _kaiming_std(t: Tensor, a: float, mode: str, nonlinearity: str) -> float:
    if mode not in ("fan_in", "fan_out"):
        raise ValueError(f"kaiming init: mode must be 'fan_in' or 'fan_out', got {mode!r}")
    fan_in, fan_out = _fans(t)
    fan = fan_in if mode == "fan_in" else fan_out
    return calculate_gain(nonlinearity, a) / math.sqrt(fan)


def kaiming_uniform_(
    t: Tensor, a: float = 0.0, mode: str = "fan_in", nonlinearity: str = "leaky_relu"
) -> Tensor:
    """He uniform: U(-b, b) with b = gain * sqrt(3 / fan), in place (like
    `torch.nn.init.kaiming_uniform_`); `a` is leaky_relu's slope, `mode` picks the fan.

    >>> import tinygrad_lite as tl
    >>> w = tl.nn.init.kaiming_uniform_(tl.zeros(256, 128), nonlinearity="relu")
    >>> bool(abs(w.data).max() <= (6 / 128) ** 0.5)   # sqrt(2) * sqrt(3 / 128)
    True
    """
    bound = math.sqrt(3.0) * _kaiming_std(t, a, mode, nonlinearity)
    return uniform_(t, -bound, bound)


def kaiming_normal_(
    t: Tensor, a: float = 0.0, mode: str = "fan_in", nonlinearity: str = "leaky_relu"
) -> Tensor:
    """He normal: N(0, std^2) with std = gain / sqrt(fan), in place (like
    `torch.nn.init.kaiming_normal_`).

    >>> import tinygrad_lite as tl
    >>> _ = tl.manual_seed(0)
    >>> w = tl.nn.init.kaiming_normal_(tl.zeros(300, 200), nonlinearity="relu")
    >>> round(float(w.data.std()), 2)   # sqrt(2 / 200)
    0.1
    """
    return normal_(t, 0.0, _kaiming_std(t, a, mode, nonlinearity))
