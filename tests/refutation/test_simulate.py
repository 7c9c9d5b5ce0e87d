"""Tests of :mod:`urnn_sym.refutation.simulate`: exact and certified ball simulation."""

from __future__ import annotations

from fractions import Fraction
from typing import Any

import flint
import pytest
import sympy
from hypothesis import given, settings
from hypothesis import strategies as st

from urnn_sym.errors import EntryTypeError, InvalidArgumentError, NonFiniteError, ShapeError, UnsupportedError
from urnn_sym.model import RNN
from urnn_sym.refutation.simulate import (
    ball_bounds,
    ball_gap,
    enclosure_text,
    exact_outputs,
    exact_rows,
    first_difference,
    input_within_bound,
    rational_parameters,
    same_number,
    simulate_ball,
)
from urnn_sym.strategies import exact_rationals, input_sequences, rnns

pytestmark = pytest.mark.timeout(120)

Q = Fraction
# h(k) = phi(W h(k-1) + F x(k) + b), y(k) = C h(k), h(-1) = 0, with W = 1/2, F = 1, b = 0, C = 1.
HALF = RNN([["1/2"]], [[1]], [0], [[1]])
HALF_ID = RNN([["1/2"]], [[1]], [0], [[1]], activation="identity")
XS = [[1], [-1], [1]]


def _holds(ball: flint.arb, value: Fraction) -> bool:
    """Whether the exact rational ``value`` lies in ``ball`` (exact endpoints, no second rounding)."""
    bounds = ball_bounds(ball)
    return bounds is not None and bounds[0] <= value <= bounds[1]


def test_exact_outputs_by_hand_relu() -> None:
    # relu: h = relu(1) = 1; relu(1/2 - 1) = 0; relu(0 + 1) = 1.
    assert exact_outputs(HALF, XS) == [[Q(1)], [Q(0)], [Q(1)]]


def test_exact_outputs_by_hand_identity() -> None:
    # identity: h = 1; 1/2 - 1 = -1/2; -1/4 + 1 = 3/4.
    assert exact_outputs(HALF_ID, XS) == [[Q(1)], [Q(-1, 2)], [Q(3, 4)]]


def test_exact_outputs_take_floats_as_their_dyadic_value() -> None:
    # F = 0.1 (float) is 3602879701896397 / 2**55 exactly, not 1/10.
    rnn = RNN([[0.0]], [[0.1]], [0.0], [[1.0]], activation="identity")
    assert exact_outputs(rnn, [[1]]) == [[Q(0.1)]]
    assert exact_outputs(rnn, [[1]]) != [[Q(1, 10)]]


@pytest.mark.parametrize("act", ["sigmoid", "tanh"])
def test_exact_outputs_refuse_smooth_activations(act: str) -> None:
    with pytest.raises(UnsupportedError, match="activation"):
        exact_outputs(RNN([[0]], [[1]], [0], [[1]], activation=act), [[1]])


def test_exact_rows_are_fractions_and_name_the_bad_entry() -> None:
    assert exact_rows([["3/5", 1], [0.5, Q(1, 3)]]) == [[Q(3, 5), Q(1)], [Q(1, 2), Q(1, 3)]]
    with pytest.raises(NonFiniteError, match=r"xs\[1\]\[0\]"):
        exact_rows([[1], [float("nan")]])
    with pytest.raises(InvalidArgumentError, match=r"xs\[0\]\[1\]"):
        exact_rows([[1, "abc"]])


@pytest.mark.parametrize(
    ("xs", "M", "norm", "inside"),
    [
        ([[Q(3), Q(4)]], Q(5), "2", True),  # 3^2 + 4^2 = 25 = 5^2: on the sphere counts
        ([[Q(3), Q(4)]], Q(49, 10), "2", False),
        ([[Q(3), Q(4)]], Q(4), "inf", True),
        ([[Q(3), Q(-4)]], Q(39, 10), "inf", False),
        ([[Q(0)], [Q(-1)]], Q(1), "inf", True),
    ],
)
def test_input_within_bound_is_exact(xs: list[list[Fraction]], M: Fraction, norm: str, inside: bool) -> None:
    assert input_within_bound(xs, M, norm) is inside


@settings(max_examples=15)
@given(st.data())
def test_input_sequences_are_within_bound(data: st.DataObject) -> None:
    norm = data.draw(st.sampled_from(["2", "inf"]))
    M = data.draw(exact_rationals(9, 9).filter(lambda q: q > 0))
    xs = data.draw(input_sequences(2, bound=M, norm=norm, system="exact", length=3))
    assert input_within_bound(xs, M, norm)
    # a row of norm 3 M lies outside the bound 2 M in both norms
    assert not input_within_bound([[3 * M, Q(0)]], 2 * M, norm)


def test_same_number_rational_and_algebraic() -> None:
    assert same_number(Q(1, 2), Q(2, 4))
    assert not same_number(Q(1, 2), Q(1, 3))
    # (sqrt(2) + 1)(sqrt(2) - 1) = 1 exactly
    assert same_number((sympy.sqrt(2) + 1) * (sympy.sqrt(2) - 1), Q(1))
    # sqrt(2) and 1.41421356... (a close rational) are different numbers
    assert not same_number(sympy.sqrt(2), Q(141421356237, 10**11))


def test_first_difference() -> None:
    a = [[Q(1)], [Q(2)], [Q(3)]]
    assert first_difference(a, [[Q(1)], [Q(2)], [Q(3)]]) is None
    assert first_difference(a, [[Q(1)], [Q(5)], [Q(9)]]) == 1
    assert first_difference([[Q(0), sympy.sqrt(2)]], [[Q(0), sympy.sqrt(3)]]) == 0
    with pytest.raises(ValueError):  # rows of different lengths: strict zip
        first_difference(a, a[:2])


def test_simulate_ball_encloses_the_exact_relu_outputs() -> None:
    ys, hs = simulate_ball(HALF, XS, return_states=True)
    for got, want in zip(ys, [Q(1), Q(0), Q(1)], strict=True):
        assert _holds(got[0], want)
    assert len(hs) == 3 and len(hs[0]) == 1


def test_simulate_ball_sigmoid_by_hand() -> None:
    # W = 0, F = 1, b = 0, C = 1: y(0) = sigmoid(0) = 1/2 and y(1) = sigmoid(2) = 1 / (1 + e^-2).
    rnn = RNN([[0]], [[1]], [0], [[1]], activation="sigmoid")
    ys = simulate_ball(rnn, [[0], [2]], precision=200)
    assert ys[0][0].contains(flint.arb("0.5"))
    assert ys[1][0].overlaps(1 / (1 + flint.arb(-2).exp()))
    assert ys[1][0].rad() < flint.arb("1e-50")


def test_simulate_ball_accepts_balls_as_inputs() -> None:
    # x = [1/2 +/- 1/2] through identity: y contains every point of [0, 1]
    ys = simulate_ball(HALF_ID, [[flint.arb("0.5", "0.5")]])
    assert ys[0][0].contains(flint.arb(0)) and ys[0][0].contains(flint.arb(1))


def test_simulate_ball_refuses_bad_input() -> None:
    with pytest.raises(ShapeError, match="xs"):
        simulate_ball(HALF, [])
    with pytest.raises(ShapeError, match=r"xs\[1\]"):
        simulate_ball(HALF, [[1], [1, 2]])
    with pytest.raises(NonFiniteError, match=r"xs\[0\]\[0\]"):
        simulate_ball(HALF, [[float("inf")]])


@settings(max_examples=10)
@given(st.data())
def test_simulate_ball_contains_exact_outputs(data: st.DataObject) -> None:
    act = data.draw(st.sampled_from(["relu", "identity"]))
    rnn = data.draw(rnns(system="exact", activation=act, n=2, d=2, p=2))
    xs = data.draw(input_sequences(2, system="exact", length=4))
    exact = exact_outputs(rnn, xs)
    balls = simulate_ball(rnn, xs, precision=64)
    for row_b, row_e in zip(balls, exact, strict=True):
        for b, e in zip(row_b, row_e, strict=True):
            assert _holds(b, e)


def test_enclosure_text_reads_back_to_a_containing_ball() -> None:
    third = flint.arb(1) / 3
    text = enclosure_text(third, 10)
    assert text.startswith("[0.3333333333") and "+/-" in text
    assert flint.arb(text).contains(third)
    assert enclosure_text(flint.arb(2)) == "[2.00000000000000000000000000000 +/- 0]"


def test_ball_gap() -> None:
    # [1 +/- 1/4] and [2 +/- 1/4]: |u - v| >= 2 - 1/4 - (1 + 1/4) = 1/2; the radii are stored rounded up,
    # so the certified bound is at most 1/2 and close to it.
    a, b = flint.arb(1, "0.25"), flint.arb(2, "0.25")
    for gap in (ball_gap(a, b), ball_gap(b, a)):
        assert gap is not None
        bounds = ball_bounds(gap)
        assert bounds is not None and Q(49, 100) < bounds[0] and bounds[1] <= Q(1, 2)
    assert ball_gap(a, flint.arb("1.5", "0.5")) is None  # they overlap


def test_ball_bounds_are_exact_endpoints() -> None:
    # 3/4 +/- 1/8: the radius is stored rounded up (to about 30 bits), so the endpoints are exact rationals
    # just outside 5/8 and 7/8.
    lo, hi = ball_bounds(flint.arb("0.75", "0.125"))  # type: ignore[misc]
    assert lo <= Q(5, 8) and hi >= Q(7, 8)
    assert Q(5, 8) - lo < Q(1, 2**25) and hi - Q(7, 8) < Q(1, 2**25)
    assert lo + hi == Q(3, 2)  # exact midpoint 3/4
    assert ball_bounds(flint.arb(1)) == (Q(1), Q(1))
    assert ball_bounds(flint.arb("inf")) is None
    assert ball_bounds(flint.arb("nan")) is None


def test_rational_parameters() -> None:
    params = rational_parameters(HALF)
    assert set(params) == {"W", "F", "b", "C", "h0"}
    assert params["W"] == flint.fmpq_mat([[flint.fmpq(1, 2)]])
    assert params["h0"] == flint.fmpq_mat([[0]])
    floats = rational_parameters(RNN([[0.1]], [[1.0]], [0.0], [[1.0]]))
    assert floats["W"][0, 0] == flint.fmpq(*Q(0.1).as_integer_ratio())


@pytest.mark.parametrize("bad", [None, "rnn", {"W": [[0]]}])
def test_rational_parameters_refuse_non_rnns(bad: Any) -> None:
    with pytest.raises(EntryTypeError, match="rnn"):
        rational_parameters(bad)


def test_rational_parameters_refuse_symbols_and_radicals() -> None:
    w = sympy.Symbol("w", real=True)
    with pytest.raises(UnsupportedError, match="rnn"):
        rational_parameters(RNN(sympy.Matrix([[w]]), [[1]], [0], [[1]], system="symbolic"))
    with pytest.raises(UnsupportedError, match="rnn"):
        rational_parameters(RNN(sympy.Matrix([[sympy.sqrt(2) / 2]]), [[1]], [0], [[1]], system="exact"))
