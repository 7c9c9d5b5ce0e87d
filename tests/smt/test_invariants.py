"""Tests of :mod:`urnn_sym.smt.invariants`: the Theorem 1 shape of a pair of RNNs."""

from __future__ import annotations

from fractions import Fraction

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from urnn_sym.model import RNN
from urnn_sym.smt.invariants import Shape, match_theorem1_shape
from urnn_sym.strategies import exact_rationals

pytestmark = pytest.mark.timeout(120)

Q = Fraction
# The Halmos completion of W = 3/5 with F, b extended by (0, -2): URNN state [h; 0] copies h while the
# extra pre-activation 4/5 h - 2 stays <= 0 (math.md section 2).
A = RNN([[Q(3, 5)]], [[1]], [0], [[1]])
U = RNN([[Q(3, 5), Q(4, 5)], [Q(4, 5), Q(-3, 5)]], [[1], [0]], [0, -2], [[1, 0]])
# The same network with its two states swapped.
U_SWAPPED = RNN([[Q(-3, 5), Q(4, 5)], [Q(4, 5), Q(3, 5)]], [[0], [1]], [-2, 0], [[0, 1]])


def test_shape_by_hand() -> None:
    assert match_theorem1_shape(A, U) == Shape(perm=(0,), extra=(1,))
    assert match_theorem1_shape(A, U_SWAPPED) == Shape(perm=(1,), extra=(0,))


def test_output_weights_on_extra_states_do_not_matter() -> None:
    # the extra state stays 0 under the induction, so C may read it
    u = RNN([[Q(3, 5), Q(4, 5)], [Q(4, 5), Q(-3, 5)]], [[1], [0]], [0, -2], [[1, 7]])
    assert match_theorem1_shape(A, u) == Shape(perm=(0,), extra=(1,))


def test_a_network_matches_itself_without_extra_states() -> None:
    assert match_theorem1_shape(U, U) == Shape(perm=(0, 1), extra=())


@pytest.mark.parametrize(
    "other",
    [
        RNN([[Q(3, 5), Q(4, 5)], [Q(4, 5), Q(-3, 5)]], [[1], [0]], [0, -2], [[1, 0]], [0, 1]),  # extra h0 != 0
        RNN([[Q(3, 5), Q(4, 5)], [Q(4, 5), Q(-3, 5)]], [[1], [0]], [0, -2], [[2, 0]]),  # C differs
        RNN([[Q(1, 2), Q(4, 5)], [Q(4, 5), Q(-3, 5)]], [[1], [0]], [0, -2], [[1, 0]]),  # W_11 differs
        RNN([[Q(3, 5), Q(4, 5)], [Q(4, 5), Q(-3, 5)]], [[1], [0]], [1, -2], [[1, 0]]),  # b_1 differs
        RNN([[Q(3, 5), 0], [Q(4, 5), 0]], [[1], [0]], [0, -2], [[1, 0]], [0, 0], "identity"),  # activation
    ],
)
def test_no_shape_gives_a_reason(other: RNN) -> None:
    found = match_theorem1_shape(A, other)
    assert isinstance(found, str) and found


def test_the_smaller_network_must_come_first() -> None:
    assert isinstance(match_theorem1_shape(U, A), str)


@settings(max_examples=10)
@given(st.lists(exact_rationals(), min_size=8, max_size=8), st.booleans())
def test_padding_with_a_dead_state_gives_the_shape(v: list[Fraction], swap: bool) -> None:
    # a: 2 states, d = p = 1.  big: a plus a third state with zero start, zero bias, zero input weight,
    # feeding nobody: W' = [[W, 0], [0, 0]], F' = [F; 0], b' = [b; 0], C' = [C, 0].
    W, F, b, C = [v[0:2], v[2:4]], [[v[4]], [v[5]]], [v[6], v[7]], [[v[0], v[7]]]
    a = RNN(W, F, b, C)
    rows = [[*W[0], Q(0)], [*W[1], Q(0)], [Q(0)] * 3]
    Fb, bb, Cb = [*F, [Q(0)]], [*b, Q(0)], [[*C[0], Q(0)]]
    if swap:  # move the dead state first
        order = [2, 0, 1]
        rows = [[rows[i][j] for j in order] for i in order]
        Fb, bb = [Fb[i] for i in order], [bb[i] for i in order]
        Cb = [[r[j] for j in order] for r in Cb]
    big = RNN(rows, Fb, bb, Cb)
    found = match_theorem1_shape(a, big)
    assert isinstance(found, Shape)
    assert sorted(found.perm + found.extra) == [0, 1, 2] and len(found.extra) == 1
    # the copy is exact: the restricted W, F, b, C equal a's entry by entry (when a state of a is itself
    # dead, the permutation may pick either dead state, so only these equalities are asserted)
    p = found.perm
    assert all(rows[p[i]][p[j]] == W[i][j] for i in range(2) for j in range(2))
    assert all(Fb[p[i]] == F[i] and bb[p[i]] == b[i] and Cb[0][p[i]] == C[0][i] for i in range(2))
