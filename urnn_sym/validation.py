"""Private ``check_*`` helpers shared by every public entry point.

Each helper names the argument, the expected shape or condition and what it
found, so that messages read ``W: expected shape (3, 3) but found (2, 3)``.
"""

from __future__ import annotations

from collections.abc import Sequence
from fractions import Fraction
from typing import Any

from urnn_sym.errors import InvalidArgumentError, NonFiniteError, ParseError, ShapeError, UrnnSymError
from urnn_sym.numbers.activations import ACTIVATIONS
from urnn_sym.numbers.parsing import check_digits

NORMS = ("2", "inf")


def check_shape(name: str, found: Sequence[int], expected: Sequence[int | None]) -> None:
    """Raise :class:`ShapeError` unless ``found`` matches ``expected`` (None = any)."""
    found_t = tuple(int(v) for v in found)
    ok = len(found_t) == len(expected) and all(e is None or e == f for f, e in zip(found_t, expected, strict=False))
    if not ok:
        shown = "(" + ", ".join("*" if e is None else str(e) for e in expected)
        shown += ",)" if len(expected) == 1 else ")"
        raise ShapeError(f"{name}: expected shape {shown} but found {found_t}")


def check_positive_dim(name: str, value: int, what: str) -> None:
    """Dimensions n, d, p must be at least 1."""
    if value < 1:
        raise ShapeError(f"{name}: {what} must be >= 1 but found {value}")


def check_int(name: str, value: Any, low: int | None = None, high: int | None = None) -> int:
    """Return ``value`` if it is an integer (not a bool) in ``[low, high]``; else raise naming ``name``.

    Parameters
    ----------
    name : str
        The argument's name, for the message.
    value : Any
        The value to check.
    low, high : int, optional
        Inclusive bounds; None means unbounded.

    Examples
    --------
    >>> check_int("steps", 3, low=1)
    3
    >>> check_int("steps", 0, low=1)
    Traceback (most recent call last):
        ...
    urnn_sym.errors.InvalidArgumentError: steps: expected an integer >= 1 but found 0
    """
    if isinstance(value, bool) or not isinstance(value, int):
        raise InvalidArgumentError(f"{name}: expected an integer but found {_shown(value)}")
    if (low is not None and value < low) or (high is not None and value > high):
        if high is None:
            want = f"an integer >= {low}"
        elif low is None:
            want = f"an integer <= {high}"
        else:
            want = f"an integer in [{low}, {high}]"
        raise InvalidArgumentError(f"{name}: expected {want} but found {value!r}")
    return value


def check_activation(activation: Any) -> str:
    """Return the activation name or raise with the list of known ones."""
    if not isinstance(activation, str) or activation not in ACTIVATIONS:
        raise InvalidArgumentError(f"activation: expected one of {', '.join(ACTIVATIONS)} but found {activation!r}")
    return activation


def check_norm(norm: Any) -> str:
    """Return the input-norm name ("2" or "inf")."""
    text = str(norm)
    if text not in NORMS:
        raise InvalidArgumentError(f"norm: expected '2' or 'inf' but found {norm!r}")
    return text


def check_positive(name: str, value: Any) -> None:
    """Raise unless ``value > 0`` (works for float, Fraction and sympy numbers)."""
    try:
        ok = bool(value > 0)
    except TypeError as exc:
        raise InvalidArgumentError(f"{name}: expected a positive number but found {value!r}") from exc
    if not ok:
        raise InvalidArgumentError(f"{name}: expected a positive number but found {value}")


def check_input_bound(value: Any) -> Fraction:
    """Return the input bound M as an exact positive rational (floats convert exactly).

    Text is parsed by :func:`urnn_sym.numbers.parsing.parse_number`, whose limits
    (e.g. a decimal exponent of at most ``MAX_EXPONENT``) refuse hostile text
    before any expensive work; the numerator and the denominator of M, however
    it is given, have at most ``MAX_DIGITS`` digits.

    Examples
    --------
    >>> check_input_bound("1/2"), check_input_bound(0.25)
    (Fraction(1, 2), Fraction(1, 4))
    >>> check_input_bound("1e999999")
    Traceback (most recent call last):
    ...
    urnn_sym.errors.ParseError: input_bound: cannot parse '1e999999' as a number: the exponent 999999 exceeds...
    """
    from urnn_sym.numbers.arith import as_fraction  # lazy: arith imports this module's neighbours

    try:
        M = as_fraction(value, name="input_bound")
    except (ParseError, NonFiniteError):
        raise  # the message already names input_bound and the reason
    except UrnnSymError as exc:
        raise InvalidArgumentError(
            f"input_bound: expected a positive rational number but found {_shown(value)}"
        ) from exc
    check_digits(M.numerator, M.denominator, name="input_bound", what="the input bound")
    if M <= 0:
        raise InvalidArgumentError(f"input_bound: expected a positive number but found {M}")
    return M


def _shown(value: Any) -> str:
    """``repr(value)`` for a message, clipped to 60 characters."""
    text = repr(value)
    return text if len(text) <= 60 else f"{text[:60]}... ({len(text)} characters)"
