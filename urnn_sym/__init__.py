"""urnn-sym: exact and formal checks of what unitary RNNs can express.

See the README and ``docs/`` for the theorems; the public API is listed in
``__all__``.
"""

from __future__ import annotations

from .arith import arith, parse_number
from .completion import minimal_completion, unitary_completion
from .distinguish import distinguishing_input
from .equivalence import construct_urnn
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
from .latex import construction_latex, rnn_latex
from .model import RNN, simulate
from .obstruction import sigmoid_obstruction
from .rational import rationalize
from .refutation import Refutation
from .smooth import sigmoid_witness
from .smt import check_equivalence, prove_equivalence
from .stacked import StackedRNN, simulate_stacked, to_delayed_single_layer
from .verdict import Verdict
from .witnesses import lower_bound_witness

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
    "Refutation",
    "ShapeError",
    "SolverTimeoutError",
    "StackedRNN",
    "UnsupportedError",
    "UrnnSymError",
    "Verdict",
    "__version__",
    "arith",
    "check_equivalence",
    "construct_urnn",
    "construction_latex",
    "distinguishing_input",
    "lower_bound_witness",
    "minimal_completion",
    "parse_number",
    "prove_equivalence",
    "rationalize",
    "rnn_latex",
    "sigmoid_obstruction",
    "sigmoid_witness",
    "simulate",
    "simulate_stacked",
    "to_delayed_single_layer",
    "unitary_completion",
]
