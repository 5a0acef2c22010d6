"""Functional forms of layers and activations (`tl.nn.functional`, like `torch.nn.functional`).

The losses live in losses.py and are re-exported here.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from .. import ops
from ..tensor import Tensor, default_generator


def linear(x: Tensor, weight: Tensor, bias: Tensor | None = None) -> Tensor:
    """x @ weight.T + bias, with weight laid out (out, in) as in `torch.nn.functional.linear`.

    x (..., in), weight (out, in), bias (out,) -> (..., out).

    >>> import tinygrad_lite as tl
    >>> import tinygrad_lite.nn.functional as F
    >>> w = tl.Tensor([[1.0, 0.0], [0.0, 1.0], [1.0, 1.0]])   # (3, 2): 2 inputs, 3 outputs
    >>> F.linear(tl.Tensor([[1.0, 2.0]]), w, tl.Tensor([0.0, 0.0, 1.0]))
    Tensor([[1., 2., 4.]])
    """
    if x.shape[-1:] != weight.shape[-1:]:
        raise ValueError(
            f"linear: input has {x.shape[-1] if x.ndim else 0} features (shape {x.shape}) "
            f"but the weight {weight.shape} expects {weight.shape[-1]}"
        )
    if bias is None:
        return ops.Linear.apply(x, weight)
    return ops.Linear.apply(x, weight, bias)


def relu(x: Tensor) -> Tensor:
    """max(x, 0) elementwise (like `torch.nn.functional.relu`; micrograd's `Value.relu`).

    >>> import tinygrad_lite as tl
    >>> tl.nn.functional.relu(tl.Tensor([-1.0, 2.0]))
    Tensor([0., 2.])
    """
    return x.relu()


def leaky_relu(x: Tensor, negative_slope: float = 0.01) -> Tensor:
    """x where x > 0, negative_slope * x elsewhere (like `torch.nn.functional.leaky_relu`).

    >>> import tinygrad_lite as tl
    >>> tl.nn.functional.leaky_relu(tl.Tensor([-1.0, 2.0]), 0.5)
    Tensor([-0.5,  2. ])
    """
    return x.leaky_relu(negative_slope)


def gelu(x: Tensor, approximate: str = "none") -> Tensor:
    """x * Phi(x), exact erf form or `approximate='tanh'` (like `torch.nn.functional.gelu`).

    >>> import tinygrad_lite as tl
    >>> tl.nn.functional.gelu(tl.Tensor([0.0, 1.0]), approximate="tanh").data.round(4)
    array([0.    , 0.8412], dtype=float32)
    """
    return x.gelu(approximate)


def sigmoid(x: Tensor) -> Tensor:
    """1 / (1 + exp(-x)) elementwise (like `torch.sigmoid`).

    >>> import tinygrad_lite as tl
    >>> tl.nn.functional.sigmoid(tl.Tensor([0.0]))
    Tensor([0.5])
    """
    return x.sigmoid()


def tanh(x: Tensor) -> Tensor:
    """Hyperbolic tangent elementwise (like `torch.tanh`; micrograd's `Value.tanh`).

    >>> import tinygrad_lite as tl
    >>> tl.nn.functional.tanh(tl.Tensor([0.0, 1.0])).data.round(4)
    array([0.    , 0.7616], dtype=float32)
    """
    return x.tanh()


def softplus(x: Tensor, beta: float = 1.0, threshold: float = 20.0) -> Tensor:
    """log(1 + exp(beta x)) / beta, linear where beta x > threshold (like
    `torch.nn.functional.softplus`).

    >>> import tinygrad_lite as tl
    >>> tl.nn.functional.softplus(tl.Tensor([0.0, 30.0])).data.round(4)   # log 2, then x
    array([ 0.6931, 30.    ], dtype=float32)
    """
    return x.softplus(beta, threshold)


def softmax(x: Tensor, dim: int = -1) -> Tensor:
    """exp(x) / sum(exp(x)) along dim (like `torch.nn.functional.softmax`).

    >>> import tinygrad_lite as tl
    >>> tl.nn.functional.softmax(tl.Tensor([[0.0, 0.0, 0.0, 0.0]]), dim=1)
    Tensor([[0.25, 0.25, 0.25, 0.25]])
    """
    return x.softmax(dim)


def log_softmax(x: Tensor, dim: int = -1) -> Tensor:
    """log(softmax(x)) along dim, stable for large inputs (like
    `torch.nn.functional.log_softmax`).

    >>> import tinygrad_lite as tl
    >>> tl.nn.functional.log_softmax(tl.Tensor([1000.0, 0.0])).data   # no overflow
    array([    0., -1000.], dtype=float32)
    """
    return x.log_softmax(dim)


def dropout(x: Tensor, p: float = 0.5, training: bool = True) -> Tensor:
    """Zero each element with probability p and scale the rest by 1 / (1 - p) while training
    (like `torch.nn.functional.dropout`); with `training=False` it returns x itself.

    The draws come from `tl.manual_seed`'s generator.

    >>> import tinygrad_lite as tl
    >>> x = tl.Tensor(np.ones(6))
    >>> set(tl.nn.functional.dropout(x, 0.5).data.tolist()) <= {0.0, 2.0}
    True
    >>> tl.nn.functional.dropout(x, 0.5, training=False) is x
    True
    """
    if not 0.0 <= p <= 1.0:
        raise ValueError(f"dropout: p must be in [0, 1], got {p}")
    if not training or p == 0.0:
        return x
    if p == 1.0:
        return x * 0.0
    draw = (
        x.dtype if x.dtype in (np.float32, np.float64) else np.float64
    )  # float32 x: float32 draws
    keep = default_generator().random(x.shape, dtype=draw) >= p
    mask = Tensor._from_op(keep.astype(x.dtype) * (1.0 / (1.0 - p)), None)
    return x * mask


def pad(x: Tensor, pad: Any, value: float = 0.0) -> Tensor:
    """Constant padding with `torch.nn.functional.pad`'s widths: (left, right) of the last
    axis first, then of the one before, and so on.

    >>> import tinygrad_lite as tl
    >>> tl.nn.functional.pad(tl.Tensor([[1.0, 2.0]]), (1, 0, 0, 1), value=9.0)
    Tensor([[9., 1., 2.],
            [9., 9., 9.]])
    """
    return x.pad(pad, value)


from .losses import (  # noqa: E402  (the losses build on the activations above)
    binary_cross_entropy,
    binary_cross_entropy_with_logits,
    cross_entropy,
    hinge_loss,
    l1_loss,
    mse_loss,
    nll_loss,
)

__all__ = [
    "binary_cross_entropy",
    "binary_cross_entropy_with_logits",
    "cross_entropy",
    "dropout",
    "gelu",
    "hinge_loss",
    "l1_loss",
    "leaky_relu",
    "linear",
    "log_softmax",
    "mse_loss",
    "nll_loss",
    "pad",
    "relu",
    "sigmoid",
    "softmax",
    "softplus",
    "tanh",
]
