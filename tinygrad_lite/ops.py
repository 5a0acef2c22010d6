"""Every differentiable Tensor op, one small class each, its backward right under its forward.

Forward takes NumPy arrays (and keyword parameters), saves what backward needs, returns an array.
Backward takes `g`, the gradient of the output, and returns one gradient per input (None where
`self.needs` says nobody wants it). Rules are written as if no broadcasting happened: the engine
sums each gradient back to its input's shape (autograd.backward), so no op has to remember to.
Composite ops (mean, var, softmax, ...) are built from these in tensor.py and have no backward.
"""

from __future__ import annotations

import math

import numpy as np

from .autograd import Function

# ----------------------------------------------------------------------------- elementwise


class Add(Function):
    op = "+"

    def forward(self, a, b):
        return a + b

    def backward(self, g):
        return g, g


class Sub(Function):
    op = "-"

    def forward(self, a, b):
        return a - b

    def backward(self, g):
        return g, (-g if self.needs[1] else None)


class Mul(Function):
    op = "*"

    def forward(self, a, b):
        self.a, self.b = a, b
        return a * b

    def backward(self, g):
        ga = g * self.b if self.needs[0] else None
        gb = g * self.a if self.needs[1] else None
        return ga, gb


class Div(Function):
    op = "/"

    def forward(self, a, b):
        self.b = b
        self.out = a / b
        return self.out

    def backward(self, g):
        ga = g / self.b
        # NOTE: d(a/b)/db = -a/b^2 = -out/b, so a need not be saved
        gb = -ga * self.out if self.needs[1] else None
        return (ga if self.needs[0] else None), gb


class Pow(Function):
    op = "**"

    def forward(self, a, b):
        self.a, self.b = a, b
        self.out = a**b
        return self.out

    def backward(self, g):
        a, b = self.a, self.b
        ga = None
        if self.needs[0]:
            # NOTE: b * a**(b-1) is 0 * inf at a = 0, b = 0; the derivative of a**0 is 0 there
            with np.errstate(divide="ignore", invalid="ignore"):
                ga = g * np.where(b == 0, 0, b * a ** (b - 1))
        gb = None
        if self.needs[1]:
            # NOTE: d(a^b)/db = a^b log a; where a == 0 the limit is 0 (as PyTorch defines it)
            with np.errstate(divide="ignore", invalid="ignore"):
                gb = g * np.where(a == 0, 0, self.out * np.log(np.where(a == 0, 1, a)))
        return ga, gb


class Maximum(Function):
    def forward(self, a, b):
        self.a, self.b = a, b
        return np.maximum(a, b)

    def backward(self, g):
        # NOTE: at ties each input gets half the gradient, as in PyTorch
        w = (self.a > self.b) + 0.5 * (self.a == self.b)  # weight of input a
        ga = g * w.astype(g.dtype) if self.needs[0] else None
        gb = g * (1 - w).astype(g.dtype) if self.needs[1] else None
        return ga, gb


class Minimum(Function):
    def forward(self, a, b):
        self.a, self.b = a, b
        return np.minimum(a, b)

    def backward(self, g):
        w = (self.a < self.b) + 0.5 * (self.a == self.b)  # weight of input a; ties split
        ga = g * w.astype(g.dtype) if self.needs[0] else None
        gb = g * (1 - w).astype(g.dtype) if self.needs[1] else None
        return ga, gb


class Where(Function):
    def forward(self, cond, a, b):
        self.cond = cond
        return np.where(cond, a, b)

    def backward(self, g):
        zero = np.zeros((), g.dtype)
        ga = np.where(self.cond, g, zero) if self.needs[1] else None
        gb = np.where(self.cond, zero, g) if self.needs[2] else None
        return None, ga, gb


class Neg(Function):
    op = "neg"

    def forward(self, x):
        return -x

    def backward(self, g):
        return (-g,)


class Exp(Function):
    def forward(self, x):
        self.out = np.exp(x)
        return self.out

    def backward(self, g):
        return (g * self.out,)


class Log(Function):
    def forward(self, x):
        self.x = x
        return np.log(x)

    def backward(self, g):
        return (g / self.x,)


class Sqrt(Function):
    def forward(self, x):
        self.out = np.sqrt(x)
        return self.out

    def backward(self, g):
        return (g / (2 * self.out),)


class Abs(Function):
    def forward(self, x):
        self.x = x
        return np.abs(x)

    def backward(self, g):
        return (g * np.sign(self.x),)  # NOTE: sign(0) = 0, PyTorch's subgradient at 0


class Relu(Function):
    op = "ReLU"

    def forward(self, x):
        self.mask = x > 0
        return np.maximum(x, 0)

    def backward(self, g):
        return (g * self.mask,)  # NOTE: the gradient at exactly 0 is 0, as in PyTorch


class LeakyRelu(Function):
    def forward(self, x, slope=0.01):
        self.mask, self.slope = x > 0, slope
        return np.where(self.mask, x, x * slope)

    def backward(self, g):
        return (np.where(self.mask, g, g * self.slope),)


class Tanh(Function):
    op = "tanh"

    def forward(self, x):
        self.out = np.tanh(x)
        return self.out

    def backward(self, g):
        return (g * (1 - self.out * self.out),)


class Sigmoid(Function):
    def forward(self, x):
        # NOTE: 1/(1+exp(-x)) overflows exp for x << 0; exp(-log(1+exp(-x))) never does
        self.out = np.exp(-np.logaddexp(0, -x))
        return self.out

    def backward(self, g):
        return (g * self.out * (1 - self.out),)


_erf = np.frompyfunc(math.erf, 1, 1)
_SQRT_HALF = math.sqrt(0.5)
_SQRT_2_OVER_PI = math.sqrt(2 / math.pi)
_INV_SQRT_2PI = 1 / math.sqrt(2 * math.pi)


class Gelu(Function):
    op = "GELU"

    def forward(self, x, approximate="none"):
        self.x, self.approximate = x, approximate
        if approximate == "tanh":
            self.t = np.tanh(_SQRT_2_OVER_PI * (x + 0.044715 * x**3))
            return 0.5 * x * (1 + self.t)
        # NOTE: NumPy has no erf; math.erf is correctly rounded float64, applied elementwise
        cdf = 0.5 * (1 + np.asarray(_erf(x.astype(np.float64) * _SQRT_HALF), np.float64))
        self.cdf = cdf.astype(x.dtype)
        return x * self.cdf

    def backward(self, g):
        x = self.x
        if self.approximate == "tanh":
            dinner = _SQRT_2_OVER_PI * (1 + 3 * 0.044715 * x * x)
            return (g * (0.5 * (1 + self.t) + 0.5 * x * (1 - self.t * self.t) * dinner),)
        pdf = _INV_SQRT_2PI * np.exp(-0.5 * x * x)
        return (g * (self.cdf + x * pdf),)


class Softplus(Function):
    def forward(self, x, beta=1.0, threshold=20.0):
        self.x, self.beta, self.threshold = x, beta, threshold
        bx = beta * x
        # NOTE: logaddexp(0, bx) = log(1 + e^bx) without overflow; above threshold it is linear
        return np.where(bx > threshold, x, np.logaddexp(0, bx) / beta)

    def backward(self, g):
        bx = self.beta * self.x
        s = 0.5 * (np.tanh(0.5 * bx) + 1)  # sigmoid(beta x)
        return (g * np.where(bx > self.threshold, 1, s),)


class Clip(Function):
    op = "clip"

    def forward(self, x, lo=None, hi=None):
        self.mask = np.ones(x.shape, bool)
        if lo is not None:
            self.mask &= x >= lo
        if hi is not None:
            self.mask &= x <= hi
        return np.clip(x, lo, hi).astype(x.dtype, copy=False)

    def backward(self, g):
        return (g * self.mask,)  # NOTE: bounds included, as PyTorch's clamp


class Cast(Function):
    op = "cast"

    def forward(self, x, dtype=None):
        self.dtype = x.dtype
        return x.astype(dtype)

    def backward(self, g):
        return (g.astype(self.dtype),)


# ----------------------------------------------------------------------------- reductions


class Sum(Function):
    def forward(self, x, axis=(), keepdims=False):
        self.shape, self.axes, self.keepdims = x.shape, axis, keepdims  # axis: normalised tuple
        return x.sum(axis=axis, keepdims=keepdims)

    def backward(self, g):
        if not self.keepdims:
            g = np.expand_dims(g, self.axes)
        return (np.broadcast_to(g, self.shape),)


class Max(Function):
    """max over axes; ties share the gradient equally (PyTorch's amax)."""

    def forward(self, x, axis=(), keepdims=False, fn=np.max):
        self.axes, self.keepdims = axis, keepdims  # axis: normalised tuple
        out = fn(x, axis=axis, keepdims=True)
        self.mask = x == out
        return out if keepdims else np.squeeze(out, axis=axis)

    def backward(self, g):
        if not self.keepdims:
            g = np.expand_dims(g, self.axes)
        count = self.mask.sum(axis=self.axes, keepdims=True)
        return (self.mask * (g / count).astype(g.dtype),)


class LogSoftmax(Function):
    """log_softmax as one op for stability: x - max - log(sum(exp(x - max)))."""

    def forward(self, x, axis=-1):
        self.axis = axis
        z = x - x.max(axis=axis, keepdims=True)
        out = z - np.log(np.exp(z).sum(axis=axis, keepdims=True))
        self.out = out
        return out

    def backward(self, g):
        # NOTE: d log_softmax = g - softmax * sum(g), with softmax = exp(out)
        return (g - np.exp(self.out) * g.sum(axis=self.axis, keepdims=True),)


# ----------------------------------------------------------------------------- matmul


class Matmul(Function):
    op = "@"

    def forward(self, a, b):
        self.a, self.b = a, b
        return a @ b

    def backward(self, g):
        a, b = self.a, self.b
        # NOTE: NumPy promotes 1-D operands to matrices and drops the added axis afterwards;
        # redo that promotion on g so that both gradients are plain batched matmuls
        a2 = a[None, :] if a.ndim == 1 else a  # (k,) -> (1, k)
        b2 = b[:, None] if b.ndim == 1 else b  # (k,) -> (k, 1)
        if a.ndim == 1:
            g = np.expand_dims(g, -2 if b.ndim > 1 else 0)  # (..., m) -> (..., 1, m)
        if b.ndim == 1:
            g = g[..., None]  # (..., n) -> (..., n, 1)
        ga = gb = None
        if self.needs[0]:
            ga = g @ np.swapaxes(b2, -1, -2)  # (..., n, m) @ (..., m, k) -> (..., n, k)
            if a.ndim == 1:
                ga = ga[..., 0, :]
        if self.needs[1]:
            gb = np.swapaxes(a2, -1, -2) @ g  # (..., k, n) @ (..., n, m) -> (..., k, m)
            if b.ndim == 1:
                gb = gb[..., 0]
        return ga, gb


class Linear(Function):
    """x @ w.T + b in one op (nn.Linear's layout), optionally followed by relu.

    One op instead of three: measured on the two-moons step, where ops on tiny arrays are all
    overhead (benchmarks/RESULTS.md).
    """

    op = "linear"

    def forward(self, x, w, b=None, relu=False):
        self.x, self.w = x, w
        out = x @ w.T  # (..., in) @ (in, out) -> (..., out)
        if b is not None:
            out += b
        if relu:
            self.mask = out > 0
            np.maximum(out, 0, out=out)
        self.relu = relu
        self.has_bias = b is not None
        return out

    def backward(self, g):
        if self.relu:
            g = g * self.mask
        x, w = self.x, self.w
        gx = g @ w if self.needs[0] else None  # (..., out) @ (out, in) -> (..., in)
        gw = gb = None
        if self.needs[1]:
            x2 = x.reshape(-1, x.shape[-1]) if x.ndim != 2 else x  # (N, in)
            g2 = g.reshape(-1, g.shape[-1]) if g.ndim != 2 else g  # (N, out)
            if w.flags.f_contiguous and not w.flags.c_contiguous:
                # (in, N) @ (N, out) -> (in, out), seen as (out, in): w's own memory layout
                gw = (x2.T @ g2).T
            else:
                gw = g2.T @ x2  # (out, N) @ (N, in) -> (out, in)
        if self.has_bias and self.needs[2]:
            gb = g.reshape(-1, g.shape[-1]).sum(axis=0)  # (N, out) -> (out,)
        return (gx, gw, gb) if self.has_bias else (gx, gw)


# ----------------------------------------------------------------------------- movement


class Reshape(Function):
    op = "reshape"

    def forward(self, x, shape=()):
        self.shape = x.shape
        return x.reshape(shape)

    def backward(self, g):
        return (g.reshape(self.shape),)


class Permute(Function):
    op = "permute"

    def forward(self, x, axes=None):
        self.axes = axes
        return np.transpose(x, axes)

    def backward(self, g):
        return (np.transpose(g, np.argsort(self.axes)),)


class Expand(Function):
    op = "expand"

    def forward(self, x, shape=()):
        return np.broadcast_to(x, shape)

    def backward(self, g):
        return (g,)  # the engine sums g back over the expanded axes


class GetItem(Function):
    op = "getitem"

    def forward(self, x, index=None, basic=True):
        self.shape, self.dtype, self.index, self.basic = x.shape, x.dtype, index, basic
        return x[index]

    def backward(self, g):
        out = np.zeros(self.shape, self.dtype)
        if self.basic:
            out[self.index] = g  # basic indices and masks never pick an element twice
        else:
            np.add.at(out, self.index, g)  # NOTE: accumulates repeated integer indices
        return (out,)


class Cat(Function):
    op = "cat"

    def forward(self, *xs, axis=0):
        self.axis = axis
        self.bounds = np.cumsum([x.shape[axis] for x in xs])[:-1]
        return np.concatenate(xs, axis=axis)

    def backward(self, g):
        return tuple(np.split(g, self.bounds, axis=self.axis))


class Stack(Function):
    op = "stack"

    def forward(self, *xs, axis=0):
        self.axis = axis
        return np.stack(xs, axis=axis)

    def backward(self, g):
        return tuple(np.moveaxis(g, self.axis, 0))


class Pad(Function):
    """Constant padding with PyTorch's `F.pad` widths, resolved to ((before, after), ...) per axis;
    negative widths crop."""

    op = "pad"

    def forward(self, x, widths=(), value=0.0):
        self.widths = widths
        grow = [(max(lo, 0), max(hi, 0)) for lo, hi in widths]
        out = np.pad(x, grow, constant_values=value)
        crop = tuple(slice(max(-lo, 0), n - max(-hi, 0)) for (lo, hi), n in zip(widths, out.shape))
        return out[crop]

    def backward(self, g):
        # the inverse: pad g where forward cropped, crop it where forward padded
        grow = [(max(-lo, 0), max(-hi, 0)) for lo, hi in self.widths]
        g = np.pad(g, grow)
        crop = tuple(slice(max(lo, 0), n - max(hi, 0)) for (lo, hi), n in zip(self.widths, g.shape))
        return (g[crop],)


# ----------------------------------------------------------------------------- Values -> Tensor


class StackValues(Function):
    """Values -> one float64 Tensor: how scalars enter the tensor world."""

    op = "stack"

    def forward(self, *xs, dtype=np.float64):
        return np.array(xs, dtype=dtype)

    def backward(self, g):
        return tuple(g.tolist())


class Lift(Function):
    """One Value as a 0-d Tensor of the other operand's dtype (a Python float is 'weak' too)."""

    op = "lift"

    def forward(self, x, dtype=np.float64):
        return np.asarray(x, dtype=dtype)

    def backward(self, g):
        return (float(g),)


# ----------------------------------------------------------------------------- fused loss


class CrossEntropy(Function):
    """Softmax cross-entropy from logits (N, C) in one op: stable for logits of any size and
    one pass cheaper than log_softmax + gather (measured in benchmarks/RESULTS.md).

    `target` is either int class indices (N,) or probabilities (N, C). The loss per row is
    -sum_c q_c log p_c, with q the target distribution after label smoothing eps:
    q = (1 - eps) * target + eps / C. Rows whose index equals `ignore_index` count for nothing.
    """

    op = "cross_entropy"

    def forward(self, x, target=None, reduction="mean", smoothing=0.0, ignore_index=-100):
        n, c = x.shape
        z = x - x.max(axis=1, keepdims=True)  # (N, C), max 0 per row: exp cannot overflow
        e = np.exp(z)
        s = e.sum(axis=1, keepdims=True)  # (N, 1)
        lse = np.log(s)
        self.e, self.s, self.reduction, self.smoothing = e, s, reduction, smoothing
        if target.ndim == 1:  # class indices
            keep = target != ignore_index
            self.keep = None if keep.all() else keep  # None: nothing ignored (the usual case)
            t = target if self.keep is None else np.where(keep, target, 0)
            self.t, self.target = t, None
            loss = lse[:, 0] - z[np.arange(n), t]  # -log p[target], (N,)
            if smoothing:
                # -mean_c log p_c = lse - mean_c z_c
                loss = (1 - smoothing) * loss + smoothing * (lse[:, 0] - z.mean(axis=1))
            if self.keep is not None:
                loss = loss * keep
            count = n if self.keep is None else int(keep.sum())
        else:  # probabilities
            q = target if not smoothing else (1 - smoothing) * target + smoothing / c
            self.logp = z - lse  # kept: log(softmax) itself underflows to -inf for huge logits
            loss = -(q * self.logp).sum(axis=1)
            self.target, self.keep = q, None
            count = n
        self.count = count
        if reduction == "none":
            return loss.astype(x.dtype, copy=False)
        total = loss.sum(dtype=x.dtype)
        if reduction == "sum":
            return total
        # NOTE: a NumPy scalar of x's dtype keeps x's dtype (a float64 one would not).
        # Every target ignored gives 0/0 = nan, as in PyTorch (and zero gradients, below).
        with np.errstate(invalid="ignore", divide="ignore"):
            return total / x.dtype.type(count)

    def backward(self, g):
        n, c = self.e.shape
        eps = self.smoothing
        if self.reduction == "none":
            scale = g[:, None]  # (N, 1)
        elif self.reduction == "mean":
            scale = g / self.count if self.count else g * 0
        else:
            scale = g
        scale = np.asarray(scale).astype(self.e.dtype, copy=False)
        p = self.e / self.s  # softmax (N, C), a fresh array we may change in place
        if self.target is None:
            # d/dx of -sum_c q_c log p_c is p * sum(q) - q; here sum(q) = 1 for kept rows
            p[np.arange(n), self.t] -= 1 - eps
            if eps:
                p -= eps / c
            if self.keep is not None:
                p *= self.keep[:, None]
            p *= scale
            return p, None
        q = self.target
        grad = p * q.sum(axis=1, keepdims=True) - q
        # the loss is linear in the target: d/d target = -(1 - eps) log p
        gt = -(1 - eps) * self.logp * scale if self.needs[1] else None
        return grad * scale, gt
