"""Optimizer: the base of every optimizer (like `torch.optim.Optimizer`).

Parameters live in groups (dicts holding 'params' and the group's options). Subclasses check
their options in `_check_options`, name the state each parameter keeps in `_state_keys`, and
update one group in place in `_update_group`; everything else (validation, zero_grad, state
dicts in PyTorch's layout) is here.
"""

from __future__ import annotations

import numbers
from collections.abc import Callable, Iterable
from typing import Any

import numpy as np

from ..autograd import enable_grad
from ..tensor import Tensor

ParamGroup = dict[str, Any]


class Optimizer:
    """Base class of all optimizers (like `torch.optim.Optimizer`).

    `params` is an iterable of leaf floating-point Tensors, or of dicts (parameter groups)
    holding 'params' and options that override the optimizer's defaults. Updates happen in
    place on `p.data`; subclasses define the update rule.

    >>> import tinygrad_lite as tl
    >>> w, b = tl.Tensor([1.0], requires_grad=True), tl.Tensor([0.0], requires_grad=True)
    >>> opt = tl.optim.SGD([{"params": [w]}, {"params": [b], "lr": 0.5}], lr=0.1)
    >>> isinstance(opt, tl.optim.Optimizer), [g["lr"] for g in opt.param_groups]
    (True, [0.1, 0.5])
    """

    def __init__(self, params: Iterable[Any], defaults: dict[str, Any]) -> None:
        name = type(self).__name__
        if isinstance(params, Tensor):
            raise TypeError(
                f"{name}: params must be an iterable of Tensors or of dicts (parameter groups), "
                "got a single Tensor; wrap it in a list"
            )
        if isinstance(params, dict):
            raise TypeError(f"{name}: params must be an iterable of Tensors or dicts, got a dict")
        self._check_options(defaults, "")
        self.defaults = dict(defaults)
        self.state: dict[Tensor, dict[str, Any]] = {}
        self.param_groups: list[ParamGroup] = []
        # NOTE: scratch arrays for the in-place updates, one set per parameter; they are not
        # state (nothing to save or load), they only spare a fresh allocation on every step
        self._scratch: dict[Tensor, list[np.ndarray]] = {}
        items = list(params)
        if not items:
            raise ValueError(f"{name}: got an empty parameter list")
        groups = items if isinstance(items[0], dict) else [{"params": items}]
        # NOTE: check every group before keeping any, so a bad group leaves no half-built optimizer
        checked: list[ParamGroup] = []
        for group in groups:
            checked.append(self._checked_group(group, checked))
        self.param_groups = checked

    # --- parameter groups
    def add_param_group(self, param_group: dict[str, Any]) -> None:
        """Add a group of parameters with its own options (like
        `torch.optim.Optimizer.add_param_group`); unset options take the defaults.

        >>> import tinygrad_lite as tl
        >>> opt = tl.optim.SGD([tl.Tensor([1.0], requires_grad=True)], lr=0.1)
        >>> opt.add_param_group({"params": [tl.Tensor([2.0], requires_grad=True)], "lr": 0.01})
        >>> [g["lr"] for g in opt.param_groups]
        [0.1, 0.01]
        """
        self.param_groups.append(self._checked_group(param_group, self.param_groups))

    def _checked_group(self, group: Any, existing: list[ParamGroup]) -> ParamGroup:
        """A checked copy of `group`, defaults filled in; raises before anything changes."""
        name = type(self).__name__
        gi = len(existing)
        if not isinstance(group, dict):
            raise TypeError(
                f"{name}: parameter group {gi} must be a dict, got {type(group).__name__}"
            )
        if "params" not in group:
            raise ValueError(f"{name}: parameter group {gi} has no 'params' key")
        params = group["params"]
        if isinstance(params, Tensor):
            params = [params]
        elif isinstance(params, set):
            raise TypeError(
                f"{name}: the parameters of group {gi} are a set, whose order changes between "
                "runs; use a list"
            )
        else:
            params = list(params)
        first = sum(len(g["params"]) for g in existing)  # global index of this group's first param
        seen = {id(p) for g in existing for p in g["params"]}
        for j, p in enumerate(params):
            where = f"parameter {first + j}" + (f" (group {gi})" if gi else "")
            if not isinstance(p, Tensor):
                raise TypeError(f"{name}: {where} is a {type(p).__name__}, not a Tensor")
            if p.dtype.kind != "f":
                raise ValueError(
                    f"{name}: {where} has dtype {p.dtype}; only floating-point tensors can be "
                    "optimized"
                )
            if not p.is_leaf:
                raise ValueError(f"{name}: {where} is not a leaf tensor; can't optimize it")
            if id(p) in seen:
                raise ValueError(f"{name}: {where} appears more than once in the parameters")
            seen.add(id(p))
        out = {**self.defaults, **group, "params": params}
        self._check_options(out, f"parameter group {gi}: " if gi else "")
        return out

    def _check_options(self, options: dict[str, Any], where: str) -> None:
        """Raise ValueError/TypeError naming a bad option value (subclasses override)."""

    def _check_nonnegative(self, options: dict[str, Any], where: str, *keys: str) -> None:
        for key in keys:
            value = options[key]
            if isinstance(value, bool) or not isinstance(value, numbers.Real):
                raise TypeError(
                    f"{type(self).__name__}: {where}{key} must be a number, "
                    f"got {type(value).__name__}"
                )
            if not float(value) >= 0:  # NOTE: written this way so that NaN fails too
                raise ValueError(
                    f"{type(self).__name__}: {where}invalid {key} {value!r}, need >= 0"
                )

    # --- gradients and steps
    def zero_grad(self, set_to_none: bool = True) -> None:
        """Reset the gradients of all parameters (like `torch.optim.Optimizer.zero_grad`):
        to None, or to zero arrays with `set_to_none=False`.

        >>> import tinygrad_lite as tl
        >>> w = tl.Tensor([1.0, 2.0], requires_grad=True)
        >>> opt = tl.optim.SGD([w], lr=0.1)
        >>> (w * w).sum().backward()
        >>> opt.zero_grad(set_to_none=False); w.grad
        array([0., 0.], dtype=float32)
        """
        for group in self.param_groups:
            for p in group["params"]:
                if set_to_none:
                    p.grad = None
                elif p.grad is not None:
                    # NOTE: a fresh array, not fill(0): the old one may be shared with the caller
                    p.grad = np.zeros_like(p.data)

    def step(self, closure: Callable[[], Any] | None = None) -> Any:
        """Update every parameter that has a gradient, in place (like
        `torch.optim.Optimizer.step`).

        `closure`, when given, recomputes the loss (with gradients enabled) and is returned.
        Parameters whose grad is None are skipped.

        >>> import tinygrad_lite as tl
        >>> w = tl.Tensor([1.0, 2.0], requires_grad=True)
        >>> opt = tl.optim.SGD([w], lr=0.1)
        >>> (w * w).sum().backward()   # grad 2w = [2, 4]
        >>> opt.step(); w
        Tensor([0.8, 1.6], requires_grad=True)
        """
        loss = None
        if closure is not None:
            with enable_grad():
                loss = closure()
        # NOTE: every gradient is checked before any parameter moves, so a bad one changes nothing
        work = []
        index = 0
        for group in self.param_groups:
            pairs = []
            for p in group["params"]:
                g = p.grad
                if g is not None:
                    g = np.asarray(g)
                    if g.shape != p.data.shape:
                        raise ValueError(
                            f"{type(self).__name__}.step: the gradient of parameter {index} has "
                            f"shape {g.shape}, the parameter has shape {p.data.shape}"
                        )
                    if g.dtype != p.data.dtype:
                        g = g.astype(p.data.dtype)  # NOTE: state and scratch follow the param
                    pairs.append((p, g))
                index += 1
            work.append((group, pairs))
        for group, pairs in work:
            if pairs:
                self._update_group(group, pairs)
        return loss

    def _update_group(self, group: ParamGroup, pairs: list[tuple[Tensor, np.ndarray]]) -> None:
        """Update the parameters of one group from their gradients (subclasses implement)."""
        raise NotImplementedError(f"{type(self).__name__} does not implement step()")

    def _state_keys(self, options: dict[str, Any]) -> set[str]:
        """The state keys a parameter holds under these options (subclasses override)."""
        return set()

    def _buffers(self, p: Tensor, n: int) -> list[np.ndarray]:
        """`n` private scratch arrays shaped like `p`, allocated once and reused every step."""
        x = p.data
        bufs = self._scratch.get(p)
        if bufs is None or bufs[0].shape != x.shape or bufs[0].dtype != x.dtype:
            bufs = self._scratch[p] = []
        while len(bufs) < n:
            bufs.append(np.empty_like(x))
        return bufs

    # --- state dicts
    def state_dict(self) -> dict[str, Any]:
        """Options and state in PyTorch's layout, parameters as indices, arrays copied
        (like `torch.optim.Optimizer.state_dict`); `tl.save` writes it.

        >>> import tinygrad_lite as tl
        >>> w = tl.Tensor([1.0], requires_grad=True)
        >>> opt = tl.optim.SGD([w], lr=0.1, momentum=0.9)
        >>> (w * w).sum().backward(); opt.step()
        >>> sd = opt.state_dict()
        >>> sd["state"], sd["param_groups"][0]["params"]
        ({0: {'momentum_buffer': array([2.], dtype=float32)}}, [0])
        """
        index: dict[int, int] = {}
        groups = []
        for group in self.param_groups:
            packed = {k: list(v) if isinstance(v, list) else v for k, v in group.items()}
            packed["params"] = []
            for p in group["params"]:
                index[id(p)] = len(index)
                packed["params"].append(index[id(p)])
            groups.append(packed)
        state = {}
        for p, s in self.state.items():
            state[index[id(p)]] = {
                k: v.copy() if isinstance(v, np.ndarray) else v for k, v in s.items()
            }
        return {"state": dict(sorted(state.items())), "param_groups": groups}

    def load_state_dict(self, state_dict: dict[str, Any]) -> None:
        """Restore options and state saved by `state_dict` (like `Optimizer.load_state_dict`).

        Group count, group sizes, option values, state keys and every state array's shape are
        checked before anything is written; a mismatch raises ValueError naming it. Saved
        options (e.g. 'lr') replace the current ones.

        >>> import tinygrad_lite as tl
        >>> w = tl.Tensor([1.0], requires_grad=True)
        >>> saved = tl.optim.Adam([w], lr=0.01).state_dict()
        >>> opt = tl.optim.Adam([w], lr=0.5)
        >>> opt.load_state_dict(saved); opt.param_groups[0]["lr"]
        0.01
        """
        name = f"{type(self).__name__}.load_state_dict"
        for key in ("state", "param_groups"):
            if not isinstance(state_dict, dict) or key not in state_dict:
                raise ValueError(f"{name}: the state dict has no {key!r} entry")
        saved_groups = list(state_dict["param_groups"])
        if len(saved_groups) != len(self.param_groups):
            raise ValueError(
                f"{name}: the state dict has {len(saved_groups)} parameter groups, "
                f"this optimizer has {len(self.param_groups)}"
            )
        by_index: dict[Any, tuple[Tensor, ParamGroup]] = {}
        new_groups = []
        for gi, (saved, group) in enumerate(zip(saved_groups, self.param_groups, strict=True)):
            ids = list(saved.get("params", []))
            if len(ids) != len(group["params"]):
                raise ValueError(
                    f"{name}: parameter group {gi} holds {len(ids)} parameters in the state "
                    f"dict but {len(group['params'])} in this optimizer"
                )
            options = {k: v for k, v in saved.items() if k != "params"}
            new = {**{k: v for k, v in group.items() if k != "params"}, **options}
            new["params"] = group["params"]
            self._check_options(new, f"parameter group {gi}: ")
            new_groups.append(new)
            for i, p in zip(ids, group["params"], strict=True):
                if i in by_index:
                    raise ValueError(f"{name}: parameter index {i} appears in two places")
                by_index[i] = (p, new)
        new_state: dict[Tensor, dict[str, Any]] = {}
        for i, saved_state in state_dict["state"].items():
            if i not in by_index:
                raise ValueError(f"{name}: state for parameter {i}, which no group holds")
            p, group = by_index[i]
            expected = self._state_keys(group)
            if set(saved_state) != expected:
                raise ValueError(
                    f"{name}: the state of parameter {i} has keys {sorted(saved_state)}, "
                    f"expected {sorted(expected)} for these options"
                )
            new_state[p] = self._loaded_state(name, i, p, saved_state)
        # NOTE: everything is checked and copied: only now does this optimizer change
        for group, new in zip(self.param_groups, new_groups, strict=True):
            group.clear()
            group.update(new)
        self.state = new_state

    @staticmethod
    def _loaded_state(name: str, i: Any, p: Tensor, saved: dict[str, Any]) -> dict[str, Any]:
        """A checked copy of one parameter's saved state, arrays cast to the parameter's dtype."""
        out: dict[str, Any] = {}
        for key, value in saved.items():
            if key == "step":
                step = np.asarray(value)
                if step.size != 1 or not step.item() >= 0:
                    raise ValueError(f"{name}: parameter {i} has an invalid step {value!r}")
                out[key] = int(step.item())
                continue
            arr = np.asarray(value)
            if arr.shape != p.data.shape:
                raise ValueError(
                    f"{name}: state {key!r} of parameter {i} has shape {arr.shape}, "
                    f"the parameter has shape {p.data.shape}"
                )
            if arr.dtype.kind not in "fiu":
                raise ValueError(f"{name}: state {key!r} of parameter {i} has dtype {arr.dtype}")
            # a copy (the caller's dict stays theirs) in the parameter's memory layout, so that
            # the in-place updates never mix row- and column-major operands
            buf = np.empty_like(p.data)
            buf[...] = arr
            out[key] = buf
        return out

    def __repr__(self) -> str:
        lines = [f"{type(self).__name__} ("]
        for i, group in enumerate(self.param_groups):
            lines.append(f"Parameter Group {i}")
            for key in sorted(k for k in group if k != "params"):
                lines.append(f"    {key}: {group[key]}")
        return "\n".join([*lines, ")"])
