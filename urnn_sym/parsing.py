"""Exact numbers from text: a small grammar for ``"3/5"``, ``"-0.125"``, ``"sqrt(2)/2"`` (never ``eval``).

Examples
--------
>>> parse_number("3/5") + parse_number("0.125")
29/40
>>> parse_number("sqrt(2)/2")
sqrt(2)/2
"""

from __future__ import annotations

import re
from collections.abc import Collection
from fractions import Fraction

import sympy

from .errors import EntryTypeError, ParseError

__all__ = ["parse_number"]


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
