"""The README's examples run and show their real output: the Python doctests and the console sessions."""

from __future__ import annotations

import doctest
import re
import shlex
import shutil
from pathlib import Path

import pytest

from urnn_sym.cli import main

ROOT = Path(__file__).resolve().parents[1]
README = ROOT / "README.md"
_CONSOLE = re.compile(r"^```console\n(.*?)^```", re.MULTILINE | re.DOTALL)


def _sessions() -> list[tuple[str, str]]:
    """``(command, expected output)`` pairs of the README's console blocks, in order."""
    pairs: list[tuple[str, list[str]]] = []
    for block in _CONSOLE.findall(README.read_text()):
        for line in block.splitlines():
            if line.startswith("$ "):
                pairs.append((line[2:], []))
            else:
                assert pairs, f"console block starts with output, not a command: {line!r}"
                pairs[-1][1].append(line)
    return [(cmd, "\n".join(out) + "\n" if out else "") for cmd, out in pairs]


@pytest.mark.timeout(120)
def test_readme_python_examples() -> None:
    result = doctest.testfile(str(README), module_relative=False, optionflags=doctest.ELLIPSIS)
    assert result.attempted >= 8
    assert result.failed == 0


@pytest.mark.timeout(300)
def test_readme_console_sessions(tmp_path: Path, monkeypatch, capsys) -> None:
    sessions = _sessions()
    assert len(sessions) >= 8
    shutil.copytree(ROOT / "examples", tmp_path / "examples")
    monkeypatch.chdir(tmp_path)
    checker = doctest.OutputChecker()
    for command, want in sessions:
        argv = shlex.split(command)
        assert argv[0] == "urnn-sym", command
        code = main(argv[1:])
        out, err = capsys.readouterr()
        got = out + err
        assert checker.check_output(want, got, doctest.ELLIPSIS), f"$ {command}\nwant:\n{want}\ngot:\n{got}"
        assert (code == 2) == bool(err), f"$ {command}: exit {code} with stderr {err!r}"
