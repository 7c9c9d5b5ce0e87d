"""Hypothesis strategies for single values: rationals, matrices, RNNs, input sequences.

Import them from :mod:`urnn_sym.strategies`."""

from __future__ import annotations

import math
from fractions import Fraction
from typing import Any

import flint
import numpy as np
import sympy
from hypothesis import strategies as st
from hypothesis.extra import numpy as hnp

from urnn_sym.construct.rational import cayley
from urnn_sym.errors import InvalidArgumentError
from urnn_sym.model import RNN
from urnn_sym.numbers.arith import arith, is_rational
from urnn_sym.validation import ACTIVATIONS, check_norm

__all__ = ["contractions", "exact_rationals", "input_sequences", "orthogonal_matrices", "rational_defect_rnns", "rnns"]


_STATES = st.integers(1, 4)
_DIMS = st.integers(1, 3)
_LENGTHS = st.integers(1, 20)


def _dims(value: int | st.SearchStrategy[int]) -> st.SearchStrategy[int]:
    return value if isinstance(value, st.SearchStrategy) else st.just(int(value))


def exact_rationals(max_numerator: int = 9, max_denominator: int = 9) -> st.SearchStrategy[Fraction]:
    """Return a strategy for small rationals ``a / b`` with ``|a| <= max_numerator``, ``1 <= b <= max_denominator``.

    Parameters
    ----------
    max_numerator : int, default 9
        Largest absolute value of the numerator ``a`` (drawn before reduction).
    max_denominator : int, default 9
        Largest denominator ``b`` (drawn before reduction); must be >= 1.

    Returns
    -------
    hypothesis.strategies.SearchStrategy of fractions.Fraction
        The rationals ``Fraction(a, b)`` (in lowest terms).
    """
    return st.builds(Fraction, st.integers(-max_numerator, max_numerator), st.integers(1, max_denominator))


def _float_matrix(r: int, c: int) -> st.SearchStrategy[np.ndarray]:
    return hnp.arrays(np.float64, (r, c), elements=st.floats(-1, 1, allow_nan=False, width=64))


@st.composite
def contractions(
    draw: st.DrawFn,
    n: int | st.SearchStrategy[int] = _STATES,
    *,
    system: str = "float64",
    max_norm: float = 0.99,
) -> Any:
    """Strategy for square matrices with ``||W||_2 < 1`` (at most ``max_norm``).

    float64: a random matrix with entries in [-1, 1] scaled so its SVD norm is
    a drawn value in ``[0, max_norm]`` (up to float64 rounding of the scaling).
    exact: an integer matrix ``A`` with entries in [-9, 9] divided by an integer
    ``m > ||A||_F / max_norm``, a ``flint.fmpq_mat``, so ``||W||_2 <= ||A||_F / m
    < max_norm`` is a proof.

    Parameters
    ----------
    n : int or SearchStrategy of int, default integers(1, 4)
        The size (number of states); an int is used as is (not validated).
    system : {"float64", "exact"}, default "float64"
        The number system of the drawn matrices.
    max_norm : float, default 0.99
        Upper bound on the spectral norm; must satisfy ``0 < max_norm < 1``.
        Exact draws satisfy ``||W||_2 < max_norm`` exactly; float64 draws
        ``||W||_2 <= max_norm`` up to the rounding of the scaling.

    Returns
    -------
    SearchStrategy
        Read-write float64 ``numpy.ndarray`` or exact ``flint.fmpq_mat`` matrices.

    Raises
    ------
    InvalidArgumentError
        If ``max_norm`` is not in (0, 1), or ``system`` is not "float64" or
        "exact" (raised when an example is drawn).

    Notes
    -----
    math.md section 1 (contractive: ``||W||_2 < 1``).
    """
    if not 0 < max_norm < 1:
        raise InvalidArgumentError(f"max_norm: expected 0 < max_norm < 1 but found {max_norm}")
    size = draw(_dims(n))
    if system == "float64":
        A = draw(_float_matrix(size, size))
        norm = float(np.linalg.norm(A, 2))
        target = draw(st.floats(0, max_norm))
        W = A * (target / norm) if norm > 1e-100 else np.zeros_like(A)
        return W
    if system != "exact":
        raise InvalidArgumentError(f"system: expected 'float64' or 'exact' but found {system!r}")
    ints = draw(st.lists(st.integers(-9, 9), min_size=size * size, max_size=size * size))
    frob2 = sum(v * v for v in ints)
    bound = Fraction(max_norm)
    m = math.isqrt(math.floor(frob2 / bound**2))
    while (m * bound) ** 2 <= frob2:  # the least m with ||A||_F / m < max_norm
        m += 1
    m += draw(st.integers(0, 5))
    return flint.fmpq_mat(size, size, [flint.fmpq(v, m) for v in ints])


@st.composite
def orthogonal_matrices(draw: st.DrawFn, n: int | st.SearchStrategy[int] = _STATES, *, system: str = "float64") -> Any:
    """Strategy for orthogonal matrices ``W^T W = I``: Haar float64 (``scipy.stats.ortho_group``) or exact Cayley.

    The exact ones are ``(I - K)(I + K)^-1`` with K rational skew-symmetric
    (``I + K`` is always invertible), times a drawn diagonal of signs so
    that reflections appear too.

    Parameters
    ----------
    n : int or SearchStrategy of int, default integers(1, 4)
        The size; an int is used as is.  Size 1 float64 draws ``[[1.0]]`` or
        ``[[-1.0]]``.
    system : {"float64", "exact"}, default "float64"
        float64: Haar-distributed, seeded from a drawn integer, orthogonal up
        to rounding.  exact: a ``flint.fmpq_mat``, exactly orthogonal.

    Returns
    -------
    SearchStrategy
        float64 ``numpy.ndarray`` or exact ``flint.fmpq_mat`` matrices.

    Raises
    ------
    InvalidArgumentError
        If ``system`` is not "float64" or "exact" (raised when an example is drawn).

    Notes
    -----
    math.md section 2 (rational orthogonal factors by the Cayley transform).
    """
    size = draw(_dims(n))
    if system == "float64":
        if size == 1:
            return np.array([[draw(st.sampled_from([-1.0, 1.0]))]])
        from scipy.stats import ortho_group

        seed = draw(st.integers(0, 2**32 - 1))
        return ortho_group.rvs(size, random_state=np.random.default_rng(seed))
    if system != "exact":
        raise InvalidArgumentError(f"system: expected 'float64' or 'exact' but found {system!r}")
    K = flint.fmpq_mat(size, size)
    for i in range(size):
        for j in range(i + 1, size):
            q = draw(exact_rationals(5, 4))
            K[i, j] = flint.fmpq(q.numerator, q.denominator)
            K[j, i] = -K[i, j]
    signs = draw(st.lists(st.sampled_from([1, -1]), min_size=size, max_size=size))
    return cayley(K) * arith("exact").diag(signs)


@st.composite
def _vector(draw: st.DrawFn, n: int, system: str) -> Any:
    if system == "float64":
        return draw(hnp.arrays(np.float64, (n,), elements=st.floats(-2, 2, allow_nan=False, width=64)))
    return [draw(exact_rationals()) for _ in range(n)]


@st.composite
def _matrix(draw: st.DrawFn, r: int, c: int, system: str) -> Any:
    if system == "float64":
        return draw(hnp.arrays(np.float64, (r, c), elements=st.floats(-2, 2, allow_nan=False, width=64)))
    return [[draw(exact_rationals()) for _ in range(c)] for _ in range(r)]


@st.composite
def rnns(
    draw: st.DrawFn,
    *,
    n: int | st.SearchStrategy[int] = _STATES,
    d: int | st.SearchStrategy[int] = _DIMS,
    p: int | st.SearchStrategy[int] = _DIMS,
    system: str = "float64",
    activation: str | st.SearchStrategy[str] = "relu",
    contractive: bool = True,
    zero_h0: bool = False,
) -> RNN:
    """Strategy for :class:`urnn_sym.RNN` values of a number system (``"float64"``, ``"exact"`` or ``"symbolic"``).

    Symbolic RNNs have exact numeric entries except W's diagonal, which holds
    real symbols ``w0, w1, ...``.  F, b, C and h0 have entries in [-2, 2]
    (float64) or are small rationals from :func:`exact_rationals` (exact).

    Parameters
    ----------
    n : int or SearchStrategy of int, default integers(1, 4)
        Number of states.
    d : int or SearchStrategy of int, default integers(1, 3)
        Input dimension.
    p : int or SearchStrategy of int, default integers(1, 3)
        Output dimension.
    system : {"float64", "exact", "symbolic"}, default "float64"
        The number system of the RNN; any value other than "float64" draws
        exact entries, and :class:`urnn_sym.RNN` rejects unknown names.
    activation : str or SearchStrategy of str, default "relu"
        One of "relu", "sigmoid", "tanh", "identity", or a strategy for them,
        e.g. ``st.sampled_from(["relu", "sigmoid"])``.
    contractive : bool, default True
        Draw W from :func:`contractions` (``||W||_2 < 1``); otherwise W has
        arbitrary entries.  For symbolic RNNs the symbolic diagonal replaces
        W's diagonal, so W is then not known to be contractive.
    zero_h0 : bool, default False
        Leave ``h0`` at its default (zero) instead of drawing it.

    Returns
    -------
    SearchStrategy of RNN
        The RNNs.

    Raises
    ------
    InvalidArgumentError
        If ``activation`` (or a drawn activation) is unknown, or ``system`` is
        not one of the three systems (raised when an example is drawn).
    """
    act = draw(activation) if isinstance(activation, st.SearchStrategy) else activation
    if act not in ACTIVATIONS:
        raise InvalidArgumentError(f"activation: expected one of {', '.join(ACTIVATIONS)} but found {act!r}")
    sizes = [draw(_dims(v)) for v in (n, d, p)]
    nn, dd, pp = sizes
    base = "float64" if system == "float64" else "exact"
    W = draw(contractions(nn, system=base)) if contractive else draw(_matrix(nn, nn, base))
    F = draw(_matrix(nn, dd, base))
    b = draw(_vector(nn, base))
    C = draw(_matrix(pp, nn, base))
    h0 = None if zero_h0 else draw(_vector(nn, base))
    if system == "symbolic":
        Ws = sympy.Matrix(_as_rows(W))
        for i in range(nn):
            Ws[i, i] = sympy.Symbol(f"w{i}", real=True)
        return RNN(Ws, F, b, C, h0, act, system="symbolic")
    return RNN(W, F, b, C, h0, act, system=system)


def _as_rows(W: Any) -> list[list[Any]]:
    if is_rational(W):
        return [[sympy.Rational(int(W[i, j].p), int(W[i, j].q)) for j in range(W.ncols())] for i in range(W.nrows())]
    return [list(r) for r in W]


@st.composite
def input_sequences(
    draw: st.DrawFn,
    d: int,
    *,
    bound: Any = 1,
    norm: str = "inf",
    length: int | st.SearchStrategy[int] = _LENGTHS,
    system: str = "float64",
    batch: int | None = None,
) -> Any:
    """Strategy for input sequences with ``||x(k)||_norm <= bound`` for every k (the set ``X_M`` of math.md section 1).

    Parameters
    ----------
    d : int
        Input dimension (entries per row); must be >= 1.
    bound : number, default 1
        The bound M on every ``||x(k)||``, meant to be >= 0 (not validated: a
        negative bound gives ``||x(k)|| <= |bound|``).  float64 uses
        ``float(bound)``; exact uses ``Fraction(bound)`` exactly.
    norm : {"inf", "2"}, default "inf"
        The norm of each ``x(k)``.
    length : int or SearchStrategy of int, default integers(1, 20)
        The number of time steps T; must be >= 1.
    system : {"float64", "exact"}, default "float64"
        float64: an array; exact: lists of ``Fraction`` rows.
    batch : int, optional
        float64 only (``simulate`` runs batches in float64): draw a batch of
        this many sequences, shape (T, batch, d).

    Returns
    -------
    SearchStrategy
        float64: arrays of shape (T, d) or (T, batch, d) (for the 2-norm the
        rows are scaled to ``bound * (1 - 1e-12)`` at most, to absorb
        rounding).  exact: lists of T rows of d ``Fraction`` entries for which
        the bound holds exactly.

    Raises
    ------
    InvalidArgumentError
        If ``norm`` is not "2" or "inf", ``system`` is not "float64" or
        "exact", ``batch`` is given for exact inputs, or T < 1 or d < 1 (all
        raised when an example is drawn).
    """
    norm = check_norm(norm)
    if system not in ("float64", "exact"):
        raise InvalidArgumentError(f"system: expected 'float64' or 'exact' but found {system!r}")
    if batch is not None and system != "float64":
        raise InvalidArgumentError(f"batch: batches are float64 only but found batch={batch} with system='exact'")
    T = draw(_dims(length))
    if T < 1 or d < 1:
        raise InvalidArgumentError(f"length, d: expected >= 1 but found T={T}, d={d}")
    if system == "float64":
        M = float(bound)
        shape = (T, d) if batch is None else (T, batch, d)
        xs = draw(hnp.arrays(np.float64, shape, elements=st.floats(-1, 1, allow_nan=False, width=64)))
        if norm == "inf":
            return xs * M
        norms = np.linalg.norm(xs, axis=-1, keepdims=True)
        scale = np.where(norms > 1, 1 / np.maximum(norms, 1), 1.0)
        return xs * scale * M * (1 - 1e-12)
    Mq = Fraction(bound)
    rows = []
    for _ in range(T):
        row = [draw(exact_rationals(20, 20)) / 20 for _ in range(d)]  # entries in [-1, 1]
        if norm == "2":
            sq = sum(v * v for v in row)
            if sq > 1:
                # divide by a rational upper bound of the 2-norm (isqrt, rounded up)
                row = [v / (Fraction(math.isqrt(math.ceil(sq * 10**6)) + 1, 10**3)) for v in row]
        rows.append([v * Mq for v in row])
    return rows


@st.composite
def rational_defect_rnns(
    draw: st.DrawFn,
    *,
    n: int | st.SearchStrategy[int] = _STATES,
    d: int | st.SearchStrategy[int] = _DIMS,
    p: int | st.SearchStrategy[int] = _DIMS,
    unit: int = 0,
) -> Any:
    """Exact ReLU RNNs whose W is in the rational-defect family, with the factors of W.

    Draws a :class:`urnn_sym.construct.rational.RationalDefectInstance` (``.rnn``,
    ``.svd``): ``W = P S Q^T`` with Cayley-transform P, Q and pythagorean
    singular values, so the unitary completion is exactly rational; ``unit``
    singular values equal 1.

    Parameters
    ----------
    n, d, p : int or strategy
        States, inputs, outputs.
    unit : int
        Number of singular values of W equal to 1 (``||W||_2 = 1`` when > 0).
    """
    from urnn_sym.construct.rational import rational_defect_rnn  # lazy: rational imports model and completion

    sizes = [draw(_dims(v)) for v in (n, d, p)]
    if unit > sizes[0]:
        raise InvalidArgumentError(f"unit: expected at most n = {sizes[0]} but found {unit}")
    return rational_defect_rnn(*sizes, seed=draw(st.integers(0, 2**32 - 1)), unit=unit)
