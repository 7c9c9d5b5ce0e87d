"""Theorem 1: a URNN equivalent to a contractive ReLU RNN on bounded inputs (math.md section 2).

:func:`construct_urnn` embeds ``W`` in an orthogonal ``U`` (Halmos completion,
or the minimal completion) and chooses extra biases ``b2_i <= -c_i H`` so that
the extra states stay exactly 0::

    W_u = U,  F_u = [F; 0],  b_u = [b; b2],  C_u = [C, 0],  h0_u = [h0; 0]

``H`` bounds the state that the extra rows ``Y`` of U see.  Those rows only read
a set S of states; when S evolves on its own (``W[S, not S] = 0``) only that
block matters:

* ``||W_SS|| < 1``: ``H = max(||h0_S||, (||F_S|| M + ||b_S||) / (1 - ||W_SS||))``,
  equivalent on all horizons (S = all states for a contractive W);
* ``||W_SS|| <= 1`` and ``horizon=T``: ``H = ||h0_S|| + T (||F_S|| M + ||b_S||)``,
  equivalent for the first T steps;
* ``scaling="auto"``: first a certified positive diagonal L with
  ``||L W L^-1|| < 1`` (ReLU commutes with L, math.md section 1).

Exact mode uses certified rational upper bounds (:mod:`urnn_sym.numbers.norms`); float64
mode uses SVD norms inflated by a relative margin of ``1e-9``.

Examples
--------
>>> from fractions import Fraction as Q
>>> from urnn_sym import RNN, simulate
>>> rnn = RNN([[Q(3, 5)]], [[1]], [0], [[1]])
>>> res = construct_urnn(rnn, 1)
>>> res.urnn.W.tolist(), res.H, res.b2
([[3/5, 4/5], [4/5, -3/5]], Fraction(5, 2), [Fraction(-2, 1)])
>>> xs = [[1], [-1], [Q(1, 2)]]
>>> bool((simulate(res.urnn, xs) == simulate(rnn, xs)).all())
True
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from fractions import Fraction
from typing import Any

import numpy as np
import sympy

from urnn_sym import validation as v
from urnn_sym.construct.completion import (
    FLOAT_NORM_SLACK,
    Completion,
    RationalSVD,
    minimal_completion,
    unitary_completion,
)
from urnn_sym.construct.construction import URNNConstruction
from urnn_sym.construct.hypotheses import is_contractive
from urnn_sym.construct.ldl import LDLCompletion, ldl_completion, one_radical
from urnn_sym.construct.scaling import contracting_scaling
from urnn_sym.errors import (
    EntryTypeError,
    HypothesisNotMetError,
    InvalidArgumentError,
    NotContractiveError,
    UnsupportedError,
)
from urnn_sym.model import RNN
from urnn_sym.numbers.arith import arith, arith_of, as_fraction, entries, is_float, is_rational, parse_number
from urnn_sym.numbers.norms import (
    is_psd,
    quick_norm_upper_bound,
    row_norm_upper_bounds,
    spectral_norm_bounds,
    sqrt_upper,
    vector_norm_upper_bound,
)

__all__ = ["URNNConstruction", "construct_urnn", "rescale"]

FLOAT_MARGIN = 1e-9
"""float64: relative margin by which H, the row norms and ``-b2`` are inflated."""


# ------------------------------------------------------------------------------
# validation
# ------------------------------------------------------------------------------


def _check_rnn(rnn: Any) -> None:
    if not isinstance(rnn, RNN):
        raise EntryTypeError(f"rnn: expected an RNN but found {type(rnn).__name__}")
    if rnn.activation != "relu":
        raise HypothesisNotMetError(
            f"activation: Theorem 1 needs relu but found {rnn.activation!r}; for sigmoid, Theorem 3 "
            "(math.md section 4) shows there is in general no equivalent URNN of any finite size"
        )


def _bound(value: Any, system: str) -> Any:
    """The input bound M in the RNN's system: :func:`urnn_sym.validation.check_input_bound`, then its scalar.

    A symbolic RNN also takes a symbolic bound (an expression sympy shows positive).
    """
    if arith(system).is_symbolic and isinstance(value, (str, sympy.Basic)):
        M = parse_number(value, name="input_bound") if isinstance(value, str) else sympy.sympify(value)
        if not M.is_Rational:
            if not M.is_positive:
                raise InvalidArgumentError(
                    f"input_bound: expected an expression that sympy shows positive but found {M}"
                )
            return M
    return arith(system).scalar(v.check_input_bound(value), name="input_bound")


def _check_options(norm: Any, horizon: Any, scaling: Any) -> str:
    text = v.check_norm(norm)
    if horizon is not None:
        v.check_int("horizon", horizon, low=1)
    if scaling is not None and scaling != "auto" and not isinstance(scaling, Sequence):
        raise InvalidArgumentError(f"scaling: expected 'auto' or a list of positive numbers but found {scaling!r}")
    return text


# ------------------------------------------------------------------------------
# scaling
# ------------------------------------------------------------------------------


def rescale(rnn: RNN, scaling: Sequence[Any]) -> RNN:
    """The equivalent ReLU RNN ``(L W L^-1, L F, L b, C L^-1, L h0)`` with ``L = diag(scaling)``.

    Parameters
    ----------
    rnn : RNN
        ReLU RNN.
    scaling : sequence of positive numbers
        The diagonal of L (length n); rationals keep an exact RNN exact.

    Returns
    -------
    RNN

    Examples
    --------
    >>> rescale(RNN([[0, 4], [0, 0]], [[1], [1]], [0, 0], [[1, 1]]), [1, 8]).W.tolist()
    [[0, 1/2], [0, 0]]
    """
    n = rnn.n
    if len(scaling) != n:
        raise InvalidArgumentError(f"scaling: expected {n} positive numbers (one per state) but found {len(scaling)}")
    ell_q = [as_fraction(x, name="scaling") for x in scaling]
    if any(x <= 0 for x in ell_q):
        raise InvalidArgumentError(f"scaling: expected positive numbers but found {[str(x) for x in ell_q]}")
    ar = arith(rnn.system)
    ell = [ar.scalar(x, name="scaling") for x in ell_q]
    return RNN(
        ar.unscale_cols(ar.scale_rows(rnn.native("W"), ell), ell),
        ar.scale_rows(rnn.native("F"), ell),
        ar.scale_rows(rnn.native("b"), ell),
        ar.unscale_cols(rnn.native("C"), ell),
        ar.scale_rows(rnn.native("h0"), ell),
        rnn.activation,
        system=rnn.system,
    )


# ------------------------------------------------------------------------------
# the construction
# ------------------------------------------------------------------------------


def _nonzero(x: Any) -> bool:
    return bool(x != 0)


def _watched(Y: Any, W: Any, n: int) -> list[int]:
    """Columns that Y reads, closed under ``j in S and W[j, k] != 0 => k in S``."""
    r = arith_of(Y).shape(Y)[0]
    yv = entries(Y)
    S = {j for j in range(n) if any(_nonzero(yv[i * n + j]) for i in range(r))}
    wv = entries(W)
    todo = list(S)
    while todo:
        i = todo.pop()
        for k in range(n):
            if k not in S and _nonzero(wv[i * n + k]):
                S.add(k)
                todo.append(k)
    return sorted(S)


def _certified_norm_below_one(W: Any) -> Fraction:
    """A certified rational upper bound < 1 on ``||W||_2`` for an exactly contractive W."""
    quick = quick_norm_upper_bound(W)
    if quick < 1:
        return quick
    precision = Fraction(1, 2**30)
    while True:
        upper = spectral_norm_bounds(W, precision=precision).upper
        if upper < 1:
            return upper
        precision /= 2**30


def _lower(W: Any) -> Fraction:
    return spectral_norm_bounds(W).lower


def construct_urnn(
    rnn: RNN,
    input_bound: Any,
    *,
    norm: str = "inf",
    minimal: bool = False,
    horizon: int | None = None,
    scaling: Any = None,
    svd: RationalSVD | None = None,
    tol: float = 1e-9,
    completion: str = "auto",
    field: str | None = None,
    assume_contractive: bool = False,
    seed: int = 0,
) -> URNNConstruction:
    """A URNN equivalent to a ReLU RNN on inputs with ``||x(k)||_norm <= input_bound`` (Theorem 1).

    Parameters
    ----------
    rnn : RNN
        ReLU, float64 or exact, ``||W||_2 < 1`` (or see ``horizon``/``scaling``).
    input_bound : number
        ``M > 0``.
    norm : {"inf", "2"}
        The input norm of the bound.  The default box ``||x(k)||_inf <= M``
        contains the paper's ball ``||x(k)||_2 <= M``, so the URNN built for it
        is equivalent on the ball too; ``"2"`` gives smaller extra biases when
        ``d > 1``.
    minimal : bool
        Use the minimal completion (``rank(I - W^T W)`` extra states instead of n).
    horizon : int, optional
        ``T``: for ``||W||_2 <= 1``, equivalence on the first T steps.
    scaling : "auto" or sequence, optional
        Apply a positive diagonal L first: ``"auto"`` searches one with
        ``||L W L^-1||_2 < 1`` (certified exactly) when ``||W||_2 >= 1``.
    svd : RationalSVD, optional
        Known exact factors of W (rational-defect family; fast at large n).
    tol : float
        float64 minimal completion: rank tolerance.
    completion : {"auto", "ldl", "halmos", "rational"}
        How W is embedded in an orthogonal U.  ``"auto"``: the LDL^T completion
        (:mod:`urnn_sym.construct.ldl`) for a rational or symbolic W with ``||W||_2 < 1``,
        the Halmos completion (defect operators, one SVD) for float64, for
        algebraic W, with ``svd`` factors or when ``||W||_2 = 1``.
        ``"rational"``: a fully rational U with at most 5n states
        (:mod:`urnn_sym.construct.rational_completion`).
    field : {"rational"}, optional
        ``field="rational"`` is ``completion="rational"``.
    assume_contractive : bool
        Symbolic W: take every LDL^T pivot > 0 (``||W||_2 < 1``) as a stated
        hypothesis when sympy cannot show it from the symbols' assumptions.
    seed : int
        ``completion="rational"``: seed of the randomised four-square search.

    Returns
    -------
    URNNConstruction

    Raises
    ------
    NotContractiveError
        ``||W||_2 >= 1`` and neither ``horizon`` nor ``scaling`` (nor the block
        structure) makes the construction valid; the message states the
        certified lower bound ``||W||_2 >= r``.
    HypothesisNotMetError
        Activation other than relu (Theorem 3 for sigmoid).
    InvalidArgumentError
        ``input_bound <= 0``, bad ``norm``/``horizon``/``scaling``.
    UnsupportedError
        Exact W whose defect operators are irrational and ``n > 2``.

    Notes
    -----
    math.md section 2: the bottom pre-activation is ``Y h(k-1) + b2 <= 0``
    because ``|Y_i h| <= c_i ||h_S|| <= c_i H``.
    """
    _check_rnn(rnn)
    system = rnn.system
    M = _bound(input_bound, system)
    norm = _check_options(norm, horizon, scaling)
    route = _route(completion, field, minimal, svd, system)
    if system == "symbolic":
        from urnn_sym.construct.symbolic import construct_symbolic

        if route not in ("ldl", "auto"):
            raise UnsupportedError(f"completion: a symbolic RNN takes the LDL^T route, not {route!r}")
        return construct_symbolic(rnn, M, norm=norm, assume_contractive=assume_contractive)
    work = rnn
    used_scaling: list[Any] | None = None
    if scaling is not None and scaling != "auto":
        used_scaling = list(scaling)
        work = rescale(rnn, used_scaling)
    contractive = _is_contractive(work.native("W"))
    if not contractive and scaling == "auto":
        found = contracting_scaling(work.native("W"))
        if found is not None:
            used_scaling = found
            work = rescale(rnn, found)
            contractive = True  # contracting_scaling certified this same L W L^-1
            svd = None
    if not contractive and not _is_nonexpansive(work.native("W")):
        hint = (
            "scaling='auto' found no positive diagonal L with ||L W L^-1||_2 < 1"
            if scaling == "auto"
            else "Theorem 1 needs ||W||_2 < 1; try scaling='auto' (a diagonal similarity)"
        )
        raise NotContractiveError(
            f"W: not contractive: ||W||_2 >= {_lower(work.native('W'))} (certified lower bound); {hint}"
        )
    built = _complete(work.native("W"), route, contractive, svd, tol, seed)
    watched = _watched(built.Y, work.native("W"), work.n)
    return _assemble(work, rnn, built, watched, M, norm, horizon, used_scaling, contractive)


_ROUTES = ("auto", "ldl", "halmos", "rational")


def _route(completion: Any, field: Any, minimal: bool, svd: Any, system: str) -> str:
    if completion not in _ROUTES:
        raise InvalidArgumentError(f"completion: expected one of {', '.join(_ROUTES)} but found {completion!r}")
    if field not in (None, "rational"):
        raise InvalidArgumentError(f"field: expected None or 'rational' but found {field!r}")
    if field == "rational":
        if completion not in ("auto", "rational"):
            raise InvalidArgumentError(f"field: 'rational' needs completion='rational' but found {completion!r}")
        completion = "rational"
    if minimal:
        if completion not in ("auto", "halmos"):
            raise InvalidArgumentError(f"minimal: the minimal completion is its own route, not {completion!r}")
        return "minimal"
    if svd is not None and completion in ("ldl", "rational"):
        raise InvalidArgumentError(f"svd: known factors serve the Halmos completion, not completion={completion!r}")
    if completion == "auto" and (not arith(system).is_exact or svd is not None):
        return "halmos"
    return str(completion)


def _complete(W: Any, route: str, contractive: bool, svd: Any, tol: float, seed: int) -> Any:
    """The orthogonal completion of the route; ``"auto"``: LDL^T on its domain (rational, contractive), else Halmos."""
    if route == "minimal":
        return minimal_completion(W, svd=svd, tol=tol)
    rational_w = is_rational(W)
    if route == "rational":
        if not (rational_w and contractive):
            raise UnsupportedError(
                "W: the rational completion needs a rational W with ||W||_2 < 1"
                + ("" if rational_w else " (this W has irrational or float64 entries)")
            )
        from urnn_sym.construct.rational_completion import rational_completion

        return rational_completion(W, seed=seed)
    if route == "ldl" or (route == "auto" and rational_w and contractive):
        if not (rational_w or is_float(W)):
            raise UnsupportedError("W: the LDL^T completion needs a rational (or float64) W; use completion='halmos'")
        return ldl_completion(W)
    return unitary_completion(W, svd=svd)


def _is_contractive(W: Any) -> bool:
    if is_float(W):
        return float(np.linalg.norm(W, 2)) < 1
    return bool(is_contractive(W))


def _is_nonexpansive(W: Any) -> bool:
    if is_float(W):
        return float(np.linalg.norm(W, 2)) <= 1 + FLOAT_NORM_SLACK
    ar = arith("exact")
    n = ar.shape(W)[0]
    return is_psd(ar.sub(ar.eye(n), ar.matmul(ar.transpose(W), W)), name="I - W^T W")


def _assemble(
    work: RNN,
    rnn: RNN,
    completion: Any,
    S: list[int],
    M: Any,
    norm: str,
    horizon: int | None,
    scaling: list[Any] | None,
    contractive: bool,
) -> URNNConstruction:
    ar = arith(work.system)
    exact = ar.is_exact
    W = work.native("W")
    r = completion.extra_states
    norms: dict[str, Any] = {}
    if S:
        whole = len(S) == work.n  # S = every state: W_SS is W, whose contractivity is already decided
        W_SS = W if whole else ar.sub_matrix(W, S, S)
        all_horizons = contractive if whole else _is_contractive(W_SS)
        if not all_horizons and horizon is None:
            raise NotContractiveError(
                f"W: not contractive: ||W||_2 >= {_lower(W)} (certified lower bound); the extra states read "
                f"states {S} whose block of W is not contractive, so the URNN is equivalent only on a finite "
                "horizon: pass horizon=T (or scaling='auto')"
            )
        norms = _norms(work, S, W_SS, M, norm, all_horizons)
        H = _state_bound(norms, None if all_horizons else horizon, exact)
    else:
        all_horizons, H = True, (Fraction(0) if exact else 0.0)
        norms = {"M_2": M}
    c: list[Any]
    if exact and isinstance(completion, LDLCompletion):
        # row i of Y is sqrt(λ_i) r_i with r_i rational: b2_i = -sqrt(λ_i) β_i, β_i >= ||r_i|| H rational
        rho = row_norm_upper_bounds(completion.rows)
        norms["row_bounds"] = rho
        c = [_plain(one_radical(q, lam)) for q, lam in zip(rho, completion.pivots_P, strict=True)]
        b2 = [_plain(one_radical(-q * H, lam)) for q, lam in zip(rho, completion.pivots_P, strict=True)]
    elif exact:
        c = row_norm_upper_bounds(completion.Y) if r else []
        b2 = [-ci * H for ci in c]
    else:
        Yf = completion.Y
        c = [_float_norm(row) * (1 + FLOAT_MARGIN) for row in Yf] if r else []
        # the absolute 1e-300 covers the rounding of subnormal products, where relative margins vanish
        b2 = [-(ci * H) * (1 + FLOAT_MARGIN) - (1e-300 if ci > 0 else 0.0) for ci in c]
    norms["c"] = c
    urnn = _urnn(work, completion.U, b2, r)
    used_horizon = None if all_horizons else horizon
    return URNNConstruction(
        urnn,
        work,
        H,
        b2,
        norms,
        M,
        norm,
        scaling,
        used_horizon,
        S,
        r,
        _method_prefix(completion) + completion.method,
        completion.orthogonal,
    )


def _plain(x: sympy.Expr) -> Any:
    """A rational sympy number as a Fraction (the other exact numbers of a construction are Fractions)."""
    return Fraction(int(x.p), int(x.q)) if x.is_Rational else x


def _method_prefix(completion: Any) -> str:
    if isinstance(completion, Completion):
        return "Halmos completion: "
    return "minimal completion: " if hasattr(completion, "rank") else ""


def _norms(work: RNN, S: list[int], W_SS: Any, M: Any, norm: str, contractive: bool) -> dict[str, Any]:
    d = work.d
    ar = arith(work.system)
    F_S, b_S, h0_S = (ar.sub_matrix(work.native(k), S) for k in ("F", "b", "h0"))
    if work.system == "float64":
        m2 = M * math.sqrt(d) * (1 + FLOAT_MARGIN) if norm == "inf" else M
        up = 1 + FLOAT_MARGIN
        return {
            "W_SS": float(np.linalg.norm(W_SS, 2)) * up,
            "F_S": float(np.linalg.norm(F_S, 2)) * up,
            "b_S": _float_norm(b_S) * up,
            "h0_S": _float_norm(h0_S) * up,
            "M_2": m2,
        }
    m2 = sqrt_upper(d * M * M) if norm == "inf" else M
    w = _certified_norm_below_one(W_SS) if contractive else Fraction(1)
    return {
        "W_SS": w,
        "F_S": spectral_norm_bounds(F_S).upper,
        "b_S": vector_norm_upper_bound(b_S),
        "h0_S": vector_norm_upper_bound(h0_S),
        "M_2": m2,
    }


def _float_norm(v: np.ndarray) -> float:
    """2-norm without underflow (``np.linalg.norm`` squares subnormal entries to 0)."""
    m = float(np.max(np.abs(v))) if v.size else 0.0
    return m * float(np.linalg.norm(v / m)) if m > 0 else 0.0


def _state_bound(norms: dict[str, Any], horizon: int | None, exact: bool) -> Any:
    drive = norms["F_S"] * norms["M_2"] + norms["b_S"]
    H = norms["h0_S"] + horizon * drive if horizon is not None else max(norms["h0_S"], drive / (1 - norms["W_SS"]))
    return H if exact else H * (1 + FLOAT_MARGIN)


def _urnn(work: RNN, U: Any, b2: list[Any], r: int) -> RNN:
    d, p = work.d, work.p
    F, b, C, h0 = (work.native(k) for k in ("F", "b", "C", "h0"))
    if r == 0:
        return RNN(U, F, b, C, h0, "relu", system=work.system)
    ar = arith(work.system)
    return RNN(
        U,
        ar.stack([F, ar.zeros(r, d)]),
        ar.stack([b, ar.vector(b2, name="b2")]),
        ar.block([[C, ar.zeros(p, r)]]),
        ar.stack([h0, ar.zero_vector(r)]),
        "relu",
        system=work.system,
    )
