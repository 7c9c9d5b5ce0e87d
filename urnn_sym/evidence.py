"""Results that carry their evidence.

A :class:`Check` is the answer of a predicate such as ``is_contractive``: whether
it holds, what established it (``method``), and the measured value.  It is
truthy exactly when the predicate holds, and serialises to JSON so another tool
can re-check it.

>>> c = Check(True, "exact LDL^T of I - W^T W over Q", "all 2 pivots > 0")
>>> bool(c), c.to_json()["method"]
(True, 'exact LDL^T of I - W^T W over Q')
"""

from __future__ import annotations

from dataclasses import dataclass, field
from fractions import Fraction
from typing import Any

from urnn_sym.numbers.parsing import radical_text

__all__ = ["Check", "jsonable"]


def jsonable(value: Any) -> Any:
    """Return ``value`` in a JSON-serialisable form: exact numbers as strings (``"3/5"``), containers as lists/dicts.

    Parameters
    ----------
    value : Any
        The value to convert.  ``bool``, ``None``, ``int``, ``str`` and
        ``float`` are returned unchanged (so non-finite floats stay non-finite);
        a ``Fraction`` becomes ``str(value)``; dicts are converted recursively
        with their keys made strings; lists and tuples become lists; objects
        with a ``tolist`` method (numpy arrays and scalars, sympy matrices) are
        converted through it; anything else (sympy numbers, ``flint.fmpq``)
        becomes ``str(value)``.

    Returns
    -------
    Any
        A value made of dicts, lists, str, int, float, bool and None.

    Examples
    --------
    >>> from fractions import Fraction
    >>> jsonable({"r": Fraction(3, 5), "v": (1, 0.5)})
    {'r': '3/5', 'v': [1, 0.5]}
    """
    if isinstance(value, bool) or value is None or isinstance(value, (int, str)):
        return value
    if isinstance(value, float):
        return value
    if isinstance(value, Fraction):
        return str(value)
    if isinstance(value, dict):
        return {str(k): jsonable(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [jsonable(v) for v in value]
    if hasattr(value, "tolist"):
        return jsonable(value.tolist())
    text = radical_text(value)  # q*sqrt(m) without sympy's printer (slow, and limited by str(int))
    return text if text is not None else str(value)


@dataclass(frozen=True)
class Check:
    """Outcome of a predicate with the evidence behind it; ``bool(check)`` is ``check.holds``.

    Attributes
    ----------
    holds : bool
        Whether the predicate holds (also the truth value of the object).
    method : str
        What decided it, e.g. ``"exact LDL^T over Q"`` or
        ``"float64 SVD with tol=1e-12"`` (float answers always name their tolerance).
    detail : str
        The measured value or the violated condition, in words; default ``""``.
    data : dict
        Machine-readable measured values; default empty.  :meth:`to_json`
        passes it through :func:`jsonable`.
    """

    holds: bool
    method: str
    detail: str = ""
    data: dict[str, Any] = field(default_factory=dict)

    def __bool__(self) -> bool:
        return self.holds

    def to_json(self) -> dict[str, Any]:
        """A JSON-ready dict."""
        return {"holds": self.holds, "method": self.method, "detail": self.detail, "data": jsonable(self.data)}
