"""The three number systems and the conversions between them.

urnn-sym computes in one of three *number systems*:

``"float64"``
    numpy ``float64`` arrays; vectors are 1-D arrays.
``"exact"``
    rationals, held as ``flint.fmpq_mat`` (fast C arithmetic), or, when some
    entry is an algebraic irrational such as ``sqrt(2)/2``, as an immutable sympy
    matrix of exact numbers.  Vectors are ``n x 1`` columns.
``"symbolic"``
    immutable sympy matrices whose entries may contain symbols.

Each algorithm is written once against the small matrix interface of
:class:`Arith` (``eye``, ``zeros``, ``matmul``, ``add``, ``sub``, ``neg``,
``transpose``, ``block``, ``equal``); :func:`arith` returns the adapter of a
system.  Converting float64 to exact is exact: every double is a dyadic
rational and ``fractions.Fraction(x)`` recovers it without rounding.

Examples
--------
>>> parse_number("3/5") + parse_number("0.125")
29/40
>>> parse_number("sqrt(2)/2")
sqrt(2)/2
>>> A = to_matrix("A", [[0.5, 0.25]])
>>> arith_of(A).system
'float64'
>>> E = to_matrix("E", [[0.5, 0.25]], system="exact")
>>> as_sympy(E)
Matrix([[1/2, 1/4]])
"""

from __future__ import annotations

import math
import numbers
import re
from collections.abc import Collection, Iterable, Iterator, Sequence
from contextlib import contextmanager
from fractions import Fraction
from typing import Any

import flint
import numpy as np
import sympy

from .errors import EntryTypeError, InvalidArgumentError, NonFiniteError, ParseError, ShapeError, UnsupportedError

__all__ = [
    "SYSTEMS",
    "Arith",
    "arb_enclosure",
    "arith",
    "arith_of",
    "as_fraction",
    "as_fractions",
    "as_sympy",
    "entries",
    "exact_sign",
    "fmpq_to_fraction",
    "infer_system",
    "parse_number",
    "system_of",
    "to_matrix",
    "to_system",
    "to_vector",
    "working_precision",
]

SYSTEMS = ("float64", "exact", "symbolic")

# --------------------------------------------------------------------------
# scalars
# --------------------------------------------------------------------------

_TOKEN = re.compile(
    r"\s*(?:(?P<num>\d+\.?\d*(?:[eE][+-]?\d+)?|\.\d+(?:[eE][+-]?\d+)?)"
    r"|(?P<name>[A-Za-z_][A-Za-z_0-9]*)|(?P<op>\*\*|[-+*/^()]))"
)
_FUNCTIONS = {"sqrt": sympy.sqrt}


def _tokenize(text: str, name: str) -> list[tuple[str, str]]:
    tokens: list[tuple[str, str]] = []
    pos = 0
    stripped = text.rstrip()
    while pos < len(stripped):
        m = _TOKEN.match(stripped, pos)
        if m is None or m.end() == pos:
            raise ParseError(
                f"{name}: cannot parse {text!r} as a number: unexpected character "
                f"{stripped[pos:].lstrip()[:1]!r} at position {pos}"
            )
        kind = m.lastgroup
        assert kind is not None
        tokens.append((kind, m.group(kind)))
        pos = m.end()
    return tokens


class _Parser:
    """Recursive-descent parser for numbers such as ``-3/5``, ``0.125``, ``sqrt(2)/2``.

    Grammar: expr := term (('+'|'-') term)*; term := unary (('*'|'/') unary)*;
    unary := ('+'|'-') unary | power; power := atom (('^'|'**') unary)?;
    atom := NUMBER | 'sqrt' '(' expr ')' | SYMBOL | '(' expr ')'.
    Nothing is evaluated by Python's ``eval``.
    """

    def __init__(self, text: str, name: str, allow_symbols: bool | Collection[str]) -> None:
        self.text = text
        self.name = name
        self.allow_symbols = allow_symbols
        self.tokens = _tokenize(text, name)
        self.pos = 0

    def fail(self, why: str) -> ParseError:
        return ParseError(f"{self.name}: cannot parse {self.text!r} as a number: {why}")

    def peek(self) -> tuple[str, str] | None:
        return self.tokens[self.pos] if self.pos < len(self.tokens) else None

    def take(self, value: str | None = None) -> tuple[str, str]:
        tok = self.peek()
        if tok is None:
            raise self.fail("unexpected end of text")
        if value is not None and tok[1] != value:
            raise self.fail(f"expected {value!r} but found {tok[1]!r}")
        self.pos += 1
        return tok

    def parse(self) -> sympy.Expr:
        if not self.tokens:
            raise self.fail("empty text")
        value = self.expr()
        if self.peek() is not None:
            raise self.fail(f"unexpected {self.peek()[1]!r}")  # type: ignore[index]
        return value

    def expr(self) -> sympy.Expr:
        value = self.term()
        while (tok := self.peek()) is not None and tok[1] in "+-":
            self.take()
            rhs = self.term()
            value = value + rhs if tok[1] == "+" else value - rhs
        return value

    def term(self) -> sympy.Expr:
        value = self.unary()
        while (tok := self.peek()) is not None and tok[1] in ("*", "/"):
            self.take()
            rhs = self.unary()
            if tok[1] == "/":
                if rhs == 0:
                    raise self.fail("division by zero")
                value = value / rhs
            else:
                value = value * rhs
        return value

    def unary(self) -> sympy.Expr:
        tok = self.peek()
        if tok is not None and tok[1] in "+-":
            self.take()
            inner = self.unary()
            return -inner if tok[1] == "-" else inner
        return self.power()

    def power(self) -> sympy.Expr:
        base = self.atom()
        tok = self.peek()
        if tok is not None and tok[1] in ("^", "**"):
            self.take()
            exponent = self.unary()
            if not exponent.is_Rational:
                raise self.fail("exponents must be rational numbers")
            if base == 0 and exponent < 0:
                raise self.fail("division by zero")
            return base**exponent
        return base

    def atom(self) -> sympy.Expr:
        kind, value = self.take()
        if kind == "num":
            return sympy.Rational(Fraction(value))
        if kind == "name":
            nxt = self.peek()
            if nxt is not None and nxt[1] == "(":
                if value not in _FUNCTIONS:
                    raise self.fail(f"unknown function {value!r} (only sqrt is allowed)")
                self.take("(")
                arg = self.expr()
                self.take(")")
                return _FUNCTIONS[value](arg)
            allowed = self.allow_symbols
            if allowed is False or (allowed is not True and value not in allowed):
                declared = "" if isinstance(allowed, bool) else f"; declared symbols: {sorted(allowed)}"
                raise self.fail(f"unknown name {value!r} (exact entries are numbers{declared})")
            return sympy.Symbol(value, real=True)
        if value == "(":
            inner = self.expr()
            self.take(")")
            return inner
        raise self.fail(f"unexpected {value!r}")


def parse_number(text: str, *, name: str = "value", allow_symbols: bool | Collection[str] = False) -> sympy.Expr:
    """Return the exact real number (or real symbolic expression) written in ``text``, as a sympy expression.

    Accepts integers, fractions ``"3/5"``, exact decimals ``"0.125"`` and
    ``"1e-3"``, ``sqrt``, ``+ - * / ^`` (``**`` too) and parentheses; never
    calls ``eval``.  Decimals are read exactly (``"0.1"`` is ``1/10``, not the
    nearest double).

    Parameters
    ----------
    text : str
        The number to parse.  Grammar: ``expr := term (('+'|'-') term)*``,
        ``term := unary (('*'|'/') unary)*``, ``unary := ('+'|'-') unary | power``,
        ``power := atom (('^'|'**') unary)?``, ``atom := NUMBER | 'sqrt' '(' expr ')' | NAME | '(' expr ')'``.
        Exponents must be rational numbers.
    name : str, default "value"
        The argument name used as the prefix of error messages
        (e.g. ``"W[0, 1]"``).
    allow_symbols : bool or collection of str, default False
        Which names may appear as symbols: False (numbers only), True (any
        name becomes a real ``sympy.Symbol``) or a collection of the allowed
        names.  ``sqrt`` is the only function name.

    Returns
    -------
    sympy.Expr
        An exact sympy number (``Rational`` or an algebraic expression such as
        ``sqrt(2)/2``), or a real symbolic expression when symbols are allowed.

    Raises
    ------
    EntryTypeError
        If ``text`` is not a string.
    ParseError
        If ``text`` is empty or does not follow the grammar, contains an
        unexpected character, an unknown function or a name that is not
        allowed, divides by zero, has a non-rational exponent, or is not a real
        number (e.g. ``"sqrt(-1)"``).

    Examples
    --------
    >>> parse_number("-2"), parse_number("1e-3"), parse_number("(1 + sqrt(5))/2")
    (-2, 1/1000, 1/2 + sqrt(5)/2)
    """
    if not isinstance(text, str):
        raise EntryTypeError(f"{name}: expected a string but found {type(text).__name__}")
    value = _Parser(text, name, allow_symbols).parse()
    if value.has(sympy.I) or value.is_real is False:
        raise ParseError(f"{name}: cannot parse {text!r} as a number: it is not a real number (found {value})")
    return value


def exact_sign(value: Any) -> int:
    """Return ``sign(value)`` in {-1, 0, 1}, decided exactly for a rational or real algebraic number.

    Parameters
    ----------
    value : int, Fraction, flint.fmpq, flint.fmpz or sympy-compatible number
        A rational or real algebraic number without free symbols (anything
        ``sympy.sympify`` accepts, e.g. ``sympy.sqrt(2) - 1``).

    Returns
    -------
    int
        -1, 0 or 1.

    Raises
    ------
    InvalidArgumentError
        If ``value`` has free symbols or is not real.
    UnsupportedError
        If ``value`` is nonzero but 65536 bits do not decide its sign, or it
        contains an operation :func:`arb_enclosure` cannot evaluate.

    Notes
    -----
    Python and flint rationals are compared with 0 directly; sympy rationals
    through ``sympy.sign``.  For algebraic numbers zero is decided by the
    minimal polynomial (``x`` is zero iff its minimal polynomial is ``t``), and
    a nonzero sign by a rigorous ball enclosure (:func:`arb_enclosure`), with
    the precision doubled (64, 128, 256, ... bits) until the ball excludes 0.  A
    transcendental number (e.g. ``pi - 3``) is not supported: sympy's
    ``minimal_polynomial`` raises ``NotAlgebraic``.

    Examples
    --------
    >>> exact_sign(sympy.sqrt(2) - sympy.Rational(7, 5)), exact_sign(sympy.sqrt(8) - 2 * sympy.sqrt(2))
    (1, 0)
    """
    if isinstance(value, (int, Fraction, flint.fmpq, flint.fmpz)):
        return (value > 0) - (value < 0)
    expr = sympy.sympify(value)
    if expr.is_Rational:
        return int(sympy.sign(expr))
    if expr.free_symbols:
        raise InvalidArgumentError(f"sign of {expr}: the expression has free symbols")
    t = sympy.Dummy("t")
    if sympy.minimal_polynomial(expr, t) == t:
        return 0
    bits = 64
    while bits <= _MAX_SIGN_BITS:
        with working_precision(bits):
            try:
                ball = arb_enclosure(expr)
            except _Straddles:
                ball = flint.arb(0, 1)
        if ball > 0:
            return 1
        if ball < 0:
            return -1
        bits *= 2
    raise UnsupportedError(f"sign of {expr}: not decided at {_MAX_SIGN_BITS} bits although it is not zero")


@contextmanager
def working_precision(bits: int) -> Iterator[int]:
    """Set python-flint's global working precision to ``bits`` inside the block, then restore it.

    Parameters
    ----------
    bits : int
        Working precision, at least 16.

    Examples
    --------
    >>> with working_precision(200):
    ...     flint.ctx.prec
    200
    """
    if isinstance(bits, bool) or not isinstance(bits, int) or bits < 16:
        raise InvalidArgumentError(f"precision: expected an integer number of bits >= 16 but found {bits!r}")
    old = flint.ctx.prec
    flint.ctx.prec = bits
    try:
        yield bits
    finally:
        flint.ctx.prec = old


_MAX_SIGN_BITS = 1 << 16

_ARB_FUNCTIONS = {
    "sin": "sin",
    "cos": "cos",
    "tan": "tan",
    "exp": "exp",
    "log": "log",
    "atan": "atan",
}


def arb_enclosure(value: Any) -> flint.arb:
    """Return a ``flint.arb`` ball that contains the real number ``value``, at the current working precision.

    Parameters
    ----------
    value : int, Fraction, flint.fmpq or sympy expression
        A real constant built from rationals, ``+``, ``*``, powers with rational
        exponents, ``pi``, ``E`` and sin, cos, tan, exp, log, atan.

    Returns
    -------
    flint.arb
        A rigorous enclosure: every operation is evaluated in ball arithmetic,
        never through a decimal approximation.

    Raises
    ------
    InvalidArgumentError
        If ``value`` has free symbols, or needs a root of a number that is
        negative or not known to be >= 0 at the working precision.
    UnsupportedError
        If ``value`` contains an operation outside the list above.

    Examples
    --------
    >>> with working_precision(64):
    ...     print(arb_enclosure(sympy.sqrt(2) - sympy.Rational(7, 5)).str(5, radius=False))
    0.014214
    """
    if isinstance(value, (int, flint.fmpz)):
        return flint.arb(value)
    if isinstance(value, (Fraction, flint.fmpq)):
        return flint.arb(flint.fmpq(int(value.numerator), int(value.denominator)))
    expr = sympy.sympify(value)
    if expr.free_symbols:
        raise InvalidArgumentError(f"value: expected a constant but found free symbols in {expr}")
    return _arb(expr)


def _arb(expr: sympy.Basic) -> flint.arb:
    if expr.is_Rational:
        return flint.arb(flint.fmpq(int(expr.p), int(expr.q)))
    if expr is sympy.pi:
        return flint.arb.pi()
    if expr is sympy.E:
        return flint.arb.const_e()
    if expr.is_Add:
        return sum((_arb(t) for t in expr.args), flint.arb(0))
    if expr.is_Mul:
        out = flint.arb(1)
        for t in expr.args:
            out *= _arb(t)
        return out
    if expr.is_Pow and expr.exp.is_Rational:
        return _arb_power(_arb(expr.base), int(expr.exp.p), int(expr.exp.q), expr)
    name = type(expr).__name__
    if isinstance(expr, sympy.Function) and name in _ARB_FUNCTIONS and len(expr.args) == 1:
        return getattr(_arb(expr.args[0]), _ARB_FUNCTIONS[name])()
    raise UnsupportedError(f"value: cannot enclose {expr} in ball arithmetic (operation {name})")


class _Straddles(InvalidArgumentError):
    """A root's argument is a ball around 0: more precision may decide its sign."""


def _arb_power(base: flint.arb, p: int, q: int, expr: sympy.Basic) -> flint.arb:
    """``base ** (p / q)``; for q > 1 the base must be >= 0 (sympy's root of a negative number is complex)."""
    if q > 1:
        if base < 0:
            raise InvalidArgumentError(f"value: {expr} is not real (a root of a negative number)")
        if not base >= 0:
            raise _Straddles(f"value: the base of {expr} is not known to be >= 0 at {flint.ctx.prec} bits")
        base = base.sqrt() if q == 2 else base.root(q)
    return base**p if p >= 0 else 1 / base ** (-p)


def fmpq_to_fraction(q: flint.fmpq) -> Fraction:
    """Return ``Fraction(q.p, q.q)``: the exact conversion ``flint.fmpq -> fractions.Fraction``.

    Parameters
    ----------
    q : flint.fmpq
        The rational to convert (anything with integer-like ``p`` and ``q``
        attributes works).

    Returns
    -------
    fractions.Fraction
        The same rational number.
    """
    return Fraction(int(q.p), int(q.q))


def as_fraction(value: Any, *, name: str = "value") -> Fraction:
    """Return the exact rational value of a number as a ``Fraction``; error if it is irrational or symbolic.

    Parameters
    ----------
    value : Fraction, flint.fmpq, int, float, str or sympy number
        The number.  Floats (Python or numpy) convert exactly to their dyadic
        rational value; strings are parsed with :func:`parse_number`; sympy
        values must be ``Rational``.
    name : str, default "value"
        The argument name used as the prefix of error messages.

    Returns
    -------
    fractions.Fraction
        The exact value.

    Raises
    ------
    EntryTypeError
        If ``value`` is a bool (Python or numpy).
    NonFiniteError
        If ``value`` is a NaN or infinite float.
    ParseError
        If ``value`` is a string that :func:`parse_number` rejects.
    InvalidArgumentError
        If the value is not a rational number (e.g. ``sqrt(2)``, a sympy
        ``Float`` or an expression with symbols).
    """
    if isinstance(value, Fraction):
        return value
    if isinstance(value, flint.fmpq):
        return fmpq_to_fraction(value)
    if isinstance(value, (bool, np.bool_)):
        raise EntryTypeError(f"{name}: expected a number but found a bool")
    if isinstance(value, (numbers.Integral, np.integer)):
        return Fraction(int(value))
    if isinstance(value, (float, np.floating)):
        if not math.isfinite(float(value)):
            raise NonFiniteError(f"{name}: expected a finite number but found {float(value)}")
        return Fraction(float(value))
    if isinstance(value, str):
        value = parse_number(value, name=name)
    expr = sympy.sympify(value)
    if not expr.is_Rational:
        raise InvalidArgumentError(f"{name}: expected a rational number but found {expr}")
    return Fraction(int(expr.p), int(expr.q))


def as_fractions(values: Iterable[Any], *, name: str = "value") -> list[Fraction]:
    """Return ``[as_fraction(v) for v in values]``: the exact rational value of every item.

    Parameters
    ----------
    values : iterable
        Numbers accepted by :func:`as_fraction`.
    name : str, default "value"
        The argument name used as the prefix of every error message (the same
        for all items; the position is not reported).

    Returns
    -------
    list of fractions.Fraction
        The exact values, in order.

    Raises
    ------
    EntryTypeError, NonFiniteError, ParseError, InvalidArgumentError
        As :func:`as_fraction`, for the first item that is not an exact rational.
    """
    return [as_fraction(v, name=name) for v in values]


def _scalar_kind(value: Any, name: str) -> str:
    """Classify one entry: 'float', 'int', 'exact' or 'symbolic'."""
    if isinstance(value, (bool, np.bool_)):
        raise EntryTypeError(f"{name}: expected a number but found a bool ({value})")
    if isinstance(value, (numbers.Integral, np.integer)):
        return "int"
    if isinstance(value, (float, np.floating)):
        if not math.isfinite(float(value)):
            raise NonFiniteError(f"{name}: expected finite entries but found {float(value)}")
        return "float"
    if isinstance(value, (Fraction, flint.fmpq, flint.fmpz, str)):
        return "exact"
    if isinstance(value, sympy.Basic):
        if value.free_symbols:
            return "symbolic"
        if value.has(sympy.nan, sympy.oo, -sympy.oo, sympy.zoo):
            raise NonFiniteError(f"{name}: expected finite entries but found {value}")
        if value.is_real is False or value.has(sympy.I):
            raise InvalidArgumentError(f"{name}: expected real entries but found {value}")
        return "exact"
    if isinstance(value, complex):
        raise EntryTypeError(f"{name}: expected real entries but found complex {value}")
    raise EntryTypeError(
        f"{name}: expected numbers (float, int, Fraction, str, sympy) but found {type(value).__name__}"
    )


def _exact_entry(value: Any, name: str) -> Any:
    """An exact entry as ``flint.fmpq`` (rational) or a sympy expression."""
    if isinstance(value, str):
        value = parse_number(value, name=name)
    if isinstance(value, sympy.Basic):
        value = sympy.nsimplify(value) if value.is_Float else value
        if value.is_Rational:
            return flint.fmpq(int(value.p), int(value.q))
        return value
    if isinstance(value, flint.fmpq):
        return value
    fr = as_fraction(value, name=name)
    return flint.fmpq(int(fr.numerator), int(fr.denominator))


def _float_entry(value: Any, name: str) -> float:
    """An entry as a double; strings are parsed exactly first (``"3/5"`` -> 0.6)."""
    if isinstance(value, str):
        value = parse_number(value, name=name)
    try:
        return float(value)
    except TypeError as exc:
        raise EntryTypeError(f"{name}: symbolic entries cannot be converted to float64 (found {value})") from exc


# --------------------------------------------------------------------------
# matrices
# --------------------------------------------------------------------------


def _rows(name: str, value: Any, ndim: int) -> tuple[list[list[Any]], tuple[int, ...]]:
    """Nested rows of a matrix (ndim 2) or a vector (ndim 1) and its shape."""
    rows: list[list[Any]]
    if isinstance(value, flint.fmpq_mat):
        rows = [[value[i, j] for j in range(value.ncols())] for i in range(value.nrows())]
        shape: tuple[int, ...] = (value.nrows(), value.ncols())
    elif isinstance(value, sympy.MatrixBase):
        rows = value.tolist()
        shape = tuple(value.shape)
    elif isinstance(value, np.ndarray) and value.dtype != object:
        if value.dtype.kind not in "biuf":
            raise EntryTypeError(f"{name}: expected a numeric array but found dtype {value.dtype}")
        arr = value
        shape = arr.shape
        rows = arr.tolist() if arr.ndim == 2 else ([arr.tolist()] if arr.ndim == 1 else [])
        if arr.dtype.kind == "f":
            rows = [[float(v) for v in r] for r in rows]
    else:
        if isinstance(value, (str, bytes)) or not isinstance(value, (Sequence, np.ndarray)):
            raise EntryTypeError(f"{name}: expected a list of rows but found {type(value).__name__}")
        items = list(value)
        if items and all(isinstance(r, (Sequence, np.ndarray)) and not isinstance(r, str) for r in items):
            rows = [list(r) for r in items]
            widths = {len(r) for r in rows}
            if len(widths) > 1:
                raise ShapeError(f"{name}: rows have different lengths {sorted(widths)}")
            shape = (len(rows), widths.pop())
        elif any(isinstance(r, (Sequence, np.ndarray)) and not isinstance(r, str) for r in items):
            raise ShapeError(f"{name}: mixes numbers and rows")
        else:
            rows = [items]
            shape = (len(items),)
    if ndim == 1:
        if len(shape) == 2 and shape[1] == 1:
            return [[r[0] for r in rows]], (shape[0],)
        if len(shape) != 1:
            raise ShapeError(f"{name}: expected a vector but found shape {shape}")
        return rows, shape
    if len(shape) != 2:
        raise ShapeError(f"{name}: expected a matrix (list of rows) but found shape {shape}")
    return rows, shape


def _kind_of_rows(name: str, rows: list[list[Any]]) -> set[str]:
    return {_scalar_kind(v, f"{name}[{i}, {j}]") for i, r in enumerate(rows) for j, v in enumerate(r)}


def _system_from_kinds(kinds: set[str]) -> str:
    if "symbolic" in kinds:
        return "symbolic"
    if "exact" in kinds or kinds <= {"int"}:
        return "exact"
    return "float64"


def _native(
    name: str, rows: list[list[Any]], shape: tuple[int, int], system: str, symbols: Collection[str] | bool = True
) -> Any:
    r, c = shape
    if system == "float64":
        arr = np.array(
            [[_float_entry(v, f"{name}[{i}, {j}]") for j, v in enumerate(row)] for i, row in enumerate(rows)],
            dtype=np.float64,
        ).reshape(r, c)
        if not np.all(np.isfinite(arr)):
            raise NonFiniteError(f"{name}: expected finite entries but found {arr[~np.isfinite(arr)][0]}")
        arr.setflags(write=False)
        return arr
    if system == "exact":
        flat = [
            _exact_entry(v, f"{name}[{i // max(c, 1)}, {i % max(c, 1)}]")
            for i, v in enumerate(v for row in rows for v in row)
        ]
        if all(isinstance(v, flint.fmpq) for v in flat):
            return flint.fmpq_mat(r, c, flat)
        return sympy.ImmutableMatrix(r, c, [_to_sympy_scalar(v) for v in flat])
    if system == "symbolic":
        vals = []
        for i, row in enumerate(rows):
            for j, v in enumerate(row):
                if isinstance(v, str):
                    vals.append(parse_number(v, name=f"{name}[{i}, {j}]", allow_symbols=symbols))
                else:
                    vals.append(_to_sympy_scalar(v))
        return sympy.ImmutableMatrix(r, c, vals)
    raise InvalidArgumentError(f"system: expected one of {', '.join(SYSTEMS)} but found {system!r}")


def _to_sympy_scalar(v: Any) -> sympy.Expr:
    if isinstance(v, flint.fmpq):
        return sympy.Rational(int(v.p), int(v.q))
    if isinstance(v, (float, np.floating)):
        return sympy.Rational(Fraction(float(v)))
    if isinstance(v, (np.integer,)):
        return sympy.Integer(int(v))
    return sympy.sympify(v)


def infer_system(**values: Any) -> str:
    """Return the number system of several matrix/vector-like values taken together.

    Integers are neutral: any symbol makes the result symbolic, else any exact
    entry (``Fraction``, string, sympy or flint number) makes it exact, else any
    float makes it float64; all-integer values are exact.

    Parameters
    ----------
    **values : matrix-like or vector-like or None
        Named values (the keyword names are used in error messages); ``None``
        values are skipped.  A numeric numpy array counts as float (float dtype)
        or integer (any other dtype) without inspecting its entries.

    Returns
    -------
    str
        ``"float64"``, ``"exact"`` or ``"symbolic"``.

    Raises
    ------
    EntryTypeError
        If a value is not a list of rows / numbers, or an entry is a bool, a
        complex number or of an unsupported type.
    NonFiniteError
        If an entry is NaN or infinite.
    ShapeError
        If the rows of a value have different lengths, or numbers and rows are mixed.
    InvalidArgumentError
        If a sympy entry is not real.

    Examples
    --------
    >>> infer_system(W=[[0.5]], b=[1]), infer_system(W=[[1]], b=["1/2"]), infer_system(W=[[1]])
    ('float64', 'exact', 'exact')
    """
    kinds: set[str] = set()
    for name, value in values.items():
        if value is None:
            continue
        if isinstance(value, np.ndarray) and value.dtype != object:
            kinds.add("float" if value.dtype.kind == "f" else "int")
            continue
        if isinstance(value, flint.fmpq_mat):
            kinds.add("exact")
            continue
        rows, _ = _rows(name, value, 2 if not _looks_like_vector(value) else 1)
        kinds |= _kind_of_rows(name, rows)
    return _system_from_kinds(kinds)


def _looks_like_vector(value: Any) -> bool:
    if isinstance(value, sympy.MatrixBase):
        return value.shape[1] == 1
    if isinstance(value, (list, tuple)):
        return not value or not isinstance(value[0], (list, tuple, np.ndarray))
    return False


def to_matrix(name: str, value: Any, *, system: str | None = None) -> Any:
    """Return ``value`` as the native matrix of a number system (read-only float64 array, fmpq_mat or sympy).

    Parameters
    ----------
    name : str
        The argument name used as the prefix of error messages (entries are
        reported as ``name[i, j]``).
    value : matrix-like
        A list of rows, a 2-D numeric numpy array, a sympy matrix or a
        ``flint.fmpq_mat``.  Entries may be ints, floats, ``Fraction``, flint
        numbers, strings (parsed exactly with :func:`parse_number`) or sympy
        expressions.
    system : {"float64", "exact", "symbolic"}, optional
        The target system.  When omitted it is inferred from the entries: any
        sympy symbol makes it symbolic, any exact entry (``Fraction``, string,
        sympy number) or all-integer entries make it exact, otherwise it is
        float64.  Strings never make a matrix symbolic here: a name in a string
        is rejected unless ``system="symbolic"`` is given.

    Returns
    -------
    numpy.ndarray or flint.fmpq_mat or sympy.ImmutableMatrix
        float64: a read-only 2-D array.  exact: a ``flint.fmpq_mat`` when every
        entry is rational (floats convert exactly), else an immutable sympy
        matrix of algebraic numbers.  symbolic: an immutable sympy matrix.

    Raises
    ------
    EntryTypeError
        If ``value`` is not a list of rows or a numeric array, an entry has an
        unsupported type (bool, complex, ...), symbolic entries are asked to be
        exact or float64.
    ShapeError
        If ``value`` is not 2-D or its rows have different lengths.
    NonFiniteError
        If an entry is NaN or infinite.
    ParseError
        If a string entry cannot be parsed.
    InvalidArgumentError
        If ``system`` is not one of the three systems, or a sympy entry is not real.

    Notes
    -----
    With ``system="float64"`` string entries are parsed exactly by
    :func:`parse_number`, then rounded once to the nearest double.
    """
    rows, shape = _rows(name, value, 2)
    kinds = _kind_of_rows(name, rows)
    inferred = _system_from_kinds(kinds)
    if system is None:
        system = inferred
    elif system == "exact" and inferred == "symbolic":
        raise EntryTypeError(f"{name}: symbolic entries cannot be made exact")
    return _native(name, rows, (shape[0], shape[1]), system)


def to_vector(name: str, value: Any, *, system: str | None = None) -> Any:
    """Return ``value`` as the native vector of a number system: a 1-D float64 array or an ``n x 1`` column.

    Parameters
    ----------
    name : str
        The argument name used as the prefix of error messages.
    value : vector-like
        A flat list, a 1-D numeric array, or an ``n x 1`` column (list of
        one-entry rows, numpy, sympy or ``flint.fmpq_mat``); entries as in
        :func:`to_matrix`.
    system : {"float64", "exact", "symbolic"}, optional
        The target system; inferred from the entries as in :func:`to_matrix`
        when omitted.

    Returns
    -------
    numpy.ndarray or flint.fmpq_mat or sympy.ImmutableMatrix
        float64: a read-only 1-D array.  exact / symbolic: an ``n x 1`` column
        (``flint.fmpq_mat`` when rational, else an immutable sympy matrix).

    Raises
    ------
    ShapeError
        If ``value`` is neither flat nor a single column.
    EntryTypeError, NonFiniteError, ParseError, InvalidArgumentError
        As :func:`to_matrix`.
    """
    rows, shape = _rows(name, value, 1)
    kinds = _kind_of_rows(name, rows)
    if system is None:
        system = _system_from_kinds(kinds)
    elif system == "exact" and "symbolic" in kinds:
        raise EntryTypeError(f"{name}: symbolic entries cannot be made exact")
    mat = _native(name, [[v] for v in rows[0]], (shape[0], 1), system)
    if system == "float64":
        vec = np.ascontiguousarray(mat[:, 0])
        vec.setflags(write=False)
        return vec
    return mat


def system_of(value: Any) -> str:
    """Return the number system a native matrix or vector belongs to.

    Parameters
    ----------
    value : numpy.ndarray, flint.fmpq_mat or sympy.MatrixBase
        A native matrix or vector (as produced by :func:`to_matrix` /
        :func:`to_vector`).

    Returns
    -------
    str
        ``"float64"`` for any numpy array, ``"exact"`` for a ``flint.fmpq_mat``
        or a sympy matrix without free symbols, ``"symbolic"`` for a sympy
        matrix with free symbols.

    Raises
    ------
    EntryTypeError
        If ``value`` is not a native matrix (e.g. a list).
    """
    if isinstance(value, np.ndarray):
        return "float64"
    if isinstance(value, flint.fmpq_mat):
        return "exact"
    if isinstance(value, sympy.MatrixBase):
        return "symbolic" if value.free_symbols else "exact"
    raise EntryTypeError(f"expected a native matrix but found {type(value).__name__}")


def entries(value: Any) -> list[Any]:
    """Return the row-major list of the entries of a native matrix or vector.

    Parameters
    ----------
    value : numpy.ndarray, flint.fmpq_mat or sympy.MatrixBase
        A native matrix or vector.

    Returns
    -------
    list
        Python floats for numpy arrays, ``flint.fmpq`` for ``fmpq_mat``, sympy
        expressions for sympy matrices.
    """
    if isinstance(value, np.ndarray):
        return [float(v) for v in value.ravel()]
    if isinstance(value, flint.fmpq_mat):
        return list(value.entries())
    return list(value)


def as_sympy(value: Any) -> sympy.ImmutableMatrix:
    """Return a native matrix as an immutable sympy matrix (floats become exact dyadic rationals).

    Parameters
    ----------
    value : numpy.ndarray, flint.fmpq_mat or sympy.MatrixBase
        A native matrix or vector.  A 1-D numpy array becomes an ``n x 1``
        column.

    Returns
    -------
    sympy.ImmutableMatrix
        The same matrix with exact entries (``Rational`` for floats and flint
        rationals).
    """
    if isinstance(value, sympy.MatrixBase):
        return sympy.ImmutableMatrix(value)
    if isinstance(value, np.ndarray):
        arr = value.reshape(-1, 1) if value.ndim == 1 else value
        return sympy.ImmutableMatrix(arr.shape[0], arr.shape[1], [_to_sympy_scalar(v) for v in arr.ravel()])
    r, c = value.nrows(), value.ncols()
    return sympy.ImmutableMatrix(r, c, [_to_sympy_scalar(v) for v in value.entries()])


def to_system(value: Any, system: str, *, name: str = "value") -> Any:
    """Return a native matrix or vector converted to another number system.

    float64 -> exact is exact (dyadic rationals).  exact -> float64 rounds each
    entry to (nearly) the nearest double: rationals through ``Fraction``,
    algebraic numbers through a 20-digit ``sympy.N``.

    Parameters
    ----------
    value : numpy.ndarray, flint.fmpq_mat or sympy.MatrixBase
        A native matrix or vector.
    system : {"float64", "exact", "symbolic"}
        The target system; ``value`` is returned unchanged when it is already
        in it.
    name : str, default "value"
        The argument name used as the prefix of error messages.

    Returns
    -------
    numpy.ndarray or flint.fmpq_mat or sympy.ImmutableMatrix
        The converted value.  A 1-D float64 vector becomes an ``n x 1`` column.
        An exact ``n x 1`` column converted to float64 stays 2-D (shape
        ``(n, 1)``), not the 1-D float64 vector convention.

    Raises
    ------
    EntryTypeError
        If ``value`` is not a native matrix, or it has free symbols and the
        target is float64 or exact.
    InvalidArgumentError
        If ``system`` is not one of the three systems.
    """
    current = system_of(value)
    if current == system:
        return value
    is_vec = isinstance(value, np.ndarray) and value.ndim == 1
    if system == "float64":
        if current == "symbolic":
            raise EntryTypeError(
                f"{name}: has free symbols {sorted(map(str, value.free_symbols))}; substitute values first"
            )
        if isinstance(value, flint.fmpq_mat):
            arr = np.array([float(fmpq_to_fraction(v)) for v in value.entries()], dtype=np.float64)
            arr = arr.reshape(value.nrows(), value.ncols())
        else:
            arr = np.array([float(sympy.N(v, 20)) for v in value], dtype=np.float64).reshape(value.shape)
        arr.setflags(write=False)
        return arr
    if is_vec:
        return to_vector(name, value, system=system)
    return to_matrix(name, value, system=system)


# --------------------------------------------------------------------------
# the matrix interface
# --------------------------------------------------------------------------


class Arith:
    """Matrix operations (``eye``, ``matmul``, ``block``, ``equal``, ...) of one number system, on native matrices.

    Use :func:`arith` or :func:`arith_of` to get the shared adapter of a system
    rather than constructing one.

    Parameters
    ----------
    system : {"float64", "exact", "symbolic"}
        The number system whose native matrices the methods create and combine.

    Attributes
    ----------
    system : str
        The number system.

    Raises
    ------
    InvalidArgumentError
        If ``system`` is not one of the three systems.

    Notes
    -----
    Binary operations on two ``fmpq_mat`` or two numpy arrays stay in that
    type; any other mix is computed on sympy matrices.  ``equal`` is ``==`` on
    the entries for float64 (so ``0.0 == -0.0``), exact for exact matrices, and
    ``sympy.simplify(a - b) == 0`` entrywise for symbolic ones.

    Examples
    --------
    >>> A = arith("exact")
    >>> M = A.matrix([[1, 2], [3, 4]])
    >>> A.equal(A.matmul(M, A.eye(2)), M)
    True
    """

    def __init__(self, system: str) -> None:
        if system not in SYSTEMS:
            raise InvalidArgumentError(f"system: expected one of {', '.join(SYSTEMS)} but found {system!r}")
        self.system = system

    def __repr__(self) -> str:
        return f"arith({self.system!r})"

    # construction -----------------------------------------------------------
    def matrix(self, rows: Any, name: str = "matrix") -> Any:
        """A native matrix of this system from rows (exact conversion from float)."""
        return to_matrix(name, rows, system=self.system)

    def eye(self, n: int) -> Any:
        """The ``n x n`` identity."""
        if self.system == "float64":
            return np.eye(n)
        if self.system == "exact":
            return flint.fmpq_mat(n, n, [1 if i == j else 0 for i in range(n) for j in range(n)])
        return sympy.ImmutableMatrix(sympy.eye(n))

    def zeros(self, r: int, c: int) -> Any:
        """The ``r x c`` zero matrix."""
        if self.system == "float64":
            return np.zeros((r, c))
        if self.system == "exact":
            return flint.fmpq_mat(r, c)
        return sympy.ImmutableMatrix(sympy.zeros(r, c))

    def column(self, vector: Any) -> Any:
        """A vector as an ``n x 1`` matrix."""
        if isinstance(vector, np.ndarray):
            return vector.reshape(-1, 1)
        return vector

    # algebra ------------------------------------------------------------------
    def _pair(self, a: Any, b: Any) -> tuple[Any, Any]:
        if isinstance(a, flint.fmpq_mat) and isinstance(b, flint.fmpq_mat):
            return a, b
        if isinstance(a, np.ndarray) and isinstance(b, np.ndarray):
            return a, b
        return as_sympy(a), as_sympy(b)

    def matmul(self, a: Any, b: Any) -> Any:
        """Matrix product ``a b``."""
        a, b = self._pair(a, b)
        return a @ b if isinstance(a, np.ndarray) else a * b

    def add(self, a: Any, b: Any) -> Any:
        """Sum ``a + b``."""
        a, b = self._pair(a, b)
        return a + b

    def sub(self, a: Any, b: Any) -> Any:
        """Difference ``a - b``."""
        a, b = self._pair(a, b)
        return a - b

    def neg(self, a: Any) -> Any:
        """Negation ``-a``."""
        return -a

    def scale(self, c: Any, a: Any) -> Any:
        """Scalar multiple ``c a``."""
        if isinstance(a, np.ndarray):
            return float(c) * a
        if isinstance(a, flint.fmpq_mat):
            fr = as_fraction(c) if not isinstance(c, sympy.Basic) or c.is_Rational else None
            if fr is not None:
                return a * flint.fmpq(fr.numerator, fr.denominator)
            return as_sympy(a) * c
        return a * sympy.sympify(c)

    def transpose(self, a: Any) -> Any:
        """Transpose ``a^T``."""
        return a.T if not isinstance(a, flint.fmpq_mat) else a.transpose()

    def shape(self, a: Any) -> tuple[int, int]:
        """``(rows, cols)``."""
        if isinstance(a, flint.fmpq_mat):
            return (a.nrows(), a.ncols())
        return tuple(a.shape)  # type: ignore[return-value]

    def block(self, blocks: Sequence[Sequence[Any]]) -> Any:
        """Assemble a block matrix from rows of blocks."""
        if self.system == "float64":
            return np.block([[np.asarray(b) for b in row] for row in blocks])
        if all(isinstance(b, flint.fmpq_mat) for row in blocks for b in row):
            heights = [row[0].nrows() for row in blocks]
            widths = [b.ncols() for b in blocks[0]]
            out = flint.fmpq_mat(sum(heights), sum(widths))
            r0 = 0
            for row, h in zip(blocks, heights, strict=True):
                c0 = 0
                for blk, w in zip(row, widths, strict=True):
                    for i in range(h):
                        for j in range(w):
                            out[r0 + i, c0 + j] = blk[i, j]
                    c0 += w
                r0 += h
            return out
        return sympy.ImmutableMatrix(sympy.BlockMatrix([[as_sympy(b) for b in row] for row in blocks]).as_explicit())

    def equal(self, a: Any, b: Any) -> bool:
        """Exact equality for exact/symbolic systems; bitwise equality for float64."""
        if self.shape(a) != self.shape(b):
            return False
        a, b = self._pair(a, b)
        if isinstance(a, np.ndarray):
            return bool(np.array_equal(a, b))
        if isinstance(a, flint.fmpq_mat):
            return bool(a == b)
        diff = a - b
        if self.system == "symbolic":
            return all(sympy.simplify(v) == 0 for v in diff)
        return all(exact_sign(v) == 0 for v in diff)


_ARITH = {s: Arith(s) for s in SYSTEMS}


def arith(system: str) -> Arith:
    """Return the shared :class:`Arith` adapter of a number system.

    Parameters
    ----------
    system : {"float64", "exact", "symbolic"}
        The number system.

    Returns
    -------
    Arith
        The adapter (one shared instance per system).

    Raises
    ------
    InvalidArgumentError
        If ``system`` is not one of the three systems.
    """
    if system not in _ARITH:
        raise InvalidArgumentError(f"system: expected one of {', '.join(SYSTEMS)} but found {system!r}")
    return _ARITH[system]


def arith_of(value: Any) -> Arith:
    """Return ``arith(system_of(value))``: the adapter of the system a native matrix belongs to.

    Parameters
    ----------
    value : numpy.ndarray, flint.fmpq_mat or sympy.MatrixBase
        A native matrix or vector.

    Returns
    -------
    Arith
        The shared adapter of its number system (see :func:`system_of`).

    Raises
    ------
    EntryTypeError
        If ``value`` is not a native matrix.
    """
    return _ARITH[system_of(value)]
