"""The independent re-checker's own layer: exact numbers with certified signs, and an SMT-LIB2 writer.

Used by :mod:`urnn_sym.smt.recheck` alone (the re-check of a verdict must not
share code with the prover):

* exact values: ``Fraction`` for rationals, sympy numbers for algebraic ones,
  whose sign is decided by a rigorous ``arb`` enclosure of the expression tree
  at rising precision, and zero by the minimal polynomial;
* an RNN as rows of exact numbers, a PSD test by symmetric elimination
  (python-flint ``fmpq`` for rational matrices), norms and input maxima;
* rational enclosures of algebraic numbers, for interval arithmetic;
* an SMT-LIB2 query written as text (declarations, ``define-fun`` definitions,
  assertions, per-step ``push``/``check-sat``/``pop``) and :func:`decide_smtlib`,
  which decides it with z3 or cvc5.

>>> ball_sign(sub(_root(Fraction(2)), Fraction(7, 5)))
1
>>> one, two = Fraction(1), Fraction(2)
>>> _psd([[one, two], [two, 4 * one]]), _psd([[one, two], [two, 3 * one]])
(True, False)
"""

from __future__ import annotations

import contextlib
import math
from collections.abc import Sequence
from fractions import Fraction
from typing import Any

import flint
import sympy
import z3

from urnn_sym.errors import InvalidArgumentError

__all__ = ["SOLVERS", "decide_smtlib"]

SOLVERS = ("z3", "cvc5")
Num = Any  # Fraction or an exact sympy number


class Undecided(Exception):
    """A sign or a query that could not be decided: the re-check is inconclusive."""


# ------------------------------------------------------------------------------
# numbers: exact values and certified signs
# ------------------------------------------------------------------------------


def _value(e: Any) -> Num:
    e = sympy.sympify(e)
    return Fraction(int(e.p), int(e.q)) if e.is_Rational else e


def _sym(v: Num) -> Any:
    return sympy.Rational(v.numerator, v.denominator) if isinstance(v, Fraction) else v


def _enclosure(e: Any) -> Any:
    """A rigorous arb enclosure of an exact sympy number (rationals, +, *, integer powers, square roots)."""
    if e.is_Rational:
        return flint.arb(flint.fmpq(int(e.p), int(e.q)))
    if e.is_Add or e.is_Mul:
        parts = [_enclosure(t) for t in e.args]
        out = parts[0]
        for t in parts[1:]:
            out = out + t if e.is_Add else out * t
        return out
    if e.is_Pow and e.exp.is_Rational and int(e.exp.q) in (1, 2):
        base = _enclosure(e.base)
        if int(e.exp.q) == 2:
            if base < 0:
                raise Undecided(f"square root of the negative number {e.base}")
            if not base >= 0:
                raise Undecided(f"cannot tell the sign of the radicand {e.base}")
            base = base.sqrt()
        p = int(e.exp.p)
        out = flint.arb(1)
        for _ in range(abs(p)):
            out = out * base
        return out if p > 0 else 1 / out
    raise Undecided(f"cannot evaluate {e} (only rationals, +, *, integer powers and square roots)")


def ball_sign(v: Num) -> int:
    """The exact sign of a rational or real algebraic number."""
    if isinstance(v, Fraction):
        return (v > 0) - (v < 0)
    e = sympy.sympify(v)
    if e.is_Rational:
        return (e > 0) - (e < 0)
    old = flint.ctx.prec
    try:
        for prec in (64, 256, 1024, 4096):
            flint.ctx.prec = prec
            enc = _enclosure(e)
            if enc > 0:
                return 1
            if enc < 0:
                return -1
    finally:
        flint.ctx.prec = old
    t = sympy.Symbol("t")
    if sympy.minimal_polynomial(e, t) == t:
        return 0
    raise Undecided(f"the sign of {e} is not decided at 4096 bits and it is not 0")


def _one_root(v: Num) -> tuple[Fraction, int] | None:
    """``(q, m)`` for ``v = q*sqrt(m)`` (m a positive integer), read off the expression tree."""
    if isinstance(v, Fraction):
        return None
    q, e = sympy.Integer(1), v
    if isinstance(e, sympy.Mul) and len(e.args) == 2 and e.args[0].is_Rational:
        q, e = e.args
    if isinstance(e, sympy.Pow) and e.exp == sympy.S.Half and e.base.is_Integer and e.base > 0:
        return Fraction(int(q.p), int(q.q)), int(e.base)
    return None


def add(u: Num, v: Num) -> Num:
    if isinstance(u, Fraction) and isinstance(v, Fraction):
        return u + v
    if u == 0 or v == 0:
        return v if u == 0 else u
    return _value(sympy.expand(_sym(u) + _sym(v)))


def mul(u: Num, v: Num) -> Num:
    if isinstance(u, Fraction) and isinstance(v, Fraction):
        return u * v
    ru, rv = _one_root(u), _one_root(v)
    if ru is not None and rv is not None and ru[1] == rv[1]:
        return ru[0] * rv[0] * ru[1]  # q sqrt(m) * q' sqrt(m) = q q' m: no sympy power (it factors m)
    return _value(sympy.expand(_sym(u) * _sym(v)))


def sub(u: Num, v: Num) -> Num:
    return add(u, mul(Fraction(-1), v))


def total_of(values: Sequence[Num]) -> Num:
    out: Num = Fraction(0)
    for v in values:
        out = add(out, v)
    return out


def _abs(v: Num) -> Num:
    return mul(Fraction(-1), v) if ball_sign(v) < 0 else v


def le(u: Num, v: Num) -> bool:
    return ball_sign(sub(v, u)) >= 0


def _root(v: Num) -> Num:
    return _value(sympy.sqrt(_sym(v)))


# ------------------------------------------------------------------------------
# networks as exact rows, PSD test, norms
# ------------------------------------------------------------------------------


def entry_of(v: Any) -> Num:
    if isinstance(v, flint.fmpq):
        return Fraction(int(v.p), int(v.q))
    return _value(v)


class Rows:
    """An RNN's fields as lists of exact numbers."""

    def __init__(self, rnn: Any) -> None:
        ex = rnn.to_exact()
        rows = {k: [[entry_of(v) for v in r] for r in getattr(ex, k).tolist()] for k in ("W", "F", "b", "C", "h0")}
        self.W, self.F, self.C = rows["W"], rows["F"], rows["C"]
        self.b, self.h0 = [r[0] for r in rows["b"]], [r[0] for r in rows["h0"]]
        self.n, self.d = len(self.b), len(self.F[0])
        self.relu = rnn.activation == "relu"
        self.activation = rnn.activation  # the SMT re-check encodes relu and identity only


def _psd(G: list[list[Num]]) -> bool:
    """Exact test that the symmetric matrix G is positive semidefinite (symmetric elimination).

    Eliminate on a positive diagonal entry; a negative diagonal entry means not
    PSD; when every diagonal entry is 0, G is PSD iff it is 0.  Rational
    matrices run on python-flint's ``fmpq``.
    """
    rational = all(isinstance(v, Fraction) for r in G for v in r)
    A: list[list[Any]] = [[flint.fmpq(v.numerator, v.denominator) for v in r] for r in G] if rational else G
    sign = (lambda v: (v > 0) - (v < 0)) if rational else ball_sign
    while A:
        diag = [sign(A[i][i]) for i in range(len(A))]
        if min(diag) < 0:
            return False
        if max(diag) == 0:
            return all(sign(v) == 0 for r in A for v in r)
        p = diag.index(1)
        if rational:
            ratios = [A[i][p] / A[p][p] for i in range(len(A))]
            A = [[A[i][j] - ratios[i] * A[p][j] for j in range(len(A)) if j != p] for i in range(len(A)) if i != p]
        else:
            ratios = [_value(_sym(A[i][p]) / _sym(A[p][p])) for i in range(len(A))]
            A = [
                [sub(A[i][j], mul(ratios[i], A[p][j])) for j in range(len(A)) if j != p]
                for i in range(len(A))
                if i != p
            ]
    return True


def _gram(M: list[list[Num]]) -> list[list[Num]]:
    """M^T M (python-flint for rational M)."""
    if all(isinstance(v, Fraction) for r in M for v in r):
        F = flint.fmpq_mat([[flint.fmpq(v.numerator, v.denominator) for v in r] for r in M])
        return [[entry_of(v) for v in r] for r in (F.transpose() * F).tolist()]
    cols = range(len(M[0]))
    return [[total_of([mul(r[i], r[j]) for r in M]) for j in cols] for i in cols]


def norm_at_most(M: list[list[Num]], r: Fraction) -> bool:
    """Exact test ``||M||_2 <= r`` (``r^2 I - M^T M`` PSD)."""
    G = _gram(M)
    shifted = [[sub(r * r if i == j else Fraction(0), G[i][j]) for j in range(len(G))] for i in range(len(G))]
    return r >= 0 and _psd(shifted)


def sum_of_squares(vec: Sequence[Num]) -> Num:
    return total_of([mul(v, v) for v in vec])


def input_max(row: Sequence[Num], M: Fraction, norm: str) -> Num:
    """The exact maximum of ``g . x`` over the input set: ``M ||g||_1`` (box) or ``M ||g||_2`` (ball)."""
    if norm == "inf" or len(row) == 1:
        return mul(M, total_of([_abs(v) for v in row]))
    return mul(M, _root(sum_of_squares(row)))


# ------------------------------------------------------------------------------
# own SMT-LIB2 encoding and the solvers
# ------------------------------------------------------------------------------


class SmtText:
    """An SMT-LIB2 query built as text: declarations, definitions, assertions."""

    def __init__(self) -> None:
        self.lines: list[str] = []
        self._roots: dict[str, str] = {}

    def declare(self, name: str) -> str:
        self.lines.append(f"(declare-const {name} Real)")
        return name

    def define(self, name: str, expr: str) -> str:
        self.lines.append(f"(define-fun {name} () Real {expr})")
        return name

    def claim(self, expr: str) -> None:
        self.lines.append(f"(assert {expr})")

    def num(self, v: Num) -> str:
        if isinstance(v, Fraction):
            text = f"(/ {abs(v.numerator)}.0 {v.denominator}.0)"
            return f"(- {text})" if v < 0 else text
        return self._expr(sympy.sympify(v))

    def _expr(self, e: Any) -> str:
        if e.is_Rational:
            return self.num(Fraction(int(e.p), int(e.q)))
        if e.is_Add or e.is_Mul:
            return f"({'+' if e.is_Add else '*'} {' '.join(self._expr(t) for t in e.args)})"
        if e.is_Pow and e.exp.is_Rational and int(e.exp.q) in (1, 2):
            base = self._expr(e.base) if int(e.exp.q) == 1 else self._sqrt(e.base)
            p = int(e.exp.p)
            power = base if abs(p) == 1 else f"(* {' '.join([base] * abs(p))})"
            return power if p > 0 else f"(/ 1.0 {power})"
        raise Undecided(f"cannot encode {e} (only rationals, +, *, integer powers and square roots)")

    def _sqrt(self, base: Any) -> str:
        key = sympy.srepr(base)
        if key not in self._roots:
            if ball_sign(_value(base)) < 0:
                raise Undecided(f"square root of the negative number {base}")
            inner = self._expr(base)
            name = self.declare(f"root_{len(self._roots)}")
            self.claim(f"(= (* {name} {name}) {inner})")
            self.claim(f"(>= {name} 0.0)")
            self._roots[key] = name
        return self._roots[key]

    @staticmethod
    def sum(terms: Sequence[str]) -> str:
        """``(+ t1 t2 ...)``; one term alone is itself (SMT-LIB2 readers such as cvc5 reject ``(+ t)``)."""
        return terms[0] if len(terms) == 1 else f"(+ {' '.join(terms)})"

    def squares(self, names: Sequence[str]) -> str:
        """The sum of squares of the named values."""
        return self.sum([f"(* {v} {v})" for v in names])

    def inputs(self, names: Sequence[str], M: Fraction, norm: str) -> list[str]:
        """Declare one input vector x with ``||x||_norm <= M``."""
        xs = [self.declare(name) for name in names]
        for v in xs:
            self.claim(f"(<= {self.num(-M)} {v} {self.num(M)})")
        if norm == "2" and len(xs) > 1:
            self.claim(f"(<= {self.squares(xs)} {self.num(M * M)})")
        return xs

    def equal_steps(self, steps: Sequence[Sequence[tuple[str, str]]]) -> None:
        """One query per step, "is some pair different here?"; a step shown equal is a lemma for the next."""
        for pairs in steps:
            self.lines.append("(push 1)")
            self.claim(f"(or {' '.join(f'(not (= {u} {v}))' for u, v in pairs)} false)")
            self.lines += ["(check-sat)", "(pop 1)"]
            self.claim(f"(and {' '.join(f'(= {u} {v})' for u, v in pairs)} true)")

    def linear(self, coefs: Sequence[Num], names: Sequence[str], const: Num) -> str:
        terms = [f"(* {self.num(c)} {v})" for c, v in zip(coefs, names, strict=True) if ball_sign(c) != 0]
        return self.sum([*terms, self.num(const)])

    def text(self) -> str:
        body = "\n".join(self.lines)
        return "(set-logic ALL)\n" + body + ("" if "(check-sat)" in body else "\n(check-sat)\n")


def decide_smtlib(text: str, *, solver: str = "z3", timeout: float = 60.0) -> str:
    """``"sat"``, ``"unsat"`` or ``"unknown: reason"`` for an SMT-LIB2 script, by z3 or cvc5.

    A script may hold several ``(check-sat)`` commands (with ``push``/``pop``):
    it is "unsat" when every answer is unsat, "sat" when one is sat (before
    any unknown), otherwise unknown.

    Parameters
    ----------
    text : str
        SMT-LIB2 commands; a script without ``(check-sat)`` gets one at the end.
    solver : {"z3", "cvc5"}
        cvc5 is the optional ``solvers`` extra (``pip install 'urnn-sym[solvers]'``).
    timeout : float
        Seconds for each ``(check-sat)``.

    Examples
    --------
    >>> decide_smtlib("(declare-const x Real)(assert (> (* x x) 2.0))(assert (< x 1.0))(assert (> x (- 1.0)))")
    'unsat'
    """
    if solver not in SOLVERS:
        raise InvalidArgumentError(f"solver: expected 'z3' or 'cvc5' but found {solver!r}")
    if "(check-sat)" not in text:
        text += "\n(check-sat)\n"
    ms = max(1, int(timeout * 1000))
    answers = _run_z3(text, ms) if solver == "z3" else _run_cvc5(text, ms)
    if isinstance(answers, str):
        return answers
    for answer in answers:
        if answer != "unsat":
            return "sat" if answer == "sat" else f"unknown: {solver} answered {answer}"
    return "unsat" if answers else f"unknown: {solver} gave no answer"


def _run_z3(text: str, ms: int) -> list[str] | str:
    ctx = z3.Context()  # kept alive for the call: z3 frees a collected context
    try:
        out = z3.Z3_eval_smtlib2_string(ctx.ref(), f"(set-option :timeout {ms})\n{text}")
    except z3.Z3Exception as exc:
        return f"unknown: z3 could not read or decide the query: {' '.join(str(exc).split())[:300]}"
    return [line.strip() for line in out.splitlines() if line.strip()]


def _run_cvc5(text: str, ms: int) -> list[str] | str:
    try:
        import cvc5
    except ImportError:
        return "unknown: cvc5 is not installed (pip install 'urnn-sym[solvers]')"
    tm = cvc5.TermManager()
    slv = cvc5.Solver(tm)
    slv.setOption("tlimit-per", str(ms))
    slv.setOption("incremental", "true")
    with contextlib.suppress(RuntimeError):  # cylindrical algebraic coverings, where this build has them
        slv.setOption("nl-cov", "true")
    sm = cvc5.SymbolManager(tm)
    parser = cvc5.InputParser(slv, sm)
    if "(set-logic" not in text:
        text = "(set-logic ALL)\n" + text
    parser.setStringInput(cvc5.InputLanguage.SMT_LIB_2_6, text, "query")
    answers = []
    try:
        while True:
            cmd = parser.nextCommand()
            if cmd.isNull():
                break
            out = cmd.invoke(slv, sm).strip()
            if out:
                answers.append(out)
    except RuntimeError as exc:
        return f"unknown: cvc5 could not read or decide the query: {' '.join(str(exc).split())[:300]}"
    return answers


# ------------------------------------------------------------------------------


def enclose(v: Num) -> tuple[Fraction, Fraction]:
    """Rational bounds ``lo <= v <= hi`` (equal for a rational)."""
    if isinstance(v, Fraction):
        return v, v
    old = flint.ctx.prec
    try:
        flint.ctx.prec = 128
        enc = _enclosure(sympy.sympify(v))
    finally:
        flint.ctx.prec = old
    (m1, e1), (m2, e2) = enc.lower().man_exp(), enc.upper().man_exp()
    return Fraction(int(m1)) * Fraction(2) ** int(e1), Fraction(int(m2)) * Fraction(2) ** int(e2)


def dyadic_out(lo: Fraction, hi: Fraction, bits: int = 40) -> tuple[Fraction, Fraction]:
    s = 2**bits
    return Fraction((lo.numerator * s) // lo.denominator, s), Fraction(-((-hi.numerator * s) // hi.denominator), s)


def sqrt_upper(q: Fraction) -> Fraction:
    """A rational r >= sqrt(q)."""
    s = 2**40
    n = (q.numerator * s * s) // q.denominator + 1
    r = math.isqrt(n) + 1
    return Fraction(r, s)
