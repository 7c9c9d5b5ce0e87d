"""Every public function and class documents each of its parameters (numpydoc style).

The API reference is generated from these docstrings, so a parameter without a
description is a hole in the documentation; this test names it.
"""

from __future__ import annotations

import importlib
import inspect
import pkgutil
import re

import pytest

import urnn_sym

pytestmark = pytest.mark.timeout(120)

_SECTION = re.compile(r"^\s*(Parameters|Attributes|Other Parameters)\s*\n\s*-{3,}\s*$", re.MULTILINE)
_HEADER = re.compile(r"^\s*[A-Z][A-Za-z ]+\s*\n\s*-{3,}\s*$", re.MULTILINE)


def _documented(doc: str) -> set[str]:
    names: set[str] = set()
    for match in _SECTION.finditer(doc):
        body = doc[match.end() :]
        nxt = _HEADER.search(body)
        body = body[: nxt.start()] if nxt else body
        lines = [ln for ln in body.splitlines() if ln.strip()]
        if not lines:
            continue
        indent = min(len(ln) - len(ln.lstrip()) for ln in lines)
        for ln in lines:
            if len(ln) - len(ln.lstrip()) == indent:
                head = ln.strip().split(" : ")[0]
                names.update(n.strip().lstrip("*") for n in head.split(","))
    return names


def _public_objects():
    seen = set()
    modules = [urnn_sym] + [
        importlib.import_module(m.name)
        for m in pkgutil.walk_packages(urnn_sym.__path__, prefix="urnn_sym.")
        if not m.name.split(".")[-1].startswith("_")
    ]
    for module in modules:
        for name in getattr(module, "__all__", []):
            obj = getattr(module, name)
            if (inspect.isfunction(obj) or inspect.isclass(obj)) and id(obj) not in seen:
                seen.add(id(obj))
                yield f"{obj.__module__}.{obj.__qualname__}", obj


def _parameters(obj) -> list[str]:
    if inspect.isclass(obj):
        if issubclass(obj, BaseException):
            return []
        try:
            sig = inspect.signature(obj.__init__)
        except (TypeError, ValueError):
            return []
    else:
        sig = inspect.signature(obj)
    return [
        p.name
        for p in sig.parameters.values()
        if p.name not in ("self", "cls") and p.kind not in (p.VAR_POSITIONAL, p.VAR_KEYWORD)
    ]


PUBLIC = sorted(_public_objects(), key=lambda item: item[0])


def test_there_is_a_public_api() -> None:
    assert len(PUBLIC) > 30


@pytest.mark.parametrize(("qualname", "obj"), PUBLIC, ids=[q for q, _ in PUBLIC])
def test_public_object_is_documented(qualname: str, obj: object) -> None:
    doc = inspect.getdoc(obj) or ""
    assert doc.strip(), f"{qualname} has no docstring"
    params = _parameters(obj)
    if inspect.isfunction(obj) and getattr(obj, "__wrapped__", None) is not None:
        params = [p for p in params if p != "draw"]
    missing = [p for p in params if p not in _documented(doc)]
    assert not missing, f"{qualname}: parameters without a description in its docstring: {missing}"
