"""Exact unrolling shared by the z3 checks (numbers and solver calls: :mod:`urnn_sym.smt.solver`).

The common layer of :mod:`urnn_sym.smt.check` (math.md section 1, equivalence on X_M):

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
>>> combine([(Q(1), {"x": Q(2)}), (Q(-2), {"x": Q(1), None: Q(1)})])
{None: Fraction(-2, 1)}
"""

from __future__ import annotations

import time
from collections.abc import Sequence
from dataclasses import dataclass
from fractions import Fraction
from typing import Any

import z3

from urnn_sym import validation
from urnn_sym.model import RNN
from urnn_sym.numbers.activations import PIECEWISE_LINEAR
from urnn_sym.smt.solver import (
    DEFAULT_RLIMIT,
    Budget,
    Num,
    Z3Numbers,
    enclose,
    is_zero,
    new_solver,
    num,
    sign,
    simplify,
    z3_sum,
)
from urnn_sym.status import VerdictStatus
from urnn_sym.validation import check_input_bound, check_norm

__all__ = ["DEFAULT_RLIMIT"]

Form = dict[Any, Num]  # linear form: key -> coefficient; key None is the constant

# ------------------------------------------------------------------------------
# exact numbers: enclosures, comparisons, z3 terms
# ------------------------------------------------------------------------------


# ------------------------------------------------------------------------------
# networks as exact rows
# ------------------------------------------------------------------------------


@dataclass(frozen=True)
class Net:
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
    def of(cls, rnn: RNN) -> Net:
        m = rnn.to_exact().matrices()
        rows = {k: [[num(v) for v in r] for r in M.tolist()] for k, M in m.items()}
        return cls(
            rows["W"],
            rows["F"],
            [r[0] for r in rows["b"]],
            rows["C"],
            [r[0] for r in rows["h0"]],
            rnn.activation == "relu",
        )


def check_z3_pair(
    a: Any, b: Any, input_bound: Any, norm: Any, names: tuple[str, str] = ("a", "b")
) -> tuple[Fraction, str]:
    """``(M, norm)`` once the networks (:func:`urnn_sym.validation.check_pair`) and the input set are checked."""
    validation.check_pair(a, b, network_type=RNN, names=names, activations=PIECEWISE_LINEAR, purpose="the z3 encoding")
    return check_input_bound(input_bound), check_norm(norm)


# ------------------------------------------------------------------------------
# solver calls with limits
# ------------------------------------------------------------------------------


# ------------------------------------------------------------------------------
# shared symbolic unrolling
# ------------------------------------------------------------------------------


def _form_key(form: Form) -> tuple[Any, ...]:
    return tuple(sorted((repr(k), str(v)) for k, v in form.items()))


class Unroller:
    """Both networks unrolled once, over linear forms with shared ReLU atoms."""

    def __init__(self, M: Fraction, norm: str, d: int, nums: Z3Numbers) -> None:
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
            self._assume(z3_sum([self.vars[k] * self.vars[k] for k in keys], self.nums.ctx) <= self.M * self.M)
        return [{key: Fraction(1)} for key in keys]

    def _assume(self, *constraints: Any) -> None:
        self.constraints += constraints
        self.assumptions += constraints

    def bounds(self, form: Form) -> tuple[Fraction, Fraction]:
        lo = hi = Fraction(0)
        for key, coef in form.items():
            cl, ch = enclose(coef)
            vl, vh = self.ranges[key] if key is not None else (Fraction(1), Fraction(1))
            prods = (cl * vl, cl * vh, ch * vl, ch * vh)
            lo, hi = lo + min(prods), hi + max(prods)
        return lo, hi

    def term(self, form: Form) -> Any:
        parts = [self.nums.term(c) * (self.vars[k] if k is not None else 1) for k, c in form.items()]
        return z3_sum(parts, self.nums.ctx)

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
            return form if sign(form[None]) > 0 else {}
        scale = form[lead] if sign(form[lead]) > 0 else -form[lead]
        unit = {k: simplify(c / scale) for k, c in form.items()}
        key = _form_key(unit)
        if key not in self.cache:
            atom = ("h", self.atoms)
            self.atoms += 1
            z = self.term(unit)
            self.vars[atom] = self.nums.var(f"h_{atom[1]}")
            self.defined.append((self.vars[atom], z3.If(z > 0, z, 0)))
            self._assume(self.vars[atom] == z3.If(z > 0, z, 0))
            sl, sh = enclose(scale)
            self.ranges[atom] = (Fraction(0), max(Fraction(0), max(hi / sl, hi / sh)))
            self.cache[key] = atom
        return {self.cache[key]: scale}

    def step(self, net: Net, h: list[Form], x: list[Form], known: Sequence[Any] | None) -> list[Form]:
        out = []
        for i in range(net.n):  # x: the layer's input forms (the inputs, or the states of the layer below)
            z = combine([(net.W[i][j], h[j]) for j in range(net.n)] + [(net.F[i][j], x[j]) for j in range(len(x))])
            z = combine([(Fraction(1), z), (Fraction(1), {None: net.b[i]})])
            out.append(self.relu(z, None if known is None else known[i]) if net.relu else z)
        return out


def combine(terms: list[tuple[Num, Form]]) -> Form:
    """The linear form ``sum c * f`` with zero coefficients removed."""
    out: dict[Any, Num] = {}
    for c, f in terms:
        if isinstance(c, Fraction) and c == 0:
            continue
        for k, v in f.items():
            out[k] = out.get(k, Fraction(0)) + c * v
    return {k: s for k, v in out.items() if not is_zero(s := simplify(v))}


def output_forms(net: Net, h: list[Form]) -> list[Form]:
    return [combine([(net.C[i][j], h[j]) for j in range(net.n)]) for i in range(len(net.C))]


# ------------------------------------------------------------------------------
# one solver obligation: decide the negated goal, trust an unsat only if non-vacuous
# ------------------------------------------------------------------------------


def smtlib_text(nums: Z3Numbers, assertions: Sequence[Any]) -> str:
    """The SMT-LIB2 text of a query (what ``recheck --solver cvc5`` re-decides)."""
    s = z3.Solver(ctx=nums.ctx)
    s.add(*assertions)
    return "(set-logic ALL)\n" + s.to_smt2()


def discharge_goal(
    nums: Z3Numbers,
    assumptions: Sequence[Any],
    goal: Any,
    budget: Budget,
    *,
    free: Sequence[Any],
    defined: Sequence[tuple[Any, Any]] = (),
    hints: Sequence[Any] = (),
) -> tuple[VerdictStatus, str, dict[str, Any], Any]:
    """``(status, detail, data, solver)`` of the query "assumptions and goal" (goal: the negated claim).

    "proved" needs z3's unsat *and* a model of the assumptions alone that holds
    in exact arithmetic (:func:`urnn_sym.smt.vacuity.show_nonvacuous`); an unsat
    without it is "unknown" with the reason.  ``hints`` (e.g. every input 0)
    are added to that model search only: a model of the assumptions and the
    hints, re-checked exactly against both, is a model of the assumptions.
    ``data`` holds the query's SMT-LIB2 text and the non-vacuity evidence;
    ``solver`` holds the model when the status is "refuted".
    """
    from urnn_sym.smt.vacuity import show_nonvacuous

    s = new_solver(nums.ctx)
    s.add(*assumptions, goal)
    data: dict[str, Any] = {"smtlib": smtlib_text(nums, [*assumptions, goal])}
    start = time.monotonic()
    result, reason = budget.check(s)
    data["seconds"] = round(time.monotonic() - start, 4)
    if result == "sat":
        return "refuted", "sat", data, s
    if result != "unsat":
        return "unknown", f"{result} ({reason})" if reason else result, data, s
    nv = show_nonvacuous(
        [*assumptions, *hints], free=free, roots=nums.roots, defined=defined, ctx=nums.ctx, check=budget.check
    )
    data["nonvacuity"] = nv.to_json()
    if not nv:
        return "unknown", f"unsat, not trusted: vacuous assumptions? {nv.detail}", data, s
    return "proved", "unsat; the assumptions alone have a model that holds exactly (non-vacuous)", data, s
