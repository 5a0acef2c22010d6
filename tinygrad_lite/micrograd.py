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
    """micrograd's `Module`: `parameters()` lists scalar Values, `zero_grad()` zeroes them.

    Subclass it as in micrograd; submodules it holds are found by `parameters()`.

    >>> from tinygrad_lite.micrograd import MLP, Module
    >>> class Net(Module):
    ...     def __init__(self):
    ...         super().__init__()
    ...         self.mlp = MLP(2, [4, 1])
    ...     def __call__(self, x):
    ...         return self.mlp(x)
    >>> len(Net().parameters())   # 2 * 4 + 4 + 4 * 1 + 1
    17
    """

    def parameters(self) -> list[Any]:  # type: ignore[override]
        """Scalar Value views of every registered weight, in registration order (micrograd's
        `Module.parameters`).

        >>> from tinygrad_lite.micrograd import Module
        >>> Module().parameters()
        []
        """
        views: list[Any] = []
        for m in self.children():
            if isinstance(m, Module):
                views.extend(m.parameters())
        return views

    def zero_grad(self) -> None:  # type: ignore[override]
        """Set every parameter's grad to 0, as micrograd's `Module.zero_grad` does.

        >>> from tinygrad_lite.micrograd import Neuron
        >>> n = Neuron(2)
        >>> n([1.0, 2.0]).backward()
        >>> n.zero_grad(); [p.grad for p in n.parameters()]
        [0.0, 0.0, 0.0]
        """
        for p in self.parameters():
            p.grad = 0

    def tensor_parameters(self) -> list[Tensor]:
        """The weight and bias Tensors behind the Values, for the tensor API and its
        optimizers (what `torch.nn.Module.parameters` would return).

        >>> import tinygrad_lite as tl
        >>> from tinygrad_lite.micrograd import MLP
        >>> model = MLP(2, [16, 1])
        >>> [t.shape for t in model.tensor_parameters()]
        [(16, 2), (16,), (1, 16), (1,)]
        >>> opt = tl.optim.SGD(model.tensor_parameters(), lr=0.1)
        """
        return nn.Module.parameters(self)


class _NeuronView:
    """One row of a Layer's weight matrix, looking like micrograd's Neuron (`w`, `b`, call)."""

    def __init__(self, layer: Layer, row: int) -> None:
        self.layer, self.row = layer, row

    @property
    def w(self) -> list[Value]:
        """The neuron's weights as Values (micrograd's `neuron.w`)."""
        return self.parameters()[:-1]

    @property
    def b(self) -> Value:
        """The neuron's bias as a Value (micrograd's `neuron.b`)."""
        return self.parameters()[-1]

    @property
    def nonlin(self) -> bool:
        """Whether a ReLU follows (micrograd's `neuron.nonlin`)."""
        return self.layer.nonlin

    def parameters(self) -> list[Value]:
        """The weights then the bias, as Values (micrograd's `Neuron.parameters`)."""
        n = self.layer.nin + 1
        return self.layer.parameters()[self.row * n : (self.row + 1) * n]

    def zero_grad(self) -> None:
        """Set this neuron's gradients to 0 (micrograd's `Module.zero_grad`)."""
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
    `Layer(num_inputs=3, num_neurons=4)`).

    Initialised as micrograd does (from Python's `random`, float64); a list of Values or
    numbers gives a list of Values, a (batch, nin) Tensor gives a (batch, nout) Tensor.

    >>> import random
    >>> from tinygrad_lite.micrograd import Layer
    >>> random.seed(0)
    >>> layer = Layer(3, 2)
    >>> layer
    Layer of [ReLUNeuron(3), ReLUNeuron(3)]
    >>> out = layer([1.0, 2.0, 3.0])
    >>> len(out), type(out[0]).__name__
    (2, 'Value')
    """

    def __init__(
        self, nin: int | None = None, nout: int | None = None, nonlin: bool = True, **kwargs: Any
    ) -> None:
        kwargs.setdefault("dtype", np.float64)
        nn.Layer.__init__(self, nin, nout, nonlin, **kwargs)

    def reset_parameters(self) -> None:
        """micrograd's initialisation: per neuron, nin draws of `random.uniform(-1, 1)`, bias 0.

        >>> from tinygrad_lite.micrograd import Layer
        >>> layer = Layer(3, 2)
        >>> layer.reset_parameters()
        >>> layer.bias.data.tolist(), bool((abs(layer.weight.data) <= 1).all())
        ([0.0, 0.0], True)
        """
        _micrograd_init(self)

    def parameters(self) -> list[Any]:  # type: ignore[override]
        """Value views in micrograd's order: for each neuron, its weights then its bias
        (micrograd's `Layer.parameters`). Writing `p.data` changes the weight matrix.

        >>> from tinygrad_lite.micrograd import Layer
        >>> layer = Layer(3, 2)
        >>> params = layer.parameters()
        >>> len(params)
        8
        >>> params[3].data = 5.0; layer.bias.data.tolist()   # neuron 0: w0, w1, w2, then b
        [5.0, 0.0]
        """
        views = self.__dict__.get("_views")
        if views is None:
            views = []
            for i in range(self.nout):
                views.extend(ElementView(self.weight, (i, j)) for j in range(self.nin))
                views.append(ElementView(self.bias, (i,)))
            self.__dict__["_views"] = views
        return list(views)

    def zero_grad(self) -> None:  # type: ignore[override]
        """Set every gradient of the layer to 0 (micrograd's `Module.zero_grad`).

        >>> from tinygrad_lite.micrograd import Layer
        >>> layer = Layer(2, 2)
        >>> sum(layer([1.0, 2.0])).backward()
        >>> layer.zero_grad(); {p.grad for p in layer.parameters()}
        {0.0}
        """
        # NOTE: same effect as setting each view's grad to 0, without nin * nout Python writes
        self.weight.grad = None
        self.bias.grad = None

    @property
    def neurons(self) -> list[_NeuronView]:
        """micrograd's `layer.neurons`: one view per row of the weight matrix.

        >>> from tinygrad_lite.micrograd import Layer
        >>> neurons = Layer(3, 2, nonlin=False).neurons
        >>> neurons, len(neurons[0].w)
        ([LinearNeuron(3), LinearNeuron(3)], 3)
        """
        return [_NeuronView(self, i) for i in range(self.nout)]

    def __repr__(self) -> str:
        return f"Layer of [{', '.join(str(n) for n in self.neurons)}]"


class Neuron(Layer):
    """micrograd's `Neuron(nin, nonlin=True)` (also `Neuron(input_size=3)`): a one-row Layer.

    >>> from tinygrad_lite.micrograd import Neuron, Value
    >>> n = Neuron(2, nonlin=False)
    >>> n
    LinearNeuron(2)
    >>> y = n([Value(1.0), Value(2.0)])   # w0 * 1 + w1 * 2 + b, one Value
    >>> type(y).__name__
    'Value'
    """

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
        """The weights as Values (micrograd's `neuron.w`).

        >>> from tinygrad_lite.micrograd import Neuron
        >>> len(Neuron(3).w)
        3
        """
        return self.parameters()[:-1]

    @property
    def b(self) -> Value:
        """The bias as a Value, 0 at first (micrograd's `neuron.b`).

        >>> from tinygrad_lite.micrograd import Neuron
        >>> Neuron(3).b
        Value(data=0.0, grad=0.0)
        """
        return self.parameters()[-1]

    def __repr__(self) -> str:
        return f"{'ReLU' if self.nonlin else 'Linear'}Neuron({self.nin})"


class MLP(Module, nn.MLP):
    """micrograd's `MLP(nin, nouts)` (also `MLP(input_size=3, layer_sizes=[4, 4, 1])`).

    micrograd's training loop runs unchanged; the same model also takes a (batch, nin) Tensor.

    >>> import random
    >>> from tinygrad_lite.micrograd import MLP
    >>> random.seed(1337)
    >>> model = MLP(2, [16, 16, 1])
    >>> len(model.parameters())
    337
    >>> loss = (model([2.0, -1.0]) - 1.0) ** 2   # one Value
    >>> model.zero_grad(); loss.backward()
    >>> for p in model.parameters():
    ...     p.data -= 0.01 * p.grad
    """

    def __init__(
        self, nin: int | None = None, nouts: list[int] | None = None, **kwargs: Any
    ) -> None:
        kwargs.setdefault("dtype", np.float64)
        nn.MLP.__init__(self, nin, nouts, layer=Layer, **kwargs)

    def parameters(self) -> list[Any]:  # type: ignore[override]
        """Every layer's Value views in order (micrograd's `MLP.parameters`).

        >>> from tinygrad_lite.micrograd import MLP
        >>> len(MLP(3, [4, 4, 1]).parameters())   # (3 + 1) * 4 + (4 + 1) * 4 + (4 + 1) * 1
        41
        """
        return [p for layer in self.layers for p in layer.parameters()]

    def zero_grad(self) -> None:  # type: ignore[override]
        """Set every gradient to 0 (micrograd's `Module.zero_grad`).

        >>> from tinygrad_lite.micrograd import MLP
        >>> model = MLP(2, [3, 1])
        >>> model([1.0, 2.0]).backward()
        >>> model.zero_grad(); {p.grad for p in model.parameters()}
        {0.0}
        """
        for layer in self.layers:
            layer.zero_grad()

    def __repr__(self) -> str:
        return f"MLP of [{', '.join(str(layer) for layer in self.layers)}]"
