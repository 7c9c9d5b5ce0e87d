"""Start-up of the command line: ``--version`` and ``--help`` load no heavy library; the command registry is explicit.

The imports of a fresh interpreter are read from ``python -X importtime``
(one ``import time:`` line per module on stderr), so each run is a subprocess.
Nothing here is timed: ``benchmarks/bench_startup.py`` measures the seconds.
"""

from __future__ import annotations

import argparse
import ast
import importlib
import subprocess
import sys
from pathlib import Path

import pytest

import urnn_sym
import urnn_sym.experiments
from urnn_sym.cli import build_parser
from urnn_sym.cli.main import COMMANDS

pytestmark = pytest.mark.timeout(120)

ROOT = Path(__file__).resolve().parents[2]
CLI = ROOT / "urnn_sym" / "cli"
HEAVY = ("sympy", "z3", "scipy", "flint", "numpy", "mpmath", "matplotlib")


def _imported(*args: str) -> set[str]:
    """The modules a fresh ``python -X importtime ARGS`` imports (read from its stderr)."""
    res = subprocess.run(
        [sys.executable, "-X", "importtime", *args], cwd=ROOT, capture_output=True, text=True, timeout=100
    )
    names = {line.rsplit("|", 1)[1].strip() for line in res.stderr.splitlines() if line.startswith("import time:")}
    assert names, f"no import lines in the stderr of {args}: {res.stderr[-500:]!r}"
    return names


def _heavy(names: set[str]) -> list[str]:
    return sorted(n for n in names if n.split(".")[0] in HEAVY)


def _subcommands(parser: argparse.ArgumentParser) -> dict[str, argparse.ArgumentParser]:
    (action,) = (a for a in parser._actions if isinstance(a, argparse._SubParsersAction))
    return dict(action.choices)


def test_the_import_reader_sees_a_heavy_import() -> None:
    """The control: the reader of ``-X importtime`` does find sympy when a module needs it."""
    assert "sympy" in _heavy(_imported("-c", "import urnn_sym.io"))


@pytest.mark.parametrize("flag", ["--version", "--help"])
def test_version_and_help_load_no_heavy_library(flag: str) -> None:
    names = _imported("-m", "urnn_sym", flag)
    assert "urnn_sym.cli.main" in names and "urnn_sym.cli.options" in names
    assert _heavy(names) == []


@pytest.mark.parametrize("command", sorted(_subcommands(build_parser())))
def test_command_help_loads_no_heavy_library(command: str) -> None:
    assert _heavy(_imported("-m", "urnn_sym", command, "--help")) == []


def test_importing_the_package_is_light() -> None:
    code = "import urnn_sym, urnn_sym.experiments, urnn_sym.cli; urnn_sym.__version__"
    assert _heavy(_imported("-c", code)) == []


def test_the_registry_is_every_command_of_the_help() -> None:
    """Every subcommand that ``urnn-sym --help`` lists comes from one module of COMMANDS, and back."""
    parser = build_parser()
    shown = _subcommands(parser)
    listing = parser.format_help()
    assert all(f"\n    {name} " in listing or f"\n    {name}\n" in listing for name in shown)
    registered: dict[str, str] = {}
    for module in COMMANDS:
        sub = argparse.ArgumentParser().add_subparsers()
        module.add_parser(sub)
        for name in sub.choices:
            assert name not in registered, f"{name} registered by {registered.get(name)} and {module.__name__}"
            registered[name] = module.__name__
    assert sorted(registered) == sorted(shown)
    assert {"simulate", "prove", "check", "construct", "witness", "refute", "recheck", "figures"} <= set(shown)


def test_every_command_module_is_registered_and_imported_by_name() -> None:
    """main.py imports each command module in a plain import (a missing one fails loudly), and lists them all."""
    tree = ast.parse((CLI / "main.py").read_text())
    imported = {
        alias.name
        for node in tree.body
        if isinstance(node, ast.ImportFrom) and node.module == "urnn_sym.cli"
        for alias in node.names
    }
    registered = {m.__name__.rsplit(".", 1)[1] for m in COMMANDS}
    with_parser = {p.stem for p in CLI.glob("*.py") if "\ndef add_parser(" in p.read_text()}
    assert registered == imported == with_parser
    assert "importlib" not in (CLI / "main.py").read_text()


def test_the_parser_tables_are_the_library_tables() -> None:
    """The command modules show the library's own tables (from urnn_sym.names), not copies of them."""
    from urnn_sym.cli import experiment, figures, witness
    from urnn_sym.experiments import config
    from urnn_sym.experiments import figures as figure_code
    from urnn_sym.witnesses import MAX_WITNESS_STATES

    assert figures.FIGURES is figure_code.FIGURES
    assert witness.MAX_WITNESS_STATES is MAX_WITNESS_STATES
    assert tuple(sorted(config.FIGURES)) == experiment.FIGURE_NAMES


@pytest.mark.parametrize("package", [urnn_sym, urnn_sym.experiments], ids=lambda p: p.__name__)
def test_lazy_names_are_those_of_the_type_checking_imports(package) -> None:
    """``__all__``, the names loaded on demand and the ``if TYPE_CHECKING`` imports are the same names."""
    tree = ast.parse(Path(package.__file__).read_text())
    (block,) = (n for n in tree.body if isinstance(n, ast.If) and ast.unparse(n.test) == "TYPE_CHECKING")
    declared = {}
    for node in block.body:
        assert isinstance(node, ast.ImportFrom) and node.module
        declared.update({alias.name: node.module for alias in node.names})
    assert sorted(declared) == sorted(set(package.__all__) - {"__version__"})
    for name, module in declared.items():
        assert getattr(package, name) is getattr(importlib.import_module(module), name), name
    assert set(package.__all__) <= set(dir(package))
    with pytest.raises(AttributeError, match="no attribute 'nothing_here'"):
        package.nothing_here  # noqa: B018


def test_from_import_and_version() -> None:
    from urnn_sym import RNN, __version__, simulate
    from urnn_sym.version import __version__ as version

    assert RNN.__name__ == "RNN" and callable(simulate) and __version__ == version


def test_an_unknown_name_fails_from_import() -> None:
    with pytest.raises(ImportError):
        exec("from urnn_sym import nothing_here", {})
