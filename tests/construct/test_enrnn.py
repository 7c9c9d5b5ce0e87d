"""Tests of urnn_sym.construct.enrnn: exact spectral-radius tests, eigenvalue normalisation and the ENRNN routes."""

from __future__ import annotations

from fractions import Fraction as Q

import numpy as np
import pytest
from hypothesis import given, settings

from urnn_sym import RNN
from urnn_sym.construct.enrnn import (
    diagonal_contraction,
    enrnn_route,
    normalize_eigenvalues,
    spectral_radius_below,
    spectral_radius_upper_bound,
)
from urnn_sym.construct.hypotheses import is_contractive
from urnn_sym.errors import InvalidArgumentError, ShapeError, UnsupportedError
from urnn_sym.strategies import contractions, orthogonal_matrices

pytestmark = pytest.mark.timeout(120)

ROT = [[0, -1], [1, 0]]


@pytest.mark.parametrize(
    ("A", "t", "holds"),
    [
        ([[Q(1, 2)]], 1, True),
        ([[1]], 1, False),  # radius exactly 1: singular Stein operator
        ([[Q(-3, 2)]], 1, False),
        ([[0, 4], [0, 0]], Q(1, 1000), True),  # nilpotent, large norm
        (ROT, 1, False),
        (ROT, Q(1001, 1000), True),
        ([[Q(1, 2), 3], [0, Q(1, 2)]], Q(51, 100), True),
        ([[Q(1, 2), 3], [0, Q(1, 2)]], Q(1, 2), False),
    ],
)
def test_spectral_radius_below(A: list, t: object, holds: bool) -> None:
    assert bool(spectral_radius_below(A, t)) is holds


@pytest.mark.parametrize(
    ("call", "error", "message"),
    [
        (
            lambda: spectral_radius_below([[1, 2]], 1),
            ShapeError,
            r"A: expected a square matrix but found shape \(1, 2\)",
        ),
        (lambda: spectral_radius_below([[1]], 0), InvalidArgumentError, "t: expected a positive number but found 0"),
        (lambda: spectral_radius_below([["sqrt(2)"]], 1), UnsupportedError, "A: exact spectral tests need rational"),
        (lambda: normalize_eigenvalues([[1]], 1), InvalidArgumentError, "r: expected 0 < r < 1 but found 1"),
        (lambda: enrnn_route([[1, 0], [0, 0]], 3), InvalidArgumentError, "q: expected an integer 0..2"),
        (lambda: enrnn_route([[1, 1], [0, 0]], 1), InvalidArgumentError, "off-diagonal block is nonzero"),
        (lambda: enrnn_route([[2, 0], [0, 0]], 1), InvalidArgumentError, "block Q is not orthogonal"),
    ],
)
def test_bad_input(call, error: type, message: str) -> None:
    with pytest.raises(error, match=message):
        call()


def test_normalisation_exact_and_float() -> None:
    A = [[2, 1, 0], [0, -3, 1], [1, 0, 1]]
    K = normalize_eigenvalues(A, Q(9, 10))
    assert spectral_radius_below(K, Q(9, 10)) and not spectral_radius_below(K, Q(899, 1000))
    Kf = normalize_eigenvalues(np.array(A, dtype=float), 0.9)
    assert abs(np.max(np.abs(np.linalg.eigvals(Kf))) - 0.9) < 1e-12
    assert normalize_eigenvalues([[0, 1], [0, 0]], Q(1, 2)).nrows() == 2  # radius 0 stays nilpotent
    rho = spectral_radius_upper_bound([[Q(1, 2), 3], [0, Q(1, 2)]], precision=Q(1, 1000))
    assert Q(1, 2) < rho <= Q(1, 2) + Q(1, 1000)


@settings(max_examples=10)
@given(orthogonal_matrices(2, system="exact"), contractions(2, system="exact"))
def test_contractive_route(Qm, K) -> None:
    W = [[Qm[0, 0], Qm[0, 1], 0, 0], [Qm[1, 0], Qm[1, 1], 0, 0], [0, 0, K[0, 0], K[0, 1]], [0, 0, K[1, 0], K[1, 1]]]
    route = enrnn_route(RNN(W, [[1]] * 4, [0] * 4, [[1] * 4]), 2)
    assert route.route == "contractive" and route.urnn_states == 4 + route.extra_states
    assert route.extra_states == 2  # ||K|| < 1: I - K^T K is positive definite, of full rank


def test_scaled_route_is_certified() -> None:
    K = [[Q(1, 2), 4], [0, Q(1, 2)]]  # ||K|| > 4, rho = 1/2
    d = diagonal_contraction(K)
    assert d is not None
    scaled = [[K[i][j] * d[i] / d[j] for j in range(2)] for i in range(2)]
    assert is_contractive(scaled) and not is_contractive(K)
    route = enrnn_route([[1, 0, 0], [0, *K[0]], [0, *K[1]]], 1)
    assert route.route == "scaled" and route.urnn_states == 5 and route.checks["||D K D^-1|| < 1"]


def test_finite_horizon_routes() -> None:
    assert enrnn_route([[1, 0], [0, Q(3, 2)]], 1).route == "finite-horizon"
    K = [[Q(1, 2), Q(5, 2)], [Q(-3, 2), Q(1, 2)]]  # eigenvalues 1/2 +- i sqrt(15)/2, radius 2
    route = enrnn_route(K, 0)
    assert route.route == "finite-horizon" and "rho(K) >= 1" in route.reason
    assert enrnn_route(ROT, 2).urnn_states == 2
