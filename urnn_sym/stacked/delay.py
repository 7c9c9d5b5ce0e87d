"""The single-layer RNN with delay ``L - 1`` that mimics a stacked RNN, and its exact conditions.

The single layer stacks the layer states ``s = [s_1; ...; s_L]`` with layer l
lagging by l - 1 steps (block lower-bidiagonal recurrence; see
:mod:`urnn_sym.stacked` for the construction and the exact pre-history
condition :func:`delay_condition`, proved in ``proofs/stacked.py``).
:func:`check_delayed_equivalence` asks z3 whether the delayed outputs equal the
stacked ones on bounded inputs up to a horizon (math.md section 1: equivalence
on ``X_M``), in a fresh ``z3.Context`` with fixed solver seeds; a counterexample
is made canonical (each input the simplest rational near z3's value that keeps
the difference) and re-simulated exactly.
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from fractions import Fraction
from typing import Any

import numpy as np
import sympy

from urnn_sym import validation as v
from urnn_sym.errors import (
    EntryTypeError,
    HypothesisNotMetError,
    InvalidArgumentError,
    ShapeError,
    SolverTimeoutError,
    UnsupportedError,
)
from urnn_sym.evidence import Check
from urnn_sym.model import RNN, simulate, to_inputs
from urnn_sym.numbers.arith import arith, as_fraction, as_sympy, entries, to_vector
from urnn_sym.refutation import input_within_bound
from urnn_sym.smt.recheck import SoundnessError, recheck_delayed
from urnn_sym.smt.vacuity import show_nonvacuous
from urnn_sym.stacked.model import StackedRNN, check_stacked, simulate_stacked

__all__ = [
    "DelayedRNN",
    "check_delayed_equivalence",
    "delay_condition",
    "simulate_delayed",
    "to_delayed_single_layer",
]


def simulate_delayed(rnn: RNN, xs: Any, *, delay: int) -> Any:
    """Delayed outputs ``y(k + delay)``, k = 0..T-1, of a single-layer RNN.

    The input is padded with ``delay`` zero rows (by causality of the delayed
    construction the padding does not matter for the compared outputs).

    Parameters
    ----------
    rnn : RNN
    xs : array-like
        T input rows (float64: shape (T, d) or (T, B, d)).
    delay : int
        Non-negative delay.

    Examples
    --------
    >>> simulate_delayed(RNN([[0]], [[1]], [0], [[1]]), [[1], [2]], delay=1)[:, 0].tolist()
    [Fraction(2, 1), Fraction(0, 1)]
    """
    if not isinstance(delay, int) or delay < 0:
        raise InvalidArgumentError(f"delay: expected an integer >= 0 but found {delay!r}")
    if rnn.system == "float64":
        arr = to_inputs(xs, rnn.d, "float64")
        padded = np.concatenate([arr, np.zeros((delay, *arr.shape[1:]))], axis=0)
        return simulate(rnn, padded)[delay:]
    rows = to_inputs(xs, rnn.d, "symbolic" if rnn.system == "symbolic" else "exact")
    zero = arith(rnn.system).zeros(rnn.d, 1)
    return simulate(rnn, rows + [zero] * delay)[delay:, :]


# ------------------------------------------------------------------------------
# stacked -> delayed single layer
# ------------------------------------------------------------------------------


@dataclass(frozen=True)
class DelayedRNN:
    """A single-layer RNN whose outputs delayed by ``delay`` steps equal a stacked RNN's.

    Attributes
    ----------
    rnn : RNN
        The single-layer RNN (``sum(n_l)`` states, block lower-bidiagonal W).
    delay : int
        ``L - 1``: ``y_rnn(k + delay) = y_stacked(k)``.
    condition : Check
        The exact pre-history condition of :func:`delay_condition`.
    blocks : tuple of int
        Sizes ``(n_1, ..., n_L)`` of the state blocks.
    """

    rnn: RNN
    delay: int
    condition: Check
    blocks: tuple[int, ...] = field(default=())


def _block_state(ar: Any, stacked: StackedRNN, s0: Any) -> list[Any]:
    """Split a single-layer state into per-layer columns (native of the system)."""
    N = sum(stacked.sizes)
    col = to_vector("s0", s0, system=stacked.system)
    col = ar.column(col)
    if ar.shape(col)[0] != N:
        raise ShapeError(f"s0: expected shape ({N},) (sum of the layer sizes) but found ({ar.shape(col)[0]},)")
    vals = entries(col)
    out, start = [], 0
    for n in stacked.sizes:
        out.append(ar.column(to_vector("s0", vals[start : start + n], system=stacked.system)))
        start += n
    return out


def single_layer(stacked: StackedRNN, s0: Any = None) -> RNN:
    ar = arith(stacked.system)
    sizes, L = stacked.sizes, stacked.L
    rows, F_rows = [], []
    for l, rnn in enumerate(stacked._layers, 1):
        row = [ar.zeros(sizes[l - 1], sizes[j]) for j in range(L)]
        row[l - 1] = rnn._W
        if l >= 2:
            row[l - 2] = rnn._F
        rows.append(row)
        F_rows.append([rnn._F if l == 1 else ar.zeros(sizes[l - 1], stacked.d)])
    C = ar.block([[ar.zeros(stacked.p, n) for n in sizes[:-1]] + [stacked._layers[-1]._C]])
    b = ar.block([[ar.column(r._b)] for r in stacked._layers])
    h0 = ar.block([[ar.column(r._h0)] for r in stacked._layers]) if s0 is None else s0
    return RNN(ar.block(rows), ar.block(F_rows), b, C, h0, stacked.activation, system=stacked.system)


def delay_condition(stacked: StackedRNN, s0: Any = None, *, tol: float | None = None) -> Check:
    """Whether ``W_l p_l = W_l h0_l`` for every layer l (p_l: pre-history of the single layer).

    ``p_1 = s_1(-1)`` and ``p_l = s_l(l-2)`` for l >= 2, where ``s`` is the
    single-layer state started at ``s(-1) = s0``; ``p_l`` does not depend on the
    input.  When the condition holds, ``s_l(k) = h_l(k - l + 1)`` for all
    ``k >= l - 1`` and every input sequence (proof: ``proofs/stacked.py``).

    Parameters
    ----------
    stacked : StackedRNN
    s0 : vector-like, optional
        Initial state of the single layer (length ``sum(n_l)``); default: the
        stacked initial states ``[h0_1; ...; h0_L]``.
    tol : float, optional
        float64 networks only: compare ``max |W_l p_l - W_l h0_l| <= tol`` in
        float64 (the result says so).  Without it float64 networks are checked
        exactly as the dyadic rationals they are, which a rounded equilibrium
        usually fails.

    Returns
    -------
    Check
        ``data["layers"]`` lists the failing layers.

    Notes
    -----
    With ``s0`` the stacked initial state the condition holds when every layer
    l >= 2 starts at a fixed point ``h0_l = phi(W_l h0_l + V_l h0_{l-1} + b_l)``.
    For the identity activation the condition is also necessary.

    Examples
    --------
    >>> net = StackedRNN([([[0]], [[1]], [0]), ([["1/2"]], [[1]], [0], [1])], [[1]])
    >>> delay_condition(net).detail
    'W_l p_l != W_l h0_l for layers [2]'
    """
    check_stacked(stacked)
    floating = stacked.system == "float64" and tol is not None
    exact = stacked if stacked.system != "float64" or floating else stacked.to_exact()
    ar = arith(exact.system)
    single = single_layer(exact, None if s0 is None else ar.block([[c] for c in _block_state(ar, exact, s0)]))
    starts = _block_state(ar, exact, single._h0)
    pre = [starts[0]]
    if exact.L >= 2:
        _, hs = simulate(single, [[0] * exact.d] * (exact.L - 1), return_states=True)
        offsets = np.cumsum((0, *exact.sizes))
        for l in range(2, exact.L + 1):
            row = hs.row(l - 2) if isinstance(hs, sympy.MatrixBase) else hs[l - 2]
            pre.append(ar.column(to_vector("p", list(row)[offsets[l - 1] : offsets[l]], system=exact.system)))
    bad = []
    for l, (rnn, p) in enumerate(zip(exact._layers, pre, strict=True), 1):
        lhs, rhs = ar.matmul(rnn._W, p), ar.matmul(rnn._W, ar.column(rnn._h0))
        if not (float(np.max(np.abs(lhs - rhs))) <= float(tol) if floating else ar.equal(lhs, rhs)):  # type: ignore[arg-type]
            bad.append(l)
    how = "exact" if stacked.system != "float64" else "exact (float64 entries as dyadic rationals)"
    how = f"float64 with tol={tol:g}" if floating else how
    method = f"{how}: pre-history p_l of the single layer from s(-1), compared through W_l p_l == W_l h0_l"
    if bad:
        return Check(False, method, f"W_l p_l != W_l h0_l for layers {bad}", {"layers": bad})
    return Check(True, method, f"W_l p_l == W_l h0_l for all {exact.L} layers", {"layers": []})


def to_delayed_single_layer(
    stacked: StackedRNN, *, s0: Any = None, require_condition: bool = True, tol: float | None = None
) -> DelayedRNN:
    """The single-layer RNN ``s(k) = phi(W s(k-1) + F x(k) + b)`` with ``y_s(k + L - 1) = y_stacked(k)``.

    ``W`` is block lower-bidiagonal (diagonal blocks ``W_l``, sub-diagonal
    blocks ``V_l``), ``F = [V_1; 0; ...]``, ``b = [b_1; ...; b_L]``,
    ``C_s = [0, ..., 0, C]`` and ``s(-1) = s0`` (default ``[h0_1; ...; h0_L]``).

    Parameters
    ----------
    stacked : StackedRNN
    s0 : vector-like, optional
        Initial single-layer state; default the stacked initial states.
    require_condition : bool
        Raise :class:`HypothesisNotMetError` when the exact condition of
        :func:`delay_condition` fails (default).  With False the RNN is
        returned anyway and ``condition`` records the failure.
    tol : float, optional
        float64 networks only: tolerance of the condition (see :func:`delay_condition`).

    Returns
    -------
    DelayedRNN
        The RNN, the delay ``L - 1`` and the condition's :class:`Check`.

    Examples
    --------
    >>> net = StackedRNN([([[0]], [[1]], [0]), ([["1/2"]], [[1]], [0], [1])], [[1]])
    >>> to_delayed_single_layer(net)
    Traceback (most recent call last):
    ...
    urnn_sym.errors.HypothesisNotMetError: stacked: the delayed outputs equal the stacked ones only if ...
    """
    check_stacked(stacked)
    ar = arith(stacked.system)
    start = None if s0 is None else ar.block([[c] for c in _block_state(ar, stacked, s0)])
    condition = delay_condition(stacked, s0, tol=tol)
    if require_condition and not condition:
        raise HypothesisNotMetError(
            f"stacked: the delayed outputs equal the stacked ones only if W_l p_l = W_l h0_l for every layer "
            f"(p_l the single layer's pre-history), e.g. when layers 2..L start at a fixed point; "
            f"found {condition.detail}; start from at_equilibrium(stacked) or pass require_condition=False"
        )
    return DelayedRNN(single_layer(stacked, start), stacked.L - 1, condition, stacked.sizes)


# ------------------------------------------------------------------------------
# z3: bounded check of the delayed equivalence
# ------------------------------------------------------------------------------


def _rational_rows(name: str, M: Any) -> list[list[Fraction]]:
    S = as_sympy(M)
    if not all(x.is_Rational for x in S):
        raise UnsupportedError(f"{name}: the z3 check needs rational entries (algebraic ones are not encoded)")
    return [[Fraction(int(x.p), int(x.q)) for x in S.row(i)] for i in range(S.rows)]


def _z3_layer(z3: Any, ctx: Any, rnn: RNN, xs: list[list[Any]]) -> list[list[Any]]:
    """z3 terms (in the context ``ctx``) of the states of ``rnn`` on the z3 inputs ``xs`` (relu or identity).

    Terms, not fresh variables: z3 shares identical sub-terms, so the stacked
    network and its delayed single layer unfold to the same terms.
    """
    W, F = _rational_rows("W", rnn._W), _rational_rows("F", rnn._F)
    b = [r[0] for r in _rational_rows("b", arith(rnn.system).column(rnn._b))]
    h: list[Any] = [z3.Q(q.numerator, q.denominator, ctx) for r in _rational_rows("h0", rnn._h0) for q in r]
    states = []
    for x in xs:
        nxt = []
        for i in range(rnn.n):
            terms = [z3.Q(c.numerator, c.denominator, ctx) * h[j] for j, c in enumerate(W[i]) if c]
            terms += [z3.Q(c.numerator, c.denominator, ctx) * x[j] for j, c in enumerate(F[i]) if c]
            z = z3.Sum([*terms, z3.Q(b[i].numerator, b[i].denominator, ctx)])
            nxt.append(z3.If(z > 0, z, 0) if rnn.activation == "relu" else z)
        states.append(nxt)
        h = nxt
    return states


def check_delayed_equivalence(
    stacked: StackedRNN,
    rnn: RNN,
    *,
    delay: int,
    input_bound: Any,
    horizon: int,
    norm: str = "inf",
    timeout: float = 60.0,
) -> Check:
    """z3 bounded check that ``y_rnn(k + delay) = y_stacked(k)`` for k < horizon and every bounded input.

    Parameters
    ----------
    stacked : StackedRNN
        Rational (or float64, taken as its dyadic rationals) ReLU or identity network.
    rnn : RNN
        Single-layer RNN with the same input and output dimensions.
    delay : int
        The output delay (``L - 1`` for :func:`to_delayed_single_layer`).
    input_bound : number
        ``M``: inputs satisfy ``||x(k)||_norm <= M`` (the padding inputs too).
    horizon : int
        Number T of compared outputs.
    norm : {"inf", "2"}
        Input norm (the 2-norm is a quadratic constraint).
    timeout : float
        Seconds before z3 gives up.

    Returns
    -------
    Check
        holds: z3 found the negated statement unsatisfiable.  Refuted: ``data``
        holds the input (exact rationals, each the simplest rational near z3's
        value that keeps the outputs differing at the same step) and the first
        step where they differ, re-simulated exactly.

    Raises
    ------
    SolverTimeoutError
        z3 answered unknown within ``timeout``.

    Examples
    --------
    >>> net = StackedRNN([([["1/2"]], [[1]], [0]), ([["1/2"]], [[1]], [0])], [[1]])
    >>> single = to_delayed_single_layer(net).rnn
    >>> bool(check_delayed_equivalence(net, single, delay=1, input_bound=1, horizon=3))
    True
    """
    import z3

    from urnn_sym.smt.solver import canonical_inputs, new_solver

    check_stacked(stacked)
    if not isinstance(rnn, RNN):
        raise EntryTypeError(f"rnn: expected an RNN but found {type(rnn).__name__}")
    norm = v.check_norm(norm)
    M = as_fraction(input_bound, name="input_bound")
    v.check_positive("input_bound", M)
    for name, value in (("horizon", horizon), ("delay", delay)):
        if not isinstance(value, int) or value < (1 if name == "horizon" else 0):
            raise InvalidArgumentError(f"{name}: expected an integer >= {int(name == 'horizon')} but found {value!r}")
    if (rnn.d, rnn.p) != (stacked.d, stacked.p):
        raise ShapeError(f"rnn: expected d = {stacked.d}, p = {stacked.p} like stacked but found ({rnn.d}, {rnn.p})")
    for what, act in (("stacked", stacked.activation), ("rnn", rnn.activation)):
        if act not in ("relu", "identity"):
            raise UnsupportedError(f"{what}: the z3 encoding covers relu and identity but found {act!r}")
    if {stacked.system, rnn.system} & {"symbolic"}:
        raise UnsupportedError("the z3 check needs numeric networks; substitute the symbols first")
    ctx = z3.Context()
    solver = new_solver(ctx)
    solver.set("timeout", max(1, int(timeout * 1000)))
    xs = [[z3.Real(f"x_{k}_{i}", ctx) for i in range(stacked.d)] for k in range(horizon + delay)]
    Mz = z3.Q(M.numerator, M.denominator, ctx)
    assumptions: list[Any] = []  # the input set; every other value is a term over the inputs
    for row in xs:
        if norm == "inf":
            assumptions += [z3.And(-Mz <= x, x <= Mz) for x in row]
        else:
            assumptions.append(z3.Sum([x * x for x in row]) <= Mz * Mz)
    solver.add(*assumptions)
    layer_in = xs[:horizon]
    for layer in stacked._layers:
        layer_in = _z3_layer(z3, ctx, layer, layer_in)
    single = _z3_layer(z3, ctx, rnn, xs)
    C_st, C_s = _rational_rows("C", stacked._layers[-1]._C), _rational_rows("C", rnn._C)

    def out(C: list[list[Fraction]], h: list[Any], i: int) -> Any:
        terms = [z3.Q(c.numerator, c.denominator, ctx) * h[j] for j, c in enumerate(C[i]) if c]
        return z3.Sum([*terms, z3.RealVal(0, ctx)])

    differ = [
        out(C_st, layer_in[k], i) != out(C_s, single[k + delay], i) for k in range(horizon) for i in range(stacked.p)
    ]
    solver.add(z3.Or(differ))
    verdict = solver.check()
    method = (
        f"z3 {z3.get_version_string()}: negation of y_rnn(k + {delay}) = y_stacked(k) for k < {horizon}, "
        f"||x(k)||_{norm} <= {M}"
    )
    if verdict == z3.unsat:
        nv = show_nonvacuous(assumptions, free=[x for row in xs for x in row], ctx=ctx)
        if not nv:
            raise SolverTimeoutError(f"z3 said unsat, but the assumptions are not shown non-vacuous: {nv.detail}")
        again = recheck_delayed(
            stacked._layers,
            stacked._layers[-1].to_exact().C,
            rnn,
            delay=delay,
            input_bound=M,
            norm=norm,
            horizon=horizon,
            timeout=timeout,
        )
        if not again:
            if os.environ.get("URNN_SYM_STRICT_RECHECK") and again.detail.startswith("does not hold"):
                raise SoundnessError(f"'proved' ({method}) failed the independent re-check: {again.detail}")
            raise SolverTimeoutError(f"z3 said unsat, but the independent re-check did not confirm it: {again.detail}")
        return Check(
            True,
            method + " is unsatisfiable; its assumptions alone have a model that holds exactly; " + again.method,
            f"proved for horizon {horizon}",
            {"horizon": horizon},
        )
    if verdict == z3.unknown:
        raise SolverTimeoutError(f"z3: unknown within {timeout:g} s ({solver.reason_unknown()}); horizon {horizon}")
    model = solver.model()
    rows = [[_model_fraction(model.eval(x, model_completion=True)) for x in row] for row in xs]
    ex = stacked if stacked.system != "float64" else stacked.to_exact()
    ex_rnn = rnn if rnn.system != "float64" else rnn.to_exact()

    def first_difference(rows: list[list[Fraction]]) -> tuple[int | None, Any, Any]:
        ys_a, ys_b = simulate_stacked(ex, rows[:horizon]), simulate(ex_rnn, rows)[delay:]
        return next((k for k in range(horizon) if list(ys_a[k]) != list(ys_b[k])), None), ys_a, ys_b

    k = first_difference(rows)[0]
    if k is None or not input_within_bound(rows, M, norm):
        raise UnsupportedError("z3 returned a model that exact re-simulation does not confirm; please report")
    rows = canonical_inputs(rows, M, lambda r: input_within_bound(r, M, norm) and first_difference(r)[0] == k)
    _, ys_a, ys_b = first_difference(rows)
    return Check(
        False,
        method + " is satisfiable; the input was re-simulated exactly",
        f"outputs differ at k = {k}: {[str(x) for x in ys_a[k]]} vs {[str(x) for x in ys_b[k]]}",
        {"xs": rows, "time_step": k},
    )


def _model_fraction(value: Any) -> Fraction:
    if hasattr(value, "numerator_as_long"):
        return Fraction(value.numerator_as_long(), value.denominator_as_long())
    raise UnsupportedError(f"z3 model value {value} is not rational (2-norm bound with irrational witness)")
