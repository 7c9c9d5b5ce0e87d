"""``urnn-sym recheck``: independently re-check any evidence document urnn-sym writes.

The document's ``format`` field picks the checker:

* ``urnn-sym.refutation/1`` (``refute -o``): :func:`urnn_sym.refutation.recheck`;
  piecewise-linear pairs are re-simulated exactly, sigmoid/tanh pairs are
  re-evaluated in ball arithmetic at a higher precision, and the new enclosures
  must be disjoint and overlap the recorded ones.
* ``urnn-sym.verdict/1`` (``check -o``): a counterexample by exact
  re-simulation, an all-horizon proof by re-verifying its certificate in exact
  arithmetic, a bounded proof by running z3 again
  (:func:`urnn_sym.smt.recheck_verdict`).
"""

from __future__ import annotations

import argparse
from typing import Any

from .cli import EXIT_NEGATIVE, EXIT_OK, EXIT_UNKNOWN, UsageError, add_command, int_in_range
from .errors import FileFormatError
from .evidence import Check
from .io import read_json, read_rnn
from .refutation import Refutation, recheck
from .smt import recheck_verdict
from .verdict import Verdict

__all__ = ["add_parser"]

_FORMATS = ("urnn-sym.refutation/1", "urnn-sym.verdict/1")


def _recheck_refutation(doc: Any, args: argparse.Namespace, a: Any, b: Any) -> Check | str:
    ref = Refutation.from_json(doc, source=str(args.document))
    if ref.status != "refuted":
        return f"the document is {ref.status} ({ref.reason})"
    return recheck(ref, a, b, precision=args.precision)


def _recheck_verdict(doc: Any, args: argparse.Namespace, a: Any, b: Any) -> Check | str:
    verdict = Verdict.from_json(doc, source=str(args.document))
    if args.precision is not None:
        raise UsageError("urnn-sym recheck: error: --precision applies to sigmoid/tanh refutations only")
    if verdict.status == "unknown":
        return f"the verdict is unknown ({verdict.reason})"
    return recheck_verdict(verdict, a, b, timeout=args.timeout)


def _cmd_recheck(args: argparse.Namespace) -> int:
    doc = read_json(args.document, what="document")
    fmt = doc.get("format") if isinstance(doc, dict) else None
    if fmt not in _FORMATS:
        raise FileFormatError(
            f"document: expected format {' or '.join(map(repr, _FORMATS))} but found {fmt!r} in {args.document}"
        )
    if (args.rnn is None) != (args.candidate is None):
        raise UsageError("urnn-sym recheck: error: give both RNN.json and CANDIDATE.json, or neither")
    a = read_rnn(args.rnn, exact=True) if args.rnn else None
    b = read_rnn(args.candidate, exact=True) if args.candidate else None
    run = _recheck_refutation if fmt == "urnn-sym.refutation/1" else _recheck_verdict
    check = run(doc, args, a, b)
    if isinstance(check, str):
        print(f"nothing to recheck: {check}")
        return EXIT_UNKNOWN
    print(f"{'confirmed' if check else 'NOT confirmed'}: {check.detail} [{check.method}]")
    return EXIT_OK if check else EXIT_NEGATIVE


def add_parser(subparsers: Any) -> None:
    """Register ``recheck``.

    Parameters
    ----------
    subparsers : argparse subparsers
        The ``urnn-sym`` subcommand registry.
    """
    chk = add_command(
        subparsers,
        "recheck",
        help="independently re-check a refutation or verdict document",
        description="Re-check an evidence document against the networks embedded in it or the\n"
        "given files; its 'format' field picks the checker.\n\n"
        "urnn-sym.refutation/1 (from 'refute -o'): the input must lie inside the bound\n"
        "  and the outputs must differ. ReLU/identity: exact rational re-simulation, and\n"
        "  the recorded outputs must equal the recomputed ones. sigmoid/tanh: ball\n"
        "  arithmetic at --precision bits (default twice the recorded precision, at\n"
        "  least 256); the new enclosures must be disjoint and overlap the recorded ones.\n"
        "urnn-sym.verdict/1 (from 'check -o'): a counterexample by exact re-simulation;\n"
        "  an all-horizon proof by re-verifying the Theorem 1 shape and the invariant's\n"
        "  certificate in exact arithmetic (no z3); a bounded proof by running z3 again.",
        examples=[
            "urnn-sym witness lower-bound 1 -o w.json",
            "urnn-sym refute w.json examples/urnn_1state.json --input-bound 1 -o ref.json",
            "urnn-sym recheck ref.json",
            "urnn-sym recheck ref.json w.json examples/urnn_1state.json",
            "urnn-sym witness sigmoid -o s.json",
            "urnn-sym refute s.json examples/sigmoid_urnn.json --input-bound 1 -o sigmoid-ref.json",
            "urnn-sym recheck sigmoid-ref.json --precision 1024",
        ],
        func=_cmd_recheck,
        exit_codes="exit codes:\n"
        "  0  confirmed\n"
        "  1  not confirmed (the outputs agree, the input leaves the bound, or records differ)\n"
        "  2  bad input or usage\n"
        "  3  the document is unknown or inconclusive: nothing to recheck",
    )
    chk.add_argument("document", metavar="DOCUMENT.json", help="written by urnn-sym refute -o or check -o")
    chk.add_argument(
        "rnn", metavar="RNN.json", nargs="?", help="check against this network instead of the embedded one"
    )
    chk.add_argument("candidate", metavar="CANDIDATE.json", nargs="?", help="and this one")
    chk.add_argument(
        "--precision",
        type=int_in_range(16, unit="bits"),
        metavar="BITS",
        help="sigmoid/tanh refutations: bits of the ball re-evaluation",
    )
    chk.add_argument(
        "--timeout", type=float, default=60.0, metavar="S", help="verdicts: seconds for re-running z3 (60)"
    )
