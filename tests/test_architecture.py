"""The package's architecture rules, measured on the source by ``tests/layout.py``.

* every import runs from a higher layer to a lower one (``layout.LAYERS``);
* no import circle, counting imports inside functions;
* no module over 600 lines;
* no underscore name imported from another module (privacy is per module:
  what a sibling uses is public within its package).
"""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).parent))
import layout

pytestmark = pytest.mark.timeout(60)

MAX_LINES = 600


@pytest.fixture(scope="module")
def modules() -> dict[str, layout.Module]:
    return layout.scan()


def test_every_module_has_a_layer(modules):
    missing = []
    for name in modules:
        try:
            layout.layer(name)
        except KeyError:
            missing.append(name)
    assert not missing, f"modules in no layer of tests/layout.py LAYERS: {missing}"


def test_imports_run_downwards(modules):
    bad = layout.upward_imports(modules)
    shown = [f"{a} (layer {layout.layer(a)}) -> {b} (layer {layout.layer(b)})" for a, b in bad]
    assert not bad, "imports from a lower layer to a higher one:\n" + "\n".join(shown)


def test_no_import_circle(modules):
    assert layout.circles(layout.edges(modules)) == []


def test_no_module_over_600_lines(modules):
    big = {name: m.lines for name, m in modules.items() if m.lines > MAX_LINES}
    assert not big, f"modules over {MAX_LINES} lines: {big}"


def test_no_private_name_imported_across_modules(modules):
    found = layout.private_imports(modules, "module")
    assert not found, "underscore names imported from another module:\n" + "\n".join(map(str, found))


def test_the_rules_can_fail(tmp_path):
    """The scanner sees what the rules forbid: a circle, an upward import and a private import."""
    pkg = tmp_path / "urnn_sym"
    (pkg / "numbers").mkdir(parents=True)
    (pkg / "__init__.py").write_text("")
    (pkg / "numbers" / "__init__.py").write_text("")
    (pkg / "errors.py").write_text("def f():\n    from urnn_sym.numbers.arith import _g\n")
    (pkg / "numbers" / "arith.py").write_text("from urnn_sym import errors\n\ndef _g():\n    pass\n")
    saved = layout.ROOT
    layout.ROOT = tmp_path
    try:
        mods = layout.scan(pkg)
    finally:
        layout.ROOT = saved
    graph = layout.edges(mods)
    assert layout.circles(graph) == [["urnn_sym.errors", "urnn_sym.numbers.arith"]]
    assert layout.upward_imports(mods) == [("urnn_sym.errors", "urnn_sym.numbers.arith")]
    assert layout.private_imports(mods, "wing") == [("urnn_sym.errors", "urnn_sym.numbers.arith", "_g")]


def test_tests_mirror_the_package(modules):
    """tests/<wing>/ for every subpackage, and no test directory for a wing that does not exist."""
    wings = {layout.wing(name) for name in modules if name.count(".") >= 2}
    tests = Path(__file__).parent
    dirs = {p.name for p in tests.iterdir() if p.is_dir() and not p.name.startswith((".", "_"))}
    assert dirs == wings, f"test directories {sorted(dirs)} against subpackages {sorted(wings)}"
