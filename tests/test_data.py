"""tinygrad_lite.data: TensorDataset and DataLoader."""

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

import tinygrad_lite as tl
from tinygrad_lite.data import DataLoader, TensorDataset
from tinygrad_lite.datasets import mnist_sample


def numbered(n: int) -> TensorDataset:
    """Images whose pixels all equal their index, and labels equal to their index."""
    x = np.repeat(np.arange(n, dtype=np.uint8), 4).reshape(n, 2, 2)  # (n, 2, 2)
    return TensorDataset(x, np.arange(n))


def labels_in(loader) -> list[list[int]]:
    return [y.numpy().tolist() for _, y in loader]


# ----------------------------------------------------------------------------- TensorDataset


def test_tensor_dataset_indexes_arrays_and_tensors_together():
    x = np.arange(12.0).reshape(6, 2)
    ds = TensorDataset(tl.Tensor(x), np.arange(6) * 10)
    assert len(ds) == 6
    item = ds[4]
    assert isinstance(item, tuple) and len(item) == 2
    assert all(isinstance(t, tl.Tensor) for t in item)
    np.testing.assert_array_equal(item[0].numpy(), [8.0, 9.0])
    assert item[1].item() == 40


@pytest.mark.parametrize(
    "arrays, pattern",
    [
        ((np.zeros((3, 2)), np.zeros(4)), r"same first dimension, got lengths \[3, 4\]"),
        ((np.zeros(5), np.zeros(5), np.zeros(2)), r"lengths \[5, 5, 2\]"),
        ((np.float64(1.0),), "0-d"),
        ((), "at least one"),
    ],
)
def test_tensor_dataset_rejects_mismatched_arrays(arrays, pattern):
    with pytest.raises(ValueError, match=pattern):
        TensorDataset(*arrays)


# ----------------------------------------------------------------------------- DataLoader


def test_batches_are_tensors_of_the_right_shapes_and_dtypes():
    loader = DataLoader(numbered(10), batch_size=4)
    batches = list(loader)
    assert len(loader) == len(batches) == 3
    assert [x.shape for x, _ in batches] == [(4, 2, 2), (4, 2, 2), (2, 2, 2)]  # last is partial
    x, y = batches[0]
    assert isinstance(x, tl.Tensor) and isinstance(y, tl.Tensor)
    assert x.dtype == np.uint8 and y.dtype == np.int64  # dtypes are kept; no normalisation
    assert not x.requires_grad and x.grad is None
    assert labels_in(loader) == [[0, 1, 2, 3], [4, 5, 6, 7], [8, 9]]  # in order without shuffle
    np.testing.assert_array_equal(x.numpy()[:, 0, 0], [0, 1, 2, 3])  # images follow their labels


def test_drop_last_drops_the_partial_batch():
    loader = DataLoader(numbered(10), batch_size=4, drop_last=True)
    assert len(loader) == 2
    assert labels_in(loader) == [[0, 1, 2, 3], [4, 5, 6, 7]]
    assert len(DataLoader(numbered(3), batch_size=4, drop_last=True)) == 0


@given(
    n=st.integers(0, 40),
    batch_size=st.integers(1, 12),
    shuffle=st.booleans(),
    drop_last=st.booleans(),
    seed=st.integers(0, 2**32 - 1),
)
def test_each_sample_is_seen_once_per_epoch(n, batch_size, shuffle, drop_last, seed):
    loader = DataLoader(numbered(n), batch_size, shuffle=shuffle, drop_last=drop_last, seed=seed)
    batches = list(loader)
    assert len(batches) == len(loader)
    sizes = [len(y) for _, y in batches]
    assert all(size == batch_size for size in sizes[:-1])
    if drop_last:
        assert sum(sizes) == n - n % batch_size
    else:
        assert sum(sizes) == n
    seen = np.concatenate([y.numpy() for _, y in batches]) if batches else np.zeros(0, int)
    assert len(set(seen.tolist())) == len(seen)  # no sample twice
    for x, y in batches:  # images and labels stay paired after shuffling
        np.testing.assert_array_equal(x.numpy()[:, 1, 1], y.numpy())
    if not drop_last:
        assert sorted(seen.tolist()) == list(range(n))
    if not shuffle:
        assert seen.tolist() == list(range(len(seen)))


def test_shuffle_is_reproducible_from_the_seed_and_new_each_epoch():
    a = DataLoader(numbered(50), batch_size=8, shuffle=True, seed=7)
    b = DataLoader(numbered(50), batch_size=8, shuffle=True, seed=7)
    a1, a2 = labels_in(a), labels_in(a)
    assert a1 == labels_in(b) and a2 == labels_in(b)  # same seed, same epochs
    assert a1 != a2  # a new permutation each epoch
    assert a1 != labels_in(DataLoader(numbered(50), batch_size=8, shuffle=True, seed=8))
    assert sorted(sum(a1, [])) == list(range(50))


def test_a_seeded_loader_ignores_the_global_generator():
    tl.manual_seed(0)
    first = labels_in(DataLoader(numbered(30), batch_size=5, shuffle=True, seed=1))
    tl.manual_seed(99)
    tl.randn(10)
    assert labels_in(DataLoader(numbered(30), batch_size=5, shuffle=True, seed=1)) == first


def test_without_a_seed_shuffling_follows_manual_seed():
    loader = DataLoader(numbered(30), batch_size=5, shuffle=True)
    tl.manual_seed(123)
    first = labels_in(loader), labels_in(loader)
    tl.manual_seed(123)
    assert (labels_in(loader), labels_in(loader)) == first
    assert first[0] != first[1]
    tl.manual_seed(124)
    assert labels_in(loader) != first[0]


def test_batches_are_copies_of_the_data():
    x = np.zeros((4, 3), np.float32)
    loader = DataLoader(TensorDataset(x), batch_size=2)
    (batch,) = next(iter(loader))
    batch.numpy()[:] = 5.0
    assert (x == 0).all()


# ----------------------------------------------------------------------------- other datasets


class Squares:
    """A plain dataset object: (image, label) tuples computed on demand."""

    def __len__(self):
        return 5

    def __getitem__(self, i):
        return np.full((2, 3), i, np.float32), i * i


def test_a_generic_dataset_is_stacked_field_by_field():
    loader = DataLoader(Squares(), batch_size=2)
    batches = list(loader)
    assert len(loader) == len(batches) == 3
    x, y = batches[1]
    assert x.shape == (2, 2, 3) and x.dtype == np.float32
    assert y.dtype == np.int64 and y.numpy().tolist() == [4, 9]
    assert batches[2][0].shape == (1, 2, 3)


def test_single_items_and_numbers_become_one_tensor():
    arrays = [np.arange(3) + i for i in range(4)]  # a list is a dataset too
    (first, second) = list(DataLoader(arrays, batch_size=2))
    assert isinstance(first, tl.Tensor) and first.shape == (2, 3)
    np.testing.assert_array_equal(second.numpy(), [[2, 3, 4], [3, 4, 5]])
    floats = next(iter(DataLoader([0.5, 1.5, 2.5], batch_size=3)))
    assert floats.dtype == np.float64 and floats.numpy().tolist() == [0.5, 1.5, 2.5]


def test_dict_items_are_stacked_per_key():
    data = [{"x": np.ones(2) * i, "y": i} for i in range(3)]
    batch = next(iter(DataLoader(data, batch_size=3)))
    assert set(batch) == {"x", "y"}
    assert batch["x"].shape == (3, 2) and batch["y"].numpy().tolist() == [0, 1, 2]


def test_shuffling_a_generic_dataset_visits_everything():
    loader = DataLoader(Squares(), batch_size=2, shuffle=True, seed=0)
    labels = sorted(int(v) for _, y in loader for v in y.numpy())
    assert labels == [0, 1, 4, 9, 16]


# ----------------------------------------------------------------------------- errors


@pytest.mark.parametrize("batch_size", [0, -3, 2.5, True, "4"])
def test_bad_batch_sizes_are_rejected(batch_size):
    with pytest.raises(ValueError, match="batch_size"):
        DataLoader(numbered(4), batch_size=batch_size)


def test_objects_without_len_or_getitem_are_rejected():
    with pytest.raises(TypeError, match="__len__ and __getitem__"):
        DataLoader(iter([1, 2, 3]))


def test_items_that_do_not_stack_give_a_clear_error():
    ragged = [(np.zeros(2), 0), (np.zeros(3), 1)]
    with pytest.raises(ValueError, match=r"cannot stack field 0 of shapes \[\(2,\), \(3,\)\]"):
        list(DataLoader(ragged, batch_size=2))
    uneven = [(np.zeros(2), 0), (np.zeros(2),)]
    with pytest.raises(ValueError, match=r"different lengths \[1, 2\]"):
        list(DataLoader(uneven, batch_size=2))


# ----------------------------------------------------------------------------- real data


def test_loader_over_the_bundled_mnist_sample():
    x_train, y_train, _, _ = mnist_sample()
    loader = DataLoader(TensorDataset(x_train, y_train), batch_size=128, shuffle=True, seed=0)
    batches = list(loader)
    assert len(loader) == len(batches) == 32
    assert batches[-1][0].shape == (4000 - 31 * 128, 28, 28)
    x, y = batches[0]
    assert x.dtype == np.uint8 and x.shape == (128, 28, 28) and y.dtype == np.int64
    total = np.bincount(np.concatenate([y.numpy() for _, y in batches]), minlength=10)
    assert total.tolist() == [400] * 10
