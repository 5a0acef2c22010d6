"""Optimizers and lr schedulers: trajectories against torch.optim, hand-computed steps from the
documented formulas, in-place updates, state dicts, and every validation error."""

import math

import numpy as np
import pytest

import tinygrad_lite as tl
from tinygrad_lite.optim import SGD, Adam, AdamW, Optimizer, RMSprop, lr_scheduler

SHAPES = [(3, 4), (5,), (2, 1, 3)]
STEPS = 20
# elementwise tolerance (rtol = atol) of a trajectory against torch.optim, per dtype
TOL = {np.float64: 1e-12, np.float32: 2e-6}


# ----------------------------------------------------------------------------- the problem


def initial_arrays(dtype, seed=0):
    rng = np.random.default_rng(seed)
    return [rng.standard_normal(s).astype(dtype) for s in SHAPES]


class Quadratic:
    """grad_i(x) = h_i * (x - c_i) + noise_i[t]: gradients that depend on where the params are."""

    def __init__(self, seed=1):
        rng = np.random.default_rng(seed)
        self.h = [rng.uniform(0.5, 2.0, s) for s in SHAPES]
        self.c = [rng.standard_normal(s) for s in SHAPES]
        self.noise = [[0.1 * rng.standard_normal(s) for s in SHAPES] for _ in range(STEPS)]

    def grad(self, i, x, t):
        return (self.h[i] * (x - self.c[i]) + self.noise[t][i]).astype(x.dtype)


def grouped(params, groups):
    """The params argument: a plain list, or groups given as {'idx': [...], **options}."""
    if groups is None:
        return list(params)
    return [
        {"params": [params[i] for i in g["idx"]], **{k: v for k, v in g.items() if k != "idx"}}
        for g in groups
    ]


def run_ours(cls, kwargs, groups, dtype, steps=STEPS):
    prob = Quadratic()
    params = [tl.Tensor(a, requires_grad=True) for a in initial_arrays(dtype)]
    opt = cls(grouped(params, groups), **kwargs)
    out = []
    for t in range(steps):
        for i, p in enumerate(params):
            p.grad = prob.grad(i, p.data, t)
        opt.step()
        out.append([p.data.copy() for p in params])
    return out


def run_torch(torch, cls_name, kwargs, groups, dtype, steps=STEPS):
    prob = Quadratic()
    params = [torch.tensor(a, requires_grad=True) for a in initial_arrays(dtype)]
    opt = getattr(torch.optim, cls_name)(grouped(params, groups), foreach=False, **kwargs)
    out = []
    for t in range(steps):
        for i, p in enumerate(params):
            p.grad = torch.from_numpy(prob.grad(i, p.detach().numpy(), t))
        opt.step()
        out.append([p.detach().numpy().copy() for p in params])
    return out


def max_rel_diff(ours, theirs):
    """Largest |ours - theirs| / max(|theirs|, 1) over all steps and elements."""
    return max(
        float(np.max(np.abs(a - b) / np.maximum(np.abs(b), 1)))
        for sa, sb in zip(ours, theirs, strict=True)
        for a, b in zip(sa, sb, strict=True)
    )


# ----------------------------------------------------------------------------- against torch

TWO_GROUPS = [{"idx": [0], "lr": 0.05}, {"idx": [1, 2], "lr": 0.01}]
CASES = [
    (SGD, dict(lr=0.1), None),
    (SGD, dict(lr=0.1, momentum=0.9), None),
    (SGD, dict(lr=0.1, momentum=0.9, dampening=0.3), None),
    (SGD, dict(lr=0.1, momentum=0.9, nesterov=True), None),
    (SGD, dict(lr=0.1, weight_decay=0.1), None),
    (SGD, dict(lr=0.05, momentum=0.8, nesterov=True, weight_decay=0.05), None),
    (SGD, dict(lr=0.02, momentum=0.5, weight_decay=0.1, maximize=True), None),
    (SGD, dict(lr=0.02, maximize=True), None),
    (SGD, dict(lr=0.1, momentum=0.9), [{"idx": [0], "lr": 0.05}, {"idx": [1, 2], "momentum": 0}]),
    (Adam, dict(lr=0.05), None),
    (Adam, dict(lr=0.05, betas=(0.8, 0.99), eps=1e-6), None),
    (Adam, dict(lr=0.05, weight_decay=0.1), None),
    (Adam, dict(lr=0.05, amsgrad=True), None),
    (Adam, dict(lr=0.05, amsgrad=True, weight_decay=0.05, maximize=True), None),
    (Adam, dict(lr=0.05), [{"idx": [0, 2], "lr": 0.1, "amsgrad": True}, {"idx": [1]}]),
    (AdamW, dict(lr=0.05), None),
    (AdamW, dict(lr=0.05, weight_decay=0.5), None),
    (AdamW, dict(lr=0.05, amsgrad=True, weight_decay=0.1), None),
    (AdamW, dict(lr=0.01, maximize=True), None),
    (AdamW, dict(lr=0.05), TWO_GROUPS),
    (RMSprop, dict(lr=0.01), None),
    (RMSprop, dict(lr=0.01, momentum=0.9), None),
    (RMSprop, dict(lr=0.01, centered=True), None),
    (RMSprop, dict(lr=0.01, centered=True, momentum=0.5, weight_decay=0.1), None),
    (RMSprop, dict(lr=0.01, alpha=0.9, eps=1e-3, maximize=True), None),
    (RMSprop, dict(lr=0.01), [{"idx": [0], "lr": 0.02, "centered": True}, {"idx": [1, 2]}]),
]


@pytest.mark.parametrize("dtype", [np.float64, np.float32])
@pytest.mark.parametrize("cls,kwargs,groups", CASES)
def test_trajectory_matches_torch(cls, kwargs, groups, dtype):
    torch = pytest.importorskip("torch")
    ours = run_ours(cls, kwargs, groups, dtype)
    theirs = run_torch(torch, cls.__name__, kwargs, groups, dtype)
    assert ours[-1][0].dtype == dtype
    assert not np.allclose(ours[-1][0], initial_arrays(dtype)[0])  # the params really moved
    for t, (sa, sb) in enumerate(zip(ours, theirs, strict=True)):
        for a, b in zip(sa, sb, strict=True):
            np.testing.assert_allclose(a, b, rtol=TOL[dtype], atol=TOL[dtype], err_msg=f"step {t}")


def test_param_groups_use_their_own_lr():
    a, b = tl.Tensor([1.0, 1.0], requires_grad=True), tl.Tensor([1.0], requires_grad=True)
    opt = SGD([{"params": [a]}, {"params": [b], "lr": 0.5}], lr=0.1)
    a.grad, b.grad = np.ones(2, np.float32), np.ones(1, np.float32)
    opt.step()
    np.testing.assert_allclose(a.data, [0.9, 0.9])
    np.testing.assert_allclose(b.data, [0.5])
    assert opt.param_groups[0]["lr"] == 0.1 and opt.param_groups[1]["momentum"] == 0.0


# ----------------------------------------------------------------------------- by hand

X0 = np.array([1.0, -2.0, 0.5])
G1 = np.array([0.3, -0.1, 2.0])
G2 = np.array([-0.2, 0.4, 0.1])


def two_steps(opt_factory, g1=G1, g2=G2):
    p = tl.Tensor(X0.copy(), requires_grad=True)
    opt = opt_factory([p])
    p.grad = g1.copy()
    opt.step()
    x1 = p.data.copy()
    p.grad = g2.copy()
    opt.step()
    return x1, p.data.copy()


def test_sgd_by_hand_momentum_dampening_weight_decay():
    x1, x2 = two_steps(lambda ps: SGD(ps, lr=0.1, momentum=0.9, dampening=0.2, weight_decay=0.01))
    b1 = G1 + 0.01 * X0  # the first step takes the gradient as the buffer (no dampening)
    e1 = X0 - 0.1 * b1
    b2 = 0.9 * b1 + 0.8 * (G2 + 0.01 * e1)
    np.testing.assert_allclose(x1, e1, rtol=1e-15)
    np.testing.assert_allclose(x2, e1 - 0.1 * b2, rtol=1e-15)


def test_sgd_by_hand_nesterov_maximize():
    x1, x2 = two_steps(lambda ps: SGD(ps, lr=0.1, momentum=0.9, nesterov=True, maximize=True))
    b1 = -G1
    e1 = X0 - 0.1 * (-G1 + 0.9 * b1)
    b2 = 0.9 * b1 - G2
    np.testing.assert_allclose(x1, e1, rtol=1e-15)
    np.testing.assert_allclose(x2, e1 - 0.1 * (-G2 + 0.9 * b2), rtol=1e-15)


def adam_by_hand(lr, b1, b2, eps, grads, wd=0.0, decoupled=False, amsgrad=False):
    x, m, v, vmax = X0.copy(), 0.0, 0.0, 0.0
    out = []
    for t, g in enumerate(grads, start=1):
        if decoupled:
            x = x * (1 - lr * wd)
        else:
            g = g + wd * x
        m = b1 * m + (1 - b1) * g
        v = b2 * v + (1 - b2) * g * g
        vmax = np.maximum(vmax, v)
        vhat = (vmax if amsgrad else v) / (1 - b2**t)
        x = x - lr * (m / (1 - b1**t)) / (np.sqrt(vhat) + eps)
        out.append(x)
    return out


def test_adam_by_hand():
    x1, x2 = two_steps(lambda ps: Adam(ps, lr=0.1, betas=(0.8, 0.9), eps=1e-3, weight_decay=0.1))
    e1, e2 = adam_by_hand(0.1, 0.8, 0.9, 1e-3, [G1, G2], wd=0.1)
    np.testing.assert_allclose(x1, e1, rtol=1e-13)
    np.testing.assert_allclose(x2, e2, rtol=1e-13)
    # on the first step the bias-corrected update is lr * g / (|g| + eps'): about lr in size
    np.testing.assert_allclose(np.abs(X0 - x1), 0.1, rtol=0.02)


def test_adam_amsgrad_by_hand_keeps_the_largest_second_moment():
    g2 = 0.05 * G1  # much smaller: v shrinks, so only AMSGrad remembers the larger v of step 1
    ams = two_steps(lambda ps: Adam(ps, lr=0.1, betas=(0.9, 0.99), amsgrad=True), G1, g2)
    plain = two_steps(lambda ps: Adam(ps, lr=0.1, betas=(0.9, 0.99)), G1, g2)
    want = adam_by_hand(0.1, 0.9, 0.99, 1e-8, [G1, g2], amsgrad=True)
    for got, expected in zip(ams, want, strict=True):
        np.testing.assert_allclose(got, expected, rtol=1e-13)
    np.testing.assert_allclose(plain[1], adam_by_hand(0.1, 0.9, 0.99, 1e-8, [G1, g2])[1])
    assert not np.allclose(ams[1], plain[1])


def test_adamw_by_hand_decays_weights_directly():
    x1, x2 = two_steps(lambda ps: AdamW(ps, lr=0.1, weight_decay=0.5))
    e1, e2 = adam_by_hand(0.1, 0.9, 0.999, 1e-8, [G1, G2], wd=0.5, decoupled=True)
    np.testing.assert_allclose(x1, e1, rtol=1e-13)
    np.testing.assert_allclose(x2, e2, rtol=1e-13)
    assert AdamW([tl.Tensor([1.0], requires_grad=True)]).defaults["weight_decay"] == 1e-2


def test_rmsprop_by_hand():
    x1, x2 = two_steps(lambda ps: RMSprop(ps, lr=0.01, alpha=0.9, eps=1e-4))
    v1 = 0.1 * G1**2
    e1 = X0 - 0.01 * G1 / (np.sqrt(v1) + 1e-4)
    v2 = 0.9 * v1 + 0.1 * G2**2
    np.testing.assert_allclose(x1, e1, rtol=1e-14)
    np.testing.assert_allclose(x2, e1 - 0.01 * G2 / (np.sqrt(v2) + 1e-4), rtol=1e-14)


def test_rmsprop_centered_momentum_by_hand():
    x1, x2 = two_steps(lambda ps: RMSprop(ps, lr=0.01, alpha=0.9, momentum=0.5, centered=True))
    x, v, m, b = X0.copy(), 0.0, 0.0, 0.0
    for g, got in [(G1, x1), (G2, x2)]:
        v = 0.9 * v + 0.1 * g * g
        m = 0.9 * m + 0.1 * g
        b = 0.5 * b + g / (np.sqrt(v - m * m) + 1e-8)
        x = x - 0.01 * b
        np.testing.assert_allclose(got, x, rtol=1e-13)


# ----------------------------------------------------------------------------- in place

ALL = [
    (SGD, dict(lr=0.1)),
    (SGD, dict(lr=0.1, momentum=0.9, dampening=0.1, weight_decay=0.1)),
    (SGD, dict(lr=0.1, momentum=0.9, nesterov=True, weight_decay=0.1, maximize=True)),
    (Adam, dict(lr=0.1, amsgrad=True, weight_decay=0.1)),
    (AdamW, dict(lr=0.1, maximize=True)),
    (RMSprop, dict(lr=0.1, centered=True, momentum=0.9, weight_decay=0.1)),
    (RMSprop, dict(lr=0.1, maximize=True)),
]


@pytest.mark.parametrize("cls,kwargs", ALL)
def test_updates_in_place_and_float32_stays_float32(cls, kwargs):
    p = tl.Tensor(np.arange(6, dtype=np.float32).reshape(2, 3), requires_grad=True)
    data, row = p.data, p.data[1]  # another object holding a view, as a layer might
    opt = cls([p], **kwargs)
    rng = np.random.default_rng(0)
    for _ in range(3):
        g = rng.standard_normal((2, 3)).astype(np.float32)
        p.grad = g
        g_before = g.copy()
        opt.step()
        assert p.grad is g
        np.testing.assert_array_equal(g, g_before)  # the gradient was not written to
    assert p.data is data and p.data.dtype == np.float32
    np.testing.assert_array_equal(row, p.data[1])  # the view saw the update
    assert not np.array_equal(p.data, np.arange(6).reshape(2, 3))
    for value in opt.state.get(p, {}).values():
        if isinstance(value, np.ndarray):
            assert value.dtype == np.float32


@pytest.mark.parametrize("cls,kwargs", ALL)
def test_numpy_float64_hyperparameters_do_not_promote_float32(cls, kwargs):
    # NOTE: NumPy 2 promotes float32 * np.float64 to float64; the update must still be float32
    as_np = {k: np.float64(v) if type(v) is float else v for k, v in kwargs.items()}
    results = []
    for kw in (kwargs, as_np):
        p = tl.Tensor(np.linspace(-1, 1, 5, dtype=np.float32), requires_grad=True)
        opt = cls([p], **kw)
        for t in range(3):
            p.grad = np.full(5, 0.1 * (t + 1), np.float32)
            opt.step()
        results.append(p.data)
    np.testing.assert_array_equal(results[0], results[1])


@pytest.mark.parametrize("cls,kwargs", [*ALL, (SGD, dict(lr=0.1, momentum=0.9))])
def test_float64_gradient_on_float32_param_acts_as_its_float32_cast(cls, kwargs):
    results = []
    for grad_dtype in (np.float64, np.float32):
        p = tl.Tensor(np.ones(4, np.float32), requires_grad=True)
        opt = cls([p], **kwargs)
        for t in range(3):
            p.grad = np.array([0.1, -0.3, 0.7, 1e-3 * t], grad_dtype)
            opt.step()
        assert p.data.dtype == np.float32
        arrays = [v for v in opt.state.get(p, {}).values() if isinstance(v, np.ndarray)]
        assert all(v.dtype == np.float32 for v in arrays)
        results.append(p.data)
    np.testing.assert_array_equal(results[0], results[1])


@pytest.mark.parametrize("cls,kwargs", ALL)
def test_params_without_grad_are_skipped_and_keep_no_state(cls, kwargs):
    a = tl.Tensor([1.0, 2.0], requires_grad=True)
    b = tl.Tensor([3.0, 4.0], requires_grad=True)
    opt = cls([a, b], **kwargs)
    for _ in range(3):
        a.grad = np.array([0.5, -0.5], np.float32)
        opt.step()
    np.testing.assert_array_equal(b.data, [3.0, 4.0])
    assert b not in opt.state
    assert 1 not in opt.state_dict()["state"]
    assert not np.array_equal(a.data, [1.0, 2.0])


def test_step_with_a_misshaped_gradient_changes_nothing():
    a, b = tl.Tensor([1.0, 2.0], requires_grad=True), tl.Tensor([3.0], requires_grad=True)
    opt = SGD([a, b], lr=0.1, momentum=0.9)
    a.grad, b.grad = np.ones(2, np.float32), np.ones(2, np.float32)
    with pytest.raises(ValueError, match=r"parameter 1 has shape \(2,\).*\(1,\)"):
        opt.step()
    np.testing.assert_array_equal(a.data, [1.0, 2.0])
    assert opt.state == {}


def test_step_closure_returns_the_loss():
    p = tl.Tensor([3.0], requires_grad=True)
    opt = SGD([p], lr=0.25)

    def closure():
        opt.zero_grad()
        loss = (p * p).sum()
        loss.backward()
        return loss

    with tl.no_grad():
        loss = opt.step(closure)
    assert loss.item() == 9.0
    np.testing.assert_allclose(p.data, [3.0 - 0.25 * 6.0])


def test_zero_grad():
    a, b = tl.Tensor([1.0, 2.0], requires_grad=True), tl.Tensor([[3.0]], requires_grad=True)
    opt = SGD([a, b], lr=0.1)
    (a.sum() * b.sum()).backward()
    held = a.grad
    opt.zero_grad(set_to_none=False)
    for p in (a, b):
        assert p.grad.shape == p.shape and p.grad.dtype == np.float32
        assert not p.grad.any()
    np.testing.assert_array_equal(held, [3.0, 3.0])  # a fresh array: the old one is untouched
    opt.zero_grad()
    assert a.grad is None and b.grad is None


# ----------------------------------------------------------------------------- state dicts

STATEFUL = [
    (SGD, dict(lr=0.1, momentum=0.9, nesterov=True)),
    (Adam, dict(lr=0.05, amsgrad=True)),
    (AdamW, dict(lr=0.05, weight_decay=0.1)),
    (RMSprop, dict(lr=0.01, centered=True, momentum=0.5)),
]
STATE_KEYS = {
    SGD: {"momentum_buffer"},
    Adam: {"step", "exp_avg", "exp_avg_sq", "max_exp_avg_sq"},
    AdamW: {"step", "exp_avg", "exp_avg_sq"},
    RMSprop: {"step", "square_avg", "grad_avg", "momentum_buffer"},
}


def trained(cls, kwargs, steps=5, dtype=np.float64):
    prob = Quadratic()
    params = [tl.Tensor(a, requires_grad=True) for a in initial_arrays(dtype)]
    opt = cls([{"params": params[:1], "lr": 0.02}, {"params": params[1:]}], **kwargs)
    for t in range(steps):
        for i, p in enumerate(params):
            p.grad = prob.grad(i, p.data, t)
        opt.step()
    return params, opt


def continue_training(params, opt, start, steps=5):
    prob = Quadratic()
    for t in range(start, start + steps):
        for i, p in enumerate(params):
            p.grad = prob.grad(i, p.data, t)
        opt.step()
    return [p.data.copy() for p in params]


@pytest.mark.parametrize("cls,kwargs", STATEFUL)
def test_state_dict_layout(cls, kwargs):
    params, opt = trained(cls, kwargs)
    sd = opt.state_dict()
    assert [g["params"] for g in sd["param_groups"]] == [[0], [1, 2]]
    assert sd["param_groups"][0]["lr"] == 0.02 and sd["param_groups"][1]["lr"] == kwargs["lr"]
    assert sorted(sd["state"]) == [0, 1, 2]
    for i, p in enumerate(params):
        s = sd["state"][i]
        assert set(s) == STATE_KEYS[cls]
        if "step" in s:
            assert s["step"] == 5 and type(s["step"]) is int
        for key, value in s.items():
            if key != "step":
                assert isinstance(value, np.ndarray) and value.shape == p.shape
                assert not np.shares_memory(value, opt.state[p][key])  # a copy


@pytest.mark.parametrize("dtype", [np.float64, np.float32])
@pytest.mark.parametrize("cls,kwargs", STATEFUL)
def test_state_dict_round_trip_continues_identically(cls, kwargs, dtype):
    params, opt = trained(cls, kwargs, dtype=dtype)
    sd = opt.state_dict()
    saved_params = [p.data.copy() for p in params]
    expected = continue_training(params, opt, start=5)

    fresh = [tl.Tensor(a, requires_grad=True) for a in saved_params]
    other = cls([{"params": fresh[:1]}, {"params": fresh[1:]}], lr=0.5)  # options come from sd
    other.load_state_dict(sd)
    assert other.param_groups[0]["lr"] == 0.02
    for values in sd["state"].values():  # the optimizer holds copies, not the dict's arrays
        for v in values.values():
            if isinstance(v, np.ndarray):
                v[...] = 1e6
    got = continue_training(fresh, other, start=5)
    for a, b in zip(got, expected, strict=True):
        assert a.dtype == dtype
        np.testing.assert_array_equal(a, b)


def snapshot(opt):
    sd = opt.state_dict()
    return sd["param_groups"], {
        i: {k: np.copy(v) for k, v in s.items()} for i, s in sd["state"].items()
    }


def assert_unchanged(opt, before):
    groups, state = snapshot(opt)
    assert groups == before[0]
    assert state.keys() == before[1].keys()
    for i in state:
        for k in state[i]:
            np.testing.assert_array_equal(state[i][k], before[1][i][k])


def make_bad(sd, kind):
    sd = {
        "state": {i: dict(s) for i, s in sd["state"].items()},
        "param_groups": [dict(g) for g in sd["param_groups"]],
    }
    if kind == "groups":
        sd["param_groups"].append({**sd["param_groups"][0], "params": [3]})
    elif kind == "size":
        sd["param_groups"][1]["params"] = [1]
    elif kind == "shape":
        sd["state"][2]["exp_avg_sq"] = np.zeros((3, 2, 1))  # the last one: nothing before it
    elif kind == "keys":
        sd["state"][2] = {"momentum_buffer": sd["state"][2]["exp_avg"]}
    elif kind == "option":
        sd["param_groups"][1]["betas"] = (0.9, 1.5)
    return sd


@pytest.mark.parametrize(
    "kind,match",
    [
        ("groups", "has 3 parameter groups, this optimizer has 2"),
        ("size", "group 1 holds 1 parameters in the state dict but 2"),
        ("shape", r"'exp_avg_sq' of parameter 2 has shape \(3, 2, 1\).*\(2, 1, 3\)"),
        ("keys", r"parameter 2 has keys \['momentum_buffer'\]"),
        ("option", "betas"),
    ],
)
def test_load_state_dict_mismatch_raises_and_changes_nothing(kind, match):
    _, source = trained(Adam, dict(lr=0.05))
    params, target = trained(Adam, dict(lr=0.3), steps=2)
    before = snapshot(target)
    with pytest.raises(ValueError, match=match):
        target.load_state_dict(make_bad(source.state_dict(), kind))
    assert_unchanged(target, before)
    assert target.param_groups[1]["lr"] == 0.3 and target.state[params[0]]["step"] == 2


# ----------------------------------------------------------------------------- validation


def leaf(*values, dtype=np.float32):
    return tl.Tensor(np.array(values, dtype=dtype), requires_grad=dtype != np.int64)


def nonleaf():
    return leaf(1.0, 2.0) * 2


BAD = [
    (lambda: SGD(leaf(1.0), lr=0.1), TypeError, "single Tensor"),
    (lambda: SGD([leaf(1.0), np.zeros(3)], lr=0.1), TypeError, "parameter 1 is a ndarray"),
    (lambda: SGD([leaf(1.0), [1.0]], lr=0.1), TypeError, "parameter 1 is a list"),
    (lambda: SGD([tl.Tensor([1, 2])], lr=0.1), ValueError, "dtype int64"),
    (lambda: SGD([nonleaf()], lr=0.1), ValueError, "parameter 0 is not a leaf"),
    (lambda: SGD([], lr=0.1), ValueError, "empty parameter list"),
    (lambda: SGD(iter([]), lr=0.1), ValueError, "empty parameter list"),
    (lambda: SGD([leaf(1.0)], lr=-0.1), ValueError, "invalid lr -0.1"),
    (lambda: SGD([leaf(1.0)], lr=float("nan")), ValueError, "invalid lr nan"),
    (lambda: SGD([leaf(1.0)], lr="0.1"), TypeError, "lr must be a number"),
    (lambda: SGD([leaf(1.0)], lr=0.1, momentum=-0.5), ValueError, "invalid momentum -0.5"),
    (lambda: SGD([leaf(1.0)], weight_decay=-1e-4), ValueError, "invalid weight_decay -0.0001"),
    (lambda: SGD([leaf(1.0)], lr=0.1, nesterov=True), ValueError, "nesterov needs momentum"),
    (
        lambda: SGD([leaf(1.0)], lr=0.1, momentum=0.9, dampening=0.1, nesterov=True),
        ValueError,
        "dampening=0.1",
    ),
    (lambda: Adam([leaf(1.0)], lr=-1.0), ValueError, "invalid lr -1.0"),
    (lambda: Adam([leaf(1.0)], eps=-1e-8), ValueError, "invalid eps -1e-08"),
    (lambda: Adam([leaf(1.0)], weight_decay=-0.1), ValueError, "invalid weight_decay -0.1"),
    (lambda: Adam([leaf(1.0)], betas=(1.0, 0.999)), ValueError, r"betas\[0\] 1.0"),
    (lambda: Adam([leaf(1.0)], betas=(0.9, -0.1)), ValueError, r"betas\[1\] -0.1"),
    (lambda: Adam([leaf(1.0)], betas=(0.9,)), ValueError, "pair"),
    (lambda: AdamW([leaf(1.0)], betas=(0.9, 1.0)), ValueError, r"betas\[1\] 1.0"),
    (lambda: AdamW([leaf(1.0)], weight_decay=-0.01), ValueError, "invalid weight_decay -0.01"),
    (lambda: RMSprop([leaf(1.0)], lr=-0.01), ValueError, "invalid lr -0.01"),
    (lambda: RMSprop([leaf(1.0)], alpha=-0.9), ValueError, "invalid alpha -0.9"),
    (lambda: RMSprop([leaf(1.0)], eps=-1.0), ValueError, "invalid eps -1.0"),
    (lambda: RMSprop([leaf(1.0)], momentum=-0.1), ValueError, "invalid momentum -0.1"),
    (lambda: RMSprop([leaf(1.0)], weight_decay=-2.0), ValueError, "invalid weight_decay -2.0"),
    (
        lambda: SGD([{"params": [leaf(1.0)]}, {"params": [leaf(2.0)], "lr": -3.0}], lr=0.1),
        ValueError,
        "parameter group 1: invalid lr -3.0",
    ),
    (
        lambda: SGD([{"params": [leaf(1.0)]}, {"params": [leaf(2.0), "w"]}], lr=0.1),
        TypeError,
        r"parameter 2 \(group 1\) is a str",
    ),
    (lambda: SGD([{"params": {leaf(1.0)}}], lr=0.1), TypeError, "set"),
    (lambda: SGD([{"lr": 0.1}], lr=0.1), ValueError, "no 'params'"),
]


@pytest.mark.parametrize("factory,exc,match", BAD)
def test_invalid_arguments_raise(factory, exc, match):
    with pytest.raises(exc, match=match):
        factory()


def test_the_same_tensor_twice_raises():
    p = leaf(1.0, 2.0)
    with pytest.raises(ValueError, match="parameter 1 appears more than once"):
        SGD([p, p], lr=0.1)
    with pytest.raises(ValueError, match=r"parameter 1 \(group 1\) appears more than once"):
        Adam([{"params": [p]}, {"params": [p]}])


def test_add_param_group_validates_before_adding():
    a, b = leaf(1.0), leaf(2.0)
    opt = SGD([a], lr=0.1, momentum=0.9)
    for bad, exc in [
        ({"params": [a]}, ValueError),
        ({"params": [b], "lr": -1}, ValueError),
        ({"params": [b, 3.0]}, TypeError),
        ([b], TypeError),
    ]:
        with pytest.raises(exc):
            opt.add_param_group(bad)
        assert len(opt.param_groups) == 1
    group = {"params": b, "lr": 0.5}
    opt.add_param_group(group)
    assert opt.param_groups[1] == {**opt.defaults, "params": [b], "lr": 0.5}
    assert group == {"params": b, "lr": 0.5}  # the caller's dict is not modified
    b.grad = np.ones(1, np.float32)
    opt.step()
    np.testing.assert_allclose(b.data, [1.5])


def test_base_optimizer_has_no_update_rule():
    opt = Optimizer([leaf(1.0)], {"lr": 0.1})
    opt.param_groups[0]["params"][0].grad = np.ones(1, np.float32)
    with pytest.raises(NotImplementedError):
        opt.step()
    assert "lr: 0.1" in repr(opt)


# ----------------------------------------------------------------------------- schedulers


def opt_pair(torch, lrs=(0.1, 0.02)):
    ours = SGD([{"params": [leaf(1.0)], "lr": lr} for lr in lrs], lr=lrs[0])
    theirs = torch.optim.SGD(
        [{"params": [torch.zeros(1, requires_grad=True)], "lr": lr} for lr in lrs], lr=lrs[0]
    )
    return ours, theirs


def lr_sequences(sched, opt, epochs=25):
    seq = [sched.get_last_lr()]
    for _ in range(epochs):
        opt.step()
        sched.step()
        seq.append(sched.get_last_lr())
        assert [g["lr"] for g in opt.param_groups] == seq[-1]
    return seq


SCHEDULES = [
    ("StepLR", dict(step_size=3, gamma=0.5)),
    ("StepLR", dict(step_size=1)),
    ("CosineAnnealingLR", dict(T_max=5, eta_min=0.01)),
    ("CosineAnnealingLR", dict(T_max=7)),
    ("LambdaLR", dict(lr_lambda=lambda e: 0.95**e)),
    ("LambdaLR", dict(lr_lambda=[lambda e: 1 / (e + 1), lambda e: min(1.0, (e + 1) / 4)])),
]


@pytest.mark.parametrize("name,kwargs", SCHEDULES)
def test_scheduler_matches_torch(name, kwargs):
    torch = pytest.importorskip("torch")
    ours, theirs = opt_pair(torch)
    ours_seq = lr_sequences(getattr(lr_scheduler, name)(ours, **kwargs), ours)
    theirs_seq = lr_sequences(getattr(torch.optim.lr_scheduler, name)(theirs, **kwargs), theirs)
    assert len(set(map(tuple, ours_seq))) > 1  # the rate did change
    for a, b in zip(ours_seq, theirs_seq, strict=True):
        assert a == pytest.approx(b, rel=1e-14, abs=1e-16)


def test_step_lr_is_chainable_like_torch():
    # StepLR multiplies the current lr, so a rate changed by hand carries on from there
    torch = pytest.importorskip("torch")
    ours, theirs = opt_pair(torch)
    seqs = []
    for opt, module in [(ours, lr_scheduler), (theirs, torch.optim.lr_scheduler)]:
        sched = module.StepLR(opt, step_size=2, gamma=0.1)
        seq = []
        for epoch in range(8):
            opt.step()
            sched.step()
            if epoch == 2:
                opt.param_groups[0]["lr"] = 1.0
            seq.append([g["lr"] for g in opt.param_groups])
        seqs.append(seq)
    assert seqs[0] == seqs[1]
    assert seqs[0][-1][0] == pytest.approx(1e-3)


def test_a_second_scheduler_keeps_the_first_initial_lr():
    opt = SGD([leaf(1.0)], lr=0.1)
    first = lr_scheduler.StepLR(opt, step_size=1, gamma=0.5)
    lr_sequences(first, opt, epochs=2)
    assert opt.param_groups[0]["lr"] == pytest.approx(0.025)
    lr_scheduler.LambdaLR(opt, lambda e: 1.0)  # as in PyTorch: scaled from 'initial_lr' = 0.1
    assert opt.param_groups[0]["lr"] == 0.1 and opt.param_groups[0]["initial_lr"] == 0.1


def test_cosine_by_hand():
    opt = SGD([leaf(1.0)], lr=1.0)
    sched = lr_scheduler.CosineAnnealingLR(opt, T_max=4, eta_min=0.0)
    got = [lr[0] for lr in lr_sequences(sched, opt, epochs=8)]
    closed = [(1 + math.cos(math.pi * e / 4)) / 2 for e in range(9)]  # down to 0, then back up
    assert got == pytest.approx(closed, abs=1e-12)
    assert got[2] == pytest.approx(0.5) and got[4] == pytest.approx(0.0, abs=1e-15)
    assert got[8] == pytest.approx(1.0)


def test_step_and_lambda_by_hand_and_the_optimizer_uses_the_rate():
    p = leaf(0.0)
    opt = SGD([p], lr=0.1)
    sched = lr_scheduler.StepLR(opt, step_size=3, gamma=0.5)
    got = [lr[0] for lr in lr_sequences(sched, opt, epochs=9)]
    assert got == pytest.approx([0.1 * 0.5 ** (e // 3) for e in range(10)], rel=1e-15)
    p.grad = np.ones(1, np.float32)
    opt.step()
    np.testing.assert_allclose(p.data, [-0.1 * 0.5**3])

    opt = SGD([leaf(0.0), leaf(1.0)], lr=2.0)
    sched = lr_scheduler.LambdaLR(opt, lambda e: 1.0 / (1 + e))
    got = [lr[0] for lr in lr_sequences(sched, opt, epochs=4)]
    assert got == pytest.approx([2.0, 1.0, 2 / 3, 0.5, 0.4])
    assert opt.param_groups[0]["initial_lr"] == 2.0


@pytest.mark.parametrize(
    "make",
    [
        lambda o: lr_scheduler.StepLR(o, step_size=2, gamma=0.7),
        lambda o: lr_scheduler.CosineAnnealingLR(o, T_max=4, eta_min=0.001),
        lambda o: lr_scheduler.LambdaLR(o, lambda e: 0.9**e),
    ],
)
def test_scheduler_state_dict_round_trip(make):
    params = [leaf(1.0), leaf(2.0)]
    opt = SGD([{"params": params[:1]}, {"params": params[1:], "lr": 0.05}], lr=0.1)
    sched = make(opt)
    for _ in range(7):
        opt.step()
        sched.step()
    opt_sd, sched_sd = opt.state_dict(), sched.state_dict()
    assert sched_sd["last_epoch"] == 7 and "optimizer" not in sched_sd
    expected = lr_sequences(sched, opt, epochs=10)

    other_params = [leaf(1.0), leaf(2.0)]
    other = SGD([{"params": other_params[:1]}, {"params": other_params[1:]}], lr=0.3)
    other_sched = make(other)  # built before loading, as in PyTorch
    other.load_state_dict(opt_sd)
    other_sched.load_state_dict(sched_sd)
    assert other_sched.last_epoch == 7
    assert lr_sequences(other_sched, other, epochs=10) == expected


def test_scheduler_errors():
    opt = SGD([leaf(1.0)], lr=0.1)
    with pytest.raises(TypeError, match="not an Optimizer"):
        lr_scheduler.StepLR("opt", step_size=2)
    with pytest.raises(ValueError, match="step_size must be a positive int, got 0"):
        lr_scheduler.StepLR(opt, step_size=0)
    with pytest.raises(ValueError, match="T_max must be a positive int, got 0"):
        lr_scheduler.CosineAnnealingLR(opt, T_max=0)
    with pytest.raises(ValueError, match="expected 1 lr_lambdas, got 2"):
        lr_scheduler.LambdaLR(opt, [lambda e: 1.0, lambda e: 2.0])
    with pytest.raises(KeyError, match="initial_lr"):
        lr_scheduler.StepLR(opt, step_size=2, last_epoch=3)
    assert opt.param_groups[0]["lr"] == 0.1
    sched = lr_scheduler.StepLR(opt, step_size=2)
    before = sched.state_dict()
    with pytest.raises(ValueError, match="unknown keys"):
        sched.load_state_dict({**before, "last_epoch": 9, "bogus": 1})
    with pytest.raises(ValueError, match="base_lrs has 2 entries"):
        sched.load_state_dict({**before, "last_epoch": 9, "base_lrs": [0.1, 0.2]})
    assert sched.state_dict() == before
