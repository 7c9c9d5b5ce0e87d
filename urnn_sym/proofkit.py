"""The small framework behind the proof-check scripts in ``proofs/``.

A script creates a :class:`Script`, registers checks in the order a reader
should follow them, and each check returns an :class:`Evidence` saying what
established it::

    script = Script("model", "math.md section 1: facts about the RNN model")

    @script.check("ReLU commutes with positive scalings")
    def relu_scaling():
        ...
        return proved("sympy: Max(0, l*z) - l*Max(0, z) simplifies to 0 for l > 0")

A check that returns :func:`refuted` or raises :class:`CheckFailed` is a
definitive negative; one that returns :func:`unknown` could not be decided; any
other exception is reported as ``failed`` with its message.  ``urnn-sym prove``
runs the scripts; each script also runs on its own (``python proofs/model.py``).
"""

from __future__ import annotations

import importlib.util
import json
import sys
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO, Any

from .errors import InvalidArgumentError, UrnnSymError
from .evidence import jsonable

__all__ = [
    "CheckFailed",
    "Evidence",
    "Outcome",
    "Script",
    "exit_code",
    "find_proofs_dir",
    "load_script",
    "proved",
    "refuted",
    "run_scripts",
    "unknown",
]

STATUSES = ("proved", "refuted", "failed", "unknown")


@dataclass(frozen=True)
class Evidence:
    """What a check established and how."""

    status: str
    method: str
    detail: str = ""
    data: dict[str, Any] = field(default_factory=dict)


def proved(method: str, detail: str = "", **data: Any) -> Evidence:
    """The check holds; ``method`` names what proved it (exact identity, z3, certified bound)."""
    return Evidence("proved", method, detail, data)


def refuted(method: str, detail: str, **data: Any) -> Evidence:
    """The claim is false; ``detail`` gives the counterexample."""
    return Evidence("refuted", method, detail, data)


def unknown(reason: str, **data: Any) -> Evidence:
    """The check could not be decided (timeout, hypothesis not met)."""
    return Evidence("unknown", "undecided", reason, data)


class CheckFailed(AssertionError):
    """Raised inside a check when an exact identity or bound does not hold."""


@dataclass(frozen=True)
class Outcome:
    """One executed check."""

    script: str
    name: str
    title: str
    status: str
    method: str
    detail: str
    seconds: float
    data: dict[str, Any] = field(default_factory=dict)

    def line(self) -> str:
        """One human-readable line."""
        text = f"[{self.status:>7}] {self.script}/{self.name}  ({self.seconds:.2f} s)  {self.title}"
        how = self.method if self.status == "proved" else self.detail
        return f"{text}: {how}" if how else text

    def to_json(self) -> dict[str, Any]:
        """A JSON-ready dict."""
        return {
            "script": self.script,
            "check": self.name,
            "title": self.title,
            "status": self.status,
            "method": self.method,
            "detail": self.detail,
            "seconds": round(self.seconds, 4),
            "data": jsonable(self.data),
        }


class Script:
    """An ordered list of checks belonging to one proof-check script."""

    def __init__(self, name: str, title: str) -> None:
        self.name = name
        self.title = title
        self.checks: list[tuple[str, str, Callable[[], Evidence]]] = []

    def check(self, title: str) -> Callable[[Callable[[], Evidence]], Callable[[], Evidence]]:
        """Register a check (a function of no arguments returning :class:`Evidence`)."""

        def register(func: Callable[[], Evidence]) -> Callable[[], Evidence]:
            self.checks.append((func.__name__.replace("_", "-"), title, func))
            return func

        return register

    def run(self, *, on_outcome: Callable[[Outcome], None] | None = None) -> list[Outcome]:
        """Run every check in order."""
        outcomes = []
        for name, title, func in self.checks:
            start = time.perf_counter()
            try:
                ev = func()
                if not isinstance(ev, Evidence):
                    raise TypeError(f"check returned {type(ev).__name__}, not Evidence")
                status, method, detail, data = ev.status, ev.method, ev.detail, ev.data
            except CheckFailed as exc:
                status, method, detail, data = "refuted", "exact check", str(exc), {}
            except Exception as exc:  # a failing check is reported, never hidden
                status, method, detail, data = "failed", "exception", f"{type(exc).__name__}: {exc}", {}
            out = Outcome(self.name, name, title, status, method, detail, time.perf_counter() - start, data)
            outcomes.append(out)
            if on_outcome is not None:
                on_outcome(out)
        return outcomes

    def main(self, argv: list[str] | None = None) -> int:
        """Entry point for ``python proofs/<name>.py [--json]``."""
        args = sys.argv[1:] if argv is None else argv
        outcomes = run_scripts([self], stream=sys.stdout, as_json="--json" in args)
        return exit_code(outcomes)


def exit_code(outcomes: Iterable[Outcome]) -> int:
    """0 all proved, 1 something refuted or failed, 3 something unknown."""
    statuses = {o.status for o in outcomes}
    if statuses & {"refuted", "failed"}:
        return 1
    if "unknown" in statuses:
        return 3
    return 0


def summary(outcomes: list[Outcome], seconds: float) -> str:
    """``N checks: a proved, b refuted, c failed, d unknown (t s)``."""
    counts = {s: sum(o.status == s for o in outcomes) for s in STATUSES}
    parts = ", ".join(f"{counts[s]} {s}" for s in STATUSES)
    return f"{len(outcomes)} checks: {parts} ({seconds:.1f} s)"


def run_scripts(scripts: list[Script], *, stream: IO[str], as_json: bool = False) -> list[Outcome]:
    """Run scripts, printing one line per check (or one JSON document at the end)."""
    start = time.perf_counter()
    outcomes: list[Outcome] = []
    for script in scripts:
        if not as_json:
            print(f"== {script.name}: {script.title}", file=stream, flush=True)
        outcomes += script.run(on_outcome=None if as_json else lambda o: print(o.line(), file=stream, flush=True))
    total = time.perf_counter() - start
    if as_json:
        doc = {
            "format": "urnn-sym.proof-report/1",
            "outcomes": [o.to_json() for o in outcomes],
            "summary": summary(outcomes, total),
            "exit_code": exit_code(outcomes),
        }
        print(json.dumps(doc, indent=1), file=stream)
    else:
        print(summary(outcomes, total), file=stream)
    return outcomes


def find_proofs_dir(explicit: str | None = None) -> Path:
    """Locate ``proofs/``: explicit path, the installed copy, or the source checkout."""
    candidates = [Path(explicit)] if explicit else []
    here = Path(__file__).resolve().parent
    candidates += [here / "_proofs", here.parent / "proofs"]
    for c in candidates:
        if c.is_dir() and any(c.glob("*.py")):
            return c
    where = ", ".join(str(c) for c in candidates)
    raise InvalidArgumentError(f"proofs-dir: no proof-check scripts found (looked in {where})")


def available(directory: Path) -> list[str]:
    """Names of the scripts in a proofs directory, in run order."""
    return sorted(p.stem for p in directory.glob("*.py") if not p.stem.startswith("_"))


def load_script(directory: Path, name: str) -> Script:
    """Import ``directory/name.py`` and return its :class:`Script`."""
    names = available(directory)
    if name not in names:
        raise InvalidArgumentError(f"NAME: unknown proof script {name!r} (available: {', '.join(names)}, all)")
    path = directory / f"{name}.py"
    spec = importlib.util.spec_from_file_location(f"urnn_sym_proofs_{name}", path)
    if spec is None or spec.loader is None:
        raise UrnnSymError(f"NAME: cannot load {path}")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    scripts = [v for v in vars(module).values() if isinstance(v, Script)]
    if len(scripts) != 1:
        raise UrnnSymError(f"{path}: expected exactly one Script object but found {len(scripts)}")
    return scripts[0]
