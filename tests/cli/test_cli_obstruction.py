"""Tests of the obstruction and contrast subcommands."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest
from clitools import run

from urnn_sym import RNN
from urnn_sym.cli import main
from urnn_sym.io import write_rnn
from urnn_sym.refute.smooth import sigmoid_witness
from urnn_sym.witnesses import lower_bound_witness

pytestmark = pytest.mark.timeout(120)


@pytest.fixture
def files(tmp_path: Path) -> dict[str, Path]:
    rng = np.random.default_rng(0)
    Q = np.linalg.qr(rng.normal(size=(2, 2)))[0]
    nets = {
        "sigmoid": sigmoid_witness(),
        "tanh": sigmoid_witness(2, activation="tanh"),
        "invertible": RNN(0.5 * Q, [[1], [1]], [0, 0], [[1, 1]], activation="sigmoid"),
        "relu": lower_bound_witness(1),
        "expansive": RNN([[2]], [[1]], [0], [[1]], activation="sigmoid"),
    }
    paths = {}
    for name, rnn in nets.items():
        paths[name] = tmp_path / f"{name}.json"
        write_rnn(rnn, paths[name])
    return paths


def test_obstruction_certified(capsys, files) -> None:
    code, out, err = run(capsys, "obstruction", files["sigmoid"])
    assert code == 0 and err == "" and out.startswith("proved: rank H >= 1 > rank W = 0")
    assert "scope: no URNN with finitely many states" in out and "hbar in [0.5" in out
    code, out, _ = run(capsys, "obstruction", files["tanh"], "--json")
    doc = json.loads(out)
    assert code == 0 and doc["status"] == "proved" and doc["method"].startswith("memoryless dimension growth")


def test_obstruction_inconclusive(capsys, files) -> None:
    code, out, err = run(capsys, "obstruction", files["invertible"], "--precision", "64")
    assert code == 3 and err == "" and out.startswith("inconclusive: W is invertible (rank W = n = 2)")


@pytest.mark.parametrize(
    ("name", "extra", "message"),
    [
        ("relu", (), "urnn-sym: error: activation: the obstruction certificate needs sigmoid or tanh but found 'relu'"),
        ("expansive", (), "urnn-sym: error: W: the obstruction certificate needs a contractive RNN"),
        ("missing", (), "urnn-sym: error:"),
        ("sigmoid", ("--precision", "8"), "expected an integer number of bits >= 16 but found 8"),
        ("sigmoid", ("--precision", "x"), "expected an integer number of bits >= 16 but found 'x'"),
    ],
)
def test_obstruction_bad_input(capsys, files, tmp_path, name, extra, message) -> None:
    path = files.get(name, tmp_path / "missing.json")
    code, out, err = run(capsys, "obstruction", path, *extra)
    assert code == 2 and out == "" and message in err and err.count("\n") == 1


def test_contrast(capsys) -> None:
    code, out, err = run(capsys, "contrast", "--states", "2")
    assert code == 0 and err == ""
    assert out.splitlines()[0] == "ReLU  y(k) = relu(x(k)):  Theorem 1 gives a URNN with 2 states"
    assert "m = 2: the delay-line URNN agrees on every input of length <= 2, differs at length 3" in out
    code, out, _ = run(capsys, "contrast", "--states", "1", "--json")
    assert code == 0 and json.loads(out)["format"] == "urnn-sym.contrast/1"
    code, _, err = run(capsys, "contrast", "--states", "0")
    assert code == 2 and "expected an integer in 1..12 but found 0" in err


def test_help_mentions_exit_codes(capsys) -> None:
    with pytest.raises(SystemExit):
        main(["obstruction", "--help"])
    out = capsys.readouterr().out
    assert "3  inconclusive" in out and "urnn-sym obstruction examples/sigmoid_chain.json --json" in out
