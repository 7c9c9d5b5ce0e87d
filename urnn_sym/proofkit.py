"""The small framework behind the proof-check scripts in ``proofs/``.

A script creates a :class:`Script`, registers checks in the order a reader
should follow them, and each check returns an :class:`Evidence` saying what
established it::

    script = Script("model", "math.md section 1: facts about the RNN model")

    @script.check("ReLU commutes with positive scalings")
    def relu_scaling():
        ...
        return proved("sympy: Max(0, l*z) - l*Max(0, z) simplifies to 0 for l > 0")

A check whose evidence covers the general statement (a symbolic identity over
all values, an exhaustive case split, a solver's unsat over the whole set with
non-vacuous assumptions, an exact certificate for the one object the claim is
about) returns :func:`proved`.  A check that verifies the statement on finitely
many instances or inputs -- even exactly -- returns :func:`checked` with the
number it counted: "checked on N instances" is never "proved".  A check that
returns :func:`refuted` or raises :class:`CheckFailed` is a definitive negative;
one that returns :func:`unknown` could not be decided (for a solver: also when
the query's assumptions alone are unsatisfiable, see :func:`nonvacuity`).  Any
other exception is a crash, not an answer about the claim: its outcome has the
status ``unknown`` with ``crashed`` set, is printed as ``failed`` with its
message, and makes the run exit 1 (like a refutation), never 3.  Every status
word is one of :data:`urnn_sym.status.CHECK_STATUSES`.  ``urnn-sym prove``
runs the scripts; each script also runs on its own (``python proofs/model.py``).
"""

from __future__ import annotations

import importlib.util
import json
import sys
import time
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO, Any

from urnn_sym.errors import InvalidArgumentError, UrnnSymError
from urnn_sym.evidence import Check, jsonable
from urnn_sym.status import CHECK_STATUSES, CheckStatus, check_status

__all__ = [
    "CheckFailed",
    "Evidence",
    "Outcome",
    "Script",
    "checked",
    "checked_text",
    "exit_code",
    "find_proofs_dir",
    "load_script",
    "nonvacuity",
    "proved",
    "refuted",
    "run_scripts",
    "summary",
    "unknown",
    "vacuous",
]

#: The columns of :func:`summary`: the four status words, and ``failed`` for the checks that crashed.
SUMMARY_COLUMNS = ("proved", "checked", "refuted", "failed", "unknown")


@dataclass(frozen=True)
class Evidence:
    """What a check established and how: the return value of every check function.

    Build it with :func:`proved`, :func:`checked`, :func:`refuted` or
    :func:`unknown` rather than directly.

    Parameters
    ----------
    status : {"proved", "checked", "refuted", "unknown"}
        One of :data:`urnn_sym.status.CHECK_STATUSES`; any other word, and a
        ``"checked"`` without ``instances``, raises :class:`InvalidArgumentError`
        (inside a check: reported by :meth:`Script.run` as a crash, ``failed``).
    method : str
        What established the status (exact identity, z3 query, certified
        bound, ...); ``"undecided"`` for unknown results.
    detail : str, default ""
        Details in words: the counterexample of a refutation, the reason a
        check is unknown.
    data : dict, default empty
        Machine-readable values; serialised with
        :func:`urnn_sym.evidence.jsonable` in the JSON report.
    instances : int, optional
        For ``"checked"``: the number of instances or inputs the check
        verified (counted by the check); None otherwise.
    """

    status: CheckStatus
    method: str
    detail: str = ""
    data: dict[str, Any] = field(default_factory=dict)
    instances: int | None = None

    def __post_init__(self) -> None:
        check_status(self.status, CHECK_STATUSES)
        n = self.instances
        if self.status == "checked" and (isinstance(n, bool) or not isinstance(n, int) or n < 1):
            raise InvalidArgumentError(f"instances: a 'checked' result counts them, an integer >= 1, but found {n!r}")

    def to_json(self) -> dict[str, Any]:
        """A JSON-ready dict (the fields of the evidence, ``data`` through :func:`urnn_sym.evidence.jsonable`)."""
        keys = ("status", "method", "detail", "instances")
        return {**{k: getattr(self, k) for k in keys}, "data": jsonable(self.data)}


def proved(method: str, detail: str = "", **data: Any) -> Evidence:
    """Return ``Evidence("proved", method, detail, data)``: the check holds (for the general statement as titled).

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
        Evidence with status ``"proved"``; a check over finitely many
        instances or inputs returns :func:`checked` instead.

    Examples
    --------
    >>> proved("sympy: the difference simplifies to 0").status
    'proved'
    """
    return Evidence("proved", method, detail, data)


def checked_text(n: int) -> str:
    """``"checked on N instances"`` (``"checked on 1 instance"`` for N = 1).

    Parameters
    ----------
    n : int
        The number of instances checked.

    Examples
    --------
    >>> checked_text(12), checked_text(1)
    ('checked on 12 instances', 'checked on 1 instance')
    """
    return f"checked on {n} instance{'s' if n != 1 else ''}"


def checked(n: int, method: str, detail: str = "", **data: Any) -> Evidence:
    """Return ``Evidence("checked", ...)``: the statement holds on the ``n`` instances or inputs that were checked.

    Parameters
    ----------
    n : int
        How many instances (networks, input sequences, candidates, ...) the
        check verified, counted by the check itself (never a typed-in
        constant); at least 1.
    method : str
        How each instance was verified (exact simulation, ball arithmetic,
        ...); printed after ``checked on N instances``.
    detail : str, default ""
        Optional details in words.
    **data : Any
        Machine-readable values to include in the JSON report.

    Returns
    -------
    Evidence
        Evidence with status ``"checked"`` and ``instances = n`` (a success:
        exit code 0, like ``"proved"``, but counted apart in the summary).

    Raises
    ------
    InvalidArgumentError
        If ``n`` is not an integer >= 1 (a bool is not an integer here).

    Examples
    --------
    >>> ev = checked(3, "exact simulation, identical outputs")
    >>> ev.status, ev.instances
    ('checked', 3)
    >>> checked(0, "nothing")
    Traceback (most recent call last):
    ...
    urnn_sym.errors.InvalidArgumentError: n: expected the number of instances checked, an integer >= 1, but found 0
    """
    if isinstance(n, bool) or not isinstance(n, int) or n < 1:
        raise InvalidArgumentError(f"n: expected the number of instances checked, an integer >= 1, but found {n!r}")
    return Evidence("checked", method, detail, data, instances=n)


def refuted(method: str, detail: str, **data: Any) -> Evidence:
    """Return ``Evidence("refuted", method, detail, data)``: the claim is false (exit code 1).

    Parameters
    ----------
    method : str
        What refuted it (e.g. exact re-simulation of a distinguishing input).
    detail : str
        The counterexample, in words; printed on the check's line.
    **data : Any
        Machine-readable values (e.g. the input sequence) for the JSON report.
    """
    return Evidence("refuted", method, detail, data)


def unknown(reason: str, **data: Any) -> Evidence:
    """Return ``Evidence("unknown", "undecided", reason, data)``: the check could not be decided (exit code 3).

    Parameters
    ----------
    reason : str
        Why (timeout, hypothesis not met); becomes the evidence's ``detail``
        and is printed on the check's line.
    **data : Any
        Machine-readable values for the JSON report.
    """
    return Evidence("unknown", "undecided", reason, data)


def nonvacuity(assumptions: Sequence[Any], *, free: Sequence[Any], ctx: Any) -> Check:
    """Show that a z3 query's assumptions alone have a model, re-checked in exact arithmetic.

    An unsat answer to "assumptions and not(goal)" proves the goal only if
    the assumptions themselves are satisfiable; a check must call this before
    it trusts an unsat, and return :func:`vacuous` when it does not hold.

    Parameters
    ----------
    assumptions : sequence of z3.BoolRef
        Everything the query assumes besides its negated goal.
    free : sequence of z3.ArithRef
        Every variable the assumptions mention.
    ctx : z3.Context
        The query's own context.

    Returns
    -------
    urnn_sym.evidence.Check
        Holds when z3 finds a model of the assumptions at which each holds in
        exact rational arithmetic (an algebraic value is replaced by a nearby
        rational); otherwise the reason (:func:`urnn_sym.smt.vacuity.show_nonvacuous`).

    Examples
    --------
    >>> import z3
    >>> ctx = z3.Context()
    >>> x = z3.Real("x", ctx)
    >>> bool(nonvacuity([x >= 0, x <= 1], free=[x], ctx=ctx)), bool(nonvacuity([x >= 1, x <= 0], free=[x], ctx=ctx))
    (True, False)
    """
    from urnn_sym.smt.vacuity import show_nonvacuous  # lazy: z3 is imported only by the checks that use it

    return show_nonvacuous(list(assumptions), free=list(free), ctx=ctx)


def vacuous(check: Check) -> Evidence:
    """The :func:`unknown` evidence of a query whose non-vacuity was not shown (see :func:`nonvacuity`).

    Parameters
    ----------
    check : urnn_sym.evidence.Check
        The failed answer of :func:`nonvacuity`.

    Returns
    -------
    Evidence
        ``unknown("vacuous assumptions: <reason>")`` when z3 found the
        assumptions unsatisfiable, ``unknown("non-vacuity not shown: <reason>")``
        otherwise (undecided, or the model did not re-check exactly).

    Examples
    --------
    >>> from urnn_sym.evidence import Check
    >>> vacuous(Check(False, "z3", "the assumptions alone are unsatisfiable")).detail
    'vacuous assumptions: the assumptions alone are unsatisfiable'
    """
    label = "vacuous assumptions" if "unsatisfiable" in check.detail else "non-vacuity not shown"
    return unknown(f"{label}: {check.detail}", nonvacuity=check.to_json())


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
    status : {"proved", "checked", "refuted", "unknown"}
        ``"proved"``, ``"checked"`` (on finitely many instances),
        ``"refuted"`` or ``"unknown"`` (also for a crash, see ``crashed``).
    method : str
        What established the status (``"exact check"`` for a raised
        :class:`CheckFailed`, ``"exception"`` for a crash).
    detail : str
        Details in words (counterexample, reason, or ``"Type: message"`` of the
        exception).
    seconds : float
        Wall-clock running time of the check.
    data : dict, default empty
        Machine-readable values from the evidence.
    instances : int, optional
        For ``"checked"``: how many instances or inputs were checked.
    crashed : bool, default False
        The check raised an exception other than :class:`CheckFailed` or
        returned malformed evidence: the claim is undecided (status
        ``"unknown"``), the line says ``failed`` and the run exits 1.  Another
        status word, or ``crashed`` with a status other than "unknown", raises
        :class:`InvalidArgumentError`.
    """

    script: str
    name: str
    title: str
    status: CheckStatus
    method: str
    detail: str
    seconds: float
    data: dict[str, Any] = field(default_factory=dict)
    instances: int | None = None
    crashed: bool = False

    def __post_init__(self) -> None:
        check_status(self.status, CHECK_STATUSES)
        if self.crashed and self.status != "unknown":
            raise InvalidArgumentError(f"status: a crashed check is 'unknown' but found {self.status!r}")

    @property
    def label(self) -> str:
        """The word printed for the check: its status, or ``"failed"`` for a crash."""
        return "failed" if self.crashed else self.status

    def line(self) -> str:
        """One human-readable line: status, name, time, title, then what established it.

        Examples
        --------
        >>> Outcome("s", "c", "a claim", "checked", "exact simulation", "", 0.5, instances=2).line()
        '[checked] s/c  (0.50 s)  a claim: checked on 2 instances: exact simulation'
        """
        text = f"[{self.label:>7}] {self.script}/{self.name}  ({self.seconds:.2f} s)  {self.title}"
        if self.status == "checked":
            how = f"{checked_text(self.instances or 0)}: {self.method}"
        else:
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
            "instances": self.instances,
            "crashed": self.crashed,
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
                ev.__post_init__()  # Evidence validates itself; again, in case it was altered after construction
                status, method, detail, data, count = ev.status, ev.method, ev.detail, ev.data, ev.instances
                crashed = False
            except CheckFailed as exc:
                status, method, detail, data, count, crashed = "refuted", "exact check", str(exc), {}, None, False
            except Exception as exc:  # a crashing check is reported, never hidden
                status, method, detail, data, count = "unknown", "exception", f"{type(exc).__name__}: {exc}", {}, None
                crashed = True
            seconds = time.perf_counter() - start
            out = Outcome(self.name, name, title, status, method, detail, seconds, data, count, crashed)
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
    """Return the exit code of a run: 1 if something was refuted or crashed, else 3 if something is unknown, else 0.

    ``"proved"`` and ``"checked"`` are both successes (0); a crashed check
    (status ``"unknown"``, ``crashed`` set) gives 1, not 3.

    Parameters
    ----------
    outcomes : iterable of Outcome
        The executed checks.  An empty iterable gives 0 (the codes are those of :mod:`urnn_sym.cli`).
    """
    labels = {o.label for o in outcomes}
    if labels & {"refuted", "failed"}:
        return 1
    if "unknown" in labels:
        return 3
    return 0


def summary(outcomes: list[Outcome], seconds: float) -> str:
    """``N checks: a proved, b checked on finitely many instances, c refuted, d failed, e unknown (t s)``.

    Parameters
    ----------
    outcomes : list of Outcome
        The executed checks.
    seconds : float
        Total running time.

    Notes
    -----
    The checks verified on finitely many instances are counted apart from the
    proved ones, the crashed checks ("failed") apart from the undecided ones.

    Examples
    --------
    >>> summary([Outcome("s", "c", "t", "checked", "m", "", 0.1, instances=4)], 0.1)
    '1 checks: 0 proved, 1 checked on finitely many instances, 0 refuted, 0 failed, 0 unknown (0.1 s)'
    """
    counts = {s: sum(o.label == s for o in outcomes) for s in SUMMARY_COLUMNS}
    label = {"checked": "checked on finitely many instances"}
    parts = ", ".join(f"{counts[s]} {label.get(s, s)}" for s in SUMMARY_COLUMNS)
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
        The script object found at module level (registered, not run).

    Raises
    ------
    InvalidArgumentError
        If ``name`` is not one of the available scripts (the message lists them).
    UrnnSymError
        If the file cannot be loaded, or it defines no or several ``Script`` objects.

    Notes
    -----
    Importing executes the script's module-level code; its exceptions propagate.
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
