"""Predicates and small conversions of native matrices and exact numbers, below :mod:`urnn_sym.numbers.arith`.

These are the questions an algorithm asks about a value instead of testing its
type itself: is it a rational matrix (``flint.fmpq_mat``), a float64 one
(numpy), and is a system numeric.

Examples
--------
>>> import numpy as np
>>> is_float(np.eye(1)), is_rational(np.eye(1))
(True, False)
"""

from __future__ import annotations

from fractions import Fraction
from typing import Any

import flint
import numpy as np
import sympy

from urnn_sym.errors import UnsupportedError
from urnn_sym.numbers.parsing import parse_number
from urnn_sym.numbers.scalars import as_fraction

__all__ = ["is_float", "is_rational", "require_numeric"]


def is_rational_number(x: Any) -> bool:
    """Whether the scalar x is a rational number (int, Fraction, ``flint.fmpq``/``fmpz``, sympy Rational)."""
    if isinstance(x, (int, flint.fmpq, flint.fmpz, Fraction)):
        return not isinstance(x, bool)
    return isinstance(x, sympy.Rational)


def fmpq_of(x: Any) -> flint.fmpq:
    """The rational scalar x (int, Fraction, text, float, sympy Rational) as a ``flint.fmpq``."""
    if isinstance(x, flint.fmpq):
        return x
    if isinstance(x, sympy.Rational):
        return flint.fmpq(int(x.p), int(x.q))
    q = as_fraction(x)
    return flint.fmpq(q.numerator, q.denominator)


def sympy_number(x: Any) -> Any:
    """The exact scalar x as a sympy number (text is parsed by :func:`parse_number`)."""
    if isinstance(x, flint.fmpq):
        return sympy.Rational(int(x.p), int(x.q))
    if isinstance(x, str):
        return parse_number(x)
    return sympy.sympify(x)


def exact_number(x: Any) -> Any:
    """An exact scale factor: ``flint.fmpq`` for rationals (fast in flint), a sympy number otherwise."""
    if isinstance(x, sympy.Basic) and not x.is_Rational:
        return x
    return fmpq_of(x)


def is_rational(value: Any) -> bool:
    """Whether ``value`` is a rational native matrix (a ``flint.fmpq_mat``, the fast exact representation).

    Parameters
    ----------
    value : Any
        Any object.

    Returns
    -------
    bool
        True exactly for ``flint.fmpq_mat`` values.

    Examples
    --------
    >>> is_rational(flint.fmpq_mat([[1, 2]])), is_rational(np.eye(1))
    (True, False)
    """
    return isinstance(value, flint.fmpq_mat)


def is_float(value: Any) -> bool:
    """Whether ``value`` is a float64 native matrix or vector (a numpy array).

    Parameters
    ----------
    value : Any
        Any object.

    Returns
    -------
    bool
        True exactly for numpy arrays.

    Examples
    --------
    >>> is_float(np.eye(1)), is_float([[1.0]])
    (True, False)
    """
    return isinstance(value, np.ndarray)


def require_numeric(name: str, system: str, what: str) -> None:
    """Raise :class:`UnsupportedError` when ``system`` is symbolic: ``what`` needs numeric entries.

    Parameters
    ----------
    name : str
        The argument's name, for the message.
    system : {"float64", "exact", "symbolic"}
        The number system of the argument.
    what : str
        The operation that needs numbers (e.g. ``"the minimal completion"``).

    Raises
    ------
    UnsupportedError
        If ``system == "symbolic"``.

    Examples
    --------
    >>> require_numeric("W", "exact", "the minimal completion")
    >>> require_numeric("W", "symbolic", "the minimal completion")
    Traceback (most recent call last):
    ...
    urnn_sym.errors.UnsupportedError: W: the minimal completion needs numeric entries (float64 or exact) but...
    """
    if system == "symbolic":
        raise UnsupportedError(f"{name}: {what} needs numeric entries (float64 or exact) but found symbolic entries")
