"""Tests of :mod:`urnn_sym.refutation.document`: the Refutation value, its JSON document and certify."""

from __future__ import annotations

import copy
import json
from fractions import Fraction
from typing import Any

import pytest
import sympy
from hypothesis import given, settings
from hypothesis import strategies as st

from urnn_sym.errors import FileFormatError, InvalidArgumentError, UnsupportedError
from urnn_sym.model import RNN
from urnn_sym.refutation.document import (
    REFUTATION_FORMAT,
    Refutation,
    certify,
    inconclusive,
    parse_enclosure,
)
from urnn_sym.status import STATUSES
from urnn_sym.strategies import exact_rationals

pytestmark = pytest.mark.timeout(120)

Q = Fraction
# y(k) = C relu(x(k)) with W = 0: A has C = 1, B has C = 2, so they differ exactly where x(k) > 0.
A = RNN([[0]], [[1]], [0], [[1]])
B = RNN([[0]], [[1]], [0], [[2]])


def _refuted() -> Refutation:
    ref = certify(A, B, [[Q(-1)], [Q(1, 2)]], input_bound=1, method="by hand", tried=["grid"], data={"seed": 3})
    assert ref is not None
    return ref


def test_certify_by_hand() -> None:
    # x = (-1, 1/2): relu gives h = (0, 1/2), so y_A = (0, 1/2), y_B = (0, 1): first difference at k = 1.
    ref = _refuted()
    assert ref.status == "refuted" and bool(ref)
    assert ref.time_step == 1 and ref.length == 2
    assert ref.ys_rnn == [[Q(0)], [Q(1, 2)]]
    assert ref.ys_candidate == [[Q(0)], [Q(1)]]
    assert ref.input_bound == Q(1) and ref.norm == "inf"
    assert ref.tried == ["grid"] and ref.data == {"seed": 3}
    assert ref.rnn is A and ref.candidate is B
    assert "k = 1" in ref.summary()


def test_certify_returns_none_when_outputs_agree() -> None:
    # x <= 0 throughout: both outputs are 0.
    assert certify(A, B, [[Q(-1)], [Q(0)]], input_bound=1, method="m") is None
    assert certify(A, A, [[Q(1)]], input_bound=1, method="m") is None


def test_certify_returns_none_outside_the_input_bound() -> None:
    # x = 2 would separate A and B but lies outside ||x|| <= 1: never "refuted".
    assert certify(A, B, [[Q(2)]], input_bound=1, method="m") is None
    # in the 2-norm, (3/5, 4/5) is on the unit sphere (inside) and (3/5, 5/6) is outside
    a2 = RNN([[0]], [[1, 1]], [0], [[1]])
    b2 = RNN([[0]], [[1, 1]], [0], [[2]])
    assert certify(a2, b2, [[Q(3, 5), Q(4, 5)]], input_bound=1, norm="2", method="m") is not None
    assert certify(a2, b2, [[Q(3, 5), Q(5, 6)]], input_bound=1, norm="2", method="m") is None


def test_certify_refuses_smooth_networks() -> None:
    s = RNN([[0]], [[1]], [0], [[1]], activation="tanh")
    with pytest.raises(UnsupportedError, match="activation"):
        certify(s, s, [[Q(1)]], input_bound=1, method="m")


@settings(max_examples=15)
@given(x=exact_rationals(9, 9), M=exact_rationals(9, 9).filter(lambda q: q > 0))
def test_certify_refutes_exactly_on_positive_inputs_within_bound(x: Fraction, M: Fraction) -> None:
    ref = certify(A, B, [[x]], input_bound=M, method="m")
    assert (ref is not None) == (Q(0) < x and abs(x) <= M)
    if ref is not None:
        assert ref.ys_candidate == [[2 * x]] and ref.ys_rnn == [[x]]


def test_inconclusive() -> None:
    ref = inconclusive("no input found", method="grid", input_bound="1/2", tried=["grid: 10 points"])
    assert ref.status == "inconclusive" and not bool(ref)
    assert ref.xs is None and ref.time_step is None and ref.length is None
    assert ref.input_bound == Q(1, 2)
    assert ref.summary() == "inconclusive: no input found"
    assert ref.status in STATUSES


@pytest.mark.parametrize(
    "kwargs",
    [
        {"status": "proved", "method": "m"},  # a refutation is never "proved"
        {"status": "maybe", "method": "m"},
        {"status": "refuted", "method": "m"},  # refuted without xs / time_step
        {"status": "refuted", "method": "m", "xs": [[Q(1)]]},
    ],
)
def test_refutation_refuses_bad_status(kwargs: dict[str, Any]) -> None:
    with pytest.raises(InvalidArgumentError, match=r"^status:"):
        Refutation(**kwargs)


def test_json_round_trip_refuted() -> None:
    ref = _refuted()
    doc = ref.to_json()
    assert doc["format"] == REFUTATION_FORMAT
    assert doc["x"] == [["-1"], ["1/2"]] and doc["input_bound"] == "1"
    text = json.dumps(doc)  # JSON-ready
    back = Refutation.from_json(json.loads(text))
    assert back.status == "refuted" and back.time_step == 1
    assert back.xs == ref.xs and back.ys_rnn == ref.ys_rnn and back.ys_candidate == ref.ys_candidate
    assert back.input_bound == ref.input_bound and back.norm == ref.norm
    assert back.tried == ref.tried and back.data == ref.data
    assert back.rnn is not None and back.candidate is not None
    assert back.to_json() == doc


def test_json_round_trip_inconclusive() -> None:
    ref = inconclusive("nothing", method="smt", input_bound=Q(3, 7), norm="2", tried=["a", "b"])
    back = Refutation.from_json(ref.to_json())
    assert back == ref


def test_algebraic_outputs_are_read_exactly() -> None:
    doc = _refuted().to_json()
    doc["y_rnn"] = [["0"], ["1 - sqrt(3)/2"]]
    back = Refutation.from_json(doc)
    assert back.ys_rnn is not None
    assert sympy.simplify(back.ys_rnn[1][0] - (1 - sympy.sqrt(3) / 2)) == 0


def test_enclosures_are_kept_as_text() -> None:
    doc = _refuted().to_json()
    doc["y_rnn"] = [["[0 +/- 1e-30]"], ["[0.5 +/- 1e-20]"]]
    doc["data"] = {
        "precision": 128,
        "component": 0,
        "gap_lower": 0.25,
        "enclosures": {"rnn": [["[0.5 +/- 1e-20]"]], "candidate": [["[1 +/- 1e-20]"]]},
    }
    back = Refutation.from_json(doc)
    assert back.ys_rnn == [["[0 +/- 1e-30]"], ["[0.5 +/- 1e-20]"]]


def _broken(change: Any) -> dict[str, Any]:
    doc = copy.deepcopy(_refuted().to_json())
    change(doc)
    return doc


@pytest.mark.parametrize(
    ("change", "field"),
    [
        (lambda d: d.update(format="urnn-sym.refutation/0"), "format"),
        (lambda d: d.pop("status"), "status"),
        (lambda d: d.pop("norm"), "norm"),
        (lambda d: d.update(extra=1), "extra"),
        (lambda d: d.update(status="proved"), "status"),
        (lambda d: d.update(method=3), "method"),
        (lambda d: d.update(reason=None), "reason"),
        (lambda d: d.update(input_bound="0"), "input_bound"),
        (lambda d: d.update(input_bound="-1"), "input_bound"),
        (lambda d: d.update(input_bound=True), "input_bound"),
        (lambda d: d.update(input_bound=None), "input_bound"),
        (lambda d: d.update(input_bound="nan"), "input_bound"),
        (lambda d: d.update(norm="1"), "norm"),
        (lambda d: d.update(norm=2), "norm"),
        (lambda d: d.update(time_step=-1), "time_step"),
        (lambda d: d.update(time_step=True), "time_step"),
        (lambda d: d.update(time_step=1.0), "time_step"),
        (lambda d: d.update(tried="grid"), "tried"),
        (lambda d: d.update(tried=[1]), "tried"),
        (lambda d: d.update(x=[]), "x"),
        (lambda d: d.update(x=[[]]), "x"),
        (lambda d: d.update(x=[["1"], ["1", "2"]]), "x[1]"),
        (lambda d: d.update(x=[["abc"]]), "x[0][0]"),
        (lambda d: d.update(x=[[None]]), "x[0][0]"),
        (lambda d: d.update(x=[["sqrt(x)"]]), "x[0][0]"),
        (lambda d: d.update(x="1"), "x"),
        (lambda d: d.update(y_rnn=[["[1 +/- ]"]]), "y_rnn[0][0]"),
        (lambda d: d.update(y_candidate=[[float("nan")]]), "y_candidate[0][0]"),
        (lambda d: d.update(data=[]), "data"),
        (lambda d: d.update(data={"precision": 8}), "precision"),
        (lambda d: d.update(data={"component": -1}), "component"),
        (lambda d: d.update(data={"gap_lower": -0.5}), "gap_lower"),
        (lambda d: d.update(data={"gap_lower": float("inf")}), "gap_lower"),
        (lambda d: d.update(data={"enclosures": {"other": []}}), "enclosures"),
        (lambda d: d.update(data={"enclosures": {"rnn": [["0.5"]]}}), "enclosures"),
        (lambda d: d["rnn"].update(W="not a matrix"), "rnn"),
    ],
)
def test_from_json_refuses_malformed_documents(change: Any, field: str) -> None:
    doc = _broken(change)
    with pytest.raises(FileFormatError) as info:
        Refutation.from_json(doc, source="ref.json")
    message = str(info.value)
    assert message.startswith("ref.json:")
    assert field in message


@pytest.mark.parametrize("doc", [None, [], "refutation", 3])
def test_from_json_refuses_non_objects(doc: Any) -> None:
    with pytest.raises(FileFormatError, match=r"^refutation:.*format"):
        Refutation.from_json(doc)


@pytest.mark.parametrize(
    ("text", "want"),
    [
        ("[0.5 +/- 1e-3]", (Q(1, 2), Q(1, 1000))),
        ("[+/- 2e-5]", (Q(0), Q(1, 50000))),
        ("  [-1.25 +/- 0]  ", (Q(-5, 4), Q(0))),
        ("[3e2 +/- .5]", (Q(300), Q(1, 2))),
    ],
)
def test_parse_enclosure(text: str, want: tuple[Fraction, Fraction]) -> None:
    assert parse_enclosure(text) == want


@pytest.mark.parametrize("text", ["0.5", "[0.5]", "[0.5 +/- -1]", "[a +/- 1]", "", None, 0.5, ["[1 +/- 0]"]])
def test_parse_enclosure_refuses(text: Any) -> None:
    assert parse_enclosure(text) is None


@given(mid=st.decimals(-1000, 1000, places=6), rad=st.decimals(0, 10, places=8))
def test_parse_enclosure_reads_decimals_exactly(mid: Any, rad: Any) -> None:
    assert parse_enclosure(f"[{mid} +/- {rad}]") == (Q(str(mid)), Q(str(rad)))
