"""The pair strategies of :mod:`urnn_sym.strategies`: two RNNs and what their construction says about them.

They draw from the single-value strategies of :mod:`urnn_sym.strategies.values`;
import both from :mod:`urnn_sym.strategies`.
"""

from __future__ import annotations

import math
from fractions import Fraction
from typing import Any, NamedTuple

import sympy
from hypothesis import strategies as st

from urnn_sym.errors import InvalidArgumentError
from urnn_sym.model import RNN
from urnn_sym.strategies.values import exact_rationals, rational_defect_rnns, rnns

__all__ = ["RNNPair", "equivalent_pairs", "late_firing_pairs", "perturbed_pairs", "theorem1_pairs"]

_STATES = st.integers(1, 4)  # the defaults of urnn_sym.strategies.rnns
_DIMS = st.integers(1, 3)


# ------------------------------------------------------------------------------
# pairs of RNNs, for differential tests of equivalence checkers
# ------------------------------------------------------------------------------


class RNNPair(NamedTuple):
    """Two RNNs with the same input and output dimensions, and what their construction says about them.

    Attributes
    ----------
    a, b : RNN
        The two networks (``b`` is built from ``a``).
    how : str
        How ``b`` was built, for failure messages (e.g. ``"states permuted by [1, 0]"``).
    bound : Fraction, float or None
        ``a`` and ``b`` have equal outputs on every input with ``||x(k)||_inf <= bound``
        (hence also on every input with ``||x(k)||_2 <= bound``), at the first ``horizon``
        steps, or at every step when ``horizon`` is None; ``math.inf``: on every input;
        None: nothing is known.
    horizon : int or None
        See ``bound``.
    differs_above : Fraction or None
        For every ``M > differs_above`` some input with ``||x(k)||_2 <= M`` (hence also
        ``||x(k)||_inf <= M``) gives different outputs at some step; None: nothing is known.
    """

    a: RNN
    b: RNN
    how: str
    bound: Any = None
    horizon: int | None = None
    differs_above: Fraction | None = None


_TRANSFORMS = ("scaling", "padding", "permutation")


def _num(e: Any) -> Any:
    """A sympy number as a Fraction when rational, else unchanged."""
    return Fraction(int(e.p), int(e.q)) if e.is_Rational else e


def _exact_fields(rnn: RNN) -> dict[str, Any]:
    """The fields of ``rnn`` as lists (of rows) of exact numbers: Fraction, or sympy for algebraic entries."""
    m = rnn.to_exact().matrices()
    out: dict[str, Any] = {k: [[_num(e) for e in row] for row in m[k].tolist()] for k in ("W", "F", "C")}
    out.update({k: [_num(row[0]) for row in m[k].tolist()] for k in ("b", "h0")})
    return out


def _scaled(e: Any, q: Fraction) -> Any:
    return e * q if isinstance(e, Fraction) else sympy.expand(e * sympy.Rational(q.numerator, q.denominator))


def _build(fields: dict[str, Any], activation: str, system: str) -> RNN:
    """The RNN of exact ``fields`` in ``system``; float64 only when every entry is a double exactly."""
    from hypothesis import reject

    rnn = RNN(fields["W"], fields["F"], fields["b"], fields["C"], fields["h0"], activation, system=system)
    if system == "float64":
        exact = RNN(fields["W"], fields["F"], fields["b"], fields["C"], fields["h0"], activation, system="exact")
        if rnn.to_exact() != exact:  # a scaled entry under- or overflowed: not the same network
            reject()
    return rnn


def _permute(f: dict[str, Any], perm: list[int]) -> dict[str, Any]:
    """State i of the result is state ``perm[i]`` of ``f``."""
    n = len(perm)
    return {
        "W": [[f["W"][perm[i]][perm[j]] for j in range(n)] for i in range(n)],
        "F": [list(f["F"][perm[i]]) for i in range(n)],
        "b": [f["b"][perm[i]] for i in range(n)],
        "C": [[row[perm[j]] for j in range(n)] for row in f["C"]],
        "h0": [f["h0"][perm[i]] for i in range(n)],
    }


def _small(draw: st.DrawFn, system: str, *, nonzero: bool = False, positive: bool = False) -> Fraction:
    """A small rational; a dyadic one (exactly a double) for float64."""
    if system == "float64":
        num = draw(st.integers(1 if positive else -16, 16).filter(lambda v: v != 0 or not nonzero))
        return Fraction(num, 8)
    if positive:
        return Fraction(draw(st.integers(1, 9)), draw(st.integers(1, 9)))

    q = draw(exact_rationals())
    return q if q != 0 or not nonzero else Fraction(1)


def _check_pair_system(system: str) -> None:
    if system not in ("float64", "exact"):
        raise InvalidArgumentError(f"system: expected 'float64' or 'exact' but found {system!r}")


@st.composite
def equivalent_pairs(
    draw: st.DrawFn,
    *,
    n: int | st.SearchStrategy[int] = _STATES,
    d: int | st.SearchStrategy[int] = _DIMS,
    p: int | st.SearchStrategy[int] = _DIMS,
    system: str = "exact",
    activation: str | st.SearchStrategy[str] = "relu",
    transforms: Any = None,
) -> RNNPair:
    """Pairs ``(a, b)`` with equal outputs on every input sequence (``bound = math.inf``), by an exact transformation.

    ``a`` is drawn by :func:`urnn_sym.strategies.rnns` (contractive W or not) and ``b`` is ``a``
    transformed by, in this order:

    * ``"scaling"``: a positive diagonal L, ``(L W L^-1, L F, L b, C L^-1, L h0)``
      (``relu(L z) = L relu(z)`` for positive L; float64: L has powers of two
      on its diagonal, so the scaled entries are exact);
    * ``"padding"``: one or two dead states (zero row of W and F, bias <= 0 for
      ReLU and 0 for the identity, start at 0) that feed the other states and the
      outputs with arbitrary weights: they stay 0 for ever;
    * ``"permutation"``: a random order of the states.

    Parameters
    ----------
    n, d, p : int or SearchStrategy of int
        States, inputs and outputs of ``a`` (defaults as in :func:`urnn_sym.strategies.rnns`).
    system : {"exact", "float64"}, default "exact"
        The number system of both networks.
    activation : {"relu", "identity"} or SearchStrategy of str, default "relu"
        The activation of both networks.
    transforms : sequence of str, optional
        Some of ``"scaling"``, ``"padding"``, ``"permutation"``; by default a
        non-empty subset is drawn.

    Returns
    -------
    SearchStrategy of RNNPair
        ``bound == math.inf``, ``horizon is None``, ``differs_above is None``.

    Raises
    ------
    InvalidArgumentError
        If ``system``, ``activation`` or a transform name is not one of the
        allowed ones (raised when an example is drawn, or at once for
        ``transforms``).

    Examples
    --------
    >>> from hypothesis import given, settings
    >>> from urnn_sym import simulate
    >>> @settings(max_examples=10, deadline=None)
    ... @given(equivalent_pairs(transforms=["scaling", "permutation"]))
    ... def test(pair):
    ...     xs = [[1] * pair.a.d, [-1] * pair.a.d]
    ...     assert (simulate(pair.a, xs) == simulate(pair.b, xs)).all(), pair.how
    >>> test()
    """
    if transforms is not None:
        bad = [t for t in transforms if t not in _TRANSFORMS]
        if bad:
            raise InvalidArgumentError(f"transforms: expected names from {', '.join(_TRANSFORMS)} but found {bad[0]!r}")

    _check_pair_system(system)
    act = draw(activation) if isinstance(activation, st.SearchStrategy) else activation
    if act not in ("relu", "identity"):
        raise InvalidArgumentError(f"activation: expected 'relu' or 'identity' but found {act!r}")
    if transforms is None:
        chosen = draw(st.lists(st.sampled_from(_TRANSFORMS), min_size=1, max_size=3, unique=True))
    else:
        chosen = list(transforms)
    a = draw(rnns(n=n, d=d, p=p, system=system, activation=act, contractive=draw(st.booleans())))
    f = _exact_fields(a)
    how: list[str] = []
    if "scaling" in chosen:
        if system == "float64":
            ell = [Fraction(2) ** draw(st.integers(-3, 3)) for _ in range(a.n)]
        else:
            ell = [_small(draw, system, positive=True) for _ in range(a.n)]
        nn = a.n
        f = {
            "W": [[_scaled(_scaled(f["W"][i][j], ell[i]), 1 / ell[j]) for j in range(nn)] for i in range(nn)],
            "F": [[_scaled(v, ell[i]) for v in f["F"][i]] for i in range(nn)],
            "b": [_scaled(f["b"][i], ell[i]) for i in range(nn)],
            "C": [[_scaled(row[j], 1 / ell[j]) for j in range(nn)] for row in f["C"]],
            "h0": [_scaled(f["h0"][i], ell[i]) for i in range(nn)],
        }
        how.append(f"diagonal scaling L = [{', '.join(map(str, ell))}]")
    if "padding" in chosen:
        extra = draw(st.integers(1, 2))
        n0, m = len(f["b"]), len(f["b"]) + extra
        zero = Fraction(0)
        f = {
            "W": [[*f["W"][i], *(_small(draw, system) for _ in range(extra))] for i in range(n0)]
            + [[zero] * m for _ in range(extra)],
            "F": [*f["F"], *([zero] * a.d for _ in range(extra))],
            "b": [*f["b"], *((-_small(draw, system, positive=True) if act == "relu" else zero) for _ in range(extra))],
            "C": [[*row, *(_small(draw, system) for _ in range(extra))] for row in f["C"]],
            "h0": [*f["h0"], *([zero] * extra)],
        }
        how.append(f"{extra} dead state(s) appended")
    if "permutation" in chosen:
        perm = draw(st.permutations(list(range(len(f["b"])))))
        f = _permute(f, list(perm))
        how.append(f"states permuted by {list(perm)}")
    b = _build(f, act, system)
    return RNNPair(a, b, "b = a after " + ", then ".join(how), math.inf)


@st.composite
def theorem1_pairs(
    draw: st.DrawFn,
    *,
    system: str = "rational",
    n: int | st.SearchStrategy[int] | None = None,
    d: int | st.SearchStrategy[int] = _DIMS,
    p: int | st.SearchStrategy[int] = _DIMS,
    bound: Any = None,
    minimal: bool | st.SearchStrategy[bool] | None = None,
    horizon: int | st.SearchStrategy[int] | None = None,
) -> RNNPair:
    """Pairs ``(rnn, urnn)`` of :func:`~urnn_sym.construct.theorem1.construct_urnn` (Theorem 1), in every number system.

    The URNN is equivalent to the RNN on ``||x(k)||_inf <= bound``; above the
    bound it may or may not be (nothing is claimed there: ``differs_above`` is
    None).

    Parameters
    ----------
    system : {"rational", "algebraic", "float64"}, default "rational"
        "rational": an RNN of the rational-defect family
        (:func:`urnn_sym.strategies.rational_defect_rnns`), completed with its exact factors, so
        every entry of the URNN is rational.  "algebraic": an exact contractive
        W (:func:`urnn_sym.strategies.contractions`) of size 1 or 2, whose completion has square
        roots (nested ones for size 2), unless its defect happens to be
        rational.  "float64": a float64 RNN from :func:`urnn_sym.strategies.rnns`.
    n : int or SearchStrategy of int, optional
        States of the RNN; default ``integers(1, 3)``, and ``integers(1, 2)``
        for "algebraic" (the exact completion of a larger W is not rational in
        general, and construct_urnn then raises UnsupportedError).
    d, p : int or SearchStrategy of int
        Inputs and outputs.
    bound : number or SearchStrategy, optional
        The input bound M of the construction; default one of 1/2, 1, 2 (as
        a Fraction; a double for float64).
    minimal : bool or SearchStrategy of bool, optional
        Use the minimal completion; drawn by default.
    horizon : int or SearchStrategy of int, optional
        "rational" only: W gets a singular value 1 (``||W||_2 = 1``) and the
        URNN is built for the first ``horizon`` steps (``pair.horizon``).

    Returns
    -------
    SearchStrategy of RNNPair
        ``bound`` the construction's input bound (a Fraction), ``horizon`` the
        construction's (None: every horizon), ``differs_above`` None.

    Raises
    ------
    InvalidArgumentError
        If ``system`` is unknown, or ``horizon`` is given for another system
        than "rational" (raised when an example is drawn).

    Examples
    --------
    >>> from hypothesis import given, settings
    >>> from urnn_sym import simulate
    >>> @settings(max_examples=5, deadline=None)
    ... @given(theorem1_pairs(system="rational"))
    ... def test(pair):
    ...     xs = [[pair.bound] * pair.a.d] * 3
    ...     assert (simulate(pair.a, xs) == simulate(pair.b, xs)).all()
    >>> test()
    """
    from urnn_sym.construct.theorem1 import construct_urnn  # lazy: the construction imports the completions

    if system not in ("rational", "algebraic", "float64"):
        raise InvalidArgumentError(f"system: expected 'rational', 'algebraic' or 'float64' but found {system!r}")
    if horizon is not None and system != "rational":
        raise InvalidArgumentError(f"horizon: only for system='rational' but found system={system!r}")
    M = draw(bound) if isinstance(bound, st.SearchStrategy) else bound
    M = Fraction(M) if M is not None else draw(st.sampled_from([Fraction(1, 2), Fraction(1), Fraction(2)]))
    mini = draw(minimal) if isinstance(minimal, st.SearchStrategy) else minimal
    mini = draw(st.booleans()) if mini is None else bool(mini)
    T = draw(horizon) if isinstance(horizon, st.SearchStrategy) else horizon
    sizes = n if n is not None else st.integers(1, 2 if system == "algebraic" else 3)
    if system == "rational":
        inst = draw(rational_defect_rnns(n=sizes, d=d, p=p, unit=1 if T is not None else 0))
        res = construct_urnn(inst.rnn, M, svd=inst.svd, minimal=mini, horizon=T)
    elif system == "algebraic":
        res = construct_urnn(draw(rnns(n=sizes, d=d, p=p, system="exact")), M, minimal=mini)
    else:
        res = construct_urnn(draw(rnns(n=sizes, d=d, p=p)), float(M), minimal=mini)
    how = f"construct_urnn(rnn, {M}{', minimal=True' if mini else ''}{f', horizon={T}' if T else ''}) ({system})"
    return RNNPair(res.source, res.urnn, how, M, res.horizon)


@st.composite
def perturbed_pairs(
    draw: st.DrawFn,
    pairs: st.SearchStrategy[RNNPair] | None = None,
    *,
    fields: Any = ("W", "F", "b", "C", "h0"),
) -> RNNPair:
    """A pair from ``pairs`` with one entry of ``b`` changed by a non-zero amount: usually, not always, inequivalent.

    Nothing is claimed about the result (``bound`` and ``differs_above`` are
    None): a change in a state that never fires, say, changes nothing.  Tests
    find a distinguishing input by simulation first, then hold a checker to it.

    Parameters
    ----------
    pairs : SearchStrategy of RNNPair, optional
        The pairs to perturb; default :func:`equivalent_pairs` (exact).
    fields : sequence of str, default all of "W", "F", "b", "C", "h0"
        The fields from which the changed entry is drawn.

    Returns
    -------
    SearchStrategy of RNNPair
        ``how`` says which entry changed and by how much (float64: the sum is
        rounded to a double).

    Raises
    ------
    InvalidArgumentError
        If a field name is unknown.

    Examples
    --------
    >>> from hypothesis import given, settings
    >>> @settings(max_examples=5, deadline=None)
    ... @given(perturbed_pairs(fields=["C"]))
    ... def test(pair):
    ...     assert pair.bound is None and "; then b.C[" in pair.how
    >>> test()
    """
    bad = [f for f in fields if f not in ("W", "F", "b", "C", "h0")]
    if bad or not fields:
        raise InvalidArgumentError(f"fields: expected some of W, F, b, C, h0 but found {list(fields)}")
    pair = draw(pairs if pairs is not None else equivalent_pairs())
    f = _exact_fields(pair.b)
    name = draw(st.sampled_from(list(fields)))
    system = pair.b.system
    delta = _small(draw, system, nonzero=True)
    if name in ("b", "h0"):
        i = draw(st.integers(0, len(f[name]) - 1))
        f[name][i] = f[name][i] + (delta if isinstance(f[name][i], Fraction) else sympy.Rational(str(delta)))
        where = f"[{i}]"
    else:
        i = draw(st.integers(0, len(f[name]) - 1))
        j = draw(st.integers(0, len(f[name][i]) - 1))
        old = f[name][i][j]
        f[name][i][j] = old + (delta if isinstance(old, Fraction) else sympy.Rational(str(delta)))
        where = f"[{i}, {j}]"
    b = RNN(f["W"], f["F"], f["b"], f["C"], f["h0"], pair.b.activation, system=system)
    return RNNPair(pair.a, b, f"{pair.how}; then b.{name}{where} += {delta}")


@st.composite
def late_firing_pairs(
    draw: st.DrawFn,
    *,
    n: int | st.SearchStrategy[int] = _STATES,
    d: int | st.SearchStrategy[int] = _DIMS,
    p: int | st.SearchStrategy[int] = _DIMS,
    system: str = "exact",
    mode: str | st.SearchStrategy[str] | None = None,
    shared: bool | st.SearchStrategy[bool] | None = None,
) -> RNNPair:
    """Pairs where ``b`` adds a unit ``e(k) = relu(c(k-1) - theta)`` to the outputs: off for a while, then it fires.

    ``a`` is drawn by :func:`urnn_sym.strategies.rnns` (ReLU); ``c`` is a slow unit that starts at 0:

    * ``"accumulator"``: ``c(k) = relu(alpha c(k-1) + g x_0(k))`` with
      ``0 < alpha < 1``, ``g > 0``.  ``c < g M / (1 - alpha)`` when
      ``|x_0(k)| <= M``, so ``e`` never fires for ``M <= M* = theta (1 - alpha) / g``;
      for ``M > M*`` the constant input ``x(k) = M e_0`` drives ``c`` above theta
      and ``e`` fires after finitely many steps, the later the closer M is to
      ``M*``: ``bound == differs_above == M*``.
    * ``"clock"``: ``c(k) = relu(c(k-1) + s)``, ``s > 0``, so ``e`` first fires at
      step ``k* = floor(theta / s) + 1`` whatever the input: ``bound = math.inf``,
      ``horizon = k*``, ``differs_above = 0``.

    The column of ``e`` in b's output matrix has a non-zero entry, so ``e > 0``
    changes an output.  ``b``'s states are permuted at random.

    Parameters
    ----------
    n, d, p : int or SearchStrategy of int
        States, inputs and outputs of the drawn base RNN.
    system : {"exact", "float64"}, default "exact"
        The number system (float64: every added entry is a double exactly).
    mode : {"accumulator", "clock"} or SearchStrategy of str, optional
        Drawn by default.
    shared : bool or SearchStrategy of bool, optional
        True: ``c`` is a state of ``a`` too (with its own output column), so
        ``e`` is b's only extra state; False: ``c`` and ``e`` are both extra
        states of ``b``.  Drawn by default.

    Returns
    -------
    SearchStrategy of RNNPair

    Raises
    ------
    InvalidArgumentError
        If ``system`` or ``mode`` is not one of the allowed values (raised
        when an example is drawn).

    Examples
    --------
    >>> from hypothesis import given, settings
    >>> from urnn_sym import simulate
    >>> @settings(max_examples=5, deadline=None)
    ... @given(late_firing_pairs(mode="clock"))
    ... def test(pair):
    ...     xs = [[0] * pair.a.d] * (pair.horizon + 1)
    ...     ya, yb = simulate(pair.a, xs), simulate(pair.b, xs)
    ...     assert (ya[:-1] == yb[:-1]).all() and (ya[-1] != yb[-1]).any()
    >>> test()
    """

    _check_pair_system(system)
    kind = draw(mode) if isinstance(mode, st.SearchStrategy) else mode
    kind = draw(st.sampled_from(["accumulator", "clock"])) if kind is None else kind
    if kind not in ("accumulator", "clock"):
        raise InvalidArgumentError(f"mode: expected 'accumulator' or 'clock' but found {kind!r}")
    both = draw(shared) if isinstance(shared, st.SearchStrategy) else shared
    both = draw(st.booleans()) if both is None else bool(both)
    base = draw(rnns(n=n, d=d, p=p, system=system))
    f = _exact_fields(base)
    nb, dd, pp = base.n, base.d, base.p
    zero = Fraction(0)
    if kind == "accumulator":
        choices = [Fraction(1, 2), Fraction(3, 4)] + ([Fraction(2, 3)] if system == "exact" else [])
        alpha, g = draw(st.sampled_from(choices)), Fraction(1, 2 ** draw(st.integers(0, 3)))
        theta = _small(draw, system, positive=True)
        c_row, c_in, c_bias = alpha, [g] + [zero] * (dd - 1), zero
        threshold: Fraction | None = theta * (1 - alpha) / g
        bound: Any = threshold
        fire: int | None = None
        what = f"c = relu({alpha} c + {g} x_0), e = relu(c - {theta}): fires iff M > {threshold}"
    else:
        s = Fraction(1, 2 ** draw(st.integers(0, 2)))
        fire = draw(st.integers(1, 8))
        theta = s * (fire - Fraction(1, 2))
        c_row, c_in, c_bias = Fraction(1), [zero] * dd, s
        threshold, bound = Fraction(0), math.inf
        what = f"c = relu(c + {s}), e = relu(c - {theta}): fires first at step {fire}"
    gamma = [_small(draw, system) for _ in range(pp)]
    gamma[draw(st.integers(0, pp - 1))] = _small(draw, system, nonzero=True)
    c_out = [_small(draw, system) for _ in range(pp)] if both else [zero] * pp

    def grow(fields: dict[str, Any], row: list[Any], fin: list[Any], bias: Any, out: list[Any]) -> dict[str, Any]:
        return {
            "W": [[*r, zero] for r in fields["W"]] + [row],
            "F": [*fields["F"], fin],
            "b": [*fields["b"], bias],
            "C": [[*r, o] for r, o in zip(fields["C"], out, strict=True)],
            "h0": [*fields["h0"], zero],
        }

    c = nb  # the index of c in the grown state
    with_c = grow(f, [zero] * nb + [c_row], c_in, c_bias, c_out)
    with_e = grow(with_c, [zero] * nb + [Fraction(1), zero], [zero] * dd, -theta, gamma)
    assert with_e["W"][nb + 1][c] == 1
    a = _build(with_c, "relu", system) if both else base
    perm = list(draw(st.permutations(list(range(nb + 2)))))
    b = _build(_permute(with_e, perm), "relu", system)
    how = f"late firing ({kind}, c {'shared with a' if both else 'extra'}): {what}; b's states permuted by {perm}"
    return RNNPair(a, b, how, bound, fire, threshold)
