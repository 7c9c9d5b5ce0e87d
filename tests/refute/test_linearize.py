"""Tests of urnn_sym.refute.linearize: exact patterns, Jacobians, null spaces and the lemma's quantities."""

from __future__ import annotations

from fractions import Fraction as Q

import flint
import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from urnn_sym import RNN, EntryTypeError, InvalidArgumentError, ShapeError, UnsupportedError, simulate
from urnn_sym.refutation.simulate import rational_parameters
from urnn_sym.refute.adversarial import shared_state_candidate, witness_construction
from urnn_sym.refute.linearize import column_basis, dimension_count, hstack, linearize, nullspace, pattern_matrix, rank
from urnn_sym.strategies import input_sequences, rnns

pytestmark = pytest.mark.timeout(60)

RELU = RNN([["1/2", 0], [1, "-1/3"]], [[1], [-1]], [0, "1/4"], [[1, 2]])


BAD = [
    ("not an RNN", lambda: linearize("rnn", [[1]]), EntryTypeError, "rnn: expected an RNN"),
    ("sigmoid", lambda: linearize(RELU.replace(activation="sigmoid"), [[1]]), UnsupportedError, "found 'sigmoid'"),
    ("empty input", lambda: linearize(RELU, []), ShapeError, "xs: expected T >= 1"),
    ("wrong d", lambda: linearize(RELU, [[1, 2]]), ShapeError, r"xs\[0\]: expected 1 entries"),
    ("NaN input", lambda: linearize(RELU, [[float("nan")]]), InvalidArgumentError, "finite"),
    ("algebraic", lambda: linearize(RNN([["sqrt(2)/2"]], [[1]], [0], [[1]]), [[1]]), UnsupportedError, "irrational"),
    (
        "symbolic",
        lambda: rational_parameters(RNN([["w"]], [[1]], [0], [[1]], system="symbolic")),
        UnsupportedError,
        "symbols",
    ),
    ("lemma length", lambda: dimension_count(witness_construction(1), [[1]]), ShapeError, "length 2"),
    ("lemma d != p", lambda: dimension_count(RNN([[0]], [[1, 1]], [0], [[1]]), [[1, 1], [1, 1]]), ShapeError, "d = p"),
    ("hstack rows", lambda: hstack([flint.fmpq_mat(2, 1)], 3), ShapeError, "expected 3 rows"),
]


@pytest.mark.parametrize(("label", "call", "error", "message"), BAD, ids=[b[0] for b in BAD])
def test_bad_inputs(label, call, error, message) -> None:
    with pytest.raises(error, match=message):
        call()


def test_linear_algebra_helpers() -> None:
    M = flint.fmpq_mat([[1, 2, 3], [2, 4, 6]])
    assert rank(M) == 1 and rank(flint.fmpq_mat(2, 0)) == 0
    N = nullspace(M)
    product = M * N
    assert N.ncols() == 2 and product == flint.fmpq_mat(2, 2)
    assert column_basis(M).entries() == [1, 2]
    assert nullspace(flint.fmpq_mat(0, 2)).ncols() == 2
    assert pattern_matrix([1, 0]).entries() == [1, 0, 0, 0]


def test_jacobians_by_hand() -> None:
    lin = linearize(RELU, [[1], [2]])
    # z(0) = (1, -3/4) -> P_0 = diag(1, 0); h(0) = (1, 0)
    # z(1) = W h(0) + F 2 + b = (1/2 + 2, 1 - 2 + 1/4) = (5/2, -3/4) -> P_1 = diag(1, 0)
    assert lin.patterns == [(1, 0), (1, 0)] and lin.generic
    assert lin.output_jacobian(1, 1).entries() == [1] and lin.output_jacobian(1, 0).entries() == [flint.fmpq(1, 2)]
    assert lin.output_jacobian(0, 1).entries() == [0]
    assert [y.entries() for y in lin.outputs] == [[1], [flint.fmpq(5, 2)]]
    assert lin.margin(1, 0) == Q(3, 4)  # unit 2 at step 1 is -3/4 with slope -1 in x(1)


def test_degenerate_point_detected() -> None:
    lin = linearize(RNN([[0]], [[1]], [0], [[1]]), [[0]])
    assert lin.degenerate == [(0, 0)] and not lin.generic
    constant = linearize(RNN([[0]], [[0]], [0], [[1]]), [[0]])  # z = 0 identically: harmless
    assert constant.generic


@settings(max_examples=25)
@given(st.data())
def test_affine_on_the_region(data) -> None:
    """Property: moving one input by less than the margin changes y(j) by t * dy(j)/dx(l) exactly."""
    rnn = data.draw(rnns(system="exact", activation="relu", n=st.integers(1, 3), d=st.integers(1, 2)))
    xs = data.draw(input_sequences(rnn.d, bound=2, system="exact", length=st.integers(1, 3)))
    lin = linearize(rnn, xs)
    if not lin.generic:
        return
    l = data.draw(st.integers(0, len(xs) - 1))
    c = data.draw(st.integers(0, rnn.d - 1))
    limit = lin.margin(l, c)
    t = Q(1, 3) if limit is None else limit / 3
    moved = [list(r) for r in xs]
    moved[l][c] += t
    y0, y1 = simulate(rnn, xs), simulate(rnn, moved)
    for j in range(len(xs)):
        J = lin.output_jacobian(j, l)
        assert [y1[j, i] - y0[j, i] for i in range(rnn.p)] == [
            t * Q(int(J[i, c].p), int(J[i, c].q)) for i in range(rnn.p)
        ]


def test_float_parameters_are_exact_dyadics() -> None:
    f = RNN(np.array([[0.1]]), np.array([[0.3]]), np.array([0.0]), np.array([[1.0]]))
    lin = linearize(f, [[1], [1]])
    assert lin.output_jacobian(1, 0).entries()[0] == flint.fmpq(*Q(0.1).as_integer_ratio()) * flint.fmpq(
        *Q(0.3).as_integer_ratio()
    )


@pytest.mark.parametrize("n", [1, 2, 3])
def test_lemma_tight_for_the_construction(n: int) -> None:
    """The 2n construction meets all three conditions, with dim K = n = m - rank P_1."""
    c = dimension_count(witness_construction(n), [[Q(1, 2)] * n, [Q(1, 3)] * n])
    assert c.failed == [] and c.m == 2 * n
    assert (c.dim_Z0, c.rank_P1, c.d1, c.dim_K, c.dim_UK, c.inactive_1) == (n, n, 0, n, n, n)


@pytest.mark.parametrize("n", [1, 2, 3])
def test_lemma_fails_for_undersized(n: int) -> None:
    """Which condition fails depends on the point: x(1) > x(0) keeps the shared unit active."""
    later_larger = dimension_count(shared_state_candidate(n), [[Q(1, 3)] * n, [Q(1, 2)] * n])
    assert later_larger.m == 2 * n - 1 and later_larger.failed == ["D P_1 U P_0 G = 0"]
    later_smaller = dimension_count(shared_state_candidate(n), [[Q(1, 2)] * n, [Q(1, 3)] * n])
    assert later_smaller.failed == ["D P_1 G = I"] and later_smaller.rank_P1 == n - 1
    assert later_smaller.to_json()["failed"] == later_smaller.failed
