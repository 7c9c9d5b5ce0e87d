"""The result of a search for a distinguishing input, shared by every refuter.

A :class:`Refutation` says either ``"refuted"`` -- here is an input sequence
inside the input bound on which the two networks' outputs differ, already
re-simulated exactly (ReLU, identity) or in ball arithmetic (sigmoid, tanh) --
or ``"inconclusive"`` with the reason and the list of what was tried.  It
serialises to the ``urnn-sym.refutation/1`` JSON document, which embeds both
networks so that :func:`recheck` (CLI ``urnn-sym recheck``) can confirm it
independently.

Conventions: ``xs`` holds T rows of d exact rationals, ``time_step`` is the
first k with ``y(k)`` different, ``ys_rnn`` / ``ys_candidate`` the two output
sequences (exact rationals for piecewise-linear activations; for smooth
activations the refuter puts enclosures and the precision in ``data``).

>>> from fractions import Fraction as Q
>>> from urnn_sym import RNN
>>> a = RNN([[0]], [[1]], [0], [[1]])
>>> b = RNN([[0]], [[1]], [0], [[2]])
>>> ref = certify(a, b, [[Q(1, 2)]], input_bound=1, norm="inf", method="by hand")
>>> ref.status, ref.time_step, ref.ys_rnn, ref.ys_candidate
('refuted', 0, [[Fraction(1, 2)]], [[Fraction(1, 1)]])
>>> bool(recheck(Refutation.from_json(ref.to_json())))
True
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from fractions import Fraction
from typing import Any

from ._validation import check_norm
from .arith import as_fraction
from .errors import FileFormatError, InvalidArgumentError, UnsupportedError, UrnnSymError
from .evidence import Check, jsonable
from .model import RNN, simulate

__all__ = [
    "REFUTATION_FORMAT",
    "Refutation",
    "certify",
    "exact_outputs",
    "inconclusive",
    "input_within_bound",
    "recheck",
]

REFUTATION_FORMAT = "urnn-sym.refutation/1"
STATUSES = ("refuted", "inconclusive")
_SMOOTH = ("sigmoid", "tanh")


Rows = list[list[Any]]


@dataclass(frozen=True)
class Refutation:
    """Outcome of a search for an input on which two RNNs' outputs differ.

    Attributes
    ----------
    status : {"refuted", "inconclusive"}
        ``"refuted"`` only after an independent re-simulation confirmed it.
    method : str
        The route that produced the input (e.g. ``"constructive: Jacobian mismatch
        at a generic point (math.md section 3)"``) or that was last tried.
    reason : str
        Why the outputs differ (refuted) or why nothing was found (inconclusive).
    xs : list of rows, optional
        The input sequence, T rows of d ``Fraction``.
    time_step : int, optional
        First time k at which the outputs differ.
    ys_rnn, ys_candidate : list of rows, optional
        The two output sequences (``Fraction`` for ReLU/identity networks).
    input_bound : Fraction
        The bound M on ``||x(k)||`` that ``xs`` respects.
    norm : {"inf", "2"}
        The input norm.
    tried : list of str
        Every route attempted, with its outcome.
    data : dict
        Route-specific details (Jacobians, enclosures, precision, timings).
    rnn, candidate : RNN, optional
        The two networks (embedded in the JSON so that :func:`recheck` is self-contained).
    """

    status: str
    method: str
    reason: str = ""
    xs: Rows | None = None
    time_step: int | None = None
    ys_rnn: Rows | None = None
    ys_candidate: Rows | None = None
    input_bound: Fraction = Fraction(1)
    norm: str = "inf"
    tried: list[str] = field(default_factory=list)
    data: dict[str, Any] = field(default_factory=dict)
    rnn: RNN | None = None
    candidate: RNN | None = None

    def __post_init__(self) -> None:
        if self.status not in STATUSES:
            raise InvalidArgumentError(f"status: expected one of {', '.join(STATUSES)} but found {self.status!r}")
        if self.status == "refuted" and (self.xs is None or self.time_step is None):
            raise InvalidArgumentError("status: 'refuted' needs the input xs and the time_step where outputs differ")

    def __bool__(self) -> bool:
        return self.status == "refuted"

    @property
    def length(self) -> int | None:
        """Number of time steps T of the input, or None."""
        return None if self.xs is None else len(self.xs)

    def summary(self) -> str:
        """One human-readable line."""
        if self.status == "refuted":
            return (
                f"refuted: outputs differ at k = {self.time_step} on an input of length {self.length} ({self.method})"
            )
        return f"inconclusive: {self.reason}"

    def to_json(self) -> dict[str, Any]:
        """The ``urnn-sym.refutation/1`` document (exact numbers as strings)."""
        from .io import dump_rnn

        doc: dict[str, Any] = {
            "format": REFUTATION_FORMAT,
            "status": self.status,
            "method": self.method,
            "reason": self.reason,
            "input_bound": str(self.input_bound),
            "norm": self.norm,
            "time_step": self.time_step,
            "x": jsonable(self.xs),
            "y_rnn": jsonable(self.ys_rnn),
            "y_candidate": jsonable(self.ys_candidate),
            "tried": list(self.tried),
            "data": jsonable(self.data),
        }
        if self.rnn is not None:
            doc["rnn"] = dump_rnn(self.rnn)
        if self.candidate is not None:
            doc["candidate"] = dump_rnn(self.candidate)
        return doc

    @classmethod
    def from_json(cls, doc: Any, *, source: str = "refutation") -> Refutation:
        """Inverse of :meth:`to_json`; malformed documents raise :class:`FileFormatError`."""
        from .io import load_rnn

        if not isinstance(doc, dict) or doc.get("format") != REFUTATION_FORMAT:
            found = doc.get("format") if isinstance(doc, dict) else type(doc).__name__
            raise FileFormatError(f'{source}: expected "format": "{REFUTATION_FORMAT}" but found {found!r}')
        for key in ("status", "method", "input_bound", "norm"):
            if key not in doc:
                raise FileFormatError(f"{source}: missing required key {key!r}")
        try:
            return cls(
                status=doc["status"],
                method=str(doc["method"]),
                reason=str(doc.get("reason", "")),
                xs=_rows(doc.get("x"), f"{source}: x"),
                time_step=doc.get("time_step"),
                ys_rnn=_rows(doc.get("y_rnn"), f"{source}: y_rnn", strict=False),
                ys_candidate=_rows(doc.get("y_candidate"), f"{source}: y_candidate", strict=False),
                input_bound=as_fraction(doc["input_bound"], name=f"{source}: input_bound"),
                norm=check_norm(doc["norm"]),
                tried=[str(t) for t in doc.get("tried", [])],
                data=dict(doc.get("data", {})),
                rnn=load_rnn(doc["rnn"], source=f"{source}: rnn") if "rnn" in doc else None,
                candidate=load_rnn(doc["candidate"], source=f"{source}: candidate") if "candidate" in doc else None,
            )
        except FileFormatError:
            raise
        except UrnnSymError as exc:
            raise FileFormatError(f"{source}: {exc}") from exc


def _rows(value: Any, where: str, *, strict: bool = True) -> Rows | None:
    if value is None:
        return None
    if not isinstance(value, list) or not all(isinstance(r, list) for r in value):
        raise FileFormatError(f"{where}: expected a list of rows but found {str(value)[:40]}")
    out = []
    for i, row in enumerate(value):
        new = []
        for j, v in enumerate(row):
            try:
                new.append(as_fraction(v, name=f"{where}[{i}][{j}]"))
            except UrnnSymError:
                if strict:
                    raise
                new.append(v)
        out.append(new)
    return out


# ------------------------------------------------------------------------------
# exact and ball-arithmetic outputs
# ------------------------------------------------------------------------------


def exact_rows(xs: Sequence[Sequence[Any]]) -> list[list[Fraction]]:
    """Input rows as exact ``Fraction`` (floats keep their dyadic value)."""
    return [[as_fraction(v, name=f"xs[{k}][{i}]") for i, v in enumerate(row)] for k, row in enumerate(xs)]


def exact_outputs(rnn: RNN, xs: Sequence[Sequence[Any]]) -> list[list[Any]]:
    """Exact outputs of a piecewise-linear RNN (float parameters taken as their exact dyadic values).

    Parameters
    ----------
    rnn : RNN
        ReLU or identity network.
    xs : sequence of rows
        The input sequence.
    """
    if rnn.activation in _SMOOTH:
        raise UnsupportedError(f"activation: exact outputs need relu or identity but found {rnn.activation!r}")
    ys = simulate(rnn.to_exact(), exact_rows(xs))
    return [list(row) for row in ys.tolist()]


def input_within_bound(xs: Sequence[Sequence[Fraction]], input_bound: Fraction, norm: str) -> bool:
    """Exact test ``||x(k)||_norm <= input_bound`` for every k (2-norm by squares).

    Parameters
    ----------
    xs : sequence of rows of Fraction
        The input sequence.
    input_bound : Fraction
        M.
    norm : {'inf', '2'}
        The input norm.
    """
    if norm == "inf":
        return all(abs(v) <= input_bound for row in xs for v in row)
    return all(sum(v * v for v in row) <= input_bound * input_bound for row in xs)


def _first_difference(ya: Rows, yb: Rows) -> int | None:
    for k, (ra, rb) in enumerate(zip(ya, yb, strict=True)):
        if any(a != b for a, b in zip(ra, rb, strict=True)):
            return k
    return None


def certify(
    rnn: RNN,
    candidate: RNN,
    xs: Sequence[Sequence[Any]],
    *,
    input_bound: Any,
    norm: str = "inf",
    method: str,
    reason: str = "",
    tried: Sequence[str] = (),
    data: dict[str, Any] | None = None,
) -> Refutation | None:
    """Re-simulate both ReLU/identity networks exactly on ``xs``; a :class:`Refutation` if outputs differ.

    Parameters
    ----------
    rnn, candidate : RNN
        ReLU or identity networks with the same d and p.
    xs : sequence of rows
        The input sequence to confirm.
    input_bound, norm
        The input set ``||x(k)||_norm <= input_bound``.
    method, reason : str
        How the input was found and why the outputs differ.
    tried : sequence of str
        Routes attempted before.
    data : dict, optional
        Route-specific details.

    Notes
    -----
    Returns None when the outputs agree at every time step or when ``xs`` is
    outside the input bound: only an exactly confirmed input becomes "refuted".
    """
    M = as_fraction(input_bound, name="input_bound")
    rows = exact_rows(xs)
    if not input_within_bound(rows, M, norm):
        return None
    ya, yb = exact_outputs(rnn, rows), exact_outputs(candidate, rows)
    k = _first_difference(ya, yb)
    if k is None:
        return None
    why = reason or f"y({k}) = {[str(v) for v in ya[k]]} for the RNN but {[str(v) for v in yb[k]]} for the candidate"
    return Refutation("refuted", method, why, rows, k, ya, yb, M, norm, list(tried), dict(data or {}), rnn, candidate)


def inconclusive(
    reason: str,
    *,
    method: str,
    input_bound: Any,
    norm: str = "inf",
    tried: Sequence[str] = (),
    data: dict[str, Any] | None = None,
    rnn: RNN | None = None,
    candidate: RNN | None = None,
) -> Refutation:
    """An inconclusive :class:`Refutation` with its reason and what was tried.

    Parameters
    ----------
    reason : str
        Why nothing was found.
    method : str
        The route(s) tried.
    input_bound, norm
        The input set searched.
    tried : sequence of str
        Every route attempted with its outcome.
    data : dict, optional
        Route-specific details.
    rnn, candidate : RNN, optional
        The two networks.
    """
    M = as_fraction(input_bound, name="input_bound")
    return Refutation(
        "inconclusive", method, reason, None, None, None, None, M, norm, list(tried), dict(data or {}), rnn, candidate
    )


# ------------------------------------------------------------------------------
# independent re-check
# ------------------------------------------------------------------------------


def recheck(
    ref: Refutation, rnn: RNN | None = None, candidate: RNN | None = None, *, precision: int | None = None
) -> Check:
    """Independently confirm a refutation: input inside the bound and outputs different.

    Parameters
    ----------
    ref : Refutation
        The refutation to confirm.
    rnn, candidate : RNN, optional
        Networks to check against instead of the embedded ones.
    precision : int, optional
        sigmoid/tanh refutations only: bits of the ball re-evaluation (default
        twice the recorded precision, at least 256).

    Returns
    -------
    Check
        Holds when the refutation is confirmed; ``method`` names how.

    Raises
    ------
    InvalidArgumentError
        If the refutation embeds no networks and none are given, or
        ``precision`` is given for a piecewise-linear refutation.

    Notes
    -----
    Piecewise-linear networks are re-simulated exactly and the recorded outputs
    must equal the recomputed ones.  Smooth activations are re-evaluated in ball
    arithmetic at a higher precision (:func:`urnn_sym.smooth.recheck_smooth`):
    the new enclosures of ``y(time_step)`` must be disjoint and every new
    enclosure must overlap the recorded one.
    """
    a = rnn if rnn is not None else ref.rnn
    b = candidate if candidate is not None else ref.candidate
    if a is None or b is None:
        raise InvalidArgumentError("rnn, candidate: the refutation does not embed the networks; pass both")
    if ref.status != "refuted" or ref.xs is None or ref.time_step is None:
        return Check(False, "nothing to recheck", f"the refutation is {ref.status}: {ref.reason}")
    if (a.d, a.p) != (b.d, b.p) or len(ref.xs[0]) != a.d:
        return Check(False, "dimension check", f"input dimension {len(ref.xs[0])} does not fit d = {a.d}, {b.d}")
    if not input_within_bound(ref.xs, ref.input_bound, ref.norm):
        return Check(
            False, "exact bound check", f"the input leaves the {ref.norm}-norm ball of radius {ref.input_bound}"
        )
    k = ref.time_step
    if not 0 <= k < len(ref.xs):
        return Check(False, "time-step check", f"time_step {k} is outside 0..{len(ref.xs) - 1}")
    if a.activation in _SMOOTH or b.activation in _SMOOTH:
        from .smooth import ball_recheck  # lazy: smooth imports this module

        return ball_recheck(ref, a, b, ref.xs, k, precision)
    if precision is not None:
        raise InvalidArgumentError(
            "precision: applies to sigmoid/tanh refutations only (piecewise-linear ones are re-simulated exactly)"
        )
    ya, yb = exact_outputs(a, ref.xs), exact_outputs(b, ref.xs)
    method = "exact rational simulation (python-flint)"
    if ya[k] == yb[k]:
        return Check(False, method, f"the outputs agree at k = {k}: {[str(v) for v in ya[k]]}")
    for label, recorded, fresh in (("y_rnn", ref.ys_rnn, ya), ("y_candidate", ref.ys_candidate, yb)):
        if recorded is not None and recorded != fresh:
            return Check(False, method, f"the recorded {label} differs from the re-simulated outputs")
    return Check(True, method, f"y({k}) = {[str(v) for v in ya[k]]} vs {[str(v) for v in yb[k]]}", {"time_step": k})
