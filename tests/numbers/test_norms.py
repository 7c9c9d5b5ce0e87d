"""Tests of urnn_sym.numbers.norms: exact PSD tests, certified norm bounds, predicates."""

from __future__ import annotations

from fractions import Fraction

import numpy as np
import pytest
import sympy
from hypothesis import given
from hypothesis import strategies as st

from urnn_sym.construct.hypotheses import is_contractive, is_orthogonal
from urnn_sym.errors import InvalidArgumentError, ShapeError, UnsupportedError
from urnn_sym.numbers.arith import to_matrix
from urnn_sym.numbers.norms import (
    is_psd,
    ldl_pivots,
    row_norm_upper_bounds,
    spectral_norm_bounds,
    spectral_norm_upper_bound,
    sqrt_upper,
)
from urnn_sym.strategies import contractions, orthogonal_matrices

pytestmark = pytest.mark.timeout(120)
Q = Fraction


@pytest.mark.parametrize(
    ("A", "kind"),
    [
        ([[1]], "pd"),
        ([[0]], "psd"),
        ([[-1]], "not psd"),
        ([[0, 0], [0, 1]], "psd"),
        ([[0, 1], [1, 0]], "not psd"),
        ([[1, 1], [1, 1]], "psd"),
        ([[2, -1, 0], [-1, 2, -1], [0, -1, 2]], "pd"),
        ([[1, 0, 0], [0, 0, 0], [0, 0, -1]], "not psd"),
        ([["sqrt(2)", 1], [1, "sqrt(2)/2"]], "psd"),
        ([["sqrt(2)", 1], [1, "1/2"]], "not psd"),
    ],
)
def test_ldl_classification(A: list, kind: str) -> None:
    assert ldl_pivots(A)[0] == kind


def test_ldl_bad_input() -> None:
    with pytest.raises(ShapeError, match=r"A: expected a square matrix but found shape \(1, 2\)"):
        ldl_pivots([[1, 2]])
    with pytest.raises(InvalidArgumentError, match="A: expected a symmetric matrix"):
        ldl_pivots([[1, 2], [3, 4]])
    with pytest.raises(UnsupportedError, match="free symbols"):
        ldl_pivots([[sympy.Symbol("a")]])


@given(st.lists(st.integers(-6, 6), min_size=9, max_size=9), st.integers(0, 40))
def test_psd_agrees_with_eigenvalues(vals: list[int], shift: int) -> None:
    B = np.array(vals).reshape(3, 3)
    G = B.T @ B  # PSD, often singular
    assert is_psd(G.tolist())
    shifted = G - shift * np.eye(3, dtype=int)
    eig_min = np.linalg.eigvalsh(shifted.astype(float))[0]
    if abs(eig_min) > 1e-6:
        assert is_psd(shifted.tolist()) == (eig_min > 0)


@pytest.mark.parametrize(
    ("W", "norm"),
    [
        ([[Q(3, 5), 0], [0, Q(-4, 5)]], Q(4, 5)),
        ([[0, 2], [0, 0]], Q(2)),
        ([[1, 0], [0, 1]], Q(1)),
        ([[Q(3, 5), Q(-4, 5)], [Q(4, 5), Q(3, 5)]], Q(1)),
    ],
)
def test_norm_exact_when_rational(W: list, norm: Fraction) -> None:
    b = spectral_norm_bounds(W)
    assert b.lower == b.upper == norm


def test_norm_bounds_irrational() -> None:
    golden = (1 + 5**0.5) / 2
    b = spectral_norm_bounds([[1, 1], [0, 1]], precision=Q(1, 10**9))
    assert b.lower <= Q(golden) <= b.upper and b.width <= Q(1, 10**9)
    # certified: (upper^2) I - W^T W is PSD, (lower^2) I - W^T W is not PD
    G = [[1, 1], [1, 2]]
    assert is_psd([[b.upper**2 - G[0][0], -G[0][1]], [-G[1][0], b.upper**2 - G[1][1]]])
    assert not is_psd([[b.lower**2 - G[0][0] - Q(1, 10**20), -1], [-1, b.lower**2 - 2]])


@given(contractions(st.integers(1, 5)))
def test_norm_bounds_bracket_svd(W: np.ndarray) -> None:
    b = spectral_norm_bounds(W, precision=Q(1, 2**20))
    s = np.linalg.norm(W, 2)
    assert float(b.lower) <= s * (1 + 1e-12) + 1e-300
    assert s <= float(b.upper) * (1 + 1e-12)
    assert b.width <= Q(1, 2**20)


def test_norm_bad_precision() -> None:
    with pytest.raises(InvalidArgumentError, match="precision: expected a positive number but found 0"):
        spectral_norm_upper_bound([[1]], precision=0)


def test_sqrt_and_row_norms() -> None:
    assert sqrt_upper(Q(16, 9)) == Q(4, 3)
    up = sqrt_upper(2, precision_bits=20)
    assert up * up >= 2 and (up - Q(1, 2**20)) ** 2 < 2
    assert row_norm_upper_bounds([[3, 4], ["1/3", 0]]) == [Q(5), Q(1, 3)]
    (r,) = row_norm_upper_bounds([["sqrt(2)", 1]])
    assert r * r >= 3
    with pytest.raises(InvalidArgumentError, match="q: expected a non-negative number"):
        sqrt_upper(-1)


@pytest.mark.parametrize(
    ("W", "holds"),
    [
        ([[Q(99, 100)]], True),
        ([[1]], False),
        ([[Q(101, 100)]], False),
        ([[Q(1, 2), Q(1, 2)], [Q(1, 2), Q(1, 2)]], False),  # norm exactly 1
        ([[Q(1, 2), Q(1, 2)], [Q(1, 2), Q(49, 100)]], True),
        ([["sqrt(2)/2", "sqrt(2)/2"], [0, 0]], False),  # norm exactly 1, algebraic
        ([["sqrt(2)/2", "1/2"], [0, 0]], True),
    ],
)
def test_is_contractive_boundary(W: list, holds: bool) -> None:
    check = is_contractive(W)
    assert check.holds is holds
    assert "exact LDL^T" in check.method


def test_is_contractive_float_needs_tol() -> None:
    with pytest.raises(InvalidArgumentError, match="tol: is_contractive of a float64 W needs an explicit tol="):
        is_contractive(np.eye(2) * 0.5)
    c = is_contractive(np.eye(2) * 0.5, tol=1e-9)
    assert c.holds and "tol=1e-09" in c.method
    assert not is_contractive(np.eye(2) * (1 - 1e-12), tol=1e-9)
    with pytest.raises(ShapeError, match="W: expected a square matrix"):
        is_contractive([[0.5, 0.0]], tol=0)


@given(orthogonal_matrices(st.integers(1, 5), system="exact"))
def test_exact_orthogonal_strategy(Wq: object) -> None:
    check = is_orthogonal(Wq)
    assert check.holds and check.method == "exact W^T W == I"
    assert not is_contractive(Wq)


@given(orthogonal_matrices(st.integers(1, 6)))
def test_float_orthogonal_strategy(W: np.ndarray) -> None:
    assert is_orthogonal(W, tol=1e-12)
    assert not is_orthogonal(W * 1.001, tol=1e-12)


def test_is_orthogonal_symbolic_and_bad() -> None:
    t = sympy.Symbol("t", real=True)
    R = to_matrix("R", [[sympy.cos(t), -sympy.sin(t)], [sympy.sin(t), sympy.cos(t)]])
    assert is_orthogonal(R).holds
    assert not is_orthogonal([[1, 1], [0, 1]])
    with pytest.raises(ShapeError):
        is_orthogonal([[1, 0]])


@given(contractions(st.integers(1, 4), system="exact"))
def test_exact_contraction_strategy(W: object) -> None:
    assert is_contractive(W)
    assert spectral_norm_upper_bound(W, precision=Q(1, 2**10)) < 1 + Q(1, 2**10)


def test_float_is_contractive_is_strict_at_tol_zero() -> None:
    assert not is_contractive(np.array([[1.0, 0.0], [0.0, 0.5]]), tol=0).holds
    assert is_contractive(np.array([[np.nextafter(1.0, 0.0)]]), tol=0).holds
    assert not is_contractive(np.array([[0.75]]), tol=0.25).holds
