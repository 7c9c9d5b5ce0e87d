"""Exact numbers as z3 terms, and z3 solver calls with a fixed seed and a shared budget.

The lowest layer of the SMT wing: :mod:`urnn_sym.smt.vacuity` and
:mod:`urnn_sym.smt.unrolling` build on it.

>>> from fractions import Fraction as Q
>>> enclose(Q(1, 3))
(Fraction(1, 3), Fraction(1, 3))
>>> _simplest_between(Q(-17, 10), Q(-13, 10)), _simplest_between(Q(7, 24), Q(3, 8))
(Fraction(-3, 2), Fraction(1, 3))
"""

from __future__ import annotations

import math
import time
from collections.abc import Callable, Sequence
from fractions import Fraction
from typing import Any

import sympy
import z3

from urnn_sym.errors import UnsupportedError
from urnn_sym.numbers.arith import as_fraction, exact_sign, parse_number

DEFAULT_RLIMIT = 10**9
_SEED = 0  # the solver's random seed: the same query gives the same model
_HALVINGS = 48  # radii 2M, M, M/2, ... tried around each input of a counterexample


Num = Any  # Fraction, or an exact sympy number for algebraic entries


def num(v: Any) -> Num:
    """Fraction for rationals, else the exact sympy number."""
    if isinstance(v, Fraction):
        return v
    e = sympy.sympify(v)
    return Fraction(int(e.p), int(e.q)) if e.is_Rational else e


def enclose(v: Num) -> tuple[Fraction, Fraction]:
    """Rational ``lo <= v <= hi`` (equal for rationals; width 2^-60 for algebraic numbers)."""
    if isinstance(v, Fraction):
        return v, v
    key = sympy.srepr(v)
    if key not in _ENCLOSURES:
        mid = Fraction(str(sympy.N(v, 40)))
        eps = Fraction(1, 2**60)
        lo, hi = mid - eps, mid + eps
        if exact_sign(v - sympy.Rational(lo.numerator, lo.denominator)) < 0:
            lo = mid - 1
        if exact_sign(sympy.Rational(hi.numerator, hi.denominator) - v) < 0:
            hi = mid + 1
        _ENCLOSURES[key] = (lo, hi)
    return _ENCLOSURES[key]


def read_num(v: Any) -> Num:
    """A number from a certificate: Fraction, int, or an exact string such as ``"-sqrt(3)"``."""
    return num(parse_number(v, name="certificate")) if isinstance(v, str) else num(v)


def is_zero(v: Num) -> bool:
    return v == 0 if isinstance(v, Fraction) else exact_sign(v) == 0


def sign(v: Num) -> int:
    return (v > 0) - (v < 0) if isinstance(v, Fraction) else exact_sign(v)


def simplify(v: Num) -> Num:
    return v if isinstance(v, Fraction) else num(sympy.expand(v))


def z3_sum(terms: Sequence[Any], ctx: z3.Context) -> Any:
    """``z3.Sum`` without one-argument sums (SMT-LIB2 readers such as cvc5 reject ``(+ x)``)."""
    terms = list(terms)
    if not terms:
        return z3.RealVal(0, ctx)
    return terms[0] if len(terms) == 1 else z3.Sum(terms)


class Z3Numbers:
    """z3 terms for exact numbers in ``ctx``; ``sqrt(a)`` becomes a variable r with ``r*r == a, r >= 0``.

    Every variable of a context is made by :meth:`var`, which refuses a name
    already used: two variables can never share a name (two square roots
    called alike once made every query vacuously unsat).  ``roots`` lists
    ``(r, a)`` in the order made, inner roots first, for the non-vacuity check
    (:mod:`urnn_sym.smt.vacuity`).
    """

    def __init__(self, ctx: z3.Context) -> None:
        self.ctx = ctx
        self.side: list[Any] = []
        self.roots: list[tuple[Any, Any]] = []
        self._by_base: dict[str, Any] = {}
        self._names: set[str] = set()
        self.nonlinear = False

    def var(self, name: str) -> Any:
        """A new real variable called ``name``; a name used before in this context is an error."""
        if name in self._names:
            raise AssertionError(f"z3 variable {name!r} made twice in one context")
        self._names.add(name)
        return z3.Real(name, self.ctx)

    def term(self, v: Num) -> Any:
        if isinstance(v, Fraction):
            return z3.RealVal(f"{v.numerator}/{v.denominator}", self.ctx)
        return self._expr(sympy.sympify(v))

    def _expr(self, e: sympy.Expr) -> Any:
        if e.is_Rational:
            return z3.RealVal(f"{int(e.p)}/{int(e.q)}", self.ctx)
        if e.is_Add:
            return z3_sum([self._expr(t) for t in e.args], self.ctx)
        if e.is_Mul:
            out = self._expr(e.args[0])
            for t in e.args[1:]:
                out = out * self._expr(t)
            return out
        if e.is_Pow and e.exp.is_Rational and int(e.exp.q) in (1, 2):
            base = self._expr(e.base) if e.exp.q == 1 else self._root(e.base)
            power = z3.RealVal(1, self.ctx)
            for _ in range(abs(int(e.exp.p))):
                power = power * base
            return power if e.exp.p > 0 else 1 / power
        raise UnsupportedError(f"entry {e}: only rationals, +, *, integer powers and sqrt can be encoded for z3")

    def _root(self, base: sympy.Expr) -> Any:
        key = sympy.srepr(base)
        if key not in self._by_base:
            inner = self._expr(base)  # registers the roots inside ``base`` first
            r = self.var(f"sqrt_{len(self.roots)}")
            self.side += [r * r == inner, r >= 0]
            self.roots.append((r, base))
            self._by_base[key] = r
            self.nonlinear = True
        return self._by_base[key]


def new_solver(ctx: z3.Context) -> z3.Solver:
    """A solver in ``ctx`` with its random seed fixed (the same query gives the same model)."""
    s = z3.Solver(ctx=ctx)
    s.set("random_seed", _SEED)
    return s


class Budget:
    """Wall-clock deadline shared by every solver call of one verdict."""

    def __init__(self, timeout: float, rlimit: int) -> None:
        self.deadline = time.monotonic() + timeout
        self.rlimit = rlimit
        self.queries = 0
        self.seconds = 0.0

    def expired(self) -> bool:
        """Whether the wall-clock deadline has passed."""
        return time.monotonic() >= self.deadline - 0.001

    def check(self, solver: Any) -> tuple[str, str]:
        """Run ``solver.check()`` within the remaining time; ``(result, reason)``."""
        remaining = self.deadline - time.monotonic()
        if remaining <= 0.001:
            return "unknown", "time budget exhausted"
        solver.set("timeout", max(1, int(remaining * 1000)))
        solver.set("rlimit", self.rlimit)
        start = time.monotonic()
        try:
            result = solver.check()
        except z3.Z3Exception as exc:
            return "unknown", f"z3 error: {exc}"
        finally:
            self.queries += 1
            self.seconds += time.monotonic() - start
        if result == z3.unknown:
            reason = solver.reason_unknown()
            if reason == "canceled":
                past = time.monotonic() >= self.deadline - 0.001
                reason = "timeout" if past else f"canceled (resource limit reached: rlimit {self.rlimit})"
            return "unknown", reason
        return str(result), ""


def model_fraction(model: Any, var: Any, bound: Fraction) -> Fraction:
    """Exact rational value of an input variable (algebraic values: a rational approximation inside the bound)."""
    val = model.eval(var, model_completion=True)
    if isinstance(val, z3.AlgebraicNumRef):
        val = val.approx(60)
    q = as_fraction(val.as_fraction(), name=str(var))
    return max(-bound, min(bound, q))


def _simplest_between(lo: Fraction, hi: Fraction) -> Fraction:
    """The simplest rational in ``[lo, hi]``: smallest denominator, then smallest ``|numerator|`` (Stern-Brocot)."""
    if lo <= 0 <= hi:
        return Fraction(0)
    if hi < 0:
        return -_simplest_between(-hi, -lo)
    whole = math.floor(lo)
    if whole == lo or whole + 1 <= hi:
        return Fraction(whole if whole == lo else whole + 1)
    return whole + 1 / _simplest_between(1 / (hi - whole), 1 / (lo - whole))


def canonical_inputs(
    xs: Sequence[Sequence[Fraction]], M: Fraction, keeps: Callable[[list[list[Fraction]]], bool]
) -> list[list[Fraction]]:
    """A counterexample with each input, in order, replaced by the simplest rational near it that ``keeps`` accepts.

    For the input x the candidates are the simplest rationals in
    ``[x - r, x + r]`` clipped to ``[-M, M]``, for ``r = 2M, M, M/2, ...``
    (simplest first); the first for which ``keeps`` (exact re-simulation: the
    outputs still differ at the same step, the input stays in the bound) holds
    replaces x.  The result depends only on ``xs``, so a reproducible model
    gives a reproducible counterexample.
    """
    rows = [list(row) for row in xs]
    for row in rows:
        for j, x in enumerate(row):
            tried = {x}
            for e in range(_HALVINGS):
                r = 2 * M / 2**e
                q = _simplest_between(max(-M, x - r), min(M, x + r))
                if q == x:
                    break
                if q in tried:
                    continue
                tried.add(q)
                row[j] = q
                if keeps(rows):
                    break
                row[j] = x
    return rows


_ENCLOSURES: dict[str, tuple[Fraction, Fraction]] = {}
