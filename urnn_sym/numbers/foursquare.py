"""Exact sums of at most four squares of rationals, found without factoring.

Lagrange's four-square theorem: every nonnegative integer is a sum of four
integer squares.  Hence every positive rational ``q = p / d`` (lowest terms) is
a sum of four rational squares: ``q = (p d) / d^2`` and ``p d = sum x_i^2``
give ``q = sum (x_i / d)^2``.  Fewer squares suffice in these classical cases:

* one square iff ``p`` and ``d`` are both squares;
* two squares iff every prime ``= 3 (mod 4)`` divides ``p d`` to an even power
  (Fermat, Euler);
* three squares iff ``p d`` is not of the form ``4^a (8 b + 7)``
  (Legendre, Gauss; Davenport--Cassels for the rational version).

Deciding the two-square case needs the factorisation of ``p d``; this module
never factors.  It returns one square for squares (exact integer square roots),
two squares when that is *cheaply seen* (trial division by the primes below
10^4 leaves 1, a perfect square or a probable prime ``= 1 (mod 4)``, whose two
squares come from a square root of -1 and the Hermite--Serret / Cornacchia
Euclidean algorithm), three squares by a randomised search for ``x`` with
``N - x^2`` cheaply a sum of two squares (when ``N`` is not of the form
``4^a (8 b + 7)`` and has at most ``three_squares_max_digits`` digits), and
otherwise four squares by the randomised algorithm of Rabin and Shallit
("Randomized algorithms in number theory", 1986): random ``x, y`` with
``N - x^2 - y^2`` a prime ``= 1 (mod 4)``, then two squares for that prime.
Numbers below ``10^6`` are searched exhaustively, so their count is minimal.

Every answer is checked exactly (``sum a_i^2 == q``) before it is returned;
primality tests only guide the search (a pseudoprime cannot produce a wrong
answer, only a retried one).

Speed.  The searches pick ``x`` (and ``y``) just below ``sqrt(N)`` (and
``sqrt(N - x^2)``), so the candidate that must be prime has about half (three
squares) or a quarter (four squares) of the digits of ``N``; a prime turns up
after about ``ln`` of the candidate trials.  Four squares of ``p / d`` are
built from four squares of ``p`` and of ``d`` separately by Euler's
four-square identity (``p`` and ``d`` have half the digits of ``p d``).  The
three-square search is therefore much dearer than the four-square one for
huge numbers, which is why it is bounded by ``three_squares_max_digits``.

Examples
--------
>>> from fractions import Fraction
>>> rational_squares(Fraction(9, 4))
[3/2]
>>> integer_squares(5)
[2, 1]
>>> integer_squares(7)
[2, 1, 1, 1]
>>> import flint
>>> sum(a * a for a in rational_squares(Fraction(7, 3))) == flint.fmpq(7, 3)
True
"""

from __future__ import annotations

import functools
import math
import numbers
import random
from fractions import Fraction
from typing import Any

import flint

from urnn_sym.errors import InvalidArgumentError, UnsupportedError

__all__ = ["integer_squares", "rational_squares"]

#: Trial division bound: a cofactor without prime factors below it that is below its square is prime.
_TRIAL_BOUND = 10_000
#: Below this, searches are exhaustive (so the number of squares is minimal).
_SMALL = 10**6
#: Default digit limit of the (dear) three-square search.
DEFAULT_THREE_SQUARES_MAX_DIGITS = 1000


def _primes_below(n: int) -> list[int]:
    sieve = bytearray([1]) * n
    sieve[:2] = b"\x00\x00"
    for i in range(2, math.isqrt(n - 1) + 1):
        if sieve[i]:
            sieve[i * i :: i] = bytearray(len(range(i * i, n, i)))
    return [i for i in range(n) if sieve[i]]


_ODD_PRIMES = _primes_below(_TRIAL_BOUND)[1:]
_ODD_PRIMORIAL = flint.fmpz(math.prod(_ODD_PRIMES))
_PRIMORIAL_3 = flint.fmpz(math.prod(p for p in _ODD_PRIMES if p % 4 == 3))


@functools.lru_cache(maxsize=4096)
def _small_two_squares(p: int) -> tuple[int, int] | None:
    """``(a, b)``, ``a >= b``, with ``a^2 + b^2 = p`` by direct search (small p), None if there is none."""
    for b in range(math.isqrt(p // 2) + 1):
        a = math.isqrt(p - b * b)
        if a * a == p - b * b:
            return a, b
    return None


Pair = tuple[int, int]


# --------------------------------------------------------------------------------------------------------------------
# Input validation
# --------------------------------------------------------------------------------------------------------------------


def _as_fraction(name: str, q: Any) -> Fraction:
    if isinstance(q, bool) or not isinstance(q, (numbers.Rational, flint.fmpq, flint.fmpz)):
        raise InvalidArgumentError(
            f"{name}: expected a positive rational (int, Fraction or flint.fmpq) but found {q!r} ({type(q).__name__})"
        )
    if isinstance(q, flint.fmpq):
        fr = Fraction(int(q.p), int(q.q))
    elif isinstance(q, flint.fmpz):
        fr = Fraction(int(q))
    else:
        fr = Fraction(int(q.numerator), int(q.denominator))
    return fr


def _as_int(name: str, N: Any) -> int:
    if isinstance(N, bool) or not isinstance(N, (numbers.Integral, flint.fmpz)):
        raise InvalidArgumentError(f"{name}: expected a nonnegative integer but found {N!r} ({type(N).__name__})")
    n = int(N)
    if n < 0:
        raise InvalidArgumentError(f"{name}: expected a nonnegative integer but found {n}")
    return n


def _check_limit(three_squares_max_digits: Any) -> int:
    if isinstance(three_squares_max_digits, bool) or not isinstance(three_squares_max_digits, numbers.Integral):
        raise InvalidArgumentError(
            f"three_squares_max_digits: expected an integer but found {three_squares_max_digits!r}"
        )
    return int(three_squares_max_digits)


def _check_seed(seed: Any) -> int:
    if isinstance(seed, bool) or not isinstance(seed, numbers.Integral):
        raise InvalidArgumentError(f"seed: expected an integer but found {seed!r}")
    return int(seed)


# --------------------------------------------------------------------------------------------------------------------
# Two squares
# --------------------------------------------------------------------------------------------------------------------


def _mul2(u: Pair, v: Pair) -> Pair:
    """Brahmagupta--Fibonacci: ``(a^2 + b^2)(c^2 + d^2) = (ac - bd)^2 + (ad + bc)^2``."""
    a, b = u
    c, d = v
    return abs(a * c - b * d), a * d + b * c


def _pow2(u: Pair, e: int) -> Pair:
    out: Pair = (1, 0)
    while e:
        if e & 1:
            out = _mul2(out, u)
        u = _mul2(u, u)
        e >>= 1
    return out


def _sqrt_minus_one(p: int, rng: random.Random) -> int | None:
    """A square root of -1 modulo the (probable) prime ``p = 1 (mod 4)``, from a quadratic non-residue."""
    P = flint.fmpz(p)
    e = flint.fmpz((p - 1) // 4)
    for attempt in range(64):
        # 2 is a non-residue modulo every prime = 5 (mod 8); otherwise a random c is one with probability 1/2.
        c = 2 if attempt == 0 else rng.randrange(2, p - 1)
        t = int(pow(flint.fmpz(c), e, P))
        if t * t % p == p - 1:
            return t
        if t not in (1, p - 1):
            return None  # c^((p-1)/2) is not +-1: p is composite
    return None


def _prime_two_squares(p: int, rng: random.Random) -> Pair | None:
    """``(a, b)`` with ``a^2 + b^2 = p`` for a (probable) prime ``p = 1 (mod 4)`` (Hermite--Serret), else None."""
    if p < _TRIAL_BOUND:
        return _small_two_squares(p)
    t = _sqrt_minus_one(p, rng)
    if t is None:
        return None
    limit = math.isqrt(p)
    a, b = p, t
    while b > limit:
        a, b = b, a % b
    rest = p - b * b
    c = math.isqrt(rest)
    return (max(b, c), min(b, c)) if c * c == rest else None


def _two_squares_cheap(n: int, rng: random.Random) -> Pair | None:
    """``(a, b)`` with ``a^2 + b^2 = n`` when trial division below 10^4 makes it cheap; None when not seen.

    The primes below 10^4 are stripped by gcds with their product; the cofactor must be 1, a
    square, or a (probable) prime ``= 1 (mod 4)``, and each prime ``= 3 (mod 4)`` of the small
    part must divide n to an even power.  None is certain (n is not a sum of two squares) when
    the odd part or the cofactor is ``3 (mod 4)`` or a prime ``3 (mod 4)`` divides n to an odd
    power; otherwise it means "not cheaply".
    """
    if n == 0:
        return (0, 0)
    e2 = (n & -n).bit_length() - 1
    m = n >> e2
    if m & 3 == 3:
        return None
    M = flint.fmpz(m)
    g3 = M.gcd(_PRIMORIAL_3)
    if g3 != 1 and (M // g3) % g3 != 0:
        return None  # some prime = 3 (mod 4) below 10^4 divides m exactly once
    c, g = M, M.gcd(_ODD_PRIMORIAL)
    while g != 1:
        c //= g
        g = c.gcd(g)
    cofactor = int(c)
    if cofactor & 3 == 3:
        return None
    r = math.isqrt(cofactor)
    if r * r == cofactor:
        rep: Pair = (r, 0)
    elif cofactor & 3 != 1 or (cofactor >= _TRIAL_BOUND**2 and not c.is_probable_prime()):
        return None
    else:
        # a cofactor below 10^8 without prime factors below 10^4 is prime
        pr = _prime_two_squares(cofactor, rng)
        if pr is None:
            return None
        rep = pr
    half = 1 << (e2 // 2)
    rep = _mul2(rep, (half, 0) if e2 % 2 == 0 else (half, half))
    if cofactor != m:
        for fp, fe in flint.fmpz(m // cofactor).factor():  # only primes below 10^4 remain
            p, e = int(fp), int(fe)
            if p % 4 == 3:
                if e % 2:
                    return None
                rep = (rep[0] * p ** (e // 2), rep[1] * p ** (e // 2))
            else:
                pair = _small_two_squares(p)
                if pair is None:  # pragma: no cover - Fermat: every prime = 1 (mod 4) is a sum of two squares
                    return None
                rep = _mul2(rep, _pow2(pair, e))
    return rep


# --------------------------------------------------------------------------------------------------------------------
# Integer searches
# --------------------------------------------------------------------------------------------------------------------


def _strip_fours(n: int) -> tuple[int, int]:
    """``(a, m)`` with ``n = 4^a m`` and 4 not dividing m (n > 0)."""
    a = ((n & -n).bit_length() - 1) // 2
    return a, n >> (2 * a)


def _is_3_class(m: int) -> bool:
    """Legendre/Gauss: m is a sum of three squares iff it is not ``4^a (8 b + 7)``."""
    return m == 0 or _strip_fours(m)[1] & 7 != 7


def _small_squares(n: int, rng: random.Random) -> list[int]:
    """Fewest squares summing to ``n < 10^6`` (exhaustive; two-square tests are exact below 10^6)."""
    r = math.isqrt(n)
    if r * r == n:
        return [r]
    two = _two_squares_cheap(n, rng)
    if two is not None:
        return list(two)
    if _is_3_class(n):
        for x in range(r, 0, -1):
            two = _two_squares_cheap(n - x * x, rng)
            if two is not None:
                return [x, *two]
    for x in range(r, 0, -1):
        if _is_3_class(n - x * x):
            return [x, *_small_squares(n - x * x, rng)]
    raise AssertionError(f"no four squares for {n}")  # pragma: no cover - Lagrange


def _trial_bound(size: int, factor: int) -> int:
    """A generous number of candidates: ``factor`` times the ~ln(size) expected before a prime."""
    return factor * (size.bit_length() + 64)


#: Offsets below the square roots are drawn from [0, 2^20]: few repeats, and candidates only ~21 bits longer.
_WIDTH = 1 << 20


def _search_three(m: int, rng: random.Random, budget: int) -> list[int] | None:
    """``[x, a, b]`` with ``x^2 + a^2 + b^2 = m``: x just below sqrt(m), m - x^2 cheaply two squares."""
    root = math.isqrt(m)
    for _ in range(budget):
        x = root - rng.randrange(min(root, _WIDTH) + 1)
        two = _two_squares_cheap(m - x * x, rng)
        if two is not None:
            return [x, *two]
    return None


def _search_four(m: int, rng: random.Random, budget: int) -> list[int] | None:
    """Rabin--Shallit: x, y just below the square roots with ``m - x^2 - y^2`` cheaply two squares."""
    root = math.isqrt(m)
    for _ in range(budget):
        x = root - rng.randrange(min(root, _WIDTH) + 1)
        rest = m - x * x
        r2 = math.isqrt(rest)
        y = r2 - rng.randrange(min(r2, _WIDTH) + 1)
        two = _two_squares_cheap(rest - y * y, rng)
        if two is not None:
            return [x, y, *two]
    return None


def _integer_squares(n: int, rng: random.Random, max_digits3: int, *, known_not_two: bool = False) -> list[int]:
    """Squares (unsorted, zeros allowed) summing to n >= 0."""
    if n == 0:
        return [0]
    a, n = _strip_fours(n)
    scale = 1 << a
    if n < _SMALL:
        return [scale * x for x in _small_squares(n, rng)]
    r = math.isqrt(n)
    if r * r == n:
        return [scale * r]
    if not known_not_two:
        two = _two_squares_cheap(n, rng)
        if two is not None:
            return [scale * x for x in two]
    if _is_3_class(n) and _digits(n) <= max_digits3:
        three = _search_three(n, rng, _trial_bound(r, 64))
        if three is not None:
            return [scale * x for x in three]
    four = _search_four(n, rng, _trial_bound(r, 256))
    if four is None:
        raise UnsupportedError(
            f"N: no four squares found for a {_digits(n)}-digit number within {_trial_bound(r, 256)} random "
            "trials (Rabin-Shallit); this should not happen, retry with another seed"
        )
    return [scale * x for x in four]


def _finish(xs: list[int], n: int) -> list[int]:
    out = sorted((abs(x) for x in xs if x), reverse=True) or [0]
    if sum(x * x for x in out) != n:
        raise AssertionError(f"internal error: {out} do not square-sum to {n}")  # pragma: no cover
    return out


def integer_squares(
    N: int | flint.fmpz, *, seed: int = 0, three_squares_max_digits: int = DEFAULT_THREE_SQUARES_MAX_DIGITS
) -> list[int]:
    """Nonnegative integers ``x_1 >= ... >= x_k`` (``1 <= k <= 4``) with ``sum x_i^2 == N`` exactly.

    Lagrange's four-square theorem guarantees ``k <= 4``.  No factoring: one
    square for squares, two when cheaply seen, three by a randomised search,
    four by the randomised algorithm of Rabin and Shallit (1986); see the
    module docstring.  ``k`` is minimal for ``N < 10^6`` (exhaustive search)
    and for squares; otherwise it is small but not guaranteed minimal.

    Parameters
    ----------
    N : int
        A nonnegative integer (``int``, ``flint.fmpz`` or another integral
        type; not ``bool``).
    seed : int, default 0
        Seed of the ``random.Random`` that drives the searches: the answer is
        a function of ``(N, seed, three_squares_max_digits)``.
    three_squares_max_digits : int, default 1000
        The three-square search (whose candidates have half the digits of
        ``N``) runs only when ``N`` (without its factors 4) has at most this
        many decimal digits; above it four squares are returned, found much
        faster.  Raise it to trade time for fewer squares.

    Returns
    -------
    list of int
        ``[x_1, ..., x_k]``, nonincreasing and positive (``[0]`` for ``N = 0``).

    Raises
    ------
    InvalidArgumentError
        If ``N`` is negative or not an integer (floats and bools included).
    UnsupportedError
        If the randomised search fails within its (generous) bound of trials;
        this should never happen in practice.

    Examples
    --------
    >>> integer_squares(0), integer_squares(4 * 13), integer_squares(1000)
    ([0], [6, 4], [26, 18])
    >>> xs = integer_squares(10**40 + 7)
    >>> sum(x * x for x in xs) == 10**40 + 7
    True
    """
    n = _as_int("N", N)
    limit = _check_limit(three_squares_max_digits)
    rng = random.Random(_check_seed(seed))
    return _finish(_integer_squares(n, rng, limit), n)


# --------------------------------------------------------------------------------------------------------------------
# Rationals
# --------------------------------------------------------------------------------------------------------------------


def _euler(u: list[int], v: list[int]) -> list[int]:
    """Euler's four-square identity: the quaternion product of ``u`` and ``v`` has norm ``|u|^2 |v|^2``."""
    a1, a2, a3, a4 = [*u, 0, 0, 0][:4]
    b1, b2, b3, b4 = [*v, 0, 0, 0][:4]
    return [
        a1 * b1 - a2 * b2 - a3 * b3 - a4 * b4,
        a1 * b2 + a2 * b1 + a3 * b4 - a4 * b3,
        a1 * b3 - a2 * b4 + a3 * b1 + a4 * b2,
        a1 * b4 + a2 * b3 - a3 * b2 + a4 * b1,
    ]


def _pair(u: list[int]) -> Pair:
    w = [*u, 0, 0]
    return (w[0], w[1])


def _combine(u: list[int], v: list[int]) -> list[int]:
    """Squares for the product of two sums of squares (two-square identity when both have at most two)."""
    if len(u) <= 2 and len(v) <= 2:
        return list(_mul2(_pair(u), _pair(v)))
    return _euler(u, v)


def rational_squares(
    q: Any, *, seed: int = 0, three_squares_max_digits: int = DEFAULT_THREE_SQUARES_MAX_DIGITS
) -> list[flint.fmpq]:
    """Nonnegative rationals ``a_1 >= ... >= a_k`` (``1 <= k <= 4``) with ``sum a_i^2 == q`` exactly.

    For ``q = p / d`` in lowest terms, ``q = (p d) / d^2``; Lagrange's
    four-square theorem for ``N = p d`` gives ``k <= 4``.  Without factoring:
    ``k = 1`` iff q is a rational square; ``k = 2`` when ``p`` and ``d`` are
    cheaply seen to be sums of two squares (combined by the
    Brahmagupta--Fibonacci identity); ``k = 3`` by a randomised search when
    ``N`` is not of the form ``4^a (8 b + 7)`` and has at most
    ``three_squares_max_digits`` digits; otherwise ``k = 4`` from four squares
    of ``p`` and of ``d`` (Rabin and Shallit, 1986) combined by Euler's
    four-square identity.  See the module docstring.

    Parameters
    ----------
    q : int, fractions.Fraction or flint.fmpq
        A positive rational (any ``numbers.Rational`` except ``bool``;
        floats are refused: convert them exactly first).
    seed : int, default 0
        Seed of the ``random.Random`` driving the searches (the answer is a
        function of the arguments).
    three_squares_max_digits : int, default 1000
        Digits of ``N = p d`` (without its factors 4) up to which three
        squares are searched for; above it four squares are returned, which
        is much faster for numbers with thousands of digits.

    Returns
    -------
    list of flint.fmpq
        ``[a_1, ..., a_k]``, positive and nonincreasing, ``sum a_i^2 == q``.

    Raises
    ------
    InvalidArgumentError
        If ``q`` is not a positive rational (zero, negative, float, NaN,
        bool or another type).
    UnsupportedError
        If the randomised search fails within its (generous) bound of trials;
        this should never happen in practice.

    Examples
    --------
    >>> from fractions import Fraction
    >>> rational_squares(Fraction(25, 9)), rational_squares(2), rational_squares(Fraction(1, 2))
    ([5/3], [1, 1], [1/2, 1/2])
    >>> import flint
    >>> q = flint.fmpq(7 * 10**30 + 1, 3**50)
    >>> xs = rational_squares(q)
    >>> 1 <= len(xs) <= 4 and sum(a * a for a in xs) == q
    True
    """
    fr = _as_fraction("q", q)
    if fr <= 0:
        raise InvalidArgumentError(f"q: expected a positive rational but found {fr}")
    limit = _check_limit(three_squares_max_digits)
    rng = random.Random(_check_seed(seed))
    p, d = fr.numerator, fr.denominator
    rp, rd = math.isqrt(p), math.isqrt(d)
    if rp * rp == p and rd * rd == d:
        return [flint.fmpq(rp, rd)]
    N = p * d
    xs = _rational_numerators(p, d, N, rng, limit)
    out = _finish(xs, N)
    return [flint.fmpq(x, d) for x in out]


def _rational_numerators(p: int, d: int, N: int, rng: random.Random, limit: int) -> list[int]:
    """Integers ``x_i`` with ``sum x_i^2 = N = p d`` (p, d coprime, not both squares)."""
    if N < _SMALL:
        return _integer_squares(N, rng, limit)
    tp = _two_squares_cheap(p, rng)
    td = _two_squares_cheap(d, rng) if tp is not None else None
    if tp is not None and td is not None:
        return list(_mul2(tp, td))
    if _is_3_class(N) and _digits(_strip_fours(N)[1]) <= limit:
        return _integer_squares(N, rng, limit, known_not_two=True)
    # Four squares of p and of d separately (half the digits each), multiplied by Euler's identity.
    u = list(tp) if tp is not None else _integer_squares(p, rng, 0, known_not_two=True)
    v = list(td) if td is not None else _integer_squares(d, rng, 0, known_not_two=tp is not None)
    return _combine(u, v)


def _digits(n: int) -> int:
    """Decimal digits of n > 0 (exact: one comparison with a power of 10 after a bit-length estimate)."""
    k = max(int(n.bit_length() * 0.30102999566398120), 1)
    return k + 1 if n >= 10**k else k
