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

from typing import TYPE_CHECKING, Any

import numpy as np
import sympy

from urnn_sym.model import RNN
from urnn_sym.numbers.arith import arith, as_sympy

if TYPE_CHECKING:
    from urnn_sym.construct.construction import URNNConstruction

__all__ = ["block_latex", "construction_latex", "matrix_latex", "rnn_latex"]

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
    ar = arith(rnn.system)
    for key, tex in (("W", W), ("F", F), ("b", b), ("C", C), ("h0", h0)):
        value = ar.for_display(rnn.native(key))
        lines.append(matrix_latex(tex, value).replace(" = ", " &= ", 1) + r" \\")
    lines[-1] = lines[-1].removesuffix(r" \\")
    lines.append(r"\end{align*}")
    return "\n".join(lines)


def _blocks(M: Any, n: int) -> list[list[Any]]:
    """``[[M11, M12], [M21, M22]]`` split after row and column ``n`` (native float64 or sympy)."""
    if not isinstance(M, np.ndarray):
        M = sympy.Matrix(as_sympy(M))
    return [[M[:n, :n], M[:n, n:]], [M[n:, :n], M[n:, n:]]]


def _aligned(name: str, M: Any) -> str:
    return matrix_latex(name, M).replace(" = ", " &= ", 1) + r" \\"


def construction_latex(construction: URNNConstruction, *, full: bool = False) -> str:
    """The Theorem 1 pair as LaTeX: U in blocks (Halmos, LDL^T, minimal or rational), and the URNN's recursion.

    Parameters
    ----------
    construction : URNNConstruction
        A result of :func:`urnn_sym.construct.theorem1.construct_urnn`.
    full : bool
        Also print the whole matrix ``U`` (large for n > 2 with algebraic entries).

    Returns
    -------
    str
        An ``align*`` block: the URNN recursion in block form, the block
        structure of ``U`` with the definitions of its blocks, each block's
        entries, the source's ``F``, ``b``, ``C``, ``h_0``, the extra biases
        ``b_2 = -c H`` and the state bound ``H``.

    Notes
    -----
    math.md section 2.  ``U[:n, :n]`` is the source's ``W`` (after the diagonal
    scaling, if one was applied); the blocks are read off the URNN's ``W``, so
    what is printed is exactly what was built.  The LDL^T completion names its
    blocks ``X``, ``B``, ``Y`` (docs/tutorials/theorem1.md); the minimal and rational
    completions ``X``, ``Y``, ``Z`` (``Y^T Y = I - W^T W``).

    Examples
    --------
    >>> from fractions import Fraction as Q
    >>> from urnn_sym import RNN, construct_urnn
    >>> pair = construct_urnn(RNN([[Q(3, 5)]], [[1]], [0], [[1]]), 1, completion="halmos")
    >>> tex = construction_latex(pair)
    >>> print(tex.splitlines()[2].split(", ")[0])
    U &= \\begin{bmatrix} W & D_{W^*} \\\\ D_W & -W^T \\end{bmatrix}
    >>> for line in tex.splitlines()[3:7]:
    ...     print(line)
    W &= \\left[\\begin{matrix}\\frac{3}{5}\\end{matrix}\\right] \\\\
    D_{W^*} &= \\left[\\begin{matrix}\\frac{4}{5}\\end{matrix}\\right] \\\\
    D_W &= \\left[\\begin{matrix}\\frac{4}{5}\\end{matrix}\\right] \\\\
    -W^T &= \\left[\\begin{matrix}- \\frac{3}{5}\\end{matrix}\\right] \\\\
    """
    source, urnn = construction.source, construction.urnn
    n = source.n
    halmos = construction.method.startswith("Halmos")
    ldl = construction.method.startswith("LDL^T")
    if halmos:
        names = [["W", "D_{W^*}"], ["D_W", "-W^T"]]
        meaning = r"D_W = (I - W^T W)^{1/2}, \quad D_{W^*} = (I - W W^T)^{1/2}"
    elif ldl:
        names = [["W", "X"], ["B", "Y"]]
        meaning = (
            r"I - W^T W = L_P \Lambda_P L_P^T, \ I - W W^T = L_Q \Lambda_Q L_Q^T, \ "
            r"B = \Lambda_P^{1/2} L_P^T, \ X = L_Q \Lambda_Q^{1/2}, \ Y = -B^{-T} W^T X"
        )
    else:
        which = "rational completion" if construction.method.startswith("rational") else "minimal completion"
        names = [["W", "X"], ["Y", "Z"]]
        meaning = rf"Y^T Y = I - W^T W \text{{ ({which})}}"
    lines = [
        r"\begin{align*}",
        r"h(k) &= \operatorname{relu}\left(U h(k-1) + \begin{bmatrix} F \\ 0 \end{bmatrix} x(k) + "
        r"\begin{bmatrix} b \\ b_2 \end{bmatrix}\right), \qquad y(k) = \begin{bmatrix} C & 0 \end{bmatrix} h(k) \\",
        block_latex("U", names).replace(" = ", " &= ", 1) + f", \\qquad {meaning} \\\\",
    ]
    for names_row, blocks_row in zip(names, _blocks(urnn.W, n), strict=True):
        lines.extend(_aligned(tex, block) for tex, block in zip(names_row, blocks_row, strict=True))
    if full:
        lines.append(_aligned("U", urnn.W))
    for key in ("F", "b", "C", "h0"):
        value = arith(source.system).for_display(source.native(key))
        lines.append(_aligned("h_{0}" if key == "h0" else key, value))
    ar = arith(urnn.system)
    b2 = ar.sub_matrix(ar.for_display(urnn.native("b")), range(n, urnn.n))
    row = "D_W" if halmos else "B" if ldl else "Y"
    rule = (
        r"b_{2,i} = -\sqrt{\lambda_i}\,\beta_i, \ \beta_i \ge \|(L_P^T)_i\|_2 H"
        if ldl
        else f"b_{{2,i}} = -c_i H, \\ c_i \\ge \\|({row})_i\\|_2"
    )
    lines.append(_aligned("b_2", b2).removesuffix(r" \\") + f", \\qquad {rule} \\\\")
    H = sympy.Float(float(construction.H), 6) if urnn.system == "float64" else sympy.sympify(construction.H)
    lines.append(
        f"H &= {sympy.latex(H)}, \\qquad \\|h_S(k)\\|_2 \\le H \\text{{ on the states }} S = {construction.watched}"
    )
    lines.append(r"\end{align*}")
    return "\n".join(lines)
