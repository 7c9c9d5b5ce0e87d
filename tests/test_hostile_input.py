"""Hostile input (huge exponents and digit counts, deep nesting, bad JSON) answers at once with a typed error.

Most table rows hung or ended in an internal error before the limits of
``urnn_sym.numbers.parsing`` and ``urnn_sym.io.read_json``; the rest guard behaviour
that was already right.  Every test has a 20 s timeout, 60 s through the CLI.
pytest-timeout stops a hang only when it returns to Python code now and then;
a big-integer power in C is not interrupted, so a regression there shows as a
stuck worker.
"""

from __future__ import annotations

import json
import os
import sys
import tempfile
from fractions import Fraction
from pathlib import Path

import numpy as np
import pytest
import sympy
from clitools import run

from urnn_sym import io as urnn_io
from urnn_sym.errors import (
    EntryTypeError,
    FileFormatError,
    InvalidArgumentError,
    NonFiniteError,
    ParseError,
    UnsupportedError,
)
from urnn_sym.io import atomic_write_text, format_number, read_json, read_rnn
from urnn_sym.numbers import jsonread as _jsonread
from urnn_sym.numbers import parsing
from urnn_sym.numbers.arith import arb_enclosure, as_fraction, exact_sign, parse_number, to_matrix
from urnn_sym.numbers.parsing import (
    MAX_DIGITS,
    MAX_EXPONENT,
    MAX_NESTING,
    MAX_POWER,
    MAX_ROOT_DIGITS,
    MAX_TEXT_LENGTH,
    MAX_TOKENS,
)
from urnn_sym.validation import check_input_bound

pytestmark = pytest.mark.timeout(20)

ROOT = Path(__file__).resolve().parents[1]
EXACT_RNN = ROOT / "examples" / "rnn_exact.json"


def _nines(n: int) -> str:
    return "9" * n


# ---------------------------------------------------------------------------
# parse_number: every limit, just outside
# ---------------------------------------------------------------------------

BAD_TEXT = [
    ("1e-999999999", "the exponent -999999999 exceeds the limit 1000"),
    ("1e999999", "the exponent 999999 exceeds the limit 1000"),
    (f"1e{MAX_EXPONENT + 1}", f"the exponent {MAX_EXPONENT + 1} exceeds the limit {MAX_EXPONENT}"),
    (f"2.5E-{MAX_EXPONENT + 1}", f"the exponent -{MAX_EXPONENT + 1} exceeds"),
    ("1e" + "9" * 50_000, r"the exponent 99999999999999999999\.\.\. \(50000 digits\) exceeds"),
    ("1" * 1_000_000 + "/3", f"1000002 characters\\) as a number: more than {MAX_TEXT_LENGTH} characters"),
    ("1" * (MAX_DIGITS + 1), f"the numeral has {MAX_DIGITS + 1} digits, more than the limit {MAX_DIGITS}"),
    ("0." + "0" * MAX_DIGITS + "1", f"the numeral has {MAX_DIGITS + 2} digits"),
    ("2**10**10**10", "the power with exponent 10000000000 would have at least 9030900000 digits"),
    ("10^10^10", "would have at least"),
    ("2^-99999", "the power with exponent -99999 would have at least 30102 digits"),
    ("1e1000 * 1e1000 * 1e1000 * 1e1000 * 1e1000", f"a rational with {4 * 1000 + 1} digits, more than the limit"),
    (f"2^(1/{MAX_POWER + 1})", f"the root degree {MAX_POWER + 1} of the exponent 1/{MAX_POWER + 1} exceeds"),
    ("sqrt(" * 12 + "2" + ")" * 12, "the root degree 1024 .* exceeds the limit 1000"),
    ("(1 + sqrt(2))^1001", "the exponent 1001 of a power of 1 \\+ sqrt\\(2\\) exceeds the limit 1000"),
    ("(1 + sqrt(2))^1000 * (1 + sqrt(2))^1000", "the exponent 2000 .* exceeds the limit 1000"),
    (f"{_nines(MAX_ROOT_DIGITS + 1)}^(1/3)", f"a root of a number with more than {MAX_ROOT_DIGITS} digits"),
    (f"sqrt({_nines(MAX_DIGITS + 1)})", f"the numeral has {MAX_DIGITS + 1} digits"),
    (f"(1/{_nines(MAX_ROOT_DIGITS + 1)})^(1/3)", "a root of a number with more than"),
    ("(" * (MAX_NESTING + 1) + "1" + ")" * (MAX_NESTING + 1), f"nested more than {MAX_NESTING} levels deep"),
    ("(" * 100_000 + "1" + ")" * 100_000, "more than 100000 characters"),
    ("-" * (MAX_NESTING + 1) + "1", f"nested more than {MAX_NESTING} levels"),
    ("2^" * (MAX_NESTING + 1) + "1", f"nested more than {MAX_NESTING} levels"),
    ("+".join(["1"] * (MAX_TOKENS // 2 + 1)), f"more than {MAX_TOKENS} tokens"),
    ("x" * 5000, r"unknown name 'xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx'\.\.\. \(5000 characters\)"),
    ("inf", "unknown name 'inf'"),
    ("nan", "unknown name 'nan'"),
    ("\u0663", "unexpected character"),  # an Arabic-Indic digit is not a numeral here
]


@pytest.mark.parametrize(("text", "message"), BAD_TEXT, ids=[t[:24] for t, _ in BAD_TEXT])
def test_parse_number_refuses_hostile_text(text: str, message: str) -> None:
    with pytest.raises(ParseError, match=message) as info:
        parse_number(text, name="W[0, 1]")
    shown = str(info.value)
    assert shown.startswith("W[0, 1]: cannot parse ")
    assert len(shown) < 400, "the message must not echo the whole hostile text"


GOOD_TEXT = [
    (f"1e{MAX_EXPONENT}", sympy.Integer(10) ** MAX_EXPONENT),
    (f"1e-{MAX_EXPONENT}", sympy.Rational(1, 10**MAX_EXPONENT)),
    ("1e+0000000000000000000000000000005", sympy.Integer(100000)),
    ("9" * MAX_DIGITS, sympy.Integer(10**MAX_DIGITS - 1)),
    (f"{'7' * MAX_DIGITS}/{'3' * MAX_DIGITS}", sympy.Rational(int("7" * MAX_DIGITS), int("3" * MAX_DIGITS))),
    ("2^13287", sympy.Integer(2) ** 13287),
    ("2^-13287", sympy.Rational(1, 2**13287)),
    (f"2^(1/{MAX_POWER})", sympy.Integer(2) ** sympy.Rational(1, MAX_POWER)),
    (f"sqrt({_nines(MAX_ROOT_DIGITS)})", sympy.sqrt(sympy.Integer(10**MAX_ROOT_DIGITS - 1))),
    ("(" * MAX_NESTING + "3/5" + ")" * MAX_NESTING, sympy.Rational(3, 5)),
    ("-" * (MAX_NESTING - 1) + "1", sympy.Integer(-1)),
    ("(1 + sqrt(2))^1000", (1 + sympy.sqrt(2)) ** 1000),
    ("1^(10^1000)", sympy.Integer(1)),
    ("+".join(["1"] * (MAX_TOKENS // 2)), sympy.Integer(MAX_TOKENS // 2)),
]


def test_square_roots_of_long_rationals_are_read_without_factoring() -> None:
    # the LDL^T completion writes q*sqrt(m) with m of thousands of digits; sympy would factor m
    m = 10 ** (MAX_DIGITS - 1) + 7
    value = parse_number(f"-3/7*sqrt({m})/5")
    assert sympy.expand(value**2) == sympy.Rational(9, 1225) * m and value < 0
    assert parse_number(f"sqrt({m * 4}/9)") ** 2 == sympy.Rational(4 * m, 9)


@pytest.mark.parametrize(("text", "value"), GOOD_TEXT, ids=[t[:24] for t, _ in GOOD_TEXT])
def test_parse_number_accepts_just_inside_the_limits(text: str, value: sympy.Expr) -> None:
    assert parse_number(text) == value


def test_parse_and_format_do_not_depend_on_pythons_int_string_limit() -> None:
    old = sys.get_int_max_str_digits()
    text = "7" * MAX_DIGITS
    try:
        sys.set_int_max_str_digits(640)  # the smallest limit Python allows
        value = parse_number(text)
        written = format_number(value)
    finally:
        sys.set_int_max_str_digits(old)
    assert written == text and value == int(text)


# ---------------------------------------------------------------------------
# numbers given as Python objects
# ---------------------------------------------------------------------------

BAD_BOUNDS = [
    ("1e-99999999", ParseError, "input_bound: cannot parse '1e-99999999' as a number: the exponent -99999999 exceeds"),
    ("1e999999", ParseError, "input_bound: .*the exponent 999999 exceeds the limit 1000"),
    ("2**10**10**10", ParseError, "input_bound: .*would have at least"),
    ("1" * 10**6, ParseError, "input_bound: .*more than 100000 characters"),
    (10**5000, InvalidArgumentError, "input_bound: the numerator of the input bound has 5001 digits, more than"),
    (Fraction(1, 10**4001), InvalidArgumentError, "input_bound: the denominator of the input bound has 4002 digits"),
    (float("inf"), NonFiniteError, "input_bound: expected a finite number but found inf"),
    (float("-inf"), NonFiniteError, "found -inf"),
    (float("nan"), NonFiniteError, "found nan"),
    (np.float32("nan"), NonFiniteError, "found nan"),
    (-1e308, InvalidArgumentError, "input_bound: expected a positive number"),
    (sympy.oo, InvalidArgumentError, "input_bound: expected a positive rational number but found oo"),
    (object(), InvalidArgumentError, "input_bound: expected a positive rational number but found <object"),
    ("x" * 10_000, ParseError, r"unknown name 'xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx'\.\.\."),
]


@pytest.mark.parametrize(
    ("value", "error", "message"),
    BAD_BOUNDS,
    ids=[f"{type(v).__name__}-{i}" for i, v in enumerate(b[0] for b in BAD_BOUNDS)],
)
def test_check_input_bound_refuses(value: object, error: type, message: str) -> None:
    with pytest.raises(error, match=message) as info:
        check_input_bound(value)
    assert len(str(info.value)) < 400


def test_huge_floats_are_exact_and_finite() -> None:
    assert check_input_bound(1e308) == Fraction(1e308)
    assert check_input_bound(5e-324) == Fraction(1, 2**1074)
    third = np.longdouble(1) / np.longdouble(3)
    assert as_fraction(third) == Fraction(*third.as_integer_ratio())  # no rounding to float64 on the way
    if np.finfo(np.longdouble).bits > 64:
        assert as_fraction(third) != Fraction(float(third))


BAD_OBJECTS = [
    (lambda: as_fraction(object(), name="q"), EntryTypeError, "q: expected a number but found object"),
    (lambda: as_fraction([1, 2], name="q"), EntryTypeError, "q: expected a number but found list"),
    (lambda: exact_sign("2**10**10**10"), ParseError, "would have at least"),
    (lambda: exact_sign(object()), EntryTypeError, "expected a number but found object"),
    (lambda: arb_enclosure("1e-999999999"), ParseError, "the exponent -999999999 exceeds"),
    (lambda: to_matrix("W", [["1e400"]], system="float64"), NonFiniteError, r"W\[0, 0\]: .*finite in float64"),
    (lambda: to_matrix("W", [[float("nan")]]), NonFiniteError, "found nan"),
    (lambda: to_matrix("W", [["1e-999999999"]]), ParseError, r"W\[0, 0\]: cannot parse"),
]


@pytest.mark.parametrize(("call", "error", "message"), BAD_OBJECTS)
def test_scalars_refuse(call, error: type, message: str) -> None:
    with pytest.raises(error, match=message):
        call()


def test_exact_sign_still_reads_text() -> None:
    assert exact_sign("sqrt(2) - 7/5") == 1


PRIMES = [2, 3, 5, 7, 11, 13, 17, 19, 23, 29, 31, 37]


def _square_of_sum_minus_expansion(k: int) -> str:
    """``(sqrt(p1) + ... + sqrt(pk))^2 - (p1 + ... + pk) - 2 sum sqrt(pi pj)``: zero, in a field of degree 2**k."""
    ps = PRIMES[:k]
    roots = "+".join(f"sqrt({p})" for p in ps)
    cross = "+".join(f"sqrt({ps[i] * ps[j]})" for i in range(k) for j in range(i + 1, k))
    return f"({roots})^2 - {sum(ps)} - 2*({cross})"


def test_exact_sign_many_radicals_is_fast_or_refused() -> None:
    # nonzero: decided by ball arithmetic (the minimal polynomial of degree 4096 used to be computed first)
    assert exact_sign(parse_number("+".join(f"sqrt({p})" for p in PRIMES) + " - 30")) == 1
    assert exact_sign(parse_number("30 - (" + "+".join(f"sqrt({p})" for p in PRIMES) + ")")) == -1
    # zero in a field of degree 16: the minimal polynomial decides it
    assert exact_sign(parse_number(_square_of_sum_minus_expansion(4))) == 0
    assert exact_sign(parse_number(_square_of_sum_minus_expansion(2))) == 0
    # zero in a field of degree 128: refused at once instead of an exponential computation
    with pytest.raises(UnsupportedError, match=r"minimal polynomial of degree up to 128 \(limit 64\)"):
        exact_sign(parse_number(_square_of_sum_minus_expansion(7)))
    with pytest.raises(UnsupportedError, match="not algebraic"):
        exact_sign(sympy.sin(1) ** 2 + sympy.cos(1) ** 2 - 1)


# ---------------------------------------------------------------------------
# JSON documents: the one loader
# ---------------------------------------------------------------------------

HEAD = '{"format": "urnn-sym.rnn/1", "F": [[1]], "b": [0], "C": [[1]], '

BAD_JSON = [
    ("deep", HEAD + '"W": ' + "[" * 100_000 + "]" * 100_000 + "}", "JSON nested deeper than 64 levels"),
    ("depth 65", HEAD + '"W": ' + "[" * 64 + "]" * 64 + "}", "JSON nested deeper than 64 levels"),
    ("duplicate key", HEAD + '"W": [[1]], "W": [[2]]}', 'duplicate key "W" in a JSON object'),
    ("nested duplicate", '{"x": [{"a": 1, "b": 2, "a": 3}]}', 'duplicate key "a"'),
    ("NaN", HEAD + '"W": [[NaN]]}', "non-finite number NaN is not allowed"),
    ("-Infinity", HEAD + '"W": [[-Infinity]]}', "non-finite number -Infinity is not allowed"),
    ("float overflow", HEAD + '"W": [[1e999]]}', "the number 1e999 overflows float64"),
    ("long integer", HEAD + '"W": [[' + "1" * (MAX_DIGITS + 1) + "]]}", f"an integer with {MAX_DIGITS + 1} digits"),
    ("million-digit integer", HEAD + '"W": [[' + "1" * 10**6 + "]]}", "an integer with 1000000 digits"),
    (
        "malformed",
        '{"format": "urnn-sym.rnn/1",\n "W": [[1]] "F": 1}',
        r"is not valid JSON \(Expecting ',' .*line 2, column 13\)",
    ),
    ("truncated", '{"W": [[1', r"is not valid JSON \(.* at line 1, column 10\)"),
    ("empty", "", r"is not valid JSON \(Expecting value at line 1, column 1\)"),
    ("BOM", "\ufeff{}", "is not valid JSON"),
]


@pytest.mark.parametrize(("text", "message"), [c[1:] for c in BAD_JSON], ids=[c[0] for c in BAD_JSON])
def test_read_json_refuses(write_json, text: str, message: str) -> None:
    path = write_json(text, raw=True)
    with pytest.raises(FileFormatError, match=message) as info:
        read_json(path, what="RNN file")
    assert str(info.value).startswith(f"RNN file: {path}")
    assert len(str(info.value)) < 400


def test_read_json_accepts_depth_64_and_integers_at_the_limit(write_json) -> None:
    assert read_json(write_json("[" * 64 + "]" * 64, raw=True)) == json.loads("[" * 64 + "]" * 64)
    assert read_json(write_json("[" + "9" * MAX_DIGITS + "]", raw=True)) == [10**MAX_DIGITS - 1]
    assert read_json(write_json('{"a": {"a": 1}}', raw=True)) == {"a": {"a": 1}}  # same key, different objects


def test_read_json_not_utf8_names_the_byte(tmp_path: Path) -> None:
    path = tmp_path / "latin1.json"
    path.write_bytes(b'{"format": "\xff"}')
    with pytest.raises(FileFormatError, match=r"not UTF-8: byte 0xff at offset 12"):
        read_json(path, what="RNN file")


def test_read_json_size_limit(tmp_path: Path, monkeypatch) -> None:
    monkeypatch.setattr(_jsonread, "MAX_JSON_BYTES", 1000)  # the module that holds read_json
    path = tmp_path / "big.json"
    path.write_text("[" + "0," * 600 + "0]")
    with pytest.raises(FileFormatError, match=r"big.json has 1203 bytes, more than the limit 1000"):
        read_json(path)
    if os.path.exists("/dev/zero"):  # no size to stat: the read itself stops at the limit
        with pytest.raises(FileFormatError, match="/dev/zero has more than 1000 bytes"):
            read_json("/dev/zero")


def test_hostile_strings_inside_documents(write_json) -> None:
    doc = {"format": "urnn-sym.rnn/1", "W": [["1e-999999999"]], "F": [[1]], "b": [0], "C": [[1]]}
    with pytest.raises(ParseError, match=r"W\[0\]\[0\]: cannot parse '1e-999999999' as a number: the exponent"):
        read_rnn(write_json(doc))


# ---------------------------------------------------------------------------
# writing: never a temporary file in a message, never Python's str(int) limit
# ---------------------------------------------------------------------------


def test_write_error_names_the_target_not_the_temporary_file(tmp_path: Path) -> None:
    target = tmp_path / "out.json"
    target.mkdir()  # os.replace(file, directory) fails
    with pytest.raises(OSError) as info:
        atomic_write_text(target, "{}")
    assert info.value.filename == str(target) and ".tmp" not in str(info.value)
    assert [p.name for p in tmp_path.iterdir()] == ["out.json"]


@pytest.mark.parametrize("where", ["mkstemp", "replace", "chmod"])
def test_every_write_step_names_the_target(tmp_path: Path, monkeypatch, where: str) -> None:
    def fail(*args: object, **kwargs: object) -> None:
        raise OSError(28, "No space left on device", str(tmp_path / ".out.json.x.tmp"))

    monkeypatch.setattr(tempfile if where == "mkstemp" else os, where, fail)
    target = tmp_path / "out.json"
    with pytest.raises(OSError, match="No space left on device") as info:
        atomic_write_text(target, "{}")
    assert info.value.errno == 28 and info.value.filename == str(target) and ".tmp" not in str(info.value)
    assert list(tmp_path.iterdir()) == []


def test_format_number_writes_long_numbers_whatever_pythons_limit() -> None:
    big = Fraction(10**6000 + 1, 3)
    expected = "1" + "0" * 5999 + "1/3"
    assert format_number(big) == expected
    assert format_number(sympy.Rational(big.numerator, big.denominator)) == expected
    assert format_number(10**6000) == "1" + "0" * 6000


# ---------------------------------------------------------------------------
# the command line: exit 2, one line, no internal error, no traceback
# ---------------------------------------------------------------------------

# The first command run in a worker imports the solvers (about 9 s on a loaded machine): 60 s, still short of a hang.
CLI_TIMEOUT = pytest.mark.timeout(60)
MODEL = {"format": "urnn-sym.rnn/1", "W": [["1/2"]], "F": [[1]], "b": [0], "C": [[1]]}
INPUTS = {"format": "urnn-sym.inputs/1", "x": [["1"]]}

CLI_BOUNDS = [
    ("1e-99999999", "input_bound: cannot parse '1e-99999999' as a number: the exponent -99999999 exceeds the limit"),
    ("1e999999", "the exponent 999999 exceeds the limit 1000"),
    ("1e99999", "the exponent 99999 exceeds the limit 1000"),
    ("1" * 10**6, "more than 100000 characters"),
    ("1" * 5000, "the numeral has 5000 digits"),
    ("2**10**10**10", "would have at least 9030900000 digits"),
    ("inf", "unknown name 'inf'"),
    ("nan", "unknown name 'nan'"),
    ("(" * 60 + "1" + ")" * 60, "nested more than 50 levels"),
    ("(" * 1000 + "1" + ")" * 1000, "more than 1000 tokens"),
]


def _assert_one_line_error(code: int, out: str, err: str, message: str) -> None:
    assert code == 2, (code, err[:300])
    assert err.endswith("\n") and err.count("\n") == 1, err[:300]
    assert "internal error" not in err and "Traceback" not in err
    assert len(err) < 500
    assert message in err, err[:300]


@CLI_TIMEOUT
@pytest.mark.parametrize(("bound", "message"), CLI_BOUNDS, ids=[b[:20] for b, _ in CLI_BOUNDS])
def test_cli_input_bound(capsys, bound: str, message: str) -> None:
    code, out, err = run(capsys, "construct", EXACT_RNN, "--input-bound", bound)
    _assert_one_line_error(code, out, err, message)


CLI_FILES = [
    ("deep", HEAD + '"W": ' + "[" * 100_000 + "]" * 100_000 + "}", "JSON nested deeper than 64 levels"),
    ("duplicate", HEAD + '"W": [[1]], "W": [[2]]}', 'duplicate key "W"'),
    ("long int", HEAD + '"W": [[' + "1" * 5000 + "]]}", "an integer with 5000 digits"),
    ("1e999", HEAD + '"W": [[1e999]]}', "the number 1e999 overflows float64"),
    ("NaN", HEAD + '"W": [[NaN]]}', "non-finite number NaN"),
    ("big rational", json.dumps(dict(MODEL, W=[["1" * 10**6 + "/3"]])), "more than 100000 characters"),
    ("big exponent", json.dumps(dict(MODEL, W=[["1e-999999999"]])), "the exponent -999999999 exceeds"),
    ("tower", json.dumps(dict(MODEL, W=[["2**10**10**10"]])), "would have at least"),
    ("parentheses", json.dumps(dict(MODEL, W=[["(" * 51 + "1" + ")" * 51]])), "nested more than 50"),
    ("malformed", '{"format": "urnn-sym.rnn/1",\n "W": [[1]] }}', "is not valid JSON ("),
]


@CLI_TIMEOUT
@pytest.mark.parametrize(("text", "message"), [c[1:] for c in CLI_FILES], ids=[c[0] for c in CLI_FILES])
@pytest.mark.parametrize("command", ["construct", "simulate", "latex"])
def test_cli_hostile_model_file(capsys, write_json, command: str, text: str, message: str) -> None:
    model = write_json(text, "model.json", raw=True)
    args: list[object] = [command, model]
    args += {"construct": ["--input-bound", "1"], "simulate": [write_json(INPUTS, "x.json")], "latex": []}[command]
    code, out, err = run(capsys, *args)
    _assert_one_line_error(code, out, err, message)
    assert str(model) in err


CLI_INPUTS = [
    ("big exponent", {"format": "urnn-sym.inputs/1", "x": [["1e999999"]]}, "the exponent 999999 exceeds"),
    ("duplicate", '{"format": "urnn-sym.inputs/1", "x": [[1]], "x": [[2]]}', 'duplicate key "x"'),
    ("deep", "[" * 5000 + "]" * 5000, "JSON nested deeper than 64 levels"),
]


@CLI_TIMEOUT
@pytest.mark.parametrize(("doc", "message"), [c[1:] for c in CLI_INPUTS], ids=[c[0] for c in CLI_INPUTS])
def test_cli_hostile_inputs_file(capsys, write_json, doc: object, message: str) -> None:
    inputs = write_json(doc, "x.json", raw=isinstance(doc, str))
    code, out, err = run(capsys, "simulate", write_json(MODEL, "m.json"), inputs)
    _assert_one_line_error(code, out, err, message)


@CLI_TIMEOUT
def test_cli_hostile_document_to_recheck(capsys, write_json) -> None:
    doc = write_json('{"format": "urnn-sym.verdict/1", "format": "x"}', "v.json", raw=True)
    code, out, err = run(capsys, "recheck", doc)
    _assert_one_line_error(code, out, err, 'duplicate key "format"')


@CLI_TIMEOUT
def test_cli_write_error_names_the_output(capsys, tmp_path: Path) -> None:
    target = tmp_path / "out.json"
    target.mkdir()
    code, out, err = run(capsys, "construct", EXACT_RNN, "--input-bound", "1", "-o", target)
    _assert_one_line_error(code, out, err, str(target))
    assert ".tmp" not in err


def test_limits_are_the_documented_ones() -> None:
    doc = parsing.__doc__ or ""
    for name in ("MAX_TEXT_LENGTH", "MAX_TOKENS", "MAX_NESTING", "MAX_DIGITS", "MAX_EXPONENT", "MAX_POWER"):
        assert f"``{name}`` = {getattr(parsing, name)}\n" in doc, name
    assert f"``MAX_ROOT_DIGITS`` = {MAX_ROOT_DIGITS}\n" in doc
    assert MAX_DIGITS < 4300  # Python's default limit on str(int): every rational parse_number returns prints
    doc = urnn_io.read_json.__doc__ or ""
    assert f"({urnn_io.MAX_JSON_BYTES // 2**20} MiB)" in doc and f"``MAX_JSON_DEPTH`` ({urnn_io.MAX_JSON_DEPTH})" in doc
