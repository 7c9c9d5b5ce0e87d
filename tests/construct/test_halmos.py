"""Tests of :mod:`urnn_sym.construct.halmos`: the Halmos completion and exact orthogonality checks."""

from __future__ import annotations

from typing import Any

import flint
import numpy as np
import pytest
import sympy
from hypothesis import given, settings

from urnn_sym.construct.halmos import Completion, orthogonality_check, radical_free_zero, unitary_completion
from urnn_sym.errors import NonFiniteError, NotContractiveError, ShapeError
from urnn_sym.numbers.arith import arith, to_matrix
from urnn_sym.strategies import contractions, rational_defect_rnns

pytestmark = pytest.mark.timeout(120)

EX = arith("exact")


def _q(rows: list[list[Any]]) -> flint.fmpq_mat:
    return to_matrix("U", rows, system="exact")


def test_one_by_one_by_hand() -> None:
    # W = 3/5: D = D* = 4/5, U = [[3/5, 4/5], [4/5, -3/5]], a reflection (U^T U = I, det = -1).
    c = unitary_completion([["3/5"]])
    assert isinstance(c, Completion)
    assert _q([["3/5", "4/5"], ["4/5", "-3/5"]]) == c.U
    assert c.Y == c.D == _q([["4/5"]])
    assert c.extra_states == 1
    assert bool(c.orthogonal)


def test_blocks_of_a_non_normal_w() -> None:
    # W = [[0, 3/5], [0, 0]]: D = diag(1, 4/5), D* = diag(4/5, 1) and U = [[W, D*], [D, -W^T]].
    W = _q([[0, "3/5"], [0, 0]])
    c = unitary_completion(W)
    want = _q(
        [
            [0, "3/5", "4/5", 0],
            [0, 0, 0, 1],
            [1, 0, 0, 0],
            [0, "4/5", "-3/5", 0],
        ]
    )
    assert want == c.U
    assert c.U.transpose() * c.U == EX.eye(4)
    assert c.extra_states == 2


@pytest.mark.parametrize("W", [[[0]], [[1]], [[-1]], [[0, 0], [0, 0]]])
def test_edge_cases(W: Any) -> None:
    # ||W|| = 1 (isometry, zero defect) and W = 0 (D = I) are both allowed.
    c = unitary_completion(W)
    n = len(W)
    assert c.U.transpose() * c.U == EX.eye(2 * n)


def test_algebraic_completion_is_checked_exactly() -> None:
    # W = 1/2: U = [[1/2, sqrt(3)/2], [sqrt(3)/2, -1/2]].
    c = unitary_completion([["1/2"]])
    assert bool(c.orthogonal)
    assert "exact algebraic" in c.orthogonal.method
    assert sympy.simplify(sympy.Matrix(c.U)[0, 1] - sympy.sqrt(3) / 2) == 0


def test_symbolic_completion_is_proved_by_reduction() -> None:
    t = sympy.Symbol("t", real=True)
    c = unitary_completion(sympy.Matrix([[t, 0], [0, t / 2]]), assume_contractive=True)
    assert bool(c.orthogonal)
    assert "sympy" in c.orthogonal.method
    assert sympy.Matrix(c.U)[:2, :2] == sympy.Matrix([[t, 0], [0, t / 2]])


@settings(max_examples=10)
@given(contractions(3))
def test_float_completion_is_nearly_orthogonal_and_read_only(W: np.ndarray) -> None:
    c = unitary_completion(W)
    n = W.shape[0]
    assert np.array_equal(c.U[:n, :n], W)  # top-left block is W itself
    assert np.array_equal(c.U[n:, n:], -W.T)
    resid = c.orthogonal.data["residual"]
    assert 0 <= resid < 1e-9
    assert resid == pytest.approx(np.abs(c.U.T @ c.U - np.eye(2 * n)).max(), abs=1e-12)
    for block in (c.U, c.D, c.D_star):
        assert not block.flags.writeable
    with pytest.raises(ValueError):
        c.U[0, 0] = 0.0


def test_float_check_false_skips_the_measurement() -> None:
    c = unitary_completion(np.array([[0.6]]), check=False)
    assert c.orthogonal.data["residual"] is None
    assert c.U.shape == (2, 2)


@settings(max_examples=6)
@given(rational_defect_rnns(n=3))
def test_rational_family_completion_is_exactly_orthogonal(inst: Any) -> None:
    W = inst.rnn.W
    c = unitary_completion(W, svd=inst.svd)
    assert c.U.transpose() * c.U == EX.eye(6)
    assert bool(orthogonality_check(c.U))


@pytest.mark.parametrize(
    ("W", "error"),
    [
        ([[2]], NotContractiveError),
        ([[1, 1], [0, 1]], NotContractiveError),
        (np.array([[1.1]]), NotContractiveError),
        ([[1, 0]], ShapeError),
        ([[float("inf")]], NonFiniteError),
    ],
)
def test_bad_w(W: Any, error: type[Exception]) -> None:
    with pytest.raises(error, match=r"W"):
        unitary_completion(W)


def test_orthogonality_check_detects_non_orthogonal() -> None:
    # exact: [[1, 1], [0, 1]] is not orthogonal; the rotation by the 3-4-5 angle is.
    assert not bool(orthogonality_check(_q([[1, 1], [0, 1]])))
    assert bool(orthogonality_check(_q([["3/5", "-4/5"], ["4/5", "3/5"]])))
    # float: always holds but reports the residual, here max|U^T U - I| = 1 at (0, 1)
    check = orthogonality_check(np.array([[1.0, 1.0], [0.0, 1.0]]))
    assert check.data["residual"] == 1.0
    # algebraic: rows (1/sqrt 2)(1, 1), (1/sqrt 2)(1, -1) are orthonormal; (1, 1)/2 ones are not
    s = sympy.sqrt(2) / 2
    assert bool(orthogonality_check(sympy.Matrix([[s, s], [s, -s]])))
    assert not bool(orthogonality_check(sympy.Matrix([[sympy.Rational(1, 2)] * 2] * 2)))


def test_radical_free_zero() -> None:
    x = sympy.Symbol("x", real=True)
    y = sympy.Symbol("y", real=True)
    assert radical_free_zero(sympy.Integer(0))
    assert not radical_free_zero(sympy.Integer(1))
    assert radical_free_zero(sympy.sqrt(1 - x**2) ** 2 + x**2 - 1)
    # sqrt(x^2) = |x| is not x for every sign choice
    assert not radical_free_zero(sympy.sqrt(x**2) - x)
    # nested roots: sqrt(1 + sqrt(y))^2 - sqrt(y) - 1 = 0 modulo both relations
    assert radical_free_zero(sympy.sqrt(1 + sympy.sqrt(y)) ** 2 - sympy.sqrt(y) - 1)
    # rational functions: (1 - x^2) / sqrt(1 - x^2) - sqrt(1 - x^2) = 0
    r = sympy.sqrt(1 - x**2)
    assert radical_free_zero((1 - x**2) / r - r)
    assert not radical_free_zero((1 - x**2) / r + r)
