"""The `tinygrad-lite` command: train, save, plot, evaluate; the offline fallback; real data."""

import subprocess
import sys

import numpy as np
import pytest

import tinygrad_lite as tl
from tinygrad_lite import cli, datasets

from .conftest import SHARED_DATA


@pytest.fixture
def offline(monkeypatch, tmp_path):
    """No MNIST anywhere and no mirror that answers."""
    monkeypatch.setenv("TINYGRAD_LITE_DATA", str(tmp_path / "nothing"))
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache"))
    monkeypatch.setattr(datasets, "SYSTEM_DATA_DIR", tmp_path / "system")
    monkeypatch.setattr(datasets, "MIRRORS", {k: ["http://127.0.0.1:9/"] for k in datasets.MIRRORS})


def test_train_on_the_sample_saves_plots_and_evaluates(tmp_path, capsys):
    model_path, plot_path = tmp_path / "m.npz", tmp_path / "curves.png"
    cli.main(
        [
            "train",
            "--dataset",
            "mnist-sample",
            "--epochs",
            "3",
            "--quiet",
            "--save",
            str(model_path),
            "--plot",
            str(plot_path),
        ]
    )
    out = capsys.readouterr().out
    assert "bundled MNIST sample" in out
    assert out.count("epoch ") == 3 and "val_acc" in out
    acc = float(out.split("test accuracy: ")[1].split("%")[0])
    assert acc > 85.0  # 4,000 training images, 3 epochs
    assert model_path.exists()
    pytest.importorskip("matplotlib")
    assert plot_path.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["curves.png", "m.npz"]  # no temp files
    cli.main(["evaluate", "--load", str(model_path)])
    out2 = capsys.readouterr().out
    assert f"test accuracy: {acc:.2f}%" in out2


def test_saved_file_holds_a_torch_compatible_state_dict(tmp_path):
    path = tmp_path / "m.npz"
    cli.main(
        [
            "train",
            "--dataset",
            "mnist-sample",
            "--epochs",
            "1",
            "--quiet",
            "--hidden",
            "32",
            "--save",
            str(path),
        ]
    )
    ckpt = tl.load(path)
    assert list(ckpt["model"]) == ["0.weight", "0.bias", "2.weight", "2.bias"]
    assert ckpt["model"]["0.weight"].shape == (32, 784) and ckpt["config"]["hidden"] == [32]
    assert len(ckpt["history"]["val_acc"]) == 1


def test_mnist_falls_back_to_the_sample_offline_and_says_so(offline, capsys):
    cli.main(["train", "--epochs", "1", "--quiet", "--hidden", "16"])
    out = capsys.readouterr().out
    lines = [line for line in out.splitlines() if "bundled sample" in line]
    assert len(lines) == 1 and "MNIST not found locally" in lines[0]


def test_fashion_mnist_missing_is_an_error_not_a_fallback(offline):
    with pytest.raises(SystemExit, match="fashion-mnist"):
        cli.main(["train", "--dataset", "fashion-mnist", "--epochs", "1"])


def test_evaluate_rejects_a_file_that_is_not_a_model(tmp_path):
    bad = tmp_path / "bad.npz"
    bad.write_bytes(b"not a zip file at all")
    with pytest.raises(SystemExit, match="bad.npz"):
        cli.main(["evaluate", "--load", str(bad)])
    other = tmp_path / "other.npz"
    tl.save({"weights": np.zeros(3)}, other)
    with pytest.raises(SystemExit, match="not a model saved by"):
        cli.main(["evaluate", "--load", str(other)])


def test_bad_arguments_exit_with_a_message(capsys):
    with pytest.raises(SystemExit):
        cli.main(["train", "--epochs", "0"])
    assert "--epochs must be at least 1" in capsys.readouterr().err
    with pytest.raises(SystemExit):
        cli.main(["train", "--optimizer", "lbfgs"])


def test_python_dash_m_and_console_script_entry():
    out = subprocess.run(
        [sys.executable, "-m", "tinygrad_lite", "--help"],
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    assert "train" in out and "evaluate" in out


@pytest.mark.skipif(not (SHARED_DATA / "fashion-mnist").is_dir(), reason="no shared Fashion-MNIST")
def test_fashion_mnist_from_shared_data_trains_to_a_sensible_accuracy(capsys):
    result = cli.train(
        cli.parser().parse_args(
            [
                "train",
                "--dataset",
                "fashion-mnist",
                "--data-dir",
                str(SHARED_DATA / "fashion-mnist"),
                "--epochs",
                "2",
                "--quiet",
            ]
        )
    )
    assert result["test_acc"] > 0.84  # two epochs of the default MLP on the full 55k images
    assert "fashion-mnist (full)" in capsys.readouterr().out


def test_plain_progress_bar_without_tqdm(monkeypatch, capsys):
    monkeypatch.setitem(sys.modules, "tqdm", None)  # import tqdm now fails
    monkeypatch.setattr(sys.stderr, "isatty", lambda: True)
    bar = cli.Progress(20, "epoch 1/1")
    for _ in range(20):
        bar.update(0.5)
    bar.close()
    err = capsys.readouterr().err
    assert "epoch 1/1 [" in err and "20/20" in err and "loss 0.5000" in err


def test_plot_without_matplotlib_says_how_to_get_it(monkeypatch, tmp_path, capsys):
    monkeypatch.setitem(sys.modules, "matplotlib", None)
    history = {"loss": [1.0], "acc": [0.5], "val_loss": [1.0], "val_acc": [0.5]}
    assert cli.plot_history(history, str(tmp_path / "c.png")) is False
    assert "pip install 'tinygrad-lite[examples]'" in capsys.readouterr().out
    assert not (tmp_path / "c.png").exists()
