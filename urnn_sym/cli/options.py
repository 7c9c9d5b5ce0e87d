"""What every ``urnn-sym`` command shares: exit codes, the parser class, option types and the help layout.

This module is imported when the parser is built (``urnn-sym --help`` and
``--version`` included), so it imports only the standard library, the error
classes and :mod:`urnn_sym.cli.wallclock`; a command imports the modules that
do its work inside its run function.

>>> int_in_range(1, 10)("4")
4
"""

from __future__ import annotations

import argparse
from collections.abc import Callable, Sequence
from typing import Any, NoReturn

from urnn_sym.cli.wallclock import MAX_TIMEOUT
from urnn_sym.errors import UrnnSymError

__all__ = [
    "EXIT_BAD_INPUT",
    "EXIT_BROKEN_PIPE",
    "EXIT_CODES_HELP",
    "EXIT_NEGATIVE",
    "EXIT_OK",
    "EXIT_UNKNOWN",
    "MAX_HORIZON",
    "UsageError",
    "add_command",
    "add_timeout_option",
    "formatter",
    "int_in_range",
    "timeout_seconds",
]

EXIT_OK, EXIT_NEGATIVE, EXIT_BAD_INPUT, EXIT_UNKNOWN = 0, 1, 2, 3
EXIT_BROKEN_PIPE = 141  # 128 + SIGPIPE, as a shell reports it

MAX_HORIZON = 10_000
"""The largest number of time steps a horizon option accepts (larger ones only exhaust memory)."""

EXIT_CODES_HELP = """exit codes:
  0  success, or everything proved ('refute': a distinguishing input was found)
  1  a definitive negative answer ('check': refuted; 'recheck': not confirmed)
  2  bad input or usage (one-line message on stderr)
  3  unknown or inconclusive (timeout, hypothesis not met)"""

Command = Callable[[argparse.Namespace], int]
"""A command's run function: ``run(args) -> exit code``."""


class UsageError(UrnnSymError, ValueError):
    """Command-line usage error (exit 2)."""


class CommandParser(argparse.ArgumentParser):
    """argparse with one-line errors (no usage dump) and exit code 2."""

    def error(self, message: str) -> NoReturn:
        raise UsageError(f"{self.prog}: error: {message} (see {self.prog} --help)")


def formatter(prog: str) -> argparse.HelpFormatter:
    """The help formatter of every ``urnn-sym`` parser: line breaks kept, option column at 32.

    Parameters
    ----------
    prog : str
        The program name shown in the usage line.

    Returns
    -------
    argparse.HelpFormatter
        A ``RawDescriptionHelpFormatter``.

    Examples
    --------
    >>> type(formatter("urnn-sym")).__name__
    'RawDescriptionHelpFormatter'
    """
    return argparse.RawDescriptionHelpFormatter(prog, max_help_position=32)


def add_command(
    subparsers: Any,
    name: str,
    *,
    help: str,
    description: str,
    examples: Sequence[str],
    func: Command,
    exit_codes: str = EXIT_CODES_HELP,
) -> argparse.ArgumentParser:
    """Register one subcommand in the house layout: a description, then ``examples:`` and the exit codes.

    Parameters
    ----------
    subparsers : argparse subparsers action
        The registry (from :func:`urnn_sym.cli.main.build_parser`, or a nested one such as ``witness KIND``).
    name : str
        The subcommand.
    help : str
        One line for the listing of ``urnn-sym --help``.
    description : str
        The top of ``urnn-sym NAME --help`` (line breaks are kept).
    examples : sequence of str
        Command lines, printed under ``examples:``.
    func : callable
        ``func(args) -> exit code``.
    exit_codes : str
        The exit-code block; the shared one unless the command gives codes a
        more specific meaning.

    Returns
    -------
    argparse.ArgumentParser
        The subcommand's parser, to which the caller adds its arguments.

    Examples
    --------
    >>> sub = CommandParser(prog="demo").add_subparsers()
    >>> p = add_command(sub, "hello", help="greet", description="Greet.", examples=["demo hello"], func=lambda a: 0)
    >>> p.prog
    'demo hello'
    """
    label = "example:" if len(examples) == 1 else "examples:"
    epilog = "\n".join([label, *(f"  {line}" for line in examples)]) + "\n\n" + exit_codes
    parser: argparse.ArgumentParser = subparsers.add_parser(
        name, help=help, description=description, epilog=epilog, formatter_class=formatter
    )
    parser.set_defaults(func=func, command_parser=parser)
    return parser


def int_in_range(low: int, high: int | None = None, *, unit: str = "") -> Callable[[str], int]:
    """An argparse ``type``: an integer in ``[low, high]`` (no upper limit when ``high`` is None).

    Parameters
    ----------
    low : int
        The smallest accepted value.
    high : int, optional
        The largest accepted value.
    unit : str
        What the integer counts (``"bits"``), for the message.

    Returns
    -------
    callable
        ``text -> int``; raises ``argparse.ArgumentTypeError`` (exit 2 with a
        one-line message) naming the range and what was found (abbreviated
        when it is long).

    Examples
    --------
    >>> int_in_range(1)("3")
    3
    >>> int_in_range(1, 10, unit="steps")("11")
    Traceback (most recent call last):
    ...
    argparse.ArgumentTypeError: expected an integer number of steps in 1..10 but found 11
    """
    what = f"an integer number of {unit}" if unit else "an integer"
    wanted = f"{what} >= {low}" if high is None else f"{what} in {low}..{high}"

    def parse(text: str) -> int:
        shown = text if len(text) <= 40 else f"{text[:16]}...{text[-8:]} ({len(text)} characters)"
        try:
            value = int(text)
        except ValueError:
            raise argparse.ArgumentTypeError(f"expected {wanted} but found {shown!r}") from None
        if value < low or (high is not None and value > high):
            raise argparse.ArgumentTypeError(f"expected {wanted} but found {shown.strip()}")
        return value

    return parse


def timeout_seconds(text: str) -> float:
    """An argparse ``type`` for ``--timeout``: a number of seconds in ``(0, MAX_TIMEOUT]``.

    Parameters
    ----------
    text : str
        The option's text.

    Returns
    -------
    float
        The number of seconds; raises ``argparse.ArgumentTypeError`` (exit 2
        with a one-line message) naming the range and what was found.

    Examples
    --------
    >>> timeout_seconds("2.5")
    2.5
    """
    try:
        value = float(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected a number of seconds but found {text!r}") from None
    if not 0 < value <= MAX_TIMEOUT:  # NaN fails too
        raise argparse.ArgumentTypeError(f"expected a number of seconds in (0, {MAX_TIMEOUT:.0f}] but found {text}")
    return value


def add_timeout_option(parser: argparse.ArgumentParser, *, default: float | None = 60.0) -> None:
    """Register ``--timeout S``: the wall-clock limit that :func:`urnn_sym.cli.main.main` enforces on the whole command.

    Parameters
    ----------
    parser : argparse.ArgumentParser
        The subcommand's parser.
    default : float or None
        Seconds when the option is not given; None: no limit unless asked for.

    Examples
    --------
    >>> p = argparse.ArgumentParser()
    >>> add_timeout_option(p, default=None)
    >>> p.parse_args(["--timeout", "5"]).timeout
    5.0
    """
    when = f"default {default:g}" if default is not None else "default: none"
    parser.add_argument(
        "--timeout",
        type=timeout_seconds,
        default=default,
        metavar="S",
        help=f"wall-clock limit in seconds for the whole command, everything included (exit 3 when reached; {when})",
    )
