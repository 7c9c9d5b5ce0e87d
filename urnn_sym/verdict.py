"""The answer of an equivalence checker: a :class:`Verdict` with its evidence.

A verdict is ``"proved"`` (naming what proved it: an exact identity, a z3 query,
an exact certificate), ``"refuted"`` (an input sequence inside the bound, the
first time step where the outputs differ and both output sequences, confirmed by
exact re-simulation before the verdict was built) or ``"unknown"`` (with the
reason, e.g. the solver's ``reason_unknown``).  An all-horizon proof lists its
*obligations* (one-step facts of an induction), each with the method that
discharged it, and the invariant it used.

Verdicts serialise to the ``urnn-sym.verdict/1`` JSON document, which embeds both
networks, so that :func:`urnn_sym.smt.check.recheck_verdict` can re-check a
counterexample by exact simulation and an inductive proof's certificates in
exact arithmetic, without z3.

>>> v = Verdict("unknown", "bounded", "z3 bounded check", reason="timeout", horizon=4, input_bound=Fraction(1))
>>> v.summary()
'unknown: timeout'
>>> Verdict.from_json(v.to_json()).reason
'timeout'
"""

from __future__ import annotations

from dataclasses import dataclass, field
from fractions import Fraction
from typing import Any, cast

from urnn_sym.errors import FileFormatError, InvalidArgumentError, UrnnSymError
from urnn_sym.evidence import jsonable
from urnn_sym.model import RNN
from urnn_sym.numbers.arith import as_fraction
from urnn_sym.refutation.document import Refutation
from urnn_sym.status import VERDICT_STATUSES, VerdictStatus, check_status
from urnn_sym.validation import check_norm

__all__ = ["KINDS", "VERDICT_FORMAT", "Obligation", "Verdict"]

VERDICT_FORMAT = "urnn-sym.verdict/1"
KINDS = ("bounded", "all-horizons")


@dataclass(frozen=True)
class Obligation:
    """One fact of a proof and what discharged it.

    Attributes
    ----------
    name : str
        Short identifier, e.g. ``"invariance"``.
    statement : str
        The fact in words.
    status : {"proved", "refuted", "unknown"}
    method : str
        ``"exact certificate: ..."``, ``"z3 query: ..."`` or ``"exact identity: ..."``.
    detail : str
        Measured values, or why it failed.
    data : dict
        Machine-readable values (the bounds a certificate used; ``seconds`` for
        a z3 query, which the text never contains).
    """

    name: str
    statement: str
    status: VerdictStatus
    method: str
    detail: str = ""
    data: dict[str, Any] = field(default_factory=dict)

    def __post_init__(self) -> None:
        check_status(self.status, VERDICT_STATUSES)

    def to_json(self) -> dict[str, Any]:
        """A JSON-ready dict."""
        return {
            "name": self.name,
            "statement": self.statement,
            "status": self.status,
            "method": self.method,
            "detail": self.detail,
            "data": jsonable(self.data),
        }


@dataclass(frozen=True)
class Verdict:
    """Outcome of an equivalence check on ``{x : ||x(k)||_norm <= input_bound}``.

    Attributes
    ----------
    status : {"proved", "refuted", "unknown"}
    kind : {"bounded", "all-horizons"}
        ``"bounded"``: every input of length ``<= horizon``; ``"all-horizons"``: every length.
    method : str
        What proved or refuted it, or the route that was tried.
    reason : str
        Why (refuted: where the outputs differ; unknown: the solver's reason).
    horizon : int, optional
        T for a bounded verdict (for "refuted": the length of the input).
    input_bound : Fraction
        M.
    norm : {"inf", "2"}
    refutation : Refutation, optional
        For "refuted": the exactly confirmed input, time step and both outputs.
    obligations : list of Obligation
        The facts of the proof (all-horizons) or the per-step queries (bounded).
    invariant : dict, optional
        The inductive invariant (kind ``"ball"`` with radius ``H`` or ``"box"``
        with ``lower``/``upper``; the state permutation) with the bounds used.
    data : dict
        Timings (``seconds``) and statistics; the human-readable fields carry
        no timings, so the same check prints the same text on every run.
    a, b : RNN, optional
        The two networks (embedded in the JSON document).
    """

    status: VerdictStatus
    kind: str
    method: str
    reason: str = ""
    horizon: int | None = None
    input_bound: Fraction = Fraction(1)
    norm: str = "inf"
    refutation: Refutation | None = None
    obligations: list[Obligation] = field(default_factory=list)
    invariant: dict[str, Any] | None = None
    data: dict[str, Any] = field(default_factory=dict)
    a: RNN | None = None
    b: RNN | None = None

    def __post_init__(self) -> None:
        check_status(self.status, VERDICT_STATUSES)
        if self.kind not in KINDS:
            raise InvalidArgumentError(f"kind: expected one of {', '.join(KINDS)} but found {self.kind!r}")
        if self.status == "refuted" and (self.refutation is None or not self.refutation):
            raise InvalidArgumentError("refutation: a 'refuted' verdict needs an exactly confirmed Refutation")

    def __bool__(self) -> bool:
        return self.status == "proved"

    @property
    def time_step(self) -> int | None:
        """First time step where the outputs differ (refuted), else None."""
        return None if self.refutation is None else self.refutation.time_step

    @property
    def xs(self) -> list[list[Fraction]] | None:
        """The distinguishing input (refuted), else None."""
        return None if self.refutation is None else self.refutation.xs

    def summary(self) -> str:
        """One human-readable line."""
        scope = "every horizon" if self.kind == "all-horizons" else f"horizon T = {self.horizon}"
        if self.status == "proved":
            return f"proved for {scope} ({self.norm}-norm input bound {self.input_bound}) by {self.method}"
        if self.status == "refuted":
            return f"refuted: outputs differ at k = {self.time_step} on an input of length {len(self.xs or [])}"
        return f"unknown: {self.reason}"

    def to_json(self) -> dict[str, Any]:
        """The ``urnn-sym.verdict/1`` document (exact numbers as strings)."""
        from urnn_sym.io import dump_rnn

        ref = self.refutation
        doc: dict[str, Any] = {
            "format": VERDICT_FORMAT,
            "status": self.status,
            "kind": self.kind,
            "method": self.method,
            "reason": self.reason,
            "horizon": self.horizon,
            "input_bound": str(self.input_bound),
            "norm": self.norm,
            "time_step": None if ref is None else ref.time_step,
            "x": None if ref is None else jsonable(ref.xs),
            "y_a": None if ref is None else jsonable(ref.ys_rnn),
            "y_b": None if ref is None else jsonable(ref.ys_candidate),
            "obligations": [o.to_json() for o in self.obligations],
            "invariant": jsonable(self.invariant),
            "data": jsonable(self.data),
        }
        if self.a is not None and self.b is not None:
            doc["a"], doc["b"] = dump_rnn(self.a), dump_rnn(self.b)
        return doc

    @classmethod
    def from_json(cls, doc: Any, *, source: str = "verdict") -> Verdict:
        """Inverse of :meth:`to_json`; malformed documents raise :class:`FileFormatError`."""
        from urnn_sym.io import load_rnn

        if not isinstance(doc, dict) or doc.get("format") != VERDICT_FORMAT:
            found = doc.get("format") if isinstance(doc, dict) else type(doc).__name__
            raise FileFormatError(f'{source}: expected "format": "{VERDICT_FORMAT}" but found {found!r}')
        for key in ("status", "kind", "method", "input_bound", "norm"):
            if key not in doc:
                raise FileFormatError(f"{source}: missing required key {key!r}")
        try:
            a = load_rnn(doc["a"], source=f"{source}: a") if "a" in doc else None
            b = load_rnn(doc["b"], source=f"{source}: b") if "b" in doc else None
            M = as_fraction(doc["input_bound"], name=f"{source}: input_bound")
            norm = check_norm(doc["norm"])
            ref = None
            if doc.get("x") is not None:
                ref = Refutation.from_json(
                    {
                        "format": "urnn-sym.refutation/1",
                        "status": "refuted",
                        "method": doc["method"],
                        "reason": doc.get("reason", ""),
                        "input_bound": doc["input_bound"],
                        "norm": norm,
                        "time_step": doc.get("time_step"),
                        "x": doc["x"],
                        "y_rnn": doc.get("y_a"),
                        "y_candidate": doc.get("y_b"),
                    },
                    source=source,
                )
                ref = Refutation(**{**ref.__dict__, "rnn": a, "candidate": b})
            obligations = [
                Obligation(
                    str(o["name"]),
                    str(o.get("statement", "")),
                    cast(VerdictStatus, check_status(o["status"], VERDICT_STATUSES, name="obligations: status")),
                    str(o.get("method", "")),
                    str(o.get("detail", "")),
                    dict(o.get("data", {})),
                )
                for o in doc.get("obligations", [])
            ]
            return cls(
                status=doc["status"],
                kind=doc["kind"],
                method=str(doc["method"]),
                reason=str(doc.get("reason", "")),
                horizon=doc.get("horizon"),
                input_bound=M,
                norm=norm,
                refutation=ref,
                obligations=obligations,
                invariant=doc.get("invariant"),
                data=dict(doc.get("data", {})),
                a=a,
                b=b,
            )
        except FileFormatError:
            raise
        except (UrnnSymError, KeyError, TypeError) as exc:
            raise FileFormatError(f"{source}: {exc}") from exc
