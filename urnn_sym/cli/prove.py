"""``urnn-sym prove``: run the proof-check scripts of ``proofs/`` (registered by :func:`add_parser`)."""

from __future__ import annotations

import argparse
import sys
from typing import Any

from urnn_sym.cli.options import EXIT_OK, add_command, add_timeout_option

__all__ = ["add_parser"]


def _cmd_prove(args: argparse.Namespace) -> int:
    """List the proof scripts, or run one or all of them and print their report.

    Parameters
    ----------
    args : argparse.Namespace
        Parsed by the parser of :func:`add_parser`: ``name``, ``list``, ``json``, ``proofs_dir``.

    Returns
    -------
    int
        0 when every check is proved or checked (or with ``--list``), else the
        code of :func:`urnn_sym.proofkit.exit_code` (1 a failure, 3 unknown).
    """
    from urnn_sym.proofkit import available, exit_code, find_proofs_dir, load_script, run_scripts

    directory = find_proofs_dir(args.proofs_dir)
    if args.list:
        for name in available(directory):
            script = load_script(directory, name)
            print(f"{name:12} {script.title} ({len(script.checks)} checks)")
        return EXIT_OK
    names = available(directory) if args.name == "all" else [args.name]
    scripts = [load_script(directory, n) for n in names]
    outcomes = run_scripts(scripts, stream=sys.stdout, as_json=args.json)
    return exit_code(outcomes)


def add_parser(subparsers: Any) -> None:
    """Register ``prove``.

    Parameters
    ----------
    subparsers : argparse subparsers action
        From :func:`urnn_sym.cli.main.build_parser`.
    """
    prove = add_command(
        subparsers,
        "prove",
        help="run the proof-check scripts (theorem by theorem)",
        description="Run proof-check scripts from proofs/ and print one line per check with its\n"
        "result, its time and what established it, then a summary.",
        examples=["urnn-sym prove all", "urnn-sym prove model --json", "urnn-sym prove --list"],
        func=_cmd_prove,
    )
    prove.add_argument(
        "name", nargs="?", default="all", metavar="NAME", help="a script name (see --list) or 'all' (default)"
    )
    prove.add_argument("--list", action="store_true", help="list the scripts and their checks, run nothing")
    prove.add_argument("--json", action="store_true", help="print a urnn-sym.proof-report/1 JSON document")
    prove.add_argument("--proofs-dir", metavar="DIR", help="directory of proof scripts (default: the installed ones)")
    add_timeout_option(prove, default=None)
