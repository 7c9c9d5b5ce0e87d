"""Tests of the witness, refute and recheck subcommands."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from clitools import run

from urnn_sym.cli import main
from urnn_sym.io import read_rnn, write_rnn
from urnn_sym.refute.adversarial import shared_state_candidate, trained_candidate, witness_construction
from urnn_sym.witnesses import lower_bound_witness

pytestmark = pytest.mark.timeout(120)


@pytest.fixture
def files(tmp_path: Path) -> dict[str, Path]:
    paths = {name: tmp_path / f"{name}.json" for name in ("w", "shared", "trained", "full")}
    write_rnn(lower_bound_witness(2), paths["w"])
    write_rnn(shared_state_candidate(2), paths["shared"])
    write_rnn(trained_candidate(2, steps=50), paths["trained"])
    write_rnn(witness_construction(2), paths["full"])
    return paths


def test_witness_stdout_and_file(capsys, tmp_path: Path) -> None:
    code, out, err = run(capsys, "witness", "lower-bound", "3")
    assert code == 0 and err == ""
    doc = json.loads(out)
    assert doc["format"] == "urnn-sym.rnn/1" and doc["W"] == [["0"] * 3] * 3
    target = tmp_path / "w.json"
    code, out, _ = run(capsys, "witness", "lower-bound", "2", "-o", target)
    assert code == 0 and out == "" and read_rnn(target) == lower_bound_witness(2)


def test_refute_and_recheck(capsys, files, tmp_path: Path) -> None:
    code, out, err = run(capsys, "refute", files["w"], files["shared"], "--input-bound", "1")
    assert code == 0 and err == "" and out.startswith("refuted: outputs differ at k = 1 on an input of length 2")
    assert "<- differ" in out
    target = tmp_path / "ref.json"
    code, out, _ = run(
        capsys, "refute", files["w"], files["trained"], "--input-bound", "1/2", "--norm", "2", "--json", "-o", target
    )
    doc = json.loads(out)
    assert code == 0 and doc["status"] == "refuted" and json.loads(target.read_text()) == doc
    code, out, _ = run(capsys, "recheck", target)
    assert code == 0 and out.startswith("confirmed:")
    code, out, _ = run(capsys, "recheck", target, files["w"], files["trained"])
    assert code == 0
    code, out, _ = run(capsys, "recheck", target, files["w"], files["w"])
    assert code == 1 and out.startswith("NOT confirmed")


def test_refute_finds_nothing_for_the_2n_construction(capsys, files, tmp_path: Path) -> None:
    target = tmp_path / "none.json"
    code, out, _ = run(capsys, "refute", files["w"], files["full"], "--input-bound", "1", "-o", target)
    assert code == 3 and out.startswith("inconclusive:") and "tried: constructive" in out
    code, out, _ = run(capsys, "recheck", target)
    assert code == 3 and out.startswith("nothing to recheck")


BAD = [
    ("witness N zero", ["witness", "lower-bound", "0"], "expected an integer number of states in 1..256 but found 0"),
    ("witness N text", ["witness", "lower-bound", "x"], "number of states in 1..256 but found 'x'"),
    (
        "witness N huge",
        ["witness", "lower-bound", "100000"],
        "argument N: expected an integer number of states in 1..256",
    ),
    ("sigmoid N huge", ["witness", "sigmoid", "100000"], "argument N: expected an integer number of states in 1..256"),
    ("tanh N huge", ["witness", "tanh", "257"], "expected an integer number of states in 1..256 but found 257"),
    ("refute horizon 0", ["refute", "{w}", "{shared}", "--input-bound", "1", "--horizon", "0"], "--horizon: expected"),
    (
        "refute horizon huge",
        ["refute", "{w}", "{shared}", "--input-bound", "1", "--horizon", "10001"],
        "--horizon: expected an integer in 1..10000 but found 10001",
    ),
    ("refute timeout 0", ["refute", "{w}", "{shared}", "--input-bound", "1", "--timeout", "0"], "--timeout: expected"),
    ("refute output = input", ["refute", "{w}", "{shared}", "--input-bound", "1", "-o", "{shared}"], "same file as"),
    ("witness no kind", ["witness"], "required: KIND"),
    ("witness unknown kind", ["witness", "upper"], "invalid choice"),
    ("witness bad dir", ["witness", "lower-bound", "1", "-o", "/nonexistent/dir/w.json"], "directory does not exist"),
    ("refute no bound", ["refute", "{w}", "{shared}"], "--input-bound"),
    ("refute negative bound", ["refute", "{w}", "{shared}", "--input-bound", "-1"], "input_bound: expected a positive"),
    ("refute bad bound", ["refute", "{w}", "{shared}", "--input-bound", "lots"], "input_bound"),
    ("refute bad norm", ["refute", "{w}", "{shared}", "--input-bound", "1", "--norm", "1"], "invalid choice"),
    ("refute dims", ["refute", "{w}", "{one}", "--input-bound", "1"], "candidate: expected input dimension d = 2"),
    ("refute missing", ["refute", "{w}", "missing.json", "--input-bound", "1"], "file not found"),
    ("recheck not json", ["recheck", "{garbage}"], "is not valid JSON"),
    ("recheck wrong format", ["recheck", "{w}"], "urnn-sym.refutation/1"),
    ("recheck one file", ["recheck", "{ref}", "{w}"], "give both"),
]


@pytest.mark.parametrize(("label", "argv", "message"), BAD, ids=[b[0] for b in BAD])
def test_bad_input_exit_2(capsys, files, tmp_path: Path, label: str, argv: list[str], message: str) -> None:
    write_rnn(lower_bound_witness(1), tmp_path / "one.json")
    (tmp_path / "garbage.json").write_text("{oops")
    ref = tmp_path / "ref.json"
    main(["refute", str(files["w"]), str(files["shared"]), "--input-bound", "1", "-o", str(ref)])
    capsys.readouterr()
    names = {k: str(v) for k, v in files.items()} | {
        "one": str(tmp_path / "one.json"),
        "garbage": str(tmp_path / "garbage.json"),
        "ref": str(ref),
    }
    code, out, err = run(capsys, *[a.format(**names) for a in argv])
    assert code == 2 and out == ""
    assert len(err.strip().splitlines()) == 1 and message in err, err


@pytest.mark.parametrize(
    "argv", [["witness", "--help"], ["witness", "lower-bound", "--help"], ["refute", "--help"], ["recheck", "--help"]]
)
def test_help_has_examples_and_exit_codes(capsys, argv: list[str]) -> None:
    with pytest.raises(SystemExit) as info:
        main(argv)
    out = capsys.readouterr().out
    assert info.value.code == 0 and "example" in out and "exit codes" in out
