"""The ``urnn-sym`` command line.

One module per command (:mod:`~urnn_sym.cli.simulate`, :mod:`~urnn_sym.cli.prove`,
:mod:`~urnn_sym.cli.construct`, :mod:`~urnn_sym.cli.check`, :mod:`~urnn_sym.cli.witness`,
:mod:`~urnn_sym.cli.recheck`, :mod:`~urnn_sym.cli.obstruction`, :mod:`~urnn_sym.cli.stacked`,
:mod:`~urnn_sym.cli.experiment`, :mod:`~urnn_sym.cli.latex`, :mod:`~urnn_sym.cli.figures`),
each with ``add_parser(subparsers)``; the shared option types and exit codes in
:mod:`~urnn_sym.cli.options`; the wall-clock limit of ``--timeout`` in
:mod:`~urnn_sym.cli.wallclock`; the registry :data:`urnn_sym.cli.main.COMMANDS`,
the parser, :func:`main` and the console script in :mod:`~urnn_sym.cli.main`.

Exit codes, for every subcommand:

* 0 success, or everything proved;
* 1 a definitive negative answer (refuted, a check failed);
* 2 bad input or usage (one line on stderr, no traceback, no partial output file);
* 3 unknown or inconclusive (timeout, hypothesis not met).

``urnn_sym.cli.main`` is the function :func:`main` (re-exported here, as is
``entry_point``, the console script of ``pyproject.toml``); the module of the
same name is ``sys.modules["urnn_sym.cli.main"]``.
"""

from __future__ import annotations

from urnn_sym.cli.main import build_parser, entry_point, main
from urnn_sym.cli.options import (
    EXIT_BAD_INPUT,
    EXIT_CODES_HELP,
    EXIT_NEGATIVE,
    EXIT_OK,
    EXIT_UNKNOWN,
    MAX_HORIZON,
    UsageError,
    add_command,
    add_timeout_option,
    int_in_range,
    timeout_seconds,
)
from urnn_sym.cli.wallclock import MAX_TIMEOUT, DeadlineExceeded, finishing, time_left, wall_clock_limit

__all__ = [
    "EXIT_BAD_INPUT",
    "EXIT_CODES_HELP",
    "EXIT_NEGATIVE",
    "EXIT_OK",
    "EXIT_UNKNOWN",
    "MAX_HORIZON",
    "MAX_TIMEOUT",
    "DeadlineExceeded",
    "UsageError",
    "add_command",
    "add_timeout_option",
    "build_parser",
    "entry_point",
    "finishing",
    "int_in_range",
    "main",
    "time_left",
    "timeout_seconds",
    "wall_clock_limit",
]
