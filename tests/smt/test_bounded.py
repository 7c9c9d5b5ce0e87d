"""Tests of :mod:`urnn_sym.smt.bounded`: the bounded z3 equivalence check and the z3 refuter hook."""

from __future__ import annotations

from fractions import Fraction
from typing import Any

import pytest

from urnn_sym.errors import InvalidArgumentError, ShapeError, UnsupportedError
from urnn_sym.model import RNN
from urnn_sym.refutation import exact_outputs, input_within_bound
from urnn_sym.smt.bounded import check_equivalence, distinguishing_input_smt

pytestmark = pytest.mark.timeout(120)

Q = Fraction
# y = relu(x) and y = 2 relu(x): they differ on every input with x(0) > 0.
ONE = RNN([[0]], [[1]], [0], [[1]])
TWO = RNN([[0]], [[1]], [0], [[2]])
# y = relu(x) + relu(x - 2): equal to ONE exactly when every x(k) <= 2.
LATE = RNN([[0, 0], [0, 0]], [[1], [1]], [0, -2], [[1, 1]])
# ONE with an extra state that never fires: equivalent on every input.
PADDED = RNN([[0, 0], [0, 0]], [[1], [0]], [0, 0], [[1, 0]])


@pytest.mark.parametrize("encoding", ["shared", "naive"])
def test_padded_network_is_proved_equivalent(encoding: str) -> None:
    v = check_equivalence(ONE, PADDED, input_bound=5, horizon=3, encoding=encoding)
    assert v.status == "proved", v.reason
    assert v.horizon == 3 and v.input_bound == Q(5)


@pytest.mark.parametrize("encoding", ["shared", "naive"])
def test_different_output_scale_is_refuted_and_resimulated(encoding: str) -> None:
    v = check_equivalence(ONE, TWO, input_bound=1, horizon=2, encoding=encoding)
    assert v.status == "refuted"
    ref = v.refutation
    assert ref is not None and ref.status == "refuted"
    assert ref.xs is not None and ref.time_step is not None
    # independent re-simulation: inside the bound, and outputs differ at the recorded step
    assert input_within_bound(ref.xs, Q(1), "inf")
    k = ref.time_step
    assert exact_outputs(ONE, ref.xs)[k] != exact_outputs(TWO, ref.xs)[k]
    assert ref.xs[k][0] > 0  # relu(x) = 2 relu(x) iff x <= 0


def test_the_bound_decides_for_a_late_firing_unit() -> None:
    # M = 2: x - 2 <= 0 always, so relu(x - 2) = 0 and the pair is equivalent.
    assert check_equivalence(ONE, LATE, input_bound=2, horizon=2).status == "proved"
    # M = 3: x in (2, 3] makes the second unit fire.
    v = check_equivalence(ONE, LATE, input_bound=3, horizon=2)
    assert v.status == "refuted"
    ref = v.refutation
    assert ref is not None and ref.xs is not None and ref.time_step is not None
    assert ref.xs[ref.time_step][0] > 2
    assert input_within_bound(ref.xs, Q(3), "inf")


def test_two_norm_bound() -> None:
    # d = 2: y = relu(x_1 + x_2) vs relu(x_1 + x_2) + relu(x_1 + x_2 - 3/2).  With ||x||_2 <= 1 the sum is at most
    # sqrt(2) < 3/2 (equivalent); with ||x||_inf <= 1 it reaches 2 (refuted).
    a = RNN([[0]], [[1, 1]], [0], [[1]])
    b = RNN([[0, 0], [0, 0]], [[1, 1], [1, 1]], [0, Q(-3, 2)], [[1, 1]])
    assert check_equivalence(a, b, input_bound=1, norm="2", horizon=1).status == "proved"
    assert check_equivalence(a, b, input_bound=1, norm="inf", horizon=1).status == "refuted"


def test_identity_networks() -> None:
    # y(k) = sum of x with weights (1/2)^j against a network that forgets: they differ at k = 1.
    a = RNN([["1/2"]], [[1]], [0], [[1]], activation="identity")
    b = RNN([[0]], [[1]], [0], [[1]], activation="identity")
    v = check_equivalence(a, b, input_bound=1, horizon=2)
    assert v.status == "refuted" and v.refutation is not None and v.refutation.time_step == 1


def test_distinguishing_input_smt() -> None:
    ref = distinguishing_input_smt(ONE, TWO, input_bound=1, horizon=2)
    assert ref is not None and ref.status == "refuted" and ref.xs is not None
    assert exact_outputs(ONE, ref.xs) != exact_outputs(TWO, ref.xs)
    assert distinguishing_input_smt(ONE, PADDED, input_bound=1, horizon=2) is None


@pytest.mark.parametrize(
    ("kwargs", "error", "name"),
    [
        ({"horizon": 0}, InvalidArgumentError, "horizon"),
        ({"horizon": True}, InvalidArgumentError, "horizon"),
        ({"horizon": 2.0}, InvalidArgumentError, "horizon"),
        ({"encoding": "fast"}, InvalidArgumentError, "encoding"),
        ({"input_bound": 0}, InvalidArgumentError, "input_bound"),
        ({"input_bound": float("nan")}, InvalidArgumentError, "input_bound"),
        ({"norm": "1"}, InvalidArgumentError, "norm"),
        ({"timeout": -1}, InvalidArgumentError, "timeout"),
    ],
)
def test_bad_arguments(kwargs: dict[str, Any], error: type[Exception], name: str) -> None:
    args: dict[str, Any] = {"input_bound": 1, "horizon": 2}
    args.update(kwargs)
    with pytest.raises(error, match=name):
        check_equivalence(ONE, TWO, **args)


def test_incompatible_networks() -> None:
    with pytest.raises(ShapeError):
        check_equivalence(ONE, RNN([[0]], [[1, 1]], [0], [[1]]), input_bound=1, horizon=1)
    with pytest.raises(UnsupportedError, match=r"activation|sigmoid"):
        check_equivalence(ONE, RNN([[0]], [[1]], [0], [[1]], activation="sigmoid"), input_bound=1, horizon=1)


def test_distinguishing_input_smt_answers_inconclusive_when_z3_cannot_decide() -> None:
    """A solver budget too small to decide gives an inconclusive refutation with the reason, not an exception."""
    late = RNN([[Q(3, 5), Q(4, 5)], [Q(4, 5), Q(-3, 5)]], [[1], [0]], [0, Q(-44, 25)], [[1, 0]])
    ref = distinguishing_input_smt(RNN([[Q(3, 5)]], [[1]], [0], [[1]]), late, input_bound=1, horizon=8, timeout=0.001)
    assert ref is not None and ref.status == "inconclusive" and not ref
    assert "horizon 8" in ref.reason and "budget" in ref.reason
