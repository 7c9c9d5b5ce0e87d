"""Exact scalars: conversions to ``Fraction``, exact signs of algebraic numbers, rigorous ``arb`` enclosures."""

from __future__ import annotations

import math
import numbers
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from fractions import Fraction
from typing import Any

import flint
import numpy as np
import sympy

from .errors import EntryTypeError, InvalidArgumentError, NonFiniteError, UnsupportedError
from .parsing import parse_number

__all__ = [
    "arb_enclosure",
    "as_fraction",
    "as_fractions",
    "exact_sign",
    "fmpq_to_fraction",
    "working_precision",
]


def exact_sign(value: Any) -> int:
    """Return ``sign(value)`` in {-1, 0, 1}, decided exactly for a rational or real algebraic number.

    Parameters
    ----------
    value : int, Fraction, flint.fmpq, flint.fmpz or sympy-compatible number
        A rational or real algebraic number without free symbols (anything
        ``sympy.sympify`` accepts, e.g. ``sympy.sqrt(2) - 1``).

    Returns
    -------
    int
        -1, 0 or 1.

    Raises
    ------
    InvalidArgumentError
        If ``value`` has free symbols or is not real.
    UnsupportedError
        If ``value`` is nonzero but 65536 bits do not decide its sign, or it
        contains an operation :func:`arb_enclosure` cannot evaluate.

    Notes
    -----
    Python and flint rationals are compared with 0 directly; sympy rationals
    through ``sympy.sign``.  For algebraic numbers zero is decided by the
    minimal polynomial (``x`` is zero iff its minimal polynomial is ``t``), and
    a nonzero sign by a rigorous ball enclosure (:func:`arb_enclosure`), with
    the precision doubled (64, 128, 256, ... bits) until the ball excludes 0.  A
    transcendental number (e.g. ``pi - 3``) is not supported: sympy's
    ``minimal_polynomial`` raises ``NotAlgebraic``.

    Examples
    --------
    >>> exact_sign(sympy.sqrt(2) - sympy.Rational(7, 5)), exact_sign(sympy.sqrt(8) - 2 * sympy.sqrt(2))
    (1, 0)
    """
    if isinstance(value, (int, Fraction, flint.fmpq, flint.fmpz)):
        return (value > 0) - (value < 0)
    expr = sympy.sympify(value)
    if expr.is_Rational:
        return int(sympy.sign(expr))
    if expr.free_symbols:
        raise InvalidArgumentError(f"sign of {expr}: the expression has free symbols")
    t = sympy.Dummy("t")
    if sympy.minimal_polynomial(expr, t) == t:
        return 0
    bits = 64
    while bits <= _MAX_SIGN_BITS:
        with working_precision(bits):
            try:
                ball = arb_enclosure(expr)
            except _Straddles:
                ball = flint.arb(0, 1)
        if ball > 0:
            return 1
        if ball < 0:
            return -1
        bits *= 2
    raise UnsupportedError(f"sign of {expr}: not decided at {_MAX_SIGN_BITS} bits although it is not zero")


@contextmanager
def working_precision(bits: int) -> Iterator[int]:
    """Set python-flint's global working precision to ``bits`` inside the block, then restore it.

    Parameters
    ----------
    bits : int
        Working precision, at least 16.

    Examples
    --------
    >>> with working_precision(200):
    ...     flint.ctx.prec
    200
    """
    if isinstance(bits, bool) or not isinstance(bits, int) or bits < 16:
        raise InvalidArgumentError(f"precision: expected an integer number of bits >= 16 but found {bits!r}")
    old = flint.ctx.prec
    flint.ctx.prec = bits
    try:
        yield bits
    finally:
        flint.ctx.prec = old


_MAX_SIGN_BITS = 1 << 16

_ARB_FUNCTIONS = {
    "sin": "sin",
    "cos": "cos",
    "tan": "tan",
    "exp": "exp",
    "log": "log",
    "atan": "atan",
}


def arb_enclosure(value: Any) -> flint.arb:
    """Return a ``flint.arb`` ball that contains the real number ``value``, at the current working precision.

    Parameters
    ----------
    value : int, Fraction, flint.fmpq or sympy expression
        A real constant built from rationals, ``+``, ``*``, powers with rational
        exponents, ``pi``, ``E`` and sin, cos, tan, exp, log, atan.

    Returns
    -------
    flint.arb
        A rigorous enclosure: every operation is evaluated in ball arithmetic,
        never through a decimal approximation.

    Raises
    ------
    InvalidArgumentError
        If ``value`` has free symbols, or needs a root of a number that is
        negative or not known to be >= 0 at the working precision.
    UnsupportedError
        If ``value`` contains an operation outside the list above.

    Examples
    --------
    >>> with working_precision(64):
    ...     print(arb_enclosure(sympy.sqrt(2) - sympy.Rational(7, 5)).str(5, radius=False))
    0.014214
    """
    if isinstance(value, (int, flint.fmpz)):
        return flint.arb(value)
    if isinstance(value, (Fraction, flint.fmpq)):
        return flint.arb(flint.fmpq(int(value.numerator), int(value.denominator)))
    expr = sympy.sympify(value)
    if expr.free_symbols:
        raise InvalidArgumentError(f"value: expected a constant but found free symbols in {expr}")
    return _arb(expr)


def _arb(expr: sympy.Basic) -> flint.arb:
    if expr.is_Rational:
        return flint.arb(flint.fmpq(int(expr.p), int(expr.q)))
    if expr is sympy.pi:
        return flint.arb.pi()
    if expr is sympy.E:
        return flint.arb.const_e()
    if expr.is_Add:
        return sum((_arb(t) for t in expr.args), flint.arb(0))
    if expr.is_Mul:
        out = flint.arb(1)
        for t in expr.args:
            out *= _arb(t)
        return out
    if expr.is_Pow and expr.exp.is_Rational:
        return _arb_power(_arb(expr.base), int(expr.exp.p), int(expr.exp.q), expr)
    name = type(expr).__name__
    if isinstance(expr, sympy.Function) and name in _ARB_FUNCTIONS and len(expr.args) == 1:
        return getattr(_arb(expr.args[0]), _ARB_FUNCTIONS[name])()
    raise UnsupportedError(f"value: cannot enclose {expr} in ball arithmetic (operation {name})")


class _Straddles(InvalidArgumentError):
    """A root's argument is a ball around 0: more precision may decide its sign."""


def _arb_power(base: flint.arb, p: int, q: int, expr: sympy.Basic) -> flint.arb:
    """``base ** (p / q)``; for q > 1 the base must be >= 0 (sympy's root of a negative number is complex)."""
    if q > 1:
        if base < 0:
            raise InvalidArgumentError(f"value: {expr} is not real (a root of a negative number)")
        if not base >= 0:
            raise _Straddles(f"value: the base of {expr} is not known to be >= 0 at {flint.ctx.prec} bits")
        base = base.sqrt() if q == 2 else base.root(q)
    return base**p if p >= 0 else 1 / base ** (-p)


def fmpq_to_fraction(q: flint.fmpq) -> Fraction:
    """Return ``Fraction(q.p, q.q)``: the exact conversion ``flint.fmpq -> fractions.Fraction``.

    Parameters
    ----------
    q : flint.fmpq
        The rational to convert (anything with integer-like ``p`` and ``q``
        attributes works).

    Returns
    -------
    fractions.Fraction
        The same rational number.
    """
    return Fraction(int(q.p), int(q.q))


def as_fraction(value: Any, *, name: str = "value") -> Fraction:
    """Return the exact rational value of a number as a ``Fraction``; error if it is irrational or symbolic.

    Parameters
    ----------
    value : Fraction, flint.fmpq, int, float, str or sympy number
        The number.  Floats (Python or numpy) convert exactly to their dyadic
        rational value; strings are parsed with :func:`parse_number`; sympy
        values must be ``Rational``.
    name : str, default "value"
        The argument name used as the prefix of error messages.

    Returns
    -------
    fractions.Fraction
        The exact value.

    Raises
    ------
    EntryTypeError
        If ``value`` is a bool (Python or numpy).
    NonFiniteError
        If ``value`` is a NaN or infinite float.
    ParseError
        If ``value`` is a string that :func:`parse_number` rejects.
    InvalidArgumentError
        If the value is not a rational number (e.g. ``sqrt(2)``, a sympy
        ``Float`` or an expression with symbols).
    """
    if isinstance(value, Fraction):
        return value
    if isinstance(value, flint.fmpq):
        return fmpq_to_fraction(value)
    if isinstance(value, (bool, np.bool_)):
        raise EntryTypeError(f"{name}: expected a number but found a bool")
    if isinstance(value, (numbers.Integral, np.integer)):
        return Fraction(int(value))
    if isinstance(value, (float, np.floating)):
        if not math.isfinite(float(value)):
            raise NonFiniteError(f"{name}: expected a finite number but found {float(value)}")
        return Fraction(float(value))
    if isinstance(value, str):
        value = parse_number(value, name=name)
    expr = sympy.sympify(value)
    if not expr.is_Rational:
        raise InvalidArgumentError(f"{name}: expected a rational number but found {expr}")
    return Fraction(int(expr.p), int(expr.q))


def as_fractions(values: Iterable[Any], *, name: str = "value") -> list[Fraction]:
    """Return ``[as_fraction(v) for v in values]``: the exact rational value of every item.

    Parameters
    ----------
    values : iterable
        Numbers accepted by :func:`as_fraction`.
    name : str, default "value"
        The argument name used as the prefix of every error message (the same
        for all items; the position is not reported).

    Returns
    -------
    list of fractions.Fraction
        The exact values, in order.

    Raises
    ------
    EntryTypeError, NonFiniteError, ParseError, InvalidArgumentError
        As :func:`as_fraction`, for the first item that is not an exact rational.
    """
    return [as_fraction(v, name=name) for v in values]


def _scalar_kind(value: Any, name: str) -> str:
    """Classify one entry: 'float', 'int', 'exact' or 'symbolic'."""
    if isinstance(value, (bool, np.bool_)):
        raise EntryTypeError(f"{name}: expected a number but found a bool ({value})")
    if isinstance(value, (numbers.Integral, np.integer)):
        return "int"
    if isinstance(value, (float, np.floating)):
        if not math.isfinite(float(value)):
            raise NonFiniteError(f"{name}: expected finite entries but found {float(value)}")
        return "float"
    if isinstance(value, (Fraction, flint.fmpq, flint.fmpz, str)):
        return "exact"
    if isinstance(value, sympy.Basic):
        if value.free_symbols:
            return "symbolic"
        if value.has(sympy.nan, sympy.oo, -sympy.oo, sympy.zoo):
            raise NonFiniteError(f"{name}: expected finite entries but found {value}")
        if value.is_real is False or value.has(sympy.I):
            raise InvalidArgumentError(f"{name}: expected real entries but found {value}")
        return "exact"
    if isinstance(value, complex):
        raise EntryTypeError(f"{name}: expected real entries but found complex {value}")
    raise EntryTypeError(
        f"{name}: expected numbers (float, int, Fraction, str, sympy) but found {type(value).__name__}"
    )


def _exact_entry(value: Any, name: str) -> Any:
    """An exact entry as ``flint.fmpq`` (rational) or a sympy expression."""
    if isinstance(value, str):
        value = parse_number(value, name=name)
    if isinstance(value, sympy.Basic):
        value = sympy.nsimplify(value) if value.is_Float else value
        if value.is_Rational:
            return flint.fmpq(int(value.p), int(value.q))
        return value
    if isinstance(value, flint.fmpq):
        return value
    fr = as_fraction(value, name=name)
    return flint.fmpq(int(fr.numerator), int(fr.denominator))


def _float_entry(value: Any, name: str) -> float:
    """An entry as a double; strings are parsed exactly first (``"3/5"`` -> 0.6)."""
    if isinstance(value, str):
        value = parse_number(value, name=name)
    try:
        return float(value)
    except TypeError as exc:
        raise EntryTypeError(f"{name}: symbolic entries cannot be converted to float64 (found {value})") from exc
