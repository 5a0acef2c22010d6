"""Tensor: a NumPy array with a gradient, PyTorch-shaped.

Public constructors check their input once (dtype rules, `requires_grad` on integers); results
of ops skip those checks (`Tensor._from_op`). Every differentiable method routes to one Function
in ops.py; composites (mean, var, softmax, logsumexp, ...) are built from those here and have no
backward of their own.
"""

from __future__ import annotations

import math
from collections.abc import Iterator, Sequence
from typing import Any

import numpy as np

from . import autograd, ops
from .value import Element, Value

# ----------------------------------------------------------------------------- dtypes, randomness

float16 = np.dtype(np.float16)
float32 = np.dtype(np.float32)
float64 = np.dtype(np.float64)
int32 = np.dtype(np.int32)
int64 = np.dtype(np.int64)
bool_ = np.dtype(np.bool_)


class _Defaults:
    dtype = float32
    rng = np.random.default_rng()


_defaults = _Defaults()


def set_default_dtype(dtype: Any) -> None:
    """Set the float dtype Python floats become (float32 unless changed), like PyTorch's.

    >>> set_default_dtype(np.float64); Tensor(1.0).dtype
    dtype('float64')
    >>> set_default_dtype(np.float32); Tensor(1.0).dtype
    dtype('float32')
    """
    dt = np.dtype(dtype)
    if dt.kind != "f":
        raise TypeError(f"set_default_dtype: only floating dtypes are allowed, got {dt}")
    _defaults.dtype = dt


def get_default_dtype() -> np.dtype:
    """The float dtype that Python floats become (like `torch.get_default_dtype`).

    >>> get_default_dtype()
    dtype('float32')
    """
    return _defaults.dtype


def manual_seed(seed: int) -> np.random.Generator:
    """Seed tinygrad_lite's one NumPy Generator (rand/randn/init/Dropout/DataLoader use it),
    like `torch.manual_seed`; returns the new generator.

    >>> _ = manual_seed(0); a = Tensor.randn(3)
    >>> _ = manual_seed(0); b = Tensor.randn(3)
    >>> a.tolist() == b.tolist()
    True
    """
    _defaults.rng = np.random.default_rng(seed)
    return _defaults.rng


def default_generator() -> np.random.Generator:
    """The NumPy Generator behind all of tinygrad_lite's randomness (`torch.default_generator`).

    >>> isinstance(default_generator(), np.random.Generator)
    True
    """
    return _defaults.rng


def _is_float(dt: np.dtype) -> bool:
    return dt.kind in "fc"


def _shape_args(args: tuple) -> tuple[int, ...]:
    """Shapes come as varargs or one tuple/list: reshape(2, 3) == reshape((2, 3))."""
    if len(args) == 1 and isinstance(args[0], (tuple, list)):
        args = tuple(args[0])
    return tuple(int(n) for n in args)


def _as_array(data: Any, dtype: Any) -> np.ndarray:
    """Input data -> a fresh ndarray following PyTorch's dtype rules."""
    if isinstance(data, Tensor):
        return np.array(data.data, dtype=dtype)
    if isinstance(data, np.ndarray | np.generic):
        return np.array(data, dtype=dtype)
    if isinstance(data, bool):
        return np.array(data, dtype=dtype or bool_)
    if isinstance(data, int):
        return np.array(data, dtype=dtype or int64)
    if isinstance(data, float):
        return np.array(data, dtype=dtype or _defaults.dtype)
    arr = np.array(data)
    if arr.dtype == object:
        raise TypeError(f"Tensor: cannot make a tensor from {type(data).__name__} data")
    if dtype is None and arr.dtype.kind == "f":
        arr = arr.astype(_defaults.dtype)  # Python floats become the default dtype, as in PyTorch
    return arr if dtype is None else arr.astype(dtype)


def _holds_values(data: Any) -> bool:
    if isinstance(data, list | tuple):
        return any(_holds_values(d) for d in data)
    return isinstance(data, Value)


def _flatten_values(data: Any) -> tuple[list[Value], tuple[int, ...]]:
    if isinstance(data, Value):
        return [data], ()
    if not isinstance(data, list | tuple):
        return [Value(data)], ()  # a number among Values: a constant of the same graph
    parts = [_flatten_values(d) for d in data]
    shapes = {s for _, s in parts}
    if len(shapes) != 1:
        raise ValueError(f"Tensor: nested lists of Values have ragged shapes {sorted(shapes)}")
    return [v for flat, _ in parts for v in flat], (len(parts), *shapes.pop())


# ----------------------------------------------------------------------------- Tensor


class Tensor:
    """An n-dimensional array with a gradient (like `torch.Tensor`).

    >>> x = Tensor([[1.0, 2.0], [3.0, 4.0]], requires_grad=True)
    >>> y = (x * x).sum()
    >>> y.backward(); x.grad
    array([[2., 4.],
           [6., 8.]], dtype=float32)
    """

    __slots__ = ("data", "grad", "requires_grad", "_ctx", "_retain", "__weakref__")
    _scalar = False

    def __init__(self, data: Any, requires_grad: bool = False, dtype: Any = None) -> None:
        ctx = None
        if isinstance(data, Value) or (isinstance(data, list | tuple) and _holds_values(data)):
            # NOTE: Values enter the tensor world through an op, so gradients flow back to them
            flat, shape = _flatten_values(data)
            t = ops.StackValues.apply(*flat, dtype=np.dtype(dtype or float64)).reshape(shape)
            arr, ctx = t.data, t._ctx
        else:
            arr = _as_array(data, dtype)
        if requires_grad and not _is_float(arr.dtype):
            raise TypeError(
                f"Tensor: only floating-point tensors can require gradients, got dtype {arr.dtype}"
            )
        self.data = arr
        self.grad: np.ndarray | None = None
        self.requires_grad = bool(requires_grad) or ctx is not None
        self._ctx = ctx
        self._retain = False

    @staticmethod
    def _from_op(out: Any, ctx: autograd.Function | None) -> Tensor:
        """Wrap an op's result without the public constructor's checks (the fast path)."""
        t = object.__new__(Tensor)
        t.data = out if type(out) is np.ndarray else np.asarray(out)
        t.grad = None
        t.requires_grad = ctx is not None
        t._ctx = ctx
        t._retain = False
        return t

    @staticmethod
    def _leaf(arr: np.ndarray, requires_grad: bool = False) -> Tensor:
        t = Tensor._from_op(arr, None)
        if requires_grad:
            t.requires_grad_()
        return t

    # --- properties
    @property
    def shape(self) -> tuple[int, ...]:
        """The size of each axis (like `torch.Tensor.shape`).

        >>> Tensor.zeros(2, 3).shape
        (2, 3)
        """
        return self.data.shape

    @property
    def ndim(self) -> int:
        """The number of axes (like `torch.Tensor.ndim`).

        >>> Tensor.zeros(2, 3).ndim
        2
        """
        return self.data.ndim

    @property
    def size(self) -> int:
        """The number of elements (NumPy's `size`; PyTorch's is `numel()`).

        >>> Tensor.zeros(2, 3).size
        6
        """
        return self.data.size

    def numel(self) -> int:
        """The number of elements (like `torch.Tensor.numel`).

        >>> Tensor.zeros(2, 3).numel()
        6
        """
        return self.data.size

    def dim(self) -> int:
        """The number of axes (like `torch.Tensor.dim`).

        >>> Tensor.zeros(2, 3).dim()
        2
        """
        return self.data.ndim

    @property
    def dtype(self) -> np.dtype:
        """The NumPy dtype of the data (like `torch.Tensor.dtype`).

        >>> Tensor([1.0]).dtype, Tensor([1]).dtype
        (dtype('float32'), dtype('int64'))
        """
        return self.data.dtype

    @property
    def device(self) -> str:
        """Always 'cpu': there for code written against PyTorch.

        >>> Tensor([1.0]).device
        'cpu'
        """
        return "cpu"

    @property
    def T(self) -> Tensor:
        """The tensor with all axes reversed (like `torch.Tensor.T`; 0-d and 1-d come back as is).

        >>> Tensor.zeros(2, 3).T.shape
        (3, 2)
        """
        return self if self.ndim < 2 else self.permute(*range(self.ndim - 1, -1, -1))

    @property
    def is_leaf(self) -> bool:
        """True for tensors made by the user, False for results of ops (like PyTorch).

        >>> x = Tensor([1.0], requires_grad=True)
        >>> x.is_leaf, (x * 2).is_leaf
        (True, False)
        """
        return self._ctx is None

    @property
    def grad_fn(self) -> autograd.Function | None:
        """The Function that made this tensor, None for leaves (like `torch.Tensor.grad_fn`).

        >>> x = Tensor([1.0], requires_grad=True)
        >>> type((x * 2).grad_fn).__name__
        'Mul'
        """
        return self._ctx

    def __len__(self) -> int:
        if self.ndim == 0:
            raise TypeError("len() of a 0-d tensor")
        return self.data.shape[0]

    def numpy(self) -> np.ndarray:
        """The underlying array, shared, not copied (like `torch.Tensor.numpy`).

        >>> t = Tensor([1.0, 2.0])
        >>> t.numpy() is t.data
        True
        """
        return self.data

    def item(self) -> Any:
        """The single element as a Python number (like `torch.Tensor.item`).

        >>> Tensor([2.5]).item()
        2.5
        """
        if self.data.size != 1:
            raise ValueError(
                f"item: only one-element tensors can become a Python scalar, shape is {self.shape}"
            )
        return self.data.item()

    def tolist(self) -> Any:
        """The data as nested Python lists (like `torch.Tensor.tolist`).

        >>> Tensor([[1, 2], [3, 4]]).tolist()
        [[1, 2], [3, 4]]
        """
        return self.data.tolist()

    def __array__(self, dtype: Any = None, copy: bool | None = None) -> np.ndarray:
        arr = self.data if dtype is None else self.data.astype(dtype, copy=False)
        return arr.copy() if copy else arr

    def __float__(self) -> float:
        return float(self.item())

    def __int__(self) -> int:
        return int(self.item())

    def __index__(self) -> int:
        if self.dtype.kind not in "iu" or self.data.size != 1:
            raise TypeError("only one-element integer tensors can be used as an index")
        return int(self.data.item())

    def __bool__(self) -> bool:
        if self.data.size != 1:
            raise RuntimeError(
                f"the truth value of a tensor of shape {self.shape} is ambiguous: use any()/all()"
            )
        return bool(self.data.item())

    __hash__ = object.__hash__

    def __repr__(self) -> str:
        body = np.array2string(self.data, separator=", ", prefix="Tensor(")
        extras = []
        if self.dtype not in (_defaults.dtype, int64, bool_):
            extras.append(f"dtype={self.dtype}")
        if self._ctx is not None:
            extras.append(f"grad_fn=<{type(self._ctx).__name__}>")
        elif self.requires_grad:
            extras.append("requires_grad=True")
        return "Tensor(" + ", ".join([body, *extras]) + ")"

    # --- autograd
    def backward(self, gradient: Any = None, retain_graph: bool | None = None) -> None:
        """Accumulate d(self)/d(leaf) into `.grad` of each leaf needing a grad (PyTorch's rules).

        `gradient` (Tensor or array, same shape as self) is required unless self has one element.
        The graph's saved arrays are freed unless `retain_graph=True`.

        >>> x = Tensor([1.0, 2.0], requires_grad=True)
        >>> (x * x).sum().backward()
        >>> x.grad.tolist()
        [2.0, 4.0]
        """
        if not self.requires_grad:
            raise RuntimeError(
                "backward: this tensor does not require grad and has no graph "
                "(did you create it under no_grad, or forget requires_grad=True on a leaf?)"
            )
        if gradient is None:
            if self.data.size != 1:
                raise RuntimeError(
                    f"backward: grad can be implicitly created only for a one-element tensor, "
                    f"this one has shape {self.shape}; pass backward(gradient=...)"
                )
            g = np.ones(self.shape, self.dtype)
        else:
            g = np.array(gradient.data if isinstance(gradient, Tensor) else gradient, self.dtype)
            if g.shape != self.shape:
                raise RuntimeError(
                    f"backward: gradient has shape {g.shape} but the tensor has shape {self.shape}"
                )
        autograd.backward(self, g, retain_graph=bool(retain_graph))

    def retain_grad(self) -> Tensor:
        """Keep `.grad` on this intermediate after backward (like `torch.Tensor.retain_grad`).

        >>> x = Tensor([1.0, 2.0], requires_grad=True)
        >>> h = (x * 3).retain_grad()
        >>> h.sum().backward()
        >>> h.grad.tolist()
        [1.0, 1.0]
        """
        if self._ctx is not None:
            self._retain = True
        return self

    def detach(self) -> Tensor:
        """The same data, cut out of the graph (like `torch.Tensor.detach`).

        >>> x = Tensor([1.0], requires_grad=True)
        >>> (x * 2).detach().requires_grad
        False
        """
        return Tensor._from_op(self.data, None)

    def requires_grad_(self, requires_grad: bool = True) -> Tensor:
        """Set `requires_grad` on a leaf in place (like `torch.Tensor.requires_grad_`).

        >>> Tensor([1.0]).requires_grad_().requires_grad
        True
        """
        if requires_grad and not _is_float(self.dtype):
            raise TypeError(
                f"requires_grad_: only floating-point tensors can require gradients, "
                f"got dtype {self.dtype}"
            )
        if self._ctx is not None and not requires_grad:
            raise RuntimeError("requires_grad_: cannot turn gradients off on a non-leaf tensor")
        self.requires_grad = bool(requires_grad)
        return self

    def values(self) -> Any:
        """The elements as Values (nested lists matching the shape); their gradients flow back here.

        >>> t = Tensor([1.0, 2.0], requires_grad=True)
        >>> a, b = t.values(); (a * b).backward(); t.grad.tolist()
        [2.0, 1.0]
        """
        if self.ndim == 0:
            return Element.apply(self, index=())

        def build(prefix: tuple) -> list:
            if len(prefix) == self.ndim - 1:
                return [Element.apply(self, index=(*prefix, i)) for i in range(self.shape[-1])]
            return [build((*prefix, i)) for i in range(self.shape[len(prefix)])]

        return build(())

    def __iter__(self) -> Iterator[Any]:
        if self.ndim == 0:
            raise TypeError("iteration over a 0-d tensor")
        if self.ndim == 1 and _is_float(self.dtype):
            return iter(self.values())  # micrograd-style: a 1-D float tensor is a list of Values
        return (self[i] for i in range(self.shape[0]))

    # --- creation
    @staticmethod
    def zeros(*shape: Any, dtype: Any = None, requires_grad: bool = False) -> Tensor:
        """A tensor of zeros (like `torch.zeros`); the shape as varargs or one tuple.

        >>> Tensor.zeros(2, 3).tolist()
        [[0.0, 0.0, 0.0], [0.0, 0.0, 0.0]]
        """
        return Tensor._leaf(np.zeros(_shape_args(shape), dtype or _defaults.dtype), requires_grad)

    @staticmethod
    def ones(*shape: Any, dtype: Any = None, requires_grad: bool = False) -> Tensor:
        """A tensor of ones (like `torch.ones`).

        >>> Tensor.ones((2,), dtype=np.float64).tolist()
        [1.0, 1.0]
        """
        return Tensor._leaf(np.ones(_shape_args(shape), dtype or _defaults.dtype), requires_grad)

    @staticmethod
    def empty(*shape: Any, dtype: Any = None, requires_grad: bool = False) -> Tensor:
        """An uninitialised tensor (like `torch.empty`).

        >>> Tensor.empty(2, 2).shape
        (2, 2)
        """
        return Tensor._leaf(np.empty(_shape_args(shape), dtype or _defaults.dtype), requires_grad)

    @staticmethod
    def full(shape: Any, fill_value: Any, dtype: Any = None, requires_grad: bool = False) -> Tensor:
        """A tensor filled with one value; its dtype follows the value's, as in `torch.full`.

        >>> Tensor.full((2,), 7).tolist(), Tensor.full((2,), 0.5).dtype
        ([7, 7], dtype('float32'))
        """
        dtype = dtype or _as_array(fill_value, None).dtype
        shape = (shape,) if isinstance(shape, int) else tuple(shape)
        return Tensor._leaf(np.full(shape, fill_value, dtype), requires_grad)

    @staticmethod
    def eye(n: int, m: int | None = None, dtype: Any = None, requires_grad: bool = False) -> Tensor:
        """The identity matrix (like `torch.eye`).

        >>> Tensor.eye(2).tolist()
        [[1.0, 0.0], [0.0, 1.0]]
        """
        return Tensor._leaf(np.eye(n, m, dtype=dtype or _defaults.dtype), requires_grad)

    @staticmethod
    def arange(
        start: float,
        end: float | None = None,
        step: float = 1,
        dtype: Any = None,
        requires_grad: bool = False,
    ) -> Tensor:
        """Evenly spaced values in [start, end) (like `torch.arange`: ints give int64).

        >>> Tensor.arange(4).tolist(), Tensor.arange(0, 1, 0.5).tolist()
        ([0, 1, 2, 3], [0.0, 0.5])
        """
        if end is None:
            start, end = 0, start
        if dtype is None:
            whole = all(isinstance(v, int | np.integer) for v in (start, end, step))
            dtype = int64 if whole else _defaults.dtype
        return Tensor._leaf(np.arange(start, end, step, dtype=dtype), requires_grad)

    @staticmethod
    def rand(*shape: Any, dtype: Any = None, requires_grad: bool = False) -> Tensor:
        """Uniform samples in [0, 1) from the generator seeded by `manual_seed` (like `torch.rand`).

        >>> r = Tensor.rand(1000)
        >>> bool(0 <= r.data.min() and r.data.max() < 1)
        True
        """
        dt = np.dtype(dtype or _defaults.dtype)
        arr = _defaults.rng.random(_shape_args(shape), dtype=dt)
        return Tensor._leaf(arr, requires_grad)

    @staticmethod
    def randn(*shape: Any, dtype: Any = None, requires_grad: bool = False) -> Tensor:
        """Standard normal samples from the generator seeded by `manual_seed` (like `torch.randn`).

        >>> Tensor.randn(2, 3).shape
        (2, 3)
        """
        dt = np.dtype(dtype or _defaults.dtype)
        arr = _defaults.rng.standard_normal(_shape_args(shape), dtype=dt)
        return Tensor._leaf(arr, requires_grad)

    @staticmethod
    def uniform(
        *shape: Any,
        low: float = 0.0,
        high: float = 1.0,
        dtype: Any = None,
        requires_grad: bool = False,
    ) -> Tensor:
        """Uniform samples in [low, high) (like `torch.empty(...).uniform_(low, high)`).

        >>> u = Tensor.uniform(100, low=-1.0, high=1.0)
        >>> bool(-1 <= u.data.min() and u.data.max() < 1)
        True
        """
        arr = _defaults.rng.uniform(low, high, _shape_args(shape))
        return Tensor._leaf(arr.astype(dtype or _defaults.dtype), requires_grad)

    @staticmethod
    def zeros_like(t: Any, dtype: Any = None, requires_grad: bool = False) -> Tensor:
        """Zeros with the shape (and dtype) of t (like `torch.zeros_like`).

        >>> Tensor.zeros_like(Tensor([[1, 2]])).tolist()
        [[0, 0]]
        """
        return Tensor.zeros(np.shape(t), dtype=dtype or _dtype_of(t), requires_grad=requires_grad)

    @staticmethod
    def ones_like(t: Any, dtype: Any = None, requires_grad: bool = False) -> Tensor:
        """Ones with the shape (and dtype) of t (like `torch.ones_like`).

        >>> Tensor.ones_like(Tensor([1.0, 2.0])).tolist()
        [1.0, 1.0]
        """
        return Tensor.ones(np.shape(t), dtype=dtype or _dtype_of(t), requires_grad=requires_grad)

    @staticmethod
    def empty_like(t: Any, dtype: Any = None, requires_grad: bool = False) -> Tensor:
        """An uninitialised tensor shaped like t (like `torch.empty_like`).

        >>> Tensor.empty_like(Tensor.zeros(2, 3)).shape
        (2, 3)
        """
        return Tensor.empty(np.shape(t), dtype=dtype or _dtype_of(t), requires_grad=requires_grad)

    @staticmethod
    def full_like(
        t: Any, fill_value: Any, dtype: Any = None, requires_grad: bool = False
    ) -> Tensor:
        """A tensor shaped like t filled with one value (like `torch.full_like`).

        >>> Tensor.full_like(Tensor([1.0, 2.0]), 3.0).tolist()
        [3.0, 3.0]
        """
        dtype = dtype or _dtype_of(t)
        return Tensor.full(np.shape(t), fill_value, dtype=dtype, requires_grad=requires_grad)

    @staticmethod
    def rand_like(t: Any, dtype: Any = None, requires_grad: bool = False) -> Tensor:
        """Uniform [0, 1) samples shaped like t (like `torch.rand_like`).

        >>> Tensor.rand_like(Tensor.zeros(2, 3)).shape
        (2, 3)
        """
        return Tensor.rand(np.shape(t), dtype=dtype or _dtype_of(t), requires_grad=requires_grad)

    @staticmethod
    def randn_like(t: Any, dtype: Any = None, requires_grad: bool = False) -> Tensor:
        """Standard normal samples shaped like t (like `torch.randn_like`).

        >>> Tensor.randn_like(Tensor.zeros(4)).shape
        (4,)
        """
        return Tensor.randn(np.shape(t), dtype=dtype or _dtype_of(t), requires_grad=requires_grad)

    # --- operands and arithmetic
    def _operand(self, other: Any) -> Tensor:
        """The other side of a binary op as a Tensor; Python and NumPy scalars are 'weak'
        (they take this tensor's dtype), so float32 stays float32 (NumPy 2 would promote)."""
        if isinstance(other, Tensor):
            return other
        if isinstance(other, Value):
            dt = self.dtype if _is_float(self.dtype) else float64
            return ops.Lift.apply(other, dtype=dt)
        if isinstance(other, np.generic):
            other = other.item()
        if isinstance(other, bool | int | float):
            dt = self.dtype
            if isinstance(other, float) and not _is_float(dt):
                dt = _defaults.dtype
            elif dt == bool_ and not isinstance(other, bool):
                dt = int64
            return Tensor._from_op(np.asarray(other, dt), None)
        if isinstance(other, np.ndarray):
            return Tensor._from_op(other, None)
        return Tensor(other)

    def __add__(self, other: Any) -> Tensor:
        return _binary(ops.Add, self, self._operand(other))

    def __radd__(self, other: Any) -> Tensor:
        return _binary(ops.Add, self._operand(other), self)

    def __sub__(self, other: Any) -> Tensor:
        return _binary(ops.Sub, self, self._operand(other))

    def __rsub__(self, other: Any) -> Tensor:
        return _binary(ops.Sub, self._operand(other), self)

    def __mul__(self, other: Any) -> Tensor:
        return _binary(ops.Mul, self, self._operand(other))

    def __rmul__(self, other: Any) -> Tensor:
        return _binary(ops.Mul, self._operand(other), self)

    def __truediv__(self, other: Any) -> Tensor:
        return _binary(ops.Div, _floating(self), _floating(self._operand(other)))

    def __rtruediv__(self, other: Any) -> Tensor:
        return _binary(ops.Div, _floating(self._operand(other)), _floating(self))

    def __pow__(self, other: Any) -> Tensor:
        return _binary(ops.Pow, self, self._operand(other))

    def __rpow__(self, other: Any) -> Tensor:
        return _binary(ops.Pow, self._operand(other), self)

    def __matmul__(self, other: Any) -> Tensor:
        return matmul(self, self._operand(other))

    def __rmatmul__(self, other: Any) -> Tensor:
        return matmul(self._operand(other), self)

    def __neg__(self) -> Tensor:
        return ops.Neg.apply(self)

    def __pos__(self) -> Tensor:
        return self

    def __abs__(self) -> Tensor:
        return ops.Abs.apply(self)

    def add(self, other: Any) -> Tensor:
        """self + other with broadcasting (like `torch.add`).

        >>> Tensor([1.0, 2.0]).add(1).tolist()
        [2.0, 3.0]
        """
        return self.__add__(other)

    def sub(self, other: Any) -> Tensor:
        """self - other with broadcasting (like `torch.sub`).

        >>> Tensor([1.0, 2.0]).sub(Tensor([1.0])).tolist()
        [0.0, 1.0]
        """
        return self.__sub__(other)

    def mul(self, other: Any) -> Tensor:
        """self * other with broadcasting (like `torch.mul`).

        >>> Tensor([1.0, 2.0]).mul(3).tolist()
        [3.0, 6.0]
        """
        return self.__mul__(other)

    def div(self, other: Any) -> Tensor:
        """self / other with broadcasting (like `torch.div`).

        >>> Tensor([1.0, 2.0]).div(2).tolist()
        [0.5, 1.0]
        """
        return self.__truediv__(other)

    def pow(self, other: Any) -> Tensor:
        """self ** other, elementwise; the exponent may be a tensor (like `torch.pow`).

        >>> Tensor([2.0, 3.0]).pow(2).tolist()
        [4.0, 9.0]
        """
        return self.__pow__(other)

    def matmul(self, other: Any) -> Tensor:
        """Matrix product with NumPy's rules: 1-D, 2-D and batched (like `torch.matmul`).

        >>> (Tensor.ones(2, 3) @ Tensor.ones(3)).tolist()
        [3.0, 3.0]
        """
        return matmul(self, self._operand(other))

    def maximum(self, other: Any) -> Tensor:
        """Elementwise max; at ties each input gets half the gradient (like `torch.maximum`).

        >>> Tensor([1.0, 5.0]).maximum(Tensor([3.0, 2.0])).tolist()
        [3.0, 5.0]
        """
        return _binary(ops.Maximum, self, self._operand(other))

    def minimum(self, other: Any) -> Tensor:
        """Elementwise min; at ties each input gets half the gradient (like `torch.minimum`).

        >>> Tensor([1.0, 5.0]).minimum(2.0).tolist()
        [1.0, 2.0]
        """
        return _binary(ops.Minimum, self, self._operand(other))

    # --- comparisons (not differentiable)
    def _compare(self, fn: Any, other: Any) -> Tensor:
        o = other.data if isinstance(other, Tensor | Value) else other
        return Tensor._from_op(fn(self.data, o), None)

    def __lt__(self, other: Any) -> Tensor:
        return self._compare(np.less, other)

    def __le__(self, other: Any) -> Tensor:
        return self._compare(np.less_equal, other)

    def __gt__(self, other: Any) -> Tensor:
        return self._compare(np.greater, other)

    def __ge__(self, other: Any) -> Tensor:
        return self._compare(np.greater_equal, other)

    def __eq__(self, other: Any) -> Tensor:  # type: ignore[override]
        return self._compare(np.equal, other)

    def __ne__(self, other: Any) -> Tensor:  # type: ignore[override]
        return self._compare(np.not_equal, other)

    def argmax(
        self,
        axis: int | None = None,
        keepdims: bool = False,
        *,
        dim: int | None = None,
        keepdim: bool | None = None,
    ) -> Tensor:
        """Index of the largest element (flattened when axis is None), as int64 (`torch.argmax`).

        >>> t = Tensor([[1.0, 5.0], [7.0, 0.0]])
        >>> t.argmax().item(), t.argmax(dim=1).tolist()
        (2, [1, 0])
        """
        axis, keepdims = _axis_args(axis, keepdims, dim, keepdim)
        return Tensor._from_op(np.argmax(self.data, axis=axis, keepdims=keepdims), None)

    def argmin(
        self,
        axis: int | None = None,
        keepdims: bool = False,
        *,
        dim: int | None = None,
        keepdim: bool | None = None,
    ) -> Tensor:
        """Index of the smallest element (flattened when axis is None), as int64 (`torch.argmin`).

        >>> Tensor([[1.0, 5.0], [7.0, 0.0]]).argmin(axis=0).tolist()
        [0, 1]
        """
        axis, keepdims = _axis_args(axis, keepdims, dim, keepdim)
        return Tensor._from_op(np.argmin(self.data, axis=axis, keepdims=keepdims), None)

    def any(self) -> bool:
        """Whether any element is true (like `torch.Tensor.any`, returning a Python bool).

        >>> Tensor([0, 1]).any()
        True
        """
        return bool(self.data.any())

    def all(self) -> bool:
        """Whether every element is true (like `torch.Tensor.all`, returning a Python bool).

        >>> Tensor([0, 1]).all()
        False
        """
        return bool(self.data.all())

    # --- elementwise
    def exp(self) -> Tensor:
        """e ** x, elementwise (like `torch.exp`).

        >>> Tensor([0.0]).exp().tolist()
        [1.0]
        """
        return ops.Exp.apply(_floating(self))

    def log(self) -> Tensor:
        """Natural logarithm, elementwise (like `torch.log`).

        >>> Tensor([1.0]).log().tolist()
        [0.0]
        """
        return ops.Log.apply(_floating(self))

    def sqrt(self) -> Tensor:
        """Square root, elementwise (like `torch.sqrt`).

        >>> Tensor([4.0, 9.0]).sqrt().tolist()
        [2.0, 3.0]
        """
        return ops.Sqrt.apply(_floating(self))

    def abs(self) -> Tensor:
        """Absolute value; its gradient at 0 is 0, as in PyTorch (like `torch.abs`).

        >>> Tensor([-1.5, 2.0]).abs().tolist()
        [1.5, 2.0]
        """
        return ops.Abs.apply(self)

    def relu(self) -> Tensor:
        """max(x, 0); the gradient at 0 is 0 (like `torch.relu`, micrograd's `relu`).

        >>> Tensor([-1.0, 2.0]).relu().tolist()
        [0.0, 2.0]
        """
        return ops.Relu.apply(self)

    def leaky_relu(self, negative_slope: float = 0.01) -> Tensor:
        """x where x > 0, negative_slope * x elsewhere (`torch.nn.functional.leaky_relu`).

        >>> Tensor([-1.0, 2.0]).leaky_relu(0.5).tolist()
        [-0.5, 2.0]
        """
        return ops.LeakyRelu.apply(self, slope=float(negative_slope))

    def tanh(self) -> Tensor:
        """Hyperbolic tangent, elementwise (like `torch.tanh`).

        >>> Tensor([0.0]).tanh().tolist()
        [0.0]
        """
        return ops.Tanh.apply(_floating(self))

    def sigmoid(self) -> Tensor:
        """1 / (1 + exp(-x)), stable for any x (like `torch.sigmoid`).

        >>> Tensor([0.0, -1000.0]).sigmoid().tolist()
        [0.5, 0.0]
        """
        return ops.Sigmoid.apply(_floating(self))

    def gelu(self, approximate: str = "none") -> Tensor:
        """GELU: x * Phi(x) with the exact erf (default) or `approximate='tanh'` (`torch.nn.GELU`).

        >>> round(Tensor([1.0]).gelu().item(), 4)
        0.8413
        """
        if approximate not in ("none", "tanh"):
            raise ValueError(f"gelu: approximate must be 'none' or 'tanh', got {approximate!r}")
        return ops.Gelu.apply(_floating(self), approximate=approximate)

    def softplus(self, beta: float = 1.0, threshold: float = 20.0) -> Tensor:
        """log(1 + exp(beta x)) / beta, linear where beta x > threshold (`F.softplus`).

        >>> round(Tensor([0.0]).softplus().item(), 4)
        0.6931
        """
        return ops.Softplus.apply(_floating(self), beta=float(beta), threshold=float(threshold))

    def clip(self, min: Any = None, max: Any = None) -> Tensor:
        """Clamp into [min, max]; the gradient passes where min <= x <= max (like `torch.clamp`).

        >>> Tensor([-2.0, 0.5, 3.0]).clip(-1, 1).tolist()
        [-1.0, 0.5, 1.0]
        """
        lo = _bound(min)
        hi = _bound(max)
        return ops.Clip.apply(self, lo=lo, hi=hi)

    clamp = clip

    # --- casts
    def to(self, *args: Any, dtype: Any = None) -> Tensor:
        """Cast to a dtype; the device 'cpu' is accepted and ignored (like `torch.Tensor.to`).

        >>> Tensor([1.0]).to("cpu", np.float64).dtype
        dtype('float64')
        """
        for a in args:
            if isinstance(a, str) and a in ("cpu",):
                continue
            dtype = a
        return self if dtype is None else self.astype(dtype)

    def astype(self, dtype: Any) -> Tensor:
        """Cast to a dtype, in the graph (like NumPy's `astype`, PyTorch's `to`).

        >>> Tensor([1.5]).astype(np.float64).dtype
        dtype('float64')
        """
        dt = np.dtype(dtype)
        if dt == self.dtype:
            return self
        return ops.Cast.apply(self, dtype=dt)

    def clone(self) -> Tensor:
        """A copy that stays in the graph (like `torch.Tensor.clone`).

        >>> x = Tensor([1.0], requires_grad=True)
        >>> y = x.clone()
        >>> y.data is x.data, y.requires_grad
        (False, True)
        """
        return ops.Cast.apply(self, dtype=self.dtype)

    def contiguous(self) -> Tensor:
        """The tensor itself (NumPy arrays need no such step); for PyTorch-shaped code.

        >>> t = Tensor([1.0])
        >>> t.contiguous() is t
        True
        """
        return self

    # --- reductions
    def sum(
        self,
        axis: Any = None,
        keepdims: bool = False,
        *,
        dim: Any = None,
        keepdim: bool | None = None,
    ) -> Tensor:
        """Sum over `axis` (int, tuple or None for all; `dim`/`keepdim` accepted as aliases).

        >>> t = Tensor([[1.0, 2.0], [3.0, 4.0]])
        >>> t.sum().item(), t.sum(axis=0).tolist(), t.sum(dim=1, keepdim=True).shape
        (10.0, [4.0, 6.0], (2, 1))
        """
        axis, keepdims = _axis_args(axis, keepdims, dim, keepdim)
        return ops.Sum.apply(self, axis=_axes("sum", axis, self.ndim), keepdims=keepdims)

    def mean(
        self,
        axis: Any = None,
        keepdims: bool = False,
        *,
        dim: Any = None,
        keepdim: bool | None = None,
    ) -> Tensor:
        """Mean over `axis` (like `torch.mean`; `dim`/`keepdim` accepted).

        >>> Tensor([[1.0, 2.0], [3.0, 4.0]]).mean(axis=1).tolist()
        [1.5, 3.5]
        """
        axis, keepdims = _axis_args(axis, keepdims, dim, keepdim)
        axes = _axes("mean", axis, self.ndim)
        n = math.prod(self.shape[a] for a in axes)
        return _floating(self).sum(axes, keepdims) / n

    def var(
        self,
        axis: Any = None,
        correction: int = 1,
        keepdims: bool = False,
        *,
        dim: Any = None,
        keepdim: bool | None = None,
    ) -> Tensor:
        """Variance with PyTorch's default `correction=1` (NumPy's is 0) (like `torch.var`).

        >>> Tensor([1.0, 2.0, 3.0, 4.0]).var().item(), Tensor([1.0, 3.0]).var(correction=0).item()
        (1.6666666269302368, 1.0)
        """
        axis, keepdims = _axis_args(axis, keepdims, dim, keepdim)
        axes = _axes("var", axis, self.ndim)
        n = math.prod(self.shape[a] for a in axes)
        d = self - self.mean(axes, keepdims=True)
        return (d * d).sum(axes, keepdims) / max(n - correction, 0)

    def std(
        self,
        axis: Any = None,
        correction: int = 1,
        keepdims: bool = False,
        *,
        dim: Any = None,
        keepdim: bool | None = None,
    ) -> Tensor:
        """Standard deviation, `sqrt(var)`, with `correction=1` by default (like `torch.std`).

        >>> Tensor([1.0, 3.0]).std().item()
        1.4142135381698608
        """
        axis, keepdims = _axis_args(axis, keepdims, dim, keepdim)
        return self.var(axis, correction, keepdims).sqrt()

    def max(
        self,
        axis: Any = None,
        keepdims: bool = False,
        *,
        dim: Any = None,
        keepdim: bool | None = None,
    ) -> Tensor:
        """Largest values over `axis` (PyTorch's `amax`: values only; ties share the gradient).

        >>> Tensor([[1.0, 5.0], [7.0, 0.0]]).max(axis=1).tolist()
        [5.0, 7.0]
        """
        axis, keepdims = _axis_args(axis, keepdims, dim, keepdim)
        return ops.Max.apply(self, axis=_axes("max", axis, self.ndim), keepdims=keepdims)

    def min(
        self,
        axis: Any = None,
        keepdims: bool = False,
        *,
        dim: Any = None,
        keepdim: bool | None = None,
    ) -> Tensor:
        """Smallest values over `axis` (PyTorch's `amin`: values only; ties share the gradient).

        >>> Tensor([[1.0, 5.0], [7.0, 0.0]]).min().item()
        0.0
        """
        axis, keepdims = _axis_args(axis, keepdims, dim, keepdim)
        axes = _axes("min", axis, self.ndim)
        return ops.Max.apply(self, axis=axes, keepdims=keepdims, fn=np.min)

    def logsumexp(
        self,
        axis: Any = None,
        keepdims: bool = False,
        *,
        dim: Any = None,
        keepdim: bool | None = None,
    ) -> Tensor:
        """log(sum(exp(x))) over `axis`, computed stably (like `torch.logsumexp`).

        >>> round(Tensor([1000.0, 1000.0]).logsumexp().item(), 2)  # 1000 + log 2, no overflow
        1000.69
        """
        axis, keepdims = _axis_args(axis, keepdims, dim, keepdim)
        axes = _axes("logsumexp", axis, self.ndim)
        m = self.data.max(axis=axes, keepdims=True)
        m = Tensor._from_op(np.where(np.isfinite(m), m, 0), None)  # NOTE: all -inf stays -inf
        out = (self - m).exp().sum(axes, keepdims=True).log() + m
        return out if keepdims else out.squeeze(axes)

    def softmax(self, axis: int = -1, *, dim: int | None = None) -> Tensor:
        """exp(x) / sum(exp(x)) along `axis` (default last), stable (like `torch.softmax`).

        >>> Tensor([[0.0, 0.0]]).softmax(axis=1).tolist()
        [[0.5, 0.5]]
        """
        axis = axis if dim is None else dim
        e = (self - Tensor._from_op(self.data.max(axis=axis, keepdims=True), None)).exp()
        return e / e.sum(axis, keepdims=True)

    def log_softmax(self, axis: int = -1, *, dim: int | None = None) -> Tensor:
        """log(softmax(x)) along `axis` as one op, finite for huge inputs (`torch.log_softmax`).

        >>> Tensor([[0.0, 1e4]]).log_softmax(1).tolist()
        [[-10000.0, 0.0]]
        """
        axis = axis if dim is None else dim
        _axes("log_softmax", axis, self.ndim)
        return ops.LogSoftmax.apply(_floating(self), axis=axis)

    # --- movement
    def reshape(self, *shape: Any) -> Tensor:
        """Same data, new shape, as varargs or a tuple; one -1 is inferred (`torch.reshape`).

        >>> Tensor.arange(6).reshape(2, -1).shape
        (2, 3)
        """
        shape = _shape_args(shape)
        try:
            return ops.Reshape.apply(self, shape=shape)
        except ValueError:
            raise ValueError(
                f"reshape: cannot reshape a tensor of shape {self.shape} ({self.size} elements) "
                f"into {shape}"
            ) from None

    def view(self, *shape: Any) -> Tensor:
        """Same as `reshape` (PyTorch's `view`; NumPy needs no contiguity here).

        >>> Tensor.arange(6).view((3, 2)).shape
        (3, 2)
        """
        return self.reshape(*shape)

    def flatten(self, start_dim: int = 0, end_dim: int = -1) -> Tensor:
        """Merge axes start_dim..end_dim into one (like `torch.flatten`).

        >>> Tensor.zeros(2, 3, 4).flatten(1).shape
        (2, 12)
        """
        if self.ndim == 0:
            return self.reshape(1)
        s, e = start_dim % self.ndim, end_dim % self.ndim
        return self.reshape(*self.shape[:s], -1, *self.shape[e + 1 :])

    def permute(self, *dims: Any) -> Tensor:
        """Reorder all axes (like `torch.permute`).

        >>> Tensor.zeros(2, 3, 4).permute(2, 0, 1).shape
        (4, 2, 3)
        """
        axes = _shape_args(dims)
        if sorted(a % max(self.ndim, 1) for a in axes) != list(range(self.ndim)):
            raise ValueError(f"permute: {axes} is not a permutation of the axes of {self.shape}")
        return ops.Permute.apply(self, axes=tuple(a % self.ndim for a in axes))

    def transpose(self, dim0: int | None = None, dim1: int | None = None) -> Tensor:
        """Swap two axes (like `torch.transpose`); with no arguments reverse them (`.T`).

        >>> Tensor.zeros(2, 3, 4).transpose(0, 2).shape
        (4, 3, 2)
        """
        if dim0 is None and dim1 is None:
            return self.T
        if dim0 is None or dim1 is None:
            raise TypeError("transpose: give both dim0 and dim1, or neither")
        axes = list(range(self.ndim))
        axes[dim0], axes[dim1] = axes[dim1], axes[dim0]
        return ops.Permute.apply(self, axes=tuple(axes))

    def squeeze(self, dim: Any = None, *, axis: Any = None) -> Tensor:
        """Drop axes of size 1: all of them, or those in `dim` (like `torch.squeeze`).

        >>> Tensor.zeros(2, 1, 3, 1).squeeze().shape, Tensor.zeros(2, 1, 3, 1).squeeze(1).shape
        ((2, 3), (2, 3, 1))
        """
        dim = axis if dim is None else dim
        drop = {a for a in _axes("squeeze", dim, self.ndim) if self.shape[a] == 1}
        return self.reshape(*[n for i, n in enumerate(self.shape) if i not in drop])

    def unsqueeze(self, dim: int) -> Tensor:
        """Insert an axis of size 1 at `dim` (like `torch.unsqueeze`).

        >>> Tensor.zeros(2, 3).unsqueeze(0).shape
        (1, 2, 3)
        """
        if not -self.ndim - 1 <= dim <= self.ndim:
            raise IndexError(f"unsqueeze: dim {dim} is out of range for {self.ndim} dims")
        dim = dim % (self.ndim + 1)
        return self.reshape(*self.shape[:dim], 1, *self.shape[dim:])

    def expand(self, *sizes: Any) -> Tensor:
        """Broadcast to a larger shape without copying; -1 keeps a size (like `torch.expand`).

        >>> Tensor.zeros(3, 1).expand(-1, 4).shape
        (3, 4)
        """
        sizes = _shape_args(sizes)
        lead = len(sizes) - self.ndim
        shape = tuple(
            self.shape[i - lead] if n == -1 and i >= lead else n for i, n in enumerate(sizes)
        )
        return self.broadcast_to(shape)

    def broadcast_to(self, *shape: Any) -> Tensor:
        """Broadcast to `shape` without copying (like `torch.broadcast_to`).

        >>> Tensor([1.0, 2.0]).broadcast_to(3, 2).tolist()
        [[1.0, 2.0], [1.0, 2.0], [1.0, 2.0]]
        """
        shape = _shape_args(shape)
        try:
            return ops.Expand.apply(self, shape=shape)
        except ValueError:
            raise ValueError(f"expand: cannot broadcast shape {self.shape} to {shape}") from None

    def __getitem__(self, index: Any) -> Tensor:
        index, basic = _index(index)
        try:
            return ops.GetItem.apply(self, index=index, basic=basic)
        except IndexError as e:
            raise IndexError(f"getitem: {e} (tensor shape {self.shape})") from None

    def split(self, split_size_or_sections: Any, dim: int = 0) -> tuple[Tensor, ...]:
        """Pieces along `dim`: an int is each piece's size (the last may be smaller), a list the
        sizes themselves (like `torch.split`).

        >>> [p.tolist() for p in Tensor.arange(5).split(2)]
        [[0, 1], [2, 3], [4]]
        """
        n = self.shape[dim]
        if isinstance(split_size_or_sections, int):
            step = split_size_or_sections
            if step <= 0:
                raise ValueError(f"split: split_size must be positive, got {step}")
            sizes = [min(step, n - i) for i in range(0, n, step)] or [0]  # empty: one piece
        else:
            sizes = [int(s) for s in split_size_or_sections]
            if sum(sizes) != n:
                raise ValueError(f"split: sizes {sizes} do not add up to {n} (dim {dim})")
        pieces, start = [], 0
        lead = (slice(None),) * (dim % self.ndim)
        for s in sizes:
            pieces.append(self[lead + (slice(start, start + s),)])
            start += s
        return tuple(pieces)

    def chunk(self, chunks: int, dim: int = 0) -> tuple[Tensor, ...]:
        """`chunks` pieces of size ceil(n / chunks) along `dim`, fewer if n is small (torch.chunk).

        >>> [len(p) for p in Tensor.arange(5).chunk(3)]
        [2, 2, 1]
        """
        if chunks <= 0:
            raise ValueError(f"chunk: chunks must be positive, got {chunks}")
        if self.shape[dim] == 0:
            return self.split([0] * chunks, dim)  # PyTorch gives `chunks` empty pieces
        return self.split(max(1, -(-self.shape[dim] // chunks)), dim)

    def pad(self, pad: Sequence[int], value: float = 0.0) -> Tensor:
        """Constant padding with `F.pad`'s widths: (left, right) of the last axis first, then the
        one before it, ...; negative widths crop (like `torch.nn.functional.pad`).

        >>> Tensor([[1.0, 2.0]]).pad((1, 0)).tolist()
        [[0.0, 1.0, 2.0]]
        """
        if len(pad) % 2 or len(pad) // 2 > self.ndim:
            raise ValueError(
                f"pad: {tuple(pad)} must hold (before, after) pairs for at most {self.ndim} axes"
            )
        widths = [(0, 0)] * self.ndim
        for i in range(len(pad) // 2):
            axis = self.ndim - 1 - i
            widths[axis] = (int(pad[2 * i]), int(pad[2 * i + 1]))
            if self.shape[axis] + sum(widths[axis]) < 0:
                raise ValueError(
                    f"pad: widths {widths[axis]} crop more than the {self.shape[axis]} elements "
                    f"of axis {axis} (shape {self.shape})"
                )
        return ops.Pad.apply(self, widths=tuple(widths), value=value)

    # NOTE: last in the class body: these names shadow builtins for what follows them
    type = astype

    def float(self) -> Tensor:
        """Cast to float32 (like `torch.Tensor.float`).

        >>> Tensor([1, 2]).float().dtype
        dtype('float32')
        """
        return self.astype(float32)

    def double(self) -> Tensor:
        """Cast to float64 (like `torch.Tensor.double`).

        >>> Tensor([1.0]).double().dtype
        dtype('float64')
        """
        return self.astype(float64)

    def long(self) -> Tensor:
        """Cast to int64 (like `torch.Tensor.long`).

        >>> Tensor([1.7, -1.7]).long().tolist()
        [1, -1]
        """
        return self.astype(int64)

    def int(self) -> Tensor:
        """Cast to int32 (like `torch.Tensor.int`).

        >>> Tensor([3.0]).int().dtype
        dtype('int32')
        """
        return self.astype(int32)


# ----------------------------------------------------------------------------- helpers


def _floating(t: Tensor) -> Tensor:
    """t itself if it is floating point, else cast to the default float dtype (as PyTorch's
    true division, exp, log, ... do with integer tensors)."""
    return t if t.data.dtype.kind in "fc" else t.astype(_defaults.dtype)


def _dtype_of(t: Any) -> np.dtype:
    return t.dtype if isinstance(t, Tensor | np.ndarray) else _as_array(t, None).dtype


def _bound(b: Any) -> Any:
    if b is None or isinstance(b, int | float):
        return b
    return b.data if isinstance(b, Tensor) else np.asarray(b)


def _axis_args(axis: Any, keepdims: bool, dim: Any, keepdim: bool | None) -> tuple[Any, bool]:
    """PyTorch's `dim`/`keepdim` spellings as aliases of NumPy's `axis`/`keepdims`."""
    if dim is not None:
        axis = dim
    if keepdim is not None:
        keepdims = keepdim
    return axis, bool(keepdims)


def _axes(op: str, axis: Any, ndim: int) -> tuple[int, ...]:
    """Normalise an int/tuple/None axis argument, refusing axes out of range."""
    if axis is None:
        return tuple(range(ndim))
    axes = (axis,) if isinstance(axis, int | np.integer) else tuple(axis)
    out = []
    for a in axes:
        if not -max(ndim, 1) <= a < max(ndim, 1):
            raise IndexError(f"{op}: axis {a} is out of range for a tensor with {ndim} dims")
        if ndim:
            out.append(int(a) % ndim)
    return tuple(out)


def _index(index: Any) -> tuple[Any, bool]:
    """Tensors in an index become arrays; `basic` says no element can be picked twice."""
    parts = index if isinstance(index, tuple) else (index,)
    conv = []
    basic = True
    for p in parts:
        if isinstance(p, Tensor):
            p = p.data
        if isinstance(p, list | range) or (isinstance(p, tuple) and isinstance(index, tuple)):
            p = np.asarray(p)  # a list (or a tuple inside a tuple index) is an integer array
        if isinstance(p, np.ndarray) and p.dtype != bool:
            if p.ndim == 0:
                p = int(p)
            else:
                basic = False
        conv.append(p)
    if isinstance(index, tuple):
        return tuple(conv), basic
    return conv[0], basic


def _promote(a: Tensor, b: Tensor) -> tuple[Tensor, Tensor]:
    """PyTorch's category rule: float wins over int/bool; within a category the wider type."""
    da, db = a.dtype, b.dtype
    if _is_float(da) and not _is_float(db):
        dt = da
    elif _is_float(db) and not _is_float(da):
        dt = db
    elif a.ndim == 0 and b.ndim > 0:
        dt = db  # a 0-d operand is 'weak' within its category, as in PyTorch
    elif b.ndim == 0 and a.ndim > 0:
        dt = da
    else:
        dt = np.promote_types(da, db)
    return a.astype(dt), b.astype(dt)


def _binary(fn: type[autograd.Function], a: Tensor, b: Tensor) -> Tensor:
    if a.data.dtype != b.data.dtype:
        a, b = _promote(a, b)
    try:
        return fn.apply(a, b)
    except ValueError:
        try:
            np.broadcast_shapes(a.shape, b.shape)
        except ValueError:
            raise ValueError(
                f"{fn.__name__.lower()}: shapes {a.shape} and {b.shape} "
                "cannot be broadcast together"
            ) from None
        raise


# ----------------------------------------------------------------------------- functional forms


def tensor(data: Any, requires_grad: bool = False, dtype: Any = None) -> Tensor:
    """Make a Tensor (like `torch.tensor`).

    >>> tensor([1, 2]).dtype, tensor([1.0], requires_grad=True).requires_grad
    (dtype('int64'), True)
    """
    return Tensor(data, requires_grad=requires_grad, dtype=dtype)


def matmul(a: Any, b: Any) -> Tensor:
    """Matrix product with NumPy's rules; mismatched shapes raise ValueError naming both
    (like `torch.matmul`).

    >>> matmul(Tensor.ones(2, 3), Tensor.ones(3, 4)).shape
    (2, 4)
    """
    a = a if isinstance(a, Tensor) else Tensor(a)
    b = a._operand(b)
    if a.ndim == 0 or b.ndim == 0:
        raise ValueError(f"matmul: both operands need at least 1 dim, got {a.shape} and {b.shape}")
    if a.data.dtype != b.data.dtype:
        a, b = _promote(a, b)
    try:
        return ops.Matmul.apply(a, b)
    except ValueError:
        k_b = b.shape[0] if b.ndim == 1 else b.shape[-2]
        if a.shape[-1] != k_b:
            why = f"are not aligned ({a.shape[-1]} != {k_b})"
        else:
            why = f"have batch dims {a.shape[:-2]} and {b.shape[:-2]} that do not broadcast"
        raise ValueError(f"matmul: shapes {a.shape} and {b.shape} {why}") from None


def where(cond: Any, a: Any, b: Any) -> Tensor:
    """a where cond is true, b elsewhere (like `torch.where`); differentiable in a and b.

    >>> where(Tensor([True, False]), Tensor([1.0, 2.0]), 0.0).tolist()
    [1.0, 0.0]
    """
    c = cond.data if isinstance(cond, Tensor) else np.asarray(cond)
    c = Tensor._from_op(c.astype(bool, copy=False), None)
    if not isinstance(a, Tensor):
        a = b._operand(a) if isinstance(b, Tensor) else Tensor(a)
    b = a._operand(b)
    if a.data.dtype != b.data.dtype:
        a, b = _promote(a, b)
    try:
        return ops.Where.apply(c, a, b)
    except ValueError:
        raise ValueError(
            f"where: shapes {c.shape}, {a.shape} and {b.shape} cannot be broadcast together"
        ) from None


def maximum(a: Any, b: Any) -> Tensor:
    """Elementwise max of a and b; ties share the gradient (like `torch.maximum`).

    >>> maximum(Tensor([1.0, 4.0]), Tensor([3.0, 2.0])).tolist()
    [3.0, 4.0]
    """
    a = a if isinstance(a, Tensor) else Tensor(a)
    return a.maximum(b)


def minimum(a: Any, b: Any) -> Tensor:
    """Elementwise min of a and b; ties share the gradient (like `torch.minimum`).

    >>> minimum(Tensor([1.0, 4.0]), 2.0).tolist()
    [1.0, 2.0]
    """
    a = a if isinstance(a, Tensor) else Tensor(a)
    return a.minimum(b)


def _tensors(items: Sequence[Any], op: str) -> list[Tensor]:
    if len(items) == 0:
        raise ValueError(f"{op}: expected a non-empty list of tensors")
    first = next((t for t in items if isinstance(t, Tensor)), None)
    out = []
    for t in items:
        if isinstance(t, Tensor):
            out.append(t)
        elif isinstance(t, Value):
            dt = first.dtype if first is not None and _is_float(first.dtype) else float64
            out.append(ops.Lift.apply(t, dtype=dt))
        else:
            out.append(Tensor(t))
    return out


def cat(tensors: Sequence[Any], dim: int = 0, *, axis: int | None = None) -> Tensor:
    """Join tensors along an existing axis (like `torch.cat`).

    >>> cat([Tensor.zeros(2, 3), Tensor.ones(1, 3)]).shape
    (3, 3)
    """
    dim = dim if axis is None else axis
    ts = _tensors(tensors, "cat")
    try:
        return ops.Cat.apply(*ts, axis=dim)
    except (ValueError, IndexError):
        raise ValueError(
            f"cat: shapes {[t.shape for t in ts]} must match except along dim {dim}"
        ) from None


def stack(items: Sequence[Any], dim: int = 0, *, axis: int | None = None) -> Tensor:
    """Join tensors (or Values) along a new axis (like `torch.stack`); Values give float64.

    >>> stack([Tensor.zeros(3), Tensor.ones(3)], dim=1).shape
    (3, 2)
    >>> stack([Value(1.0), Value(2.0)]).dtype
    dtype('float64')
    """
    dim = dim if axis is None else axis
    if len(items) and all(isinstance(v, Value) for v in items):
        if dim not in (0, -1):
            raise IndexError(f"stack: dim {dim} is out of range for stacking Values into 1-D")
        return ops.StackValues.apply(*items)
    ts = _tensors(items, "stack")
    try:
        return ops.Stack.apply(*ts, axis=dim)
    except (ValueError, IndexError):
        raise ValueError(f"stack: shapes {[t.shape for t in ts]} must all be equal") from None


# NOTE: NumPy calls this for `ndarray op Tensor` and `np.float64 op Tensor`; answering with
# Tensor ops keeps those expressions in the graph (and float32 stays float32)
_UFUNCS = {
    np.add: "__add__",
    np.subtract: "__sub__",
    np.multiply: "__mul__",
    np.true_divide: "__truediv__",
    np.power: "__pow__",
    np.matmul: "__matmul__",
    np.maximum: "maximum",
    np.minimum: "minimum",
    np.less: "__lt__",
    np.less_equal: "__le__",
    np.greater: "__gt__",
    np.greater_equal: "__ge__",
    np.equal: "__eq__",
    np.not_equal: "__ne__",
    np.negative: "__neg__",
    np.exp: "exp",
    np.log: "log",
    np.sqrt: "sqrt",
    np.absolute: "abs",
    np.tanh: "tanh",
}


def _array_ufunc(self: Tensor, ufunc: Any, method: str, *inputs: Any, **kwargs: Any) -> Any:
    name = _UFUNCS.get(ufunc)
    if method == "__call__" and name is not None and not kwargs:
        if len(inputs) == 1:
            return getattr(inputs[0], name)()
        a, b = inputs
        if not isinstance(a, Tensor):
            a = b._operand(a)
        return getattr(a, name)(b)
    arrays = [x.data if isinstance(x, Tensor) else x for x in inputs]
    return getattr(ufunc, method)(*arrays, **kwargs)


Tensor.__array_ufunc__ = _array_ufunc  # type: ignore[attr-defined]
autograd.Function.node = Tensor
