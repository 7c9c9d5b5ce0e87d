"""Tests of ``urnn-sym construct``."""

from __future__ import annotations

import json
from fractions import Fraction

import pytest

from urnn_sym import simulate
from urnn_sym.cli import main
from urnn_sym.construct.hypotheses import is_orthogonal
from urnn_sym.construct.rational import rational_defect_rnn
from urnn_sym.io import read_rnn, write_rnn

pytestmark = pytest.mark.timeout(120)


def test_exact_stays_exact(tmp_path, capsys) -> None:
    src = tmp_path / "rnn.json"
    write_rnn(rational_defect_rnn(3, 1, 1, seed=2).rnn, src)
    out = tmp_path / "urnn.json"
    assert main(["construct", str(src), "--input-bound", "1/2", "--norm", "inf", "-o", str(out)]) == 0
    text = capsys.readouterr().out
    assert f"wrote {out}: URNN with 6 states (3 + 3 extra), exact" in text and "U^T U == I" in text
    rnn, urnn = read_rnn(src), read_rnn(out)
    assert urnn.system == "exact" and bool(is_orthogonal(urnn.W))
    xs = [[Fraction(k % 5 - 2, 4)] for k in range(60)]
    assert (simulate(rnn, xs) == simulate(urnn, xs)).all()
    record = json.loads(json.loads(out.read_text())["description"])["construction"]
    assert record["states"] == {"rnn": 3, "urnn": 6, "extra": 3}


def test_float_stays_float_and_json(write_json, capsys) -> None:
    path = write_json(
        {
            "format": "urnn-sym.rnn/1",
            "W": [[0.5, 0.1], [0.0, 0.3]],
            "F": [[1.0], [0.5]],
            "b": [0.0, 0.25],
            "C": [[1.0, 1.0]],
        }
    )
    assert main(["construct", str(path), "--input-bound", "2", "--json"]) == 0
    doc = json.loads(capsys.readouterr().out)
    assert doc["system"] == "float64" and doc["states"]["urnn"] == 4 and doc["orthogonal"]["holds"]


def test_minimal_and_horizon(write_json, capsys) -> None:
    path = write_json(
        {"format": "urnn-sym.rnn/1", "W": [["1/2", "1/2"], ["1/2", "1/2"]], "F": [[1], [1]], "b": [0, 0], "C": [[1, 1]]}
    )
    assert main(["construct", str(path), "--input-bound", "1", "--minimal", "--horizon", "10"]) == 0
    out = capsys.readouterr().out
    assert "URNN with 3 states (2 + 1 extra)" in out and "the first 10 steps" in out


@pytest.mark.parametrize(
    ("doc", "args", "message"),
    [
        ({"W": [["1/2", "1/2"], ["1/2", "1/2"]]}, [], r"not contractive: ||W||_2 >= 1 "),
        ({"W": [["2", "0"], ["0", "0"]]}, [], r"not contractive: ||W||_2 >= 2 "),
        ({"W": [["2", "0"], ["0", "0"]]}, ["--scaling", "auto"], "found no positive diagonal L"),
        ({"W": [["1/2"]], "activation": "sigmoid"}, [], "Theorem 3"),
        ({"W": [["1/2", "1/3", 0], [0, "1/4", 0], [0, "1/5", "1/6"]]}, ["--completion", "halmos"], "rationalize"),
        ({"W": [["1", "0"], ["0", "0"]]}, ["--rational"], "rational completion needs a rational W with ||W||_2 < 1"),
        ({"W": [["1/2"]]}, ["--input-bound", "0"], "input_bound: expected a positive number but found 0"),
        ({"W": [["1/2"]]}, ["--horizon", "0"], "--horizon: expected an integer >= 1"),
    ],
)
def test_bad_input_exit_2(write_json, capsys, tmp_path, doc, args, message) -> None:
    n = len(doc["W"])
    full = {"format": "urnn-sym.rnn/1", "F": [[1]] * n, "b": [0] * n, "C": [[1] * n], **doc}
    path = write_json(full)
    out = tmp_path / "out.json"
    argv = ["construct", str(path), "--input-bound", "1", "-o", str(out), *args]
    assert main(argv) == 2
    err = capsys.readouterr().err
    assert message in err and len(err.strip().splitlines()) == 1
    assert not out.exists()


def test_help_mentions_examples(capsys) -> None:
    with pytest.raises(SystemExit):
        main(["construct", "--help"])
    assert "exit codes" in capsys.readouterr().out
