"""``urnn-sym witness`` and ``urnn-sym refute``.

* ``witness KIND ...`` writes a witness network; each kind is one entry of
  :data:`WITNESS_KINDS` (a function that adds its arguments and a builder).
* ``refute RNN CANDIDATE --input-bound M`` searches for an input on which the
  outputs differ (:func:`urnn_sym.refute.distinguish.distinguishing_input`).

A refutation written with ``-o`` is re-checked by ``urnn-sym recheck``
(:mod:`urnn_sym.cli.recheck`).
"""

from __future__ import annotations

import argparse
import functools
import json
import sys
from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from urnn_sym.cli.options import EXIT_OK, EXIT_UNKNOWN, MAX_HORIZON, add_command, add_timeout_option, int_in_range
from urnn_sym.cli.wallclock import finishing, time_left
from urnn_sym.names import MAX_WITNESS_STATES

if TYPE_CHECKING:
    from urnn_sym.model import RNN
    from urnn_sym.refutation.document import Refutation

__all__ = ["MAX_WITNESS_STATES", "WITNESS_KINDS", "WitnessKind", "add_parser"]

@dataclass(frozen=True)
class WitnessKind:
    """One ``urnn-sym witness KIND``: help text, its arguments, and the builder.

    Attributes
    ----------
    help : str
        One line for ``urnn-sym witness --help``.
    description : str
        The description of ``urnn-sym witness KIND --help``.
    add_arguments : callable
        Adds the kind's arguments to its parser.
    build : callable
        Builds the witness RNN from the parsed arguments.
    """

    help: str
    description: str
    add_arguments: Callable[[argparse.ArgumentParser], None]
    build: Callable[[argparse.Namespace], RNN]


_STATES = int_in_range(1, MAX_WITNESS_STATES, unit="states")


def _n_argument(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "n", metavar="N", type=_STATES, help=f"number of states (= input and output dimension), 1..{MAX_WITNESS_STATES}"
    )


def _n_optional(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "n",
        metavar="N",
        type=_STATES,
        nargs="?",
        default=1,
        help=f"number of states (= input and output dim.), 1..{MAX_WITNESS_STATES}",
    )


def _lower_bound_witness(args: argparse.Namespace) -> RNN:
    """The Theorem 2 witness ``y(k) = relu(x(k))`` with ``args.n`` states."""
    from urnn_sym.witnesses import lower_bound_witness

    return lower_bound_witness(args.n)


def _smooth_witness(args: argparse.Namespace, *, activation: str) -> RNN:
    """The Theorem 3 witness ``y(k) = activation(x(k))`` with ``args.n`` states."""
    from urnn_sym.refute.smooth import sigmoid_witness

    return sigmoid_witness(args.n, activation=activation)


WITNESS_KINDS: dict[str, WitnessKind] = {
    "lower-bound": WitnessKind(
        help="Theorem 2 witness: W = 0, F = I, b = 0, C = I (y(k) = relu(x(k)))",
        description="Write the memoryless ReLU RNN y(k) = relu(x(k)) with N states (exact).\n"
        "Every URNN equivalent to it on a ball of inputs has at least 2N states\n"
        "(Theorem 2, math.md section 3).",
        add_arguments=_n_argument,
        build=_lower_bound_witness,
    ),
    **{
        name: WitnessKind(
            help=f"Theorem 3 witness: W = 0, F = I, b = 0, C = I with {label} (y(k) = {label}(x(k)))",
            description=f"Write the memoryless {name} RNN y(k) = {label}(x(k)) with N states (default 1, exact).\n"
            "No URNN with finitely many states matches it: an m-state URNN already differs\n"
            "on an input of length <= m + 1 (Theorem 3, math.md section 4); 'urnn-sym refute'\n"
            "finds and certifies such an input in ball arithmetic.",
            add_arguments=_n_optional,
            build=functools.partial(_smooth_witness, activation=name),
        )
        for name, label in (("sigmoid", "sigma"), ("tanh", "tanh"))
    },
}


def _cmd_witness(args: argparse.Namespace) -> int:
    from urnn_sym.io import atomic_write_text, dump_rnn

    rnn = WITNESS_KINDS[args.kind].build(args)
    text = json.dumps(dump_rnn(rnn), indent=1) + "\n"
    if args.output:
        atomic_write_text(args.output, text)
    else:
        sys.stdout.write(text)
    return EXIT_OK


def _vector_text(values: list[Any]) -> str:
    """``[1/2, 3]`` for numbers; ball enclosures (already bracketed) alone or in parentheses."""
    texts = [str(v) for v in values]
    if texts and all(t.startswith("[") for t in texts):
        return texts[0] if len(texts) == 1 else f"({', '.join(texts)})"
    return f"[{', '.join(texts)}]"


def _print_refutation(ref: Refutation) -> None:
    print(ref.summary())
    if ref.status != "refuted" or ref.xs is None:
        for item in ref.tried:
            print(f"  tried: {item}")
        return
    how = (
        f"certified in ball arithmetic at {ref.data['precision']} bits"
        if "precision" in ref.data
        else "re-simulated exactly"
    )
    print(f"  input bound: ||x(k)||_{ref.norm} <= {ref.input_bound}  ({how})")
    rows = [("x", ref.xs), ("y rnn", ref.ys_rnn or []), ("y candidate", ref.ys_candidate or [])]
    for k in range(len(ref.xs)):
        mark = "  <- differ" if k == ref.time_step else ""
        cells = "   ".join(f"{label}({k}) = {_vector_text(rows_[k])}" for label, rows_ in rows)
        print(f"  {cells}{mark}")
    print(f"  {ref.reason}")


def _cmd_refute(args: argparse.Namespace) -> int:
    from urnn_sym.io import atomic_write_text, read_rnn
    from urnn_sym.refute.distinguish import distinguishing_input

    rnn = read_rnn(args.rnn, exact=args.exact)
    candidate = read_rnn(args.candidate, exact=args.exact)
    ref = distinguishing_input(
        rnn,
        candidate,
        input_bound=args.input_bound,
        norm=args.norm,
        horizon=args.horizon,
        seed=args.seed,
        timeout=time_left(args.timeout),
    )
    doc = json.dumps(ref.to_json(), indent=1) + "\n"
    with finishing():
        if args.output:
            atomic_write_text(args.output, doc)
        if args.json:
            sys.stdout.write(doc)
        else:
            _print_refutation(ref)
    return EXIT_OK if ref else EXIT_UNKNOWN


def add_parser(subparsers: Any) -> None:
    """Register ``witness`` and ``refute``.

    Parameters
    ----------
    subparsers : argparse subparsers
        The ``urnn-sym`` subcommand registry.
    """
    wit = add_command(
        subparsers,
        "witness",
        help="write a witness network of Theorem 2 (ReLU, 2n tight) or Theorem 3 (sigmoid/tanh)",
        description="Write a witness RNN as an urnn-sym.rnn/1 file (stdout unless -o).",
        examples=[
            "urnn-sym witness lower-bound 3",
            "urnn-sym witness lower-bound 2 -o witness2.json",
            "urnn-sym witness sigmoid -o sigmoid.json",
        ],
        func=_cmd_witness,
    )
    kinds = wit.add_subparsers(dest="kind", metavar="KIND", required=True, parser_class=type(wit))
    for name, kind in WITNESS_KINDS.items():
        sub = add_command(
            kinds,
            name,
            help=kind.help,
            description=kind.description,
            examples=[f"urnn-sym witness {name} 2 -o witness.json"],
            func=_cmd_witness,
        )
        kind.add_arguments(sub)
        sub.add_argument("-o", "--output", metavar="FILE", help="write the file atomically instead of stdout")

    ref = add_command(
        subparsers,
        "refute",
        help="find an input on which two RNNs' outputs differ (certified exactly)",
        description="Search for an input sequence with ||x(k)|| <= M on which the outputs of RNN and\n"
        "CANDIDATE differ.  ReLU pairs: exact linearisation at generic points (math.md\n"
        "section 3), then a bounded z3 search when available; sigmoid/tanh pairs: the\n"
        "smooth route.  A found input is re-simulated exactly before it is printed.\n\n"
        "--timeout S bounds the whole search (reading, every route, the exact re-check);\n"
        "the z3 route gets the time that is left.",
        examples=[
            "urnn-sym witness lower-bound 1 -o w.json",
            "urnn-sym refute w.json examples/urnn_1state.json --input-bound 1",
            "urnn-sym refute w.json examples/urnn_1state.json --input-bound 1/2 --norm 2 --json -o ref.json",
            "urnn-sym witness sigmoid -o s.json",
            "urnn-sym refute s.json examples/sigmoid_urnn.json --input-bound 1",
        ],
        func=_cmd_refute,
        exit_codes="exit codes:\n"
        "  0  the networks differ: certified input and both output sequences printed\n"
        "  2  bad input or usage (one-line message on stderr)\n"
        "  3  no distinguishing input found (what was tried is printed), or --timeout reached",
    )
    ref.add_argument("rnn", metavar="RNN.json", help="an urnn-sym.rnn/1 file")
    ref.add_argument("candidate", metavar="CANDIDATE.json", help="an urnn-sym.rnn/1 file with the same d and p")
    ref.add_argument("--input-bound", required=True, metavar="M", help='bound on ||x(k)||, e.g. 1, "1/2", 0.25')
    ref.add_argument("--norm", choices=("inf", "2"), default="inf", help="input norm (default: inf)")
    ref.add_argument(
        "--horizon",
        type=int_in_range(1, MAX_HORIZON),
        default=2,
        metavar="T",
        help=f"longest input of the constructive route, 1..{MAX_HORIZON} (default 2)",
    )
    ref.add_argument("--seed", type=int, default=0, help="seed of the generic points (default 0)")
    ref.add_argument("--exact", action="store_true", help="read float entries as exact dyadic rationals")
    ref.add_argument("--json", action="store_true", help="print the urnn-sym.refutation/1 document")
    ref.add_argument("-o", "--output", metavar="FILE", help="also write the refutation document atomically")
    add_timeout_option(ref)
