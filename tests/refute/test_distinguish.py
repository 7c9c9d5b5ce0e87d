"""Tests of urnn_sym.refute.distinguish, urnn_sym.refutation and urnn_sym.refute.adversarial."""

from __future__ import annotations

from fractions import Fraction as Q

import flint
import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from urnn_sym import RNN, EntryTypeError, FileFormatError, InvalidArgumentError, ShapeError, UnsupportedError
from urnn_sym.refutation import Refutation, certify, inconclusive, recheck
from urnn_sym.refutation.simulate import simulate_ball
from urnn_sym.refute.adversarial import (
    agreement,
    shared_state_candidate,
    trained_candidate,
    truncated_construction,
    witness_construction,
)
from urnn_sym.refute.distinguish import constructive_input, distinguishing_input
from urnn_sym.strategies import orthogonal_matrices, rnns
from urnn_sym.witnesses import lower_bound_witness

pytestmark = pytest.mark.timeout(120)

W1 = lower_bound_witness(1)


def independent_outputs(rnn: RNN, xs) -> list[list[Q]]:
    """Pure-Python Fraction simulation, independent of urnn_sym.simulate and flint."""
    m = {k: [[Q(v) for v in row] for row in M.tolist()] for k, M in rnn.to_exact().matrices().items()}
    W, F, b, C, h = m["W"], m["F"], [r[0] for r in m["b"]], m["C"], [r[0] for r in m["h0"]]
    act = (lambda z: max(z, Q(0))) if rnn.activation == "relu" else (lambda z: z)
    out = []
    for x in xs:
        z = [
            sum(W[i][j] * h[j] for j in range(len(h))) + sum(F[i][j] * Q(x[j]) for j in range(len(x))) + b[i]
            for i in range(len(h))
        ]
        h = [act(v) for v in z]
        out.append([sum(C[i][j] * h[j] for j in range(len(h))) for i in range(len(C))])
    return out


def assert_certified(ref: Refutation, rnn: RNN, cand: RNN, max_length: int = 2) -> None:
    assert ref.status == "refuted", ref.reason
    assert ref.length <= max_length
    ya, yb = independent_outputs(rnn, ref.xs), independent_outputs(cand, ref.xs)
    assert ya[ref.time_step] != yb[ref.time_step] and ya[: ref.time_step] == yb[: ref.time_step]
    assert ya == ref.ys_rnn and yb == ref.ys_candidate
    bound = ref.input_bound
    assert all(abs(v) <= bound for row in ref.xs for v in row) if ref.norm == "inf" else True
    assert bool(recheck(Refutation.from_json(ref.to_json())))


BAD = [
    ("rnn not an RNN", lambda: distinguishing_input("w", W1, input_bound=1), EntryTypeError, "rnn: expected an RNN"),
    (
        "candidate d",
        lambda: distinguishing_input(W1, lower_bound_witness(2), input_bound=1),
        ShapeError,
        "input dimension d = 1",
    ),
    (
        "candidate p",
        lambda: distinguishing_input(W1, RNN([[0]], [[1]], [0], [[1], [1]]), input_bound=1),
        ShapeError,
        "output dimension p = 1",
    ),
    (
        "bound zero",
        lambda: distinguishing_input(W1, W1, input_bound=0),
        InvalidArgumentError,
        "input_bound: expected a positive",
    ),
    ("bound text", lambda: distinguishing_input(W1, W1, input_bound="big"), InvalidArgumentError, "input_bound"),
    ("bound NaN", lambda: distinguishing_input(W1, W1, input_bound=float("nan")), InvalidArgumentError, "input_bound"),
    ("norm", lambda: distinguishing_input(W1, W1, input_bound=1, norm="1"), InvalidArgumentError, "norm: expected"),
    (
        "horizon",
        lambda: constructive_input(W1, W1, input_bound=1, horizon=0),
        InvalidArgumentError,
        "horizon: expected an integer >= 1",
    ),
    (
        "symbolic",
        lambda: distinguishing_input(W1, RNN([["w"]], [[1]], [0], [[1]], system="symbolic"), input_bound=1),
        UnsupportedError,
        "free symbols",
    ),
    (
        "constructive sigmoid",
        lambda: constructive_input(W1, W1.replace(activation="sigmoid"), input_bound=1),
        UnsupportedError,
        "'relu' or 'identity' for the constructive route",
    ),
    ("refutation status", lambda: Refutation("maybe", "m"), InvalidArgumentError, "status: expected one of"),
    ("refuted without input", lambda: Refutation("refuted", "m"), InvalidArgumentError, "needs the input"),
    ("json format", lambda: Refutation.from_json({"format": "x"}), FileFormatError, "urnn-sym.refutation/1"),
    (
        "json missing key",
        lambda: Refutation.from_json({"format": "urnn-sym.refutation/1", "status": "refuted"}),
        FileFormatError,
        "missing required key",
    ),
    (
        "recheck no nets",
        lambda: recheck(inconclusive("r", method="m", input_bound=1)),
        InvalidArgumentError,
        "pass both",
    ),
]


@pytest.mark.parametrize(("label", "call", "error", "message"), BAD, ids=[b[0] for b in BAD])
def test_bad_inputs(label, call, error, message) -> None:
    with pytest.raises(error, match=message):
        call()


@settings(max_examples=30)
@given(st.data())
def test_undersized_urnns_are_refuted_on_length_2(data) -> None:
    """Random URNNs (exact Cayley or float Haar) with m < 2n: certified input of length <= 2."""
    n = data.draw(st.integers(1, 4), label="n")
    m = data.draw(st.integers(1, 2 * n - 1), label="m")
    system = data.draw(st.sampled_from(["exact", "float64"]), label="system")
    U = data.draw(orthogonal_matrices(m, system=system))
    rng = np.random.default_rng(data.draw(st.integers(0, 10**6)))
    cand = RNN(U, rng.standard_normal((m, n)), rng.standard_normal(m), rng.standard_normal((n, m)))
    norm = data.draw(st.sampled_from(["inf", "2"]))
    w = lower_bound_witness(n)
    assert_certified(distinguishing_input(w, cand, input_bound=Q(3, 2), norm=norm), w, cand)


@pytest.mark.parametrize("n", [1, 2, 3, 4])
def test_adversarial_candidates_are_refuted(n: int) -> None:
    w = lower_bound_witness(n)
    candidates = [
        shared_state_candidate(n),
        shared_state_candidate(n, sign=1),
        truncated_construction(n),
        truncated_construction(n, drop=0),
        trained_candidate(n, steps=100),
    ]
    for cand in candidates:
        assert cand.n == 2 * n - 1
        assert_certified(distinguishing_input(w, cand, input_bound=1), w, cand)


def test_not_exactly_orthogonal_candidate() -> None:
    cand = shared_state_candidate(2)
    perturbed = cand.to_float().replace(W=np.asarray(cand.to_float().W) * (1 + 1e-3))
    assert_certified(
        distinguishing_input(lower_bound_witness(2), perturbed, input_bound=1), lower_bound_witness(2), perturbed
    )


@pytest.mark.parametrize("n", [1, 2, 3])
def test_the_2n_construction_is_not_refuted(n: int) -> None:
    ref = distinguishing_input(lower_bound_witness(n), witness_construction(n), input_bound=1)
    assert ref.status == "inconclusive" and not ref
    assert any("length 2" in t for t in ref.tried)
    assert agreement(witness_construction(n), samples=500, length=8)["fraction"] == 1.0


def test_jacobian_route_when_values_agree() -> None:
    """y = relu(2x - 1/2) equals relu(x) at x = 1/2 but has slope 2 there: the step certifies it."""
    cand = RNN([[0]], [[2]], ["-1/2"], [[1]])
    ref = constructive_input(W1, cand, input_bound=2, at=[[[Q(1, 2)]]])
    assert "Jacobian mismatch" in ref.method and ref.data["jacobian_candidate"] == [2]
    assert ref.xs != [[Q(1, 2)]]
    assert_certified(ref, W1, cand, max_length=1)


def test_identity_activation_and_general_pairs() -> None:
    a = RNN([["1/2"]], [[1]], [0], [[1]], activation="identity")
    b = RNN([["1/2"]], [[1]], [0], [[1]], activation="relu")
    assert_certified(distinguishing_input(a, b, input_bound=1), a, b)


def test_smooth_pairs_dispatch() -> None:
    s = W1.replace(activation="sigmoid")
    ref = distinguishing_input(s, s, input_bound=1)
    # a network against itself is never refuted; the search says what it tried
    assert ref.status == "inconclusive" and not ref and ref.reason


@settings(max_examples=30)
@given(st.data())
def test_property_refutations_always_confirmed(data) -> None:
    """Whenever a general ReLU pair is refuted, an independent exact simulation confirms it."""
    d = data.draw(st.integers(1, 2))
    p = data.draw(st.integers(1, 2))
    system = data.draw(st.sampled_from(["exact", "float64"]))
    a = data.draw(rnns(d=d, p=p, system=system))
    b = data.draw(rnns(d=d, p=p, system=system, contractive=data.draw(st.booleans())))
    # both routes stop at length 2 (the z3 route's own default reaches 3), so a refutation is at most 2 long
    ref = distinguishing_input(a, b, input_bound=1, points=4, smt_horizon=2)
    if ref:
        assert_certified(ref, a, b, max_length=2)
    else:
        assert ref.tried and ref.reason


def rescaled(rnn: RNN, scale: list[Q]) -> RNN:
    """The exactly equivalent copy with states ``D h`` (D = diag(scale) > 0): relu(D z) = D relu(z)."""
    m = {k: [[Q(v) for v in row] for row in M.tolist()] for k, M in rnn.to_exact().matrices().items()}
    n = len(scale)
    return RNN(
        [[scale[i] * m["W"][i][j] / scale[j] for j in range(n)] for i in range(n)],
        [[scale[i] * v for v in m["F"][i]] for i in range(n)],
        [scale[i] * m["b"][i][0] for i in range(n)],
        [[row[j] / scale[j] for j in range(n)] for row in m["C"]],
        [scale[i] * m["h0"][i][0] for i in range(n)],
        activation=rnn.activation,
    )


@pytest.mark.slow
@pytest.mark.timeout(300)
@settings(max_examples=12, deadline=None)
@given(st.data())
def test_equivalent_pairs_are_never_refuted(data) -> None:
    """A network against itself, and against an exactly equivalent rescaled copy, is never "refuted"."""
    n, d, p = data.draw(st.integers(1, 3)), data.draw(st.integers(1, 2)), data.draw(st.integers(1, 2))
    activation = data.draw(st.sampled_from(["relu", "identity"]))
    a = data.draw(rnns(n=n, d=d, p=p, system="exact", activation=activation))
    scale = data.draw(st.lists(st.sampled_from([Q(1, 3), Q(1, 2), Q(2), Q(5, 2), Q(7)]), min_size=n, max_size=n))
    b = rescaled(a, scale)
    x = [[Q(1, 2)] * d, [Q(-1, 3)] * d]
    assert independent_outputs(a, x) == independent_outputs(b, x)  # the copy is equivalent
    for other in (a, b):
        ref = distinguishing_input(a, other, input_bound=1, points=2, smt_horizon=2, timeout=20)
        assert ref.status == "inconclusive" and not ref, ref.summary()
        assert ref.tried and ref.reason


def test_certify_rejects_inputs_outside_the_bound() -> None:
    cand = RNN([[0]], [[2]], [0], [[1]])
    assert certify(W1, cand, [[2]], input_bound=1, method="m") is None
    assert certify(W1, cand, [[Q(1, 2)]], input_bound=1, norm="2", method="m").time_step == 0
    assert certify(W1, W1, [[Q(1, 2)]], input_bound=1, method="m") is None


def test_recheck_catches_tampering() -> None:
    cand = RNN([[0]], [[2]], [0], [[1]])
    ref = certify(W1, cand, [[Q(1, 2)]], input_bound=1, method="m")
    doc = ref.to_json()
    assert bool(recheck(Refutation.from_json(doc)))
    assert not recheck(Refutation.from_json(dict(doc, y_rnn=[["7"]])))
    assert not recheck(Refutation.from_json(dict(doc, input_bound="1/4")))
    assert not recheck(Refutation.from_json(dict(doc, time_step=3)))
    assert not recheck(Refutation.from_json(doc), W1, W1)


def test_ball_simulation_encloses_exact_values() -> None:
    cand = trained_candidate(1, steps=20)
    xs = [[Q(1, 3)], [Q(-1, 5)], [Q(2, 7)]]
    exact = independent_outputs(cand, xs)
    balls = simulate_ball(cand, xs, precision=256)
    old, flint.ctx.prec = flint.ctx.prec, 256
    try:
        for row, enclosure in zip(exact, balls, strict=True):
            assert all(b.contains(flint.fmpq(v.numerator, v.denominator)) for v, b in zip(row, enclosure, strict=True))
        assert simulate_ball(W1.replace(activation="sigmoid"), [[0]], precision=256)[0][0].contains(flint.fmpq(1, 2))
        assert simulate_ball(W1.replace(activation="tanh"), [[0]], precision=256)[0][0].contains(0)
    finally:
        flint.ctx.prec = old


def test_agreement_figures() -> None:
    shared = agreement(shared_state_candidate(2), samples=4000, length=2)
    assert 0.7 < shared["fraction"] < 0.8 and shared["max_error"] > 0
    with pytest.raises(InvalidArgumentError, match="norm"):
        agreement(shared_state_candidate(1), norm="1")
    with pytest.raises(InvalidArgumentError, match="n: expected"):
        shared_state_candidate(0)
    with pytest.raises(InvalidArgumentError, match="sign"):
        shared_state_candidate(2, sign=2)
    with pytest.raises(InvalidArgumentError, match="drop"):
        truncated_construction(2, drop=4)
