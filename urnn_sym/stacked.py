"""Stacked RNNs and the single-layer RNN with delay that mimics them.

An L-layer stacked RNN (layer l = 1..L, ``h_0(k) = x(k)``)::

    h_l(k) = phi(W_l h_l(k-1) + V_l h_{l-1}(k) + b_l),    y(k) = C h_L(k),    h_l(-1) = h0_l

is mimicked by one RNN whose state ``s = [s_1; ...; s_L]`` stacks the layers with
layer l lagging by l - 1 steps (block lower-bidiagonal recurrence: diagonal blocks
``W_l``, sub-diagonal blocks ``V_l``; input into block 1 only, output from block L)::

    s_l(k) = phi(W_l s_l(k-1) + V_l s_{l-1}(k-1) + b_l)   (l >= 2),    s_1(k) = phi(W_1 s_1(k-1) + V_1 x(k) + b_1)

*Exact condition* (:func:`delay_condition`, proved in ``proofs/stacked.py``): call
``p_1 = s_1(-1)`` and ``p_l = s_l(l-2)`` for l >= 2 the *pre-history* of the
single layer; it depends on ``s(-1)`` only, never on the input.  If
``W_l p_l = W_l h0_l`` for every l, then ``s_l(k) = h_l(k - l + 1)`` for every
``k >= l - 1`` and every input, hence ``y_single(k + L - 1) = y_stacked(k)``.
Starting the single layer at ``s(-1) = h0`` this holds when every layer l >= 2
starts at a fixed point of its own map driven by the layer below,
``h0_l = phi(W_l h0_l + V_l h0_{l-1} + b_l)`` -- for example at an equilibrium of
the stacked network for a constant input before time 0 (:func:`at_equilibrium`);
layer 1 may start anywhere.  From an arbitrary initial state it fails in general
(see ``docs/stacked.md`` for a two-state counterexample).

Examples
--------
>>> from fractions import Fraction as Q
>>> net = StackedRNN([([[Q(1, 2)]], [[1]], [0]), ([[Q(1, 4)]], [[1]], [0])], [[1]])
>>> net.L, net.sizes, net.system
(2, (1, 1), 'exact')
>>> simulate_stacked(net, [[1], [2], [0]])[:, 0].tolist()
[Fraction(1, 1), Fraction(11, 4), Fraction(31, 16)]
>>> single = to_delayed_single_layer(net)
>>> single.delay, bool(single.condition)
(1, True)
>>> simulate_delayed(single.rnn, [[1], [2], [0]], delay=1)[:, 0].tolist()
[Fraction(1, 1), Fraction(11, 4), Fraction(31, 16)]
"""

from __future__ import annotations

import json
import os
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from fractions import Fraction
from typing import Any

import flint
import numpy as np
import sympy

from . import _validation as v
from .arith import arith, as_fraction, as_sympy, entries, exact_sign, infer_system, to_matrix, to_vector
from .errors import (
    EntryTypeError,
    FileFormatError,
    HypothesisNotMetError,
    InvalidArgumentError,
    NotContractiveError,
    ShapeError,
    SolverTimeoutError,
    UnsupportedError,
    UrnnSymError,
)
from .evidence import Check
from .io import _convert, _has_json_float, atomic_write_text, dump_rnn, read_json
from .model import RNN, simulate, to_inputs
from .norms import is_contractive, spectral_norm_upper_bound

__all__ = [
    "STACKED_FORMAT",
    "DelayedRNN",
    "LayerScaling",
    "StackedRNN",
    "StackedURNN",
    "at_equilibrium",
    "check_delayed_equivalence",
    "contractive_layer_scaling",
    "delay_condition",
    "dump_stacked",
    "equilibrium",
    "load_stacked",
    "read_stacked",
    "scale_layers",
    "simulate_delayed",
    "simulate_stacked",
    "stack_to_urnn",
    "to_delayed_single_layer",
    "write_stacked",
]

STACKED_FORMAT = "urnn-sym.stacked/1"
_LAYER_KEYS = ("W", "V", "b", "h0")


def _layer_spec(spec: Any, l: int) -> dict[str, Any]:
    if isinstance(spec, Mapping):
        unknown = sorted(set(spec) - set(_LAYER_KEYS))
        missing = [k for k in ("W", "V", "b") if k not in spec]
        if unknown or missing:
            raise InvalidArgumentError(
                f"layer {l}: expected keys W, V, b and optionally h0 but found unknown {unknown}, missing {missing}"
            )
        return dict(spec)
    if isinstance(spec, (tuple, list)) and len(spec) in (3, 4):
        return dict(zip(_LAYER_KEYS, spec, strict=False))
    raise EntryTypeError(
        f"layer {l}: expected a mapping with keys W, V, b[, h0] or a tuple (W, V, b[, h0]) "
        f"but found {type(spec).__name__}"
    )


class StackedRNN:
    """An L-layer stacked RNN ``h_l(k) = phi(W_l h_l(k-1) + V_l h_{l-1}(k) + b_l)``, ``y(k) = C h_L(k)``, immutable.

    Parameters
    ----------
    layers : sequence
        For l = 1..L a mapping with keys ``W`` (n_l x n_l), ``V`` (n_l x n_{l-1},
        with ``n_0 = d``), ``b`` (n_l) and optionally ``h0`` (n_l, zero when
        omitted), or a tuple ``(W, V, b[, h0])``.
    C : matrix-like
        Output matrix (p x n_L).
    activation : {"relu", "sigmoid", "tanh", "identity"}
        The activation phi of every layer.
    system : {"float64", "exact", "symbolic"}, optional
        Forced number system; inferred from all entries together when omitted
        (same rules as :class:`urnn_sym.RNN`).

    Notes
    -----
    Each layer is held as an :class:`urnn_sym.RNN` with input matrix ``V_l``
    (output matrix the identity, ``C`` for the last layer), so simulation
    reuses :func:`urnn_sym.simulate` layer by layer.

    Examples
    --------
    >>> StackedRNN([([[0]], [[1, 1]], [0]), ([[0, 0], [0, 0]], [[1, 1], [1, 1]], [0, 0])], [[1, 1]])
    Traceback (most recent call last):
    ...
    urnn_sym.errors.ShapeError: layer 2: V: expected shape (2, 1) to match n_2 = 2 states and n_1 = 1 states ...
    """

    __slots__ = ("_layers",)

    def __init__(self, layers: Sequence[Any], C: Any, activation: str = "relu", *, system: str | None = None) -> None:
        activation = v.check_activation(activation)
        if isinstance(layers, (str, bytes, Mapping)) or not isinstance(layers, Sequence) or not layers:
            raise InvalidArgumentError(f"layers: expected a non-empty sequence of layers but found {layers!r:.60}")
        specs = [_layer_spec(s, l) for l, s in enumerate(layers, 1)]
        if system is None:
            values = {f"{k}_{l}": s.get(k) for l, s in enumerate(specs, 1) for k in _LAYER_KEYS}
            try:
                system = infer_system(C=C, **values)
            except UrnnSymError as exc:
                raise type(exc)(re.sub(r"^(W|V|b|h0)_(\d+)", r"layer \2: \1", str(exc))) from exc
        ar = arith(system)
        built: list[RNN] = []
        below = None
        for l, s in enumerate(specs, 1):
            try:
                W = to_matrix("W", s["W"], system=system)
                V = to_matrix("V", s["V"], system=system)
                n = ar.shape(W)[0]
                if below is not None and ar.shape(V)[1] != below:
                    raise ShapeError(
                        f"V: expected shape ({n}, {below}) to match n_{l} = {n} states and n_{l - 1} = {below} "
                        f"states of the layer below but found {ar.shape(V)}"
                    )
                out = to_matrix("C", C, system=system) if l == len(specs) else ar.eye(n)
                if l == len(specs) and ar.shape(out)[1] != n:
                    raise ShapeError(
                        f"C: expected {n} columns (the states of layer {l}) but found shape {ar.shape(out)}"
                    )
                rnn = RNN(W, V, s["b"], out, s.get("h0"), activation, system=system)
            except UrnnSymError as exc:
                raise type(exc)(f"layer {l}: {str(exc).replace('F: ', 'V: ', 1)}") from exc
            built.append(rnn)
            below = rnn.n
        object.__setattr__(self, "_layers", tuple(built))

    @classmethod
    def _of(cls, rnns: Sequence[RNN]) -> StackedRNN:
        obj = object.__new__(cls)
        object.__setattr__(obj, "_layers", tuple(rnns))
        return obj

    # accessors ------------------------------------------------------------------
    @property
    def L(self) -> int:
        """Number of layers."""
        return len(self._layers)

    @property
    def sizes(self) -> tuple[int, ...]:
        """``(n_1, ..., n_L)``."""
        return tuple(r.n for r in self._layers)

    @property
    def d(self) -> int:
        """Input dimension."""
        return self._layers[0].d

    @property
    def p(self) -> int:
        """Output dimension."""
        return self._layers[-1].p

    @property
    def system(self) -> str:
        """Number system of every field."""
        return self._layers[0].system

    @property
    def activation(self) -> str:
        """Name of the activation phi."""
        return self._layers[0].activation

    @property
    def C(self) -> Any:
        """Output matrix (p x n_L)."""
        return self._layers[-1].C

    def layer(self, l: int) -> dict[str, Any]:
        """Fields ``W, V, b, h0`` of layer ``l`` (1-based), as native matrices.

        Parameters
        ----------
        l : int
            Layer number, 1 <= l <= L.
        """
        if not isinstance(l, int) or not 1 <= l <= self.L:
            raise InvalidArgumentError(f"l: expected a layer number 1..{self.L} but found {l!r}")
        r = self._layers[l - 1]
        return {"W": r.W, "V": r.F, "b": r.b, "h0": r.h0}

    def layer_rnn(self, l: int) -> RNN:
        """Layer ``l`` (1-based) as an RNN with input matrix ``V_l`` (output identity, or C for l = L).

        Parameters
        ----------
        l : int
            Layer number, 1 <= l <= L.
        """
        self.layer(l)
        return self._layers[l - 1]

    def replace_layers(self, **changes: Any) -> StackedRNN:
        """A copy with per-layer fields replaced: ``h0=[h0_1, ..., h0_L]``, ``V=[...]``, ``C=...``.

        Parameters
        ----------
        **changes
            ``W``, ``V``, ``b``, ``h0``: lists of L values (None keeps a layer's
            value); ``C``: the new output matrix.
        """
        specs = [self.layer(l) for l in range(1, self.L + 1)]
        C = changes.pop("C", self._layers[-1]._C)
        for key, values in changes.items():
            if key not in _LAYER_KEYS:
                raise InvalidArgumentError(f"{key}: expected one of W, V, b, h0, C")
            if len(values) != self.L:
                raise ShapeError(f"{key}: expected {self.L} values (one per layer) but found {len(values)}")
            for spec, value in zip(specs, values, strict=True):
                if value is not None:
                    spec[key] = value
        return StackedRNN(specs, C, self.activation, system=self.system)

    # conversions ----------------------------------------------------------------
    def to_system(self, system: str) -> StackedRNN:
        """The same stacked RNN in another number system.

        Parameters
        ----------
        system : {"float64", "exact", "symbolic"}
            Target system (float64 -> exact is exact).
        """
        return StackedRNN._of([r.to_system(system) for r in self._layers])

    def to_exact(self) -> StackedRNN:
        """Exact copy (float64 entries become their dyadic rational values)."""
        return self.to_system("exact")

    def to_float(self) -> StackedRNN:
        """float64 copy."""
        return self.to_system("float64")

    # value semantics ------------------------------------------------------------
    def __eq__(self, other: object) -> bool:
        if not isinstance(other, StackedRNN):
            return NotImplemented
        return self._layers == other._layers

    def __hash__(self) -> int:
        return hash(self._layers)

    def __setattr__(self, key: str, value: Any) -> None:
        raise AttributeError("StackedRNN is immutable; use replace_layers(...)")

    def __repr__(self) -> str:
        return (
            f"StackedRNN(L={self.L}, sizes={self.sizes}, d={self.d}, p={self.p}, "
            f"activation={self.activation!r}, system={self.system!r})"
        )


def _check_stacked(stacked: Any, name: str = "stacked") -> StackedRNN:
    if not isinstance(stacked, StackedRNN):
        raise EntryTypeError(f"{name}: expected a StackedRNN but found {type(stacked).__name__}")
    return stacked


# ------------------------------------------------------------------------------
# simulation
# ------------------------------------------------------------------------------


def simulate_stacked(stacked: StackedRNN, xs: Any, *, return_states: bool = False) -> Any:
    """Outputs ``y(k) = C h_L(k)``, k = 0..T-1, of a stacked RNN.

    Parameters
    ----------
    stacked : StackedRNN
    xs : array-like
        Input sequence, as for :func:`urnn_sym.simulate` (float64 batches too).
    return_states : bool
        Also return the list ``[hs_1, ..., hs_L]`` of per-layer state sequences.

    Returns
    -------
    ys or (ys, states)
        Same types as :func:`urnn_sym.simulate`.

    Notes
    -----
    Each layer is simulated by :func:`urnn_sym.simulate`, fed with the state
    sequence of the layer below.
    """
    _check_stacked(stacked)
    states = []
    inputs = xs
    for rnn in stacked._layers[:-1]:
        _, hs = simulate(rnn, inputs, return_states=True)
        states.append(hs)
        inputs = hs
    ys, hs = simulate(stacked._layers[-1], inputs, return_states=True)
    states.append(hs)
    return (ys, states) if return_states else ys


def simulate_delayed(rnn: RNN, xs: Any, *, delay: int) -> Any:
    """Delayed outputs ``y(k + delay)``, k = 0..T-1, of a single-layer RNN.

    The input is padded with ``delay`` zero rows (by causality of the delayed
    construction the padding does not matter for the compared outputs).

    Parameters
    ----------
    rnn : RNN
    xs : array-like
        T input rows (float64: shape (T, d) or (T, B, d)).
    delay : int
        Non-negative delay.

    Examples
    --------
    >>> simulate_delayed(RNN([[0]], [[1]], [0], [[1]]), [[1], [2]], delay=1)[:, 0].tolist()
    [Fraction(2, 1), Fraction(0, 1)]
    """
    if not isinstance(delay, int) or delay < 0:
        raise InvalidArgumentError(f"delay: expected an integer >= 0 but found {delay!r}")
    if rnn.system == "float64":
        arr = to_inputs(xs, rnn.d, "float64")
        padded = np.concatenate([arr, np.zeros((delay, *arr.shape[1:]))], axis=0)
        return simulate(rnn, padded)[delay:]
    rows = to_inputs(xs, rnn.d, "symbolic" if rnn.system == "symbolic" else "exact")
    zero = arith(rnn.system).zeros(rnn.d, 1)
    return simulate(rnn, rows + [zero] * delay)[delay:, :]


# ------------------------------------------------------------------------------
# stacked -> delayed single layer
# ------------------------------------------------------------------------------


@dataclass(frozen=True)
class DelayedRNN:
    """A single-layer RNN whose outputs delayed by ``delay`` steps equal a stacked RNN's.

    Attributes
    ----------
    rnn : RNN
        The single-layer RNN (``sum(n_l)`` states, block lower-bidiagonal W).
    delay : int
        ``L - 1``: ``y_rnn(k + delay) = y_stacked(k)``.
    condition : Check
        The exact pre-history condition of :func:`delay_condition`.
    blocks : tuple of int
        Sizes ``(n_1, ..., n_L)`` of the state blocks.
    """

    rnn: RNN
    delay: int
    condition: Check
    blocks: tuple[int, ...] = field(default=())


def _column(ar: Any, vec: Any) -> Any:
    return ar.column(vec)


def _block_state(ar: Any, stacked: StackedRNN, s0: Any) -> list[Any]:
    """Split a single-layer state into per-layer columns (native of the system)."""
    N = sum(stacked.sizes)
    col = to_vector("s0", s0, system=stacked.system)
    col = _column(ar, col)
    if ar.shape(col)[0] != N:
        raise ShapeError(f"s0: expected shape ({N},) (sum of the layer sizes) but found ({ar.shape(col)[0]},)")
    vals = entries(col)
    out, start = [], 0
    for n in stacked.sizes:
        out.append(_column(ar, to_vector("s0", vals[start : start + n], system=stacked.system)))
        start += n
    return out


def _single_layer(stacked: StackedRNN, s0: Any = None) -> RNN:
    ar = arith(stacked.system)
    sizes, L = stacked.sizes, stacked.L
    rows, F_rows = [], []
    for l, rnn in enumerate(stacked._layers, 1):
        row = [ar.zeros(sizes[l - 1], sizes[j]) for j in range(L)]
        row[l - 1] = rnn._W
        if l >= 2:
            row[l - 2] = rnn._F
        rows.append(row)
        F_rows.append([rnn._F if l == 1 else ar.zeros(sizes[l - 1], stacked.d)])
    C = ar.block([[ar.zeros(stacked.p, n) for n in sizes[:-1]] + [stacked._layers[-1]._C]])
    b = ar.block([[_column(ar, r._b)] for r in stacked._layers])
    h0 = ar.block([[_column(ar, r._h0)] for r in stacked._layers]) if s0 is None else s0
    return RNN(ar.block(rows), ar.block(F_rows), b, C, h0, stacked.activation, system=stacked.system)


def delay_condition(stacked: StackedRNN, s0: Any = None, *, tol: float | None = None) -> Check:
    """Whether ``W_l p_l = W_l h0_l`` for every layer l (p_l: pre-history of the single layer).

    ``p_1 = s_1(-1)`` and ``p_l = s_l(l-2)`` for l >= 2, where ``s`` is the
    single-layer state started at ``s(-1) = s0``; ``p_l`` does not depend on the
    input.  When the condition holds, ``s_l(k) = h_l(k - l + 1)`` for all
    ``k >= l - 1`` and every input sequence (proof: ``proofs/stacked.py``).

    Parameters
    ----------
    stacked : StackedRNN
    s0 : vector-like, optional
        Initial state of the single layer (length ``sum(n_l)``); default: the
        stacked initial states ``[h0_1; ...; h0_L]``.
    tol : float, optional
        float64 networks only: compare ``max |W_l p_l - W_l h0_l| <= tol`` in
        float64 (the result says so).  Without it float64 networks are checked
        exactly as the dyadic rationals they are, which a rounded equilibrium
        usually fails.

    Returns
    -------
    Check
        ``data["layers"]`` lists the failing layers.

    Notes
    -----
    With ``s0`` the stacked initial state the condition holds when every layer
    l >= 2 starts at a fixed point ``h0_l = phi(W_l h0_l + V_l h0_{l-1} + b_l)``.
    For the identity activation the condition is also necessary.

    Examples
    --------
    >>> net = StackedRNN([([[0]], [[1]], [0]), ([["1/2"]], [[1]], [0], [1])], [[1]])
    >>> delay_condition(net).detail
    'W_l p_l != W_l h0_l for layers [2]'
    """
    _check_stacked(stacked)
    floating = stacked.system == "float64" and tol is not None
    exact = stacked if stacked.system != "float64" or floating else stacked.to_exact()
    ar = arith(exact.system)
    single = _single_layer(exact, None if s0 is None else ar.block([[c] for c in _block_state(ar, exact, s0)]))
    starts = _block_state(ar, exact, single._h0)
    pre = [starts[0]]
    if exact.L >= 2:
        _, hs = simulate(single, [[0] * exact.d] * (exact.L - 1), return_states=True)
        offsets = np.cumsum((0, *exact.sizes))
        for l in range(2, exact.L + 1):
            row = hs.row(l - 2) if isinstance(hs, sympy.MatrixBase) else hs[l - 2]
            pre.append(_column(ar, to_vector("p", list(row)[offsets[l - 1] : offsets[l]], system=exact.system)))
    bad = []
    for l, (rnn, p) in enumerate(zip(exact._layers, pre, strict=True), 1):
        lhs, rhs = ar.matmul(rnn._W, p), ar.matmul(rnn._W, _column(ar, rnn._h0))
        if not (float(np.max(np.abs(lhs - rhs))) <= float(tol) if floating else ar.equal(lhs, rhs)):  # type: ignore[arg-type]
            bad.append(l)
    how = "exact" if stacked.system != "float64" else "exact (float64 entries as dyadic rationals)"
    how = f"float64 with tol={tol:g}" if floating else how
    method = f"{how}: pre-history p_l of the single layer from s(-1), compared through W_l p_l == W_l h0_l"
    if bad:
        return Check(False, method, f"W_l p_l != W_l h0_l for layers {bad}", {"layers": bad})
    return Check(True, method, f"W_l p_l == W_l h0_l for all {exact.L} layers", {"layers": []})


def to_delayed_single_layer(
    stacked: StackedRNN, *, s0: Any = None, require_condition: bool = True, tol: float | None = None
) -> DelayedRNN:
    """The single-layer RNN ``s(k) = phi(W s(k-1) + F x(k) + b)`` with ``y_s(k + L - 1) = y_stacked(k)``.

    ``W`` is block lower-bidiagonal (diagonal blocks ``W_l``, sub-diagonal
    blocks ``V_l``), ``F = [V_1; 0; ...]``, ``b = [b_1; ...; b_L]``,
    ``C_s = [0, ..., 0, C]`` and ``s(-1) = s0`` (default ``[h0_1; ...; h0_L]``).

    Parameters
    ----------
    stacked : StackedRNN
    s0 : vector-like, optional
        Initial single-layer state; default the stacked initial states.
    require_condition : bool
        Raise :class:`HypothesisNotMetError` when the exact condition of
        :func:`delay_condition` fails (default).  With False the RNN is
        returned anyway and ``condition`` records the failure.
    tol : float, optional
        float64 networks only: tolerance of the condition (see :func:`delay_condition`).

    Returns
    -------
    DelayedRNN
        The RNN, the delay ``L - 1`` and the condition's :class:`Check`.

    Examples
    --------
    >>> net = StackedRNN([([[0]], [[1]], [0]), ([["1/2"]], [[1]], [0], [1])], [[1]])
    >>> to_delayed_single_layer(net)
    Traceback (most recent call last):
    ...
    urnn_sym.errors.HypothesisNotMetError: stacked: the delayed outputs equal the stacked ones only if ...
    """
    _check_stacked(stacked)
    ar = arith(stacked.system)
    start = None if s0 is None else ar.block([[c] for c in _block_state(ar, stacked, s0)])
    condition = delay_condition(stacked, s0, tol=tol)
    if require_condition and not condition:
        raise HypothesisNotMetError(
            f"stacked: the delayed outputs equal the stacked ones only if W_l p_l = W_l h0_l for every layer "
            f"(p_l the single layer's pre-history), e.g. when layers 2..L start at a fixed point; "
            f"found {condition.detail}; start from at_equilibrium(stacked) or pass require_condition=False"
        )
    return DelayedRNN(_single_layer(stacked, start), stacked.L - 1, condition, stacked.sizes)


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
    W = rnn._W
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
    _check_stacked(stacked)
    if stacked.activation not in ("relu", "identity"):
        raise UnsupportedError(
            f"activation: equilibria are computed for relu and identity but found {stacked.activation!r}"
        )
    ar = arith(stacked.system)
    prev = to_vector("x", [0] * stacked.d if x is None else x, system=stacked.system)
    if ar.shape(_column(ar, prev))[0] != stacked.d:
        raise ShapeError(f"x: expected shape ({stacked.d},) but found ({ar.shape(_column(ar, prev))[0]},)")
    out = []
    for rnn in stacked._layers:
        u = ar.add(ar.matmul(rnn._F, _column(ar, prev)), _column(ar, rnn._b))
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
    _check_stacked(stacked)
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
    for rnn, f in zip(stacked._layers, a, strict=True):
        V.append(ar.scale(f / prev, rnn._F))
        b.append(ar.scale(f, rnn._b))
        h0.append(ar.scale(f, rnn._h0))
        prev = f
    return stacked.replace_layers(V=V, b=b, h0=h0, C=ar.scale(1 / prev, stacked._layers[-1]._C))


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
    _check_stacked(stacked)
    exact = stacked if stacked.system != "float64" else stacked.to_exact()
    ws = []
    for l, rnn in enumerate(exact._layers, 1):
        check = is_contractive(rnn._W)
        if not check:
            raise NotContractiveError(f"layer {l}: W: the scaling needs ||W_{l}||_2 < 1 but {check.detail}")
        ws.append(spectral_norm_upper_bound(rnn._W, precision=precision))
    w = max(ws)
    v_norm = max((spectral_norm_upper_bound(r._F, precision=precision) for r in exact._layers[1:]), default=Fraction(0))
    while w >= 1:  # each ||W_l|| < 1 is proved; tighten the bounds until their maximum is below 1
        precision = as_fraction(precision) / 16
        w = max(spectral_norm_upper_bound(r._W, precision=precision) for r in exact._layers)
    alpha = Fraction(1)
    while True:  # ends: once w + alpha v < 1 the triangle inequality makes the exact test pass
        single = _single_layer(scale_layers(exact, [alpha ** (l - 1) for l in range(1, exact.L + 1)]))
        if is_contractive(single._W):
            break
        alpha /= 2
    norm_upper = spectral_norm_upper_bound(single._W, precision=precision)
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
# JSON: urnn-sym.stacked/1
# ------------------------------------------------------------------------------

_STACKED_KEYS = {"format", "activation", "layers", "C", "symbols", "description"}


def load_stacked(data: Any, *, exact: bool = False, source: str = "stacked") -> StackedRNN:
    """Build a :class:`StackedRNN` from a decoded ``urnn-sym.stacked/1`` document.

    Parameters
    ----------
    data : dict
        ``{"format": "urnn-sym.stacked/1", "activation": "relu", "layers":
        [{"W": .., "V": .., "b": .., "h0": ..}, ..], "C": ..}`` with the entry
        rules of ``urnn-sym.rnn/1`` (strings exact, JSON floats float64).
    exact : bool
        Convert JSON floats exactly to their dyadic rationals.
    source : str
        Name used in error messages.

    Examples
    --------
    >>> doc = {"format": STACKED_FORMAT, "layers": [{"W": [["1/2"]], "V": [[1]], "b": [0]}], "C": [[1]]}
    >>> load_stacked(doc)
    StackedRNN(L=1, sizes=(1,), d=1, p=1, activation='relu', system='exact')
    """
    if not isinstance(data, dict) or data.get("format") != STACKED_FORMAT:
        found = json.dumps(data.get("format")) if isinstance(data, dict) else type(data).__name__
        raise FileFormatError(f'{source}: expected "format": "{STACKED_FORMAT}" but found {found}')
    unknown = sorted(set(data) - _STACKED_KEYS)
    if unknown:
        raise FileFormatError(f"{source}: unknown keys {unknown} (allowed: {sorted(_STACKED_KEYS)})")
    if not isinstance(data.get("layers"), list) or not data["layers"] or "C" not in data:
        raise FileFormatError(f'{source}: expected a non-empty list "layers" and a matrix "C"')
    symbols = data.get("symbols", [])
    if not isinstance(symbols, list) or not all(isinstance(s, str) and s.isidentifier() for s in symbols):
        raise FileFormatError(f'{source}: "symbols" must be a list of names but found {json.dumps(symbols)}')
    syms = frozenset(symbols)
    depth = {"W": 2, "V": 2, "b": 1, "h0": 1}
    layers = []
    for l, layer in enumerate(data["layers"], 1):
        if not isinstance(layer, dict) or set(layer) - set(depth) or not {"W", "V", "b"} <= set(layer):
            raise FileFormatError(f"{source}: layers[{l - 1}]: expected an object with keys W, V, b and optional h0")
        layers.append({k: _convert(x, f"{source}: layer {l}: {k}", syms, exact, depth[k]) for k, x in layer.items()})
    floats = _has_json_float(data["C"]) or any(_has_json_float(x) for layer in data["layers"] for x in layer.values())
    C = _convert(data["C"], f"{source}: C", syms, exact, 2)
    try:
        return StackedRNN(layers, C, data.get("activation", "relu"), system="float64" if floats and not exact else None)
    except UrnnSymError as exc:
        raise type(exc)(f"{source}: {exc}") from exc


def dump_stacked(stacked: StackedRNN) -> dict[str, Any]:
    """The ``urnn-sym.stacked/1`` document of a stacked RNN (exact entries as strings).

    Parameters
    ----------
    stacked : StackedRNN
    """
    docs = [dump_rnn(r) for r in _check_stacked(stacked)._layers]
    out: dict[str, Any] = {
        "format": STACKED_FORMAT,
        "activation": stacked.activation,
        "layers": [{"W": d["W"], "V": d["F"], "b": d["b"], "h0": d["h0"]} for d in docs],
        "C": docs[-1]["C"],
    }
    symbols = sorted({s for d in docs for s in d.get("symbols", [])})
    if symbols:
        out["symbols"] = symbols
    return out


def read_stacked(path: str | os.PathLike[str], *, exact: bool = False) -> StackedRNN:
    """Read a ``urnn-sym.stacked/1`` file.

    Parameters
    ----------
    path : path-like
    exact : bool
        Convert JSON floats exactly.
    """
    return load_stacked(read_json(path, what="stacked RNN file"), exact=exact, source=str(path))


def write_stacked(stacked: StackedRNN, path: str | os.PathLike[str]) -> None:
    """Write a stacked RNN as ``urnn-sym.stacked/1``, atomically.

    Parameters
    ----------
    stacked : StackedRNN
    path : path-like
    """
    atomic_write_text(path, json.dumps(dump_stacked(stacked), indent=1) + "\n")


# ------------------------------------------------------------------------------
# z3: bounded check of the delayed equivalence
# ------------------------------------------------------------------------------


def _rational_rows(name: str, M: Any) -> list[list[Fraction]]:
    S = as_sympy(M)
    if not all(x.is_Rational for x in S):
        raise UnsupportedError(f"{name}: the z3 check needs rational entries (algebraic ones are not encoded)")
    return [[Fraction(int(x.p), int(x.q)) for x in S.row(i)] for i in range(S.rows)]


def _z3_layer(z3: Any, rnn: RNN, xs: list[list[Any]]) -> list[list[Any]]:
    """z3 terms of the states of ``rnn`` on the z3 inputs ``xs`` (relu or identity).

    Terms, not fresh variables: z3 shares identical sub-terms, so the stacked
    network and its delayed single layer unfold to the same terms.
    """
    W, F = _rational_rows("W", rnn._W), _rational_rows("F", rnn._F)
    b = [r[0] for r in _rational_rows("b", _column(arith(rnn.system), rnn._b))]
    h: list[Any] = [z3.Q(q.numerator, q.denominator) for r in _rational_rows("h0", rnn._h0) for q in r]
    states = []
    for x in xs:
        nxt = []
        for i in range(rnn.n):
            terms = [z3.Q(c.numerator, c.denominator) * h[j] for j, c in enumerate(W[i]) if c]
            terms += [z3.Q(c.numerator, c.denominator) * x[j] for j, c in enumerate(F[i]) if c]
            z = z3.Sum([*terms, z3.Q(b[i].numerator, b[i].denominator)])
            nxt.append(z3.If(z > 0, z, 0) if rnn.activation == "relu" else z)
        states.append(nxt)
        h = nxt
    return states


def check_delayed_equivalence(
    stacked: StackedRNN,
    rnn: RNN,
    *,
    delay: int,
    input_bound: Any,
    horizon: int,
    norm: str = "inf",
    timeout: float = 60.0,
) -> Check:
    """z3 bounded check that ``y_rnn(k + delay) = y_stacked(k)`` for k < horizon and every bounded input.

    Parameters
    ----------
    stacked : StackedRNN
        Rational (or float64, taken as its dyadic rationals) ReLU or identity network.
    rnn : RNN
        Single-layer RNN with the same input and output dimensions.
    delay : int
        The output delay (``L - 1`` for :func:`to_delayed_single_layer`).
    input_bound : number
        ``M``: inputs satisfy ``||x(k)||_norm <= M`` (the padding inputs too).
    horizon : int
        Number T of compared outputs.
    norm : {"inf", "2"}
        Input norm (the 2-norm is a quadratic constraint).
    timeout : float
        Seconds before z3 gives up.

    Returns
    -------
    Check
        holds: z3 found the negated statement unsatisfiable.  Refuted: ``data``
        holds the input (exact rationals) and the two differing outputs,
        re-simulated exactly.

    Raises
    ------
    SolverTimeoutError
        z3 answered unknown within ``timeout``.

    Examples
    --------
    >>> net = StackedRNN([([["1/2"]], [[1]], [0]), ([["1/2"]], [[1]], [0])], [[1]])
    >>> single = to_delayed_single_layer(net).rnn
    >>> bool(check_delayed_equivalence(net, single, delay=1, input_bound=1, horizon=3))
    True
    """
    import z3

    _check_stacked(stacked)
    if not isinstance(rnn, RNN):
        raise EntryTypeError(f"rnn: expected an RNN but found {type(rnn).__name__}")
    norm = v.check_norm(norm)
    M = as_fraction(input_bound, name="input_bound")
    v.check_positive("input_bound", M)
    for name, value in (("horizon", horizon), ("delay", delay)):
        if not isinstance(value, int) or value < (1 if name == "horizon" else 0):
            raise InvalidArgumentError(f"{name}: expected an integer >= {int(name == 'horizon')} but found {value!r}")
    if (rnn.d, rnn.p) != (stacked.d, stacked.p):
        raise ShapeError(f"rnn: expected d = {stacked.d}, p = {stacked.p} like stacked but found ({rnn.d}, {rnn.p})")
    for what, act in (("stacked", stacked.activation), ("rnn", rnn.activation)):
        if act not in ("relu", "identity"):
            raise UnsupportedError(f"{what}: the z3 encoding covers relu and identity but found {act!r}")
    if {stacked.system, rnn.system} & {"symbolic"}:
        raise UnsupportedError("the z3 check needs numeric networks; substitute the symbols first")
    solver = z3.Solver()
    solver.set("timeout", max(1, int(timeout * 1000)))
    xs = [[z3.Real(f"x_{k}_{i}") for i in range(stacked.d)] for k in range(horizon + delay)]
    Mz = z3.Q(M.numerator, M.denominator)
    for row in xs:
        if norm == "inf":
            solver.add(*[z3.And(-Mz <= x, x <= Mz) for x in row])
        else:
            solver.add(z3.Sum([x * x for x in row]) <= Mz * Mz)
    layer_in = xs[:horizon]
    for layer in stacked._layers:
        layer_in = _z3_layer(z3, layer, layer_in)
    single = _z3_layer(z3, rnn, xs)
    C_st, C_s = _rational_rows("C", stacked._layers[-1]._C), _rational_rows("C", rnn._C)

    def out(C: list[list[Fraction]], h: list[Any], i: int) -> Any:
        return z3.Sum([z3.Q(c.numerator, c.denominator) * h[j] for j, c in enumerate(C[i]) if c] + [z3.RealVal(0)])

    differ = [
        out(C_st, layer_in[k], i) != out(C_s, single[k + delay], i) for k in range(horizon) for i in range(stacked.p)
    ]
    solver.add(z3.Or(differ))
    verdict = solver.check()
    method = (
        f"z3 {z3.get_version_string()}: negation of y_rnn(k + {delay}) = y_stacked(k) for k < {horizon}, "
        f"||x(k)||_{norm} <= {M}"
    )
    if verdict == z3.unsat:
        return Check(True, method + " is unsatisfiable", f"proved for horizon {horizon}", {"horizon": horizon})
    if verdict == z3.unknown:
        raise SolverTimeoutError(f"z3: unknown within {timeout:g} s ({solver.reason_unknown()}); horizon {horizon}")
    model = solver.model()
    rows = [[_model_fraction(model.eval(x, model_completion=True)) for x in row] for row in xs]
    ex = stacked if stacked.system != "float64" else stacked.to_exact()
    ys_a = simulate_stacked(ex, rows[:horizon])
    ys_b = simulate(rnn if rnn.system != "float64" else rnn.to_exact(), rows)[delay:]
    k = next((k for k in range(horizon) if list(ys_a[k]) != list(ys_b[k])), None)
    if k is None:
        raise UnsupportedError("z3 returned a model that exact re-simulation does not confirm; please report")
    return Check(
        False,
        method + " is satisfiable; the input was re-simulated exactly",
        f"outputs differ at k = {k}: {[str(x) for x in ys_a[k]]} vs {[str(x) for x in ys_b[k]]}",
        {"xs": rows, "time_step": k},
    )


def _model_fraction(value: Any) -> Fraction:
    if hasattr(value, "numerator_as_long"):
        return Fraction(value.numerator_as_long(), value.denominator_as_long())
    raise UnsupportedError(f"z3 model value {value} is not rational (2-norm bound with irrational witness)")


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
        The record returned by :func:`urnn_sym.equivalence.construct_urnn`.
    """

    urnn: RNN
    delay: int
    scaling: LayerScaling
    construction: Any


def stack_to_urnn(stacked: StackedRNN, input_bound: Any, *, norm: str = "2", minimal: bool = False) -> StackedURNN:
    """Stacked contractive ReLU RNN -> URNN with delay ``L - 1`` (issue 8, item 3).

    Steps: the exact delay condition (:func:`delay_condition`), a certified
    contractive layer scaling (:func:`contractive_layer_scaling`), then
    Theorem 1 (:func:`urnn_sym.equivalence.construct_urnn`) on the scaled
    delayed single layer.

    Parameters
    ----------
    stacked : StackedRNN
        ReLU, ``||W_l||_2 < 1`` for every layer, started where the delay
        condition holds (e.g. :func:`at_equilibrium`).
    input_bound : number
        ``M``: equivalence on inputs with ``||x(k)||_norm <= M``.
    norm : {"2", "inf"}
        Input norm.
    minimal : bool
        Use the minimal completion.

    Returns
    -------
    StackedURNN
    """
    try:
        from .equivalence import construct_urnn
    except ModuleNotFoundError as exc:
        raise UnsupportedError(
            "stack_to_urnn: needs urnn_sym.equivalence.construct_urnn, which is not available"
        ) from exc
    _check_stacked(stacked)
    if stacked.activation != "relu":
        raise HypothesisNotMetError(f"activation: Theorem 1 needs relu but found {stacked.activation!r}")
    to_delayed_single_layer(stacked)
    scaling = contractive_layer_scaling(stacked)
    record = construct_urnn(scaling.delayed.rnn, input_bound, norm=norm, minimal=minimal)
    return StackedURNN(record.urnn, stacked.L - 1, scaling, record)
