"""Tests of urnn_sym.construct.scaling: the certified diagonal-similarity search."""

from __future__ import annotations

from fractions import Fraction as Q

import flint
import numpy as np
import pytest
import sympy

from urnn_sym.construct.hypotheses import is_contractive
from urnn_sym.construct.scaling import contracting_scaling, scaled_matrix, scaled_norm_infimum
from urnn_sym.errors import ShapeError, UnsupportedError

pytestmark = pytest.mark.timeout(120)


@pytest.mark.parametrize("K", [[[Q(1, 2), 4], [0, Q(1, 2)]], [[0, 9, 0], [0, 0, 9], [0, 0, Q(1, 3)]]])
def test_exact_scaling_is_certified(K) -> None:
    ell = contracting_scaling(K)
    assert ell is not None and max(ell) == 1 and min(ell) > 0
    assert is_contractive(scaled_matrix(K, ell)).holds and not is_contractive(K).holds


def test_algebraic_scaling_is_certified_exactly() -> None:
    K = [[sympy.sqrt(2) / 4, 3], [0, Q(1, 2)]]
    ell = contracting_scaling(K)
    assert ell is not None and is_contractive(scaled_matrix(K, ell)).holds and not is_contractive(K).holds


def test_float_scaling() -> None:
    W = np.array([[0.5, 3.0], [0.0, -0.25]])
    ell = contracting_scaling(W)
    assert ell is not None and np.linalg.norm(scaled_matrix(W, ell), 2) < 1


def test_no_scaling_when_the_spectral_radius_is_one_or_more() -> None:
    # every similarity keeps the eigenvalue 1, so ||L W L^-1|| >= 1
    assert contracting_scaling([[1, 2], [0, Q(1, 2)]], max_iter=200) is None


def test_scaled_matrix_is_exact() -> None:
    got = scaled_matrix([[Q(1, 3), 2], [5, 0]], [Q(1), Q(1, 7)])
    assert got == flint.fmpq_mat(2, 2, [flint.fmpq(1, 3), 14, flint.fmpq(5, 7), 0])


@pytest.mark.parametrize(
    ("W", "error", "match"),
    [
        ([[1, 2, 3]], ShapeError, r"expected a square matrix but found shape \(1, 3\)"),
        ([[sympy.Symbol("w")]], UnsupportedError, "needs numeric entries .float64 or exact. but found symbolic"),
    ],
)
def test_bad_input(W, error, match) -> None:
    with pytest.raises(error, match=match):
        contracting_scaling(W)


@pytest.mark.parametrize(
    "W",
    [
        [[0.1, 1e12], [0.0, 0.1]],
        [[0.9, 1e300], [0.0, 0.5]],
        [[0.5, 1e8, 0.0], [0.0, 0.5, 1e8], [0.0, 0.0, 0.5]],
        [[1e-300, 1.0], [1e300, 0.0]],
    ],
)
def test_extreme_entries_give_a_certified_answer_or_none(W) -> None:
    # the searches used to step to scalings whose exp overflowed (NaN, then "SVD did not converge")
    W = np.array(W)
    with np.errstate(all="raise"):
        ell = contracting_scaling(W)
    assert ell is None or np.linalg.norm(scaled_matrix(W, ell), 2) < 1


def test_scaled_norm_infimum_reaches_the_spectral_radius_of_a_triangular_matrix() -> None:
    W = np.array([[0.5, 2.0, 0.0], [0.0, -0.25, 3.0], [0.0, 0.0, 0.5]])
    est = scaled_norm_infimum(W)
    assert 0.5 <= est < 0.5 + 1e-4 < np.linalg.norm(W, 2)
    assert scaled_norm_infimum([[Q(1), Q(1)], [Q(0), Q(1)]]) >= 1  # eigenvalue 1: no scaling goes below 1
