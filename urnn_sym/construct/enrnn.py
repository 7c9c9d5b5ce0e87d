"""ENRNN-style block models ``W = blockdiag(Q, K)``: which URNN route applies, and eigenvalue normalisation.

An eigenvalue-normalised RNN (Helfrich and Ye, 2019) has a state whose
recurrence is orthogonal (``Q``) next to a state whose recurrence ``K`` has its
eigenvalues inside the unit disc.  For such a ReLU RNN (math.md section 2):

``"contractive"``
    ``||K||_2 < 1``: the minimal completion needs only ``r = rank(I - K^T K)``
    extra states (none for the Q block, which is already orthogonal), so a URNN
    with ``q + m + r`` states is equivalent on every horizon, against ``2(q + m)``
    for Theorem 1 applied to all of W.
``"scaled"``
    ``||K||_2 >= 1`` but a positive diagonal ``D`` makes ``||D K D^-1||_2 < 1``
    (found numerically, certified exactly); ReLU commutes with D, so the
    previous route applies to the scaled model.
``"finite-horizon"``
    neither could be established: only the finite-horizon construction applies.

Spectral radii are decided exactly through the Stein equation: ``rho(A) < t``
iff ``X - (A/t)^T X (A/t) = I`` has a positive definite solution.

>>> from fractions import Fraction as Q
>>> spectral_radius_below([[0, 4], [0, 0]], Q(1, 100)).holds
True
>>> route = enrnn_route([[0, -1, 0], [1, 0, 0], [0, 0, Q(1, 2)]], 2)
>>> route.route, route.extra_states, route.urnn_states
('contractive', 1, 4)
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from fractions import Fraction
from typing import Any

import flint
import numpy as np

from urnn_sym.construct.hypotheses import is_contractive, is_orthogonal
from urnn_sym.construct.scaling import contracting_scaling, scaled_matrix
from urnn_sym.errors import InvalidArgumentError, ShapeError, UnsupportedError
from urnn_sym.evidence import Check
from urnn_sym.model import RNN
from urnn_sym.numbers.arith import arith, as_fraction, is_float, is_rational, system_of, to_matrix
from urnn_sym.numbers.norms import ldl_pivots, spectral_norm_upper_bound

__all__ = [
    "EnrnnRoute",
    "diagonal_contraction",
    "enrnn_route",
    "normalize_eigenvalues",
    "spectral_radius_below",
    "spectral_radius_upper_bound",
]


def _rational(name: str, A: Any) -> flint.fmpq_mat:
    M = A if (is_float(A) or is_rational(A)) else to_matrix(name, A)
    if system_of(M) == "float64":
        M = to_matrix(name, M, system="exact")
    if not is_rational(M):
        raise UnsupportedError(f"{name}: exact spectral tests need rational entries (or float64, taken exactly)")
    if M.nrows() != M.ncols():
        raise ShapeError(f"{name}: expected a square matrix but found shape ({M.nrows()}, {M.ncols()})")
    return M


def spectral_radius_below(A: Any, t: Any) -> Check:
    """Whether ``rho(A) < t``, decided exactly by the Stein equation ``X - B^T X B = I``, ``B = A / t``.

    Parameters
    ----------
    A : matrix-like
        Square rational matrix (float64 entries are taken as their exact values).
    t : number
        Positive rational threshold.

    Returns
    -------
    Check
        Holds iff the Stein equation has a unique solution that is positive
        definite (exact LDL^T); by Lyapunov's theorem for discrete time this is
        equivalent to ``rho(A) < t``.
    """
    M = _rational("A", A)
    tq = as_fraction(t, name="t")
    if tq <= 0:
        raise InvalidArgumentError(f"t: expected a positive number but found {tq}")
    m = M.nrows()
    B = M * flint.fmpq(tq.denominator, tq.numerator)
    # vec(B^T X B) = (B^T kron B^T) vec(X) with column-major vec
    K = flint.fmpq_mat(m * m, m * m)
    for i in range(m):
        for j in range(m):
            for k in range(m):
                for l in range(m):
                    K[i * m + k, j * m + l] = B[j, i] * B[l, k]
    system = arith("exact").eye(m * m) - K
    rhs = flint.fmpq_mat(m * m, 1, [1 if i == j else 0 for j in range(m) for i in range(m)])
    method = "exact Stein equation X - (A/t)^T X (A/t) = I over Q, X tested by LDL^T"
    if system.rank() < m * m:
        return Check(False, method, f"rho(A) >= {tq}: the Stein operator is singular", {"t": tq})
    x = system.solve(rhs)
    X = flint.fmpq_mat(m, m, [x[j * m + i, 0] for i in range(m) for j in range(m)])
    kind, _ = ldl_pivots(X, name="X")
    if kind == "pd":
        return Check(True, method, f"rho(A) < {tq}: the Stein solution is positive definite", {"t": tq})
    return Check(False, method, f"rho(A) >= {tq}: the Stein solution is not positive definite", {"t": tq})


def spectral_radius_upper_bound(A: Any, *, precision: Any = Fraction(1, 2**20)) -> Fraction:
    """A rational ``t > rho(A)`` certified by :func:`spectral_radius_below`, within ``precision`` of it.

    Parameters
    ----------
    A : matrix-like
        Square rational (or float64) matrix.
    precision : number
        Width of the final bisection interval.

    Examples
    --------
    >>> spectral_radius_upper_bound([[0, 4], [0, 0]]) <= Fraction(1, 2**20)
    True
    """
    M = _rational("A", A)
    prec = as_fraction(precision, name="precision")
    est = float(np.max(np.abs(np.linalg.eigvals(_float(M))))) if M.nrows() else 0.0
    lo, hi = Fraction(0), Fraction(math.ceil((est + 2.0**-20) * 2**30), 2**30) + prec
    while not spectral_radius_below(M, hi):
        lo, hi = hi, 2 * hi
    while hi - lo > prec:
        mid = (lo + hi) / 2
        if mid > 0 and spectral_radius_below(M, mid):
            hi = mid
        else:
            lo = mid
    return hi


def _float(M: flint.fmpq_mat) -> np.ndarray:
    return np.array([float(int(x.p)) / float(int(x.q)) for x in M.entries()], dtype=float).reshape(M.nrows(), M.ncols())


def normalize_eigenvalues(A: Any, r: Any, *, precision: Any = Fraction(1, 2**20)) -> Any:
    """``(r / rho_bound) A``: a matrix with spectral radius at most ``r`` (ENRNN's eigenvalue normalisation).

    Parameters
    ----------
    A : matrix-like
        Square matrix; a float64 array gives a float64 result (``r A / rho(A)``
        with numpy eigenvalues), anything exact gives an exact rational result
        scaled by a certified upper bound of ``rho(A)``, so ``rho <= r`` exactly
        and ``rho >= r (1 - precision / rho_bound)``.
    r : number
        Target radius, ``0 < r < 1``.
    precision : number
        Exact mode: width of the certified bound on ``rho(A)``.

    Examples
    --------
    >>> K = normalize_eigenvalues([[2, 1], [0, 2]], Fraction(9, 10))
    >>> spectral_radius_below(K, Fraction(9, 10)).holds, spectral_radius_below(K, Fraction(89, 100)).holds
    (True, False)
    """
    rq = as_fraction(r, name="r")
    if not 0 < rq < 1:
        raise InvalidArgumentError(f"r: expected 0 < r < 1 but found {rq}")
    if isinstance(A, np.ndarray) and A.dtype.kind == "f":
        rho = float(np.max(np.abs(np.linalg.eigvals(A))))
        return A * (float(rq) / rho) if rho > 0 else A.copy()
    M = _rational("A", A)
    bound = spectral_radius_upper_bound(M, precision=precision)
    return M * flint.fmpq(rq.numerator * bound.denominator, rq.denominator * bound.numerator)


def diagonal_contraction(K: Any, *, max_iter: int = 2000) -> list[Fraction] | None:
    """Positive rationals ``d_i`` with ``||D K D^-1||_2 < 1`` (D = diag(d)), certified exactly, or None.

    Parameters
    ----------
    K : matrix-like
        Square rational (or float64, converted exactly) matrix.
    max_iter : int
        Iterations of the last (Nelder-Mead) stage of the search.

    Returns
    -------
    list of Fraction or None
        The diagonal of D.

    Notes
    -----
    :func:`urnn_sym.construct.scaling.contracting_scaling` on the exact K: the search is
    numerical; only the returned D is a claim, and it is checked by the exact
    test ``I - (D K D^-1)^T (D K D^-1)`` positive definite.
    """
    return contracting_scaling(_rational("K", K), max_iter=max_iter)


@dataclass(frozen=True)
class EnrnnRoute:
    """Which URNN construction applies to ``W = blockdiag(Q, K)``.

    Attributes
    ----------
    route : str
        ``"contractive"``, ``"scaled"`` or ``"finite-horizon"``.
    q, m : int
        Sizes of the Q and K blocks.
    extra_states : int or None
        ``rank(I - K'^T K')`` for the (scaled) block ``K'``; None on the
        finite-horizon route.
    urnn_states : int or None
        ``q + m + extra_states``, against ``2 (q + m)`` for Theorem 1 on all of W.
    scaling : list of Fraction or None
        The certified diagonal D of the ``"scaled"`` route.
    checks : dict
        The :class:`Check` of every hypothesis (Q orthogonal, rho(K) < 1, ||K|| < 1, ...).
    reason : str
        One sentence stating the route and what established it.
    """

    route: str
    q: int
    m: int
    extra_states: int | None
    urnn_states: int | None
    scaling: list[Fraction] | None
    checks: dict[str, Check]
    reason: str

    @classmethod
    def finite_horizon(cls, q: int, m: int, checks: dict[str, Check], reason: str) -> EnrnnRoute:
        """The route when no construction for every horizon is established (no state counts, no scaling).

        Parameters
        ----------
        q, m : int
            Sizes of the Q and K blocks.
        checks : dict of str to Check
            The checks made so far.
        reason : str
            Why only the finite-horizon construction applies.

        Returns
        -------
        EnrnnRoute
        """
        return cls("finite-horizon", q, m, None, None, None, checks, reason)


def enrnn_route(W: Any, q: int) -> EnrnnRoute:
    """Report the URNN route for a recurrence ``W = blockdiag(Q, K)`` whose first ``q`` states form Q.

    Parameters
    ----------
    W : matrix-like or RNN
        The recurrence (or an RNN whose W is used), rational or float64 (taken exactly).
    q : int
        Size of the orthogonal block, ``0 <= q <= n``.

    Returns
    -------
    EnrnnRoute

    Examples
    --------
    >>> r = enrnn_route([[1, 0, 0], [0, 0, 3], [0, "1/12", 0]], 1)
    >>> r.route, r.scaling is not None, r.urnn_states
    ('scaled', True, 5)
    >>> enrnn_route([[1, 0], [0, 2]], 1).route
    'finite-horizon'
    """
    M = _rational("W", W.native("W") if isinstance(W, RNN) else W)
    n = M.nrows()
    if not isinstance(q, int) or not 0 <= q <= n:
        raise InvalidArgumentError(f"q: expected an integer 0..{n} (size of the Q block) but found {q!r}")
    m = n - q
    off = [M[i, j] for i in range(n) for j in range(n) if (i < q) != (j < q)]
    if any(x != 0 for x in off):
        raise InvalidArgumentError(
            f"W: expected blockdiag(Q, K) with a {q} x {q} Q block but an off-diagonal block is nonzero"
        )
    Qb = flint.fmpq_mat(q, q, [M[i, j] for i in range(q) for j in range(q)])
    Kb = flint.fmpq_mat(m, m, [M[i, j] for i in range(q, n) for j in range(q, n)])
    checks: dict[str, Check] = {}
    if q:
        checks["Q orthogonal"] = is_orthogonal(Qb)
        if not checks["Q orthogonal"]:
            raise InvalidArgumentError(
                f"W: the leading {q} x {q} block Q is not orthogonal ({checks['Q orthogonal'].detail})"
            )
    if m == 0:
        return EnrnnRoute("contractive", q, 0, 0, q, None, checks, "W is orthogonal: it is its own URNN")
    checks["rho(K) < 1"] = spectral_radius_below(Kb, 1)
    checks["||K|| < 1"] = is_contractive(Kb)
    ar = arith("exact")

    def defect_rank(K: flint.fmpq_mat) -> int:
        return ar.sub(ar.eye(m), ar.matmul(ar.transpose(K), K)).rank()

    if checks["||K|| < 1"]:
        r = defect_rank(Kb)
        return EnrnnRoute(
            "contractive",
            q,
            m,
            r,
            q + m + r,
            None,
            checks,
            f"||K||_2 < 1 (exact LDL^T): minimal completion of the K block adds rank(I - K^T K) = {r} states",
        )
    if not checks["rho(K) < 1"]:
        return EnrnnRoute.finite_horizon(
            q,
            m,
            checks,
            f"rho(K) >= 1 ({checks['rho(K) < 1'].detail}): no diagonal scaling can make K contractive; "
            "only the finite-horizon construction applies",
        )
    d = diagonal_contraction(Kb)
    if d is None:
        return EnrnnRoute.finite_horizon(
            q,
            m,
            checks,
            "rho(K) < 1 but ||K|| >= 1 and no certified diagonal D with ||D K D^-1|| < 1 was found; "
            "only the finite-horizon construction is established",
        )
    Ks = scaled_matrix(Kb, d)
    checks["||D K D^-1|| < 1"] = is_contractive(Ks)
    r = defect_rank(Ks)
    bound = spectral_norm_upper_bound(Ks, precision=Fraction(1, 2**20))
    return EnrnnRoute(
        "scaled",
        q,
        m,
        r,
        q + m + r,
        d,
        checks,
        f"||K||_2 >= 1 but ||D K D^-1||_2 <= {float(bound):.6g} < 1 for a positive diagonal D (exact LDL^T); "
        f"minimal completion of the scaled block adds {r} states",
    )
