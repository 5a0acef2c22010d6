"""micrograd's API through tinygrad_lite.micrograd, and Values and Tensors in one graph."""

import math
import random

import numpy as np
import pytest

import tinygrad_lite as tl
from tinygrad_lite import Tensor
from tinygrad_lite.datasets import moons
from tinygrad_lite.micrograd import MLP, Layer, Module, Neuron, Value

# --- the seed README's examples, verbatim apart from the import


def test_readme_value_example():
    a = Value(2.0)
    b = Value(3.0)
    c = a * b
    d = c + a
    d.backward()
    assert a.grad == 4.0
    assert b.grad == 2.0


def test_readme_neuron_layer_mlp_examples():
    inputs = [Value(1.0), Value(2.0), Value(-1.0)]
    out = Neuron(input_size=3)(inputs)
    out.backward()
    assert isinstance(out, Value) and out.grad == 1.0

    outs = Layer(num_inputs=3, num_neurons=4)(inputs)
    assert len(outs) == 4 and all(isinstance(o, Value) for o in outs)

    model = MLP(input_size=3, layer_sizes=[4, 4, 1])
    y = model(inputs)
    assert isinstance(y, Value)
    y.backward()
    params = model.parameters()
    assert len(params) == 4 * 4 + 4 * 5 + 1 * 5
    assert any(p.grad != 0 for p in params)
    assert any(v.grad != 0 for v in inputs)


def test_the_seed_readme_import_spellings():
    import tinygrad_lite.micrograd as mg

    for name in ("Value", "Neuron", "Layer", "MLP", "Module"):
        assert hasattr(mg, name)


# --- micrograd's own engine test expressions, with their known values


def test_micrograd_sanity_check_expression():
    x = Value(-4.0)
    z = 2 * x + 2 + x
    q = z.relu() + z * x
    h = (z * z).relu()
    y = h + q + q * x
    y.backward()
    assert y.data == -20.0
    assert x.grad == 46.0


def test_micrograd_more_ops_expression():
    a = Value(-4.0)
    b = Value(2.0)
    c = a + b
    d = a * b + b**3
    c += c + 1
    c += 1 + c + (-a)
    d += d * 2 + (b + a).relu()
    d += 3 * d + (b - a).relu()
    e = c - d
    f = e**2
    g = f / 2.0
    g += 10.0 / f
    g.backward()
    assert abs(g.data - 24.70408163265306) < 1e-12
    assert abs(a.grad - 138.83381924198252) < 1e-10
    assert abs(b.grad - 645.5772594752186) < 1e-10


def _random_expression(V, seed):
    rnd = random.Random(seed)
    leaves = [V(rnd.uniform(-2, 2)) for _ in range(4)]
    nodes = list(leaves)
    for _ in range(30):
        a, b = rnd.choice(nodes), rnd.choice(nodes)
        op = rnd.randrange(8)
        if op == 0:
            n = a + b
        elif op == 1:
            n = a * b
        elif op == 2:
            n = a - b
        elif op == 3:
            n = a / (b * b + 1)
        elif op == 4:
            n = a.relu()
        elif op == 5:
            n = (a * 0.5) ** 2
        elif op == 6:
            n = 3.0 - a
        else:
            n = 2 * a + 1
        nodes.append(n)
    root = sum(nodes[-5:], V(0.0))
    return leaves, nodes, root


@pytest.mark.parametrize("seed", range(10))
def test_same_numbers_as_micrograd_on_random_expressions(seed):
    me = pytest.importorskip("micrograd.engine")
    l1, n1, r1 = _random_expression(Value, seed)
    l2, n2, r2 = _random_expression(me.Value, seed)
    r1.backward()
    r2.backward()
    assert r1.data == r2.data
    for a, b in zip(n1, n2):  # every node, intermediates too, has micrograd's grad
        assert a.grad == pytest.approx(b.grad, rel=1e-12, abs=1e-12)
    # micrograd accumulates when backward runs again on the same graph (intermediates too)
    r1.backward()
    r2.backward()
    for a, b in zip(n1, n2):
        assert a.grad == pytest.approx(b.grad, rel=1e-12, abs=1e-12)


def test_value_basics_and_lecture_api():
    a = Value(2.0, label="a")
    b = Value(-3.0, label="b")
    c = a * b
    c.label = "c"
    assert a.label == "a" and c._op == "*" and c._prev == {a, b}
    assert a._op == "" and a._prev == set()
    assert (a**2)._op == "**2" and a.relu()._op == "ReLU" and a.tanh()._op == "tanh"
    assert isinstance(a.data, float) and isinstance(a.grad, float)
    assert repr(a) == "Value(data=2.0, grad=0.0)"
    assert a != Value(2.0) and len({a, Value(2.0), a}) == 2  # identity, as in micrograd
    t = a.tanh()
    t.backward()
    assert a.grad == pytest.approx(1 - math.tanh(2.0) ** 2)
    e = a.exp()
    assert e.data == pytest.approx(math.exp(2.0))


def test_hand_built_nodes_with_a_backward_closure_work_like_micrograd():
    # the lecture builds nodes by hand: Value(data, (children,), 'op') and a _backward closure
    x = Value(0.5)
    t = math.tanh(x.data)
    out = Value(t, (x,), "tanh")

    def _backward():
        x.grad += (1 - t**2) * out.grad

    out._backward = _backward
    y = out * 2
    y.backward()
    assert out._op == "tanh" and out._prev == {x}
    assert x.grad == pytest.approx(2 * (1 - t**2))


def test_hand_built_nodes_under_a_tensor_root():
    a, b = Value(2.0), Value(3.0)
    c = a * b
    out = Value(c.data + 1, (c,), "plus1")

    def _backward():
        c.grad += out.grad

    out._backward = _backward
    tl.stack([out * 1.0]).sum().backward()
    assert (a.grad, b.grad, c.grad, out.grad) == (3.0, 2.0, 1.0, 1.0)


def test_value_pow_edge_cases_follow_pytorch():
    z = Value(0.0)
    (z**0).backward()
    assert z.grad == 0.0
    a, b = Value(-2.0), Value(2.0)
    (a**b).backward()
    assert a.grad == -4.0 and math.isnan(b.grad)  # log of a negative base


def test_tensors_from_lists_mixing_values_and_numbers():
    v = Value(2.0)
    t = Tensor([v, 3.0])
    assert t.dtype == np.float64 and t.tolist() == [2.0, 3.0]
    (t * t).sum().backward()
    assert v.grad == 4.0
    assert Tensor([[1.0, v]]).shape == (1, 2)


def test_manual_backward_steps_like_the_lecture():
    a, b = Value(2.0), Value(-3.0)
    c = a * b
    c.grad = 1.0
    c._backward()
    assert a.grad == -3.0 and b.grad == 2.0


@pytest.mark.parametrize(
    "fn",
    [
        lambda a, b: a / b,
        lambda a, b: a**b,
        lambda a, b: 2.0**a * b,
        lambda a, b: (a * b).sigmoid() + a.log(),
        lambda a, b: (a - b).tanh() * (a + b).exp(),
        lambda a, b: 1 / a - b,
    ],
)
def test_value_ops_gradcheck(fn):
    assert tl.gradcheck(fn, Value(1.3), Value(0.7))


def test_value_edge_cases_are_floats_not_exceptions():
    assert Value(1000.0).exp().data == math.inf
    assert Value(0.0).log().data == -math.inf
    assert math.isnan((Value(-8.0) ** (1 / 3)).data)
    assert (Value(0.0) ** -1).data == math.inf


def test_numpy_numbers_times_values_are_values():
    v = Value(2.0)
    for y in (np.int64(-1) * v, np.float64(0.5) * v, v * np.int64(3), np.int32(1) + v):
        assert isinstance(y, Value)
    assert (np.int64(-3) * v).data == -6.0


# --- the micrograd namespace's models


def test_mlp_has_micrograds_parameters_in_micrograds_order():
    model = MLP(2, [16, 16, 1])
    assert len(model.parameters()) == 337
    assert repr(model).startswith("MLP of [Layer of [ReLUNeuron(2), ReLUNeuron(2)")
    assert repr(model).endswith("Layer of [LinearNeuron(16)]]")
    layer = model.layers[0]
    params = model.parameters()
    # per neuron: its weights, then its bias
    assert params[0].data == layer.weight.data[0, 0] and params[1].data == layer.weight.data[0, 1]
    assert params[2].data == layer.bias.data[0] and params[3].data == layer.weight.data[1, 0]
    assert layer.neurons[1].w[0] is params[3] and layer.neurons[1].b is params[5]
    assert model.parameters()[7] is params[7]  # the same view objects every call


def test_same_initial_weights_as_micrograd_for_the_same_seed():
    mn = pytest.importorskip("micrograd.nn")
    random.seed(7)
    ours = MLP(3, [4, 2])
    random.seed(7)
    theirs = mn.MLP(3, [4, 2])
    assert [p.data for p in ours.parameters()] == [p.data for p in theirs.parameters()]


def test_parameter_views_write_through_to_the_matrices():
    random.seed(0)
    model = MLP(2, [3, 1])
    p = model.parameters()[4]  # neuron 1, weight 1
    p.data -= 0.5
    assert model.layers[0].weight.data[1, 1] == p.data
    y = model([Value(1.0), Value(2.0)])
    model.zero_grad()
    y.backward()
    w = model.layers[0].weight
    assert p.grad == w.grad[1, 1]
    model.zero_grad()
    assert p.grad == 0.0 and all(q.grad == 0.0 for q in model.parameters())
    p.grad = 2.5
    assert w.grad[1, 1] == 2.5


def test_regularisation_through_views_reaches_the_weight_matrix():
    random.seed(1)
    model = MLP(2, [3, 1])
    reg = sum(p * p for p in model.parameters())
    reg.backward()
    for p in model.parameters():
        assert p.grad == pytest.approx(2 * p.data)


def test_micrograd_model_is_a_tensor_model_too():
    random.seed(2)
    model = MLP(2, [8, 8, 1])
    X = np.random.default_rng(0).standard_normal((5, 2))
    scalar = [model(list(map(Value, row))).data for row in X]
    batched = model(Tensor(X))
    assert batched.shape == (5, 1) and batched.dtype == np.float64
    np.testing.assert_allclose(batched.data[:, 0], scalar, rtol=1e-12)
    assert list(model.state_dict()) == [
        "0.weight",
        "0.bias",
        "2.weight",
        "2.bias",
        "4.weight",
        "4.bias",
    ]
    assert all(isinstance(t, Tensor) for t in model.tensor_parameters())
    assert isinstance(model, Module)


def test_custom_micrograd_module_subclass():
    class Net(Module):
        def __init__(self):
            self.a = Layer(2, 3)
            self.b = Neuron(3, nonlin=False)

        def __call__(self, x):
            return self.b(self.a(x))

    random.seed(3)
    net = Net()
    assert len(net.parameters()) == 3 * 3 + 4
    out = net([1.0, -1.0])
    net.zero_grad()
    out.backward()
    assert any(p.grad != 0 for p in net.parameters())


# --- Karpathy's two-moons demo: the same code through micrograd and tinygrad_lite


def _moons_demo(Value, MLP, steps):
    """The demo notebook's training loop (its API usage, step for step)."""
    random.seed(1337)
    X, y = moons(100, noise=0.1, seed=1337)
    y = y * 2 - 1  # make y be -1 or 1
    model = MLP(2, [16, 16, 1])

    def loss():
        inputs = [list(map(Value, xrow)) for xrow in X]
        scores = list(map(model, inputs))
        losses = [(1 + -yi * scorei).relu() for yi, scorei in zip(y, scores)]
        data_loss = sum(losses) * (1.0 / len(losses))
        alpha = 1e-4
        reg_loss = alpha * sum(p * p for p in model.parameters())
        total_loss = data_loss + reg_loss
        accuracy = [(yi > 0) == (scorei.data > 0) for yi, scorei in zip(y, scores)]
        return total_loss, sum(accuracy) / len(accuracy)

    history = []
    for k in range(steps):
        total_loss, acc = loss()
        model.zero_grad()
        total_loss.backward()
        history.append((total_loss.data, acc, [p.grad for p in model.parameters()]))
        learning_rate = 1.0 - 0.9 * k / 100
        for p in model.parameters():
            p.data -= learning_rate * p.grad
    return history


def test_two_moons_demo_gives_micrograds_loss_and_gradients():
    me = pytest.importorskip("micrograd.engine")
    mn = pytest.importorskip("micrograd.nn")
    ours = _moons_demo(Value, MLP, steps=4)
    theirs = _moons_demo(me.Value, mn.MLP, steps=4)
    for (l1, a1, g1), (l2, a2, g2) in zip(ours, theirs):
        assert abs(l1 - l2) < 1e-9 and a1 == a2
        assert max(abs(a - b) for a, b in zip(g1, g2)) < 1e-9


def test_two_moons_demo_trains_to_95_percent():
    history = _moons_demo(Value, MLP, steps=100)
    assert history[-1][1] >= 0.95
    assert history[-1][0] < history[0][0]


# --- one graph: Values and Tensors mix in both directions


def test_values_stacked_into_a_tensor_get_gradients():
    a, b = Value(1.0), Value(2.0)
    t = tl.stack([a, b])
    assert t.dtype == np.float64 and t.requires_grad
    (t * Tensor([3.0, 4.0])).sum().backward()
    assert (a.grad, b.grad) == (3.0, 4.0)
    c = Tensor([[Value(1.0), Value(2.0)], [Value(3.0), a]])
    assert c.shape == (2, 2) and c.dtype == np.float64


def test_tensor_elements_as_values_send_gradients_back():
    t = Tensor([1.0, 2.0, 3.0], requires_grad=True)
    x, y, z = t  # iterating a 1-D float tensor gives Values
    assert isinstance(x, Value)
    (x * y + z * z).backward()
    np.testing.assert_array_equal(t.grad, [2.0, 1.0, 6.0])
    m = Tensor(np.arange(6.0).reshape(2, 3), requires_grad=True)
    vals = m.values()
    assert len(vals) == 2 and len(vals[0]) == 3
    (vals[1][2] * 2 + vals[0][0]).backward()
    np.testing.assert_array_equal(m.grad, [[1, 0, 0], [0, 0, 2]])


def test_arithmetic_between_values_and_tensors():
    v = Value(3.0)
    t = Tensor([1.0, 2.0], requires_grad=True)
    for y in (t * v, v * t, t + v, v - t, v / t, t**v):
        assert isinstance(y, Tensor) and y.dtype == np.float32
    (v * t).sum().backward()
    assert v.grad == 3.0
    np.testing.assert_array_equal(t.grad, [3.0, 3.0])


def test_value_root_follows_micrograd_semantics_through_tensors():
    w = Tensor([[0.5, -1.0], [2.0, 0.25]], dtype=np.float64, requires_grad=True)
    a, b = Value(1.0), Value(2.0)
    h = w @ tl.stack([a, b])  # tensor intermediate
    out = h.values()
    loss = out[0] * out[1]
    loss.backward()
    assert out[0].grad == out[1].data and out[1].grad == out[0].data  # every Value has .grad
    assert h.grad is None  # tensor intermediates only with retain_grad
    g = w.grad.copy()
    np.testing.assert_allclose(g, np.outer([out[1].data, out[0].data], [1.0, 2.0]))
    loss.backward()  # nothing was freed; micrograd-style accumulation
    assert w.grad[0, 0] != g[0, 0]


def test_tensor_root_follows_pytorch_semantics_through_values():
    a = Value(2.0)
    t = Tensor([1.0, 3.0], requires_grad=True)
    m = a * 2  # a Value intermediate
    y = (t * m).sum()
    y.backward()
    assert m.grad == 4.0 and a.grad == 8.0  # Values always hold their own grad
    np.testing.assert_array_equal(t.grad, [4.0, 4.0])
    with pytest.raises(RuntimeError, match="retain_graph"):
        y.backward()


def test_scalar_and_tensor_apis_agree_to_the_last_digits():
    random.seed(5)
    model = MLP(3, [6, 6, 1])
    X = np.random.default_rng(1).standard_normal((4, 3))
    # scalar API: lists of Values per sample
    model.zero_grad()
    total = sum((model(list(map(Value, row))) for row in X), Value(0.0))
    total.backward()
    scalar_grads = [p.grad for p in model.parameters()]
    # tensor API: one batch
    model.zero_grad()
    model(Tensor(X)).sum().backward()
    tensor_grads = [p.grad for p in model.parameters()]
    assert max(abs(a - b) for a, b in zip(scalar_grads, tensor_grads)) < 1e-12


def test_gradcheck_through_a_mixed_graph():
    def f(v, t):
        return (t * v).tanh().sum() * v

    assert tl.gradcheck(f, Value(0.3), Tensor(np.array([0.5, -1.5]), requires_grad=True))


def test_a_million_value_chain_backpropagates_without_recursion():
    x = Value(1.0)
    y = x
    for _ in range(1_000_000):
        y = y + 1.0
    y.backward()
    assert x.grad == 1.0
