"""Exact numbers from text: a small grammar for ``"3/5"``, ``"-0.125"``, ``"sqrt(2)/2"`` (never ``eval``).

Hostile text is refused before the expensive work, with a :class:`ParseError`
that names the limit:

``MAX_TEXT_LENGTH`` = 100000
    characters in one text;
``MAX_TOKENS`` = 1000
    numbers, names and operators in one text;
``MAX_NESTING`` = 50
    nested parentheses, ``sqrt``, signs and exponents;
``MAX_DIGITS`` = 4000
    digits written in one numeral, and digits of the numerator and of the
    denominator of every rational computed (below Python's default limit of
    4300 digits on ``str(int)``, so every result prints);
``MAX_EXPONENT`` = 1000
    absolute value of a decimal exponent, as in ``1e-300``;
``MAX_POWER`` = 1000
    numerator (for an irrational base) and denominator (for any base) of the
    exponent of a power or root;
``MAX_ROOT_DIGITS`` = 300
    digits of the numerator and of the denominator of a rational under a root
    other than a square root (sympy factors it, in time growing fast with its
    size); square roots of rationals are built as ``c*sqrt(m)`` without
    factoring, so only ``MAX_DIGITS`` applies to them.

Examples
--------
>>> parse_number("3/5") + parse_number("0.125")
29/40
>>> parse_number("sqrt(2)/2")
sqrt(2)/2
"""

from __future__ import annotations

import math
import re
from collections.abc import Collection
from typing import Any

import flint
import sympy

from urnn_sym.errors import EntryTypeError, InvalidArgumentError, ParseError, UrnnSymError

__all__ = [
    "MAX_DIGITS",
    "MAX_EXPONENT",
    "MAX_NESTING",
    "MAX_POWER",
    "MAX_ROOT_DIGITS",
    "MAX_TEXT_LENGTH",
    "MAX_TOKENS",
    "check_digits",
    "parse_number",
]

MAX_TEXT_LENGTH = 100_000
MAX_TOKENS = 1_000
MAX_NESTING = 50
MAX_DIGITS = 4_000
MAX_EXPONENT = 1_000
MAX_POWER = 1_000
MAX_ROOT_DIGITS = 300

_DIGITS_BOUND = 10**MAX_DIGITS  # |n| < 10**k  <=>  n has at most k digits
_ROOT_BOUND = 10**MAX_ROOT_DIGITS
_BITS_BOUND = math.ceil(MAX_DIGITS * math.log2(10))  # 2**13288 > 10**4000: a power this long has too many digits

_TOKEN = re.compile(
    r"\s*(?:(?P<num>[0-9]+\.?[0-9]*(?:[eE][+-]?[0-9]+)?|\.[0-9]+(?:[eE][+-]?[0-9]+)?)"
    r"|(?P<name>[A-Za-z_][A-Za-z_0-9]*)|(?P<op>\*\*|[-+*/^()]))"
)
_NUMERAL = re.compile(r"([0-9]*)(?:\.([0-9]*))?(?:[eE]([+-]?)([0-9]+))?")


def _clip(text: str, keep: int = 40) -> str:
    """``text`` for an error message: whole when short, else its start and its length."""
    return repr(text) if len(text) <= keep else f"{text[:keep]!r}... ({len(text)} characters)"


def _digit_count(n: int) -> str:
    """The number of decimal digits of ``|n|``: exact below 400000 bits, a lower bound ("at least ...") beyond."""
    n = abs(n)
    bits = n.bit_length()
    low = max(1, (bits - 1) * 30103 // 100000 + 1)  # 2**(bits-1) <= n, and log10(2) > 0.30103
    if bits > 400_000:
        return f"at least {low}"
    while n >= 10**low:
        low += 1
    return str(low)


def check_digits(p: int, q: int, *, name: str, what: str = "the number") -> None:
    """Raise unless the numerator ``p`` and the denominator ``q`` of a rational have at most ``MAX_DIGITS`` digits.

    Parameters
    ----------
    p, q : int
        Numerator and denominator of a rational.
    name : str
        The argument name, the prefix of the message.
    what : str, default "the number"
        What the rational is, for the message.

    Raises
    ------
    InvalidArgumentError
        If ``|p|`` or ``q`` has more than ``MAX_DIGITS`` decimal digits.

    Examples
    --------
    >>> check_digits(10**MAX_DIGITS, 1, name="input_bound")
    Traceback (most recent call last):
    ...
    urnn_sym.errors.InvalidArgumentError: input_bound: the numerator of the number has 4001 digits, more than...
    """
    for part, value in (("numerator", p), ("denominator", q)):
        if not -_DIGITS_BOUND < value < _DIGITS_BOUND:
            raise InvalidArgumentError(
                f"{name}: the {part} of {what} has {_digit_count(value)} digits, more than the limit {MAX_DIGITS}"
            )


def _tokenize(text: str, name: str) -> list[tuple[str, str]]:
    tokens: list[tuple[str, str]] = []
    pos = 0
    stripped = text.rstrip()
    while pos < len(stripped):
        m = _TOKEN.match(stripped, pos)
        if m is None or m.end() == pos:
            raise ParseError(
                f"{name}: cannot parse {_clip(text)} as a number: unexpected character "
                f"{stripped[pos:].lstrip()[:1]!r} at position {pos}"
            )
        if len(tokens) == MAX_TOKENS:
            raise ParseError(
                f"{name}: cannot parse {_clip(text)} as a number: more than {MAX_TOKENS} tokens (the limit)"
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
    Nothing is evaluated by Python's ``eval``; every intermediate value is
    checked against the limits of the module docstring.
    """

    def __init__(self, text: str, name: str, allow_symbols: bool | Collection[str]) -> None:
        self.text = text
        self.name = name
        self.allow_symbols = allow_symbols
        self.tokens = _tokenize(text, name)
        self.pos = 0
        self.depth = -1  # the outermost unary is level 0

    def fail(self, why: str) -> ParseError:
        return ParseError(f"{self.name}: cannot parse {_clip(self.text)} as a number: {why}")

    def peek(self) -> tuple[str, str] | None:
        return self.tokens[self.pos] if self.pos < len(self.tokens) else None

    def take(self, value: str | None = None) -> tuple[str, str]:
        tok = self.peek()
        if tok is None:
            raise self.fail("unexpected end of text")
        if value is not None and tok[1] != value:
            raise self.fail(f"expected {value!r} but found {_clip(tok[1])}")
        self.pos += 1
        return tok

    def parse(self) -> sympy.Expr:
        if not self.tokens:
            raise self.fail("empty text")
        value = self.expr()
        if self.peek() is not None:
            raise self.fail(f"unexpected {_clip(self.peek()[1])}")  # type: ignore[index]
        return value

    def expr(self) -> sympy.Expr:
        value = self.term()
        while (tok := self.peek()) is not None and tok[1] in "+-":
            self.take()
            rhs = self.term()
            value = self.bounded(value + rhs if tok[1] == "+" else value - rhs)
        return value

    def term(self) -> sympy.Expr:
        value = self.unary()
        while (tok := self.peek()) is not None and tok[1] in ("*", "/"):
            self.take()
            rhs = self.unary()
            if tok[1] == "/":
                if rhs == 0:
                    raise self.fail("division by zero")
                fast = _product(value, 1 / rhs) if rhs.is_Rational else None
                value = self.bounded(fast if fast is not None else value / rhs)
            else:
                fast = _product(value, rhs)
                value = self.bounded(fast if fast is not None else value * rhs)
        return value

    def unary(self) -> sympy.Expr:
        self.depth += 1
        try:
            if self.depth > MAX_NESTING:
                raise self.fail(f"nested more than {MAX_NESTING} levels deep (the limit)")
            tok = self.peek()
            if tok is not None and tok[1] in "+-":
                self.take()
                inner = self.unary()
                if tok[1] == "+":
                    return inner
                fast = _product(sympy.Integer(-1), inner)
                return fast if fast is not None else -inner
            return self.power()
        finally:
            self.depth -= 1

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
            return self.raise_to(base, exponent)
        return base

    def raise_to(self, base: sympy.Expr, exponent: sympy.Rational) -> sympy.Expr:
        """``base ** exponent`` after checking that neither the root nor the result is too large."""
        s, t = int(exponent.p), int(exponent.q)
        if t > MAX_POWER:
            raise self.fail(f"the root degree {t} of the exponent {exponent} exceeds the limit {MAX_POWER}")
        if base.is_Rational:
            big = max(abs(int(base.p)), int(base.q))
            if big > 1 and abs(s) * (big.bit_length() - 1) >= _BITS_BOUND * t:
                digits = abs(s) * (big.bit_length() - 1) * 30103 // (100000 * t)
                raise self.fail(
                    f"the power with exponent {_short(exponent)} would have at least {digits} digits, "
                    f"more than the limit {MAX_DIGITS}"
                )
        elif abs(s) > MAX_POWER:
            raise self.fail(
                f"the exponent {_short(exponent)} of a power of {_short(base)} exceeds the limit {MAX_POWER}"
            )
        if exponent == sympy.S.Half and base.is_Rational and base >= 0:
            return self.bounded(sqrt_rational(base))
        if t > 1:
            self.check_radicand(base)
        return self.bounded(base**exponent)

    def check_radicand(self, base: sympy.Expr) -> None:
        """Roots of rationals with more than ``MAX_ROOT_DIGITS`` digits are refused (sympy factors them)."""
        for node in _nodes(base):
            if node.is_Rational and not (-_ROOT_BOUND < node.p < _ROOT_BOUND and node.q < _ROOT_BOUND):
                raise self.fail(
                    f"a root of a number with more than {MAX_ROOT_DIGITS} digits (the limit) "
                    f"in numerator or denominator"
                )

    def bounded(self, value: sympy.Expr) -> sympy.Expr:
        """``value`` itself, after checking every rational and every power in it against the limits."""
        for node in _nodes(value):
            if node.is_Rational:
                if not (-_DIGITS_BOUND < node.p < _DIGITS_BOUND and node.q < _DIGITS_BOUND):
                    raise self.fail(
                        f"a rational with {_digit_count(max(abs(node.p), node.q))} digits, more than the limit "
                        f"{MAX_DIGITS}"
                    )
            elif node.is_Pow and node.exp.is_Rational:
                s, t = node.exp.p, node.exp.q
                if t > MAX_POWER:
                    raise self.fail(f"the root degree {t} (in {_short(node)}) exceeds the limit {MAX_POWER}")
                if abs(s) > MAX_POWER:
                    raise self.fail(f"the exponent {s} (in {_short(node)}) exceeds the limit {MAX_POWER}")
                if t > 1 and node.base.is_Rational and not (t == 2 and node.base.is_Integer):
                    self.check_radicand(node.base)
        return value

    def numeral(self, text: str) -> sympy.Rational:
        """The exact value of a decimal numeral such as ``12``, ``0.125`` or ``2.5e-3``."""
        m = _NUMERAL.fullmatch(text)
        assert m is not None  # the token pattern only lets numerals through
        whole, frac, sign, exp = m.group(1), m.group(2) or "", m.group(3), m.group(4)
        digits = whole + frac
        if len(digits) > MAX_DIGITS:
            raise self.fail(f"the numeral has {len(digits)} digits, more than the limit {MAX_DIGITS}")
        shift = -len(frac)
        if exp is not None:
            magnitude = exp.lstrip("0") or "0"
            if len(magnitude) > len(str(MAX_EXPONENT)) or int(magnitude) > MAX_EXPONENT:
                shown = magnitude if len(magnitude) <= 20 else f"{magnitude[:20]}... ({len(magnitude)} digits)"
                raise self.fail(f"the exponent {sign.replace('+', '')}{shown} exceeds the limit {MAX_EXPONENT}")
            shift += -int(magnitude) if sign == "-" else int(magnitude)
        mantissa = int(flint.fmpz(digits))  # flint: no dependence on Python's int/str digit limit
        value = sympy.Integer(mantissa * 10**shift) if shift >= 0 else sympy.Rational(mantissa, 10**-shift)
        return self.bounded(value)

    def atom(self) -> sympy.Expr:
        kind, value = self.take()
        if kind == "num":
            return self.numeral(value)
        if kind == "name":
            nxt = self.peek()
            if nxt is not None and nxt[1] == "(":
                if value not in _FUNCTIONS:
                    raise self.fail(f"unknown function {_clip(value)} (only sqrt is allowed)")
                self.take("(")
                arg = self.expr()
                self.take(")")
                return self.raise_to(arg, sympy.Rational(1, 2))
            allowed = self.allow_symbols
            if allowed is False or (allowed is not True and value not in allowed):
                listed = str(sorted(allowed)) if not isinstance(allowed, bool) else ""
                declared = (
                    f"; declared symbols: {listed if len(listed) <= 80 else listed[:80] + '...'}" if listed else ""
                )
                raise self.fail(f"unknown name {_clip(value)} (exact entries are numbers{declared})")
            return sympy.Symbol(value, real=True)
        if value == "(":
            inner = self.expr()
            self.take(")")
            return inner
        raise self.fail(f"unexpected {_clip(value)}")


_FUNCTIONS = ("sqrt",)


def _short(value: Any) -> str:
    """A sympy value for an error message, clipped (a huge rational is not printed digit by digit)."""
    if isinstance(value, sympy.Rational) and not (-(10**30) < value.p < 10**30 and value.q < 10**30):
        return f"(a rational with {_digit_count(max(abs(value.p), value.q))} digits)"
    text = str(value)
    return text if len(text) <= 40 else text[:40] + "..."


_SMALL_PRIMES = [p for p in range(2, 1000) if all(p % q for q in range(2, int(p**0.5) + 1))]
_CANONICAL_BITS = 64  # below this sympy's own square root (which factors its radicand) is cheap and canonical


def _square_part(N: int) -> tuple[int, int]:
    """``N = k^2 m`` with a perfect square and the square factors of the primes below 1000 moved into k."""
    r = int(flint.fmpz(N).isqrt())
    if r * r == N:
        return r, 1
    k = 1
    for p in _SMALL_PRIMES:
        pp = p * p
        if pp > N:
            break
        while N % pp == 0:
            N //= pp
            k *= p
    return k, N


def radical(coef: sympy.Rational, m: int) -> sympy.Expr:
    """The exact number ``coef * sqrt(m)`` (m a positive integer) without factoring a big m.

    sympy's square root factors its radicand (seconds beyond a few hundred
    digits); beyond 64 bits the root is built unevaluated, in the form
    ``c*sqrt(m)`` that :func:`radical_parts` recognises.
    """
    if coef == 0 or m == 1:
        return coef
    if m.bit_length() <= _CANONICAL_BITS:
        return coef * sympy.sqrt(sympy.Integer(m))
    root = sympy.Pow(sympy.Integer(m), sympy.S.Half, evaluate=False)
    return root if coef == 1 else sympy.Mul(coef, root, evaluate=False)


def sqrt_rational(q: sympy.Rational) -> sympy.Expr:
    """``sqrt(q)`` for a rational ``q >= 0`` as ``c*sqrt(m)``: ``sqrt(a/b) = sqrt(a b) / b``, small squares out.

    Examples
    --------
    >>> sqrt_rational(sympy.Rational(467, 24)), sqrt_rational(sympy.Rational(9, 4))
    (sqrt(2802)/12, 3/2)
    """
    k, den, m = root_parts(int(q.p), int(q.q))
    return radical(sympy.Rational(k, den), m)


def root_parts(p: int, q: int) -> tuple[int, int, int]:
    """``(k, q, m)`` with ``sqrt(p / q) = (k / q) sqrt(m)``: ``sqrt(p/q) = sqrt(p q) / q``, small squares out.

    Examples
    --------
    >>> root_parts(467, 24)
    (2, 24, 2802)
    """
    k, m = _square_part(p * q)
    return k, q, m


def radical_parts(value: Any) -> tuple[sympy.Rational, int] | None:
    """``(q, m)`` when ``value`` is ``sqrt(m)`` or ``q*sqrt(m)`` (q rational, m a positive integer), else None."""
    q = sympy.Integer(1)
    if isinstance(value, sympy.Mul) and len(value.args) == 2 and value.args[0].is_Rational:
        q, value = value.args
    if (
        isinstance(value, sympy.Pow)
        and value.exp == sympy.S.Half
        and isinstance(value.base, sympy.Integer)
        and value.base > 0
    ):
        return q, int(value.base)
    return None


def radical_text(value: Any) -> str | None:
    """``"p/q*sqrt(m)"`` for a one-radical ``value`` with ``m >= 2^64`` (see :func:`radical_parts`), else None.

    Written through flint, so neither sympy's printer nor Python's limit on
    ``str(int)`` is involved; :func:`parse_number` reads it back.

    Examples
    --------
    >>> radical_text(sqrt_rational(sympy.Integer(2**67 + 1)) / -2), radical_text(sympy.sqrt(3))
    ('-1/2*sqrt(147573952589676412929)', None)
    """
    parts = radical_parts(value)
    if parts is None or parts[1].bit_length() <= _CANONICAL_BITS:
        return None  # small radicands: sympy's own printing (``sqrt(2)/2``) is cheap
    q, m = parts
    root = f"sqrt({flint.fmpz(m)})"
    if q == 1:
        return root
    if q == -1:
        return "-" + root
    num = str(flint.fmpz(int(q.p)))
    return f"{num}*{root}" if q.q == 1 else f"{num}/{flint.fmpz(int(q.q))}*{root}"


def _product(u: sympy.Expr, v: sympy.Expr) -> sympy.Expr | None:
    """``u * v`` without sympy's evaluation when both are rationals or one-radicals (else None)."""
    pu = (u, 1) if u.is_Rational else radical_parts(u)
    pv = (v, 1) if v.is_Rational else radical_parts(v)
    if pu is None or pv is None or (pu[1] != 1 and pv[1] != 1 and pu[1] != pv[1]):
        return None
    if pu[1] != 1 and pu[1] == pv[1]:
        return pu[0] * pv[0] * pu[1]
    return radical(pu[0] * pv[0], max(pu[1], pv[1]))


def _nodes(expr: sympy.Basic) -> list[sympy.Basic]:
    """Every subexpression of ``expr`` (iterative: no recursion limit)."""
    out, stack = [], [expr]
    while stack:
        node = stack.pop()
        out.append(node)
        stack.extend(node.args)
    return out


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
        Every rational in it has a numerator and a denominator of at most
        ``MAX_DIGITS`` digits.

    Raises
    ------
    EntryTypeError
        If ``text`` is not a string.
    ParseError
        If ``text`` is empty or does not follow the grammar, contains an
        unexpected character, an unknown function or a name that is not
        allowed, divides by zero, has a non-rational exponent, or is not a real
        number (e.g. ``"sqrt(-1)"``); or if it exceeds one of the limits of the
        module docstring (length, tokens, nesting, digits, decimal exponent,
        power, root), which are checked before the expensive work.

    Examples
    --------
    >>> parse_number("-2"), parse_number("1e-3"), parse_number("(1 + sqrt(5))/2")
    (-2, 1/1000, 1/2 + sqrt(5)/2)
    >>> parse_number("1e999999", name="input_bound")
    Traceback (most recent call last):
    ...
    urnn_sym.errors.ParseError: input_bound: cannot parse '1e999999' as a number: the exponent 999999 exceeds...
    """
    if not isinstance(text, str):
        raise EntryTypeError(f"{name}: expected a string but found {type(text).__name__}")
    if len(text) > MAX_TEXT_LENGTH:
        raise ParseError(
            f"{name}: cannot parse {_clip(text)} as a number: more than {MAX_TEXT_LENGTH} characters (the limit)"
        )
    try:
        value = _Parser(text, name, allow_symbols).parse()
        real = radical_parts(value) is not None or not (value.has(sympy.I) or value.is_real is False)
    except UrnnSymError:
        raise
    except (ArithmeticError, RecursionError, ValueError) as exc:  # sympy gave up: still bad input, not a crash
        raise ParseError(
            f"{name}: cannot parse {_clip(text)} as a number: evaluating it failed ({type(exc).__name__})"
        ) from exc
    if not real:
        raise ParseError(
            f"{name}: cannot parse {_clip(text)} as a number: it is not a real number (found {_short(value)})"
        )
    return value
