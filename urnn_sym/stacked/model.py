"""The stacked RNN value, its simulation and the ``urnn-sym.stacked/1`` file format.

An L-layer stacked RNN (layer l = 1..L, ``h_0(k) = x(k)``)::

    h_l(k) = phi(W_l h_l(k-1) + V_l h_{l-1}(k) + b_l),    y(k) = C h_L(k),    h_l(-1) = h0_l

Each layer is held as an :class:`urnn_sym.RNN` (math.md section 1) with input
matrix ``V_l``.  The delayed single layer that mimics a stacked RNN is in
:mod:`urnn_sym.stacked.delay`, its equilibria, scalings and URNN in
:mod:`urnn_sym.stacked.urnn`; :mod:`urnn_sym.stacked` re-exports all three.

``urnn-sym.stacked/1``::

    {"format": "urnn-sym.stacked/1", "activation": "relu",
     "layers": [{"W": .., "V": .., "b": .., "h0": ..}, ..], "C": ..}

with the entry rules of ``urnn-sym.rnn/1`` (:mod:`urnn_sym.io`).
"""

from __future__ import annotations

import json
import os
import re
from collections.abc import Mapping, Sequence
from typing import Any

from urnn_sym import validation as v
from urnn_sym.errors import EntryTypeError, FileFormatError, InvalidArgumentError, ShapeError, UrnnSymError
from urnn_sym.io import atomic_write_text, convert_field, dump_rnn, read_json
from urnn_sym.model import RNN, simulate
from urnn_sym.numbers.arith import arith, infer_system, to_matrix

__all__ = [
    "STACKED_FORMAT",
    "StackedRNN",
    "dump_stacked",
    "load_stacked",
    "read_stacked",
    "simulate_stacked",
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
    _layers: tuple[RNN, ...]

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
    def layers(self) -> tuple[RNN, ...]:
        """The layers as RNNs (immutable; layer l is ``layers[l - 1]``)."""
        return self._layers

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


def check_stacked(stacked: Any, name: str = "stacked") -> StackedRNN:
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
    check_stacked(stacked)
    states = []
    inputs = xs
    for rnn in stacked._layers[:-1]:
        _, hs = simulate(rnn, inputs, return_states=True)
        states.append(hs)
        inputs = hs
    ys, hs = simulate(stacked._layers[-1], inputs, return_states=True)
    states.append(hs)
    return (ys, states) if return_states else ys


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
    layers, floats = [], False
    for l, layer in enumerate(data["layers"], 1):
        if not isinstance(layer, dict) or set(layer) - set(depth) or not {"W", "V", "b"} <= set(layer):
            raise FileFormatError(f"{source}: layers[{l - 1}]: expected an object with keys W, V, b and optional h0")
        fields = {
            k: convert_field(x, where=f"{source}: layer {l}: {k}", depth=depth[k], symbols=syms, exact=exact)
            for k, x in layer.items()
        }
        layers.append({k: value for k, (value, _) in fields.items()})
        floats = floats or any(has_float for _, has_float in fields.values())
    C, C_floats = convert_field(data["C"], where=f"{source}: C", depth=2, symbols=syms, exact=exact)
    floats = floats or C_floats
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
    docs = [dump_rnn(r) for r in check_stacked(stacked)._layers]
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
