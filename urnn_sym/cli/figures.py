"""``urnn-sym figures [OUTDIR] [--only NAME ...] [--list]``: the slide figures of :mod:`urnn_sym.experiments.figures`.

Writes ``NAME.png`` and ``NAME.svg`` per figure (``fig2.png`` and ``fig3.png``
for the experiment) atomically into OUTDIR; one progress line per figure goes to
stderr, the written paths to stdout.  Exit codes as in :mod:`urnn_sym.cli`
(0 success, 2 bad input: unknown name, OUTDIR is a file, missing summaries).
"""

from __future__ import annotations

import argparse
import sys
from typing import Any

from urnn_sym.cli.options import EXIT_OK, add_command
from urnn_sym.names import TEACHING_FIGURES

__all__ = ["FIGURES", "add_parser"]

FIGURES = TEACHING_FIGURES  # imported from a module that imports nothing, so --help stays light

DESCRIPTION = (
    """\
Draw the teaching figures from exact and certified computations (deterministic,
about 15 s in all):

"""
    + "\n".join(f"  {name:22} {text}" for name, text in FIGURES.items())
    + """

Theorem 1 figures: the exact 2-state ReLU RNN of examples/rnn_exact.json and its
4-state URNN (construct_urnn, M = 1) simulated exactly on 30 inputs.  Sigmoid
figure: only certified ball-arithmetic gaps (gap_lower) are plotted.  Experiment:
report.summary_png redraws fig2.png / fig3.png from fig2_summary.json /
fig3_summary.json (no training)."""
)


def _cmd_figures(args: argparse.Namespace) -> int:
    if args.list:
        for name, text in FIGURES.items():
            print(f"{name:22} {text}")
        return EXIT_OK
    from urnn_sym.experiments.figures import make_figures

    paths = make_figures(args.outdir, which=args.only, progress=sys.stderr, summaries=args.summaries)
    for path in paths:
        print(path)
    return EXIT_OK


def add_parser(subparsers: Any) -> None:
    """Register ``figures``.

    Parameters
    ----------
    subparsers : argparse subparsers
        The ``urnn-sym`` subcommand registry.
    """
    parser = add_command(
        subparsers,
        "figures",
        help="draw the teaching figures (Theorem 1 trajectories, sigmoid gap, experiment) as PNG/SVG",
        description=DESCRIPTION,
        examples=[
            "urnn-sym figures docs/figures                 # regenerate every figure of the docs",
            "urnn-sym figures slides --only sigmoid-gap    # one figure into ./slides",
            "urnn-sym figures --list",
        ],
        func=_cmd_figures,
    )
    parser.add_argument(
        "outdir", nargs="?", default=".", metavar="OUTDIR", help="output directory, created if missing (default .)"
    )
    parser.add_argument(
        "--only",
        nargs="+",
        action="extend",
        choices=list(FIGURES),
        metavar="NAME",
        help="draw only these figures (see --list); repeatable",
    )
    parser.add_argument("--list", action="store_true", help="list the figures and what they show, draw nothing")
    parser.add_argument(
        "--summaries",
        metavar="DIR",
        help="directory of fig2_summary.json / fig3_summary.json (default: OUTDIR if it has them, "
        "else the checkout's docs/figures)",
    )
