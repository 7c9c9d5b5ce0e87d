"""Tests of urnn_sym.smt.check and urnn_sym.verdict: bounded checks, inductive proofs, certificates."""

from __future__ import annotations

import itertools
import os
import subprocess
import sys
from fractions import Fraction as Q
from pathlib import Path

import pytest
import sympy
import z3
from hypothesis import given, settings
from hypothesis import strategies as st
from pairs import A1, LATE, U1, theorem1_pair

from urnn_sym import RNN, EntryTypeError, FileFormatError, InvalidArgumentError, ShapeError, UnsupportedError
from urnn_sym.construct.hypotheses import is_orthogonal
from urnn_sym.refutation import exact_outputs
from urnn_sym.smt.check import (
    Shape,
    check_equivalence,
    distinguishing_input_smt,
    match_theorem1_shape,
    prove_equivalence,
    recheck_verdict,
)
from urnn_sym.smt.solver import _simplest_between, canonical_inputs
from urnn_sym.strategies import rnns
from urnn_sym.verdict import Obligation, Verdict

pytestmark = pytest.mark.timeout(120)


# ------------------------------------------------------------------------------
# pairs
# ------------------------------------------------------------------------------


def scaled_permuted(rnn: RNN, scales: list[Q]) -> RNN:
    """The exact equivalence (L W L^-1, L F, L b, C L^-1) followed by reversing the states."""
    m = {k: v.tolist() for k, v in rnn.matrices().items()}
    n = rnn.n
    order = list(reversed(range(n)))
    L = [sympy.Rational(s.numerator, s.denominator) for s in scales]
    W = [[m["W"][i][j] * L[i] / L[j] for j in order] for i in order]
    F = [[v * L[i] for v in m["F"][i]] for i in order]
    b = [m["b"][i][0] * L[i] for i in order]
    C = [[row[j] / L[j] for j in order] for row in m["C"]]
    return RNN(W, F, b, C)


def relu_split(W, F, b, C) -> tuple[RNN, RNN]:
    """A linear RNN and the ReLU RNN with states [relu(h); relu(-h)] (equivalent, not Theorem 1 shaped)."""
    lin = RNN(W, F, b, C, activation="identity")
    M = lin.matrices()
    Wb = sympy.BlockMatrix([[M["W"], -M["W"]], [-M["W"], M["W"]]]).as_explicit()
    return lin, RNN(Wb, M["F"].col_join(-M["F"]), M["b"].col_join(-M["b"]), M["C"].row_join(-M["C"]))


# ------------------------------------------------------------------------------
# bad input
# ------------------------------------------------------------------------------

SIG = RNN([[0]], [[1]], [0], [[1]], activation="sigmoid")
D2 = RNN([[0]], [[1, 1]], [0], [[1]])
SYM = RNN([[sympy.Symbol("w", real=True)]], [[1]], [0], [[1]])
BAD = [
    (
        "a not an RNN",
        lambda: check_equivalence("a", A1, input_bound=1, horizon=2),
        EntryTypeError,
        "a: expected an RNN",
    ),
    (
        "dims",
        lambda: check_equivalence(A1, D2, input_bound=1, horizon=2),
        ShapeError,
        "b: expected input dimension d = 1 and output",
    ),
    ("sigmoid", lambda: check_equivalence(A1, SIG, input_bound=1, horizon=2), UnsupportedError, "'sigmoid'"),
    ("bound 0", lambda: check_equivalence(A1, U1, input_bound=0, horizon=2), InvalidArgumentError, "found 0"),
    ("bound -1", lambda: prove_equivalence(A1, U1, input_bound=-1), InvalidArgumentError, "found -1"),
    (
        "bound irrational",
        lambda: check_equivalence(A1, U1, input_bound=sympy.sqrt(2), horizon=2),
        InvalidArgumentError,
        "rational",
    ),
    ("horizon 0", lambda: check_equivalence(A1, U1, input_bound=1, horizon=0), InvalidArgumentError, "horizon"),
    ("horizon bool", lambda: check_equivalence(A1, U1, input_bound=1, horizon=True), InvalidArgumentError, "horizon"),
    ("norm", lambda: check_equivalence(A1, U1, input_bound=1, horizon=2, norm="1"), InvalidArgumentError, "norm"),
    (
        "timeout",
        lambda: check_equivalence(A1, U1, input_bound=1, horizon=2, timeout=0),
        InvalidArgumentError,
        "timeout",
    ),
    (
        "encoding",
        lambda: check_equivalence(A1, U1, input_bound=1, horizon=2, encoding="x"),
        InvalidArgumentError,
        "encoding",
    ),
    (
        "invariant",
        lambda: prove_equivalence(A1, U1, input_bound=1, invariant="cube"),
        InvalidArgumentError,
        "invariant",
    ),
    (
        "discharge",
        lambda: prove_equivalence(A1, U1, input_bound=1, discharge="hope"),
        InvalidArgumentError,
        "discharge",
    ),
    ("symbolic", lambda: check_equivalence(A1, SYM, input_bound=1, horizon=1), UnsupportedError, "free symbols"),
    ("verdict status", lambda: Verdict("maybe", "bounded", "m"), InvalidArgumentError, "status"),
    ("verdict kind", lambda: Verdict("proved", "forever", "m"), InvalidArgumentError, "kind"),
    ("refuted without input", lambda: Verdict("refuted", "bounded", "m"), InvalidArgumentError, "refutation"),
    ("obligation status", lambda: Obligation("x", "s", "fine", "m"), InvalidArgumentError, "status"),
    ("json format", lambda: Verdict.from_json({"format": "x"}), FileFormatError, "urnn-sym.verdict/1"),
    ("json missing key", lambda: Verdict.from_json({"format": "urnn-sym.verdict/1"}), FileFormatError, "missing"),
    ("recheck no nets", lambda: recheck_verdict(Verdict("unknown", "bounded", "m")), InvalidArgumentError, "embed"),
]


@pytest.mark.parametrize(("label", "call", "exc", "match"), BAD, ids=[b[0] for b in BAD])
def test_bad_input(label, call, exc, match) -> None:
    with pytest.raises(exc, match=match):
        call()


# ------------------------------------------------------------------------------
# all horizons
# ------------------------------------------------------------------------------


@pytest.mark.parametrize("n", [1, 2, 4, 8])
def test_theorem1_pairs_proved_for_all_horizons(n: int) -> None:
    rnn, urnn = theorem1_pair(n, seed=n)
    assert is_orthogonal(urnn.W)
    v = prove_equivalence(rnn, urnn, input_bound=1, norm="2")
    assert v.status == "proved" and v.kind == "all-horizons" and v.invariant["kind"] == "ball"
    assert [o.name for o in v.obligations] == ["structure", "init", "invariance", "extra-off"]
    assert all(o.method.startswith(("exact certificate", "exact identity")) for o in v.obligations)
    assert v.data["queries"] == 0
    assert recheck_verdict(Verdict.from_json(v.to_json()))


def test_float_theorem1_pair_proved() -> None:
    rnn, urnn = theorem1_pair(2, seed=3, slack=Q(11, 10))
    frnn, furnn = rnn.to_float(), urnn.to_float()
    assert frnn.system == "float64"
    v = prove_equivalence(frnn, furnn, input_bound=1)
    assert v.status == "proved", v.reason
    assert check_equivalence(frnn, furnn, input_bound=1, horizon=6).status == "proved"


def test_permutation_of_urnn_states() -> None:
    order = [1, 0]
    m = U1.matrices()
    perm = RNN(
        [[m["W"][i, j] for j in order] for i in order],
        [[m["F"][i, 0]] for i in order],
        [m["b"][i, 0] for i in order],
        [[m["C"][0, j] for j in order]],
    )
    assert match_theorem1_shape(A1, perm) == Shape((1,), (0,))
    assert prove_equivalence(A1, perm, input_bound=1).status == "proved"


def test_box_invariant_and_z3_discharge() -> None:
    rnn, urnn = theorem1_pair(2, seed=2)
    box = prove_equivalence(rnn, urnn, input_bound=1, invariant="box")
    assert box.status == "proved" and box.invariant["kind"] == "box"
    assert recheck_verdict(Verdict.from_json(box.to_json()))
    z = prove_equivalence(A1, U1, input_bound=1, discharge="z3")
    assert z.status == "proved"
    assert [o.method.split(" (")[0] for o in z.obligations[2:]] == ["z3 query", "z3 query"]
    # the z3-discharged proof still re-checks without z3 from its ball certificate
    assert recheck_verdict(Verdict.from_json(z.to_json()))


def test_algebraic_entries() -> None:
    s3 = sympy.sqrt(3) / 2
    a = RNN([[Q(1, 2)]], [[1]], [0], [[1]])
    u = RNN([[Q(1, 2), s3], [s3, Q(-1, 2)]], [[1], [0]], [0, -2 * s3], [[1, 0]])
    v = prove_equivalence(a, u, input_bound=1)
    assert v.status == "proved" and all(not o.method.startswith("z3") for o in v.obligations)
    assert v.to_json()["invariant"]["extra"][0]["bias"] == "-sqrt(3)"
    assert recheck_verdict(Verdict.from_json(v.to_json()))
    assert prove_equivalence(a, u, input_bound=1, discharge="z3").status == "proved"
    late = u.replace(b=[0, -s3 * Q(9, 5)])
    assert check_equivalence(a, late, input_bound=1, horizon=5).status == "proved"
    r = check_equivalence(a, late, input_bound=1, horizon=6)
    assert r.status == "refuted" and r.time_step == 5


def test_other_pairs_unknown_with_reason() -> None:
    scaled = scaled_permuted(A1, [Q(3)])
    v = prove_equivalence(A1, scaled, input_bound=1)
    assert v.status == "unknown" and "not of the Theorem 1 shape" in v.reason
    w = prove_equivalence(A1, LATE, input_bound=1)
    assert w.status == "unknown" and "extra-off" in w.reason
    assert not recheck_verdict(Verdict.from_json(w.to_json()), A1, LATE)


# ------------------------------------------------------------------------------
# bounded
# ------------------------------------------------------------------------------


def test_late_difference_refuted_at_the_right_step() -> None:
    assert check_equivalence(A1, LATE, input_bound=1, horizon=6).status == "proved"
    v = check_equivalence(A1, LATE, input_bound=1, horizon=10)
    assert v.status == "refuted" and v.time_step == 6 and len(v.xs) == 7
    assert all(abs(x) <= 1 for row in v.xs for x in row)
    ya, yb = exact_outputs(A1, v.xs), exact_outputs(LATE, v.xs)
    assert ya[:6] == yb[:6] and ya[6] != yb[6]
    assert v.refutation.ys_rnn == ya and v.refutation.ys_candidate == yb
    doc = v.to_json()
    assert recheck_verdict(Verdict.from_json(doc))
    tampered = dict(doc, x=[["0"]] * 7)
    assert not recheck_verdict(Verdict.from_json(tampered))


def test_naive_encoding_agrees() -> None:
    assert check_equivalence(A1, LATE, input_bound=1, horizon=6, encoding="naive").status == "proved"
    v = check_equivalence(A1, LATE, input_bound=1, horizon=7, encoding="naive")
    assert v.status == "refuted" and v.time_step == 6


@pytest.mark.parametrize("n", [2, 4])
def test_theorem1_bounded_shared(n: int) -> None:
    rnn, urnn = theorem1_pair(n, seed=n)
    v = check_equivalence(rnn, urnn, input_bound=1, horizon=16)
    assert v.status == "proved" and v.data["queries"] == 0 and "invariant" in v.method
    w = check_equivalence(rnn, urnn, input_bound=1, horizon=16, use_invariant=False)
    assert w.status == "proved"


def test_scaled_permuted_pair_proved_bounded() -> None:
    a = RNN([[Q(1, 2), Q(1, 4)], [Q(-1, 3), Q(1, 5)]], [[1], [Q(-1, 2)]], [Q(1, 10), Q(-1, 10)], [[1, 2]])
    b = scaled_permuted(a, [Q(2), Q(1, 3)])
    v = check_equivalence(a, b, input_bound=1, horizon=12)
    assert v.status == "proved"
    worse = b.replace(C=[[1, 1]])
    r = check_equivalence(a, worse, input_bound=1, horizon=4)
    assert r.status == "refuted" and recheck_verdict(r)


def test_split_pair_needs_z3() -> None:
    lin, split = relu_split([[Q(1, 2), Q(1, 3)], [0, Q(-1, 2)]], [[1], [1]], [Q(1, 4), 0], [[1, -1]])
    v = check_equivalence(lin, split, input_bound=1, horizon=3)
    assert v.status == "proved" and v.data["queries"] >= 1
    bad = split.replace(b=[Q(1, 4), 0, Q(-1, 4), Q(1, 100)])
    r = check_equivalence(lin, bad, input_bound=1, horizon=3)
    assert r.status == "refuted" and recheck_verdict(r)


def test_norm_2_quadratic_constraint() -> None:
    a = RNN([[0]], [[1, 1]], [0], [[1]])
    b = RNN([[0, 0], [0, 0]], [[1, 1], [1, 1]], [0, Q(-3, 2)], [[1, 1]])
    assert check_equivalence(a, b, input_bound=1, norm="2", horizon=2).status == "proved"
    r = check_equivalence(a, b, input_bound=1, norm="inf", horizon=2)
    assert r.status == "refuted" and r.time_step == 0


def test_tiny_timeout_is_unknown() -> None:
    lin, split = relu_split([[Q(1, 2), Q(1, 3)], [0, Q(-1, 2)]], [[1], [1]], [Q(1, 4), 0], [[1, -1]])
    v = check_equivalence(lin, split, input_bound=1, horizon=30, timeout=0.05)
    assert v.status == "unknown" and v.reason
    assert recheck_verdict(v).holds is False
    n = check_equivalence(lin, split, input_bound=1, horizon=30, timeout=0.05, encoding="naive")
    assert n.status == "unknown"
    p = prove_equivalence(A1, U1, input_bound=1, discharge="z3", timeout=1e-6)
    assert p.status == "unknown"


def test_resource_limit_is_unknown() -> None:
    lin, split = relu_split([[Q(1, 2), Q(1, 3)], [0, Q(-1, 2)]], [[1], [1]], [Q(1, 4), 0], [[1, -1]])
    v = check_equivalence(lin, split, input_bound=1, horizon=12, rlimit=1000)
    assert v.status == "unknown" and "resource" in v.reason


def test_verdict_json_round_trip() -> None:
    v = check_equivalence(A1, LATE, input_bound=1, horizon=8)
    back = Verdict.from_json(v.to_json())
    assert (back.status, back.kind, back.time_step, back.xs, back.horizon) == ("refuted", "bounded", 6, v.xs, 8)
    assert back.a == A1 and back.b == LATE
    p = prove_equivalence(A1, U1, input_bound=Q(1, 2), norm="inf")
    q = Verdict.from_json(p.to_json())
    assert q.invariant == p.to_json()["invariant"] and [o.name for o in q.obligations] == [
        o.name for o in p.obligations
    ]
    assert "every horizon" in q.summary()
    bounded = check_equivalence(A1, U1, input_bound=1, horizon=3)
    again = recheck_verdict(Verdict.from_json(bounded.to_json()))
    assert again.holds and again.method.startswith("independent re-check: exact arithmetic")
    assert "a fortiori for k < 3" in again.detail


def test_distinguishing_input_hook() -> None:
    ref = distinguishing_input_smt(A1, LATE, input_bound=1, horizon=8)
    assert ref is not None and ref.time_step == 6
    assert distinguishing_input_smt(A1, U1, input_bound=1, horizon=4) is None


# ------------------------------------------------------------------------------
# reproducible, canonical counterexamples
# ------------------------------------------------------------------------------

# y = relu(x) against relu(x + 1) + relu(-x) - relu(1): equal exactly when x >= -1 (docs/tutorials/z3.md)
RELU = RNN([[0]], [[1]], [0], [[1]])
SPLIT = RNN([[0, 0, 0], [0, 0, 0], [0, 0, 0]], [[1], [-1], [0]], [1, 0, 1], [[1, 1, -1]])


def _counterexamples() -> list[tuple[int | None, list[list[Q]] | None]]:
    """Refuted checks through every z3 route (shared, naive, the distinguish hook, re-check)."""
    verdicts = [
        check_equivalence(RELU, SPLIT, input_bound=2, horizon=3),
        check_equivalence(A1, U1.replace(b=[0, -1]), input_bound=1, horizon=4),
        check_equivalence(A1, LATE, input_bound=1, horizon=10, encoding="naive"),
        distinguishing_input_smt(A1, LATE, input_bound=1, horizon=8),
    ]
    return [(v.time_step, v.xs) for v in verdicts]


def _other_z3_work() -> None:
    x = z3.Real("x")
    z3.solve(x * x > 2, x < 7, x > Q(7, 5))
    check_equivalence(RELU, SPLIT, input_bound=1, horizon=3)
    prove_equivalence(A1, U1, input_bound=1, discharge="z3")
    check_equivalence(A1, LATE, input_bound=Q(9, 10), horizon=8)


def test_same_counterexample_after_other_z3_work() -> None:
    first = _counterexamples()
    _other_z3_work()
    assert _counterexamples() == first
    assert all(k is not None and xs for k, xs in first)


def test_same_counterexample_in_a_subprocess() -> None:
    code = "import test_smt_check; print(repr(test_smt_check._counterexamples()))"
    helpers = str(Path(__file__).resolve().parents[1])  # tests/: the shared pairs module
    path = os.pathsep.join([helpers, os.environ.get("PYTHONPATH", "")])
    env = {**os.environ, "PYTHONHASHSEED": "12345", "PYTHONPATH": path}
    res = subprocess.run(
        [sys.executable, "-c", code], cwd=Path(__file__).parent, capture_output=True, text=True, env=env, check=True
    )
    _other_z3_work()
    assert res.stdout.strip() == repr(_counterexamples())


def test_counterexamples_are_simple_and_exact() -> None:
    v = check_equivalence(RELU, SPLIT, input_bound=2, horizon=3)
    ((x0,),) = v.xs
    assert -2 <= x0 < -1 and x0.denominator <= 2
    w = check_equivalence(A1, U1.replace(b=[0, -1]), input_bound=1, horizon=4)
    assert all(x.denominator == 1 for row in w.xs for x in row)
    assert exact_outputs(A1, w.xs) == w.refutation.ys_rnn and recheck_verdict(w)


def test_simplest_between_and_canonical_inputs() -> None:
    assert _simplest_between(Q(1, 3), Q(1, 2)) == Q(1, 2)
    assert _simplest_between(Q(-1), Q(1)) == 0
    assert _simplest_between(Q(7, 3), Q(7, 3)) == Q(7, 3)
    assert _simplest_between(Q(-23, 10), Q(-21, 10)) == Q(-9, 4)
    assert _simplest_between(Q(314, 100), Q(315, 100)) == Q(22, 7)
    # accepted: anything with x(0) > 1/2; the ladder around 5/7 reaches 1 first; x(1) is free, so 0
    rows = canonical_inputs([[Q(5, 7)], [Q(-13, 17)]], Q(1), lambda r: r[0][0] > Q(1, 2))
    assert rows == [[Q(1)], [Q(0)]]
    # nothing simpler is accepted: the input is kept
    assert canonical_inputs([[Q(5, 7)]], Q(1), lambda r: r[0][0] == Q(5, 7)) == [[Q(5, 7)]]


def test_no_timing_in_proof_text() -> None:
    z = prove_equivalence(A1, U1, input_bound=1, discharge="z3")
    z3_obligations = [o for o in z.obligations if o.method.startswith("z3")]
    assert [o.detail.split(";")[0] for o in z3_obligations] == ["unsat", "unsat"]
    assert all(o.data["nonvacuity"]["holds"] and "(check-sat)" in o.data["smtlib"] for o in z3_obligations)
    assert all(o.data["seconds"] >= 0 for o in z3_obligations)
    assert z.obligations[0].statement.startswith("network B restricted to the states perm is network A")
    assert " s" not in z.method and "seconds" in z.data


@pytest.mark.slow
@settings(max_examples=15, deadline=None)
@given(rnns(n=st.integers(1, 2), d=1, p=1, system="exact", zero_h0=True), st.sampled_from(["b", "C"]))
def test_refuted_verdicts_always_revalidate(rnn: RNN, field: str) -> None:
    m = rnn.matrices()
    other = rnn.replace(b=[v + Q(1, 3) for v in m["b"]]) if field == "b" else rnn.replace(C=2 * m["C"])
    v = check_equivalence(rnn, other, input_bound=1, horizon=3, timeout=20)
    # "unknown" only when a solver limit was hit, never for another reason on these small networks
    assert v.status in ("proved", "refuted") or any(w in v.reason for w in ("timeout", "time budget", "resource")), v
    # an input on a grid where exact simulation shows a difference forbids "proved"
    grid = [[[Q(x)] for x in xs] for xs in itertools.product((-1, 0, 1), repeat=3)]
    if any(exact_outputs(rnn, xs) != exact_outputs(other, xs) for xs in grid):
        assert v.status != "proved"
    if v.status == "refuted":
        ya, yb = exact_outputs(rnn, v.xs), exact_outputs(other, v.xs)
        assert ya[v.time_step] != yb[v.time_step] and ya[: v.time_step] == yb[: v.time_step]
    if v.status == "proved":
        assert check_equivalence(rnn, other, input_bound=1, horizon=3, encoding="naive", timeout=20).status != "refuted"


@pytest.mark.slow
def test_theorem1_n16_all_horizons_fast() -> None:
    rnn, urnn = theorem1_pair(16, seed=16)
    v = prove_equivalence(rnn, urnn, input_bound=1)
    assert v.status == "proved" and v.data["seconds"] < 5
