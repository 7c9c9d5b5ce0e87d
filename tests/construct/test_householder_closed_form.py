"""householder_completion on python-flint matrices: exactly orthogonal, first block V, the reflection loop's U."""

from __future__ import annotations

import random

import flint
import numpy as np
import pytest
import sympy
from hypothesis import given
from hypothesis import strategies as st

from urnn_sym.construct.householder import _householder_lists, householder_completion
from urnn_sym.construct.rational import cayley
from urnn_sym.errors import InvalidArgumentError, ShapeError

pytestmark = pytest.mark.timeout(120)


def _eye(n: int) -> flint.fmpq_mat:
    M = flint.fmpq_mat(n, n)
    for i in range(n):
        M[i, i] = 1
    return M


def _cayley_orthogonal(n: int, rng: random.Random, big: int = 2) -> flint.fmpq_mat:
    K = flint.fmpq_mat(n, n)
    for i in range(n):
        for j in range(i + 1, n):
            q = flint.fmpq(rng.randint(-big, big), rng.randint(1, 3))
            K[i, j], K[j, i] = q, -q
    return cayley(K)


def _first_columns(Q: flint.fmpq_mat, k: int) -> flint.fmpq_mat:
    m = Q.nrows()
    return flint.fmpq_mat(m, k, [Q[i, j] for i in range(m) for j in range(k)])


def _permute(Q: flint.fmpq_mat, rows: list[int], cols: list[int]) -> flint.fmpq_mat:
    return flint.fmpq_mat(len(rows), len(cols), [Q[i, j] for i in rows for j in cols])


def _block_diag(*blocks: flint.fmpq_mat) -> flint.fmpq_mat:
    n = sum(B.nrows() for B in blocks)
    M = flint.fmpq_mat(n, n)
    o = 0
    for B in blocks:
        for i in range(B.nrows()):
            for j in range(B.ncols()):
                M[o + i, o + j] = B[i, j]
        o += B.nrows()
    return M


def _check(V: flint.fmpq_mat) -> flint.fmpq_mat:
    m, k = V.nrows(), V.ncols()
    U = householder_completion(V)
    assert isinstance(U, flint.fmpq_mat) and (U.nrows(), U.ncols()) == (m, m)
    assert U.transpose() * U == _eye(m)
    assert _first_columns(U, k) == V
    return U


@pytest.mark.parametrize(("m", "k"), [(1, 1), (2, 1), (3, 1), (5, 1), (4, 2), (6, 3), (10, 5), (7, 7), (12, 4)])
def test_cayley_columns_match_the_reflection_loop(m: int, k: int) -> None:
    V = _first_columns(_cayley_orthogonal(m, random.Random(m * 100 + k)), k)
    got = _check(V)
    assert got == _householder_lists(V)


def test_square_v_is_returned_as_a_copy() -> None:
    Q = _cayley_orthogonal(5, random.Random(1))
    U = _check(Q)
    assert U == Q and U is not Q


def test_coordinate_columns_are_skipped() -> None:
    # every column already e_j: no reflection at all, U = I
    V = _first_columns(_eye(4), 2)
    assert _check(V) == _eye(4)
    assert _householder_lists(V) == _eye(4)
    # W = diag(1, 3/5) completed by [0, 4/5]: the first column is e_0
    V = flint.fmpq_mat([[1, 0], [0, flint.fmpq(3, 5)], [0, flint.fmpq(4, 5)]])
    assert _check(V) == _householder_lists(V)
    # column 1 is not e_1 but becomes e_1 after the first reflection (a swap)
    V = flint.fmpq_mat([[0, 1], [1, 0], [0, 0]])
    assert _check(V) == _householder_lists(V)
    # k = m with a skipped column
    V = flint.fmpq_mat([[0, 1, 0], [1, 0, 0], [0, 0, 1]])
    assert _check(V) == V


def test_isometry_of_a_contraction_and_its_defect() -> None:
    # V = [W; B] with W = 3/5 O and B = 4/5 O: B^T B = I - W^T W
    n = 6
    O = _cayley_orthogonal(n, random.Random(7))
    V = flint.fmpq_mat(
        2 * n, n, [flint.fmpq(3, 5) * x for x in O.entries()] + [flint.fmpq(4, 5) * x for x in O.entries()]
    )
    assert V.transpose() * V == _eye(n)
    assert _check(V) == _householder_lists(V)


@st.composite
def _degenerate_isometries(draw: st.DrawFn) -> flint.fmpq_mat:
    """First k columns of P blockdiag(Cayley blocks, identity blocks) P': many skipped reflections."""
    rng = random.Random(draw(st.integers(0, 2**32)))
    sizes = draw(st.lists(st.integers(1, 4), min_size=1, max_size=4))
    blocks = [
        _cayley_orthogonal(s, rng) if draw(st.booleans()) else _eye(s) * draw(st.sampled_from([1, -1])) for s in sizes
    ]
    Q = _block_diag(*blocks)
    m = Q.nrows()
    rows = draw(st.permutations(range(m)))
    cols = draw(st.permutations(range(m)))
    k = draw(st.integers(1, m))
    return _first_columns(_permute(Q, list(rows), list(cols)), k)


@given(_degenerate_isometries())
def test_structured_isometries_match_the_reflection_loop(V: flint.fmpq_mat) -> None:
    got = _check(V)
    assert got == _householder_lists(V)


@given(st.integers(1, 9), st.data())
def test_random_cayley_isometries(m: int, data: st.DataObject) -> None:
    k = data.draw(st.integers(1, m))
    V = _first_columns(_cayley_orthogonal(m, random.Random(data.draw(st.integers(0, 2**32))), big=5), k)
    assert _check(V) == _householder_lists(V)


def test_larger_isometry_is_exact() -> None:
    # 5n x n at n = 8: the shape of the fully rational construction
    n = 8
    O = _cayley_orthogonal(5 * n, random.Random(3))
    _check(_first_columns(O, n))


def test_no_columns_gives_the_identity() -> None:
    assert householder_completion(flint.fmpq_mat(3, 0)) == _eye(3)


def test_bad_shapes_and_non_isometries() -> None:
    with pytest.raises(ShapeError, match=r"V: .*shape \(2, 3\)"):
        householder_completion(flint.fmpq_mat(2, 3))
    # no isometry: the pivot block A_JJ of I - V_1 is singular, and the check names the entry
    with pytest.raises(InvalidArgumentError, match=r"V: expected orthonormal columns .*\(V\^T V\)\[0, 0\] = 2"):
        householder_completion(flint.fmpq_mat([[1, 0], [1, 0], [0, 1]]))


def test_sympy_and_float_paths_unchanged() -> None:
    Vs = sympy.Matrix([[sympy.Rational(3, 5)], [sympy.Rational(4, 5)]])
    Us = householder_completion(Vs)
    assert isinstance(Us, sympy.MatrixBase) and Us.T * Us == sympy.eye(2) and Us[:, 0] == Vs
    Vr = sympy.Matrix([[sympy.sqrt(2) / 2], [sympy.sqrt(2) / 2], [0]])
    Ur = householder_completion(Vr)
    assert sympy.simplify(Ur.T * Ur - sympy.eye(3)) == sympy.zeros(3) and Ur[:, 0] == Vr
    Vf = np.array([[0.6], [0.8], [0.0]])
    Uf = householder_completion(Vf)
    assert Uf.shape == (3, 3) and np.allclose(Uf.T @ Uf, np.eye(3)) and np.array_equal(Uf[:, :1], Vf)
