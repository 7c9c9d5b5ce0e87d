"""The one JSON reader of urnn-sym: every document (models, inputs, verdicts, refutations, ...) is read here.

Hostile files are refused with a :class:`~urnn_sym.errors.FileFormatError` that
names the file: more than ``MAX_JSON_BYTES`` bytes, nesting deeper than
``MAX_JSON_DEPTH``, duplicate keys, non-finite numbers, and integers longer than
:data:`urnn_sym.numbers.parsing.MAX_DIGITS` digits.  :mod:`urnn_sym.io` re-exports
:func:`read_json`.
"""

from __future__ import annotations

import json
import math
import os
from pathlib import Path
from typing import Any

import flint

from urnn_sym.errors import FileFormatError
from urnn_sym.numbers.parsing import MAX_DIGITS

__all__ = ["MAX_JSON_BYTES", "MAX_JSON_DEPTH", "read_json"]

MAX_JSON_BYTES = 64 * 2**20
MAX_JSON_DEPTH = 64


class _Refused(Exception):
    """Raised inside the JSON decoder's hooks; :func:`read_json` turns it into a :class:`FileFormatError`."""


def read_json(path: str | os.PathLike[str], *, what: str = "file") -> Any:
    """Return the decoded JSON of a UTF-8 file; a missing, unreadable, malformed or hostile file raises an error.

    This is the one JSON reader of the package: every document (models,
    inputs, verdicts, refutations, stacked models, summaries) is read here.

    Parameters
    ----------
    path : str or os.PathLike
        The file to read.
    what : str, default "file"
        What the file is (e.g. ``"RNN file"``), used as the prefix of error messages.

    Returns
    -------
    Any
        The decoded JSON value (dict, list, str, int, float, bool or None).

    Raises
    ------
    FileFormatError
        If the file does not exist, is a directory, cannot be read (permission
        denied, not UTF-8), is larger than ``MAX_JSON_BYTES`` (64 MiB) or is
        not valid JSON (the message gives the line and column).  Also refused:
        objects and arrays nested deeper than ``MAX_JSON_DEPTH`` (64), an
        object with a duplicate key (the key is named), the non-standard
        constants ``NaN``, ``Infinity`` and ``-Infinity``, a number that
        overflows float64 (``1e999``), and an integer with more than
        :data:`urnn_sym.numbers.parsing.MAX_DIGITS` digits.

    Examples
    --------
    >>> import tempfile
    >>> with tempfile.TemporaryDirectory() as tmp:
    ...     path = Path(tmp) / "doc.json"
    ...     _ = path.write_text('{"a": 1, "a": 2}')
    ...     read_json(path, what="model")
    Traceback (most recent call last):
    ...
    urnn_sym.errors.FileFormatError: model: .../doc.json: duplicate key "a" in a JSON object
    """
    p = Path(path)
    try:
        size = p.stat().st_size
        if size > MAX_JSON_BYTES:
            raise FileFormatError(
                f"{what}: {p} has {size} bytes, more than the limit {MAX_JSON_BYTES} (MAX_JSON_BYTES)"
            )
        with p.open("rb") as fh:
            raw = fh.read(MAX_JSON_BYTES + 1)  # bounded even when stat() cannot tell (a device, a pipe)
    except FileNotFoundError as exc:
        raise FileFormatError(f"{what}: file not found: {p}") from exc
    except (IsADirectoryError, PermissionError, NotADirectoryError) as exc:
        raise FileFormatError(f"{what}: cannot read {p}: {exc.__class__.__name__}") from exc
    except OSError as exc:
        raise FileFormatError(f"{what}: cannot read {p}: {exc.strerror or exc.__class__.__name__}") from exc
    if len(raw) > MAX_JSON_BYTES:
        raise FileFormatError(f"{what}: {p} has more than {MAX_JSON_BYTES} bytes, the limit (MAX_JSON_BYTES)")
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise FileFormatError(
            f"{what}: cannot read {p}: UnicodeDecodeError (not UTF-8: byte {raw[exc.start]:#04x} at offset {exc.start})"
        ) from exc
    try:
        value = json.loads(
            text,
            parse_constant=_reject_constant,
            parse_int=_json_int,
            parse_float=_json_float,
            object_pairs_hook=_json_object,
        )
    except json.JSONDecodeError as exc:
        raise FileFormatError(
            f"{what}: {p} is not valid JSON ({exc.msg} at line {exc.lineno}, column {exc.colno})"
        ) from exc
    except _Refused as exc:
        raise FileFormatError(f"{what}: {p}: {exc}") from exc
    except RecursionError as exc:
        raise FileFormatError(f"{what}: {p}: JSON nested deeper than {MAX_JSON_DEPTH} levels (the limit)") from exc
    if _too_deep(value):
        raise FileFormatError(f"{what}: {p}: JSON nested deeper than {MAX_JSON_DEPTH} levels (the limit)")
    return value


def _reject_constant(name: str) -> Any:
    raise _Refused(f"non-finite number {name} is not allowed (JSON numbers must be finite)")


def _json_int(text: str) -> int:
    digits = len(text.lstrip("-"))
    if digits > MAX_DIGITS:
        raise _Refused(
            f"an integer with {digits} digits, more than the limit {MAX_DIGITS} (write large numbers as strings)"
        )
    return int(flint.fmpz(text))  # flint: no dependence on Python's int/str digit limit


def _json_float(text: str) -> float:
    value = float(text)
    if not math.isfinite(value):
        shown = text if len(text) <= 40 else text[:40] + "..."
        raise _Refused(f'the number {shown} overflows float64 (write exact numbers as strings, e.g. "1e400")')
    return value


def _json_object(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for key, value in pairs:
        if key in out:
            shown = json.dumps(key) if len(key) <= 60 else json.dumps(key[:60]) + "..."
            raise _Refused(f"duplicate key {shown} in a JSON object")
        out[key] = value
    return out


def _too_deep(value: Any) -> bool:
    """Whether arrays and objects nest deeper than ``MAX_JSON_DEPTH`` (iterative: no recursion limit)."""
    stack = [(value, 1)] if isinstance(value, (list, dict)) else []
    while stack:
        node, depth = stack.pop()
        children = node.values() if isinstance(node, dict) else node
        if depth > MAX_JSON_DEPTH:
            return True
        stack.extend((c, depth + 1) for c in children if isinstance(c, (list, dict)))
    return False
