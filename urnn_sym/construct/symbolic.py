"""Theorem 1 for a symbolic ReLU RNN: the LDL^T completion over sympy and symbolic extra biases.

:func:`construct_symbolic` is what :func:`urnn_sym.construct.theorem1.construct_urnn`
does for an RNN whose entries contain symbols.  The completion is the LDL^T
route of :mod:`urnn_sym.construct.ldl` (scalar square roots of the symbolic pivots); the
state bound uses Frobenius norms, which bound the spectral norms from above::

    H = max(||h0||, (||F||_F M_2 + ||b||) / (1 - ||W||_F)),   b2_i = -sqrt(λ_i) ||r_i|| H

Everything sympy cannot derive from the symbols' assumptions is returned as a
stated hypothesis (``URNNConstruction.hypotheses``), never silently assumed.

Examples
--------
>>> import sympy
>>> from urnn_sym import RNN
>>> a = sympy.Symbol("a", positive=True)
>>> rnn = RNN(sympy.Matrix([[a / 2]]), [[1]], [0], [[1]])
>>> res = construct_symbolic(rnn, sympy.Integer(1), norm="inf", assume_contractive=True)
>>> res.urnn.W
Matrix([
[             a/2, sqrt(4 - a**2)/2],
[sqrt(4 - a**2)/2,             -a/2]])
>>> res.hypotheses[0]
'1 - a**2/4 > 0 (pivot of I - W^T W)'
"""

from __future__ import annotations

from typing import Any

import sympy

from urnn_sym.construct.construction import URNNConstruction
from urnn_sym.construct.ldl import ldl_completion, simplest
from urnn_sym.evidence import Check
from urnn_sym.model import RNN

__all__ = ["construct_symbolic"]


def _norm(values: Any) -> sympy.Expr:
    return sympy.sqrt(sum((sympy.expand(v * v) for v in values), sympy.Integer(0)))


def construct_symbolic(rnn: RNN, M: Any, *, norm: str, assume_contractive: bool) -> Any:
    """The Theorem 1 URNN of a symbolic ReLU RNN (LDL^T completion, symbolic extra biases).

    Parameters
    ----------
    rnn : RNN
        ReLU, symbolic.
    M : sympy expression
        The input bound, positive.
    norm : {"inf", "2"}
        Input norm of the bound.
    assume_contractive : bool
        State every pivot > 0 and ``||W||_F < 1`` as hypotheses when sympy
        cannot show them (else :class:`HypothesisNotMetError`).

    Returns
    -------
    URNNConstruction
        ``hypotheses`` lists what was assumed; the URNN is equivalent on all
        horizons under them.

    Raises
    ------
    HypothesisNotMetError
        A pivot or ``1 - ||W||_F^2`` is not shown positive and
        ``assume_contractive`` is False.
    """

    from urnn_sym.errors import HypothesisNotMetError

    c = ldl_completion(rnn.native("W"), assume_contractive=assume_contractive)
    n, d, p = rnn.n, rnn.d, rnn.p
    W, F, b, C, h0 = (sympy.Matrix(rnn.native(k)) for k in ("W", "F", "b", "C", "h0"))
    w = _norm(list(W))
    hyps = list(c.hypotheses)
    margin = simplest(1 - w**2)
    if not margin.is_positive:
        if not assume_contractive:
            raise HypothesisNotMetError(
                f"W: the symbolic state bound needs ||W||_F < 1, but sympy cannot show {margin} > 0 from the "
                "symbols' assumptions; pass assume_contractive=True to state it"
            )
        hyps.append(f"{margin} > 0 (||W||_F < 1, so ||W||_2 < 1 and the state bound H holds)")
    M2 = M * sympy.sqrt(d) if norm == "inf" and d > 1 else M
    drive = (_norm(list(F)) * M2 + _norm(list(b))) / (1 - w)
    eta = _norm(list(h0))
    H = drive if eta == 0 else sympy.Max(eta, drive)
    rows = c.rows
    rho = [_norm(list(rows.row(i))) for i in range(n)]
    b2 = [simplest(-sympy.sqrt(lam) * r * H) for lam, r in zip(c.pivots_P, rho, strict=True)]
    zeros_d = sympy.zeros(n, d)
    urnn = RNN(
        c.U,
        sympy.Matrix.vstack(F, zeros_d),
        sympy.Matrix.vstack(b, sympy.Matrix(b2)),
        sympy.Matrix.hstack(C, sympy.zeros(p, n)),
        sympy.Matrix.vstack(h0, sympy.zeros(n, 1)),
        "relu",
        system="symbolic",
    )
    norms = {"W_F": w, "H": H, "row_norms": rho}
    orthogonal: Check = c.orthogonal
    return URNNConstruction(
        urnn,
        rnn,
        H,
        b2,
        norms,
        M,
        norm,
        None,
        None,
        list(range(n)),
        n,
        c.method,
        orthogonal,
        tuple(hyps),
    )
