"""Tests of :mod:`urnn_sym.construct.defects`: defect operators of a contraction and known rational factors."""

from __future__ import annotations

from typing import Any

import flint
import numpy as np
import pytest
import sympy
from hypothesis import given, settings

from urnn_sym.construct.defects import FLOAT_NORM_SLACK, Defects, RationalSVD, defect_operators
from urnn_sym.errors import (
    EntryTypeError,
    HypothesisNotMetError,
    NonFiniteError,
    NotContractiveError,
    ShapeError,
    UnsupportedError,
)
from urnn_sym.numbers.arith import arith, to_matrix
from urnn_sym.strategies import contractions, rational_defect_rnns

pytestmark = pytest.mark.timeout(120)

EX = arith("exact")


def _q(*rows: list[Any]) -> flint.fmpq_mat:
    return to_matrix("W", [list(r) for r in rows], system="exact")


def _exact_identities(W: flint.fmpq_mat, d: Defects) -> None:
    """D^2 = I - W^T W, D*^2 = I - W W^T, both symmetric, and W D = D* W, all exactly."""
    n = W.nrows()
    eye = EX.eye(n)
    D, Ds = d.D, d.D_star
    assert eye - W.transpose() * W == D * D
    assert Ds * Ds == eye - W * W.transpose()
    assert D.transpose() == D and Ds.transpose() == Ds
    assert Ds * W == W * D


# 3-4-5 triangle: W = diag(3/5, 0) has I - W^T W = diag(16/25, 1), so D = diag(4/5, 1).
def test_diagonal_by_hand() -> None:
    d = defect_operators([["3/5", 0], [0, 0]])
    assert _q(["4/5", 0], [0, 1]) == d.D
    assert d.D_star == _q(["4/5", 0], [0, 1])
    assert "exact rational" in d.method


def test_non_normal_rational_by_hand() -> None:
    # W = [[0, 3/5], [0, 0]]: W^T W = diag(0, 9/25), W W^T = diag(9/25, 0),
    # so D = diag(1, 4/5) and D* = diag(4/5, 1) -- different operators.
    W = _q([0, "3/5"], [0, 0])
    d = defect_operators(W)
    assert _q([1, 0], [0, "4/5"]) == d.D
    assert d.D_star == _q(["4/5", 0], [0, 1])
    _exact_identities(W, d)


def test_orthogonal_w_has_zero_defects() -> None:
    # A rotation by the 3-4-5 angle: W^T W = I, so D = D* = 0.
    W = _q(["3/5", "-4/5"], ["4/5", "3/5"])
    d = defect_operators(W)
    assert EX.zeros(2, 2) == d.D and d.D_star == EX.zeros(2, 2)


def test_irrational_two_by_two_is_algebraic() -> None:
    # W = diag(1/2, 0): D = diag(sqrt(3)/2, 1), an algebraic (sympy) matrix.
    d = defect_operators([["1/2", 0], [0, 0]])
    assert "algebraic" in d.method
    D = sympy.Matrix(d.D)
    assert sympy.simplify(D - sympy.Matrix([[sympy.sqrt(3) / 2, 0], [0, 1]])) == sympy.zeros(2, 2)


def test_irrational_three_by_three_is_unsupported() -> None:
    with pytest.raises(UnsupportedError, match=r"^W:"):
        defect_operators([["1/2", 0, 0], [0, "1/3", 0], [0, 0, 0]])


def test_symbolic_one_by_one() -> None:
    # t in (-1, 1) is not known to sympy; w = 2t / (1 + t^2) has 1 - w^2 = ((1 - t^2)/(1 + t^2))^2 >= 0.
    t = sympy.Symbol("t", real=True)
    w = 2 * t / (1 + t**2)
    d = defect_operators(sympy.Matrix([[w]]))
    assert sympy.simplify(d.D[0, 0] ** 2 - (1 - w**2)) == 0


def test_symbolic_needs_provable_contractivity() -> None:
    w = sympy.Symbol("w", real=True)
    with pytest.raises(HypothesisNotMetError, match=r"^W:"):
        defect_operators(sympy.Matrix([[w]]))
    d = defect_operators(sympy.Matrix([[w]]), assume_contractive=True)
    assert "assuming" in d.method
    assert d.D[0, 0] == sympy.sqrt(1 - w**2)


def test_symbolic_n3_is_unsupported() -> None:
    w = sympy.Symbol("w", real=True)
    with pytest.raises(UnsupportedError, match=r"^W:"):
        defect_operators(sympy.diag(w, w, w), assume_contractive=True)


@pytest.mark.parametrize(
    ("W", "error"),
    [
        ([[1, 1], [0, 1]], NotContractiveError),  # ||W||_2 = golden ratio > 1
        ([["101/100"]], NotContractiveError),
        ([[1.5, 0.0], [0.0, 0.0]], NotContractiveError),
        ([[1, 2, 3]], ShapeError),
        ([[float("nan")]], NonFiniteError),
        ([[object()]], EntryTypeError),
    ],
)
def test_bad_input_raises_typed_errors(W: Any, error: type[Exception]) -> None:
    with pytest.raises(error, match=r"W"):
        defect_operators(W)


def test_float_slack_is_tiny_and_applied() -> None:
    assert 0 < FLOAT_NORM_SLACK <= 1e-9
    # sigma_max = 1 + slack/2 counts as non-expansive; its singular value is clipped to 1 (defect 0).
    d = defect_operators(np.array([[1.0 + FLOAT_NORM_SLACK / 2]]))
    assert d.D[0, 0] == 0.0
    with pytest.raises(NotContractiveError):
        defect_operators(np.array([[1.0 + 1e-9]]))


@settings(max_examples=10)
@given(contractions(3))
def test_float_defects_satisfy_the_identities_to_rounding(W: np.ndarray) -> None:
    d = defect_operators(W)
    n = W.shape[0]
    assert np.array_equal(d.D, d.D.T) and np.array_equal(d.D_star, d.D_star.T)  # exactly symmetric
    assert np.abs(d.D @ d.D - (np.eye(n) - W.T @ W)).max() < 1e-6
    assert np.abs(W @ d.D - d.D_star @ W).max() < 1e-6
    assert np.linalg.eigvalsh(d.D).min() > -1e-9


@settings(max_examples=8)
@given(rational_defect_rnns(n=3))
def test_known_factors_give_exact_rational_defects(inst: Any) -> None:
    W = inst.rnn.W
    d = defect_operators(W, svd=inst.svd)
    assert "known factors" in d.method
    _exact_identities(W, d)
    # the spectral route (no factors) finds the same unique PSD square roots
    assert defect_operators(W).D == d.D


def test_rational_svd_by_hand_and_verify() -> None:
    # P = Q = I, s = (3/5, 0), c = (4/5, 1): W = diag(3/5, 0).
    one = flint.fmpq
    f = RationalSVD(EX.eye(2), (one(3, 5), one(0)), EX.eye(2), (one(4, 5), one(1)))
    assert _q(["3/5", 0], [0, 0]) == f.W
    f.verify(f.W)  # exact factors: no error


@pytest.mark.parametrize(
    "broken",
    [
        # c_i^2 + s_i^2 != 1
        lambda e: RationalSVD(e, (flint.fmpq(3, 5), flint.fmpq(0)), e, (flint.fmpq(3, 5), flint.fmpq(1))),
        # c_i < 0
        lambda e: RationalSVD(e, (flint.fmpq(3, 5), flint.fmpq(0)), e, (flint.fmpq(-4, 5), flint.fmpq(1))),
        # P not orthogonal
        lambda e: RationalSVD(e * 2, (flint.fmpq(3, 5), flint.fmpq(0)), e, (flint.fmpq(4, 5), flint.fmpq(1))),
        # wrong number of values
        lambda e: RationalSVD(e, (flint.fmpq(3, 5),), e, (flint.fmpq(4, 5),)),
    ],
)
def test_rational_svd_verify_refuses_wrong_factors(broken: Any) -> None:
    f = broken(EX.eye(2))
    with pytest.raises(HypothesisNotMetError, match=r"^svd:"):
        f.verify(_q(["3/5", 0], [0, 0]))
    with pytest.raises(HypothesisNotMetError, match=r"^svd:"):
        defect_operators(_q(["3/5", 0], [0, 0]), svd=f)


def test_rational_svd_verify_refuses_another_w() -> None:
    one = flint.fmpq
    f = RationalSVD(EX.eye(2), (one(3, 5), one(0)), EX.eye(2), (one(4, 5), one(1)))
    with pytest.raises(HypothesisNotMetError, match=r"^svd:"):
        f.verify(_q(["3/5", 0], [0, "1/2"]))
    with pytest.raises(HypothesisNotMetError, match=r"^svd:"):
        f.verify(np.zeros((2, 2)))
