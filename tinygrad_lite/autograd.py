"""The autograd engine: `Function` (one class per op), grad mode, anomaly mode and backward.

Two kinds of node live in one graph: `Tensor` (a NumPy array) and `Value` (a Python float).
The engine is written against a small protocol that both implement:

    node.data           the forward result (ndarray for Tensors, float for Values)
    node.grad           the accumulated gradient (or None / 0.0)
    node.requires_grad  whether gradients flow into the node
    node._ctx           the Function that made the node, or None for a leaf
    node._scalar        True for Values (Python-float gradients, micrograd semantics)
    node._retain        True when an intermediate keeps its gradient (`retain_grad()`)

A Function instance is the edge bundle of one op: it holds its inputs (`parents`), which of them
need a gradient (`needs`) and whatever its backward needs. It never refers to its output, so the
graph has no reference cycles and is freed by reference counting as soon as it is dropped.
After backward (unless `retain_graph=True`) each Function drops what it saved, and intermediate
Tensors among its parents become `Ghost`s (creator, shape, dtype): their data is freed, the
graph's shape stays for drawing. Leaf gradients and the freeing wait until the whole pass has
succeeded, so an error halfway changes nothing.
"""

from __future__ import annotations

import functools
import threading
import traceback
from collections.abc import Callable
from typing import Any, TypeVar

import numpy as np

F = TypeVar("F", bound=Callable[..., Any])


# ----------------------------------------------------------------------------- grad mode


class _GradMode(threading.local):
    enabled = True


_grad_mode = _GradMode()


def is_grad_enabled() -> bool:
    """Whether new ops record a graph in this thread (like `torch.is_grad_enabled`).

    >>> import tinygrad_lite as tl
    >>> with tl.no_grad():
    ...     print(tl.is_grad_enabled())
    False
    """
    return _grad_mode.enabled


class set_grad_enabled:
    """Turn graph recording on or off in this thread; a context manager or decorator
    (like `torch.set_grad_enabled`).

    >>> import tinygrad_lite as tl
    >>> with tl.set_grad_enabled(False):
    ...     print(tl.is_grad_enabled())
    False
    """

    def __init__(self, mode: bool = True) -> None:
        self.mode = bool(mode)
        self.prev: list[bool] = []

    def __enter__(self) -> None:
        self.prev.append(_grad_mode.enabled)
        _grad_mode.enabled = self.mode

    def __exit__(self, *exc: object) -> None:
        _grad_mode.enabled = self.prev.pop()

    def __call__(self, fn: F) -> F:
        mode = self.mode

        @functools.wraps(fn)
        def wrapper(*args: Any, **kwargs: Any) -> Any:
            with set_grad_enabled(mode):
                return fn(*args, **kwargs)

        return wrapper  # type: ignore[return-value]


class no_grad(set_grad_enabled):
    """Context manager and decorator that stops recording the graph (like `torch.no_grad`).

    >>> import tinygrad_lite as tl
    >>> x = tl.Tensor([1.0], requires_grad=True)
    >>> with tl.no_grad():
    ...     y = x * 2
    >>> y.requires_grad
    False
    """

    def __init__(self) -> None:
        super().__init__(False)


class enable_grad(set_grad_enabled):
    """Context manager and decorator that turns recording back on inside `no_grad`
    (like `torch.enable_grad`).

    >>> import tinygrad_lite as tl
    >>> with tl.no_grad(), tl.enable_grad():
    ...     print(tl.is_grad_enabled())
    True
    """

    def __init__(self) -> None:
        super().__init__(True)


# ----------------------------------------------------------------------------- anomaly mode


class _Anomaly:
    enabled = False


_anomaly = _Anomaly()


class detect_anomaly:
    """Raise `FloatingPointError` naming the first op whose forward or backward made NaN or inf
    (like `torch.autograd.detect_anomaly`, which checks backward only).

    Off by default; when off it costs one attribute test per op.

    >>> import tinygrad_lite as tl
    >>> with tl.detect_anomaly():
    ...     tl.Tensor([0.0], requires_grad=True).log()
    Traceback (most recent call last):
    FloatingPointError: Log produced -inf in forward, called from ...
    """

    def __init__(self) -> None:
        self.prev = False

    def __enter__(self) -> detect_anomaly:
        self.prev = _anomaly.enabled
        _anomaly.enabled = True
        return self

    def __exit__(self, *exc: object) -> None:
        _anomaly.enabled = self.prev


def _call_site() -> str:
    """The innermost stack frame outside this package, as 'file:line in function'."""
    package = __file__.rsplit("/", 1)[0]
    for frame in reversed(traceback.extract_stack()):
        if not frame.filename.startswith(package):
            return f"{frame.filename}:{frame.lineno} in {frame.name}"
    return "<unknown>"


def _nonfinite(x: Any) -> str | None:
    """'nan' or 'inf' when x holds one (None otherwise); non-float data never does."""
    a = np.asarray(x)
    if a.dtype.kind not in "fc":
        return None
    if np.isnan(a).any():
        return "nan"
    pos, neg = bool(np.isposinf(a).any()), bool(np.isneginf(a).any())
    if pos and neg:
        return "inf and -inf"
    return "-inf" if neg else ("inf" if pos else None)


def _check_forward(ctx: Function, xs: tuple, out: Any) -> None:
    ctx.site = _call_site()
    bad = _nonfinite(out)
    if bad is None:
        return
    name = type(ctx).__name__
    if any(_nonfinite(x.data) for x in xs):
        raise FloatingPointError(
            f"{name} received an input that already held nan/inf (it came from data, not from "
            f"an op), called from {ctx.site}"
        )
    raise FloatingPointError(f"{name} produced {bad} in forward, called from {ctx.site}")


def _check_backward(ctx: Function, grads: tuple) -> None:
    for i, g in enumerate(grads):
        bad = None if g is None or type(g) is Sparse else _nonfinite(g)
        if bad is not None:
            raise FloatingPointError(
                f"{type(ctx).__name__} produced {bad} in backward (gradient of input {i}), "
                f"forward called from {getattr(ctx, 'site', '<unknown>')}"
            )


# ----------------------------------------------------------------------------- Function


class Function:
    """One differentiable op: `forward` on raw data, `backward` from the output gradient `g`.

    Subclass it to add your own op (this is how every built-in op is written):

    >>> import numpy as np, tinygrad_lite as tl
    >>> class Cube(tl.Function):
    ...     def forward(self, x):          # x: np.ndarray
    ...         self.x = x                 # save what backward needs
    ...         return x ** 3
    ...     def backward(self, g):         # g: gradient of the output, same shape as it
    ...         return (3 * self.x**2 * g,)  # one gradient per input (None when not needed)
    >>> t = tl.Tensor([1.0, 2.0], requires_grad=True)
    >>> Cube.apply(t).sum().backward()
    >>> t.grad.tolist()
    [3.0, 12.0]

    `apply(*inputs, **params)` takes nodes (Tensors or Values) positionally and non-differentiable
    parameters by keyword. Backward may return gradients in the broadcast shape of the output:
    the engine sums them back to each input's shape. `self.needs[i]` says whether input i needs a
    gradient, so backward can skip work nobody uses.
    """

    __slots__ = ("parents", "needs", "__dict__")
    parents: tuple[Any, ...]  # the input nodes (set when the op is recorded)
    needs: tuple[bool, ...]  # which inputs need a gradient
    site: str  # where forward was called from (set in anomaly mode)
    node: Any = None  # the class outputs are wrapped in: Tensor (set by tensor.py) or Value
    freed = False  # set once backward has released what the op saved
    summed: dict[int, tuple] | None = None  # input index -> (gradient shape, input shape, axes)

    def forward(self, *args: Any, **kwargs: Any) -> Any:
        """Compute the op on raw data (NumPy arrays or floats) and save what backward needs.

        Keyword arguments are the op's non-differentiable parameters (see `apply`).
        """
        raise NotImplementedError

    def backward(self, g: Any) -> tuple:
        """Given g, the gradient of the output, return one gradient per input (None if unneeded).

        Gradients may have the output's broadcast shape: the engine sums them back to each input.
        """
        raise NotImplementedError

    @classmethod
    def apply(cls, *xs: Any, **kwargs: Any) -> Any:
        """Run the op on nodes `xs` and record it in the graph when any input needs a gradient.

        >>> import tinygrad_lite as tl
        >>> from tinygrad_lite import ops
        >>> x = tl.Tensor([1.0, 2.0], requires_grad=True)
        >>> type(ops.Exp.apply(x).grad_fn).__name__
        'Exp'
        """
        ctx = cls()
        if _grad_mode.enabled:
            needs = tuple([x.requires_grad for x in xs])
            track = True in needs
        else:
            needs = (False,) * len(xs)
            track = False
        ctx.needs = needs
        out = ctx.forward(*[x.data for x in xs], **kwargs)
        if _anomaly.enabled:
            _check_forward(ctx, xs, out)
        if track:
            ctx.parents = xs
            return cls.node._from_op(out, ctx)
        return cls.node._from_op(out, None)

    def release(self, ghosts: dict[int, Ghost] | None = None) -> None:
        """Free what forward saved, and the data of intermediate inputs; keep the graph's shape
        (parents as Ghosts, op name, summed axes) so that it can still be drawn."""
        d = self.__dict__
        if "op" in d or "summed" in d or "site" in d:
            kept: dict[str, Any] = {k: d[k] for k in ("op", "summed", "site") if k in d}
            d.clear()
            d.update(kept)
        else:
            d.clear()
        d["freed"] = True
        if ghosts is not None:
            # NOTE: an intermediate Tensor is kept alive by its consumers' parents; after
            # backward only its shape matters, so a Ghost stands in (leaves and Values stay)
            parents = list(self.parents)
            for i, p in enumerate(parents):
                if p._ctx is not None and not p._scalar:
                    ghost = ghosts.get(id(p))
                    if ghost is None:
                        ghost = ghosts[id(p)] = Ghost(p)
                    parents[i] = ghost
            self.parents = tuple(parents)

    @property
    def name(self) -> str:
        """The op's name as graph drawings show it ('*', 'ReLU', or the class name).

        >>> import tinygrad_lite as tl
        >>> x = tl.Tensor([1.0], requires_grad=True)
        >>> (x * 2).grad_fn.name, x.exp().grad_fn.name
        ('*', 'Exp')
        """
        return self.__dict__.get("op") or getattr(type(self), "op", None) or type(self).__name__


class Ghost:
    """What a freed graph keeps of an intermediate Tensor: its creator, shape and dtype."""

    __slots__ = ("_ctx", "shape", "dtype")
    _scalar = False
    _retain = False
    requires_grad = True
    data = None
    grad = None

    def __init__(self, node: Any) -> None:
        self._ctx, self.shape, self.dtype = node._ctx, node.data.shape, node.data.dtype


class Sparse:
    """A gradient that is zero except at one index: what taking one element as a Value sends back.

    The engine adds it into the input's gradient in place, so pulling all n elements out of a
    tensor costs O(n), not O(n^2).
    """

    __slots__ = ("index", "value")

    def __init__(self, index: Any, value: float) -> None:
        self.index = index
        self.value = value


# ----------------------------------------------------------------------------- backward

FREED_MESSAGE = (
    "Trying to backward through the graph a second time: its saved arrays were freed by the "
    "first backward(). Call backward(retain_graph=True) the first time if you need to do this."
)


def _unbroadcast(g: np.ndarray, shape: tuple) -> tuple[np.ndarray, tuple]:
    """Sum gradient g (shape of a broadcast result) back to an input of the given shape."""
    lead = g.ndim - len(shape)
    axes = tuple(range(lead)) + tuple(
        i + lead for i, n in enumerate(shape) if n == 1 and g.shape[i + lead] != 1
    )
    if axes:
        g = g.sum(axis=axes)
    return g.reshape(shape), axes


def backward(root: Any, g: Any, retain_graph: bool = False, micrograd: bool = False) -> None:
    """Propagate gradient g from root to every node of its graph that requires a gradient.

    Nodes are visited in an order where each is reached only after all of its consumers
    (Kahn's algorithm over a dependency count), iteratively, so the depth of the graph is
    unbounded. `micrograd=True` gives micrograd's semantics to Value nodes: each propagates
    its whole accumulated `.grad`, and nothing is freed.
    """
    if _anomaly.enabled and g is not None and _nonfinite(g):
        raise FloatingPointError(
            f"the gradient passed to backward() already held {_nonfinite(g)} "
            "(it came from the caller, not from an op)"
        )
    # 1) count the edges into each node that needs a gradient; refuse a freed graph up front
    deps: dict[int, int] = {}
    stack = [root]
    while stack:
        ctx = stack.pop()._ctx
        if ctx is None:
            continue
        if ctx.freed:
            raise RuntimeError(FREED_MESSAGE)
        for p, need in zip(ctx.parents, ctx.needs):
            if need:
                k = id(p)
                if k in deps:
                    deps[k] += 1
                else:
                    deps[k] = 1
                    stack.append(p)

    free = not (retain_graph or micrograd)
    grads: dict[int, Any] = {id(root): g}
    fresh: set[int] = set()  # keys whose array the engine allocated, so may add into in place
    borrowed: set[int] = set()  # keys whose array is also another node's (or is a view of it)
    # NOTE: what users see (leaf .grad, retained .grad, Value .grad under a Tensor root) and the
    # freeing of the graph wait until the pass has succeeded: an error halfway changes nothing
    stores: list[tuple[Any, Any, bool]] = []
    values: list[tuple[Any, float]] = []
    done: list[Function] = []
    ready = [root]
    while ready:
        node = ready.pop()
        ctx = node._ctx
        key = id(node)
        if micrograd and node._scalar:
            gn = node.grad
        else:
            gn = grads.pop(key, None)
        if gn is not None and not node._scalar and (ctx is None or node._retain):
            stores.append((node, gn, key in fresh or key not in borrowed))
        if ctx is None:
            continue
        if gn is None:
            in_grads: tuple = (None,) * len(ctx.parents)
        elif type(ctx) is Manual:
            in_grads = _run_manual(node, ctx, gn, micrograd)
        else:
            in_grads = ctx.backward(gn)
            if _anomaly.enabled:
                _check_backward(ctx, in_grads)
        if free:
            done.append(ctx)
        for i, (p, need, pg) in enumerate(zip(ctx.parents, ctx.needs, in_grads)):
            if not need:
                continue
            k = id(p)
            if pg is not None:
                if p._scalar:
                    pg = float(pg)
                    if micrograd:
                        p.grad += pg  # micrograd: Values carry the gradient themselves
                    else:
                        values.append((p, pg))
                        grads[k] = grads.get(k, 0.0) + pg
                elif type(pg) is Sparse:
                    buf = grads.get(k)
                    if buf is None:
                        buf = grads[k] = np.zeros(p.data.shape, p.data.dtype)
                        fresh.add(k)
                    elif k not in fresh:
                        buf = grads[k] = np.array(buf, dtype=p.data.dtype)
                        fresh.add(k)
                    buf[pg.index] += pg.value
                else:
                    data = p.data
                    same = True  # pg is what backward returned (so it may be shared)
                    if pg.shape != data.shape:
                        gshape = pg.shape
                        pg, axes = _unbroadcast(pg, data.shape)
                        same = False
                        if ctx.summed is None:
                            ctx.summed = {}
                        ctx.summed[i] = (gshape, data.shape, axes)
                    if pg.dtype != data.dtype:
                        pg = pg.astype(data.dtype)
                        same = False
                    buf = grads.get(k)
                    if buf is None:
                        grads[k] = pg
                        if same and _shared(pg, gn, in_grads):
                            borrowed.add(k)
                    elif k in fresh:
                        buf += pg
                    else:
                        grads[k] = buf + pg
                        fresh.add(k)
                        borrowed.discard(k)
            left = deps[k] - 1
            if left:
                deps[k] = left
            else:
                ready.append(p)
    ghosts: dict[int, Ghost] = {}
    for ctx in done:
        ctx.release(ghosts)
    for p, pg in values:
        p.grad += pg
    for node, gn, owned in stores:
        _store_grad(node, gn, owned)


def _shared(pg: Any, gn: Any, in_grads: tuple) -> bool:
    """Whether gradient pg may be referenced elsewhere: it is the incoming gradient gn or a view
    of the same memory (Add, Reshape, Cat pass g on), or backward returned it twice."""
    if pg is gn or (pg.base is not None and (pg.base is gn or pg.base is getattr(gn, "base", 0))):
        return True
    seen = 0
    for q in in_grads:
        if q is pg:
            seen += 1
    return seen > 1


def _run_manual(node: Any, ctx: Function, gn: float, micrograd: bool) -> tuple:
    """Run a hand-built micrograd node's `_backward` closure; under a Tensor root, turn what it
    added into its children's .grad into this pass's gradients for them."""
    if micrograd:
        node._backward()  # it reads node.grad, the whole accumulated gradient, as micrograd does
        return (None,) * len(ctx.parents)
    before = [c.grad for c in ctx.parents]
    total, node.grad = node.grad, gn  # the closure reads out.grad: give it this pass's gradient
    try:
        node._backward()
        added = [c.grad - b for c, b in zip(ctx.parents, before)]
    finally:
        node.grad = total
        for c, b in zip(ctx.parents, before):
            c.grad = b  # the engine adds the change back once the pass has succeeded
    return tuple(added)


def _store_grad(node: Any, g: Any, owned: bool) -> None:
    """Accumulate g into node.grad; g becomes the node's own array only if nothing else holds it."""
    if type(g) is not np.ndarray:
        g = np.asarray(g)
    if node.grad is not None:
        node.grad = node.grad + g
    elif owned and g.flags.writeable:
        node.grad = g  # a fresh result (e.g. a matmul's), not referenced anywhere else
    else:
        node.grad = g.copy()


class Manual(Function):
    """The edge bundle of a Value built by hand, micrograd-style (`Value(x, (a, b), '+')`)."""

    def __init__(self, children: tuple, op: str) -> None:
        self.parents = children
        self.needs = (True,) * len(children)
        self.op = op
