"""Karpathy's micrograd API, backed by tinygrad_lite's matrices.

Change one import and micrograd code runs unchanged, with the same numbers:

    from tinygrad_lite.micrograd import Value, Neuron, Layer, MLP, Module

`Value` is micrograd's scalar. `Neuron`, `Layer` and `MLP` initialise exactly as micrograd does
(weights from Python's `random.uniform(-1, 1)` in micrograd's order, biases 0, float64), so after
`random.seed(s)` they hold micrograd's weights. Inside, each Layer is one matrix op on a weight
Tensor; `parameters()` returns scalar Value *views* into those matrices, in micrograd's order
(per neuron: its weights, then its bias), so `p.data -= lr * p.grad` writes through.
The same model is a tensor-API model too: `tensor_parameters()`, `state_dict()`, and calling it
with a (batch, nin) Tensor.
"""

from __future__ import annotations

import random
from typing import Any

import numpy as np

from . import nn
from .tensor import Tensor
from .value import ElementView, Value

__all__ = ["MLP", "Layer", "Module", "Neuron", "Value"]


class Module(nn.Module):
    """micrograd's `Module`: `parameters()` lists scalar Values, `zero_grad()` zeroes them."""

    def parameters(self) -> list[Any]:  # type: ignore[override]
        """Scalar Value views of every registered weight, in registration order."""
        views: list[Any] = []
        for m in self.children():
            if isinstance(m, Module):
                views.extend(m.parameters())
        return views

    def zero_grad(self) -> None:  # type: ignore[override]
        """Set every parameter's grad to 0, as micrograd does."""
        for p in self.parameters():
            p.grad = 0

    def tensor_parameters(self) -> list[Tensor]:
        """The weight and bias Tensors behind the Values (for the tensor API and optimizers)."""
        return nn.Module.parameters(self)


class _NeuronView:
    """One row of a Layer's weight matrix, looking like micrograd's Neuron (`w`, `b`, call)."""

    def __init__(self, layer: Layer, row: int) -> None:
        self.layer, self.row = layer, row

    @property
    def w(self) -> list[Value]:
        return self.parameters()[:-1]

    @property
    def b(self) -> Value:
        return self.parameters()[-1]

    @property
    def nonlin(self) -> bool:
        return self.layer.nonlin

    def parameters(self) -> list[Value]:
        n = self.layer.nin + 1
        return self.layer.parameters()[self.row * n : (self.row + 1) * n]

    def zero_grad(self) -> None:
        for p in self.parameters():
            p.grad = 0

    def __call__(self, x: Any) -> Any:
        return _micrograd_call(self.layer, x)[self.row] if self.layer.nout > 1 else self.layer(x)

    def __repr__(self) -> str:
        return f"{'ReLU' if self.nonlin else 'Linear'}Neuron({self.layer.nin})"


def _micrograd_call(layer: Layer, x: Any) -> list[Value]:
    out = layer(x)
    return out if isinstance(out, list) else [out]


def _micrograd_init(layer: nn.Layer) -> None:
    """micrograd's initialisation: per neuron, nin draws of random.uniform(-1, 1); bias 0."""
    w = [[random.uniform(-1, 1) for _ in range(layer.nin)] for _ in range(layer.nout)]
    layer.weight.data[...] = np.array(w, dtype=np.float64).reshape(layer.weight.shape)
    layer.bias.data[...] = 0.0


class Layer(Module, nn.Layer):
    """micrograd's `Layer(nin, nout, nonlin=True)` as one matmul (also
    `Layer(num_inputs=3, num_neurons=4)`)."""

    def __init__(
        self, nin: int | None = None, nout: int | None = None, nonlin: bool = True, **kwargs: Any
    ) -> None:
        kwargs.setdefault("dtype", np.float64)
        nn.Layer.__init__(self, nin, nout, nonlin, **kwargs)

    def reset_parameters(self) -> None:
        _micrograd_init(self)

    def parameters(self) -> list[Any]:  # type: ignore[override]
        """Value views in micrograd's order: for each neuron, its weights then its bias."""
        views = self.__dict__.get("_views")
        if views is None:
            views = []
            for i in range(self.nout):
                views.extend(ElementView(self.weight, (i, j)) for j in range(self.nin))
                views.append(ElementView(self.bias, (i,)))
            self.__dict__["_views"] = views
        return list(views)

    def zero_grad(self) -> None:  # type: ignore[override]
        # NOTE: same effect as setting each view's grad to 0, without nin * nout Python writes
        self.weight.grad = None
        self.bias.grad = None

    @property
    def neurons(self) -> list[_NeuronView]:
        """micrograd's `layer.neurons`: one view per row of the weight matrix."""
        return [_NeuronView(self, i) for i in range(self.nout)]

    def __repr__(self) -> str:
        return f"Layer of [{', '.join(str(n) for n in self.neurons)}]"


class Neuron(Layer):
    """micrograd's `Neuron(nin, nonlin=True)` (also `Neuron(input_size=3)`): a one-row Layer."""

    def __init__(
        self,
        nin: int | None = None,
        nonlin: bool = True,
        *,
        input_size: int | None = None,
        **kwargs: Any,
    ) -> None:
        nin = nin if nin is not None else input_size
        if nin is None:
            raise TypeError("Neuron needs nin (or input_size)")
        super().__init__(nin, 1, nonlin, **kwargs)

    forward = nn.Neuron.forward

    @property
    def w(self) -> list[Value]:
        return self.parameters()[:-1]

    @property
    def b(self) -> Value:
        return self.parameters()[-1]

    def __repr__(self) -> str:
        return f"{'ReLU' if self.nonlin else 'Linear'}Neuron({self.nin})"


class MLP(Module, nn.MLP):
    """micrograd's `MLP(nin, nouts)` (also `MLP(input_size=3, layer_sizes=[4, 4, 1])`)."""

    def __init__(
        self, nin: int | None = None, nouts: list[int] | None = None, **kwargs: Any
    ) -> None:
        kwargs.setdefault("dtype", np.float64)
        nn.MLP.__init__(self, nin, nouts, layer=Layer, **kwargs)

    def parameters(self) -> list[Any]:  # type: ignore[override]
        return [p for layer in self.layers for p in layer.parameters()]

    def zero_grad(self) -> None:  # type: ignore[override]
        for layer in self.layers:
            layer.zero_grad()

    def __repr__(self) -> str:
        return f"MLP of [{', '.join(str(layer) for layer in self.layers)}]"
