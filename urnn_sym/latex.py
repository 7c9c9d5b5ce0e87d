"""LaTeX export of models and constructions, ready to paste into papers or slides.

``rnn_latex(rnn)`` renders the recursion and every matrix with ``sympy.latex``
(exact entries stay exact: ``\\frac{1}{2}``, ``\\frac{\\sqrt{2}}{2}``; float64
entries are printed as decimals).

>>> from fractions import Fraction as Q
>>> from urnn_sym import RNN
>>> print(matrix_latex("W", RNN([[Q(1, 2)]], [[1]], [0], [[1]]).matrices()["W"]))
W = \\left[\\begin{matrix}\\frac{1}{2}\\end{matrix}\\right]
"""

from __future__ import annotations

from typing import Any

import numpy as np
import sympy

from .arith import as_sympy
from .model import RNN

__all__ = ["block_latex", "matrix_latex", "rnn_latex"]

_ACTIVATION_TEX = {
    "relu": r"\operatorname{relu}",
    "sigmoid": r"\sigma",
    "tanh": r"\tanh",
    "identity": "",
}


def _as_tex_matrix(M: Any) -> sympy.Matrix:
    """A sympy matrix for printing; float64 stays decimal, exact stays exact."""
    if isinstance(M, np.ndarray):
        arr = M.reshape(-1, 1) if M.ndim == 1 else M
        return sympy.Matrix(arr.shape[0], arr.shape[1], [sympy.Float(float(v), 6) for v in arr.ravel()])
    return sympy.Matrix(as_sympy(M))


def matrix_latex(name: str, M: Any) -> str:
    """Return ``name = <matrix>`` in LaTeX, the matrix rendered by ``sympy.latex``.

    Parameters
    ----------
    name : str
        The left-hand side, inserted verbatim (it may itself be LaTeX, e.g.
        ``D_{W}``).
    M : numpy.ndarray, flint.fmpq_mat or sympy.MatrixBase
        A native matrix or vector.  Exact and symbolic entries stay exact
        (``\\frac{1}{2}``); float64 entries are printed as decimals with 6
        significant digits; a 1-D array is printed as a column.

    Returns
    -------
    str
        The LaTeX source, e.g. ``W = \\left[\\begin{matrix}...\\end{matrix}\\right]``.
    """
    return f"{name} = {sympy.latex(_as_tex_matrix(M))}"


def block_latex(name: str, blocks: list[list[str]]) -> str:
    """Return ``name = [blocks]`` as a LaTeX ``bmatrix`` of block names, e.g. ``U = [[W, D_{W^*}], [D_W, -W^T]]``.

    Parameters
    ----------
    name : str
        The left-hand side, inserted verbatim.
    blocks : list of list of str
        Rows of LaTeX block names, inserted verbatim and joined with ``&``
        (columns) and ``\\\\`` (rows); row lengths are not checked.

    Returns
    -------
    str
        The LaTeX source on one line.

    Notes
    -----
    Used to display the unitary completion ``U = [[W, D_W*], [D_W, -W^T]]`` of
    math.md section 2.

    Examples
    --------
    >>> print(block_latex("U", [["W", "D_{W^*}"], ["D_W", "-W^T"]]))
    U = \\begin{bmatrix} W & D_{W^*} \\\\ D_W & -W^T \\end{bmatrix}
    """
    rows = r" \\ ".join(" & ".join(row) for row in blocks)
    return f"{name} = \\begin{{bmatrix}} {rows} \\end{{bmatrix}}"


def rnn_latex(rnn: RNN, *, name: str = "") -> str:
    """The recursion and all matrices of an RNN as a LaTeX ``align*`` block.

    Parameters
    ----------
    rnn : RNN
        The model to render.
    name : str
        Optional subscript that distinguishes models (``"u"`` gives ``W_{u}``).

    Returns
    -------
    str
        LaTeX source (an ``align*`` environment).

    Examples
    --------
    >>> from urnn_sym import RNN
    >>> print(rnn_latex(RNN([[0]], [[1]], [0], [[1]])).splitlines()[1])
    h(k) &= \\operatorname{relu}\\left(W h(k-1) + F x(k) + b\\right), \\qquad y(k) = C h(k) \\\\
    """
    sub = f"_{{{name}}}" if name else ""
    phi = _ACTIVATION_TEX[rnn.activation]
    W, F, b, C = (f"{s}{sub}" for s in ("W", "F", "b", "C"))
    h0 = f"h_{{0,{name}}}" if name else "h_{0}"
    pre = f"{W} h(k-1) + {F} x(k) + {b}"
    rec = f"{phi}\\left({pre}\\right)" if phi else pre
    lines = [
        r"\begin{align*}",
        f"h(k) &= {rec}, \\qquad y(k) = {C} h(k) \\\\",
    ]
    mats = rnn.matrices()
    for key, tex in (("W", W), ("F", F), ("b", b), ("C", C), ("h0", h0)):
        value = mats[key] if rnn.system != "float64" else getattr(rnn, key)
        lines.append(matrix_latex(tex, value).replace(" = ", " &= ", 1) + r" \\")
    lines[-1] = lines[-1].removesuffix(r" \\")
    lines.append(r"\end{align*}")
    return "\n".join(lines)
