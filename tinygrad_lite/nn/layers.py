"""Layers: Linear, micrograd's Neuron/Layer/MLP as matrix ops, activations, normalisation."""

from __future__ import annotations

import math
from typing import Any

import numpy as np

from .. import ops
from ..autograd import no_grad
from ..tensor import Tensor, get_default_dtype, stack
from ..value import Value
from . import functional as F
from . import init
from .module import Module, Parameter

# ----------------------------------------------------------------------------- Linear


class Linear(Module):
    """y = x @ weight.T + bias, weight of shape (out, in) (like `torch.nn.Linear`, same init).

    Input (..., in_features) -> output (..., out_features). A non-Tensor or integer input (raw
    pixels, say) is computed in the weights' dtype.

    >>> import tinygrad_lite as tl
    >>> fc = tl.nn.Linear(784, 10)
    >>> fc.weight.shape, fc.bias.shape
    ((10, 784), (10,))
    >>> fc(tl.Tensor(np.zeros((32, 784)))).shape
    (32, 10)
    """

    def __init__(
        self, in_features: int, out_features: int, bias: bool = True, dtype: Any = None
    ) -> None:
        super().__init__()
        self.in_features, self.out_features = in_features, out_features
        dt = dtype or get_default_dtype()
        # NOTE: PyTorch's (out, in) shape, stored column-major (in, out in memory): x @ w.T and
        # the weight gradient are then plain row-major GEMMs, which OpenBLAS runs 1.5x faster
        # than with a transposed operand (benchmarks/RESULTS.md); state dicts are unchanged
        self.weight = Parameter(np.empty((out_features, in_features), dt, order="F"))
        self.bias = Parameter(np.empty(out_features, dt)) if bias else None
        self.reset_parameters()

    def reset_parameters(self) -> None:
        """Draw new weights with PyTorch's default (like `torch.nn.Linear.reset_parameters`):
        weight and bias uniform in +-1/sqrt(in_features), from `tl.manual_seed`'s generator.

        >>> import tinygrad_lite as tl
        >>> fc = tl.nn.Linear(4, 3)
        >>> fc.reset_parameters()
        >>> bool((abs(fc.weight.data) <= 0.5).all() and (abs(fc.bias.data) <= 0.5).all())
        True
        """
        init.kaiming_uniform_(self.weight, a=math.sqrt(5))
        if self.bias is not None:
            bound = 1 / math.sqrt(self.in_features) if self.in_features else 0.0
            init.uniform_(self.bias, -bound, bound)

    def forward(self, x: Any) -> Tensor:
        """(..., in_features) -> (..., out_features): x @ weight.T + bias."""
        x = x if isinstance(x, Tensor) else Tensor(x, dtype=self.weight.dtype)
        if x.dtype.kind not in "fc":  # integer pixels and the like: compute in the weights' dtype
            x = x.astype(self.weight.dtype)
        return F.linear(x, self.weight, self.bias)

    def extra_repr(self) -> str:
        """'in_features=.., out_features=.., bias=..' for the repr."""
        return (
            f"in_features={self.in_features}, out_features={self.out_features}, "
            f"bias={self.bias is not None}"
        )


# ----------------------------------------------------------------------------- micrograd's layers


def _micrograd_input(x: Any, dtype: np.dtype) -> tuple[Tensor, bool]:
    """A layer's input as a Tensor, and whether it came as a micrograd-style list."""
    if isinstance(x, Tensor):
        return x, False
    if isinstance(x, Value):
        x = [x]
    if isinstance(x, list | tuple):
        if any(isinstance(v, Value) for v in x):
            # NOTE: the Values enter the graph through one stack op, so their .grad fills in
            return stack([v if isinstance(v, Value) else Value(v) for v in x]), True
        return Tensor._from_op(np.asarray(x, dtype), None), True
    return Tensor._from_op(np.asarray(x), None), False


def _micrograd_output(out: Tensor) -> Any:
    """micrograd returns one Value for one output and a list of Values otherwise."""
    values = out.reshape(-1).values()
    return values[0] if len(values) == 1 else values


class Layer(Module):
    """micrograd's `Layer` as one matrix op: `nout` neurons of `nin` inputs, ReLU unless
    `nonlin=False`. Called with a (batch, nin) Tensor it returns a Tensor; called with a list of
    Values or numbers it returns Values, like micrograd.

    Accepts micrograd's `Layer(nin, nout)` and the seed's `Layer(num_inputs=3, num_neurons=4)`.
    PyTorch's equivalent is `Linear(nin, nout)` followed by `ReLU()`, and it initialises as
    `Linear` does (for micrograd's own initialisation use `tinygrad_lite.micrograd.Layer`).

    >>> import tinygrad_lite as tl
    >>> layer = tl.nn.Layer(3, 4)
    >>> layer(tl.Tensor(np.ones((8, 3)))).shape   # a batch: one matrix op
    (8, 4)
    >>> out = layer([1.0, 2.0, 3.0])               # micrograd style: a list in, Values out
    >>> len(out), type(out[0]).__name__
    (4, 'Value')
    """

    def __init__(
        self,
        nin: int | None = None,
        nout: int | None = None,
        nonlin: bool = True,
        *,
        num_inputs: int | None = None,
        num_neurons: int | None = None,
        dtype: Any = None,
    ) -> None:
        super().__init__()
        nin = nin if nin is not None else num_inputs
        nout = nout if nout is not None else num_neurons
        if nin is None or nout is None:
            raise TypeError("Layer needs nin and nout (or num_inputs and num_neurons)")
        self.nin, self.nout, self.nonlin = int(nin), int(nout), bool(nonlin)
        dt = dtype or get_default_dtype()
        self.weight = Parameter(np.empty((self.nout, self.nin), dt, order="F"))  # as Linear's
        self.bias = Parameter(np.empty(self.nout, dt))
        self.reset_parameters()

    def reset_parameters(self) -> None:
        """Draw new weights with PyTorch's `Linear` initialisation (like
        `torch.nn.Linear.reset_parameters`): uniform in +-1/sqrt(nin).

        >>> import tinygrad_lite as tl
        >>> layer = tl.nn.Layer(4, 2)
        >>> layer.reset_parameters()
        >>> bool((abs(layer.weight.data) <= 0.5).all())
        True
        """
        init.kaiming_uniform_(self.weight, a=math.sqrt(5))
        bound = 1 / math.sqrt(self.nin) if self.nin else 0.0
        init.uniform_(self.bias, -bound, bound)

    def _apply(self, x: Tensor) -> Tensor:
        if x.shape[-1:] != (self.nin,):
            raise ValueError(
                f"{type(self).__name__}: input has shape {x.shape}, expected (..., {self.nin})"
            )
        return ops.Linear.apply(x, self.weight, self.bias, relu=self.nonlin)

    def forward(self, x: Any) -> Any:
        """(..., nin) -> (..., nout): relu(x @ weight.T + bias), or without the relu when
        `nonlin=False`; a list of nin Values or numbers gives a list of nout Values (one Value
        when nout is 1)."""
        t, listed = _micrograd_input(x, self.weight.dtype)
        out = self._apply(t)
        return _micrograd_output(out) if listed else out

    def extra_repr(self) -> str:
        """'nin=.., nout=.., nonlin=relu|linear' for the repr."""
        return f"nin={self.nin}, nout={self.nout}, nonlin={'relu' if self.nonlin else 'linear'}"


class Neuron(Layer):
    """micrograd's `Neuron`: one output, ReLU unless `nonlin=False`. `Neuron(nin)` and the
    seed's `Neuron(input_size=3)` both work; a (batch, nin) Tensor gives a (batch,) Tensor.

    PyTorch's equivalent is `Linear(nin, 1)` (then `ReLU()`) with the last axis squeezed.

    >>> import tinygrad_lite as tl
    >>> n = tl.nn.Neuron(3)
    >>> n(tl.Tensor(np.ones((5, 3)))).shape
    (5,)
    >>> type(n([1.0, 2.0, 3.0])).__name__   # micrograd style: one Value
    'Value'
    """

    def __init__(
        self,
        nin: int | None = None,
        nonlin: bool = True,
        *,
        input_size: int | None = None,
        dtype: Any = None,
    ) -> None:
        nin = nin if nin is not None else input_size
        if nin is None:
            raise TypeError("Neuron needs nin (or input_size)")
        super().__init__(nin, 1, nonlin, dtype=dtype)

    def forward(self, x: Any) -> Any:
        """(..., nin) -> (...,): relu(x @ w + b), or without the relu when `nonlin=False`; a
        list of nin Values or numbers gives one Value."""
        t, listed = _micrograd_input(x, self.weight.dtype)
        out = self._apply(t)
        return _micrograd_output(out) if listed else out.squeeze(-1)

    def extra_repr(self) -> str:
        """'nin=.., nonlin=relu|linear' for the repr."""
        return f"nin={self.nin}, nonlin={'relu' if self.nonlin else 'linear'}"


class MLP(Module):
    """micrograd's `MLP`: Layers of sizes `nouts`, ReLU between them, the last one linear.

    Its state dict has `torch.nn.Sequential(Linear, ReLU, ..., Linear)`'s keys in order
    ('0.weight', '0.bias', '2.weight', ...), so it loads into that PyTorch model as is.
    `MLP(nin, nouts)` and the seed's `MLP(input_size=3, layer_sizes=[4, 4, 1])` both work.
    A (batch, nin) Tensor gives a (batch, nouts[-1]) Tensor; a list of Values or numbers gives
    Values, as in micrograd.

    >>> import tinygrad_lite as tl
    >>> mlp = tl.nn.MLP(2, [16, 16, 1])
    >>> mlp(tl.Tensor(np.zeros((4, 2)))).shape
    (4, 1)
    >>> list(mlp.state_dict())
    ['0.weight', '0.bias', '2.weight', '2.bias', '4.weight', '4.bias']
    """

    def __init__(
        self,
        nin: int | None = None,
        nouts: list[int] | None = None,
        *,
        input_size: int | None = None,
        layer_sizes: list[int] | None = None,
        dtype: Any = None,
        layer: type[Layer] = Layer,
    ) -> None:
        super().__init__()
        nin = nin if nin is not None else input_size
        nouts = nouts if nouts is not None else layer_sizes
        if nin is None or not nouts:
            raise TypeError("MLP needs nin and a non-empty nouts (or input_size and layer_sizes)")
        sizes = [int(nin), *[int(n) for n in nouts]]
        for i in range(len(nouts)):
            last = i == len(nouts) - 1
            # NOTE: named 0, 2, 4, ... where torch's Sequential puts Linear between ReLUs
            self.add_module(str(2 * i), layer(sizes[i], sizes[i + 1], nonlin=not last, dtype=dtype))

    @property
    def layers(self) -> list[Layer]:
        """The Layers in order (micrograd's `mlp.layers`).

        >>> import tinygrad_lite as tl
        >>> [layer.nout for layer in tl.nn.MLP(2, [16, 16, 1]).layers]
        [16, 16, 1]
        """
        return list(self._registry()[2].values())

    def forward(self, x: Any) -> Any:
        """(..., nin) -> (..., nouts[-1]) through every Layer; a list of Values or numbers
        gives Values (one Value when the last layer has one neuron)."""
        layers = self.layers
        t, listed = _micrograd_input(x, layers[0].weight.dtype)
        for layer in layers:
            t = layer._apply(t)
        return _micrograd_output(t) if listed else t

    def extra_repr(self) -> str:
        """Nothing: the repr lists the layers."""
        return ""


# ----------------------------------------------------------------------------- activations


class ReLU(Module):
    """max(x, 0) elementwise (like `torch.nn.ReLU`).

    >>> import tinygrad_lite as tl
    >>> tl.nn.ReLU()(tl.Tensor([-1.0, 0.0, 2.0]))
    Tensor([0., 0., 2.])
    """

    def forward(self, x: Tensor) -> Tensor:
        """max(x, 0), any shape to the same shape."""
        return x.relu()


class Tanh(Module):
    """Hyperbolic tangent elementwise (like `torch.nn.Tanh`).

    >>> import tinygrad_lite as tl
    >>> tl.nn.Tanh()(tl.Tensor([0.0, 1.0])).data.round(4)
    array([0.    , 0.7616], dtype=float32)
    """

    def forward(self, x: Tensor) -> Tensor:
        """tanh(x), any shape to the same shape."""
        return x.tanh()


class Sigmoid(Module):
    """1 / (1 + exp(-x)) elementwise (like `torch.nn.Sigmoid`).

    >>> import tinygrad_lite as tl
    >>> tl.nn.Sigmoid()(tl.Tensor([0.0, 2.0])).data.round(4)
    array([0.5   , 0.8808], dtype=float32)
    """

    def forward(self, x: Tensor) -> Tensor:
        """sigmoid(x), any shape to the same shape."""
        return x.sigmoid()


class LeakyReLU(Module):
    """x for x > 0, negative_slope * x elsewhere (like `torch.nn.LeakyReLU`).

    >>> import tinygrad_lite as tl
    >>> tl.nn.LeakyReLU(0.1)(tl.Tensor([-2.0, 3.0]))
    Tensor([-0.2,  3. ])
    """

    def __init__(self, negative_slope: float = 0.01) -> None:
        super().__init__()
        self.negative_slope = negative_slope

    def forward(self, x: Tensor) -> Tensor:
        """leaky_relu(x), any shape to the same shape."""
        return x.leaky_relu(self.negative_slope)

    def extra_repr(self) -> str:
        """'negative_slope=..' for the repr."""
        return f"negative_slope={self.negative_slope}"


class GELU(Module):
    """x * Phi(x), Phi the standard normal CDF, exact or `approximate='tanh'` (like
    `torch.nn.GELU`).

    >>> import tinygrad_lite as tl
    >>> tl.nn.GELU()(tl.Tensor([0.0, 1.0])).data.round(4)
    array([0.    , 0.8413], dtype=float32)
    """

    def __init__(self, approximate: str = "none") -> None:
        super().__init__()
        self.approximate = approximate

    def forward(self, x: Tensor) -> Tensor:
        """gelu(x), any shape to the same shape."""
        return x.gelu(self.approximate)

    def extra_repr(self) -> str:
        """'approximate=..' for the repr."""
        return f"approximate={self.approximate!r}"


class Softmax(Module):
    """exp(x) / sum(exp(x)) along `dim` (like `torch.nn.Softmax`; default the last dim).

    >>> import tinygrad_lite as tl
    >>> tl.nn.Softmax(dim=1)(tl.Tensor([[1.0, 1.0], [0.0, 0.0]]))
    Tensor([[0.5, 0.5],
            [0.5, 0.5]])
    """

    def __init__(self, dim: int = -1) -> None:
        super().__init__()
        self.dim = dim

    def forward(self, x: Tensor) -> Tensor:
        """softmax(x) along dim, any shape to the same shape."""
        return x.softmax(self.dim)

    def extra_repr(self) -> str:
        """'dim=..' for the repr."""
        return f"dim={self.dim}"


class LogSoftmax(Softmax):
    """log(softmax(x)) along `dim`, computed stably (like `torch.nn.LogSoftmax`).

    >>> import tinygrad_lite as tl
    >>> tl.nn.LogSoftmax(dim=1)(tl.Tensor([[0.0, 0.0]])).data.round(4)
    array([[-0.6931, -0.6931]], dtype=float32)
    """

    def forward(self, x: Tensor) -> Tensor:
        """log_softmax(x) along dim, any shape to the same shape."""
        return x.log_softmax(self.dim)


class Flatten(Module):
    """Flatten dims start_dim..end_dim into one (like `torch.nn.Flatten`, default from dim 1).

    >>> import tinygrad_lite as tl
    >>> tl.nn.Flatten()(tl.Tensor(np.zeros((2, 28, 28)))).shape
    (2, 784)
    """

    def __init__(self, start_dim: int = 1, end_dim: int = -1) -> None:
        super().__init__()
        self.start_dim, self.end_dim = start_dim, end_dim

    def forward(self, x: Tensor) -> Tensor:
        """(N, d1, d2, ...) -> (N, d1 * d2 * ...) with the defaults."""
        return x.flatten(self.start_dim, self.end_dim)

    def extra_repr(self) -> str:
        """'start_dim=.., end_dim=..' for the repr."""
        return f"start_dim={self.start_dim}, end_dim={self.end_dim}"


class Identity(Module):
    """Returns its input unchanged, ignoring any constructor arguments (like
    `torch.nn.Identity`).

    >>> import tinygrad_lite as tl
    >>> x = tl.Tensor([1.0, 2.0])
    >>> tl.nn.Identity()(x) is x
    True
    """

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__()

    def forward(self, x: Any) -> Any:
        """x itself."""
        return x


class Dropout(Module):
    """Zero elements with probability p while training, scaling the rest by 1/(1-p) (like
    `torch.nn.Dropout`); in eval mode it returns its input.

    >>> import tinygrad_lite as tl
    >>> drop = tl.nn.Dropout(p=0.5)
    >>> x = tl.Tensor(np.ones(8))
    >>> set(drop(x).data.tolist()) <= {0.0, 2.0}
    True
    >>> drop.eval()(x) is x
    True
    """

    def __init__(self, p: float = 0.5) -> None:
        super().__init__()
        if not 0.0 <= p <= 1.0:
            raise ValueError(f"Dropout: p must be in [0, 1], got {p}")
        self.p = p

    def forward(self, x: Tensor) -> Tensor:
        """x with dropout applied while training, any shape to the same shape."""
        return F.dropout(x, self.p, self.training)

    def extra_repr(self) -> str:
        """'p=..' for the repr."""
        return f"p={self.p}"


# ----------------------------------------------------------------------------- normalisation


class BatchNorm1d(Module):
    """Normalise each feature over the batch (like `torch.nn.BatchNorm1d`; input (N, C) or
    (N, C, L)). Running statistics use the unbiased variance, normalisation the biased one.

    Training mode normalises with the batch's statistics and updates `running_mean` and
    `running_var` (buffers); eval mode normalises with those running statistics.

    >>> import tinygrad_lite as tl
    >>> bn = tl.nn.BatchNorm1d(3)
    >>> y = bn(tl.Tensor(np.arange(12.0).reshape(4, 3)))   # per feature: mean 0, variance 1
    >>> bool(np.allclose(y.data.mean(0), 0.0, atol=1e-6))
    True
    >>> [round(v, 4) for v in bn.running_mean.data.tolist()]   # 0.9 * 0 + 0.1 * batch mean
    [0.45, 0.55, 0.65]
    """

    def __init__(
        self,
        num_features: int,
        eps: float = 1e-5,
        momentum: float | None = 0.1,
        affine: bool = True,
        track_running_stats: bool = True,
        dtype: Any = None,
    ) -> None:
        super().__init__()
        dt = dtype or get_default_dtype()
        self.num_features, self.eps, self.momentum = num_features, eps, momentum
        self.affine, self.track_running_stats = affine, track_running_stats
        if affine:
            self.weight = Parameter(np.ones(num_features, dt))
            self.bias = Parameter(np.zeros(num_features, dt))
        if track_running_stats:
            self.register_buffer("running_mean", Tensor(np.zeros(num_features, dt)))
            self.register_buffer("running_var", Tensor(np.ones(num_features, dt)))
            self.register_buffer("num_batches_tracked", Tensor(np.zeros((), np.int64)))

    def forward(self, x: Tensor) -> Tensor:
        """(N, C) or (N, C, L) -> the same shape, each channel normalised (then scaled and
        shifted by weight and bias when `affine`)."""
        if x.ndim not in (2, 3) or x.shape[1] != self.num_features:
            raise ValueError(
                f"BatchNorm1d: expected input (N, {self.num_features}) or "
                f"(N, {self.num_features}, L), got {x.shape}"
            )
        axes = (0,) if x.ndim == 2 else (0, 2)
        shape = (1, -1) if x.ndim == 2 else (1, -1, 1)
        if self.training or not self.track_running_stats:
            n = x.size // self.num_features
            if self.training and n <= 1:
                raise ValueError(
                    f"BatchNorm1d: training needs more than 1 value per channel, input {x.shape}"
                )
            mean = x.mean(axes, keepdims=True)
            d = x - mean
            var = (d * d).mean(axes, keepdims=True)
            if self.training and self.track_running_stats:
                self._update_running(mean.data.reshape(-1), var.data.reshape(-1), n)
            xhat = d / (var + self.eps).sqrt()
        else:
            mean = self.running_mean.data.reshape(shape)
            std = np.sqrt(self.running_var.data + self.eps).reshape(shape)
            xhat = (x - mean) / std
        if self.affine:
            xhat = xhat * self.weight.reshape(shape) + self.bias.reshape(shape)
        return xhat

    @no_grad()
    def _update_running(self, mean: np.ndarray, var: np.ndarray, n: int) -> None:
        self.num_batches_tracked.data += 1
        m = self.momentum
        if m is None:  # cumulative average, as PyTorch does with momentum=None
            m = 1.0 / float(self.num_batches_tracked.data)
        unbiased = var * (n / (n - 1))
        rm, rv = self.running_mean.data, self.running_var.data
        rm *= 1 - m
        rm += m * mean
        rv *= 1 - m
        rv += m * unbiased

    def extra_repr(self) -> str:
        """'num_features, eps=.., momentum=.., affine=.., track_running_stats=..' for the repr."""
        return (
            f"{self.num_features}, eps={self.eps}, momentum={self.momentum}, "
            f"affine={self.affine}, track_running_stats={self.track_running_stats}"
        )


class LayerNorm(Module):
    """Normalise over the last dims given by `normalized_shape` (like `torch.nn.LayerNorm`).

    Each sample is normalised with its own mean and biased variance, then scaled and shifted
    elementwise by weight and bias when `elementwise_affine`.

    >>> import tinygrad_lite as tl
    >>> ln = tl.nn.LayerNorm(4)
    >>> y = ln(tl.Tensor(np.arange(8.0).reshape(2, 4)))
    >>> y.shape, y.data[0].round(3).tolist()
    ((2, 4), [-1.342, -0.447, 0.447, 1.342])
    """

    def __init__(
        self,
        normalized_shape: Any,
        eps: float = 1e-5,
        elementwise_affine: bool = True,
        bias: bool = True,
        dtype: Any = None,
    ) -> None:
        super().__init__()
        shape = (normalized_shape,) if isinstance(normalized_shape, int) else normalized_shape
        self.normalized_shape = tuple(int(n) for n in shape)
        self.eps, self.elementwise_affine = eps, elementwise_affine
        dt = dtype or get_default_dtype()
        if elementwise_affine:
            self.weight = Parameter(np.ones(self.normalized_shape, dt))
            self.bias = Parameter(np.zeros(self.normalized_shape, dt)) if bias else None

    def forward(self, x: Tensor) -> Tensor:
        """(..., *normalized_shape) -> the same shape, normalised over normalized_shape."""
        k = len(self.normalized_shape)
        if x.shape[x.ndim - k :] != self.normalized_shape:
            raise ValueError(
                f"LayerNorm: input {x.shape} does not end in normalized_shape "
                f"{self.normalized_shape}"
            )
        axes = tuple(range(x.ndim - k, x.ndim))
        d = x - x.mean(axes, keepdims=True)
        xhat = d / ((d * d).mean(axes, keepdims=True) + self.eps).sqrt()
        if self.elementwise_affine:
            xhat = xhat * self.weight
            if self.bias is not None:
                xhat = xhat + self.bias
        return xhat

    def extra_repr(self) -> str:
        """'normalized_shape, eps=.., elementwise_affine=.., bias=..' for the repr."""
        bias = self.elementwise_affine and self.bias is not None
        return (
            f"{self.normalized_shape}, eps={self.eps}, "
            f"elementwise_affine={self.elementwise_affine}, bias={bias}"
        )
