"""Non-vacuity of z3 queries: an unsat counts only when its assumptions alone are satisfiable.

An ``unsat`` answer to "assumptions and not(goal)" proves the goal only if the
assumptions themselves have a model; contradictory assumptions (two square-root
variables that share one name, an empty input set, an empty invariant) make
every query unsat.  :func:`show_nonvacuous` asks z3 for a model of the
assumptions alone and then re-checks that model in exact arithmetic, with the
variables split in three kinds:

* *free* variables (inputs, states) take the model's values, as exact
  rationals (an algebraic model value is replaced by a nearby rational, which
  the exact re-check then has to accept);
* *roots* ``r`` introduced for ``sqrt(a)`` take the exact value ``sqrt(a)``
  (a sympy number), never the model's;
* *defined* variables ``v == e`` (ReLU outputs of an unrolling) take the exact
  value of ``e`` under the values before them, in order.

Every assumption is then evaluated exactly (:func:`evaluate`): rationals as
Fractions, algebraic numbers through :func:`urnn_sym.numbers.arith.exact_sign`.  Only
when all hold is the query non-vacuous.

>>> import z3
>>> ctx = z3.Context()
>>> x, r = z3.Real("x", ctx), z3.Real("sqrt_0", ctx)
>>> show_nonvacuous([r * r == 2, r >= 0, x >= -1, x <= r], free=[x], roots=[(r, 2)], ctx=ctx).holds
True
>>> show_nonvacuous([x >= 1, x <= 0], free=[x], ctx=ctx).detail
'the assumptions alone are unsatisfiable (z3: unsat): every query under them would be unsat'
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from fractions import Fraction
from typing import Any

import sympy
import z3

from urnn_sym.evidence import Check
from urnn_sym.numbers.arith import exact_sign
from urnn_sym.smt.solver import new_solver

__all__ = ["evaluate", "show_nonvacuous"]

Value = Any  # Fraction, or an exact sympy number

_METHOD = "z3 model of the assumptions alone, re-checked in exact arithmetic"


def _sign(v: Value) -> int:
    return (v > 0) - (v < 0) if isinstance(v, Fraction) else exact_sign(v)


def _arith(op: Callable[[Any, Any], Any], u: Value, v: Value) -> Value:
    if isinstance(u, Fraction) and isinstance(v, Fraction):
        return op(u, v)
    out = sympy.expand(op(sympy.sympify(u), sympy.sympify(v)))
    return Fraction(int(out.p), int(out.q)) if out.is_Rational else out


def _to_sympy(v: Value) -> Any:
    return sympy.Rational(v.numerator, v.denominator) if isinstance(v, Fraction) else sympy.sympify(v)


def evaluate(term: Any, env: dict[int, Value]) -> Any:
    """The exact value of a z3 real/boolean term, with the constants' values in ``env`` (keyed by AST id).

    Parameters
    ----------
    term : z3.ExprRef
        Built from rational constants, variables, ``+ - * /``, ``If``,
        comparisons and ``And``/``Or``/``Not``/``Implies``.
    env : dict
        ``term.get_id()`` of each variable -> its exact value.

    Returns
    -------
    Fraction, sympy number or bool

    Raises
    ------
    KeyError
        A variable without a value.
    ValueError
        An operation outside that list.

    Examples
    --------
    >>> import z3
    >>> x = z3.Real("x")
    >>> evaluate(z3.If(x > 0, 2 * x, -x) <= 1, {x.get_id(): Fraction(1, 2)})
    True
    """
    k = term.decl().kind() if z3.is_app(term) else None
    if z3.is_rational_value(term):
        return Fraction(term.numerator_as_long(), term.denominator_as_long())
    if z3.is_int_value(term):
        return Fraction(term.as_long())
    if k == z3.Z3_OP_UNINTERPRETED and term.num_args() == 0:
        return env[term.get_id()]
    if k == z3.Z3_OP_TRUE:
        return True
    if k == z3.Z3_OP_FALSE:
        return False
    args = [evaluate(a, env) for a in term.children()] if k != z3.Z3_OP_ITE else []
    if k == z3.Z3_OP_ITE:
        cond = evaluate(term.arg(0), env)
        return evaluate(term.arg(1) if cond else term.arg(2), env)
    if k == z3.Z3_OP_ADD:
        out = args[0]
        for a in args[1:]:
            out = _arith(lambda u, v: u + v, out, a)
        return out
    if k == z3.Z3_OP_MUL:
        out = args[0]
        for a in args[1:]:
            out = _arith(lambda u, v: u * v, out, a)
        return out
    if k == z3.Z3_OP_SUB:
        out = args[0]
        for a in args[1:]:
            out = _arith(lambda u, v: u - v, out, a)
        return out
    if k == z3.Z3_OP_UMINUS:
        return _arith(lambda u, v: u * v, Fraction(-1), args[0])
    if k == z3.Z3_OP_DIV:
        if _sign(args[1]) == 0:
            raise ValueError("division by zero in an assumption")
        return _arith(lambda u, v: u / v, args[0], args[1])
    if k == z3.Z3_OP_TO_REAL:
        return args[0]
    compare = {
        z3.Z3_OP_LE: lambda s: s <= 0,
        z3.Z3_OP_LT: lambda s: s < 0,
        z3.Z3_OP_GE: lambda s: s >= 0,
        z3.Z3_OP_GT: lambda s: s > 0,
    }
    if k in compare:
        return compare[k](_sign(_arith(lambda u, v: u - v, args[0], args[1])))
    if k == z3.Z3_OP_EQ:
        if isinstance(args[0], bool):
            return args[0] == args[1]
        return _sign(_arith(lambda u, v: u - v, args[0], args[1])) == 0
    if k == z3.Z3_OP_DISTINCT:
        return all(_sign(_arith(lambda u, v: u - v, a, b)) != 0 for i, a in enumerate(args) for b in args[i + 1 :])
    if k == z3.Z3_OP_AND:
        return all(args)
    if k == z3.Z3_OP_OR:
        return any(args)
    if k == z3.Z3_OP_NOT:
        return not args[0]
    if k == z3.Z3_OP_IMPLIES:
        return (not args[0]) or args[1]
    raise ValueError(f"cannot evaluate {term.decl().name()!r} exactly")


def _model_value(model: Any, var: Any) -> Fraction:
    val = model.eval(var, model_completion=True)
    if isinstance(val, z3.AlgebraicNumRef):
        val = val.approx(40)
    return Fraction(val.numerator_as_long(), val.denominator_as_long())


def show_nonvacuous(
    assumptions: Sequence[Any],
    *,
    free: Sequence[Any],
    ctx: z3.Context,
    roots: Sequence[tuple[Any, Any]] = (),
    defined: Sequence[tuple[Any, Any]] = (),
    check: Callable[[Any], tuple[str, str]] | None = None,
) -> Check:
    """Show that ``assumptions`` have a model, re-checked exactly: the test an unsat must pass to count.

    Parameters
    ----------
    assumptions : sequence of z3.BoolRef
        Everything a query assumes besides its negated goal (side constraints
        of square roots, the input set, the invariant set, definitions).
    free : sequence of z3.ArithRef
        Variables that take the model's values (inputs, states).
    ctx : z3.Context
        The context the terms live in.
    roots : sequence of (z3.ArithRef, number)
        ``(r, a)`` for each variable standing for ``sqrt(a)``, ``a`` an exact number.
    defined : sequence of (z3.ArithRef, z3.ArithRef)
        ``(v, e)``: v's value is e's, in this order (e may use earlier values).
    check : callable, optional
        ``check(solver) -> (result, reason)`` running the solver within a
        budget (default: ``solver.check()`` with no limit).

    Returns
    -------
    Check
        Holds when a model exists and every assumption holds exactly at it;
        otherwise the reason (unsatisfiable: vacuous; undecided; the model did
        not re-check).
    """
    s = new_solver(ctx)
    s.add(*assumptions)
    if check is None:
        r = s.check()
        result, reason = str(r), (s.reason_unknown() if r == z3.unknown else "")
    else:
        result, reason = check(s)
    if result == "unsat":
        return Check(
            False, _METHOD, "the assumptions alone are unsatisfiable (z3: unsat): every query under them would be unsat"
        )
    if result != "sat":
        return Check(False, _METHOD, f"z3 could not decide the assumptions alone ({reason or result})")
    model = s.model()
    env: dict[int, Value] = {}
    try:
        for var in free:
            env[var.get_id()] = _model_value(model, var)
        for var, radicand in roots:
            base = sympy.sympify(_to_sympy(radicand) if isinstance(radicand, Fraction) else radicand)
            if exact_sign(base) < 0:
                return Check(False, _METHOD, f"a square root of the negative number {base} is assumed")
            root = sympy.sqrt(base)
            env[var.get_id()] = Fraction(int(root.p), int(root.q)) if root.is_Rational else root
        for var, expr in defined:
            env[var.get_id()] = evaluate(expr, env)
        failed = [a for a in assumptions if not evaluate(a, env)]
    except (KeyError, ValueError) as exc:
        return Check(False, _METHOD, f"the model could not be re-checked exactly: {exc}")
    if failed:
        return Check(
            False, _METHOD, f"the model does not satisfy {len(failed)} assumption(s) exactly, e.g. {failed[0]}"
        )
    return Check(
        True, _METHOD, f"{len(assumptions)} assumptions hold exactly at the model", {"assumptions": len(assumptions)}
    )
