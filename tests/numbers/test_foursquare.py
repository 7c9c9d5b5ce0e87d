"""Tests of urnn_sym.numbers.foursquare: exact sums of at most four rational squares without factoring."""

from __future__ import annotations

import math
import random
import re
from fractions import Fraction

import flint
import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from urnn_sym.errors import InvalidArgumentError, UnsupportedError
from urnn_sym.numbers import foursquare
from urnn_sym.numbers.foursquare import integer_squares, rational_squares

pytestmark = pytest.mark.timeout(120)


def _check_rational(q: Fraction, xs: list[flint.fmpq]) -> None:
    assert 1 <= len(xs) <= 4
    assert all(isinstance(a, flint.fmpq) and a > 0 for a in xs)
    assert xs == sorted(xs, reverse=True)
    total = sum((Fraction(int(a.p), int(a.q)) ** 2 for a in xs), Fraction(0))
    assert total == q


def _check_integer(n: int, xs: list[int]) -> None:
    assert 1 <= len(xs) <= 4
    assert all(type(x) is int for x in xs)
    assert xs == sorted(xs, reverse=True)
    assert all(x > 0 for x in xs) or xs == [0]
    assert sum(x * x for x in xs) == n


def _is_rational_square(q: Fraction) -> bool:
    return math.isqrt(q.numerator) ** 2 == q.numerator and math.isqrt(q.denominator) ** 2 == q.denominator


def _fewest_squares(n: int) -> int:
    """Brute force: the least k with n a sum of k squares."""
    if math.isqrt(n) ** 2 == n:
        return 1
    if any(math.isqrt(n - a * a) ** 2 == n - a * a for a in range(math.isqrt(n) + 1)):
        return 2
    m = n
    while m % 4 == 0:
        m //= 4
    return 4 if m % 8 == 7 else 3


def _next_prime_1_mod_4(start: int) -> int:
    p = start | 1
    while not (p % 4 == 1 and flint.fmpz(p).is_probable_prime()):
        p += 2
    return p


positive_ints = st.one_of(
    st.integers(1, 10**6),
    st.integers(1, 10**40),
    st.integers(10**100, 10**160),
)
rationals = st.builds(Fraction, positive_ints, positive_ints)


@given(rationals, st.integers(0, 3))
def test_rational_identity_is_exact(q: Fraction, seed: int) -> None:
    xs = rational_squares(q, seed=seed)
    _check_rational(q, xs)
    assert (len(xs) == 1) == _is_rational_square(q)


@given(positive_ints, positive_ints)
def test_squares_give_one_square(a: int, b: int) -> None:
    q = Fraction(a, b) ** 2
    assert rational_squares(q) == [flint.fmpq(a, b)]


@given(positive_ints, positive_ints, st.integers(1, 10**30))
def test_sums_of_two_squares(a: int, b: int, c: int) -> None:
    q = Fraction(a * a + b * b, c * c)
    xs = rational_squares(q, seed=a % 7)
    _check_rational(q, xs)
    assert (len(xs) == 1) == _is_rational_square(q)


@given(st.integers(0, 10**120), st.integers(0, 5), st.integers(1, 10**20))
def test_seven_mod_eight_needs_four(b: int, a: int, c: int) -> None:
    # 4^a (8 b + 7) / c^2 is not a sum of three rational squares (Legendre, Davenport-Cassels)
    q = Fraction(4**a * (8 * b + 7), c * c)
    xs = rational_squares(q)
    _check_rational(q, xs)
    assert len(xs) == 4


@given(st.integers(0, 10**200), st.integers(0, 2))
def test_integer_identity_is_exact(n: int, seed: int) -> None:
    xs = integer_squares(n, seed=seed)
    _check_integer(n, xs)
    assert (len(xs) == 1) == (math.isqrt(n) ** 2 == n)


def test_small_integers_use_the_fewest_squares() -> None:
    for n in range(3000):
        xs = integer_squares(n)
        _check_integer(n, xs)
        assert len(xs) == (_fewest_squares(n) if n else 1), n
    for n in (999_983, 999_999, 4 * 999_999, 10**6 - 1):
        assert len(integer_squares(n)) == _fewest_squares(n)


def test_primes_one_mod_four_give_two_squares() -> None:
    for digits in (7, 30, 200):
        p = _next_prime_1_mod_4(10 ** (digits - 1) + 12345)
        for n in (p, 2 * p, 9 * p, 4**3 * p):
            xs = integer_squares(n)
            _check_integer(n, xs)
            assert len(xs) == 2
        q = Fraction(p, 5)  # 5 = 2^2 + 1^2, so p * 5 is a sum of two squares
        xs2 = rational_squares(q)
        _check_rational(q, xs2)
        assert len(xs2) == 2


def test_three_squares_when_allowed_and_four_above_the_digit_limit() -> None:
    n = 10**300 + 3  # = 3 (mod 8): three squares exist
    assert len(integer_squares(n)) == 3
    xs = integer_squares(n, three_squares_max_digits=100)
    _check_integer(n, xs)
    assert len(xs) == 4
    q = Fraction(10**150 + 1, 3 * 10**149 + 7)
    xs3 = rational_squares(q, three_squares_max_digits=0)
    _check_rational(q, xs3)
    assert len(xs3) == 4


def test_thousands_of_digits() -> None:
    # pivots of exact factorisations at n = 64 have thousands of digits
    rng = np.random.default_rng(3)
    num = int("".join(map(str, rng.integers(0, 10, 2000)))) + 10**2000
    den = int("".join(map(str, rng.integers(0, 10, 1999)))) + 10**1999
    for q in (Fraction(num, den), Fraction(8 * num + 7, 1), Fraction(num * num, den * den)):
        xs = rational_squares(q)
        _check_rational(q, xs)


def test_deterministic_given_seed_and_input_types() -> None:
    q = Fraction(10**60 + 7, 10**59 + 3)
    first = rational_squares(q, seed=5)
    assert rational_squares(q, seed=5) == first
    assert rational_squares(flint.fmpq(q.numerator, q.denominator), seed=5) == first
    assert rational_squares(11) == rational_squares(flint.fmpz(11)) == rational_squares(np.int64(11))
    assert integer_squares(flint.fmpz(10**30 + 1)) == integer_squares(10**30 + 1)
    for seed in range(4):
        _check_rational(q, rational_squares(q, seed=seed))


@pytest.mark.parametrize(
    ("q", "shown"),
    [
        (0, "0"),
        (-3, "-3"),
        (Fraction(-3, 4), "-3/4"),
        (0.5, "0.5"),
        (float("nan"), "nan"),
        (True, "True"),
        ("1/2", "'1/2'"),
        (None, "None"),
        (flint.fmpq(-1, 2), "-1/2"),
    ],
)
def test_bad_rationals(q: object, shown: str) -> None:
    with pytest.raises(InvalidArgumentError, match=r"^q: .*" + re.escape(shown)):
        rational_squares(q)


@pytest.mark.parametrize(
    ("N", "shown"), [(-1, "-1"), (1.0, "1.0"), (False, "False"), (Fraction(1, 2), "Fraction(1, 2)")]
)
def test_bad_integers(N: object, shown: str) -> None:
    with pytest.raises(InvalidArgumentError, match=r"^N: .*" + re.escape(shown)):
        integer_squares(N)  # type: ignore[arg-type]


def test_bad_options() -> None:
    with pytest.raises(InvalidArgumentError, match="seed"):
        rational_squares(2, seed=1.5)  # type: ignore[arg-type]
    with pytest.raises(InvalidArgumentError, match="three_squares_max_digits"):
        integer_squares(2, three_squares_max_digits="many")  # type: ignore[arg-type]


def test_failure_to_find_is_a_clear_error(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(foursquare, "_search_four", lambda m, rng, budget: None)
    with pytest.raises(UnsupportedError, match=r"no four squares found for a 30-digit number.*another seed"):
        integer_squares(8 * 10**29 + 7)


def test_two_squares_of_composites_are_verified_or_refused() -> None:
    rng = random.Random(0)
    for n in (1009 * 1013, 1009 * 1013 * 10007 * 10009, 561, 1105, 2465 * 10**6 + 1):
        pair = foursquare._prime_two_squares(n, rng)
        assert pair is None or pair[0] ** 2 + pair[1] ** 2 == n
    assert foursquare._two_squares_cheap(3 * 10**50 + 3, rng) is None  # 3 mod 4 odd part
    assert foursquare._two_squares_cheap(3 * 3 * 5, rng) == (6, 3)
