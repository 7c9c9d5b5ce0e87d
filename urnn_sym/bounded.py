"""The bounded equivalence check: outputs agree for ``k < T`` on every input in X_M.

:func:`check_equivalence` (math.md section 1) unrolls both ReLU (or identity)
networks over exact rationals.  ``encoding="shared"`` builds one unrolling with
shared ReLU atoms (:mod:`urnn_sym.unrolling`): a step whose output difference is
identically zero as a linear form is proved by that exact identity, every other
step by one incremental z3 query.  For a Theorem 1 pair it
first proves by induction (:mod:`urnn_sym.induction`) that the extra states stay
0, so the pair collapses to one copy of the RNN.  ``encoding="naive"`` unrolls
both networks side by side with one query (the baseline).  A ``sat`` model is
converted to exact rationals, each input is replaced by the simplest rational
near it that keeps the difference at the same step, and the result is
re-simulated exactly (:func:`urnn_sym.refutation.certify`) before ``refuted`` is
reported.  Each call builds its z3 terms in a fresh ``z3.Context`` and its
solvers have fixed seeds, so the same check gives the same counterexample in
any process, after any other z3 work.
"""

from __future__ import annotations

import time
from fractions import Fraction
from typing import Any

import z3

from .errors import InvalidArgumentError, SolverTimeoutError
from .induction import _induction
from .invariants import _shape
from .model import RNN
from .refutation import Refutation, certify
from .unrolling import (
    DEFAULT_RLIMIT,
    _Budget,
    _canonical_inputs,
    _check_pair,
    _check_timeout,
    _combine,
    _is_zero,
    _model_fraction,
    _Net,
    _outputs,
    _solver,
    _Unroller,
    _Z3Numbers,
)
from .verdict import Obligation, Verdict

__all__ = ["check_equivalence", "distinguishing_input_smt"]

# (status, method, reason, refutation, obligations, data) of one bounded run
_Outcome = tuple[str, str, str, Refutation | None, list[Obligation], dict[str, Any]]
# per-state intervals of a and of b (None: unknown), the invariant and its obligations
_Known = tuple[tuple[list[Any] | None, list[Any] | None], dict[str, Any], list[Obligation]]


def _known_zero(a: _Net, b: _Net, M: Fraction, norm: str, budget: _Budget) -> _Known | None:
    """Per-state invariant intervals of b (its extra states are 0) from a Theorem 1 induction, if it succeeds."""
    for first, second, flip in ((a, b, False), (b, a, True)):
        shape = _shape(first, second)
        if isinstance(shape, str):
            continue
        cert, obl, _ = _induction(first, second, shape, M, norm, "auto", "certificate", budget)
        if cert is None:
            continue
        zero = (Fraction(0), Fraction(0))
        known = [zero if j in shape.extra else None for j in range(second.n)]
        return (None, known) if not flip else (known, None), cert, obl
    return None


def check_equivalence(
    a: RNN,
    b: RNN,
    *,
    input_bound: Any,
    norm: str = "inf",
    horizon: int,
    timeout: float = 60.0,
    rlimit: int = DEFAULT_RLIMIT,
    encoding: str = "shared",
    use_invariant: bool = True,
) -> Verdict:
    """Decide ``y_a(k) == y_b(k)`` for ``k < horizon`` and every input with ``||x(k)||_norm <= M``.

    Parameters
    ----------
    a, b : RNN
        ReLU or identity networks with the same d and p (any state sizes).
    input_bound : number
        M > 0 (a float is taken as its exact dyadic value).
    norm : {"inf", "2"}
        Input norm; "2" with d > 1 adds the quadratic constraint
        ``sum x_j^2 <= M^2`` (nonlinear arithmetic).
    horizon : int
        T >= 1.
    timeout : float
        Seconds for all solver calls together.
    rlimit : int
        z3's resource limit per solver call (a deterministic bound on its work).
    encoding : {"shared", "naive"}
        "shared": one unrolling with shared ReLUs and one incremental query per
        step; "naive": both networks side by side, one query (the baseline).
    use_invariant : bool
        For a Theorem 1 pair, first prove by induction that the extra states
        stay 0 (exact certificate) and use it to share the top block.

    Returns
    -------
    Verdict
        ``kind == "bounded"``: "proved", "refuted" (exactly re-simulated) or "unknown".
    """
    M, norm = _check_pair(a, b, input_bound, norm)
    if isinstance(horizon, bool) or not isinstance(horizon, int) or horizon < 1:
        raise InvalidArgumentError(f"horizon: expected an integer >= 1 but found {horizon!r}")
    if encoding not in ("shared", "naive"):
        raise InvalidArgumentError(f"encoding: expected 'shared' or 'naive' but found {encoding!r}")
    budget = _Budget(_check_timeout(timeout), rlimit)
    start = time.monotonic()
    na, nb = _Net.of(a), _Net.of(b)
    if encoding == "naive":
        outcome = _naive(a, b, na, nb, M, norm, horizon, budget)
    else:
        known = _known_zero(na, nb, M, norm, budget) if use_invariant and na.relu and nb.relu else None
        outcome = _shared(a, b, na, nb, M, norm, horizon, budget, known)
    status, method, reason, ref, obl, extra = outcome
    data = {"seconds": round(time.monotonic() - start, 4), "queries": budget.queries, **extra}
    return Verdict(
        status,
        "bounded",
        method,
        reason=reason,
        horizon=horizon,
        input_bound=M,
        norm=norm,
        refutation=ref,
        obligations=obl,
        data=data,
        a=a,
        b=b,
    )


def _refute(
    a: RNN, b: RNN, model: Any, xvars: list[list[Any]], M: Fraction, norm: str, method: str
) -> Refutation | None:
    """The model's inputs as a canonical, exactly re-simulated counterexample (None if it does not re-validate)."""
    xs = [[_model_fraction(model, v, M) for v in row] for row in xvars]
    found = certify(a, b, xs, input_bound=M, norm=norm, method=method)
    if found is None:
        return None

    def keeps(rows: list[list[Fraction]]) -> bool:
        again = certify(a, b, rows, input_bound=M, norm=norm, method=method)
        return again is not None and again.time_step == found.time_step

    return certify(a, b, _canonical_inputs(xs, M, keeps), input_bound=M, norm=norm, method=method)


def _shared(
    a: RNN,
    b: RNN,
    na: _Net,
    nb: _Net,
    M: Fraction,
    norm: str,
    horizon: int,
    budget: _Budget,
    known: _Known | None,
) -> _Outcome:
    nums = _Z3Numbers(z3.Context())
    un = _Unroller(M, norm, len(na.F[0]), nums)
    s = _solver(nums.ctx)
    s.add(*nums.side)
    ka, kb = known[0] if known else (None, None)
    obl = known[2] if known else []
    ha = [{None: v} if not _is_zero(v) else {} for v in na.h0]
    hb = [{None: v} if not _is_zero(v) else {} for v in nb.h0]
    xvars: list[list[Any]] = []
    steps = []
    method = "shared unrolling (relu(c z) = c relu(z) reused; provably inactive ReLUs are 0)"
    if known:
        method += f"; extra states 0 by a {known[1]['kind']} invariant (exact certificate)"
    for k in range(horizon):
        x = un.inputs(k)
        xvars.append([un.vars[("x", k, j)] for j in range(un.d)])
        ha, hb = un.step(na, ha, x, ka), un.step(nb, hb, x, kb)
        diffs = [
            _combine([(Fraction(1), ya), (Fraction(-1), yb)])
            for ya, yb in zip(_outputs(na, ha), _outputs(nb, hb), strict=True)
        ]
        s.add(*un.constraints)
        un.constraints = []
        if all(not f for f in diffs):
            steps.append("identity")
            continue
        s.push()
        s.add(z3.Or([un.term(f) != 0 for f in diffs if f]))
        result, reason = budget.check(s)
        if result == "sat":
            ref = _refute(a, b, s.model(), xvars, M, norm, f"z3 bounded check ({method}), step {k}")
            if ref is None:
                return (
                    "unknown",
                    method,
                    f"the z3 model at step {k} did not re-validate by exact simulation",
                    None,
                    obl,
                    {"steps": steps},
                )
            return "refuted", method, ref.reason, ref, obl, {"steps": steps, "atoms": un.atoms}
        s.pop()
        if result == "unknown":
            return (
                "unknown",
                method,
                f"z3 gave up at step {k}: {reason}",
                None,
                obl,
                {"steps": steps, "atoms": un.atoms},
            )
        s.add(z3.And([un.term(f) == 0 for f in diffs if f]))
        steps.append("z3 unsat")
    n_id, n_q = steps.count("identity"), steps.count("z3 unsat")
    proof = f"{method}: {n_id} steps by exact identity of the shared forms, {n_q} by unsat z3 queries"
    return "proved", proof, "", None, obl, {"steps": steps, "atoms": un.atoms}


def _naive(a: RNN, b: RNN, na: _Net, nb: _Net, M: Fraction, norm: str, horizon: int, budget: _Budget) -> _Outcome:
    nums = _Z3Numbers(z3.Context())
    d = len(na.F[0])
    s = _solver(nums.ctx)
    s.add(*nums.side)
    xvars = [[z3.Real(f"x_{k}_{j}", nums.ctx) for j in range(d)] for k in range(horizon)]
    for row in xvars:
        s.add(*(v >= -M for v in row), *(v <= M for v in row))
        if norm == "2" and d > 1:
            s.add(z3.Sum([v * v for v in row]) <= M * M)
    diffs = []
    outs = []
    for tag, net in (("a", na), ("b", nb)):
        h = [nums.term(v) for v in net.h0]
        ys = []
        for k in range(horizon):
            new = []
            for i in range(net.n):
                z = z3.Sum(
                    [nums.term(net.W[i][j]) * h[j] for j in range(net.n)]
                    + [nums.term(net.F[i][j]) * xvars[k][j] for j in range(d)]
                    + [nums.term(net.b[i])]
                )
                v = z3.Real(f"{tag}_{k}_{i}", nums.ctx)
                s.add(v == (z3.If(z > 0, z, 0) if net.relu else z))
                new.append(v)
            h = new
            ys.append([z3.Sum([nums.term(net.C[r][j]) * h[j] for j in range(net.n)]) for r in range(len(net.C))])
        outs.append(ys)
    for ya, yb in zip(*outs, strict=True):
        diffs += [u != v for u, v in zip(ya, yb, strict=True)]
    s.add(z3.Or(diffs))
    method = "naive: both networks unrolled side by side, one z3 query"
    result, reason = budget.check(s)
    if result == "sat":
        ref = _refute(a, b, s.model(), xvars, M, norm, f"z3 bounded check ({method})")
        if ref is None:
            return "unknown", method, "the z3 model did not re-validate by exact simulation", None, [], {}
        return "refuted", method, ref.reason, ref, [], {}
    if result == "unknown":
        return "unknown", method, f"z3 gave up: {reason}", None, [], {}
    return "proved", method + " (unsat)", "", None, [], {}


def distinguishing_input_smt(
    rnn: RNN, candidate: RNN, *, input_bound: Any, norm: str = "inf", horizon: int = 3, timeout: float = 20.0
) -> Refutation | None:
    """A distinguishing input of length <= horizon found by z3 (re-simulated exactly), or None if none exists.

    The hook of :func:`urnn_sym.distinguish.distinguishing_input`.

    Parameters
    ----------
    rnn, candidate : RNN
        ReLU or identity networks with the same d and p.
    input_bound : number
        M > 0.
    norm : {"inf", "2"}
        Input norm.
    horizon : int
        Longest input searched.
    timeout : float
        Seconds for all solver calls.

    Raises
    ------
    SolverTimeoutError
        When z3 cannot decide within ``timeout`` (the caller records it and tries
        other routes).
    """
    v = check_equivalence(rnn, candidate, input_bound=input_bound, norm=norm, horizon=horizon, timeout=timeout)
    if v.status == "unknown":
        raise SolverTimeoutError(f"z3 bounded search (horizon {horizon}): {v.reason}")
    return v.refutation
