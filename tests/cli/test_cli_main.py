"""Tests of the urnn-sym command line: outputs, exit codes and one-line errors."""

from __future__ import annotations

import json
import re
import subprocess
import sys
from pathlib import Path

import pytest
from clitools import run

from urnn_sym import __version__
from urnn_sym.cli import build_parser, main

pytestmark = pytest.mark.timeout(120)

ROOT = Path(__file__).resolve().parents[2]
EXACT = {
    "format": "urnn-sym.rnn/1",
    "activation": "relu",
    "W": [["1/2", "-1/4"], ["1/3", "0"]],
    "F": [["1"], ["-1/2"]],
    "b": ["0", "1/8"],
    "C": [["1", "2"]],
}
INPUTS = {"format": "urnn-sym.inputs/1", "x": [["1"], ["-1/2"], ["3/4"], ["0"]]}


def test_simulate_exact_prints_rationals(capsys, write_json) -> None:
    code, out, err = run(capsys, "simulate", str(write_json(EXACT, "r.json")), str(write_json(INPUTS, "x.json")))
    assert code == 0 and err == ""
    assert out.splitlines() == ["y(0) = 1", "y(1) = 17/12", "y(2) = 55/96", "y(3) = 529/576"]


def test_simulate_json(capsys, write_json) -> None:
    float_rnn = dict(EXACT, W=[[0.5, -0.25], [0.1, 0.0]])
    code, out, _ = run(
        capsys, "simulate", str(write_json(float_rnn, "r.json")), str(write_json(INPUTS, "x.json")), "--json"
    )
    doc = json.loads(out)
    assert code == 0 and doc["system"] == "float64" and doc["T"] == 4 and isinstance(doc["y"][0][0], float)
    code, out, _ = run(
        capsys, "simulate", str(write_json(float_rnn, "r.json")), str(write_json(INPUTS, "x.json")), "--json", "--exact"
    )
    doc = json.loads(out)
    assert doc["system"] == "exact" and doc["y"][0] == ["1"]


BAD_CASES = [
    ("missing file", None, INPUTS, "RNN file: file not found"),
    ("not JSON", "{oops", INPUTS, "is not valid JSON"),
    ("wrong format", dict(EXACT, format="other"), INPUTS, 'expected "format": "urnn-sym.rnn/1"'),
    ("shape mismatch", dict(EXACT, b=["0"]), INPUTS, "b: expected shape (2,) to match W but found (1,)"),
    ("NaN", '{"format": "urnn-sym.rnn/1", "W": [[NaN]], "F": [[1]], "b": [0], "C": [[1]]}', INPUTS, "NaN"),
    ("unknown activation", dict(EXACT, activation="gelu"), INPUTS, "activation: expected one of"),
    ("unparseable entry", dict(EXACT, W=[["1/2", "x"], ["0", "0"]]), INPUTS, "W[0][1]: cannot parse 'x'"),
    ("empty inputs", EXACT, {"format": "urnn-sym.inputs/1", "x": []}, "the input sequence is empty"),
    ("wrong input dimension", EXACT, [["1", "2"]], "xs[0]: expected 1 entries"),
    ("inputs not JSON", EXACT, "[[1]", "is not valid JSON"),
    ("inputs missing", EXACT, None, "inputs file: file not found"),
]


@pytest.mark.parametrize(("label", "rnn", "inputs", "message"), BAD_CASES, ids=[c[0] for c in BAD_CASES])
def test_simulate_bad_input_exit_2(capsys, tmp_path: Path, label: str, rnn, inputs, message: str) -> None:
    paths = []
    for name, doc in (("rnn.json", rnn), ("x.json", inputs)):
        path = tmp_path / name
        if doc is not None:
            path.write_text(doc if isinstance(doc, str) else json.dumps(doc))
        paths.append(str(path))
    code, out, err = run(capsys, "simulate", *paths)
    assert code == 2 and out == ""
    assert len(err.strip().splitlines()) == 1, err
    assert message in err
    assert "Traceback" not in err


def test_usage_errors(capsys) -> None:
    code, _, err = run(capsys, "simulate")
    assert code == 2 and "the following arguments are required: RNN.json, INPUTS.json" in err
    assert len(err.strip().splitlines()) == 1
    code, _, err = run(capsys, "frobnicate")
    assert code == 2 and "invalid choice" in err
    code, _, err = run(capsys, "prove", "no-such-proof")
    assert code == 2 and "unknown proof script 'no-such-proof'" in err


def test_version_and_help(capsys) -> None:
    with pytest.raises(SystemExit) as exc:
        main(["--version"])
    assert exc.value.code == 0 and __version__ in capsys.readouterr().out
    parser = build_parser()
    commands = [a for a in parser._subparsers._group_actions[0].choices]  # type: ignore[union-attr]
    assert {"simulate", "prove"} <= set(commands)
    for command in commands:
        with pytest.raises(SystemExit) as exc:
            main([command, "--help"])
        out = capsys.readouterr().out
        assert exc.value.code == 0 and "exit codes" in out and "usage:" in out


def test_prove_model(capsys) -> None:
    code, out, _ = run(capsys, "prove", "model")
    lines = out.splitlines()
    assert code == 0
    proved = sum(line.startswith("[ proved]") for line in lines)
    checked = [re.search(r": checked on (\d+) instances?: ", line) for line in lines if line.startswith("[checked]")]
    assert proved >= 2 and checked and all(checked)  # the scaling symmetry in general, and on instances
    total = proved + len(checked)
    assert lines[-1].startswith(
        f"{total} checks: {proved} proved, {len(checked)} checked on finitely many instances, 0 refuted, 0 failed, "
        "0 unknown"
    )
    code, out, _ = run(capsys, "prove", "model", "--json")
    doc = json.loads(out)
    assert doc["exit_code"] == 0 and all(o["status"] in ("proved", "checked") and o["method"] for o in doc["outcomes"])
    counts = [o["instances"] for o in doc["outcomes"] if o["status"] == "checked"]
    assert len(counts) == len(checked) and all(isinstance(n, int) and n >= 1 for n in counts)
    assert all(o["instances"] is None for o in doc["outcomes"] if o["status"] == "proved")
    code, out, _ = run(capsys, "prove", "--list")
    assert code == 0 and out.startswith("model")


def test_prove_reports_failures(capsys, tmp_path: Path) -> None:
    (tmp_path / "broken.py").write_text(
        "from urnn_sym.proofkit import Script, proved, unknown, CheckFailed\n"
        "script = Script('broken', 'checks that fail')\n"
        "@script.check('an identity that does not hold')\n"
        "def wrong():\n    raise CheckFailed('1 != 2')\n"
        "@script.check('undecided')\n"
        "def maybe():\n    return unknown('solver timeout')\n"
        "@script.check('crashes')\n"
        "def crash():\n    return 1 / 0\n"
    )
    code, out, _ = run(capsys, "prove", "broken", "--proofs-dir", str(tmp_path))
    assert code == 1
    assert "[refuted] broken/wrong" in out and "[unknown] broken/maybe" in out and "[ failed] broken/crash" in out
    (tmp_path / "broken.py").write_text(
        "from urnn_sym.proofkit import Script, unknown\nscript = Script('u', 'undecided')\n"
        "@script.check('undecided')\ndef maybe():\n    return unknown('timeout')\n"
    )
    code, _, _ = run(capsys, "prove", "broken", "--proofs-dir", str(tmp_path))
    assert code == 3


@pytest.mark.slow
@pytest.mark.timeout(300)
def test_console_script_end_to_end(tmp_path: Path) -> None:
    exe = Path(sys.executable).with_name("urnn-sym")
    cmd = [str(exe)] if exe.exists() else [sys.executable, "-m", "urnn_sym"]
    (tmp_path / "r.json").write_text(json.dumps(EXACT))
    (tmp_path / "x.json").write_text(json.dumps(INPUTS))
    res = subprocess.run([*cmd, "simulate", "r.json", "x.json"], cwd=tmp_path, capture_output=True, text=True)
    assert res.returncode == 0 and res.stdout.splitlines()[1] == "y(1) = 17/12"
    res = subprocess.run([*cmd, "simulate", "r.json", "nothing.json"], cwd=tmp_path, capture_output=True, text=True)
    assert res.returncode == 2 and res.stderr.count("\n") == 1 and "Traceback" not in res.stderr
    res = subprocess.run([*cmd, "prove", "all"], cwd=ROOT, capture_output=True, text=True)
    assert res.returncode == 0, res.stdout + res.stderr


def test_broken_pipe_is_quiet(monkeypatch, capsys) -> None:
    import urnn_sym.refute.obstruction as module

    def gone(**_: object) -> None:
        raise BrokenPipeError(32, "Broken pipe")

    monkeypatch.setattr(module, "relu_contrast", gone)
    monkeypatch.setattr(sys.modules["urnn_sym.cli.main"], "_silence_stdout", lambda: None)
    assert main(["contrast"]) == 141
    assert capsys.readouterr().err == ""


def test_an_internal_error_is_one_line_unless_debugging(monkeypatch, capsys) -> None:
    import urnn_sym.refute.obstruction as module

    def bug(**_: object) -> None:
        raise ZeroDivisionError("oops")

    monkeypatch.setattr(module, "relu_contrast", bug)
    assert main(["contrast"]) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "internal error: ZeroDivisionError: oops" in err
    monkeypatch.setenv("URNN_SYM_DEBUG", "1")
    with pytest.raises(ZeroDivisionError):
        main(["contrast"])
