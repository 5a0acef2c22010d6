"""Value: micrograd's scalar node, as one kind of node in tinygrad_lite's graph.

`.data` and `.grad` are Python floats. Ops follow micrograd exactly (subtraction is `a + (-b)`,
division is `a * b**-1`), so a micrograd program gives the same numbers. `backward()` on a Value
has micrograd's semantics: every Value in the graph gets `.grad`, accumulated across calls.
Values and Tensors mix: a Tensor op with a Value input, or a Value taken out of a Tensor
(`Element`), is an ordinary op of the one graph.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from typing import Any

import numpy as np

from . import autograd
from .autograd import Function, Manual, Sparse

_NUMBERS = (int, float, np.integer, np.floating)


class ScalarFunction(Function):
    """A Function whose output is a Value: forward returns a Python float."""


def _pow(a: float, b: float) -> float:
    """a ** b as a float: inf where Python raises for 0 ** -k, nan where it gives a complex."""
    try:
        out = a**b
    except ZeroDivisionError:
        return math.inf
    except OverflowError:
        return math.inf
    return math.nan if isinstance(out, complex) else out


class Add(ScalarFunction):
    op = "+"

    def forward(self, a, b):
        return a + b

    def backward(self, g):
        return g, g


class Mul(ScalarFunction):
    op = "*"

    def forward(self, a, b):
        self.a, self.b = a, b
        return a * b

    def backward(self, g):
        return self.b * g, self.a * g


class Pow(ScalarFunction):
    """a ** k for a number k (micrograd labels it '**k')."""

    def forward(self, a, k=1.0):
        self.a, self.k = a, k
        self.op = f"**{k}"
        return _pow(a, k)

    def backward(self, g):
        if self.k == 0:
            return (0.0,)  # NOTE: 0 * 0**-1 would be nan at a = 0; a**0 is constant
        return ((self.k * _pow(self.a, self.k - 1)) * g,)


class PowValue(ScalarFunction):
    """a ** b where the exponent is a Value too."""

    op = "**"

    def forward(self, a, b):
        self.a, self.b = a, b
        self.out = _pow(a, b)
        return self.out

    def backward(self, g):
        ga = 0.0 if self.b == 0 else self.b * _pow(self.a, self.b - 1) * g
        # NOTE: d(a^b)/db = a^b log a: 0 where a == 0 (PyTorch's convention), nan for a < 0
        if self.a == 0:
            gb = 0.0
        else:
            gb = self.out * math.log(self.a) * g if self.a > 0 else math.nan
        return ga, gb


class Relu(ScalarFunction):
    op = "ReLU"

    def forward(self, x):
        self.out = 0.0 if x < 0 else x
        return self.out

    def backward(self, g):
        return ((self.out > 0) * g,)


class Tanh(ScalarFunction):
    op = "tanh"

    def forward(self, x):
        self.out = math.tanh(x)
        return self.out

    def backward(self, g):
        return ((1 - self.out**2) * g,)


class Exp(ScalarFunction):
    op = "exp"

    def forward(self, x):
        try:
            self.out = math.exp(x)
        except OverflowError:
            self.out = math.inf
        return self.out

    def backward(self, g):
        return (self.out * g,)


class Log(ScalarFunction):
    op = "log"

    def forward(self, x):
        self.x = x
        if x > 0:
            return math.log(x)
        return -math.inf if x == 0 else math.nan

    def backward(self, g):
        return (g / self.x if self.x != 0 else math.copysign(math.inf, g),)


class Sigmoid(ScalarFunction):
    op = "sigmoid"

    def forward(self, x):
        # NOTE: the two branches keep exp from overflowing for large |x|
        if x >= 0:
            self.out = 1.0 / (1.0 + math.exp(-x))
        else:
            e = math.exp(x)
            self.out = e / (1.0 + e)
        return self.out

    def backward(self, g):
        return (self.out * (1 - self.out) * g,)


class Element(ScalarFunction):
    """One element of a Tensor, as a Value; its gradient goes back into that element."""

    op = "item"

    def forward(self, x, index=()):
        self.index = index
        return float(x[index])

    def backward(self, g):
        return (Sparse(self.index, g),)


class Value:
    """A scalar with a gradient: micrograd's `Value`, in the same graph as Tensors.

    >>> a = Value(2.0); b = Value(3.0); c = a * b; d = c + a
    >>> d.backward(); a.grad
    4.0
    """

    __slots__ = ("data", "grad", "_ctx", "label", "_bw", "__weakref__")
    _ctx: Function | None
    _scalar = True
    _retain = False
    requires_grad = True

    def __init__(self, data: Any, _children: tuple = (), _op: str = "", label: str = "") -> None:
        self.data = float(data)
        self.grad = 0.0
        # NOTE: micrograd's private arguments build a node by hand; its `_backward` closure,
        # set afterwards by the caller, is what backward runs for it
        self._ctx = Manual(tuple(_children), _op) if _children else None
        self.label = label
        self._bw: Callable[[], None] | None = None

    @staticmethod
    def _from_op(out: float, ctx: Function | None) -> Value:
        v = object.__new__(Value)
        v.data = out
        v.grad = 0.0
        v._ctx = ctx
        v.label = ""
        v._bw = None
        return v

    # --- graph tracing, micrograd's names
    @property
    def _prev(self) -> set:
        """The nodes this one was computed from (micrograd's `_prev`)."""
        return set(self._ctx.parents) if self._ctx is not None else set()

    @property
    def _op(self) -> str:
        """The name of the op that made this node ('' for a leaf)."""
        return self._ctx.name if self._ctx is not None else ""

    @property
    def _backward(self) -> Callable[[], None]:
        """Apply this node's local chain rule once, micrograd-style (adds into inputs' .grad)."""
        if self._bw is not None:
            return self._bw
        if self._ctx is None or type(self._ctx) is Manual:
            return lambda: None
        return self._run_local_backward

    @_backward.setter
    def _backward(self, fn: Callable[[], None]) -> None:
        self._bw = fn

    def _run_local_backward(self) -> None:
        ctx = self._ctx
        assert ctx is not None
        for p, pg in zip(ctx.parents, ctx.backward(self.grad)):
            if pg is None:
                continue
            if p._scalar:
                p.grad += float(pg)
            elif type(pg) is Sparse:
                if p.grad is None:
                    p.grad = np.zeros(p.data.shape, p.data.dtype)
                p.grad[pg.index] += pg.value
            else:
                p.grad = pg if p.grad is None else p.grad + pg

    # --- arithmetic, exactly micrograd's compositions
    def __add__(self, other: Any) -> Any:
        if not isinstance(other, Value):
            if not isinstance(other, _NUMBERS):
                return NotImplemented
            other = Value(other)
        return Add.apply(self, other)

    def __mul__(self, other: Any) -> Any:
        if not isinstance(other, Value):
            if not isinstance(other, _NUMBERS):
                return NotImplemented
            other = Value(other)
        return Mul.apply(self, other)

    def __pow__(self, other: Any) -> Any:
        if isinstance(other, Value):
            return PowValue.apply(self, other)
        if not isinstance(other, _NUMBERS):
            return NotImplemented
        return Pow.apply(self, k=other.item() if isinstance(other, np.generic) else other)

    def __rpow__(self, other: Any) -> Any:
        if not isinstance(other, _NUMBERS):
            return NotImplemented
        return PowValue.apply(Value(other), self)

    def relu(self) -> Value:
        """max(0, x) (micrograd's `relu`).

        >>> Value(-2.0).relu().data, Value(3.0).relu().data
        (0.0, 3.0)
        """
        return Relu.apply(self)

    def tanh(self) -> Value:
        """Hyperbolic tangent (the micrograd lecture's `tanh`).

        >>> Value(0.0).tanh().data
        0.0
        """
        return Tanh.apply(self)

    def exp(self) -> Value:
        """e ** x (the micrograd lecture's `exp`); overflow gives inf, not an exception.

        >>> Value(0.0).exp().data
        1.0
        """
        return Exp.apply(self)

    def log(self) -> Value:
        """Natural logarithm; log(0) is -inf and log of a negative is nan, not an exception.

        >>> Value(1.0).log().data
        0.0
        """
        return Log.apply(self)

    def sigmoid(self) -> Value:
        """1 / (1 + e ** -x), stable for any x.

        >>> Value(0.0).sigmoid().data
        0.5
        """
        return Sigmoid.apply(self)

    def __neg__(self) -> Value:
        return self * -1

    def __radd__(self, other: Any) -> Any:
        return self + other

    def __sub__(self, other: Any) -> Any:
        if not isinstance(other, (Value, *_NUMBERS)):
            return NotImplemented
        return self + (-other)

    def __rsub__(self, other: Any) -> Any:
        return other + (-self)

    def __rmul__(self, other: Any) -> Any:
        return self * other

    def __truediv__(self, other: Any) -> Any:
        if not isinstance(other, (Value, *_NUMBERS)):
            return NotImplemented
        return self * other**-1

    def __rtruediv__(self, other: Any) -> Any:
        return other * self**-1

    # NOTE: NumPy scalars and arrays defer to our reflected operators instead of looping
    # over a Value as an object, so `np.int64(-1) * v` is a Value as in micrograd
    __array_ufunc__ = None

    def __float__(self) -> float:
        return self.data

    def __repr__(self) -> str:
        return f"Value(data={self.data}, grad={self.grad})"

    # --- backward
    def backward(self) -> None:
        """Fill `.grad` of every node in this Value's graph, micrograd's way.

        The root's grad is set to 1, every Value adds its contribution into its inputs' `.grad`
        (so calling twice accumulates), leaf Tensors accumulate too, and nothing is freed.

        >>> a = Value(2.0); b = Value(3.0); c = a * b
        >>> c.backward(); (a.grad, b.grad, c.grad)
        (3.0, 2.0, 1.0)
        """
        self.grad = 1.0
        autograd.backward(self, None, micrograd=True)


class ElementView(Value):
    """A Value that *is* one element of a Tensor: `.data` and `.grad` read and write the
    Tensor's arrays, so `p.data -= lr * p.grad` updates the weight matrix in place.

    This is how micrograd's `parameters()` list is served by weight matrices: the views are
    leaves, and whatever flows into them (e.g. an L2 penalty `p * p`) lands in the Tensor's grad.
    """

    __slots__ = ("_t", "_i")

    def __init__(self, t: Any, index: tuple) -> None:
        self._t, self._i = t, index
        self._ctx = None
        self.label = ""
        self._bw = None

    @property  # type: ignore[override]
    def data(self) -> float:
        return float(self._t.data[self._i])

    @data.setter
    def data(self, v: float) -> None:
        self._t.data[self._i] = v

    @property  # type: ignore[override]
    def grad(self) -> float:
        g = self._t.grad
        return 0.0 if g is None else float(g[self._i])

    @grad.setter
    def grad(self, v: float) -> None:
        t = self._t
        if t.grad is None:
            if v == 0:
                return  # a missing gradient already reads as 0
            t.grad = np.zeros(t.data.shape, t.data.dtype)
        t.grad[self._i] = v


ScalarFunction.node = Value
