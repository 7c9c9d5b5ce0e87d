"""Tests of the vectorised float64 paths: RNN / to_matrix / to_vector validation, and the float completion residual.

The vectorised validation must give the same results and the same errors
(type and message) as the entry-by-entry path; an object array of the same
Python floats takes that general path, so the two are compared directly.
"""

from __future__ import annotations

from fractions import Fraction
from typing import Any

import flint
import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st
from hypothesis.extra import numpy as hnp

from urnn_sym import RNN
from urnn_sym.construct.completion import unitary_completion
from urnn_sym.construct.halmos import _halmos_residual, orthogonality_check
from urnn_sym.errors import EntryTypeError, NonFiniteError, ShapeError
from urnn_sym.numbers.arith import entries, infer_system, to_matrix, to_vector

pytestmark = pytest.mark.timeout(120)

NAN, INF = float("nan"), float("inf")
W2 = np.array([[0.5, 0.25], [0.125, -0.25]])
FIELDS: dict[str, Any] = {
    "W": W2,
    "F": np.array([[1.0], [2.0]]),
    "b": np.array([0.0, 1.0]),
    "C": np.array([[1.0, -1.0]]),
    "h0": np.array([0.5, 0.0]),
}


def outcome(func: Any) -> tuple[Any, ...]:
    """``("ok", system, dtype, shape, writeable, values)`` or ``("error", type, message)``."""
    try:
        out = func()
    except Exception as exc:  # the error itself is the outcome compared
        return ("error", type(exc).__name__, str(exc))
    if isinstance(out, np.ndarray):
        return ("ok", "float64", out.dtype.str, out.shape, out.flags.writeable, out.ravel().tolist())
    return ("ok", type(out).__name__, str(out))


def general_path(value: np.ndarray) -> np.ndarray:
    """The same entries as an object array: to_matrix / to_vector check it entry by entry.

    (Only for non-empty 1-D and 2-D arrays: the general path reads an empty or
    3-D object array differently from a float array.)
    """
    return value.astype(object)


# ------------------------------------------------------------------------------
# vectorised validation = entry-by-entry validation
# ------------------------------------------------------------------------------

float_entries = st.one_of(
    st.floats(-10, 10, allow_nan=False), st.sampled_from([NAN, INF, -INF, 0.0, -0.0, 5e-324, 1e308])
)


@given(
    hnp.arrays(np.float64, hnp.array_shapes(min_dims=1, max_dims=2, min_side=1, max_side=4), elements=float_entries),
    st.sampled_from([None, "float64"]),
    st.sampled_from([to_matrix, to_vector]),
)
def test_float_arrays_match_the_general_path(arr: np.ndarray, system: str | None, convert: Any) -> None:
    fast = outcome(lambda: convert("W", arr, system=system))
    assert fast == outcome(lambda: convert("W", general_path(arr), system=system))


@given(
    st.lists(st.lists(float_entries | st.integers(-3, 3), min_size=2, max_size=2), min_size=1, max_size=3),
    st.sampled_from([None, "float64"]),
)
def test_float_lists_match_the_general_path(rows: list[list[Any]], system: str | None) -> None:
    as_objects = np.empty((len(rows), 2), dtype=object)
    as_objects[:, :] = rows
    assert outcome(lambda: to_matrix("W", rows, system=system)) == outcome(
        lambda: to_matrix("W", as_objects, system=system)
    )
    flat = [r[0] for r in rows]
    assert outcome(lambda: to_vector("b", flat, system=system)) == outcome(
        lambda: to_vector("b", np.array(flat, dtype=object), system=system)
    )


@pytest.mark.parametrize(
    ("value", "convert", "message"),
    [
        (np.array([[0.5, NAN], [NAN, 0.0]]), to_matrix, r"^W\[0, 1\]: expected finite entries but found nan$"),
        (np.array([[0.5, 0.0], [1.0, -INF]]), to_matrix, r"^W\[1, 1\]: expected finite entries but found -inf$"),
        (np.array([[0.5, 0.0], [INF, 1.0]]).T, to_matrix, r"^W\[0, 1\]: expected finite entries but found inf$"),
        (np.array([[0.5, 0.0], [1.0, NAN]], dtype=np.float32), to_matrix, r"^W\[1, 1\]: .* found nan$"),
        ([[0.5, 1], [NAN, 0.0]], to_matrix, r"^W\[1, 0\]: expected finite entries but found nan$"),
        (np.array([0.5, 0.0, INF]), to_vector, r"^W\[0, 2\]: expected finite entries but found inf$"),
        (np.array([[0.5], [NAN]]), to_vector, r"^W\[0, 1\]: expected finite entries but found nan$"),
        ([0.5, -INF], to_vector, r"^W\[0, 1\]: expected finite entries but found -inf$"),
        ([[0.5], [NAN]], to_vector, r"^W\[0, 1\]: expected finite entries but found nan$"),
    ],
)
def test_non_finite_entries_are_named(value: Any, convert: Any, message: str) -> None:
    with pytest.raises(NonFiniteError, match=message):
        convert("W", value)


@pytest.mark.parametrize(
    ("value", "error", "message"),
    [
        (np.array([[True, False], [False, True]]), EntryTypeError, r"W\[0, 0\]: expected a number but found a bool"),
        (np.array([[1 + 0j, 0], [0, 1]]), EntryTypeError, "W: expected a numeric array but found dtype complex128"),
        (np.array([["0.5", "1"]]), EntryTypeError, "W: expected a numeric array but found dtype <U3"),
        ([[0.5, True], [0.0, 1.0]], EntryTypeError, r"W\[0, 1\]: expected a number but found a bool \(True\)"),
        ([[0.5, 1j], [0.0, 1.0]], EntryTypeError, r"W\[0, 1\]: expected real entries but found complex 1j"),
        ([[0.5, None], [0.0, 1.0]], EntryTypeError, r"W\[0, 1\]: expected numbers .* found NoneType"),
        ([[0.5, 10**400]], NonFiniteError, r"W\[0, 1\]: the value is too large for float64"),
        (np.zeros((2, 2, 2)), ShapeError, r"W: expected a matrix \(list of rows\) but found shape \(2, 2, 2\)"),
        (np.zeros(3), ShapeError, r"W: expected a matrix \(list of rows\) but found shape \(3,\)"),
        ([[0.5, 0.25], [0.5]], ShapeError, r"W: rows have different lengths \[1, 2\]"),
    ],
)
def test_bad_dtypes_and_shapes_keep_their_errors(value: Any, error: type, message: str) -> None:
    with pytest.raises(error, match=message):
        to_matrix("W", value, system="float64")


def test_object_and_integer_arrays_keep_their_systems() -> None:
    strings = np.array([["1/2", "1/3"]], dtype=object)
    assert to_matrix("W", strings) == flint.fmpq_mat([[flint.fmpq(1, 2), flint.fmpq(1, 3)]])
    assert to_matrix("W", strings, system="float64").tolist() == [[0.5, 1 / 3]]
    ints = np.array([[1, 2]], dtype=np.int32)
    assert isinstance(to_matrix("W", ints), flint.fmpq_mat)
    assert to_matrix("W", ints, system="float64").dtype == np.float64
    q = flint.fmpq
    assert to_matrix("W", W2, system="exact") == flint.fmpq_mat([[q(1, 2), q(1, 4)], [q(1, 8), q(-1, 4)]])
    assert to_matrix("W", np.zeros((0, 2))).__class__ is flint.fmpq_mat  # no entry is a float: exact, as before
    assert infer_system(W=[[0.5, 1]], b=[1, 2]) == "float64" and infer_system(W=[[1, 2]]) == "exact"


@pytest.mark.parametrize(
    ("changes", "error", "message"),
    [
        (
            {"W": np.array([[0.5, NAN], [0.0, 0.0]])},
            NonFiniteError,
            r"^W\[0, 1\]: expected finite entries but found nan$",
        ),
        ({"b": np.array([0.0, INF])}, NonFiniteError, r"^b\[0, 1\]: expected finite entries but found inf$"),
        ({"h0": [[0.0], [NAN]]}, NonFiniteError, r"^h0\[1, 0\]: expected finite entries but found nan$"),
        ({"W": np.zeros((2, 3))}, ShapeError, r"W: expected shape \(2, 2\) but found \(2, 3\)"),
        ({"F": np.zeros((3, 1))}, ShapeError, r"F: expected shape \(2, 1\) but found \(3, 1\)"),
        ({"C": np.zeros((1, 3))}, ShapeError, r"C: expected shape \(1, 2\) but found \(1, 3\)"),
        ({"b": np.zeros(3)}, ShapeError, r"b: expected shape \(2,\) to match W but found \(3,\)"),
        ({"b": np.zeros((1, 2))}, ShapeError, r"b: expected a vector but found shape \(1, 2\)"),
        ({"W": np.zeros((0, 0))}, ShapeError, "W: the number of states n must be >= 1"),
        ({"F": np.array([[True], [False]])}, EntryTypeError, r"F\[0, 0\]: expected a number but found a bool"),
        ({"C": np.array([[1j, 0]])}, EntryTypeError, "C: expected a numeric array but found dtype complex128"),
        # the fields are checked in the order W, F, C, b, h0
        ({"F": [[True], [0.5]], "b": [NAN, 0.0]}, EntryTypeError, r"^F\[0, 0\]: expected a number"),
        ({"W": [[0.5, NAN], [0.0, 0.0]], "F": [["x"], [0.5]]}, NonFiniteError, r"^W\[0, 1\]"),
    ],
)
def test_rnn_rejects_bad_float_fields(changes: dict[str, Any], error: type, message: str) -> None:
    with pytest.raises(error, match=message):
        RNN(**{**FIELDS, **changes})


def test_rnn_from_lists_equals_rnn_from_arrays() -> None:
    lists = {k: v.tolist() for k, v in FIELDS.items()}
    rnn = RNN(**lists)
    assert rnn.system == "float64" and rnn == RNN(**FIELDS)
    assert rnn.b.shape == (2,) and not rnn.W.flags.writeable
    column = RNN(**{**lists, "b": [[0.0], [1.0]]})
    assert column.b.tolist() == [0.0, 1.0]
    mixed = RNN(**{**lists, "W": [[Fraction(1, 2), 0.25], [0.125, -0.25]]})
    assert mixed.system == "exact" and mixed.W[0, 1] == flint.fmpq(1, 4)
    big = RNN(**{**lists, "b": [2**60 + 1, 0.5]}, system="exact")
    assert big.b[0, 0] == 2**60 + 1  # exact ints are not rounded through float64


def test_rnn_copies_writable_arrays_and_shares_read_only_ones() -> None:
    W = W2.copy()
    rnn = RNN(W, FIELDS["F"], FIELDS["b"], FIELDS["C"])
    W[0, 0] = 7.0
    assert rnn.W[0, 0] == 0.5 and not rnn.W.flags.writeable
    frozen = W2.copy()
    frozen.setflags(write=False)
    assert RNN(frozen, FIELDS["F"], FIELDS["b"], FIELDS["C"])._W is frozen
    view = W2.copy()[:, :]  # read-only view of a writable array: copied
    view.setflags(write=False)
    assert RNN(view, FIELDS["F"], FIELDS["b"], FIELDS["C"])._W is not view
    assert rnn.replace(b=[1.0, 2.0])._W is rnn._W
    assert rnn.h0.tolist() == [0.0, 0.0] and not rnn.h0.flags.writeable


def test_entries_of_float_arrays_are_python_floats() -> None:
    vals = entries(np.array([[0.1, -0.0], [5e-324, 2.5]]).T)
    assert vals == [0.1, 5e-324, -0.0, 2.5] and all(type(v) is float for v in vals)
    assert entries(np.array([1, 2])) == [1.0, 2.0]


# ------------------------------------------------------------------------------
# float completion: the residual
# ------------------------------------------------------------------------------


def _contraction(n: int, seed: int) -> np.ndarray:
    W = np.random.default_rng(seed).standard_normal((n, n))
    return W * (0.9 / np.linalg.norm(W, 2))


def _direct(U: np.ndarray) -> float:
    return float(np.abs(U.T @ U - np.eye(U.shape[0])).max())


@pytest.mark.parametrize("n", [1, 2, 7, 33, 100])
def test_completion_residual_equals_the_direct_one(n: int) -> None:
    W = _contraction(n, n)
    c = unitary_completion(W)
    r = c.orthogonal.data["residual"]
    # the same dot products of columns of U, summed in BLAS order: equal up to ~1e-15 (U^T U has unit scale)
    assert abs(r - _direct(c.U)) <= 1e-15 and r < 1e-13
    assert orthogonality_check(c.U).data["residual"] == _direct(c.U)
    assert np.array_equal(c.U[:n, :n], W) and np.array_equal(c.U[n:, n:], -W.T)
    assert np.array_equal(c.D, c.D.T) and np.array_equal(c.D_star, c.D_star.T)
    assert not (c.U.flags.writeable or c.D.flags.writeable or c.D_star.flags.writeable)


@pytest.mark.parametrize("where", ["top-left", "bottom-right", "off-diagonal"])
def test_block_residual_sees_every_block(where: str) -> None:
    n = 12
    U = np.array(unitary_completion(_contraction(n, 3)).U)
    if where == "top-left":
        U[:, 2] *= 1 + 1e-6  # G[2, 2] = 1 + 2e-6
    elif where == "bottom-right":
        U[:, n + 5] *= 1 - 1e-6
    else:
        U[:, 1] += 1e-6 * U[:, n + 4]  # G[1, n + 4] = 1e-6
    r = _halmos_residual(U, n)
    assert r > 5e-7 and r == pytest.approx(_direct(U), rel=1e-9)


def test_completion_without_check() -> None:
    W = _contraction(20, 1)
    fast, full = unitary_completion(W, check=False), unitary_completion(W)
    assert np.array_equal(fast.U, full.U) and fast.orthogonal.data["residual"] is None
    assert fast.orthogonal.holds and "not measured" in fast.orthogonal.method
    assert full.orthogonal.data["residual"] < 1e-13
    exact = unitary_completion([["3/5"]], check=False)
    assert exact.orthogonal.holds and exact.orthogonal.data == {}  # exact completions are always checked
