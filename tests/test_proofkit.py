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
    SUMMARY_COLUMNS,
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
from urnn_sym.status import CHECK_STATUSES, STATUSES, Result
from urnn_sym.witnesses import lower_bound_witness

pytestmark = pytest.mark.timeout(120)

SUMMARY = re.compile(
    r"(\d+) checks: (\d+) proved, (\d+) checked on finitely many instances, (\d+) refuted, (\d+) failed, "
    r"(\d+) unknown \(\d+\.\d s\)"
)


def outcome(status: str, instances: int | None = None) -> Outcome:
    """An outcome with this status; ``"failed"`` builds a crashed one (status "unknown", label "failed")."""
    if status == "failed":
        return Outcome("s", "c-failed", "a claim", "unknown", "exception", "why", 0.01, crashed=True)
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
    assert SUMMARY_COLUMNS == ("proved", "checked", "refuted", "failed", "unknown")
    # a crash is counted as "failed", never as "unknown"
    found = SUMMARY.fullmatch(summary([outcome("failed"), outcome("unknown")], 0.5))
    assert found is not None and found.groups() == ("2", "0", "0", "0", "1", "1")


# ------------------------------------------------------------------------------
# one set of status words: Evidence and Outcome
# ------------------------------------------------------------------------------


@pytest.mark.parametrize("word", ["failed", "certified", "inconclusive", "Proved", "", None, 1])
def test_evidence_refuses_other_status_words(word: Any) -> None:
    with pytest.raises(InvalidArgumentError, match=r"^status: expected one of proved, refuted, checked, unknown"):
        Evidence(word, "how")


@pytest.mark.parametrize("word", ["failed", "certified", "inconclusive", "PROVED"])
def test_outcome_refuses_other_status_words(word: str) -> None:
    with pytest.raises(InvalidArgumentError, match=rf"^status: expected one of .* but found {word!r}"):
        Outcome("s", "c", "t", word, "how", "", 0.0)  # type: ignore[arg-type]


def test_a_crashed_outcome_is_unknown_and_exits_1() -> None:
    crash = outcome("failed")
    assert (crash.status, crash.label, crash.crashed) == ("unknown", "failed", True)
    assert crash.line().startswith("[ failed] s/c-failed") and crash.to_json()["crashed"] is True
    assert exit_code([crash]) == 1 and exit_code([outcome("unknown")]) == 3
    with pytest.raises(InvalidArgumentError, match="a crashed check is 'unknown' but found 'proved'"):
        Outcome("s", "c", "t", "proved", "how", "", 0.0, crashed=True)


@pytest.mark.parametrize("n", [None, 0, True])
def test_checked_evidence_must_count(n: Any) -> None:
    with pytest.raises(InvalidArgumentError, match=rf"^instances: .* an integer >= 1, but found {n!r}"):
        Evidence("checked", "exact simulation", instances=n)


def test_evidence_and_outcomes_are_results() -> None:
    evidence = [proved("sympy"), checked(2, "exact"), refuted("exact", "x = 1"), unknown("timeout")]
    results: list[Any] = [*evidence, *_script().run()]
    for result in results:
        assert isinstance(result, Result), result
        assert result.status in STATUSES and result.status in CHECK_STATUSES
        assert result.to_json()["status"] == result.status and result.to_json()["method"] == result.method


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
    assert first.crashed and first.label == "failed" and first.status == "unknown"
    assert "InvalidArgumentError: instances: a 'checked' result counts them" in first.detail
    assert "but found None" in first.detail
    assert second.crashed and "status: expected one of proved, refuted, checked, unknown but found 'verified'" in (
        second.detail
    )
    assert exit_code([first, second]) == 1


def test_run_scripts_text_and_json() -> None:
    stream = io.StringIO()
    outcomes = run_scripts([_script()], stream=stream)
    lines = stream.getvalue().splitlines()
    assert [o.status for o in outcomes] == ["proved", "checked", "refuted", "refuted", "unknown"]
    assert [o.label for o in outcomes] == ["proved", "checked", "refuted", "refuted", "failed"]
    assert lines[2] == "[checked] demo/sampled  (" + lines[2].split("(", 1)[1]
    assert lines[2].endswith("on instances: checked on 5 instances: exact simulation")
    assert SUMMARY.fullmatch(lines[-1]).groups()[:6] == ("5", "1", "1", "2", "1", "0")  # type: ignore[union-attr]
    stream = io.StringIO()
    run_scripts([_script()], stream=stream, as_json=True)
    doc = json.loads(stream.getvalue())
    assert doc["format"] == "urnn-sym.proof-report/1" and doc["exit_code"] == 1
    assert [o["instances"] for o in doc["outcomes"]] == [None, 5, None, None, None]
    assert [o["status"] for o in doc["outcomes"]] == ["proved", "checked", "refuted", "refuted", "unknown"]
    assert [o["crashed"] for o in doc["outcomes"]] == [False, False, False, False, True]
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
