"""The RNN value object and its simulation.

Convention (column vectors, used everywhere in urnn-sym, including files)::

    h(k) = phi(W h(k-1) + F x(k) + b),    y(k) = C h(k),    h(-1) = h0

with ``W`` n x n, ``F`` n x d, ``b`` n, ``C`` p x n (math.md section 1).

Examples
--------
>>> from fractions import Fraction as Q
>>> rnn = RNN([[Q(1, 2)]], [[1]], [0], [[1]])
>>> rnn.system, rnn.n, rnn.d, rnn.p
('exact', 1, 1, 1)
>>> simulate(rnn, [[1], [1], [-4]]).ravel().tolist()
[Fraction(1, 1), Fraction(3, 2), Fraction(0, 1)]
"""

from __future__ import annotations

from collections.abc import Iterator
from functools import cached_property
from typing import Any

import flint
import numpy as np
import sympy

from urnn_sym import validation as v
from urnn_sym.errors import EntryTypeError, InvalidArgumentError, NonFiniteError, ShapeError, UnsupportedError
from urnn_sym.numbers.arith import (
    arith,
    as_sympy,
    entries,
    exact_sign,
    fmpq_to_fraction,
    infer_system,
    is_rational,
    to_matrix,
    to_system,
    to_vector,
)
from urnn_sym.numbers.matrices import infer_fields

__all__ = ["RNN", "simulate", "to_inputs"]

_FIELDS = ("W", "F", "b", "C", "h0")


class RNN:
    """An RNN ``h(k) = phi(W h(k-1) + F x(k) + b), y(k) = C h(k)``, immutable.

    Parameters
    ----------
    W, F, C : matrix-like
        Lists of rows, numpy arrays, sympy or flint matrices: ``W`` is n x n,
        ``F`` is n x d and ``C`` is p x n, with n, d, p >= 1.
    b : vector-like
        Bias, length n.
    h0 : vector-like, optional
        Initial state ``h(-1)``; zero when omitted.
    activation : {"relu", "sigmoid", "tanh", "identity"}, default "relu"
        The componentwise activation ``phi``.
    system : {"float64", "exact", "symbolic"}, optional
        Forced number system; inferred from the entries when omitted (any
        symbol -> symbolic; any exact entry such as ``Fraction``, ``"3/5"`` or
        ``sympy.sqrt(2)``, or all entries integers -> exact; else float64).
        Floats converted to exact keep their exact dyadic value.

    Raises
    ------
    InvalidArgumentError
        If ``activation`` or ``system`` is not one of the allowed names.
    ShapeError
        If W is not square, a dimension is 0, or F, C, b, h0 do not match n
        (the message names the field and the expected and found shapes).
    EntryTypeError, NonFiniteError, ParseError
        If an entry cannot be converted (see :func:`urnn_sym.numbers.arith.to_matrix`).

    Notes
    -----
    math.md section 1.  Exact fields are ``flint.fmpq_mat`` when rational and immutable sympy
    matrices when some entry is an algebraic irrational; vectors are columns.
    float64 fields are read-only numpy arrays; vectors are 1-D.  float64
    arrays and lists of Python floats are checked in one vectorised pass; a
    read-only float64 array (viewing only read-only arrays) is kept without a
    copy, any other array is copied.

    Examples
    --------
    >>> RNN([[0.5]], [[1.0]], [0.0], [[2.0]]).to_exact().matrices()["W"]
    Matrix([[1/2]])
    >>> RNN([[0]], [[1]], [0, 1], [[1]])
    Traceback (most recent call last):
    ...
    urnn_sym.errors.ShapeError: b: ...
    """

    __slots__ = ("_C", "_F", "_W", "__dict__", "_activation", "_b", "_h0", "_system")

    def __init__(
        self,
        W: Any,
        F: Any,
        b: Any,
        C: Any,
        h0: Any = None,
        activation: str = "relu",
        *,
        system: str | None = None,
    ) -> None:
        activation = v.check_activation(activation)
        if system is not None and system not in ("float64", "exact", "symbolic"):
            raise InvalidArgumentError(f"system: expected float64, exact or symbolic but found {system!r}")
        given = {"W": W, "F": F, "C": C, "b": b, "h0": h0}
        if system is None:
            system, converted = infer_fields(given)
            if system == "float64":
                given.update(converted)  # float lists already checked and converted: not again
        mats = {k: to_matrix(k, given[k], system=system) for k in ("W", "F", "C")}
        vecs = {"b": to_vector("b", given["b"], system=system)}
        if h0 is not None:
            vecs["h0"] = to_vector("h0", given["h0"], system=system)
        ar = arith(system)
        n, n2 = ar.shape(mats["W"])
        v.check_positive_dim("W", n, "the number of states n")
        v.check_shape("W", (n, n2), (n, n))
        d = ar.shape(mats["F"])[1]
        v.check_positive_dim("F", d, "the input dimension d (columns of F)")
        v.check_shape("F", ar.shape(mats["F"]), (n, d))
        p = ar.shape(mats["C"])[0]
        v.check_positive_dim("C", p, "the output dimension p (rows of C)")
        v.check_shape("C", ar.shape(mats["C"]), (p, n))
        for k, x in vecs.items():
            found_n = x.shape[0] if isinstance(x, np.ndarray) else ar.shape(x)[0]
            if found_n != n:
                raise ShapeError(f"{k}: expected shape ({n},) to match W but found ({found_n},)")
        if "h0" not in vecs:
            vecs["h0"] = ar.zero_vector(n)
        self._W, self._F, self._C = mats["W"], mats["F"], mats["C"]
        self._b, self._h0 = vecs["b"], vecs["h0"]
        self._activation = activation
        self._system = system

    # accessors ------------------------------------------------------------------
    @property
    def W(self) -> Any:
        """Recurrence matrix (n x n)."""
        return self._copy(self._W)

    @property
    def F(self) -> Any:
        """Input matrix (n x d)."""
        return self._copy(self._F)

    @property
    def b(self) -> Any:
        """Bias (n)."""
        return self._copy(self._b)

    @property
    def C(self) -> Any:
        """Output matrix (p x n)."""
        return self._copy(self._C)

    @property
    def h0(self) -> Any:
        """Initial state h(-1) (n)."""
        return self._copy(self._h0)

    def native(self, key: str) -> Any:
        """The stored native value of a field, shared rather than copied (read it, never modify it).

        The properties ``W``, ``F``, ``b``, ``C`` and ``h0`` return copies of
        exact fields; algorithms that only read a field use this accessor to
        avoid the copy.

        Parameters
        ----------
        key : {"W", "F", "b", "C", "h0"}
            The field.

        Returns
        -------
        numpy.ndarray, flint.fmpq_mat or sympy.ImmutableMatrix
            The field in this RNN's number system (float64 vectors are 1-D,
            others ``n x 1`` columns).

        Raises
        ------
        InvalidArgumentError
            If ``key`` is not a field name.

        Examples
        --------
        >>> RNN([[1]], [[2]], [3], [[4]]).native("b").tolist()
        [[3]]
        """
        if key not in _FIELDS:
            raise InvalidArgumentError(f"key: expected one of {', '.join(_FIELDS)} but found {key!r}")
        return getattr(self, "_" + key)

    @staticmethod
    def _copy(x: Any) -> Any:
        return flint.fmpq_mat(x) if is_rational(x) else x

    @property
    def activation(self) -> str:
        """Name of the activation phi."""
        return self._activation

    @property
    def system(self) -> str:
        """Number system: ``"float64"``, ``"exact"`` or ``"symbolic"``."""
        return self._system

    @property
    def n(self) -> int:
        """Number of states."""
        return arith(self._system).shape(self._W)[0]

    @property
    def d(self) -> int:
        """Input dimension."""
        return arith(self._system).shape(self._F)[1]

    @property
    def p(self) -> int:
        """Output dimension."""
        return arith(self._system).shape(self._C)[0]

    @cached_property
    def is_rational(self) -> bool:
        """True for exact RNNs whose entries are all rational."""
        return all(is_rational(x) for x in self._fields())

    def _fields(self) -> Iterator[Any]:
        yield from (self._W, self._F, self._b, self._C, self._h0)

    # conversions ----------------------------------------------------------------
    def replace(self, **changes: Any) -> RNN:
        """A copy with some fields replaced (``W=..., activation=...``).

        Parameters
        ----------
        **changes
            New values for ``W``, ``F``, ``b``, ``C``, ``h0``, ``activation`` or
            ``system``.  Without ``system`` the copy keeps this RNN's number
            system (a float64 value in an exact RNN is converted exactly, an
            exact value in a float64 RNN is rounded), unless a new entry is a
            sympy symbol: then the copy is symbolic.

        Returns
        -------
        RNN
            The new model; this one is unchanged.

        Examples
        --------
        >>> from fractions import Fraction as Q
        >>> RNN([[Q(1, 2)]], [[1]], [0], [[1]]).replace(W=[[0.25]]).system
        'exact'
        >>> RNN([[0.5]], [[1.0]], [0.0], [[1.0]]).replace(W=[[Q(1, 4)]]).system
        'float64'
        """
        fields = {k: getattr(self, "_" + k) for k in _FIELDS}
        fields["activation"] = self._activation
        fields.update(changes)
        if "system" not in changes:
            new = infer_system(**{k: changes[k] for k in _FIELDS if k in changes})
            fields["system"] = "symbolic" if new == "symbolic" else self._system
        return RNN(**fields)

    def to_system(self, system: str) -> RNN:
        """The same RNN in another number system (see :func:`urnn_sym.numbers.arith.to_system`)."""
        if system == self._system:
            return self
        fields = {k: to_system(getattr(self, "_" + k), system, name=k) for k in _FIELDS}
        return RNN(**fields, activation=self._activation, system=system)

    def to_exact(self) -> RNN:
        """Exact copy; float64 entries become their exact dyadic rational values."""
        return self.to_system("exact")

    def to_float(self) -> RNN:
        """float64 copy (entries rounded to the nearest double)."""
        return self.to_system("float64")

    def to_symbolic(self) -> RNN:
        """Copy whose fields are sympy matrices (for printing and LaTeX)."""
        if self._system == "symbolic":
            return self
        fields = {k: as_sympy(getattr(self, "_" + k)) for k in _FIELDS}
        return RNN(**fields, activation=self._activation, system="symbolic")

    def matrices(self) -> dict[str, sympy.ImmutableMatrix]:
        """All fields as sympy matrices, e.g. for ``sympy.latex``."""
        return {k: as_sympy(getattr(self, "_" + k)) for k in _FIELDS}

    # value semantics ------------------------------------------------------------
    def __eq__(self, other: object) -> bool:
        if not isinstance(other, RNN):
            return NotImplemented
        if (self._system, self._activation) != (other._system, other._activation):
            return False
        ar = arith(self._system)
        return all(ar.equal(ar.column(a), ar.column(b)) for a, b in zip(self._fields(), other._fields(), strict=True))

    def __hash__(self) -> int:
        return hash((self._system, self._activation, self.n, self.d, self.p))

    def __setattr__(self, key: str, value: Any) -> None:
        if key in _FIELDS or key in ("activation", "system"):
            raise AttributeError(f"RNN is immutable; use rnn.replace({key}=...)")
        super().__setattr__(key, value)

    def __repr__(self) -> str:
        return f"RNN(n={self.n}, d={self.d}, p={self.p}, activation={self._activation!r}, system={self._system!r})"


# ------------------------------------------------------------------------------
# inputs
# ------------------------------------------------------------------------------


def to_inputs(xs: Any, d: int, system: str, *, name: str = "xs") -> Any:
    """Return the input sequence ``xs`` validated and converted for an RNN with input dimension ``d``.

    Parameters
    ----------
    xs : array-like
        The input sequence ``x(0), ..., x(T-1)`` with T >= 1.  float64: anything
        ``numpy.asarray`` turns into a float array of shape (T, d), or (T, B, d)
        for a batch of B sequences.  exact / symbolic: a list (or numpy / sympy
        matrix) of T rows of d entries, each converted with
        :func:`urnn_sym.numbers.arith.to_vector`.
    d : int
        The input dimension the rows must have (``rnn.d``).
    system : {"float64", "exact", "symbolic"}
        The number system to convert to (the RNN's).
    name : str, default "xs"
        The argument name used as the prefix of error messages (rows are
        reported as ``xs[k]``).

    Returns
    -------
    numpy.ndarray or list
        float64: the array, shape (T, d) or (T, B, d).  exact / symbolic: a list
        of T native ``d x 1`` columns.

    Raises
    ------
    EntryTypeError
        If float64 conversion fails, or for exact / symbolic ``xs`` is a string
        or has no length; also for unsupported entries.
    ShapeError
        If the sequence is empty (T = 0), the array is not 2-D or 3-D, or a row
        does not have ``d`` entries.
    NonFiniteError
        If an entry is NaN or infinite.
    ParseError, InvalidArgumentError
        If an exact entry cannot be parsed, or ``system`` is unknown (exact /
        symbolic path).
    """
    if system == "float64":
        try:
            arr = np.asarray(xs, dtype=np.float64)
        except OverflowError as exc:
            raise NonFiniteError(f"{name}: an entry is too large for float64 ({exc})") from exc
        except (TypeError, ValueError) as exc:
            raise EntryTypeError(f"{name}: expected numbers but could not convert to float64 ({exc})") from exc
        if arr.ndim not in (2, 3):
            raise ShapeError(f"{name}: expected shape (T, {d}) or (T, B, {d}) but found {arr.shape}")
        if arr.shape[0] == 0:
            raise ShapeError(f"{name}: the input sequence is empty (expected T >= 1 time steps)")
        if arr.shape[-1] != d:
            expected = f"(T, {d})" if arr.ndim == 2 else f"(T, B, {d})"
            raise ShapeError(f"{name}: expected shape {expected} but found {arr.shape}")
        if not np.all(np.isfinite(arr)):
            raise NonFiniteError(f"{name}: expected finite entries but found {arr[~np.isfinite(arr)][0]}")
        return arr
    rows = xs.tolist() if isinstance(xs, (np.ndarray, sympy.MatrixBase)) else xs
    if isinstance(rows, (str, bytes)) or not hasattr(rows, "__len__"):
        raise EntryTypeError(f"{name}: expected a list of T rows of {d} entries but found {type(xs).__name__}")
    if len(rows) == 0:
        raise ShapeError(f"{name}: the input sequence is empty (expected T >= 1 time steps)")
    cols = []
    for k, row in enumerate(rows):
        col = to_vector(f"{name}[{k}]", row, system=system)
        if arith(system).shape(col)[0] != d:
            raise ShapeError(
                f"{name}[{k}]: expected {d} entries (the input dimension) but found {arith(system).shape(col)[0]}"
            )
        cols.append(col)
    return cols


# ------------------------------------------------------------------------------
# simulation
# ------------------------------------------------------------------------------


def _float_activation(name: str, z: np.ndarray) -> np.ndarray:
    if name == "relu":
        return np.maximum(z, 0.0)
    if name == "sigmoid":
        return 0.5 * (1.0 + np.tanh(0.5 * z))
    if name == "tanh":
        return np.tanh(z)
    return z


def _symbolic_activation(name: str, z: sympy.Expr) -> sympy.Expr:
    if name == "relu":
        return sympy.Max(0, z)
    if name == "sigmoid":
        return 1 / (1 + sympy.exp(-z))
    if name == "tanh":
        return sympy.tanh(z)
    return z


def _simulate_float(rnn: RNN, xs: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    batched = xs.ndim == 3
    X = xs if batched else xs[:, None, :]
    T, B, _ = X.shape
    W, F, b, C = rnn._W, rnn._F, rnn._b, rnn._C
    drive = X @ F.T + b  # (T, B, n): the input part of every pre-activation
    hs = np.empty((T, B, rnn.n))
    h = np.broadcast_to(rnn._h0, (B, rnn.n))
    for k in range(T):
        h = _float_activation(rnn.activation, h @ W.T + drive[k])
        hs[k] = h
    ys = hs @ C.T
    return (ys, hs) if batched else (ys[:, 0, :], hs[:, 0, :])


def _simulate_fmpq(rnn: RNN, cols: list[flint.fmpq_mat]) -> tuple[list[Any], list[Any]]:
    W, F, b, C = rnn._W, rnn._F, rnn._b, rnn._C
    relu = rnn.activation == "relu"
    h = rnn._h0
    hs, ys = [], []
    for x in cols:
        z = W * h + F * x + b
        h = flint.fmpq_mat(z.nrows(), 1, [q if q > 0 else 0 for q in z.entries()]) if relu else z
        hs.append(h)
        ys.append(C * h)
    return ys, hs


def _simulate_sympy(rnn: RNN, cols: list[Any], exact: bool) -> tuple[list[Any], list[Any]]:
    W, F, b, C, h = (as_sympy(x) for x in rnn._fields())
    act = rnn.activation
    hs, ys = [], []
    for x in cols:
        z = (W * h + F * as_sympy(x) + b).applyfunc(sympy.expand) if exact else W * h + F * as_sympy(x) + b
        if exact and act == "relu":
            h = z.applyfunc(lambda e: e if exact_sign(e) > 0 else sympy.Integer(0))
        elif exact:
            h = z
        else:
            h = z.applyfunc(lambda e: _symbolic_activation(act, e))
        hs.append(h)
        ys.append((C * h).applyfunc(sympy.expand) if exact else C * h)
    return ys, hs


def _stack_exact(cols: list[Any]) -> np.ndarray:
    """A list of T exact columns as a (T, m) object array of Fractions / sympy numbers."""
    out = np.empty((len(cols), arith("exact").shape(cols[0])[0]), dtype=object)
    for k, col in enumerate(cols):
        vals = entries(col)
        out[k, :] = [fmpq_to_fraction(q) if isinstance(q, flint.fmpq) else q for q in vals]
    return out


def simulate(rnn: RNN, xs: Any, *, return_states: bool = False) -> Any:
    """Outputs ``y(0..T-1)`` of ``rnn`` on the input sequence ``xs``.

    Parameters
    ----------
    rnn : RNN
        The model to run.
    xs : array-like
        float64: shape (T, d), or (T, B, d) for a batch of B sequences (vectorised).
        exact and symbolic: T rows of d entries (converted exactly; symbols are
        allowed for symbolic RNNs).
    return_states : bool, default False
        Also return the states ``h(0..T-1)``, in the same layout as the outputs.

    Returns
    -------
    ys or (ys, hs)
        float64: arrays of shape (T, p) / (T, B, p).  exact: (T, p) object
        arrays of ``Fraction`` (rational RNNs, computed with python-flint) or
        exact sympy numbers (algebraic RNNs).  symbolic: a sympy matrix with T
        rows, ReLU appearing as ``Max(0, .)``.

    Raises
    ------
    EntryTypeError
        If ``rnn`` is not an :class:`RNN`, or ``xs`` cannot be converted.
    ShapeError, NonFiniteError
        If ``xs`` is empty, has the wrong shape or non-finite entries (see :func:`to_inputs`).
    UnsupportedError
        If an exact RNN has a sigmoid or tanh activation (transcendental values).

    Notes
    -----
    The recursion of math.md section 1, ``h(k) = phi(W h(k-1) + F x(k) + b)``,
    ``y(k) = C h(k)``, ``h(-1) = h0``.  Exact ReLU decides ``z > 0`` exactly
    (:func:`urnn_sym.numbers.arith.exact_sign` for algebraic entries).

    Examples
    --------
    >>> import sympy
    >>> w, x0, x1 = sympy.symbols("w x0 x1", real=True)
    >>> ys = simulate(RNN([[w]], [[1]], [0], [[1]]), [[x0], [x1]])
    >>> sympy.latex(ys[1, 0])
    '\\\\max\\\\left(0, w \\\\max\\\\left(0, x_{0}\\\\right) + x_{1}\\\\right)'
    """
    if not isinstance(rnn, RNN):
        raise EntryTypeError(f"rnn: expected an RNN but found {type(rnn).__name__}")
    system = rnn.system
    if system == "float64":
        ys, hs = _simulate_float(rnn, to_inputs(xs, rnn.d, "float64"))
        return (ys, hs) if return_states else ys
    cols = to_inputs(xs, rnn.d, system)  # exact or symbolic here
    if system == "exact":
        if rnn.activation in ("sigmoid", "tanh"):
            raise UnsupportedError(
                f"activation: exact simulation needs a piecewise-linear activation but found "
                f"{rnn.activation!r} (its values are transcendental); use rnn.to_symbolic() or rnn.to_float()"
            )
        if rnn.is_rational and all(is_rational(c) for c in cols):
            ys_l, hs_l = _simulate_fmpq(rnn, cols)
        else:
            ys_l, hs_l = _simulate_sympy(rnn, cols, exact=True)
        ys_a = _stack_exact(ys_l)
        return (ys_a, _stack_exact(hs_l)) if return_states else ys_a
    ys_s, hs_s = _simulate_sympy(rnn, cols, exact=False)
    ys_m = sympy.ImmutableMatrix.vstack(*[y.T for y in ys_s])
    if return_states:
        return ys_m, sympy.ImmutableMatrix.vstack(*[h.T for h in hs_s])
    return ys_m
