"""The independent re-check of a verdict document: a "proved" is shown only after this passes.

A proof is re-checked from its serialised document by code that shares nothing
with the prover but the file parser (:meth:`urnn_sym.verdict.Verdict.from_json`
and the model reader); see the project's notes on when a "proved" is trusted
(``docs/tutorials/z3.md``).  What it re-derives on its own:

* its own number layer: exact rationals (``Fraction``) and, for algebraic
  entries, sympy numbers whose sign it decides itself (a rigorous ``arb``
  enclosure of the expression tree at rising precision, zero by the minimal
  polynomial);
* the Theorem 1 shape from the recorded permutation, entry by entry;
* the invariant's obligations in exact arithmetic -- for a ball, its own PSD
  test (symmetric elimination over Q) for every recorded norm bound, the
  norm-bound lemma, and the extra pre-activations as exact algebraic signs;
  for a box, the exact interval image of each linear form;
* where the exact route does not close an obligation that a solver
  discharged, its own SMT-LIB2 encoding of it, written as text, decided by
  z3 or cvc5 (``solver=``); with cvc5 every recorded solver obligation's
  SMT-LIB2 text is re-decided too, and any disagreement is reported;
* a bounded claim from the recorded invariant, or else from its own
  side-by-side SMT-LIB2 unrolling of both networks.

Its own encodings cannot be vacuous: derived values are ``define-fun``
definitions, the only assumptions are the input set (it contains x = 0), the
invariant (it contains h0: the ``init`` obligation, checked exactly) and the
square roots (each radicand is checked to be ``>= 0`` exactly).

>>> from fractions import Fraction as Q
>>> from urnn_sym import RNN
>>> from urnn_sym.smt.check import prove_equivalence
>>> a = RNN([[Q(3, 5)]], [[1]], [0], [[1]])
>>> u = RNN([[Q(3, 5), Q(4, 5)], [Q(4, 5), Q(-3, 5)]], [[1], [0]], [0, -2], [[1, 0]])
>>> doc = prove_equivalence(a, u, input_bound=Q(1, 2)).to_json()
>>> recheck_document(doc).holds
True
>>> doc["b"].get("b")[1] = "0"  # the extra state now turns on
>>> recheck_document(doc).holds
False
"""

from __future__ import annotations

import dataclasses
import os
import time
from collections.abc import Sequence
from fractions import Fraction
from typing import Any

from urnn_sym.errors import InvalidArgumentError
from urnn_sym.evidence import Check
from urnn_sym.numbers.activations import PIECEWISE_LINEAR
from urnn_sym.numbers.certnum import (
    SOLVERS,
    Num,
    Rows,
    SmtText,
    Undecided,
    add,
    ball_sign,
    decide_smtlib,
    dyadic_out,
    enclose,
    entry_of,
    input_max,
    le,
    mul,
    norm_at_most,
    sqrt_upper,
    sub,
    sum_of_squares,
    total_of,
)

__all__ = ["SOLVERS", "SoundnessError", "confirm", "decide_smtlib", "recheck_delayed", "recheck_document"]

# ------------------------------------------------------------------------------
# the re-check
# ------------------------------------------------------------------------------


class _Recheck:
    def __init__(self, solver: str, timeout: float) -> None:
        self.solver = solver
        self.deadline = time.monotonic() + timeout
        self.lines: list[str] = []
        self.used_solver = False

    def remaining(self) -> float:
        left = self.deadline - time.monotonic()
        if left <= 0:
            raise Undecided("the re-check ran out of time")
        return left

    def need(self, ok: bool, what: str) -> None:
        if not ok:
            raise _Failed(what)
        self.lines.append(what)

    def unsat(self, smt: SmtText, what: str) -> None:
        self.used_solver = True
        answer = decide_smtlib(smt.text(), solver=self.solver, timeout=self.remaining())
        if answer == "sat":
            raise _Failed(f"{what}: {self.solver} finds the negation satisfiable on the re-checker's own encoding")
        if answer != "unsat":
            raise Undecided(f"{what}: {self.solver} on the re-checker's own encoding: {answer}")
        self.lines.append(f"{what} ({self.solver}: unsat on its own encoding)")


class _Failed(Exception):
    """The certificate does not hold."""


def _rational(value: Any, what: str) -> Fraction:
    """A rational number of the certificate; anything else means the certificate does not hold."""
    try:
        if isinstance(value, bool) or not isinstance(value, (str, int)):
            raise TypeError(type(value).__name__)
        return Fraction(value)
    except (TypeError, ValueError, ZeroDivisionError) as exc:
        raise _Failed(f"the certificate's {what} is not a rational number ({str(value)[:60]!r}: {exc})") from exc


def _rationals(values: Any, what: str) -> list[Fraction]:
    if not isinstance(values, list):
        raise _Failed(f"the certificate's {what} is not a list")
    return [_rational(v, f"{what}[{i}]") for i, v in enumerate(values)]


def _structure(A: Rows, B: Rows, cert: dict[str, Any], rc: _Recheck) -> tuple[list[int], list[int]]:
    perm = [int(i) for i in _rationals(cert.get("perm"), "perm") if i.denominator == 1]
    rc.need(len(perm) == A.n and len(set(perm)) == A.n and all(0 <= j < B.n for j in perm), f"permutation {perm}")
    extra = [j for j in range(B.n) if j not in perm]
    same = (
        all(ball_sign(sub(A.W[i][k], B.W[perm[i]][perm[k]])) == 0 for i in range(A.n) for k in range(A.n))
        and all(ball_sign(sub(A.F[i][j], B.F[perm[i]][j])) == 0 for i in range(A.n) for j in range(A.d))
        and all(ball_sign(sub(A.b[i], B.b[perm[i]])) == 0 for i in range(A.n))
        and all(ball_sign(sub(A.h0[i], B.h0[perm[i]])) == 0 for i in range(A.n))
        and all(ball_sign(sub(A.C[r][i], B.C[r][perm[i]])) == 0 for r in range(len(A.C)) for i in range(A.n))
    )
    rc.need(A.relu and B.relu, "both networks use ReLU")
    rc.need(same, "structure: B's W, F, b, C, h0 on the permuted states equal A's exactly")
    rc.need(all(ball_sign(B.h0[j]) == 0 for j in extra), f"structure: the extra states {extra} start at 0")
    return perm, extra


def _extra_rows(B: Rows, perm: list[int], extra: list[int]) -> list[tuple[list[Num], list[Num], Num]]:
    return [([B.W[j][i] for i in perm], B.F[j], B.b[j]) for j in extra]


def _state_smt(A: Rows, M: Fraction, norm: str) -> tuple[SmtText, list[str], list[str]]:
    """A query over one state h of A and one input x in the input set."""
    smt = SmtText()
    h = [smt.declare(f"h{i}") for i in range(A.n)]
    return smt, h, smt.inputs([f"x{j}" for j in range(A.d)], M, norm)


def _ball_smt(A: Rows, M: Fraction, norm: str, H: Fraction) -> tuple[SmtText, list[str], list[str]]:
    smt, h, x = _state_smt(A, M, norm)
    smt.claim(f"(<= {smt.squares(h)} {smt.num(H * H)})")
    return smt, h, x


def _box_smt(
    A: Rows, M: Fraction, norm: str, lower: list[Fraction], upper: list[Fraction]
) -> tuple[SmtText, list[str], list[str]]:
    smt, h, x = _state_smt(A, M, norm)
    for v, lo, up in zip(h, lower, upper, strict=True):
        smt.claim(f"(<= {smt.num(lo)} {v} {smt.num(up)})")
    return smt, h, x


def _relu_next(smt: SmtText, A: Rows, h: list[str], x: list[str]) -> list[str]:
    out = []
    for i in range(A.n):
        z = smt.define(f"z{i}", smt.linear([*A.W[i], *A.F[i]], [*h, *x], A.b[i]))
        out.append(smt.define(f"r{i}", f"(ite (> {z} 0.0) {z} 0.0)"))
    return out


def _off_on_ball(y: list[Num], g: list[Num], c: Num, H: Fraction, M: Fraction, norm: str) -> bool:
    """``c + max g.x + ||y||_2 H <= 0``, squared so that no square root of ``||y||^2`` is taken."""
    s = add(c, input_max(g, M, norm))
    return ball_sign(s) <= 0 and ball_sign(sub(mul(s, s), mul(sum_of_squares(y), H * H))) >= 0


def _ball_invariant(
    A: Rows, B: Rows, perm: list[int], extra: list[int], cert: dict[str, Any], M: Fraction, norm: str, rc: _Recheck
) -> None:
    H, w, f, beta, eta, M2 = (
        _rational(cert.get(k), k)
        for k in ("H", "norm_W_upper", "norm_F_upper", "norm_b_upper", "norm_h0_upper", "input_2norm_upper")
    )
    rc.need(eta >= 0 and le(sum_of_squares(A.h0), eta * eta), f"||h0||_2 <= {eta}")
    rc.need(eta <= H, "init: h0 lies in the ball ||h||_2 <= H")
    bounds = (
        norm_at_most(A.W, w)
        and norm_at_most(A.F, f)
        and beta >= 0
        and le(sum_of_squares(A.b), beta * beta)
        and M2 >= 0
        and (M * M if norm == "2" or A.d == 1 else A.d * M * M) <= M2 * M2
    )
    if bounds and w * H + f * M2 + beta <= H:
        rc.lines.append(
            "invariance: ||W|| H + ||F|| ||x|| + ||b|| <= H with every norm bound checked by an exact PSD test"
        )
    else:
        smt, h, x = _ball_smt(A, M, norm, H)
        r = _relu_next(smt, A, h, x)
        smt.claim(f"(> {smt.squares(r)} {smt.num(H * H)})")
        rc.unsat(smt, "invariance of the ball")
    rows = _extra_rows(B, perm, extra)
    exact_ok = all(_off_on_ball(y, g, c, H, M, norm) for y, g, c in rows)
    if exact_ok:
        rc.lines.append(f"extra-off: c_j + max g_j.x + ||Y_j||_2 H <= 0 exactly for the {len(rows)} extra states")
        return
    smt, h, x = _ball_smt(A, M, norm, H)
    smt.claim(f"(or {' '.join(f'(> {smt.linear([*y, *g], [*h, *x], c)} 0.0)' for y, g, c in rows)})")
    rc.unsat(smt, "extra-off on the ball")


def _interval(
    row: Sequence[Num], g: Sequence[Num], c: Num, lower: list[Fraction], upper: list[Fraction], M: Fraction, norm: str
) -> tuple[Num, Num]:
    """The exact range of ``row . h + g . x + c`` over a rational box and the input set.

    Exact (algebraic endpoints included), so a tight ``<= 0`` is decided; the
    finite-horizon route uses :func:`_image` instead, whose rational
    enclosures keep iterated boxes small.
    """
    lo: list[Num] = []
    hi: list[Num] = []
    for w, l_, u_ in zip(row, lower, upper, strict=True):
        a, b = mul(w, l_), mul(w, u_)
        small, big = (a, b) if ball_sign(w) >= 0 else (b, a)
        lo.append(small)
        hi.append(big)
    m = input_max(g, M, norm)
    return sub(add(total_of(lo), c), m), add(add(total_of(hi), c), m)


def _box_invariant(
    A: Rows, B: Rows, perm: list[int], extra: list[int], cert: dict[str, Any], M: Fraction, norm: str, rc: _Recheck
) -> None:
    lower, upper = _rationals(cert.get("lower"), "lower"), _rationals(cert.get("upper"), "upper")
    rc.need(len(lower) == len(upper) == A.n, f"a box of {A.n} intervals")
    rc.need(
        all(le(lo, h) and le(h, up) for h, lo, up in zip(A.h0, lower, upper, strict=True)), "init: h0 lies in the box"
    )
    images = [_interval(A.W[i], A.F[i], A.b[i], lower, upper, M, norm) for i in range(A.n)]
    if all(
        le(lower[i], lo if ball_sign(lo) > 0 else Fraction(0))
        and le(hi if ball_sign(hi) > 0 else Fraction(0), upper[i])
        for i, (lo, hi) in enumerate(images)
    ):
        rc.lines.append("invariance: the exact interval image of the box lies in the box")
    else:
        smt, h, x = _box_smt(A, M, norm, lower, upper)
        r = _relu_next(smt, A, h, x)
        escapes = [f"(< {v} {smt.num(lo)}) (> {v} {smt.num(up)})" for v, lo, up in zip(r, lower, upper, strict=True)]
        smt.claim(f"(or {' '.join(escapes)})")
        rc.unsat(smt, "invariance of the box")
    rows = _extra_rows(B, perm, extra)
    if all(ball_sign(_interval(y, g, c, lower, upper, M, norm)[1]) <= 0 for y, g, c in rows):
        rc.lines.append(f"extra-off: the exact maximum over the box is <= 0 for the {len(rows)} extra states")
        return
    smt, h, x = _box_smt(A, M, norm, lower, upper)
    smt.claim(f"(or {' '.join(f'(> {smt.linear([*y, *g], [*h, *x], c)} 0.0)' for y, g, c in rows)})")
    rc.unsat(smt, "extra-off on the box")


def _induction(A: Rows, B: Rows, cert: Any, M: Fraction, norm: str, rc: _Recheck) -> None:
    if not isinstance(cert, dict) or cert.get("kind") not in ("ball", "box"):
        raise _Failed("the document has no 'ball' or 'box' invariant to re-check")
    perm, extra = _structure(A, B, cert, rc)
    (_ball_invariant if cert["kind"] == "ball" else _box_invariant)(A, B, perm, extra, cert, M, norm, rc)


def _image(
    coefs: Sequence[Num], g: Sequence[Num], c: Num, box: list[tuple[Fraction, Fraction]], M: Fraction, norm: str
) -> tuple[Fraction, Fraction]:
    """Rational bounds on ``coefs . h + g . x + c`` over the box and the input set (interval arithmetic)."""
    lo = hi = Fraction(0)
    for w, (l_, u_) in zip(coefs, box, strict=True):
        wl, wh = enclose(w)
        prods = (wl * l_, wl * u_, wh * l_, wh * u_)
        lo, hi = lo + min(prods), hi + max(prods)
    if norm == "inf" or len(g) == 1:
        m = M * sum((max(abs(a), abs(b)) for a, b in map(enclose, g)), Fraction(0))
    else:
        sq = sum((max(a * a, b * b) for a, b in map(enclose, g)), Fraction(0))
        m = M * dyadic_out(Fraction(0), sqrt_upper(sq))[1]
    cl, ch = enclose(c)
    return lo - m + cl, hi + m + ch


def _horizon(A: Rows, B: Rows, perm: list[int], extra: list[int], M: Fraction, norm: str, T: int, rc: _Recheck) -> bool:
    """Whether interval images show that B's extra states stay 0 for k < T (then B's outputs are A's).

    ``box`` encloses A's state h(k - 1); the extra pre-activations at step k
    are ``Y h(k - 1) + G x(k) + c`` while B's state is ``[h; 0]``.
    """
    box = [enclose(v) for v in A.h0]
    rows = _extra_rows(B, perm, extra)
    for _ in range(T):
        if time.monotonic() > rc.deadline:
            raise Undecided("the re-check ran out of time")
        if any(_image(y, g, c, box, M, norm)[1] > 0 for y, g, c in rows):
            return False
        images = [_image(A.W[i], A.F[i], A.b[i], box, M, norm) for i in range(A.n)]
        box = [dyadic_out(max(lo, Fraction(0)), max(hi, Fraction(0))) for lo, hi in images]
    return True


def _shape_holds(A: Rows, B: Rows, shape: dict[str, Any], M: Fraction, norm: str, T: int, rc: _Recheck) -> bool:
    """The recorded Theorem 1 shape holds exactly and its extra states stay off for k < T."""
    small, big = (B, A) if shape.get("rnn") == "b" else (A, B)
    try:
        perm, extra = _structure(small, big, shape, rc)
    except _Failed:
        return False
    return _horizon(small, big, perm, extra, M, norm, T, rc)


def _bounded_smt(A: Rows, B: Rows, M: Fraction, norm: str, T: int) -> SmtText:
    """Both networks unrolled side by side for T steps: for each step, is some output different there?"""
    smt = SmtText()
    xs = [smt.inputs([f"x_{k}_{j}" for j in range(A.d)], M, norm) for k in range(T)]
    ha, hb = _unroll(smt, "a", A, xs), _unroll(smt, "b", B, xs)
    zero = Fraction(0)
    smt.equal_steps(
        [
            [(smt.linear(r, ha[k], zero), smt.linear(q, hb[k], zero)) for r, q in zip(A.C, B.C, strict=True)]
            for k in range(T)
        ]
    )
    return smt


def _unroll(smt: SmtText, tag: str, net: Rows, xs: list[list[str]]) -> list[list[str]]:
    """``define-fun`` names of the states of ``net`` driven by the input names ``xs``."""
    h = [smt.define(f"{tag}_init_{i}", smt.num(v)) for i, v in enumerate(net.h0)]
    states = []
    for k, x in enumerate(xs):
        nxt = []
        for i in range(net.n):
            z = smt.linear([*net.W[i], *net.F[i]], [*h, *x], net.b[i])
            nxt.append(smt.define(f"{tag}_{k}_{i}", f"(ite (> {z} 0.0) {z} 0.0)" if net.relu else z))
        states.append(nxt)
        h = nxt
    return states


def recheck_delayed(
    layers: Sequence[Any],
    C: Any,
    rnn: Any,
    *,
    delay: int,
    input_bound: Fraction,
    norm: str,
    horizon: int,
    solver: str = "z3",
    timeout: float = 60.0,
) -> Check:
    """Re-check ``y_rnn(k + delay) == y_stacked(k)`` for k < horizon on the re-checker's own encoding.

    The stacked network is the chain of ``layers`` (RNNs; layer l is driven by
    the states of layer l - 1, layer 1 by x) read out by ``C``; the inputs of
    all ``horizon + delay`` steps lie in the input set.  One query per step,
    with the steps before it as lemmas; non-vacuous by construction.

    Parameters
    ----------
    layers : sequence of RNN
        The layers of the stacked network.
    C : matrix
        Its readout (rows of exact numbers).
    rnn : RNN
        The single-layer network.
    delay, horizon : int
        Output delay and number of compared outputs.
    input_bound : Fraction
        M.
    norm : {"inf", "2"}
        Input norm.
    solver : {"z3", "cvc5"}
        Which solver decides the queries.
    timeout : float
        Seconds for each query.

    Returns
    -------
    Check
    """
    smt = SmtText()
    single, chain = Rows(rnn), [Rows(layer) for layer in layers]
    method = (
        f"independent re-check: {solver} on its own SMT-LIB2 encoding of both networks (non-vacuous by construction)"
    )
    wrong = [
        f"{name} has activation {net.activation!r}"
        for name, net in [("rnn", single)] + [(f"layer {l}", net) for l, net in enumerate(chain, 1)]
        if net.activation not in PIECEWISE_LINEAR
    ]
    if wrong:
        return Check(
            False, method, "not re-checked: the encoding covers relu and identity only, but " + ", ".join(wrong)
        )
    xs = [smt.inputs([f"x_{k}_{j}" for j in range(single.d)], input_bound, norm) for k in range(horizon + delay)]
    drive = xs[:horizon]
    for l, layer in enumerate(chain, 1):
        drive = _unroll(smt, f"layer{l}", layer, drive)
    ys = _unroll(smt, "single", single, xs)
    rows = [[entry_of(v) for v in r] for r in C.tolist()]
    zero = Fraction(0)
    smt.equal_steps(
        [
            [
                (smt.linear(r, drive[k], zero), smt.linear(q, ys[k + delay], zero))
                for r, q in zip(rows, single.C, strict=True)
            ]
            for k in range(horizon)
        ]
    )
    answer = decide_smtlib(smt.text(), solver=solver, timeout=timeout)
    if answer == "unsat":
        return Check(True, method, f"y_rnn(k + {delay}) == y_stacked(k) for k < {horizon}")
    return Check(False, method, ("does not hold: " if answer == "sat" else "inconclusive: ") + answer)


def _need_piecewise_linear(rc: _Recheck, nets: dict[str, Rows]) -> None:
    """The encodings here know relu and identity only: any other activation is not confirmed."""
    for name, net in nets.items():
        rc.need(net.activation in PIECEWISE_LINEAR, f"network {name} is piecewise linear (relu or identity)")


def _stored(doc: dict[str, Any], rc: _Recheck) -> list[str]:
    """Re-decide every recorded solver obligation's SMT-LIB2 text; disagreements are reported."""
    notes = []
    for o in doc.get("obligations") or []:
        text = (o.get("data") or {}).get("smtlib") if isinstance(o, dict) else None
        if not isinstance(text, str):
            continue
        answer = decide_smtlib(text, solver=rc.solver, timeout=rc.remaining())
        recorded = o.get("status")
        if recorded == "proved" and answer != "unsat":
            raise (_Failed if answer == "sat" else Undecided)(
                f"solvers disagree on obligation {o.get('name')!r}: z3 said unsat, {rc.solver} says {answer}"
            )
        notes.append(f"{o.get('name')}: recorded query {answer} by {rc.solver}")
    return notes


def recheck_document(
    doc: Any, *, solver: str = "z3", timeout: float = 60.0, networks: tuple[Any, Any] | None = None
) -> Check:
    """Re-check a ``urnn-sym.verdict/1`` document independently of the prover.

    Parameters
    ----------
    doc : dict
        The verdict document (:meth:`urnn_sym.verdict.Verdict.to_json`).
    solver : {"z3", "cvc5"}
        The solver for the obligations the exact route does not close; with
        "cvc5", every recorded SMT-LIB2 obligation is also re-decided by cvc5.
    timeout : float
        Seconds for the whole re-check.
    networks : (RNN, RNN), optional
        The two networks, when the document does not embed them (a checker
        re-checking its own verdict passes the networks it was given, which
        saves parsing them back).

    Returns
    -------
    Check
        Holds when every fact of the verdict was re-established; otherwise the
        reason, prefixed "inconclusive:" when it could not be decided (a sign
        or a query out of reach) rather than found false.
    """
    from urnn_sym.refutation.recheck import recheck as refutation_recheck
    from urnn_sym.verdict import Verdict

    if solver not in SOLVERS:
        raise InvalidArgumentError(f"solver: expected 'z3' or 'cvc5' but found {solver!r}")
    v = Verdict.from_json(doc)
    if networks is not None:
        v = dataclasses.replace(v, a=networks[0], b=networks[1])
    if v.a is None or v.b is None:
        raise InvalidArgumentError("doc: the verdict does not embed the networks a and b; pass networks=")
    if v.status == "unknown":
        return Check(False, "nothing to recheck", f"the verdict is unknown: {v.reason}")
    if v.status == "refuted":
        assert v.refutation is not None
        return refutation_recheck(v.refutation, v.a, v.b)
    rc = _Recheck(solver, timeout)
    A, B = Rows(v.a), Rows(v.b)
    M, norm = v.input_bound, v.norm
    try:
        rc.need(M > 0, f"input bound M = {M} > 0 (the input set is not empty)")
        _need_piecewise_linear(rc, {"a": A, "b": B})
        rc.need((A.d, len(A.C)) == (B.d, len(B.C)), "same input and output dimensions")
        cert = v.invariant
        if v.kind == "all-horizons" or isinstance(cert, dict):
            small, big = (B, A) if isinstance(cert, dict) and cert.get("rnn") == "b" else (A, B)
            _induction(small, big, cert, M, norm, rc)
            if v.kind == "bounded":
                rc.lines.append(f"so the outputs agree at every step, a fortiori for k < {v.horizon}")
        else:
            T = v.horizon
            if not isinstance(T, int) or T < 1:
                raise _Failed(f"the horizon T = {T!r} is not an integer >= 1")
            shape = (doc.get("data") or {}).get("shape")
            if isinstance(shape, dict) and _shape_holds(A, B, shape, M, norm, T, rc):
                rc.lines.append(f"extra states 0 for k < {T} by exact interval images, so the outputs agree")
            else:
                rc.unsat(_bounded_smt(A, B, M, norm, T), f"outputs equal for k < {T}")
        if solver == "cvc5":
            rc.lines += _stored(doc, rc)
    except _Failed as exc:
        return Check(False, _method(rc), f"does not hold: {exc}")
    except Undecided as exc:
        return Check(False, _method(rc), f"inconclusive: {exc}")
    return Check(True, _method(rc), "; ".join(rc.lines), {"facts": len(rc.lines)})


def _method(rc: _Recheck) -> str:
    via = f" and {rc.solver} on its own SMT-LIB2 encoding" if rc.used_solver else ""
    cvc = "; recorded solver obligations re-decided by cvc5" if rc.solver == "cvc5" else ""
    return f"independent re-check: exact arithmetic{via}{cvc} (non-vacuous by construction)"


class SoundnessError(AssertionError):
    """A "proved" failed its independent re-check while ``URNN_SYM_STRICT_RECHECK`` is set (the test suite sets it)."""


def confirm(verdict: Any, *, timeout: float) -> Any:
    """The verdict if it is not "proved" or its independent re-check passes; else "unknown" with both reasons.

    Every checker calls this before it returns a "proved", so no "proved"
    leaves the library without an independent re-check
    (:func:`recheck_document`, with z3 on the re-checker's own encoding).
    When the environment variable ``URNN_SYM_STRICT_RECHECK`` is set (the test
    suite sets it), a failed re-check raises :class:`SoundnessError` instead:
    a prover that claims what it cannot back is a bug, and the tests fail loudly.

    Parameters
    ----------
    verdict : Verdict
        A checker's verdict that embeds both networks.
    timeout : float
        Seconds for the re-check.

    Returns
    -------
    Verdict
    """
    if verdict.status != "proved":
        return verdict
    doc = dataclasses.replace(verdict, a=None, b=None).to_json()  # the certificate, serialised
    check = recheck_document(doc, solver="z3", timeout=max(timeout, 0.001), networks=(verdict.a, verdict.b))
    data = {**verdict.data, "recheck": check.to_json()}
    if check:
        return dataclasses.replace(verdict, data=data)
    if os.environ.get("URNN_SYM_STRICT_RECHECK") and not check.detail.startswith("inconclusive"):
        raise SoundnessError(f"'proved' ({verdict.method}) failed the independent re-check: {check.detail}")
    return dataclasses.replace(
        verdict,
        status="unknown",
        reason=f"the prover said proved ({verdict.method}), but the independent re-check "
        f"({check.method}) did not confirm it: {check.detail}",
        invariant=None if verdict.kind == "bounded" else verdict.invariant,
        data=data,
    )
