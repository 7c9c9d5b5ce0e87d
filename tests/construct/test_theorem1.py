"""Tests of urnn_sym.construct.theorem1: Theorem 1's URNN, its record, horizons, scaling and the boundary table."""

from __future__ import annotations

import json
import random
from fractions import Fraction

import flint
import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from urnn_sym import RNN, simulate
from urnn_sym.construct.hypotheses import is_contractive, is_orthogonal
from urnn_sym.construct.rational import cayley, rational_defect_rnn
from urnn_sym.construct.theorem1 import construct_urnn, rescale
from urnn_sym.errors import (
    EntryTypeError,
    HypothesisNotMetError,
    InvalidArgumentError,
    NotContractiveError,
)
from urnn_sym.numbers.arith import entries
from urnn_sym.strategies import rational_defect_rnns, rnns

pytestmark = pytest.mark.timeout(120)
Q = Fraction
RNN1 = RNN([[Q(1, 2)]], [[1]], [0], [[1]])


@pytest.mark.parametrize(
    ("rnn", "kwargs", "error", "match"),
    [
        (RNN1, {"input_bound": 0}, InvalidArgumentError, "input_bound: expected a positive number but found 0"),
        (RNN1, {"input_bound": -1}, InvalidArgumentError, "input_bound: expected a positive number but found -1"),
        (RNN1, {"input_bound": "x"}, InvalidArgumentError, "input_bound"),
        (RNN1, {"input_bound": 1, "norm": "1"}, InvalidArgumentError, "norm: expected '2' or 'inf'"),
        (RNN1, {"input_bound": 1, "horizon": 0}, InvalidArgumentError, "horizon: expected an integer >= 1"),
        (RNN1, {"input_bound": 1, "scaling": 3}, InvalidArgumentError, "scaling: expected 'auto'"),
        (RNN1, {"input_bound": 1, "scaling": [0]}, InvalidArgumentError, "scaling: expected positive numbers"),
        (RNN1.replace(activation="sigmoid"), {"input_bound": 1}, HypothesisNotMetError, "Theorem 3"),
        (RNN1.replace(activation="tanh"), {"input_bound": 1}, HypothesisNotMetError, "needs relu"),
        (RNN1, {"input_bound": 1, "completion": "cholesky"}, InvalidArgumentError, "completion: expected one"),
        (RNN1, {"input_bound": 1, "field": "real"}, InvalidArgumentError, "field: expected"),
        (RNN1, {"input_bound": 1, "minimal": True, "completion": "ldl"}, InvalidArgumentError, "minimal"),
        ("rnn", {"input_bound": 1}, EntryTypeError, "rnn: expected an RNN"),
    ],
)
def test_bad_input(rnn, kwargs, error, match) -> None:
    with pytest.raises(error, match=match):
        construct_urnn(rnn, **kwargs)


def _rnn2(W) -> RNN:
    return RNN(W, [[1], [1]], [0, Q(1, 4)], [[1, -1]], [Q(1, 2), 0])


NORM_ONE = [[Q(1, 2), Q(1, 2)], [Q(1, 2), Q(1, 2)]]
# ||W|| just below 1, exactly 1, above 1 (scalable), above 1 (not scalable: spectral radius 2)
BOUNDARY = [
    ("just below 1", [[1 - Q(1, 10**9), 0], [0, Q(1, 2)]], {}, None),
    ("exactly 1", NORM_ONE, {}, r"not contractive: \|\|W\|\|_2 >= 1 .*horizon"),
    ("exactly 1 with horizon", NORM_ONE, {"horizon": 50}, None),
    ("exactly 1, minimal, with horizon", NORM_ONE, {"horizon": 50, "minimal": True}, None),
    ("above 1", [[Q(1, 2), 3], [0, Q(1, 2)]], {}, r"not contractive: \|\|W\|\|_2 >= 3\d*/\d+ .*scaling='auto'"),
    ("above 1 with horizon", [[Q(1, 2), 3], [0, Q(1, 2)]], {"horizon": 5}, r"not contractive"),
    ("above 1, scaling finds L", [[Q(1, 2), 3], [0, Q(1, 2)]], {"scaling": "auto"}, None),
    ("above 1, no L exists", [[2, 0], [0, 0]], {"scaling": "auto"}, r"\|\|W\|\|_2 >= 2 .*found no positive diagonal L"),
]


@pytest.mark.parametrize(("label", "W", "kwargs", "error"), BOUNDARY, ids=[b[0] for b in BOUNDARY])
def test_boundary_table(label, W, kwargs, error) -> None:
    rnn = _rnn2(W)
    if error is not None:
        with pytest.raises(NotContractiveError, match=error):
            construct_urnn(rnn, 1, **kwargs)
        return
    res = construct_urnn(rnn, 1, **kwargs)
    assert bool(is_orthogonal(res.urnn.W))
    rng = random.Random(0)
    T = min(kwargs.get("horizon", 40), 40)  # algebraic (sympy) simulation is slow
    xs = [[Q(rng.randint(-10, 10), 10)] for _ in range(T)]
    assert (simulate(rnn, xs) == simulate(res.urnn, xs)).all()
    assert res.horizon == kwargs.get("horizon")
    json.dumps(res.to_json())


def test_blockdiag_minimal_all_horizons() -> None:
    R = cayley([[0, Q(1, 3)], [Q(-1, 3), 0]])
    W = [[R[0, 0], R[0, 1], 0], [R[1, 0], R[1, 1], 0], [0, 0, Q(-4, 5)]]
    perm = [2, 0, 1]  # the same structure with the states permuted
    Wp = [[W[i][j] for j in perm] for i in perm]
    for M in (W, Wp):
        rnn = RNN(M, [[1], [Q(1, 2)], [-1]], [0, 0, 0], [[1, 1, 1]], [1, 1, 1])
        res = construct_urnn(rnn, 2, minimal=True)
        assert res.extra_states == 1 and res.horizon is None and res.urnn.n == 4
        xs = [[Q((7 * k) % 9 - 4, 2)] for k in range(500)]
        assert (simulate(rnn, xs) == simulate(res.urnn, xs)).all()


def test_record_and_exact_values() -> None:
    res = construct_urnn(RNN([[Q(3, 5)]], [[1]], [0], [[1]]), 1)
    assert Q(5, 2) == res.H and res.b2 == [Q(-2)] and res.extra_states == 1
    doc = res.to_json()
    assert doc["H"] == "5/2" and doc["valid_for"] == "all horizons" and doc["orthogonal"]["holds"]
    inf = construct_urnn(RNN([[0]], [[1, 1]], [0], [[1]]), 1, norm="inf")
    assert inf.norms["M_2"] >= Q(14142, 10000)


def test_rescale_is_an_equivalence() -> None:
    rnn = _rnn2([[Q(1, 2), 3], [0, Q(1, 2)]])
    scaled = rescale(rnn, [1, 8])
    xs = [[Q(k % 5 - 2)] for k in range(40)]
    assert (simulate(rnn, xs) == simulate(scaled, xs)).all()
    with pytest.raises(InvalidArgumentError, match="expected 2 positive numbers"):
        rescale(rnn, [1])


def test_exact_large_family_with_factors_is_fast() -> None:
    inst = rational_defect_rnn(40, 2, 1, seed=1)
    res = construct_urnn(inst.rnn, 1, svd=inst.svd)
    assert isinstance(res.urnn._W, flint.fmpq_mat) and res.orthogonal


def _float_inputs(rng: np.random.Generator, T: int, d: int, M: float, norm: str) -> np.ndarray:
    xs = rng.uniform(-1, 1, (T, d))
    if norm == "2":
        xs /= np.maximum(np.linalg.norm(xs, axis=1, keepdims=True), 1.0)
    edge = rng.random(T) < 0.2  # a fifth of the inputs on the boundary of the ball
    if norm == "2":
        xs[edge] /= np.maximum(np.linalg.norm(xs[edge], axis=1, keepdims=True), 1e-300)
    else:
        xs[edge] = np.where(xs[edge] >= 0, 1.0, -1.0)
    return xs * M


@settings(max_examples=25, deadline=None)
@given(
    rnns(n=st.integers(1, 6), d=st.integers(1, 3), p=st.integers(1, 3)),
    st.sampled_from(["2", "inf"]),
    st.floats(0.1, 10),
    st.integers(0, 2**32 - 1),
)
def test_float_property(rnn: RNN, norm: str, M: float, seed: int) -> None:
    res = construct_urnn(rnn, M, norm=norm)
    rng = np.random.default_rng(seed)
    xs = _float_inputs(rng, 2000, rnn.d, M, norm)
    y, _ = simulate(rnn, xs, return_states=True)
    yu, hu = simulate(res.urnn, xs, return_states=True)
    assert np.all(hu[:, rnn.n :] == 0.0)
    scale = max(1.0, float(np.max(np.abs(y))))
    assert float(np.max(np.abs(y - yu))) <= 1e-9 * scale
    assert res.orthogonal.data["residual"] < 1e-13


@settings(max_examples=15, deadline=None)
@given(rational_defect_rnns(n=st.integers(1, 5)), st.sampled_from(["2", "inf"]), st.integers(0, 2**32 - 1))
def test_exact_family_property(inst, norm: str, seed: int) -> None:
    res = construct_urnn(inst.rnn, Q(3, 2), norm=norm, svd=inst.svd)
    assert res.orthogonal and isinstance(res.urnn._W, flint.fmpq_mat)
    rng = random.Random(seed)
    d = inst.rnn.d
    den = 1 if norm == "inf" else d  # ||x||_2 <= ||x||_1 <= 3/2 when each |x_i| <= 3/(2d)
    xs = [[Q(3, 2 * den) * Q(rng.randint(-8, 8), 8) for _ in range(d)] for _ in range(150)]
    y, _ = simulate(inst.rnn, xs, return_states=True)
    yu, hu = simulate(res.urnn, xs, return_states=True)
    assert (y == yu).all() and all(v == 0 for v in hu[:, inst.rnn.n :].ravel())


def test_float_norm_one_needs_horizon() -> None:
    rnn = RNN(np.array([[0.5, 0.5], [0.5, 0.5]]), np.ones((2, 1)), np.zeros(2), np.ones((1, 2)))
    with pytest.raises(NotContractiveError, match=r"\|\|W\|\|_2 >= 1 "):
        construct_urnn(rnn, 1.0)
    res = construct_urnn(rnn, 1.0, horizon=30)
    xs = np.linspace(-1, 1, 30)[:, None]
    assert np.allclose(simulate(rnn, xs), simulate(res.urnn, xs), rtol=1e-9, atol=1e-12)
    assert entries(res.urnn._b)[2:] == res.b2


def test_auto_scaling_stays_moderate_when_the_infimum_is_not_attained() -> None:
    # inf ||L W L^-1|| = 1/2 is only approached as l_1 / l_2 -> 0; the search stops at a moderate L
    big = RNN([[Fraction(1, 2), 2], [0, Fraction(1, 2)]], [[1], [1]], [0, 0], [[1, 1]])
    res = construct_urnn(big, 1, scaling="auto")
    ratio = max(res.scaling) / min(res.scaling)
    assert 4 <= ratio <= 64, res.scaling
    assert is_contractive(res.source.W).holds and res.valid_for == "all horizons"
