"""Refutations: the result of a search for a distinguishing input, shared by every refuter.

A :class:`Refutation` says either ``"refuted"`` -- here is an input sequence
inside the input bound on which the two networks' outputs differ, already
re-simulated exactly (ReLU, identity) or in ball arithmetic (sigmoid, tanh) --
or ``"inconclusive"`` with the reason and the list of what was tried.

* :mod:`urnn_sym.refutation.simulate`: exact and certified ball simulation;
* :mod:`urnn_sym.refutation.document`: the :class:`Refutation` value, its
  ``urnn-sym.refutation/1`` JSON document, and :func:`certify`, which builds a
  "refuted" only from a re-simulated difference;
* :mod:`urnn_sym.refutation.recheck`: :func:`recheck` re-derives every recorded
  output of a document, independently of the search that found it;
  :func:`recheck_obstruction` re-checks the certificate of a Theorem 3
  obstruction document (no URNN of any size) before it may say "proved".
"""

from __future__ import annotations

from urnn_sym.refutation.document import REFUTATION_FORMAT, Refutation, certify, inconclusive, parse_enclosure
from urnn_sym.refutation.recheck import recheck, recheck_obstruction, recorded_mismatch, recorded_outputs
from urnn_sym.refutation.simulate import exact_outputs, input_within_bound

__all__ = [
    "REFUTATION_FORMAT",
    "Refutation",
    "certify",
    "exact_outputs",
    "inconclusive",
    "input_within_bound",
    "parse_enclosure",
    "recheck",
    "recheck_obstruction",
    "recorded_mismatch",
    "recorded_outputs",
]
