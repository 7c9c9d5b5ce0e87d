"""Private ``check_*`` helpers shared by every public entry point.

Each helper names the argument, the expected shape or condition and what it
found, so that messages read ``W: expected shape (3, 3) but found (2, 3)``.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from fractions import Fraction
from typing import Any

from urnn_sym.errors import (
    EntryTypeError,
    InvalidArgumentError,
    NonFiniteError,
    ParseError,
    ShapeError,
    UnsupportedError,
    UrnnSymError,
)
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
    if low is None and high is None:
        want = "an integer"
    elif high is None:
        want = f"an integer >= {low}"
    elif low is None:
        want = f"an integer <= {high}"
    else:
        want = f"an integer in [{low}, {high}]"
    if isinstance(value, bool) or not isinstance(value, int):
        raise InvalidArgumentError(f"{name}: expected {want} but found {_shown(value)}")
    if (low is not None and value < low) or (high is not None and value > high):
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


def check_timeout(timeout: Any, name: str = "timeout") -> float:
    """Return ``timeout`` as float seconds if it is a finite positive int or float; else raise naming ``name``.

    Parameters
    ----------
    timeout : Any
        The value to check (a bool is refused).
    name : str, default "timeout"
        The argument's name, for the message.

    Returns
    -------
    float

    Examples
    --------
    >>> check_timeout(2)
    2.0
    >>> check_timeout(0)
    Traceback (most recent call last):
        ...
    urnn_sym.errors.InvalidArgumentError: timeout: expected a finite positive number of seconds but found 0
    """
    ok = not isinstance(timeout, bool) and isinstance(timeout, (int, float)) and 0 < timeout < math.inf
    if not ok:
        raise InvalidArgumentError(f"{name}: expected a finite positive number of seconds but found {_shown(timeout)}")
    return float(timeout)


def check_pair(
    first: Any,
    second: Any,
    *,
    network_type: type[Any],
    names: tuple[str, str] = ("rnn", "candidate"),
    activations: Sequence[str] | None = None,
    allow_symbolic: bool = False,
    purpose: str = "this check",
) -> None:
    """Check two networks that are compared on the same inputs; raise naming the argument at fault.

    Both must be instances of ``network_type``, with the same input dimension
    ``d`` and output dimension ``p`` (state sizes may differ).

    Parameters
    ----------
    first, second : Any
        The two networks (``first`` sets the expected dimensions).
    network_type : type
        The class both must be (the caller passes :class:`urnn_sym.model.RNN`;
        this module sits below the model and does not import it).
    names : tuple of str, default ("rnn", "candidate")
        The two arguments' names, for the messages.
    activations : sequence of str, optional
        The activations allowed (e.g. ``("relu", "identity")`` for the exact
        and z3 routes); None allows every activation.
    allow_symbolic : bool, default False
        Whether networks with free symbols (system "symbolic") are accepted.
    purpose : str, default "this check"
        What needs the networks, for the messages (e.g. "the z3 check").

    Raises
    ------
    EntryTypeError
        A network is not a ``network_type``.
    UnsupportedError
        An activation is not allowed, or a network has free symbols.
    ShapeError
        The input or the output dimensions differ.

    Examples
    --------
    >>> from urnn_sym.model import RNN
    >>> a, b = RNN([[0]], [[1]], [0], [[1]]), RNN([[0]], [[1, 1]], [0], [[1]])
    >>> check_pair(a, a, network_type=RNN)
    >>> check_pair(a, b, network_type=RNN, names=("a", "b"))
    Traceback (most recent call last):
        ...
    urnn_sym.errors.ShapeError: b: expected input dimension d = 1 and output dimension p = 1 (those of a) but \
found d = 2, p = 1
    """
    for name, value in zip(names, (first, second), strict=True):
        if not isinstance(value, network_type):
            raise EntryTypeError(f"{name}: expected an {network_type.__name__} but found {type(value).__name__}")
        if activations is not None and value.activation not in activations:
            alts = " or ".join(repr(a) for a in activations)
            raise UnsupportedError(f"{name}: activation: expected {alts} for {purpose} but found {value.activation!r}")
        if not allow_symbolic and value.system == "symbolic":
            raise UnsupportedError(
                f"{name}: expected numeric parameters for {purpose} but found free symbols; substitute numbers first"
            )
    if (first.d, first.p) != (second.d, second.p):
        raise ShapeError(
            f"{names[1]}: expected input dimension d = {first.d} and output dimension p = {first.p} "
            f"(those of {names[0]}) but found d = {second.d}, p = {second.p}"
        )


def _shown(value: Any) -> str:
    """``repr(value)`` for a message, clipped to 60 characters."""
    text = repr(value)
    return text if len(text) <= 60 else f"{text[:60]}... ({len(text)} characters)"
