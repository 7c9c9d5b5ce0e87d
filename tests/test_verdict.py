"""Tests of urnn_sym.verdict: construction, the shared status words, the JSON document and its re-check.

Every result type (Verdict, Obligation's words, Refutation, Obstruction, the proof
runner's Evidence and Outcome) answers with a word of :data:`urnn_sym.status.STATUSES`
and satisfies the :class:`urnn_sym.status.Result` protocol.
"""

from __future__ import annotations

import json
from fractions import Fraction
from typing import Any

import pytest

from urnn_sym import RNN
from urnn_sym.errors import FileFormatError, InvalidArgumentError
from urnn_sym.refutation import certify
from urnn_sym.smt.check import check_equivalence, recheck_verdict
from urnn_sym.status import STATUSES, VERDICT_STATUSES, Result
from urnn_sym.verdict import VERDICT_FORMAT, Obligation, Verdict

pytestmark = pytest.mark.timeout(120)

A = RNN([["1/2"]], [[1]], [0], [[1]])
B = RNN([["1/2"]], [[1]], [0], [[2]])


def refuted_verdict() -> Verdict:
    ref = certify(A, B, [[Fraction(1, 2)]], input_bound=1, method="by hand")
    assert ref is not None
    return Verdict("refuted", "bounded", "by hand", ref.reason, 1, Fraction(1), "inf", ref, a=A, b=B)


# ------------------------------------------------------------------------------
# construction and status validation
# ------------------------------------------------------------------------------


def test_construction_and_summary() -> None:
    unknown = Verdict("unknown", "bounded", "z3 bounded check", reason="timeout", horizon=4)
    assert not unknown and unknown.summary() == "unknown: timeout" and unknown.xs is None
    proved = Verdict("proved", "all-horizons", "exact certificate", input_bound=Fraction(2))
    assert proved and proved.summary() == "proved for every horizon (inf-norm input bound 2) by exact certificate"
    refuted = refuted_verdict()
    assert not refuted and refuted.time_step == 0 and refuted.xs == [[Fraction(1, 2)]]
    assert refuted.summary() == "refuted: outputs differ at k = 0 on an input of length 1"


@pytest.mark.parametrize("word", ["certified", "checked", "inconclusive", "failed", "Proved", "", None, 1])
def test_verdict_refuses_other_status_words(word: Any) -> None:
    with pytest.raises(InvalidArgumentError, match=r"^status: expected one of proved, refuted, unknown but found"):
        Verdict(word, "bounded", "m")
    with pytest.raises(InvalidArgumentError, match=r"^status: expected one of proved, refuted, unknown but found"):
        Obligation("step", "a fact", word, "m")


def test_a_refuted_verdict_needs_a_confirmed_refutation() -> None:
    with pytest.raises(InvalidArgumentError, match="refutation: a 'refuted' verdict needs an exactly confirmed"):
        Verdict("refuted", "bounded", "m")
    with pytest.raises(InvalidArgumentError, match="kind: expected one of bounded, all-horizons but found 'all'"):
        Verdict("proved", "all", "m")


# ------------------------------------------------------------------------------
# the JSON document
# ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "verdict",
    [
        Verdict("unknown", "bounded", "z3 bounded check", reason="timeout", horizon=4, a=A, b=B),
        Verdict(
            "proved",
            "all-horizons",
            "exact certificate",
            obligations=[Obligation("base", "h(0) in S", "proved", "exact identity", data={"x": Fraction(1, 3)})],
        ),
    ],
)
def test_json_round_trip(verdict: Verdict) -> None:
    doc = json.loads(json.dumps(verdict.to_json()))
    assert doc["format"] == VERDICT_FORMAT and doc["status"] == verdict.status
    again = Verdict.from_json(doc)
    assert again.to_json() == doc
    assert (again.status, again.kind, again.method, again.reason) == (
        verdict.status,
        verdict.kind,
        verdict.method,
        verdict.reason,
    )


def test_json_round_trip_of_a_refutation_keeps_the_counterexample() -> None:
    doc = json.loads(json.dumps(refuted_verdict().to_json()))
    again = Verdict.from_json(doc)
    assert again.status == "refuted" and again.xs == [[Fraction(1, 2)]] and again.time_step == 0
    assert again.refutation is not None and again.refutation.ys_candidate == [[Fraction(1)]]
    assert recheck_verdict(again)


@pytest.mark.parametrize(
    ("change", "match"),
    [
        ({"format": "urnn-sym.refutation/1"}, 'expected "format": "urnn-sym.verdict/1"'),
        ({"status": "certified"}, "status: expected one of proved, refuted, unknown but found 'certified'"),
        ({"status": "inconclusive"}, "status: expected one of proved, refuted, unknown but found 'inconclusive'"),
        ({"kind": "forever"}, "kind: expected one of bounded, all-horizons"),
        ({"x": None}, "a 'refuted' verdict needs an exactly confirmed Refutation"),
        ({"x": [["one half"]]}, "x"),
        ({"input_bound": "-1"}, "input_bound"),
    ],
)
def test_from_json_refuses_a_malformed_document(change: dict[str, Any], match: str) -> None:
    doc = {**refuted_verdict().to_json(), **change}
    with pytest.raises(FileFormatError, match=match):
        Verdict.from_json(doc)


@pytest.mark.parametrize("key", ["status", "kind", "method", "input_bound", "norm"])
def test_from_json_names_a_missing_key(key: str) -> None:
    doc = {k: v for k, v in refuted_verdict().to_json().items() if k != key}
    with pytest.raises(FileFormatError, match=f"v.json: missing required key '{key}'"):
        Verdict.from_json(doc, source="v.json")


def test_recheck_refuses_a_tampered_counterexample() -> None:
    doc = refuted_verdict().to_json()
    # the recorded outputs no longer match the exact re-simulation
    tampered = Verdict.from_json({**doc, "y_b": [["3/4"]]})
    check = recheck_verdict(tampered)
    assert not check and "differs from the re-computed" in check.detail
    # the same input on two networks that agree: nothing differs, so it is not confirmed
    same = Verdict.from_json({**doc, "b": doc["a"]})
    assert not recheck_verdict(same)


# ------------------------------------------------------------------------------
# every result type: the Result protocol and the shared words
# ------------------------------------------------------------------------------


def test_every_result_type_satisfies_result() -> None:
    from urnn_sym.proofkit import Outcome, checked, proved, refuted, unknown
    from urnn_sym.refutation import inconclusive
    from urnn_sym.refute.obstruction import sigmoid_obstruction
    from urnn_sym.refute.smooth import sigmoid_witness

    bounded = check_equivalence(A, B, input_bound=1, horizon=2)
    results: list[Any] = [
        bounded,
        refuted_verdict(),
        Verdict("unknown", "bounded", "z3", reason="timeout"),
        *bounded.obligations,
        refuted_verdict().refutation,
        inconclusive("nothing found", method="search", input_bound=1),
        sigmoid_obstruction(sigmoid_witness()),
        sigmoid_obstruction(RNN([["1/2"]], [[1]], [0], [[1]], activation="sigmoid")),
        proved("sympy"),
        checked(2, "exact"),
        refuted("exact", "x = 1"),
        unknown("timeout"),
        Outcome("s", "c", "t", "unknown", "exception", "ZeroDivisionError", 0.0, crashed=True),
    ]
    assert bounded.status == "refuted"
    for result in results:
        assert isinstance(result, Result), type(result).__name__
        assert result.status in STATUSES, (type(result).__name__, result.status)
        assert result.to_json()["status"] == result.status
        assert isinstance(result.method, str) and result.to_json()["method"] == result.method
    assert {r.status for r in results} == set(STATUSES)


def test_verdict_words_are_the_shared_ones() -> None:
    assert VERDICT_STATUSES == ("proved", "refuted", "unknown")
    for word in VERDICT_STATUSES:
        ref = refuted_verdict().refutation if word == "refuted" else None
        assert Verdict(word, "bounded", "m", refutation=ref).status == word  # type: ignore[arg-type]
