"""save and load: state dicts and optimizer state as a pickle-free `.npz`, written atomically.

A file holds one NumPy `.npy` entry per array, plus one entry (`__tinygrad_lite__`) with the
nested structure as JSON text: dicts (int and str keys kept apart), lists, tuples, numbers,
bools, None, strings, and references to the array entries by name. So a checkpoint can be read
without running any code from it, and `np.load(path)` shows the arrays under readable names
('0.weight', 'optimizer/state/0/momentum_buffer', ...).

>>> import os, tempfile
>>> import tinygrad_lite as tl
>>> model = tl.nn.MLP(2, [4, 1])
>>> folder = tempfile.TemporaryDirectory()
>>> path = os.path.join(folder.name, "ckpt.npz")
>>> tl.save({"model": model.state_dict(), "epoch": 3}, path)
>>> ckpt = tl.load(path)
>>> model.load_state_dict(ckpt["model"])
IncompatibleKeys(missing_keys=[], unexpected_keys=[])
>>> with np.load(path) as arrays:   # plain NumPy reads the arrays too
...     print(arrays["model/0.weight"].shape)
(4, 2)
>>> folder.cleanup()
"""

from __future__ import annotations

import json
import math
import os
import re
import secrets
import struct
import zipfile
import zlib
from collections import OrderedDict
from collections.abc import Mapping
from typing import Any

import numpy as np

from .tensor import Tensor

STRUCTURE = "__tinygrad_lite__"  # the name of the JSON entry; never used for an array
FORMAT = "tinygrad_lite.save"
VERSION = 1

# the errors that reading a damaged or foreign file can raise inside zipfile, zlib and NumPy
_READ_ERRORS = (
    ValueError,
    KeyError,
    EOFError,
    zipfile.BadZipFile,
    zlib.error,
    struct.error,
    NotImplementedError,
    OverflowError,
)


def save(obj: Any, path: str | os.PathLike[str]) -> None:
    """Write a state dict, an optimizer state dict or a dict of them to `path` (like `torch.save`).

    The file lands exactly at `path` (no '.npz' is appended). It is written to a temporary file
    in the same folder, flushed to disk and renamed over `path`, so a crash leaves either the old
    file or the new one, never a mix. Tensors are stored as their arrays (they load back as
    `np.ndarray`); an array reached twice (a shared weight) is stored once.
    Unsupported objects raise TypeError before anything is written. No pickle is used.

    >>> import os, tempfile
    >>> import tinygrad_lite as tl
    >>> model = tl.nn.Linear(3, 2)
    >>> opt = tl.optim.SGD(model.parameters(), lr=0.1)
    >>> with tempfile.TemporaryDirectory() as d:
    ...     path = os.path.join(d, "ckpt.npz")
    ...     save({"model": model.state_dict(), "optimizer": opt.state_dict(), "epoch": 3}, path)
    ...     print(sorted(load(path)))
    ['epoch', 'model', 'optimizer']
    """
    arrays: dict[str, np.ndarray] = {}
    tree = _Encoder(arrays).encode(obj)
    text = json.dumps({"format": FORMAT, "version": VERSION, "object": tree})
    structure = np.frombuffer(text.encode("ascii"), np.uint8)  # json escapes non-ASCII

    # NOTE: a symlink at `path` keeps pointing at the same file, which is what gets replaced
    target = os.path.realpath(os.fspath(path))
    folder, name = os.path.split(target)
    tmp = os.path.join(folder, f".{name}.{secrets.token_hex(8)}.tmp")
    # NOTE: os.open with mode 0o666 lets the umask decide the permissions, as open() would;
    # tempfile.mkstemp would make every checkpoint private to its owner
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_BINARY", 0), 0o666)
    try:
        with os.fdopen(fd, "wb") as f:
            _write_npz(f, {STRUCTURE: structure, **arrays})
            f.flush()
            os.fsync(f.fileno())
        os.replace(tmp, target)
    except BaseException:
        try:
            os.unlink(tmp)
        except OSError:
            pass
        raise
    _fsync_folder(folder)


def load(path: str | os.PathLike[str]) -> Any:
    """Read what `save` wrote (like `torch.load(path, weights_only=True)`).

    Arrays come back as `np.ndarray` (Tensors too: `Module.load_state_dict` accepts arrays),
    with their exact dtype and shape; dicts, lists, tuples and scalars come back as they were.
    A file that is not a complete, intact tinygrad_lite checkpoint raises ValueError naming it.
    Nothing in the file is executed, so loading an untrusted checkpoint is safe.

    >>> import os, tempfile
    >>> import tinygrad_lite as tl
    >>> with tempfile.TemporaryDirectory() as d:
    ...     path = os.path.join(d, "weights.npz")
    ...     save({"w": tl.Tensor([1.0, 2.0]), "step": 10}, path)
    ...     ckpt = load(path)
    >>> ckpt
    {'w': array([1., 2.], dtype=float32), 'step': 10}
    """
    name = os.fspath(path)
    with open(name, "rb") as f:
        try:
            with zipfile.ZipFile(f) as zf:
                return _Decoder(zf, os.fstat(f.fileno()).st_size).decode()
        except _READ_ERRORS as e:
            raise ValueError(f"load: cannot read {name!r}: {e}") from e


# ----------------------------------------------------------------------------- writing


class _Encoder:
    """Turns a Python object into JSON-ready nodes, moving arrays into `arrays`.

    Nodes: JSON scalars stand for themselves; containers and arrays are one-key dicts:
    {"dict": [[key, node], ...]}, {"odict": ...}, {"list": [...]}, {"tuple": [...]},
    {"array": entry name}, {"scalar": entry name} (a NumPy scalar such as np.float32(1)).
    Dict items are [key, node] pairs because JSON object keys would turn 0 into "0".
    """

    def __init__(self, arrays: dict[str, np.ndarray]) -> None:
        self.arrays = arrays
        self.names: dict[int, str] = {}  # id(array) -> its entry, so a shared array is saved once
        self.open: set[int] = set()  # ids of the containers being encoded, to catch cycles

    def encode(self, x: Any, where: tuple = ()) -> Any:
        if isinstance(x, np.generic):  # NOTE: before float: np.float64 is a float subclass
            return {"scalar": self.add(np.asarray(x), where)}
        if x is None or isinstance(x, bool | int | float | str):
            return x
        if isinstance(x, Tensor):
            return {"array": self.add(x.data, where)}
        if isinstance(x, np.ndarray):
            return {"array": self.add(x, where)}
        if _is_torch_tensor(x):
            return {"array": self.add(x.detach().cpu().numpy(), where)}
        if isinstance(x, Mapping | list | tuple):
            if id(x) in self.open:
                raise ValueError(f"save: {_describe(where)} contains itself")
            self.open.add(id(x))
            try:
                return self.encode_container(x, where)
            finally:
                self.open.discard(id(x))
        hint = " (save its state_dict() instead)" if hasattr(x, "state_dict") else ""
        raise TypeError(f"save: cannot store {type(x).__name__} at {_describe(where)}{hint}")

    def encode_container(self, x: Any, where: tuple) -> Any:
        if isinstance(x, list | tuple):
            items = [self.encode(v, (*where, i)) for i, v in enumerate(x)]
            return {"tuple" if isinstance(x, tuple) else "list": items}
        pairs = []
        for k, v in x.items():
            if not (k is None or isinstance(k, bool | int | float | str)):
                raise TypeError(
                    f"save: dict keys must be str, int, float, bool or None; "
                    f"got {type(k).__name__} key {k!r} at {_describe(where)}"
                )
            pairs.append([k, self.encode(v, (*where, k))])
        return {"odict" if isinstance(x, OrderedDict) else "dict": pairs}

    def add(self, arr: np.ndarray, where: tuple) -> str:
        if arr.dtype.hasobject:
            raise TypeError(
                f"save: the array at {_describe(where)} has dtype {arr.dtype}, which holds "
                "Python objects and cannot be stored without pickle"
            )
        if id(arr) in self.names:
            return self.names[id(arr)]
        # a readable entry name from the keys on the way here ('model/0.weight')
        base = re.sub(r"[^A-Za-z0-9_.\-/]", "_", "/".join(str(k) for k in where))[:200] or "array"
        name, n = base, 1
        while name in self.arrays or name == STRUCTURE:
            name, n = f"{base}~{n}", n + 1
        self.arrays[name] = arr
        self.names[id(arr)] = name
        return name


def _write_npz(f: Any, arrays: dict[str, np.ndarray]) -> None:
    """The layout of `np.savez` (uncompressed), without pickle, into an open binary file."""
    with zipfile.ZipFile(f, "w", zipfile.ZIP_STORED) as zf:
        for name, arr in arrays.items():
            with zf.open(name + ".npy", "w", force_zip64=True) as member:
                np.lib.format.write_array(member, arr, allow_pickle=False)


def _fsync_folder(folder: str) -> None:
    """Make the rename itself durable (POSIX); skipped where folders cannot be opened."""
    if not hasattr(os, "O_DIRECTORY"):
        return
    try:
        fd = os.open(folder, os.O_RDONLY | os.O_DIRECTORY)
    except OSError:
        return
    try:
        os.fsync(fd)
    except OSError:
        pass  # NOTE: some file systems refuse fsync on a folder; the data itself is on disk
    finally:
        os.close(fd)


def _is_torch_tensor(x: Any) -> bool:
    return type(x).__module__.startswith("torch") and hasattr(x, "detach")


def _describe(where: tuple) -> str:
    return "obj" + "".join(f"[{k!r}]" for k in where)


# ----------------------------------------------------------------------------- reading


class _Decoder:
    """Rebuilds the saved object from an open archive, checking everything it reads."""

    def __init__(self, zf: zipfile.ZipFile, file_size: int) -> None:
        self.zf, self.file_size = zf, file_size
        self.entries = {n[: -len(".npy")]: n for n in zf.namelist() if n.endswith(".npy")}
        self.loaded: dict[str, np.ndarray] = {}

    def decode(self) -> Any:
        if STRUCTURE not in self.entries:
            raise ValueError(
                f"not a tinygrad_lite checkpoint (no {STRUCTURE!r} entry; "
                f"entries: {sorted(self.entries)[:5]})"
            )
        raw = self.read(STRUCTURE)
        if raw.dtype != np.uint8 or raw.ndim != 1:
            raise ValueError(f"the {STRUCTURE!r} entry is not JSON text")
        header = json.loads(raw.tobytes().decode("ascii"))
        if not isinstance(header, dict) or header.get("format") != FORMAT:
            raise ValueError(f"the {STRUCTURE!r} entry was not written by tinygrad_lite.save")
        if header.get("version") != VERSION:
            raise ValueError(
                f"format version {header.get('version')!r}; this tinygrad_lite reads {VERSION}"
            )
        if "object" not in header:
            raise ValueError("the structure has no 'object'")
        return self.node(header["object"])

    def node(self, x: Any) -> Any:
        if x is None or isinstance(x, bool | int | float | str):
            return x
        if not (isinstance(x, dict) and len(x) == 1):
            raise ValueError(f"corrupt structure: unexpected node {str(x)[:80]}")
        kind, body = next(iter(x.items()))
        if kind in ("array", "scalar") and isinstance(body, str):
            arr = self.read(body)
            return arr[()] if kind == "scalar" else arr
        if kind in ("list", "tuple") and isinstance(body, list):
            items = [self.node(v) for v in body]
            return tuple(items) if kind == "tuple" else items
        if kind in ("dict", "odict") and isinstance(body, list):
            out = OrderedDict() if kind == "odict" else {}
            for pair in body:
                if not (isinstance(pair, list) and len(pair) == 2) or isinstance(
                    pair[0], list | dict
                ):
                    raise ValueError(f"corrupt structure: bad dict item {str(pair)[:80]}")
                out[pair[0]] = self.node(pair[1])
            return out
        raise ValueError(f"corrupt structure: unknown node {kind!r}")

    def read(self, name: str) -> np.ndarray:
        """One array entry, its declared size checked against the archive before reading."""
        if name in self.loaded:
            return self.loaded[name]  # NOTE: an array saved once for two places stays shared
        if name not in self.entries:
            raise ValueError(f"the structure refers to an array {name!r} that the file lacks")
        info = self.zf.getinfo(self.entries[name])
        if not 0 <= info.header_offset <= info.header_offset + info.compress_size <= self.file_size:
            # NOTE: checked here because zipfile would seek to a negative offset (OSError)
            raise ValueError(f"entry {name!r} lies outside the file (corrupt zip directory)")
        if info.flag_bits & 0x1:
            raise ValueError(f"entry {name!r} is marked as encrypted, which save never does")
        with self.zf.open(info) as f:
            version = np.lib.format.read_magic(f)
            if version == (1, 0):
                shape, _, dtype = np.lib.format.read_array_header_1_0(f)
            elif version == (2, 0):
                shape, _, dtype = np.lib.format.read_array_header_2_0(f)
            else:
                raise ValueError(f"entry {name!r} uses .npy format {version}, not 1.0 or 2.0")
            # NOTE: a corrupt header could claim terabytes; NumPy would allocate before reading
            expected = f.tell() + math.prod(shape) * dtype.itemsize
        if dtype.hasobject or expected != info.file_size:
            raise ValueError(
                f"entry {name!r} is damaged: header says {dtype} {shape} "
                f"({expected} bytes), the archive holds {info.file_size} bytes"
            )
        with self.zf.open(info) as f:
            # NOTE: reading a member to its end checks its CRC, so flipped bytes are caught
            arr = np.lib.format.read_array(f, allow_pickle=False)
        self.loaded[name] = arr
        return arr
