"""Datasets and batching: TensorDataset and DataLoader (like torch.utils.data).

Batches are Tensors that need no gradient; their dtype is the data's own (uint8 images stay
uint8, so the caller decides how to normalise).
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from typing import Any

import numpy as np

from .tensor import Tensor, default_generator


def _as_array(x: Any) -> np.ndarray:
    return x.data if isinstance(x, Tensor) else np.asarray(x)


class TensorDataset:
    """Arrays or Tensors indexed together by their first dimension (torch's TensorDataset)."""

    def __init__(self, *tensors: Any) -> None:
        if not tensors:
            raise ValueError("TensorDataset: needs at least one array or Tensor")
        arrays = tuple(_as_array(t) for t in tensors)
        shapes = [a.shape for a in arrays]
        if any(len(s) == 0 for s in shapes):
            raise ValueError(f"TensorDataset: 0-d arrays have no first dimension, shapes {shapes}")
        lengths = [s[0] for s in shapes]
        if len(set(lengths)) != 1:
            raise ValueError(
                f"TensorDataset: all arrays must have the same first dimension, got lengths "
                f"{lengths}"
            )
        # NOTE: Tensors share memory with the arrays (no copy); batches are copies made by
        # fancy indexing, so changing a batch never changes the dataset
        self.tensors = tuple(Tensor._from_op(a, None) for a in arrays)

    def __getitem__(self, index: Any) -> tuple[Tensor, ...]:
        return tuple(Tensor._from_op(t.data[index], None) for t in self.tensors)

    def __len__(self) -> int:
        return self.tensors[0].data.shape[0]


def _stack(values: list, what: str) -> np.ndarray:
    arrays = [_as_array(v) for v in values]
    try:
        return np.stack(arrays)
    except ValueError:
        shapes = sorted({a.shape for a in arrays})
        raise ValueError(f"DataLoader: cannot stack {what} of shapes {shapes}") from None


def _collate(items: list) -> Any:
    """Stack a list of dataset items field by field: tuples, dicts or single values."""
    first = items[0]
    if isinstance(first, tuple | list):
        sizes = sorted({len(item) for item in items})
        if len(sizes) != 1:
            raise ValueError(f"DataLoader: dataset items have different lengths {sizes}")
        fields = zip(*items, strict=True)
        return tuple(
            Tensor._from_op(_stack(list(f), f"field {i}"), None) for i, f in enumerate(fields)
        )
    if isinstance(first, Mapping):
        return {k: Tensor._from_op(_stack([item[k] for item in items], k), None) for k in first}
    return Tensor._from_op(_stack(items, "items"), None)


class DataLoader:
    """Batches of Tensors from a dataset, reshuffled each epoch (torch.utils.data.DataLoader)."""

    def __init__(
        self,
        dataset: Any,
        batch_size: int = 1,
        shuffle: bool = False,
        drop_last: bool = False,
        seed: int | None = None,
    ) -> None:
        if not (hasattr(dataset, "__len__") and hasattr(dataset, "__getitem__")):
            raise TypeError(
                f"DataLoader: dataset must have __len__ and __getitem__, got "
                f"{type(dataset).__name__}"
            )
        if isinstance(batch_size, bool) or not isinstance(batch_size, int | np.integer):
            raise ValueError(f"DataLoader: batch_size must be an integer, got {batch_size!r}")
        if batch_size < 1:
            raise ValueError(f"DataLoader: batch_size must be >= 1, got {batch_size}")
        self.dataset = dataset
        self.batch_size = int(batch_size)
        self.shuffle = bool(shuffle)
        self.drop_last = bool(drop_last)
        # NOTE: with a seed the loader owns its generator, so its epochs repeat whatever else
        # draws random numbers; without one it shares tl.manual_seed's generator, like PyTorch
        self.generator = None if seed is None else np.random.default_rng(seed)

    def __len__(self) -> int:
        n, b = len(self.dataset), self.batch_size
        return n // b if self.drop_last else -(-n // b)

    def __iter__(self) -> Iterator[Any]:
        n = len(self.dataset)
        if self.shuffle:
            rng = self.generator if self.generator is not None else default_generator()
            order = rng.permutation(n)  # a new order every epoch
        else:
            order = np.arange(n)
        stop = n - n % self.batch_size if self.drop_last else n
        for start in range(0, stop, self.batch_size):
            yield self._batch(order[start : start + self.batch_size])

    def _batch(self, index: np.ndarray) -> Any:
        if isinstance(self.dataset, TensorDataset):
            # one fancy index per array: (B,) indices -> (B, ...) copy of the rows
            return tuple(Tensor._from_op(t.data[index], None) for t in self.dataset.tensors)
        return _collate([self.dataset[int(i)] for i in index])
