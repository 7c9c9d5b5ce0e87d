"""Tests of :mod:`urnn_sym.validation`: the shared argument checks and their typed errors."""

from __future__ import annotations

import math
from fractions import Fraction
from typing import Any

import pytest
import sympy
from hypothesis import given
from hypothesis import strategies as st

from urnn_sym.errors import InvalidArgumentError, NonFiniteError, ParseError, ShapeError, UrnnSymError
from urnn_sym.numbers.activations import ACTIVATIONS
from urnn_sym.strategies import exact_rationals
from urnn_sym.validation import (
    NORMS,
    check_activation,
    check_input_bound,
    check_int,
    check_norm,
    check_positive,
    check_positive_dim,
    check_shape,
)

pytestmark = pytest.mark.timeout(120)


# --------------------------------------------------------------------------- check_shape


@pytest.mark.parametrize(
    ("found", "expected"),
    [((3, 3), (3, 3)), ((2, 5), (2, None)), ((7,), (None,)), ((), ()), ([4, 1], (4, 1))],
)
def test_check_shape_accepts_matching_shapes(found: Any, expected: Any) -> None:
    check_shape("W", found, expected)  # returns without raising


@pytest.mark.parametrize(
    ("found", "expected"),
    [((2, 3), (3, 3)), ((3,), (3, 3)), ((3, 3), (3,)), ((3, 3, 1), (3, 3)), ((2, 5), (None, 4))],
)
def test_check_shape_refuses_and_names_argument_and_both_shapes(found: Any, expected: Any) -> None:
    with pytest.raises(ShapeError) as info:
        check_shape("W", found, expected)
    message = str(info.value)
    assert message.startswith("W:")
    assert str(tuple(found)) in message


def test_check_shape_shows_wildcards() -> None:
    with pytest.raises(ShapeError, match=r"\(\*, 4\)"):
        check_shape("F", (2, 5), (None, 4))
    with pytest.raises(ShapeError, match=r"\(3,\)"):
        check_shape("b", (2,), (3,))


@given(st.lists(st.integers(0, 9), max_size=4), st.lists(st.integers(0, 9), max_size=4))
def test_check_shape_is_exact_equality_of_shapes(found: list[int], expected: list[int]) -> None:
    if tuple(found) == tuple(expected):
        check_shape("A", found, expected)
    else:
        with pytest.raises(ShapeError):
            check_shape("A", found, expected)


# --------------------------------------------------------------------------- check_positive_dim


def test_check_positive_dim() -> None:
    check_positive_dim("n", 1, "the number of states")
    with pytest.raises(ShapeError, match=r"^n:.*found 0"):
        check_positive_dim("n", 0, "the number of states")
    with pytest.raises(ShapeError, match=r"^d:.*found -2"):
        check_positive_dim("d", -2, "the input dimension")


# --------------------------------------------------------------------------- check_int


@pytest.mark.parametrize(("value", "low", "high"), [(3, 1, None), (0, None, 0), (5, 5, 5), (-7, None, None)])
def test_check_int_returns_the_value(value: int, low: int | None, high: int | None) -> None:
    assert check_int("steps", value, low=low, high=high) == value


@pytest.mark.parametrize(
    ("value", "low", "high"),
    [(0, 1, None), (2, None, 1), (6, 1, 5), (0, 1, 5)],
)
def test_check_int_refuses_out_of_range(value: int, low: int | None, high: int | None) -> None:
    with pytest.raises(InvalidArgumentError) as info:
        check_int("steps", value, low=low, high=high)
    assert str(info.value).startswith("steps:")
    assert str(value) in str(info.value)


@pytest.mark.parametrize("value", [True, False, 1.0, "3", None, Fraction(3), [3], float("nan")])
def test_check_int_refuses_non_integers(value: Any) -> None:
    # bool is an int subclass but never a count; floats, strings and Fractions are refused too.
    with pytest.raises(InvalidArgumentError, match=r"^horizon:"):
        check_int("horizon", value, low=0)


@given(st.integers(-50, 50), st.integers(-50, 50), st.integers(-50, 50))
def test_check_int_accepts_exactly_the_closed_range(value: int, a: int, b: int) -> None:
    low, high = min(a, b), max(a, b)
    if low <= value <= high:
        assert check_int("k", value, low=low, high=high) == value
    else:
        with pytest.raises(InvalidArgumentError):
            check_int("k", value, low=low, high=high)


# --------------------------------------------------------------------------- check_activation / check_norm


@pytest.mark.parametrize("name", ACTIVATIONS)
def test_check_activation_accepts_known(name: str) -> None:
    assert check_activation(name) == name


@pytest.mark.parametrize("name", ["ReLU", "softplus", "", None, 3, ["relu"]])
def test_check_activation_refuses_unknown(name: Any) -> None:
    with pytest.raises(InvalidArgumentError, match=r"^activation:") as info:
        check_activation(name)
    assert repr(name) in str(info.value)


@pytest.mark.parametrize(("given_", "want"), [("2", "2"), ("inf", "inf"), (2, "2")])
def test_check_norm_accepts(given_: Any, want: str) -> None:
    assert check_norm(given_) == want
    assert want in NORMS


@pytest.mark.parametrize("norm", ["1", "INF", "infinity", 2.0, None, "fro"])
def test_check_norm_refuses(norm: Any) -> None:
    with pytest.raises(InvalidArgumentError, match=r"^norm:"):
        check_norm(norm)


# --------------------------------------------------------------------------- check_positive


@pytest.mark.parametrize("value", [1, 0.5, Fraction(1, 10**9), sympy.Rational(1, 3), sympy.sqrt(2) - 1])
def test_check_positive_accepts(value: Any) -> None:
    check_positive("eps", value)  # returns without raising


@pytest.mark.parametrize("value", [0, -1, Fraction(-1, 3), sympy.Integer(0), 1 - sympy.sqrt(2), float("nan")])
def test_check_positive_refuses_non_positive_and_nan(value: Any) -> None:
    # NaN > 0 is False, so NaN is refused as "not positive".
    with pytest.raises(InvalidArgumentError, match=r"^eps:"):
        check_positive("eps", value)


@pytest.mark.parametrize("value", ["1", None, [1]])
def test_check_positive_refuses_incomparable_types(value: Any) -> None:
    with pytest.raises(InvalidArgumentError, match=r"^eps:"):
        check_positive("eps", value)


# --------------------------------------------------------------------------- check_input_bound


@pytest.mark.parametrize(
    ("value", "want"),
    [
        ("1/2", Fraction(1, 2)),
        (0.25, Fraction(1, 4)),
        (3, Fraction(3)),
        (Fraction(7, 3), Fraction(7, 3)),
        ("0.1", Fraction(1, 10)),  # text is read as the exact decimal
        (0.1, Fraction(0.1)),  # a float is its exact dyadic value, not 1/10
    ],
)
def test_check_input_bound_is_exact(value: Any, want: Fraction) -> None:
    got = check_input_bound(value)
    assert isinstance(got, Fraction)
    assert got == want


def test_float_input_bound_keeps_its_dyadic_value() -> None:
    # 0.1 is 3602879701896397 / 2**55 exactly; it is not rounded to 1/10.
    assert check_input_bound(0.1) == Fraction(3602879701896397, 2**55)
    assert check_input_bound(0.1) != Fraction(1, 10)


@pytest.mark.parametrize("value", [0, -1, "-1/2", "0", Fraction(0)])
def test_check_input_bound_refuses_non_positive(value: Any) -> None:
    with pytest.raises(InvalidArgumentError, match=r"input_bound"):
        check_input_bound(value)


@pytest.mark.parametrize("value", [float("nan"), float("inf"), -math.inf])
def test_check_input_bound_refuses_non_finite(value: float) -> None:
    with pytest.raises(NonFiniteError, match=r"input_bound"):
        check_input_bound(value)


@pytest.mark.parametrize("value", ["abc", "1/0", "1e999999"])
def test_check_input_bound_refuses_bad_text(value: str) -> None:
    with pytest.raises(ParseError, match=r"input_bound"):
        check_input_bound(value)


@pytest.mark.parametrize("value", [None, [1], {"M": 1}])
def test_check_input_bound_refuses_wrong_types(value: Any) -> None:
    with pytest.raises(UrnnSymError, match=r"input_bound"):
        check_input_bound(value)


@given(exact_rationals(99, 99))
def test_check_input_bound_round_trips_positive_rationals(q: Fraction) -> None:
    if q > 0:
        assert check_input_bound(q) == q
        assert check_input_bound(str(q)) == q
    else:
        with pytest.raises(InvalidArgumentError):
            check_input_bound(q)
