"""Tests of urnn_sym.construct.completion and urnn_sym.construct.rational.

Defect operators, completions, the rational-defect family.
"""

from __future__ import annotations

from fractions import Fraction

import flint
import numpy as np
import pytest
import sympy
from hypothesis import given, settings
from hypothesis import strategies as st

from urnn_sym import RNN
from urnn_sym.construct.completion import (
    defect_operators,
    householder_completion,
    minimal_completion,
    radical_free_zero,
    unitary_completion,
)
from urnn_sym.construct.hypotheses import is_orthogonal
from urnn_sym.construct.rational import cayley, rational_defect_rnn, rational_defect_svd, rationalize
from urnn_sym.errors import (
    EntryTypeError,
    HypothesisNotMetError,
    InvalidArgumentError,
    NotContractiveError,
    ShapeError,
    UnsupportedError,
)
from urnn_sym.strategies import contractions

pytestmark = pytest.mark.timeout(120)
Q = Fraction


@pytest.mark.parametrize(
    ("W", "error", "match"),
    [
        ([[1, 2]], ShapeError, r"W: expected a non-empty square matrix but found shape \(1, 2\)"),
        (
            [[1, 1], [0, 1]],
            NotContractiveError,
            r"needs \|\|W\|\|_2 <= 1 .*\|\|W\|\|_2 >= 868675383/536870912, certified",
        ),
        (np.array([[1.5]]), NotContractiveError, r"sigma_max = np.float64\(1\.5\)|sigma_max = 1\.5"),
        ([[Q(1, 2), Q(1, 3), 0], [0, Q(1, 4), 0], [0, 0, 0]], UnsupportedError, "rationalize"),
        (sympy.Matrix([[sympy.Symbol("w", real=True)]]), HypothesisNotMetError, "cannot show"),
        (sympy.Matrix(3, 3, sympy.symbols("a0:9")), UnsupportedError, "n <= 2"),
    ],
)
def test_defect_operators_bad_input(W, error, match) -> None:
    with pytest.raises(error, match=match):
        defect_operators(W)


def test_bad_factors_are_rejected() -> None:
    f = rational_defect_svd(3, seed=1)
    other = rational_defect_svd(3, seed=2)
    with pytest.raises(HypothesisNotMetError, match="svd: the factors do not decompose W exactly"):
        unitary_completion(other.W, svd=f)


@pytest.mark.parametrize("W", [[[0]], [[1]], [[-1]], [[Q(3, 5)]], [[0, 0], [0, 0]], [[1, 0], [0, 1]]])
def test_edge_cases_exact(W) -> None:
    c = unitary_completion(W)
    assert c.orthogonal and isinstance(c.U, flint.fmpq_mat)


def test_float_from_one_svd_residual() -> None:
    rng = np.random.default_rng(0)
    W = rng.standard_normal((50, 50))
    W /= np.linalg.norm(W, 2) * 1.001
    c = unitary_completion(W)
    assert c.orthogonal.data["residual"] < 1e-14
    assert np.allclose(c.D @ c.D, np.eye(50) - W.T @ W, atol=1e-13)
    assert np.allclose(W @ c.D, c.D_star @ W, atol=1e-13)
    assert np.array_equal(c.U[:50, :50], W)


@pytest.mark.parametrize("n", [1, 2, 5, 12, 30])
def test_rational_defect_family_is_exact(n: int) -> None:
    f = rational_defect_svd(n, seed=n)
    for svd in (f, None):
        if svd is None and n > 24:
            with pytest.raises(UnsupportedError, match="svd= factors"):
                unitary_completion(f.W)
            continue
        c = unitary_completion(f.W, svd=svd)
        assert isinstance(c.U, flint.fmpq_mat) and c.orthogonal
        assert c.D_star * f.W == f.W * c.D


def test_algebraic_two_by_two() -> None:
    W = [[Q(1, 2), Q(1, 3)], [0, Q(1, 4)]]
    c = unitary_completion(W)
    assert c.method.startswith("exact algebraic") and c.orthogonal
    assert bool(is_orthogonal(c.U))


def test_symbolic_cases() -> None:
    t = sympy.Symbol("t", real=True)
    assert unitary_completion(sympy.Matrix([[2 * t / (1 + t**2)]])).orthogonal
    a, b = sympy.symbols("a b", real=True)
    c = unitary_completion(sympy.Matrix([[a, b], [-b, a]]), assume_contractive=True)
    assert c.orthogonal and "assuming" in c.method


def test_radical_free_zero() -> None:
    x = sympy.Symbol("x", real=True)
    assert radical_free_zero(sympy.sqrt(x + 1) ** 2 - x - 1)
    assert not radical_free_zero(sympy.sqrt(x**2) - x)


def test_householder_completion_exact() -> None:
    V = flint.fmpq_mat([[flint.fmpq(2, 3)], [flint.fmpq(1, 3)], [flint.fmpq(2, 3)]])
    U = householder_completion(V)
    assert bool(is_orthogonal(U)) and [U[i, 0] for i in range(3)] == [V[i, 0] for i in range(3)]


@pytest.mark.parametrize(("n", "unit"), [(2, 1), (3, 1), (4, 4), (5, 0)])
def test_minimal_completion_counts_rational(n: int, unit: int) -> None:
    f = rational_defect_svd(n, seed=7, unit=unit)
    m = minimal_completion(f.W, svd=f)
    assert m.rank == n - unit and m.orthogonal and isinstance(m.U, flint.fmpq_mat)


def test_minimal_completion_ldl_and_float() -> None:
    m = minimal_completion([[1, 0, 0], [0, Q(3, 5), 0], [0, 0, Q(4, 5)]])
    assert m.rank == 2 and m.method.startswith("exact rational") and m.orthogonal
    mf = minimal_completion(np.diag([1.0, 0.5]), tol=1e-12)
    assert mf.rank == 1 and mf.orthogonal.data["residual"] < 1e-14 and "tol=1e-12" in mf.method
    with pytest.raises(InvalidArgumentError, match="tol"):
        minimal_completion(np.eye(2) / 2, tol=-1)
    with pytest.raises(UnsupportedError, match="numeric"):
        minimal_completion(sympy.Matrix([[sympy.Symbol("w")]]))


def test_cayley_and_generator_bad_input() -> None:
    with pytest.raises(InvalidArgumentError, match="skew-symmetric"):
        cayley([[0, 1], [1, 0]])
    with pytest.raises(InvalidArgumentError, match="n: expected an integer >= 1"):
        rational_defect_svd(0)
    with pytest.raises(InvalidArgumentError, match="unit"):
        rational_defect_svd(2, unit=3)
    assert rational_defect_svd(4, seed=5).W == rational_defect_svd(4, seed=5).W


def test_rationalize() -> None:
    rng = np.random.default_rng(3)
    W = rng.standard_normal((4, 4))
    W /= np.linalg.norm(W, 2) * 1.2
    rnn = RNN(W, rng.standard_normal((4, 1)), rng.standard_normal(4), rng.standard_normal((1, 4)))
    r = rationalize(rnn, tol=1e-9)
    assert r.distance <= 1e-9 and r.rnn.system == "exact" and r.rnn.F == rnn.to_exact().F
    assert unitary_completion(r.rnn.W, svd=r.svd).orthogonal
    with pytest.raises(InvalidArgumentError, match="tol"):
        rationalize(rnn, tol=0)
    with pytest.raises(InvalidArgumentError, match="sigma_max"):
        rationalize(rnn.replace(W=W * 3), tol=1e-3)
    with pytest.raises(EntryTypeError, match="rnn"):
        rationalize("rnn", tol=1e-3)  # type: ignore[arg-type]


@settings(max_examples=15, deadline=None)
@given(contractions(st.integers(1, 4), system="exact"))
def test_exact_contractions_complete_or_refuse_clearly(W) -> None:
    try:
        c = unitary_completion(W)
    except UnsupportedError as exc:
        assert "rationalize" in str(exc) and W.nrows() > 2
        return
    assert c.orthogonal


@settings(max_examples=20, deadline=None)
@given(st.integers(1, 6), st.integers(0, 10**6))
def test_family_property(n: int, seed: int) -> None:
    inst = rational_defect_rnn(n, seed=seed)
    c = unitary_completion(inst.rnn.W, svd=inst.svd)
    assert c.orthogonal and isinstance(c.U, flint.fmpq_mat)
