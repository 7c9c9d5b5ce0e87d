"""Running the ``urnn-sym`` command line inside a test."""

from __future__ import annotations

from typing import Any

from urnn_sym.cli import main


def run(capsys: Any, *argv: object) -> tuple[int, str, str]:
    """``main(argv)`` with every argument turned into a string; returns ``(exit code, stdout, stderr)``."""
    code = main([str(a) for a in argv])
    out, err = capsys.readouterr()
    return code, out, err
