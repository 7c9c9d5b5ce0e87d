"""Tests of urnn_sym.proofkit: the statuses of a proof check, "checked on N instances", non-vacuity of z3 queries.

Also runs the z3 checks of proofs/theorem2.py (each in its own context, trusted
only with non-vacuous assumptions) and shows that their queries can fail.
"""

from __future__ import annotations

import io
import json
import re
from fractions import Fraction
from typing import Any

import pytest
import z3

from urnn_sym.construct.theorem1 import construct_urnn
from urnn_sym.errors import InvalidArgumentError
from urnn_sym.evidence import Check
from urnn_sym.proofkit import (
    STATUSES,
    CheckFailed,
    Evidence,
    Outcome,
    Script,
    checked,
    exit_code,
    find_proofs_dir,
    load_script,
    nonvacuity,
    proved,
    refuted,
    run_scripts,
    summary,
    unknown,
    vacuous,
)
from urnn_sym.smt.check import prove_equivalence
from urnn_sym.witnesses import lower_bound_witness

pytestmark = pytest.mark.timeout(120)

SUMMARY = re.compile(
    r"(\d+) checks: (\d+) proved, (\d+) checked on finitely many instances, (\d+) refuted, (\d+) failed, "
    r"(\d+) unknown \(\d+\.\d s\)"
)


def outcome(status: str, instances: int | None = None) -> Outcome:
    return Outcome("s", f"c-{status}", "a claim", status, "how", "why", 0.01, instances=instances)


# ------------------------------------------------------------------------------
# checked: a status of its own
# ------------------------------------------------------------------------------


def test_checked_counts_the_instances() -> None:
    ev = checked(7, "exact simulation", "details", seed=3)
    assert (ev.status, ev.method, ev.detail, ev.data, ev.instances) == (
        "checked",
        "exact simulation",
        "details",
        {"seed": 3},
        7,
    )
    assert proved("sympy").instances is None and unknown("timeout").instances is None


@pytest.mark.parametrize("n", [0, -1, True, 1.0, "3", None])
def test_checked_needs_a_positive_integer_count(n: Any) -> None:
    with pytest.raises(InvalidArgumentError, match=r"n: expected the number of instances checked, an integer >= 1"):
        checked(n, "exact simulation")


def test_outcome_lines() -> None:
    assert outcome("checked", 1).line().endswith("a claim: checked on 1 instance: how")
    assert (
        outcome("checked", 12)
        .line()
        .startswith("[checked] s/c-checked  (0.01 s)  a claim: checked on 12 instances: how")
    )
    assert outcome("proved").line().endswith("a claim: how")
    assert outcome("unknown").line().endswith("a claim: why")
    assert outcome("checked", 4).to_json()["instances"] == 4 and outcome("proved").to_json()["instances"] is None


@pytest.mark.parametrize(
    ("statuses", "code"),
    [
        ((), 0),
        (("proved",), 0),
        (("checked",), 0),
        (("proved", "checked"), 0),
        (("checked", "unknown"), 3),
        (("checked", "refuted"), 1),
        (("proved", "failed", "unknown"), 1),
    ],
)
def test_checked_is_a_success(statuses: tuple[str, ...], code: int) -> None:
    assert exit_code([outcome(s, 1 if s == "checked" else None) for s in statuses]) == code


def test_summary_counts_checked_apart() -> None:
    outcomes = [outcome("proved"), outcome("checked", 3), outcome("checked", 9), outcome("unknown")]
    found = SUMMARY.fullmatch(summary(outcomes, 1.25))
    assert found is not None and found.groups() == ("4", "1", "2", "0", "0", "1")
    assert STATUSES == ("proved", "checked", "refuted", "failed", "unknown")


def _script() -> Script:
    script = Script("demo", "every status")

    @script.check("a symbolic identity")
    def general() -> Evidence:
        return proved("sympy")

    @script.check("on instances")
    def sampled() -> Evidence:
        count = 0
        for _ in range(5):
            count += 1
        return checked(count, "exact simulation")

    @script.check("an identity that fails")
    def wrong() -> Evidence:
        raise CheckFailed("1 != 2")

    @script.check("a counterexample")
    def counter() -> Evidence:
        return refuted("exact", "x = 1")

    @script.check("a crash")
    def crash() -> Evidence:
        return 1 / 0  # type: ignore[return-value]

    return script


def test_a_checked_result_without_a_count_fails() -> None:
    script = Script("bad", "malformed evidence")

    @script.check("checked, but on how many?")
    def uncounted() -> Evidence:
        return Evidence("checked", "exact simulation")

    @script.check("an invented status")
    def invented() -> Evidence:
        return Evidence("verified", "trust me")

    first, second = script.run()
    assert first.status == "failed" and "must count its instances but found None" in first.detail
    assert second.status == "failed" and "the status 'verified'" in second.detail


def test_run_scripts_text_and_json() -> None:
    stream = io.StringIO()
    outcomes = run_scripts([_script()], stream=stream)
    lines = stream.getvalue().splitlines()
    assert [o.status for o in outcomes] == ["proved", "checked", "refuted", "refuted", "failed"]
    assert lines[2] == "[checked] demo/sampled  (" + lines[2].split("(", 1)[1]
    assert lines[2].endswith("on instances: checked on 5 instances: exact simulation")
    assert SUMMARY.fullmatch(lines[-1]).groups()[:6] == ("5", "1", "1", "2", "1", "0")  # type: ignore[union-attr]
    stream = io.StringIO()
    run_scripts([_script()], stream=stream, as_json=True)
    doc = json.loads(stream.getvalue())
    assert doc["format"] == "urnn-sym.proof-report/1" and doc["exit_code"] == 1
    assert [o["instances"] for o in doc["outcomes"]] == [None, 5, None, None, None]
    assert "1 checked on finitely many instances" in doc["summary"]


# ------------------------------------------------------------------------------
# non-vacuity of z3 queries
# ------------------------------------------------------------------------------


def test_nonvacuity_needs_a_model_that_holds_exactly() -> None:
    ctx = z3.Context()
    x, y = z3.Real("x", ctx), z3.Real("y", ctx)
    fine = nonvacuity([x * x == 4, y > x, y < 3], free=[x, y], ctx=ctx)
    assert fine and "hold exactly" in fine.detail
    empty = nonvacuity([x >= 1, x <= 0], free=[x], ctx=ctx)
    assert not empty
    ev = vacuous(empty)
    assert ev.status == "unknown" and ev.detail.startswith("vacuous assumptions: ") and ev.data["nonvacuity"]
    undecided = vacuous(Check(False, "z3", "z3 could not decide the assumptions alone (timeout)"))
    assert undecided.detail.startswith("non-vacuity not shown: ")


def test_a_vacuous_query_is_unknown_not_proved() -> None:
    """The pattern of the proofs: an unsat under contradictory assumptions must not become "proved"."""
    script = Script("vac", "a query whose assumptions contradict each other")

    @script.check("x >= 0 for every x in an empty set")
    def empty_set() -> Evidence:
        ctx = z3.Context()
        x = z3.Real("x", ctx)
        assumptions = [x * x == -1]  # e.g. a square root of a negative number under a shared name
        solver = z3.Solver(ctx=ctx)
        solver.add(*assumptions, z3.Not(x >= 0))
        assert solver.check() == z3.unsat
        nv = nonvacuity(assumptions, free=[x], ctx=ctx)
        return proved("z3: unsat") if nv else vacuous(nv)

    (out,) = script.run()
    assert out.status == "unknown" and out.detail.startswith("vacuous assumptions: the assumptions alone are unsat")


# ------------------------------------------------------------------------------
# the z3 checks of proofs/theorem2.py
# ------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def theorem2() -> Any:
    script = load_script(find_proofs_dir(), "theorem2")
    return script, {name: func for name, _, func in script.checks}


def test_theorem2_z3_checks_show_non_vacuity(theorem2) -> None:
    _, checks = theorem2
    formal = checks["one-state-formal"]()
    assert formal.status == "proved" and "Non-vacuity shown" in formal.method and "own z3 context" in formal.method
    tight = checks["tightness"]()
    assert tight.status == "checked" and tight.instances == 4
    assert "independent re-check" in tight.method and tight.method.endswith(": passed")


def test_theorem2_tightness_route_can_fail() -> None:
    """A 2-state URNN that does not match the witness is not proved by the route the tightness check uses."""
    witness = lower_bound_witness(1)
    urnn = construct_urnn(witness, Fraction(1), norm="inf").urnn
    assert prove_equivalence(witness, urnn, input_bound=1).status == "proved"
    wrong = urnn.replace(C=[[Fraction(1, 2), 0]])
    assert prove_equivalence(witness, wrong, input_bound=1).status != "proved"
