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
    """Set the float dtype that Python floats become (float32 unless changed), like PyTorch's."""
    dt = np.dtype(dtype)
    if dt.kind != "f":
        raise TypeError(f"set_default_dtype: only floating dtypes are allowed, got {dt}")
    _defaults.dtype = dt


def get_default_dtype() -> np.dtype:
    """The float dtype that Python floats become."""
    return _defaults.dtype


def manual_seed(seed: int) -> np.random.Generator:
    """Seed tinygrad_lite's one NumPy Generator (used by rand/randn/init/Dropout/DataLoader)."""
    _defaults.rng = np.random.default_rng(seed)
    return _defaults.rng


def default_generator() -> np.random.Generator:
    """The NumPy Generator behind all of tinygrad_lite's randomness."""
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
    while isinstance(data, list | tuple) and data:
        data = data[0]
    return isinstance(data, Value)


def _flatten_values(data: Any) -> tuple[list[Value], tuple[int, ...]]:
    if isinstance(data, Value):
        return [data], ()
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
        return self.data.shape

    @property
    def ndim(self) -> int:
        return self.data.ndim

    @property
    def size(self) -> int:
        """Number of elements (NumPy's `size`; PyTorch's `numel()`)."""
        return self.data.size

    def numel(self) -> int:
        """Number of elements."""
        return self.data.size

    def dim(self) -> int:
        """Number of dimensions."""
        return self.data.ndim

    @property
    def dtype(self) -> np.dtype:
        return self.data.dtype

    @property
    def device(self) -> str:
        return "cpu"

    @property
    def T(self) -> Tensor:
        """All axes reversed."""
        return self if self.ndim < 2 else self.permute(*range(self.ndim - 1, -1, -1))

    @property
    def is_leaf(self) -> bool:
        return self._ctx is None

    @property
    def grad_fn(self) -> autograd.Function | None:
        """The Function that made this tensor (None for leaves)."""
        return self._ctx

    def __len__(self) -> int:
        if self.ndim == 0:
            raise TypeError("len() of a 0-d tensor")
        return self.data.shape[0]

    def numpy(self) -> np.ndarray:
        """The underlying array (shared, not copied)."""
        return self.data

    def item(self) -> Any:
        """The single element as a Python number."""
        if self.data.size != 1:
            raise ValueError(
                f"item: only one-element tensors can become a Python scalar, shape is {self.shape}"
            )
        return self.data.item()

    def tolist(self) -> Any:
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
        """Keep `.grad` on this intermediate after backward (leaves always keep theirs)."""
        if self._ctx is not None:
            self._retain = True
        return self

    def detach(self) -> Tensor:
        """The same data, cut out of the graph."""
        return Tensor._from_op(self.data, None)

    def requires_grad_(self, requires_grad: bool = True) -> Tensor:
        """Set `requires_grad` on a leaf in place."""
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
        >>> a, b = t.values(); (a * b).backward(); t.grad
        array([2., 1.], dtype=float32)
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
        """A tensor of zeros (like `torch.zeros`)."""
        return Tensor._leaf(np.zeros(_shape_args(shape), dtype or _defaults.dtype), requires_grad)

    @staticmethod
    def ones(*shape: Any, dtype: Any = None, requires_grad: bool = False) -> Tensor:
        """A tensor of ones (like `torch.ones`)."""
        return Tensor._leaf(np.ones(_shape_args(shape), dtype or _defaults.dtype), requires_grad)

    @staticmethod
    def empty(*shape: Any, dtype: Any = None, requires_grad: bool = False) -> Tensor:
        """An uninitialised tensor (like `torch.empty`)."""
        return Tensor._leaf(np.empty(_shape_args(shape), dtype or _defaults.dtype), requires_grad)

    @staticmethod
    def full(shape: Any, fill_value: Any, dtype: Any = None, requires_grad: bool = False) -> Tensor:
        """A tensor filled with one value; its dtype follows the value's, as in `torch.full`."""
        dtype = dtype or _as_array(fill_value, None).dtype
        shape = (shape,) if isinstance(shape, int) else tuple(shape)
        return Tensor._leaf(np.full(shape, fill_value, dtype), requires_grad)

    @staticmethod
    def eye(n: int, m: int | None = None, dtype: Any = None, requires_grad: bool = False) -> Tensor:
        """The identity matrix (like `torch.eye`)."""
        return Tensor._leaf(np.eye(n, m, dtype=dtype or _defaults.dtype), requires_grad)

    @staticmethod
    def arange(
        start: float,
        end: float | None = None,
        step: float = 1,
        dtype: Any = None,
        requires_grad: bool = False,
    ) -> Tensor:
        """Evenly spaced values in [start, end) (like `torch.arange`: ints give int64)."""
        if end is None:
            start, end = 0, start
        if dtype is None:
            whole = all(isinstance(v, int | np.integer) for v in (start, end, step))
            dtype = int64 if whole else _defaults.dtype
        return Tensor._leaf(np.arange(start, end, step, dtype=dtype), requires_grad)

    @staticmethod
    def rand(*shape: Any, dtype: Any = None, requires_grad: bool = False) -> Tensor:
        """Uniform samples in [0, 1) from the generator seeded by `manual_seed`."""
        dt = np.dtype(dtype or _defaults.dtype)
        arr = _defaults.rng.random(_shape_args(shape), dtype=dt)
        return Tensor._leaf(arr, requires_grad)

    @staticmethod
    def randn(*shape: Any, dtype: Any = None, requires_grad: bool = False) -> Tensor:
        """Standard normal samples from the generator seeded by `manual_seed`."""
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
        """Uniform samples in [low, high)."""
        arr = _defaults.rng.uniform(low, high, _shape_args(shape))
        return Tensor._leaf(arr.astype(dtype or _defaults.dtype), requires_grad)

    @staticmethod
    def zeros_like(t: Any, dtype: Any = None, requires_grad: bool = False) -> Tensor:
        return Tensor.zeros(np.shape(t), dtype=dtype or _dtype_of(t), requires_grad=requires_grad)

    @staticmethod
    def ones_like(t: Any, dtype: Any = None, requires_grad: bool = False) -> Tensor:
        return Tensor.ones(np.shape(t), dtype=dtype or _dtype_of(t), requires_grad=requires_grad)

    @staticmethod
    def empty_like(t: Any, dtype: Any = None, requires_grad: bool = False) -> Tensor:
        return Tensor.empty(np.shape(t), dtype=dtype or _dtype_of(t), requires_grad=requires_grad)

    @staticmethod
    def full_like(
        t: Any, fill_value: Any, dtype: Any = None, requires_grad: bool = False
    ) -> Tensor:
        dtype = dtype or _dtype_of(t)
        return Tensor.full(np.shape(t), fill_value, dtype=dtype, requires_grad=requires_grad)

    @staticmethod
    def rand_like(t: Any, dtype: Any = None, requires_grad: bool = False) -> Tensor:
        return Tensor.rand(np.shape(t), dtype=dtype or _dtype_of(t), requires_grad=requires_grad)

    @staticmethod
    def randn_like(t: Any, dtype: Any = None, requires_grad: bool = False) -> Tensor:
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
        return _binary(ops.Div, self, self._operand(other))

    def __rtruediv__(self, other: Any) -> Tensor:
        return _binary(ops.Div, self._operand(other), self)

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

    add, sub, mul, div, pow = __add__, __sub__, __mul__, __truediv__, __pow__

    def matmul(self, other: Any) -> Tensor:
        """Matrix product with NumPy's rules (1-D, 2-D and batched)."""
        return matmul(self, self._operand(other))

    def maximum(self, other: Any) -> Tensor:
        """Elementwise max; at ties each input gets half the gradient (like `torch.maximum`)."""
        return _binary(ops.Maximum, self, self._operand(other))

    def minimum(self, other: Any) -> Tensor:
        """Elementwise min; at ties each input gets half the gradient (like `torch.minimum`)."""
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
        """Index of the largest element (flattened when axis is None), as int64."""
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
        """Index of the smallest element (flattened when axis is None), as int64."""
        axis, keepdims = _axis_args(axis, keepdims, dim, keepdim)
        return Tensor._from_op(np.argmin(self.data, axis=axis, keepdims=keepdims), None)

    def any(self) -> bool:
        return bool(self.data.any())

    def all(self) -> bool:
        return bool(self.data.all())

    # --- elementwise
    def exp(self) -> Tensor:
        return ops.Exp.apply(self)

    def log(self) -> Tensor:
        return ops.Log.apply(self)

    def sqrt(self) -> Tensor:
        return ops.Sqrt.apply(self)

    def abs(self) -> Tensor:
        return ops.Abs.apply(self)

    def relu(self) -> Tensor:
        return ops.Relu.apply(self)

    def leaky_relu(self, negative_slope: float = 0.01) -> Tensor:
        return ops.LeakyRelu.apply(self, slope=float(negative_slope))

    def tanh(self) -> Tensor:
        return ops.Tanh.apply(self)

    def sigmoid(self) -> Tensor:
        return ops.Sigmoid.apply(self)

    def gelu(self, approximate: str = "none") -> Tensor:
        """GELU: x * Phi(x) with the exact erf (default) or PyTorch's `approximate='tanh'`."""
        if approximate not in ("none", "tanh"):
            raise ValueError(f"gelu: approximate must be 'none' or 'tanh', got {approximate!r}")
        return ops.Gelu.apply(self, approximate=approximate)

    def softplus(self, beta: float = 1.0, threshold: float = 20.0) -> Tensor:
        """log(1 + exp(beta x)) / beta, linear where beta x > threshold (like PyTorch)."""
        return ops.Softplus.apply(self, beta=float(beta), threshold=float(threshold))

    def clip(self, min: Any = None, max: Any = None) -> Tensor:
        """Clamp into [min, max]; the gradient passes where min <= x <= max."""
        lo = _bound(min)
        hi = _bound(max)
        return ops.Clip.apply(self, lo=lo, hi=hi)

    clamp = clip

    # --- casts
    def to(self, *args: Any, dtype: Any = None) -> Tensor:
        """Cast to a dtype (devices other than 'cpu' are refused)."""
        for a in args:
            if isinstance(a, str) and a in ("cpu",):
                continue
            dtype = a
        return self if dtype is None else self.astype(dtype)

    def astype(self, dtype: Any) -> Tensor:
        dt = np.dtype(dtype)
        if dt == self.dtype:
            return self
        return ops.Cast.apply(self, dtype=dt)

    def clone(self) -> Tensor:
        """A copy that stays in the graph."""
        return ops.Cast.apply(self, dtype=self.dtype)

    def contiguous(self) -> Tensor:
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
        """Sum over `axis` (int, tuple or None for all; `dim`/`keepdim` accepted as aliases)."""
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
        axis, keepdims = _axis_args(axis, keepdims, dim, keepdim)
        axes = _axes("mean", axis, self.ndim)
        n = math.prod(self.shape[a] for a in axes)
        return self.sum(axes, keepdims) / n

    def var(
        self,
        axis: Any = None,
        correction: int = 1,
        keepdims: bool = False,
        *,
        dim: Any = None,
        keepdim: bool | None = None,
    ) -> Tensor:
        """Variance with PyTorch's default `correction=1` (NumPy's is 0)."""
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
        """Standard deviation, `sqrt(var)`, with `correction=1` by default."""
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
        """Largest values over `axis` (PyTorch's `amax`: values only; ties share the gradient)."""
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
        """Smallest values over `axis` (PyTorch's `amin`)."""
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
        """log(sum(exp(x))) computed stably (the max is subtracted first)."""
        axis, keepdims = _axis_args(axis, keepdims, dim, keepdim)
        axes = _axes("logsumexp", axis, self.ndim)
        m = self.data.max(axis=axes, keepdims=True)
        m = Tensor._from_op(np.where(np.isfinite(m), m, 0), None)  # NOTE: all -inf stays -inf
        out = (self - m).exp().sum(axes, keepdims=True).log() + m
        return out if keepdims else out.squeeze(axes)

    def softmax(self, axis: int = -1, *, dim: int | None = None) -> Tensor:
        """exp(x) / sum(exp(x)) along `axis`, with the max subtracted first for stability."""
        axis = axis if dim is None else dim
        e = (self - Tensor._from_op(self.data.max(axis=axis, keepdims=True), None)).exp()
        return e / e.sum(axis, keepdims=True)

    def log_softmax(self, axis: int = -1, *, dim: int | None = None) -> Tensor:
        """log(softmax(x)), one op so that large inputs stay finite."""
        axis = axis if dim is None else dim
        _axes("log_softmax", axis, self.ndim)
        return ops.LogSoftmax.apply(self, axis=axis)

    # --- movement
    def reshape(self, *shape: Any) -> Tensor:
        """Same data, new shape (varargs or a tuple; one -1 is inferred)."""
        shape = _shape_args(shape)
        try:
            return ops.Reshape.apply(self, shape=shape)
        except ValueError:
            raise ValueError(
                f"reshape: cannot reshape a tensor of shape {self.shape} ({self.size} elements) "
                f"into {shape}"
            ) from None

    view = reshape

    def flatten(self, start_dim: int = 0, end_dim: int = -1) -> Tensor:
        if self.ndim == 0:
            return self.reshape(1)
        s, e = start_dim % self.ndim, end_dim % self.ndim
        return self.reshape(*self.shape[:s], -1, *self.shape[e + 1 :])

    def permute(self, *dims: Any) -> Tensor:
        """Reorder all axes (like `torch.permute`)."""
        axes = _shape_args(dims)
        if sorted(a % max(self.ndim, 1) for a in axes) != list(range(self.ndim)):
            raise ValueError(f"permute: {axes} is not a permutation of the axes of {self.shape}")
        return ops.Permute.apply(self, axes=tuple(a % self.ndim for a in axes))

    def transpose(self, dim0: int | None = None, dim1: int | None = None) -> Tensor:
        """Swap two axes (like `torch.transpose`); with no arguments reverse them (`.T`)."""
        if dim0 is None and dim1 is None:
            return self.T
        if dim0 is None or dim1 is None:
            raise TypeError("transpose: give both dim0 and dim1, or neither")
        axes = list(range(self.ndim))
        axes[dim0], axes[dim1] = axes[dim1], axes[dim0]
        return ops.Permute.apply(self, axes=tuple(axes))

    def squeeze(self, dim: Any = None, *, axis: Any = None) -> Tensor:
        """Drop axes of size 1 (all of them, or those in `dim` that have size 1)."""
        dim = axis if dim is None else dim
        drop = {a for a in _axes("squeeze", dim, self.ndim) if self.shape[a] == 1}
        return self.reshape(*[n for i, n in enumerate(self.shape) if i not in drop])

    def unsqueeze(self, dim: int) -> Tensor:
        """Insert an axis of size 1 at `dim`."""
        if not -self.ndim - 1 <= dim <= self.ndim:
            raise IndexError(f"unsqueeze: dim {dim} is out of range for {self.ndim} dims")
        dim = dim % (self.ndim + 1)
        return self.reshape(*self.shape[:dim], 1, *self.shape[dim:])

    def expand(self, *sizes: Any) -> Tensor:
        """Broadcast to a larger shape without copying (-1 keeps a size), like `torch.expand`."""
        sizes = _shape_args(sizes)
        lead = len(sizes) - self.ndim
        shape = tuple(
            self.shape[i - lead] if n == -1 and i >= lead else n for i, n in enumerate(sizes)
        )
        return self.broadcast_to(shape)

    def broadcast_to(self, *shape: Any) -> Tensor:
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
        sizes themselves (PyTorch's convention)."""
        n = self.shape[dim]
        if isinstance(split_size_or_sections, int):
            step = split_size_or_sections
            if step <= 0:
                raise ValueError(f"split: split_size must be positive, got {step}")
            sizes = [min(step, n - i) for i in range(0, n, step)]
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
        """`chunks` pieces of size ceil(n / chunks) along `dim` (fewer if n is small)."""
        if chunks <= 0:
            raise ValueError(f"chunk: chunks must be positive, got {chunks}")
        return self.split(max(1, -(-self.shape[dim] // chunks)), dim)

    def pad(self, pad: Sequence[int], value: float = 0.0) -> Tensor:
        """Constant padding with `F.pad`'s widths: (left, right) of the last axis first, then the
        one before it, ...; negative widths crop."""
        if len(pad) % 2 or len(pad) // 2 > self.ndim:
            raise ValueError(
                f"pad: {tuple(pad)} must hold (before, after) pairs for at most {self.ndim} axes"
            )
        widths = [(0, 0)] * self.ndim
        for i in range(len(pad) // 2):
            widths[self.ndim - 1 - i] = (int(pad[2 * i]), int(pad[2 * i + 1]))
        return ops.Pad.apply(self, widths=tuple(widths), value=value)

    # NOTE: last in the class body: these names shadow builtins for what follows them
    type = astype

    def float(self) -> Tensor:
        return self.astype(float32)

    def double(self) -> Tensor:
        return self.astype(float64)

    def long(self) -> Tensor:
        return self.astype(int64)

    def int(self) -> Tensor:
        return self.astype(int32)


# ----------------------------------------------------------------------------- helpers


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
        if isinstance(p, list):
            p = np.asarray(p)
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
    """Make a Tensor (like `torch.tensor`)."""
    return Tensor(data, requires_grad=requires_grad, dtype=dtype)


def matmul(a: Any, b: Any) -> Tensor:
    """Matrix product with NumPy's rules; mismatched shapes raise ValueError naming both."""
    a = a if isinstance(a, Tensor) else Tensor(a)
    b = a._operand(b)
    if a.ndim == 0 or b.ndim == 0:
        raise ValueError(f"matmul: both operands need at least 1 dim, got {a.shape} and {b.shape}")
    if a.data.dtype != b.data.dtype:
        a, b = _promote(a, b)
    try:
        return ops.Matmul.apply(a, b)
    except ValueError:
        raise ValueError(
            f"matmul: shapes {a.shape} and {b.shape} are not aligned "
            f"({a.shape[-1]} != {b.shape[0] if b.ndim == 1 else b.shape[-2]}) "
            "or their batch dims do not broadcast"
        ) from None


def where(cond: Any, a: Any, b: Any) -> Tensor:
    """a where cond is true, b elsewhere (like `torch.where`); differentiable in a and b."""
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
    a = a if isinstance(a, Tensor) else Tensor(a)
    return a.maximum(b)


def minimum(a: Any, b: Any) -> Tensor:
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
    """Join tensors along an existing axis (like `torch.cat`)."""
    dim = dim if axis is None else axis
    ts = _tensors(tensors, "cat")
    try:
        return ops.Cat.apply(*ts, axis=dim)
    except (ValueError, IndexError):
        raise ValueError(
            f"cat: shapes {[t.shape for t in ts]} must match except along dim {dim}"
        ) from None


def stack(items: Sequence[Any], dim: int = 0, *, axis: int | None = None) -> Tensor:
    """Join tensors (or Values) along a new axis (like `torch.stack`); Values give float64."""
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
