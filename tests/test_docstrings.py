"""Docstrings: every module's `>>>` examples run, and every public name has a docstring.

The examples are run with doctest in each module's own globals (as `python -m doctest` would),
so an example imports what it uses. See the list of names still missing a docstring with
`python -m pytest tests/test_docstrings.py -k every_public -s`.
"""

import doctest
import importlib
import inspect
import pkgutil
import types
from typing import Any

import pytest

import tinygrad_lite

FLAGS = doctest.ELLIPSIS | doctest.NORMALIZE_WHITESPACE


# the modules whose public names users reach (`tl.X`, `tl.nn.X`, ...)
PUBLIC_MODULES = [
    "tinygrad_lite",
    "tinygrad_lite.nn",
    "tinygrad_lite.nn.functional",
    "tinygrad_lite.nn.init",
    "tinygrad_lite.optim",
    "tinygrad_lite.optim.lr_scheduler",
    "tinygrad_lite.data",
    "tinygrad_lite.datasets",
    "tinygrad_lite.viz",
    "tinygrad_lite.micrograd",
]


def _all_modules() -> list[str]:
    found = pkgutil.walk_packages(tinygrad_lite.__path__, "tinygrad_lite.")
    return ["tinygrad_lite", *sorted(m.name for m in found if m.name != "tinygrad_lite.__main__")]


def _doctest_params() -> list[Any]:
    params = []
    for name in _all_modules():
        params.append(pytest.param(name, id=name))
    return params


@pytest.mark.parametrize("name", _doctest_params())
def test_docstring_examples_run(name: str) -> None:
    module = importlib.import_module(name)
    runner = doctest.DocTestRunner(optionflags=FLAGS)
    report: list[str] = []
    for test in doctest.DocTestFinder().find(module, name):
        runner.run(test, out=report.append)
    result = runner.summarize(verbose=False)
    assert result.failed == 0, f"{result.failed} failing example(s) in {name}:\n" + "".join(report)


# ----------------------------------------------------------------------------- public names


def _ours(obj: Any) -> bool:
    module = getattr(obj, "__module__", None)
    return isinstance(module, str) and (
        module == "tinygrad_lite" or module.startswith("tinygrad_lite.")
    )


def _has_doc(obj: Any) -> bool:
    return bool((getattr(obj, "__doc__", None) or "").strip())


def _public_names(module: types.ModuleType) -> list[str]:
    names = getattr(module, "__all__", None)
    if names is None:
        names = [n for n in vars(module) if not n.startswith("_")]
    return list(names)


def _members(cls: type) -> list[tuple[str, str, Any]]:
    """(defining module, qualified name, object) of the public methods and properties of cls
    and of its bases defined in tinygrad_lite (a base's may be private: `_Loss.extra_repr`)."""
    out = []
    for klass in cls.__mro__:
        if not _ours(klass):
            continue
        for name, attr in vars(klass).items():
            if name.startswith("_"):
                continue
            if isinstance(attr, staticmethod | classmethod):
                attr = attr.__func__
            if isinstance(attr, property) or inspect.isfunction(attr):
                out.append(
                    (klass.__module__, f"{klass.__module__}.{klass.__qualname__}.{name}", attr)
                )
    return out


def _undocumented() -> list[tuple[str, str]]:
    """(defining module, name) of every public name reachable from PUBLIC_MODULES without a
    docstring: modules, classes, functions, and the methods and properties of the classes."""
    missing: dict[str, str] = {}
    seen: set[int] = set()

    def check(module: str, qualname: str, obj: Any) -> None:
        if id(obj) in seen:
            return
        seen.add(id(obj))
        if not _has_doc(obj):
            missing[qualname] = module

    for module_name in PUBLIC_MODULES:
        module = importlib.import_module(module_name)
        check(module_name, module_name, module)
        for name in _public_names(module):
            obj = getattr(module, name)
            if isinstance(obj, types.ModuleType):
                if obj.__name__.startswith("tinygrad_lite"):
                    check(obj.__name__, obj.__name__, obj)
            elif isinstance(obj, type):
                if _ours(obj):
                    check(obj.__module__, f"{obj.__module__}.{obj.__qualname__}", obj)
                    for where, qualname, member in _members(obj):
                        check(where, qualname, member)
            elif callable(obj) and _ours(obj):
                qualname = getattr(obj, "__qualname__", name)
                check(obj.__module__, f"{obj.__module__}.{qualname} (as {module_name}.{name})", obj)
    return sorted((module, qualname) for qualname, module in missing.items())


def test_every_public_name_has_a_docstring() -> None:
    missing = [qualname for _, qualname in _undocumented()]
    listing = f"{len(missing)} public names without a docstring:\n  " + "\n  ".join(missing)
    print(listing)
    assert not missing, listing
