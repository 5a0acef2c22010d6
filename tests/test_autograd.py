"""Autograd semantics (PyTorch's), dtype rules, interop, graph memory and the error contract."""

import gc
import threading
import weakref

import numpy as np
import pytest

import tinygrad_lite as tl
from tinygrad_lite import Function, Tensor

# --- construction and dtype rules (SPEC §2)


@pytest.mark.parametrize(
    "data, dtype",
    [
        (1.5, np.float32),
        ([1.0, 2.0], np.float32),
        ([1, 2.5], np.float32),
        ([[1, 2], [3, 4]], np.int64),
        (3, np.int64),
        (True, np.bool_),
        ([True, False], np.bool_),
        (np.zeros(2, np.float64), np.float64),
        (np.zeros(2, np.float16), np.float16),
        (np.zeros(2, np.int32), np.int32),
        (np.float64(2.0), np.float64),
    ],
)
def test_dtype_rules(data, dtype):
    assert Tensor(data).dtype == dtype


def test_set_default_dtype_changes_python_floats_only():
    tl.set_default_dtype(np.float64)
    try:
        assert Tensor(1.0).dtype == np.float64 and Tensor.zeros(2).dtype == np.float64
        assert Tensor(np.zeros(2, np.float32)).dtype == np.float32
    finally:
        tl.set_default_dtype(np.float32)
    with pytest.raises(TypeError, match="floating"):
        tl.set_default_dtype(np.int64)


def test_constructor_copies_and_accepts_tensors():
    a = np.array([1.0, 2.0])
    t = Tensor(a)
    a[0] = 9.0
    assert t.data[0] == 1.0
    u = Tensor(t, dtype=np.float32)
    assert u.dtype == np.float32 and not u.requires_grad


def test_attributes():
    t = Tensor([[1.0, 2.0, 3.0], [4.0, 5.0, 6.0]], requires_grad=True)
    assert t.shape == (2, 3) and t.ndim == 2 and t.size == 6 and len(t) == 2
    assert t.numel() == 6 and t.dim() == 2 and t.dtype == np.float32
    assert t.T.shape == (3, 2) and t.grad is None and t.is_leaf
    assert t.numpy() is t.data and np.asarray(t) is t.data
    assert np.asarray(t, dtype=np.float64).dtype == np.float64
    assert t.tolist() == [[1.0, 2.0, 3.0], [4.0, 5.0, 6.0]]
    assert Tensor([2.5]).item() == 2.5 and isinstance(Tensor(3).item(), int)
    assert "requires_grad=True" in repr(t) and "grad_fn=<Mul>" in repr(t * 2)
    assert "dtype=float64" in repr(Tensor(np.zeros(1)))
    with pytest.raises(ValueError, match="one-element"):
        t.item()
    with pytest.raises(TypeError, match="0-d"):
        len(Tensor(1.0))


def test_creation_functions():
    tl.manual_seed(0)
    a = tl.randn(2, 3)
    tl.manual_seed(0)
    b = Tensor.randn((2, 3))
    np.testing.assert_array_equal(a.data, b.data)
    assert a.dtype == np.float32
    assert tl.zeros(2, 3).shape == (2, 3) and tl.ones((4,)).data.sum() == 4
    assert tl.full((2, 2), 7).dtype == np.int64 and tl.full((2,), 0.5).dtype == np.float32
    assert tl.eye(3).data.trace() == 3 and tl.empty(2, dtype=np.float64).dtype == np.float64
    assert tl.arange(5).dtype == np.int64 and tl.arange(0, 1, 0.25).dtype == np.float32
    np.testing.assert_array_equal(tl.arange(2, 8, 2).data, [2, 4, 6])
    r = tl.rand(1000)
    assert 0 <= r.data.min() and r.data.max() < 1
    u = tl.uniform(1000, low=-2.0, high=-1.0)
    assert -2 <= u.data.min() and u.data.max() < -1 and u.dtype == np.float32
    z = tl.zeros_like(a, requires_grad=True)
    assert z.requires_grad and z.shape == a.shape
    assert tl.ones_like(np.zeros((2, 2), np.float64)).dtype == np.float64
    assert tl.full_like(a, 3.0).data.mean() == 3.0 and tl.randn_like(a).shape == (2, 3)
    assert tl.rand_like(a).shape == (2, 3) and tl.empty_like(a).shape == (2, 3)


def test_requires_grad_on_integer_data_raises():
    with pytest.raises(TypeError, match="floating-point.*int64"):
        Tensor([1, 2], requires_grad=True)
    with pytest.raises(TypeError, match="floating-point"):
        Tensor([1, 2]).requires_grad_()
    with pytest.raises(TypeError, match="floating-point"):
        tl.zeros(2, dtype=np.int64, requires_grad=True)


def test_python_and_numpy_scalars_do_not_promote_float32():
    x = Tensor([1.0, 2.0])
    for y in (
        x * 2,
        2 * x,
        x * np.float64(2),
        np.float64(2) * x,
        x / np.float64(3),
        x**2.0,
        x + np.int64(1),
        x - True,
        np.float32(1) + x,
        x * 1e300,
    ):
        assert y.dtype == np.float32, y
    assert (Tensor([1, 2]) * 0.5).dtype == np.float32  # int tensor * float -> default float
    assert (Tensor([1, 2]) * 2).dtype == np.int64
    assert (Tensor([1, 2]) + Tensor([0.5, 1.0])).dtype == np.float32  # like PyTorch
    assert (x + Tensor(np.ones(2))).dtype == np.float64  # float32 + float64 tensor


def test_numpy_arrays_on_the_left_give_tensors_in_the_graph():
    x = Tensor([1.0, 2.0], requires_grad=True)
    for y in (
        np.ones(2) + x,
        np.ones(2) * x,
        np.ones(2) - x,
        np.ones(2) / x,
        np.ones(2) ** x,
        np.maximum(np.zeros(2), x),
        np.exp(x),
        -np.ones(2) @ x,
    ):
        assert isinstance(y, Tensor) and y.requires_grad
    (np.array([3.0, 4.0]) * x).sum().backward()
    np.testing.assert_array_equal(x.grad, [3.0, 4.0])
    assert isinstance(np.ones(2) > x, Tensor)
    assert isinstance(np.cos(x), np.ndarray)  # ufuncs without a Tensor op fall back to arrays


# --- accumulation, retain_grad, freed graphs


def test_gradients_accumulate_across_backward_calls():
    x = Tensor([1.0, 2.0], requires_grad=True)
    (x * 3).sum().backward()
    (x * x).sum().backward()
    np.testing.assert_array_equal(x.grad, [3 + 2, 3 + 4])


def test_intermediates_keep_no_grad_unless_retained():
    x = Tensor([1.0, 2.0], requires_grad=True)
    h = x * 2
    k = (x * 3).retain_grad()
    (h * k).sum().backward()
    assert h.grad is None
    np.testing.assert_array_equal(k.grad, h.data)
    np.testing.assert_array_equal(x.grad, 2 * k.data + 3 * h.data)


def test_retained_grad_is_not_aliased_with_leaf_grads():
    x = Tensor([1.0, 2.0], requires_grad=True)
    y = Tensor([3.0, 4.0], requires_grad=True)
    s = (x + y).retain_grad()
    s.sum().backward()
    x.grad *= 10  # in-place on one gradient must not leak into the others
    np.testing.assert_array_equal(y.grad, [1.0, 1.0])
    np.testing.assert_array_equal(s.grad, [1.0, 1.0])
    assert x.grad.flags.writeable and y.grad.flags.writeable


def test_second_backward_through_freed_graph_raises_and_changes_nothing():
    x = Tensor([1.0, 2.0], requires_grad=True)
    y = (x * x).sum()
    y.backward()
    before = x.grad.copy()
    with pytest.raises(RuntimeError, match="retain_graph=True"):
        y.backward()
    np.testing.assert_array_equal(x.grad, before)


def test_retain_graph_allows_a_second_backward():
    x = Tensor([1.0, 2.0], requires_grad=True)
    y = (x * x).sum()
    y.backward(retain_graph=True)
    y.backward()
    np.testing.assert_array_equal(x.grad, [4.0, 8.0])


def test_backward_frees_saved_arrays_and_intermediate_data():
    x = Tensor(np.ones(1000), requires_grad=True)
    y = ((x * 2).exp() + 1).sum()
    exp_ctx = y.grad_fn.parents[0].grad_fn.parents[0].grad_fn
    assert "out" in exp_ctx.__dict__
    mid = weakref.ref(y.grad_fn.parents[0].data)  # held only by the graph
    y.backward()
    assert "out" not in exp_ctx.__dict__ and exp_ctx.freed
    assert mid() is None  # the intermediate's data is gone, as in PyTorch
    ghost = y.grad_fn.parents[0]
    assert ghost.data is None and ghost.shape == (1000,) and ghost._ctx is not None
    assert exp_ctx.parents[0].shape == (1000,)  # the graph keeps its shape for drawing
    leaf_ctx = exp_ctx.parents[0]._ctx
    assert leaf_ctx.parents[0] is x  # leaves stay themselves


def test_retain_graph_keeps_intermediate_data():
    x = Tensor(np.ones(3), requires_grad=True)
    y = (x * 2).sum()
    y.backward(retain_graph=True)
    assert y.grad_fn.parents[0].data is not None


def test_an_error_during_backward_changes_nothing():
    w = Tensor([0.0, 1.0], requires_grad=True)
    a = Tensor([1.0, 1.0], requires_grad=True)
    v = tl.Value(2.0)
    y = w.sqrt().sum() + (a * 3).sum() + tl.stack([v * 2]).sum()
    with pytest.raises(FloatingPointError, match="Sqrt produced inf in backward"):
        with tl.detect_anomaly():
            y.backward()
    assert a.grad is None and w.grad is None and v.grad == 0.0  # nothing half-updated
    y.backward()  # the graph was not freed either
    np.testing.assert_array_equal(a.grad, [3.0, 3.0])
    assert v.grad == 2.0


def test_a_leaf_never_shares_its_gradient_array_with_a_pending_gradient():
    # H + W: Add hands one array to H (still pending) and to the leaf W; micrograd's parameter
    # views then write into W.grad in place, which must not change H's gradient
    import random

    from tinygrad_lite.micrograd import MLP

    random.seed(0)
    model = MLP(2, [1])
    w = model.layers[0].weight
    u = Tensor([[3.0, 4.0]], dtype=np.float64, requires_grad=True)
    h = u * 1.0
    reg = tl.stack([sum(p * p for p in model.parameters())]).sum()
    loss = h.sum() + reg + ((h + w) * np.ones((1, 2))).sum()
    loss.backward()
    np.testing.assert_array_equal(u.grad, [[2.0, 2.0]])
    np.testing.assert_allclose(w.grad, 1.0 + 2 * w.data)


def test_leaf_gradients_from_one_add_are_separate_arrays():
    a = Tensor([1.0, 2.0], requires_grad=True)
    b = Tensor([3.0, 4.0], requires_grad=True)
    ((a + b) * Tensor([1.0, 1.0])).sum().backward()  # Add receives a writeable gradient
    assert not np.shares_memory(a.grad, b.grad)
    a.grad *= 10
    np.testing.assert_array_equal(b.grad, [1.0, 1.0])


def test_backward_needs_gradient_for_non_scalars():
    x = Tensor([1.0, 2.0], requires_grad=True)
    y = x * 2
    with pytest.raises(RuntimeError, match="one-element.*shape \\(2,\\)"):
        y.backward()
    y.backward(gradient=Tensor([1.0, 10.0]))
    np.testing.assert_array_equal(x.grad, [2.0, 20.0])
    (x * 2).backward(np.array([1.0, 1.0]))
    np.testing.assert_array_equal(x.grad, [4.0, 22.0])
    with pytest.raises(RuntimeError, match="gradient has shape \\(3,\\)"):
        (x * 2).backward(np.ones(3))


def test_backward_on_a_tensor_without_grad_raises():
    with pytest.raises(RuntimeError, match="does not require grad"):
        Tensor([1.0]).backward()


def test_backward_from_a_leaf_and_through_gradients_summed_for_broadcast():
    x = Tensor([2.0], requires_grad=True)
    x.backward()
    np.testing.assert_array_equal(x.grad, [1.0])
    b = Tensor([1.0, 2.0, 3.0], requires_grad=True)
    a = Tensor(np.ones((4, 3)), requires_grad=True)
    y = a * b
    y.sum().backward()
    np.testing.assert_array_equal(b.grad, [4.0, 4.0, 4.0])
    assert y.grad_fn.summed[1] == ((4, 3), (3,), (0,))  # recorded for drawing


def test_gradient_dtype_follows_the_leaf():
    w = Tensor(np.ones(3, np.float32), requires_grad=True)
    x = np.ones(3, np.float64)
    (w * x).sum().backward()  # the product is float64; w's gradient comes back as float32
    assert w.grad.dtype == np.float32


# --- grad mode


def test_no_grad_as_context_manager_and_decorator():
    x = Tensor([1.0], requires_grad=True)
    with tl.no_grad():
        y = x * 2
        assert not tl.is_grad_enabled()
        with tl.enable_grad():
            assert (x * 2).requires_grad
    assert not y.requires_grad and y.grad_fn is None and tl.is_grad_enabled()

    @tl.no_grad()
    def f(t):
        return t * 3

    assert not f(x).requires_grad and tl.is_grad_enabled()


def test_no_grad_is_thread_local():
    seen = {}
    x = Tensor([1.0], requires_grad=True)
    inside, release = threading.Event(), threading.Event()

    def worker():
        with tl.no_grad():
            inside.set()
            release.wait(5)

    t = threading.Thread(target=worker)
    t.start()
    inside.wait(5)
    seen["main"] = (x * 2).requires_grad
    release.set()
    t.join()
    assert seen["main"] is True


def test_detach_and_requires_grad_():
    x = Tensor([1.0, 2.0], requires_grad=True)
    d = (x * 2).detach()
    assert not d.requires_grad and d.grad_fn is None
    z = Tensor([1.0]).requires_grad_()
    assert z.requires_grad
    with pytest.raises(RuntimeError, match="non-leaf"):
        (x * 2).requires_grad_(False)


def test_values_not_requiring_grad_are_skipped():
    x = Tensor([1.0, 2.0], requires_grad=True)
    c = Tensor([5.0, 6.0])
    (x * c).sum().backward()
    assert c.grad is None


# --- graph shape and memory


def test_a_million_op_chain_backpropagates_without_recursion():
    x = Tensor(np.ones(1), requires_grad=True)
    y = x
    for _ in range(1_000_000):
        y = y * 1.0
    y.backward()
    np.testing.assert_array_equal(x.grad, [1.0])
    del y
    gc.collect()


def test_graph_has_no_reference_cycles():
    gc.collect()
    gc.disable()
    try:
        x = Tensor(np.ones(3), requires_grad=True)
        y = ((x * 2).exp() + x).relu().sum()
        ref = weakref.ref(y.grad_fn)
        mid = weakref.ref(y.grad_fn.parents[0])
        y.backward()
        del y
        assert ref() is None and mid() is None  # freed by reference counting alone
    finally:
        gc.enable()


def test_value_graph_has_no_reference_cycles():
    gc.collect()
    gc.disable()
    try:
        a = tl.Value(2.0)
        b = (a * a + a).relu()
        ref = weakref.ref(b)
        b.backward()
        del b
        assert ref() is None
    finally:
        gc.enable()


# --- custom ops through the public Function mechanism


class Cube(Function):
    def forward(self, x):
        self.x = x
        return x**3

    def backward(self, g):
        return (3 * self.x**2 * g,)


def test_custom_function_broadcasts_and_gradchecks():
    x = Tensor(np.random.default_rng(0).standard_normal((2, 3)), requires_grad=True)
    assert tl.gradcheck(lambda t: Cube.apply(t) * Tensor(np.ones(3)), x)
    y = Cube.apply(x)
    assert y.grad_fn.name == "Cube"


class Wrong(Function):
    def forward(self, x):
        return x * 2

    def backward(self, g):
        return (g * 3,)


def test_gradcheck_catches_a_wrong_backward():
    x = Tensor(np.ones(3), requires_grad=True)
    with pytest.raises(tl.GradcheckError, match="disagrees"):
        tl.gradcheck(Wrong.apply, x)
    assert tl.gradcheck(Wrong.apply, x, raise_exception=False) is False


def test_gradcheck_requires_an_input_that_needs_grad():
    with pytest.raises(ValueError, match="requires a gradient"):
        tl.gradcheck(lambda t: t * 2, Tensor([1.0]))


# --- error contract (SPEC §10)


@pytest.mark.parametrize(
    "op, name",
    [
        (lambda a, b: a + b, "add"),
        (lambda a, b: a - b, "sub"),
        (lambda a, b: a * b, "mul"),
        (lambda a, b: a / b, "div"),
        (lambda a, b: a**b, "pow"),
        (lambda a, b: a.maximum(b), "maximum"),
    ],
)
def test_broadcast_mismatch_names_op_and_shapes(op, name):
    a = Tensor(np.ones((2, 3)), requires_grad=True)
    b = Tensor(np.ones(4), requires_grad=True)
    with pytest.raises(ValueError, match=rf"{name}: shapes \(2, 3\) and \(4,\)"):
        op(a, b)


@pytest.mark.parametrize(
    "sa, sb",
    [((2, 3), (4, 5)), ((3,), (4,)), ((2, 2, 3), (3, 2, 2)), ((5, 2, 3), (4, 3, 2))],
)
def test_matmul_mismatch_names_both_shapes(sa, sb):
    with pytest.raises(
        ValueError,
        match=rf"matmul: shapes {tuple(sa)} and {tuple(sb)}".replace("(", r"\(").replace(
            ")", r"\)"
        ),
    ):
        Tensor(np.ones(sa)) @ Tensor(np.ones(sb))


def test_matmul_batch_mismatch_names_the_batch_dims():
    with pytest.raises(ValueError, match=r"batch dims \(2,\) and \(3,\) that do not broadcast"):
        Tensor.ones(2, 2, 3) @ Tensor.ones(3, 3, 4)


def test_integer_tensors_give_the_default_float_where_pytorch_does():
    i = Tensor([1, 2])
    for y in (i / 2, 2 / i, i / i, i.sqrt(), i.exp(), i.log(), i.mean(), i.softmax(), i.sigmoid()):
        assert y.dtype == np.float32, y
    assert (i * 2).dtype == np.int64


def test_zero_dim_operands_do_not_widen_float32():
    x = Tensor([1.0, 2.0])
    assert (x * np.array(2.0)).dtype == np.float32
    assert (x + Tensor(np.float64(2.0))).dtype == np.float32
    assert (x + Tensor(np.ones(2))).dtype == np.float64  # n-d float64 still wins


def test_other_shape_errors_name_the_op():
    x = Tensor(np.ones((2, 3)))
    with pytest.raises(ValueError, match=r"reshape: .*\(2, 3\).*\(4,\)"):
        x.reshape(4)
    with pytest.raises(ValueError, match=r"expand: .*\(2, 3\).*\(4, 3\)"):
        x.expand(4, 3)
    with pytest.raises(ValueError, match="cat: shapes"):
        tl.cat([x, Tensor(np.ones((2, 4)))])
    with pytest.raises(ValueError, match="stack: shapes"):
        tl.stack([x, Tensor(np.ones((3, 2)))])
    with pytest.raises(IndexError, match="sum: axis 2"):
        x.sum(2)
    with pytest.raises(IndexError, match="getitem"):
        x[5]
    with pytest.raises(ValueError, match="permute"):
        x.permute(0, 0)
    with pytest.raises(ValueError, match="matmul: both operands"):
        Tensor(1.0) @ x
    with pytest.raises(ValueError, match="where"):
        tl.where(np.ones(4, bool), x, 0.0)
    with pytest.raises(ValueError, match=r"pad: widths \(-3, -3\) crop more than the 5"):
        Tensor(np.arange(5.0)).pad((-3, -3))


def test_failed_op_records_nothing():
    a = Tensor(np.ones((2, 3)), requires_grad=True)
    with pytest.raises(ValueError):
        a + Tensor(np.ones(4))
    (a * 1.0).sum().backward()
    np.testing.assert_array_equal(a.grad, np.ones((2, 3)))
