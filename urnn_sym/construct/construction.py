"""The result of a Theorem 1 construction: the URNN, the completion used and the equivalence's scope."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from urnn_sym.evidence import Check, jsonable
from urnn_sym.model import RNN


@dataclass(frozen=True)
class URNNConstruction:
    """The URNN of Theorem 1 and what was used to build it.

    Attributes
    ----------
    urnn : RNN
        ReLU RNN whose W is orthogonal (exactly, in exact mode).
    source : RNN
        The RNN the completion was applied to (the scaled one if ``scaling``).
    H : Fraction or float
        Upper bound on ``||h_S(k)||_2`` for the watched states S.
    b2 : list
        Extra biases, ``b2_i = -c_i H``.
    norms : dict
        Upper bounds used: ``W_SS``, ``F_S``, ``b_S``, ``h0_S``, ``M_2`` (the input
        2-norm bound) and ``c`` (row norms of the extra rows).
    input_bound : Fraction or float
        ``M``.
    norm : str
        Input norm, ``"2"`` or ``"inf"``.
    scaling : list or None
        The positive diagonal L applied first, if any.
    horizon : int or None
        ``T`` when the equivalence holds only for the first T steps.
    watched : list of int
        States S that the extra rows read (closed under W's dependencies).
    extra_states : int
        Number of added states.
    method : str
        How U was completed.
    orthogonal : Check
        ``U^T U = I``.
    hypotheses : tuple of str
        Symbolic RNNs: what was assumed rather than shown (empty otherwise).
    """

    urnn: RNN
    source: RNN
    H: Any
    b2: list[Any]
    norms: dict[str, Any]
    input_bound: Any
    norm: str
    scaling: list[Any] | None
    horizon: int | None
    watched: list[int]
    extra_states: int
    method: str
    orthogonal: Check
    hypotheses: tuple[str, ...] = ()

    @property
    def valid_for(self) -> str:
        """``"all horizons"`` or ``"the first T steps"``."""
        return "all horizons" if self.horizon is None else f"the first {self.horizon} steps"

    def to_json(self) -> dict[str, Any]:
        """A JSON-ready record (exact numbers as strings)."""
        return {
            "format": "urnn-sym.construction/1",
            "system": self.urnn.system,
            "states": {"rnn": self.source.n, "urnn": self.urnn.n, "extra": self.extra_states},
            "input_bound": jsonable(self.input_bound),
            "norm": self.norm,
            "H": jsonable(self.H),
            "b2": jsonable(self.b2),
            "norms": jsonable(self.norms),
            "scaling": jsonable(self.scaling),
            "horizon": self.horizon,
            "valid_for": self.valid_for,
            "watched_states": self.watched,
            "method": self.method,
            "orthogonal": self.orthogonal.to_json(),
            "hypotheses": list(self.hypotheses),
        }
