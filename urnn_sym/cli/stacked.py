"""Subcommands for stacked RNNs and ENRNN-style block models.

``urnn-sym stack-to-single``, ``urnn-sym stack-to-urnn`` and ``urnn-sym enrnn-route``
(registered by :func:`add_parser`; exit codes as in :mod:`urnn_sym.cli`).
"""

from __future__ import annotations

import argparse
import json
from typing import Any

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

__all__ = ["add_parser"]


def _load(args: argparse.Namespace) -> Any:
    from urnn_sym.stacked.model import read_stacked
    from urnn_sym.stacked.urnn import at_equilibrium

    stacked = read_stacked(args.stacked, exact=args.exact)
    return at_equilibrium(stacked) if args.at_equilibrium else stacked


def _document(rnn: Any, extra: dict[str, Any]) -> str:
    from urnn_sym.io import dump_rnn

    doc = dump_rnn(rnn)
    doc["description"] = json.dumps(extra)
    return json.dumps(doc, indent=1) + "\n"


def _verify(args: argparse.Namespace, stacked: Any, rnn: Any, delay: int) -> tuple[int, list[str]]:
    """The exit code and the line of the ``--z3-horizon`` check (none without it); run before anything is written."""
    if not args.z3_horizon:
        return EXIT_OK, []
    from urnn_sym.stacked.delay import delayed_verdict

    verdict = delayed_verdict(
        stacked,
        rnn,
        delay=delay,
        input_bound=args.input_bound,
        horizon=args.z3_horizon,
        norm=args.norm,
        timeout=time_left(args.timeout),
    )
    if verdict.status == "unknown":
        return EXIT_UNKNOWN, [f"z3: unknown: {verdict.reason}"]
    code = EXIT_OK if verdict.status == "proved" else EXIT_NEGATIVE
    return code, [f"z3: {verdict.status}: {verdict.detail} ({verdict.method})"]


def _cmd_single(args: argparse.Namespace) -> int:
    if args.z3_horizon and args.input_bound is None:
        raise UsageError("urnn-sym stack-to-single: error: --z3-horizon needs --input-bound")
    from urnn_sym.io import atomic_write_text
    from urnn_sym.stacked.delay import to_delayed_single_layer
    from urnn_sym.stacked.urnn import contractive_layer_scaling

    stacked = _load(args)
    if args.scale:
        scaling = contractive_layer_scaling(stacked)
        to_delayed_single_layer(stacked)
        delayed, note = scaling.delayed, f"; layers scaled by alpha^(l-1), alpha = {scaling.alpha}, "
        note += f"||W||_2 <= {scaling.norm_upper} (certified)"
    else:
        delayed, note = to_delayed_single_layer(stacked), ""
    code, z3_lines = _verify(args, stacked, delayed.rnn, delayed.delay)
    text = _document(delayed.rnn, {"delay": delayed.delay, "blocks": list(delayed.blocks)})
    with finishing():
        atomic_write_text(args.output, text)
        print(f"wrote {args.output}: {delayed.rnn.n} states, delay {delayed.delay}{note}")
        print(f"condition: {delayed.condition.detail} ({delayed.condition.method})")
        print(*z3_lines, sep="\n", end="\n" if z3_lines else "")
    return code


def _cmd_urnn(args: argparse.Namespace) -> int:
    from urnn_sym.io import atomic_write_text
    from urnn_sym.stacked.urnn import stack_to_urnn

    stacked = _load(args)
    result = stack_to_urnn(stacked, args.input_bound, norm=args.norm, minimal=args.minimal)
    s = result.scaling
    code, z3_lines = _verify(args, stacked, result.urnn, result.delay)
    text = _document(result.urnn, {"delay": result.delay, "alpha": str(s.alpha), "from": str(args.stacked)})
    with finishing():
        atomic_write_text(args.output, text)
        print(
            f"wrote {args.output}: URNN with {result.urnn.n} states (stacked sizes {list(stacked.sizes)}), delay "
            f"{result.delay}; layers scaled by alpha^(l-1), alpha = {s.alpha}, ||W||_2 <= {s.norm_upper} (certified)"
        )
        print(*z3_lines, sep="\n", end="\n" if z3_lines else "")
    return code


def _cmd_route(args: argparse.Namespace) -> int:
    from urnn_sym.construct.enrnn import enrnn_route
    from urnn_sym.io import read_rnn

    rnn = read_rnn(args.rnn, exact=True)
    route = enrnn_route(rnn, args.q)
    print(f"route: {route.route}")
    print(f"reason: {route.reason}")
    for name, check in route.checks.items():
        print(f"  {name}: {bool(check)} ({check.detail}; {check.method})")
    if route.urnn_states is not None:
        print(f"URNN states: {route.urnn_states} (Theorem 1 on all of W: {2 * (route.q + route.m)})")
    if route.scaling is not None:
        print("scaling D = diag(" + ", ".join(str(d) for d in route.scaling) + ")")
    return EXIT_OK if route.route != "finite-horizon" else EXIT_UNKNOWN


def _stacked_args(p: argparse.ArgumentParser) -> None:
    p.add_argument("stacked", metavar="STACKED.json", help="an urnn-sym.stacked/1 file")
    p.add_argument("-o", "--output", required=True, metavar="OUT.json", help="where to write the urnn-sym.rnn/1 file")
    p.add_argument("--exact", action="store_true", help="convert float entries exactly to rationals")
    p.add_argument(
        "--at-equilibrium", action="store_true", help="first restart every layer at the zero-input equilibrium"
    )
    p.add_argument("--norm", choices=["inf", "2"], default="inf", help="input norm (default inf; z3 uses it too)")
    p.add_argument(
        "--z3-horizon",
        type=int_in_range(0, MAX_HORIZON),
        default=0,
        metavar="T",
        help=f"z3 bounded check of the delayed outputs for T steps, 0..{MAX_HORIZON} (default 0: none)",
    )
    add_timeout_option(p)


def add_parser(subparsers: Any) -> None:
    """Register ``stack-to-single``, ``stack-to-urnn`` and ``enrnn-route``.

    Parameters
    ----------
    subparsers : argparse subparsers action
        From :func:`urnn_sym.cli.main.build_parser`.
    """
    single = add_command(
        subparsers,
        "stack-to-single",
        help="stacked RNN -> single-layer RNN with delay L - 1",
        description="Write the single-layer RNN whose state stacks the layers, layer l lagging by\n"
        "l - 1 steps (block lower-bidiagonal W), so that y_single(k + L - 1) = y_stacked(k).\n"
        "Exact condition: W_l p_l = W_l h0_l for every layer (p_l the single layer's\n"
        "input-free pre-history), e.g. layers 2..L start at a fixed point.",
        examples=[
            "urnn-sym stack-to-single examples/stacked.json -o single.json",
            "urnn-sym stack-to-single examples/stacked.json -o single.json --scale --z3-horizon 4 --input-bound 1",
        ],
        func=_cmd_single,
    )
    _stacked_args(single)
    single.add_argument("--scale", action="store_true", help="apply the certified contractive layer scaling")
    single.add_argument("--input-bound", type=str, metavar="M", help="input bound for --z3-horizon")

    urnn = add_command(
        subparsers,
        "stack-to-urnn",
        help="stacked contractive ReLU RNN -> URNN with delay L - 1",
        description="Compose the delayed single layer, a certified layer scaling alpha^(l-1) that\n"
        "makes it contractive, and Theorem 1: the URNN (2 sum(n_l) states, fewer with\n"
        "--minimal) reproduces the stacked outputs delayed by L - 1 steps on inputs\n"
        "with ||x(k)|| <= M.  --z3-horizon T proves it for T steps with z3.",
        examples=[
            "urnn-sym stack-to-urnn examples/stacked.json --input-bound 1 -o urnn.json",
            "urnn-sym stack-to-urnn examples/stacked.json --input-bound 1 -o urnn.json --norm 2 --z3-horizon 3",
        ],
        func=_cmd_urnn,
    )
    _stacked_args(urnn)
    urnn.add_argument("--input-bound", required=True, type=str, metavar="M", help="input bound M (e.g. 1 or 3/2)")
    urnn.add_argument("--minimal", action="store_true", help="use the minimal unitary completion")

    route = add_command(
        subparsers,
        "enrnn-route",
        help="which URNN route applies to W = blockdiag(Q, K)",
        description="For an RNN whose recurrence is blockdiag(Q, K) (Q orthogonal, q x q), report\n"
        "the route: ||K|| < 1 (minimal completion of the K block only), a certified\n"
        "positive diagonal scaling making K contractive, or finite horizon only (exit 3).",
        examples=["urnn-sym enrnn-route examples/enrnn.json --q 2"],
        func=_cmd_route,
    )
    route.add_argument("rnn", metavar="RNN.json", help="an urnn-sym.rnn/1 file (floats are taken exactly)")
    route.add_argument("--q", type=int_in_range(0), required=True, help="size of the orthogonal block Q")
