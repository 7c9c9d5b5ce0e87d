"""Exact RNN pairs shared by test modules: rational-defect Theorem 1 pairs and small fixed examples."""

from __future__ import annotations

import random
from fractions import Fraction as Q

import flint

from urnn_sym import RNN
from urnn_sym.construct.rational import cayley
from urnn_sym.numbers.norms import row_norm_upper_bounds, spectral_norm_upper_bound, vector_norm_upper_bound


def _fm(rows):
    return flint.fmpq_mat([[flint.fmpq(v.numerator, v.denominator) for v in r] for r in rows])


def random_orthogonal(n: int, rng: random.Random) -> flint.fmpq_mat:
    """The Cayley transform of a random rational skew-symmetric n x n matrix."""
    K = [[Q(0)] * n for _ in range(n)]
    for i in range(n):
        for j in range(i + 1, n):
            K[i][j] = Q(rng.randint(-4, 4), rng.randint(1, 4))
            K[j][i] = -K[i][j]
    return cayley(_fm(K))


def theorem1_pair(n: int, *, M=Q(1), seed: int = 0, slack=Q(1)) -> tuple[RNN, RNN]:
    """A rational-defect Theorem 1 pair (math.md section 2, route (a)); slack < 1 weakens b2."""
    rng = random.Random(seed)
    P, Qm = random_orthogonal(n, rng), random_orthogonal(n, rng)
    ts = [Q(rng.randint(1, 9), 10) for _ in range(n)]
    S = _fm([[2 * t / (1 + t * t) if i == j else 0 for j in range(n)] for i, t in enumerate(ts)])
    De = _fm([[(1 - t * t) / (1 + t * t) if i == j else 0 for j in range(n)] for i, t in enumerate(ts)])
    W, D, Ds = P * S * Qm.transpose(), Qm * De * Qm.transpose(), P * De * P.transpose()
    F = [[Q(rng.randint(-3, 3), 2)] for _ in range(n)]
    b = [Q(rng.randint(-3, 3), 4) for _ in range(n)]
    C = [[Q(rng.randint(-2, 2)) for _ in range(n)]]
    w = max(2 * t / (1 + t * t) for t in ts)
    H = (spectral_norm_upper_bound(F) * M + vector_norm_upper_bound(b)) / (1 - w)
    b2 = [-c * H * slack for c in row_norm_upper_bounds(D)]

    def rows(A):
        return [[A[i, j] for j in range(A.ncols())] for i in range(A.nrows())]

    Wt = W.transpose()
    U = [r1 + r2 for r1, r2 in zip(rows(W), rows(Ds), strict=True)]
    U += [r1 + [-v for v in r2] for r1, r2 in zip(rows(D), rows(Wt), strict=True)]
    return RNN(W, F, b, C), RNN(U, F + [[0]] * n, b + b2, [C[0] + [0] * n])


A1 = RNN([[Q(3, 5)]], [[1]], [0], [[1]])
U1 = RNN([[Q(3, 5), Q(4, 5)], [Q(4, 5), Q(-3, 5)]], [[1], [0]], [0, -2], [[1, 0]])
# b2 weakened: the extra state can switch on at step 5 (after h has grown), outputs differ from step 6
LATE = RNN([[Q(3, 5), Q(4, 5)], [Q(4, 5), Q(-3, 5)]], [[1], [0]], [0, Q(-44, 25)], [[1, 0]])
