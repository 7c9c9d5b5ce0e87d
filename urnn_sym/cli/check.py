"""``urnn-sym check``: equivalence verdicts from z3 and exact certificates.

* ``check A.json B.json --input-bound M (--horizon T | --all-horizons)`` prints a
  verdict (:func:`urnn_sym.smt.check.check_equivalence` for a horizon,
  :func:`urnn_sym.smt.check.prove_equivalence` for every horizon); ``--json`` prints
  the ``urnn-sym.verdict/1`` document and ``-o`` writes it.

A verdict written with ``-o`` is re-checked by ``urnn-sym recheck``
(:mod:`urnn_sym.cli.recheck`, which calls :func:`urnn_sym.smt.check.recheck_verdict`).
"""

from __future__ import annotations

import argparse
import json
import sys
from typing import TYPE_CHECKING, Any

from urnn_sym.cli.options import (
    EXIT_NEGATIVE,
    EXIT_OK,
    EXIT_UNKNOWN,
    MAX_HORIZON,
    UsageError,
    add_command,
    add_timeout_option,
    int_in_range,
)
from urnn_sym.cli.wallclock import finishing, time_left

if TYPE_CHECKING:
    from urnn_sym.verdict import Verdict

__all__ = ["add_parser", "print_verdict"]

_EXIT = {"proved": EXIT_OK, "refuted": EXIT_NEGATIVE, "unknown": EXIT_UNKNOWN}


def _rows(label: str, rows: list[list[Any]], k: int) -> str:
    return f"{label}({k}) = [{', '.join(str(v) for v in rows[k])}]"


def print_verdict(verdict: Verdict) -> None:
    """Print a verdict for people: the summary, then the evidence.

    Parameters
    ----------
    verdict : Verdict
        From :func:`urnn_sym.smt.check.check_equivalence` or :func:`urnn_sym.smt.check.prove_equivalence`.
    """
    print(verdict.summary())
    ref = verdict.refutation
    if verdict.status == "refuted" and ref is not None and ref.xs is not None:
        print(f"  input bound: ||x(k)||_{verdict.norm} <= {verdict.input_bound}  (re-simulated exactly)")
        for k in range(len(ref.xs)):
            mark = "  <- differ" if k == ref.time_step else ""
            cells = [_rows("x", ref.xs, k), _rows("y_a", ref.ys_rnn or [], k), _rows("y_b", ref.ys_candidate or [], k)]
            print("  " + "   ".join(cells) + mark)
    for o in verdict.obligations:
        print(f"  {o.status:8} {o.name:11} {o.statement}")
        print(f"           {'':11} by {o.method}: {o.detail}")
    if verdict.invariant is not None:
        inv = verdict.invariant
        size = f"H = {inv['H']}" if inv["kind"] == "ball" else f"{len(inv['lower'])} intervals"
        print(
            f"  invariant: {inv['kind']} ({size}); permutation {inv.get('perm')},"
            f" extra states {inv.get('extra_states')}"
        )
    if verdict.status == "unknown" and verdict.data.get("tried"):
        for item in verdict.data["tried"]:
            print(f"  tried: {item}")
    recheck = verdict.data.get("recheck")
    if verdict.status == "proved" and isinstance(recheck, dict):
        print(f"  {recheck['method']}: passed")
    seconds, queries = verdict.data.get("seconds"), verdict.data.get("queries")
    if seconds is not None:
        print(f"  time: {seconds} s, z3 queries: {queries}")


def _cmd_check(args: argparse.Namespace) -> int:
    if (args.horizon is None) == (not args.all_horizons):
        raise UsageError("urnn-sym check: error: give exactly one of --horizon T and --all-horizons")
    from urnn_sym.io import atomic_write_text, read_rnn
    from urnn_sym.smt.check import check_equivalence, prove_equivalence

    a, b = read_rnn(args.a, exact=args.exact), read_rnn(args.b, exact=args.exact)
    M = args.input_bound
    if args.all_horizons:
        verdict = prove_equivalence(a, b, input_bound=M, norm=args.norm, timeout=time_left(args.timeout))
    else:
        verdict = check_equivalence(
            a,
            b,
            input_bound=M,
            norm=args.norm,
            horizon=args.horizon,
            timeout=time_left(args.timeout),
            encoding=args.encoding,
        )
    doc = json.dumps(verdict.to_json(), indent=1) + "\n"
    with finishing():  # the verdict is known: writing and printing it are not cut short
        if args.output:
            atomic_write_text(args.output, doc)
        if args.json:
            sys.stdout.write(doc)
        else:
            print_verdict(verdict)
    return _EXIT[verdict.status]


def add_parser(subparsers: Any) -> None:
    """Register ``check``.

    Parameters
    ----------
    subparsers : argparse subparsers
        The ``urnn-sym`` subcommand registry.
    """
    chk = add_command(
        subparsers,
        "check",
        help="prove or refute that two ReLU RNNs have the same outputs on bounded inputs (z3)",
        description="Decide whether A and B (ReLU or identity RNNs with the same d and p, any\n"
        "state sizes) give the same outputs for every input with ||x(k)||_norm <= M.\n\n"
        "--horizon T   every input of length <= T: one shared unrolling of both networks,\n"
        "              one incremental z3 query per step (steps whose outputs are equal as\n"
        "              exact linear forms need none).\n"
        "--all-horizons  every length, for a Theorem 1 pair (B's state is [h; 0] up to a\n"
        "              permutation): induction with a ball or box invariant whose one-step\n"
        "              obligations are discharged by exact certificates or z3.\n\n"
        "A counterexample is printed only after exact re-simulation shows the outputs differ.",
        examples=[
            "urnn-sym construct examples/rnn_exact.json --input-bound 1 -o urnn.json",
            "urnn-sym check examples/rnn_exact.json urnn.json --input-bound 1 --horizon 8",
            "urnn-sym check examples/rnn_exact.json urnn.json --input-bound 1/2 --all-horizons --json -o v.json",
            "urnn-sym recheck v.json",
        ],
        func=_cmd_check,
        exit_codes="exit codes:\n"
        "  0  proved\n"
        "  1  refuted (exactly re-simulated counterexample printed)\n"
        "  2  bad input (dimension mismatch, activation not relu/identity, bound <= 0, usage)\n"
        "  3  unknown (solver limit, not of the Theorem 1 shape, no invariant found)",
    )
    chk.add_argument("a", metavar="A.json", help="an urnn-sym.rnn/1 file")
    chk.add_argument("b", metavar="B.json", help="an urnn-sym.rnn/1 file with the same d and p")
    chk.add_argument("--input-bound", required=True, metavar="M", help='bound on ||x(k)||, e.g. 1, "1/2", 0.25')
    chk.add_argument("--norm", choices=("inf", "2"), default="inf", help="input norm (default: inf)")
    scope = chk.add_mutually_exclusive_group()
    scope.add_argument(
        "--horizon",
        type=int_in_range(1, MAX_HORIZON),
        metavar="T",
        help=f"check every input of length <= T, 1..{MAX_HORIZON}",
    )
    scope.add_argument("--all-horizons", action="store_true", help="prove for every length by induction")
    add_timeout_option(chk)
    chk.add_argument(
        "--encoding", choices=("shared", "naive"), default="shared", help="bounded encoding (naive: the baseline)"
    )
    chk.add_argument("--exact", action="store_true", help="read float entries as exact dyadic rationals")
    chk.add_argument("--json", action="store_true", help="print the urnn-sym.verdict/1 document")
    chk.add_argument("-o", "--output", metavar="FILE", help="also write the verdict document atomically")
