"""Tests of urnn_sym.stacked: the stacked RNN value, its delayed single layer, equilibria and scalings."""

from __future__ import annotations

import json
import random
from fractions import Fraction as Q

import numpy as np
import pytest
import sympy
from hypothesis import given, settings
from hypothesis import strategies as st

from urnn_sym import RNN, simulate
from urnn_sym.construct.hypotheses import is_contractive
from urnn_sym.errors import (
    EntryTypeError,
    FileFormatError,
    HypothesisNotMetError,
    InvalidArgumentError,
    NotContractiveError,
    ShapeError,
    UnsupportedError,
)
from urnn_sym.numbers.arith import as_fraction
from urnn_sym.stacked import (
    STACKED_FORMAT,
    StackedRNN,
    at_equilibrium,
    check_delayed_equivalence,
    contractive_layer_scaling,
    delay_condition,
    delayed_verdict,
    dump_stacked,
    equilibrium,
    load_stacked,
    read_stacked,
    scale_layers,
    simulate_delayed,
    simulate_stacked,
    to_delayed_single_layer,
    write_stacked,
)
from urnn_sym.status import Result
from urnn_sym.strategies import contractions, exact_rationals

pytestmark = pytest.mark.timeout(120)

# The documented counterexample: layer 2 starts at h0_2 = 1, not a fixed point of h = relu(h/2 + 0).
COUNTER = StackedRNN([([[0]], [[1]], [0]), ([[Q(1, 2)]], [[1]], [0], [1])], [[1]])


def _q(rng: random.Random) -> Q:
    return Q(rng.randint(-9, 9), rng.randint(1, 9))


def random_stacked(seed: int, sizes: tuple[int, ...] = (2, 3, 2), d: int = 2, p: int = 2, **kw: object) -> StackedRNN:
    """A random rational stacked ReLU RNN whose layers satisfy ||W_l||_F < 1."""
    rng = random.Random(seed)
    layers, prev = [], d
    for n in sizes:
        W = [[_q(rng) / (10 * n) for _ in range(n)] for _ in range(n)]
        layers.append((W, [[_q(rng) for _ in range(prev)] for _ in range(n)], [_q(rng) for _ in range(n)]))
        prev = n
    return StackedRNN(layers, [[_q(rng) for _ in range(prev)] for _ in range(p)], **kw)


def _inputs(seed: int, T: int, d: int) -> list[list[Q]]:
    rng = random.Random(seed)
    return [[_q(rng) for _ in range(d)] for _ in range(T)]


@st.composite
def stacked_nets(draw: st.DrawFn) -> StackedRNN:
    """Rational stacked ReLU RNNs with contractive layers (public strategies for the blocks)."""
    L = draw(st.integers(1, 3))
    d = draw(st.integers(1, 2))
    layers, prev = [], d
    for _ in range(L):
        n = draw(st.integers(1, 3))
        W = draw(contractions(n, system="exact"))
        V = [[draw(exact_rationals()) for _ in range(prev)] for _ in range(n)]
        layers.append((W, V, [draw(exact_rationals()) for _ in range(n)]))
        prev = n
    return StackedRNN(layers, [[draw(exact_rationals()) for _ in range(prev)]])


# ------------------------------------------------------------------------------
# the value
# ------------------------------------------------------------------------------

GOOD = [([[0]], [[1, 2]], [0]), ([[0, 0], [0, 0]], [[1], [1]], [0, 0])]


@pytest.mark.parametrize(
    ("layers", "C", "kw", "error", "message"),
    [
        ([], [[1]], {}, InvalidArgumentError, "layers: expected a non-empty sequence"),
        ("W", [[1]], {}, InvalidArgumentError, "layers: expected a non-empty sequence"),
        ([([[0]], [[1]])], [[1]], {}, EntryTypeError, r"layer 1: expected a mapping .* or a tuple"),
        ([{"W": [[0]], "V": [[1]]}], [[1]], {}, InvalidArgumentError, r"layer 1: .*missing \['b'\]"),
        ([{"W": [[0]], "V": [[1]], "b": [0], "X": 1}], [[1]], {}, InvalidArgumentError, r"unknown \['X'\]"),
        (
            [GOOD[0], ([[0, 0], [0, 0]], [[1, 1], [1, 1]], [0, 0])],
            [[1, 1]],
            {},
            ShapeError,
            r"layer 2: V: expected shape \(2, 1\) to match n_2 = 2 states and n_1 = 1 states .* found \(2, 2\)",
        ),
        (GOOD, [[1]], {}, ShapeError, r"C: expected 2 columns \(the states of layer 2\)"),
        ([([[0, 1]], [[1]], [0])], [[1]], {}, ShapeError, r"layer 1: W: expected shape \(1, 1\)"),
        ([([[0]], [[1]], [0, 1])], [[1]], {}, ShapeError, r"layer 1: b: expected shape \(1,\)"),
        ([([[0]], [[1]], [0], [1, 2])], [[1]], {}, ShapeError, r"layer 1: h0: expected shape \(1,\)"),
        (GOOD, [[1, 1]], {"activation": "gelu"}, InvalidArgumentError, "activation: expected one of"),
        ([([[float("nan")]], [[1.0]], [0.0])], [[1.0]], {}, Exception, r"layer 1: W\[0, 0\]: expected finite"),
    ],
)
def test_stacked_bad_input(layers: object, C: object, kw: dict, error: type, message: str) -> None:
    with pytest.raises(error, match=message):
        StackedRNN(layers, C, **kw)  # type: ignore[arg-type]


def test_stacked_accessors_and_value_semantics() -> None:
    net = StackedRNN(GOOD, [[1, 1]])
    assert (net.L, net.sizes, net.d, net.p, net.system, net.activation) == (2, (1, 2), 2, 1, "exact", "relu")
    assert net == StackedRNN([{"W": [[0]], "V": [[1, 2]], "b": [0]}, GOOD[1]], [[1, 1]])
    assert hash(net) == hash(StackedRNN(GOOD, [[1, 1]]))
    assert net != StackedRNN(GOOD, [[1, 2]])
    assert net.layer(2)["V"].nrows() == 2 and net.layer_rnn(2).p == 1
    with pytest.raises(InvalidArgumentError, match=r"l: expected a layer number 1..2 but found 3"):
        net.layer(3)
    with pytest.raises(AttributeError, match="immutable"):
        net.C = [[0, 0]]  # type: ignore[misc]
    with pytest.raises(ShapeError, match="h0: expected 2 values"):
        net.replace_layers(h0=[[1]])
    assert "StackedRNN(L=2, sizes=(1, 2)" in repr(net)
    assert StackedRNN([([[0.5]], [[1.0]], [0.0])], [[1.0]]).system == "float64"


def test_one_layer_is_the_rnn_itself() -> None:
    net = StackedRNN([([[Q(1, 2)]], [[1]], [0], [3])], [[2]])
    single = to_delayed_single_layer(net)
    assert single.delay == 0 and single.rnn == RNN([[Q(1, 2)]], [[1]], [0], [[2]], [3])


# ------------------------------------------------------------------------------
# the delayed single layer
# ------------------------------------------------------------------------------


@pytest.mark.parametrize("seed", range(8))
def test_delayed_outputs_equal_exactly_at_equilibrium(seed: int) -> None:
    net = at_equilibrium(random_stacked(seed), _inputs(seed + 100, 1, 2)[0])
    single = to_delayed_single_layer(net)
    assert single.delay == 2 and single.blocks == (2, 3, 2) and bool(single.condition)
    xs = _inputs(seed, 25, 2)
    assert (simulate_stacked(net, xs) == simulate_delayed(single.rnn, xs, delay=2)).all()


@settings(max_examples=25)
@given(stacked_nets(), st.integers(0, 2**16))
def test_lag_identity_of_states(net: StackedRNN, seed: int) -> None:
    net = at_equilibrium(net)
    single = to_delayed_single_layer(net)
    xs = _inputs(seed, 8, net.d)
    _, states = simulate_stacked(net, xs, return_states=True)
    _, s = simulate(single.rnn, xs + [[0] * net.d] * single.delay, return_states=True)
    offsets = np.cumsum((0, *net.sizes))
    for l in range(1, net.L + 1):
        for k in range(l - 1, len(xs) + l - 1):
            assert list(s[k, offsets[l - 1] : offsets[l]]) == list(states[l - 1][k - l + 1])


def test_counterexample_from_a_non_equilibrium_start() -> None:
    cond = delay_condition(COUNTER)
    assert not cond and cond.data["layers"] == [2]
    with pytest.raises(HypothesisNotMetError, match=r"found W_l p_l != W_l h0_l for layers \[2\]"):
        to_delayed_single_layer(COUNTER)
    single = to_delayed_single_layer(COUNTER, require_condition=False)
    assert simulate_stacked(COUNTER, [[0]])[0, 0] == Q(1, 2)
    assert simulate_delayed(single.rnn, [[0]], delay=1)[0, 0] == Q(1, 4)


def test_reinitialised_single_layer_reproduces_any_start() -> None:
    # p_2 = s_2(0) = relu(s_2(-1)/2 + s_1(-1)) = 1 = h0_2 when s(-1) = (0, 2).
    single = to_delayed_single_layer(COUNTER, s0=[0, 2])
    xs = _inputs(3, 12, 1)
    assert (simulate_stacked(COUNTER, xs) == simulate_delayed(single.rnn, xs, delay=1)).all()
    with pytest.raises(ShapeError, match=r"s0: expected shape \(2,\)"):
        delay_condition(COUNTER, [0])


def test_layer_one_may_start_anywhere() -> None:
    # h0_1 = 5 is arbitrary; h0_2 = 10 is the fixed point of h = relu(h/2 + h0_1).
    net = StackedRNN([([[Q(1, 2)]], [[1]], [0], [5]), ([[Q(1, 2)]], [[1]], [0], [10])], [[1]])
    assert delay_condition(net)
    xs = _inputs(9, 10, 1)
    assert (simulate_stacked(net, xs) == simulate_delayed(to_delayed_single_layer(net).rnn, xs, delay=1)).all()


def test_identity_activation_condition_is_necessary() -> None:
    net = StackedRNN([([[0]], [[1]], [0]), ([[Q(1, 2)]], [[1]], [0], [1])], [[1]], activation="identity")
    single = to_delayed_single_layer(net, require_condition=False)
    xs = _inputs(1, 5, 1)
    diff = simulate_stacked(net, xs) - simulate_delayed(single.rnn, xs, delay=1)
    assert all(diff[k, 0] == Q(1, 2) ** (k + 2) for k in range(5))  # W_2^(k+1) (p_2 - h0_2), never 0


def test_float64_and_batches() -> None:
    net = at_equilibrium(random_stacked(2)).to_float()
    assert not delay_condition(net)  # the rounded equilibrium is not an exact fixed point
    single = to_delayed_single_layer(net, tol=1e-12)
    assert "float64 with tol=1e-12" in single.condition.method
    xs = np.random.default_rng(0).standard_normal((20, 4, 2))
    assert np.allclose(simulate_stacked(net, xs), simulate_delayed(single.rnn, xs, delay=2), atol=1e-12)


def test_symbolic_stacked() -> None:
    w = sympy.Symbol("w", real=True)
    net = StackedRNN([([[w]], [[1]], [0]), ([[Q(1, 2)]], [[1]], [0])], [[1]])
    single = to_delayed_single_layer(net)
    xs = [[1], [2], [-1]]
    assert net.system == "symbolic" and single.condition
    assert simulate_stacked(net, xs) == simulate_delayed(single.rnn, xs, delay=1)


def test_simulate_delayed_bad_delay() -> None:
    with pytest.raises(InvalidArgumentError, match="delay: expected an integer >= 0 but found -1"):
        simulate_delayed(RNN([[0]], [[1]], [0], [[1]]), [[1]], delay=-1)


# ------------------------------------------------------------------------------
# equilibria
# ------------------------------------------------------------------------------


@pytest.mark.parametrize("seed", range(6))
def test_equilibrium_is_an_exact_fixed_point(seed: int) -> None:
    net = random_stacked(seed)
    x = _inputs(seed, 1, 2)[0]
    es = equilibrium(net, x)
    prev = [[v] for v in x]
    for l, e in enumerate(es, 1):
        f = net.layer(l)
        layer = RNN(f["W"], f["V"], f["b"], [[1] * len(e.entries())], e)
        _, hs = simulate(layer, [[r[0] for r in prev]], return_states=True)
        assert list(hs[0]) == [Q(int(v.p), int(v.q)) for v in e.entries()]
        prev = [[v] for v in hs[0]]


def test_equilibrium_bad_input() -> None:
    with pytest.raises(ShapeError, match=r"x: expected shape \(2,\)"):
        equilibrium(random_stacked(0), [1])
    with pytest.raises(UnsupportedError, match="equilibria are computed for relu and identity"):
        equilibrium(StackedRNN([([[0]], [[1]], [0])], [[1]], "tanh"))
    with pytest.raises(UnsupportedError, match="no fixed point"):
        equilibrium(StackedRNN([([[1]], [[1]], [1])], [[1]]))


# ------------------------------------------------------------------------------
# layer scaling
# ------------------------------------------------------------------------------


@settings(max_examples=15)
@given(stacked_nets())
def test_scaling_is_certified_and_equivalent(net: StackedRNN) -> None:
    net = at_equilibrium(net)
    scaling = contractive_layer_scaling(net)
    W = scaling.delayed.rnn.W
    assert is_contractive(W) and scaling.norm_upper < 1
    assert scaling.alpha == 1 or scaling.triangle_bound >= 1 or scaling.alpha <= 1
    xs = _inputs(1, 10, net.d)
    ys = simulate_stacked(net, xs)
    assert (ys == simulate_stacked(scaling.stacked, xs)).all()
    assert (ys == simulate_delayed(scaling.delayed.rnn, xs, delay=net.L - 1)).all()


def test_scaling_needs_contractive_layers_and_relu() -> None:
    net = StackedRNN([([[1]], [[1]], [0])], [[1]])
    with pytest.raises(NotContractiveError, match=r"layer 1: W: the scaling needs \|\|W_1\|\|_2 < 1"):
        contractive_layer_scaling(net)
    with pytest.raises(UnsupportedError, match="positive scalings commute with relu and identity only"):
        scale_layers(StackedRNN([([[0]], [[1]], [0])], [[1]], "sigmoid"), [1])
    with pytest.raises(InvalidArgumentError, match=r"factors\[1\]: expected a positive number but found -1"):
        scale_layers(random_stacked(0, sizes=(1, 1)), [1, -1])
    with pytest.raises(ShapeError, match="factors: expected 2 values"):
        scale_layers(random_stacked(0, sizes=(1, 1)), [1])


def test_scaling_is_needed_for_large_couplings() -> None:
    net = StackedRNN([([[Q(1, 2)]], [[1]], [0]), ([[Q(1, 2)]], [[4]], [0])], [[1]])
    assert not is_contractive(to_delayed_single_layer(net).rnn.W)
    scaling = contractive_layer_scaling(net)
    assert scaling.alpha == Q(1, 8) and scaling.norm_upper < Q(81, 100)
    assert as_fraction(scaling.stacked.layer(2)["V"][0, 0]) == Q(1, 2) and as_fraction(scaling.stacked.C[0, 0]) == 8


def test_float_scaling_is_exact_in_binary() -> None:
    net = StackedRNN([([[0.5]], [[1.0]], [0.0]), ([[0.5]], [[4.0]], [0.0])], [[1.0]])
    scaling = contractive_layer_scaling(net)
    assert scaling.delayed.rnn.system == "float64" and scaling.delayed.rnn.W[1, 0] == 0.5


# ------------------------------------------------------------------------------
# JSON
# ------------------------------------------------------------------------------


@pytest.mark.parametrize("system", ["exact", "float64"])
def test_json_round_trip(tmp_path, system: str) -> None:
    net = random_stacked(5)
    net = net if system == "exact" else net.to_float()
    path = tmp_path / "s.json"
    write_stacked(net, path)
    assert read_stacked(path) == net
    assert json.loads(path.read_text())["format"] == STACKED_FORMAT


def test_json_symbolic_and_exact_flag() -> None:
    w = sympy.Symbol("w", real=True)
    net = StackedRNN([([[w]], [[1]], [0])], [[1]])
    assert dump_stacked(net)["symbols"] == ["w"] and load_stacked(dump_stacked(net)) == net
    doc = {"format": STACKED_FORMAT, "layers": [{"W": [[0.1]], "V": [[1]], "b": [0]}], "C": [[1]]}
    assert load_stacked(doc).system == "float64"
    assert as_fraction(load_stacked(doc, exact=True).layer(1)["W"][0, 0]) == Q(0.1)


LAYER = {"W": [["1/2"]], "V": [[1]], "b": [0]}


@pytest.mark.parametrize(
    ("doc", "message"),
    [
        ([1], r'expected "format": "urnn-sym.stacked/1" but found list'),
        ({"format": "urnn-sym.rnn/1"}, r'but found "urnn-sym.rnn/1"'),
        ({"format": STACKED_FORMAT, "layers": [LAYER], "C": [[1]], "X": 1}, r"unknown keys \['X'\]"),
        ({"format": STACKED_FORMAT, "layers": [], "C": [[1]]}, 'non-empty list "layers"'),
        ({"format": STACKED_FORMAT, "layers": [LAYER]}, 'and a matrix "C"'),
        ({"format": STACKED_FORMAT, "layers": [{"W": [[0]]}], "C": [[1]]}, r"layers\[0\]: expected an object"),
        ({"format": STACKED_FORMAT, "layers": [{**LAYER, "W": [[True]]}], "C": [[1]]}, r"layer 1: W\[0\]\[0\]"),
        ({"format": STACKED_FORMAT, "layers": [LAYER], "C": [[1]], "symbols": "w"}, '"symbols" must be a list'),
        ({"format": STACKED_FORMAT, "layers": [LAYER], "C": [[1, 2]]}, "src: layer 1: C: expected 1 columns"),
    ],
)
def test_load_stacked_bad(doc: object, message: str) -> None:
    with pytest.raises(FileFormatError if "C: expected" not in message else ShapeError, match=message):
        load_stacked(doc, source="src")


def test_read_stacked_missing(tmp_path) -> None:
    with pytest.raises(FileFormatError, match="stacked RNN file: file not found"):
        read_stacked(tmp_path / "nope.json")


# ------------------------------------------------------------------------------
# z3
# ------------------------------------------------------------------------------


@pytest.mark.slow
@pytest.mark.parametrize("seed", range(3))
def test_z3_delayed_equivalence(seed: int) -> None:
    net = at_equilibrium(random_stacked(seed, sizes=(2, 2, 1), p=1))
    single = to_delayed_single_layer(net).rnn
    assert check_delayed_equivalence(net, single, delay=2, input_bound=2, horizon=10, timeout=60)
    scaled = contractive_layer_scaling(net).delayed.rnn
    verdict = check_delayed_equivalence(net, scaled, delay=2, input_bound=2, horizon=3, timeout=60)
    assert verdict and "unsatisfiable" in verdict.method


@pytest.mark.slow
def test_z3_refutes_the_counterexample() -> None:
    single = to_delayed_single_layer(COUNTER, require_condition=False).rnn
    verdict = check_delayed_equivalence(COUNTER, single, delay=1, input_bound=1, horizon=3)
    assert not verdict and verdict.data["time_step"] == 0 and "re-simulated exactly" in verdict.method


@pytest.mark.slow
def test_z3_counterexample_is_reproducible_and_canonical() -> None:
    import z3

    net = at_equilibrium(COUNTER)
    bad = to_delayed_single_layer(net).rnn.replace(b=[Q(-1, 3), 0])  # layer 1 computes relu(x - 1/3)
    first = check_delayed_equivalence(net, bad, delay=1, input_bound=1, horizon=3)
    z3.solve(z3.Real("x") > 3)
    check_delayed_equivalence(net, to_delayed_single_layer(net).rnn, delay=1, input_bound=1, horizon=3)
    again = check_delayed_equivalence(net, bad, delay=1, input_bound=1, horizon=3)
    assert not first and again.detail == first.detail and again.method == first.method
    assert (again.data["xs"], again.data["time_step"]) == (first.data["xs"], first.data["time_step"])
    # each input is the simplest rational near z3's value that keeps the difference at the same step
    xs, k = first.data["xs"], first.data["time_step"]
    assert all(abs(x) <= 1 and x.denominator <= 4 for row in xs for x in row)
    assert list(simulate_stacked(net, xs[: k + 1])[k]) != list(simulate_delayed(bad, xs[: k + 1], delay=1)[k])


@pytest.mark.slow
def test_delayed_verdict_follows_the_result_protocol() -> None:
    net = at_equilibrium(COUNTER)
    good, bad = to_delayed_single_layer(net).rnn, to_delayed_single_layer(net).rnn.replace(b=[Q(-1, 3), 0])
    proved = delayed_verdict(net, good, delay=1, input_bound=1, horizon=3)
    refuted = delayed_verdict(net, bad, delay=1, input_bound=1, horizon=3)
    assert isinstance(proved, Result) and isinstance(refuted, Result)
    assert (proved.status, refuted.status) == ("proved", "refuted")
    # "proved" only after the non-vacuity of the assumptions and the independent re-check
    assert proved.data["nonvacuity"]["holds"] and proved.data["recheck"]["holds"]
    assert "independent re-check" in proved.method
    assert refuted.to_json()["data"]["time_step"] == 0 and refuted.to_json()["status"] == "refuted"
    # a solver that gives up is "unknown" here and SolverTimeoutError for check_delayed_equivalence
    unknown = delayed_verdict(net, good, delay=1, input_bound=1, horizon=3, rlimit=1)
    assert unknown.status == "unknown" and not unknown and "resource limit" in unknown.reason


@pytest.mark.parametrize(
    ("kw", "error", "message"),
    [
        ({"timeout": 0}, InvalidArgumentError, "timeout: expected a finite positive number of seconds but found 0"),
        ({"horizon": True}, InvalidArgumentError, "horizon: expected an integer >= 1 but found True"),
        ({"horizon": 0}, InvalidArgumentError, "horizon: expected an integer >= 1 but found 0"),
        ({"delay": -1}, InvalidArgumentError, "delay: expected an integer >= 0"),
        ({"input_bound": 0}, InvalidArgumentError, "input_bound: expected a positive number"),
        ({"norm": "1"}, InvalidArgumentError, "norm: expected '2' or 'inf'"),
    ],
)
def test_z3_bad_arguments(kw: dict, error: type, message: str) -> None:
    args = {"delay": 1, "input_bound": 1, "horizon": 2, **kw}
    with pytest.raises(error, match=message):
        check_delayed_equivalence(COUNTER, RNN([[0]], [[1]], [0], [[1]]), **args)
