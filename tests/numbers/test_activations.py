"""Tests of :mod:`urnn_sym.numbers.activations`: the activation table and certified ball activations."""

from __future__ import annotations

from fractions import Fraction

import flint
import pytest
from hypothesis import given
from hypothesis import strategies as st

from urnn_sym.numbers.activations import ACTIVATIONS, PIECEWISE_LINEAR, SMOOTH, ball_activation, is_smooth
from urnn_sym.strategies import exact_rationals

pytestmark = pytest.mark.timeout(120)


def _q(x: Fraction) -> flint.arb:
    return flint.arb(flint.fmpq(x.numerator, x.denominator))


def test_table_partitions_the_activations() -> None:
    assert ACTIVATIONS == ("relu", "sigmoid", "tanh", "identity")
    assert set(PIECEWISE_LINEAR) | set(SMOOTH) == set(ACTIVATIONS)
    assert not set(PIECEWISE_LINEAR) & set(SMOOTH)


@pytest.mark.parametrize(("name", "smooth"), [("relu", False), ("identity", False), ("sigmoid", True), ("tanh", True)])
def test_is_smooth(name: str, smooth: bool) -> None:
    assert is_smooth(name) is smooth


@pytest.mark.parametrize("name", ["", "Sigmoid", "softplus", "TANH"])
def test_is_smooth_is_false_for_unknown_names(name: str) -> None:
    assert is_smooth(name) is False


# Exact points: relu(-3/2) = 0, relu(3/2) = 3/2, identity(-3/2) = -3/2, and at 0
# sigmoid(0) = 1/2, tanh(0) = 0 -- point balls stay point balls.
@pytest.mark.parametrize(
    ("name", "z", "want"),
    [
        ("relu", Fraction(-3, 2), Fraction(0)),
        ("relu", Fraction(3, 2), Fraction(3, 2)),
        ("relu", Fraction(0), Fraction(0)),
        ("identity", Fraction(-3, 2), Fraction(-3, 2)),
        ("sigmoid", Fraction(0), Fraction(1, 2)),
        ("tanh", Fraction(0), Fraction(0)),
    ],
)
def test_exact_point_values(name: str, z: Fraction, want: Fraction) -> None:
    out = ball_activation(name, _q(z))
    assert out.rad() == 0
    assert out == _q(want)


def test_smooth_values_enclose_the_closed_forms() -> None:
    # sigmoid(1) = e / (1 + e) and tanh(1) = (e^2 - 1) / (e^2 + 1), computed independently from exp.
    # Both balls contain the true value, so they must overlap; the activation's ball is also narrow.
    e = flint.arb(1).exp()
    sig, th = ball_activation("sigmoid", flint.arb(1)), ball_activation("tanh", flint.arb(1))
    assert sig.overlaps(e / (1 + e)) and th.overlaps((e * e - 1) / (e * e + 1))
    assert sig.rad() < flint.arb("1e-10") and th.rad() < flint.arb("1e-10")
    assert not sig.overlaps(flint.arb("0.7311")) and not th.overlaps(flint.arb("0.7616"))
    # sigmoid(-z) = 1 - sigmoid(z): the enclosure of sigmoid(-1) meets 1 - enclosure of sigmoid(1)
    assert ball_activation("sigmoid", flint.arb(-1)).overlaps(1 - ball_activation("sigmoid", flint.arb(1)))


def test_relu_of_a_ball_straddling_zero_encloses_zero_and_the_upper_end() -> None:
    # z = [-1, 1]: relu(z) = [0, 1]
    out = ball_activation("relu", flint.arb(0, 1))
    assert out.contains(flint.arb(0)) and out.contains(flint.arb(1)) and out.contains(flint.arb("0.5"))
    # relu never goes below 0: a certified negative value is outside the enclosure
    assert not out.contains(flint.arb("-0.5"))


def test_identity_keeps_the_ball() -> None:
    z = flint.arb(2, "0.25")
    out = ball_activation("identity", z)
    assert out.mid() == z.mid() and out.rad() == z.rad()


@given(
    name=st.sampled_from(ACTIVATIONS),
    lo=exact_rationals(9, 9),
    width=exact_rationals(9, 9).map(abs),
    t=st.fractions(min_value=0, max_value=1, max_denominator=50),
)
def test_ball_encloses_every_point_of_the_interval(name: str, lo: Fraction, width: Fraction, t: Fraction) -> None:
    # Property: for z = [lo, lo + width] and any u in z, phi(u) lies in ball_activation(z).  phi(u) is taken
    # from a 400-bit evaluation (radius ~1e-120), so containment of that tiny ball in the 53-bit enclosure is
    # what the certified result promises (two 53-bit enclosures need not contain one another).
    hi = lo + width
    z = _q(lo).union(_q(hi))
    u = lo + t * width
    assert z.contains(_q(u))
    enclosure = ball_activation(name, z)
    old = flint.ctx.prec
    try:
        flint.ctx.prec = 400
        reference = ball_activation(name, _q(u))
    finally:
        flint.ctx.prec = old
    assert enclosure.contains(reference)


@given(name=st.sampled_from(ACTIVATIONS), a=exact_rationals(), b=exact_rationals())
def test_point_values_are_monotone(name: str, a: Fraction, b: Fraction) -> None:
    lo, hi = min(a, b), max(a, b)
    pa, pb = ball_activation(name, _q(lo)), ball_activation(name, _q(hi))
    # monotone: the enclosure of phi(lo) never lies strictly above that of phi(hi)
    assert not (pa > pb)


@pytest.mark.parametrize("name", ACTIVATIONS)
def test_non_ball_argument_is_a_type_error(name: str) -> None:
    # The table works on flint.arb only; a bare float has no .rad().
    with pytest.raises((TypeError, AttributeError)):
        ball_activation(name, 0.5)  # type: ignore[arg-type]
