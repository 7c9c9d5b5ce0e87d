"""The bounded equivalence check: outputs agree for ``k < T`` on every input in X_M.

:func:`check_equivalence` (math.md section 1) unrolls both ReLU (or identity)
networks over exact rationals.  ``encoding="shared"`` builds one unrolling with
shared ReLU atoms (:mod:`urnn_sym.smt.unrolling`): a step whose output difference is
identically zero as a linear form is proved by that exact identity, every other
step by one incremental z3 query.  For a Theorem 1 pair it
first proves by induction (:mod:`urnn_sym.smt.induction`) that the extra states stay
0, so the pair collapses to one copy of the RNN.  ``encoding="naive"`` unrolls
both networks side by side with one query (the baseline).  A ``sat`` model is
converted to exact rationals, each input is replaced by the simplest rational
near it that keeps the difference at the same step, and the result is
re-simulated exactly (:func:`urnn_sym.refutation.document.certify`) before ``refuted`` is
reported.  Each call builds its z3 terms in a fresh ``z3.Context`` and its
solvers have fixed seeds, so the same check gives the same counterexample in
any process, after any other z3 work.
"""

from __future__ import annotations

import time
from fractions import Fraction
from typing import Any

import z3

from urnn_sym.errors import InvalidArgumentError
from urnn_sym.model import RNN
from urnn_sym.refutation.document import Refutation, certify, inconclusive
from urnn_sym.smt.induction import induction_certificate
from urnn_sym.smt.invariants import shape_of
from urnn_sym.smt.recheck import confirm
from urnn_sym.smt.solver import (
    DEFAULT_RLIMIT,
    Budget,
    Z3Numbers,
    canonical_inputs,
    is_zero,
    model_fraction,
    new_solver,
    z3_sum,
)
from urnn_sym.smt.unrolling import (
    Net,
    Unroller,
    check_z3_pair,
    combine,
    discharge_goal,
    output_forms,
    smtlib_text,
)
from urnn_sym.smt.vacuity import show_nonvacuous
from urnn_sym.status import VerdictStatus
from urnn_sym.validation import check_int, check_timeout
from urnn_sym.verdict import Obligation, Verdict

__all__ = ["check_equivalence", "distinguishing_input_smt"]

# (status, method, reason, refutation, obligations, data) of one bounded run
_Outcome = tuple[VerdictStatus, str, str, Refutation | None, list[Obligation], dict[str, Any]]
# per-state intervals of a and of b (None: unknown), the invariant and its obligations
_Known = tuple[tuple[list[Any] | None, list[Any] | None], dict[str, Any], list[Obligation]]


def _known_zero(a: Net, b: Net, M: Fraction, norm: str, budget: Budget) -> _Known | None:
    """Per-state invariant intervals of b (its extra states are 0) from a Theorem 1 induction, if it succeeds."""
    for first, second, flip in ((a, b, False), (b, a, True)):
        shape = shape_of(first, second)
        if isinstance(shape, str):
            continue
        cert, obl, _ = induction_certificate(first, second, shape, M, norm, "auto", "certificate", budget)
        if cert is None:
            continue
        zero = (Fraction(0), Fraction(0))
        known = [zero if j in shape.extra else None for j in range(second.n)]
        cert["rnn"] = "b" if flip else "a"  # the network whose state the invariant bounds
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
    M, norm = check_z3_pair(a, b, input_bound, norm)
    check_int("horizon", horizon, low=1)
    if encoding not in ("shared", "naive"):
        raise InvalidArgumentError(f"encoding: expected 'shared' or 'naive' but found {encoding!r}")
    budget = Budget(check_timeout(timeout), rlimit)
    start = time.monotonic()
    na, nb = Net.of(a), Net.of(b)
    known = None
    if encoding == "naive":
        outcome = _naive(a, b, na, nb, M, norm, horizon, budget)
    else:
        known = _known_zero(na, nb, M, norm, budget) if use_invariant and na.relu and nb.relu else None
        outcome = _shared(a, b, na, nb, M, norm, horizon, budget, known)
    status, method, reason, ref, obl, extra = outcome
    data = {"seconds": round(time.monotonic() - start, 4), "queries": budget.queries, **extra}
    invariant = known[1] if encoding == "shared" and known and status == "proved" else None
    if status == "proved" and invariant is None:
        data["shape"] = _recorded_shape(na, nb)
    verdict = Verdict(
        status,
        "bounded",
        method,
        reason=reason,
        horizon=horizon,
        input_bound=M,
        norm=norm,
        refutation=ref,
        obligations=obl,
        invariant=invariant,
        data=data,
        a=a,
        b=b,
    )
    return confirm(verdict, timeout=budget.deadline - time.monotonic())


def _recorded_shape(na: Net, nb: Net) -> dict[str, Any] | None:
    """The Theorem 1 shape of the pair, if any, for the re-checker's finite-horizon route."""
    for first, second, tag in ((na, nb, "a"), (nb, na, "b")):
        shape = shape_of(first, second)
        if not isinstance(shape, str):
            return {"perm": list(shape.perm), "extra": list(shape.extra), "rnn": tag}
    return None


def _refute(
    a: RNN, b: RNN, model: Any, xvars: list[list[Any]], M: Fraction, norm: str, method: str
) -> Refutation | None:
    """The model's inputs as a canonical, exactly re-simulated counterexample (None if it does not re-validate)."""
    xs = [[model_fraction(model, v, M) for v in row] for row in xvars]
    found = certify(a, b, xs, input_bound=M, norm=norm, method=method)
    if found is None:
        return None

    def keeps(rows: list[list[Fraction]]) -> bool:
        again = certify(a, b, rows, input_bound=M, norm=norm, method=method)
        return again is not None and again.time_step == found.time_step

    return certify(a, b, canonical_inputs(xs, M, keeps), input_bound=M, norm=norm, method=method)


def _shared(
    a: RNN,
    b: RNN,
    na: Net,
    nb: Net,
    M: Fraction,
    norm: str,
    horizon: int,
    budget: Budget,
    known: _Known | None,
) -> _Outcome:
    nums = Z3Numbers(z3.Context())
    un = Unroller(M, norm, len(na.F[0]), nums)
    s = new_solver(nums.ctx)
    sides = 0  # how many of nums.side the solver has: square roots appear while unrolling
    ka, kb = known[0] if known else (None, None)
    obl = known[2] if known else []
    ha = [{None: v} if not is_zero(v) else {} for v in na.h0]
    hb = [{None: v} if not is_zero(v) else {} for v in nb.h0]
    xvars: list[list[Any]] = []
    steps: list[str] = []
    method = "shared unrolling (relu(c z) = c relu(z) reused; provably inactive ReLUs are 0)"
    if known:
        method += f"; extra states 0 by a {known[1]['kind']} invariant (exact certificate)"
    goals: list[Any] = []
    for k in range(horizon):
        if budget.expired():
            return "unknown", method, f"time budget exhausted while encoding step {k}", None, obl, {"steps": steps}
        x = un.inputs(k)
        xvars.append([un.vars[("x", k, j)] for j in range(un.d)])
        ha, hb = un.step(na, ha, x, ka), un.step(nb, hb, x, kb)
        diffs = [
            combine([(Fraction(1), ya), (Fraction(-1), yb)])
            for ya, yb in zip(output_forms(na, ha), output_forms(nb, hb), strict=True)
        ]
        differ = z3.Or([un.term(f) != 0 for f in diffs if f]) if any(diffs) else None
        s.add(*nums.side[sides:], *un.constraints)  # after the terms: they may introduce square roots
        sides, un.constraints = len(nums.side), []
        if differ is None:
            steps.append("identity")
            continue
        goals.append(differ)
        s.push()
        s.add(differ)
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
    data: dict[str, Any] = {"steps": steps, "atoms": un.atoms}
    if goals:
        whole = _whole_claim(nums, un.assumptions, goals, un.free, un.defined, budget)
        if whole.status != "proved":
            return "unknown", method, f"the unsat answers are not trusted: {whole.detail}", None, obl, data
        obl = [*obl, whole]
    return "proved", proof, "", None, obl, data


def _whole_claim(
    nums: Z3Numbers,
    assumptions: list[Any],
    goals: list[Any],
    free: list[Any],
    defined: list[tuple[Any, Any]],
    budget: Budget,
) -> Obligation:
    """The bounded claim as one obligation: its SMT-LIB2 text and the non-vacuity of its assumptions.

    The steps were decided by incremental queries whose assumptions are all
    contained in ``assumptions``; one model of those, re-checked exactly,
    shows every one of them non-vacuous.
    """
    data: dict[str, Any] = {"smtlib": smtlib_text(nums, [*nums.side, *assumptions, z3.Or(goals)])}
    nv = show_nonvacuous(
        [*nums.side, *assumptions], free=free, roots=nums.roots, defined=defined, ctx=nums.ctx, check=budget.check
    )
    data["nonvacuity"] = nv.to_json()
    detail = "assumptions non-vacuous: " + nv.detail if nv else f"vacuous assumptions? {nv.detail}"
    return _outputs_equal(
        "proved" if nv else "unknown", "z3 queries (unsat) on the negation, one per step", detail, data
    )


def _outputs_equal(status: VerdictStatus, method: str, detail: str, data: dict[str, Any]) -> Obligation:
    """The obligation of a bounded proof: the outputs agree at every step before the horizon."""
    return Obligation(
        "outputs-equal", "y_a(k) == y_b(k) for every k < T and every input in X_M", status, method, detail, data
    )


def _naive(a: RNN, b: RNN, na: Net, nb: Net, M: Fraction, norm: str, horizon: int, budget: Budget) -> _Outcome:
    nums = Z3Numbers(z3.Context())
    d = len(na.F[0])
    xvars = [[nums.var(f"x_{k}_{j}") for j in range(d)] for k in range(horizon)]
    assumptions: list[Any] = []
    defined: list[tuple[Any, Any]] = []
    for row in xvars:
        assumptions += [*(v >= -M for v in row), *(v <= M for v in row)]
        if norm == "2" and d > 1:
            assumptions.append(z3_sum([v * v for v in row], nums.ctx) <= M * M)
    diffs = []
    outs = []
    for tag, net in (("a", na), ("b", nb)):
        h = [nums.term(v) for v in net.h0]
        ys = []
        for k in range(horizon):
            new = []
            for i in range(net.n):
                z = z3_sum(
                    [nums.term(net.W[i][j]) * h[j] for j in range(net.n)]
                    + [nums.term(net.F[i][j]) * xvars[k][j] for j in range(d)]
                    + [nums.term(net.b[i])],
                    nums.ctx,
                )
                v = nums.var(f"{tag}_{k}_{i}")
                value = z3.If(z > 0, z, 0) if net.relu else z
                defined.append((v, value))
                assumptions.append(v == value)
                new.append(v)
            h = new
            ys.append(
                [z3_sum([nums.term(net.C[r][j]) * h[j] for j in range(net.n)], nums.ctx) for r in range(len(net.C))]
            )
        outs.append(ys)
    for ya, yb in zip(*outs, strict=True):
        diffs += [u != v for u, v in zip(ya, yb, strict=True)]
    method = "naive: both networks unrolled side by side, one z3 query"
    status, detail, qdata, s = discharge_goal(
        nums, [*nums.side, *assumptions], z3.Or(diffs), budget, free=[v for row in xvars for v in row], defined=defined
    )
    if status == "refuted":
        ref = _refute(a, b, s.model(), xvars, M, norm, f"z3 bounded check ({method})")
        if ref is None:
            return "unknown", method, "the z3 model did not re-validate by exact simulation", None, [], {}
        return "refuted", method, ref.reason, ref, [], {}
    if status == "unknown":
        return "unknown", method, f"z3 gave up or the unsat is not trusted: {detail}", None, [], {}
    whole = _outputs_equal("proved", "z3 query (unsat) on the negation", detail, qdata)
    return "proved", method + " (unsat)", "", None, [whole], {}


def distinguishing_input_smt(
    rnn: RNN, candidate: RNN, *, input_bound: Any, norm: str = "inf", horizon: int = 3, timeout: float = 20.0
) -> Refutation | None:
    """A distinguishing input of length <= horizon found by z3 (re-simulated exactly), or None if none exists.

    When z3 cannot decide, the answer is an "inconclusive" refutation with the reason.

    The hook of :func:`urnn_sym.refute.distinguish.distinguishing_input`.

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

    Returns
    -------
    Refutation or None
        "refuted" (re-simulated exactly), "inconclusive" when z3 could not decide
        within ``timeout`` (the reason says why), or None when no input of length
        <= horizon distinguishes the networks.
    """
    v = check_equivalence(rnn, candidate, input_bound=input_bound, norm=norm, horizon=horizon, timeout=timeout)
    if v.status == "unknown":
        return inconclusive(
            f"z3 bounded search (horizon {horizon}): {v.reason}",
            method=f"z3 bounded search (horizon {horizon})",
            input_bound=input_bound,
            norm=norm,
            rnn=rnn,
            candidate=candidate,
        )
    return v.refutation
