"""The LDL^T completion, the rational completion and the symbolic Theorem 1 construction."""

from __future__ import annotations

import random
from fractions import Fraction

import flint
import numpy as np
import pytest
import sympy
from hypothesis import given, settings
from hypothesis import strategies as st

from urnn_sym import RNN, simulate
from urnn_sym.construct.halmos import radical_free_zero
from urnn_sym.construct.ldl import _certified_ldl, ldl_completion, ldl_factor, one_radical
from urnn_sym.construct.rational_completion import rational_completion
from urnn_sym.construct.theorem1 import construct_urnn
from urnn_sym.errors import HypothesisNotMetError, NotContractiveError
from urnn_sym.numbers.arith import arith
from urnn_sym.numbers.scalars import _is_one_radical
from urnn_sym.smt.induction import prove_equivalence
from urnn_sym.strategies import input_sequences, rnns

pytestmark = pytest.mark.timeout(300)
Q = Fraction


_TARGET = Fraction(9, 10)


def _random_contraction(n: int, seed: int, target: Fraction = _TARGET) -> flint.fmpq_mat:
    """A rational W with ||W||_2 < 1: entries k/20 scaled by target / (Frobenius bound)."""
    rng = random.Random(seed)
    vals = [Q(rng.randint(-20, 20), 20) for _ in range(n * n)]
    frob = sum(v * v for v in vals) or Q(1)
    scale = target / (int(float(frob) ** 0.5) + 1)  # ||W||_2 <= ||W||_F <= target
    k = flint.fmpq(scale.numerator, scale.denominator)
    return flint.fmpq_mat(n, n, [flint.fmpq(v.numerator, v.denominator) * k for v in vals])


def _one_radical_entries(U: object) -> bool:
    if isinstance(U, flint.fmpq_mat):
        return True
    return all(x.is_Rational or _is_one_radical(x) for x in U)  # type: ignore[attr-defined]


@pytest.mark.parametrize("n", [1, 2, 3, 5, 8])
def test_exact_completion_is_orthogonal_with_one_radical_entries(n: int) -> None:
    W = _random_contraction(n, seed=n)
    c = ldl_completion(W)
    assert c.orthogonal.holds and c.extra_states == n
    assert _one_radical_entries(c.U)
    S = sympy.Matrix(c.U)
    assert S[:n, :n] == sympy.Matrix(W.tolist()).applyfunc(lambda v: sympy.Rational(str(v)))
    # independent of the certificate's chain: U = diag(I, Λ_P^1/2) R diag(I, Λ_Q^1/2) entry by entry (squares and
    # signs), and R^T diag(I, Λ_P) R = diag(I, Λ_Q^-1) in one flint product
    left = [flint.fmpq(1)] * n + list(c.pivots_P)
    right = [flint.fmpq(1)] * n + list(c.pivots_Q)
    for i in range(2 * n):
        for j in range(2 * n):
            r = sympy.Rational(int(c.R[i, j].p), int(c.R[i, j].q))
            want = r * r * sympy.Rational(str(left[i] * right[j]))
            assert sympy.expand(S[i, j] ** 2) == want and sympy.sign(S[i, j]) == sympy.sign(r)
    D = flint.fmpq_mat(2 * n, 2 * n, [left[i] if i == j else 0 for i in range(2 * n) for j in range(2 * n)])
    E = flint.fmpq_mat(2 * n, 2 * n, [1 / right[i] if i == j else 0 for i in range(2 * n) for j in range(2 * n)])
    assert c.R.transpose() * D * c.R == E


def test_pivots_certify_the_norm_and_a_wrong_factor_fails_the_certificate() -> None:
    W = _random_contraction(4, seed=7)
    eye = arith("exact").eye(4)
    P = eye - W.transpose() * W
    L, lam = ldl_factor(P)
    assert all(x > 0 for x in lam)
    P_inv = P.solve(eye)
    assert _certified_ldl(P, P_inv, L, lam)
    bad = flint.fmpq_mat(L.tolist())
    bad[3, 0] += 1
    assert not _certified_ldl(P, P_inv, bad, lam)
    assert not _certified_ldl(P, P_inv, L, [*lam[:-1], lam[-1] * 2])


def test_chain_and_direct_identity_agree_beyond_the_direct_size() -> None:
    c = ldl_completion(_random_contraction(30, seed=3))
    assert c.orthogonal.holds and "R^T diag(I, Λ_P) R = diag(I, Λ_Q^-1)" not in c.orthogonal.data["identities"]
    small = ldl_completion(_random_contraction(6, seed=3))
    assert "R^T diag(I, Λ_P) R = diag(I, Λ_Q^-1)" in small.orthogonal.data["identities"]


@pytest.mark.parametrize(
    ("W", "match"),
    [
        ([[1, 0], [0, "1/2"]], "pivot 1 is 0"),
        ([[2]], "pivot 1 is -3"),
        ([["3/5", "4/5"], ["4/5", "-3/5"]], "||W||_2 >= 1"),
    ],
)
def test_non_contractive_w_is_refused_with_the_pivot(W: list, match: str) -> None:
    with pytest.raises(NotContractiveError, match=match.replace("|", r"\|")):
        ldl_completion(W)


def test_big_radicands_stay_unfactored_and_exact() -> None:
    m = 10**1200 + 7 * 10**600 + 1
    r = one_radical(Q(3, 7), m)
    assert _is_one_radical(r) and (r * r - sympy.Rational(9, 49) * m) == 0
    assert one_radical(2, Q(9, 4)) == 3 and one_radical(1, 8) == 2 * sympy.sqrt(2)


@settings(max_examples=12, deadline=None)
@given(rnns(system="exact", n=st.integers(1, 4)), st.data())
def test_property_exact_rnn_theorem1_pair(rnn: RNN, data: st.DataObject) -> None:
    res = construct_urnn(rnn, 1)
    assert res.urnn.n == 2 * rnn.n and res.orthogonal.holds and _one_radical_entries(res.urnn.W)
    xs = data.draw(input_sequences(rnn.d, length=st.integers(1, 4), system="exact", bound=1))
    assert simulate(res.urnn, xs).tolist() == simulate(rnn, xs).tolist()


@pytest.mark.parametrize("n", [3, 5])
def test_exact_pair_is_proved_for_all_horizons_and_rechecked(n: int) -> None:
    W = _random_contraction(n, seed=11 * n)
    rng = np.random.default_rng(n)
    rnn = RNN(W, rng.integers(-3, 4, (n, 2)).tolist(), rng.integers(-2, 3, n).tolist(), [[1] * n])
    res = construct_urnn(rnn, 1)
    v = prove_equivalence(rnn, res.urnn, input_bound=1)
    assert v.status == "proved", v.reason
    assert "exact certificate" in v.method and "z3" not in v.method


def test_rational_completion_is_rational_and_orthogonal() -> None:
    W = _random_contraction(4, seed=5)
    c = rational_completion(W, seed=1)
    m = c.U.nrows()
    assert c.orthogonal.holds and c.U.transpose() * c.U == arith("exact").eye(m)
    assert 4 + 1 * 4 <= m <= 5 * 4 and sum(c.squares) == m - 4
    assert flint.fmpq_mat([[c.U[i, j] for j in range(4)] for i in range(4)]) == W
    assert f"4 + {m - 4} states" in c.method


def test_rational_route_through_construct_urnn_is_equivalent() -> None:
    rnn = RNN([["1/2", "1/3"], [0, "1/4"]], [[1], [-1]], [0, "1/8"], [[1, 2]])
    res = construct_urnn(rnn, 1, field="rational")
    assert isinstance(res.urnn.W, flint.fmpq_mat) and res.urnn.n <= 10
    assert res.method.startswith("rational completion")
    xs = [[1], [Q(-1, 2)], [0], [1]]
    assert simulate(res.urnn, xs).tolist() == simulate(rnn, xs).tolist()
    assert prove_equivalence(rnn, res.urnn, input_bound=1).status == "proved"


def test_float_ldl_route_is_orthogonal_to_rounding() -> None:
    W = np.array([[0.5, 0.2], [-0.1, 0.3]])
    c = ldl_completion(W)
    assert np.allclose(c.U.T @ c.U, np.eye(4), atol=1e-12) and np.array_equal(c.U[:2, :2], W)


def test_symbolic_diagonal_is_simplified() -> None:
    a, b = sympy.symbols("a b", real=True)
    c = ldl_completion(sympy.diag(a, b), assume_contractive=True)
    assert c.U[0, 2] == sympy.sqrt(1 - a**2) and c.U[3, 1] == sympy.sqrt(1 - b**2)
    assert c.U[2, 2] == -a and c.orthogonal.holds
    with pytest.raises(HypothesisNotMetError, match="cannot show"):
        ldl_completion(sympy.diag(a, b))


def test_symbolic_three_by_three_is_orthogonal() -> None:
    t = sympy.Symbol("t", positive=True)
    W = sympy.Matrix([[t, 0, 0], [Q(1, 4), Q(1, 3), 0], [0, Q(1, 5), Q(1, 2)]]) / 2
    c = ldl_completion(W, assume_contractive=True)
    assert c.orthogonal.holds
    G = c.U.T * c.U - sympy.eye(6)
    assert all(radical_free_zero(x) for x in G)
    at = {t: Q(1, 3)}
    num = sympy.Matrix(c.U).subs(at)
    assert (num.T * num - sympy.eye(6)).applyfunc(sympy.simplify) == sympy.zeros(6, 6)


def test_symbolic_rnn_gives_a_symbolic_pair_with_hypotheses() -> None:
    a = sympy.Symbol("a", positive=True)
    rnn = RNN(sympy.Matrix([[a / 2, 0], [Q(1, 4), Q(1, 3)]]), [[1], [0]], [0, 0], [[1, 1]])
    res = construct_urnn(rnn, 1, assume_contractive=True)
    assert res.urnn.system == "symbolic" and res.urnn.n == 4 and res.hypotheses
    num = res.urnn.W.subs(a, Q(1, 2))
    assert (num.T * num - sympy.eye(4)).applyfunc(sympy.simplify) == sympy.zeros(4, 4)
    with pytest.raises(HypothesisNotMetError):
        construct_urnn(rnn, 1)
