"""nn: Module registration and state dicts, initialisation, every layer's forward and backward
against torch.nn with the same weights (skipped without torch), gradcheck of the normalisation
layers, micrograd's Layer/Neuron/MLP with Tensors and Values, and the error paths."""

import math

import numpy as np
import pytest

import tinygrad_lite as tl
from tinygrad_lite import Tensor, Value, nn
from tinygrad_lite.nn import functional as F
from tinygrad_lite.nn import init


@pytest.fixture
def torch():
    return pytest.importorskip("torch")


def to_torch(state_dict, torch):
    """Our state dict as torch tensors (copies, so the two models never share memory)."""
    return {k: torch.from_numpy(np.array(v)) for k, v in state_dict.items()}


def randomize(module, rng):
    """Give every parameter random values, so affine layers are not at their identity init."""
    for p in module.parameters():
        p.data[...] = rng.normal(size=p.shape)
    return module


def arrays(module):
    """A copy of every parameter and buffer array, by name."""
    return {k: v.data.copy() for k, v in module.state_dict().items()}


def assert_unchanged(module, before):
    after = arrays(module)
    assert list(after) == list(before)
    for k in before:
        np.testing.assert_array_equal(after[k], before[k], err_msg=k)


class Net(nn.Module):
    """A small model with its own parameter, a buffer, a child and a nested child."""

    def __init__(self):
        super().__init__()
        self.scale = nn.Parameter(np.ones(3, np.float32))
        self.register_buffer("steps", Tensor(np.zeros((), np.int64)))
        self.fc1 = nn.Linear(4, 3)
        self.block = nn.Sequential(nn.ReLU(), nn.Linear(3, 2, bias=False))

    def forward(self, x):
        return self.block(self.fc1(x) * self.scale)


# ----------------------------------------------------------------------------- registration


def test_parameters_in_registration_order():
    net = Net()
    names = [n for n, _ in net.named_parameters()]
    assert names == ["scale", "fc1.weight", "fc1.bias", "block.1.weight"]
    assert [id(p) for p in net.parameters()] == [id(p) for _, p in net.named_parameters()]
    assert net.named_parameters()[1][1] is net.fc1.weight
    assert all(p.requires_grad and p.is_leaf for p in net.parameters())


def test_parameter_order_matches_torch(torch):
    class TorchNet(torch.nn.Module):
        def __init__(self):
            super().__init__()
            self.scale = torch.nn.Parameter(torch.ones(3))
            self.register_buffer("steps", torch.zeros((), dtype=torch.int64))
            self.fc1 = torch.nn.Linear(4, 3)
            self.block = torch.nn.Sequential(torch.nn.ReLU(), torch.nn.Linear(3, 2, bias=False))

    ours, theirs = Net(), TorchNet()
    assert [n for n, _ in ours.named_parameters()] == [n for n, _ in theirs.named_parameters()]
    assert [n for n, _ in ours.named_buffers()] == [n for n, _ in theirs.named_buffers()]
    assert list(ours.state_dict()) == list(theirs.state_dict())
    assert [n for n, _ in ours.named_modules()] == [n for n, _ in theirs.named_modules()]


def test_buffers_children_and_modules():
    net = Net()
    assert [n for n, _ in net.named_buffers()] == ["steps"]
    assert net.buffers()[0] is net.steps and not net.steps.requires_grad
    assert "steps" in net.state_dict() and "steps" not in dict(net.named_parameters())
    assert [n for n, _ in net.named_children()] == ["fc1", "block"]
    assert list(net.children()) == [net.fc1, net.block]
    assert [n for n, _ in net.named_modules()] == ["", "fc1", "block", "block.0", "block.1"]
    assert list(net.modules())[0] is net


def test_non_persistent_buffer_is_not_saved():
    m = nn.Module()
    m.register_buffer("cache", Tensor([1.0, 2.0]), persistent=False)
    m.register_buffer("kept", Tensor([3.0]))
    assert [n for n, _ in m.named_buffers()] == ["cache", "kept"]
    assert list(m.state_dict()) == ["kept"]


def test_nested_modules_get_dotted_names():
    outer = nn.Sequential(nn.Sequential(nn.Sequential(nn.Linear(2, 2))), nn.Linear(2, 1))
    assert list(outer.state_dict()) == ["0.0.0.weight", "0.0.0.bias", "1.weight", "1.bias"]
    assert outer[0][0][0].weight is outer.named_parameters()[0][1]


def test_shared_parameter_is_listed_once():
    model = nn.Module()
    model.encoder = nn.Linear(3, 3)
    model.decoder = nn.Module()
    model.decoder.weight = model.encoder.weight  # tied weights, first assignment on decoder
    assert [n for n, _ in model.named_parameters()] == ["encoder.weight", "encoder.bias"]
    assert len(model.parameters()) == 2
    # like torch, the state dict still names the tied weight under both modules
    assert list(model.state_dict()) == ["encoder.weight", "encoder.bias", "decoder.weight"]


def test_shared_module_parameters_listed_once():
    layer = nn.Linear(2, 2)
    model = nn.Sequential(layer, nn.ReLU(), layer)
    assert [n for n, _ in model.named_parameters()] == ["0.weight", "0.bias"]


def test_state_dict_names_a_shared_module_under_every_name():
    layer = nn.Linear(2, 2)
    model = nn.Sequential(layer, nn.ReLU(), layer)
    assert list(model.state_dict()) == ["0.weight", "0.bias", "2.weight", "2.bias"]


def test_reassigning_an_attribute_unregisters_it():
    net = Net()
    net.scale = None  # like torch: a None parameter is neither listed nor saved
    assert "scale" not in dict(net.named_parameters()) and "scale" not in net.state_dict()
    net.fc1 = "gone"  # a plain value where a module was
    assert "fc1" not in dict(net.named_children())
    assert not any(k.startswith("fc1.") for k in net.state_dict())
    net.block = nn.Parameter(np.zeros(2, np.float32))  # a parameter where a module was
    assert list(net.state_dict()) == ["block", "steps"]  # own parameters before buffers
    assert list(net.children()) == []
    del net.block
    assert list(net.state_dict()) == ["steps"] and not hasattr(net, "block")


def test_plain_attributes_are_not_registered():
    net = Net()
    net.note = "hello"
    net.constant = Tensor([1.0, 2.0])  # no grad: a plain attribute, not a parameter
    net.computed = net.scale * 2  # not a leaf
    assert [n for n, _ in net.named_parameters()] == [
        "scale",
        "fc1.weight",
        "fc1.bias",
        "block.1.weight",
    ]
    assert "constant" not in net.state_dict() and "computed" not in net.state_dict()


def test_assigning_a_buffer_attribute_updates_the_buffer():
    net = Net()
    net.steps = Tensor(np.array(5, np.int64))
    assert net.state_dict()["steps"].item() == 5
    with pytest.raises(TypeError, match="buffer 'steps'"):
        net.steps = 7


def test_reassigning_a_parameter_or_module_keeps_its_place():
    lin = nn.Linear(2, 3)
    lin.weight = nn.Parameter(np.zeros((3, 2), np.float32))
    assert list(lin.state_dict()) == ["weight", "bias"]
    net = Net()
    net.fc1 = nn.Linear(4, 3)
    assert [n for n, _ in net.named_children()] == ["fc1", "block"]


def test_register_buffer_persistent_again():
    m = nn.Module()
    m.register_buffer("x", Tensor([1.0]), persistent=False)
    m.register_buffer("x", Tensor([2.0]))
    assert list(m.state_dict()) == ["x"]


class NoSuper(nn.Module):
    """A micrograd-style subclass that never calls super().__init__()."""

    def __init__(self):
        self.fc = nn.Linear(3, 2)
        self.gain = nn.Parameter(np.full(2, 2.0, np.float32))

    def forward(self, x):
        return self.fc(x) * self.gain


def test_subclass_without_super_init_still_works():
    m = NoSuper()
    assert [n for n, _ in m.named_parameters()] == ["gain", "fc.weight", "fc.bias"]
    assert list(m.state_dict()) == ["gain", "fc.weight", "fc.bias"]
    assert m.training and m.eval() is m and not m.fc.training
    out = m(Tensor(np.ones((4, 3), np.float32)))
    out.sum().backward()
    assert m.gain.grad.shape == (2,) and m.fc.weight.grad.shape == (2, 3)
    m.zero_grad()
    assert m.gain.grad is None
    other = NoSuper()
    other.load_state_dict(m.state_dict())
    np.testing.assert_array_equal(other.fc.weight.data, m.fc.weight.data)
    assert "(fc): Linear(in_features=3, out_features=2, bias=True)" in repr(m)


def test_module_without_forward_raises():
    with pytest.raises(NotImplementedError, match="forward"):
        nn.Module()(Tensor([1.0]))


def test_apply_visits_children_in_order_then_self():
    seen = []
    model = nn.Sequential(nn.Sequential(nn.Linear(1, 1), nn.ReLU()), nn.Tanh())
    model.apply(lambda m: seen.append(type(m).__name__))
    assert seen == ["Linear", "ReLU", "Sequential", "Tanh", "Sequential"]


def test_sequential_indexing_iteration_and_append():
    seq = nn.Sequential(nn.Linear(2, 3), nn.ReLU())
    assert seq.append(nn.Linear(3, 1)) is seq
    assert len(seq) == 3 and isinstance(seq[2], nn.Linear) and seq[-1] is seq[2]
    assert [type(m).__name__ for m in seq] == ["Linear", "ReLU", "Linear"]
    assert list(seq.state_dict()) == ["0.weight", "0.bias", "2.weight", "2.bias"]
    x = Tensor(np.ones((5, 2), np.float32))
    np.testing.assert_allclose(seq(x).data, seq[2](seq[1](seq[0](x))).data)


# ----------------------------------------------------------------------------- modes, grads, repr


def test_train_and_eval_reach_every_submodule():
    net = nn.Sequential(nn.Linear(2, 2), nn.Sequential(nn.Dropout(0.5), nn.BatchNorm1d(2)))
    assert all(m.training for m in net.modules())
    assert net.eval() is net
    assert not any(m.training for m in net.modules())
    assert net.train() is net and all(m.training for m in net.modules())
    net.train(False)
    assert not any(m.training for m in net.modules())
    net[1].train()  # only that subtree
    assert [m.training for m in net.modules()] == [False, False, True, True, True]


def test_zero_grad():
    net = Net()
    net(Tensor(np.ones((2, 4), np.float32))).sum().backward()
    assert all(p.grad is not None for p in net.parameters())
    net.zero_grad(set_to_none=False)
    for p in net.parameters():
        assert p.grad.shape == p.shape and not p.grad.any()
    net.zero_grad()
    assert all(p.grad is None for p in net.parameters())


def test_repr_matches_torch(torch):
    def build(n):
        return n.Sequential(
            n.Linear(4, 3),
            n.ReLU(),
            n.Sequential(n.Tanh(), n.Sigmoid(), n.LeakyReLU(0.2)),
            n.GELU(approximate="tanh"),
            n.Softmax(dim=1),
            n.LogSoftmax(dim=-1),
            n.Flatten(),
            n.Identity(),
            n.Linear(3, 1, bias=False),
        )

    assert repr(build(nn)) == repr(build(torch.nn))


def test_repr_of_other_layers():
    assert repr(nn.Dropout(0.25)) == "Dropout(p=0.25)"
    assert (
        repr(nn.LayerNorm((3, 2), eps=1e-6))
        == "LayerNorm((3, 2), eps=1e-06, elementwise_affine=True, bias=True)"
    )
    assert repr(nn.BatchNorm1d(3)) == (
        "BatchNorm1d(3, eps=1e-05, momentum=0.1, affine=True, track_running_stats=True)"
    )
    assert repr(nn.MLP(2, [3, 1])) == (
        "MLP(\n  (0): Layer(nin=2, nout=3, nonlin=relu)\n"
        "  (2): Layer(nin=3, nout=1, nonlin=linear)\n)"
    )
    assert repr(nn.Parameter(np.ones(2, np.float32))).startswith("Parameter containing:\n")


# ----------------------------------------------------------------------------- state dicts


def test_state_dict_shares_memory_and_is_detached():
    lin = nn.Linear(2, 2)
    sd = lin.state_dict()
    assert type(sd["weight"]) is Tensor and not sd["weight"].requires_grad
    sd["weight"].data[0, 0] = 42.0  # like torch: the state dict aliases the parameters
    assert lin.weight.data[0, 0] == 42.0


def state_dict_pairs():
    """(ours, torch) constructors of layers whose state dicts must agree in keys and shapes."""
    return [
        ("Linear", lambda n: n.Linear(5, 3)),
        ("Linear-no-bias", lambda n: n.Linear(5, 3, bias=False)),
        ("BatchNorm1d", lambda n: n.BatchNorm1d(4)),
        ("BatchNorm1d-no-affine", lambda n: n.BatchNorm1d(4, affine=False)),
        ("BatchNorm1d-no-stats", lambda n: n.BatchNorm1d(4, track_running_stats=False)),
        ("LayerNorm", lambda n: n.LayerNorm(6)),
        ("LayerNorm-2d", lambda n: n.LayerNorm((2, 3))),
        ("LayerNorm-no-bias", lambda n: n.LayerNorm(6, bias=False)),
        ("LayerNorm-no-affine", lambda n: n.LayerNorm(6, elementwise_affine=False)),
        ("activations", lambda n: n.Sequential(n.ReLU(), n.Tanh(), n.Dropout(), n.Flatten())),
        (
            "Sequential",
            lambda n: n.Sequential(
                n.Linear(4, 8), n.BatchNorm1d(8), n.ReLU(), n.Sequential(n.Linear(8, 2))
            ),
        ),
    ]


@pytest.mark.parametrize(
    "build", [b for _, b in state_dict_pairs()], ids=[i for i, _ in state_dict_pairs()]
)
def test_state_dict_keys_shapes_and_dtypes_match_torch(torch, build):
    ours, theirs = build(nn).state_dict(), build(torch.nn).state_dict()
    assert list(ours) == list(theirs)
    for k in ours:
        assert ours[k].shape == tuple(theirs[k].shape), k
        assert str(ours[k].dtype) == str(theirs[k].dtype).replace("torch.", ""), k


def test_batchnorm_state_dict_layout():
    sd = nn.BatchNorm1d(4).state_dict()
    assert list(sd) == ["weight", "bias", "running_mean", "running_var", "num_batches_tracked"]
    assert sd["num_batches_tracked"].shape == () and sd["num_batches_tracked"].dtype == np.int64
    np.testing.assert_array_equal(sd["running_var"].data, np.ones(4))


def test_mlp_state_dict_has_torch_sequential_names(torch):
    ours = nn.MLP(784, [256, 128, 10])
    theirs = torch.nn.Sequential(
        torch.nn.Linear(784, 256),
        torch.nn.ReLU(),
        torch.nn.Linear(256, 128),
        torch.nn.ReLU(),
        torch.nn.Linear(128, 10),
    )
    want = [(k, tuple(v.shape)) for k, v in theirs.state_dict().items()]
    assert [(k, v.shape) for k, v in ours.state_dict().items()] == want
    assert want[:3] == [("0.weight", (256, 784)), ("0.bias", (256,)), ("2.weight", (128, 256))]


def test_load_state_dict_copies_in_place_and_casts():
    lin = nn.Linear(3, 2)
    weight = lin.weight
    data = weight.data
    result = lin.load_state_dict({"weight": np.ones((2, 3)), "bias": Tensor([1.0, 2.0])})
    assert result.missing_keys == [] and result.unexpected_keys == []
    assert lin.weight is weight and lin.weight.data is data  # optimizers keep their references
    assert lin.weight.dtype == np.float32  # float64 input is cast to the parameter's dtype
    np.testing.assert_array_equal(lin.weight.data, np.ones((2, 3)))
    np.testing.assert_array_equal(lin.bias.data, [1.0, 2.0])


def test_load_state_dict_names_every_problem_and_changes_nothing(rng):
    model = randomize(nn.Sequential(nn.Linear(3, 4), nn.ReLU(), nn.Linear(4, 2)), rng)
    before = arrays(model)
    bad = {
        "0.weight": np.zeros((4, 3)),  # fine, but must not be written
        "0.bias": np.zeros(5),  # wrong shape
        "2.weight": np.zeros((2, 4)),
        "extra.weight": np.zeros(1),  # unexpected
    }  # '2.bias' is missing
    with pytest.raises(RuntimeError) as e:
        model.load_state_dict(bad)
    message = str(e.value)
    for words in ["missing", "'2.bias'", "unexpected", "'extra.weight'", "0.bias", "(5,)", "(4,)"]:
        assert words in message
    assert_unchanged(model, before)


@pytest.mark.parametrize(
    "change, words",
    [
        (lambda sd: sd.pop("bias"), "missing keys ['bias']"),
        (lambda sd: sd.update(other=np.zeros(1)), "unexpected keys ['other']"),
        (lambda sd: sd.update(weight=np.zeros((3, 2))), "weight: checkpoint (3, 2), model (2, 3)"),
    ],
)
def test_each_strict_error_alone(rng, change, words):
    lin = randomize(nn.Linear(3, 2), rng)
    before = arrays(lin)
    sd = {"weight": np.zeros((2, 3)), "bias": np.zeros(2)}
    change(sd)
    with pytest.raises(RuntimeError) as e:
        lin.load_state_dict(sd)
    assert words in str(e.value)
    assert_unchanged(lin, before)


def test_load_state_dict_not_strict_reports_and_loads_the_rest(rng):
    lin = randomize(nn.Linear(3, 2), rng)
    bias = lin.bias.data.copy()
    result = lin.load_state_dict({"weight": np.ones((2, 3)), "other": np.ones(1)}, strict=False)
    assert result.missing_keys == ["bias"] and result.unexpected_keys == ["other"]
    assert result == (["bias"], ["other"])  # a named tuple, like torch's _IncompatibleKeys
    np.testing.assert_array_equal(lin.weight.data, np.ones((2, 3)))
    np.testing.assert_array_equal(lin.bias.data, bias)


def test_load_state_dict_not_strict_still_refuses_wrong_shapes(rng):
    lin = randomize(nn.Linear(3, 2), rng)
    before = arrays(lin)
    with pytest.raises(RuntimeError, match="weight"):
        lin.load_state_dict({"weight": np.ones((3, 3)), "bias": np.ones(2)}, strict=False)
    assert_unchanged(lin, before)


def test_load_state_dict_with_an_uncastable_value_changes_nothing(rng):
    lin = randomize(nn.Linear(3, 2), rng)
    before = arrays(lin)
    with pytest.raises((RuntimeError, TypeError, ValueError)) as e:
        lin.load_state_dict({"weight": np.ones((2, 3)), "bias": np.array(["a", "b"])})
    assert "bias" in str(e.value)
    assert_unchanged(lin, before)


def test_torch_state_dicts_load_into_our_layers(torch, rng):
    theirs = torch.nn.Sequential(torch.nn.Linear(3, 4), torch.nn.BatchNorm1d(4))
    theirs(torch.randn(6, 3))  # moves the running statistics
    ours = nn.Sequential(nn.Linear(3, 4), nn.BatchNorm1d(4))
    ours.load_state_dict(theirs.state_dict())
    for k, v in theirs.state_dict().items():
        np.testing.assert_array_equal(ours.state_dict()[k].data, v.numpy(), err_msg=k)
    assert ours[1].num_batches_tracked.item() == 1


# ----------------------------------------------------------------------------- initialisation


def test_linear_init_matches_pytorch_distribution():
    tl.manual_seed(0)
    lin = nn.Linear(400, 300)
    bound = 1 / math.sqrt(400)
    w, b = lin.weight.data, lin.bias.data
    assert w.shape == (300, 400) and b.shape == (300,)
    assert w.dtype == np.float32 and b.dtype == np.float32
    assert np.abs(w).max() <= bound and np.abs(w).max() > 0.99 * bound
    assert np.abs(b).max() <= bound
    assert w.std() == pytest.approx(1 / math.sqrt(3 * 400), rel=0.03)  # uniform: bound / sqrt(3)
    assert abs(w.mean()) < 0.01 * bound


def test_linear_init_matches_torch_distribution(torch):
    torch.manual_seed(0)
    for fan_in, fan_out in [(50, 400), (784, 256)]:
        ours, theirs = nn.Linear(fan_in, fan_out), torch.nn.Linear(fan_in, fan_out)
        for name in ["weight", "bias"]:
            a = getattr(ours, name).data
            b = getattr(theirs, name).detach().numpy()
            assert a.shape == b.shape and a.dtype == b.dtype
            assert np.abs(a).max() <= 1 / math.sqrt(fan_in)
            assert np.abs(a).max() == pytest.approx(np.abs(b).max(), rel=0.05)
        w, tw = ours.weight.data, theirs.weight.detach().numpy()
        assert w.std() == pytest.approx(tw.std(), rel=0.05)


def test_init_is_reproducible_from_the_seed():
    tl.manual_seed(123)
    a = nn.Linear(5, 4).weight.data.copy()
    tl.manual_seed(123)
    b = nn.Linear(5, 4).weight.data.copy()
    c = nn.Linear(5, 4).weight.data.copy()
    np.testing.assert_array_equal(a, b)
    assert not np.array_equal(b, c)


def test_linear_dtype_option():
    lin = nn.Linear(3, 2, dtype=np.float64)
    assert lin.weight.dtype == np.float64 and lin.bias.dtype == np.float64
    assert lin(Tensor(np.ones((1, 3)))).dtype == np.float64


# (fn, kwargs, shape (out, in), kind, expected bound for uniform / std for normal)
INIT_CASES = [
    (init.xavier_uniform_, {}, (300, 200), "uniform", math.sqrt(6 / 500)),
    (init.xavier_uniform_, {"gain": 2.0}, (300, 200), "uniform", 2 * math.sqrt(6 / 500)),
    (init.xavier_normal_, {}, (300, 200), "normal", math.sqrt(2 / 500)),
    (init.kaiming_uniform_, {}, (300, 200), "uniform", math.sqrt(6 / 200)),
    (init.kaiming_uniform_, {"a": math.sqrt(5)}, (300, 200), "uniform", 1 / math.sqrt(200)),
    (init.kaiming_uniform_, {"mode": "fan_out"}, (300, 200), "uniform", math.sqrt(6 / 300)),
    (init.kaiming_normal_, {}, (300, 200), "normal", math.sqrt(2 / 200)),
    (
        init.kaiming_normal_,
        {"mode": "fan_out", "nonlinearity": "relu"},
        (300, 200),
        "normal",
        math.sqrt(2 / 300),
    ),
    (init.kaiming_normal_, {"nonlinearity": "tanh"}, (300, 200), "normal", 5 / 3 / math.sqrt(200)),
    (init.uniform_, {"a": -0.3, "b": 0.3}, (200, 300), "uniform", 0.3),
    (init.normal_, {"std": 0.02}, (200, 300), "normal", 0.02),
]


@pytest.mark.parametrize("fn, kwargs, shape, kind, expected", INIT_CASES)
@pytest.mark.parametrize("dtype", [np.float32, np.float64])
def test_init_bounds_and_stds(fn, kwargs, shape, kind, expected, dtype):
    t = Tensor(np.full(shape, np.nan, dtype))
    data = t.data
    assert fn(t, **kwargs) is t
    assert t.data is data and t.dtype == dtype  # in place, float32 stays float32
    w = t.data
    assert np.isfinite(w).all()
    assert abs(w.mean()) < 0.02 * expected
    if kind == "uniform":
        assert np.abs(w).max() <= expected and np.abs(w).max() > 0.99 * expected
        assert w.std() == pytest.approx(expected / math.sqrt(3), rel=0.03)
    else:
        assert w.std() == pytest.approx(expected, rel=0.03)


def test_normal_and_uniform_take_a_mean_and_range():
    t = Tensor(np.empty((200, 300), np.float32))
    init.normal_(t, mean=3.0, std=0.5)
    assert t.data.mean() == pytest.approx(3.0, abs=0.01)
    init.uniform_(t, 2.0, 5.0)
    assert (
        2.0 <= t.data.min()
        and t.data.max() <= 5.0
        and t.data.mean() == pytest.approx(3.5, abs=0.02)
    )


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
def test_zeros_and_ones(dtype):
    t = Tensor(np.full((3, 4), 7.0, dtype))
    assert init.zeros_(t) is t and not t.data.any() and t.dtype == dtype
    assert init.ones_(t) is t and (t.data == 1).all() and t.dtype == dtype


def test_fans_need_two_dimensions():
    with pytest.raises(ValueError, match="shape"):
        init.xavier_uniform_(Tensor(np.empty(5, np.float32)))
    with pytest.raises(ValueError, match="mode"):
        init.kaiming_uniform_(Tensor(np.empty((2, 2), np.float32)), mode="fan_sideways")


def test_fans_count_the_receptive_field():
    t = Tensor(np.empty((64, 32, 3, 3), np.float32))  # a conv weight: fan_in = 32 * 9
    init.kaiming_normal_(t, nonlinearity="relu")
    assert t.data.std() == pytest.approx(math.sqrt(2 / (32 * 9)), rel=0.03)


def test_calculate_gain_matches_torch(torch):
    for name in ["linear", "sigmoid", "tanh", "relu", "selu", "conv2d"]:
        assert init.calculate_gain(name) == pytest.approx(torch.nn.init.calculate_gain(name))
    assert init.calculate_gain("leaky_relu", 0.2) == pytest.approx(
        torch.nn.init.calculate_gain("leaky_relu", 0.2)
    )


# ----------------------------------------------------------------------------- against torch.nn


LAYER_CASES = [
    # id, builder taking a namespace (tl.nn or torch.nn), input shape, input offset
    ("Linear", lambda n: n.Linear(5, 3), (4, 5), 0.0),
    ("Linear-no-bias", lambda n: n.Linear(5, 3, bias=False), (4, 5), 0.0),
    ("Linear-batched", lambda n: n.Linear(5, 3), (2, 4, 5), 0.0),
    ("ReLU", lambda n: n.ReLU(), (4, 6), 0.0),
    ("Tanh", lambda n: n.Tanh(), (4, 6), 0.0),
    ("Sigmoid", lambda n: n.Sigmoid(), (4, 6), 0.0),
    ("LeakyReLU", lambda n: n.LeakyReLU(0.2), (4, 6), 0.0),
    ("GELU", lambda n: n.GELU(), (4, 6), 0.0),
    ("GELU-tanh", lambda n: n.GELU(approximate="tanh"), (4, 6), 0.0),
    ("Softmax", lambda n: n.Softmax(dim=1), (4, 6), 0.0),
    ("Softmax-dim0", lambda n: n.Softmax(dim=0), (4, 6), 0.0),
    ("Softmax-large", lambda n: n.Softmax(dim=-1), (4, 6), 1000.0),
    ("LogSoftmax", lambda n: n.LogSoftmax(dim=1), (4, 6), 0.0),
    ("LogSoftmax-large", lambda n: n.LogSoftmax(dim=-1), (4, 6), 1000.0),
    ("Flatten", lambda n: n.Flatten(), (2, 3, 4), 0.0),
    ("Flatten-0-1", lambda n: n.Flatten(0, 1), (2, 3, 4), 0.0),
    ("Identity", lambda n: n.Identity(), (3, 2), 0.0),
    ("Dropout-eval", lambda n: n.Dropout(0.5).eval(), (3, 4), 0.0),
    ("LayerNorm", lambda n: n.LayerNorm(6), (4, 6), 3.0),
    ("LayerNorm-2d", lambda n: n.LayerNorm((3, 4)), (2, 3, 4), 0.0),
    ("LayerNorm-no-bias", lambda n: n.LayerNorm(6, eps=1e-3, bias=False), (4, 6), 0.0),
    ("BatchNorm1d", lambda n: n.BatchNorm1d(3), (8, 3), 2.0),
    ("BatchNorm1d-NCL", lambda n: n.BatchNorm1d(3), (4, 3, 5), 2.0),
    ("BatchNorm1d-no-affine", lambda n: n.BatchNorm1d(3, affine=False), (8, 3), 0.0),
    (
        "MLP-as-Sequential",
        lambda n: (
            n.MLP(5, [7, 3]) if n is nn else n.Sequential(n.Linear(5, 7), n.ReLU(), n.Linear(7, 3))
        ),
        (6, 5),
        0.0,
    ),
]


@pytest.mark.parametrize(
    "build, shape, offset", [c[1:] for c in LAYER_CASES], ids=[c[0] for c in LAYER_CASES]
)
def test_forward_and_backward_match_torch(torch, rng, build, shape, offset):
    ours = randomize(build(nn), rng)
    theirs = build(torch.nn)
    theirs.load_state_dict(to_torch(ours.state_dict(), torch))
    x = (rng.normal(size=shape) * 2 + offset).astype(np.float32)
    xo = Tensor(x, requires_grad=True)
    xt = torch.tensor(x, requires_grad=True)
    out, ref = ours(xo), theirs(xt)
    assert out.shape == tuple(ref.shape) and out.dtype == np.float32
    np.testing.assert_allclose(out.data, ref.detach().numpy(), rtol=1e-5, atol=1e-5)
    g = rng.normal(size=out.shape).astype(np.float32)
    out.backward(g)
    ref.backward(torch.from_numpy(g))
    np.testing.assert_allclose(xo.grad, xt.grad.numpy(), rtol=1e-4, atol=1e-5)
    their_params = dict(theirs.named_parameters())
    for name, p in ours.named_parameters():
        want = their_params[name].grad.numpy()
        np.testing.assert_allclose(p.grad, want, rtol=1e-4, atol=1e-5, err_msg=name)
    for name, b in theirs.named_buffers():  # running statistics after one training step
        np.testing.assert_allclose(ours.state_dict()[name].data, b.numpy(), rtol=1e-5, atol=1e-6)


@pytest.mark.parametrize("shape", [(8, 3), (4, 3, 5)])
@pytest.mark.parametrize("momentum", [0.1, 0.5, None])
def test_batchnorm_running_stats_and_eval_match_torch(torch, rng, shape, momentum):
    ours = randomize(nn.BatchNorm1d(3, momentum=momentum), rng)
    theirs = torch.nn.BatchNorm1d(3, momentum=momentum)
    theirs.load_state_dict(to_torch(ours.state_dict(), torch))
    for _ in range(4):  # several training steps
        x = (rng.normal(size=shape) * 3 + 1).astype(np.float32)
        ours(Tensor(x))
        theirs(torch.from_numpy(x))
    for name, b in theirs.state_dict().items():
        np.testing.assert_allclose(ours.state_dict()[name].data, b.numpy(), rtol=1e-5, atol=1e-6)
    assert ours.num_batches_tracked.item() == 4
    ours.eval()
    theirs.eval()
    x = rng.normal(size=shape).astype(np.float32)
    xo, xt = Tensor(x, requires_grad=True), torch.tensor(x, requires_grad=True)
    out, ref = ours(xo), theirs(xt)
    np.testing.assert_allclose(out.data, ref.detach().numpy(), rtol=1e-5, atol=1e-5)
    out.sum().backward()
    ref.sum().backward()
    np.testing.assert_allclose(xo.grad, xt.grad.numpy(), rtol=1e-5, atol=1e-5)
    np.testing.assert_allclose(ours.weight.grad, theirs.weight.grad.numpy(), rtol=1e-4, atol=1e-5)
    stats = ours.running_mean.data.copy()
    ours(Tensor(x))
    np.testing.assert_array_equal(ours.running_mean.data, stats)  # eval never updates them


def test_batchnorm_without_running_stats_uses_the_batch_in_eval(torch, rng):
    ours = nn.BatchNorm1d(3, track_running_stats=False).eval()
    theirs = torch.nn.BatchNorm1d(3, track_running_stats=False).eval()
    x = (rng.normal(size=(6, 3)) + 4).astype(np.float32)
    np.testing.assert_allclose(
        ours(Tensor(x)).data, theirs(torch.from_numpy(x)).detach().numpy(), rtol=1e-5, atol=1e-5
    )


def test_batchnorm_normalises_with_the_biased_variance(rng):
    x = (rng.normal(size=(16, 3)) * 5 + 2).astype(np.float64)
    out = nn.BatchNorm1d(3, dtype=np.float64)(Tensor(x)).data
    want = (x - x.mean(0)) / np.sqrt(x.var(0) + 1e-5)
    np.testing.assert_allclose(out, want, rtol=1e-12, atol=1e-12)


# ----------------------------------------------------------------------------- Dropout


def test_dropout_in_eval_is_the_identity():
    d = nn.Dropout(0.7).eval()
    x = Tensor(np.arange(6.0, dtype=np.float32).reshape(2, 3), requires_grad=True)
    y = d(x)
    np.testing.assert_array_equal(y.data, x.data)
    y.sum().backward()
    np.testing.assert_array_equal(x.grad, np.ones((2, 3)))


@pytest.mark.parametrize("p", [0.1, 0.3, 0.8])
def test_dropout_in_training_drops_at_rate_p_and_rescales(p):
    tl.manual_seed(0)
    x = Tensor(np.full((200, 500), 2.0, np.float32), requires_grad=True)
    y = nn.Dropout(p)(x)
    assert y.dtype == np.float32 and y.shape == x.shape
    dropped = y.data == 0
    assert dropped.mean() == pytest.approx(p, abs=0.01)
    np.testing.assert_allclose(y.data[~dropped], 2.0 / (1 - p), rtol=1e-6)
    g = np.random.default_rng(1).normal(size=x.shape).astype(np.float32)
    y.backward(g)
    np.testing.assert_allclose(x.grad, np.where(dropped, 0.0, g / (1 - p)), rtol=1e-6)


def test_dropout_extremes_and_reproducibility():
    x = Tensor(np.ones((4, 5), np.float32))
    assert (nn.Dropout(0.0)(x).data == 1).all()
    assert not nn.Dropout(1.0)(x).data.any()
    tl.manual_seed(7)
    a = nn.Dropout(0.5)(x).data
    tl.manual_seed(7)
    np.testing.assert_array_equal(nn.Dropout(0.5)(x).data, a)


@pytest.mark.parametrize("p", [-0.1, 1.5])
def test_dropout_p_out_of_range(p):
    with pytest.raises(ValueError, match=str(p)):
        nn.Dropout(p)
    with pytest.raises(ValueError, match=str(p)):
        F.dropout(Tensor([1.0]), p)


# ----------------------------------------------------------------------------- gradcheck


def with_params(module):
    """fn(x, weight, bias) for gradcheck: the module run with the given weight and bias."""

    def fn(x, weight, bias):
        module.weight, module.bias = weight, bias
        return module(x)

    return fn


def t64(rng, *shape):
    return Tensor(rng.normal(size=shape), requires_grad=True)


@pytest.mark.parametrize("shape", [(5, 3), (3, 3, 4)])
def test_gradcheck_batchnorm_training(rng, shape):
    bn = nn.BatchNorm1d(3, dtype=np.float64)
    assert tl.gradcheck(with_params(bn), t64(rng, *shape), t64(rng, 3), t64(rng, 3))


def test_gradcheck_batchnorm_eval(rng):
    bn = nn.BatchNorm1d(3, dtype=np.float64)
    bn(Tensor(rng.normal(size=(6, 3)) * 2))
    bn.eval()
    assert tl.gradcheck(with_params(bn), t64(rng, 4, 3), t64(rng, 3), t64(rng, 3))


@pytest.mark.parametrize("normalized, shape", [(4, (3, 4)), ((2, 3), (2, 2, 3))])
def test_gradcheck_layernorm(rng, normalized, shape):
    ln = nn.LayerNorm(normalized, dtype=np.float64)
    n = (normalized,) if isinstance(normalized, int) else normalized
    assert tl.gradcheck(with_params(ln), t64(rng, *shape), t64(rng, *n), t64(rng, *n))


# ----------------------------------------------------------------------------- micrograd's layers


def test_layer_neuron_mlp_with_a_tensor_batch_give_tensors():
    x = Tensor(np.ones((7, 3), np.float32))
    out = nn.Layer(3, 4)(x)
    assert isinstance(out, Tensor) and out.shape == (7, 4)
    assert (out.data >= 0).all()  # ReLU by default
    out = nn.Neuron(3)(x)
    assert isinstance(out, Tensor) and out.shape == (7,)
    out = nn.MLP(3, [4, 4, 2])(x)
    assert isinstance(out, Tensor) and out.shape == (7, 2)
    assert isinstance(nn.MLP(3, [4, 1])(np.ones((5, 3))), Tensor)


def test_layer_neuron_mlp_with_a_list_give_values():
    xs = [1.0, -2.0, 0.5]
    out = nn.Layer(3, 4)(xs)
    assert isinstance(out, list) and len(out) == 4 and all(isinstance(v, Value) for v in out)
    assert isinstance(nn.Neuron(3)(xs), Value)
    assert isinstance(nn.Neuron(input_size=3)(xs), Value)
    assert isinstance(nn.MLP(3, [4, 4, 1])(xs), Value)
    outs = nn.MLP(input_size=3, layer_sizes=[4, 2])(xs)
    assert isinstance(outs, list) and len(outs) == 2
    assert len(nn.Layer(num_inputs=3, num_neurons=4)(xs)) == 4


def test_values_and_tensors_give_the_same_numbers_and_gradients():
    mlp = nn.MLP(3, [4, 4, 1])
    xs = [Value(1.0), Value(-2.0), Value(0.5)]
    out = mlp(xs)
    out.backward()
    value_grads = [p.grad.copy() for p in mlp.parameters()]
    assert all(v.grad != 0.0 for v in xs)
    mlp.zero_grad()
    x = Tensor(np.array([[1.0, -2.0, 0.5]], np.float32), requires_grad=True)
    t = mlp(x)
    assert t.item() == pytest.approx(out.data, rel=1e-6)
    t.sum().backward()
    for got, want in zip([p.grad for p in mlp.parameters()], value_grads, strict=True):
        np.testing.assert_allclose(got, want, rtol=1e-5, atol=1e-7)
    np.testing.assert_allclose(x.grad[0], [v.grad for v in xs], rtol=1e-5, atol=1e-7)


def test_last_mlp_layer_is_linear_and_hidden_layers_relu():
    mlp = nn.MLP(2, [3, 3, 1])
    assert [layer.nonlin for layer in mlp.layers] == [True, True, False]
    for layer in mlp.layers:
        layer.weight.data[...] = -1.0  # every pre-activation negative for positive inputs
        layer.bias.data[...] = 0.0
    mlp.layers[-1].bias.data[...] = -5.0
    assert mlp([1.0, 1.0]).data == pytest.approx(-5.0)  # the output is not clipped at 0


# ----------------------------------------------------------------------------- errors


@pytest.mark.parametrize(
    "layer, shape, words",
    [
        (lambda: nn.Linear(3, 2), (4, 5), ["(4, 5)", "(2, 3)"]),
        (lambda: nn.Layer(3, 2), (4, 5), ["(4, 5)", "3"]),
        (lambda: nn.Neuron(3), (4, 5), ["(4, 5)", "3"]),
        (lambda: nn.MLP(3, [2, 1]), (4, 5), ["(4, 5)", "3"]),
        (lambda: nn.BatchNorm1d(3), (4, 5), ["(4, 5)", "(N, 3)"]),
        (lambda: nn.BatchNorm1d(3), (3,), ["(3,)", "(N, 3)"]),
        (lambda: nn.BatchNorm1d(3), (2, 3, 4, 5), ["(2, 3, 4, 5)"]),
        (lambda: nn.LayerNorm((3, 4)), (2, 4, 3), ["(2, 4, 3)", "(3, 4)"]),
        (lambda: nn.LayerNorm(4), (4, 5), ["(4, 5)", "(4,)"]),
    ],
)
def test_wrong_input_shapes_raise_value_error_naming_them(layer, shape, words):
    m = layer()
    before = arrays(m)
    with pytest.raises(ValueError) as e:
        m(Tensor(np.ones(shape, np.float32)))
    for w in words:
        assert w in str(e.value)
    assert_unchanged(m, before)  # BatchNorm's running stats untouched


def test_batchnorm_training_needs_more_than_one_value_per_channel():
    bn = nn.BatchNorm1d(3)
    with pytest.raises(ValueError, match=r"\(1, 3\)"):
        bn(Tensor(np.ones((1, 3), np.float32)))
    assert bn.num_batches_tracked.item() == 0
    assert bn.eval()(Tensor(np.ones((1, 3), np.float32))).shape == (1, 3)  # fine in eval


def test_micrograd_layers_need_their_sizes():
    with pytest.raises(TypeError):
        nn.Layer(3)
    with pytest.raises(TypeError):
        nn.Neuron()
    with pytest.raises(TypeError):
        nn.MLP(3, [])


def test_assigning_a_plain_tensor_to_a_parameter_name_raises_and_keeps_the_parameter():
    lin = nn.Linear(2, 2)
    before = lin.weight
    with pytest.raises(TypeError, match="parameter 'weight'"):
        lin.weight = Tensor(np.zeros((2, 2), np.float32))  # would silently drop it from saves
    assert lin.weight is before and list(lin.state_dict()) == ["weight", "bias"]
    lin.bias = None  # None is allowed, as in torch: the name stays, holding nothing
    assert list(lin.state_dict()) == ["weight"]


def test_integer_inputs_to_linear_compute_in_the_weights_dtype():
    lin = nn.Linear(3, 2)
    assert lin(Tensor([[1, 2, 3]])).dtype == np.float32


def test_linear_weight_its_gradient_and_optimizer_state_share_one_memory_layout():
    # PyTorch's (out, in) shape stored column-major: the GEMMs run without a transposed
    # operand, and every in-place optimizer pass sees operands of one layout
    lin = nn.Linear(5, 3)
    opt = tl.optim.SGD(lin.parameters(), lr=0.1, momentum=0.9)
    assert lin.weight.shape == (3, 5) and lin.weight.data.flags.f_contiguous
    lin(Tensor(np.ones((4, 5), np.float32))).sum().backward()
    opt.step()
    assert lin.weight.grad.flags.f_contiguous
    assert opt.state[lin.weight]["momentum_buffer"].flags.f_contiguous
    opt2 = tl.optim.SGD(lin.parameters(), lr=0.1, momentum=0.9)
    opt2.load_state_dict(opt.state_dict())
    assert opt2.state[lin.weight]["momentum_buffer"].flags.f_contiguous
    assert nn.Layer(5, 3).weight.data.flags.f_contiguous
