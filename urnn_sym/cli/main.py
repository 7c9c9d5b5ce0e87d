"""The ``urnn-sym`` command: the parser of every subcommand, :func:`main` and the console-script entry point.

Exit codes, for every subcommand:

* 0 success, or everything proved;
* 1 a definitive negative answer (refuted, a check failed);
* 2 bad input or usage (one line on stderr, no traceback, no partial output file);
* 3 unknown or inconclusive (timeout, hypothesis not met).

A command with a ``--timeout S`` option runs under a wall-clock limit of S
seconds that :func:`main` installs for the whole command (reading, encoding,
solving, re-checks): when it is reached the command stops with exit 3 and the
one-line reason on stderr, and no output file is left behind (every output is
written atomically, after the answer is known).  An output path that names a
file given as an input is refused (exit 2) before anything runs.

The subcommands are the modules of :data:`COMMANDS`, each imported here by
name: a missing one is an ``ImportError``, never a silently shorter command.
Each module imports only what its parser needs at the top and the modules that
do its work inside its run function, so ``urnn-sym --version`` and
``urnn-sym --help`` load neither sympy, z3, scipy nor FLINT.
"""

from __future__ import annotations

import argparse
import os
import sys
from collections.abc import Sequence
from types import ModuleType

from urnn_sym.cli import (
    check,
    construct,
    experiment,
    figures,
    latex,
    obstruction,
    prove,
    recheck,
    simulate,
    stacked,
    witness,
)
from urnn_sym.cli.options import (
    EXIT_BAD_INPUT,
    EXIT_BROKEN_PIPE,
    EXIT_CODES_HELP,
    EXIT_UNKNOWN,
    CommandParser,
    UsageError,
    formatter,
)
from urnn_sym.cli.wallclock import MAX_TIMEOUT, DeadlineExceeded, wall_clock_limit
from urnn_sym.errors import UrnnSymError
from urnn_sym.version import __version__

__all__ = ["COMMANDS", "build_parser", "entry_point", "main"]

COMMANDS: tuple[ModuleType, ...] = (
    simulate,
    prove,
    construct,
    check,
    witness,
    recheck,
    obstruction,
    stacked,
    experiment,
    latex,
    figures,
)
"""The command modules, in the order of ``urnn-sym --help``; each has ``add_parser(subparsers)``."""

# the arguments that name where a command writes (a file, or a directory it fills)
_OUTPUT_DESTS = ("output", "out", "outdir")


def build_parser() -> argparse.ArgumentParser:
    """Return the full ``urnn-sym`` argument parser: every subcommand of :data:`COMMANDS`.

    Returns
    -------
    argparse.ArgumentParser
        A parser whose ``error`` raises a usage error (exit code 2 in
        :func:`main`) instead of printing the usage and exiting.

    Examples
    --------
    >>> build_parser().parse_args(["prove", "--list"]).command
    'prove'
    """
    parser = CommandParser(
        prog="urnn-sym",
        description="Exact and formal checks of what unitary (orthogonal) RNNs can express "
        "compared with contractive RNNs (Emami et al., NeurIPS 2019).",
        epilog=EXIT_CODES_HELP + "\n\nRun 'urnn-sym COMMAND --help' for the options of a command.",
        formatter_class=formatter,
    )
    parser.add_argument("--version", action="version", version=f"urnn-sym {__version__}")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND", parser_class=CommandParser)
    for module in COMMANDS:
        module.add_parser(sub)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    """Run the ``urnn-sym`` command line and return its exit code (0 ok, 1 negative, 2 bad input, 3 unknown).

    Parameters
    ----------
    argv : sequence of str, optional
        The arguments without the program name; ``sys.argv[1:]`` when None.

    Returns
    -------
    int
        0 success or all proved; 1 a definitive negative answer; 2 bad input
        or usage, including no subcommand (the help is printed); 3 unknown or
        inconclusive; 130 on ``KeyboardInterrupt``; 141 when stdout is a pipe
        whose reader has gone (``| head``), with nothing printed.

    Notes
    -----
    Before the command runs, an output path (``-o``, an output directory) that
    names a file given in another argument is refused (exit 2).  A command
    with a ``timeout`` argument runs inside :func:`urnn_sym.cli.wallclock.wall_clock_limit`:
    when the limit is reached, one ``unknown: wall-clock timeout ...`` line
    goes to stderr (exit 3); output files are written only after the answer
    is known, so none is left behind.

    Every :class:`urnn_sym.errors.UrnnSymError` and ``OSError`` is caught and
    printed as one line on stderr (exit 2).  Any other exception is a bug: it
    is printed as one ``internal error`` line (exit 2), or re-raised with its
    traceback when the environment variable ``URNN_SYM_DEBUG`` is set.  Only
    ``SystemExit`` from ``--help`` and ``--version`` reaches the caller.

    Examples
    --------
    >>> main(["simulate", "--exact"])
    2
    """
    # every number is bounded when parsed (urnn_sym.numbers.parsing), so long exact results may be printed in full
    sys.set_int_max_str_digits(0)
    parser = build_parser()
    command: argparse.ArgumentParser = parser
    limit = None
    try:
        args = parser.parse_args(argv)
        if getattr(args, "func", None) is None:
            parser.print_help()
            return EXIT_BAD_INPUT
        command = getattr(args, "command_parser", parser)
        _refuse_output_over_input(args, command)
        limit = _requested_limit(args, command)
        if limit is None:
            return int(args.func(args))
        with wall_clock_limit(limit):
            return int(args.func(args))
    except DeadlineExceeded as exc:
        print(f"{command.prog}: unknown: {_one_line(exc) or _timeout_reason(limit)}", file=sys.stderr)
        return EXIT_UNKNOWN
    except UsageError as exc:
        print(_one_line(exc), file=sys.stderr)
        return EXIT_BAD_INPUT
    except UrnnSymError as exc:
        print(f"urnn-sym: error: {_one_line(exc)}", file=sys.stderr)
        return EXIT_BAD_INPUT
    except BrokenPipeError:
        _silence_stdout()  # the reader went away (`urnn-sym ... | head`): stop quietly, as other tools do
        return EXIT_BROKEN_PIPE
    except OSError as exc:
        print(f"urnn-sym: error: {exc.strerror or exc}: {exc.filename or ''}".rstrip(": "), file=sys.stderr)
        return EXIT_BAD_INPUT
    except KeyboardInterrupt:
        print("urnn-sym: interrupted", file=sys.stderr)
        return 130
    except Exception as exc:  # a bug, not bad input: still one line, unless asked for the traceback
        if os.environ.get("URNN_SYM_DEBUG"):
            raise
        print(
            f"urnn-sym: internal error: {type(exc).__name__}: {_one_line(exc)} "
            "(please report it; URNN_SYM_DEBUG=1 shows the traceback)",
            file=sys.stderr,
        )
        return EXIT_BAD_INPUT


def _requested_limit(args: argparse.Namespace, command: argparse.ArgumentParser) -> float | None:
    """The command's ``--timeout`` in seconds (None: no limit); outside ``(0, MAX_TIMEOUT]`` a usage error."""
    value = getattr(args, "timeout", None)
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, (int, float)) or not 0 < value <= MAX_TIMEOUT:
        wanted = f"a number of seconds in (0, {MAX_TIMEOUT:.0f}]"
        raise UsageError(f"{command.prog}: error: --timeout: expected {wanted} but found {value}")
    return float(value)


def _timeout_reason(seconds: float | None) -> str:
    return f"wall-clock timeout of {seconds:g} s reached" if seconds is not None else "wall-clock timeout reached"


def _refuse_output_over_input(args: argparse.Namespace, command: argparse.ArgumentParser) -> None:
    """Refuse an output path (``-o``, an output directory) that names a file also given as another argument.

    Every other argument whose value names an existing file counts as an
    input; the comparison is ``os.path.samefile`` (links and ``./x`` vs ``x``
    included).  Nothing has run yet, so the input is untouched.
    """
    labels = {
        a.dest: "/".join(a.option_strings) if a.option_strings else str(a.metavar or a.dest) for a in command._actions
    }
    values = vars(args)
    outputs = [(dest, values[dest]) for dest in _OUTPUT_DESTS if isinstance(values.get(dest), str)]
    for out_dest, out in outputs:
        if not os.path.exists(out):
            continue
        for dest, value in values.items():
            if dest in _OUTPUT_DESTS:
                continue
            for path in value if isinstance(value, list) else [value]:
                if isinstance(path, str) and os.path.isfile(path) and os.path.samefile(out, path):
                    raise UsageError(
                        f"{command.prog}: error: {labels.get(out_dest, out_dest)}: expected a path other than "
                        f"the input files but found {out!r}, the same file as {labels.get(dest, dest)} {path!r}"
                    )


def _silence_stdout() -> None:
    """Point stdout at /dev/null so that the interpreter's final flush cannot fail again."""
    try:
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
    except (OSError, ValueError, AttributeError):
        pass


def _one_line(exc: BaseException) -> str:
    return " ".join(str(exc).split())


def entry_point() -> None:
    """Console-script entry point: ``sys.exit(main())``."""
    sys.exit(main())
