"""Measure the package's architecture: modules, import graph, depth, circles, private imports.

Used by ``tests/test_architecture.py`` (which enforces the rules) and by
``benchmarks/bench_layout.py`` (which prints the table).  Every import is counted,
top-level or inside a function, because a function-level import is still a
dependency of the module.

Run ``python tests/layout.py`` to print the measurements for the working tree.
"""

from __future__ import annotations

import ast
import sys
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
PACKAGE = ROOT / "urnn_sym"


@dataclass
class Import:
    """One ``from X import a, b`` or ``import X`` in a module."""

    target: str  # the module imported from, absolute (``urnn_sym.numbers.arith``)
    names: tuple[str, ...]  # the names taken (empty for ``import X``)
    line: int
    top_level: bool


@dataclass
class Module:
    name: str
    path: Path
    lines: int
    imports: list[Import] = field(default_factory=list)


def module_name(path: Path) -> str:
    rel = path.relative_to(ROOT).with_suffix("")
    parts = list(rel.parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


def _resolve(module: str, is_package: bool, level: int, target: str | None) -> str:
    base = module.split(".")
    if not is_package:
        base = base[:-1]
    if level > 1:
        base = base[: len(base) - (level - 1)]
    return ".".join([*base, *([target] if target else [])])


def scan(package: Path = PACKAGE) -> dict[str, Module]:
    """Parse every module of the package and return them by dotted name."""
    modules: dict[str, Module] = {}
    for path in sorted(package.rglob("*.py")):
        name = module_name(path)
        text = path.read_text(encoding="utf-8")
        tree = ast.parse(text)
        mod = Module(name, path, len(text.splitlines()))
        top = {id(node) for node in tree.body}
        # imports nested in if/try at module level still run at import time
        for node in tree.body:
            if isinstance(node, (ast.If, ast.Try)):
                top.update(id(sub) for sub in ast.walk(node))
        for node in ast.walk(tree):
            if isinstance(node, ast.ImportFrom):
                if node.level:
                    target = _resolve(name, path.name == "__init__.py", node.level, node.module)
                else:
                    target = node.module or ""
                if not target.startswith("urnn_sym"):
                    continue
                mod.imports.append(Import(target, tuple(a.name for a in node.names), node.lineno, id(node) in top))
            elif isinstance(node, ast.Import):
                for alias in node.names:
                    if alias.name.startswith("urnn_sym"):
                        mod.imports.append(Import(alias.name, (), node.lineno, id(node) in top))
        modules[name] = mod
    return modules


def edges(modules: dict[str, Module]) -> dict[str, set[str]]:
    """Module -> modules it imports (``from pkg import sub`` counts as importing ``pkg.sub``)."""
    graph: dict[str, set[str]] = {name: set() for name in modules}
    for name, mod in modules.items():
        for imp in mod.imports:
            for taken in imp.names or ("",):
                sub = f"{imp.target}.{taken}"
                target = sub if taken and sub in modules else imp.target
                if target in modules and target != name:
                    graph[name].add(target)
    return graph


def circles(graph: dict[str, set[str]]) -> list[list[str]]:
    """Strongly connected components with more than one module (Tarjan)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on: set[str] = set()
    out: list[list[str]] = []
    counter = [0]

    def visit(v: str) -> None:
        index[v] = low[v] = counter[0]
        counter[0] += 1
        stack.append(v)
        on.add(v)
        for w in sorted(graph[v]):
            if w not in index:
                visit(w)
                low[v] = min(low[v], low[w])
            elif w in on:
                low[v] = min(low[v], index[w])
        if low[v] == index[v]:
            comp = []
            while True:
                w = stack.pop()
                on.discard(w)
                comp.append(w)
                if w == v:
                    break
            if len(comp) > 1:
                out.append(sorted(comp))

    sys.setrecursionlimit(10000)
    for v in sorted(graph):
        if v not in index:
            visit(v)
    return out


def depth(graph: dict[str, set[str]]) -> int:
    """Number of modules on the longest import chain (circles collapsed to one node)."""
    comp_of: dict[str, int] = {}
    for i, comp in enumerate(circles(graph)):
        for m in comp:
            comp_of[m] = i
    node = {m: comp_of.get(m, -1 - j) for j, m in enumerate(sorted(graph))}
    cgraph: dict[int, set[int]] = {}
    for m, targets in graph.items():
        cgraph.setdefault(node[m], set()).update(node[t] for t in targets if node[t] != node[m])
    memo: dict[int, int] = {}

    def longest(c: int) -> int:
        if c not in memo:
            memo[c] = 1 + max((longest(t) for t in cgraph.get(c, ())), default=0)
        return memo[c]

    return max(longest(c) for c in cgraph)


def wing(name: str) -> str:
    """The subpackage (or top-level module) a module belongs to: ``urnn_sym.smt.check.bounded`` -> ``smt``."""
    parts = name.split(".")
    return parts[1] if len(parts) > 1 else ""


def private_imports(modules: dict[str, Module], across: str = "module") -> list[tuple[str, str, str]]:
    """Underscore names imported from another module (``across='module'``) or another wing (``'wing'``).

    Returns (importer, source module, name).  Dunder names and private modules'
    own public names are not counted; importing a private *module* (``_native``)
    across wings is.
    """
    found = []
    for name, mod in modules.items():
        for imp in mod.imports:
            if imp.target == name:
                continue
            if across == "wing" and wing(imp.target) == wing(name):
                continue
            for taken in imp.names:
                if taken.startswith("_") and not taken.startswith("__"):
                    found.append((name, imp.target, taken))
            last = imp.target.rsplit(".", 1)[-1]
            if last.startswith("_") and not last.startswith("__"):
                found.append((name, imp.target, "(private module)"))
    return found


def measure() -> dict[str, object]:
    modules = scan()
    graph = edges(modules)
    return {
        "modules": len(modules),
        "subpackages": sorted({wing(m) for m in modules if m.count(".") >= 2}),
        "depth": depth(graph),
        "circles": circles(graph),
        "private_cross_module": len(private_imports(modules, "module")),
        "private_cross_wing": len(private_imports(modules, "wing")),
        "largest": max(((m.lines, name) for name, m in modules.items())),
        "over_600": sorted(name for name, m in modules.items() if m.lines > 600),
    }


if __name__ == "__main__":
    for key, value in measure().items():
        print(f"{key}: {value}")


# The layers, lowest first.  A module may import only from its own layer or a lower
# one; within a layer, only without a circle (checked separately).
LAYERS: tuple[tuple[str, ...], ...] = (
    ("errors", "version", "status", "names", "lazy"),
    ("numbers",),
    ("evidence", "validation"),
    ("model",),
    ("io", "witnesses"),
    ("refutation", "verdict"),  # the result documents and their independent re-check
    ("construct",),
    ("smt",),
    ("refute",),
    ("stacked",),
    ("latex", "strategies", "proofkit"),
    ("experiments",),
    ("cli",),
    ("__main__", ""),
)


def layer(name: str) -> int:
    """The layer index of a module (its wing's position in LAYERS)."""
    w = wing(name) if name.count(".") >= 1 else ""
    for i, group in enumerate(LAYERS):
        if w in group:
            return i
    raise KeyError(f"module {name} (wing {w!r}) is in no layer")


def upward_imports(modules: dict[str, Module]) -> list[tuple[str, str]]:
    """Imports that run from a lower layer to a higher one."""
    bad = []
    for name, targets in edges(modules).items():
        for t in targets:
            if layer(t) > layer(name):
                bad.append((name, t))
    return sorted(set(bad))
