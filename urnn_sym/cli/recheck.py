"""``urnn-sym recheck``: independently re-check any evidence document urnn-sym writes.

The document's ``format`` field picks the checker:

* ``urnn-sym.refutation/1`` (``refute -o``): :func:`urnn_sym.refutation.recheck.recheck`;
  piecewise-linear pairs are re-simulated exactly, sigmoid/tanh pairs are
  re-evaluated in ball arithmetic at a higher precision; the new enclosures
  must be disjoint, and every recorded output must lie inside them (a recorded
  enclosure must contain the new one).
* ``urnn-sym.verdict/1`` (``check -o``): a counterexample by exact
  re-simulation; a proof by the independent re-checker
  (:mod:`urnn_sym.smt.recheck`, through :func:`urnn_sym.smt.check.recheck_verdict`):
  its own exact arithmetic, and its own SMT-LIB2 encoding decided by z3 or, with
  ``--solver cvc5``, by cvc5, which also re-decides every recorded solver
  obligation.
"""

from __future__ import annotations

import argparse
from typing import TYPE_CHECKING, Any

from urnn_sym.cli.options import (
    EXIT_NEGATIVE,
    EXIT_OK,
    EXIT_UNKNOWN,
    UsageError,
    add_command,
    add_timeout_option,
    int_in_range,
)
from urnn_sym.cli.wallclock import time_left
from urnn_sym.errors import FileFormatError

if TYPE_CHECKING:
    from urnn_sym.evidence import Check

__all__ = ["add_parser"]

_FORMATS = ("urnn-sym.refutation/1", "urnn-sym.verdict/1")


def _recheck_refutation(doc: Any, args: argparse.Namespace, a: Any, b: Any) -> Check | str:
    from urnn_sym.refutation.document import Refutation
    from urnn_sym.refutation.recheck import recheck

    ref = Refutation.from_json(doc, source=str(args.document))
    if ref.status != "refuted":
        return f"the document is {ref.status} ({ref.reason})"
    return recheck(ref, a, b, precision=args.precision)


def _recheck_verdict(doc: Any, args: argparse.Namespace, a: Any, b: Any) -> Check | str:
    from urnn_sym.smt.check import recheck_verdict
    from urnn_sym.verdict import Verdict

    verdict = Verdict.from_json(doc, source=str(args.document))
    if args.precision is not None:
        raise UsageError("urnn-sym recheck: error: --precision applies to sigmoid/tanh refutations only")
    if verdict.status == "unknown":
        return f"the verdict is unknown ({verdict.reason})"
    return recheck_verdict(verdict, a, b, solver=args.solver, timeout=time_left(args.timeout))


def _cmd_recheck(args: argparse.Namespace) -> int:
    from urnn_sym.io import read_json, read_rnn

    doc = read_json(args.document, what="document")
    fmt = doc.get("format") if isinstance(doc, dict) else None
    if fmt not in _FORMATS:
        raise FileFormatError(
            f"document: expected format {' or '.join(map(repr, _FORMATS))} but found {fmt!r} in {args.document}"
        )
    if args.solver != "z3" and fmt != "urnn-sym.verdict/1":
        raise UsageError("urnn-sym recheck: error: --solver applies to verdict documents (check -o) only")
    if (args.rnn is None) != (args.candidate is None):
        raise UsageError("urnn-sym recheck: error: give both RNN.json and CANDIDATE.json, or neither")
    a = read_rnn(args.rnn, exact=True) if args.rnn else None
    b = read_rnn(args.candidate, exact=True) if args.candidate else None
    run = _recheck_refutation if fmt == "urnn-sym.refutation/1" else _recheck_verdict
    check = run(doc, args, a, b)
    if isinstance(check, str):
        print(f"nothing to recheck: {check}")
        return EXIT_UNKNOWN
    if not check and check.detail.startswith("inconclusive"):
        print(f"inconclusive: {check.detail.removeprefix('inconclusive: ')} [{check.method}]")
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
        "  least 256); the new enclosures must be disjoint, and every recorded output\n"
        "  must lie inside them (a recorded enclosure must contain the new one).\n"
        "urnn-sym.verdict/1 (from 'check -o'): a counterexample by exact re-simulation;\n"
        "  a proof by an independent re-checker that shares nothing with the prover but\n"
        "  the file parser: the Theorem 1 shape and the invariant's certificate in its own\n"
        "  exact arithmetic, and what that does not close (a bounded proof without an\n"
        "  invariant) on its own SMT-LIB2 encoding, decided by --solver.  With --solver\n"
        "  cvc5 every z3 obligation recorded in the document (as SMT-LIB2 text) is also\n"
        "  re-decided by cvc5; a disagreement is reported, never resolved silently.",
        examples=[
            "urnn-sym witness lower-bound 1 -o w.json",
            "urnn-sym refute w.json examples/urnn_1state.json --input-bound 1 -o ref.json",
            "urnn-sym recheck ref.json",
            "urnn-sym recheck ref.json w.json examples/urnn_1state.json",
            "urnn-sym witness sigmoid -o s.json",
            "urnn-sym refute s.json examples/sigmoid_urnn.json --input-bound 1 -o sigmoid-ref.json",
            "urnn-sym recheck sigmoid-ref.json --precision 1024",
            "urnn-sym construct examples/rnn_exact.json --input-bound 1 -o urnn.json",
            "urnn-sym check examples/rnn_exact.json urnn.json --input-bound 1 --all-horizons -o v.json",
            "urnn-sym recheck v.json --solver cvc5",
        ],
        func=_cmd_recheck,
        exit_codes="exit codes:\n"
        "  0  confirmed (with --solver cvc5: every solver agrees)\n"
        "  1  not confirmed (the outputs agree, the input leaves the bound, records differ,\n"
        "     a certificate fails, or the solvers disagree)\n"
        "  2  bad input or usage\n"
        "  3  the document is unknown, or the re-check is inconclusive (timeout, a solver\n"
        "     gave up, cvc5 not installed)",
    )
    chk.add_argument("document", metavar="DOCUMENT.json", help="written by urnn-sym refute -o or check -o")
    chk.add_argument(
        "rnn", metavar="RNN.json", nargs="?", help="check against this network instead of the embedded one"
    )
    chk.add_argument("candidate", metavar="CANDIDATE.json", nargs="?", help="and this one")
    chk.add_argument(
        "--precision",
        type=int_in_range(16, 65536, unit="bits"),
        metavar="BITS",
        help="sigmoid/tanh refutations: bits of the ball re-evaluation",
    )
    add_timeout_option(chk)
    chk.add_argument(
        "--solver",
        choices=("z3", "cvc5"),
        default="z3",
        help="verdicts: the solver of the re-check; cvc5 also re-decides the recorded z3 queries (default: z3)",
    )
