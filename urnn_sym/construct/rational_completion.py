"""A fully rational orthogonal completion of a rational strict contraction (at most 5n states).

The LDL^T completion (:mod:`urnn_sym.construct.ldl`) needs one square root per pivot.
To stay in Q (docs/tutorials/theorem1.md, "A fully rational URNN"):

1. ``I - W^T W = L Λ L^T`` exactly, every pivot ``λ_i > 0`` (the certificate of
   ``||W||_2 < 1``);
2. each ``λ_i = a_1^2 + ... + a_k^2`` with rationals a (``k_i <= 4``: Lagrange;
   found by :func:`urnn_sym.numbers.foursquare.rational_squares`, randomised, no
   factoring);  the rows ``a_t r_i`` (``r_i`` = row i of ``L^T``) form a
   rational ``B'`` with ``B'^T B' = Σ λ_i r_i^T r_i = I - W^T W``;
3. ``[W; B']`` has orthonormal columns, and rational Householder reflections
   (:func:`urnn_sym.construct.householder.householder_completion`) extend it to a rational
   orthogonal ``(n + k) x (n + k)`` U, ``k = Σ k_i <= 4n``.

Examples
--------
>>> c = rational_completion(flint.fmpq_mat([[flint.fmpq(1, 2)]]))
>>> c.extra_states, c.squares, c.Y.tolist()
(3, (3,), [[1/2], [1/2], [1/2]])
>>> bool(c.orthogonal), c.U.transpose() * c.U == arith("exact").eye(4)
(True, True)
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import flint

from urnn_sym.construct.householder import householder_completion
from urnn_sym.construct.ldl import ldl_factor
from urnn_sym.evidence import Check
from urnn_sym.numbers.arith import arith
from urnn_sym.numbers.foursquare import rational_squares

__all__ = ["RationalCompletion", "rational_completion"]


@dataclass(frozen=True)
class RationalCompletion:
    """A rational orthogonal ``U = [[W, X], [B', Z]]`` with ``B'^T B' = I - W^T W`` (``n + k`` states).

    Attributes
    ----------
    U : flint.fmpq_mat
        Orthogonal, ``U[:n, :n] = W``.
    Y : flint.fmpq_mat
        ``B'`` (k x n), the rows that feed the extra states.
    squares : tuple of int
        ``k_i``: how many rational squares pivot i took (1 for a rational
        square, 2 or 3 when found cheaply, else 4).
    method : str
        How U was built and why it has this many states.
    orthogonal : Check
        ``U^T U == I`` exactly (python-flint).
    """

    U: flint.fmpq_mat
    Y: flint.fmpq_mat
    squares: tuple[int, ...]
    method: str
    orthogonal: Check

    @property
    def extra_states(self) -> int:
        """``k = Σ k_i``, the number of added states."""
        return self.Y.nrows()


def rational_completion(W: flint.fmpq_mat, *, seed: int = 0) -> RationalCompletion:
    """A rational orthogonal completion of a rational W with ``||W||_2 < 1``, with ``n + k <= 5n`` states.

    Parameters
    ----------
    W : flint.fmpq_mat
        Square, rational, ``||W||_2 < 1``.
    seed : int
        Seed of the randomised four-square search (the result is reproducible).

    Returns
    -------
    RationalCompletion

    Raises
    ------
    NotContractiveError
        ``||W||_2 >= 1`` (a pivot of ``I - W^T W`` is not positive).

    Notes
    -----
    docs/tutorials/theorem1.md, "A fully rational URNN".  The number of states is
    ``n + Σ k_i``; a pivot costs one extra state when it is a rational square,
    and up to four otherwise.
    """
    n = W.nrows()
    eye = arith("exact").eye(n)
    P = eye - W.transpose() * W
    L, lam = ldl_factor(P, name="I - W^T W")
    Lt = L.transpose()
    rows: list[list[Any]] = []
    counts = []
    for i, x in enumerate(lam):
        parts = rational_squares(x, seed=seed + i)
        counts.append(len(parts))
        ri = [Lt[i, j] for j in range(n)]
        rows += [[a * v for v in ri] for a in parts]
    B = flint.fmpq_mat(rows)
    V = flint.fmpq_mat([[W[i, j] for j in range(n)] for i in range(n)] + rows)
    gram = V.transpose() * V == eye
    U = householder_completion(V, check=False) if gram else V  # U^T U = I is checked below
    m = U.nrows()
    ok = bool(gram and U.ncols() == m and U.transpose() * U == arith("exact").eye(m))
    check = Check(
        ok,
        "exact rational U^T U == I (python-flint), after [W; B']^T [W; B'] == I",
        "U^T U == I" if ok else "U^T U != I",
        {"squares": counts},
    )
    k = sum(counts)
    tally = {c: counts.count(c) for c in sorted(set(counts))}
    why = ", ".join(f"{t} pivot{'s' if t > 1 else ''} with {c} square{'s' if c > 1 else ''}" for c, t in tally.items())
    method = (
        f"rational completion: {n} + {k} states; I - W^T W = L Λ L^T over Q and each pivot λ_i written as a sum of "
        f"rational squares ({why}; a rational square takes 1), then rational Householder reflections"
    )
    return RationalCompletion(U, B, tuple(counts), method, check)
