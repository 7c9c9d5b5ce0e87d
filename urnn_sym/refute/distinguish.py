"""Distinguishing inputs: an input sequence inside the bound on which two RNNs' outputs differ.

:func:`distinguishing_input` has one interface and several routes, tried in order:

1. **constructive** (ReLU/identity pairs, math.md section 3): at a generic point
   ``x*`` (inputs of length 1, then 2, ... up to ``horizon``; the first points
   positive as in the proof, later ones anywhere in the ball) linearise both
   networks exactly (:func:`urnn_sym.refute.linearize.linearize`).  If the outputs
   differ at ``x*`` that is the input; otherwise, if the output Jacobians
   ``dy(j)/dx(l)`` differ in column c, move ``x(l)_c`` by a step ``t`` smaller
   than the distance to every pattern boundary: both networks stay affine and
   ``y(j)`` changes by ``t (J_a - J_b) e_c != 0``.  For an m-state URNN with
   ``m < 2n`` against :func:`urnn_sym.witnesses.lower_bound_witness` this always
   succeeds on length 2 (the dimension-counting lemma).
2. **z3** over a bounded horizon (:func:`urnn_sym.smt.bounded.distinguishing_input_smt`).

Sigmoid and tanh pairs go to :func:`urnn_sym.refute.smooth.distinguishing_input_smooth`.
Every "refuted" answer was re-simulated exactly (:func:`urnn_sym.refutation.document.certify`)
before it is returned; otherwise the answer is "inconclusive" with what was tried.

>>> from urnn_sym import RNN
>>> from urnn_sym.witnesses import lower_bound_witness
>>> bad = RNN([[-1]], [[1]], [0], [[1]])            # a 1-state URNN
>>> ref = distinguishing_input(lower_bound_witness(1), bad, input_bound=1)
>>> ref.status, ref.length, ref.time_step
('refuted', 2, 1)
"""

from __future__ import annotations

import math
import random
import time
from collections.abc import Sequence
from fractions import Fraction
from typing import Any

from urnn_sym.errors import UnsupportedError, UrnnSymError
from urnn_sym.model import RNN
from urnn_sym.numbers.activations import PIECEWISE_LINEAR, SMOOTH
from urnn_sym.numbers.arith import as_fraction, fmpq_to_fraction
from urnn_sym.refutation.document import Refutation, certify, inconclusive
from urnn_sym.refutation.simulate import rational_parameters
from urnn_sym.refute.linearize import Linearization, linearize
from urnn_sym.validation import check_input_bound, check_int, check_norm, check_pair, check_timeout

__all__ = ["CONSTRUCTIVE", "constructive_input", "distinguishing_input"]

CONSTRUCTIVE = "constructive: exact linearisation at a generic point (math.md section 3)"


def _box_half_width(M: Fraction, d: int, norm: str) -> Fraction:
    """A half-width r with ``[-r, r]^d`` inside the norm ball of radius M."""
    return M if norm == "inf" else M / (math.isqrt(d - 1) + 1)


def _random_point(rng: random.Random, T: int, d: int, r: Fraction, positive: bool) -> list[list[Fraction]]:
    """Components in ``[r/4, 3r/4]`` (positive) or ``[-3r/4, 3r/4]``, on a grid of r/64."""
    lo, hi = (16, 48) if positive else (-48, 48)
    return [[r * Fraction(rng.randint(lo, hi), 64) for _ in range(d)] for _ in range(T)]


def _jacobian_mismatch(la: Linearization, lb: Linearization) -> tuple[int, int, int] | None:
    """First ``(j, l, c)`` (by output time j) with ``dy(j)/dx(l) e_c`` different."""
    for j in range(la.T):
        for l in range(j + 1):
            Ja, Jb = la.output_jacobian(j, l), lb.output_jacobian(j, l)
            for c in range(Ja.ncols()):
                if any(Ja[i, c] != Jb[i, c] for i in range(Ja.nrows())):
                    return j, l, c
    return None


def _step(la: Linearization, lb: Linearization, l: int, c: int, room: Fraction) -> Fraction:
    """``room / 2^k``: the largest such step strictly inside both affine regions."""
    limits = [m for m in (la.margin(l, c), lb.margin(l, c)) if m is not None]
    t = room
    while limits and t >= min(limits):
        t /= 2
    return t


def constructive_input(
    rnn: RNN,
    candidate: RNN,
    *,
    input_bound: Any,
    norm: str = "inf",
    horizon: int = 2,
    points: int = 8,
    seed: int = 0,
    at: Sequence[Sequence[Sequence[Any]]] = (),
) -> Refutation:
    """Route 1 of :func:`distinguishing_input`: exact linearisation at generic points.

    Parameters
    ----------
    rnn, candidate : RNN
        ReLU or identity activation, rational or float64 parameters.
    input_bound, norm
        The input set ``||x(k)||_norm <= input_bound``.
    horizon : int
        Longest input tried (lengths 1..horizon).
    points : int
        Generic points per length (half positive, as in the proof, half anywhere).
    seed : int
        Seed of the point generator (results are reproducible).
    at : sequence of input sequences
        Points to try first (e.g. the point where a lemma was evaluated); each
        must keep a margin ``M/4`` inside the ball for the step to stay inside.

    Returns
    -------
    Refutation
        "refuted" with an exactly re-simulated input, or "inconclusive" when the
        values and Jacobians agreed at every point tried.

    Examples
    --------
    >>> a = RNN([[0]], [[1]], [0], [[1]], activation="identity")
    >>> b = RNN([[0]], [[2]], [0], [[1]], activation="identity")
    >>> constructive_input(a, b, input_bound=1).xs
    [[Fraction(5, 8)]]
    """
    check_pair(rnn, candidate, network_type=RNN, purpose="a refutation")
    M, norm = check_input_bound(input_bound), check_norm(norm)
    check_int("horizon", horizon, low=1)
    check_int("points", points, low=1)
    check_pair(rnn, candidate, network_type=RNN, activations=PIECEWISE_LINEAR, purpose="the constructive route")
    for net in (rnn, candidate):
        rational_parameters(net)
    rng = random.Random(seed)
    r = _box_half_width(M, rnn.d, norm)
    room = r / 4  # points keep a margin r/4 inside [-r, r]^d, so any step below it stays in the ball
    tried, degenerate = [], 0
    start = time.perf_counter()
    schedule: list[tuple[int, list[list[Fraction]] | None]] = [
        (len(p), [[as_fraction(v, name="at") for v in row] for row in p]) for p in at
    ]
    schedule += [(T, None) for T in range(1, horizon + 1) for _ in range(points)]
    for index, (T, given) in enumerate(schedule):
        k = (index - len(at)) % points
        xs = given if given is not None else _random_point(rng, T, rnn.d, r, positive=k < (points + 1) // 2)
        la, lb = linearize(rnn, xs), linearize(candidate, xs)
        if not (la.generic and lb.generic):
            degenerate += 1
            continue
        common: dict[str, Any] = {"point": xs, "seconds": None}
        ref = certify(
            rnn,
            candidate,
            xs,
            input_bound=M,
            norm=norm,
            method=CONSTRUCTIVE + ": outputs differ at a generic point",
        )
        if ref is not None:
            return _timed(ref, start, common)
        hit = _jacobian_mismatch(la, lb)
        if hit is None:
            continue
        j, l, c = hit
        t = _step(la, lb, l, c, room)
        moved = [list(row) for row in xs]
        moved[l][c] += t
        ja, jb = la.output_jacobian(j, l), lb.output_jacobian(j, l)
        common.update(
            direction={"time": l, "component": c},
            step=t,
            jacobian_rnn=[fmpq_to_fraction(ja[i, c]) for i in range(ja.nrows())],
            jacobian_candidate=[fmpq_to_fraction(jb[i, c]) for i in range(jb.nrows())],
            patterns_candidate=[list(p) for p in lb.patterns],
        )
        why = (
            f"at the generic point x* (outputs equal) dy({j})/dx({l}) differs in column {c}; "
            f"x({l})[{c}] moved by {t} inside both affine regions"
        )
        ref = certify(
            rnn, candidate, moved, input_bound=M, norm=norm, method=CONSTRUCTIVE + ": Jacobian mismatch", reason=why
        )
        if ref is not None:
            return _timed(ref, start, common)
    if at:
        tried.append(f"{len(at)} given points: values and Jacobians agree")
    tried += [f"length {T}: {points} generic points, values and Jacobians agree" for T in range(1, horizon + 1)]
    if degenerate:
        tried.append(f"{degenerate} non-generic points skipped")
    return inconclusive(
        "values and output Jacobians agree at every generic point tried",
        method=CONSTRUCTIVE,
        input_bound=M,
        norm=norm,
        tried=tried,
        rnn=rnn,
        candidate=candidate,
    )


def _timed(ref: Refutation, start: float, data: dict[str, Any]) -> Refutation:
    data["seconds"] = round(time.perf_counter() - start, 4)
    ref.data.update(data)
    return ref


def distinguishing_input(
    rnn: RNN,
    candidate: RNN,
    *,
    input_bound: Any,
    norm: str = "inf",
    horizon: int = 2,
    points: int = 8,
    seed: int = 0,
    smt_horizon: int = 3,
    timeout: float = 20.0,
) -> Refutation:
    """An input with ``||x(k)||_norm <= input_bound`` on which the two RNNs' outputs differ.

    Parameters
    ----------
    rnn, candidate : RNN
        Same input and output dimensions; ReLU/identity pairs use the
        constructive and z3 routes, sigmoid/tanh pairs the smooth route.
    input_bound : number
        M > 0 (rational; floats exactly).
    norm : {"inf", "2"}
    horizon, points, seed
        Options of :func:`constructive_input`.
    smt_horizon, timeout
        Horizon and time limit (seconds) of the z3 route.

    Returns
    -------
    Refutation
        ``status == "refuted"`` with an exactly re-validated input, or
        ``"inconclusive"`` with the reason and every route tried.

    Notes
    -----
    math.md section 3: an undersized URNN (m < 2n) differs from the witness on
    an input of length 2, found here constructively.
    """
    check_pair(rnn, candidate, network_type=RNN, purpose="a refutation")
    M, norm = check_input_bound(input_bound), check_norm(norm)
    check_int("smt_horizon", smt_horizon, low=1)
    timeout = check_timeout(timeout)
    if {rnn.activation, candidate.activation} & set(SMOOTH):
        from urnn_sym.refute.smooth import distinguishing_input_smooth  # lazy: flint and scipy load on first use

        return distinguishing_input_smooth(rnn, candidate, input_bound=M, norm=norm)
    tried: list[str] = []
    try:
        ref = constructive_input(rnn, candidate, input_bound=M, norm=norm, horizon=horizon, points=points, seed=seed)
    except UnsupportedError as exc:
        tried.append(f"constructive: not applicable ({exc})")
    else:
        if ref:
            return ref
        tried += [f"constructive: {t}" for t in ref.tried]
    from urnn_sym.smt.bounded import distinguishing_input_smt  # lazy: z3 loads on first use

    try:
        found = distinguishing_input_smt(rnn, candidate, input_bound=M, norm=norm, horizon=smt_horizon, timeout=timeout)
    except UrnnSymError as exc:
        tried.append(f"z3: {exc}")
    else:
        if found is None:
            tried.append(f"z3: no distinguishing input of length <= {smt_horizon}")
        elif found:  # "refuted" only after certify re-simulated it exactly (urnn_sym.smt.bounded)
            return found
        else:
            tried.append(f"z3: {found.reason}")
    return inconclusive(
        "no distinguishing input found: " + "; ".join(tried),
        method="all routes",
        input_bound=M,
        norm=norm,
        tried=tried,
        rnn=rnn,
        candidate=candidate,
    )
