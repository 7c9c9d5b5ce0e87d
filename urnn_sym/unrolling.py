"""Exact unrolling shared by the z3 checks: numbers, networks as exact rows, solver limits.

The common layer of :mod:`urnn_sym.smt` (math.md section 1, equivalence on X_M):

* exact numbers -- Fractions, or exact sympy numbers for algebraic entries --
  with rational enclosures, exact signs, and z3 terms (``sqrt(a)`` becomes a
  variable ``r`` with ``r * r == a, r >= 0``, which makes a query nonlinear);
* a network as exact rows of W, F, b, C and h0, and the argument checks of the
  bounded check and of the inductive proof;
* the solver budget: one wall-clock deadline and a resource limit for every
  z3 call of a verdict, so that running out gives ``unknown`` with z3's reason;
* reproducible solving: every public call builds its terms in its own
  ``z3.Context`` and every solver has a fixed random seed, so the same query
  gives the same model whatever z3 work ran before in the process;
* canonical counterexamples: each input of a z3 model is replaced by the
  simplest rational near it for which exact re-simulation still shows the
  difference at the same step;
* the shared unrolling: every pre-activation is a linear form over the inputs
  and earlier ReLU outputs; a form that is a positive multiple of one already
  seen reuses its ReLU (``relu(c z) = c relu(z)`` for ``c > 0``), and a ReLU
  whose input is provably ``<= 0`` is the constant 0.

>>> from fractions import Fraction as Q
>>> _enclose(Q(1, 3))
(Fraction(1, 3), Fraction(1, 3))
>>> _combine([(Q(1), {"x": Q(2)}), (Q(-2), {"x": Q(1), None: Q(1)})])
{None: Fraction(-2, 1)}
>>> _simplest_between(Q(-17, 10), Q(-13, 10)), _simplest_between(Q(7, 24), Q(3, 8))
(Fraction(-3, 2), Fraction(1, 3))
"""

from __future__ import annotations

import math
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from fractions import Fraction
from typing import Any

import sympy
import z3

from ._validation import check_input_bound, check_norm
from .arith import as_fraction, exact_sign, parse_number
from .errors import EntryTypeError, InvalidArgumentError, ShapeError, UnsupportedError
from .model import RNN

__all__ = ["DEFAULT_RLIMIT"]

DEFAULT_RLIMIT = 10**9
_SEED = 0  # the solver's random seed: the same query gives the same model
_HALVINGS = 48  # radii 2M, M, M/2, ... tried around each input of a counterexample
Num = Any  # Fraction, or an exact sympy number for algebraic entries
Form = dict[Any, Num]  # linear form: key -> coefficient; key None is the constant

# ------------------------------------------------------------------------------
# exact numbers: enclosures, comparisons, z3 terms
# ------------------------------------------------------------------------------

_ENCLOSURES: dict[str, tuple[Fraction, Fraction]] = {}


def _num(v: Any) -> Num:
    """Fraction for rationals, else the exact sympy number."""
    if isinstance(v, Fraction):
        return v
    e = sympy.sympify(v)
    return Fraction(int(e.p), int(e.q)) if e.is_Rational else e


def _enclose(v: Num) -> tuple[Fraction, Fraction]:
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


def _read_num(v: Any) -> Num:
    """A number from a certificate: Fraction, int, or an exact string such as ``"-sqrt(3)"``."""
    return _num(parse_number(v, name="certificate")) if isinstance(v, str) else _num(v)


def _is_zero(v: Num) -> bool:
    return v == 0 if isinstance(v, Fraction) else exact_sign(v) == 0


def _sign(v: Num) -> int:
    return (v > 0) - (v < 0) if isinstance(v, Fraction) else exact_sign(v)


def _simplify(v: Num) -> Num:
    return v if isinstance(v, Fraction) else _num(sympy.expand(v))


def _sum(terms: Sequence[Any], ctx: z3.Context) -> Any:
    """``z3.Sum`` without one-argument sums (SMT-LIB2 readers such as cvc5 reject ``(+ x)``)."""
    terms = list(terms)
    if not terms:
        return z3.RealVal(0, ctx)
    return terms[0] if len(terms) == 1 else z3.Sum(terms)


class _Z3Numbers:
    """z3 terms for exact numbers in ``ctx``; ``sqrt(a)`` becomes a variable r with ``r*r == a, r >= 0``.

    Every variable of a context is made by :meth:`var`, which refuses a name
    already used: two variables can never share a name (two square roots
    called alike once made every query vacuously unsat).  ``roots`` lists
    ``(r, a)`` in the order made, inner roots first, for the non-vacuity check
    (:mod:`urnn_sym.vacuity`).
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
            return _sum([self._expr(t) for t in e.args], self.ctx)
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


# ------------------------------------------------------------------------------
# networks as exact rows
# ------------------------------------------------------------------------------


@dataclass(frozen=True)
class _Net:
    W: list[list[Num]]
    F: list[list[Num]]
    b: list[Num]
    C: list[list[Num]]
    h0: list[Num]
    relu: bool

    @property
    def n(self) -> int:
        return len(self.b)

    @classmethod
    def of(cls, rnn: RNN) -> _Net:
        m = rnn.to_exact().matrices()
        rows = {k: [[_num(v) for v in r] for r in M.tolist()] for k, M in m.items()}
        return cls(
            rows["W"],
            rows["F"],
            [r[0] for r in rows["b"]],
            rows["C"],
            [r[0] for r in rows["h0"]],
            rnn.activation == "relu",
        )


def _check_pair(a: Any, b: Any, input_bound: Any, norm: Any) -> tuple[Fraction, str]:
    for name, value in (("a", a), ("b", b)):
        if not isinstance(value, RNN):
            raise EntryTypeError(f"{name}: expected an RNN but found {type(value).__name__}")
        if value.activation not in ("relu", "identity"):
            raise UnsupportedError(
                f"{name}: activation: expected 'relu' or 'identity' (piecewise linear) but found {value.activation!r}"
            )
        if value.system == "symbolic":
            raise UnsupportedError(f"{name}: has free symbols; substitute numbers before checking")
    if (a.d, a.p) != (b.d, b.p):
        raise ShapeError(f"b: expected input and output dimensions (d, p) = {(a.d, a.p)} as a but found {(b.d, b.p)}")
    norm = check_norm(norm)
    return check_input_bound(input_bound), norm


def _check_timeout(timeout: Any) -> float:
    if isinstance(timeout, bool) or not isinstance(timeout, (int, float)) or not timeout > 0:
        raise InvalidArgumentError(f"timeout: expected a positive number of seconds but found {timeout!r}")
    return float(timeout)


# ------------------------------------------------------------------------------
# solver calls with limits
# ------------------------------------------------------------------------------


def _solver(ctx: z3.Context) -> z3.Solver:
    """A solver in ``ctx`` with its random seed fixed (the same query gives the same model)."""
    s = z3.Solver(ctx=ctx)
    s.set("random_seed", _SEED)
    return s


class _Budget:
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


def _model_fraction(model: Any, var: Any, bound: Fraction) -> Fraction:
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


def _canonical_inputs(
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


# ------------------------------------------------------------------------------
# shared symbolic unrolling
# ------------------------------------------------------------------------------


def _form_key(form: Form) -> tuple[Any, ...]:
    return tuple(sorted((repr(k), str(v)) for k, v in form.items()))


class _Unroller:
    """Both networks unrolled once, over linear forms with shared ReLU atoms."""

    def __init__(self, M: Fraction, norm: str, d: int, nums: _Z3Numbers) -> None:
        self.M, self.norm, self.d, self.nums = M, norm, d, nums
        self.vars: dict[Any, Any] = {}
        self.ranges: dict[Any, tuple[Fraction, Fraction]] = {}
        self.cache: dict[tuple[Any, ...], Any] = {}
        self.constraints: list[Any] = []
        self.assumptions: list[Any] = []  # every constraint ever added (for the non-vacuity check)
        self.free: list[Any] = []  # the input variables
        self.defined: list[tuple[Any, Any]] = []  # (ReLU atom, its definition), in order
        self.atoms = 0
        self.steps = 0

    def inputs(self, k: int) -> list[Form]:
        keys = [("x", k, j) for j in range(self.d)]
        for key in keys:
            self.vars[key] = self.nums.var(f"x_{k}_{key[2]}")
            self.free.append(self.vars[key])
            self.ranges[key] = (-self.M, self.M)
            self._assume(self.vars[key] >= -self.M, self.vars[key] <= self.M)
        if self.norm == "2" and self.d > 1:
            self._assume(_sum([self.vars[k] * self.vars[k] for k in keys], self.nums.ctx) <= self.M * self.M)
        return [{key: Fraction(1)} for key in keys]

    def _assume(self, *constraints: Any) -> None:
        self.constraints += constraints
        self.assumptions += constraints

    def bounds(self, form: Form) -> tuple[Fraction, Fraction]:
        lo = hi = Fraction(0)
        for key, coef in form.items():
            cl, ch = _enclose(coef)
            vl, vh = self.ranges[key] if key is not None else (Fraction(1), Fraction(1))
            prods = (cl * vl, cl * vh, ch * vl, ch * vh)
            lo, hi = lo + min(prods), hi + max(prods)
        return lo, hi

    def term(self, form: Form) -> Any:
        parts = [self.nums.term(c) * (self.vars[k] if k is not None else 1) for k, c in form.items()]
        return _sum(parts, self.nums.ctx)

    def relu(self, form: Form, known: tuple[Fraction, Fraction] | None) -> Form:
        lo, hi = self.bounds(form)
        if known is not None:
            lo, hi = max(lo, known[0]), min(hi, known[1])
        if hi <= 0:
            return {}
        if lo >= 0:
            return form
        lead = min((k for k in form if k is not None), key=repr, default=None)
        if lead is None:
            return form if _sign(form[None]) > 0 else {}
        scale = form[lead] if _sign(form[lead]) > 0 else -form[lead]
        unit = {k: _simplify(c / scale) for k, c in form.items()}
        key = _form_key(unit)
        if key not in self.cache:
            atom = ("h", self.atoms)
            self.atoms += 1
            z = self.term(unit)
            self.vars[atom] = self.nums.var(f"h_{atom[1]}")
            self.defined.append((self.vars[atom], z3.If(z > 0, z, 0)))
            self._assume(self.vars[atom] == z3.If(z > 0, z, 0))
            sl, sh = _enclose(scale)
            self.ranges[atom] = (Fraction(0), max(Fraction(0), max(hi / sl, hi / sh)))
            self.cache[key] = atom
        return {self.cache[key]: scale}

    def step(self, net: _Net, h: list[Form], x: list[Form], known: Sequence[Any] | None) -> list[Form]:
        out = []
        for i in range(net.n):
            z = _combine([(net.W[i][j], h[j]) for j in range(net.n)] + [(net.F[i][j], x[j]) for j in range(self.d)])
            z = _combine([(Fraction(1), z), (Fraction(1), {None: net.b[i]})])
            out.append(self.relu(z, None if known is None else known[i]) if net.relu else z)
        return out


def _combine(terms: list[tuple[Num, Form]]) -> Form:
    """The linear form ``sum c * f`` with zero coefficients removed."""
    out: dict[Any, Num] = {}
    for c, f in terms:
        if isinstance(c, Fraction) and c == 0:
            continue
        for k, v in f.items():
            out[k] = out.get(k, Fraction(0)) + c * v
    return {k: s for k, v in out.items() if not _is_zero(s := _simplify(v))}


def _outputs(net: _Net, h: list[Form]) -> list[Form]:
    return [_combine([(net.C[i][j], h[j]) for j in range(net.n)]) for i in range(len(net.C))]


# ------------------------------------------------------------------------------
# one solver obligation: decide the negated goal, trust an unsat only if non-vacuous
# ------------------------------------------------------------------------------


def _smtlib(nums: _Z3Numbers, assertions: Sequence[Any]) -> str:
    """The SMT-LIB2 text of a query (what ``recheck --solver cvc5`` re-decides)."""
    s = z3.Solver(ctx=nums.ctx)
    s.add(*assertions)
    return "(set-logic ALL)\n" + s.to_smt2()


def _discharge(
    nums: _Z3Numbers,
    assumptions: Sequence[Any],
    goal: Any,
    budget: _Budget,
    *,
    free: Sequence[Any],
    defined: Sequence[tuple[Any, Any]] = (),
) -> tuple[str, str, dict[str, Any], Any]:
    """``(status, detail, data, solver)`` of the query "assumptions and goal" (goal: the negated claim).

    "proved" needs z3's unsat *and* a model of the assumptions alone that holds
    in exact arithmetic (:func:`urnn_sym.vacuity.show_nonvacuous`); an unsat
    without it is "unknown" with the reason.  ``data`` holds the query's
    SMT-LIB2 text and the non-vacuity evidence; ``solver`` holds the model
    when the status is "refuted".
    """
    from .vacuity import show_nonvacuous

    s = _solver(nums.ctx)
    s.add(*assumptions, goal)
    data: dict[str, Any] = {"smtlib": _smtlib(nums, [*assumptions, goal])}
    start = time.monotonic()
    result, reason = budget.check(s)
    data["seconds"] = round(time.monotonic() - start, 4)
    if result == "sat":
        return "refuted", "sat", data, s
    if result != "unsat":
        return "unknown", f"{result} ({reason})" if reason else result, data, s
    nv = show_nonvacuous(assumptions, free=free, roots=nums.roots, defined=defined, ctx=nums.ctx, check=budget.check)
    data["nonvacuity"] = nv.to_json()
    if not nv:
        return "unknown", f"unsat, not trusted: vacuous assumptions? {nv.detail}", data, s
    return "proved", "unsat; the assumptions alone have a model that holds exactly (non-vacuous)", data, s
