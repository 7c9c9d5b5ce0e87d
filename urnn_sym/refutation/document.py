"""The result of a search for a distinguishing input, shared by every refuter.

A :class:`Refutation` says either ``"refuted"`` -- here is an input sequence
inside the input bound on which the two networks' outputs differ, already
re-simulated exactly (ReLU, identity) or in ball arithmetic (sigmoid, tanh) --
or ``"inconclusive"`` with the reason and the list of what was tried.  It
serialises to the ``urnn-sym.refutation/1`` JSON document, which embeds both
networks so that :func:`recheck` (CLI ``urnn-sym recheck``) can confirm it
independently.

Conventions: ``xs`` holds T rows of d exact rationals, ``time_step`` is the
first k with ``y(k)`` different (for sigmoid/tanh: the first k certified
different), ``ys_rnn`` / ``ys_candidate`` the two recorded output sequences
(rows 0..k at least): exact rationals for piecewise-linear activations,
decimal ball enclosures ``"[mid +/- rad]"`` for smooth ones, which also record
the precision, the component, the enclosures and a certified lower bound on
the gap in ``data``.  :meth:`Refutation.from_json` validates every field of a
document and :func:`recheck` re-derives every recorded output.

>>> from fractions import Fraction as Q
>>> from urnn_sym import RNN
>>> a = RNN([[0]], [[1]], [0], [[1]])
>>> b = RNN([[0]], [[1]], [0], [[2]])
>>> ref = certify(a, b, [[Q(1, 2)]], input_bound=1, norm="inf", method="by hand")
>>> ref.status, ref.time_step, ref.ys_rnn, ref.ys_candidate
('refuted', 0, [[Fraction(1, 2)]], [[Fraction(1, 1)]])
>>> from urnn_sym.refutation.recheck import recheck
>>> bool(recheck(Refutation.from_json(ref.to_json())))
True
"""

from __future__ import annotations

import math
import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from fractions import Fraction
from typing import Any

import sympy

from urnn_sym.errors import FileFormatError, InvalidArgumentError, UrnnSymError
from urnn_sym.evidence import jsonable
from urnn_sym.model import RNN
from urnn_sym.numbers.arith import as_fraction, exact_sign, parse_number
from urnn_sym.refutation.simulate import Rows, exact_outputs, exact_rows, first_difference, input_within_bound
from urnn_sym.status import REFUTATION_STATUSES, RefutationStatus, check_status
from urnn_sym.validation import check_input_bound, check_norm

__all__ = ["REFUTATION_FORMAT", "Refutation", "certify", "inconclusive", "parse_enclosure"]

REFUTATION_FORMAT = "urnn-sym.refutation/1"
_KEYS = (
    "format",
    "status",
    "method",
    "reason",
    "input_bound",
    "norm",
    "time_step",
    "x",
    "y_rnn",
    "y_candidate",
    "tried",
    "data",
    "rnn",
    "candidate",
)
_DECIMAL = r"[-+]?(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][-+]?\d+)?"
_ENCLOSURE = re.compile(rf"\[\s*(?P<mid>{_DECIMAL})?\s*\+/-\s*(?P<rad>{_DECIMAL})\s*\]")


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

    status: RefutationStatus
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
        check_status(self.status, REFUTATION_STATUSES)
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
        from urnn_sym.io import dump_rnn

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
        """Inverse of :meth:`to_json`, validating every field; a malformed document raises :class:`FileFormatError`.

        Parameters
        ----------
        doc : dict
            A ``urnn-sym.refutation/1`` document.
        source : str, default "refutation"
            Prefix of error messages (the file name).

        Returns
        -------
        Refutation

        Raises
        ------
        FileFormatError
            If the format is wrong, a required key is missing, a key is not
            one of the document's, or a field has the wrong type or value (the
            message names the field and shows what was found): ``status`` one
            of "refuted"/"inconclusive"; ``method``, ``reason`` strings;
            ``input_bound`` a positive exact number; ``norm`` "inf" or "2";
            ``time_step`` null or an integer >= 0; ``x`` null or a non-empty
            list of equally long non-empty rows of exact numbers; ``y_rnn``,
            ``y_candidate`` null or lists of equally long rows of exact numbers
            or enclosures ``"[mid +/- rad]"``; ``tried`` a list of strings;
            ``data`` an object whose ``precision`` (integer >= 16),
            ``component`` (integer >= 0), ``gap_lower`` (number >= 0) and
            ``enclosures`` (``{"rnn": rows, "candidate": rows}`` of enclosures)
            are checked when present; ``rnn``, ``candidate`` RNN documents.

        Examples
        --------
        >>> doc = {"format": REFUTATION_FORMAT, "status": "refuted", "method": "m", "input_bound": "1",
        ...        "norm": "inf", "time_step": "0", "x": [["1/2"]]}
        >>> Refutation.from_json(doc)
        Traceback (most recent call last):
        ...
        urnn_sym.errors.FileFormatError: refutation: time_step: expected null or an integer >= 0 but found '0' (str)
        """
        from urnn_sym.io import load_rnn

        if not isinstance(doc, dict) or doc.get("format") != REFUTATION_FORMAT:
            found = doc.get("format") if isinstance(doc, dict) else type(doc).__name__
            raise FileFormatError(f'{source}: expected "format": "{REFUTATION_FORMAT}" but found {found!r}')
        for key in ("status", "method", "input_bound", "norm"):
            if key not in doc:
                raise FileFormatError(f"{source}: missing required key {key!r}")
        unknown = sorted(str(k) for k in doc if k not in _KEYS)
        if unknown:
            raise FileFormatError(
                f"{source}: unknown key(s) {', '.join(map(repr, unknown))} (expected {', '.join(_KEYS)})"
            )
        status = doc["status"]
        if status not in REFUTATION_STATUSES:
            raise FileFormatError(
                f"{source}: status: expected one of {', '.join(REFUTATION_STATUSES)} but found {_shown(status)}"
            )
        fields = {
            "method": _text(doc["method"], f"{source}: method"),
            "reason": _text(doc.get("reason", ""), f"{source}: reason"),
        }
        try:
            M = check_input_bound(_number_like(doc["input_bound"], f"{source}: input_bound"))
            if not isinstance(doc["norm"], str):
                raise FileFormatError(f"{source}: norm: expected 'inf' or '2' but found {_shown(doc['norm'])}")
            norm = check_norm(doc["norm"])
        except FileFormatError:
            raise
        except UrnnSymError as exc:
            raise FileFormatError(f"{source}: {exc}") from exc
        time_step = doc.get("time_step")
        if time_step is not None and (isinstance(time_step, bool) or not isinstance(time_step, int) or time_step < 0):
            raise FileFormatError(
                f"{source}: time_step: expected null or an integer >= 0 but found {_shown(time_step)}"
            )
        tried = doc.get("tried", [])
        if not isinstance(tried, list) or not all(isinstance(t, str) for t in tried):
            raise FileFormatError(f"{source}: tried: expected a list of strings but found {_shown(tried)}")
        xs = _rows(doc.get("x"), f"{source}: x")
        if xs is not None and (not xs or not xs[0]):
            raise FileFormatError(f"{source}: x: expected at least one row of at least one number but found {xs}")
        try:
            return cls(
                status=status,
                method=fields["method"],
                reason=fields["reason"],
                xs=xs,
                time_step=time_step,
                ys_rnn=_rows(doc.get("y_rnn"), f"{source}: y_rnn", enclosures=True),
                ys_candidate=_rows(doc.get("y_candidate"), f"{source}: y_candidate", enclosures=True),
                input_bound=M,
                norm=norm,
                tried=list(tried),
                data=_data(doc.get("data", {}), f"{source}: data"),
                rnn=load_rnn(doc["rnn"], source=f"{source}: rnn") if "rnn" in doc else None,
                candidate=load_rnn(doc["candidate"], source=f"{source}: candidate") if "candidate" in doc else None,
            )
        except FileFormatError:
            raise
        except UrnnSymError as exc:
            raise FileFormatError(f"{source}: {exc}") from exc


def _shown(value: Any) -> str:
    """``repr`` of a JSON value, shortened, with its type."""
    text = repr(value)
    return f"{text[:40]}{'...' if len(text) > 40 else ''} ({type(value).__name__})"


def _text(value: Any, where: str) -> str:
    if not isinstance(value, str):
        raise FileFormatError(f"{where}: expected a string but found {_shown(value)}")
    return value


def _number_like(value: Any, where: str) -> Any:
    """A JSON exact number: a string such as "3/5", an integer or a float (not a bool, list, object or null)."""
    if isinstance(value, bool) or not isinstance(value, (str, int, float)):
        raise FileFormatError(f'{where}: expected a number (e.g. "3/5") but found {_shown(value)}')
    return value


def parse_enclosure(text: Any) -> tuple[Fraction, Fraction] | None:
    """The exact midpoint and radius of a decimal ball ``"[mid +/- rad]"`` (``"[+/- rad]"``: midpoint 0), else None.

    Parameters
    ----------
    text : Any
        A recorded output of a sigmoid/tanh refutation.

    Returns
    -------
    (Fraction, Fraction) or None
        ``(mid, rad)`` with ``rad >= 0``: the closed interval ``[mid - rad, mid + rad]``.

    Examples
    --------
    >>> parse_enclosure("[0.5 +/- 1e-3]")
    (Fraction(1, 2), Fraction(1, 1000))
    >>> parse_enclosure("[+/- 2e-5]"), parse_enclosure("0.5")
    ((Fraction(0, 1), Fraction(1, 50000)), None)
    """
    found = _ENCLOSURE.fullmatch(text.strip()) if isinstance(text, str) else None
    if found is None:
        return None
    mid, rad = Fraction(found["mid"] or 0), Fraction(found["rad"])
    return (mid, rad) if rad >= 0 else None


def _rows(value: Any, where: str, *, enclosures: bool = False) -> Rows | None:
    """Rows of exact numbers (``Fraction``); with ``enclosures`` also ``"[mid +/- rad]"`` texts (kept as str)."""
    if value is None:
        return None
    if not isinstance(value, list) or not all(isinstance(r, list) for r in value):
        raise FileFormatError(f"{where}: expected a list of rows (lists) but found {_shown(value)}")
    out: Rows = []
    for i, row in enumerate(value):
        if out and len(row) != len(out[0]):
            raise FileFormatError(f"{where}[{i}]: expected {len(out[0])} entries like row 0 but found {len(row)}")
        new: list[Any] = []
        for j, v in enumerate(row):
            if enclosures and parse_enclosure(v) is not None:
                new.append(v)
                continue
            try:
                new.append(exact_value(_number_like(v, f"{where}[{i}][{j}]"), f"{where}[{i}][{j}]"))
            except FileFormatError:
                raise
            except UrnnSymError as exc:
                what = 'an exact number or an enclosure "[mid +/- rad]"' if enclosures else "an exact number"
                raise FileFormatError(f"{where}[{i}][{j}]: expected {what} but found {_shown(v)}") from exc
        out.append(new)
    return out


def exact_value(value: Any, name: str) -> Any:
    """A recorded exact output: a ``Fraction``, or an exact real algebraic sympy number (e.g. ``"1 - sqrt(3)/2"``).

    The outputs of a network with square-root entries are algebraic, so a
    refutation of such a pair records them as exact expressions.
    """
    try:
        return as_fraction(value, name=name)
    except UrnnSymError:
        if not isinstance(value, (str, sympy.Expr)):
            raise
    number = sympy.sympify(parse_number(value, name=name) if isinstance(value, str) else value)
    if number.free_symbols or number.is_real is False:
        raise InvalidArgumentError(f"{name}: expected an exact real number but found {value!r:.80}")
    exact_sign(number)  # decidable: an algebraic number of the kind the parser admits
    return number


def _data(value: Any, where: str) -> dict[str, Any]:
    """The ``data`` object, with the fields :func:`recheck` and readers rely on type-checked."""
    if not isinstance(value, dict):
        raise FileFormatError(f"{where}: expected an object but found {_shown(value)}")
    for key, low in (("precision", 16), ("component", 0)):
        v = value.get(key)
        if key in value and (isinstance(v, bool) or not isinstance(v, int) or v < low):
            raise FileFormatError(f"{where}: {key}: expected an integer >= {low} but found {_shown(v)}")
    if "gap_lower" in value:
        v = value["gap_lower"]
        if isinstance(v, bool) or not isinstance(v, (int, float)) or not math.isfinite(v) or v < 0:
            raise FileFormatError(f"{where}: gap_lower: expected a finite number >= 0 but found {_shown(v)}")
    if "enclosures" in value:
        enc = value["enclosures"]
        if not isinstance(enc, dict) or not set(enc) <= {"rnn", "candidate"}:
            raise FileFormatError(
                f"{where}: enclosures: expected an object with keys 'rnn', 'candidate' but found {_shown(enc)}"
            )
        for label, rows in enc.items():
            if not isinstance(rows, list) or not all(isinstance(r, list) for r in rows):
                raise FileFormatError(f"{where}: enclosures: {label}: expected a list of rows but found {_shown(rows)}")
            for i, row in enumerate(rows):
                for j, text in enumerate(row):
                    if parse_enclosure(text) is None:
                        raise FileFormatError(
                            f'{where}: enclosures: {label}[{i}][{j}]: expected an enclosure "[mid +/- rad]" '
                            f"but found {_shown(text)}"
                        )
    return dict(value)


# ------------------------------------------------------------------------------
# exact and ball-arithmetic outputs
# ------------------------------------------------------------------------------


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
    k = first_difference(ya, yb)
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
