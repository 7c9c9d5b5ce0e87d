"""Public hypothesis strategies for property tests of RNN constructions.

Every strategy draws values whose defining property holds exactly:

* :func:`contractions` -- ``||W||_2 < 1`` (float64: after scaling by the SVD
  norm with a margin; exact: integer matrix divided by an integer larger than
  its Frobenius norm, so the bound is a proof);
* :func:`orthogonal_matrices` -- float64 Haar-distributed (scipy), or exact
  rational ``(I - K)(I + K)^-1`` for a rational skew-symmetric K (Cayley);
* :func:`rnns` -- RNNs of any number system and activation;
* :func:`input_sequences` -- inputs with ``||x(k)|| <= bound`` in the 2- or
  inf-norm (exact: a rational bound holds exactly);
* :func:`equivalent_pairs`, :func:`theorem1_pairs`, :func:`perturbed_pairs` and
  :func:`late_firing_pairs` -- pairs of RNNs (:class:`RNNPair`) that say what
  is known about them by construction: equivalent on every input, equivalent
  up to an input bound (Theorem 1), or differing above a known bound (units
  that stay off for a while and then fire), for differential tests of
  equivalence checkers.

Examples
--------
>>> from hypothesis import given, settings
>>> from urnn_sym.construct.hypotheses import is_contractive
>>> @settings(max_examples=5, deadline=None)
... @given(contractions(3, system="exact"))
... def test(W):
...     assert is_contractive(W)
>>> test()
"""

from __future__ import annotations

from urnn_sym.strategies.pairs import RNNPair, equivalent_pairs, late_firing_pairs, perturbed_pairs, theorem1_pairs
from urnn_sym.strategies.values import (
    contractions,
    exact_rationals,
    input_sequences,
    orthogonal_matrices,
    rational_defect_rnns,
    rnns,
)

__all__ = [
    "RNNPair",
    "contractions",
    "equivalent_pairs",
    "exact_rationals",
    "input_sequences",
    "late_firing_pairs",
    "orthogonal_matrices",
    "perturbed_pairs",
    "rational_defect_rnns",
    "rnns",
    "theorem1_pairs",
]
