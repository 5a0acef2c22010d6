"""Imports flow downward: autograd -> ops/value -> tensor -> nn/optim/data -> micrograd/cli.

datasets needs NumPy alone, and viz knows only the node protocol, so neither imports the package.
"""

import ast
from pathlib import Path

import pytest

PACKAGE = Path(__file__).resolve().parents[1] / "tinygrad_lite"

# a module may import modules of a lower layer, and modules of its own subpackage
LAYER = {
    "autograd": 0,
    "ops": 1,
    "value": 1,
    "tensor": 2,
    "gradcheck": 3,
    "nn": 3,
    "optim": 3,
    "data": 3,
    "serialization": 3,
    "micrograd": 4,
    "cli": 5,
}
STANDALONE = {"datasets", "viz"}  # no imports from the package at all


def _top(module: str) -> str:
    """'tinygrad_lite.nn.layers' -> 'nn'."""
    return module.split(".")[1]


def _imports(path: Path) -> set[str]:
    """The package modules that a file imports, as dotted names."""
    rel = path.relative_to(PACKAGE.parent).with_suffix("")
    here = list(rel.parts[:-1])  # the importing module's package
    found = set()
    for node in ast.walk(ast.parse(path.read_text())):
        if isinstance(node, ast.ImportFrom):
            if node.level:
                base = here[: len(here) - node.level + 1]
                mod = ".".join(base + ([node.module] if node.module else []))
            else:
                mod = node.module or ""
            if mod.startswith("tinygrad_lite"):
                names = [mod] if node.module else [f"{mod}.{a.name}" for a in node.names]
                found.update(names)
        elif isinstance(node, ast.Import):
            found.update(a.name for a in node.names if a.name.startswith("tinygrad_lite"))
    return {m for m in found if m != "tinygrad_lite"}


FILES = sorted(p for p in PACKAGE.rglob("*.py") if p.name not in ("__init__.py", "__main__.py"))


@pytest.mark.parametrize("path", FILES, ids=[str(p.relative_to(PACKAGE)) for p in FILES])
def test_imports_flow_downward(path):
    me = _top("tinygrad_lite." + ".".join(path.relative_to(PACKAGE).with_suffix("").parts))
    for target in _imports(path):
        other = _top(target)
        if me in STANDALONE:
            raise AssertionError(f"{path.name} must not import the package, imports {target}")
        if other == me or other in STANDALONE:
            continue  # within one subpackage (nn.layers -> nn.module), or a standalone module
        assert LAYER[other] < LAYER[me], f"{me} (layer {LAYER[me]}) imports {target}"


def test_every_module_has_a_layer():
    tops = {p.relative_to(PACKAGE).parts[0].removesuffix(".py") for p in FILES}
    assert tops <= set(LAYER) | STANDALONE, tops - set(LAYER) - STANDALONE
