"""Theorem 1 shape and the inductive invariants (ball, box) with their exact certificates.

An all-horizon proof (math.md section 2) applies to a pair whose larger
network's state is ``[h; 0]`` up to a permutation: :func:`match_theorem1_shape`
finds the permutation by exact comparison.  The induction then needs a set S of
states with three one-step facts (*obligations*): ``h0`` in S, S invariant under
one RNN step, and every extra pre-activation ``<= 0`` on S.  This module builds
and checks the two kinds of S in exact arithmetic:

ball ``||h||_2 <= H``
    The norm-bound lemma: certified upper bounds on ``||W||_2``, ``||F||_2``,
    ``||b||_2``, ``||h0||_2`` (each re-verified by an exact PSD test) and
    ``H = max(||h0||, (||F|| M + ||b||) / (1 - ||W||))`` when ``||W|| < 1``.
box ``l <= h <= u``
    Found by interval iteration with widening; invariance and extra-off are
    exact interval images of linear forms over the box.

The same checkers serve the proof and the independent re-check
(:func:`urnn_sym.smt.check.recheck_verdict`).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from fractions import Fraction
from typing import Any

import flint
import sympy

from urnn_sym.model import RNN
from urnn_sym.numbers.arith import as_fraction, exact_sign
from urnn_sym.numbers.norms import (
    is_psd,
    quick_norm_upper_bound,
    spectral_norm_upper_bound,
    sqrt_upper,
    vector_norm_upper_bound,
)
from urnn_sym.numbers.scalars import radical_parts
from urnn_sym.smt.solver import Num, enclose, is_zero, num, read_num, sign, simplify
from urnn_sym.smt.unrolling import Net
from urnn_sym.verdict import Obligation

__all__ = ["Shape", "match_theorem1_shape"]


# ------------------------------------------------------------------------------
# Theorem 1 shape
# ------------------------------------------------------------------------------


@dataclass(frozen=True)
class Shape:
    """``b``'s states ``perm[i]`` copy ``a``'s state i; the states ``extra`` start at 0.

    Attributes
    ----------
    perm : tuple of int
        ``perm[i]`` is the state of the larger network that copies state i.
    extra : tuple of int
        The other states of the larger network (zero along every trajectory
        when the induction succeeds).
    """

    perm: tuple[int, ...]
    extra: tuple[int, ...]


def _same(u: Num, v: Num) -> bool:
    return u == v if isinstance(u, Fraction) and isinstance(v, Fraction) else is_zero(num(u - v))


def shape_of(a: Net, b: Net) -> Shape | str:
    n, m = a.n, b.n
    if m < n:
        return f"b has {m} states, fewer than a's {n}"

    def local(i: int, j: int) -> bool:
        return (
            _same(a.W[i][i], b.W[j][j])
            and _same(a.b[i], b.b[j])
            and _same(a.h0[i], b.h0[j])
            and all(_same(u, v) for u, v in zip(a.F[i], b.F[j], strict=True))
            and all(_same(a.C[r][i], b.C[r][j]) for r in range(len(a.C)))
        )

    cands = [[j for j in range(m) if local(i, j)] for i in range(n)]
    for i, c in enumerate(cands):
        if not c:
            return f"no state of b copies state {i} of a (W[i, i], F[i], b[i], C[:, i] and h0[i] must agree exactly)"

    def extend(perm: list[int]) -> list[int] | None:
        i = len(perm)
        if i == n:
            return perm
        for j in cands[i]:
            if j in perm:
                continue
            if all(_same(a.W[i][k], b.W[j][perm[k]]) and _same(a.W[k][i], b.W[perm[k]][j]) for k in range(i)):
                found = extend([*perm, j])
                if found is not None:
                    return found
        return None

    perm = extend([])
    if perm is None:
        return "no permutation of b's states has a's W as its top-left block"
    extra = tuple(j for j in range(m) if j not in perm)
    nonzero = [j for j in extra if not is_zero(b.h0[j])]
    if nonzero:
        return f"the extra states {nonzero} of b do not start at 0 (h0[{nonzero[0]}] = {b.h0[nonzero[0]]})"
    if not a.relu or not b.relu:
        return "the Theorem 1 induction needs ReLU in both networks"
    return Shape(tuple(perm), extra)


def match_theorem1_shape(rnn: RNN, urnn: RNN) -> Shape | str:
    """The permutation under which ``urnn``'s state is ``[h; 0]`` for ``rnn``'s state h, or why none exists.

    Exact comparison: ``urnn``'s W, F, b, C and h0 restricted to the states
    ``perm`` equal ``rnn``'s, and the other (extra) states start at 0.

    Parameters
    ----------
    rnn : RNN
        The n-state network.
    urnn : RNN
        The larger network (m >= n states).

    Returns
    -------
    Shape or str
        The matching ``Shape(perm, extra)``, or the reason no match exists.

    Examples
    --------
    >>> from urnn_sym import RNN
    >>> a = RNN([[0]], [[1]], [0], [[1]])
    >>> match_theorem1_shape(a, RNN([[1, 0], [0, 0]], [[0], [1]], [0, 0], [[0, 1]]))
    Shape(perm=(1,), extra=(0,))
    """
    return shape_of(Net.of(rnn), Net.of(urnn))


# ------------------------------------------------------------------------------
# inductive invariants: ball (norm-bound lemma) and box (exact interval images)
# ------------------------------------------------------------------------------


def _input_2norm_upper(M: Fraction, norm: str, d: int) -> Fraction:
    """An upper bound on ``||x||_2`` over the input set (``sqrt(d) M`` for the inf-norm)."""
    return M if norm == "2" or d == 1 else sqrt_upper(d * M * M)


def _input_term_upper(row: list[Num], M: Fraction, norm: str) -> Fraction:
    """An upper bound on ``max g.x`` over the input set (``||g||_1 M`` or ``||g||_2 M``)."""
    if norm == "inf" or len(row) == 1:
        return sum((max(abs(lo), abs(hi)) for lo, hi in map(enclose, row)), Fraction(0)) * M
    return vector_norm_upper_bound(row) * M if any(not is_zero(v) for v in row) else Fraction(0)


def _sub(rows: list[list[Num]], ri: Sequence[int], ci: Sequence[int]) -> list[list[Num]]:
    return [[rows[i][j] for j in ci] for i in ri]


def _squared(v: Num) -> Num:
    """``v^2``; rational without sympy for a rational or a one-radical ``q*sqrt(m)``."""
    if isinstance(v, Fraction):
        return v * v
    parts = radical_parts(v)
    return parts[0] * parts[0] * parts[1] if parts is not None else simplify(v * v)


def _row_sq(row: list[Num], cols: Sequence[int]) -> Num:
    """``sum_i row[i]^2`` over ``cols``."""
    terms = [_squared(row[i]) for i in cols]
    if all(isinstance(t, Fraction) for t in terms):
        return sum(terms, Fraction(0))
    return simplify(sum(terms, Fraction(0)))


def ball_certificate(a: Net, b: Net, shape: Shape, M: Fraction, norm: str) -> dict[str, Any]:
    """The numbers of the norm-bound lemma (math.md section 2) for the ball ``||h||_2 <= H``."""
    prec = Fraction(1, 2**60)
    w = quick_norm_upper_bound(a.W)
    if w >= 1:
        w = spectral_norm_upper_bound(a.W, precision=prec)
    f = spectral_norm_upper_bound(a.F, precision=prec)
    beta = vector_norm_upper_bound(a.b) if any(not is_zero(v) for v in a.b) else Fraction(0)
    eta = vector_norm_upper_bound(a.h0) if any(not is_zero(v) for v in a.h0) else Fraction(0)
    M2 = _input_2norm_upper(M, norm, len(a.F[0]))
    H = eta if w >= 1 else max(eta, (f * M2 + beta) / (1 - w))
    extra = [
        {
            "state": j,
            "row_norm_sq": _row_sq(b.W[j], shape.perm),
            "input_term_upper": _input_term_upper(b.F[j], M, norm),
            "bias": b.b[j],
        }
        for j in shape.extra
    ]
    return {
        "kind": "ball",
        "H": H,
        "norm_W_upper": w,
        "norm_F_upper": f,
        "norm_b_upper": beta,
        "norm_h0_upper": eta,
        "input_2norm_upper": M2,
        "extra": extra,
    }


def _psd_bound(rows: list[list[Num]], r: Fraction) -> bool:
    """Exact test ``r >= ||A||_2`` via ``r^2 I - A^T A`` PSD."""
    if r < 0:
        return False
    if all(isinstance(v, Fraction) for row in rows for v in row):
        A = flint.fmpq_mat([[flint.fmpq(v.numerator, v.denominator) for v in row] for row in rows])
        G = A.transpose() * A
        n = G.nrows()
        shift = flint.fmpq_mat(
            n, n, [flint.fmpq(r.numerator, r.denominator) ** 2 if i == j else 0 for i in range(n) for j in range(n)]
        )
        return is_psd(shift - G)
    S = sympy.Matrix([[sympy.sympify(v) for v in row] for row in rows])
    G = (S.T * S).applyfunc(sympy.expand)
    return is_psd(sympy.ImmutableMatrix(sympy.Rational(r.numerator, r.denominator) ** 2 * sympy.eye(S.cols) - G))


def _sq_le(vec: Sequence[Num], r: Fraction) -> bool:
    """Exact test ``||vec||_2 <= r``."""
    s = sum((sympy.sympify(v) ** 2 for v in vec), sympy.Integer(0))
    return r >= 0 and exact_sign(sympy.Rational(r.numerator, r.denominator) ** 2 - sympy.expand(s)) >= 0


def _approx(q: Fraction) -> str:
    """Six significant digits of a rational of any size (``float(q)`` overflows beyond 1e308)."""
    if abs(q) < 10**300:
        return f"{float(q):.6g}"
    return str(flint.arb(flint.fmpq(q.numerator, q.denominator)).str(6, radius=False))


def _obligation(name: str, statement: str, ok: bool, method: str, detail: str, **data: Any) -> Obligation:
    return Obligation(name, statement, "proved" if ok else "refuted", method, detail, data)


def check_ball(a: Net, b: Net, shape: Shape, M: Fraction, norm: str, cert: dict[str, Any]) -> list[Obligation]:
    """Verify the ball certificate in exact arithmetic (used by the proof and by the re-check)."""
    H, w, f = (as_fraction(cert[k]) for k in ("H", "norm_W_upper", "norm_F_upper"))
    beta, eta, M2 = (as_fraction(cert[k]) for k in ("norm_b_upper", "norm_h0_upper", "input_2norm_upper"))
    d = len(a.F[0])
    lemma = "exact certificate: norm-bound lemma (math.md section 2)"
    bounds_ok = (
        _psd_bound(a.W, w)
        and _psd_bound(a.F, f)
        and _sq_le(a.b, beta)
        and _sq_le(a.h0, eta)
        and (M * M if norm == "2" else d * M * M) <= M2 * M2
    )
    grow = w * H + f * M2 + beta
    obl = [
        _obligation(
            "init",
            "h0 lies in the ball ||h||_2 <= H",
            bounds_ok and eta <= H,
            lemma,
            f"||h0||_2 <= {eta} <= H = {H}",
        ),
        _obligation(
            "invariance",
            "||h||_2 <= H and x in X_M imply ||relu(W h + F x + b)||_2 <= H",
            bounds_ok and grow <= H,
            lemma + ": ||relu(z)|| <= ||W|| H + ||F|| ||x|| + ||b||",
            f"{w} * H + {f} * {M2} + {beta} = {_approx(grow)} <= H = {_approx(H)}"
            + ("" if bounds_ok else " (a norm bound failed its exact PSD test)"),
        ),
    ]
    worst = None
    ok = bounds_ok
    for e in cert["extra"]:
        j = int(e["state"])
        g, c = as_fraction(e["input_term_upper"]), read_num(e["bias"])
        row_sq = read_num(e["row_norm_sq"])
        row_ok = _same(row_sq, _row_sq(b.W[j], shape.perm)) and _same(c, b.b[j])
        row_ok = row_ok and g >= _input_term_upper(b.F[j], M, norm)
        # c + ||Y_j|| H + g <= 0  <=>  c + g <= 0 and ||Y_j||^2 H^2 <= (c + g)^2  (no square root rounded)
        value = c if g == 0 else simplify(c + g)
        gap = simplify(_squared(value) - row_sq * H * H)
        ok = ok and row_ok and sign(value) <= 0 and sign(gap) >= 0
        margin = enclose(gap)[0] if sign(value) <= 0 else Fraction(-1)
        worst = margin if worst is None else min(worst, margin)
    obl.append(
        _obligation(
            "extra-off",
            "on the ball, every extra pre-activation Y h + G x + c is <= 0",
            ok,
            lemma + ": |Y_i h| <= ||Y_i||_2 H, checked as (c_i + g_i)^2 >= ||Y_i||^2 H^2 with c_i + g_i <= 0",
            "no extra states" if worst is None else f"min_i ((c_i + g_i)^2 - ||Y_i||^2 H^2) >= {_approx(worst)}",
        )
    )
    return obl


def _box_image(
    net: Net, rows: Sequence[int], lower: list[Fraction], upper: list[Fraction], M: Fraction, norm: str
) -> list[tuple[Fraction, Fraction]]:
    """Exact ranges of the pre-activations ``rows`` of ``net`` over the box and the input set."""
    out = []
    for i in rows:
        lo = hi = Fraction(0)
        for j, (l_, u_) in enumerate(zip(lower, upper, strict=True)):
            cl, ch = enclose(net.W[i][j])
            prods = (cl * l_, cl * u_, ch * l_, ch * u_)
            lo, hi = lo + min(prods), hi + max(prods)
        g = _input_term_upper(net.F[i], M, norm)
        bl, bh = enclose(net.b[i])
        out.append((lo - g + bl, hi + g + bh))
    return out


def check_box(a: Net, b: Net, shape: Shape, M: Fraction, norm: str, cert: dict[str, Any]) -> list[Obligation]:
    lower = [as_fraction(v) for v in cert["lower"]]
    upper = [as_fraction(v) for v in cert["upper"]]
    method = "exact certificate: interval image of the box (exact for a linear form over a box)"
    init = all(lo <= enclose(h)[0] and enclose(h)[1] <= up for h, lo, up in zip(a.h0, lower, upper, strict=True))
    inv = _invariant_box(a, lower, upper, M, norm)
    ext = _box_image(_top_view(b, shape), range(len(shape.extra)), lower, upper, M, norm)
    worst = max((hi for _, hi in ext), default=None)
    return [
        _obligation("init", "h0 lies in the box l <= h <= u", init, method, f"{len(lower)} coordinates"),
        _obligation(
            "invariance", "h in the box and x in X_M imply relu(W h + F x + b) in the box", inv, method, "exact"
        ),
        _obligation(
            "extra-off",
            "on the box, every extra pre-activation Y h + G x + c is <= 0",
            worst is None or worst <= 0,
            method,
            "no extra states" if worst is None else f"max over the box <= {_approx(worst)}",
        ),
    ]


def _top_view(b: Net, shape: Shape) -> Net:
    """The extra rows of b seen as a network on the top states: W = Y, F = G, b = c."""
    return Net(
        _sub(b.W, shape.extra, shape.perm),
        [b.F[j] for j in shape.extra],
        [b.b[j] for j in shape.extra],
        [],
        [],
        True,
    )


def _round_out(lo: Fraction, hi: Fraction, bits: int = 32) -> tuple[Fraction, Fraction]:
    s = 2**bits
    return Fraction((lo.numerator * s) // lo.denominator, s), Fraction(-((-hi.numerator * s) // hi.denominator), s)


def _invariant_box(a: Net, lower: list[Fraction], upper: list[Fraction], M: Fraction, norm: str) -> bool:
    image = _box_image(a, range(a.n), lower, upper, M, norm)
    zero = Fraction(0)
    return all(
        max(lo, zero) >= l_ and max(hi, zero) <= u_ for (lo, hi), l_, u_ in zip(image, lower, upper, strict=True)
    )


def find_box(a: Net, M: Fraction, norm: str, iterations: int = 200) -> dict[str, Any] | str:
    """An invariant box found by interval iteration with widening, or why none was found.

    Each iterate is the hull of the previous box and its exact interval image
    (rounded outward to dyadics); from the third on, the iterate inflated by
    1/64, 1/4, 1 and 4 times its width is tested for invariance.
    """
    lower = [enclose(h)[0] for h in a.h0]
    upper = [enclose(h)[1] for h in a.h0]
    for it in range(iterations):
        image = _box_image(a, range(a.n), lower, upper, M, norm)
        hull = [
            _round_out(min(l_, max(lo, Fraction(0))), max(u_, max(hi, Fraction(0))))
            for (lo, hi), l_, u_ in zip(image, lower, upper, strict=True)
        ]
        lower, upper = [p[0] for p in hull], [p[1] for p in hull]
        for factor in (Fraction(1, 64), Fraction(1, 4), Fraction(1), Fraction(4)) if it >= 2 else ():
            widened = [
                _round_out(l_ - (u_ - l_) * factor, u_ + (u_ - l_) * factor + Fraction(1, 2**20)) for l_, u_ in hull
            ]
            wl, wu = [p[0] for p in widened], [p[1] for p in widened]
            if _invariant_box(a, wl, wu, M, norm):
                return {"kind": "box", "lower": wl, "upper": wu, "iterations": it + 1, "widening": factor}
        if max(u_ - l_ for l_, u_ in hull) > 2**64:
            return f"interval iteration diverges (width > 2^64 after {it + 1} steps)"
    return f"interval iteration did not reach an invariant box in {iterations} steps"
