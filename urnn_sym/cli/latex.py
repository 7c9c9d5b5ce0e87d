"""``urnn-sym latex``: an RNN file, or its Theorem 1 pair, as LaTeX (registered by :func:`add_parser`).

* ``latex RNN.json`` prints :func:`urnn_sym.latex.rnn_latex`: the recursion and
  every matrix.
* ``latex RNN.json --theorem1 --input-bound M`` builds the Theorem 1 URNN (the
  same options as ``construct``) and prints :func:`urnn_sym.latex.construction_latex`:
  ``U`` in block form with its defect blocks, the source matrices, ``b_2`` and ``H``.
* ``--document`` wraps the output in a standalone ``article`` that compiles with
  pdflatex; ``-o OUT.tex`` writes it atomically instead of printing it.
"""

from __future__ import annotations

import argparse
from typing import Any

from urnn_sym.cli.construct import add_construction_options, construct_from_args
from urnn_sym.cli.options import EXIT_OK, UsageError, add_command, add_timeout_option
from urnn_sym.cli.wallclock import finishing

__all__ = ["add_parser", "standalone_document"]


_TEXT_SPECIALS = {c: "\\" + c for c in "#$%&_{}"} | {
    "\\": r"\textbackslash{}",
    "~": r"\textasciitilde{}",
    "^": r"\textasciicircum{}",
}


def _escape(text: str) -> str:
    return "".join(_TEXT_SPECIALS.get(c, c) for c in text)


def standalone_document(body: str, *, title: str = "") -> str:
    """``body`` wrapped in a minimal ``article`` (amsmath) that compiles with pdflatex.

    Parameters
    ----------
    body : str
        LaTeX for the document body, e.g. an ``align*`` block.
    title : str
        Optional section heading, plain text (LaTeX special characters such as
        ``_`` in a file name are escaped).

    Returns
    -------
    str
        The whole document, ending with a newline.

    Examples
    --------
    >>> print(standalone_document("$x$", title="rnn_1.json").splitlines()[3])
    \\section*{rnn\\_1.json}
    """
    head = [r"\documentclass{article}", r"\usepackage{amsmath}", r"\begin{document}"]
    if title:
        head.append(f"\\section*{{{_escape(title)}}}")
    return "\n".join([*head, body, r"\end{document}", ""])


# flag -> (attribute, default): options that only make sense for the Theorem 1 pair
_THEOREM1_ONLY = {
    "--input-bound": ("input_bound", None),
    "--norm": ("norm", "inf"),
    "--minimal": ("minimal", False),
    "--horizon": ("horizon", None),
    "--scaling": ("scaling", None),
    "--full": ("full", False),
}


def _cmd_latex(args: argparse.Namespace) -> int:
    from urnn_sym.io import atomic_write_text, read_rnn
    from urnn_sym.latex import construction_latex, rnn_latex

    rnn = read_rnn(args.rnn, exact=args.exact)
    if args.theorem1:
        if args.input_bound is None:
            raise UsageError("urnn-sym latex: error: --theorem1 needs --input-bound M (the bound of Theorem 1)")
        body = construction_latex(construct_from_args(rnn, args, "latex"), full=args.full)
        title = "Theorem 1 pair"
    else:
        given = [flag for flag, value in _THEOREM1_ONLY.items() if getattr(args, value[0]) != value[1]]
        if given:
            raise UsageError(f"urnn-sym latex: error: {given[0]} applies only with --theorem1")
        body = rnn_latex(rnn)
        title = "RNN"
    text = standalone_document(body, title=f"{title}: {args.rnn}") if args.document else body + "\n"
    with finishing():
        if args.output:
            atomic_write_text(args.output, text)
            print(f"wrote {args.output}")
        else:
            print(text, end="")
    return EXIT_OK


def add_parser(subparsers: Any) -> None:
    """Register ``latex``.

    Parameters
    ----------
    subparsers : argparse subparsers action
        From :func:`urnn_sym.cli.main.build_parser`.
    """
    p = add_command(
        subparsers,
        "latex",
        help="print an RNN, or its Theorem 1 pair with the defect blocks of U, as LaTeX",
        description="Print the model's recursion and matrices as a LaTeX align* block (sympy.latex:\n"
        "exact entries stay exact, float64 entries print with 6 digits). With --theorem1,\n"
        "build the Theorem 1 URNN first (same options as 'construct') and print\n"
        "U = [[W, D_W*], [D_W, -W^T]] block by block, the source's F, b, C, h0, the\n"
        "extra biases b_2 = -c H and the state bound H. Paste into a paper or slides;\n"
        "amsmath is the only package needed (--document makes a compilable file).",
        examples=[
            "urnn-sym latex examples/rnn_exact.json",
            "urnn-sym latex examples/rnn_exact.json --theorem1 --input-bound 1",
            "urnn-sym latex examples/rnn_float.json --theorem1 --input-bound 1 --full --document -o pair.tex",
        ],
        func=_cmd_latex,
    )
    p.add_argument("rnn", metavar="RNN.json", help="an urnn-sym.rnn/1 file")
    p.add_argument("--exact", action="store_true", help="read JSON floats as their exact dyadic values")
    p.add_argument("--theorem1", action="store_true", help="print the Theorem 1 pair (needs --input-bound)")
    p.add_argument("--full", action="store_true", help="with --theorem1: also print the whole matrix U")
    add_construction_options(p, required=False)
    p.add_argument("--document", action="store_true", help="a standalone LaTeX document instead of a fragment")
    p.add_argument("-o", "--output", metavar="OUT.tex", help="write to a file (atomically) instead of stdout")
    add_timeout_option(p, default=None)
