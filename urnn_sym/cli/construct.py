"""``urnn-sym construct``: the Theorem 1 URNN of an RNN file (registered by :func:`add_parser`)."""

from __future__ import annotations

import argparse
import json
from typing import TYPE_CHECKING, Any

from urnn_sym.cli.options import EXIT_OK, UsageError, add_command, add_timeout_option, int_in_range
from urnn_sym.cli.wallclock import finishing

if TYPE_CHECKING:
    from urnn_sym.construct.construction import URNNConstruction
    from urnn_sym.model import RNN

__all__ = ["add_construction_options", "add_parser", "construct_from_args"]


def construct_from_args(rnn: RNN, args: argparse.Namespace, command: str) -> URNNConstruction:
    """``construct_urnn(rnn, ...)`` with the options that :func:`add_construction_options` registered.

    Parameters
    ----------
    rnn : RNN
        The model read from the command's RNN file.
    args : argparse.Namespace
        Parsed options: ``input_bound``, ``norm``, ``minimal``, ``horizon``, ``scaling``.
    command : str
        The subcommand, for the error message.

    Returns
    -------
    URNNConstruction
        The Theorem 1 construction.

    Raises
    ------
    UsageError
        The RNN has symbols.
    """
    if rnn.system == "symbolic":
        raise UsageError(f"urnn-sym {command}: error: the RNN has symbols; substitute numbers first")
    from urnn_sym.construct.theorem1 import construct_urnn

    completion = "rational" if getattr(args, "rational", False) else getattr(args, "completion", "auto")
    return construct_urnn(
        rnn,
        args.input_bound,
        norm=args.norm,
        minimal=args.minimal,
        horizon=args.horizon,
        scaling=args.scaling,
        completion=completion,
        seed=getattr(args, "seed", 0),
    )


def _cmd_construct(args: argparse.Namespace) -> int:
    from urnn_sym.io import atomic_write_text, dump_rnn, read_rnn

    rnn = read_rnn(args.rnn)
    result = construct_from_args(rnn, args, "construct")
    record = result.to_json()
    doc = dump_rnn(result.urnn)
    with finishing():
        if args.output:
            doc["description"] = json.dumps({"construction": record, "from": str(args.rnn)})
            atomic_write_text(args.output, json.dumps(doc, indent=1) + "\n")
        if args.json:
            print(json.dumps({**record, "output": args.output}))
        else:
            _print_construction(args, rnn, result, record, doc)
    return EXIT_OK


def _print_construction(
    args: argparse.Namespace, rnn: RNN, result: URNNConstruction, record: dict[str, Any], doc: dict[str, Any]
) -> None:
    where = f"wrote {args.output}: " if args.output else ""
    print(
        f"{where}URNN with {result.urnn.n} states ({rnn.n} + {result.extra_states} extra), {rnn.system}, "
        f"equivalent on {result.valid_for} for ||x(k)||_{args.norm} <= {args.input_bound}"
    )
    print(f"completion: {result.method}")
    print(f"orthogonal: {result.orthogonal.detail} ({result.orthogonal.method})")
    print(f"state bound H = {record['H']} on states {result.watched}")
    if result.scaling is not None:
        print("scaling L = diag(" + ", ".join(str(v) for v in record["scaling"]) + ")")
    if not args.output:
        print(json.dumps(doc))


def add_construction_options(p: argparse.ArgumentParser, *, required: bool) -> None:
    """Register ``--input-bound``, ``--norm``, ``--minimal``, ``--horizon`` and ``--scaling`` on a subcommand.

    Parameters
    ----------
    p : argparse.ArgumentParser
        The subcommand's parser.
    required : bool
        Whether ``--input-bound`` is required (``construct``) or only needed with
        another flag (``latex --theorem1``).
    """
    p.add_argument(
        "--input-bound", required=required, metavar="M", help="bound on ||x(k)|| (exact text such as 1/2 is kept exact)"
    )
    p.add_argument("--norm", choices=["inf", "2"], default="inf", help="input norm of the bound (default inf)")
    p.add_argument("--minimal", action="store_true", help="minimal completion: n + rank(I - W^T W) states")
    p.add_argument(
        "--horizon", type=int_in_range(1), metavar="T", help="equivalence for the first T steps (||W||_2 <= 1)"
    )
    p.add_argument("--scaling", choices=["auto"], help="search a positive diagonal L with ||L W L^-1||_2 < 1")
    how = p.add_mutually_exclusive_group()
    how.add_argument(
        "--completion",
        choices=["auto", "ldl", "halmos", "rational"],
        default="auto",
        help="how W is embedded in an orthogonal U: auto = LDL^T for a rational W with ||W||_2 < 1 (entries "
        "q*sqrt(s)), Halmos (defect operators) for float64, algebraic W or ||W||_2 = 1 (default auto)",
    )
    how.add_argument(
        "--rational",
        action="store_true",
        help="a fully rational U (four-square pivots + Householder): at most 5n states; the output says how many",
    )
    p.add_argument("--seed", type=int_in_range(0), default=0, help="seed of the --rational four-square search")


def add_parser(subparsers: Any) -> None:
    """Register ``construct``.

    Parameters
    ----------
    subparsers : argparse subparsers action
        From :func:`urnn_sym.cli.main.build_parser`.
    """
    p = add_command(
        subparsers,
        "construct",
        help="Theorem 1: the equivalent URNN (orthogonal W) of a contractive ReLU RNN",
        description="Write a URNN (orthogonal recurrence, 2n states; fewer with --minimal) whose\n"
        "outputs equal the RNN's on every input sequence with ||x(k)||_norm <= M.\n"
        "The URNN file is in the number system of the input: float64 stays float64,\n"
        "exact stays exact: for a rational W with ||W||_2 < 1 the LDL^T completion\n"
        "gives entries q*sqrt(s) (one radical, any n), its positive pivots certify\n"
        "||W||_2 < 1 and exact identities over Q certify U^T U = I; --rational gives\n"
        "a fully rational U with at most 5n states.",
        examples=[
            "urnn-sym construct examples/rnn_exact.json --input-bound 1 -o urnn.json",
            "urnn-sym construct examples/rnn_exact.json --input-bound 1/2 --norm 2 --json",
            "urnn-sym construct examples/rnn_exact.json --input-bound 1 --rational -o urnn_rational.json",
            "urnn-sym construct examples/rnn_float.json --input-bound 1 --horizon 100 --minimal -o urnn_min.json",
        ],
        func=_cmd_construct,
    )
    p.add_argument("rnn", metavar="RNN.json", help="an urnn-sym.rnn/1 file (ReLU)")
    add_construction_options(p, required=True)
    p.add_argument("-o", "--output", metavar="OUT.json", help="write the URNN as urnn-sym.rnn/1 (else print it)")
    p.add_argument("--json", action="store_true", help="print the construction record as JSON")
    add_timeout_option(p, default=None)
