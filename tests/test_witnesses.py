"""Tests of urnn_sym.witnesses: the Theorem 2 witness family."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from urnn_sym import EntryTypeError, InvalidArgumentError, simulate
from urnn_sym.construct.hypotheses import is_contractive
from urnn_sym.strategies import input_sequences
from urnn_sym.witnesses import MAX_WITNESS_STATES, lower_bound_witness

pytestmark = pytest.mark.timeout(60)


@pytest.mark.parametrize(
    ("n", "error", "message"),
    [
        (0, InvalidArgumentError, "n: expected a number of states >= 1 but found 0"),
        (-3, InvalidArgumentError, "found -3"),
        (1.5, EntryTypeError, "n: expected an integer number of states but found float"),
        (True, EntryTypeError, "found bool"),
        ("2", EntryTypeError, "found str"),
        (MAX_WITNESS_STATES + 1, InvalidArgumentError, f"n: expected a number of states <= {MAX_WITNESS_STATES} "),
        (
            100000,
            InvalidArgumentError,
            "n: expected a number of states <= 256 \\(MAX_WITNESS_STATES\\) but found 100000",
        ),
    ],
)
def test_bad_n(n, error, message) -> None:
    with pytest.raises(error, match=message):
        lower_bound_witness(n)


def test_largest_size_is_built() -> None:
    w = lower_bound_witness(MAX_WITNESS_STATES)
    assert (w.n, w.d, w.p) == (MAX_WITNESS_STATES,) * 3


@pytest.mark.parametrize("n", [1, 2, 5])
def test_fields_exact(n: int) -> None:
    w = lower_bound_witness(n)
    m = w.matrices()
    assert (w.n, w.d, w.p, w.activation, w.system, w.is_rational) == (n, n, n, "relu", "exact", True)
    assert m["W"].is_zero_matrix and m["b"].is_zero_matrix and m["h0"].is_zero_matrix
    assert m["F"] == m["C"] and m["F"].is_Identity if hasattr(m["F"], "is_Identity") else m["F"] == m["C"]
    assert bool(is_contractive(w.W))


@given(st.integers(1, 4).flatmap(lambda n: input_sequences(n, bound=3, system="exact", length=st.integers(1, 6))))
def test_memoryless_relu(xs) -> None:
    w = lower_bound_witness(len(xs[0]))
    ys = simulate(w, xs)
    assert ys.tolist() == [[max(v, 0) for v in row] for row in xs]
