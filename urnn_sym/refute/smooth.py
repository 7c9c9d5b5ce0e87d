"""Theorem 3 for smooth activations: the witness, certified ball simulation, certified distinguishing inputs.

* :func:`sigmoid_witness` -- the memoryless RNN ``y(k) = sigma(x(k))`` (``W = 0``;
  also with tanh).  No URNN with finitely many states matches it: an m-state URNN
  already differs on some input of length at most ``m + 1`` (math.md section 4).
* :func:`simulate_ball` -- rigorous ``flint.arb`` enclosures of the states and
  outputs of any RNN with rational parameters (sigmoid and tanh are monotone, so a
  ball ``[lo, hi]`` is mapped to the hull of the enclosures of ``phi(lo)`` and ``phi(hi)``).
* :func:`distinguishing_input_smooth` -- the route that
  :func:`urnn_sym.refute.distinguish.distinguishing_input` takes for sigmoid/tanh pairs:
  a float64 search over inputs of length ``1 .. m + 1`` that climbs the output gap
  along the Jacobian difference, then a certificate: disjoint ball enclosures of
  the two outputs, with the precision doubled until they separate.
* :func:`recheck_smooth` -- re-evaluates a smooth refutation at a higher precision:
  the new enclosures must be disjoint and lie inside the recorded ones (every
  recorded output, see :func:`ball_recheck`).
* Candidates to test against: :func:`random_candidate` (Haar-random orthogonal),
  :func:`fitted_candidate` (least squares on the witness, projected to
  orthogonal, refitted) and :func:`delay_line_candidate` (exact; agrees with the
  witness on *every* input of length ``<= m``, so the bound ``m + 1`` is tight).

Examples
--------
>>> from fractions import Fraction as Q
>>> w = sigmoid_witness()
>>> y = simulate_ball(w, [[0], [Q(1, 2)]], precision=64)
>>> y[0][0].str(5, radius=False), y[1][0].str(5, radius=False)
('0.50000', '0.62246')
>>> ref = distinguishing_input_smooth(w, delay_line_candidate(2), input_bound=1)
>>> ref.status, ref.length, ref.data["precision"]
('refuted', 3, 128)
>>> bool(recheck_smooth(ref, precision=512))
True
"""

from __future__ import annotations

import math
import numbers
import time
from fractions import Fraction
from typing import Any

import flint
import numpy as np
import scipy.linalg

from urnn_sym.errors import EntryTypeError, InvalidArgumentError
from urnn_sym.evidence import Check
from urnn_sym.model import RNN, simulate
from urnn_sym.numbers.activations import SMOOTH
from urnn_sym.numbers.arith import arith, working_precision
from urnn_sym.refutation.document import Refutation, inconclusive
from urnn_sym.refutation.recheck import recheck
from urnn_sym.refutation.simulate import ball_gap, enclosure_text, input_within_bound, simulate_ball
from urnn_sym.validation import check_input_bound, check_int, check_norm, check_pair
from urnn_sym.witnesses import MAX_WITNESS_STATES

__all__ = [
    "SMOOTH_METHOD",
    "delay_line_candidate",
    "distinguishing_input_smooth",
    "fitted_candidate",
    "random_candidate",
    "recheck_smooth",
    "sigmoid_witness",
]

SMOOTH_METHOD = (
    "ball arithmetic: output-gap search along the Jacobian difference on inputs of length <= m + 1 "
    "(math.md section 4), certified by disjoint arb enclosures"
)
_GRID = 2**24  # inputs are rounded to multiples of 2^-24 before certification
_FLOAT_GAP = 1e-12  # float64 gaps below this are treated as noise (still tried once at the end)


# ------------------------------------------------------------------------------
# the witness
# ------------------------------------------------------------------------------


def _dim(name: str, value: Any) -> int:
    if isinstance(value, bool) or not isinstance(value, numbers.Integral):
        raise EntryTypeError(f"{name}: expected an integer dimension but found {type(value).__name__}")
    if not 1 <= int(value) <= MAX_WITNESS_STATES:
        raise InvalidArgumentError(f"{name}: expected a dimension in 1..{MAX_WITNESS_STATES} but found {value}")
    return int(value)


def _smooth_activation(activation: Any) -> str:
    if activation not in SMOOTH:
        raise InvalidArgumentError(f"activation: expected 'sigmoid' or 'tanh' but found {activation!r}")
    return str(activation)


def sigmoid_witness(n: int = 1, d: int | None = None, p: int | None = None, activation: str = "sigmoid") -> RNN:
    """The memoryless RNN ``y(k) = C sigma(F x(k))`` with ``W = 0`` (exact); n = d = p = 1 by default.

    Parameters
    ----------
    n : int
        Number of states (default 1).
    d, p : int, optional
        Input and output dimensions (default n).
    activation : {"sigmoid", "tanh"}

    Returns
    -------
    RNN
        ``W = 0``, ``F = [I 0]`` (n x d), ``b = 0``, ``C = [I 0]`` (p x n), ``h0 = 0``.

    Notes
    -----
    Theorem 3 (math.md section 4): ``||W||_2 = 0 < 1`` and no URNN with finitely many
    states (any activation whose derivative never vanishes) matches it on a ball of
    inputs; an m-state URNN differs on an input of length ``<= m + 1``.

    Examples
    --------
    >>> w = sigmoid_witness()
    >>> (w.n, w.d, w.p, w.activation), w.matrices()["W"]
    ((1, 1, 1, 'sigmoid'), Matrix([[0]]))
    >>> sigmoid_witness(activation="relu")
    Traceback (most recent call last):
    ...
    urnn_sym.errors.InvalidArgumentError: activation: expected 'sigmoid' or 'tanh' but found 'relu'
    """
    n = _dim("n", n)
    d = n if d is None else _dim("d", d)
    p = n if p is None else _dim("p", p)
    activation = _smooth_activation(activation)
    ar = arith("exact")

    def eye(rows: int, cols: int) -> Any:
        return ar.matrix([[int(i == j) for j in range(cols)] for i in range(rows)])

    return RNN(ar.zeros(n, n), eye(n, d), ar.zeros(n, 1), eye(p, n), ar.zeros(n, 1), activation, system="exact")


# ------------------------------------------------------------------------------
# ball simulation
# ------------------------------------------------------------------------------


# ------------------------------------------------------------------------------
# candidates
# ------------------------------------------------------------------------------


def delay_line_candidate(m: int, activation: str = "sigmoid") -> RNN:
    """An exact m-state URNN that agrees with :func:`sigmoid_witness` on every input of length ``<= m``.

    ``U`` is the cyclic shift (state i reads state i-1, state 1 reads state m), only
    state 1 sees the input and the output reads state 1.  With sigmoid every state
    starts at 1/2 and every bias is -1/2, so ``sigma(1/2 - 1/2) = 1/2`` keeps the
    line at rest until ``x(0)`` travels around it: ``y(k) = sigma(x(k))`` for
    ``k < m`` and ``y(m)`` depends on ``x(0)``.  With tanh the rest value is 0.

    Parameters
    ----------
    m : int
        Number of states.
    activation : {"sigmoid", "tanh"}

    Examples
    --------
    >>> delay_line_candidate(3).matrices()["W"]
    Matrix([
    [0, 0, 1],
    [1, 0, 0],
    [0, 1, 0]])
    """
    m = _dim("m", m)
    activation = _smooth_activation(activation)
    rest = Fraction(1, 2) if activation == "sigmoid" else Fraction(0)
    U = [[int(j == (i - 1) % m) for j in range(m)] for i in range(m)]
    G = [[int(i == 0)] for i in range(m)]
    return RNN(U, G, [-rest] * m, [[int(j == 0) for j in range(m)]], [rest] * m, activation, system="exact")


def _check_candidate_options(m: Any, d: Any, p: Any, activation: Any) -> tuple[int, int, int, str]:
    return _dim("m", m), _dim("d", d), _dim("p", p), _smooth_activation(activation)


def random_candidate(m: int, *, d: int = 1, p: int = 1, activation: str = "sigmoid", seed: int = 0) -> RNN:
    """A float64 m-state URNN: Haar-random orthogonal ``U`` (scipy), Gaussian ``G, c, D, g0``.

    Parameters
    ----------
    m, d, p : int
        States, input and output dimensions.
    activation : {"sigmoid", "tanh"}
    seed : int

    Examples
    --------
    >>> from urnn_sym.construct.hypotheses import is_orthogonal
    >>> bool(is_orthogonal(random_candidate(4).W, tol=1e-12))
    True
    """
    import scipy.stats

    m, d, p, activation = _check_candidate_options(m, d, p, activation)
    rng = np.random.default_rng(seed)
    U = scipy.stats.ortho_group.rvs(m, random_state=rng) if m > 1 else np.array([[rng.choice([-1.0, 1.0])]])
    G, c = rng.normal(size=(m, d)), rng.normal(size=m)
    D, g0 = rng.normal(size=(p, m)) / math.sqrt(m), rng.normal(size=m)
    return RNN(U, G, c, D, g0, activation, system="float64")


def _polar(A: np.ndarray) -> np.ndarray:
    return scipy.linalg.polar(A)[0]


def fitted_candidate(
    m: int,
    *,
    activation: str = "sigmoid",
    input_bound: float = 1.0,
    seed: int = 0,
    samples: int = 32,
    start: str = "random",
) -> RNN:
    """An adversarial m-state URNN: least squares on the witness, projected to orthogonal, refitted.

    Stage 1 fits all of ``(W, G, c, D, g0)`` to the outputs of ``sigmoid_witness(1,
    activation=...)`` on ``samples`` random sequences of length ``m + 1`` in
    ``[-M, M]`` (scipy ``least_squares``); stage 2 replaces W by its polar factor
    (the nearest orthogonal matrix); stage 3 refits ``G, c, D, g0`` with U fixed.
    The fit starts from a random candidate or from :func:`delay_line_candidate`
    with Gaussian noise of scale 0.1 (the hardest start: it already agrees on lengths ``<= m``).

    Parameters
    ----------
    m : int
        Number of states.
    activation : {"sigmoid", "tanh"}
    input_bound : float
        M, the box of the training inputs.
    seed : int
    samples : int
        Number of training sequences.
    start : {"random", "delay-line"}
        Starting point of the fit.

    Examples
    --------
    >>> c = fitted_candidate(2, seed=1)
    >>> c.n, c.system
    (2, 'float64')
    """
    import scipy.optimize

    m, _, _, activation = _check_candidate_options(m, 1, 1, activation)
    if start not in ("random", "delay-line"):
        raise InvalidArgumentError(f"start: expected 'random' or 'delay-line' but found {start!r}")
    rng = np.random.default_rng(seed)
    X = rng.uniform(-input_bound, input_bound, size=(m + 1, samples, 1))
    target = simulate(sigmoid_witness(activation=activation).to_float(), X)

    def unpack(theta: np.ndarray, U: np.ndarray | None) -> RNN:
        k = 0 if U is not None else m * m
        W = U if U is not None else theta[:k].reshape(m, m)
        G, c, D, g0 = (theta[k + i * m : k + (i + 1) * m] for i in range(4))
        return RNN(W, G.reshape(m, 1), c, D.reshape(1, m), g0, activation, system="float64")

    def residuals(theta: np.ndarray, U: np.ndarray | None) -> np.ndarray:
        return (simulate(unpack(theta, U), X) - target).ravel()

    if start == "random":
        theta = np.concatenate([0.5 * random_candidate(m, seed=seed).W.ravel(), rng.normal(size=4 * m)])
    else:
        line = delay_line_candidate(m, activation).to_float()
        fields = (line.W, line.F, line.b, line.C, line.h0)
        theta = np.concatenate([np.ravel(f) for f in fields]) + 0.1 * rng.normal(size=m * m + 4 * m)
    theta = scipy.optimize.least_squares(residuals, theta, args=(None,), max_nfev=8).x
    U = _polar(theta[: m * m].reshape(m, m))
    rest = scipy.optimize.least_squares(residuals, theta[m * m :], args=(U,), max_nfev=16).x
    return unpack(rest, U)


# ------------------------------------------------------------------------------
# distinguishing inputs
# ------------------------------------------------------------------------------


class _Search:
    """float64 search for a large output gap at the last step of inputs of a given length."""

    def __init__(self, rnn: RNN, candidate: RNN, r: float) -> None:
        self.a, self.b, self.r, self.d = rnn.to_float(), candidate.to_float(), r, rnn.d

    def gaps(self, X: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """Signed gaps ``(T, B, p)`` -> per point: largest |gap| at the last step and its component."""
        diff = (simulate(self.a, X) - simulate(self.b, X))[-1]
        comp = np.argmax(np.abs(diff), axis=-1)
        return np.abs(diff[np.arange(diff.shape[0]), comp]), comp

    def climb(self, x: np.ndarray, steps: int = 24) -> np.ndarray:
        """Sign-gradient ascent of the gap (central differences = the Jacobian difference), kept in the box."""
        T, d = x.shape
        h, step = 1e-6 * self.r, self.r / 4
        best = self.gaps(x[:, None, :])[0][0]
        for _ in range(steps):
            E = np.eye(T * d).reshape(T * d, T, d) * h
            X = np.concatenate([x[None] + E, x[None] - E]).transpose(1, 0, 2)
            diff = (simulate(self.a, X) - simulate(self.b, X))[-1]
            g0 = (simulate(self.a, x[:, None, :]) - simulate(self.b, x[:, None, :]))[-1, 0]
            i = int(np.argmax(np.abs(g0)))
            grad = np.sign(g0[i]) * (diff[: T * d, i] - diff[T * d :, i]).reshape(T, d)
            trial = np.clip(x + step * np.sign(grad), -self.r, self.r)
            value = self.gaps(trial[:, None, :])[0][0]
            if value > best:
                x, best = trial, value
            else:
                step /= 2
        return x


def _rational_point(x: np.ndarray, r: Fraction) -> list[list[Fraction]]:
    return [[min(max(Fraction(round(float(v) * _GRID), _GRID), -r), r) for v in row] for row in x]


def _certify(
    rnn: RNN, candidate: RNN, xs: list[list[Fraction]], precision: int, max_precision: int
) -> tuple[int, int, int, list[list[flint.arb]], list[list[flint.arb]], flint.arb] | None:
    """``(k, i, bits, ya, yb, gap)`` for the first certified difference, doubling the precision."""
    bits = precision
    while bits <= max_precision:
        ya, yb = simulate_ball(rnn, xs, precision=bits), simulate_ball(candidate, xs, precision=bits)
        for k in range(len(xs)):
            for i in range(rnn.p):
                with working_precision(bits):
                    gap = ball_gap(ya[k][i], yb[k][i])
                if gap is not None:
                    return k, i, bits, ya[: k + 1], yb[: k + 1], gap
        bits *= 2
    return None


def distinguishing_input_smooth(
    rnn: RNN,
    candidate: RNN,
    *,
    input_bound: Any,
    norm: str = "inf",
    horizon: int | None = None,
    points: int = 128,
    seed: int = 0,
    precision: int = 128,
    max_precision: int = 1024,
) -> Refutation:
    """An input with ``||x(k)||_norm <= input_bound`` on which the outputs differ, certified in ball arithmetic.

    Parameters
    ----------
    rnn, candidate : RNN
        Same d and p; rational or float64 parameters; sigmoid or tanh (any
        activation is simulated correctly).
    input_bound : number
        M > 0.
    norm : {"inf", "2"}
    horizon : int, optional
        Longest input tried; default ``candidate.n + 1`` (math.md section 4: an
        m-state URNN differs from the witness on an input of length ``<= m + 1``).
    points : int
        Random points per length before the gap climb.
    seed : int
    precision, max_precision : int
        First and last working precision (bits) of the certificate; doubled in between.

    Returns
    -------
    Refutation
        "refuted": ``xs`` exact, ``time_step`` the first certified k, ``ys_rnn``,
        ``ys_candidate`` decimal enclosures, ``data`` with ``precision``,
        ``enclosures``, ``gap_lower`` (a certified lower bound on the output gap),
        ``component``.  Otherwise "inconclusive" with what was tried.

    Notes
    -----
    For lengths T = 1, 2, ..., horizon: ``points`` random inputs in the box, the best
    few climbed by sign-gradient ascent of ``|y_a(T-1) - y_b(T-1)|`` (the gradient is
    the difference of the two output Jacobians, which the dimension-growth argument
    says cannot vanish identically for ``T <= m + 1``); each point is rounded to a
    grid of ``2^-24``, clipped into the box and certified with :func:`simulate_ball`.
    """
    check_pair(rnn, candidate, network_type=RNN, purpose="a refutation")
    norm = check_norm(norm)
    M = check_input_bound(input_bound)
    horizon = candidate.n + 1 if horizon is None else check_int("horizon", horizon, 1)
    points = check_int("points", points, 1)
    precision = check_int("precision", precision, 16)
    max_precision = check_int("max_precision", max_precision, precision)
    start = time.perf_counter()
    r = M if norm == "inf" else M / (math.isqrt(rnn.d - 1) + 1)
    search = _Search(rnn, candidate, float(r))
    rng = np.random.default_rng(seed)
    tried: list[str] = []
    fallback: tuple[float, list[list[Fraction]]] = (-1.0, [])
    for T in range(1, horizon + 1):
        X = rng.uniform(-float(r), float(r), size=(T, points, rnn.d))
        gap, _ = search.gaps(X)
        order = np.argsort(-gap)[:3]
        starts = [search.climb(X[:, j, :].copy()) for j in order]
        climbed = np.stack(starts, axis=1)
        final, _ = search.gaps(climbed)
        best = float(final.max())
        ranked = [_rational_point(climbed[:, j, :], r) for j in np.argsort(-final)]
        if best > fallback[0]:
            fallback = (best, ranked[0])
        if best <= _FLOAT_GAP:
            tried.append(f"length {T}: largest float64 gap {best:.3g} (noise level)")
            continue
        for xs in ranked:
            found = _certify(rnn, candidate, xs, precision, max_precision)
            if found is not None and input_within_bound(xs, M, norm):
                return _refuted(rnn, candidate, xs, found, M, norm, tried, best, start)
        tried.append(f"length {T}: float64 gap {best:.3g} but the enclosures overlap up to {max_precision} bits")
    if fallback[1]:
        found = _certify(rnn, candidate, fallback[1], max_precision, max_precision)
        if found is not None:
            return _refuted(rnn, candidate, fallback[1], found, M, norm, tried, fallback[0], start)
    return inconclusive(
        f"no certified difference on inputs of length <= {horizon}: " + "; ".join(tried),
        method=SMOOTH_METHOD,
        input_bound=M,
        norm=norm,
        tried=tried,
        data={"horizon": horizon, "max_precision": max_precision, "seconds": round(time.perf_counter() - start, 4)},
        rnn=rnn,
        candidate=candidate,
    )


def _refuted(
    rnn: RNN,
    candidate: RNN,
    xs: list[list[Fraction]],
    found: tuple[int, int, int, list[list[flint.arb]], list[list[flint.arb]], flint.arb],
    M: Fraction,
    norm: str,
    tried: list[str],
    float_gap: float,
    start: float,
) -> Refutation:
    k, i, bits, ya, yb, gap = found
    rows_a = [[enclosure_text(v) for v in row] for row in ya]
    rows_b = [[enclosure_text(v) for v in row] for row in yb]
    gap_lower = math.nextafter(float(gap.lower()), 0.0)
    why = (
        f"y({k})[{i}] lies in {ya[k][i].str(12)} for the RNN but in {yb[k][i].str(12)} for the candidate: "
        f"disjoint at {bits} bits, gap >= {gap_lower:.3e}"
    )
    data = {
        "precision": bits,
        "component": i,
        "gap_lower": gap_lower,
        "float_gap": float_gap,
        "enclosures": {"rnn": rows_a, "candidate": rows_b},
        "seconds": round(time.perf_counter() - start, 4),
    }
    return Refutation(
        "refuted", SMOOTH_METHOD, why, xs[: k + 1], k, rows_a, rows_b, M, norm, tried, data, rnn, candidate
    )


def recheck_smooth(
    ref: Refutation | dict[str, Any],
    *,
    precision: int | None = None,
    rnn: RNN | None = None,
    candidate: RNN | None = None,
) -> Check:
    """Re-evaluate a smooth refutation at a higher precision: disjoint again, and consistent with the record.

    :func:`urnn_sym.refutation.recheck.recheck` with a JSON document accepted too; for
    sigmoid/tanh refutations it ends in :func:`ball_recheck`.

    Parameters
    ----------
    ref : Refutation or dict
        A refutation or its ``urnn-sym.refutation/1`` document.
    precision : int, optional
        Bits; default twice the recorded precision (at least 256).
    rnn, candidate : RNN, optional
        Networks to use instead of the embedded ones.

    Returns
    -------
    Check
        Holds when the input is inside the bound, the new enclosures of
        ``y(time_step)`` are disjoint in the recorded component and every
        recorded output is confirmed (:func:`ball_recheck`);
        ``data["gap_lower"]`` is the new bound.

    Raises
    ------
    FileFormatError
        If ``ref`` is a document with a missing or malformed field.
    """
    if isinstance(ref, dict):
        ref = Refutation.from_json(ref)
    if not isinstance(ref, Refutation):
        raise EntryTypeError(f"ref: expected a Refutation or its JSON document but found {type(ref).__name__}")
    return recheck(ref, rnn, candidate, precision=precision)
