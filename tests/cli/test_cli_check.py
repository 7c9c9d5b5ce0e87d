"""Tests of the check and recheck (verdict documents) subcommands."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from clitools import run
from pairs import A1, LATE, U1, theorem1_pair

from urnn_sym import RNN
from urnn_sym.cli import main
from urnn_sym.io import write_rnn

pytestmark = pytest.mark.timeout(120)


@pytest.fixture
def files(tmp_path: Path) -> dict[str, Path]:
    rnn4, urnn4 = theorem1_pair(4, seed=4)
    nets = {
        "a": A1,
        "u": U1,
        "late": LATE,
        "rnn4": rnn4,
        "urnn4": urnn4,
        "d2": RNN([[0]], [[1, 1]], [0], [[1]]),
        "sig": RNN([[0]], [[1]], [0], [[1]], activation="sigmoid"),
    }
    paths = {k: tmp_path / f"{k}.json" for k in nets}
    for k, net in nets.items():
        write_rnn(net, paths[k])
    return paths


def test_all_horizons_proved_and_rechecked(capsys, files, tmp_path: Path) -> None:
    target = tmp_path / "v.json"
    code, out, err = run(
        capsys,
        "check",
        files["rnn4"],
        files["urnn4"],
        "--input-bound",
        "1",
        "--norm",
        "2",
        "--all-horizons",
        "-o",
        target,
    )
    assert code == 0 and err == "" and out.startswith("proved for every horizon")
    assert "exact certificate: norm-bound lemma" in out and "invariant: ball" in out
    doc = json.loads(target.read_text())
    assert doc["format"] == "urnn-sym.verdict/1" and doc["invariant"]["kind"] == "ball"
    code, out, _ = run(capsys, "recheck", target)
    assert code == 0 and out.startswith("confirmed") and "exact arithmetic" in out
    code, out, _ = run(capsys, "recheck", target, files["rnn4"], files["urnn4"])
    assert code == 0


def test_bounded_refuted_json_and_recheck(capsys, files, tmp_path: Path) -> None:
    code, out, _ = run(capsys, "check", files["a"], files["late"], "--input-bound", "1", "--horizon", "6")
    assert code == 0 and out.startswith("proved for horizon T = 6")
    code, out, _ = run(capsys, "check", files["a"], files["late"], "--input-bound", "1", "--horizon", "9", "--json")
    assert code == 1
    doc = json.loads(out)
    assert doc["status"] == "refuted" and doc["time_step"] == 6 and len(doc["x"]) == 7
    target = tmp_path / "r.json"
    target.write_text(out)
    code, out, _ = run(capsys, "recheck", target)
    assert code == 0 and "exact rational simulation" in out
    code, out, _ = run(capsys, "recheck", target, files["a"], files["u"])
    assert code == 1 and out.startswith("NOT confirmed")
    code, out, _ = run(capsys, "check", files["a"], files["late"], "--input-bound", "1", "--horizon", "9")
    assert code == 1 and "<- differ" in out and "re-simulated exactly" in out


def test_unknown_exit_3(capsys, files, tmp_path: Path) -> None:
    code, out, _ = run(capsys, "check", files["a"], files["late"], "--input-bound", "1", "--all-horizons")
    assert code == 3 and out.startswith("unknown: no invariant")
    target = tmp_path / "u.json"
    run(capsys, "check", files["a"], files["late"], "--input-bound", "1", "--all-horizons", "-o", target)
    code, out, _ = run(capsys, "recheck", target)
    assert code == 3 and out.startswith("nothing to recheck")


BAD = [
    (
        "dimension mismatch",
        ["check", "{a}", "{d2}", "--input-bound", "1", "--horizon", "2"],
        "expected input dimension d = 1 and output dimension p = 1",
    ),
    ("sigmoid", ["check", "{a}", "{sig}", "--input-bound", "1", "--horizon", "2"], "'sigmoid'"),
    ("bound 0", ["check", "{a}", "{u}", "--input-bound", "0", "--horizon", "2"], "positive"),
    ("bound -1/2", ["check", "{a}", "{u}", "--input-bound=-1/2", "--horizon", "2"], "positive"),
    ("bound text", ["check", "{a}", "{u}", "--input-bound", "big", "--horizon", "2"], "input_bound"),
    ("no scope", ["check", "{a}", "{u}", "--input-bound", "1"], "exactly one of"),
    ("both scopes", ["check", "{a}", "{u}", "--input-bound", "1", "--horizon", "2", "--all-horizons"], "not allowed"),
    ("horizon 0", ["check", "{a}", "{u}", "--input-bound", "1", "--horizon", "0"], "integer in 1..10000 but found 0"),
    ("timeout 0", ["check", "{a}", "{u}", "--input-bound", "1", "--horizon", "2", "--timeout", "0"], "--timeout"),
    ("missing file", ["check", "{a}", "nope.json", "--input-bound", "1", "--horizon", "2"], "nope.json"),
    ("recheck not a verdict", ["recheck", "{a}"], "urnn-sym.verdict/1"),
    ("recheck one file", ["recheck", "{v}", "{a}"], "give both"),
]


@pytest.mark.parametrize(("label", "argv", "match"), BAD, ids=[b[0] for b in BAD])
def test_bad_input_exit_2(capsys, files, tmp_path: Path, label, argv, match) -> None:
    verdict = tmp_path / "v.json"
    run(capsys, "check", files["a"], files["u"], "--input-bound", "1", "--horizon", "2", "-o", verdict)
    paths = {**{k: str(v) for k, v in files.items()}, "v": str(verdict)}
    code, out, err = run(capsys, *[a.format(**paths) for a in argv])
    assert code == 2 and out == "" and match in err and len(err.strip().splitlines()) == 1


@pytest.mark.parametrize("argv", [["check", "--help"], ["recheck", "--help"]])
def test_help(capsys, argv) -> None:
    with pytest.raises(SystemExit) as info:
        main(argv)
    out = capsys.readouterr().out
    assert info.value.code == 0 and "exit codes:" in out and "examples:" in out
