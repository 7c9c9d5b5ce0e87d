"""Tests of :mod:`urnn_sym.status`: the shared status words and the Result protocol."""

from __future__ import annotations

from typing import Any, get_args

import pytest
from hypothesis import given
from hypothesis import strategies as st

from urnn_sym.status import (
    STATUSES,
    ObstructionStatus,
    RefutationStatus,
    Result,
    Status,
    VerdictStatus,
    is_status,
)

pytestmark = pytest.mark.timeout(120)


def test_statuses_are_the_five_words_in_order() -> None:
    # The module docstring lists exactly these five words, strongest first.
    assert STATUSES == ("proved", "refuted", "checked", "unknown", "inconclusive")
    assert get_args(Status) == STATUSES
    assert len(set(STATUSES)) == len(STATUSES)


@pytest.mark.parametrize("narrow", [VerdictStatus, RefutationStatus, ObstructionStatus])
def test_narrow_status_types_are_subsets_of_statuses(narrow: Any) -> None:
    words = get_args(narrow)
    assert words, "a narrow status type has at least one word"
    assert set(words) <= set(STATUSES)


def test_narrow_status_types_have_the_documented_words() -> None:
    assert set(get_args(VerdictStatus)) == {"proved", "refuted", "unknown"}
    assert set(get_args(RefutationStatus)) == {"refuted", "inconclusive"}
    assert set(get_args(ObstructionStatus)) == {"proved", "inconclusive"}
    # "checked" is never a verdict: finitely many instances never count as "proved".
    assert "checked" not in get_args(VerdictStatus)


@pytest.mark.parametrize("word", ["proved", "refuted", "checked", "unknown", "inconclusive"])
def test_is_status_accepts_every_status(word: str) -> None:
    assert is_status(word) is True


@pytest.mark.parametrize(
    "word",
    ["maybe", "Proved", "PROVED", " proved", "proved ", "", "sat", "unsat", None, 1, 0, True, b"proved", ["proved"]],
)
def test_is_status_refuses_everything_else(word: Any) -> None:
    # Case and whitespace matter; non-strings (even bytes of a status word) are never statuses.
    assert is_status(word) is False


@given(st.text(max_size=20))
def test_is_status_is_membership(word: str) -> None:
    assert is_status(word) == (word in STATUSES)


class _Good:
    status = "proved"
    method = "by hand"

    def to_json(self) -> dict[str, Any]:
        return {"status": self.status, "method": self.method}


class _NoJson:
    status = "proved"
    method = "by hand"


class _NoMethod:
    status = "proved"

    def to_json(self) -> dict[str, Any]:
        return {}


def test_result_protocol_is_structural() -> None:
    assert isinstance(_Good(), Result)
    assert not isinstance(_NoJson(), Result)
    assert not isinstance(_NoMethod(), Result)
    assert not isinstance("proved", Result)


def test_library_results_follow_the_protocol() -> None:
    from urnn_sym.refutation.document import inconclusive

    result = inconclusive("nothing found", method="smt", input_bound=3)
    assert isinstance(result, Result)
    assert is_status(result.status)
    assert result.to_json()["status"] == result.status
