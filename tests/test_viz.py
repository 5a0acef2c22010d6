"""viz: DOT text for Value, Tensor and mixed graphs, before and after backward, deep and escaped."""

import ast
import re
import shutil
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

import tinygrad_lite as tl
from tinygrad_lite import Tensor, Value, viz

QUOTED = r'"(?:[^"\\]|\\.)*"'
NODE = re.compile(rf"^\t(\w+) \[((?:{QUOTED}|[^\]\"])*)\]$")
EDGE = re.compile(rf"^\t(\w+) -> (\w+)(?: \[((?:{QUOTED}|[^\]\"])*)\])?$")


def parse(dot: str) -> tuple[dict[str, str], list[tuple[str, str, str]]]:
    """Check the DOT text's shape and return {node id: attributes} and [(src, dst, attributes)]."""
    assert dot.startswith("digraph {\n") and dot.endswith("}\n")
    outside = re.sub(QUOTED, '""', dot)  # braces inside labels are record structure
    assert outside.count("{") == outside.count("}") == 1
    nodes: dict[str, str] = {}
    edges = []
    for line in dot.splitlines()[1:-1]:
        if line.startswith("\tgraph ["):
            continue
        edge = EDGE.match(line)
        if edge:
            edges.append((edge[1], edge[2], edge[3] or ""))
            continue
        node = NODE.match(line)
        assert node, f"neither a node nor an edge: {line!r}"
        assert node[1] not in nodes, f"node {node[1]} declared twice"
        nodes[node[1]] = node[2]
    for src, dst, _ in edges:
        assert src in nodes and dst in nodes, f"edge {src} -> {dst} has an undeclared end"
    for attrs in nodes.values():
        if "shape=record" in attrs:
            label = re.search(r'label="((?:[^"\\]|\\.)*)"', attrs)[1]
            bare = re.sub(r"\\.", "", label)  # escaped characters are text, not structure
            assert bare.count("{") == bare.count("}")
    return nodes, edges


def label(attrs: str) -> str:
    return re.search(r'label="((?:[^"\\]|\\.)*)"', attrs)[1]


def find(nodes: dict[str, str], text: str) -> str:
    """The id of the one node whose label contains text."""
    hits = [k for k, attrs in nodes.items() if text in label(attrs)]
    assert len(hits) == 1, f"{text!r} is in {len(hits)} node labels"
    return hits[0]


def lecture_graph():
    """The micrograd lecture's expression L = (a * b + c) * f."""
    a = Value(2.0, label="a")
    b = Value(-3.0, label="b")
    c = Value(10.0, label="c")
    e = a * b
    e.label = "e"
    d = e + c
    d.label = "d"
    f = Value(-2.0, label="f")
    L = d * f
    L.label = "L"
    return L, a


# ----------------------------------------------------------------------------- Value graphs


def test_value_graph_before_and_after_backward():
    L, a = lecture_graph()
    nodes, edges = parse(viz.to_dot(L))
    records = [k for k, v in nodes.items() if "shape=record" in v]
    ops = sorted(label(v) for v in nodes.values() if "shape=ellipse" in v)
    assert len(records) == 7 and ops == ["*", "*", "+"]
    assert len(edges) == 3 + 6  # op -> result, and each op's two inputs -> op
    assert "{ a | data 2.0000 | grad 0.0000 }" in label(nodes[find(nodes, " a |")])

    L.backward()
    nodes, edges_after = parse(viz.to_dot(L))
    assert "{ a | data 2.0000 | grad 6.0000 }" in label(nodes[find(nodes, " a |")])
    assert "{ L | data -8.0000 | grad 1.0000 }" in label(nodes[find(nodes, " L |")])
    assert edges_after == edges


def test_value_op_node_sits_in_front_of_its_result():
    L, _ = lecture_graph()
    nodes, edges = parse(viz.to_dot(L))
    e = find(nodes, " e |")
    (op,) = [dst for src, dst, _ in edges if src == e]  # e feeds the '+' op node
    assert label(nodes[op]) == "+"
    (d,) = [dst for src, dst, _ in edges if src == op]
    assert " d |" in label(nodes[d])


# ----------------------------------------------------------------------------- Tensor graphs


def test_tensor_graph_shows_op_shape_dtype_and_summaries():
    x = Tensor(np.arange(6.0).reshape(2, 3), requires_grad=True, dtype=tl.float64)
    w = Tensor([1.0, 2.0, 3.0], requires_grad=True, dtype=tl.float64)
    y = (x * w).sum()
    nodes, edges = parse(viz.to_dot(y))
    assert len(nodes) == 4 and len(edges) == 3
    x_id, w_id = find(nodes, "leaf | (2, 3)"), find(nodes, "leaf | (3,)")
    assert label(nodes[find(nodes, "Sum")]) == "Sum | () float64 | data 34 | grad None"
    assert label(nodes[find(nodes, "*")]).startswith("* | (2, 3) float64 | data mean 5.667")
    assert label(nodes[x_id]) == "leaf | (2, 3) float64 | data mean 2.5 min 0 max 5 | grad None"
    assert label(nodes[w_id]) == "leaf | (3,) float64 | data [1, 2, 3] | grad None"

    y.backward()
    nodes, _ = parse(viz.to_dot(y))
    assert label(nodes[x_id]).endswith("| grad mean 2 min 1 max 3")
    assert label(nodes[w_id]).endswith("| grad [3, 5, 7]")


def test_broadcast_edge_says_which_axes_backward_summed():
    x = Tensor(np.ones((2, 3)), requires_grad=True, dtype=tl.float64)
    w = Tensor(np.ones(3), requires_grad=True, dtype=tl.float64)
    y = (x * w).sum()
    assert "summed" not in viz.to_dot(y)  # nothing is summed until backward runs

    y.backward()
    dot = viz.to_dot(y)
    nodes, edges = parse(dot)
    w_id, mul_id = find(nodes, "leaf | (3,)"), find(nodes, "* |")
    (attrs,) = [a for s, d, a in edges if (s, d) == (w_id, mul_id)]
    assert 'label="(2, 3) -> (3,): summed axis 0"' in attrs
    assert dot.count("summed") == 1  # x's gradient needed no summing


def test_several_summed_axes_are_plural():
    x = Tensor(np.ones((4, 2, 3)), requires_grad=True, dtype=tl.float64)
    b = Tensor(np.ones((2, 1)), requires_grad=True, dtype=tl.float64)
    y = (x + b).sum()
    y.backward()
    assert "(4, 2, 3) -> (2, 1): summed axes 0, 2" in viz.to_dot(y)


def test_leaves_constants_intermediates_and_root_look_different():
    x = Tensor([1.0, 2.0], requires_grad=True)
    y = (x * 3).sum()
    nodes, _ = parse(viz.to_dot(y))
    leaf, const = nodes[find(nodes, "leaf |")], nodes[find(nodes, "constant |")]
    mid, root = nodes[find(nodes, "* |")], nodes[find(nodes, "Sum |")]
    assert "fillcolor" in leaf and "dashed" not in leaf
    assert "dashed" in const and "fillcolor" not in const and "grad" not in label(const)
    assert "style" not in mid and "penwidth" not in mid
    assert "penwidth=2" in root


def test_large_tensors_are_summarised_and_nan_shows():
    t = Tensor([np.nan, 1.0, 2.0, 3.0, 4.0], requires_grad=True)
    nodes, _ = parse(viz.to_dot(t))
    assert label(nodes["n0"]) == "leaf | (5,) float32 | data mean nan min nan max nan | grad None"
    nodes, _ = parse(viz.to_dot(Tensor(np.zeros((0, 3)))))
    assert "data empty" in label(nodes["n0"])


# ----------------------------------------------------------------------------- mixed, freed, deep


def test_mixed_value_and_tensor_graph():
    a, b = Value(1.5, label="a"), Value(-2.0, label="b")
    t = Tensor([a, b])  # Values in: one stack op
    s = (t * t).sum() * a  # a Value enters a Tensor op
    first = t.values()[0] + b  # and a Tensor element comes out as a Value
    root = first * s.values()
    nodes, edges = parse(viz.to_dot(root))
    root.backward()
    nodes_after, edges_after = parse(viz.to_dot(root))
    assert edges_after == edges and nodes_after.keys() == nodes.keys()
    assert "{ a | data 1.5000 | grad" in label(nodes_after[find(nodes_after, " a |")])
    assert find(nodes_after, "stack | (2,) float64")
    assert find(nodes_after, "lift | () float64")
    items = [k for k, v in nodes_after.items() if label(v) == "item"]
    assert len(items) == 2 and all("shape=ellipse" in nodes_after[k] for k in items)


def test_freed_graph_draws_the_same_shape():
    x = Tensor(np.ones((2, 3)), requires_grad=True)
    y = (x.exp() * Tensor(np.ones(3)) + 1).sum()
    _, before = parse(viz.to_dot(y))
    y.backward()
    assert y._ctx.freed
    nodes, after = parse(viz.to_dot(y))
    assert after == before  # parents and op names survive the freeing
    assert find(nodes, "Exp |")


def test_deep_graph_of_100k_nodes_draws_without_recursion():
    x = Value(0.5, label="x")
    for _ in range(100_000):
        x = x.relu()
    x.backward()
    dot = viz.to_dot(x)
    assert dot.count("shape=record") == 100_001
    assert dot.count("shape=ellipse") == 100_000
    assert dot.count(" -> ") == 200_000
    assert "{ x | data 0.5000 | grad 1.0000 }" in dot


def test_same_input_twice_gives_two_edges():
    a = Value(3.0, label="a")
    nodes, edges = parse(viz.to_dot(a * a))
    assert len(nodes) == 3 and [s for s, _, _ in edges].count(find(nodes, " a |")) == 2


# ----------------------------------------------------------------------------- escaping, options


class Weird(tl.Function):
    op = 'f"x" <y> {z} | \\'

    def forward(self, x):
        return x * 2

    def backward(self, g):
        return (2 * g,)


def test_labels_are_escaped():
    v = Value(1.0, label='a|b {c} <d> "e" \\f')
    hand = Value(2.0, (v,), 'op "q" <r>')  # a micrograd-style node built by hand
    t = Weird.apply(Tensor([1.0], requires_grad=True))
    dot = viz.to_dot(hand) + viz.to_dot(t)
    assert r"{ a\|b \{c\} \<d\> \"e\" \\f | data 1.0000" in dot
    assert r'label="op \"q\" <r>", shape=ellipse' in dot  # not a record: only quotes escaped
    assert r'label="f\"x\" \<y\> \{z\} \| \\ | (1,) float32' in dot
    parse(viz.to_dot(hand))
    parse(viz.to_dot(t))


@pytest.mark.skipif(shutil.which("dot") is None, reason="needs the graphviz `dot` binary")
@pytest.mark.parametrize("rankdir", ["LR", "TB"])
def test_graphviz_itself_accepts_the_dot(rankdir):
    a = Value(2.0, label='a|b {c} <d> "e" \\f')
    x = Tensor(np.ones((2, 3)), requires_grad=True)
    y = ((x * Tensor([1.0, 2.0, 3.0], requires_grad=True)).sum(axis=0) * a).relu()
    root = sum(y.values()) + Weird.apply(Tensor([1.0], requires_grad=True)).values()[0]
    root.backward()
    dot = viz.to_dot(root, rankdir=rankdir)
    proc = subprocess.run(["dot", "-Tsvg"], input=dot, capture_output=True, text=True, timeout=60)
    assert proc.returncode == 0 and not proc.stderr, proc.stderr
    assert "summed axis 0" in proc.stdout


def test_rankdir_turns_records_and_is_checked():
    a = Value(1.0, label="a")
    x = Tensor([1.0])
    assert '"a | data 1.0000 | grad 0.0000"' in viz.to_dot(a, rankdir="TB")
    assert '"{ constant | (1,) float32 | data [1] }"' in viz.to_dot(x, rankdir="TB")
    assert "graph [rankdir=TB]" in viz.to_dot(a, rankdir="TB")
    with pytest.raises(ValueError, match="rankdir"):
        viz.to_dot(a, rankdir="sideways")


def test_viz_knows_only_the_node_protocol():
    class Ctx:
        name, summed = "f", {0: ((2,), (1,), (0,))}

    class Node:
        _scalar, requires_grad, grad = False, True, None

        def __init__(self, data, ctx=None):
            self.data, self._ctx = np.asarray(data), ctx

    leaf = Node([1.0])
    Ctx.parents = (leaf,)
    nodes, edges = parse(viz.to_dot(Node([2.0, 2.0], Ctx())))
    assert len(nodes) == 2 and "(2,) -> (1,): summed axis 0" in edges[0][2]
    tree = ast.parse(Path(viz.__file__).read_text())
    imported = {
        (node.module or "") if isinstance(node, ast.ImportFrom) else alias.name
        for node in ast.walk(tree)
        if isinstance(node, ast.Import | ast.ImportFrom)
        for alias in node.names
    }
    assert imported <= {"__future__", "typing", "numpy", "graphviz"}


# ----------------------------------------------------------------------------- draw_dot


def test_draw_dot_returns_a_graphviz_digraph_of_the_same_dot():
    graphviz = pytest.importorskip("graphviz")
    x = Tensor(np.ones((2, 3)), requires_grad=True)
    y = (x * Tensor(np.ones(3), requires_grad=True)).sum()
    y.backward()
    g = viz.draw_dot(y, format="png", rankdir="TB")
    assert isinstance(g, graphviz.Digraph) and g.format == "png"
    assert g.source == viz.to_dot(y, rankdir="TB")


def test_draw_dot_without_graphviz_says_how_to_install_it(monkeypatch):
    monkeypatch.setitem(sys.modules, "graphviz", None)  # makes `import graphviz` fail
    with pytest.raises(ImportError) as err:
        viz.draw_dot(Value(1.0))
    assert "pip install graphviz" in str(err.value)
    assert "apt-get install graphviz" in str(err.value)
    assert "to_dot" in str(err.value)
