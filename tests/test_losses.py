"""Losses: hand-computed cases from the documented formulas, gradcheck, PyTorch as an oracle
(skipped without torch), stability at extreme inputs, dtypes, every error path, and the modules
against their functions."""

import math

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

import tinygrad_lite as tl
from tinygrad_lite import Tensor
from tinygrad_lite.nn import losses as L


def t64(a, grad=True):
    return Tensor(np.asarray(a, np.float64), requires_grad=grad)


def lse(row):
    return math.log(sum(math.exp(v) for v in row))


# ----------------------------------------------------------------------------- by hand


def test_cross_entropy_by_hand():
    x = t64([[1.0, 2.0, 3.0], [1.0, 1.0, 1.0]])
    r0, r1 = lse([1, 2, 3]) - 3, math.log(3)
    assert L.cross_entropy(x, [2, 0]).item() == pytest.approx((r0 + r1) / 2, rel=1e-14)
    assert L.cross_entropy(x, [2, 0], reduction="sum").item() == pytest.approx(r0 + r1, rel=1e-14)
    none = L.cross_entropy(x, [2, 0], reduction="none")
    np.testing.assert_allclose(none.data, [r0, r1], rtol=1e-14)


def test_cross_entropy_label_smoothing_by_hand():
    eps = 0.1
    nlogp = [lse([1, 2, 3]) - v for v in (1, 2, 3)]  # -log softmax
    want = (1 - eps) * nlogp[0] + eps / 3 * sum(nlogp)
    got = L.cross_entropy(t64([[1.0, 2.0, 3.0]]), [0], label_smoothing=eps)
    assert got.item() == pytest.approx(want, rel=1e-14)
    # label_smoothing=1 leaves only the uniform part
    got = L.cross_entropy(t64([[1.0, 2.0, 3.0]]), [0], label_smoothing=1.0)
    assert got.item() == pytest.approx(sum(nlogp) / 3, rel=1e-14)


def test_cross_entropy_probabilities_by_hand():
    q = [0.2, 0.3, 0.5]
    nlogp = [lse([1, 2, 3]) - v for v in (1, 2, 3)]
    want = sum(qi * v for qi, v in zip(q, nlogp, strict=True))
    assert L.cross_entropy(t64([[1.0, 2.0, 3.0]]), [q]).item() == pytest.approx(want, rel=1e-14)
    # a one-hot probability target is the same as its class index
    onehot = L.cross_entropy(t64([[1.0, 2.0, 3.0]]), [[0.0, 1.0, 0.0]]).item()
    assert onehot == pytest.approx(L.cross_entropy(t64([[1.0, 2.0, 3.0]]), [1]).item(), rel=1e-14)


def test_cross_entropy_ignore_index_and_weight_by_hand():
    x = t64([[1.0, 2.0, 3.0], [1.0, 1.0, 1.0], [0.0, 5.0, 0.0]])
    r0, r1 = lse([1, 2, 3]) - 3, math.log(3)
    got = L.cross_entropy(x, [2, 0, -100])
    assert got.item() == pytest.approx((r0 + r1) / 2, rel=1e-14)  # the mean skips the row
    none = L.cross_entropy(x, [2, 0, -100], reduction="none")
    np.testing.assert_allclose(none.data, [r0, r1, 0.0], rtol=1e-14)
    got = L.cross_entropy(x, [2, 0, 1], ignore_index=1)
    assert got.item() == pytest.approx((r0 + r1) / 2, rel=1e-14)
    # weight: mean = sum(w[t_i] * loss_i) / sum(w[t_i])
    got = L.cross_entropy(x, [2, 0, -100], weight=[1.0, 2.0, 3.0])
    assert got.item() == pytest.approx((3 * r0 + 1 * r1) / 4, rel=1e-14)
    # with smoothing eps, row i adds eps / C * sum_c w_c * -logp_ic; ignored rows add nothing
    eps, w = 0.3, [1.0, 2.0, 3.0]
    nlogp = [[lse(row) - v for v in row] for row in ([1, 2, 3], [1, 1, 1])]
    smooth = [sum(wc * v for wc, v in zip(w, row, strict=True)) / 3 for row in nlogp]
    want = ((1 - eps) * (3 * r0 + r1) + eps * (smooth[0] + smooth[1])) / 4
    got = L.cross_entropy(x, [2, 0, -100], weight=w, label_smoothing=eps)
    assert got.item() == pytest.approx(want, rel=1e-14)
    # probabilities with a weight: -sum_c w_c q_c logp_c per row, the mean divides by N
    q = [[0.2, 0.3, 0.5], [1.0, 0.0, 0.0], [0.5, 0.5, 0.0]]
    rows = [[lse(row) - v for v in row] for row in x.data.tolist()]
    want = sum(
        sum(wc * qc * v for wc, qc, v in zip(w, qi, row, strict=True))
        for qi, row in zip(q, rows, strict=True)
    )
    got = L.cross_entropy(x, q, weight=w, reduction="sum")
    assert got.item() == pytest.approx(want, rel=1e-14)


def test_cross_entropy_unbatched_and_spatial():
    r = lse([1, 2, 3]) - 2
    out = L.cross_entropy(t64([1.0, 2.0, 3.0]), 1, reduction="none")
    assert out.shape == () and out.item() == pytest.approx(r, rel=1e-14)
    assert L.cross_entropy(t64([1.0, 2.0, 3.0]), np.int64(1)).item() == pytest.approx(r)
    # (N, C, d) with targets (N, d): each position is one classification
    x = np.random.default_rng(0).standard_normal((2, 3, 4))
    t = np.array([[0, 1, 2, 0], [2, 2, 1, 0]])
    out = L.cross_entropy(t64(x), t, reduction="none")
    want = L.cross_entropy(t64(x.transpose(0, 2, 1).reshape(8, 3)), t.reshape(8), reduction="none")
    assert out.shape == (2, 4)
    np.testing.assert_allclose(out.data.reshape(8), want.data, rtol=1e-14)


def test_cross_entropy_all_ignored_is_nan_with_zero_gradient():
    x = t64([[1.0, 2.0], [3.0, 4.0]])
    loss = L.cross_entropy(x, [-100, -100])
    loss.backward()
    assert math.isnan(loss.item())
    np.testing.assert_array_equal(x.grad, 0.0)  # PyTorch's behaviour: no nan gradients
    y = t64([[1.0, 2.0], [3.0, 4.0]])
    loss = L.cross_entropy(y, [-100, -100], weight=[1.0, 2.0])
    loss.backward()
    assert math.isnan(loss.item())
    np.testing.assert_array_equal(y.grad, 0.0)


def test_nll_loss_by_hand():
    x = t64([[-1.0, -2.0], [-3.0, -4.0]])
    assert L.nll_loss(x, [1, 0]).item() == pytest.approx(2.5)
    assert L.nll_loss(x, [1, 0], reduction="sum").item() == pytest.approx(5.0)
    np.testing.assert_allclose(L.nll_loss(x, [1, 0], reduction="none").data, [2.0, 3.0])
    assert L.nll_loss(x, [1, 0], weight=[1.0, 3.0]).item() == pytest.approx((3 * 2 + 3) / 4)
    assert L.nll_loss(x, [1, -100]).item() == pytest.approx(2.0)
    assert L.nll_loss(t64([-1.0, -2.0]), 1).item() == pytest.approx(2.0)
    assert L.nll_loss(t64([-1.0, -2.0]), 1, reduction="none").shape == ()
    # (N, C, d) input, (N, d) target: out[n, k] = -input[n, t[n, k], k]
    x3 = np.arange(12.0).reshape(2, 3, 2)
    out = L.nll_loss(t64(x3), [[0, 2], [1, 1]], reduction="none")
    np.testing.assert_array_equal(out.data, [[-0.0, -5.0], [-8.0, -9.0]])
    loss = L.nll_loss(x, [1, 0])
    loss.backward()
    np.testing.assert_allclose(x.grad, [[0.0, -0.5], [-0.5, 0.0]])


def test_mse_and_l1_by_hand():
    x, y = t64([1.0, 2.0, 3.0]), [1.0, 0.0, 0.0]
    assert L.mse_loss(x, y).item() == pytest.approx(13 / 3)
    assert L.mse_loss(x, y, reduction="sum").item() == pytest.approx(13.0)
    np.testing.assert_allclose(L.mse_loss(x, y, reduction="none").data, [0.0, 4.0, 9.0])
    assert L.l1_loss(x, y).item() == pytest.approx(5 / 3)
    assert L.l1_loss(x, y, reduction="sum").item() == pytest.approx(5.0)
    np.testing.assert_allclose(L.l1_loss(x, y, reduction="none").data, [0.0, 2.0, 3.0])
    L.l1_loss(x, y).backward()
    np.testing.assert_allclose(x.grad, [0.0, 1 / 3, 1 / 3])  # sign(0) = 0 at the kink


def test_binary_cross_entropy_by_hand():
    p = t64([0.5, 0.9, 0.2])
    y = [1.0, 0.0, 0.25]
    terms = [-math.log(0.5), -math.log(0.1), -(0.25 * math.log(0.2) + 0.75 * math.log(0.8))]
    assert L.binary_cross_entropy(p, y).item() == pytest.approx(sum(terms) / 3, rel=1e-14)
    none = L.binary_cross_entropy(p, y, reduction="none")
    np.testing.assert_allclose(none.data, terms, rtol=1e-14)
    got = L.binary_cross_entropy(p, y, weight=[2.0, 1.0, 0.0], reduction="sum")
    assert got.item() == pytest.approx(2 * terms[0] + terms[1], rel=1e-14)
    # each log is clamped at -100, so certainty in the wrong answer costs exactly 100
    p = t64([0.0, 1.0, 0.0, 1.0, 1e-50, 1e-40])
    got = L.binary_cross_entropy(p, [1.0, 0.0, 0.0, 1.0, 1.0, 1.0], reduction="none")
    np.testing.assert_allclose(got.data, [100.0, 100.0, 0.0, 0.0, 100.0, -math.log(1e-40)])


def test_binary_cross_entropy_with_logits_by_hand():
    x = t64([0.0, 2.0, -1.0])
    y = [1.0, 0.0, 0.5]
    terms = [
        math.log(2),
        math.log1p(math.exp(2)),
        math.log1p(math.exp(1)) / 2 + math.log1p(math.exp(-1)) / 2,
    ]
    got = L.binary_cross_entropy_with_logits(x, y, reduction="none")
    np.testing.assert_allclose(got.data, terms, rtol=1e-14)
    # pos_weight scales the positive term only: 3 * y * -log(s) + (1 - y) * -log(1 - s)
    got = L.binary_cross_entropy_with_logits(x, y, pos_weight=3.0, reduction="none")
    want = [
        3 * math.log(2),
        math.log1p(math.exp(2)),
        1.5 * math.log1p(math.exp(1)) + math.log1p(math.exp(-1)) / 2,
    ]
    np.testing.assert_allclose(got.data, want, rtol=1e-14)
    # NOTE: exact beyond softplus's usual linear cut-off at 20: log(1 + e^21) = 21 + 7.6e-10
    big = t64([21.0])
    got = L.binary_cross_entropy_with_logits(big, [0.0])
    assert got.item() == pytest.approx(21 + math.log1p(math.exp(-21)), rel=1e-15)
    got.backward()
    assert big.grad[0] == pytest.approx(1 / (1 + math.exp(-21)), rel=1e-15)
    # the same numbers as binary_cross_entropy of the sigmoid
    p = 1 / (1 + np.exp(-x.data))
    bce = L.binary_cross_entropy(t64(p), y)
    assert L.binary_cross_entropy_with_logits(x, y).item() == pytest.approx(bce.item(), rel=1e-14)


def test_hinge_loss_by_hand():
    s = t64([2.0, 0.5, -1.0, 0.3])
    y = [1, 1, 1, -1]
    assert L.hinge_loss(s, y).item() == pytest.approx((0 + 0.5 + 2 + 1.3) / 4)
    assert L.hinge_loss(s, y, margin=2.0, reduction="sum").item() == pytest.approx(
        0 + 1.5 + 3 + 2.3
    )
    np.testing.assert_allclose(L.hinge_loss(s, y, reduction="none").data, [0, 0.5, 2, 1.3])
    L.hinge_loss(s, y).backward()
    np.testing.assert_allclose(s.grad, [0.0, -0.25, -0.25, 0.25])


def test_hinge_loss_matches_the_micrograd_demo_on_values():
    scores = [tl.Value(0.5), tl.Value(-2.0), tl.Value(3.0)]
    ys = [1, -1, -1]
    demo = [tl.Value(v.data) for v in scores]
    losses = [(1 + -yi * si).relu() for yi, si in zip(ys, demo, strict=True)]
    data_loss = sum(losses) * (1.0 / len(losses))
    data_loss.backward()
    loss = L.hinge_loss(scores, ys)
    loss.backward()
    assert loss.item() == pytest.approx(data_loss.data, rel=1e-15)
    assert [v.grad for v in scores] == pytest.approx([v.grad for v in demo], rel=1e-15)


# ----------------------------------------------------------------------------- properties


@given(
    n=st.integers(1, 6),
    c=st.integers(1, 7),
    seed=st.integers(0, 2**16),
    eps=st.sampled_from([0.0, 0.3]),
)
def test_fused_cross_entropy_equals_its_composite_form(n, c, seed, eps):
    rng = np.random.default_rng(seed)
    x = rng.standard_normal((n, c)) * 5
    t = rng.integers(0, c, n)
    t[rng.random(n) < 0.3] = -100  # some ignored rows
    a, b = t64(x), t64(x)
    fused = L.cross_entropy(a, t, label_smoothing=eps)
    # weight of ones takes the composite path (log_softmax + gather); so does nll_loss
    composite = L.cross_entropy(b, t, weight=np.ones(c), label_smoothing=eps)
    fused.backward()
    composite.backward()
    np.testing.assert_allclose(fused.data, composite.data, rtol=1e-12, atol=1e-14)
    np.testing.assert_allclose(a.grad, b.grad, rtol=1e-10, atol=1e-14)
    if eps == 0.0:
        nll = L.nll_loss(t64(x).log_softmax(1), t)
        np.testing.assert_allclose(fused.data, nll.data, rtol=1e-12)
    if eps == 0.0 and (t != -100).all():
        probs = L.cross_entropy(t64(x), np.eye(c)[t])  # one-hot rows
        np.testing.assert_allclose(fused.data, probs.data, rtol=1e-12)


@given(shape=st.sampled_from([(4,), (2, 3), (2, 1, 3)]), seed=st.integers(0, 2**16))
def test_binary_losses_agree_and_mse_l1_are_zero_at_target(shape, seed):
    rng = np.random.default_rng(seed)
    x = rng.standard_normal(shape) * 3
    y = rng.random(shape)
    p = 1 / (1 + np.exp(-x))
    a, b = t64(x), t64(p)
    logits = L.binary_cross_entropy_with_logits(a, y, reduction="sum")
    probs = L.binary_cross_entropy(b, y, reduction="sum")
    np.testing.assert_allclose(logits.data, probs.data, rtol=1e-12)
    assert L.mse_loss(t64(y), y).item() == 0.0
    assert L.l1_loss(t64(y), y).item() == 0.0


# ----------------------------------------------------------------------------- gradcheck


def _gradcheck_cases():
    rng = np.random.default_rng(1)
    x = rng.standard_normal((4, 3))
    t = np.array([0, 2, -100, 1])
    q = rng.dirichlet(np.ones(3), 4)
    w = np.array([0.5, 2.0, 1.5])
    p = rng.uniform(0.05, 0.95, (4, 3))
    y = rng.random((4, 3))
    s = np.array([2.5, -0.4, 0.3, -3.0])
    ys = np.array([1, 1, -1, -1])
    cases = []
    for red in ("mean", "sum", "none"):
        cases += [
            (f"ce-{red}", lambda a, r=red: L.cross_entropy(a, t, reduction=r), [x]),
            (
                f"ce-smooth-weight-{red}",
                lambda a, r=red: L.cross_entropy(a, t, w, reduction=r, label_smoothing=0.2),
                [x],
            ),
            (
                f"ce-probs-{red}",
                lambda a, b, r=red: L.cross_entropy(a, b, reduction=r, label_smoothing=0.1),
                [x, q],
            ),
            (f"nll-{red}", lambda a, r=red: L.nll_loss(a, t, w, reduction=r), [x]),
            (f"mse-{red}", lambda a, b, r=red: L.mse_loss(a, b, reduction=r), [x, y]),
            (f"l1-{red}", lambda a, b, r=red: L.l1_loss(a, b, reduction=r), [x, y]),
            (
                f"bce-{red}",
                lambda a, b, r=red: L.binary_cross_entropy(a, b, w, reduction=r),
                [p, y],
            ),
            (
                f"bce-logits-{red}",
                lambda a, b, c, r=red: L.binary_cross_entropy_with_logits(
                    a, b, reduction=r, pos_weight=c
                ),
                [x, y, w],
            ),
            (f"hinge-{red}", lambda a, r=red: L.hinge_loss(a, ys, reduction=r), [s]),
        ]
    return cases


@pytest.mark.parametrize("name, fn, arrays", _gradcheck_cases(), ids=lambda v: str(v)[:24])
def test_gradcheck(name, fn, arrays):
    inputs = [t64(a) for a in arrays]
    assert tl.gradcheck(fn, *inputs)


def test_fused_probability_path_gradcheck():
    # the target needs no gradient here, so the fused op runs
    q = np.random.default_rng(2).dirichlet(np.ones(3), 4)
    x = t64(np.random.default_rng(3).standard_normal((4, 3)))
    assert tl.gradcheck(lambda a: L.cross_entropy(a, t64(q, grad=False), label_smoothing=0.3), x)


# ----------------------------------------------------------------------------- stability, dtypes


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
@pytest.mark.parametrize(
    "kwargs", [{}, {"label_smoothing": 0.1}, {"weight": [1.0, 2.0, 0.5]}, {"reduction": "none"}]
)
def test_cross_entropy_finite_for_huge_logits(dtype, kwargs):
    x = Tensor(np.array([[1e4, 0.0, -1e4], [-1e4, 1e4, 0.0]], dtype), requires_grad=True)
    loss = L.cross_entropy(x, [0, 2], **kwargs)
    loss.sum().backward()
    assert np.isfinite(loss.data).all() and np.isfinite(x.grad).all()
    if not kwargs:
        assert loss.item() == pytest.approx(5000.0)  # (0 + 1e4) / 2
    q = Tensor(np.array([[1.0, 0.0, 0.0], [0.0, 0.0, 1.0]], dtype), requires_grad=True)
    loss = L.cross_entropy(x, q, **kwargs)  # probabilities wanting a gradient: composite path
    loss.sum().backward()
    assert np.isfinite(loss.data).all() and np.isfinite(q.grad).all()


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
def test_bce_with_logits_finite_for_huge_logits(dtype):
    x = Tensor(np.array([1e4, -1e4, 1e4, -1e4], dtype), requires_grad=True)
    loss = L.binary_cross_entropy_with_logits(x, np.array([0.0, 1.0, 1.0, 0.0]), pos_weight=2.0)
    loss.backward()
    assert loss.item() == pytest.approx((1e4 + 2e4) / 4)
    np.testing.assert_allclose(x.grad, [0.25, -0.5, 0.0, 0.0])


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
def test_bce_finite_at_zero_and_one(dtype):
    p = Tensor(np.array([0.0, 1.0, 0.0, 1.0, 1e-30], dtype), requires_grad=True)
    y = Tensor(np.array([1.0, 0.0, 0.0, 1.0, 0.5], dtype), requires_grad=True)
    loss = L.binary_cross_entropy(p, y, reduction="sum")
    loss.backward()
    assert np.isfinite(loss.item()) and np.isfinite(p.grad).all() and np.isfinite(y.grad).all()
    assert loss.item() == pytest.approx(200 + 0.5 * -math.log(1e-30), rel=1e-5)


def _all_losses(dtype):
    """One call of every loss with a float32/float64 input and float64 NumPy targets/weights."""
    rng = np.random.default_rng(4)
    x = rng.standard_normal((3, 4)).astype(dtype)
    p = rng.uniform(0.1, 0.9, (3, 4)).astype(dtype)
    y = rng.random((3, 4))  # float64 on purpose
    w = rng.random(4)
    t = np.array([0, 3, 1])
    return [
        (x, lambda a: L.cross_entropy(a, t)),
        (x, lambda a: L.cross_entropy(a, t, w, label_smoothing=0.1)),
        (x, lambda a: L.cross_entropy(a, y / y.sum(1, keepdims=True))),
        (x, lambda a: L.nll_loss(a, t, w)),
        (x, lambda a: L.mse_loss(a, y)),
        (x, lambda a: L.l1_loss(a, y)),
        (p, lambda a: L.binary_cross_entropy(a, y, w)),
        (x, lambda a: L.binary_cross_entropy_with_logits(a, y, w, pos_weight=w)),
        (x, lambda a: L.hinge_loss(a, np.where(y > 0.5, 1.0, -1.0))),
    ]


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
@pytest.mark.parametrize("case", range(9))
def test_dtype_is_kept(dtype, case):
    arr, fn = _all_losses(dtype)[case]
    x = Tensor(arr, requires_grad=True)
    loss = fn(x)
    loss.backward()
    assert loss.dtype == dtype and x.grad.dtype == dtype


@pytest.mark.parametrize("dtype", [np.float32, np.float64])
def test_float64_target_tensors_take_the_input_dtype(dtype):
    x = Tensor(np.array([[0.5, -1.0], [2.0, 0.0]], dtype), requires_grad=True)
    y = Tensor(np.array([[0.25, 0.75], [1.0, 0.0]]), requires_grad=True)  # float64
    for loss in (
        L.mse_loss(x, y),
        L.l1_loss(x, y),
        L.cross_entropy(x, y),
        L.binary_cross_entropy_with_logits(x, y, pos_weight=Tensor(np.ones(2))),
        L.binary_cross_entropy(x.sigmoid(), y, weight=Tensor(np.ones(2))),
    ):
        assert loss.dtype == dtype
        loss.backward()
    assert x.grad.dtype == dtype and y.grad.dtype == np.float64


@pytest.mark.parametrize("make", [list, np.asarray, Tensor])
def test_targets_may_be_lists_arrays_or_tensors(make):
    x = t64([[0.2, -1.0, 0.5], [1.5, 0.3, -0.7]])
    y = [[0.1, 0.2, 0.7], [0.5, 0.5, 0.0]]
    ys = [[1, -1, 1], [-1, -1, 1]]
    pairs = [
        (L.cross_entropy(x, make([2, 0])), L.cross_entropy(x, np.array([2, 0]))),
        (L.cross_entropy(x, make(y)), L.cross_entropy(x, np.array(y))),
        (L.nll_loss(x, make([1, 0])), L.nll_loss(x, np.array([1, 0]))),
        (L.mse_loss(x, make(y)), L.mse_loss(x, np.array(y))),
        (L.l1_loss(x, make(y)), L.l1_loss(x, np.array(y))),
        (L.binary_cross_entropy(x.sigmoid(), make(y)), L.binary_cross_entropy(x.sigmoid(), y)),
        (
            L.binary_cross_entropy_with_logits(x, make(y), pos_weight=make([1.0, 2.0, 3.0])),
            L.binary_cross_entropy_with_logits(x, np.array(y), pos_weight=np.array([1.0, 2, 3])),
        ),
        (L.hinge_loss(x, make(ys)), L.hinge_loss(x, np.array(ys))),
    ]
    for got, want in pairs:
        # float targets are stored as float32 by Tensor/list but as float64 by np.asarray,
        # and are then cast to the input's dtype: the results agree to float32 precision
        assert got.item() == pytest.approx(want.item(), rel=1e-6)


def test_target_tensors_receive_gradients():
    x, y = t64([1.0, 2.0]), t64([0.0, 4.0])
    L.mse_loss(x, y).backward()
    np.testing.assert_allclose(y.grad, [-1.0, 2.0])  # -2 (x - y) / N
    x, q = t64([[1.0, 2.0]]), t64([[0.25, 0.75]])
    L.cross_entropy(x, q).backward()
    np.testing.assert_allclose(q.grad, -x.data + lse([1.0, 2.0]))  # -log_softmax(x)


# ----------------------------------------------------------------------------- errors

_X = np.zeros((2, 10))
_P = np.full((2, 3), 0.5)


@pytest.mark.parametrize(
    "call, message",
    [
        (
            lambda: L.cross_entropy(_X, [3, 12]),
            r"cross_entropy: target holds class 12 but input "
            r"has 10 classes \(valid: 0\.\.9",
        ),
        (lambda: L.cross_entropy(_X, [-1, 0]), r"cross_entropy: target holds class -1 .*0\.\.9"),
        (lambda: L.cross_entropy(_X, [0, 1], ignore_index=1), None),  # no error: 1 is ignored
        (
            lambda: L.cross_entropy(_X, [0, 1, 2]),
            r"cross_entropy: .*input of shape \(2, 10\).*"
            r"shape \(2,\).*got int64 of shape \(3,\)",
        ),
        (
            lambda: L.cross_entropy(_X, [0.0, 1.0]),
            r"cross_entropy: target of shape \(2,\) holds "
            r"float64 values, but class indices must be integers",
        ),
        (
            lambda: L.cross_entropy(_X, np.zeros((2, 10), int)),
            r"cross_entropy: .*holds integers "
            r"\(int64\).*probabilities must be floating point",
        ),
        (lambda: L.cross_entropy(_X, np.zeros((2, 10), bool)), r"cross_entropy: .*got bool"),
        (
            lambda: L.cross_entropy(_X, [0, 1], label_smoothing=1.5),
            r"cross_entropy: "
            r"label_smoothing must be in \[0, 1\], got 1.5",
        ),
        (lambda: L.cross_entropy(_X, [0, 1], label_smoothing=-0.1), r"label_smoothing"),
        (
            lambda: L.cross_entropy(_X, [0, 1], reduction="avg"),
            r"cross_entropy: reduction must "
            r"be 'mean', 'sum' or 'none', got 'avg'",
        ),
        (
            lambda: L.cross_entropy(_X, [0, 1], weight=np.ones(9)),
            r"cross_entropy: weight .*"
            r"\(10,\), got shape \(9,\)",
        ),
        (
            lambda: L.cross_entropy(np.zeros((2, 10), int), [0, 1]),
            r"cross_entropy: input must "
            r"be floating point, got dtype int64",
        ),
        (lambda: L.cross_entropy(1.0, 0), r"cross_entropy: input must have shape"),
        (lambda: L.nll_loss(_X, [0.0, 1.0]), r"nll_loss: target of shape \(2,\) holds float64"),
        (lambda: L.nll_loss(_X, [0, 10]), r"nll_loss: target holds class 10 .*0\.\.9"),
        (lambda: L.nll_loss(_X, np.full((2, 10), 0.1)), r"nll_loss: .*integer class indices"),
        (lambda: L.nll_loss(_X, [0, 1], reduction="mean!"), r"nll_loss: reduction"),
        (
            lambda: L.mse_loss(np.zeros(3), np.zeros((3, 1))),
            r"mse_loss: input has shape \(3,\) "
            r"but target has shape \(3, 1\)",
        ),
        (lambda: L.mse_loss(np.zeros(3), np.zeros(3), reduction=None), r"mse_loss: reduction"),
        (
            lambda: L.mse_loss(np.zeros(3), np.array(["a", "b", "c"])),
            r"mse_loss: target must "
            r"be numbers, got dtype <U1",
        ),
        (
            lambda: L.l1_loss(np.zeros((2, 3)), np.zeros(3)),
            r"l1_loss: input has shape \(2, 3\) "
            r"but target has shape \(3,\)",
        ),
        (
            lambda: L.binary_cross_entropy(_P, np.ones((3, 2))),
            r"binary_cross_entropy: input has "
            r"shape \(2, 3\) but target has shape \(3, 2\)",
        ),
        (
            lambda: L.binary_cross_entropy(_P, np.ones((2, 3), int)),
            r"binary_cross_entropy: "
            r"target must be floating point .*got dtype int64",
        ),
        (
            lambda: L.binary_cross_entropy(_P + 1.0, _P),
            r"binary_cross_entropy: input must hold "
            r"probabilities in \[0, 1\], found 1.5",
        ),
        (
            lambda: L.binary_cross_entropy(_P, _P, weight=np.ones(2)),
            r"binary_cross_entropy: "
            r"weight of shape \(2,\) does not broadcast to the input's shape \(2, 3\)",
        ),
        (
            lambda: L.binary_cross_entropy_with_logits(_P, _P[:, :2]),
            r"binary_cross_entropy_"
            r"with_logits: input has shape \(2, 3\) but target has shape \(2, 2\)",
        ),
        (
            lambda: L.binary_cross_entropy_with_logits(_P, [[1, 0, 1], [0, 0, 1]]),
            r"binary_cross_entropy_with_logits: target must be floating point",
        ),
        (
            lambda: L.binary_cross_entropy_with_logits(_P, _P, pos_weight=np.ones((2, 1, 3))),
            r"pos_weight of shape \(2, 1, 3\) does not broadcast",
        ),
        (lambda: L.binary_cross_entropy_with_logits(_P, _P, reduction="MEAN"), r"reduction"),
        (
            lambda: L.hinge_loss(np.zeros(3), [1, 0, -1]),
            r"hinge_loss: targets must be -1 or "
            r"\+1, found 0",
        ),
        (lambda: L.hinge_loss(np.zeros(3), [1.0, -1.0, 0.5]), r"hinge_loss: .*found 0.5"),
        (
            lambda: L.hinge_loss(np.zeros((3, 1)), [1, -1, 1]),
            r"hinge_loss: scores have shape "
            r"\(3, 1\) but targets have shape \(3,\)",
        ),
        (lambda: L.hinge_loss(np.zeros(2), ["a", "b"]), r"hinge_loss: targets must be numbers"),
        (lambda: L.MSELoss(reduction="avg"), r"MSELoss: reduction"),
        (lambda: L.CrossEntropyLoss(label_smoothing=2.0), r"CrossEntropyLoss: label_smoothing"),
    ],
)
def test_errors(call, message):
    if message is None:
        assert np.isfinite(call().item())
        return
    with pytest.raises(ValueError, match=message):
        call()


def test_error_leaves_gradients_untouched():
    x = t64(np.zeros((2, 3)))
    with pytest.raises(ValueError):
        L.cross_entropy(x, [0, 5])
    assert x.grad is None and x.requires_grad


# ----------------------------------------------------------------------------- modules


@pytest.mark.parametrize(
    "module, fn, target",
    [
        (L.CrossEntropyLoss(), L.cross_entropy, [2, 0]),
        (
            L.CrossEntropyLoss(
                [1.0, 2.0, 3.0], ignore_index=0, label_smoothing=0.2, reduction="sum"
            ),
            lambda a, b: L.cross_entropy(
                a, b, [1.0, 2.0, 3.0], ignore_index=0, label_smoothing=0.2, reduction="sum"
            ),
            [2, 0],
        ),
        (L.NLLLoss(), L.nll_loss, [2, 0]),
        (
            L.NLLLoss([1.0, 2.0, 3.0], reduction="none"),
            lambda a, b: L.nll_loss(a, b, [1.0, 2.0, 3.0], reduction="none"),
            [2, 0],
        ),
        (L.MSELoss(), L.mse_loss, np.ones((2, 3))),
        (L.L1Loss(reduction="sum"), lambda a, b: L.l1_loss(a, b, reduction="sum"), np.ones((2, 3))),
        (
            L.BCEWithLogitsLoss(pos_weight=[1.0, 2.0, 3.0]),
            lambda a, b: L.binary_cross_entropy_with_logits(a, b, pos_weight=[1.0, 2.0, 3.0]),
            np.full((2, 3), 0.3),
        ),
        (L.HingeLoss(margin=0.5), lambda a, b: L.hinge_loss(a, b, 0.5), [[1, -1, 1], [-1, 1, 1]]),
    ],
)
def test_modules_equal_their_functions(module, fn, target):
    x = np.array([[0.2, -1.0, 0.5], [1.5, 0.3, -0.7]])
    a, b = t64(x), t64(x)
    got, want = module(a, target), fn(b, target)
    got.sum().backward()
    want.sum().backward()
    np.testing.assert_array_equal(got.data, want.data)
    np.testing.assert_array_equal(a.grad, b.grad)


def test_bce_module_and_buffers():
    p = t64([[0.2, 0.9]])
    got = L.BCELoss(weight=[2.0, 1.0])(p, [[1.0, 0.0]])
    assert got.item() == L.binary_cross_entropy(p, [[1.0, 0.0]], weight=[2.0, 1.0]).item()
    # class weights are buffers, as in torch.nn (state dict key 'weight'), not parameters
    m = L.CrossEntropyLoss(weight=[1.0, 2.0])
    assert list(m.state_dict()) == ["weight"] and m.parameters() == []
    assert list(L.BCEWithLogitsLoss(pos_weight=[3.0]).state_dict()) == ["pos_weight"]
    assert list(L.MSELoss().state_dict()) == []
    assert repr(L.MSELoss(reduction="sum")) == "MSELoss(reduction='sum')"


# ----------------------------------------------------------------------------- PyTorch oracle


def _against_torch(ours, theirs, arrays, rtol=1e-12, atol=1e-14):
    """Run both on float64 copies of arrays (float arrays require grad); compare the values and
    the gradients of every float input."""
    torch = pytest.importorskip("torch")
    mine = [Tensor(a.copy(), requires_grad=a.dtype.kind == "f") for a in arrays]
    ref = [torch.tensor(a.copy(), requires_grad=a.dtype.kind == "f") for a in arrays]
    out, want = ours(*mine), theirs(*ref)
    out.sum().backward()
    want.sum().backward()
    assert out.shape == tuple(want.shape)
    np.testing.assert_allclose(out.data, want.detach().numpy(), rtol=rtol, atol=atol)
    for m, r in zip(mine, ref, strict=True):
        if r.grad is not None:
            np.testing.assert_allclose(m.grad, r.grad.numpy(), rtol=rtol, atol=atol)


REDUCTIONS = ["mean", "sum", "none"]


@pytest.mark.parametrize("reduction", REDUCTIONS)
@pytest.mark.parametrize("eps", [0.0, 0.25, 1.0])
@pytest.mark.parametrize("weighted", [False, True])
def test_cross_entropy_indices_vs_torch(reduction, eps, weighted):
    torch = pytest.importorskip("torch")
    F = torch.nn.functional
    rng = np.random.default_rng(5)
    x = rng.standard_normal((6, 5)) * 3
    t = np.array([0, 4, -100, 2, 2, 1])
    w = rng.random(5) + 0.1 if weighted else None
    tw = None if w is None else torch.tensor(w)
    _against_torch(
        lambda a: L.cross_entropy(a, t, w, reduction=reduction, label_smoothing=eps),
        lambda a: F.cross_entropy(a, torch.tensor(t), tw, reduction=reduction, label_smoothing=eps),
        [x],
    )
    # ignore_index may be a real class too
    _against_torch(
        lambda a: L.cross_entropy(a, np.abs(t) % 5, w, reduction=reduction, ignore_index=2),
        lambda a: F.cross_entropy(
            a, torch.tensor(np.abs(t) % 5), tw, reduction=reduction, ignore_index=2
        ),
        [x],
    )


@pytest.mark.parametrize("reduction", REDUCTIONS)
@pytest.mark.parametrize("eps", [0.0, 0.25])
@pytest.mark.parametrize("target_grad", [False, True])
@pytest.mark.parametrize("weighted", [False, True])
def test_cross_entropy_probabilities_vs_torch(reduction, eps, target_grad, weighted):
    torch = pytest.importorskip("torch")
    F = torch.nn.functional
    rng = np.random.default_rng(6)
    x = rng.standard_normal((4, 3)) * 3
    q = rng.dirichlet(np.ones(3), 4)
    w = rng.random(3) + 0.1 if weighted else None
    tw = None if w is None else torch.tensor(w)
    if target_grad:  # q requires grad: both gradients compared
        _against_torch(
            lambda a, b: L.cross_entropy(a, b, w, reduction=reduction, label_smoothing=eps),
            lambda a, b: F.cross_entropy(a, b, tw, reduction=reduction, label_smoothing=eps),
            [x, q],
        )
    else:  # q is a constant array: the fused op when unweighted
        _against_torch(
            lambda a: L.cross_entropy(a, q, w, reduction=reduction, label_smoothing=eps),
            lambda a: F.cross_entropy(
                a, torch.tensor(q), tw, reduction=reduction, label_smoothing=eps
            ),
            [x],
        )


@given(
    shape=st.sampled_from([(5,), (3, 4), (2, 3, 4), (2, 3, 2, 2)]),
    seed=st.integers(0, 2**16),
    eps=st.sampled_from([0.0, 0.1]),
    reduction=st.sampled_from(REDUCTIONS),
    probs=st.booleans(),
)
def test_cross_entropy_shapes_vs_torch(shape, seed, eps, reduction, probs):
    torch = pytest.importorskip("torch")
    F = torch.nn.functional
    rng = np.random.default_rng(seed)
    x = rng.standard_normal(shape) * 4
    c = shape[0] if len(shape) == 1 else shape[1]
    batch = shape[:1] + shape[2:] if len(shape) > 1 else ()
    if probs:  # probabilities along the class axis, the input's shape
        t = np.moveaxis(rng.dirichlet(np.ones(c), batch), -1, 0 if len(shape) == 1 else 1)
    else:
        t = rng.integers(0, c, batch)
    _against_torch(
        lambda a: L.cross_entropy(a, t, reduction=reduction, label_smoothing=eps),
        lambda a: F.cross_entropy(a, torch.tensor(t), reduction=reduction, label_smoothing=eps),
        [x],
    )


def test_cross_entropy_extremes_vs_torch():
    torch = pytest.importorskip("torch")
    F = torch.nn.functional
    x = np.array([[1e4, 0.0, -1e4], [-1e4, 1e4, 0.0], [3.0, 3.0, 3.0]])
    for eps in (0.0, 0.3):
        _against_torch(
            lambda a, e=eps: L.cross_entropy(a, [0, 2, 1], label_smoothing=e),
            lambda a, e=eps: F.cross_entropy(a, torch.tensor([0, 2, 1]), label_smoothing=e),
            [x],
        )
    # every target ignored: nan loss, zero gradient
    a, b = t64(x), torch.tensor(x, requires_grad=True)
    ours, theirs = L.cross_entropy(a, [-100] * 3), F.cross_entropy(b, torch.tensor([-100] * 3))
    ours.backward()
    theirs.backward()
    assert math.isnan(ours.item()) and math.isnan(theirs.item())
    np.testing.assert_array_equal(a.grad, b.grad.numpy())


@pytest.mark.parametrize("reduction", REDUCTIONS)
@pytest.mark.parametrize("weighted", [False, True])
def test_nll_loss_vs_torch(reduction, weighted):
    torch = pytest.importorskip("torch")
    F = torch.nn.functional
    rng = np.random.default_rng(7)
    logp = np.log(rng.dirichlet(np.ones(4), 5))
    t = np.array([3, -100, 0, 1, 3])
    w = rng.random(4) + 0.1 if weighted else None
    tw = None if w is None else torch.tensor(w)
    _against_torch(
        lambda a: L.nll_loss(a, t, w, reduction=reduction),
        lambda a: F.nll_loss(a, torch.tensor(t), tw, reduction=reduction),
        [logp],
    )


@pytest.mark.parametrize("reduction", REDUCTIONS)
@pytest.mark.parametrize("loss", ["mse_loss", "l1_loss"])
def test_mse_l1_vs_torch(reduction, loss):
    torch = pytest.importorskip("torch")
    F = torch.nn.functional
    rng = np.random.default_rng(8)
    x, y = rng.standard_normal((3, 4)), rng.standard_normal((3, 4))
    y[0, 0] = x[0, 0]  # the kink of l1: both give gradient 0 there
    _against_torch(
        lambda a, b: getattr(L, loss)(a, b, reduction=reduction),
        lambda a, b: getattr(F, loss)(a, b, reduction=reduction),
        [x, y],
    )


@pytest.mark.parametrize("reduction", REDUCTIONS)
@pytest.mark.parametrize("weighted", [False, True])
def test_bce_vs_torch(reduction, weighted):
    torch = pytest.importorskip("torch")
    F = torch.nn.functional
    rng = np.random.default_rng(9)
    p, y = rng.uniform(0.001, 0.999, (3, 4)), rng.random((3, 4))
    w = rng.random(4) if weighted else None
    tw = None if w is None else torch.tensor(w)
    _against_torch(
        lambda a, b: L.binary_cross_entropy(a, b, w, reduction=reduction),
        lambda a, b: F.binary_cross_entropy(a, b, tw, reduction=reduction),
        [p, y],
    )
    # at p in {0, 1} the values still match torch's (each clamped log counts -100); the
    # gradients there do not: torch's are +-1e12 (p) and +-inf (target), ours finite
    p[0, :3] = [0.0, 1.0, 1e-50]
    ours = L.binary_cross_entropy(p, y, w, reduction=reduction)
    theirs = F.binary_cross_entropy(torch.tensor(p), torch.tensor(y), tw, reduction=reduction)
    np.testing.assert_allclose(ours.data, theirs.numpy(), rtol=1e-12)


@pytest.mark.parametrize("reduction", REDUCTIONS)
@pytest.mark.parametrize("pos_weight", [False, True])
@pytest.mark.parametrize("weighted", [False, True])
def test_bce_with_logits_vs_torch(reduction, pos_weight, weighted):
    torch = pytest.importorskip("torch")
    F = torch.nn.functional
    rng = np.random.default_rng(10)
    x, y = rng.standard_normal((3, 4)) * 10, rng.random((3, 4))
    x[0] = [1e4, -1e4, 30.0, -30.0]
    pw = rng.random(4) * 3 if pos_weight else None
    w = rng.random((3, 1)) if weighted else None
    tpw = None if pw is None else torch.tensor(pw)
    tw = None if w is None else torch.tensor(w)
    _against_torch(
        lambda a, b: L.binary_cross_entropy_with_logits(
            a, b, w, reduction=reduction, pos_weight=pw
        ),
        lambda a, b: F.binary_cross_entropy_with_logits(
            a, b, tw, reduction=reduction, pos_weight=tpw
        ),
        [x, y],
    )


def test_hinge_loss_vs_torch_composite():
    torch = pytest.importorskip("torch")
    rng = np.random.default_rng(11)
    s = rng.standard_normal(8)
    y = np.where(rng.random(8) > 0.5, 1.0, -1.0)
    _against_torch(
        lambda a: L.hinge_loss(a, y, margin=0.7),
        lambda a: torch.relu(0.7 - torch.tensor(y) * a).mean(),
        [s],
    )


def test_modules_vs_torch_modules():
    torch = pytest.importorskip("torch")
    rng = np.random.default_rng(12)
    x = rng.standard_normal((4, 3))
    t = np.array([2, 0, 1, 1])
    y = rng.random((4, 3))
    w = np.array([0.5, 1.0, 2.0])
    pairs = [
        (
            L.CrossEntropyLoss(w, label_smoothing=0.1),
            torch.nn.CrossEntropyLoss(torch.tensor(w), label_smoothing=0.1),
            t,
        ),
        (L.NLLLoss(w, reduction="sum"), torch.nn.NLLLoss(torch.tensor(w), reduction="sum"), t),
        (L.MSELoss(), torch.nn.MSELoss(), y),
        (L.L1Loss(), torch.nn.L1Loss(), y),
        (
            L.BCEWithLogitsLoss(pos_weight=w),
            torch.nn.BCEWithLogitsLoss(pos_weight=torch.tensor(w)),
            y,
        ),
    ]
    for ours, theirs, target in pairs:
        _against_torch(
            lambda a, m=ours, t=target: m(a, t),
            lambda a, m=theirs, t=target: m(a, torch.tensor(t)),
            [x],
        )
    p = 1 / (1 + np.exp(-x))
    _against_torch(
        lambda a: L.BCELoss()(a, y), lambda a: torch.nn.BCELoss()(a, torch.tensor(y)), [p]
    )
