"""Run the ``console`` blocks of a Markdown file and compare their output with what the page shows.

A block is a sequence of ``$ urnn-sym ...`` command lines, each followed by the
output the page shows for it; ``...`` stands for any text (doctest ELLIPSIS).
A command may end in ``| head -N`` (only the first N lines of stdout) or
``> FILE`` (stdout goes to FILE and nothing is shown).  A block preceded by the
comment ``<!-- console: not run -->`` is skipped; the page must then say why.
"""

from __future__ import annotations

import doctest
import re
import shlex
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from urnn_sym.cli import main

_BLOCK = re.compile(r"(<!-- console: not run -->\s*\n)?^```console\n(.*?)^```", re.MULTILINE | re.DOTALL)


def sessions(path: Path) -> Iterator[tuple[str, str]]:
    """``(command, expected output)`` for every command of the runnable console blocks of ``path``."""
    for skip, block in _BLOCK.findall(path.read_text()):
        if skip:
            continue
        pairs: list[tuple[str, list[str]]] = []
        for line in block.splitlines():
            if line.startswith("$ "):
                pairs.append((line[2:], []))
            else:
                assert pairs, f"{path.name}: a console block starts with output, not a command: {line!r}"
                pairs[-1][1].append(line)
        yield from ((cmd, "\n".join(out) + "\n" if out else "") for cmd, out in pairs)


def run_session(command: str, capsys: Any) -> tuple[int, str]:
    """Run one command line in the current directory; ``(exit code, what the terminal shows)``."""
    argv = shlex.split(command)
    head, target = None, None
    if len(argv) > 2 and argv[-3:-1] == ["|", "head"]:
        head, argv = int(argv[-1].lstrip("-")), argv[:-3]
    elif len(argv) > 2 and argv[-2] == ">":
        target, argv = argv[-1], argv[:-2]
    assert argv[0] == "urnn-sym", command
    try:
        code = main(argv[1:])
    except SystemExit as exc:  # --help and --version
        code = int(exc.code or 0)
    out, err = capsys.readouterr()
    if head is not None:
        out = "".join(out.splitlines(keepends=True)[:head])
    if target is not None:
        Path(target).write_text(out)
        out = ""
    assert (code == 2) == bool(err), f"$ {command}: exit {code} with stderr {err!r}"
    return code, out + err


def check_sessions(path: Path, capsys: Any) -> int:
    """Run every session of ``path`` in order (in the current directory); return how many ran."""
    checker = doctest.OutputChecker()
    count = 0
    for command, want in sessions(path):
        _, got = run_session(command, capsys)
        assert checker.check_output(want, got, doctest.ELLIPSIS), (
            f"{path.name}: $ {command}\nwant:\n{want}\ngot:\n{got}"
        )
        count += 1
    return count


def help_page(intro: str, names: list[str]) -> str:
    """``docs/cli.md``: ``intro``, then one console block with the ``--help`` of ``urnn-sym`` and each command."""
    import contextlib
    import io
    import os

    os.environ["COLUMNS"] = "80"
    parts = [intro.rstrip() + "\n"]
    for name in ["", *names]:
        buf = io.StringIO()
        with contextlib.redirect_stdout(buf), contextlib.suppress(SystemExit):
            main([*name.split(), "--help"])
        command = f"urnn-sym {name} --help".replace("  ", " ")
        parts.append(f"## urnn-sym {name}".rstrip() + f"\n\n```console\n$ {command}\n{buf.getvalue()}```\n")
    return "\n".join(parts)


if __name__ == "__main__":  # regenerate docs/cli.md: python tests/consoles.py
    page = Path(__file__).resolve().parents[1] / "docs" / "cli.md"
    text = page.read_text()
    commands = re.findall(r"^## urnn-sym (\S.*)$", text, re.MULTILINE)
    page.write_text(help_page(text[: text.index("\n## urnn-sym")], commands))
