"""``urnn-sym simulate``: the outputs of an RNN file on an input file (registered by :func:`add_parser`)."""

from __future__ import annotations

import argparse
import json
from typing import Any

from urnn_sym.cli.options import EXIT_OK, UsageError, add_command

__all__ = ["add_parser"]


def _cmd_simulate(args: argparse.Namespace) -> int:
    """Print the outputs ``y(0..T-1)`` of ``args.rnn`` on ``args.inputs``.

    Parameters
    ----------
    args : argparse.Namespace
        Parsed by the parser of :func:`add_parser`: ``rnn``, ``inputs``, ``exact``, ``json``.

    Returns
    -------
    int
        0 (bad input raises :class:`urnn_sym.errors.UrnnSymError`: exit 2).
    """
    from urnn_sym.io import format_number, read_inputs, read_rnn
    from urnn_sym.model import simulate

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


def add_parser(subparsers: Any) -> None:
    """Register ``simulate``.

    Parameters
    ----------
    subparsers : argparse subparsers action
        From :func:`urnn_sym.cli.main.build_parser`.
    """
    sim = add_command(
        subparsers,
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
