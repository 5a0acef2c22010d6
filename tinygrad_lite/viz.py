"""Draw the autograd graph: DOT text with no dependency, rendered by `graphviz` when installed.

Written against the node protocol only (autograd.py's docstring): a node has `data`, `grad`,
`requires_grad`, `_scalar` and `_ctx`; a Function has `parents`, `name` and `summed`. So Value
graphs, Tensor graphs and mixed graphs draw the same way, before or after `backward()` (which
frees saved arrays and intermediates' data, but keeps the graph's shape: Ghost parents with
shape and dtype, op names and the summed axes).

Value nodes are micrograd's records (label | data | grad) with a small op node in front of each
computed one. Tensor nodes are one record each: op, shape and dtype, then a summary of the data
and the gradient. Leaves that need a gradient are filled blue, constants are dashed, the root is
drawn bold, and an edge where backward summed a gradient over broadcast axes says so in red.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import numpy as np

if TYPE_CHECKING:
    import graphviz

__all__ = ["draw_dot", "to_dot"]

_RANKDIRS = ("LR", "RL", "TB", "BT")
_INSTALL_ADVICE = (
    "draw_dot needs the graphviz Python package: pip install graphviz "
    "(and, to render images, the system `dot` binary: e.g. apt-get install graphviz or "
    "brew install graphviz). to_dot(root) gives the DOT text without either."
)

# NOTE: inside a record label these characters are structure (fields, ports, rotation); the
# quote and the backslash are special to every DOT string, so they are escaped everywhere
_STRING_ESCAPES = {'"': '\\"', "\\": "\\\\", "\n": "\\n"}
_RECORD_ESCAPES = {**_STRING_ESCAPES, **{ch: "\\" + ch for ch in "{}|<>"}}
_STRING_TABLE = str.maketrans(_STRING_ESCAPES)
_RECORD_TABLE = str.maketrans(_RECORD_ESCAPES)


def _escape(text: str, record: bool = False) -> str:
    """text made safe inside a double-quoted DOT label (a record label when record=True)."""
    return str(text).translate(_RECORD_TABLE if record else _STRING_TABLE)


def _num(v: Any) -> str:
    """One number, short: 4 significant digits for floats, as is for ints and bools."""
    if isinstance(v, float | np.floating):
        return f"{v:.4g}"
    return str(v)


def _nested(x: Any) -> str:
    """A number or a nested list of them (from `ndarray.tolist()`), with short numbers."""
    if isinstance(x, list):
        return "[" + ", ".join(_nested(v) for v in x) + "]"
    return _num(x)


def _summary(a: Any) -> str:
    """The array itself when it has at most 4 elements, else its mean, min and max."""
    a = np.asarray(a)
    if a.size == 0:
        return "empty"
    if a.size <= 4:
        return _nested(a.tolist())
    x = a.astype(np.float64)
    # NOTE: nan and inf are what a learner is looking for here, so print them without warnings
    with np.errstate(all="ignore"):
        return f"mean {_num(x.mean())} min {_num(x.min())} max {_num(x.max())}"


def _summed_label(grad_shape: tuple, shape: tuple, axes: tuple) -> str:
    """'(2, 3) -> (3,): summed axis 0': how backward fitted a broadcast gradient to its input."""
    if not axes:
        how = "reshaped"
    elif len(axes) == 1:
        how = f"summed axis {axes[0]}"
    else:
        how = "summed axes " + ", ".join(str(a) for a in axes)
    return f"{tuple(grad_shape)} -> {tuple(shape)}: {how}"


def _record(fields: list[str], across: bool, rankdir: str) -> str:
    """A record label whose fields run across the page (across=True) or down it."""
    body = " | ".join(_escape(f, record=True) for f in fields)
    # NOTE: a record's top-level fields run across for TB/BT and down for LR/RL; braces flip that
    flip = across == (rankdir in ("LR", "RL"))
    return "{ " + body + " }" if flip else body


def _style(node: Any, is_root: bool) -> str:
    """Fill for leaves that need a gradient, dashes for constants, a bold outline for the root."""
    attrs = []
    if node._ctx is None:
        if node.requires_grad:
            attrs.append('style=filled, fillcolor="lightblue"')
        else:
            attrs.append('style=dashed, color="gray40"')
    if is_root:
        attrs.append("penwidth=2")
    return "".join(", " + a for a in attrs)


def _walk(root: Any) -> tuple[list[Any], dict[int, str]]:
    """Every node reachable from root, once each, in discovery order (no recursion)."""
    order: list[Any] = []
    names: dict[int, str] = {}
    stack = [root]
    while stack:
        node = stack.pop()
        if id(node) in names:
            continue
        names[id(node)] = f"n{len(order)}"
        order.append(node)
        ctx = node._ctx
        if ctx is not None:
            stack.extend(reversed(ctx.parents))  # reversed: first input is visited first
    return order, names


def _body(root: Any, rankdir: str) -> list[str]:
    """The statements inside `digraph { ... }`, one per line, tab-indented like graphviz's."""
    if rankdir not in _RANKDIRS:
        raise ValueError(f"rankdir must be one of {_RANKDIRS}, got {rankdir!r}")
    order, names = _walk(root)
    nodes: list[str] = []
    edges: list[str] = []
    for node in order:
        name = names[id(node)]
        ctx = node._ctx
        style = _style(node, node is root)
        if node._scalar:
            label = _record(
                [getattr(node, "label", ""), f"data {node.data:.4f}", f"grad {node.grad:.4f}"],
                across=True,
                rankdir=rankdir,
            )
            nodes.append(f'\t{name} [label="{label}", shape=record{style}]\n')
            target = name
            if ctx is not None:
                # micrograd's drawing: the op sits in its own small node in front of its result
                target = name + "op"
                nodes.append(f'\t{target} [label="{_escape(ctx.name)}", shape=ellipse]\n')
                edges.append(f"\t{target} -> {name}\n")
        else:
            data = node.data
            if ctx is not None:
                head = ctx.name
            else:
                head = "leaf" if node.requires_grad else "constant"
            if data is None:  # an intermediate whose data backward freed (a Ghost)
                fields = [head, f"{node.shape} {node.dtype.name}", "data freed by backward"]
            else:
                fields = [head, f"{data.shape} {data.dtype.name}", "data " + _summary(data)]
            if node.requires_grad:
                grad = node.grad
                fields.append("grad " + ("None" if grad is None else _summary(grad)))
            label = _record(fields, across=False, rankdir=rankdir)
            nodes.append(f'\t{name} [label="{label}", shape=record{style}]\n')
            target = name
        if ctx is None:
            continue
        summed = ctx.summed or {}
        for i, parent in enumerate(ctx.parents):
            edge = f"\t{names[id(parent)]} -> {target}"
            if i in summed:
                text = _escape(_summed_label(*summed[i]))
                edge += f' [label="{text}", color="red", fontcolor="red"]'
            edges.append(edge + "\n")
    return nodes + edges


def to_dot(root: Any, rankdir: str = "LR") -> str:
    """The graph that produced `root` (a Value or a Tensor) as Graphviz DOT text (like
    micrograd's `draw_dot`, with no dependency; PyTorch has no equivalent).

    Works before or after `backward()`; `rankdir` is 'LR' (left to right), 'RL', 'TB' or
    'BT'. Paste the text into any Graphviz viewer, or render it with `draw_dot`.

    >>> import tinygrad_lite as tl
    >>> a = tl.Value(2.0, label="a"); b = a * a; b.backward()
    >>> "{ a | data 2.0000 | grad 4.0000 }" in to_dot(b)
    True
    >>> x = tl.Tensor(np.ones((2, 3)), requires_grad=True)
    >>> y = (x * tl.Tensor(np.ones(3), requires_grad=True)).sum(); y.backward()
    >>> "(2, 3) -> (3,): summed axis 0" in to_dot(y)   # broadcasting undone by backward
    True
    """
    lines = ["digraph {\n", f"\tgraph [rankdir={rankdir}]\n", *_body(root, rankdir), "}\n"]
    return "".join(lines)


def draw_dot(root: Any, format: str = "svg", rankdir: str = "LR") -> graphviz.Digraph:
    """The same graph as `to_dot` as a `graphviz.Digraph` (call `.render()`, or show it in Jupyter).

    Like micrograd's `draw_dot`. Needs the `graphviz` package (and its `dot` binary to render);
    without it an ImportError says how to install it.

    >>> import tinygrad_lite as tl
    >>> b = tl.Value(2.0, label="a") * 3.0
    >>> try:
    ...     dot = draw_dot(b, format="png")   # dot.render("graph") would write graph.png
    ... except ImportError as e:              # graphviz is not installed: the message says how
    ...     print("pip install graphviz" in str(e))
    ... else:
    ...     print(dot.source == to_dot(b))
    True
    """
    try:
        import graphviz
    except ImportError:
        raise ImportError(_INSTALL_ADVICE) from None
    body = _body(root, rankdir)
    return graphviz.Digraph(format=format, graph_attr={"rankdir": rankdir}, body=body)
