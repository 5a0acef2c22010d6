"""detect_anomaly: the first op that made NaN or inf is named, with where it was called from."""

import inspect
import math

import numpy as np
import pytest

import tinygrad_lite as tl
from tinygrad_lite import Tensor, Value

# NOTE: NaN and inf are the point of these tests; NumPy's RuntimeWarnings about them are noise
pytestmark = pytest.mark.filterwarnings("ignore::RuntimeWarning")


def _here() -> int:
    """The line number of the caller."""
    return inspect.currentframe().f_back.f_lineno


def _site(line: int) -> str:
    return f"{__file__}:{line}"


# ----------------------------------------------------------------------------- forward


def test_forward_inf_names_the_op_and_the_calling_line():
    with tl.detect_anomaly(), pytest.raises(FloatingPointError) as err:
        line = _here() + 1
        Tensor([0.0]).log()
    msg = str(err.value)
    assert msg.startswith("Log produced")
    assert "inf in forward" in msg
    assert _site(line) in msg


def test_forward_message_gives_the_sign_of_the_infinity():
    with tl.detect_anomaly(), pytest.raises(FloatingPointError, match=r"Log produced -inf"):
        Tensor([0.0]).log()


def test_forward_nan_from_a_value_op():
    with tl.detect_anomaly(), pytest.raises(FloatingPointError) as err:
        line = _here() + 1
        Value(-1.0).log()
    assert "Log produced nan in forward" in str(err.value)
    assert _site(line) in str(err.value)


def test_the_first_op_is_named_not_the_ones_after_it():
    x = Tensor([-1.0, 4.0], requires_grad=True)
    with tl.detect_anomaly(), pytest.raises(FloatingPointError, match=r"^Sqrt produced nan"):
        ((x * 2).sqrt() + 1).exp().sum()


def test_tensor_ops_on_value_inputs_are_checked_too():
    with tl.detect_anomaly(), pytest.raises(FloatingPointError, match=r"^Exp produced inf"):
        (Tensor([1.0]) * Value(1000.0)).exp()


@pytest.mark.parametrize(
    "make",
    [
        lambda: Tensor([np.nan, 1.0]) + 1,
        lambda: Tensor([np.inf], requires_grad=True) * 0,
        lambda: Value(math.nan) * 2,
    ],
    ids=["nan tensor", "inf times 0", "nan value"],
)
def test_an_input_that_already_held_nan_is_reported_as_data(make):
    with tl.detect_anomaly(), pytest.raises(FloatingPointError) as err:
        make()
    msg = str(err.value)
    assert "already held nan/inf" in msg
    assert "came from data" in msg
    assert __file__ in msg


def test_finite_results_pass_untouched():
    x = Tensor([1.0, 2.0], requires_grad=True)
    with tl.detect_anomaly():
        y = (x.log() * x.sqrt()).sum()
        y.backward()
    np.testing.assert_allclose(
        x.grad, np.log([1.0, 2.0]) / (2 * np.sqrt([1.0, 2.0])) + 1 / np.sqrt([1.0, 2.0]), rtol=1e-6
    )


# ----------------------------------------------------------------------------- backward


def test_backward_inf_names_the_op_and_says_backward():
    x = Tensor([0.0, 1.0], requires_grad=True)
    with tl.detect_anomaly():
        line = _here() + 1
        y = x.sqrt().sum()  # forward is fine: sqrt(0) = 0
        with pytest.raises(FloatingPointError) as err:
            y.backward()  # d sqrt(x)/dx = 1 / (2 sqrt(x)) is inf at 0
    msg = str(err.value)
    assert msg.startswith("Sqrt produced inf in backward")
    assert "gradient of input 0" in msg
    assert _site(line) in msg  # where the forward was called: that is the line to fix


def test_backward_nan_in_a_value_graph():
    a = Value(0.0)
    with tl.detect_anomaly():
        b = a**0.5  # 0.0 in forward
        with pytest.raises(FloatingPointError, match=r"^Pow produced inf in backward"):
            b.backward()


def test_backward_is_checked_when_only_backward_runs_inside():
    x = Tensor([0.0], requires_grad=True)
    y = x.sqrt().sum()
    with tl.detect_anomaly(), pytest.raises(FloatingPointError, match=r"Sqrt produced inf"):
        y.backward()


def test_a_nan_seed_gradient_is_not_blamed_on_an_op():
    x = Tensor([1.0, 2.0], requires_grad=True)
    y = x * 2
    with tl.detect_anomaly(), pytest.raises(FloatingPointError) as err:
        y.backward(gradient=[np.nan, 1.0])
    assert "Mul produced" not in str(err.value)


# ----------------------------------------------------------------------------- the switch


def test_off_by_default_and_nothing_raised_outside_the_context():
    x = Tensor([0.0], requires_grad=True)
    y = x.log()  # -inf, silently, as in NumPy and PyTorch
    assert y.data[0] == -np.inf
    assert math.isnan(Value(-1.0).log().data)
    z = x.sqrt().sum()
    z.backward()
    assert x.grad[0] == np.inf
    # NOTE: off means free: no call site is looked up (that walks the stack) for ops outside
    assert "site" not in y._ctx.__dict__


def test_context_turns_off_again_after_it_exits():
    with tl.detect_anomaly(), pytest.raises(FloatingPointError):
        Tensor([0.0]).log()
    assert Tensor([0.0]).log().data[0] == -np.inf  # the exception did not leave it on


def test_nested_contexts_restore_the_outer_state():
    with tl.detect_anomaly():
        with tl.detect_anomaly():
            pass
        with pytest.raises(FloatingPointError):  # still on after the inner one exits
            Tensor([0.0]).log()
    Tensor([0.0]).log()  # and off after the outer one


def test_anomaly_mode_and_no_grad_are_independent():
    with tl.no_grad(), tl.detect_anomaly(), pytest.raises(FloatingPointError):
        Tensor([-1.0]).sqrt()
