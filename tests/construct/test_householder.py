"""Tests of :mod:`urnn_sym.construct.householder`: Householder and minimal completions."""

from __future__ import annotations

from fractions import Fraction
from typing import Any

import flint
import numpy as np
import pytest
import sympy
from hypothesis import given, settings

from urnn_sym.construct.householder import MinimalCompletion, householder_completion, minimal_completion
from urnn_sym.errors import InvalidArgumentError, NotContractiveError, ShapeError, UnsupportedError
from urnn_sym.numbers.arith import arith, to_matrix
from urnn_sym.strategies import contractions, orthogonal_matrices, rational_defect_rnns

pytestmark = pytest.mark.timeout(120)

EX = arith("exact")


def _q(rows: list[list[Any]]) -> flint.fmpq_mat:
    return to_matrix("V", rows, system="exact")


def _top_left(U: flint.fmpq_mat, n: int) -> flint.fmpq_mat:
    return flint.fmpq_mat([[U[i, j] for j in range(n)] for i in range(n)])


def test_householder_single_column_by_hand() -> None:
    # V = (3/5, 4/5): v = x - e_1 = (-2/5, 4/5), H = I - 2 v v^T / |v|^2 with |v|^2 = 4/5
    # gives H = [[3/5, 4/5], [4/5, -3/5]].
    assert householder_completion(_q([["3/5"], ["4/5"]])) == _q([["3/5", "4/5"], ["4/5", "-3/5"]])


def test_householder_keeps_v_as_first_columns() -> None:
    # V = the first two columns of a 3 x 3 permutation-like isometry; x_1 = e_1 is skipped.
    V = _q([[1, 0], [0, 0], [0, 1]])
    U = householder_completion(V)
    assert _q([[1, 0, 0], [0, 0, 1], [0, 1, 0]]) == U


@settings(max_examples=10)
@given(orthogonal_matrices(4, system="exact"))
def test_householder_completes_every_rational_isometry(O: flint.fmpq_mat) -> None:
    # Any two columns of an orthogonal 4 x 4 form an isometry; the completion is orthogonal and keeps them.
    V = flint.fmpq_mat([[O[i, j] for j in range(2)] for i in range(4)])
    U = householder_completion(V)
    assert U.transpose() * U == EX.eye(4)
    assert all(U[i, j] == V[i, j] for i in range(4) for j in range(2))


def test_householder_sympy_isometry() -> None:
    s = sympy.sqrt(2) / 2
    V = sympy.Matrix([[s], [s]])
    U = sympy.Matrix(householder_completion(V))
    assert sympy.simplify(U.T * U - sympy.eye(2)) == sympy.zeros(2, 2)
    assert U[:, 0] == V


def test_householder_float() -> None:
    V = np.array([[0.6], [0.8], [0.0]])
    U = householder_completion(V)
    assert U.shape == (3, 3)
    assert np.array_equal(U[:, :1], V)
    assert np.abs(U.T @ U - np.eye(3)).max() < 1e-12


def test_householder_bad_input() -> None:
    with pytest.raises(ShapeError, match=r"^V:"):
        householder_completion(_q([[1, 0]]))  # more columns than rows
    # columns (1, 0, 0) and (1, 1, 0) are not orthogonal: the pivot block of I - V_1 is singular,
    # and the error names V and the offending entry (V^T V)[0, 1] = 1
    with pytest.raises(InvalidArgumentError, match=r"^V:.*\[0, 1\]"):
        householder_completion(_q([[1, 1], [0, 1], [0, 0]]))


def test_minimal_completion_by_hand() -> None:
    # W = diag(1, 3/5): I - W^T W = diag(0, 16/25) has rank 1, Y = [0, 4/5], and
    # U = [[1, 0, 0], [0, 3/5, 4/5], [0, 4/5, -3/5]] adds a single state.
    m = minimal_completion([[1, 0], [0, "3/5"]])
    assert isinstance(m, MinimalCompletion)
    assert m.rank == m.extra_states == 1
    assert to_matrix("Y", [[0, "4/5"]], system="exact") == m.Y
    assert to_matrix("U", [[1, 0, 0], [0, "3/5", "4/5"], [0, "4/5", "-3/5"]], system="exact") == m.U
    assert bool(m.orthogonal)


def test_orthogonal_w_needs_no_extra_state() -> None:
    W = [["3/5", "-4/5"], ["4/5", "3/5"]]
    m = minimal_completion(W)
    assert m.rank == 0
    assert to_matrix("W", W, system="exact") == m.U


def test_zero_w_needs_n_extra_states() -> None:
    # W = 0: I - W^T W = I has rank n, so U is 2n x 2n.
    m = minimal_completion([[0, 0], [0, 0]])
    assert m.rank == 2
    assert m.U.transpose() * m.U == EX.eye(4)


def test_algebraic_rank_one() -> None:
    # W = diag(1, 1/2): Y = [0, sqrt(3)/2], not rational.
    m = minimal_completion([[1, 0], [0, "1/2"]])
    assert m.rank == 1 and "algebraic" in m.method
    assert bool(m.orthogonal)


@settings(max_examples=6)
@given(rational_defect_rnns(n=3))
def test_minimal_completion_with_factors(inst: Any) -> None:
    W = inst.rnn.W
    m = minimal_completion(W, svd=inst.svd)
    n = W.nrows()
    assert m.Y.transpose() * m.Y == EX.eye(n) - W.transpose() * W  # Y^T Y = I - W^T W exactly
    assert _top_left(m.U, n) == W
    size = n + m.rank
    assert m.U.transpose() * m.U == EX.eye(size)
    assert m.rank == sum(1 for c in inst.svd.c if c != 0)


@settings(max_examples=10)
@given(contractions(3))
def test_float_minimal_completion(W: np.ndarray) -> None:
    m = minimal_completion(W)
    n = W.shape[0]
    assert np.abs(m.Y.T @ m.Y - (np.eye(n) - W.T @ W)).max() < 1e-8
    assert np.array_equal(m.U[:n, :n], W)
    assert m.orthogonal.data["residual"] < 1e-8
    assert "tol" in m.method


def test_float_tolerance_decides_the_rank() -> None:
    # sigma = (1, 1 - 1e-12): I - W^T W has eigenvalues 0 and about 2e-12.
    W = np.diag([1.0, 1.0 - 1e-12])
    assert minimal_completion(W, tol=1e-9).rank == 0
    assert minimal_completion(W, tol=0.0).rank == 1


@pytest.mark.parametrize(
    ("W", "kwargs", "error", "name"),
    [
        (np.array([[0.5]]), {"tol": -1.0}, InvalidArgumentError, "tol"),
        (np.array([[0.5]]), {"tol": float("nan")}, InvalidArgumentError, "tol"),
        (np.array([[1.5]]), {}, NotContractiveError, "W"),
        ([["3/2"]], {}, NotContractiveError, "W"),
        ([[1, 0, 0]], {}, ShapeError, "W"),
        (sympy.Matrix([[sympy.Symbol("w", real=True)]]), {}, UnsupportedError, "W"),
    ],
)
def test_minimal_completion_bad_input(W: Any, kwargs: dict[str, Any], error: type[Exception], name: str) -> None:
    with pytest.raises(error, match=rf"^{name}:"):
        minimal_completion(W, **kwargs)


def test_irrational_rank_three_is_unsupported() -> None:
    # diag(1/2, 1/3, 1/5) has pivots 3/4, 8/9, 24/25: not all rational squares, rank 3 > 2.
    with pytest.raises(UnsupportedError, match=r"^W:"):
        minimal_completion([["1/2", 0, 0], [0, "1/3", 0], [0, 0, "1/5"]])


def test_fraction_entries_are_exact() -> None:
    m = minimal_completion([[Fraction(3, 5)]])
    assert to_matrix("U", [["3/5", "4/5"], ["4/5", "-3/5"]], system="exact") == m.U


def test_a_rational_non_isometry_is_refused_before_completing() -> None:
    """V = [1; 1] has V^T V = 2, not 1: completing it would give a matrix that is not orthogonal."""
    V = to_matrix("V", [[1], [1]])
    with pytest.raises(InvalidArgumentError, match=r"V: expected orthonormal columns .* = 2"):
        householder_completion(V)
