"""JSON file formats, read and written with exact round trip.

``urnn-sym.rnn/1``::

    {"format": "urnn-sym.rnn/1", "activation": "relu",
     "W": [["1/2", "0"], ["0", "sqrt(2)/2"]], "F": [[1], [0]], "b": ["0", "-1/4"],
     "C": [[1, 1]], "h0": [0, 0]}

* matrices are lists of rows, vectors flat lists (column-vector convention,
  ``h(k) = phi(W h(k-1) + F x(k) + b)``); ``h0`` may be omitted (zero) and
  ``activation`` defaults to ``"relu"``;
* a JSON string entry is exact: ``"3/5"``, ``"-2"``, ``"0.125"`` (an exact
  decimal), ``"sqrt(2)/2"``; it is parsed by a small grammar, never evaluated;
* a JSON integer is exact; a JSON number with a fraction or exponent is float64,
  and one such entry makes the whole file float64 unless ``exact=True`` (CLI
  ``--exact``), which converts every float exactly to its dyadic rational;
* an optional ``"symbols": ["w", ...]`` declares names that string entries may
  use; the RNN is then symbolic.  ``"description"`` is free text.

``urnn-sym.inputs/1``: ``{"format": "urnn-sym.inputs/1", "x": [[..], ..]}`` with
T rows of d entries and the same entry rules; a bare list of rows is accepted.

Every file is read by :func:`read_json`, which refuses hostile documents with a
:class:`FileFormatError` naming the file: more than ``MAX_JSON_BYTES`` bytes,
nesting deeper than ``MAX_JSON_DEPTH``, duplicate keys, non-finite numbers, and
integers longer than :data:`urnn_sym.numbers.parsing.MAX_DIGITS` digits; string entries
obey the limits of :func:`urnn_sym.numbers.parsing.parse_number`.

Writers replace the target atomically (temporary file, then ``os.replace``), so a
failed write never leaves a half-written file, and their errors name the target,
never the temporary file.
"""

from __future__ import annotations

import json
import os
import tempfile
from collections.abc import Iterable
from fractions import Fraction
from pathlib import Path
from typing import Any

import flint
import numpy as np
import sympy

from urnn_sym.errors import FileFormatError, UnsupportedError, UrnnSymError
from urnn_sym.model import RNN
from urnn_sym.numbers.arith import as_sympy, entries, is_rational, parse_number
from urnn_sym.numbers.jsonread import MAX_JSON_BYTES, MAX_JSON_DEPTH, read_json
from urnn_sym.numbers.parsing import radical_text

__all__ = [
    "INPUTS_FORMAT",
    "MAX_JSON_BYTES",
    "MAX_JSON_DEPTH",
    "RNN_FORMAT",
    "atomic_write_bytes",
    "atomic_write_text",
    "convert_field",
    "dump_rnn",
    "format_number",
    "load_rnn",
    "read_inputs",
    "read_json",
    "read_rnn",
    "write_inputs",
    "write_rnn",
]

RNN_FORMAT = "urnn-sym.rnn/1"
INPUTS_FORMAT = "urnn-sym.inputs/1"
_RNN_KEYS = {"format", "activation", "W", "F", "b", "C", "h0", "symbols", "description"}


def _entry(value: Any, where: str, symbols: frozenset[str], exact: bool) -> Any:
    if isinstance(value, bool) or value is None or isinstance(value, (list, dict)):
        raise FileFormatError(f"{where}: expected a number or a numeric string but found {json.dumps(value)}")
    if isinstance(value, str):
        return parse_number(value, name=where, allow_symbols=symbols or False)
    if isinstance(value, float):
        return Fraction(value) if exact else value
    return value


def _convert(value: Any, where: str, symbols: frozenset[str], exact: bool, depth: int) -> Any:
    if depth == 0:
        return _entry(value, where, symbols, exact)
    if not isinstance(value, list):
        kind = "a list of rows" if depth == 2 else "a list"
        raise FileFormatError(f"{where}: expected {kind} but found {json.dumps(value)[:40]}")
    return [_convert(v, f"{where}[{i}]", symbols, exact, depth - 1) for i, v in enumerate(value)]


def _has_json_float(value: Any) -> bool:
    if isinstance(value, list):
        return any(_has_json_float(v) for v in value)
    return isinstance(value, float)


def convert_field(
    value: Any, *, where: str, depth: int, symbols: frozenset[str] = frozenset(), exact: bool = False
) -> tuple[Any, bool]:
    """Return a decoded JSON field with every entry converted by the entry rules, and whether it held a JSON float.

    The entry rules are those of the module docstring; document readers built
    on top of ``urnn-sym.rnn/1`` (e.g. :func:`urnn_sym.stacked.load_stacked`)
    use this for each of their matrix and vector fields.

    Parameters
    ----------
    value : Any
        The decoded field: a list of rows (``depth=2``), a flat list
        (``depth=1``) or a single entry (``depth=0``).
    where : str
        Name of the field (e.g. ``"model.json: layer 2: W"``), used as the
        prefix of error messages.
    depth : int
        Nesting depth of ``value``: 2 for a matrix, 1 for a vector, 0 for a number.
    symbols : frozenset of str, default frozenset()
        Names that string entries may use.
    exact : bool, default False
        Convert every JSON float exactly to its dyadic rational.

    Returns
    -------
    tuple
        The converted field (nested lists of ints, floats, Fractions and the
        sympy numbers or expressions parsed from strings) and whether ``value``
        contains a JSON float (the caller makes the model float64 when some
        field does and ``exact`` is False).

    Raises
    ------
    FileFormatError
        If ``value`` is not nested ``depth`` deep or an entry is not a number
        or a numeric string.
    ParseError
        If a string entry is not a number (see :func:`urnn_sym.numbers.arith.parse_number`).

    Examples
    --------
    >>> convert_field([["1/2", 0.5]], where="W", depth=2)
    ([[1/2, 0.5]], True)
    >>> convert_field([["1/2", 0.5]], where="W", depth=2, exact=True)
    ([[1/2, Fraction(1, 2)]], True)
    """
    return _convert(value, where, symbols, exact, depth), _has_json_float(value)


def load_rnn(data: Any, *, exact: bool = False, source: str = "rnn") -> RNN:
    """Return the :class:`RNN` described by the decoded JSON of a ``urnn-sym.rnn/1`` document.

    Entry rules are those of the module docstring: string entries are exact
    (parsed, never evaluated), JSON integers are exact, and any JSON float makes
    the RNN float64 unless ``exact`` is set.

    Parameters
    ----------
    data : dict
        The decoded document: ``"format"`` (must be ``"urnn-sym.rnn/1"``), the
        required ``"W"``, ``"F"``, ``"b"``, ``"C"`` and the optional ``"h0"``,
        ``"activation"`` (default ``"relu"``), ``"symbols"`` (names string
        entries may use) and ``"description"``; no other keys.
    exact : bool, default False
        Convert every JSON float exactly to its dyadic rational, so that the
        RNN is exact (or symbolic) instead of float64.
    source : str, default "rnn"
        Where the document came from (e.g. its path), used as the prefix of
        error messages.

    Returns
    -------
    RNN
        The model.  Its number system is float64 if some entry is a JSON float
        (and ``exact`` is False), otherwise inferred from the entries: symbolic
        only if some entry actually uses a declared symbol, else exact.

    Raises
    ------
    FileFormatError
        If ``data`` is not an object, the format is wrong, a key is unknown or
        missing, ``"symbols"`` is not a list of identifiers, or a field is not a
        list (of rows) of numbers / strings.
    UrnnSymError
        Any error raised by :class:`RNN` or :func:`urnn_sym.numbers.arith.parse_number`
        (``ShapeError``, ``ParseError``, ``EntryTypeError``,
        ``InvalidArgumentError``, ...), re-raised as the same class with
        ``source`` prepended to the message.
    """
    if not isinstance(data, dict):
        raise FileFormatError(f'{source}: expected a JSON object with "format": "{RNN_FORMAT}"')
    fmt = data.get("format")
    if fmt != RNN_FORMAT:
        raise FileFormatError(f'{source}: expected "format": "{RNN_FORMAT}" but found {json.dumps(fmt)}')
    unknown = sorted(set(data) - _RNN_KEYS)
    if unknown:
        raise FileFormatError(f"{source}: unknown keys {unknown} (allowed: {sorted(_RNN_KEYS)})")
    missing = [k for k in ("W", "F", "b", "C") if k not in data]
    if missing:
        raise FileFormatError(f"{source}: missing required keys {missing}")
    symbols = data.get("symbols", [])
    if not isinstance(symbols, list) or not all(isinstance(s, str) and s.isidentifier() for s in symbols):
        raise FileFormatError(f'{source}: "symbols" must be a list of names but found {json.dumps(symbols)}')
    syms = frozenset(symbols)
    depth = {"W": 2, "F": 2, "C": 2, "b": 1, "h0": 1}
    floats = any(_has_json_float(data.get(k)) for k in depth)
    fields = {k: _convert(data[k], f"{source}: {k}", syms, exact, depth[k]) for k in depth if k in data}
    system = "float64" if floats and not exact else None
    try:
        return RNN(**fields, activation=data.get("activation", "relu"), system=system)
    except UrnnSymError as exc:
        raise type(exc)(f"{source}: {exc}") from exc


def read_rnn(path: str | os.PathLike[str], *, exact: bool = False) -> RNN:
    """Return the :class:`RNN` stored in a ``urnn-sym.rnn/1`` file (see the module docstring for the entry rules).

    Parameters
    ----------
    path : str or os.PathLike
        The file; its path is the prefix of error messages.
    exact : bool, default False
        Convert every JSON float exactly to its dyadic rational (CLI ``--exact``).

    Returns
    -------
    RNN
        The model (see :func:`load_rnn`).

    Raises
    ------
    FileFormatError
        If the file is missing, unreadable, not JSON or not a valid document.
    UrnnSymError
        Any validation error of :func:`load_rnn`, with the path in the message.
    """
    return load_rnn(read_json(path, what="RNN file"), exact=exact, source=str(path))


def read_inputs(path: str | os.PathLike[str], *, exact: bool = False) -> list[list[Any]]:
    """Return the input sequence stored in a file: a ``urnn-sym.inputs/1`` document or a bare list of rows.

    Parameters
    ----------
    path : str or os.PathLike
        The file; its path is the prefix of error messages.
    exact : bool, default False
        Convert every JSON float exactly to a ``Fraction`` (its dyadic value).

    Returns
    -------
    list of list
        T >= 1 rows of entries: floats (or ``Fraction`` when ``exact``), ints,
        and exact sympy numbers parsed from strings.  Row lengths are not
        checked here; the RNN's number system decides the final conversion in
        :func:`urnn_sym.simulate`.

    Raises
    ------
    FileFormatError
        If the file is missing, unreadable or not JSON; an object without
        ``"format": "urnn-sym.inputs/1"`` or without ``"x"``; ``x`` not a
        non-empty list of lists; or an entry that is not a number or a string.
        Other keys of the object are ignored.
    ParseError
        If a string entry is not a number (symbols are not allowed in input files).
    """
    data = read_json(path, what="inputs file")
    source = str(path)
    if isinstance(data, dict):
        if data.get("format") != INPUTS_FORMAT:
            raise FileFormatError(
                f'{source}: expected "format": "{INPUTS_FORMAT}" but found {json.dumps(data.get("format"))}'
            )
        if "x" not in data:
            raise FileFormatError(f"{source}: missing required key 'x'")
        data = data["x"]
    if not isinstance(data, list):
        raise FileFormatError(f"{source}: expected a list of input rows but found {type(data).__name__}")
    if not data:
        raise FileFormatError(f"{source}: the input sequence is empty (expected T >= 1 rows)")
    return _convert(data, f"{source}: x", frozenset(), exact, 2)


def format_number(x: Any) -> Any:
    """Return the JSON form of one entry: floats stay JSON numbers, exact values become strings.

    Parameters
    ----------
    x : float, int, Fraction, flint.fmpq or sympy expression
        One entry.  Python and numpy floats become a Python ``float``; flint,
        Python and sympy rationals and integers (including numpy integers)
        become strings such as ``"3/5"`` or ``"-2"`` (of any length: Python's
        limit on ``str(int)`` does not apply); anything else becomes
        ``str(sympy.sympify(x))`` (e.g. ``"sqrt(2)/2"``), which
        :func:`urnn_sym.numbers.arith.parse_number` reads back.

    Returns
    -------
    float or str
        The JSON-ready value.

    Raises
    ------
    UnsupportedError
        If ``x`` is an algebraic expression holding an integer longer than
        Python's limit on ``str(int)`` (``sys.get_int_max_str_digits()``).

    Examples
    --------
    >>> format_number(0.1), format_number(Fraction(3, 5)), format_number(sympy.sqrt(2) / 2)
    (0.1, '3/5', 'sqrt(2)/2')
    """
    if isinstance(x, (float, np.floating)):
        return float(x)
    if isinstance(x, flint.fmpq):
        return _ratio(x.p, x.q)
    if isinstance(x, Fraction):
        return _ratio(x.numerator, x.denominator)
    if isinstance(x, (int, np.integer)):
        return _ratio(int(x), 1)
    expr = sympy.sympify(x)
    if expr.is_Rational:
        return _ratio(expr.p, expr.q)
    text = radical_text(expr)
    if text is not None:
        return text
    try:
        return str(expr)
    except ValueError as exc:  # Python's limit on str(int) inside a large algebraic expression
        raise UnsupportedError(f"cannot write the number {type(expr).__name__}(...) as text: {exc}") from exc


def _ratio(p: Any, q: Any) -> str:
    """``"p/q"`` (or ``"p"``) through flint, whose decimal conversion has no digit limit (Python's ``str(int)`` has)."""
    num = str(flint.fmpz(int(p)))
    return num if q == 1 else f"{num}/{flint.fmpz(int(q))}"


def _rows_of(M: Any) -> list[list[Any]]:
    if isinstance(M, np.ndarray):
        return [[float(v) for v in row] for row in M]
    S = as_sympy(M) if not is_rational(M) else M
    if is_rational(S):
        vals = entries(S)
        c = S.ncols()
        return [vals[i * c : (i + 1) * c] for i in range(S.nrows())]
    return S.tolist()


def dump_rnn(rnn: RNN) -> dict[str, Any]:
    """Return the ``urnn-sym.rnn/1`` document of an RNN (exact entries as strings).

    Parameters
    ----------
    rnn : RNN
        The model to serialise.

    Returns
    -------
    dict
        ``{"format", "activation", "W", "F", "b", "C", "h0"}`` plus
        ``"symbols"`` (the sorted free symbols) for symbolic RNNs.  float64
        entries are JSON numbers, exact entries strings (see
        :func:`format_number`); ``h0`` is always written.

    Notes
    -----
    :func:`load_rnn` re-infers the number system, so a symbolic RNN without
    free symbols (e.g. ``rnn.to_symbolic()`` of an exact RNN) reads back as exact.
    """
    doc: dict[str, Any] = {"format": RNN_FORMAT, "activation": rnn.activation}
    mats = {k: rnn.native(k) for k in ("W", "F", "b", "C", "h0")}
    for key, M in mats.items():
        if isinstance(M, np.ndarray) and M.ndim == 1:
            doc[key] = [float(v) for v in M]
            continue
        rows = [[format_number(v) for v in row] for row in _rows_of(M)]
        doc[key] = [r[0] for r in rows] if key in ("b", "h0") else rows
    if rnn.system == "symbolic":
        free: set[sympy.Symbol] = set()
        for M in mats.values():
            free |= as_sympy(M).free_symbols
        doc["symbols"] = sorted(str(s) for s in free)
    return doc


def _umask() -> int:
    mask = os.umask(0)
    os.umask(mask)
    return mask


def atomic_write_bytes(path: str | os.PathLike[str], data: bytes) -> None:
    """Write ``data`` to ``path`` atomically (temporary file in the same directory, then ``os.replace``).

    Parameters
    ----------
    path : str or os.PathLike
        The target file; it is replaced if it exists.
    data : bytes
        The content to write.

    Raises
    ------
    FileFormatError
        If the directory of ``path`` does not exist.
    OSError
        If the temporary file cannot be created, written or moved; the
        temporary file is removed, the target is left untouched, and the
        error (same class, errno and reason) names ``path``, not the
        temporary file.

    Notes
    -----
    A replaced file keeps its permission bits; a new file gets ``0666`` minus
    the umask, as ``open`` would give it.
    """
    target = Path(path)
    directory = target.parent if str(target.parent) else Path(".")
    if not directory.is_dir():
        raise FileFormatError(f"output: directory does not exist: {directory}")
    mode = target.stat().st_mode & 0o7777 if target.is_file() else 0o666 & ~_umask()
    try:
        fd, tmp = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".tmp", dir=directory)
    except OSError as exc:
        raise _naming(exc, target) from exc
    try:
        with os.fdopen(fd, "wb") as fh:
            fh.write(data)
        os.chmod(tmp, mode)
        os.replace(tmp, target)
    except BaseException as exc:
        if os.path.exists(tmp):
            os.unlink(tmp)
        if isinstance(exc, OSError):
            raise _naming(exc, target) from exc
        raise


def _naming(exc: OSError, target: Path) -> OSError:
    """The same kind of error as ``exc`` (errno and reason), about the user's ``target`` instead of a temporary file."""
    if exc.errno is None:
        return type(exc)(f"{exc}: {target}")
    return OSError(exc.errno, exc.strerror, str(target))


def atomic_write_text(path: str | os.PathLike[str], text: str) -> None:
    """Write ``text`` to ``path`` atomically, UTF-8 encoded (see :func:`atomic_write_bytes`).

    Parameters
    ----------
    path : str or os.PathLike
        The target file; it is replaced if it exists.
    text : str
        The content to write.

    Raises
    ------
    FileFormatError
        If the directory of ``path`` does not exist.
    OSError
        If the file cannot be written; the target is left untouched.
    """
    atomic_write_bytes(path, text.encode("utf-8"))


def write_rnn(rnn: RNN, path: str | os.PathLike[str]) -> None:
    """Write ``dump_rnn(rnn)`` to ``path`` as indented JSON, atomically (exact round trip).

    Parameters
    ----------
    rnn : RNN
        The model to write.
    path : str or os.PathLike
        The target file (replaced atomically, see :func:`atomic_write_text`).

    Raises
    ------
    FileFormatError
        If the directory of ``path`` does not exist.
    OSError
        If the file cannot be written.
    """
    atomic_write_text(path, json.dumps(dump_rnn(rnn), indent=1) + "\n")


def write_inputs(rows: Iterable[Iterable[Any]], path: str | os.PathLike[str]) -> None:
    """Write an input sequence to ``path`` as a ``urnn-sym.inputs/1`` document, atomically.

    Parameters
    ----------
    rows : iterable of iterables
        The input sequence, one row ``x(k)`` per time step; entries are
        converted with :func:`format_number` (floats stay numbers, exact values
        become strings).  Nothing is validated (row lengths, emptiness).
    path : str or os.PathLike
        The target file (replaced atomically, see :func:`atomic_write_text`).

    Raises
    ------
    FileFormatError
        If the directory of ``path`` does not exist.
    OSError
        If the file cannot be written.
    """
    doc = {"format": INPUTS_FORMAT, "x": [[format_number(v) for v in row] for row in rows]}
    atomic_write_text(path, json.dumps(doc) + "\n")
