"""Tests of urnn_sym.refutation: the document loader validates every field, and recheck re-derives every record.

The ReLU/identity route is re-simulated exactly, so every recorded output, the
time step and the record shapes are checked against exact values; the
sigmoid/tanh route (ball arithmetic) is tested in tests/refute/test_smooth.py.
"""

from __future__ import annotations

import copy
import json
from fractions import Fraction
from pathlib import Path
from typing import Any

import pytest
from clitools import run

from urnn_sym import RNN
from urnn_sym.errors import FileFormatError
from urnn_sym.refutation import (
    REFUTATION_FORMAT,
    Refutation,
    certify,
    parse_enclosure,
    recheck,
    recorded_mismatch,
)

pytestmark = pytest.mark.timeout(60)

A = RNN([[Fraction(1, 2)]], [[1]], [0], [[1]])
B = RNN([[0]], [[1]], [0], [[1]])  # equal to A at k = 0, different from k = 1 on when x(0) > 0


def relu_doc() -> dict[str, Any]:
    """A confirmed ReLU refutation document: outputs differ first at k = 1, input of length 3."""
    ref = certify(A, B, [["1/2"], ["1/4"], ["-1"]], input_bound=1, norm="inf", method="by hand")
    assert ref is not None and ref.time_step == 1
    doc = json.loads(json.dumps(ref.to_json()))
    assert recheck(Refutation.from_json(doc))
    return doc


def changed(doc: dict[str, Any], path: tuple[Any, ...], value: Any) -> dict[str, Any]:
    """A deep copy of ``doc`` with the entry at ``path`` replaced (or deleted when value is ``...``)."""
    new = copy.deepcopy(doc)
    target = new
    for key in path[:-1]:
        target = target[key]
    if value is ...:
        del target[path[-1]]
    else:
        target[path[-1]] = value
    return new


# ------------------------------------------------------------------------------
# the loader: a wrong field is a FileFormatError that names it
# ------------------------------------------------------------------------------


WRONG_FIELDS = [
    (("format",), "urnn-sym.refutation/2", 'expected "format": "urnn-sym.refutation/1"'),
    (("status",), True, "status: expected one of refuted, inconclusive but found True (bool)"),
    (("status",), "proved", "status: expected one of refuted, inconclusive but found 'proved'"),
    (("status",), ..., "missing required key 'status'"),
    (("method",), ["by hand"], "method: expected a string but found ['by hand'] (list)"),
    (("reason",), 3, "reason: expected a string but found 3 (int)"),
    (("input_bound",), True, "input_bound: expected a number"),
    (("input_bound",), [1], "input_bound: expected a number"),
    (("input_bound",), "-1", "input_bound: expected a positive number but found -1"),
    (("norm",), 2, "norm: expected 'inf' or '2' but found 2 (int)"),
    (("norm",), "1", "norm: expected '2' or 'inf' but found '1'"),
    (("time_step",), "0", "time_step: expected null or an integer >= 0 but found '0' (str)"),
    (("time_step",), True, "time_step: expected null or an integer >= 0 but found True (bool)"),
    (("time_step",), 1.0, "time_step: expected null or an integer >= 0 but found 1.0 (float)"),
    (("time_step",), -1, "time_step: expected null or an integer >= 0 but found -1"),
    (("time_step",), None, "needs the input xs and the time_step"),
    (("x",), "1/2", "x: expected a list of rows (lists) but found '1/2' (str)"),
    (("x",), ["1/2"], "x: expected a list of rows"),
    (("x",), [], "x: expected at least one row"),
    (("x",), [[]], "x: expected at least one row"),
    (("x",), [["1/2"], ["1", "2"]], "x[1]: expected 1 entries like row 0 but found 2"),
    (("x", 0, 0), True, "x[0][0]: expected a number"),
    (("x", 0, 0), None, "x[0][0]: expected a number"),
    (("x", 0, 0), "[0.5 +/- 0.1]", "x[0][0]: expected an exact number"),
    (("x", 0, 0), "half", "x[0][0]"),
    (("y_rnn",), {"0": "1/2"}, "y_rnn: expected a list of rows"),
    (("y_rnn", 1, 0), False, "y_rnn[1][0]: expected a number"),
    (("y_rnn", 1, 0), "about 1/2", 'y_rnn[1][0]: expected an exact number or an enclosure "[mid +/- rad]"'),
    (("y_rnn", 1, 0), "[0.5 +/- -1]", "y_rnn[1][0]"),
    (("y_candidate", 2), ["1", "2"], "y_candidate[2]: expected 1 entries like row 0 but found 2"),
    (("tried",), "nothing", "tried: expected a list of strings but found 'nothing' (str)"),
    (("tried",), [1], "tried: expected a list of strings"),
    (("data",), [], "data: expected an object but found [] (list)"),
    (("data", "precision"), "128", "data: precision: expected an integer >= 16 but found '128' (str)"),
    (("data", "precision"), True, "data: precision: expected an integer >= 16 but found True (bool)"),
    (("data", "component"), -1, "data: component: expected an integer >= 0 but found -1"),
    (("data", "gap_lower"), "1e-3", "data: gap_lower: expected a finite number >= 0 but found '1e-3' (str)"),
    (("data", "enclosures"), [], "data: enclosures: expected an object with keys 'rnn', 'candidate'"),
    (("data", "enclosures"), {"rnn": "[0.5 +/- 1]"}, "data: enclosures: rnn: expected a list of rows"),
    (("data", "enclosures"), {"rnn": [["0.5"]]}, "data: enclosures: rnn[0][0]: expected an enclosure"),
    (("rnn",), "A.json", "rnn"),
    (("y_a",), ["1"], "unknown key(s) 'y_a'"),
]


@pytest.mark.parametrize(("path", "value", "message"), WRONG_FIELDS, ids=[f"{p}={v!r}" for p, v, _ in WRONG_FIELDS])
def test_a_wrong_field_is_a_file_format_error_naming_it(path: tuple[Any, ...], value: Any, message: str) -> None:
    doc = relu_doc()
    doc.setdefault("data", {})
    if path[0] == "data" and len(path) > 1:
        doc["data"].setdefault(path[1], None)
    bad = changed(doc, path, value)
    with pytest.raises(FileFormatError) as info:
        Refutation.from_json(bad, source="ref.json")
    text = str(info.value)
    assert text.startswith("ref.json: ") and message in text, text


def test_the_loader_accepts_what_to_json_writes() -> None:
    doc = relu_doc()
    ref = Refutation.from_json(doc)
    assert ref.to_json() == doc
    assert ref.ys_rnn == [[Fraction(1, 2)], [Fraction(1, 2)], [Fraction(0)]]
    inconclusive = {"format": REFUTATION_FORMAT, "status": "inconclusive", "method": "m", "input_bound": 1, "norm": "2"}
    assert Refutation.from_json(inconclusive).status == "inconclusive"


@pytest.mark.parametrize(
    ("path", "value", "message"),
    [
        (("time_step",), "0", "time_step: expected null or an integer >= 0 but found '0' (str)"),
        (("x",), "1/2", "x: expected a list of rows"),
        (("data", "precision"), False, "data: precision"),
    ],
)
def test_cli_recheck_answers_a_wrong_field_with_exit_2(
    tmp_path: Path, capsys, path: tuple[Any, ...], value: Any, message: str
) -> None:
    target = tmp_path / "ref.json"
    target.write_text(json.dumps(changed(relu_doc(), path, value)))
    code, out, err = run(capsys, "recheck", target)
    assert code == 2 and out == "" and message in err and len(err.strip().splitlines()) == 1
    assert "Traceback" not in err and str(target) in err


# ------------------------------------------------------------------------------
# the exact route: every recorded field is re-derived
# ------------------------------------------------------------------------------


@pytest.mark.parametrize("label", ["y_rnn", "y_candidate"])
@pytest.mark.parametrize("t", range(3))
def test_a_tampered_output_at_any_step_is_not_confirmed(label: str, t: int) -> None:
    doc = relu_doc()
    value = Fraction(doc[label][t][0]) + Fraction(1, 1000)
    check = recheck(Refutation.from_json(changed(doc, (label, t, 0), str(value))))
    assert not check and f"{label}({t})[0]" in check.detail and "differs from the re-computed" in check.detail


def test_recorded_enclosures_must_contain_the_exact_outputs() -> None:
    doc = relu_doc()
    good = changed(doc, ("data",), {"enclosures": {"rnn": [["[0.5 +/- 0]"], ["[0.5 +/- 0.1]"], ["[+/- 1e-9]"]]}})
    assert recheck(Refutation.from_json(good))
    bad = changed(good, ("data", "enclosures", "rnn", 2, 0), "[0.25 +/- 0.1]")
    check = recheck(Refutation.from_json(bad))
    assert not check and "data.enclosures.rnn(2)[0]" in check.detail and "does not contain" in check.detail
    as_enclosure = changed(doc, ("y_candidate", 1, 0), "[0.25 +/- 0.01]")  # the exact output is 1/4
    assert recheck(Refutation.from_json(as_enclosure))


def test_the_time_step_must_be_the_first_difference() -> None:
    doc = relu_doc()
    later = recheck(Refutation.from_json(changed(doc, ("time_step",), 2)))
    assert not later and "already differ at k = 1" in later.detail
    earlier = recheck(Refutation.from_json(changed(doc, ("time_step",), 0)))
    assert not earlier and "the outputs agree at k = 0" in earlier.detail
    outside = recheck(Refutation.from_json(changed(doc, ("time_step",), 3)))
    assert not outside and outside.method == "time-step check"


@pytest.mark.parametrize(
    ("path", "value", "message"),
    [
        (("y_rnn",), [["1/2"]], "the recorded y_rnn has 1 rows; expected 2..3"),
        (("y_candidate",), [["1/2"], ["1/4"], ["0"], ["0"]], "the recorded y_candidate has 4 rows; expected 2..3"),
        (("y_rnn",), [["1/2", "1"], ["1/2", "1"]], "expected p = 1"),
    ],
)
def test_record_shapes(path: tuple[Any, ...], value: Any, message: str) -> None:
    check = recheck(Refutation.from_json(changed(relu_doc(), path, value)))
    assert not check and check.method == "record check" and message in check.detail


def test_a_partial_record_up_to_the_time_step_is_enough() -> None:
    doc = relu_doc()
    partial = changed(changed(doc, ("y_rnn",), doc["y_rnn"][:2]), ("y_candidate",), ...)
    assert recheck(Refutation.from_json(partial))


def test_cli_recheck_rejects_a_tampered_output(tmp_path: Path, capsys) -> None:
    target = tmp_path / "ref.json"
    target.write_text(json.dumps(changed(relu_doc(), ("y_rnn", 2, 0), "1/8")))
    code, out, _ = run(capsys, "recheck", target)
    assert code == 1 and out.startswith("NOT confirmed: y_rnn(2)[0]")


# ------------------------------------------------------------------------------
# the rule itself
# ------------------------------------------------------------------------------


def test_parse_enclosure_is_exact() -> None:
    assert parse_enclosure("[0.333333333333333333333333333333 +/- 3.34e-31]") == (
        Fraction(333333333333333333333333333333, 10**30),
        Fraction(334, 10**33),
    )
    assert parse_enclosure(" [-2.5e-3 +/- 0] ") == (Fraction(-1, 400), Fraction(0))
    assert parse_enclosure("[+/- 1.01e-40]") == (Fraction(0), Fraction(101, 10**42))
    for bad in ("0.5", "[0.5]", "[0.5 +/- ]", "[nan +/- 1]", "[0.5 +/- 1e-3", 0.5, None):
        assert parse_enclosure(bad) is None


@pytest.mark.parametrize(
    ("value", "bounds", "confirmed", "words"),
    [
        ("[0.5 +/- 0.1]", (Fraction(2, 5), Fraction(3, 5)), True, ""),  # equal endpoints: inside
        ("[0.5 +/- 0.1]", (Fraction(2, 5), Fraction(61, 100)), False, "undecided"),
        ("[0.5 +/- 0.1]", (Fraction(7, 10), Fraction(8, 10)), False, "contradicted"),
        (Fraction(1, 2), (Fraction(1, 2), Fraction(1, 2)), True, ""),
        (Fraction(1, 2), (Fraction(49, 100), Fraction(51, 100)), False, "not confirmed by the fresh enclosure"),
        ("1/2", (Fraction(1, 2), Fraction(1, 2)), False, "neither an exact number nor an enclosure"),
        (True, (Fraction(1), Fraction(1)), False, "neither an exact number nor an enclosure"),
        (1, (Fraction(1), Fraction(1)), True, ""),
    ],
)
def test_recorded_mismatch_against_a_fresh_enclosure(value: Any, bounds: Any, confirmed: bool, words: str) -> None:
    why = recorded_mismatch(value, bounds=bounds)
    assert (why is None) == confirmed and (confirmed or words in why)


@pytest.mark.parametrize("word", ["proved", "unknown", "checked", "certified", "Refuted", "", None])
def test_refutation_refuses_other_status_words(word: Any) -> None:
    from urnn_sym.errors import InvalidArgumentError

    with pytest.raises(InvalidArgumentError, match=r"^status: expected one of refuted, inconclusive but found"):
        Refutation(word, "m")
    doc = {"format": "urnn-sym.refutation/1", "status": word, "method": "m", "input_bound": "1", "norm": "inf"}
    with pytest.raises(FileFormatError, match=r"status: expected one of refuted, inconclusive but found"):
        Refutation.from_json(doc)


def test_refutations_are_results() -> None:
    from urnn_sym.refutation import certify, inconclusive
    from urnn_sym.status import REFUTATION_STATUSES, Result

    a, b = RNN([[0]], [[1]], [0], [[1]]), RNN([[0]], [[1]], [0], [[2]])
    found = certify(a, b, [[Fraction(1, 2)]], input_bound=1, method="by hand")
    for ref in (found, inconclusive("nothing", method="search", input_bound=1)):
        assert isinstance(ref, Result) and ref.status in REFUTATION_STATUSES
        assert Refutation.from_json(json.loads(json.dumps(ref.to_json()))).status == ref.status
