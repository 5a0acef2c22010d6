"""Module: the base class of layers and models, with PyTorch's registration and state dicts."""

from __future__ import annotations

from collections import OrderedDict
from collections.abc import Callable, Iterator, Mapping
from typing import TYPE_CHECKING, Any, NamedTuple

import numpy as np

from ..tensor import Tensor


class Parameter(Tensor):
    """A leaf Tensor that a Module registers as trainable (like `torch.nn.Parameter`)."""

    __slots__ = ()

    def __init__(self, data: Any, requires_grad: bool = True) -> None:
        super().__init__(data.data if isinstance(data, Tensor) else data, requires_grad)

    def __repr__(self) -> str:
        return "Parameter containing:\n" + super().__repr__()


class IncompatibleKeys(NamedTuple):
    """What `load_state_dict(strict=False)` skipped."""

    missing_keys: list[str]
    unexpected_keys: list[str]


class Module:
    """Base class of layers and models (like `torch.nn.Module`).

    Assigning a Parameter (or any leaf Tensor that requires grad) or a Module to an attribute
    registers it, so `parameters()` and `state_dict()` find it. Subclasses define `forward`.

    >>> class Net(Module):
    ...     def __init__(self):
    ...         super().__init__()
    ...         self.fc = Linear(4, 2)
    ...     def forward(self, x):
    ...         return self.fc(x).relu()
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
        """Register non-trainable state (e.g. BatchNorm's running mean) that state_dict saves."""
        _, buffers, _ = self._registry()
        buffers[name] = tensor
        if persistent:
            self.__dict__["_non_persistent"].discard(name)
        else:
            self.__dict__["_non_persistent"].add(name)
        object.__setattr__(self, name, tensor)

    def register_parameter(self, name: str, param: Tensor | None) -> None:
        """Register a parameter under `name` (None removes it)."""
        params, _, _ = self._registry()
        if param is None:
            params.pop(name, None)
        else:
            params[name] = param
        object.__setattr__(self, name, param)

    def add_module(self, name: str, module: Module | None) -> None:
        """Register a submodule under `name`."""
        _, _, modules = self._registry()
        modules[name] = module
        object.__setattr__(self, name, module)

    # --- calling
    def forward(self, *args: Any, **kwargs: Any) -> Any:
        raise NotImplementedError(f"{type(self).__name__} has no forward()")

    def __call__(self, *args: Any, **kwargs: Any) -> Any:
        return self.forward(*args, **kwargs)

    # --- traversal
    def named_modules(self, prefix: str = "") -> Iterator[tuple[str, Module]]:
        """This module and every submodule, with dotted names (each module once)."""
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
        for _, m in self.named_modules():
            yield m

    def named_children(self) -> Iterator[tuple[str, Module]]:
        for name, m in self._registry()[2].items():
            if m is not None:
                yield name, m

    def children(self) -> Iterator[Module]:
        for _, m in self.named_children():
            yield m

    def named_parameters(self, prefix: str = "", recurse: bool = True) -> list[tuple[str, Tensor]]:
        """(dotted name, parameter) pairs in registration order, each parameter once."""
        out, seen = [], set()
        mods = self.named_modules(prefix) if recurse else iter([(prefix, self)])
        for mod_name, m in mods:
            for name, p in m._registry()[0].items():
                if p is not None and id(p) not in seen:
                    seen.add(id(p))
                    out.append((f"{mod_name}.{name}" if mod_name else name, p))
        return out

    def parameters(self, recurse: bool = True) -> list[Any]:
        """Every trainable Tensor (a list, so `len(model.parameters())` works)."""
        return [p for _, p in self.named_parameters(recurse=recurse)]

    def named_buffers(self, prefix: str = "") -> list[tuple[str, Tensor]]:
        out = []
        for mod_name, m in self.named_modules(prefix):
            for name, b in m._registry()[1].items():
                if b is not None:
                    out.append((f"{mod_name}.{name}" if mod_name else name, b))
        return out

    def buffers(self) -> list[Tensor]:
        return [b for _, b in self.named_buffers()]

    def apply(self, fn: Callable[[Module], None]) -> Module:
        """Call fn on each child's subtree in order, then on self (like `torch.nn.Module.apply`)."""
        for m in self.children():
            m.apply(fn)
        fn(self)
        return self

    # --- modes and gradients
    def train(self, mode: bool = True) -> Module:
        """Training mode (Dropout drops, BatchNorm uses batch statistics)."""
        for m in self.modules():
            object.__setattr__(m, "training", bool(mode))
        return self

    def eval(self) -> Module:
        """Evaluation mode: `train(False)`."""
        return self.train(False)

    def zero_grad(self, set_to_none: bool = True) -> None:
        """Clear the gradients of all parameters (to None, as PyTorch does by default)."""
        for _, p in self.named_parameters():
            if set_to_none:
                p.grad = None
            elif p.grad is not None:
                p.grad = np.zeros_like(p.data)

    def requires_grad_(self, requires_grad: bool = True) -> Module:
        for _, p in self.named_parameters():
            p.requires_grad_(requires_grad)
        return self

    def to(self, dtype: Any) -> Module:
        """Cast every floating parameter and buffer to `dtype` (the Tensor objects are kept)."""
        if isinstance(dtype, str) and dtype == "cpu":
            return self
        dt = np.dtype(dtype)
        for _, t in [*self.named_parameters(), *self.named_buffers()]:
            if t.dtype.kind == "f" and t.dtype != dt:
                t.data = t.data.astype(dt)
                t.grad = None
        return self

    def float(self) -> Module:
        return self.to(np.float32)

    def double(self) -> Module:
        return self.to(np.float64)

    # --- state
    def state_dict(self) -> OrderedDict[str, Tensor]:
        """Parameters and persistent buffers by dotted name (PyTorch's keys and layouts).

        Values are detached Tensors sharing the module's arrays, as in PyTorch. A submodule
        registered under two names is saved under both, as PyTorch does.
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

        Every key and shape is checked before anything is written: missing or unexpected keys
        (when `strict`) and any shape mismatch raise one error that names them all.
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
        """The text inside this module's parentheses in its repr."""
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
    """Modules applied in order (like `torch.nn.Sequential`); children are named '0', '1', ..."""

    def __init__(self, *modules: Any) -> None:
        super().__init__()
        if len(modules) == 1 and isinstance(modules[0], Mapping):
            for name, m in modules[0].items():
                self.add_module(name, m)
        else:
            for i, m in enumerate(modules):
                self.add_module(str(i), m)

    def forward(self, x: Any) -> Any:
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
        self.add_module(str(len(self)), module)
        return self
