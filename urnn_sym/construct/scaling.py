"""Positive diagonal similarities ``L W L^-1`` that make W contractive (math.md section 1).

ReLU commutes with positive diagonal scalings, so ``(L W L^-1, L F, L b, C L^-1,
L h0)`` is an exact equivalent of a ReLU RNN; when ``||L W L^-1||_2 < 1``,
Theorem 1 applies to the scaled network.  :func:`contracting_scaling` is the one
search for such an L in the package (``construct_urnn(scaling="auto")``, the
ENRNN route and the experiment's Theorem 1 link use it).

Examples
--------
>>> from fractions import Fraction as Q
>>> ell = contracting_scaling([[Q(1, 2), 2], [0, Q(1, 2)]])
>>> 4 <= ell[1] / ell[0] <= 64
True
"""

from __future__ import annotations

from collections.abc import Iterator
from fractions import Fraction
from typing import Any

import flint
import numpy as np
import sympy

from urnn_sym.construct.hypotheses import is_contractive
from urnn_sym.errors import ShapeError
from urnn_sym.numbers.arith import arith_of, is_float, is_rational, require_numeric
from urnn_sym.numbers.matrices import entries, system_of, to_matrix

__all__ = ["contracting_scaling", "scaled_matrix", "scaled_norm_infimum"]


def scaled_matrix(W: Any, scaling: list[Fraction]) -> Any:
    """``L W L^-1`` for ``L = diag(scaling)``, in W's number system (exactly for exact W).

    Parameters
    ----------
    W : matrix-like
        Square, float64 or exact (rational or algebraic).
    scaling : list of Fraction
        The positive diagonal of L.

    Returns
    -------
    numpy.ndarray, flint.fmpq_mat or sympy.ImmutableMatrix
        The similar matrix.

    Examples
    --------
    >>> from fractions import Fraction as Q
    >>> scaled_matrix([[0, 4], [0, 0]], [Q(1), Q(8)]).tolist()
    [[0, 1/2], [0, 0]]
    """
    M = _square(W)
    n = len(scaling)
    if isinstance(M, np.ndarray):
        ell = np.array([float(v) for v in scaling])
        return ell[:, None] * M / ell[None, :]
    ratios = [scaling[i] / scaling[j] for i in range(n) for j in range(n)]
    if is_rational(M):
        return flint.fmpq_mat(
            n, n, [v * flint.fmpq(r.numerator, r.denominator) for v, r in zip(entries(M), ratios, strict=True)]
        )
    return sympy.ImmutableMatrix(
        n, n, [v * sympy.Rational(r.numerator, r.denominator) for v, r in zip(entries(M), ratios, strict=True)]
    )


def _square(W: Any) -> Any:
    M = W if (is_float(W) or is_rational(W)) else to_matrix("W", W)
    require_numeric("W", system_of(M), "the diagonal scaling")
    n, m = M.shape if isinstance(M, np.ndarray) else arith_of(M).shape(M)
    if n != m:
        raise ShapeError(f"W: expected a square matrix but found shape ({n}, {m})")
    return M


def _floats(M: Any) -> np.ndarray:
    """The float64 values of a native square matrix, for the numerical searches."""
    if isinstance(M, np.ndarray):
        return np.asarray(M, dtype=float)
    n = arith_of(M).shape(M)[0]
    return np.array([float(v) for v in entries(M)]).reshape(n, n)


def _contractive(M: Any) -> bool:
    if isinstance(M, np.ndarray):
        return float(np.linalg.norm(M, 2)) < 1
    return bool(is_contractive(M))


_LOG_RANGE = 20.0  # |log l_i| <= 20: scalings within e^(+-20)


def _log_norm(Wf: np.ndarray, x: np.ndarray) -> float:
    """``log ||diag(e^x) W diag(e^-x)||_2``; inf when it overflows (the searches may step outside the box)."""
    ell = np.exp(np.clip(x - np.mean(x), -_LOG_RANGE, _LOG_RANGE))
    with np.errstate(all="ignore"):
        scaled = ell[:, None] * Wf / ell[None, :]
    if not np.all(np.isfinite(scaled)):
        return float("inf")
    try:
        return float(np.log(np.linalg.norm(scaled, 2) + 1e-300))
    except np.linalg.LinAlgError:
        return float("inf")


def _minimum(Wf: np.ndarray) -> Any:
    """The L-BFGS-B minimum of the log-norm over the box (a scipy ``OptimizeResult``)."""
    from scipy.optimize import minimize

    n = Wf.shape[0]
    return minimize(lambda x: _log_norm(Wf, x), np.zeros(n), method="L-BFGS-B", bounds=[(-_LOG_RANGE, _LOG_RANGE)] * n)


def scaled_norm_infimum(W: Any) -> float:
    """A numerical estimate (not a certificate) of ``min ||L W L^-1||_2`` over positive diagonal L.

    Parameters
    ----------
    W : matrix-like
        Square, float64 or exact (rational or algebraic).

    Returns
    -------
    float
        The smallest norm the search found, with ``|log l_i| <= 20``; at least
        the spectral radius of W.

    Examples
    --------
    >>> round(scaled_norm_infimum([[0.5, 2.0], [0.0, 0.5]]), 3)
    0.5
    """
    M = _square(W)
    Wf = _floats(M)
    return float(np.exp(_minimum(Wf).fun))


def _log_scalings(Wf: np.ndarray, max_iter: int) -> Iterator[np.ndarray]:
    """Candidate ``log l`` vectors, best first: moderate (near I), then the numerical minimum, then Nelder-Mead."""
    from scipy.optimize import minimize

    n = Wf.shape[0]
    box = [(-_LOG_RANGE, _LOG_RANGE)] * n

    def log_norm(x: np.ndarray) -> float:
        return _log_norm(Wf, x)

    best = _minimum(Wf)
    x = best.x - best.x.mean()
    if best.fun < 0:
        # The infimum may only be approached as some l_i -> 0 (e.g. a triangular W): first try the L closest
        # to I whose norm is halfway between the infimum and 1, which keeps the extra biases moderate.
        target = float(np.log((1 + np.exp(best.fun)) / 2))
        near = minimize(
            lambda y: float(y @ y),
            x,
            jac=lambda y: 2 * y,
            method="SLSQP",
            bounds=box,
            constraints=[{"type": "ineq", "fun": lambda y: target - log_norm(y)}],
        )
        if near.success and np.all(np.isfinite(near.x)) and log_norm(near.x) < 0:
            yield near.x
    yield x
    nm = minimize(
        lambda y: log_norm(y - y.mean()),
        np.zeros(n),
        method="Nelder-Mead",
        options={"maxiter": max_iter, "xatol": 1e-10, "fatol": 1e-12},
    )
    if np.all(np.isfinite(nm.x)):
        yield nm.x - nm.x.mean()


def contracting_scaling(W: Any, *, max_iter: int = 2000) -> list[Fraction] | None:
    """Positive rationals ``l`` with ``||diag(l) W diag(l)^-1||_2 < 1``, certified, or None.

    Parameters
    ----------
    W : matrix-like
        Square, float64 or exact (rational or algebraic).
    max_iter : int
        Iterations of the last, Nelder-Mead stage of the search.

    Returns
    -------
    list of Fraction or None
        The diagonal of L, largest entry 1; None when no candidate was certified.

    Notes
    -----
    The search is numerical (the log-norm is convex in ``log l``): L-BFGS-B for
    the minimum, then (SLSQP) the L closest to I whose norm is halfway between
    that minimum and 1, then Nelder-Mead.  Each candidate is rounded to
    rationals with 4, 8, 16, 32 bits of denominator, then exactly, and only a
    certified one is returned: for exact W by the exact test of
    :func:`urnn_sym.construct.hypotheses.is_contractive` on ``L W L^-1``, for float64 W by a
    float64 SVD (``sigma_max < 1``).
    """
    M = _square(W)
    Wf = _floats(M)
    for x in _log_scalings(Wf, max_iter):
        ell = np.exp(x - x.max())
        for bits in (4, 8, 16, 32, None):
            cand = [Fraction(float(v)) if bits is None else Fraction(float(v)).limit_denominator(2**bits) for v in ell]
            if all(v > 0 for v in cand) and _contractive(scaled_matrix(M, cand)):
                return cand
    return None
