"""``urnn-sym obstruction`` and ``urnn-sym contrast`` (Theorem 3, math.md section 4).

* ``obstruction RNN.json [--json] [--precision BITS]`` runs
  :func:`urnn_sym.refute.obstruction.sigmoid_obstruction`: exit 0 proved (no URNN of
  any size matches), 3 inconclusive (the reason is printed), 2 bad input
  (activation not sigmoid or tanh, ``||W||_2 < 1`` fails, malformed file).
* ``contrast [--states M] [--json]`` prints the teaching story of
  :func:`urnn_sym.refute.obstruction.relu_contrast`: the memoryless ReLU witness has a
  2-state URNN, the memoryless sigmoid witness has none.
"""

from __future__ import annotations

import argparse
import json
import sys
from typing import Any

from urnn_sym.cli.options import EXIT_OK, EXIT_UNKNOWN, UsageError, add_command, add_timeout_option, int_in_range
from urnn_sym.cli.wallclock import finishing

MAX_PRECISION = 1 << 16
"""The largest ``--precision`` in bits (ball arithmetic beyond it only exhausts memory and time)."""

__all__ = ["MAX_PRECISION", "add_parser"]


def _cmd_obstruction(args: argparse.Namespace) -> int:
    if args.precision > MAX_PRECISION:
        raise UsageError(
            f"urnn-sym obstruction: error: --precision: expected an integer number of bits <= {MAX_PRECISION} "
            f"but found {args.precision}"
        )
    from urnn_sym.io import read_rnn
    from urnn_sym.refute.obstruction import sigmoid_obstruction

    rnn = read_rnn(args.rnn)
    result = sigmoid_obstruction(rnn, precision=args.precision, max_precision=max(args.precision, 1024))
    with finishing():
        if args.json:
            sys.stdout.write(json.dumps(result.to_json(), indent=1) + "\n")
        else:
            print(result.summary())
            print(f"  method: {result.method}")
            print(f"  n = {result.n}, rank W = {result.rank_W} (exact), precision {result.precision} bits")
            if result.equilibrium:
                print(f"  equilibrium hbar in {', '.join(result.equilibrium)}")
            if result:
                print(f"  scope: {result.scope}")
    return EXIT_OK if result else EXIT_UNKNOWN


def _cmd_contrast(args: argparse.Namespace) -> int:
    from urnn_sym.refute.obstruction import relu_contrast

    story = relu_contrast(max_states=args.states)
    if args.json:
        sys.stdout.write(json.dumps(story.to_json(), indent=1) + "\n")
    else:
        print("\n".join(story.lines()))
    return EXIT_OK


def add_parser(subparsers: Any) -> None:
    """Register ``obstruction`` and ``contrast``.

    Parameters
    ----------
    subparsers : argparse subparsers
        The ``urnn-sym`` subcommand registry.
    """
    ob = add_command(
        subparsers,
        "obstruction",
        help="certify that no URNN of any size matches a sigmoid (or memoryless tanh) RNN",
        description="Enclose the zero-input equilibrium of a contractive sigmoid RNN in ball\n"
        "arithmetic, linearise there, compute rank(W) exactly and certify a nonzero minor of\n"
        "the Hankel matrix [C A^(i+j) B] of order > rank(W): the linearised transfer function\n"
        "has a pole at 0, which no sigmoid URNN's has (math.md section 4).  Memoryless tanh\n"
        "RNNs (W = 0) are certified by the dimension-growth argument; anything else is\n"
        "inconclusive with the reason (e.g. W invertible).",
        examples=[
            "urnn-sym witness sigmoid -o s.json",
            "urnn-sym obstruction s.json",
            "urnn-sym obstruction examples/sigmoid_chain.json --json",
        ],
        func=_cmd_obstruction,
        exit_codes="exit codes:\n"
        "  0  proved: no URNN with finitely many states matches the RNN (certificate re-checked)\n"
        "  2  bad input (activation not sigmoid or tanh, not contractive, malformed file)\n"
        "  3  inconclusive (the reason is printed), or --timeout reached",
    )
    ob.add_argument("rnn", metavar="RNN.json", help="an urnn-sym.rnn/1 file (sigmoid or tanh, ||W||_2 < 1)")
    ob.add_argument("--json", action="store_true", help="print the urnn-sym.obstruction/1 document")
    ob.add_argument(
        "--precision",
        type=int_in_range(16, unit="bits"),
        default=128,
        metavar="BITS",
        help=f"starting precision, 16..{MAX_PRECISION} (default 128)",
    )
    add_timeout_option(ob, default=None)

    con = add_command(
        subparsers,
        "contrast",
        help="teaching demo: y = relu(x) has a 2-state URNN, y = sigma(x) has none",
        description="The same memoryless witness with two activations.  ReLU: Theorem 1 builds an\n"
        "exact 2-state URNN (checked exactly on random inputs).  Sigmoid: for m = 1..M the\n"
        "best m-state URNN (a delay line that agrees on every input of length <= m) is\n"
        "refuted at length m + 1 by disjoint ball enclosures, and the obstruction\n"
        "certificate rules out every size at once.",
        examples=["urnn-sym contrast", "urnn-sym contrast --states 6 --json"],
        func=_cmd_contrast,
    )
    con.add_argument(
        "--states", type=int_in_range(1, 12), default=4, metavar="M", help="largest candidate size (default 4)"
    )
    con.add_argument("--json", action="store_true", help="print the urnn-sym.contrast/1 document")
