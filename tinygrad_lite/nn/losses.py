"""Loss functions (like `torch.nn.functional`'s) and their modules (like `torch.nn`'s ...Loss).

Every loss checks its arguments before computing anything and raises ValueError naming the loss,
the shapes or dtypes at fault and, for class indices, the offending value and the valid range.
Losses are built from Tensor ops and have no backward of their own; cross_entropy uses the fused,
stable `ops.CrossEntropy`. Targets may be Tensors, NumPy arrays or lists. Float targets and
weights take the input's dtype, so a float32 input gives a float32 loss and gradient.
"""

from __future__ import annotations

import math
from typing import Any

import numpy as np

from .. import ops
from ..tensor import Tensor, where
from .module import Module

# ----------------------------------------------------------------------------- argument checks


def _check_reduction(name: str, reduction: str) -> None:
    if reduction not in ("mean", "sum", "none"):
        raise ValueError(f"{name}: reduction must be 'mean', 'sum' or 'none', got {reduction!r}")


def _check_smoothing(name: str, label_smoothing: float) -> None:
    if not 0.0 <= label_smoothing <= 1.0:
        raise ValueError(f"{name}: label_smoothing must be in [0, 1], got {label_smoothing}")


def _as_input(name: str, input: Any) -> Tensor:
    """The input as a floating-point Tensor (a list of Values becomes a Tensor in their graph)."""
    x = input if isinstance(input, Tensor) else Tensor(input)
    if x.dtype.kind != "f":
        raise ValueError(f"{name}: input must be floating point, got dtype {x.dtype}")
    return x


def _array(target: Any) -> np.ndarray:
    return target.data if isinstance(target, Tensor) else np.asarray(target)


def _like(value: Any, arr: np.ndarray, x: Tensor) -> Tensor:
    """value as a Tensor of x's dtype; a Tensor keeps its graph (the cast is an op)."""
    if isinstance(value, Tensor):
        return value.astype(x.dtype)
    return Tensor._from_op(arr.astype(x.dtype, copy=False), None)


def _value_target(name: str, target: Any, x: Tensor, allow_int: bool) -> Tensor:
    """A target of exactly x's shape, as a Tensor of x's dtype."""
    arr = _array(target)
    kinds = "fiub" if allow_int else "f"
    if arr.dtype.kind not in kinds:
        need = "numbers" if allow_int else "floating point (probabilities in [0, 1])"
        raise ValueError(f"{name}: target must be {need}, got dtype {arr.dtype}")
    if arr.shape != x.shape:
        raise ValueError(
            f"{name}: input has shape {x.shape} but target has shape {arr.shape}; they must be "
            "equal (PyTorch would broadcast them with a warning: reshape one of them instead)"
        )
    return _like(target, arr, x)


def _broadcast_weight(name: str, what: str, weight: Any, x: Tensor) -> Tensor | None:
    """An optional weight that broadcasts to x's shape, as a Tensor of x's dtype."""
    if weight is None:
        return None
    arr = _array(weight)
    if arr.dtype.kind not in "fiu":
        raise ValueError(f"{name}: {what} must be numbers, got dtype {arr.dtype}")
    try:
        fits = np.broadcast_shapes(arr.shape, x.shape) == x.shape
    except ValueError:
        fits = False
    if not fits:
        raise ValueError(
            f"{name}: {what} of shape {arr.shape} does not broadcast to the input's shape {x.shape}"
        )
    return _like(weight, arr, x)


def _class_weight(name: str, weight: Any, c: int, x: Tensor) -> Tensor | None:
    """An optional per-class weight of shape (C,), as a Tensor of x's dtype."""
    if weight is None:
        return None
    arr = _array(weight)
    if arr.dtype.kind not in "fiu" or arr.shape != (c,):
        raise ValueError(
            f"{name}: weight must hold one number per class, shape ({c},), "
            f"got shape {arr.shape} and dtype {arr.dtype}"
        )
    return _like(weight, arr, x)


def _check_classes(name: str, t: np.ndarray, c: int, ignore_index: int) -> None:
    if t.size == 0 or (t.min() >= 0 and t.max() < c):
        return  # the common case, checked in two reductions
    bad = (t != ignore_index) & ((t < 0) | (t >= c))
    if bad.any():
        raise ValueError(
            f"{name}: target holds class {t[bad][0]} but input has {c} classes "
            f"(valid: 0..{c - 1}, or ignore_index={ignore_index} to skip an element)"
        )


def _class_rows(
    name: str, x: Tensor, target: Any, ignore_index: int, allow_probs: bool
) -> tuple[Tensor, np.ndarray | Tensor, tuple[int, ...]]:
    """Scores as rows (M, C) with the class axis last; the target as int64 class indices (M,) or
    probabilities (M, C); and the shape a reduction='none' result takes.

    Inputs may be (N, C), unbatched (C,) or (N, C, d1, ...) as in PyTorch; class indices then have
    shape (N,), () or (N, d1, ...), probabilities the input's shape.
    """
    c = _num_classes(name, x)
    batch = () if x.ndim == 1 else (x.shape[0], *x.shape[2:])
    arr = _array(target)
    kind = arr.dtype.kind
    if kind in "iu" and arr.shape == batch:
        indices = arr.reshape(-1).astype(np.int64, copy=False)
        _check_classes(name, indices, c, ignore_index)
        t: np.ndarray | Tensor = indices
    elif kind == "f" and allow_probs and arr.shape == x.shape:
        t = _to_rows(_like(target, arr, x), c)
    elif kind == "f" and arr.shape == batch:
        raise ValueError(
            f"{name}: target of shape {arr.shape} holds {arr.dtype} values, but class indices "
            "must be integers"
            + (f" (probabilities would need the input's shape {x.shape})" if allow_probs else "")
        )
    elif kind in "iu" and arr.shape == x.shape and allow_probs:
        raise ValueError(
            f"{name}: target of shape {arr.shape} holds integers ({arr.dtype}); class indices "
            f"need shape {batch} and probabilities must be floating point"
        )
    else:
        probs = f", or float probabilities of shape {x.shape}" if allow_probs else ""
        raise ValueError(
            f"{name}: for input of shape {x.shape} the target must hold integer class indices "
            f"of shape {batch}{probs}; got {arr.dtype} of shape {arr.shape}"
        )
    return _to_rows(x, c), t, batch


def _num_classes(name: str, x: Tensor) -> int:
    if x.ndim == 0:
        raise ValueError(f"{name}: input must have shape (N, C), (C,) or (N, C, d1, ...), got ()")
    return x.shape[0] if x.ndim == 1 else x.shape[1]


def _to_rows(x: Tensor, c: int) -> Tensor:
    """(C,) -> (1, C); (N, C, d1, ...) -> (N * d1 * ..., C): one row per classified element."""
    if x.ndim == 2:
        return x
    if x.ndim == 1:
        return x.reshape(1, c)
    x = x.permute(0, *range(2, x.ndim), 1)  # (N, C, d1, ...) -> (N, d1, ..., C)
    return x.reshape(-1, c)


def _reduce(loss: Tensor, reduction: str) -> Tensor:
    if reduction == "mean":
        return loss.mean()
    if reduction == "sum":
        return loss.sum()
    return loss


def _nll_rows(
    logp: Tensor, t: np.ndarray, ignore_index: int, weight: Tensor | None
) -> tuple[Tensor, Tensor]:
    """Per row, -logp[i, t_i] * w[t_i] (0 where t_i is ignored), and the weights w[t_i] used."""
    keep = t != ignore_index
    safe = np.where(keep, t, 0)  # ignored rows pick class 0, then weigh 0
    picked = logp[np.arange(len(t)), safe]  # (M, C) -> (M,), a gather
    w = Tensor._from_op(keep.astype(logp.dtype), None)  # (M,)
    if weight is not None:
        w = weight[safe] * w  # (C,) -> (M,)
    return -picked * w, w


def _weighted_mean(loss: Tensor, w: Tensor) -> Tensor:
    """sum(loss) / sum(w), PyTorch's mean for class-index targets."""
    total = w.data.sum()
    if total == 0:
        # NOTE: nothing counts (every target ignored): PyTorch gives a nan loss with zero
        # gradients; 0 / 0 in the graph would make the gradients nan as well
        return loss.sum() + math.nan
    return loss.sum() / w.sum()


# ----------------------------------------------------------------------------- losses


def cross_entropy(
    input: Any,
    target: Any,
    weight: Any = None,
    *,
    reduction: str = "mean",
    label_smoothing: float = 0.0,
    ignore_index: int = -100,
) -> Tensor:
    """Softmax cross-entropy from logits (like `torch.nn.functional.cross_entropy`).

    input: logits (N, C), (C,) or (N, C, d1, ...). target: integer class indices (N,) (or () or
    (N, d1, ...)), where elements equal to `ignore_index` count for nothing, or float class
    probabilities of the input's shape. `weight` (C,) rescales each class. With label smoothing
    eps the target distribution becomes (1 - eps) * target + eps / C. `reduction` is 'mean'
    (over counted elements, weighted by `weight`), 'sum' or 'none' (the target's shape).

    >>> import tinygrad_lite as tl
    >>> import tinygrad_lite.nn.functional as F
    >>> logits = tl.Tensor([[2.0, 0.5, -1.0], [0.0, 0.0, 0.0]], requires_grad=True)
    >>> loss = F.cross_entropy(logits, [0, 2])   # (N, C) logits, (N,) class indices
    >>> round(loss.item(), 4)   # (0.2413 + log 3) / 2
    0.67
    >>> loss.backward(); logits.grad.shape
    (2, 3)
    """
    name = "cross_entropy"
    _check_reduction(name, reduction)
    _check_smoothing(name, label_smoothing)
    x = _as_input(name, input)
    c = _num_classes(name, x)
    w = _class_weight(name, weight, c, x)
    rows, t, batch = _class_rows(name, x, target, ignore_index, allow_probs=True)
    eps = float(label_smoothing)
    indices = isinstance(t, np.ndarray)

    if w is None:
        # the fused op: one pass, finite for any logits (every target ignored: nan loss, zero
        # gradients, as in PyTorch); it has no class weights
        target_t = Tensor._from_op(t, None) if indices else t
        loss = ops.CrossEntropy.apply(
            rows, target_t, reduction=reduction, smoothing=eps, ignore_index=int(ignore_index)
        )
        return loss.reshape(batch) if reduction == "none" else loss

    # class weights: the same loss built from log_softmax
    logp = rows.log_softmax(1)  # (M, C), finite for any logits
    if isinstance(t, np.ndarray):
        loss, counts = _nll_rows(logp, t, ignore_index, w)
        if eps:
            # NOTE: the eps / C share goes to every class, weighted by that class's weight;
            # PyTorch divides it by the same sum of w[t_i] as the rest of the mean
            wlogp = logp if w is None else logp * w
            keep = Tensor._from_op((t != ignore_index).astype(x.dtype), None)
            loss = loss * (1.0 - eps) - wlogp.sum(1) * keep * (eps / c)
        if reduction == "mean":
            return _weighted_mean(loss, counts)
    else:
        q = t if not eps else t * (1.0 - eps) + eps / c  # (M, C)
        if w is not None:
            q = q * w
        loss = -(logp * q).sum(1)  # (M,); the mean divides by M, weights or not
    return loss.reshape(batch) if reduction == "none" else _reduce(loss, reduction)


def nll_loss(
    input: Any,
    target: Any,
    weight: Any = None,
    *,
    reduction: str = "mean",
    ignore_index: int = -100,
) -> Tensor:
    """Negative log-likelihood of log-probabilities (like `torch.nn.functional.nll_loss`).

    The loss of element i is -input[i, target_i] * weight[target_i]; 'mean' divides by the sum of
    the weights of the counted targets (the number of them without `weight`). Shapes as in
    `cross_entropy`; `nll_loss(log_softmax(x, 1), t)` equals `cross_entropy(x, t)`.

    >>> import tinygrad_lite as tl
    >>> import tinygrad_lite.nn.functional as F
    >>> logp = tl.Tensor([[-0.5, -1.0], [-2.0, -0.25]])   # (N, C) log-probabilities
    >>> F.nll_loss(logp, [0, 1])                          # (0.5 + 0.25) / 2
    Tensor(0.375)
    """
    name = "nll_loss"
    _check_reduction(name, reduction)
    x = _as_input(name, input)
    w = _class_weight(name, weight, _num_classes(name, x), x)
    rows, t, batch = _class_rows(name, x, target, ignore_index, allow_probs=False)
    assert isinstance(t, np.ndarray)  # allow_probs=False: always class indices
    loss, counts = _nll_rows(rows, t, ignore_index, w)
    if reduction == "mean":
        return _weighted_mean(loss, counts)
    return loss.reshape(batch) if reduction == "none" else loss.sum()


def mse_loss(input: Any, target: Any, *, reduction: str = "mean") -> Tensor:
    """Squared error (input - target)^2 (like `torch.nn.functional.mse_loss`); shapes must match.

    >>> import tinygrad_lite as tl
    >>> import tinygrad_lite.nn.functional as F
    >>> F.mse_loss(tl.Tensor([1.0, 2.0]), [1.0, 4.0])   # (0 + 4) / 2
    Tensor(2.)
    """
    name = "mse_loss"
    _check_reduction(name, reduction)
    x = _as_input(name, input)
    y = _value_target(name, target, x, allow_int=True)
    d = x - y
    return _reduce(d * d, reduction)


def l1_loss(input: Any, target: Any, *, reduction: str = "mean") -> Tensor:
    """Absolute error |input - target| (like `torch.nn.functional.l1_loss`); shapes must match.

    >>> import tinygrad_lite as tl
    >>> import tinygrad_lite.nn.functional as F
    >>> F.l1_loss(tl.Tensor([1.0, 2.0]), [1.0, 4.0], reduction="sum")
    Tensor(2.)
    """
    name = "l1_loss"
    _check_reduction(name, reduction)
    x = _as_input(name, input)
    y = _value_target(name, target, x, allow_int=True)
    return _reduce((x - y).abs(), reduction)


def _clamped_log(p: Tensor) -> Tensor:
    """log(p), clamped at -100 as PyTorch's binary_cross_entropy clamps it (finite at p = 0)."""
    # NOTE: log(0) = -inf, and its gradient 1/0 times the clamp's zero would be nan, so zeros
    # are kept away from the log and given -100 directly
    positive = p.data > 0
    safe = where(positive, p, 1.0)
    return where(positive, safe.log(), -100.0).clip(min=-100.0)


def binary_cross_entropy(
    input: Any, target: Any, weight: Any = None, *, reduction: str = "mean"
) -> Tensor:
    """-(y log p + (1 - y) log(1 - p)) for probabilities p (like
    `torch.nn.functional.binary_cross_entropy`); each log is clamped at >= -100.

    input holds probabilities in [0, 1] (after a sigmoid), target floats of the same shape;
    for raw scores `binary_cross_entropy_with_logits` is stabler.

    >>> import tinygrad_lite as tl
    >>> import tinygrad_lite.nn.functional as F
    >>> loss = F.binary_cross_entropy(tl.Tensor([0.5, 0.9]), [1.0, 0.0])
    >>> round(loss.item(), 4)   # (log 2 + log 10) / 2
    1.4979
    """
    name = "binary_cross_entropy"
    _check_reduction(name, reduction)
    p = _as_input(name, input)
    y = _value_target(name, target, p, allow_int=False)
    w = _broadcast_weight(name, "weight", weight, p)
    outside = (p.data < 0) | (p.data > 1)
    if outside.any():
        raise ValueError(
            f"{name}: input must hold probabilities in [0, 1], found {p.data[outside][0]} "
            "(for raw scores use binary_cross_entropy_with_logits)"
        )
    # NOTE: where p(1 - p) < 1e-12 PyTorch's gradient differs from this loss's true derivative
    # (it clamps the denominator of (p - y) / (p (1 - p)) at 1e-12); ours is the exact one
    loss = -(y * _clamped_log(p) + (1.0 - y) * _clamped_log(1.0 - p))
    return _reduce(loss if w is None else loss * w, reduction)


def binary_cross_entropy_with_logits(
    input: Any,
    target: Any,
    weight: Any = None,
    *,
    reduction: str = "mean",
    pos_weight: Any = None,
) -> Tensor:
    """Binary cross-entropy of sigmoid(input), computed stably from the logits (like
    `torch.nn.functional.binary_cross_entropy_with_logits`); `pos_weight` scales the positive
    term and broadcasts over the last axis.

    >>> import tinygrad_lite as tl
    >>> import tinygrad_lite.nn.functional as F
    >>> loss = F.binary_cross_entropy_with_logits(tl.Tensor([0.0, 100.0]), [1.0, 1.0])
    >>> round(loss.item(), 4)   # (log 2 + 0) / 2, finite however large the logit
    0.3466
    """
    name = "binary_cross_entropy_with_logits"
    _check_reduction(name, reduction)
    x = _as_input(name, input)
    y = _value_target(name, target, x, allow_int=False)
    w = _broadcast_weight(name, "weight", weight, x)
    pw = _broadcast_weight(name, "pos_weight", pos_weight, x)
    # NOTE: -log sigmoid(x) = softplus(-x) and -log(1 - sigmoid(x)) = softplus(x): no exp
    # overflows and no log(0) for logits of any size. threshold=inf: softplus's linear cut-off
    # at 20 errs by 2e-9, visible in float64; logaddexp is exact and stable everywhere
    pos = (-x).softplus(threshold=math.inf) * y
    if pw is not None:
        pos = pos * pw
    loss = pos + x.softplus(threshold=math.inf) * (1.0 - y)
    return _reduce(loss if w is None else loss * w, reduction)


def hinge_loss(scores: Any, targets: Any, margin: float = 1.0, reduction: str = "mean") -> Tensor:
    """Max-margin loss relu(margin - y * s) for labels y in {-1, +1}, the micrograd demo's loss
    (PyTorch has no single function: `F.relu(margin - y * s).mean()` computes it).

    scores and targets have the same shape; map 0/1 labels to -1/+1 with `2 * y - 1`.

    >>> import tinygrad_lite as tl
    >>> import tinygrad_lite.nn.functional as F
    >>> F.hinge_loss(tl.Tensor([2.0, 0.5, 0.0]), [1, 1, -1])   # (0 + 0.5 + 1) / 3
    Tensor(0.5)
    """
    name = "hinge_loss"
    _check_reduction(name, reduction)
    s = _as_input(name, scores)
    arr = _array(targets)
    if arr.dtype.kind not in "fiu":
        raise ValueError(f"{name}: targets must be numbers -1 or +1, got dtype {arr.dtype}")
    if arr.shape != s.shape:
        raise ValueError(
            f"{name}: scores have shape {s.shape} but targets have shape {arr.shape}; they must "
            "be equal (e.g. scores.reshape(-1) for one score per example)"
        )
    bad = (arr != 1) & (arr != -1)
    if bad.any():
        raise ValueError(
            f"{name}: targets must be -1 or +1, found {arr[bad][0]} (map 0/1 labels with 2 * y - 1)"
        )
    y = Tensor._from_op(arr.astype(s.dtype), None)
    return _reduce((margin - y * s).relu(), reduction)


# ----------------------------------------------------------------------------- modules


def _buffer(value: Any) -> Tensor | None:
    return None if value is None or isinstance(value, Tensor) else Tensor(value)


class _Loss(Module):
    def __init__(self, reduction: str = "mean") -> None:
        super().__init__()
        _check_reduction(type(self).__name__, reduction)
        self.reduction = reduction

    def extra_repr(self) -> str:
        """The reduction, unless it is the default 'mean', for the repr."""
        return "" if self.reduction == "mean" else f"reduction={self.reduction!r}"


class CrossEntropyLoss(_Loss):
    """`cross_entropy` as a module (like `torch.nn.CrossEntropyLoss`); `weight` is a buffer.

    >>> import tinygrad_lite as tl
    >>> loss_fn = tl.nn.CrossEntropyLoss(label_smoothing=0.1)
    >>> loss = loss_fn(tl.Tensor(np.zeros((2, 4))), [1, 3])   # uniform logits: log 4
    >>> round(loss.item(), 4)
    1.3863
    """

    def __init__(
        self,
        weight: Any = None,
        *,
        ignore_index: int = -100,
        reduction: str = "mean",
        label_smoothing: float = 0.0,
    ) -> None:
        super().__init__(reduction)
        _check_smoothing(type(self).__name__, label_smoothing)
        self.register_buffer("weight", _buffer(weight))
        self.ignore_index, self.label_smoothing = ignore_index, label_smoothing

    def forward(self, input: Any, target: Any) -> Tensor:
        """cross_entropy(input, target): logits (N, C), class indices (N,) -> a scalar."""
        return cross_entropy(
            input,
            target,
            self.weight,
            reduction=self.reduction,
            label_smoothing=self.label_smoothing,
            ignore_index=self.ignore_index,
        )


class NLLLoss(_Loss):
    """`nll_loss` as a module (like `torch.nn.NLLLoss`); `weight` is a buffer.

    >>> import tinygrad_lite as tl
    >>> logp = tl.Tensor([[-0.5, -1.0], [-2.0, -0.25]])
    >>> tl.nn.NLLLoss(reduction="none")(logp, [0, 1])
    Tensor([0.5 , 0.25])
    """

    def __init__(
        self, weight: Any = None, *, ignore_index: int = -100, reduction: str = "mean"
    ) -> None:
        super().__init__(reduction)
        self.register_buffer("weight", _buffer(weight))
        self.ignore_index = ignore_index

    def forward(self, input: Any, target: Any) -> Tensor:
        """nll_loss(input, target): log-probabilities (N, C), class indices (N,) -> a scalar."""
        return nll_loss(
            input, target, self.weight, reduction=self.reduction, ignore_index=self.ignore_index
        )


class MSELoss(_Loss):
    """`mse_loss` as a module (like `torch.nn.MSELoss`).

    >>> import tinygrad_lite as tl
    >>> tl.nn.MSELoss()(tl.Tensor([1.0, 2.0]), [1.0, 4.0])
    Tensor(2.)
    """

    def __init__(self, *, reduction: str = "mean") -> None:
        super().__init__(reduction)

    def forward(self, input: Any, target: Any) -> Tensor:
        """mse_loss(input, target): two arrays of one shape -> a scalar (or that shape)."""
        return mse_loss(input, target, reduction=self.reduction)


class L1Loss(_Loss):
    """`l1_loss` as a module (like `torch.nn.L1Loss`).

    >>> import tinygrad_lite as tl
    >>> tl.nn.L1Loss()(tl.Tensor([1.0, 2.0]), [1.0, 4.0])
    Tensor(1.)
    """

    def __init__(self, *, reduction: str = "mean") -> None:
        super().__init__(reduction)

    def forward(self, input: Any, target: Any) -> Tensor:
        """l1_loss(input, target): two arrays of one shape -> a scalar (or that shape)."""
        return l1_loss(input, target, reduction=self.reduction)


class BCELoss(_Loss):
    """`binary_cross_entropy` as a module (like `torch.nn.BCELoss`); `weight` is a buffer.

    >>> import tinygrad_lite as tl
    >>> probs = tl.nn.Sigmoid()(tl.Tensor([0.0, 0.0]))
    >>> round(tl.nn.BCELoss()(probs, [1.0, 0.0]).item(), 4)   # log 2
    0.6931
    """

    def __init__(self, weight: Any = None, *, reduction: str = "mean") -> None:
        super().__init__(reduction)
        self.register_buffer("weight", _buffer(weight))

    def forward(self, input: Any, target: Any) -> Tensor:
        """binary_cross_entropy(input, target): probabilities and targets of one shape."""
        return binary_cross_entropy(input, target, self.weight, reduction=self.reduction)


class BCEWithLogitsLoss(_Loss):
    """`binary_cross_entropy_with_logits` as a module (like `torch.nn.BCEWithLogitsLoss`);
    `weight` and `pos_weight` are buffers.

    >>> import tinygrad_lite as tl
    >>> loss_fn = tl.nn.BCEWithLogitsLoss(pos_weight=[2.0])
    >>> round(loss_fn(tl.Tensor([0.0, 0.0]), [1.0, 0.0]).item(), 4)   # (2 log 2 + log 2) / 2
    1.0397
    """

    def __init__(
        self, weight: Any = None, *, reduction: str = "mean", pos_weight: Any = None
    ) -> None:
        super().__init__(reduction)
        self.register_buffer("weight", _buffer(weight))
        self.register_buffer("pos_weight", _buffer(pos_weight))

    def forward(self, input: Any, target: Any) -> Tensor:
        """binary_cross_entropy_with_logits(input, target): logits and targets of one shape."""
        return binary_cross_entropy_with_logits(
            input, target, self.weight, reduction=self.reduction, pos_weight=self.pos_weight
        )


class HingeLoss(_Loss):
    """`hinge_loss` as a module: the micrograd demo's max-margin loss (no PyTorch module).

    >>> import tinygrad_lite as tl
    >>> tl.nn.HingeLoss()(tl.Tensor([2.0, 0.5, 0.0]), [1, 1, -1])
    Tensor(0.5)
    """

    def __init__(self, margin: float = 1.0, reduction: str = "mean") -> None:
        super().__init__(reduction)
        self.margin = margin

    def forward(self, scores: Any, targets: Any) -> Tensor:
        """hinge_loss(scores, targets): scores and -1/+1 labels of one shape -> a scalar."""
        return hinge_loss(scores, targets, self.margin, self.reduction)

    def extra_repr(self) -> str:
        """'margin=..' (and the reduction unless 'mean') for the repr."""
        return ", ".join(filter(None, [f"margin={self.margin}", super().extra_repr()]))
