"""The independent re-check of a refutation document: every recorded output re-derived."""

from __future__ import annotations

import math
from fractions import Fraction
from typing import Any

import flint
import sympy

from urnn_sym.errors import InvalidArgumentError, UrnnSymError
from urnn_sym.evidence import Check
from urnn_sym.model import RNN
from urnn_sym.numbers.activations import SMOOTH, ball_activation
from urnn_sym.numbers.arith import exact_sign, working_precision
from urnn_sym.numbers.norms import spectral_norm_upper_bound
from urnn_sym.refutation.document import Refutation, exact_value, parse_enclosure
from urnn_sym.refutation.simulate import (
    ball_bounds,
    ball_gap,
    exact_outputs,
    first_difference,
    input_within_bound,
    rational_parameters,
    same_number,
    simulate_ball,
)
from urnn_sym.validation import check_int


def recorded_mismatch(value: Any, *, exact: Any = None, bounds: tuple[Fraction, Fraction] | None = None) -> str | None:
    """Why a recorded output is not confirmed by the re-computed one, or None if it is.

    The rule (the same for every recorded output of a refutation: ``y_rnn``,
    ``y_candidate`` and ``data.enclosures``):

    * against an exact re-simulation (``exact``, piecewise-linear networks): a
      recorded number must equal it; a recorded enclosure ``[mid +/- rad]``
      must contain it;
    * against a fresh ball enclosure (``bounds = (lo, hi)``, exact endpoints,
      sigmoid/tanh): a recorded enclosure must contain the whole fresh
      enclosure (then the recorded claim "y lies in [mid +/- rad]" is proved,
      since the fresh one contains y); a recorded number is confirmed only when
      the fresh enclosure is that very point (an exact value cannot be
      confirmed by a ball of positive radius).

    Parameters
    ----------
    value : Fraction, exact sympy number or str
        The recorded output: an exact number or an enclosure text.
    exact : Fraction or exact sympy number, optional
        The exact re-computed output.
    bounds : (Fraction, Fraction), optional
        Exact endpoints of the fresh enclosure (when ``exact`` is not given).

    Returns
    -------
    str or None
        None when confirmed; otherwise the reason in words.

    Examples
    --------
    >>> from fractions import Fraction as Q
    >>> recorded_mismatch("[0.5 +/- 0.01]", bounds=(Q(499, 1000), Q(501, 1000))) is None
    True
    >>> recorded_mismatch("[0.5 +/- 0.01]", bounds=(Q(505, 1000), Q(515, 1000)))
    'the fresh enclosure [101/200, 103/200] is not inside the recorded [0.5 +/- 0.01] (undecided at this precision)'
    >>> recorded_mismatch(Q(1, 3), exact=Q(1, 2))
    'the recorded 1/3 differs from the re-computed 1/2'
    """
    box = parse_enclosure(value) if isinstance(value, str) else None
    if box is None:
        try:
            value = None if isinstance(value, str) else exact_value(value, "recorded output")
        except UrnnSymError:
            value = None
        if value is None:
            return "the recorded value is neither an exact number nor an enclosure"
    if exact is not None:
        if box is None:
            return None if same_number(value, exact) else f"the recorded {value} differs from the re-computed {exact}"
        mid, rad = box
        inside = exact_sign(sympy.sympify(rad) - abs(sympy.sympify(exact) - sympy.sympify(mid))) >= 0
        return None if inside else f"the recorded {value} does not contain the re-computed {exact}"
    if bounds is None:
        raise InvalidArgumentError("exact, bounds: give the re-computed value or the fresh enclosure")
    lo, hi = bounds
    if box is None:
        if lo == hi == value:
            return None
        return f"the recorded exact {value} is not confirmed by the fresh enclosure [{lo}, {hi}]"
    mid, rad = box
    if mid - rad <= lo and hi <= mid + rad:
        return None
    if hi < mid - rad or lo > mid + rad:
        return f"the recorded {value} is contradicted by the fresh enclosure [{lo}, {hi}] (disjoint)"
    return f"the fresh enclosure [{lo}, {hi}] is not inside the recorded {value} (undecided at this precision)"


def _record_shape(ref: Refutation, p: int) -> str | None:
    """Why the recorded output rows do not fit (rows 0..time_step at least, T at most, p entries each), or None."""
    assert ref.xs is not None and ref.time_step is not None
    k, T = ref.time_step, len(ref.xs)
    enclosures = ref.data.get("enclosures", {})
    records = [("y_rnn", ref.ys_rnn), ("y_candidate", ref.ys_candidate)]
    records += [(f"data.enclosures.{label}", enclosures.get(label)) for label in ("rnn", "candidate")]
    for label, rows in records:
        if rows is None:
            continue
        if not k + 1 <= len(rows) <= T:
            return f"the recorded {label} has {len(rows)} rows; expected {k + 1}..{T} (time_step {k}, input length {T})"
        if any(len(row) != p for row in rows):
            return f"the recorded {label} has rows of {sorted({len(r) for r in rows})} entries; expected p = {p}"
    return None


def recorded_outputs(ref: Refutation) -> list[tuple[str, int, list[list[Any]]]]:
    """Every recorded output sequence: ``(label, side, rows)``, side 0 for the RNN and 1 for the candidate.

    Parameters
    ----------
    ref : Refutation
        A refutation with recorded outputs.

    Returns
    -------
    list of (str, int, rows)
        ``y_rnn``, ``y_candidate``, ``data.enclosures.rnn`` and
        ``data.enclosures.candidate``, those that are recorded.

    Examples
    --------
    >>> from fractions import Fraction as Q
    >>> from urnn_sym import RNN
    >>> from urnn_sym.refutation.document import certify
    >>> ref = certify(RNN([[0]], [[1]], [0], [[1]]), RNN([[0]], [[1]], [0], [[2]]), [[Q(1)]], input_bound=1,
    ...               method="by hand")
    >>> [(label, side) for label, side, _ in recorded_outputs(ref)]
    [('y_rnn', 0), ('y_candidate', 1)]
    """
    enclosures = ref.data.get("enclosures", {})
    out = [("y_rnn", 0, ref.ys_rnn), ("y_candidate", 1, ref.ys_candidate)]
    out += [
        ("data.enclosures.rnn", 0, enclosures.get("rnn")),
        ("data.enclosures.candidate", 1, enclosures.get("candidate")),
    ]
    return [(label, side, rows) for label, side, rows in out if rows is not None]


def recheck(
    ref: Refutation, rnn: RNN | None = None, candidate: RNN | None = None, *, precision: int | None = None
) -> Check:
    """Independently confirm a refutation: input inside the bound, outputs different, every record consistent.

    Parameters
    ----------
    ref : Refutation
        The refutation to confirm.
    rnn, candidate : RNN, optional
        Networks to check against instead of the embedded ones.
    precision : int, optional
        sigmoid/tanh refutations only: bits of the ball re-evaluation (default
        twice the recorded precision, at least 256).

    Returns
    -------
    Check
        Holds when the refutation is confirmed; ``method`` names how.

    Raises
    ------
    InvalidArgumentError
        If the refutation embeds no networks and none are given, or
        ``precision`` is given for a piecewise-linear refutation.

    Notes
    -----
    Shared checks: every input row has d entries, the input lies inside the
    bound, ``0 <= time_step < T``, and every recorded output sequence
    (``y_rnn``, ``y_candidate``, ``data.enclosures``) has between
    ``time_step + 1`` and T rows of p entries.  Piecewise-linear networks are
    then re-simulated exactly: the outputs must differ at ``time_step`` and
    agree before it (it is the *first* difference), and every recorded output
    must pass :func:`recorded_mismatch` against the exact value.  Smooth
    activations are re-evaluated in ball arithmetic at a higher precision
    (:func:`ball_recheck`): the new enclosures of
    ``y(time_step)`` must be disjoint in the recorded component, the certified
    gap at least the recorded ``gap_lower``, and every recorded output must pass
    :func:`recorded_mismatch` against the fresh enclosure.  The free-text
    ``reason`` and ``method`` are not evidence and are not checked.
    """
    a = rnn if rnn is not None else ref.rnn
    b = candidate if candidate is not None else ref.candidate
    if a is None or b is None:
        raise InvalidArgumentError("rnn, candidate: the refutation does not embed the networks; pass both")
    if ref.status != "refuted" or ref.xs is None or ref.time_step is None:
        return Check(False, "nothing to recheck", f"the refutation is {ref.status}: {ref.reason}")
    widths = sorted({len(row) for row in ref.xs})
    if (a.d, a.p) != (b.d, b.p) or widths != [a.d]:
        return Check(False, "dimension check", f"input rows of {widths} entries do not fit d = {a.d}, {b.d}")
    if not input_within_bound(ref.xs, ref.input_bound, ref.norm):
        return Check(
            False, "exact bound check", f"the input leaves the {ref.norm}-norm ball of radius {ref.input_bound}"
        )
    k = ref.time_step
    if not 0 <= k < len(ref.xs):
        return Check(False, "time-step check", f"time_step {k} is outside 0..{len(ref.xs) - 1}")
    shape = _record_shape(ref, a.p)
    if shape is not None:
        return Check(False, "record check", shape)
    if a.activation in SMOOTH or b.activation in SMOOTH:
        return ball_recheck(ref, a, b, ref.xs, k, precision)
    if precision is not None:
        raise InvalidArgumentError(
            "precision: applies to sigmoid/tanh refutations only (piecewise-linear ones are re-simulated exactly)"
        )
    ya, yb = exact_outputs(a, ref.xs), exact_outputs(b, ref.xs)
    method = "exact rational simulation (python-flint)"
    first = first_difference(ya, yb)
    if first is None or first > k:
        return Check(False, method, f"the outputs agree at k = {k}: {[str(v) for v in ya[k]]}")
    if first < k:
        return Check(False, method, f"the recorded time_step is {k} but the outputs already differ at k = {first}")
    fresh = (ya, yb)
    for label, side, rows in recorded_outputs(ref):
        for t, row in enumerate(rows):
            for j, value in enumerate(row):
                why = recorded_mismatch(value, exact=fresh[side][t][j])
                if why is not None:
                    return Check(False, method, f"{label}({t})[{j}]: {why}")
    return Check(True, method, f"y({k}) = {[str(v) for v in ya[k]]} vs {[str(v) for v in yb[k]]}", {"time_step": k})


def ball_recheck(ref: Refutation, a: RNN, b: RNN, xs: list[list[Fraction]], k: int, precision: int | None) -> Check:
    """The ball-arithmetic step of :func:`urnn_sym.refutation.recheck.recheck` for sigmoid/tanh refutations.

    Parameters
    ----------
    ref : Refutation
        A refuted document whose input, bound, time step and record shapes
        :func:`urnn_sym.refutation.recheck.recheck` has already checked.
    a, b : RNN
        The two networks.
    xs : list of list of Fraction
        The refutation's input (``ref.xs``).
    k : int
        The time step where the outputs differ (``ref.time_step``).
    precision : int or None
        Bits; None for twice the recorded precision (at least 256).

    Returns
    -------
    Check
        Holds when every recorded output is confirmed by the fresh simulation
        and the new enclosures of ``y(time_step)`` are disjoint in the recorded
        component with a certified gap at least the recorded ``gap_lower``;
        ``data["gap_lower"]`` is the new certified bound on the gap.

    Notes
    -----
    Both networks are re-simulated in ball arithmetic at ``precision`` bits; a
    piecewise-linear side (one network may be ReLU/identity) is also
    re-simulated exactly.  Every recorded output (``y_rnn``, ``y_candidate``,
    ``data.enclosures``) must pass :func:`urnn_sym.refutation.recheck.recorded_mismatch`:
    a recorded enclosure must contain the fresh enclosure (or the exact value),
    a recorded number must equal the exact value (a fresh ball confirms a
    number only when it is that very point).  A lower precision than the
    recorded one usually leaves the fresh balls too wide to fit inside the
    recorded ones: the answer is then "not confirmed" with the reason
    "undecided at this precision".
    """

    recorded = int(ref.data.get("precision", 128))
    bits = check_int("precision", precision if precision is not None else max(2 * recorded, 256), 16)
    method = f"ball arithmetic (python-flint arb) at {bits} bits, recorded at {recorded} bits"
    i = int(ref.data.get("component", 0))
    if not 0 <= i < a.p:
        return Check(False, method, f"the recorded component {i} is outside 0..{a.p - 1}")
    ya, yb = simulate_ball(a, xs, precision=bits), simulate_ball(b, xs, precision=bits)
    fresh = (ya, yb)
    exact = tuple(None if net.activation in SMOOTH else exact_outputs(net, xs) for net in (a, b))
    for label, side, rows in recorded_outputs(ref):
        for t, row in enumerate(rows):
            for j, value in enumerate(row):
                known = exact[side]
                if known is not None:
                    why = recorded_mismatch(value, exact=known[t][j])
                else:
                    box = ball_bounds(fresh[side][t][j])
                    why = "the fresh enclosure is not finite" if box is None else recorded_mismatch(value, bounds=box)
                if why is not None:
                    return Check(False, method, f"{label}({t})[{j}]: {why}")
    with working_precision(bits):
        gap = ball_gap(ya[k][i], yb[k][i])
    if gap is None:
        return Check(False, method, f"the enclosures of y({k})[{i}] overlap at {bits} bits")
    certified = ball_bounds(gap)
    claimed = ref.data.get("gap_lower")
    if claimed is not None and (certified is None or certified[0] < Fraction(claimed)):
        return Check(
            False, method, f"the recorded gap_lower {claimed!r} exceeds the gap certified at {bits} bits ({gap.str(6)})"
        )
    gap_lower = math.nextafter(float(gap.lower()), 0.0)
    return Check(
        True,
        method,
        f"y({k})[{i}] in {ya[k][i].str(12)} vs {yb[k][i].str(12)}: disjoint, gap >= {gap_lower:.3e}; "
        "every recorded output confirmed",
        {"precision": bits, "gap_lower": gap_lower, "time_step": k, "component": i},
    )


def recheck_obstruction(doc: Any, *, precision: int | None = None) -> Check:
    """Independently re-check the certificate of an ``urnn-sym.obstruction/1`` document (Theorem 3).

    Parameters
    ----------
    doc : dict
        The document (``Obstruction.to_json()``) with its network ``rnn``,
        ``activation``, ``rank_W``, ``minor`` (``rows``, ``cols`` in H),
        ``equilibrium`` and ``precision``; its status word is not evidence and
        is not read.
    precision : int, optional
        Bits of the ball arithmetic (default twice the recorded precision, at least 256).

    Returns
    -------
    Check
        Holds when: ``rank W`` over Q (by sympy, not the prover's python-flint
        rank) equals the recorded one, and is 0 for tanh (the certificate covers
        only memoryless tanh RNNs); a certified rational bound on
        ``||W||_2`` makes ``T(h) = phi(W h + b)`` a contraction with constant
        ``L``; the balls of radius ``||T(c) - c||_2 / (1 - L)`` around the
        recorded equilibrium midpoints ``c`` (which contain the equilibrium)
        give ``phi'`` there; and the recorded rows and columns of
        ``H = [C A^(i+j) B]``, rebuilt from those balls, form a minor of order
        ``> rank W`` whose ball excludes 0.

    Examples
    --------
    >>> from urnn_sym.refute.obstruction import sigmoid_obstruction
    >>> from urnn_sym.refute.smooth import sigmoid_witness
    >>> bool(recheck_obstruction(sigmoid_obstruction(sigmoid_witness()).to_json()))
    True
    """
    from urnn_sym.io import load_rnn

    method = "sympy rank over Q, certified ||W||_2 bound, python-flint arb"
    try:
        rnn = load_rnn(doc["rnn"], source="obstruction: rnn")
        act, recorded_rank, minor, equilibrium = doc["activation"], doc["rank_W"], doc["minor"], doc["equilibrium"]
        rows, cols = [int(i) for i in minor["rows"]], [int(j) for j in minor["cols"]]
        bits = check_int("precision", precision if precision is not None else max(2 * int(doc["precision"]), 256), 16)
    except (KeyError, TypeError, ValueError, UrnnSymError) as exc:
        return Check(False, method, f"the document does not record a certificate: {type(exc).__name__}: {exc}")
    boxes = [parse_enclosure(e) for e in equilibrium]
    n, d, p = rnn.n, rnn.d, rnn.p
    if act not in ("sigmoid", "tanh") or rnn.activation != act or len(boxes) != n or None in boxes:
        return Check(False, method, f"activation {act!r} or the {len(boxes)} equilibrium balls do not fit the RNN")
    params = rational_parameters(rnn)
    W = sympy.Matrix([[sympy.Rational(v.p, v.q) for v in row] for row in params["W"].tolist()])
    rank_W, r = W.rank(), len(rows)
    if rank_W != recorded_rank:
        return Check(False, method, f"rank W = {rank_W} over Q, not the recorded {recorded_rank}")
    if act == "tanh" and rank_W != 0:
        # a tanh URNN (Lipschitz 1) need not converge to its equilibrium, so the Hankel argument covers
        # only memoryless tanh RNNs; sigmoid URNNs contract (Lipschitz 1/4) and are covered for every W
        return Check(False, method, f"tanh with rank W = {rank_W} > 0: the certificate covers only W = 0 for tanh")
    if r != len(cols) or r <= rank_W or not all(0 <= i < n * p for i in rows) or not all(0 <= j < n * d for j in cols):
        return Check(False, method, f"rows {rows}, columns {cols}: not a minor of H of order > rank W = {rank_W}")
    L = spectral_norm_upper_bound(params["W"]) * (Fraction(1, 4) if act == "sigmoid" else 1)
    if L >= 1:
        return Check(False, method, f"h -> phi(W h + b) is not certified contractive (Lipschitz <= {L})")
    with working_precision(bits):
        Wb, b = flint.arb_mat(params["W"]), flint.arb_mat(params["b"])
        c = flint.arb_mat([[flint.arb(flint.fmpq(m.numerator, m.denominator))] for m, _ in boxes])  # type: ignore[misc]
        z = Wb * c + b
        residual = sum(((ball_activation(act, z[i, 0]) - c[i, 0]) ** 2 for i in range(n)), flint.arb(0)).sqrt()
        radius = (residual / (1 - flint.arb(flint.fmpq(L.numerator, L.denominator)))).upper()
        hbar = [flint.arb(c[i, 0], radius) for i in range(n)]
        lam = [h * (1 - h) if act == "sigmoid" else 1 - h * h for h in hbar]
        Lam = flint.arb_mat(n, n, [lam[i] if i == j else 0 for i in range(n) for j in range(n)])
        A, P, C = Lam * Wb, Lam * flint.arb_mat(params["F"]), flint.arb_mat(params["C"])
        markov = []
        for _ in range(max(rows) // p + max(cols) // d + 1):
            markov.append(C * P)
            P = A * P
        det = flint.arb_mat([[markov[i // p + j // d][i % p, j % d] for j in cols] for i in rows]).det()
    method += f" at {bits} bits"
    if det.contains(0):
        return Check(False, method, f"the minor on rows {rows}, columns {cols} of H is {det.str(10)}, which contains 0")
    detail = f"rank H >= {r} > rank W = {rank_W}: the minor on rows {rows}, columns {cols} of H is {det.str(10)}"
    return Check(True, method, detail, {"precision": bits, "order": r})
