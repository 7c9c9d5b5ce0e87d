"""Tests of urnn_sym.model: the RNN value and simulate() in the three number systems."""

from __future__ import annotations

from fractions import Fraction

import flint
import numpy as np
import pytest
import sympy
from hypothesis import given
from hypothesis import strategies as st

from urnn_sym import RNN, simulate
from urnn_sym.errors import EntryTypeError, InvalidArgumentError, NonFiniteError, ShapeError, UnsupportedError
from urnn_sym.strategies import input_sequences, rnns

pytestmark = pytest.mark.timeout(120)

GOOD = {"W": [[0, 1], [1, 0]], "F": [[1], [2]], "b": [0, 1], "C": [[1, 1]], "h0": [0, 0]}


def _with(**changes: object) -> dict[str, object]:
    fields = dict(GOOD)
    fields.update(changes)
    return fields


@pytest.mark.parametrize(
    ("changes", "error", "message"),
    [
        ({"W": [[0, 1]]}, ShapeError, r"W: expected shape \(1, 1\) but found \(1, 2\)"),
        ({"W": []}, ShapeError, "W: "),
        ({"F": [[1], [2], [3]]}, ShapeError, r"F: expected shape \(2, 1\) but found \(3, 1\)"),
        ({"F": [[], []]}, ShapeError, "F: the input dimension d"),
        ({"b": [0, 1, 2]}, ShapeError, r"b: expected shape \(2,\) to match W but found \(3,\)"),
        ({"C": [[1, 1, 1]]}, ShapeError, r"C: expected shape \(1, 2\) but found \(1, 3\)"),
        ({"h0": [1]}, ShapeError, r"h0: expected shape \(2,\)"),
        ({"W": [[0.0, float("nan")], [0, 0]]}, NonFiniteError, r"W\[0, 1\]: expected finite entries but found nan"),
        ({"b": [float("inf"), 0]}, NonFiniteError, "b"),
        ({"F": [["x"], [1]]}, Exception, r"F\[0, 0\]: cannot parse 'x'"),
        ({"C": [[None, 1]]}, EntryTypeError, "C"),
        ({"activation": "softplus"}, InvalidArgumentError, "activation: expected one of relu, sigmoid, tanh, identity"),
    ],
)
def test_rnn_bad_input(changes: dict[str, object], error: type, message: str) -> None:
    with pytest.raises(error, match=message):
        RNN(**_with(**changes))


def test_rnn_errors_are_builtin_subclasses() -> None:
    with pytest.raises(ValueError):
        RNN(**_with(W=[[1]]))
    with pytest.raises(TypeError):
        RNN(**_with(C=[[object(), 1]]))


def test_rnn_is_immutable_and_copies() -> None:
    rnn = RNN(**GOOD)
    with pytest.raises(AttributeError, match="immutable"):
        rnn.W = [[0]]  # type: ignore[misc]
    W = rnn.W
    W[0, 0] = 5
    assert rnn.W[0, 0] == 0
    f = rnn.to_float()
    with pytest.raises(ValueError):
        f.W[0, 0] = 3.0


def test_systems_and_conversions() -> None:
    rnn = RNN(**GOOD)
    assert rnn.system == "exact" and rnn.is_rational
    assert (rnn.n, rnn.d, rnn.p) == (2, 1, 1)
    assert rnn.to_float().system == "float64"
    assert rnn.to_float().to_exact() == rnn
    alg = RNN(**_with(W=[["sqrt(2)/2", 0], [0, 0]]))
    assert alg.system == "exact" and not alg.is_rational
    sym = RNN(**_with(W=[[sympy.Symbol("w"), 0], [0, 0]]))
    assert sym.system == "symbolic"
    assert RNN(**_with(W=[[0.25, 0], [0, 0]])).system == "float64"
    assert RNN(**_with(W=[[0.25, Fraction(1, 3)], [0, 0]])).to_float().system == "float64"
    assert rnn.replace(activation="identity").activation == "identity"


def test_h0_defaults_to_zero() -> None:
    fields = dict(GOOD)
    del fields["h0"]
    rnn = RNN(**fields)
    assert all(v == 0 for v in rnn.h0.entries())
    assert np.array_equal(rnn.to_float().h0, np.zeros(2))


def test_exact_simulation_by_hand() -> None:
    rnn = RNN([[Fraction(1, 2)]], [[1]], [Fraction(-1, 4)], [[3]])
    ys, hs = simulate(rnn, [[1], [0], [-2]], return_states=True)
    # h(0) = relu(1 - 1/4) = 3/4, h(1) = relu(3/8 - 1/4) = 1/8, h(2) = relu(1/16 - 2 - 1/4) = 0
    assert hs[:, 0].tolist() == [Fraction(3, 4), Fraction(1, 8), Fraction(0)]
    assert ys[:, 0].tolist() == [Fraction(9, 4), Fraction(3, 8), Fraction(0)]


def test_algebraic_simulation() -> None:
    r = sympy.sqrt(2) / 2
    rnn = RNN([[r]], [[1]], [0], [[1]], h0=[1])
    ys = simulate(rnn, [[0], [0], [-1]])
    assert list(ys[:, 0]) == [r, sympy.Rational(1, 2), 0]


def test_symbolic_simulation_and_latex() -> None:
    w, x0 = sympy.symbols("w x0", real=True)
    rnn = RNN([[w]], [[1]], [0], [[2]])
    ys = simulate(rnn, [[x0], [1]])
    assert ys[0, 0] == 2 * sympy.Max(0, x0)
    assert "max" in sympy.latex(ys[1, 0])
    sig = simulate(RNN([[w]], [[1]], [0], [[1]], activation="sigmoid"), [[x0]])
    assert sig[0, 0] == 1 / (1 + sympy.exp(-x0))


def test_exact_sigmoid_is_refused() -> None:
    with pytest.raises(UnsupportedError, match="activation: exact simulation needs a piecewise-linear"):
        simulate(RNN([[0]], [[1]], [0], [[1]], activation="sigmoid"), [[1]])


@pytest.mark.parametrize(
    ("xs", "message"),
    [
        (np.zeros((0, 1)), "empty"),
        (np.zeros((3, 2)), r"xs: expected shape \(T, 1\) but found \(3, 2\)"),
        (np.zeros(3), r"expected shape \(T, 1\) or \(T, B, 1\)"),
        (np.array([[np.nan]]), "finite"),
    ],
)
def test_simulate_bad_inputs_float(xs: np.ndarray, message: str) -> None:
    with pytest.raises(InvalidArgumentError, match=message):
        simulate(RNN(**GOOD).to_float(), xs)


@pytest.mark.parametrize(
    ("xs", "message"),
    [([], "empty"), ([[1, 2]], r"xs\[0\]: expected 1 entries"), ([["a"]], "cannot parse 'a'")],
)
def test_simulate_bad_inputs_exact(xs: list, message: str) -> None:
    with pytest.raises(InvalidArgumentError, match=message):
        simulate(RNN(**GOOD), xs)


def test_simulate_rejects_non_rnn() -> None:
    with pytest.raises(TypeError, match="rnn: expected an RNN"):
        simulate("rnn", [[1]])  # type: ignore[arg-type]


@given(rnns(system="float64", activation=st.sampled_from(["relu", "sigmoid", "tanh", "identity"])), st.data())
def test_float_batch_equals_loop(rnn: RNN, data: st.DataObject) -> None:
    xs = data.draw(input_sequences(rnn.d, batch=3, length=st.integers(1, 8)))
    batch = simulate(rnn, xs)
    for j in range(3):
        np.testing.assert_allclose(batch[:, j, :], simulate(rnn, xs[:, j, :]), rtol=1e-12, atol=1e-12)


@given(rnns(system="exact"), st.data())
def test_exact_matches_float_of_exact(rnn: RNN, data: st.DataObject) -> None:
    xs = data.draw(input_sequences(rnn.d, system="exact", length=st.integers(1, 10)))
    exact = simulate(rnn, xs)
    approx = simulate(rnn.to_float(), np.array(xs, dtype=float))
    np.testing.assert_allclose(approx, exact.astype(float), rtol=1e-9, atol=1e-9)


@given(rnns(system="exact", n=st.integers(1, 3)), st.data())
def test_exact_fast_path_equals_sympy_path(rnn: RNN, data: st.DataObject) -> None:
    xs = data.draw(input_sequences(rnn.d, system="exact", length=st.integers(1, 6)))
    fast = simulate(rnn, xs)
    from urnn_sym.model import _simulate_sympy, to_inputs

    slow, _ = _simulate_sympy(rnn, to_inputs(xs, rnn.d, "exact"), exact=True)
    for k, col in enumerate(slow):
        assert [sympy.Rational(v) for v in fast[k]] == list(col)


def test_exact_simulation_size() -> None:
    rnn = RNN(
        flint.fmpq_mat(32, 32, [flint.fmpq(i % 7 - 3, 200) for i in range(1024)]),
        [[1]] * 32,
        [Fraction(-1, 8)] * 32,
        [[1] * 32],
    )
    ys = simulate(rnn, [[Fraction(k % 5, 3)] for k in range(1000)])
    assert ys.shape == (1000, 1) and all(isinstance(v, Fraction) for v in ys[:, 0])
