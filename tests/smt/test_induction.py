"""Tests of :mod:`urnn_sym.smt.induction`: all-horizon equivalence by induction (Theorem 1 shape)."""

from __future__ import annotations

from fractions import Fraction
from typing import Any

import pytest

from urnn_sym.errors import InvalidArgumentError, ShapeError, UnsupportedError
from urnn_sym.model import RNN
from urnn_sym.smt.bounded import check_equivalence
from urnn_sym.smt.induction import prove_equivalence

pytestmark = pytest.mark.timeout(120)

Q = Fraction
# W = 3/5 and its Halmos completion with the extra bias -2.  By the norm-bound lemma
# ||h|| <= M / (1 - 3/5) = 5 M / 2, and the extra pre-activation 4/5 h - 2 <= 0 needs h <= 5/2,
# so the induction goes through for M = 1/2 (h <= 5/4) and M = 1 (h <= 5/2, on the edge).
A = RNN([[Q(3, 5)]], [[1]], [0], [[1]])
U = RNN([[Q(3, 5), Q(4, 5)], [Q(4, 5), Q(-3, 5)]], [[1], [0]], [0, -2], [[1, 0]])


@pytest.mark.parametrize("M", [Q(1, 2), Q(1)])
def test_theorem1_pair_is_proved_for_all_horizons(M: Fraction) -> None:
    v = prove_equivalence(A, U, input_bound=M)
    assert v.status == "proved", v.reason
    assert v.invariant is not None and v.invariant["kind"] in ("ball", "box")
    assert v.obligations and all(o.status == "proved" for o in v.obligations)


@pytest.mark.parametrize("invariant", ["ball", "box"])
def test_each_invariant_kind(invariant: str) -> None:
    v = prove_equivalence(A, U, input_bound=Q(1, 2), invariant=invariant)
    assert v.status == "proved", v.reason
    assert v.invariant is not None and v.invariant["kind"] == invariant


def test_z3_discharge_gives_the_same_answer() -> None:
    assert prove_equivalence(A, U, input_bound=Q(1, 2), discharge="z3").status == "proved"
    assert prove_equivalence(A, U, input_bound=Q(1, 2), discharge="certificate").status == "proved"


def test_a_false_claim_is_never_proved() -> None:
    # M = 5: x(0) = 5 gives h(0) = 5 and the extra unit fires (4/5 * 5 - 2 = 2 > 0); the bounded check
    # confirms the pair differs, and the induction must not answer "proved".
    assert check_equivalence(A, U, input_bound=5, horizon=3).status == "refuted"
    v = prove_equivalence(A, U, input_bound=5)
    assert v.status == "unknown"
    assert v.reason


def test_not_of_the_theorem1_shape_is_unknown_with_the_reason() -> None:
    other = RNN([[Q(3, 5), Q(4, 5)], [Q(4, 5), Q(-3, 5)]], [[1], [0]], [0, -2], [[2, 0]])  # C differs
    v = prove_equivalence(A, other, input_bound=Q(1, 2))
    assert v.status == "unknown" and "shape" in v.reason


@pytest.mark.parametrize(
    ("kwargs", "error", "name"),
    [
        ({"invariant": "sphere"}, InvalidArgumentError, "invariant"),
        ({"discharge": "guess"}, InvalidArgumentError, "discharge"),
        ({"input_bound": -1}, InvalidArgumentError, "input_bound"),
        ({"norm": "fro"}, InvalidArgumentError, "norm"),
        ({"timeout": 0}, InvalidArgumentError, "timeout"),
    ],
)
def test_bad_arguments(kwargs: dict[str, Any], error: type[Exception], name: str) -> None:
    args: dict[str, Any] = {"input_bound": Q(1, 2)}
    args.update(kwargs)
    with pytest.raises(error, match=name):
        prove_equivalence(A, U, **args)


def test_incompatible_networks() -> None:
    with pytest.raises(ShapeError):
        prove_equivalence(A, RNN([[0]], [[1, 1]], [0], [[1]]), input_bound=1)
    with pytest.raises(UnsupportedError):
        prove_equivalence(A, RNN([[0]], [[1]], [0], [[1]], activation="tanh"), input_bound=1)
