"""Tests of ``urnn-sym recheck``: one command for refutation and verdict documents."""

from __future__ import annotations

import json
from fractions import Fraction
from pathlib import Path

import pytest
from clitools import run

from urnn_sym.io import write_rnn
from urnn_sym.refute.smooth import delay_line_candidate, sigmoid_witness
from urnn_sym.witnesses import lower_bound_witness

pytestmark = pytest.mark.timeout(120)


@pytest.fixture
def smooth(tmp_path: Path, capsys) -> dict[str, Path]:
    paths = {"w": tmp_path / "sw.json", "c": tmp_path / "dl2.json", "ref": tmp_path / "ref.json"}
    write_rnn(sigmoid_witness(), paths["w"])
    write_rnn(delay_line_candidate(2), paths["c"])
    code, out, _ = run(capsys, "refute", paths["w"], paths["c"], "--input-bound", "1", "-o", paths["ref"])
    assert code == 0 and "certified in ball arithmetic at 128 bits" in out and "re-simulated exactly" not in out
    return paths


def test_smooth_refutation_rechecked_at_higher_precision(smooth, capsys) -> None:
    code, out, _ = run(capsys, "recheck", smooth["ref"], "--precision", "512")
    assert code == 0 and out.startswith("confirmed:") and "512 bits" in out
    code, out, _ = run(capsys, "recheck", smooth["ref"])
    assert code == 0 and "256 bits" in out  # default: twice the recorded 128 bits


def test_smooth_refutation_against_the_wrong_networks_is_not_confirmed(smooth, capsys) -> None:
    code, out, _ = run(capsys, "recheck", smooth["ref"], smooth["w"], smooth["w"])
    assert code == 1 and out.startswith("NOT confirmed")


def test_smooth_recheck_detects_a_tampered_record(smooth, capsys) -> None:
    doc = json.loads(smooth["ref"].read_text())
    doc["x"][0][0] = "1/3"
    smooth["ref"].write_text(json.dumps(doc))
    code, out, _ = run(capsys, "recheck", smooth["ref"])
    assert code == 1 and out.startswith("NOT confirmed")


def test_verdict_documents_go_to_the_verdict_checker(tmp_path: Path, capsys) -> None:
    a, b, v = tmp_path / "a.json", tmp_path / "b.json", tmp_path / "v.json"
    write_rnn(lower_bound_witness(1), a)
    write_rnn(lower_bound_witness(1).replace(W=[[Fraction(1, 2)]]), b)
    code, _, _ = run(capsys, "check", a, b, "--input-bound", "1", "--horizon", "3", "-o", v)
    assert code == 1
    code, out, _ = run(capsys, "recheck", v)
    assert code == 0 and out.startswith("confirmed:")


@pytest.mark.parametrize(
    ("argv", "message"),
    [
        (["{relu_ref}", "--precision", "256"], "precision: applies to sigmoid/tanh refutations only"),
        (["{ref}", "--precision", "8"], "expected an integer number of bits in 16..65536 but found 8"),
        (["{w}"], "expected format 'urnn-sym.refutation/1' or 'urnn-sym.verdict/1'"),
        (["{ref}", "{w}"], "give both"),
    ],
)
def test_bad_input(smooth, tmp_path: Path, capsys, argv: list[str], message: str) -> None:
    relu_ref, w2 = tmp_path / "relu_ref.json", tmp_path / "w2.json"
    write_rnn(lower_bound_witness(1), w2)
    write_rnn(lower_bound_witness(1).replace(W=[[Fraction(1, 2)]]), tmp_path / "c1.json")
    run(capsys, "refute", w2, tmp_path / "c1.json", "--input-bound", "1", "-o", relu_ref)
    names = {"ref": str(smooth["ref"]), "w": str(smooth["w"]), "relu_ref": str(relu_ref)}
    code, out, err = run(capsys, "recheck", *[a.format(**names) for a in argv])
    assert code == 2 and out == "" and message in err and len(err.strip().splitlines()) == 1


def test_witness_sigmoid_and_tanh(capsys) -> None:
    for kind in ("sigmoid", "tanh"):
        code, out, _ = run(capsys, "witness", kind, "2")
        doc = json.loads(out)
        assert code == 0 and doc["activation"] == kind and doc["W"] == [["0", "0"], ["0", "0"]]
    code, out, _ = run(capsys, "witness", "sigmoid")
    assert json.loads(out)["F"] == [["1"]]
