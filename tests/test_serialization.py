"""save/load: exact round trips, atomic writes, clear errors for damaged or foreign files, and
state dicts that move between our models and torch.nn (skipped without torch)."""

import json
import os
import random
import zipfile
from collections import OrderedDict
from pathlib import Path

import numpy as np
import pytest

import tinygrad_lite as tl
from tinygrad_lite import nn
from tinygrad_lite.serialization import STRUCTURE, load, save


def assert_same(got, want, where="obj"):
    """Equal values of exactly the same types all the way down (arrays: dtype, shape, bits)."""
    if isinstance(want, tl.Tensor):
        want = want.data  # Tensors are saved as their arrays
    if isinstance(want, np.ndarray | np.generic):
        assert type(got) is type(want), where
        assert got.dtype == want.dtype and got.shape == want.shape, where
        assert np.array_equal(got, want, equal_nan=want.dtype.kind in "fc"), where
    elif isinstance(want, dict):
        assert type(got) is type(want), where
        assert list(got) == list(want), where  # same keys in the same order
        assert [type(k) for k in got] == [type(k) for k in want], where  # 0 is not '0' or False
        for k in want:
            assert_same(got[k], want[k], f"{where}[{k!r}]")
    elif isinstance(want, list | tuple):
        assert type(got) is type(want) and len(got) == len(want), where
        for i, (g, w) in enumerate(zip(got, want, strict=True)):
            assert_same(g, w, f"{where}[{i}]")
    elif isinstance(want, float) and want != want:
        assert type(got) is float and got != got, where
    else:
        assert type(got) is type(want) and got == want, where
        if isinstance(want, float):
            assert np.signbit(got) == np.signbit(want), where  # -0.0 stays -0.0


def train_briefly(model, rng, nin, steps=5, lr=0.1):
    """A few steps of plain SGD on random data, so the weights are not the initial ones."""
    x = tl.Tensor(rng.normal(size=(16, nin)).astype(np.float32))
    for _ in range(steps):
        model.zero_grad()
        (model(x) ** 2).mean().backward()
        for p in model.parameters():
            p.data -= lr * p.grad
    return model


def optimizer_like_state(rng):
    """An optimizer state dict in PyTorch's layout: int keys, tuples, None, bools, numbers."""
    return {
        "state": {
            0: {"step": 12, "exp_avg": rng.normal(size=(4, 3)).astype(np.float32)},
            1: {"step": 12, "exp_avg": rng.normal(size=4).astype(np.float32)},
            3: {"momentum_buffer": None},
        },
        "param_groups": [
            {
                "lr": 1e-3,
                "betas": (0.9, 0.999),
                "eps": 1e-8,
                "weight_decay": 0,
                "amsgrad": False,
                "maximize": False,
                "foreach": None,
                "params": [0, 1, 2, 3],
            }
        ],
    }


# ----------------------------------------------------------------------------- round trips


def test_save_and_load_are_exported():
    assert tl.save is save and tl.load is load


def test_model_state_dict_round_trip(tmp_path, rng):
    model = train_briefly(nn.MLP(5, [4, 3]), rng, 5)
    sd = model.state_dict()
    save(sd, tmp_path / "model.npz")
    back = load(tmp_path / "model.npz")
    assert isinstance(back, OrderedDict)
    assert list(back) == ["0.weight", "0.bias", "2.weight", "2.bias"]
    assert all(type(v) is np.ndarray for v in back.values())  # Tensors come back as arrays
    assert_same(back, OrderedDict((k, v.data) for k, v in sd.items()))


def test_optimizer_state_round_trip_keeps_int_keys_and_tuples(tmp_path, rng):
    osd = optimizer_like_state(rng)
    save(osd, tmp_path / "opt.npz")
    back = load(tmp_path / "opt.npz")
    assert_same(back, osd)
    assert list(back["state"]) == [0, 1, 3]
    assert back["param_groups"][0]["betas"] == (0.9, 0.999)
    assert back["state"][3]["momentum_buffer"] is None


def test_mixed_checkpoint_round_trip(tmp_path, rng):
    model = nn.Sequential(nn.Linear(3, 4), nn.BatchNorm1d(4), nn.ReLU(), nn.Linear(4, 2))
    model(tl.Tensor(rng.normal(size=(8, 3)).astype(np.float32)))  # moves the running stats
    ckpt = {"model": model.state_dict(), "optimizer": optimizer_like_state(rng), "epoch": 3}
    save(ckpt, str(tmp_path / "ckpt.npz"))
    back = load(str(tmp_path / "ckpt.npz"))
    assert_same(back, ckpt)
    assert back["model"]["1.num_batches_tracked"].dtype == np.int64
    assert back["model"]["1.num_batches_tracked"] == 1


def test_every_supported_kind_comes_back_exactly(tmp_path, rng):
    obj = {
        0: "int key",
        "0": "str key",
        1.5: "float key",
        True: "bool key",
        None: "None key",
        "scalars": [0, -(2**70), 1.0, -0.0, float("inf"), float("nan"), True, None, "ünï ☃"],
        "nested": ([], (), {}, [[1, (2, [3])]], OrderedDict(b=1, a=2)),
        "numpy scalars": [np.float32(1.5), np.int8(-3), np.bool_(True), np.float64(2.0)],
        "arrays": [
            np.float16([1, 2]),
            rng.normal(size=(2, 3)),
            np.arange(6, dtype=">i4").reshape(2, 3),  # big-endian stays big-endian
            np.asfortranarray(rng.normal(size=(3, 2)).astype(np.float32)),
            rng.normal(size=(4, 4))[::2, 1::2],  # a non-contiguous view
            np.zeros((0, 5), np.float32),
            np.array(7, np.int64),  # 0-d
            np.array([True, False]),
            np.array(["ab", "c"]),
            np.array([1 + 2j], np.complex64),
        ],
    }
    save(obj, tmp_path / "all.npz")
    assert_same(load(tmp_path / "all.npz"), obj)


def test_tensor_and_parameter_come_back_as_arrays(tmp_path):
    t = tl.Tensor([[1.0, 2.0]], requires_grad=True)
    p = nn.Parameter(np.arange(3, dtype=np.float64))
    save({"t": t, "p": p}, tmp_path / "t.npz")
    back = load(tmp_path / "t.npz")
    assert type(back["t"]) is np.ndarray and back["t"].dtype == np.float32
    np.testing.assert_array_equal(back["t"], [[1.0, 2.0]])
    assert_same(back["p"], np.arange(3, dtype=np.float64))


def test_loaded_arrays_are_writable_and_independent(tmp_path):
    w = np.ones(3, np.float32)
    save({"w": w}, tmp_path / "w.npz")
    back = load(tmp_path / "w.npz")["w"]
    back += 1
    np.testing.assert_array_equal(w, np.ones(3))


def test_shared_array_is_stored_once_and_stays_shared(tmp_path):
    w = np.arange(4.0)
    save({"a": w, "b": [w]}, tmp_path / "shared.npz")
    with np.load(tmp_path / "shared.npz") as npz:
        assert sorted(npz.files) == sorted([STRUCTURE, "a"])
    back = load(tmp_path / "shared.npz")
    assert back["a"] is back["b"][0]


def test_file_is_a_standard_npz_with_readable_names(tmp_path, rng):
    model = nn.MLP(3, [2, 1])
    save({"model": model.state_dict(), "step": 1}, tmp_path / "m.npz")
    with np.load(tmp_path / "m.npz", allow_pickle=False) as npz:
        names = set(npz.files)
        np.testing.assert_array_equal(npz["model/0.weight"], model.layers[0].weight.data)
        text = npz[STRUCTURE].tobytes().decode("ascii")
    assert names == {STRUCTURE, "model/0.weight", "model/0.bias", "model/2.weight", "model/2.bias"}
    assert json.loads(text)["format"] == "tinygrad_lite.save"


@pytest.mark.parametrize("name", ["model", "model.pt", "model.npz", "dir.npz.bin"])
def test_file_lands_exactly_at_the_given_path(tmp_path, name):
    for path in (tmp_path / name, str(tmp_path / name)):
        save({"x": np.ones(2)}, path)
        assert os.listdir(tmp_path) == [name]  # no '.npz' appended, no temporary left over
        np.testing.assert_array_equal(load(path)["x"], np.ones(2))


@pytest.mark.skipif(os.name == "nt", reason="symlinks need privileges on Windows")
def test_save_overwrites_and_keeps_a_symlink(tmp_path):
    real = tmp_path / "real.npz"
    link = tmp_path / "link.npz"
    save({"v": 1}, real)
    link.symlink_to(real)
    save({"v": 2}, link)
    assert link.is_symlink() and load(real) == {"v": 2}
    assert sorted(os.listdir(tmp_path)) == ["link.npz", "real.npz"]


@pytest.mark.skipif(os.name == "nt", reason="no umask on Windows")
def test_saved_file_respects_the_umask(tmp_path):
    old = os.umask(0o022)
    try:
        save({"v": 1}, tmp_path / "m.npz")
    finally:
        os.umask(old)
    assert (tmp_path / "m.npz").stat().st_mode & 0o777 == 0o644


# ----------------------------------------------------------------------------- what save refuses


@pytest.mark.parametrize(
    "obj, error, words",
    [
        ({"s": {1, 2}}, TypeError, "set at obj['s']"),
        ({"a": [np.array([object()])]}, TypeError, "obj['a'][0]"),
        ({(1, 2): 3}, TypeError, "tuple key"),
        ({"m": nn.Linear(2, 2)}, TypeError, "state_dict()"),
        ({"f": print}, TypeError, "builtin_function_or_method"),
    ],
)
def test_save_rejects_unsupported_objects_and_writes_nothing(tmp_path, obj, error, words):
    path = tmp_path / "old.npz"
    save({"old": np.arange(3)}, path)
    before = path.read_bytes()
    with pytest.raises(error) as e:
        save(obj, path)
    assert words in str(e.value)
    assert path.read_bytes() == before
    assert os.listdir(tmp_path) == ["old.npz"]


def test_save_rejects_a_structure_that_contains_itself(tmp_path):
    loop: dict = {"a": 1}
    loop["self"] = loop
    with pytest.raises(ValueError, match="contains itself"):
        save(loop, tmp_path / "loop.npz")
    assert os.listdir(tmp_path) == []


def test_save_into_a_missing_folder_raises_and_creates_nothing(tmp_path):
    with pytest.raises(FileNotFoundError):
        save({"v": 1}, tmp_path / "nope" / "m.npz")
    assert os.listdir(tmp_path) == []


# ----------------------------------------------------------------------------- atomicity


def fail_on_second_array(monkeypatch):
    """Let the writer put one array into the file, then crash, as a full disk or kill would."""
    real = np.lib.format.write_array
    calls = []

    def crashing(*args, **kwargs):
        calls.append(1)
        if len(calls) == 2:
            raise OSError(28, "No space left on device")
        return real(*args, **kwargs)

    monkeypatch.setattr(np.lib.format, "write_array", crashing)
    return calls


def fail_fsync(monkeypatch):
    def crashing(fd):
        raise OSError(5, "Input/output error")

    monkeypatch.setattr(os, "fsync", crashing)


def fail_replace(monkeypatch):
    def crashing(src, dst):
        raise PermissionError(13, "Permission denied")

    monkeypatch.setattr(os, "replace", crashing)


def interrupt_writing(monkeypatch):
    def interrupted(*args, **kwargs):
        raise KeyboardInterrupt

    monkeypatch.setattr(np.lib.format, "write_array", interrupted)


@pytest.mark.parametrize(
    "crash, error",
    [
        (fail_on_second_array, OSError),
        (fail_fsync, OSError),
        (fail_replace, PermissionError),
        (interrupt_writing, KeyboardInterrupt),
    ],
)
def test_a_crash_while_saving_leaves_the_old_file_intact(tmp_path, rng, monkeypatch, crash, error):
    path = tmp_path / "model.npz"
    old = nn.MLP(4, [3, 2]).state_dict()
    save(old, path)
    before = path.read_bytes()
    crash(monkeypatch)
    with pytest.raises(error):
        save(nn.MLP(4, [8, 8, 2]).state_dict(), path)
    monkeypatch.undo()
    assert path.read_bytes() == before
    assert os.listdir(tmp_path) == ["model.npz"]  # the temporary file is gone
    assert_same(load(path), OrderedDict((k, v.data) for k, v in old.items()))


def test_a_crash_while_saving_a_new_file_leaves_nothing(tmp_path, monkeypatch):
    calls = fail_on_second_array(monkeypatch)
    with pytest.raises(OSError, match="No space"):
        save({"a": np.ones(2), "b": np.ones(3)}, tmp_path / "new.npz")
    assert len(calls) == 2  # it really crashed halfway through the file
    assert os.listdir(tmp_path) == []


# ----------------------------------------------------------------------------- what load refuses


@pytest.fixture
def good_file(tmp_path, rng):
    """A real checkpoint and the object that was saved into it."""
    obj = {"model": nn.MLP(4, [3, 2]).state_dict(), "optimizer": optimizer_like_state(rng)}
    path = tmp_path / "good.npz"
    save(obj, path)
    return path, obj


def assert_load_refuses(path, *words):
    before = Path(path).read_bytes()
    with pytest.raises(ValueError) as e:
        load(path)
    message = str(e.value)
    assert os.fspath(path) in message  # the error names the file
    for w in words:
        assert w in message
    assert Path(path).read_bytes() == before  # loading never writes


def test_empty_file(tmp_path):
    (tmp_path / "empty.npz").write_bytes(b"")
    assert_load_refuses(tmp_path / "empty.npz", "not a zip file")


@pytest.mark.parametrize(
    "data", [b"garbage", b"\x00" * 5000, b"not a checkpoint\n" * 100, b"PK\x03\x04junk"]
)
def test_garbage_file(tmp_path, data):
    (tmp_path / "garbage.npz").write_bytes(data)
    assert_load_refuses(tmp_path / "garbage.npz")


def test_truncated_files(tmp_path, good_file):
    path, _ = good_file
    raw = path.read_bytes()
    bad = tmp_path / "truncated.npz"
    for n in [*range(0, len(raw), max(1, len(raw) // 60)), len(raw) - 1]:
        bad.write_bytes(raw[:n])
        assert_load_refuses(bad)


def test_a_flipped_byte_in_an_array_is_caught(tmp_path, good_file):
    path, obj = good_file
    raw = bytearray(path.read_bytes())
    start = raw.find(obj["model"]["0.weight"].data.tobytes(order="A"))  # in its memory order
    assert start > 0
    raw[start + 5] ^= 0x10  # one bit of one weight
    bad = tmp_path / "flipped.npz"
    bad.write_bytes(bytes(raw))
    assert_load_refuses(bad, "CRC")


def test_random_damage_is_refused_or_harmless(tmp_path, good_file):
    """Every damaged copy either raises ValueError or loads exactly the saved object (when the
    damage hit a field that zip readers ignore, such as a timestamp)."""
    path, obj = good_file
    raw = path.read_bytes()
    bad = tmp_path / "damaged.npz"
    gen = random.Random(0)
    refused = 0
    for _ in range(300):
        data = bytearray(raw)
        for _ in range(gen.choice([1, 2, 8])):
            data[gen.randrange(len(data))] ^= 1 << gen.randrange(8)
        bad.write_bytes(bytes(data))
        try:
            back = load(bad)
        except ValueError as e:
            assert str(bad) in str(e)
            refused += 1
        else:
            assert_same(back, obj)
    assert refused > 200


def test_npy_file_is_not_a_checkpoint(tmp_path):
    np.save(tmp_path / "a.npy", np.ones(3))
    assert_load_refuses(tmp_path / "a.npy", "not a zip file")


def test_npz_written_by_something_else(tmp_path):
    np.savez(tmp_path / "other.npz", weight=np.ones(3))
    assert_load_refuses(tmp_path / "other.npz", "not a tinygrad_lite checkpoint")


def test_zip_that_is_not_an_npz(tmp_path):
    with zipfile.ZipFile(tmp_path / "docs.zip", "w") as zf:
        zf.writestr("readme.txt", "hello")
    assert_load_refuses(tmp_path / "docs.zip", "not a tinygrad_lite checkpoint")


def rewrite(src, dst, structure=None, drop=(), compress=False):
    """Copy a checkpoint's entries into a new zip, replacing the structure or dropping entries."""
    with zipfile.ZipFile(src) as zin:
        entries = {n: zin.read(n) for n in zin.namelist() if n[: -len(".npy")] not in drop}
    if structure is not None:
        text = structure if isinstance(structure, bytes) else json.dumps(structure).encode()
        arr = np.frombuffer(text, np.uint8)
        with zipfile.ZipFile(dst, "w") as zout:
            with zout.open(STRUCTURE + ".npy", "w") as f:
                np.lib.format.write_array(f, arr)
        entries.pop(STRUCTURE + ".npy")
    mode = "a" if structure is not None else "w"
    method = zipfile.ZIP_DEFLATED if compress else zipfile.ZIP_STORED
    with zipfile.ZipFile(dst, mode, method) as zout:
        for n, data in entries.items():
            zout.writestr(n, data)


def read_structure(path):
    with np.load(path) as npz:
        return json.loads(npz[STRUCTURE].tobytes())


def test_structure_referring_to_a_missing_array(tmp_path, good_file):
    path, _ = good_file
    rewrite(path, tmp_path / "missing.npz", drop=["model/2.bias"])
    assert_load_refuses(tmp_path / "missing.npz", "model/2.bias", "lacks")


def test_missing_structure(tmp_path, good_file):
    path, _ = good_file
    rewrite(path, tmp_path / "nostruct.npz", drop=[STRUCTURE])
    assert_load_refuses(tmp_path / "nostruct.npz", STRUCTURE)


@pytest.mark.parametrize(
    "change, words",
    [
        (lambda s: b"{not json", "Expecting"),
        (lambda s: b"\xff\xfe", "decode"),
        (lambda s: [1, 2], "not written by tinygrad_lite"),
        (lambda s: {**s, "format": "something.else"}, "not written by tinygrad_lite"),
        (lambda s: {**s, "version": 99}, "version 99"),
        (lambda s: {k: v for k, v in s.items() if k != "object"}, "no 'object'"),
        (lambda s: {**s, "object": {"pickle": "x"}}, "unknown node 'pickle'"),
        (lambda s: {**s, "object": {"dict": [[1]]}}, "bad dict item"),
        (lambda s: {**s, "object": {"list": [1], "tuple": [2]}}, "unexpected node"),
        (lambda s: {**s, "object": {"array": "nowhere"}}, "'nowhere'"),
    ],
)
def test_corrupt_structure(tmp_path, good_file, change, words):
    path, _ = good_file
    rewrite(path, tmp_path / "corrupt.npz", structure=change(read_structure(path)))
    assert_load_refuses(tmp_path / "corrupt.npz", words)


def test_array_header_that_disagrees_with_its_size(tmp_path, good_file):
    path, _ = good_file
    with zipfile.ZipFile(path) as zin:
        data = zin.read("model/0.weight.npy")
    shape_text = b"(3, 4)"
    assert shape_text in data
    grown = data.replace(shape_text, b"(9, 4)")  # claims more data than the entry holds
    out = tmp_path / "header.npz"
    rewrite(path, out, drop=["model/0.weight"])
    with zipfile.ZipFile(out, "a") as zout:
        zout.writestr("model/0.weight.npy", grown)
    assert_load_refuses(out, "model/0.weight", "damaged")


def test_object_array_entry_is_refused_without_unpickling(tmp_path, good_file):
    path, _ = good_file
    out = tmp_path / "pickled.npz"
    rewrite(path, out, drop=["model/0.weight"])
    with zipfile.ZipFile(out, "a") as zout:
        with zout.open("model/0.weight.npy", "w") as f:
            np.lib.format.write_array(f, np.array([{"evil": 1}], dtype=object))
    assert_load_refuses(out, "model/0.weight")


def test_compressed_entries_still_load(tmp_path, good_file):
    """A checkpoint re-zipped with compression (by a user's tool) holds the same data."""
    path, obj = good_file
    rewrite(path, tmp_path / "deflated.npz", compress=True)
    assert_same(load(tmp_path / "deflated.npz"), obj)


def test_missing_file_is_file_not_found(tmp_path):
    with pytest.raises(FileNotFoundError):
        load(tmp_path / "nope.npz")


def test_failed_load_changes_no_model(tmp_path, good_file):
    path, _ = good_file
    bad = tmp_path / "bad.npz"
    bad.write_bytes(path.read_bytes()[:-10])
    model = nn.MLP(4, [3, 2])
    before = {k: v.data.copy() for k, v in model.state_dict().items()}
    with pytest.raises(ValueError):
        model.load_state_dict(load(bad)["model"])
    for k, v in model.state_dict().items():
        np.testing.assert_array_equal(v.data, before[k])


# ----------------------------------------------------------------------------- models


def test_trained_mlp_saved_and_loaded_gives_identical_outputs(tmp_path, rng):
    trained = train_briefly(nn.MLP(6, [8, 8, 3]), rng, 6)
    save({"model": trained.state_dict(), "epoch": 5}, tmp_path / "mlp.npz")
    fresh = nn.MLP(6, [8, 8, 3])
    x = tl.Tensor(rng.normal(size=(10, 6)).astype(np.float32))
    assert not np.array_equal(fresh(x).data, trained(x).data)
    ckpt = load(tmp_path / "mlp.npz")
    result = fresh.load_state_dict(ckpt["model"])
    assert result.missing_keys == [] and result.unexpected_keys == []
    np.testing.assert_array_equal(fresh(x).data, trained(x).data)
    assert fresh.layers[0].weight.dtype == np.float32


@pytest.mark.parametrize(
    "other",
    [
        lambda: nn.MLP(6, [8, 3]),  # a layer fewer: unexpected keys
        lambda: nn.MLP(6, [8, 8, 8, 3]),  # a layer more: missing keys
        lambda: nn.MLP(6, [8, 9, 3]),  # same keys, shapes differ
        lambda: nn.Sequential(nn.Linear(6, 8), nn.ReLU(), nn.Linear(8, 8)),  # last key missing
    ],
)
def test_wrong_architecture_raises_and_changes_nothing(tmp_path, rng, other):
    save(train_briefly(nn.MLP(6, [8, 8, 3]), rng, 6).state_dict(), tmp_path / "mlp.npz")
    ckpt = load(tmp_path / "mlp.npz")
    model = other()
    before = [p.data.copy() for p in model.parameters()]
    with pytest.raises(RuntimeError, match="nothing was loaded"):
        model.load_state_dict(ckpt)
    for p, b in zip(model.parameters(), before, strict=True):
        np.testing.assert_array_equal(p.data, b)


# ----------------------------------------------------------------------------- torch interop


def test_trained_mlp_loads_into_torch_sequential(tmp_path, rng):
    torch = pytest.importorskip("torch")
    ours = train_briefly(nn.MLP(784, [256, 128, 10]), rng, 784, steps=3, lr=0.01)
    save(ours.state_dict(), tmp_path / "mnist_mlp.npz")
    theirs = torch.nn.Sequential(
        torch.nn.Linear(784, 256),
        torch.nn.ReLU(),
        torch.nn.Linear(256, 128),
        torch.nn.ReLU(),
        torch.nn.Linear(128, 10),
    )
    sd = {k: torch.from_numpy(np.asarray(v)) for k, v in load(tmp_path / "mnist_mlp.npz").items()}
    theirs.load_state_dict(sd)  # strict: same keys and shapes
    x = rng.normal(size=(32, 784)).astype(np.float32)
    with torch.no_grad():
        want = theirs(torch.from_numpy(x)).numpy()
    np.testing.assert_allclose(ours(tl.Tensor(x)).data, want, rtol=1e-5, atol=1e-5)


def test_trained_linear_loads_into_torch_linear(rng):
    torch = pytest.importorskip("torch")
    ours = train_briefly(nn.Linear(7, 3), rng, 7)
    theirs = torch.nn.Linear(7, 3)
    theirs.load_state_dict(
        {k: torch.from_numpy(np.asarray(v)) for k, v in ours.state_dict().items()}
    )
    x = rng.normal(size=(5, 7)).astype(np.float32)
    with torch.no_grad():
        want = theirs(torch.from_numpy(x)).numpy()
    np.testing.assert_allclose(ours(tl.Tensor(x)).data, want, rtol=1e-6, atol=1e-6)


def test_torch_state_dict_loads_into_our_mlp(tmp_path, rng):
    torch = pytest.importorskip("torch")
    torch.manual_seed(0)
    theirs = torch.nn.Sequential(
        torch.nn.Linear(5, 16), torch.nn.ReLU(), torch.nn.Linear(16, 16), torch.nn.ReLU(),
        torch.nn.Linear(16, 2),
    )  # fmt: skip
    x = rng.normal(size=(9, 5)).astype(np.float32)
    with torch.no_grad():
        want = theirs(torch.from_numpy(x)).numpy()
    direct = nn.MLP(5, [16, 16, 2])
    direct.load_state_dict(theirs.state_dict())  # torch tensors are accepted as they are
    np.testing.assert_allclose(direct(tl.Tensor(x)).data, want, rtol=1e-6, atol=1e-6)
    save(theirs.state_dict(), tmp_path / "from_torch.npz")  # torch tensors can be saved too
    via_file = nn.MLP(5, [16, 16, 2])
    via_file.load_state_dict(load(tmp_path / "from_torch.npz"))
    np.testing.assert_allclose(via_file(tl.Tensor(x)).data, want, rtol=1e-6, atol=1e-6)
