"""The README's and the docs' examples show their real output: the README's Python doctests, every console session.

(The docs' Python examples are doctests collected from ``docs/`` by pytest itself.)
"""

from __future__ import annotations

import doctest
import shutil
from pathlib import Path

import pytest
from consoles import check_sessions

ROOT = Path(__file__).resolve().parents[1]
README = ROOT / "README.md"
PAGES = sorted(p for p in (ROOT / "docs").rglob("*.md") if "```console" in p.read_text())


@pytest.mark.timeout(120)
def test_readme_python_examples() -> None:
    result = doctest.testfile(str(README), module_relative=False, optionflags=doctest.ELLIPSIS)
    assert result.attempted >= 8
    assert result.failed == 0


@pytest.mark.timeout(300)
def test_readme_console_sessions(tmp_path: Path, monkeypatch, capsys) -> None:
    shutil.copytree(ROOT / "examples", tmp_path / "examples")
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("COLUMNS", "80")
    assert check_sessions(README, capsys) >= 8


@pytest.mark.timeout(600)
@pytest.mark.parametrize("page", PAGES, ids=[p.relative_to(ROOT / "docs").as_posix() for p in PAGES])
def test_docs_console_sessions(page: Path, tmp_path: Path, monkeypatch, capsys) -> None:
    shutil.copytree(ROOT / "examples", tmp_path / "examples")
    shutil.copytree(ROOT / "docs" / "tutorials" / "data", tmp_path / "docs" / "tutorials" / "data")
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("COLUMNS", "80")  # argparse wraps --help to the terminal width
    assert check_sessions(page, capsys) >= 1
