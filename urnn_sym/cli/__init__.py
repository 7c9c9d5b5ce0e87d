"""The ``urnn-sym`` command.

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
"""

from __future__ import annotations

import argparse
import importlib
import importlib.util
import json
import os
import sys
from collections.abc import Callable, Sequence
from typing import Any, NoReturn

from urnn_sym.cli.wallclock import MAX_TIMEOUT, DeadlineExceeded, finishing, time_left, wall_clock_limit
from urnn_sym.errors import UrnnSymError
from urnn_sym.io import format_number, read_inputs, read_rnn
from urnn_sym.model import simulate
from urnn_sym.proofkit import available, exit_code, find_proofs_dir, load_script, run_scripts
from urnn_sym.version import __version__

__all__ = [
    "MAX_HORIZON",
    "MAX_TIMEOUT",
    "DeadlineExceeded",
    "add_command",
    "add_timeout_option",
    "build_parser",
    "finishing",
    "int_in_range",
    "main",
    "time_left",
    "timeout_seconds",
    "wall_clock_limit",
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


class UsageError(UrnnSymError, ValueError):
    """Command-line usage error (exit 2)."""


class _Parser(argparse.ArgumentParser):
    """argparse with one-line errors (no usage dump) and exit code 2."""

    def error(self, message: str) -> NoReturn:
        raise UsageError(f"{self.prog}: error: {message} (see {self.prog} --help)")


def _formatter(prog: str) -> argparse.HelpFormatter:
    return argparse.RawDescriptionHelpFormatter(prog, max_help_position=32)


# ------------------------------------------------------------------------------
# simulate
# ------------------------------------------------------------------------------


def _cmd_simulate(args: argparse.Namespace) -> int:
    rnn = read_rnn(args.rnn, exact=args.exact)
    xs = read_inputs(args.inputs, exact=args.exact)
    if rnn.system == "symbolic":
        raise UsageError("urnn-sym simulate: error: the RNN has symbols; use the Python API for symbolic simulation")
    ys = simulate(rnn, xs)
    rows = [[format_number(v) for v in row] for row in ys.tolist()]
    if args.json:
        doc = {
            "format": "urnn-sym.outputs/1",
            "system": rnn.system,
            "activation": rnn.activation,
            "T": len(rows),
            "p": rnn.p,
            "y": rows,
        }
        print(json.dumps(doc))
    else:
        width = len(str(len(rows) - 1))
        for k, row in enumerate(rows):
            print(f"y({k:>{width}}) = " + "  ".join(str(v) for v in row))
    return EXIT_OK


# ------------------------------------------------------------------------------
# prove
# ------------------------------------------------------------------------------


def _cmd_prove(args: argparse.Namespace) -> int:
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


# ------------------------------------------------------------------------------
# parser
# ------------------------------------------------------------------------------

Command = Callable[[argparse.Namespace], int]


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
        The registry (from :func:`build_parser`, or a nested one such as ``witness KIND``).
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
    """
    label = "example:" if len(examples) == 1 else "examples:"
    epilog = "\n".join([label, *(f"  {line}" for line in examples)]) + "\n\n" + exit_codes
    parser: argparse.ArgumentParser = subparsers.add_parser(
        name, help=help, description=description, epilog=epilog, formatter_class=_formatter
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
    """Register ``--timeout S``: the wall-clock limit that :func:`main` enforces on the whole command.

    Parameters
    ----------
    parser : argparse.ArgumentParser
        The subcommand's parser.
    default : float or None
        Seconds when the option is not given; None: no limit unless asked for.
    """
    when = f"default {default:g}" if default is not None else "default: none"
    parser.add_argument(
        "--timeout",
        type=timeout_seconds,
        default=default,
        metavar="S",
        help=f"wall-clock limit in seconds for the whole command, everything included (exit 3 when reached; {when})",
    )


def build_parser() -> argparse.ArgumentParser:
    """Return the full ``urnn-sym`` argument parser: ``simulate``, ``prove`` and the plugin subcommands.

    Plugin modules listed in ``_PLUGIN_MODULES`` that exist are imported and
    their ``add_parser(subparsers)`` registers their subcommand.

    Returns
    -------
    argparse.ArgumentParser
        A parser whose ``error`` raises a usage error (exit code 2 in
        :func:`main`) instead of printing the usage and exiting.
    """
    parser = _Parser(
        prog="urnn-sym",
        description="Exact and formal checks of what unitary (orthogonal) RNNs can express "
        "compared with contractive RNNs (Emami et al., NeurIPS 2019).",
        epilog=EXIT_CODES_HELP + "\n\nRun 'urnn-sym COMMAND --help' for the options of a command.",
        formatter_class=_formatter,
    )
    parser.add_argument("--version", action="version", version=f"urnn-sym {__version__}")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND", parser_class=_Parser)

    sim = add_command(
        sub,
        "simulate",
        help="run an RNN file on an input file and print its outputs",
        description="Print the outputs y(0..T-1) of the RNN on the input sequence.\n\n"
        'Exact RNN files (string entries such as "3/5" or "sqrt(2)/2", or only integers) are\n'
        "simulated exactly and print exact rationals; files with JSON floats are float64\n"
        "unless --exact converts every float to its exact dyadic value.",
        examples=["urnn-sym simulate examples/rnn_exact.json examples/inputs.json"],
        func=_cmd_simulate,
    )
    sim.add_argument("rnn", metavar="RNN.json", help="an urnn-sym.rnn/1 file")
    sim.add_argument("inputs", metavar="INPUTS.json", help="an urnn-sym.inputs/1 file or a bare list of rows")
    sim.add_argument("--exact", action="store_true", help="convert float entries exactly and simulate exactly")
    sim.add_argument("--json", action="store_true", help="print an urnn-sym.outputs/1 JSON document")

    prove = add_command(
        sub,
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

    for register in _plugins():
        register(sub)
    return parser


# Subcommands defined next to the code they drive: each module has
# ``add_parser(subparsers)`` that registers its subcommand with ``func=...``.
_PLUGIN_MODULES = (
    "urnn_sym.cli.construct",
    "urnn_sym.cli.check",
    "urnn_sym.cli.witness",
    "urnn_sym.cli.recheck",
    "urnn_sym.cli.obstruction",
    "urnn_sym.cli.stacked",
    "urnn_sym.cli.experiment",
    "urnn_sym.cli.latex",
    "urnn_sym.cli.figures",
)


# the arguments that name where a command writes (a file, or a directory it fills)
_OUTPUT_DESTS = ("output", "out", "outdir")


def _plugins() -> list[Callable[[Any], None]]:
    """The ``add_parser`` functions of the plugin modules that exist."""
    found: list[Callable[[Any], None]] = []
    for name in _PLUGIN_MODULES:
        if importlib.util.find_spec(name.rsplit(".", 1)[0]) is None:
            continue
        try:
            module = importlib.import_module(name)
        except ModuleNotFoundError as exc:
            if exc.name != name:
                raise
            continue
        found.append(module.add_parser)
    return found


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
    """Console-script entry point."""
    sys.exit(main())
