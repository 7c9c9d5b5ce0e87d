"""urnn-sym: exact and formal checks of what unitary RNNs can express.

See the README and ``docs/`` for the theorems; the public API is listed in
``__all__``.
"""

from __future__ import annotations

from urnn_sym.construct.completion import minimal_completion, unitary_completion
from urnn_sym.construct.rational import rationalize
from urnn_sym.construct.theorem1 import construct_urnn
from urnn_sym.errors import (
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
from urnn_sym.latex import construction_latex, rnn_latex
from urnn_sym.model import RNN, simulate
from urnn_sym.numbers.arith import arith, parse_number
from urnn_sym.refutation import Refutation
from urnn_sym.refute.distinguish import distinguishing_input
from urnn_sym.refute.obstruction import sigmoid_obstruction
from urnn_sym.refute.smooth import sigmoid_witness
from urnn_sym.smt.check import check_equivalence, prove_equivalence
from urnn_sym.stacked import StackedRNN, simulate_stacked, to_delayed_single_layer
from urnn_sym.verdict import Verdict
from urnn_sym.version import __version__
from urnn_sym.witnesses import lower_bound_witness

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
