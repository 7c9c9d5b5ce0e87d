"""z3 encodings: bounded equivalence checks and inductive proofs for every horizon.

Two ReLU (or identity) RNNs ``a`` and ``b`` with the same input and output
dimensions are *equivalent on X_M* when their outputs agree at every time step
for every input sequence with ``||x(k)||_norm <= M`` (math.md section 1).  This
module is the entry point; the work is split into

:mod:`urnn_sym.smt.unrolling`
    Exact numbers and their z3 terms, networks as exact rows, solver limits and
    the shared unrolling (linear forms with shared ReLU atoms).
:mod:`urnn_sym.smt.bounded` -- :func:`check_equivalence` (horizon T)
    Unrolls both networks in linear real arithmetic over exact rationals (float64
    entries enter as their exact dyadic values; ``sqrt`` entries as variables
    ``r`` with ``r * r == a, r >= 0``, which makes the problem nonlinear).
    ReLU is exact: ``If(z > 0, z, 0)``.  *Structure is shared*: every
    pre-activation is a linear form over the inputs and earlier ReLU outputs; a
    form that is a positive multiple of one already seen reuses its ReLU
    (``relu(c z) = c relu(z)`` for ``c > 0``), and a ReLU whose input is provably
    ``<= 0`` (exact interval bounds, or the inductive invariant of a Theorem 1
    pair) is the constant 0.  So a Theorem 1 pair collapses to one copy of the
    RNN, and step k is proved by the exact identity ``y_a(k) - y_b(k) == 0`` of
    the shared forms; other steps by one incremental z3 query each.  A ``sat``
    model is converted to exact rationals, each input is replaced by the
    simplest rational near it that keeps the difference at the same step, and
    the result is re-simulated exactly (:func:`urnn_sym.refutation.document.certify`)
    before ``refuted`` is reported.
    ``encoding="naive"`` unrolls both networks side by side with one query (the
    baseline).
:mod:`urnn_sym.smt.induction` -- :func:`prove_equivalence` (every horizon)
    For a pair of the Theorem 1 shape (``b``'s state is ``[h; 0]`` up to a
    permutation, math.md section 2), an induction with invariant S (a ball
    ``||h||_2 <= H`` or a box ``l <= h <= u``, built in
    :mod:`urnn_sym.smt.invariants`): ``h0`` in S; S invariant under one RNN step;
    the extra pre-activations ``<= 0`` on S.  Each obligation is discharged by an
    exact certificate (the norm-bound lemma for a ball; exact interval images for
    a box) or by a z3 query, and says which.
:func:`recheck_verdict` (here)
    Re-checks a verdict read back from JSON: a counterexample by exact
    simulation, an inductive proof's certificate in exact arithmetic.

Every solver call has a time limit and a resource limit; running out gives an
``unknown`` verdict with z3's reason, never a hang.  Every public call builds its
z3 terms in its own ``z3.Context`` and fixes the solver's random seed, so the
same call gives the same counterexample in any process, after any other z3
work.  Timings are in a verdict's ``data`` (and an obligation's), never in its
text.

>>> from fractions import Fraction as Q
>>> from urnn_sym import RNN
>>> a = RNN([[Q(1, 2)]], [[1]], [0], [[1]])
>>> b = RNN([[Q(1, 2), 0], [0, Q(1, 3)]], [[1], [1]], [0, 0], [[1, 0]])
>>> check_equivalence(a, b, input_bound=1, horizon=5).status
'proved'
>>> c = RNN([[Q(1, 2)]], [[1]], [Q(-1, 2)], [[1]])
>>> v = check_equivalence(a, c, input_bound=1, horizon=3)
>>> v.status, v.time_step
('refuted', 0)
"""

from __future__ import annotations

import dataclasses

from urnn_sym.errors import InvalidArgumentError
from urnn_sym.evidence import Check
from urnn_sym.model import RNN
from urnn_sym.smt.bounded import check_equivalence, distinguishing_input_smt
from urnn_sym.smt.induction import prove_equivalence
from urnn_sym.smt.invariants import Shape, match_theorem1_shape
from urnn_sym.smt.recheck import recheck_document
from urnn_sym.smt.solver import DEFAULT_RLIMIT
from urnn_sym.smt.unrolling import check_z3_pair
from urnn_sym.verdict import Verdict

__all__ = [
    "DEFAULT_RLIMIT",
    "Shape",
    "check_equivalence",
    "distinguishing_input_smt",
    "match_theorem1_shape",
    "prove_equivalence",
    "recheck_verdict",
]


def recheck_verdict(
    verdict: Verdict, a: RNN | None = None, b: RNN | None = None, *, solver: str = "z3", timeout: float = 60.0
) -> Check:
    """Re-check a verdict independently of the prover (:func:`urnn_sym.smt.recheck.recheck_document`).

    Parameters
    ----------
    verdict : Verdict
        Typically read back with :meth:`Verdict.from_json`.
    a, b : RNN, optional
        Networks to check against instead of the ones embedded in the verdict.
    solver : {"z3", "cvc5"}
        The solver for obligations the exact route does not close; "cvc5" also
        re-decides every recorded SMT-LIB2 obligation with cvc5.
    timeout : float
        Seconds for the whole re-check.

    Notes
    -----
    "refuted": the input is inside the bound and the exactly re-simulated
    outputs differ at ``time_step`` and equal the recorded ones
    (:func:`urnn_sym.refutation.recheck.recheck`).  "proved": the re-checker's own
    code, sharing nothing with the prover but the file parser, re-establishes
    the Theorem 1 shape and the invariant's obligations in exact arithmetic,
    and decides what exact arithmetic does not close (and a bounded claim with
    no invariant) on its own SMT-LIB2 encoding.
    """
    a = a if a is not None else verdict.a
    b = b if b is not None else verdict.b
    if a is None or b is None:
        raise InvalidArgumentError("a, b: the verdict does not embed the networks; pass both")
    if verdict.status == "unknown":
        return Check(False, "nothing to recheck", f"the verdict is unknown: {verdict.reason}")
    check_z3_pair(a, b, verdict.input_bound, verdict.norm)
    doc = dataclasses.replace(verdict, a=None, b=None).to_json()  # the networks are passed, not parsed again
    return recheck_document(doc, solver=solver, timeout=timeout, networks=(a, b))
