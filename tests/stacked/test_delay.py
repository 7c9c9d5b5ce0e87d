"""Tests of :mod:`urnn_sym.stacked.delay`: the delayed single layer of a stacked RNN and its exact checks."""

from __future__ import annotations

from fractions import Fraction
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from urnn_sym.errors import EntryTypeError, HypothesisNotMetError, InvalidArgumentError, ShapeError, UnsupportedError
from urnn_sym.model import RNN, simulate
from urnn_sym.stacked.delay import (
    DelayedRNN,
    DelayedVerdict,
    delay_condition,
    delayed_verdict,
    simulate_delayed,
    to_delayed_single_layer,
)
from urnn_sym.stacked.model import StackedRNN, simulate_stacked
from urnn_sym.strategies import exact_rationals, input_sequences

pytestmark = pytest.mark.timeout(120)

Q = Fraction
# Two ReLU layers: h_1(k) = relu(x(k)), h_2(k) = relu(h_2(k-1)/2 + h_1(k)), y = h_2; all starts 0.
TWO = StackedRNN([([[0]], [[1]], [0]), ([["1/2"]], [[1]], [0])], [[1]])
# Layer 2 starts at h0_2 = 1, which is not a fixed point: p_2 = relu(1/2 * 1 + 0) = 1/2 and
# W_2 p_2 = 1/4 != W_2 h0_2 = 1/2, so the condition fails at layer 2.
COUNTER = StackedRNN([([[0]], [[1]], [0]), ([["1/2"]], [[1]], [0], [1])], [[1]])


def test_single_layer_by_hand() -> None:
    # W = [[W_1, 0], [V_2, W_2]] = [[0, 0], [1, 1/2]], F = [V_1; 0] = [[1], [0]], b = 0, C = [0, C] = [[0, 1]].
    d = to_delayed_single_layer(TWO)
    assert isinstance(d, DelayedRNN)
    assert d.delay == 1 and d.blocks == (1, 1) and bool(d.condition)
    assert d.rnn == RNN([[0, 0], [1, Q(1, 2)]], [[1], [0]], [0, 0], [[0, 1]], [0, 0])


def test_delayed_outputs_by_hand() -> None:
    # x = (1, 2): h_1 = (1, 2), h_2(0) = relu(0 + 1) = 1, h_2(1) = relu(1/2 + 2) = 5/2.
    xs = [[1], [2]]
    assert simulate_stacked(TWO, xs)[:, 0].tolist() == [Q(1), Q(5, 2)]
    single = to_delayed_single_layer(TWO).rnn
    assert simulate_delayed(single, xs, delay=1)[:, 0].tolist() == [Q(1), Q(5, 2)]
    # without the delay the single layer lags: s(0) = (relu(1), relu(0 + 0)) = (1, 0), so y_s(0) = 0
    assert simulate(single, xs)[0, 0] == Q(0)


def test_simulate_delayed_with_zero_delay_is_simulate() -> None:
    rnn = RNN([["1/3"]], [[1]], [0], [[2]], activation="identity")
    xs = [[1], [-1], [3]]
    assert simulate_delayed(rnn, xs, delay=0).tolist() == simulate(rnn, xs).tolist()


def test_simulate_delayed_float() -> None:
    import numpy as np

    rnn = RNN([[0.0]], [[1.0]], [0.0], [[1.0]])
    out = simulate_delayed(rnn, np.array([[1.0], [2.0]]), delay=1)
    # with W = 0 the output at k + 1 is relu(x(k + 1)): 2, then the zero padding gives 0
    assert out[:, 0].tolist() == [2.0, 0.0]


@pytest.mark.parametrize("delay", [-1, True, 1.0, "1", None])
def test_simulate_delayed_refuses_bad_delay(delay: Any) -> None:
    with pytest.raises(InvalidArgumentError, match=r"^delay:"):
        simulate_delayed(RNN([[0]], [[1]], [0], [[1]]), [[1]], delay=delay)


def test_condition_failure_and_its_counterexample() -> None:
    cond = delay_condition(COUNTER)
    assert not cond and cond.data["layers"] == [2]
    with pytest.raises(HypothesisNotMetError, match=r"^stacked:"):
        to_delayed_single_layer(COUNTER)
    d = to_delayed_single_layer(COUNTER, require_condition=False)
    assert not d.condition
    # stacked y(0) = relu(1/2 * 1 + 0) = 1/2; the single layer gives relu(1/2 * 1/2) = 1/4 one step later.
    assert simulate_stacked(COUNTER, [[0]])[0, 0] == Q(1, 2)
    assert simulate_delayed(d.rnn, [[0]], delay=1)[0, 0] == Q(1, 4)


def test_a_reinitialised_start_satisfies_the_condition() -> None:
    # s0 = (0, 2): p_2 = relu(1/2 * 2) = 1 = h0_2, so W_2 p_2 = W_2 h0_2 exactly.
    assert bool(delay_condition(COUNTER, [0, 2]))
    d = to_delayed_single_layer(COUNTER, s0=[0, 2])
    xs = [[1], [0], [3]]
    assert simulate_stacked(COUNTER, xs).tolist() == simulate_delayed(d.rnn, xs, delay=1).tolist()


@pytest.mark.parametrize("s0", [[0], [0, 1, 2]])
def test_bad_start_shape(s0: list[int]) -> None:
    with pytest.raises(ShapeError, match=r"^s0:"):
        delay_condition(COUNTER, s0)


@settings(max_examples=10)
@given(st.data())
def test_zero_start_and_bias_give_exact_delayed_equality(data: st.DataObject) -> None:
    # With b = 0 and h0 = 0 every layer starts at relu(0) = 0, a fixed point: the condition holds and the
    # delayed outputs equal the stacked ones exactly on every input.
    q = exact_rationals(5, 5)
    L = data.draw(st.integers(1, 3))
    layers = [([[data.draw(q)]], [[data.draw(q)]], [0]) for _ in range(L)]
    act = data.draw(st.sampled_from(["relu", "identity"]))
    net = StackedRNN(layers, [[data.draw(q)]], act)
    d = to_delayed_single_layer(net)
    assert d.delay == L - 1 and bool(d.condition)
    xs = data.draw(input_sequences(1, system="exact", length=5))
    assert simulate_stacked(net, xs).tolist() == simulate_delayed(d.rnn, xs, delay=d.delay).tolist()


def test_delayed_verdict_value() -> None:
    v = DelayedVerdict("refuted", "z3", "differ at 0", 1, 1, Q(1), "inf", {"xs": [[Q(0)]], "time_step": 0})
    assert not bool(v) and v.detail == "differ at 0" and v.summary() == "refuted: differ at 0"
    doc = v.to_json()
    assert doc["input_bound"] == "1" and doc["data"]["xs"] == [["0"]] and doc["status"] == "refuted"
    assert bool(DelayedVerdict("proved", "z3", "proved", 2, 1, Q(1), "inf"))
    with pytest.raises(InvalidArgumentError, match=r"^status:"):
        DelayedVerdict("checked", "z3", "", 1, 1, Q(1), "inf")
    with pytest.raises(InvalidArgumentError, match=r"^data:"):
        DelayedVerdict("refuted", "z3", "", 1, 1, Q(1), "inf")


def test_delayed_verdict_proves_the_construction() -> None:
    d = to_delayed_single_layer(TWO)
    v = delayed_verdict(TWO, d.rnn, delay=1, input_bound=1, horizon=3)
    assert v.status == "proved" and bool(v), v.reason
    assert v.horizon == 3 and v.delay == 1


def test_delayed_verdict_refutes_a_failed_condition() -> None:
    d = to_delayed_single_layer(COUNTER, require_condition=False)
    v = delayed_verdict(COUNTER, d.rnn, delay=1, input_bound=1, horizon=2)
    assert v.status == "refuted"
    # the outputs already differ at k = 0 (1/2 vs 1/4 for x = 0; the input only adds to both)
    assert v.data["time_step"] == 0
    xs = v.data["xs"]
    ys, yd = simulate_stacked(COUNTER, xs), simulate_delayed(d.rnn, xs, delay=1)
    assert ys[0, 0] != yd[0, 0]


@pytest.mark.parametrize(
    ("kwargs", "error", "name"),
    [
        ({"horizon": 0}, InvalidArgumentError, "horizon"),
        ({"delay": -1}, InvalidArgumentError, "delay"),
        ({"input_bound": 0}, InvalidArgumentError, "input_bound"),
        ({"norm": "1"}, InvalidArgumentError, "norm"),
        ({"rnn": "not an rnn"}, EntryTypeError, "rnn"),
        ({"rnn": RNN([[0]], [[1, 1]], [0], [[1]])}, ShapeError, "rnn"),
        ({"rnn": RNN([[0, 0], [0, 0]], [[1], [0]], [0, 0], [[0, 1]], activation="tanh")}, UnsupportedError, "rnn"),
    ],
)
def test_delayed_verdict_bad_input(kwargs: dict[str, Any], error: type[Exception], name: str) -> None:
    args: dict[str, Any] = {
        "rnn": to_delayed_single_layer(TWO).rnn,
        "delay": 1,
        "input_bound": 1,
        "horizon": 2,
    }
    args.update(kwargs)
    rnn = args.pop("rnn")
    with pytest.raises(error, match=rf"^{name}:"):
        delayed_verdict(TWO, rnn, **args)
