"""Defect operators and unitary completions of a contraction (math.md section 2).

For a contraction ``W`` the defect operators ``D_W = (I - W^T W)^(1/2)`` and
``D_W* = (I - W W^T)^(1/2)`` make the Halmos block matrix

    U = [[W, D_W*], [D_W, -W^T]]

orthogonal.  How the square roots are found depends on the number system:

``float64``
    one SVD ``W = P S Q^T``: ``D_W = Q sqrt(I - S^2) Q^T``, ``D_W* = P sqrt(I - S^2) P^T``.
``exact``
    rational defect operators when they exist: from known factors
    (:class:`RationalSVD`, e.g. the rational-defect family of
    :mod:`urnn_sym.construct.rational`), or found from the exact spectrum of ``I - W^T W``
    (float guesses of the eigenvalues, verified by the exact identity
    ``prod (A - lambda_i I) = 0``; then ``D_W = p(A)`` for the interpolating
    polynomial ``p(lambda_i) = sqrt(lambda_i)``).  Otherwise algebraic numbers
    for ``n <= 2`` (closed form ``sqrt(A) = (A + sI) / sqrt(tr A + 2s)``,
    ``s = sqrt(det A)``), else :class:`UnsupportedError`.
``symbolic``
    the same closed forms for ``n <= 2`` when sympy can show ``I - W^T W`` PSD
    from the symbols' assumptions (or ``assume_contractive=True``).

The minimal completion adds only ``r = rank(I - W^T W)`` rows and columns: a
``Y`` (r x n) with ``Y^T Y = I - W^T W`` and an orthonormal completion of the
isometry ``[W; Y]`` by Householder reflections (rational for rational data).

The code lives in :mod:`urnn_sym.construct.defects` (defect operators, exact spectra),
:mod:`urnn_sym.construct.halmos` (the Halmos completion, orthogonality checks) and
:mod:`urnn_sym.construct.householder` (the minimal and Householder completions); this
module re-exports their public names.

Examples
--------
>>> from fractions import Fraction as Q
>>> c = unitary_completion([[Q(3, 5), 0], [0, Q(4, 5)]])
>>> c.U.tolist()
[[3/5, 0, 4/5, 0], [0, 4/5, 0, 3/5], [4/5, 0, -3/5, 0], [0, 3/5, 0, -4/5]]
>>> bool(c.orthogonal), c.method
(True, 'exact rational: spectrum of I - W^T W (2 eigenvalues, rational squares)')
"""

from __future__ import annotations

from urnn_sym.construct.defects import FLOAT_NORM_SLACK as FLOAT_NORM_SLACK
from urnn_sym.construct.defects import Defects, RationalSVD, defect_operators
from urnn_sym.construct.halmos import Completion, orthogonality_check, unitary_completion
from urnn_sym.construct.halmos import radical_free_zero as radical_free_zero
from urnn_sym.construct.householder import MinimalCompletion, householder_completion, minimal_completion

__all__ = [
    "Completion",
    "Defects",
    "MinimalCompletion",
    "RationalSVD",
    "defect_operators",
    "householder_completion",
    "minimal_completion",
    "orthogonality_check",
    "unitary_completion",
]
