"""Module: the base class of layers and models, with PyTorch's registration and state dicts."""

from __future__ import annotations

from collections import OrderedDict
from collections.abc import Callable, Iterator, Mapping
from typing import TYPE_CHECKING, Any, NamedTuple

import numpy as np

from ..tensor import Tensor


class Parameter(Tensor):
    """A leaf Tensor that a Module registers as trainable (like `torch.nn.Parameter`).

    `requires_grad` defaults to True; a Tensor passed in is used for its array.

    >>> import tinygrad_lite as tl
    >>> p = tl.nn.Parameter([1.0, 2.0])
    >>> p.requires_grad, p.shape
    (True, (2,))
    """

    __slots__ = ()

    def __init__(self, data: Any, requires_grad: bool = True) -> None:
        super().__init__(data.data if isinstance(data, Tensor) else data, requires_grad)

    def __repr__(self) -> str:
        return "Parameter containing:\n" + super().__repr__()


class IncompatibleKeys(NamedTuple):
    """What `load_state_dict(strict=False)` skipped (like PyTorch's `_IncompatibleKeys`).

    >>> import tinygrad_lite as tl
    >>> tl.nn.Linear(2, 1).load_state_dict({"weight": np.zeros((1, 2))}, strict=False)
    IncompatibleKeys(missing_keys=['bias'], unexpected_keys=[])
    """

    missing_keys: list[str]
    unexpected_keys: list[str]


class Module:
    """Base class of layers and models (like `torch.nn.Module`).

    Assigning a Parameter (or any leaf Tensor that requires grad) or a Module to an attribute
    registers it, so `parameters()` and `state_dict()` find it. Subclasses define `forward`;
    calling the module calls it.

    >>> import tinygrad_lite as tl
    >>> class Net(tl.nn.Module):
    ...     def __init__(self):
    ...         super().__init__()
    ...         self.fc = tl.nn.Linear(4, 2)
    ...     def forward(self, x):
    ...         return self.fc(x).relu()
    >>> net = Net()
    >>> [name for name, _ in net.named_parameters()]
    ['fc.weight', 'fc.bias']
    >>> net(tl.Tensor(np.ones((3, 4)))).shape
    (3, 2)
    """

    training: bool = True

    if TYPE_CHECKING:  # registered parameters, buffers and submodules are plain attributes

        def __getattr__(self, name: str) -> Any: ...

    def __init__(self) -> None:
        self._registry()

    def _registry(self) -> tuple[dict, dict, dict]:
        """The three registries, made on first use so that micrograd-style subclasses that never
        call `super().__init__()` still work."""
        d = self.__dict__
        if "_parameters" not in d:
            d["_parameters"] = OrderedDict()
            d["_buffers"] = OrderedDict()
            d["_modules"] = OrderedDict()
            d["_non_persistent"] = set()
        return d["_parameters"], d["_buffers"], d["_modules"]

    def __setattr__(self, name: str, value: Any) -> None:
        params, buffers, modules = self._registry()
        is_param = isinstance(value, Parameter) or (
            isinstance(value, Tensor) and value.requires_grad and value.is_leaf
        )
        if name in params and not is_param and value is not None:
            raise TypeError(
                f"cannot assign {type(value).__name__} to parameter {name!r} of "
                f"{type(self).__name__} (a Parameter, a leaf Tensor that requires grad, or None)"
            )
        # NOTE: a name keeps its place in its registry when reassigned (dict assignment keeps
        # order), so parameter order and optimizer state numbering stay stable
        if is_param or (name in params and value is None):
            modules.pop(name, None)
            buffers.pop(name, None)
            params[name] = value
        elif isinstance(value, Module):
            params.pop(name, None)
            buffers.pop(name, None)
            modules[name] = value
        elif name in buffers:
            if value is not None and not isinstance(value, Tensor):
                raise TypeError(f"buffer {name!r} must be a Tensor or None, got {type(value)}")
            buffers[name] = value
        else:
            modules.pop(name, None)
        # NOTE: registered objects also live in __dict__, so reading self.weight is a plain
        # attribute lookup on the hot path (PyTorch goes through __getattr__)
        object.__setattr__(self, name, value)

    def __delattr__(self, name: str) -> None:
        for reg in self._registry():
            reg.pop(name, None)
        self.__dict__["_non_persistent"].discard(name)
        object.__delattr__(self, name)

    def register_buffer(self, name: str, tensor: Tensor | None, persistent: bool = True) -> None:
        """Register non-trainable state (like `torch.nn.Module.register_buffer`).

        A buffer (e.g. BatchNorm's running mean) is saved by `state_dict` unless
        `persistent=False`, cast by `to`, and never returned by `parameters`.

        >>> import tinygrad_lite as tl
        >>> m = tl.nn.Module()
        >>> m.register_buffer("steps", tl.Tensor(0))
        >>> list(m.state_dict()), m.parameters()
        (['steps'], [])
        """
        _, buffers, _ = self._registry()
        buffers[name] = tensor
        if persistent:
            self.__dict__["_non_persistent"].discard(name)
        else:
            self.__dict__["_non_persistent"].add(name)
        object.__setattr__(self, name, tensor)

    def register_parameter(self, name: str, param: Tensor | None) -> None:
        """Register a parameter under `name`, None removing it (like
        `torch.nn.Module.register_parameter`); assigning an attribute does the same.

        >>> import tinygrad_lite as tl
        >>> m = tl.nn.Module()
        >>> m.register_parameter("scale", tl.nn.Parameter(1.0))
        >>> [name for name, _ in m.named_parameters()]
        ['scale']
        """
        params, _, _ = self._registry()
        if param is None:
            params.pop(name, None)
        else:
            params[name] = param
        object.__setattr__(self, name, param)

    def add_module(self, name: str, module: Module | None) -> None:
        """Register a submodule under `name` (like `torch.nn.Module.add_module`); assigning an
        attribute does the same, this also takes names that are not identifiers.

        >>> import tinygrad_lite as tl
        >>> m = tl.nn.Module()
        >>> m.add_module("fc", tl.nn.Linear(2, 1))
        >>> m
        Module(
          (fc): Linear(in_features=2, out_features=1, bias=True)
        )
        """
        _, _, modules = self._registry()
        modules[name] = module
        object.__setattr__(self, name, module)

    # --- calling
    def forward(self, *args: Any, **kwargs: Any) -> Any:
        """The module's computation, defined by subclasses (like `torch.nn.Module.forward`).

        Call the module itself, `m(x)`, which calls this.

        >>> import tinygrad_lite as tl
        >>> tl.nn.Module()(1)
        Traceback (most recent call last):
        NotImplementedError: Module has no forward()
        """
        raise NotImplementedError(f"{type(self).__name__} has no forward()")

    def __call__(self, *args: Any, **kwargs: Any) -> Any:
        return self.forward(*args, **kwargs)

    # --- traversal
    def named_modules(self, prefix: str = "") -> Iterator[tuple[str, Module]]:
        """This module and every submodule with dotted names, each once, depth first (like
        `torch.nn.Module.named_modules`); the module itself is named `prefix` ('').

        >>> import tinygrad_lite as tl
        >>> net = tl.nn.Sequential(tl.nn.Linear(2, 3), tl.nn.Sequential(tl.nn.ReLU()))
        >>> [name for name, _ in net.named_modules()]
        ['', '0', '1', '1.0']
        """
        seen: set[int] = set()
        stack = [(prefix, self)]
        while stack:
            name, m = stack.pop()
            if id(m) in seen:
                continue
            seen.add(id(m))
            yield name, m
            subs = m._registry()[2]
            for sub_name, sub in reversed(list(subs.items())):
                if sub is not None:
                    stack.append((f"{name}.{sub_name}" if name else sub_name, sub))

    def modules(self) -> Iterator[Module]:
        """This module and every submodule, each once (like `torch.nn.Module.modules`).

        >>> import tinygrad_lite as tl
        >>> net = tl.nn.Sequential(tl.nn.Linear(2, 3), tl.nn.ReLU())
        >>> [type(m).__name__ for m in net.modules()]
        ['Sequential', 'Linear', 'ReLU']
        """
        for _, m in self.named_modules():
            yield m

    def named_children(self) -> Iterator[tuple[str, Module]]:
        """The direct submodules with their names (like `torch.nn.Module.named_children`).

        >>> import tinygrad_lite as tl
        >>> net = tl.nn.Sequential(tl.nn.Linear(2, 3), tl.nn.ReLU())
        >>> [name for name, _ in net.named_children()]
        ['0', '1']
        """
        for name, m in self._registry()[2].items():
            if m is not None:
                yield name, m

    def children(self) -> Iterator[Module]:
        """The direct submodules (like `torch.nn.Module.children`).

        >>> import tinygrad_lite as tl
        >>> net = tl.nn.Sequential(tl.nn.Linear(2, 3), tl.nn.ReLU())
        >>> [type(m).__name__ for m in net.children()]
        ['Linear', 'ReLU']
        """
        for _, m in self.named_children():
            yield m

    def named_parameters(self, prefix: str = "", recurse: bool = True) -> list[tuple[str, Tensor]]:
        """(dotted name, parameter) pairs in registration order, each parameter once (like
        `torch.nn.Module.named_parameters`, but a list).

        >>> import tinygrad_lite as tl
        >>> [(name, p.shape) for name, p in tl.nn.Linear(2, 3).named_parameters()]
        [('weight', (3, 2)), ('bias', (3,))]
        """
        out, seen = [], set()
        mods = self.named_modules(prefix) if recurse else iter([(prefix, self)])
        for mod_name, m in mods:
            for name, p in m._registry()[0].items():
                if p is not None and id(p) not in seen:
                    seen.add(id(p))
                    out.append((f"{mod_name}.{name}" if mod_name else name, p))
        return out

    def parameters(self, recurse: bool = True) -> list[Any]:
        """Every parameter, each once (like `torch.nn.Module.parameters`, but a list, so
        `len(model.parameters())` works); pass it to an optimizer.

        >>> import tinygrad_lite as tl
        >>> sum(p.size for p in tl.nn.Linear(2, 3).parameters())
        9
        """
        return [p for _, p in self.named_parameters(recurse=recurse)]

    def named_buffers(self, prefix: str = "") -> list[tuple[str, Tensor]]:
        """(dotted name, buffer) pairs, non-persistent ones included (like
        `torch.nn.Module.named_buffers`, but a list).

        >>> import tinygrad_lite as tl
        >>> [name for name, _ in tl.nn.BatchNorm1d(3).named_buffers()]
        ['running_mean', 'running_var', 'num_batches_tracked']
        """
        out = []
        for mod_name, m in self.named_modules(prefix):
            for name, b in m._registry()[1].items():
                if b is not None:
                    out.append((f"{mod_name}.{name}" if mod_name else name, b))
        return out

    def buffers(self) -> list[Tensor]:
        """Every buffer (like `torch.nn.Module.buffers`, but a list).

        >>> import tinygrad_lite as tl
        >>> [b.shape for b in tl.nn.BatchNorm1d(3).buffers()]
        [(3,), (3,), ()]
        """
        return [b for _, b in self.named_buffers()]

    def apply(self, fn: Callable[[Module], None]) -> Module:
        """Call fn on each child's subtree in order, then on self (like `torch.nn.Module.apply`).

        Returns self; the usual use is custom initialisation.

        >>> import tinygrad_lite as tl
        >>> def zero_linear(m):
        ...     if isinstance(m, tl.nn.Linear):
        ...         tl.nn.init.zeros_(m.weight)
        >>> net = tl.nn.Sequential(tl.nn.Linear(2, 2), tl.nn.ReLU()).apply(zero_linear)
        >>> net[0].weight.data.tolist()
        [[0.0, 0.0], [0.0, 0.0]]
        """
        for m in self.children():
            m.apply(fn)
        fn(self)
        return self

    # --- modes and gradients
    def train(self, mode: bool = True) -> Module:
        """Set training mode on this module and every submodule (like `torch.nn.Module.train`).

        In training mode Dropout drops and BatchNorm uses batch statistics; `train(False)` is
        `eval()`. Returns self.

        >>> import tinygrad_lite as tl
        >>> net = tl.nn.Sequential(tl.nn.Dropout(0.5)).eval()
        >>> net.train()[0].training
        True
        """
        for m in self.modules():
            object.__setattr__(m, "training", bool(mode))
        return self

    def eval(self) -> Module:
        """Evaluation mode, `train(False)` (like `torch.nn.Module.eval`); returns self.

        >>> import tinygrad_lite as tl
        >>> tl.nn.Dropout(0.5).eval().training
        False
        """
        return self.train(False)

    def zero_grad(self, set_to_none: bool = True) -> None:
        """Clear the gradients of all parameters (like `torch.nn.Module.zero_grad`).

        They become None, as in PyTorch, or zero arrays with `set_to_none=False`.

        >>> import tinygrad_lite as tl
        >>> m = tl.nn.Linear(2, 1)
        >>> m(tl.Tensor([[1.0, 2.0]])).sum().backward()
        >>> m.weight.grad
        array([[1., 2.]], dtype=float32)
        >>> m.zero_grad()
        >>> m.weight.grad is None
        True
        """
        for _, p in self.named_parameters():
            if set_to_none:
                p.grad = None
            elif p.grad is not None:
                p.grad = np.zeros_like(p.data)

    def requires_grad_(self, requires_grad: bool = True) -> Module:
        """Set `requires_grad` on every parameter, in place (like
        `torch.nn.Module.requires_grad_`); `False` freezes the module. Returns self.

        >>> import tinygrad_lite as tl
        >>> tl.nn.Linear(2, 1).requires_grad_(False).weight.requires_grad
        False
        """
        for _, p in self.named_parameters():
            p.requires_grad_(requires_grad)
        return self

    def to(self, dtype: Any) -> Module:
        """Cast every floating parameter and buffer to `dtype`, in place (like
        `torch.nn.Module.to`); the Tensor objects are kept, their gradients cleared, and
        `to("cpu")` does nothing. Returns self.

        >>> import tinygrad_lite as tl
        >>> tl.nn.Linear(2, 1).to(np.float64).weight.dtype
        dtype('float64')
        """
        if isinstance(dtype, str) and dtype == "cpu":
            return self
        dt = np.dtype(dtype)
        for _, t in [*self.named_parameters(), *self.named_buffers()]:
            if t.dtype.kind == "f" and t.dtype != dt:
                t.data = t.data.astype(dt)
                t.grad = None
        return self

    def float(self) -> Module:
        """Cast floating parameters and buffers to float32 (like `torch.nn.Module.float`).

        >>> import tinygrad_lite as tl
        >>> tl.nn.Linear(2, 1).double().float().weight.dtype
        dtype('float32')
        """
        return self.to(np.float32)

    def double(self) -> Module:
        """Cast floating parameters and buffers to float64 (like `torch.nn.Module.double`).

        >>> import tinygrad_lite as tl
        >>> tl.nn.Linear(2, 1).double().bias.dtype
        dtype('float64')
        """
        return self.to(np.float64)

    # --- state
    def state_dict(self) -> OrderedDict[str, Tensor]:
        """Parameters and persistent buffers by dotted name (like `torch.nn.Module.state_dict`,
        with PyTorch's keys and layouts).

        Values are detached Tensors sharing the module's arrays, as in PyTorch. A submodule
        registered under two names is saved under both, as PyTorch does.

        >>> import tinygrad_lite as tl
        >>> list(tl.nn.MLP(2, [3, 1]).state_dict())
        ['0.weight', '0.bias', '2.weight', '2.bias']
        """
        sd: OrderedDict[str, Tensor] = OrderedDict()
        stack: list[tuple[str, Module]] = [("", self)]
        while stack:
            prefix, m = stack.pop()
            params, buffers, modules = m._registry()
            skip = m.__dict__["_non_persistent"]
            for name, t in [*params.items(), *buffers.items()]:
                if t is not None and name not in skip:
                    sd[prefix + name] = t.detach()
            for name, sub in reversed(list(modules.items())):
                if sub is not None:
                    stack.append((f"{prefix}{name}.", sub))
        return sd

    def load_state_dict(
        self, state_dict: Mapping[str, Any], strict: bool = True
    ) -> IncompatibleKeys:
        """Copy arrays into this module's parameters and buffers, in place.

        Like `torch.nn.Module.load_state_dict`; values may be Tensors, NumPy arrays (what
        `tl.load` returns) or torch tensors. Every key and shape is checked before anything is
        written: missing or unexpected keys (when `strict`) and any shape mismatch raise one
        RuntimeError that names them all.

        >>> import tinygrad_lite as tl
        >>> a, b = tl.nn.Linear(2, 1), tl.nn.Linear(2, 1)
        >>> b.load_state_dict(a.state_dict())
        IncompatibleKeys(missing_keys=[], unexpected_keys=[])
        >>> bool((a.weight.data == b.weight.data).all())
        True
        """
        own = self.state_dict()
        missing = [k for k in own if k not in state_dict]
        unexpected = [k for k in state_dict if k not in own]
        arrays, mismatched = {}, []
        for k, t in own.items():
            if k not in state_dict:
                continue
            arr = np.asarray(state_dict[k].detach() if _is_torch(state_dict[k]) else state_dict[k])
            if arr.shape != t.shape:
                mismatched.append(f"{k}: checkpoint {arr.shape}, model {t.shape}")
                continue
            try:  # convert now, so that a bad value fails before anything is written
                arrays[k] = arr.astype(t.dtype)
            except (TypeError, ValueError):
                mismatched.append(f"{k}: checkpoint dtype {arr.dtype} cannot become {t.dtype}")
        problems = []
        if strict and missing:
            problems.append(f"missing keys {missing}")
        if strict and unexpected:
            problems.append(f"unexpected keys {unexpected}")
        if mismatched:
            problems.append("mismatch for " + "; ".join(mismatched))
        if problems:
            raise RuntimeError(
                f"load_state_dict for {type(self).__name__}: "
                + ", ".join(problems)
                + "; nothing was loaded"
            )
        for k, arr in arrays.items():
            own[k].data[...] = arr
        return IncompatibleKeys(missing, unexpected)

    # --- printing
    def extra_repr(self) -> str:
        """The text inside this module's parentheses in its repr (like
        `torch.nn.Module.extra_repr`); subclasses override it.

        >>> import tinygrad_lite as tl
        >>> tl.nn.Linear(2, 1).extra_repr()
        'in_features=2, out_features=1, bias=True'
        """
        return ""

    def __repr__(self) -> str:
        children = [(n, m) for n, m in self.named_children()]
        if not children:
            return f"{type(self).__name__}({self.extra_repr()})"
        lines = [f"{type(self).__name__}("]
        if self.extra_repr():
            lines.append("  " + self.extra_repr())
        for name, m in children:
            sub = repr(m).replace("\n", "\n  ")
            lines.append(f"  ({name}): {sub}")
        return "\n".join(lines) + "\n)"


def _is_torch(x: Any) -> bool:
    return type(x).__module__.startswith("torch") and hasattr(x, "detach")


class Sequential(Module):
    """Modules applied in order (like `torch.nn.Sequential`); children are named '0', '1', ...

    Also takes one dict of name -> module. Indexing, `len` and iteration give the modules.

    >>> import tinygrad_lite as tl
    >>> net = tl.nn.Sequential(tl.nn.Linear(4, 8), tl.nn.ReLU(), tl.nn.Linear(8, 2))
    >>> net(tl.Tensor(np.ones((5, 4)))).shape
    (5, 2)
    >>> len(net), net[1]
    (3, ReLU())
    """

    def __init__(self, *modules: Any) -> None:
        super().__init__()
        if len(modules) == 1 and isinstance(modules[0], Mapping):
            for name, m in modules[0].items():
                self.add_module(name, m)
        else:
            for i, m in enumerate(modules):
                self.add_module(str(i), m)

    def forward(self, x: Any) -> Any:
        """Each module applied in turn to the previous one's output: m2(m1(m0(x)))."""
        for m in self._registry()[2].values():
            x = m(x)
        return x

    def __getitem__(self, i: int) -> Module:
        return list(self._registry()[2].values())[i]

    def __len__(self) -> int:
        return len(self._registry()[2])

    def __iter__(self) -> Iterator[Module]:
        return iter(list(self._registry()[2].values()))

    def append(self, module: Module) -> Sequential:
        """Add a module at the end, named by its position (like `torch.nn.Sequential.append`).

        >>> import tinygrad_lite as tl
        >>> net = tl.nn.Sequential(tl.nn.Linear(2, 2)).append(tl.nn.Tanh())
        >>> [name for name, _ in net.named_children()]
        ['0', '1']
        """
        self.add_module(str(len(self)), module)
        return self
