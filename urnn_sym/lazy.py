"""Lazy public names for a package's ``__init__`` (PEP 562): a name's module is imported on first use.

>>> getattr_, dir_ = lazy_names("urnn_sym", {"RNN": "urnn_sym.model"}, ["RNN"], {})
>>> getattr_("RNN").__name__
'RNN'
"""

from __future__ import annotations

import importlib
from collections.abc import Callable, Mapping, Sequence
from typing import Any

__all__ = ["lazy_names"]


def lazy_names(
    package: str, where: Mapping[str, str], public: Sequence[str], namespace: dict[str, Any]
) -> tuple[Callable[[str], Any], Callable[[], list[str]]]:
    """The module-level ``__getattr__`` and ``__dir__`` of a package whose public names load on first use.

    Parameters
    ----------
    package : str
        The package's dotted name (for the error message).
    where : mapping
        Public name -> dotted name of the module that defines it.
    public : sequence of str
        The package's ``__all__``.
    namespace : dict
        The package's ``globals()``: a loaded name is stored there, so the next
        access does not call ``__getattr__`` again.

    Returns
    -------
    (__getattr__, __dir__)
        Assign them to the package's ``__getattr__`` and ``__dir__``.
    """

    def getattr_(name: str) -> Any:
        module = where.get(name)
        if module is None:
            raise AttributeError(f"module {package!r} has no attribute {name!r}")
        value = getattr(importlib.import_module(module), name)
        namespace[name] = value
        return value

    def dir_() -> list[str]:
        return sorted(set(namespace) | set(public))

    return getattr_, dir_
