"""Every Tensor op: forward against NumPy, backward against float64 central differences.

Shapes come from hypothesis (broadcast pairs with rank differences, size-1 axes and 0-d) and
from explicit tables (matmul, indexing, movement); one line per case.
"""

import math

import numpy as np
import pytest
from hypothesis import given
from hypothesis.extra.numpy import array_shapes, mutually_broadcastable_shapes

import tinygrad_lite as tl
from tinygrad_lite import Tensor


def make(shape, seed=0, kind="any"):
    """A float64 leaf of the given shape with values kept away from the op's kinks/poles."""
    x = np.random.default_rng(seed).standard_normal(shape)
    if kind == "pos":
        x = np.abs(x) + 0.5
    elif kind == "nonzero":
        x = np.sign(x + 1e-12) * (np.abs(x) + 0.1)
    return Tensor(x, requires_grad=True)


def check(fn, *inputs, ref=None):
    """Gradcheck fn at inputs; compare its forward with the NumPy reference when given."""
    if ref is not None:
        out = fn(*inputs)
        np.testing.assert_allclose(out.data, ref(*[x.data for x in inputs]), rtol=1e-10, atol=1e-12)
    assert tl.gradcheck(fn, *inputs)


def erf(x):
    return np.vectorize(math.erf)(x)


UNARY = {
    "neg": (lambda t: -t, lambda x: -x, "any"),
    "exp": (lambda t: t.exp(), np.exp, "any"),
    "log": (lambda t: t.log(), np.log, "pos"),
    "sqrt": (lambda t: t.sqrt(), np.sqrt, "pos"),
    "abs": (lambda t: t.abs(), np.abs, "nonzero"),
    "relu": (lambda t: t.relu(), lambda x: np.maximum(x, 0), "nonzero"),
    "leaky_relu": (lambda t: t.leaky_relu(0.2), lambda x: np.where(x > 0, x, 0.2 * x), "nonzero"),
    "tanh": (lambda t: t.tanh(), np.tanh, "any"),
    "sigmoid": (lambda t: t.sigmoid(), lambda x: 1 / (1 + np.exp(-x)), "any"),
    "gelu": (lambda t: t.gelu(), lambda x: x * 0.5 * (1 + erf(x / np.sqrt(2))), "any"),
    "gelu_tanh": (
        lambda t: t.gelu(approximate="tanh"),
        lambda x: 0.5 * x * (1 + np.tanh(np.sqrt(2 / np.pi) * (x + 0.044715 * x**3))),
        "any",
    ),
    "softplus": (lambda t: t.softplus(), lambda x: np.log1p(np.exp(x)), "any"),
    "softplus_beta": (lambda t: t.softplus(beta=2.0), lambda x: np.log1p(np.exp(2 * x)) / 2, "any"),
    "clip": (lambda t: t.clip(-0.55, 0.65), lambda x: np.clip(x, -0.55, 0.65), "any"),
    "pow_scalar": (lambda t: t**3, lambda x: x**3, "any"),
    "pow_frac": (lambda t: t**0.5, np.sqrt, "pos"),
    "rpow": (lambda t: 2.0**t, lambda x: 2.0**x, "any"),
    "rsub": (lambda t: 1.0 - t, lambda x: 1.0 - x, "any"),
    "rdiv": (lambda t: 1.0 / t, lambda x: 1.0 / x, "nonzero"),
    "clone": (lambda t: t.clone(), lambda x: x, "any"),
}


@pytest.mark.parametrize("name", sorted(UNARY))
@given(shape=array_shapes(min_dims=0, max_dims=3, min_side=1, max_side=4))
def test_unary(name, shape):
    fn, ref, kind = UNARY[name]
    x = make(shape, kind=kind)
    if name == "clip":  # keep values off the clip bounds, where the derivative jumps
        x.data[np.abs(np.abs(x.data) - 0.6) < 0.06] = 0.0
    check(fn, x, ref=ref)


BINARY = {
    "add": (lambda a, b: a + b, np.add, "any"),
    "sub": (lambda a, b: a - b, np.subtract, "any"),
    "mul": (lambda a, b: a * b, np.multiply, "any"),
    "div": (lambda a, b: a / b, np.divide, "nonzero"),
    "pow": (lambda a, b: a**b, np.power, "pos"),
    "maximum": (lambda a, b: a.maximum(b), np.maximum, "any"),
    "minimum": (lambda a, b: tl.minimum(a, b), np.minimum, "any"),
    "where": (lambda a, b: tl.where(a.data > 0, a, b), lambda a, b: np.where(a > 0, a, b), "any"),
}


@pytest.mark.parametrize("name", sorted(BINARY))
@given(shapes=mutually_broadcastable_shapes(num_shapes=2, min_dims=0, max_dims=3, max_side=3))
def test_binary_broadcasting(name, shapes):
    fn, ref, kind = BINARY[name]
    a = make(shapes.input_shapes[0], seed=1, kind=kind)
    b = make(shapes.input_shapes[1], seed=2, kind=kind)
    check(fn, a, b, ref=ref)


@pytest.mark.parametrize("name", sorted(BINARY))
def test_binary_same_tensor_twice(name):
    fn, ref, kind = BINARY[name]
    x = make((2, 3), kind=kind)
    x.data[:] += np.arange(6).reshape(2, 3) * 1e-3  # ties are fine for max/min: half each
    check(lambda x: fn(x, x), x)
    check(lambda x: fn(x, x * 2.0) * fn(x[0], x), x)


@pytest.mark.parametrize(
    "expr",
    [
        lambda x: x * x * x,
        lambda x: (x + x) * (x - 1.0) / (x * x + 1.0),
        lambda x: (x @ x.T).sum() * x,
        lambda x: tl.stack([x, x, x[::-1]]).sum(0),
        lambda x: tl.cat([x, x], dim=1)[:, 1:4] * x.sum(),
        lambda x: x.exp().log().relu() + x.abs().sqrt(),
    ],
)
def test_expression_using_one_tensor_in_many_places(expr):
    check(expr, make((3, 3), kind="nonzero"))


REDUCE_AXES = [None, 0, -1, (0, 2), (1,), (-3, -1)]


@pytest.mark.parametrize("axis", REDUCE_AXES)
@pytest.mark.parametrize("keepdims", [False, True])
@pytest.mark.parametrize(
    "name, fn, ref",
    [
        ("sum", lambda t, a, k: t.sum(a, k), lambda x, a, k: x.sum(a, keepdims=k)),
        ("mean", lambda t, a, k: t.mean(a, k), lambda x, a, k: x.mean(a, keepdims=k)),
        ("max", lambda t, a, k: t.max(a, k), lambda x, a, k: x.max(a, keepdims=k)),
        ("min", lambda t, a, k: t.min(a, k), lambda x, a, k: x.min(a, keepdims=k)),
        ("var", lambda t, a, k: t.var(a, keepdims=k), lambda x, a, k: x.var(a, ddof=1, keepdims=k)),
        (
            "var0",
            lambda t, a, k: t.var(a, correction=0, keepdims=k),
            lambda x, a, k: x.var(a, keepdims=k),
        ),
        ("std", lambda t, a, k: t.std(a, keepdims=k), lambda x, a, k: x.std(a, ddof=1, keepdims=k)),
        (
            "logsumexp",
            lambda t, a, k: t.logsumexp(a, k),
            lambda x, a, k: np.log(np.exp(x).sum(a, keepdims=k)),
        ),
    ],
)
def test_reductions(name, fn, ref, axis, keepdims):
    x = make((2, 3, 4), seed=3)
    check(lambda t: fn(t, axis, keepdims), x, ref=lambda d: ref(d, axis, keepdims))


def test_reduction_aliases_dim_keepdim():
    x = make((2, 3))
    np.testing.assert_array_equal(x.sum(dim=1, keepdim=True).data, x.sum(1, True).data)
    np.testing.assert_array_equal(x.mean(dim=(0, 1)).data, x.mean().data)


@given(shape=array_shapes(min_dims=0, max_dims=3, min_side=1, max_side=4))
def test_sum_mean_any_shape(shape):
    check(lambda t: t.sum() * t.mean(), make(shape))


def test_max_ties_share_the_gradient():
    x = Tensor([[1.0, 3.0, 3.0], [2.0, 2.0, 2.0]], requires_grad=True)
    x.max(axis=1).sum().backward()
    np.testing.assert_allclose(x.grad, [[0, 0.5, 0.5], [1 / 3, 1 / 3, 1 / 3]])
    x.grad = None
    x.max().backward()
    np.testing.assert_allclose(x.grad, [[0, 0.5, 0.5], [0, 0, 0]])


@pytest.mark.parametrize("axis", [0, 1, -1])
@pytest.mark.parametrize(
    "name, fn, ref",
    [
        (
            "softmax",
            lambda t, a: t.softmax(a),
            lambda x, a: np.exp(x) / np.exp(x).sum(a, keepdims=True),
        ),
        (
            "log_softmax",
            lambda t, a: t.log_softmax(a),
            lambda x, a: x - np.log(np.exp(x).sum(a, keepdims=True)),
        ),
    ],
)
def test_softmax_family(name, fn, ref, axis):
    check(lambda t: fn(t, axis) * make((3, 4), seed=9).data, make((3, 4)), ref=None)
    np.testing.assert_allclose(fn(make((3, 4)), axis).data, ref(make((3, 4)).data, axis))


def test_softmax_and_logsumexp_are_stable_for_huge_inputs():
    x = Tensor([[1e4, 0.0, -1e4], [-1e30, -1e30, -1e30]], dtype=np.float64, requires_grad=True)
    for out in (x.log_softmax(1), x.softmax(1), x.logsumexp(1)):
        assert np.isfinite(out.data).all()
    np.testing.assert_allclose(x.log_softmax(1).data[0], [0.0, -1e4, -2e4])
    np.testing.assert_allclose(x.logsumexp(1).data, [1e4, -1e30 + np.log(3)])
    x.log_softmax(1).sum().backward()
    assert np.isfinite(x.grad).all()
    # a row that is all -inf gives -inf, not nan, like torch.logsumexp
    assert Tensor([-np.inf, -np.inf]).logsumexp().item() == -np.inf


MATMUL_SHAPES = [
    ((3,), (3,)),
    ((3,), (3, 4)),
    ((2, 3), (3,)),
    ((2, 3), (3, 4)),
    ((5, 2, 3), (3, 4)),
    ((2, 3), (5, 3, 4)),
    ((2, 1, 2, 3), (5, 3, 4)),
    ((5, 2, 3), (5, 3, 4)),
    ((3,), (5, 3, 4)),
    ((5, 2, 3), (3,)),
    ((1, 1), (1, 1)),
]


@pytest.mark.parametrize("sa, sb", MATMUL_SHAPES)
def test_matmul_numpy_rules(sa, sb):
    check(lambda a, b: a @ b, make(sa, 1), make(sb, 2), ref=np.matmul)


@pytest.mark.parametrize("sa, sb", MATMUL_SHAPES[:6])
def test_matmul_with_only_one_side_needing_grad(sa, sb):
    a, b = make(sa, 1), Tensor(make(sb, 2).data)
    check(lambda a: a @ b, a)
    check(lambda b2: Tensor(a.data) @ b2, make(sb, 2))


INDEXES = [
    1,
    -1,
    slice(None, None, -1),
    (slice(1, None), 0),
    (None, Ellipsis, 1),
    (Ellipsis, None),
    (1, None, slice(0, 3, 2)),
    np.array([0, 0, 2, 1, 0]),  # repeated rows: backward must accumulate
    (np.array([0, 1, 1]), np.array([3, 3, 0])),
    (slice(None), np.array([[0, 0], [3, 1]])),
    [2, 2],
    "mask",
    "mask_rows",
]


@pytest.mark.parametrize("index", INDEXES, ids=[repr(i)[:30] for i in INDEXES])
def test_getitem(index):
    x = make((3, 4), seed=4)
    if isinstance(index, str):
        index = x.data > 0 if index == "mask" else np.array([True, False, True])
    check(lambda t: t[index] * 2.0, x, ref=lambda d: d[index] * 2.0)


@pytest.mark.parametrize(
    "index", [(slice(None), (0, 0)), ((0, 0),), (0, range(2)), ([1, 1], (2, 2))], ids=repr
)
def test_tuples_and_ranges_inside_an_index_are_integer_arrays(index):
    x = Tensor(np.arange(6.0).reshape(2, 3), requires_grad=True)
    expected = np.zeros((2, 3))
    np.add.at(expected, tuple(np.asarray(p) if not isinstance(p, slice) else p for p in index), 1)
    x[index].sum().backward()
    np.testing.assert_array_equal(x.grad, expected)


def test_pow_zero_has_a_zero_gradient_at_zero():
    x = Tensor([0.0, 2.0], requires_grad=True)
    (x**0).sum().backward()
    np.testing.assert_array_equal(x.grad, [0.0, 0.0])


def test_split_and_chunk_of_an_empty_axis():
    e = Tensor(np.zeros((0, 2)))
    assert [p.shape for p in e.split(2)] == [(0, 2)]
    assert [p.shape for p in e.chunk(3)] == [(0, 2)] * 3


def test_getitem_with_tensor_indices_and_repeats_accumulates():
    x = Tensor([1.0, 2.0, 3.0], requires_grad=True)
    idx = Tensor([0, 0, 0, 2])
    x[idx].sum().backward()
    np.testing.assert_array_equal(x.grad, [3.0, 0.0, 1.0])
    assert x[Tensor(1)].item() == 2.0


MOVEMENT = {
    "reshape": (lambda t: t.reshape(4, 6), lambda x: x.reshape(4, 6)),
    "reshape_tuple": (lambda t: t.reshape((2, -1)), lambda x: x.reshape(2, -1)),
    "view": (lambda t: t.view(-1), lambda x: x.reshape(-1)),
    "flatten": (lambda t: t.flatten(1), lambda x: x.reshape(2, 12)),
    "flatten_mid": (lambda t: t.flatten(0, 1), lambda x: x.reshape(6, 4)),
    "transpose": (lambda t: t.transpose(0, 2), lambda x: np.swapaxes(x, 0, 2)),
    "permute": (lambda t: t.permute(2, 0, 1), lambda x: np.transpose(x, (2, 0, 1))),
    "permute_tuple": (lambda t: t.permute((1, 2, 0)), lambda x: np.transpose(x, (1, 2, 0))),
    "T": (lambda t: t.T, lambda x: x.T),
    "unsqueeze": (lambda t: t.unsqueeze(1), lambda x: x[:, None]),
    "unsqueeze_neg": (lambda t: t.unsqueeze(-1), lambda x: x[..., None]),
    "squeeze": (lambda t: t.unsqueeze(0).squeeze(), lambda x: x),
    "squeeze_dim": (lambda t: t[:, :1].squeeze(1), lambda x: x[:, 0]),
    "expand": (lambda t: t[:, :1].expand(2, 5, 4), lambda x: np.broadcast_to(x[:, :1], (2, 5, 4))),
    "expand_new": (lambda t: t.expand(3, -1, -1, -1), lambda x: np.broadcast_to(x, (3, 2, 3, 4))),
    "broadcast_to": (
        lambda t: t[0, 0].broadcast_to((3, 4)),
        lambda x: np.broadcast_to(x[0, 0], (3, 4)),
    ),
    "pad": (lambda t: t.pad((1, 2)), lambda x: np.pad(x, ((0, 0), (0, 0), (1, 2)))),
    "pad_2d": (
        lambda t: t.pad((1, 0, 0, 2), 3.0),
        lambda x: np.pad(x, ((0, 0), (0, 2), (1, 0)), constant_values=3.0),
    ),
    "pad_crop": (
        lambda t: t.pad((-1, 1, 1, -2)),
        lambda x: np.pad(x, ((0, 0), (1, 0), (0, 1)))[:, : -2 + 1 or None, 1:][:, :2, :],
    ),
    "split_int": (lambda t: t.split(3, dim=2)[1], lambda x: x[:, :, 3:]),
    "split_sizes": (lambda t: t.split([1, 2], dim=1)[1], lambda x: x[:, 1:]),
    "chunk": (lambda t: t.chunk(3, dim=2)[1], lambda x: x[:, :, 2:]),
}


@pytest.mark.parametrize("name", sorted(MOVEMENT))
def test_movement(name):
    fn, ref = MOVEMENT[name]
    check(fn, make((2, 3, 4), seed=5), ref=ref)


def test_pad_crop_matches_torch_convention():
    x = Tensor(np.arange(12.0).reshape(3, 4))
    out = x.pad(
        (-1, 1, 1, -2)
    ).data  # last axis: crop 1 left, pad 1 right; first: pad 1 top, crop 2
    expected = np.pad(np.arange(12.0).reshape(3, 4)[:, 1:], ((1, 0), (0, 1)))[:-2]
    np.testing.assert_array_equal(out, expected)
    assert tl.gradcheck(lambda t: t.pad((-1, 1, 1, -2)) * 2.0, make((3, 4)))


def test_split_and_chunk_follow_pytorch_sizes():
    x = Tensor(np.arange(10.0))
    assert [len(p) for p in x.split(4)] == [4, 4, 2]
    assert [len(p) for p in x.split([1, 9])] == [1, 9]
    assert [len(p) for p in x.chunk(3)] == [4, 4, 2]
    assert [len(p) for p in Tensor(np.arange(5.0)).chunk(4)] == [2, 2, 1]  # fewer chunks


@pytest.mark.parametrize("dim", [0, 1, -1])
def test_cat_and_stack(dim):
    a, b, c = make((2, 3), 1), make((2, 3), 2), make((2, 3), 3)
    check(
        lambda a, b, c: tl.stack([a, b, c], dim=dim),
        a,
        b,
        c,
        ref=lambda a, b, c: np.stack([a, b, c], axis=dim),
    )
    check(
        lambda a, b, c: tl.cat([a, b, c], dim=dim),
        a,
        b,
        c,
        ref=lambda a, b, c: np.concatenate([a, b, c], axis=dim),
    )


def test_cat_with_different_lengths():
    a, b = make((2, 3), 1), make((4, 3), 2)
    check(lambda a, b: tl.cat([a, b]), a, b, ref=lambda a, b: np.concatenate([a, b]))


def test_comparisons_and_arg_reductions_are_not_differentiable():
    x = Tensor([[1.0, 5.0, 2.0], [7.0, 0.0, 3.0]], requires_grad=True)
    for out in (x < 2, x <= 2, x > 2, x >= 2, x == 2, x != 2, x.argmax(1), x.argmin()):
        assert not out.requires_grad and out.grad_fn is None
    np.testing.assert_array_equal((x > 2).data, x.data > 2)
    assert x.argmax().item() == 3 and x.argmin().item() == 4
    np.testing.assert_array_equal(x.argmax(dim=1, keepdim=True).data, [[1], [0]])
    assert (x.argmax(1)).dtype == np.int64


# --- behaviour against PyTorch where the formula has a convention (skips without torch)


def _torch():
    return pytest.importorskip("torch")


@pytest.mark.parametrize(
    "ours, theirs",
    [
        (lambda t: t.relu(), lambda t: t.relu()),
        (lambda t: t.abs(), lambda t: t.abs()),
        (lambda t: t.clip(-1.0, 1.0), lambda t: t.clamp(-1.0, 1.0)),
        (
            lambda t: t.leaky_relu(0.1),
            lambda t: __import__("torch").nn.functional.leaky_relu(t, 0.1),
        ),
        (lambda t: t.maximum(t * 0.0), lambda t: t.maximum(t * 0.0)),
        (lambda t: t.minimum(t * 0.0 + 1.0), lambda t: t.minimum(t * 0.0 + 1.0)),
        (lambda t: t.max(), lambda t: t.amax()),
        (lambda t: t.gelu(), lambda t: __import__("torch").nn.functional.gelu(t)),
        (
            lambda t: t.gelu("tanh"),
            lambda t: __import__("torch").nn.functional.gelu(t, approximate="tanh"),
        ),
        (
            lambda t: t.softplus(2.0, 5.0),
            lambda t: __import__("torch").nn.functional.softplus(t, 2.0, 5.0),
        ),
        (lambda t: t.sigmoid(), lambda t: t.sigmoid()),
        (lambda t: t.var(0), lambda t: t.var(0)),
        (lambda t: t.std(), lambda t: t.std()),
        (lambda t: t.logsumexp(0), lambda t: t.logsumexp(0)),
    ],
)
def test_against_torch_including_kinks(ours, theirs):
    torch = _torch()
    x = np.array([-3.0, -1.0, -0.5, 0.0, 0.0, 0.5, 1.0, 1.0, 3.0, 30.0])
    a = Tensor(x, requires_grad=True)
    ta = torch.tensor(x, requires_grad=True)
    out, tout = ours(a), theirs(ta)
    np.testing.assert_allclose(out.data, tout.detach().numpy(), rtol=1e-15, atol=1e-15)
    out.sum().backward()
    tout.sum().backward()
    np.testing.assert_allclose(a.grad, ta.grad.numpy(), rtol=1e-14, atol=1e-15)


def test_gelu_exact_to_float64_precision():
    torch = _torch()
    x = np.linspace(-10, 10, 2001)
    ours = Tensor(x).gelu().data
    theirs = torch.nn.functional.gelu(torch.tensor(x)).numpy()
    np.testing.assert_allclose(ours, theirs, rtol=1e-14, atol=1e-15)


def test_float32_ops_stay_float32():
    x = Tensor(
        np.random.default_rng(0).standard_normal((4, 3)).astype(np.float32), requires_grad=True
    )
    w = Tensor(np.ones((3, 2), np.float32), requires_grad=True)
    y = ((x @ w).relu() * np.float64(2.0) + 1).gelu().softmax(1).log() / 3.0
    z = (y - y.mean()).var() + x.sigmoid().sum() + x.std() + (x**2).mean() + x.logsumexp(1).sum()
    assert y.dtype == np.float32 and z.dtype == np.float32
    z.backward()
    assert x.grad.dtype == np.float32 and w.grad.dtype == np.float32
