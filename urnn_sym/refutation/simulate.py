"""Exact and certified ball simulation of RNNs, for re-simulating a claimed difference."""

from __future__ import annotations

from collections.abc import Sequence
from fractions import Fraction
from typing import Any

import flint
import sympy

from urnn_sym.errors import EntryTypeError, ShapeError, UnsupportedError
from urnn_sym.model import RNN, simulate
from urnn_sym.numbers.activations import SMOOTH, ball_activation
from urnn_sym.numbers.arith import as_fraction, exact_sign, working_precision


def exact_rows(xs: Sequence[Sequence[Any]]) -> list[list[Fraction]]:
    """Input rows as exact ``Fraction`` (floats keep their dyadic value)."""
    return [[as_fraction(v, name=f"xs[{k}][{i}]") for i, v in enumerate(row)] for k, row in enumerate(xs)]


def exact_outputs(rnn: RNN, xs: Sequence[Sequence[Any]]) -> list[list[Any]]:
    """Exact outputs of a piecewise-linear RNN (float parameters taken as their exact dyadic values).

    Parameters
    ----------
    rnn : RNN
        ReLU or identity network.
    xs : sequence of rows
        The input sequence.
    """
    if rnn.activation in SMOOTH:
        raise UnsupportedError(f"activation: exact outputs need relu or identity but found {rnn.activation!r}")
    ys = simulate(rnn.to_exact(), exact_rows(xs))
    return [list(row) for row in ys.tolist()]


def input_within_bound(xs: Sequence[Sequence[Fraction]], input_bound: Fraction, norm: str) -> bool:
    """Exact test ``||x(k)||_norm <= input_bound`` for every k (2-norm by squares).

    Parameters
    ----------
    xs : sequence of rows of Fraction
        The input sequence.
    input_bound : Fraction
        M.
    norm : {'inf', '2'}
        The input norm.
    """
    if norm == "inf":
        return all(abs(v) <= input_bound for row in xs for v in row)
    return all(sum(v * v for v in row) <= input_bound * input_bound for row in xs)


def first_difference(ya: Rows, yb: Rows) -> int | None:
    for k, (ra, rb) in enumerate(zip(ya, yb, strict=True)):
        if any(not same_number(a, b) for a, b in zip(ra, rb, strict=True)):  # exact: algebraic outputs too
            return k
    return None


Rows = list[list[Any]]


def same_number(u: Any, v: Any) -> bool:
    """Exact equality of two exact numbers (rational or algebraic)."""
    if isinstance(u, Fraction) and isinstance(v, Fraction):
        return u == v
    return exact_sign(sympy.sympify(u) - sympy.sympify(v)) == 0


def _ball(value: Any, name: str) -> flint.arb:
    if isinstance(value, flint.arb):
        return value
    q = as_fraction(value, name=name)
    return flint.arb(flint.fmpq(q.numerator, q.denominator))


def _ball_parameters(rnn: RNN) -> dict[str, flint.arb_mat]:
    return {k: flint.arb_mat(v) for k, v in rational_parameters(rnn).items()}


def simulate_ball(rnn: RNN, xs: Sequence[Sequence[Any]], *, precision: int = 128, return_states: bool = False) -> Any:
    """Rigorous enclosures ``y(k) in Y(k)`` of the outputs (and states) of ``rnn`` on ``xs``.

    Parameters
    ----------
    rnn : RNN
        Rational or float64 parameters (floats are their exact dyadic values), any activation.
    xs : sequence of rows
        T rows of d exact numbers (``Fraction``, int, ``"3/5"``, float) or ``flint.arb`` balls.
    precision : int
        Working precision in bits.
    return_states : bool
        Also return the state enclosures.

    Returns
    -------
    ys or (ys, hs)
        Lists of T rows of ``flint.arb``.

    Notes
    -----
    Every arithmetic step of python-flint's ``arb`` widens the ball so that the true
    value stays inside; sigmoid is evaluated as ``(1 + tanh(z/2)) / 2``.
    """
    params = _ball_parameters(rnn)
    rows = list(xs)
    if not rows:
        raise ShapeError("xs: the input sequence is empty (expected T >= 1 time steps)")
    ys: list[list[flint.arb]] = []
    hs: list[list[flint.arb]] = []
    with working_precision(precision):
        h = params["h0"]
        for k, row in enumerate(rows):
            if len(row) != rnn.d:
                raise ShapeError(f"xs[{k}]: expected {rnn.d} entries (the input dimension) but found {len(row)}")
            x = flint.arb_mat([[_ball(v, f"xs[{k}][{i}]")] for i, v in enumerate(row)])
            z = params["W"] * h + params["F"] * x + params["b"]
            h = flint.arb_mat([[ball_activation(rnn.activation, z[i, 0])] for i in range(rnn.n)])
            y = params["C"] * h
            hs.append([h[i, 0] for i in range(rnn.n)])
            ys.append([y[i, 0] for i in range(rnn.p)])
    return (ys, hs) if return_states else ys


def enclosure_text(ball: flint.arb, digits: int = 30) -> str:
    """A decimal ``"[mid +/- rad]"`` that contains the ball (``flint.arb(text)`` reads it back).

    Parameters
    ----------
    ball : flint.arb
    digits : int
        Significant digits of the midpoint.

    Examples
    --------
    >>> enclosure_text(flint.arb(1) / 3, 10)
    '[0.3333333333 +/- 3.34e-11]'
    """
    return ball.str(digits, radius=True, more=True) if ball.rad() != 0 else f"[{ball.str(digits, more=True)} +/- 0]"


def ball_gap(a: flint.arb, b: flint.arb) -> flint.arb | None:
    """A certified lower bound on ``|u - v|`` for ``u in a, v in b``, or None if they overlap."""
    if a.overlaps(b):
        return None
    return b.lower() - a.upper() if a < b else a.lower() - b.upper()


def ball_bounds(ball: flint.arb) -> tuple[Fraction, Fraction] | None:
    """Exact endpoints ``(mid - rad, mid + rad)`` of a finite ball (independent of the working precision)."""
    if not ball.is_finite():
        return None
    (m, e), (r, f) = ball.mid().man_exp(), ball.rad().man_exp()
    mid, rad = Fraction(int(m)) * Fraction(2) ** int(e), Fraction(int(r)) * Fraction(2) ** int(f)
    return mid - rad, mid + rad


def rational_parameters(rnn: RNN) -> dict[str, flint.fmpq_mat]:
    """``W, F, b, C, h0`` as exact ``fmpq_mat`` (float64 entries become their dyadic values).

    Parameters
    ----------
    rnn : RNN
        float64 or rational exact parameters.
    """
    if not isinstance(rnn, RNN):
        raise EntryTypeError(f"rnn: expected an RNN but found {type(rnn).__name__}")
    if rnn.system == "symbolic":
        raise UnsupportedError("rnn: has free symbols; exact rational arithmetic needs numeric parameters")
    exact = rnn.to_exact()
    if not exact.is_rational:
        raise UnsupportedError("rnn: has irrational (algebraic) entries; exact rational arithmetic needs rationals")
    return {k: getattr(exact, k) for k in ("W", "F", "b", "C", "h0")}
