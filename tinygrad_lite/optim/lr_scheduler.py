"""Learning-rate schedules that rewrite `group['lr']` each step (like `torch.optim.lr_scheduler`).

The schedules follow PyTorch's recursive forms (each lr computed from the current one), so the
sequences equal PyTorch's, including when something else changes `group['lr']` in between.
"""

from __future__ import annotations

import math
import types
from collections.abc import Callable, Sequence
from typing import Any

from .optimizer import Optimizer


class LRScheduler:
    """Base class of the schedulers (like `torch.optim.lr_scheduler.LRScheduler`).

    Construction records each group's 'initial_lr' and takes the first step (epoch 0); call
    `step()` once per epoch, after `optimizer.step()`. Subclasses define `get_lr`.

    >>> import tinygrad_lite as tl
    >>> opt = tl.optim.SGD([tl.Tensor([0.0], requires_grad=True)], lr=1.0)
    >>> sched = tl.optim.lr_scheduler.StepLR(opt, step_size=1, gamma=0.5)
    >>> for epoch in range(3):
    ...     opt.step()    # in real training: a whole epoch of batches
    ...     sched.step()
    >>> sched.last_epoch, opt.param_groups[0]["lr"]
    (3, 0.125)
    """

    def __init__(self, optimizer: Optimizer, last_epoch: int = -1) -> None:
        if not isinstance(optimizer, Optimizer):
            raise TypeError(
                f"{type(self).__name__}: {type(optimizer).__name__} is not an Optimizer"
            )
        self.optimizer = optimizer
        if last_epoch == -1:
            for group in optimizer.param_groups:
                group.setdefault("initial_lr", group["lr"])
        else:
            for i, group in enumerate(optimizer.param_groups):
                if "initial_lr" not in group:
                    raise KeyError(
                        f"{type(self).__name__}: parameter group {i} has no 'initial_lr', needed "
                        f"to resume at last_epoch={last_epoch}; load the optimizer's state first"
                    )
        self.base_lrs: list[float] = [group["initial_lr"] for group in optimizer.param_groups]
        self.last_epoch = last_epoch
        self._step_count = 0
        self._is_initial = True  # NOTE: the constructor's step sets epoch 0 without decaying
        self.step()
        self._is_initial = False

    def get_lr(self) -> list[float]:
        """The learning rates for the current `last_epoch`, one per group (like
        `LRScheduler.get_lr`); subclasses implement it and `step` calls it.

        >>> import tinygrad_lite as tl
        >>> opt = tl.optim.SGD([tl.Tensor([0.0], requires_grad=True)], lr=1.0)
        >>> tl.optim.lr_scheduler.LRScheduler(opt)
        Traceback (most recent call last):
        NotImplementedError
        """
        raise NotImplementedError

    def get_last_lr(self) -> list[float]:
        """The learning rates set by the last step, one per group (like
        `torch.optim.lr_scheduler.LRScheduler.get_last_lr`).

        >>> import tinygrad_lite as tl
        >>> opt = tl.optim.SGD([tl.Tensor([0.0], requires_grad=True)], lr=0.1)
        >>> tl.optim.lr_scheduler.StepLR(opt, step_size=10).get_last_lr()
        [0.1]
        """
        return list(self._last_lr)

    def step(self) -> None:
        """Advance one epoch and write the new rates into the optimizer's groups (like
        `LRScheduler.step`); call it after `optimizer.step()`.

        >>> import tinygrad_lite as tl
        >>> opt = tl.optim.SGD([tl.Tensor([0.0], requires_grad=True)], lr=1.0)
        >>> sched = tl.optim.lr_scheduler.LambdaLR(opt, lambda epoch: 1 / (epoch + 1))
        >>> sched.step(); sched.get_last_lr()
        [0.5]
        """
        self._step_count += 1
        self.last_epoch += 1
        for group, lr in zip(self.optimizer.param_groups, self.get_lr(), strict=True):
            group["lr"] = lr
        self._last_lr = [group["lr"] for group in self.optimizer.param_groups]

    def _current_lrs(self) -> list[float]:
        return [group["lr"] for group in self.optimizer.param_groups]

    def state_dict(self) -> dict[str, Any]:
        """Everything but the optimizer, lists copied (like `LRScheduler.state_dict`).

        >>> import tinygrad_lite as tl
        >>> opt = tl.optim.SGD([tl.Tensor([0.0], requires_grad=True)], lr=1.0)
        >>> sd = tl.optim.lr_scheduler.StepLR(opt, step_size=2).state_dict()
        >>> sd["last_epoch"], sd["base_lrs"], sd["step_size"]
        (0, [1.0], 2)
        """
        return {
            k: list(v) if isinstance(v, list) else v
            for k, v in vars(self).items()
            if k != "optimizer"
        }

    def load_state_dict(self, state_dict: dict[str, Any]) -> None:
        """Restore what `state_dict` saved (like `LRScheduler.load_state_dict`); unknown keys
        or a wrong group count raise ValueError before anything changes.

        >>> import tinygrad_lite as tl
        >>> opt = tl.optim.SGD([tl.Tensor([0.0], requires_grad=True)], lr=1.0)
        >>> a = tl.optim.lr_scheduler.StepLR(opt, step_size=2)
        >>> a.step(); a.step()
        >>> b = tl.optim.lr_scheduler.StepLR(opt, step_size=2)
        >>> b.load_state_dict(a.state_dict()); b.last_epoch
        2
        """
        name = f"{type(self).__name__}.load_state_dict"
        unknown = set(state_dict) - set(self.state_dict())
        if unknown:
            raise ValueError(f"{name}: unknown keys {sorted(unknown)}")
        n = len(self.optimizer.param_groups)
        for key in ("base_lrs", "_last_lr"):
            if key in state_dict and len(state_dict[key]) != n:
                raise ValueError(
                    f"{name}: {key} has {len(state_dict[key])} entries, the optimizer has "
                    f"{n} parameter groups"
                )
        for k, v in state_dict.items():
            setattr(self, k, list(v) if isinstance(v, list) else v)


class LambdaLR(LRScheduler):
    """lr = initial_lr * lr_lambda(epoch), one function or one per group
    (like `torch.optim.lr_scheduler.LambdaLR`).

    >>> import tinygrad_lite as tl
    >>> opt = tl.optim.SGD([tl.Tensor([0.0], requires_grad=True)], lr=1.0)
    >>> sched = tl.optim.lr_scheduler.LambdaLR(opt, lambda epoch: 0.5**epoch)
    >>> lrs = []
    >>> for epoch in range(4):
    ...     lrs.append(sched.get_last_lr()[0])
    ...     sched.step()
    >>> lrs
    [1.0, 0.5, 0.25, 0.125]
    """

    def __init__(
        self,
        optimizer: Optimizer,
        lr_lambda: Callable[[int], float] | Sequence[Callable[[int], float]],
        last_epoch: int = -1,
    ) -> None:
        n = len(optimizer.param_groups) if isinstance(optimizer, Optimizer) else 0
        if isinstance(lr_lambda, list | tuple):
            if len(lr_lambda) != n:
                raise ValueError(f"LambdaLR: expected {n} lr_lambdas, got {len(lr_lambda)}")
            self.lr_lambdas = list(lr_lambda)
        else:
            self.lr_lambdas = [lr_lambda] * n
        super().__init__(optimizer, last_epoch)

    def get_lr(self) -> list[float]:
        """initial_lr * lr_lambda(last_epoch) for each group."""
        return [
            base * fn(self.last_epoch)
            for fn, base in zip(self.lr_lambdas, self.base_lrs, strict=True)
        ]

    def state_dict(self) -> dict[str, Any]:
        """As the base's, with plain functions left out and callable objects' attributes kept
        (as PyTorch's `LambdaLR.state_dict` does).

        >>> import tinygrad_lite as tl
        >>> opt = tl.optim.SGD([tl.Tensor([0.0], requires_grad=True)], lr=1.0)
        >>> tl.optim.lr_scheduler.LambdaLR(opt, lambda e: 1.0).state_dict()["lr_lambdas"]
        [None]
        """
        out = super().state_dict()
        out["lr_lambdas"] = [
            None if isinstance(fn, types.FunctionType) else dict(vars(fn)) for fn in self.lr_lambdas
        ]
        return out

    def load_state_dict(self, state_dict: dict[str, Any]) -> None:
        """As the base's; saved attributes of callable-object lambdas are restored onto them
        (like PyTorch's `LambdaLR.load_state_dict`).

        >>> import tinygrad_lite as tl
        >>> opt = tl.optim.SGD([tl.Tensor([0.0], requires_grad=True)], lr=1.0)
        >>> a = tl.optim.lr_scheduler.LambdaLR(opt, lambda e: 0.9**e)
        >>> a.step()
        >>> b = tl.optim.lr_scheduler.LambdaLR(opt, lambda e: 0.9**e)
        >>> b.load_state_dict(a.state_dict()); b.last_epoch
        1
        """
        state = dict(state_dict)
        saved = state.pop("lr_lambdas", [None] * len(self.lr_lambdas))
        if len(saved) != len(self.lr_lambdas):
            raise ValueError(
                f"LambdaLR.load_state_dict: {len(saved)} lr_lambdas saved, "
                f"{len(self.lr_lambdas)} here"
            )
        state["lr_lambdas"] = self.lr_lambdas
        super().load_state_dict(state)
        for fn, attrs in zip(self.lr_lambdas, saved, strict=True):
            if attrs is not None:
                vars(fn).update(attrs)


class StepLR(LRScheduler):
    """Multiply the lr by `gamma` every `step_size` epochs
    (like `torch.optim.lr_scheduler.StepLR`).

    >>> import tinygrad_lite as tl
    >>> opt = tl.optim.SGD([tl.Tensor([0.0], requires_grad=True)], lr=1.0)
    >>> sched = tl.optim.lr_scheduler.StepLR(opt, step_size=2, gamma=0.5)
    >>> lrs = []
    >>> for epoch in range(5):
    ...     lrs.append(sched.get_last_lr()[0])
    ...     sched.step()
    >>> lrs
    [1.0, 1.0, 0.5, 0.5, 0.25]
    """

    def __init__(
        self, optimizer: Optimizer, step_size: int, gamma: float = 0.1, last_epoch: int = -1
    ) -> None:
        if isinstance(step_size, bool) or not isinstance(step_size, int) or step_size < 1:
            raise ValueError(f"StepLR: step_size must be a positive int, got {step_size!r}")
        self.step_size = step_size
        self.gamma = gamma
        super().__init__(optimizer, last_epoch)

    def get_lr(self) -> list[float]:
        """The current lrs, times gamma on each multiple of step_size."""
        if self.last_epoch == 0 or self.last_epoch % self.step_size != 0:
            return self._current_lrs()
        return [lr * self.gamma for lr in self._current_lrs()]


class CosineAnnealingLR(LRScheduler):
    """Cosine annealing from the initial lr to `eta_min` over `T_max` epochs, then back up
    (like `torch.optim.lr_scheduler.CosineAnnealingLR`).

    Closed form: eta_min + (initial_lr - eta_min) * (1 + cos(pi * epoch / T_max)) / 2.

    >>> import tinygrad_lite as tl
    >>> opt = tl.optim.SGD([tl.Tensor([0.0], requires_grad=True)], lr=1.0)
    >>> sched = tl.optim.lr_scheduler.CosineAnnealingLR(opt, T_max=4)
    >>> lrs = []
    >>> for epoch in range(6):
    ...     lrs.append(round(sched.get_last_lr()[0], 4))
    ...     sched.step()
    >>> lrs
    [1.0, 0.8536, 0.5, 0.1464, 0.0, 0.1464]
    """

    def __init__(
        self, optimizer: Optimizer, T_max: int, eta_min: float = 0.0, last_epoch: int = -1
    ) -> None:
        if isinstance(T_max, bool) or not isinstance(T_max, int) or T_max < 1:
            raise ValueError(f"CosineAnnealingLR: T_max must be a positive int, got {T_max!r}")
        self.T_max = T_max
        self.eta_min = eta_min
        super().__init__(optimizer, last_epoch)

    def get_lr(self) -> list[float]:
        """The next point of the cosine, computed from the current lr as PyTorch does."""
        e, t, lo = self.last_epoch, self.T_max, self.eta_min
        if self._is_initial:
            return self._current_lrs()
        if self._step_count == 1 and e > 0:
            return [
                lo + (base - lo) * (1 + math.cos(e * math.pi / t)) / 2 for base in self.base_lrs
            ]
        if (e - 1 - t) % (2 * t) == 0:
            # NOTE: the recursive form divides by zero here (cos = -1 at the bottom), so this
            # epoch adds the first half-step of the way back up instead
            return [
                lr + (base - lo) * (1 - math.cos(math.pi / t)) / 2
                for lr, base in zip(self._current_lrs(), self.base_lrs, strict=True)
            ]
        ratio = (1 + math.cos(math.pi * e / t)) / (1 + math.cos(math.pi * (e - 1) / t))
        return [ratio * (lr - lo) + lo for lr in self._current_lrs()]
