"""Native matrices and vectors of the three number systems, and the conversions between them.

float64: read-only numpy arrays (vectors 1-D); exact: ``flint.fmpq_mat`` or, with
algebraic entries, immutable sympy matrices (vectors ``n x 1``); symbolic:
immutable sympy matrices.
"""

from __future__ import annotations

from collections.abc import Collection, Sequence
from fractions import Fraction
from itertools import chain
from typing import Any

import flint
import numpy as np
import sympy

from urnn_sym.errors import EntryTypeError, InvalidArgumentError, NonFiniteError, ShapeError
from urnn_sym.numbers.parsing import parse_number
from urnn_sym.numbers.scalars import exact_entry, float_entry, fmpq_to_fraction, scalar_kind

__all__ = [
    "SYSTEMS",
    "as_sympy",
    "entries",
    "infer_system",
    "system_of",
    "to_matrix",
    "to_system",
    "to_vector",
]

SYSTEMS = ("float64", "exact", "symbolic")

# --------------------------------------------------------------------------
# float64 fast path: numeric arrays and lists of Python floats, in one vectorised pass
# --------------------------------------------------------------------------

_FAST_SCALARS = frozenset({float, int, np.float64, np.int64})
"""Entry types of lists converted by one ``numpy.array`` call (exact types: ``bool`` is not ``int`` here)."""

_FLOAT_SCALARS = frozenset({float, np.float64})


def _frozen(arr: np.ndarray) -> bool:
    """Whether ``arr`` and every array it views are read-only, down to one that owns its memory."""
    a: Any = arr
    while isinstance(a, np.ndarray):
        if a.flags.writeable:
            return False
        a = a.base
    return a is None


def _check_finite(name: str, arr: np.ndarray) -> None:
    """Raise :class:`NonFiniteError` at the first NaN or infinite entry of a 1-D or 2-D array, in row-major order.

    The entry is named as :func:`_kind_of_rows` names it: ``W[i, j]`` in a
    matrix, ``b[0, j]`` for the j-th entry of a vector.
    """
    finite = np.isfinite(arr)
    if finite.all():
        return
    first = tuple(int(k) for k in np.argwhere(~finite)[0])  # argwhere lists indices in row-major order
    i, j = (0, first[0]) if arr.ndim == 1 else first
    raise NonFiniteError(f"{name}[{i}, {j}]: expected finite entries but found {float(arr[first])}")


def _fast_array(name: str, value: np.ndarray, ndim: int, system: str | None) -> np.ndarray | None:
    """A numeric array as a read-only float64 array (``ndim`` 1 or 2), or None when the general path decides.

    Float arrays (float16/32/64) are float64 unless ``system`` says otherwise;
    integer arrays only when ``system="float64"`` (else they are exact).  Bool,
    complex, longdouble, object and string arrays, and arrays of another shape,
    take the general path (which gives the errors).  A C-contiguous float64
    array that is read-only and views only read-only arrays is returned as is.
    """
    kind = value.dtype.kind
    if not (kind in "iu" or (kind == "f" and value.dtype.itemsize <= 8)):
        return None
    if system != "float64" and not (system is None and kind == "f" and value.size):
        return None  # integer (or empty) arrays are exact unless float64 is asked for
    if ndim == 1 and value.ndim == 2 and value.shape[1] == 1:
        value = value[:, 0]
    if value.ndim != ndim:
        return None
    if not (value.dtype == np.float64 and value.flags.c_contiguous and _frozen(value)):
        value = np.array(value, dtype=np.float64, order="C")
        value.setflags(write=False)
    if kind == "f":
        _check_finite(name, value)
    return value


def _fast_list(name: str, value: list[Any] | tuple[Any, ...], ndim: int, system: str | None) -> np.ndarray | None:
    """A list of rows (``ndim`` 2), or a flat list or column (``ndim`` 1), of Python floats and ints as float64.

    None unless every entry is a ``float``, ``int``, ``numpy.float64`` or
    ``numpy.int64`` (exact types), the rows have equal lengths, and the system
    is float64 (given, or inferred: some entry is a float).  Also None when an
    int is too large for float64 (the general path reports it).
    """
    if system not in (None, "float64") or not value:
        return None
    flat: Any = value
    if ndim == 2 or type(value[0]) in (list, tuple):
        if any(type(r) not in (list, tuple) for r in value):
            return None
        width = len(value[0])
        if any(len(r) != width for r in value):
            return None
        if ndim == 1:
            if width != 1:
                return None
            value = [r[0] for r in value]
            flat = value
        else:
            flat = chain.from_iterable(value)
    types = set(map(type, flat))
    if not types <= _FAST_SCALARS or (system is None and not types & _FLOAT_SCALARS):
        return None
    try:
        arr = np.array(value, dtype=np.float64)
    except OverflowError:
        return None
    arr.setflags(write=False)
    _check_finite(name, arr)
    return arr


def _fast_float(name: str, value: Any, ndim: int, system: str | None) -> np.ndarray | None:
    """``value`` as a read-only float64 array validated in one vectorised pass, or None for the general path."""
    if type(value) is np.ndarray:
        return _fast_array(name, value, ndim, system)
    if type(value) in (list, tuple):
        return _fast_list(name, value, ndim, system)
    return None


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
    return {scalar_kind(v, f"{name}[{i}, {j}]") for i, r in enumerate(rows) for j, v in enumerate(r)}


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
            [[float_entry(v, f"{name}[{i}, {j}]") for j, v in enumerate(row)] for i, row in enumerate(rows)],
            dtype=np.float64,
        ).reshape(r, c)
        if not np.all(np.isfinite(arr)):
            raise NonFiniteError(f"{name}: expected finite entries but found {arr[~np.isfinite(arr)][0]}")
        arr.setflags(write=False)
        return arr
    if system == "exact":
        flat = [
            exact_entry(v, f"{name}[{i // max(c, 1)}, {i % max(c, 1)}]")
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
    return infer_fields(values)[0]


def infer_fields(values: dict[str, Any]) -> tuple[str, dict[str, np.ndarray]]:
    """:func:`infer_system`, and the float lists it has converted on the way (read-only float64 arrays).

    A list of Python floats (and ints) is checked in one vectorised pass; its
    array, of the shape the list has (a column list stays ``n x 1``), is
    returned so that the caller need not convert it again when the system is
    float64.  The errors, and their order over the values, are those of the
    entry-by-entry check.
    """
    kinds: set[str] = set()
    converted: dict[str, np.ndarray] = {}
    for name, value in values.items():
        if value is None:
            continue
        if isinstance(value, np.ndarray) and value.dtype != object:
            kinds.add("float" if value.dtype.kind == "f" else "int")
            continue
        if isinstance(value, flint.fmpq_mat):
            kinds.add("exact")
            continue
        ndim = 2 if not _looks_like_vector(value) else 1
        fast = _fast_list(name, value, ndim, None) if type(value) in (list, tuple) else None
        if fast is not None:
            converted[name] = fast
            kinds.add("float")
            continue
        rows, _ = _rows(name, value, ndim)
        kinds |= _kind_of_rows(name, rows)
    return _system_from_kinds(kinds), converted


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

    float64 results from numeric arrays (float16/32/64, integers) and from
    lists of Python floats and ints are converted and checked in one
    vectorised pass, with the same errors as the entry-by-entry path.  A
    C-contiguous float64 array that is read-only, and views only read-only
    arrays, is returned as is; other arrays are copied, so that later writes
    to the argument do not change the result.

    Examples
    --------
    >>> W = to_matrix("W", [[0.5, 0.25], [0.0, 1.0]])
    >>> W.dtype, W.flags.writeable, to_matrix("W", W) is W
    (dtype('float64'), False, True)
    >>> to_matrix("W", np.array([[0.5, np.inf]]))
    Traceback (most recent call last):
    ...
    urnn_sym.errors.NonFiniteError: W[0, 1]: expected finite entries but found inf
    """
    fast = _fast_float(name, value, 2, system)
    if fast is not None:
        return fast
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

    Notes
    -----
    float64 vectors take the vectorised path of :func:`to_matrix` (no copy of
    a read-only float64 array).
    """
    fast = _fast_float(name, value, 1, system)
    if fast is not None:
        return fast
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
        if type(value) is np.ndarray and value.dtype == np.float64:
            return value.ravel().tolist()  # the same Python floats, without a Python-level loop
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
