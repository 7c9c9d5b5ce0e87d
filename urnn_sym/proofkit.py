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
    """What a check established and how: the return value of every check function.

    Build it with :func:`proved`, :func:`refuted` or :func:`unknown` rather than directly.

    Parameters
    ----------
    status : str
        ``"proved"``, ``"refuted"``, ``"failed"`` or ``"unknown"`` (not validated).
    method : str
        What established the status (exact identity, z3 query, certified
        bound, ...); ``"undecided"`` for unknown results.
    detail : str, default ""
        Details in words: the counterexample of a refutation, the reason a
        check is unknown.
    data : dict, default empty
        Machine-readable values; serialised with
        :func:`urnn_sym.evidence.jsonable` in the JSON report.
    """

    status: str
    method: str
    detail: str = ""
    data: dict[str, Any] = field(default_factory=dict)


def proved(method: str, detail: str = "", **data: Any) -> Evidence:
    """Return ``Evidence("proved", method, detail, data)``: the check holds.

    Parameters
    ----------
    method : str
        What proved it (exact identity, z3 query, certified bound); printed on
        the check's line.
    detail : str, default ""
        Optional details in words.
    **data : Any
        Machine-readable values to include in the JSON report.

    Returns
    -------
    Evidence
        Evidence with status ``"proved"``.
    """
    return Evidence("proved", method, detail, data)


def refuted(method: str, detail: str, **data: Any) -> Evidence:
    """Return ``Evidence("refuted", method, detail, data)``: the claim is false.

    Parameters
    ----------
    method : str
        What refuted it (e.g. exact re-simulation of a distinguishing input).
    detail : str
        The counterexample, in words; printed on the check's line.
    **data : Any
        Machine-readable values (e.g. the input sequence) for the JSON report.

    Returns
    -------
    Evidence
        Evidence with status ``"refuted"`` (exit code 1).
    """
    return Evidence("refuted", method, detail, data)


def unknown(reason: str, **data: Any) -> Evidence:
    """Return ``Evidence("unknown", "undecided", reason, data)``: the check could not be decided.

    Parameters
    ----------
    reason : str
        Why (timeout, hypothesis not met); becomes the evidence's ``detail``
        and is printed on the check's line.
    **data : Any
        Machine-readable values for the JSON report.

    Returns
    -------
    Evidence
        Evidence with status ``"unknown"`` (exit code 3 unless something failed).
    """
    return Evidence("unknown", "undecided", reason, data)


class CheckFailed(AssertionError):
    """Raised inside a check when an exact identity or bound does not hold."""


@dataclass(frozen=True)
class Outcome:
    """One executed check: its identity, status, evidence and running time.

    Parameters
    ----------
    script : str
        Name of the :class:`Script` the check belongs to.
    name : str
        Name of the check (its function name with ``_`` replaced by ``-``).
    title : str
        The title given to :meth:`Script.check`.
    status : str
        ``"proved"``, ``"refuted"``, ``"failed"`` (the check raised an
        exception other than :class:`CheckFailed`) or ``"unknown"``.
    method : str
        What established the status (``"exact check"`` for a raised
        :class:`CheckFailed`, ``"exception"`` for a failure).
    detail : str
        Details in words (counterexample, reason, or ``"Type: message"`` of the
        exception).
    seconds : float
        Wall-clock running time of the check.
    data : dict, default empty
        Machine-readable values from the evidence.
    """

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
    """An ordered list of checks belonging to one proof-check script.

    Parameters
    ----------
    name : str
        Short name of the script (its file stem, e.g. ``"model"``), used in
        every outcome line.
    title : str
        One-line description, e.g. ``"math.md section 1: facts about the RNN model"``.

    Attributes
    ----------
    checks : list of (str, str, callable)
        ``(name, title, function)`` of every registered check, in registration order.
    """

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
    """Return the exit code of a run: 1 if something was refuted or failed, else 3 if something is unknown, else 0.

    Parameters
    ----------
    outcomes : iterable of Outcome
        The executed checks.  An empty iterable gives 0.

    Returns
    -------
    int
        0, 1 or 3 (see :mod:`urnn_sym.cli`).
    """
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
    """Run scripts in order and return all outcomes, printing one line per check (or one JSON document at the end).

    Parameters
    ----------
    scripts : list of Script
        The scripts to run, in order.
    stream : text stream
        Where to print (e.g. ``sys.stdout``): a header per script, one line
        per check as it finishes and a summary line.
    as_json : bool, default False
        Print nothing while running and one ``urnn-sym.proof-report/1`` JSON
        document (outcomes, summary, exit code) at the end instead.

    Returns
    -------
    list of Outcome
        Every executed check, in order.
    """
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
    """Return the first directory holding ``*.py`` files among: ``explicit``, the installed copy, the source checkout.

    Parameters
    ----------
    explicit : str, optional
        A directory given by the user (CLI ``--proofs-dir``); tried first.  If
        it has no ``*.py`` files the default locations are still tried.

    Returns
    -------
    pathlib.Path
        ``explicit``, ``urnn_sym/_proofs`` or ``<checkout>/proofs``.

    Raises
    ------
    InvalidArgumentError
        If no candidate is a directory containing ``*.py`` files (the message
        lists the places looked in).
    """
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
    """Import ``directory/name.py`` and return the one :class:`Script` it defines.

    Parameters
    ----------
    directory : pathlib.Path
        A proofs directory (see :func:`find_proofs_dir`).
    name : str
        The script name: a file stem in ``directory`` not starting with ``_``.

    Returns
    -------
    Script
        The script object found at module level (its checks are registered,
        not run).

    Raises
    ------
    InvalidArgumentError
        If ``name`` is not one of the available scripts (the message lists them).
    UrnnSymError
        If the file cannot be loaded, or it defines no or several ``Script`` objects.

    Notes
    -----
    Importing executes the script's module-level code; any exception it raises
    propagates unchanged.
    """
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
