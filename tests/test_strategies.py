"""The public strategies produce what they promise (checked exactly where possible)."""

from __future__ import annotations

from fractions import Fraction

import flint
import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from urnn_sym import RNN
from urnn_sym.errors import InvalidArgumentError
from urnn_sym.norms import is_contractive
from urnn_sym.strategies import contractions, input_sequences, orthogonal_matrices, rnns

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
