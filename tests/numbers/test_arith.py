"""Tests of urnn_sym.numbers.arith: parsing, inference of the number system, the matrix interface."""

from __future__ import annotations

from fractions import Fraction

import flint
import numpy as np
import pytest
import sympy
from hypothesis import given
from hypothesis import strategies as st

from urnn_sym.errors import (
    EntryTypeError,
    InvalidArgumentError,
    NonFiniteError,
    ParseError,
    ShapeError,
    UnsupportedError,
)
from urnn_sym.numbers.arith import (
    arb_enclosure,
    arith,
    as_fraction,
    as_sympy,
    exact_sign,
    parse_number,
    system_of,
    to_matrix,
    to_system,
    to_vector,
    working_precision,
)

pytestmark = pytest.mark.timeout(60)


@pytest.mark.parametrize(
    ("text", "value"),
    [
        ("3/5", sympy.Rational(3, 5)),
        ("-2", sympy.Integer(-2)),
        ("0.125", sympy.Rational(1, 8)),
        ("1e-3", sympy.Rational(1, 1000)),
        ("2.5E2", sympy.Integer(250)),
        ("sqrt(2)/2", sympy.sqrt(2) / 2),
        ("(1 + sqrt(5)) / 2", (1 + sympy.sqrt(5)) / 2),
        ("2^(1/3)", sympy.root(2, 3)),
        ("2**-1", sympy.Rational(1, 2)),
        (" -(3) * 4 ", sympy.Integer(-12)),
    ],
)
def test_parse_number_accepts(text: str, value: sympy.Expr) -> None:
    assert sympy.simplify(parse_number(text) - value) == 0


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("", "empty text"),
        ("abc", "unknown name 'abc'"),
        ("1/0", "division by zero"),
        ("__import__('os')", "unexpected character"),
        ("__import__(2)", "unknown function '__import__'"),
        ("3 +", "unexpected end"),
        ("3 3", "unexpected '3'"),
        ("sqrt(-1)", "not a real number"),
        ("2^x", "unknown name"),
        ("1;2", "unexpected character ';'"),
        ("exp(1)", "unknown function 'exp'"),
    ],
)
def test_parse_number_rejects(text: str, message: str) -> None:
    with pytest.raises(ParseError, match=message.replace("(", r"\(")) as info:
        parse_number(text, name="W[0, 1]")
    assert str(info.value).startswith("W[0, 1]: cannot parse")


def test_parse_number_symbols_only_when_declared() -> None:
    assert parse_number("2*w", allow_symbols={"w"}) == 2 * sympy.Symbol("w", real=True)
    with pytest.raises(ParseError, match="declared symbols"):
        parse_number("2*v", allow_symbols={"w"})


@given(st.floats(allow_nan=False, allow_infinity=False))
def test_float_to_exact_is_exact(x: float) -> None:
    q = as_fraction(x)
    assert q == Fraction(x) and float(q) == x
    M = to_matrix("M", [[x]], system="exact")
    assert Fraction(int(M[0, 0].p), int(M[0, 0].q)) == Fraction(x)


def test_system_inference() -> None:
    assert system_of(to_matrix("A", [[0.5]])) == "float64"
    assert system_of(to_matrix("A", [[1, 2]])) == "exact"
    assert system_of(to_matrix("A", [[0.5, Fraction(1, 3)]])) == "exact"
    assert isinstance(to_matrix("A", [["sqrt(2)"]]), sympy.ImmutableMatrix)
    assert system_of(to_matrix("A", [[sympy.Symbol("w")]])) == "symbolic"
    assert system_of(to_matrix("A", np.eye(2, dtype=int))) == "exact"


@pytest.mark.parametrize(
    ("value", "error", "message"),
    [
        ([[1.0, float("nan")]], NonFiniteError, r"A\[0, 1\]: expected finite entries but found nan"),
        ([[float("inf")]], NonFiniteError, "inf"),
        ([[1, 2], [3]], ShapeError, "rows have different lengths"),
        ([[object()]], EntryTypeError, "found object"),
        ([[True]], EntryTypeError, "bool"),
        ([[1j]], EntryTypeError, "complex"),
        ("12", EntryTypeError, "expected a list of rows"),
        ([1, [2]], ShapeError, "mixes numbers and rows"),
        (np.zeros((2, 2, 2)), ShapeError, "expected a matrix"),
    ],
)
def test_to_matrix_bad_input(value: object, error: type, message: str) -> None:
    with pytest.raises(error, match=message):
        to_matrix("A", value)


def test_to_vector_accepts_columns() -> None:
    v = to_vector("b", [[1], [2]])
    assert isinstance(v, flint.fmpq_mat) and (v.nrows(), v.ncols()) == (2, 1)
    with pytest.raises(ShapeError, match="b: expected a vector"):
        to_vector("b", [[1, 2], [3, 4]])


def test_exact_sign() -> None:
    assert exact_sign(sympy.sqrt(2) - sympy.Rational(141421, 100000)) == 1
    assert exact_sign(sympy.sqrt(2) - sympy.Rational(141422, 100000)) == -1
    assert exact_sign(sympy.sqrt(2) * sympy.sqrt(3) - sympy.sqrt(6)) == 0
    assert exact_sign(Fraction(-1, 3)) == -1


@pytest.mark.parametrize("system", ["float64", "exact", "symbolic"])
def test_interface_identities(system: str) -> None:
    ar = arith(system)
    A = ar.matrix([[1, 2], [3, 4]])
    B = ar.matrix([[0, 1], [1, 0]])
    eye = ar.eye(2)
    assert ar.equal(ar.matmul(A, eye), A)
    assert ar.equal(ar.transpose(ar.transpose(A)), A)
    assert ar.equal(ar.sub(ar.add(A, B), B), A)
    assert ar.equal(ar.neg(ar.neg(A)), A)
    assert ar.equal(ar.scale(2, A), ar.add(A, A))
    blk = ar.block([[A, ar.zeros(2, 1)], [ar.zeros(1, 2), ar.eye(1)]])
    assert ar.shape(blk) == (3, 3)
    assert not ar.equal(A, B)


def test_to_system_round_trip() -> None:
    A = to_matrix("A", np.array([[0.1, -2.5e-300]]))
    E = to_system(A, "exact")
    assert np.array_equal(to_system(E, "float64"), A)
    assert as_sympy(E)[0, 0] == sympy.Rational(Fraction(0.1))


def test_float64_string_entries_are_parsed_exactly_then_rounded() -> None:
    M = to_matrix("W", [["3/5", "sqrt(2)/2"]], system="float64")
    assert M.tolist() == [[0.6, 2**0.5 / 2]]
    with pytest.raises(ParseError, match=r"W\[0, 1\]: cannot parse"):
        to_matrix("W", [["1", "1/x"]], system="float64")


def test_fraction_with_numpy_integer_parts_is_exact() -> None:
    v = to_vector("b", [Fraction(np.int64(1), 2), Fraction(np.int32(-3))], system="exact")
    assert [v[i, 0] for i in range(2)] == [flint.fmpq(1, 2), flint.fmpq(-3)]


@pytest.mark.parametrize(
    ("expr", "sign"),
    [
        (sympy.sqrt(10**12 + 1) - 10**6, 1),  # 5e-7: needs more than double precision
        (10**6 + sympy.Rational(1, 2 * 10**6) - sympy.sqrt(10**12 + 1), 1),  # about 1.2e-19
        (sympy.sqrt(2) + sympy.sqrt(3) - sympy.sqrt(5 + 2 * sympy.sqrt(6)), 0),
        (sympy.cos(sympy.pi / 5) - (1 + sympy.sqrt(5)) / 4, 0),
        (sympy.Rational(1, 3) ** sympy.Rational(-3, 2) - sympy.sqrt(27), 0),
        (sympy.root(3, 5) - sympy.Rational(124573, 100000), 1),
    ],
)
def test_exact_sign_hard_cases(expr, sign) -> None:
    assert exact_sign(expr) == sign


def test_arb_enclosure_is_rigorous_and_rejects_complex_roots() -> None:
    with working_precision(80):
        ball = arb_enclosure(sympy.sqrt(2) * sympy.pi - sympy.Rational(1, 3))
    assert ball.overlaps(flint.arb(2).sqrt() * flint.arb.pi() - flint.arb(1) / 3)
    assert ball.rad() < flint.arb(2) ** -70
    with pytest.raises(InvalidArgumentError, match="not real"):
        arb_enclosure(sympy.Pow(-2, sympy.Rational(1, 3), evaluate=False))
    with pytest.raises(UnsupportedError, match="cannot enclose"):
        arb_enclosure(sympy.gamma(sympy.Rational(1, 3)))
