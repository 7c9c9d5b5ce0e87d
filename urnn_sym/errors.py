"""One exception hierarchy for urnn-sym.

Every class derives from :class:`UrnnSymError` and from the built-in exception
that best describes it, so ``except ValueError`` keeps working for callers who do
not know this package.  Messages name the argument, the expected shape or
condition and what was found, e.g.::

    W: expected shape (3, 3) but found (2, 3)
"""

from __future__ import annotations

__all__ = [
    "EntryTypeError",
    "FileFormatError",
    "HypothesisNotMetError",
    "InvalidArgumentError",
    "NonFiniteError",
    "NotContractiveError",
    "ParseError",
    "ShapeError",
    "SolverTimeoutError",
    "UnsupportedError",
    "UrnnSymError",
]


class UrnnSymError(Exception):
    """Base class of every error raised on purpose by urnn-sym."""


class InvalidArgumentError(UrnnSymError, ValueError):
    """An argument has the right type but a value outside its domain."""


class ShapeError(InvalidArgumentError):
    """An array has the wrong shape or inconsistent dimensions."""


class NonFiniteError(InvalidArgumentError):
    """An entry is NaN or infinite."""


class EntryTypeError(UrnnSymError, TypeError):
    """An entry is of a type that no number system accepts."""


class ParseError(InvalidArgumentError):
    """A textual number or expression could not be parsed safely."""


class FileFormatError(InvalidArgumentError):
    """A file is missing, is not JSON, or does not follow its declared format."""


class HypothesisNotMetError(InvalidArgumentError):
    """A theorem's hypothesis does not hold for the given argument."""


class NotContractiveError(HypothesisNotMetError):
    """A matrix that must satisfy ``||W||_2 < 1`` does not (or it cannot be certified)."""


class UnsupportedError(UrnnSymError, NotImplementedError):
    """The request is well formed but outside what this number system can do."""


class SolverTimeoutError(UrnnSymError, TimeoutError):
    """A solver gave no trusted answer: it gave up within its limits, or its unsat could not be shown non-vacuous."""
