"""Tests of urnn_sym.io: the JSON formats, their entry rules and exact round trip."""

from __future__ import annotations

import json
import os
import stat
from fractions import Fraction
from pathlib import Path

import pytest
import sympy
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from urnn_sym import RNN, simulate
from urnn_sym.errors import FileFormatError, ParseError, ShapeError
from urnn_sym.io import atomic_write_text, dump_rnn, load_rnn, read_inputs, read_rnn, write_inputs, write_rnn
from urnn_sym.strategies import rnns

pytestmark = pytest.mark.timeout(120)

DOC = {"format": "urnn-sym.rnn/1", "activation": "relu", "W": [["1/2"]], "F": [["1"]], "b": ["0"], "C": [["1"]]}


def _doc(**changes: object) -> dict:
    d = dict(DOC)
    d.update(changes)
    return {k: v for k, v in d.items() if v is not None}


def test_entry_rules() -> None:
    assert load_rnn(_doc()).system == "exact"
    assert load_rnn(_doc(W=[[0.5]])).system == "float64"
    assert load_rnn(_doc(W=[[0.5]]), exact=True).system == "exact"
    assert load_rnn(_doc(W=[[1]])).system == "exact"
    assert load_rnn(_doc(W=[["sqrt(2)/2"]])).matrices()["W"][0, 0] == sympy.sqrt(2) / 2
    assert load_rnn(_doc(W=[["0.125"]])).matrices()["W"][0, 0] == sympy.Rational(1, 8)
    sym = load_rnn(_doc(W=[["w"]], symbols=["w"]))
    assert sym.system == "symbolic"
    assert load_rnn(_doc(activation=None)).activation == "relu"


def test_float_file_converts_exactly_with_exact_flag() -> None:
    rnn = load_rnn(_doc(W=[[0.1]]), exact=True)
    assert rnn.matrices()["W"][0, 0] == sympy.Rational(Fraction(0.1))


@pytest.mark.parametrize(
    ("doc", "error", "message"),
    [
        ([1, 2], FileFormatError, "expected a JSON object"),
        (
            _doc(format="urnn-sym.rnn/2"),
            FileFormatError,
            r'expected "format": "urnn-sym.rnn/1" but found "urnn-sym.rnn/2"',
        ),
        (_doc(format=None), FileFormatError, "but found null"),
        (_doc(X=1), FileFormatError, r"unknown keys \['X'\]"),
        (_doc(C=None), FileFormatError, r"missing required keys \['C'\]"),
        (_doc(W="1/2"), FileFormatError, "W: expected a list of rows"),
        (_doc(W=[["1/2", True]]), FileFormatError, r"W\[0\]\[1\]: expected a number"),
        (_doc(W=[["one half"]]), ParseError, r"W\[0\]\[0\]: cannot parse 'one half'"),
        (_doc(W=[["w"]], symbols=["v"]), ParseError, "unknown name 'w'"),
        (_doc(symbols="w"), FileFormatError, "symbols"),
        (_doc(b=["0", "1"]), ShapeError, r"b: expected shape \(1,\)"),
        (_doc(activation="gelu"), Exception, "activation: expected one of"),
    ],
)
def test_load_rnn_bad(doc: object, error: type, message: str) -> None:
    with pytest.raises(error, match=message):
        load_rnn(doc)


def test_read_errors(write_json, tmp_path: Path) -> None:
    with pytest.raises(FileFormatError, match="RNN file: file not found"):
        read_rnn(tmp_path / "missing.json")
    bad = write_json("{not json", raw=True)
    with pytest.raises(FileFormatError, match="is not valid JSON"):
        read_rnn(bad)
    nan = write_json('{"format": "urnn-sym.rnn/1", "W": [[NaN]], "F": [[1]], "b": [0], "C": [[1]]}', raw=True)
    with pytest.raises(FileFormatError, match="non-finite number NaN"):
        read_rnn(nan)
    with pytest.raises(FileFormatError, match="RNN file: cannot read"):
        read_rnn(tmp_path)


def test_inputs(write_json) -> None:
    assert read_inputs(write_json({"format": "urnn-sym.inputs/1", "x": [["1/2"], [2]]})) == [
        [sympy.Rational(1, 2)],
        [2],
    ]
    assert read_inputs(write_json([[0.5]])) == [[0.5]]
    for doc, message in [
        ({"format": "urnn-sym.inputs/1", "x": []}, "empty"),
        ({"format": "wrong", "x": [[1]]}, 'expected "format": "urnn-sym.inputs/1"'),
        ({"format": "urnn-sym.inputs/1"}, "missing required key 'x'"),
        ("x", "expected a list of input rows"),
        ([1, 2], r"x\[0\]: expected a list"),
    ]:
        with pytest.raises(FileFormatError, match=message):
            read_inputs(write_json(doc))


@settings(suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(rnns(system="exact"))
def test_round_trip_exact(tmp_path: Path, rnn: RNN) -> None:
    path = tmp_path / "rnn.json"
    write_rnn(rnn, path)
    assert read_rnn(path) == rnn


@settings(suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(rnns(system="float64", activation=st.sampled_from(["relu", "tanh"])))
def test_round_trip_float(tmp_path: Path, rnn: RNN) -> None:
    path = tmp_path / "rnn.json"
    write_rnn(rnn, path)
    back = read_rnn(path)
    assert back.system in ("float64", "exact")
    assert back.to_float() == rnn


def test_round_trip_algebraic_and_symbolic(tmp_path: Path) -> None:
    w = sympy.Symbol("w", real=True)
    for rnn in (
        RNN([["sqrt(2)/2", "(1 + sqrt(5))/4"], [0, "2^(1/3)"]], [[1], [0]], [0, "-sqrt(3)"], [[1, 1]]),
        RNN([[w, 0], [0, "1/2"]], [[1], [0]], [0, 0], [[1, 1]]),
    ):
        path = tmp_path / "rnn.json"
        write_rnn(rnn, path)
        assert read_rnn(path) == rnn
        assert json.loads(path.read_text())["format"] == "urnn-sym.rnn/1"


def test_write_is_atomic(tmp_path: Path) -> None:
    path = tmp_path / "out.json"
    path.write_text("old")
    with pytest.raises(FileFormatError, match="directory does not exist"):
        write_rnn(load_rnn(DOC), tmp_path / "nope" / "out.json")
    assert path.read_text() == "old"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["out.json"]
    write_inputs([[Fraction(1, 3)], [0.5]], path)
    assert read_inputs(path) == [[sympy.Rational(1, 3)], [0.5]]


def test_dump_exact_strings_simulate() -> None:
    rnn = load_rnn(_doc(W=[["1/3"]]))
    assert dump_rnn(rnn)["W"] == [["1/3"]]
    assert simulate(rnn, [[1], [1]])[:, 0].tolist() == [Fraction(1), Fraction(4, 3)]


def test_atomic_write_permissions(tmp_path) -> None:
    mask = os.umask(0o022)
    try:
        new = tmp_path / "new.json"
        atomic_write_text(new, "{}")
        assert stat.S_IMODE(new.stat().st_mode) == 0o644
        new.chmod(0o600)
        atomic_write_text(new, "[]")
        assert stat.S_IMODE(new.stat().st_mode) == 0o600 and new.read_text() == "[]"
    finally:
        os.umask(mask)
    assert [p.name for p in tmp_path.iterdir()] == ["new.json"]
