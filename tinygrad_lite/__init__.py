"""tinygrad_lite: a small, fast NumPy deep-learning library grown out of micrograd.

>>> import tinygrad_lite as tl
>>> x = tl.Tensor([1.0, 2.0, 3.0], requires_grad=True)
>>> (x * x).sum().backward()
>>> x.grad
array([2., 4., 6.], dtype=float32)
"""

from . import data, datasets, nn, optim, viz  # noqa: E402  (they build on the names above)
from .autograd import (
    Function,
    detect_anomaly,
    enable_grad,
    is_grad_enabled,
    no_grad,
    set_grad_enabled,
)
from .gradcheck import GradcheckError, gradcheck
from .serialization import load, save  # noqa: E402
from .tensor import (
    Tensor,
    bool_,
    cat,
    default_generator,
    float16,
    float32,
    float64,
    get_default_dtype,
    int32,
    int64,
    manual_seed,
    matmul,
    maximum,
    minimum,
    set_default_dtype,
    stack,
    tensor,
    where,
)
from .value import Value

zeros = Tensor.zeros
ones = Tensor.ones
empty = Tensor.empty
full = Tensor.full
eye = Tensor.eye
arange = Tensor.arange
rand = Tensor.rand
randn = Tensor.randn
uniform = Tensor.uniform
zeros_like = Tensor.zeros_like
ones_like = Tensor.ones_like
empty_like = Tensor.empty_like
full_like = Tensor.full_like
rand_like = Tensor.rand_like
randn_like = Tensor.randn_like

__version__ = "0.1.0"

__all__ = [
    "Function",
    "GradcheckError",
    "data",
    "datasets",
    "load",
    "nn",
    "optim",
    "save",
    "viz",
    "Tensor",
    "Value",
    "arange",
    "bool_",
    "cat",
    "default_generator",
    "detect_anomaly",
    "empty",
    "empty_like",
    "enable_grad",
    "eye",
    "float16",
    "float32",
    "float64",
    "full",
    "full_like",
    "get_default_dtype",
    "gradcheck",
    "int32",
    "int64",
    "is_grad_enabled",
    "manual_seed",
    "matmul",
    "maximum",
    "minimum",
    "no_grad",
    "ones",
    "ones_like",
    "rand",
    "rand_like",
    "randn",
    "randn_like",
    "set_default_dtype",
    "set_grad_enabled",
    "stack",
    "tensor",
    "uniform",
    "where",
    "zeros",
    "zeros_like",
]
