"""``urnn-sym experiment``: the synthetic experiment of poster Figures 2 and 3.

Registered in the main command by :func:`add_parser`; exit codes as in
:mod:`urnn_sym.cli` (0 success, 2 bad input).
"""

from __future__ import annotations

import argparse
import os
import sys
from typing import Any

from urnn_sym.cli.options import add_command
from urnn_sym.errors import InvalidArgumentError
from urnn_sym.names import EXPERIMENT_SNR_DB

__all__ = ["FIGURE_NAMES", "MAX_EPOCHS", "MAX_JOBS", "MAX_REALIZATIONS", "add_parser", "run"]

FIGURE_NAMES = tuple(sorted(EXPERIMENT_SNR_DB))
"""The experiments, sorted (from a module that imports nothing, so --help stays light)."""

MAX_REALIZATIONS = 1000
"""The largest ``--realizations`` (the data of every realisation is held in memory)."""
MAX_EPOCHS = 1_000_000
"""The largest ``--epochs``."""
MAX_JOBS = 64
"""The largest ``--jobs`` (at most one worker per hidden-unit size runs anyway)."""

DESCRIPTION = """\
Reproduce the synthetic experiment of Emami et al. (NeurIPS 2019), poster
Figures 2 and 3: RNNs and URNNs with 2, 4, ..., 14 hidden units are trained
(numpy BPTT, Adam, learning rate 0.01, batch of 10 sequences; URNN kept
orthogonal by the SVD projection W -> P Q^T after every step) on data from
random contractive 4-state ReLU RNNs, and their test R^2 is plotted against
the number of hidden units.

  fig2   output SNR 20 dB        fig3   output SNR 15 dB

Writes into --out: NAME.csv (realisation, model, hidden units, test R^2, ...),
NAME.png (mean test R^2 with interquartile band and the noise ceiling
SNR/(1+SNR)), NAME_theorem1.csv (Theorem 1 check of every trained 4-unit RNN)
and NAME_summary.json.  Every file is written atomically.  A progress bar
goes to stderr, the summary to stdout."""


def add_parser(subparsers: Any) -> None:
    """Add the ``experiment`` subcommand to the main parser's subparsers.

    Parameters
    ----------
    subparsers : argparse._SubParsersAction
        The object returned by ``ArgumentParser.add_subparsers``.
    """
    parser = add_command(
        subparsers,
        "experiment",
        help="reproduce the paper's synthetic experiment (poster Figures 2 and 3)",
        description=DESCRIPTION,
        examples=[
            "urnn-sym experiment fig2 --quick                 # about 15 s: 4 realisations, 400 epochs",
            "urnn-sym experiment fig2 --out results --jobs 2  # the full run (30 realisations)",
            "urnn-sym experiment fig3 --realizations 10 --epochs 1000 --seed 1",
        ],
        func=run,
        exit_codes="exit codes:\n  0  success\n  2  bad input or usage (one-line message on stderr)",
    )
    parser.add_argument("figure", choices=FIGURE_NAMES, help="fig2 (SNR 20 dB) or fig3 (SNR 15 dB)")
    parser.add_argument(
        "--quick", action="store_true", help="small version: 4 realisations, 400 epochs (under a minute)"
    )
    parser.add_argument(
        "--realizations",
        type=int,
        metavar="R",
        help=f"number of true systems, 1..{MAX_REALIZATIONS} (default 30; 4 with --quick)",
    )
    parser.add_argument(
        "--epochs",
        type=int,
        metavar="E",
        help=f"Adam steps per model, 1..{MAX_EPOCHS} (default 4000; 400 with --quick)",
    )
    parser.add_argument("--seed", type=int, default=0, metavar="S", help="base seed (default 0)")
    parser.add_argument("--out", default=".", metavar="DIR", help="output directory, created if missing (default .)")
    parser.add_argument(
        "--jobs",
        type=int,
        default=min(2, os.cpu_count() or 1),
        metavar="J",
        help=f"worker processes, 1..{MAX_JOBS} (default: 2, or 1 on a one-core machine)",
    )
    parser.add_argument("--no-progress", action="store_true", help="do not draw the progress bar")


def run(args: argparse.Namespace) -> int:
    """Run the experiment described by the parsed arguments.

    Parameters
    ----------
    args : argparse.Namespace
        As produced by the parser of :func:`add_parser`.

    Returns
    -------
    int
        0 on success (bad input raises :class:`urnn_sym.errors.UrnnSymError`,
        which the main command turns into exit code 2).
    """
    from urnn_sym.experiments.config import ExperimentConfig
    from urnn_sym.experiments.report import report_lines, require_matplotlib, write_outputs
    from urnn_sym.experiments.runner import run_experiment

    changes = {k: getattr(args, k) for k in ("realizations", "epochs") if getattr(args, k) is not None}
    for name, value, high in (
        ("--realizations", changes.get("realizations"), MAX_REALIZATIONS),
        ("--epochs", changes.get("epochs"), MAX_EPOCHS),
        ("--jobs", args.jobs, MAX_JOBS),
    ):
        if value is not None and value > high:
            raise InvalidArgumentError(f"{name}: expected an integer <= {high} but found {value}")
    changes["seed"] = args.seed
    config = ExperimentConfig.quick(args.figure, **changes) if args.quick else ExperimentConfig(args.figure, **changes)
    if args.jobs < 1:
        raise InvalidArgumentError(f"--jobs: expected an integer >= 1 but found {args.jobs}")
    if os.path.exists(args.out) and not os.path.isdir(args.out):
        raise InvalidArgumentError(f"--out: expected a directory but found a file: {args.out}")
    require_matplotlib()
    result = run_experiment(config, jobs=args.jobs, progress=None if args.no_progress else sys.stderr)
    paths = write_outputs(result, args.out)
    for line in report_lines(result):
        print(line)
    print("wrote " + ", ".join(str(p) for p in paths.values()))
    return 0
