"""urnn-sym: exact and formal checks of what unitary RNNs can express.

See the README and ``docs/`` for the theorems; the public API is listed in
``__all__``.
"""

from __future__ import annotations

from .arith import arith, parse_number
from .errors import (
    EntryTypeError,
    FileFormatError,
    HypothesisNotMetError,
    InvalidArgumentError,
    NonFiniteError,
    NotContractiveError,
    ParseError,
    ShapeError,
    SolverTimeoutError,
    UnsupportedError,
    UrnnSymError,
)
from .model import RNN, simulate

__version__ = "0.1.0"

__all__ = [
    "RNN",
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
    "__version__",
    "arith",
    "parse_number",
    "simulate",
]
