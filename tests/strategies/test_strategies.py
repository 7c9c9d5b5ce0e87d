"""The public strategies produce what they promise (checked exactly where possible)."""

from __future__ import annotations

import math
from fractions import Fraction

import flint
import numpy as np
import pytest
import sympy
from hypothesis import given, settings
from hypothesis import strategies as st

from urnn_sym import RNN, simulate
from urnn_sym.construct.hypotheses import is_contractive
from urnn_sym.errors import InvalidArgumentError
from urnn_sym.numbers.arith import exact_sign
from urnn_sym.strategies import (
    RNNPair,
    contractions,
    equivalent_pairs,
    input_sequences,
    late_firing_pairs,
    orthogonal_matrices,
    perturbed_pairs,
    rnns,
    theorem1_pairs,
)

pytestmark = pytest.mark.timeout(120)


@given(contractions(st.integers(1, 5), max_norm=0.9))
def test_float_contractions(W: np.ndarray) -> None:
    assert np.linalg.norm(W, 2) <= 0.9 * (1 + 1e-12)


@given(st.sampled_from(["float64", "exact", "symbolic"]).flatmap(lambda s: rnns(system=s)))
def test_rnns_have_requested_shapes(rnn: RNN) -> None:
    assert 1 <= rnn.n <= 4 and 1 <= rnn.d <= 3 and 1 <= rnn.p <= 3
    if rnn.system != "symbolic":
        assert is_contractive(rnn.to_exact().W)


@given(rnns(system="exact", contractive=False, activation=st.sampled_from(["sigmoid", "tanh"]), zero_h0=True))
def test_rnns_options(rnn: RNN) -> None:
    assert rnn.activation in ("sigmoid", "tanh")
    assert all(v == 0 for v in rnn.h0.entries())


@given(st.integers(1, 4), st.sampled_from(["2", "inf"]), st.data())
def test_exact_inputs_within_bound(d: int, norm: str, data: st.DataObject) -> None:
    bound = Fraction(3, 2)
    xs = data.draw(input_sequences(d, bound=bound, norm=norm, system="exact"))
    for row in xs:
        if norm == "inf":
            assert max(abs(v) for v in row) <= bound
        else:
            assert sum(v * v for v in row) <= bound * bound


@given(st.integers(1, 4), st.sampled_from(["2", "inf"]), st.data())
def test_float_inputs_within_bound(d: int, norm: str, data: st.DataObject) -> None:
    xs = data.draw(input_sequences(d, bound=2.0, norm=norm, batch=2))
    assert xs.shape[1:] == (2, d)
    size = np.abs(xs).max(axis=-1) if norm == "inf" else np.linalg.norm(xs, axis=-1)
    assert np.all(size <= 2.0)


@given(orthogonal_matrices(st.integers(1, 4), system="exact"))
def test_exact_orthogonal_rows_too(Q: flint.fmpq_mat) -> None:
    n = Q.nrows()
    assert Q * Q.transpose() == flint.fmpq_mat(n, n, [int(i == j) for i in range(n) for j in range(n)])


@pytest.mark.filterwarnings("ignore::hypothesis.errors.NonInteractiveExampleWarning")
def test_bad_strategy_arguments() -> None:
    with pytest.raises(InvalidArgumentError, match="max_norm"):
        contractions(2, max_norm=1.0).example()
    with pytest.raises(InvalidArgumentError, match="norm: expected '2' or 'inf'"):
        input_sequences(2, norm="1").example()
    with pytest.raises(InvalidArgumentError, match="system"):
        orthogonal_matrices(2, system="symbolic").example()


@settings(max_examples=30, deadline=None)
@given(contractions(st.integers(1, 4), system="exact", max_norm=0.3))
def test_exact_contractions_respect_max_norm(W) -> None:
    scaled = W * flint.fmpq(10, 3)  # ||W||_2 < 3/10 exactly  <=>  ||(10/3) W||_2 < 1
    assert is_contractive(scaled).holds


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [({"system": "exact", "batch": 3}, "batches are float64 only"), ({"system": "symbolic"}, "system: expected")],
)
def test_input_sequences_rejects_bad_options(kwargs, message) -> None:
    @given(input_sequences(1, **kwargs))
    def draw(xs) -> None:
        raise AssertionError(f"drew {xs!r} despite {kwargs}")

    with pytest.raises(InvalidArgumentError, match=message):
        draw()


# ------------------------------------------------------------------------------
# pairs of RNNs (the soundness campaign's generators, tests/smt/test_soundness.py)
# ------------------------------------------------------------------------------


def _corner_inputs(d: int, M, length: int) -> list[list[list[Fraction]]]:
    M = Fraction(M)
    return [[[M] * d] * length, [[-M] * d] * length, [[M if k % 2 else -M] * d for k in range(length)]]


def _first_difference(a: RNN, b: RNN, xs) -> int | None:
    ya, yb = simulate(a.to_exact(), xs), simulate(b.to_exact(), xs)
    for k in range(len(xs)):
        if (ya[k] != yb[k]).any():
            return k
    return None


@settings(max_examples=25, deadline=None)
@given(st.sampled_from(["exact", "float64"]).flatmap(lambda s: equivalent_pairs(system=s)))
def test_equivalent_pairs_agree_exactly(pair: RNNPair) -> None:
    assert pair.bound == math.inf and pair.horizon is None and pair.differs_above is None
    assert pair.a.system == pair.b.system and (pair.a.d, pair.a.p) == (pair.b.d, pair.b.p)
    assert pair.b.n >= pair.a.n and (pair.b.n > pair.a.n) == ("dead state" in pair.how)
    for xs in _corner_inputs(pair.a.d, 7, 6):
        assert _first_difference(pair.a, pair.b, xs) is None, pair.how


@settings(max_examples=10, deadline=None)
@given(equivalent_pairs(n=3, transforms=["permutation"]))
def test_equivalent_pairs_permutation_only_keeps_the_entries(pair: RNNPair) -> None:
    assert pair.how.startswith("b = a after states permuted by")
    assert sorted(pair.a.b.entries()) == sorted(pair.b.b.entries())


@settings(max_examples=15, deadline=None)
@given(
    st.one_of(
        theorem1_pairs(system="rational"),
        theorem1_pairs(system="float64"),
        theorem1_pairs(system="rational", horizon=st.integers(1, 3)),
    )
)
def test_theorem1_pairs_agree_within_their_bound(pair: RNNPair) -> None:
    assert isinstance(pair.bound, Fraction) and pair.differs_above is None
    assert pair.b.n >= pair.a.n
    if "(rational)" in pair.how:
        assert pair.b.is_rational
    length = pair.horizon if pair.horizon is not None else 8
    for xs in _corner_inputs(pair.a.d, pair.bound, length):
        assert _first_difference(pair.a, pair.b, xs) is None, pair.how


@pytest.mark.slow
@settings(max_examples=2, deadline=None)
@given(theorem1_pairs(system="algebraic", n=2, d=1, p=1))
def test_theorem1_pairs_algebraic(pair: RNNPair) -> None:
    assert pair.a.n == 2 and pair.b.system == "exact"
    for xs in _corner_inputs(1, pair.bound, 2):
        ya, yb = simulate(pair.a, xs), simulate(pair.b, xs)
        assert all(
            exact_sign(sympy.sympify(u) - sympy.sympify(v)) == 0 for u, v in zip(ya.ravel(), yb.ravel(), strict=True)
        )


@settings(max_examples=20, deadline=None)
@given(st.data())
def test_perturbed_pairs_change_exactly_one_entry(data: st.DataObject) -> None:
    source = data.draw(equivalent_pairs(system=data.draw(st.sampled_from(["exact", "float64"]))))
    pair = data.draw(perturbed_pairs(st.just(source)))
    assert pair.a is source.a and pair.bound is None and pair.differs_above is None
    assert pair.how.startswith(source.how + "; then b.")
    old, new = source.b.to_exact().matrices(), pair.b.to_exact().matrices()
    changed = sum(int(u != v) for k in old for u, v in zip(old[k], new[k], strict=True))
    assert changed == 1


@settings(max_examples=20, deadline=None)
@given(late_firing_pairs(mode="accumulator"))
def test_late_firing_accumulator_fires_exactly_above_its_bound(pair: RNNPair) -> None:
    M = pair.differs_above
    assert M is not None and pair.bound == M and M > 0 and pair.horizon is None
    e0 = [[M] + [0] * (pair.a.d - 1)]
    assert _first_difference(pair.a, pair.b, e0 * 60) is None  # at M itself the unit never fires
    assert _first_difference(pair.a, pair.b, [[2 * M] + [0] * (pair.a.d - 1)] * 60) is not None
    for xs in _corner_inputs(pair.a.d, M, 12):
        assert _first_difference(pair.a, pair.b, xs) is None


@settings(max_examples=20, deadline=None)
@given(st.sampled_from(["exact", "float64"]).flatmap(lambda s: late_firing_pairs(mode="clock", system=s)))
def test_late_firing_clock_fires_at_its_horizon(pair: RNNPair) -> None:
    assert pair.bound == math.inf and pair.differs_above == 0 and 1 <= pair.horizon <= 8
    for xs in _corner_inputs(pair.a.d, 3, pair.horizon + 2):
        assert _first_difference(pair.a, pair.b, xs) == pair.horizon


@pytest.mark.filterwarnings("ignore::hypothesis.errors.NonInteractiveExampleWarning")
def test_bad_pair_strategy_arguments() -> None:
    with pytest.raises(InvalidArgumentError, match="transforms: expected names"):
        equivalent_pairs(transforms=["rotation"]).example()
    with pytest.raises(InvalidArgumentError, match="system: expected 'float64' or 'exact'"):
        equivalent_pairs(system="symbolic").example()
    with pytest.raises(InvalidArgumentError, match="activation: expected 'relu' or 'identity'"):
        equivalent_pairs(activation="tanh").example()
    with pytest.raises(InvalidArgumentError, match="system: expected 'rational', 'algebraic' or 'float64'"):
        theorem1_pairs(system="exact").example()
    with pytest.raises(InvalidArgumentError, match="horizon: only for system='rational'"):
        theorem1_pairs(system="float64", horizon=2).example()
    with pytest.raises(InvalidArgumentError, match="fields: expected some of"):
        perturbed_pairs(fields=["Q"]).example()
    with pytest.raises(InvalidArgumentError, match="mode: expected 'accumulator' or 'clock'"):
        late_firing_pairs(mode="timer").example()
