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
import time
from dataclasses import dataclass, field
from fractions import Fraction
from typing import Any, get_args

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
from urnn_sym.evidence import Check, jsonable
from urnn_sym.model import RNN, simulate, to_inputs
from urnn_sym.numbers.activations import PIECEWISE_LINEAR
from urnn_sym.numbers.arith import arith, entries, to_vector
from urnn_sym.refutation.simulate import input_within_bound
from urnn_sym.stacked.model import StackedRNN, check_stacked, simulate_stacked
from urnn_sym.status import VerdictStatus

__all__ = [
    "DelayedRNN",
    "DelayedVerdict",
    "check_delayed_equivalence",
    "delay_condition",
    "delayed_verdict",
    "simulate_delayed",
    "to_delayed_single_layer",
]


#: The status words of a :class:`DelayedVerdict` (those of :data:`urnn_sym.status.VerdictStatus`).
VERDICT_WORDS: tuple[str, ...] = get_args(VerdictStatus)


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
    v.check_int("delay", delay, low=0)
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
    for l, rnn in enumerate(stacked.layers, 1):
        row = [ar.zeros(sizes[l - 1], sizes[j]) for j in range(L)]
        row[l - 1] = rnn.native("W")
        if l >= 2:
            row[l - 2] = rnn.native("F")
        rows.append(row)
        F_rows.append([rnn.native("F") if l == 1 else ar.zeros(sizes[l - 1], stacked.d)])
    C = ar.block([[ar.zeros(stacked.p, n) for n in sizes[:-1]] + [stacked.layers[-1].native("C")]])
    b = ar.block([[ar.column(r.native("b"))] for r in stacked.layers])
    h0 = ar.block([[ar.column(r.native("h0"))] for r in stacked.layers]) if s0 is None else s0
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
    starts = _block_state(ar, exact, single.native("h0"))
    pre = [starts[0]]
    if exact.L >= 2:
        _, hs = simulate(single, [[0] * exact.d] * (exact.L - 1), return_states=True)
        offsets = np.cumsum((0, *exact.sizes))
        for l in range(2, exact.L + 1):
            row = hs.row(l - 2) if isinstance(hs, sympy.MatrixBase) else hs[l - 2]
            pre.append(ar.column(to_vector("p", list(row)[offsets[l - 1] : offsets[l]], system=exact.system)))
    bad = []
    for l, (rnn, p) in enumerate(zip(exact.layers, pre, strict=True), 1):
        lhs, rhs = ar.matmul(rnn.native("W"), p), ar.matmul(rnn.native("W"), ar.column(rnn.native("h0")))
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


@dataclass(frozen=True)
class DelayedVerdict:
    """Outcome of the bounded check ``y_rnn(k + delay) == y_stacked(k)`` for ``k < horizon`` on bounded inputs.

    Follows :class:`urnn_sym.status.Result`: a status word of
    :data:`urnn_sym.status.VerdictStatus`, what decided it, and a JSON form.

    Attributes
    ----------
    status : {"proved", "refuted", "unknown"}
        "proved" only after z3's unsat, the non-vacuity of its assumptions and
        the independent re-check (:func:`urnn_sym.smt.recheck.recheck_delayed`);
        "refuted" only with an input re-simulated exactly.
    method : str
        The query and what confirmed its answer.
    reason : str
        "proved for horizon T", where the outputs differ, or why it is unknown.
    horizon, delay : int
        Number of compared outputs and the output delay.
    input_bound : Fraction
        M.
    norm : {"inf", "2"}
    data : dict
        ``xs`` (the input, exact rationals) and ``time_step`` when refuted;
        ``nonvacuity`` and ``recheck`` evidence, ``seconds``.
    """

    status: str
    method: str
    reason: str
    horizon: int
    delay: int
    input_bound: Fraction
    norm: str
    data: dict[str, Any] = field(default_factory=dict)

    def __post_init__(self) -> None:
        if self.status not in VERDICT_WORDS:
            raise InvalidArgumentError(f"status: expected one of {', '.join(VERDICT_WORDS)} but found {self.status!r}")
        if self.status == "refuted" and ("xs" not in self.data or "time_step" not in self.data):
            raise InvalidArgumentError("data: a 'refuted' delayed verdict needs the input xs and the time_step")

    def __bool__(self) -> bool:
        return self.status == "proved"

    @property
    def detail(self) -> str:
        """The reason (the name :class:`urnn_sym.evidence.Check` readers use)."""
        return self.reason

    def summary(self) -> str:
        """One human-readable line."""
        return f"{self.status}: {self.reason}"

    def to_json(self) -> dict[str, Any]:
        """A JSON-ready dict (exact numbers as strings)."""
        return {
            "status": self.status,
            "method": self.method,
            "reason": self.reason,
            "horizon": self.horizon,
            "delay": self.delay,
            "input_bound": str(self.input_bound),
            "norm": self.norm,
            "data": jsonable(self.data),
        }


def _unrolled(un: Any, net: Any, drive: list[Any]) -> list[Any]:
    """The state forms of the network rows ``net`` driven by the forms ``drive`` (one list per step)."""
    from urnn_sym.smt.solver import is_zero  # lazy, like every z3 import of this module

    h = [{None: v} if not is_zero(v) else {} for v in net.h0]
    states = []
    for x in drive:
        h = un.step(net, h, x, None)
        states.append(h)
    return states


def delayed_verdict(
    stacked: StackedRNN,
    rnn: RNN,
    *,
    delay: int,
    input_bound: Any,
    horizon: int,
    norm: str = "inf",
    timeout: float = 60.0,
    rlimit: int | None = None,
) -> DelayedVerdict:
    """Decide ``y_rnn(k + delay) = y_stacked(k)`` for k < horizon and every bounded input, with z3.

    Both networks are unrolled by the SMT wing's shared encoder
    (:class:`urnn_sym.smt.unrolling.Unroller`: one set of input variables,
    ReLUs shared between the layers and the single layer), and the negated
    claim is discharged by :func:`urnn_sym.smt.unrolling.discharge_goal`, which
    trusts an unsat only with a model of the assumptions that holds exactly.

    Parameters
    ----------
    stacked : StackedRNN
        Numeric ReLU or identity network (float64 entries are taken as their
        dyadic rationals).
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
        Seconds for every solver call together, the re-check included.
    rlimit : int, optional
        z3's resource limit per call (default :data:`urnn_sym.smt.solver.DEFAULT_RLIMIT`).

    Returns
    -------
    DelayedVerdict
        "proved" only after the non-vacuity and the independent re-check,
        "refuted" with an exactly re-simulated canonical input (each entry the
        simplest rational near z3's value that keeps the outputs differing at
        the same step), else "unknown" with the reason.

    Examples
    --------
    >>> net = StackedRNN([([["1/2"]], [[1]], [0]), ([["1/2"]], [[1]], [0])], [[1]])
    >>> single = to_delayed_single_layer(net).rnn
    >>> delayed_verdict(net, single, delay=1, input_bound=1, horizon=3).summary()
    'proved: proved for horizon 3'
    """
    import z3

    from urnn_sym.smt.recheck import SoundnessError, recheck_delayed
    from urnn_sym.smt.solver import DEFAULT_RLIMIT, Budget, Z3Numbers, canonical_inputs, model_fraction
    from urnn_sym.smt.unrolling import Net, Unroller, combine, discharge_goal, output_forms

    check_stacked(stacked)
    if not isinstance(rnn, RNN):
        raise EntryTypeError(f"rnn: expected an RNN but found {type(rnn).__name__}")
    norm = v.check_norm(norm)
    M = v.check_input_bound(input_bound)
    horizon = v.check_int("horizon", horizon, low=1)
    delay = v.check_int("delay", delay, low=0)
    budget = Budget(v.check_timeout(timeout), DEFAULT_RLIMIT if rlimit is None else v.check_int("rlimit", rlimit, 1))
    if (rnn.d, rnn.p) != (stacked.d, stacked.p):
        raise ShapeError(f"rnn: expected d = {stacked.d}, p = {stacked.p} like stacked but found ({rnn.d}, {rnn.p})")
    for what, act in (("stacked", stacked.activation), ("rnn", rnn.activation)):
        if act not in PIECEWISE_LINEAR:
            raise UnsupportedError(f"{what}: the z3 encoding covers relu and identity but found {act!r}")
    if {stacked.system, rnn.system} & {"symbolic"}:
        raise UnsupportedError("the z3 check needs numeric networks; substitute the symbols first")
    start = time.monotonic()
    nums = Z3Numbers(z3.Context())
    un = Unroller(M, norm, stacked.d, nums)
    inputs = [un.inputs(k) for k in range(horizon + delay)]
    drive = inputs[:horizon]
    for layer in stacked.layers:
        top = Net.of(layer)
        drive = _unrolled(un, top, drive)
    single = Net.of(rnn)
    states = _unrolled(un, single, inputs)
    diffs = [
        f
        for k in range(horizon)
        for ya, yb in zip(output_forms(top, drive[k]), output_forms(single, states[k + delay]), strict=True)
        if (f := combine([(Fraction(1), ya), (Fraction(-1), yb)]))
    ]
    goal = z3.Or([un.term(f) != 0 for f in diffs]) if diffs else z3.BoolVal(False, nums.ctx)
    status, detail, data, solver = discharge_goal(
        nums,
        [*nums.side, *un.assumptions],
        goal,
        budget,
        free=un.free,
        defined=un.defined,
        hints=[x == 0 for x in un.free],  # 0 is in every input set: the model search is then propagation
    )
    data.pop("smtlib", None)
    method = (
        f"z3 {z3.get_version_string()}: negation of y_rnn(k + {delay}) = y_stacked(k) for k < {horizon}, "
        f"||x(k)||_{norm} <= {M} (shared unrolling, {un.atoms} ReLU atoms, {len(diffs)} output differences)"
    )
    common: dict[str, Any] = {"horizon": horizon, "delay": delay, "input_bound": M, "norm": norm}

    def done(status: str, method: str, reason: str, **extra: Any) -> DelayedVerdict:
        seconds = round(time.monotonic() - start, 4)
        return DelayedVerdict(status, method, reason, data={**data, **extra, "seconds": seconds}, **common)

    if status == "unknown":
        return done("unknown", method, f"z3: {detail}; horizon {horizon}")
    if status == "proved":
        again = recheck_delayed(
            stacked.layers,
            stacked.layers[-1].to_exact().C,
            rnn,
            delay=delay,
            input_bound=M,
            norm=norm,
            horizon=horizon,
            timeout=max(budget.deadline - time.monotonic(), 0.001),
        )
        if not again:
            if os.environ.get("URNN_SYM_STRICT_RECHECK") and again.detail.startswith("does not hold"):
                raise SoundnessError(f"'proved' ({method}) failed the independent re-check: {again.detail}")
            why = f"z3 said unsat, but the independent re-check did not confirm it: {again.detail}"
            return done("unknown", method, why, recheck=again.to_json())
        method += " is unsatisfiable; its assumptions alone have a model that holds exactly; " + again.method
        return done("proved", method, f"proved for horizon {horizon}", horizon=horizon, recheck=again.to_json())
    model = solver.model()
    rows = [[model_fraction(model, un.vars[("x", k, j)], M) for j in range(stacked.d)] for k in range(len(inputs))]
    ex = stacked if stacked.system != "float64" else stacked.to_exact()
    ex_rnn = rnn if rnn.system != "float64" else rnn.to_exact()

    def first_difference(rows: list[list[Fraction]]) -> tuple[int | None, Any, Any]:
        ys_a, ys_b = simulate_stacked(ex, rows[:horizon]), simulate(ex_rnn, rows)[delay:]
        return next((k for k in range(horizon) if list(ys_a[k]) != list(ys_b[k])), None), ys_a, ys_b

    k = first_difference(rows)[0]
    if k is None or not input_within_bound(rows, M, norm):
        return done("unknown", method, "z3 returned a model that exact re-simulation does not confirm")
    rows = canonical_inputs(rows, M, lambda r: input_within_bound(r, M, norm) and first_difference(r)[0] == k)
    _, ys_a, ys_b = first_difference(rows)
    return done(
        "refuted",
        method + " is satisfiable; the input was re-simulated exactly",
        f"outputs differ at k = {k}: {[str(x) for x in ys_a[k]]} vs {[str(x) for x in ys_b[k]]}",
        xs=rows,
        time_step=k,
    )


def check_delayed_equivalence(
    stacked: StackedRNN,
    rnn: RNN,
    *,
    delay: int,
    input_bound: Any,
    horizon: int,
    norm: str = "inf",
    timeout: float = 60.0,
) -> DelayedVerdict:
    """:func:`delayed_verdict`, raising :class:`SolverTimeoutError` instead of returning "unknown".

    Parameters
    ----------
    stacked : StackedRNN
        Numeric ReLU or identity network.
    rnn : RNN
        Single-layer RNN with the same input and output dimensions.
    delay : int
        The output delay (``L - 1`` for :func:`to_delayed_single_layer`).
    input_bound : number
        ``M``: inputs satisfy ``||x(k)||_norm <= M`` (the padding inputs too).
    horizon : int
        Number T of compared outputs.
    norm : {"inf", "2"}
        Input norm.
    timeout : float
        Seconds for every solver call together.

    Returns
    -------
    DelayedVerdict
        "proved" (truthy) or "refuted" (``data`` holds ``xs`` and ``time_step``).

    Raises
    ------
    SolverTimeoutError
        z3 gave up, or its unsat was not shown non-vacuous, or the independent
        re-check did not confirm it.

    Examples
    --------
    >>> net = StackedRNN([([["1/2"]], [[1]], [0]), ([["1/2"]], [[1]], [0])], [[1]])
    >>> single = to_delayed_single_layer(net).rnn
    >>> bool(check_delayed_equivalence(net, single, delay=1, input_bound=1, horizon=3))
    True
    """
    verdict = delayed_verdict(
        stacked, rnn, delay=delay, input_bound=input_bound, horizon=horizon, norm=norm, timeout=timeout
    )
    if verdict.status == "unknown":
        raise SolverTimeoutError(verdict.reason)
    return verdict
