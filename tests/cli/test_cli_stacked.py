"""Tests of the stacked-RNN and ENRNN subcommands: outputs, exit codes and one-line errors."""

from __future__ import annotations

import json

import pytest
from clitools import run

from urnn_sym.cli import main
from urnn_sym.io import read_rnn
from urnn_sym.stacked import STACKED_FORMAT, read_stacked, simulate_delayed, simulate_stacked

pytestmark = pytest.mark.timeout(120)

STACKED = {
    "format": STACKED_FORMAT,
    "layers": [
        {"W": [["1/2", "0"], ["1/4", "1/2"]], "V": [["1"], ["-1"]], "b": ["0", "1/4"]},
        {"W": [["1/2"]], "V": [["4", "2"]], "b": ["-1"]},
    ],
    "C": [["1"]],
}
COUNTER = {
    "format": STACKED_FORMAT,
    "layers": [{"W": [[0]], "V": [[1]], "b": [0]}, {"W": [["1/2"]], "V": [[1]], "b": [0], "h0": [1]}],
    "C": [[1]],
}


def test_stack_to_single_writes_an_equivalent_rnn(capsys, write_json, tmp_path) -> None:
    src, out = write_json(STACKED, "s.json"), tmp_path / "single.json"
    code, text, err = run(capsys, "stack-to-single", str(src), "-o", str(out), "--scale")
    assert code == 0 and err == ""
    assert "3 states, delay 1; layers scaled by alpha^(l-1), alpha = 1/8" in text
    single, net = read_rnn(out), read_stacked(src)
    xs = [["1/2"], ["-1"], ["1"], ["0"]]
    assert (simulate_stacked(net, xs) == simulate_delayed(single, xs, delay=1)).all()
    assert json.loads(json.loads(out.read_text())["description"])["delay"] == 1


@pytest.mark.slow
def test_stack_to_single_z3(capsys, write_json, tmp_path) -> None:
    src = write_json(STACKED, "s.json")
    argv = ["stack-to-single", str(src), "-o", str(tmp_path / "o.json"), "--scale", "--input-bound", "1"]
    code, text, _ = run(capsys, *argv, "--z3-horizon", "3", "--norm", "inf")
    assert code == 0 and "z3: proved" in text


def test_counterexample_exit_codes(capsys, write_json, tmp_path) -> None:
    src, out = write_json(COUNTER, "c.json"), tmp_path / "o.json"
    code, text, err = run(capsys, "stack-to-single", str(src), "-o", str(out))
    assert code == 2 and text == "" and not out.exists()
    assert err.startswith("urnn-sym: error: stacked: the delayed outputs equal") and err.count("\n") == 1
    code, text, _ = run(capsys, "stack-to-single", str(src), "-o", str(out), "--at-equilibrium")
    assert code == 0 and out.exists()


@pytest.mark.parametrize(
    ("argv", "message"),
    [
        (["stack-to-single", "missing.json", "-o", "x.json"], "stacked RNN file: file not found"),
        (["stack-to-single", "S", "-o", "x.json", "--z3-horizon", "2"], "--z3-horizon needs --input-bound"),
        (["stack-to-urnn", "S", "-o", "x.json"], "the following arguments are required: --input-bound"),
        (["enrnn-route", "R"], "the following arguments are required: --q"),
    ],
)
def test_bad_usage(capsys, write_json, argv: list[str], message: str) -> None:
    src = str(write_json(STACKED, "s.json"))
    code, out, err = run(capsys, *[src if a in ("S", "R") else a for a in argv])
    assert code == 2 and message in err and out == ""


def test_enrnn_route(capsys, write_json) -> None:
    rnn = {
        "format": "urnn-sym.rnn/1",
        "W": [[0, -1, 0], [1, 0, 0], [0, 0, "1/2"]],
        "F": [[1]] * 3,
        "b": [0] * 3,
        "C": [[1, 1, 1]],
    }
    code, out, _ = run(capsys, "enrnn-route", str(write_json(rnn, "r.json")), "--q", "2")
    assert code == 0 and "route: contractive" in out and "URNN states: 4 (Theorem 1 on all of W: 6)" in out
    rnn["W"] = [[0, -1, 0], [1, 0, 0], [0, 0, "3/2"]]
    code, out, _ = run(capsys, "enrnn-route", str(write_json(rnn, "r.json")), "--q", "2")
    assert code == 3 and "route: finite-horizon" in out


def test_help_has_examples_and_exit_codes(capsys) -> None:
    for cmd in ("stack-to-single", "stack-to-urnn", "enrnn-route"):
        with pytest.raises(SystemExit):
            main([cmd, "--help"])
        out = capsys.readouterr().out
        assert "example" in out and "exit codes:" in out
