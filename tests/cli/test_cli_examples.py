"""Every ``examples:`` line of every ``urnn-sym COMMAND --help`` runs (in a scratch directory with ``examples/``)."""

from __future__ import annotations

import argparse
import shlex
import shutil
from pathlib import Path

import pytest

from urnn_sym.cli import build_parser, main

ROOT = Path(__file__).resolve().parents[2]
# minutes-long runs, exercised elsewhere (tests/experiments/test_experiments.py, the proof scripts)
_LONG = ("--out results", "--epochs 1000", "prove all", "figures docs/figures")


def _subparsers(parser: argparse.ArgumentParser) -> dict[str, argparse.ArgumentParser]:
    found: dict[str, argparse.ArgumentParser] = {}
    for action in parser._actions:
        if isinstance(action, argparse._SubParsersAction):
            for name, sub in action.choices.items():
                found[name] = sub
                found.update({f"{name} {k}": v for k, v in _subparsers(sub).items()})
    return found


COMMANDS = _subparsers(build_parser())


def _examples(parser: argparse.ArgumentParser) -> list[str]:
    lines = (parser.epilog or "").splitlines()
    start = next(i for i, line in enumerate(lines) if line in ("example:", "examples:"))
    out = []
    for line in lines[start + 1 :]:
        if not line.strip():
            break
        out.append(line.strip())
    return out


def test_every_command_has_examples() -> None:
    assert {"simulate", "construct", "check", "recheck", "refute", "latex", "figures"} <= set(COMMANDS)
    for name, parser in COMMANDS.items():
        assert _examples(parser), name


@pytest.mark.slow
@pytest.mark.timeout(600)
@pytest.mark.parametrize("name", sorted(COMMANDS))
def test_help_examples_run(name: str, tmp_path: Path, monkeypatch, capsys) -> None:
    shutil.copytree(ROOT / "examples", tmp_path / "examples")
    monkeypatch.chdir(tmp_path)
    for line in _examples(COMMANDS[name]):
        if any(mark in line for mark in _LONG):
            continue
        argv = shlex.split(line, comments=True)
        assert argv[0] == "urnn-sym", line
        code = main(argv[1:])
        _, err = capsys.readouterr()
        assert code != 2 and "error:" not in err, f"{name}: $ {line}\nexit {code}: {err}"
