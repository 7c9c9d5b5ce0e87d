"""The inductive proof of equivalence for every horizon (Theorem 1 pairs).

:func:`prove_equivalence` proves ``G(x, rnn) == G(x, urnn)`` at every time step
for every input with ``||x(k)|| <= M`` (math.md section 2).  The pair must have
the Theorem 1 shape (:func:`urnn_sym.smt.invariants.match_theorem1_shape`); then an
invariant S (a ball, then a box, from :mod:`urnn_sym.smt.invariants`) is tried and
its one-step obligations are discharged by exact certificates or, when those do
not suffice or when asked, by z3 queries on their negation (built in a fresh
``z3.Context``, with fixed solver seeds).  Every obligation in the verdict says
what discharged it; the time a query took is in the obligation's ``data``, never
in its text.
"""

from __future__ import annotations

import time
from collections.abc import Sequence
from fractions import Fraction
from typing import Any, TypedDict

import z3

from urnn_sym.errors import InvalidArgumentError
from urnn_sym.model import RNN
from urnn_sym.numbers.arith import as_fraction
from urnn_sym.smt.invariants import Shape, ball_certificate, check_ball, check_box, find_box, shape_of
from urnn_sym.smt.recheck import confirm
from urnn_sym.smt.solver import DEFAULT_RLIMIT, Budget, Z3Numbers, z3_sum
from urnn_sym.smt.unrolling import Net, check_z3_pair, discharge_goal
from urnn_sym.validation import check_timeout
from urnn_sym.verdict import Obligation, Verdict

__all__ = ["prove_equivalence"]


class _Scope(TypedDict):
    """The fields shared by every verdict of :func:`prove_equivalence`."""

    kind: str
    input_bound: Fraction
    norm: str
    a: RNN
    b: RNN


def _z3_obligations(
    a: Net, b: Net, shape: Shape, M: Fraction, norm: str, cert: dict[str, Any], budget: Budget
) -> list[Obligation]:
    """Discharge invariance and extra-off by z3 queries (box: linear; ball: nonlinear)."""
    nums = Z3Numbers(z3.Context())
    d = len(a.F[0])
    h = [nums.var(f"h_{i}") for i in range(a.n)]
    x = [nums.var(f"x_{j}") for j in range(d)]
    base = [*(x_ >= -M for x_ in x), *(x_ <= M for x_ in x)]
    if norm == "2" and d > 1:
        base.append(z3_sum([v * v for v in x], nums.ctx) <= M * M)
    if cert["kind"] == "ball":
        H = as_fraction(cert["H"])
        base.append(z3_sum([v * v for v in h], nums.ctx) <= H * H)
    else:
        lower, upper = [as_fraction(v) for v in cert["lower"]], [as_fraction(v) for v in cert["upper"]]
        base += [
            *(hi >= lo for hi, lo in zip(h, lower, strict=True)),
            *(hi <= up for hi, up in zip(h, upper, strict=True)),
        ]

    def pre(net: Net, i: int, cols: Sequence[int]) -> Any:
        terms = [nums.term(net.W[i][c]) * h[k] for k, c in enumerate(cols)]
        terms += [nums.term(net.F[i][j]) * x[j] for j in range(d)]
        return z3_sum([*terms, nums.term(net.b[i])], nums.ctx)

    relu = [z3.If(z > 0, z, 0) for z in (pre(a, i, range(a.n)) for i in range(a.n))]
    if cert["kind"] == "ball":
        escape = z3_sum([r * r for r in relu], nums.ctx) > as_fraction(cert["H"]) ** 2
    else:
        escape = z3.Or([z3.Or(r < lo, r > up) for r, lo, up in zip(relu, lower, upper, strict=True)])
    extra_on = z3.Or([pre(b, j, shape.perm) > 0 for j in shape.extra]) if shape.extra else z3.BoolVal(False, nums.ctx)
    out = []
    for name, statement, goal in (
        ("invariance", f"h in the {cert['kind']} and x in X_M imply relu(W h + F x + b) in it", escape),
        ("extra-off", f"on the {cert['kind']}, every extra pre-activation is <= 0", extra_on),
    ):
        status, detail, data, _ = discharge_goal(nums, [*nums.side, *base], goal, budget, free=[*h, *x])
        logic = "nonlinear real arithmetic" if cert["kind"] == "ball" or nums.nonlinear else "linear real arithmetic"
        method = f"z3 query ({logic}) on the negation"
        out.append(Obligation(name, statement, status, method, detail, data))
    return out


def _structure_obligation(shape: Shape) -> Obligation:
    return Obligation(
        "structure",
        "network B restricted to the states perm is network A (same W, F, b, C, h0); B's extra states start at 0",
        "proved",
        "exact identity: entrywise comparison of exact numbers",
        f"perm = {list(shape.perm)}, extra = {list(shape.extra)}",
    )


def induction_certificate(
    a: Net, b: Net, shape: Shape, M: Fraction, norm: str, invariant: str, discharge: str, budget: Budget
) -> tuple[dict[str, Any] | None, list[Obligation], list[str]]:
    """Try the invariants in order; the first whose obligations all hold, with its obligations."""
    tried: list[str] = []
    kinds = ("ball", "box") if invariant == "auto" else (invariant,)
    for kind in kinds:
        if kind == "ball":
            cert = ball_certificate(a, b, shape, M, norm)
            if cert["norm_W_upper"] >= 1:
                tried.append(f"ball: the certified bound ||W||_2 <= {cert['norm_W_upper']} is not < 1")
                continue
        else:
            found = find_box(a, M, norm)
            if isinstance(found, str):
                tried.append(f"box: {found}")
                continue
            cert = found
        cert["perm"], cert["extra_states"] = list(shape.perm), list(shape.extra)
        obl = (check_ball if kind == "ball" else check_box)(a, b, shape, M, norm, cert)
        uncertified = any(o.status != "proved" for o in obl[1:])
        if obl[0].status == "proved" and (discharge == "z3" or (discharge == "auto" and uncertified)):
            obl = [obl[0], *_z3_obligations(a, b, shape, M, norm, cert, budget)]
        failed = [o for o in obl if o.status != "proved"]
        if not failed:
            return cert, [_structure_obligation(shape), *obl], tried
        tried.append(
            f"{kind}: obligation {failed[0].name!r} {failed[0].status} ({failed[0].method}: {failed[0].detail})"
        )
    return None, [], tried


def prove_equivalence(
    rnn: RNN,
    urnn: RNN,
    *,
    input_bound: Any,
    norm: str = "inf",
    invariant: str = "auto",
    discharge: str = "auto",
    timeout: float = 60.0,
    rlimit: int = DEFAULT_RLIMIT,
) -> Verdict:
    """Prove ``G(x, rnn) == G(x, urnn)`` for every horizon and every x with ``||x(k)|| <= M``, by induction.

    Parameters
    ----------
    rnn, urnn : RNN
        ReLU networks; ``urnn``'s state must be ``[h; 0]`` up to a permutation
        (the Theorem 1 shape, see :func:`match_theorem1_shape`).
    input_bound : number
        M > 0.
    norm : {"inf", "2"}
        Input norm.  The default box ``||x(k)||_inf <= M`` contains the paper's
        ball ``||x(k)||_2 <= M``, so a proof for it covers the ball too.
    invariant : {"auto", "ball", "box"}
        The invariant set S; "auto" tries the ball, then a box.
    discharge : {"auto", "certificate", "z3"}
        How the one-step obligations are discharged: exact certificates first
        ("auto"), certificates only, or z3 queries.
    timeout : float
        Seconds for all solver calls together.
    rlimit : int
        z3's resource limit per solver call.

    Returns
    -------
    Verdict
        ``kind == "all-horizons"``; "proved" with the obligations and the
        invariant, or "unknown" with the reason (not of the Theorem 1 shape, no
        invariant found, solver limit).

    Notes
    -----
    Induction on k (math.md section 2): if ``h(k-1)`` is in S and the URNN's
    state is ``[h(k-1); 0]``, its top block computes ``relu(W h + F x + b) =
    h(k)`` (S invariant keeps h(k) in S) and its extra block ``relu(Y h + G x +
    c) = 0``; so the outputs ``C_u [h; 0] = C h`` agree at every step.

    Examples
    --------
    >>> from fractions import Fraction as Q
    >>> from urnn_sym import RNN
    >>> a = RNN([[Q(3, 5)]], [[1]], [0], [[1]])
    >>> u = RNN([[Q(3, 5), Q(4, 5)], [Q(4, 5), Q(-3, 5)]], [[1], [0]], [0, -2], [[1, 0]])
    >>> v = prove_equivalence(a, u, input_bound=Q(1, 2))
    >>> v.status, v.invariant["kind"], [o.method.split(":")[0] for o in v.obligations]
    ('proved', 'ball', ['exact identity', 'exact certificate', 'exact certificate', 'exact certificate'])
    """
    M, norm = check_z3_pair(rnn, urnn, input_bound, norm, names=("rnn", "urnn"))
    if invariant not in ("auto", "ball", "box"):
        raise InvalidArgumentError(f"invariant: expected 'auto', 'ball' or 'box' but found {invariant!r}")
    if discharge not in ("auto", "certificate", "z3"):
        raise InvalidArgumentError(f"discharge: expected 'auto', 'certificate' or 'z3' but found {discharge!r}")
    budget = Budget(check_timeout(timeout), rlimit)
    start = time.monotonic()
    a, b = Net.of(rnn), Net.of(urnn)
    shape = shape_of(a, b)
    common: _Scope = {"kind": "all-horizons", "input_bound": M, "norm": norm, "a": rnn, "b": urnn}
    if isinstance(shape, str):
        return Verdict(
            "unknown", method="induction (Theorem 1 shape)", reason=f"not of the Theorem 1 shape: {shape}", **common
        )
    cert, obl, tried = induction_certificate(a, b, shape, M, norm, invariant, discharge, budget)
    data: dict[str, Any] = {"seconds": round(time.monotonic() - start, 4), "queries": budget.queries, "tried": tried}
    if cert is None:
        return Verdict(
            "unknown",
            method="induction (Theorem 1 shape)",
            reason="no invariant was established: " + "; ".join(tried),
            data=data,
            **common,
        )
    methods = sorted({o.method.split(":")[0] for o in obl})
    verdict = Verdict(
        "proved",
        method=f"induction with a {cert['kind']} invariant; obligations discharged by {', '.join(methods)}",
        obligations=obl,
        invariant=cert,
        data=data,
        **common,
    )
    return confirm(verdict, timeout=budget.deadline - time.monotonic())
