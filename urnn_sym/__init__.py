"""urnn-sym: exact and formal checks of what unitary RNNs can express.

See the README and ``docs/`` for the theorems; the public API is listed in
``__all__``.  Its names are loaded on first use (PEP 562): ``import urnn_sym``
alone imports neither sympy, z3, scipy nor FLINT, and ``from urnn_sym import RNN``
imports only what ``RNN`` needs.

>>> from urnn_sym import RNN
>>> RNN.__module__
'urnn_sym.model'
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from urnn_sym.lazy import lazy_names
from urnn_sym.version import __version__

if TYPE_CHECKING:  # the same names as _WHERE, for type checkers and editors
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

# public name -> the module that defines it (every name of __all__ but __version__)
_WHERE = {
    "minimal_completion": "urnn_sym.construct.completion",
    "unitary_completion": "urnn_sym.construct.completion",
    "rationalize": "urnn_sym.construct.rational",
    "construct_urnn": "urnn_sym.construct.theorem1",
    **dict.fromkeys(
        (
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
        ),
        "urnn_sym.errors",
    ),
    "construction_latex": "urnn_sym.latex",
    "rnn_latex": "urnn_sym.latex",
    "RNN": "urnn_sym.model",
    "simulate": "urnn_sym.model",
    "arith": "urnn_sym.numbers.arith",
    "parse_number": "urnn_sym.numbers.arith",
    "Refutation": "urnn_sym.refutation",
    "distinguishing_input": "urnn_sym.refute.distinguish",
    "sigmoid_obstruction": "urnn_sym.refute.obstruction",
    "sigmoid_witness": "urnn_sym.refute.smooth",
    "check_equivalence": "urnn_sym.smt.check",
    "prove_equivalence": "urnn_sym.smt.check",
    "StackedRNN": "urnn_sym.stacked",
    "simulate_stacked": "urnn_sym.stacked",
    "to_delayed_single_layer": "urnn_sym.stacked",
    "Verdict": "urnn_sym.verdict",
    "lower_bound_witness": "urnn_sym.witnesses",
}


__getattr__, __dir__ = lazy_names("urnn_sym", _WHERE, __all__, globals())
