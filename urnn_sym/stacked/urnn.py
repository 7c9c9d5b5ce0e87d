"""Equilibria and layer scalings of a stacked RNN, and the URNN that mimics it with delay ``L - 1``.

:func:`equilibrium` solves ``e_l = phi(W_l e_l + V_l e_{l-1} + b_l)`` exactly
(a start where the delay condition of :mod:`urnn_sym.stacked.delay` holds);
:func:`scale_layers` applies the positive scalings that commute with ReLU
(math.md section 1); :func:`contractive_layer_scaling` finds a certified
scaling that makes the delayed single layer contractive, and
:func:`stack_to_urnn` applies Theorem 1 to it (math.md section 2).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from fractions import Fraction
from typing import Any

import flint
import numpy as np
import sympy

from urnn_sym import validation as v
from urnn_sym.construct.hypotheses import is_contractive
from urnn_sym.errors import HypothesisNotMetError, NotContractiveError, ShapeError, UnsupportedError
from urnn_sym.model import RNN
from urnn_sym.numbers.arith import arith, as_fraction, as_sympy, entries, exact_sign, to_vector
from urnn_sym.numbers.norms import spectral_norm_upper_bound
from urnn_sym.stacked.delay import DelayedRNN, single_layer, to_delayed_single_layer
from urnn_sym.stacked.model import StackedRNN, check_stacked

__all__ = [
    "LayerScaling",
    "StackedURNN",
    "at_equilibrium",
    "contractive_layer_scaling",
    "equilibrium",
    "scale_layers",
    "stack_to_urnn",
]

# ------------------------------------------------------------------------------
# equilibria
# ------------------------------------------------------------------------------


def _solve(A: Any, rhs: Any) -> Any:
    if isinstance(A, np.ndarray):
        return np.linalg.solve(A, rhs)
    if isinstance(A, flint.fmpq_mat):
        return A.solve(rhs)
    return sympy.ImmutableMatrix(as_sympy(A).LUsolve(as_sympy(rhs)))


def _signs(col: Any) -> list[int]:
    if isinstance(col, np.ndarray):
        return [int(np.sign(x)) for x in col.ravel()]
    return [exact_sign(x) for x in entries(col)]


def _layer_equilibrium(rnn: RNN, u: Any) -> Any:
    """Solve ``e = phi(W e + u)`` for relu/identity by an exact active-set iteration."""
    ar = arith(rnn.system)
    n = rnn.n
    W = rnn.native("W")
    active = list(range(n)) if rnn.activation == "identity" else [i for i, s in enumerate(_signs(u)) if s > 0]
    seen: set[tuple[int, ...]] = set()
    while tuple(active) not in seen:
        seen.add(tuple(active))
        P = ar.matrix([[1 if j == i else 0 for j in range(n)] for i in active]) if active else None
        if P is None:
            e = ar.zeros(n, 1)
        else:
            Pt = ar.transpose(P)
            M = ar.sub(ar.eye(len(active)), ar.matmul(ar.matmul(P, W), Pt))
            try:
                e = ar.matmul(Pt, _solve(M, ar.matmul(P, u)))
            except (
                ZeroDivisionError,
                ValueError,
                np.linalg.LinAlgError,
                sympy.matrices.exceptions.NonInvertibleMatrixError,
            ):
                break
        z = ar.add(ar.matmul(W, e), u)
        zs, es = _signs(z), _signs(e)
        if rnn.activation == "identity" or (
            all(es[i] >= 0 for i in active) and all(zs[i] <= 0 for i in range(n) if i not in active)
        ):
            return e
        active = [i for i in range(n) if zs[i] > 0]
    raise UnsupportedError(
        f"equilibrium: no fixed point e = phi(W e + u) found by the active-set iteration "
        f"(n = {n}; a contractive W_l has exactly one)"
    )


def equilibrium(stacked: StackedRNN, x: Any = None) -> list[Any]:
    """States ``e_l = phi(W_l e_l + V_l e_{l-1} + b_l)`` (``e_0 = x``) of a stacked ReLU or linear RNN.

    Parameters
    ----------
    stacked : StackedRNN
    x : vector-like, optional
        The constant input (default zero).

    Returns
    -------
    list
        Native columns ``[e_1, ..., e_L]`` (1-D arrays for float64), exact for
        exact networks.

    Notes
    -----
    Each layer is solved by an active-set iteration whose final answer is
    checked exactly: ``e_A = (I - W_AA)^-1 u_A``, ``e = 0`` off A, with ``e >= 0``
    on A and pre-activation ``<= 0`` off A.  For ``||W_l|| < 1`` the fixed point
    is unique (contraction mapping).

    Examples
    --------
    >>> net = StackedRNN([([["1/2"]], [[1]], [1]), ([["1/2"]], [[1]], ["-1"])], [[1]])
    >>> [e[0, 0] for e in equilibrium(net)]
    [2, 2]
    """
    check_stacked(stacked)
    if stacked.activation not in ("relu", "identity"):
        raise UnsupportedError(
            f"activation: equilibria are computed for relu and identity but found {stacked.activation!r}"
        )
    ar = arith(stacked.system)
    prev = to_vector("x", [0] * stacked.d if x is None else x, system=stacked.system)
    if ar.shape(ar.column(prev))[0] != stacked.d:
        raise ShapeError(f"x: expected shape ({stacked.d},) but found ({ar.shape(ar.column(prev))[0]},)")
    out = []
    for rnn in stacked.layers:
        u = ar.add(ar.matmul(rnn.native("F"), ar.column(prev)), ar.column(rnn.native("b")))
        e = _layer_equilibrium(rnn, u)
        prev = e.ravel() if isinstance(e, np.ndarray) else e
        out.append(prev)
    return out


def at_equilibrium(stacked: StackedRNN, x: Any = None) -> StackedRNN:
    """The same stacked RNN started at its equilibrium for the constant input ``x`` (default 0).

    Parameters
    ----------
    stacked : StackedRNN
    x : vector-like, optional
        The input that preceded time 0.
    """
    return stacked.replace_layers(h0=equilibrium(stacked, x))


# ------------------------------------------------------------------------------
# layer scaling
# ------------------------------------------------------------------------------


def scale_layers(stacked: StackedRNN, factors: Sequence[Any]) -> StackedRNN:
    """The equivalent stacked RNN whose layer l state is ``a_l h_l`` (``a_l > 0``; ReLU or identity).

    ``V_l -> (a_l / a_{l-1}) V_l`` (``a_0 = 1``), ``b_l -> a_l b_l``,
    ``h0_l -> a_l h0_l``, ``C -> C / a_L``; ``W_l`` is unchanged.

    Parameters
    ----------
    stacked : StackedRNN
    factors : sequence
        Positive numbers ``a_1, ..., a_L``.

    Examples
    --------
    >>> net = StackedRNN([([[0]], [[1]], [0]), ([[0]], [[2]], [0])], [[1]])
    >>> scale_layers(net, [1, "1/2"]).layer(2)["V"]
    [1]
    """
    check_stacked(stacked)
    if stacked.activation not in ("relu", "identity"):
        raise UnsupportedError(
            f"activation: positive scalings commute with relu and identity only but found {stacked.activation!r}"
        )
    if len(factors) != stacked.L:
        raise ShapeError(f"factors: expected {stacked.L} values (one per layer) but found {len(factors)}")
    exact = stacked.system != "float64"
    a = [as_fraction(f, name=f"factors[{i}]") if exact else float(f) for i, f in enumerate(factors)]
    for i, f in enumerate(a):
        v.check_positive(f"factors[{i}]", f)
    ar = arith(stacked.system)
    prev = Fraction(1) if exact else 1.0
    V, b, h0 = [], [], []
    for rnn, f in zip(stacked.layers, a, strict=True):
        V.append(ar.scale(f / prev, rnn.native("F")))
        b.append(ar.scale(f, rnn.native("b")))
        h0.append(ar.scale(f, rnn.native("h0")))
        prev = f
    return stacked.replace_layers(V=V, b=b, h0=h0, C=ar.scale(1 / prev, stacked.layers[-1].native("C")))


@dataclass(frozen=True)
class LayerScaling:
    """A certified contractive layer scaling of a stacked RNN.

    Attributes
    ----------
    alpha : Fraction
        Layer l is scaled by ``alpha^(l-1)``, a power of two (exact in float64).
    stacked : StackedRNN
        The scaled stacked RNN (equivalent to the original).
    delayed : DelayedRNN
        Its delayed single layer, whose recurrence has sub-diagonal ``alpha V_l``.
    norm_upper : Fraction
        Certified ``||W_single||_2 <= norm_upper < 1`` (exact LDL^T).
    triangle_bound : Fraction
        ``max ||W_l|| + alpha max ||V_l||`` with certified upper bounds (triangle inequality).
    method : str
        What certified the bound.
    """

    alpha: Fraction
    stacked: StackedRNN
    delayed: DelayedRNN
    norm_upper: Fraction
    triangle_bound: Fraction
    method: str


def contractive_layer_scaling(stacked: StackedRNN, *, precision: Fraction | float = Fraction(1, 2**20)) -> LayerScaling:
    """Largest ``alpha = 2^-j`` making the delayed single layer contractive, certified exactly.

    Parameters
    ----------
    stacked : StackedRNN
        A ReLU (or identity) stacked RNN with ``||W_l||_2 < 1`` for every l.
    precision : Fraction or float
        Width of the certified norm bounds.

    Returns
    -------
    LayerScaling

    Notes
    -----
    The single-layer recurrence after scaling layer l by ``alpha^(l-1)`` is
    ``blockdiag(W_l) + alpha * subdiag(V_l)``, so its norm is at most
    ``w + alpha v`` with ``w = max ||W_l||``, ``v = max_{l>=2} ||V_l||``: any
    ``alpha < (1 - w) / v`` works, which exists exactly when ``w < 1``.  The
    largest power of two accepted by the exact test ``I - W^T W`` positive
    definite is returned, with a certified upper bound on the norm.

    Examples
    --------
    >>> net = StackedRNN([([["1/2"]], [[1]], [0]), ([["1/2"]], [[4]], [0])], [[1]])
    >>> s = contractive_layer_scaling(net)
    >>> s.alpha, s.norm_upper < 1
    (Fraction(1, 8), True)
    """
    check_stacked(stacked)
    exact = stacked if stacked.system != "float64" else stacked.to_exact()
    ws = []
    for l, rnn in enumerate(exact.layers, 1):
        check = is_contractive(rnn.native("W"))
        if not check:
            raise NotContractiveError(f"layer {l}: W: the scaling needs ||W_{l}||_2 < 1 but {check.detail}")
        ws.append(spectral_norm_upper_bound(rnn.native("W"), precision=precision))
    w = max(ws)
    v_norm = max(
        (spectral_norm_upper_bound(r.native("F"), precision=precision) for r in exact.layers[1:]), default=Fraction(0)
    )
    while w >= 1:  # each ||W_l|| < 1 is proved; tighten the bounds until their maximum is below 1
        precision = as_fraction(precision) / 16
        w = max(spectral_norm_upper_bound(r.native("W"), precision=precision) for r in exact.layers)
    alpha = Fraction(1)
    while True:  # ends: once w + alpha v < 1 the triangle inequality makes the exact test pass
        single = single_layer(scale_layers(exact, [alpha ** (l - 1) for l in range(1, exact.L + 1)]))
        if is_contractive(single.native("W")):
            break
        alpha /= 2
    norm_upper = spectral_norm_upper_bound(single.native("W"), precision=precision)
    factors = [alpha ** (l - 1) for l in range(1, stacked.L + 1)]
    result = scale_layers(stacked, factors)
    return LayerScaling(
        alpha,
        result,
        to_delayed_single_layer(result, require_condition=False),
        norm_upper,
        w + alpha * v_norm,
        "exact LDL^T: I - W^T W positive definite, and r^2 I - W^T W positive definite for r = norm_upper",
    )


# ------------------------------------------------------------------------------
# stacked -> URNN (Theorem 1 on the scaled delayed single layer)
# ------------------------------------------------------------------------------


@dataclass(frozen=True)
class StackedURNN:
    """A URNN whose outputs delayed by ``delay`` steps equal a stacked RNN's on bounded inputs.

    Attributes
    ----------
    urnn : RNN
        The URNN (orthogonal recurrence), ``2 sum(n_l)`` states (fewer with the minimal completion).
    delay : int
        ``L - 1``.
    scaling : LayerScaling
        The certified contractive layer scaling that Theorem 1 was applied to.
    construction : Any
        The record returned by :func:`urnn_sym.construct.theorem1.construct_urnn`.
    """

    urnn: RNN
    delay: int
    scaling: LayerScaling
    construction: Any


def stack_to_urnn(stacked: StackedRNN, input_bound: Any, *, norm: str = "inf", minimal: bool = False) -> StackedURNN:
    """Stacked contractive ReLU RNN -> URNN with delay ``L - 1`` (issue 8, item 3).

    Steps: the exact delay condition (:func:`delay_condition`), a certified
    contractive layer scaling (:func:`contractive_layer_scaling`), then
    Theorem 1 (:func:`urnn_sym.construct.theorem1.construct_urnn`) on the scaled
    delayed single layer.

    Parameters
    ----------
    stacked : StackedRNN
        ReLU, ``||W_l||_2 < 1`` for every layer, started where the delay
        condition holds (e.g. :func:`at_equilibrium`).
    input_bound : number
        ``M``: equivalence on inputs with ``||x(k)||_norm <= M``.
    norm : {"inf", "2"}
        Input norm (default: the box, which contains the 2-norm ball).
    minimal : bool
        Use the minimal completion.

    Returns
    -------
    StackedURNN
    """
    try:
        from urnn_sym.construct.theorem1 import construct_urnn
    except ModuleNotFoundError as exc:
        raise UnsupportedError(
            "stack_to_urnn: needs urnn_sym.construct.theorem1.construct_urnn, which is not available"
        ) from exc
    check_stacked(stacked)
    if stacked.activation != "relu":
        raise HypothesisNotMetError(f"activation: Theorem 1 needs relu but found {stacked.activation!r}")
    to_delayed_single_layer(stacked)
    scaling = contractive_layer_scaling(stacked)
    record = construct_urnn(scaling.delayed.rnn, input_bound, norm=norm, minimal=minimal)
    return StackedURNN(record.urnn, stacked.L - 1, scaling, record)
