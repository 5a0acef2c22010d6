"""The examples run as a learner runs them (a fresh interpreter) and print what they promise."""

import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

EXAMPLES = Path(__file__).resolve().parents[1] / "examples"


def run(script: str, *args: str, env: dict | None = None, ok: bool = True) -> str:
    """Run examples/<script> with this interpreter; return stdout (and stderr when it fails)."""
    proc = subprocess.run(
        [sys.executable, str(EXAMPLES / script), *args],
        capture_output=True,
        text=True,
        timeout=120,
        env=env,
    )
    if ok:
        assert proc.returncode == 0, proc.stderr
        return proc.stdout
    assert proc.returncode != 0
    return proc.stdout + proc.stderr


def number(pattern: str, text: str) -> float:
    match = re.search(pattern, text)
    assert match, f"{pattern!r} not in output:\n{text}"
    return float(match[1])


def test_custom_op_defines_uses_and_gradchecks_an_op():
    out = run("custom_op.py")
    assert "gradcheck LogCosh on a (4, 5) float64 tensor: passed" in out
    assert "gradcheck of an MLP's LogCosh loss with respect to its input batch: passed" in out
    naive = out.split("np.log(np.cosh(x))")[1].splitlines()[0].split()
    ours = out.split("LogCosh.apply(x)")[1].splitlines()[0].split()
    assert naive[0] == naive[-1] == "inf" and ours[0] == ours[-1] == "999.3069"
    robust = number(r"with LogCosh: .* clean points ([\d.]+)", out)
    squared = number(r"with MSE\s*: .* clean points ([\d.]+)", out)
    assert robust < squared  # the point of the loss: outliers pull less


def test_compare_scalar_tensor_gradients_agree_and_it_times_both():
    out = run("compare_scalar_tensor.py", "--steps", "3")
    assert number(r"largest absolute gradient difference: (\S+)", out) < 1e-9
    assert number(r"weights differ by at most (\S+)", out) < 1e-9
    assert number(r"micrograd API ([\d.]+) ms", out) > 0
    assert number(r"tensor API ([\d.]+) ms", out) > 0
    assert number(r"speed-up ([\d.]+)x", out) > 0  # a number, not a claim: timing is not tested


def test_compare_scalar_tensor_plots_both_boundaries(tmp_path):
    pytest.importorskip("matplotlib")
    path = tmp_path / "both.png"
    out = run("compare_scalar_tensor.py", "--steps", "2", "--plot", str(path))
    assert f"decision boundaries saved to {path}" in out
    assert path.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"


def test_compare_scalar_tensor_without_matplotlib_says_so(tmp_path):
    fake = tmp_path / "hide" / "matplotlib"
    fake.mkdir(parents=True)
    (fake / "__init__.py").write_text("raise ImportError('hidden by the test')\n")
    path = os.pathsep.join([str(fake.parent), os.environ.get("PYTHONPATH", "")])
    env = {**os.environ, "PYTHONPATH": path}
    out = run("compare_scalar_tensor.py", "--plot", str(tmp_path / "x.png"), env=env, ok=False)
    assert "--plot needs matplotlib: pip install matplotlib" in out
    assert not (tmp_path / "x.png").exists()


def test_micrograd_moons_both_apis_follow_the_same_path():
    out = run("micrograd_moons.py", "--steps", "5")
    scalar, tensor = out.split("2) tensor API")
    last = re.compile(r"step\s+4 loss ([\d.]+) accuracy (\d+)%")
    assert last.search(scalar).groups() == last.search(tensor).groups()
    assert "time per step" in tensor


def test_micrograd_moons_plots_its_boundary(tmp_path):
    pytest.importorskip("matplotlib")
    path = tmp_path / "moons.png"
    out = run("micrograd_moons.py", "--steps", "2", "--plot", str(path))
    assert f"decision boundary saved to {path}" in out
    assert path.read_bytes()[:4] == b"\x89PNG"
