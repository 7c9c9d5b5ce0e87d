"""No "proved" without a second, independent witness: unique z3 names, non-vacuity, the re-checker, cvc5."""

from __future__ import annotations

import copy
import json
from fractions import Fraction as Q
from pathlib import Path

import pytest
import sympy
import z3
from clitools import run

from urnn_sym import RNN, InvalidArgumentError
from urnn_sym.construct.theorem1 import construct_urnn
from urnn_sym.io import read_rnn
from urnn_sym.refutation import exact_outputs
from urnn_sym.smt.check import check_equivalence, prove_equivalence, recheck_verdict
from urnn_sym.smt.recheck import SoundnessError, confirm, decide_smtlib, recheck_document
from urnn_sym.smt.solver import Z3Numbers
from urnn_sym.smt.vacuity import evaluate, show_nonvacuous
from urnn_sym.verdict import Verdict

EXAMPLES = Path(__file__).resolve().parents[2] / "examples"
A1 = RNN([[Q(3, 5)]], [[1]], [0], [[1]])
U1 = RNN([[Q(3, 5), Q(4, 5)], [Q(4, 5), Q(-3, 5)]], [[1], [0]], [0, -2], [[1, 0]])

try:
    import cvc5  # noqa: F401

    HAVE_CVC5 = True
except ImportError:  # pragma: no cover - the solvers extra is installed by make test
    HAVE_CVC5 = False


@pytest.fixture(scope="module")
def nested() -> tuple[RNN, RNN]:
    """The README's example: an exact 2 x 2 RNN and its Theorem 1 URNN with nested radicals, built for M = 1."""
    rnn = read_rnn(EXAMPLES / "rnn_exact.json")
    return rnn, construct_urnn(rnn, input_bound=1).urnn


# ---------------------------------------------------------------- item 1: names


def test_nested_radicals_get_distinct_names() -> None:
    nums = Z3Numbers(z3.Context())
    nums.term(sympy.sqrt(48 * sympy.sqrt(21) + 227))
    names = [str(r) for r, _ in nums.roots]
    assert names == ["sqrt_0", "sqrt_1"]  # the inner root first, each its own variable
    assert [b for _, b in nums.roots] == [21, 48 * sympy.sqrt(21) + 227]
    # the side constraints are satisfiable together (they contradicted each other before)
    s = z3.Solver(ctx=nums.ctx)
    s.add(*nums.side)
    assert s.check() == z3.sat


def test_a_name_cannot_be_made_twice() -> None:
    nums = Z3Numbers(z3.Context())
    nums.var("x_0")
    with pytest.raises(AssertionError, match="made twice"):
        nums.var("x_0")


@pytest.mark.slow
@pytest.mark.timeout(240)
def test_regression_nested_radicals_above_the_construction_bound(nested: tuple[RNN, RNN]) -> None:
    rnn, urnn = nested
    xs = [[Q(5)], [Q(5)], [Q(5)]]
    assert exact_outputs(rnn, xs)[2] != exact_outputs(urnn, xs)[2]  # the claim at M = 5 is false
    v = prove_equivalence(rnn, urnn, input_bound=5, timeout=60)
    assert v.status != "proved"
    if v.status == "refuted":
        assert recheck_verdict(v).holds
    proved = prove_equivalence(rnn, urnn, input_bound=1)
    assert proved.status == "proved" and proved.data["recheck"]["holds"]


# ---------------------------------------------------------------- item 2: non-vacuity


def test_exact_evaluation_of_terms() -> None:
    x, y = z3.Reals("x y")
    env = {x.get_id(): Q(1, 3), y.get_id(): sympy.sqrt(2)}
    assert evaluate(x + y > Q(7, 4), env) is False  # 1/3 + 1.41421... = 1.7475... < 1.75
    assert evaluate(x + y > Q(17, 10), env) is True
    assert evaluate(z3.And(x * 3 == 1, z3.Not(y * y != 2)), env) is True
    assert evaluate(z3.If(x > 1, x, -x) == -x, env) is True


def test_contradictory_side_constraints_are_vacuous() -> None:
    ctx = z3.Context()
    r, x = z3.Real("r", ctx), z3.Real("x", ctx)
    # the bug's shape: one variable asked to be sqrt(21) and sqrt(227 + 48 r)
    check = show_nonvacuous([r * r == 21, r * r == 227 + 48 * r, r >= 0, x <= 1], free=[x], ctx=ctx)
    assert not check and "unsatisfiable" in check.detail


def test_a_wrong_root_value_fails_the_exact_recheck() -> None:
    ctx = z3.Context()
    r = z3.Real("r", ctx)
    # z3 can satisfy r >= 1 alone, but the root is declared as sqrt(1/4): exactly 1/2, not >= 1
    check = show_nonvacuous([r >= 1], free=[], roots=[(r, Q(1, 4))], ctx=ctx)
    assert not check and "does not satisfy" in check.detail


def test_z3_obligations_carry_their_evidence() -> None:
    v = prove_equivalence(A1, U1, input_bound=1, discharge="z3")
    assert v.status == "proved"
    for o in v.obligations:
        if o.method.startswith("z3"):
            assert o.data["nonvacuity"]["holds"] and o.data["smtlib"].startswith("(set-logic ALL)")
            assert decide_smtlib(o.data["smtlib"]) == "unsat"


# ---------------------------------------------------------------- item 3: re-check before print


def test_every_proved_was_rechecked() -> None:
    for v in (
        prove_equivalence(A1, U1, input_bound=Q(1, 2)),
        check_equivalence(A1, U1, input_bound=1, horizon=4),
        check_equivalence(A1, U1, input_bound=1, horizon=3, use_invariant=False),
        check_equivalence(A1, A1, input_bound=1, horizon=3, encoding="naive"),
    ):
        assert v.status == "proved" and v.data["recheck"]["holds"], v.summary()
        assert v.data["recheck"]["method"].startswith("independent re-check")


@pytest.mark.parametrize(
    "tamper, word",
    [
        (lambda d: d["b"]["b"].__setitem__(1, "0"), "does not hold"),  # the extra state turns on
        (lambda d: d["b"]["W"][0].__setitem__(0, "7/10"), "structure"),  # B no longer contains A
        (lambda d: d.__setitem__("input_bound", "40"), "does not hold"),  # a larger input set
        (lambda d: d["invariant"].__setitem__("H", "1/1000"), "does not hold"),  # h0 in the ball, not invariant
        (lambda d: d["invariant"].__setitem__("perm", [1]), "structure"),
        (lambda d: d.__setitem__("invariant", None), "no 'ball' or 'box' invariant"),
    ],
)
def test_recheck_rejects_tampered_certificates(tamper, word) -> None:
    doc = prove_equivalence(A1, U1, input_bound=Q(1, 2)).to_json()
    assert recheck_document(doc).holds
    bad = copy.deepcopy(doc)
    tamper(bad)
    check = recheck_document(bad)
    assert not check and word in check.detail


def test_recheck_checks_facts_not_numbers() -> None:
    # a false norm bound in the record: the lemma no longer applies, but the ball IS invariant
    # (3/5 * 5/4 + 1/2 = 5/4), and the re-checker's own z3 query shows it: the fact holds
    doc = prove_equivalence(A1, U1, input_bound=Q(1, 2)).to_json()
    doc["invariant"]["norm_W_upper"] = "1/2"
    check = recheck_document(doc)
    assert check.holds and "invariance of the ball (z3: unsat on its own encoding)" in check.detail


def test_recheck_rejects_a_tampered_box() -> None:
    doc = prove_equivalence(A1, U1, input_bound=Q(1, 2), invariant="box").to_json()
    assert doc["invariant"]["kind"] == "box" and recheck_document(doc).holds
    doc["invariant"]["upper"] = ["1/100"]
    assert not recheck_document(doc)


def test_a_false_proved_degrades_to_unknown_or_raises(monkeypatch: pytest.MonkeyPatch) -> None:
    good = prove_equivalence(A1, U1, input_bound=Q(1, 2))
    lie = Verdict.from_json({**good.to_json(), "input_bound": "40"})
    with pytest.raises(SoundnessError, match="failed the independent re-check"):
        confirm(lie, timeout=30)
    monkeypatch.delenv("URNN_SYM_STRICT_RECHECK")
    out = confirm(lie, timeout=30)
    assert out.status == "unknown" and "the prover said proved" in out.reason and "does not hold" in out.reason


def test_bounded_recheck_without_invariant_uses_its_own_encoding() -> None:
    b = RNN([[Q(1, 2), 0], [0, Q(1, 3)]], [[1], [1]], [0, 0], [[1, 0]])
    a = RNN([[Q(1, 2)]], [[1]], [0], [[1]])
    v = check_equivalence(a, b, input_bound=1, horizon=4)
    assert v.status == "proved"
    doc = v.to_json()
    doc["b"]["C"] = [["1", "1/5"]]  # now the second state is seen: outputs differ
    check = recheck_document(doc)
    assert not check and "satisfiable" in check.detail


# ---------------------------------------------------------------- item 4: cvc5


@pytest.mark.skipif(not HAVE_CVC5, reason="the solvers extra (cvc5) is not installed")
def test_cvc5_decides_smtlib() -> None:
    q = "(declare-const x Real)(assert (> (* x x) 2.0))(assert (< x 1.0))(assert (> x (- 1.0)))"
    assert decide_smtlib(q, solver="cvc5") == "unsat"
    assert decide_smtlib("(declare-const x Real)(assert (> x 1.0))", solver="cvc5") == "sat"
    assert decide_smtlib("(assert (> y", solver="cvc5").startswith("unknown")


@pytest.mark.skipif(not HAVE_CVC5, reason="the solvers extra (cvc5) is not installed")
def test_cvc5_recheck_confirms_and_reports_disagreement() -> None:
    v = prove_equivalence(A1, U1, input_bound=1, discharge="z3")
    doc = v.to_json()
    check = recheck_document(doc, solver="cvc5")
    assert check.holds and "recorded query unsat by cvc5" in check.detail
    # a recorded obligation whose text is satisfiable: the solvers disagree, and it is said
    bad = copy.deepcopy(doc)
    target = next(o for o in bad["obligations"] if "smtlib" in o["data"])
    target["data"]["smtlib"] = "(set-logic ALL)(declare-const x Real)(assert (> x 1.0))(check-sat)"
    check = recheck_document(bad, solver="cvc5")
    assert not check and "solvers disagree" in check.detail


def test_unknown_solver_is_bad_input() -> None:
    with pytest.raises(InvalidArgumentError, match="solver"):
        decide_smtlib("(check-sat)", solver="yices")


# ---------------------------------------------------------------- the CLI, end to end


@pytest.mark.slow
@pytest.mark.timeout(300)
def test_cli_issue_example(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    def cli(*argv: object):
        code, out, err = run(capsys, *argv)
        return type("R", (), {"returncode": code, "stdout": out, "stderr": err})

    u = tmp_path / "urnn.json"
    assert cli("construct", str(EXAMPLES / "rnn_exact.json"), "--input-bound", "1", "-o", str(u)).returncode == 0
    five = cli("check", str(EXAMPLES / "rnn_exact.json"), str(u), "--input-bound", "5", "--all-horizons")
    assert five.returncode in (1, 3) and "proved" not in five.stdout.splitlines()[0]
    v = tmp_path / "v.json"
    one = cli("check", str(EXAMPLES / "rnn_exact.json"), str(u), "--input-bound", "1", "--all-horizons", "-o", str(v))
    assert one.returncode == 0 and one.stdout.startswith("proved for every horizon")
    assert "independent re-check: exact arithmetic" in one.stdout and ": passed" in one.stdout
    args = ["recheck", str(v), "--solver", "cvc5"] if HAVE_CVC5 else ["recheck", str(v)]
    again = cli(*args)
    assert again.returncode == 0 and again.stdout.startswith("confirmed")
    doc = json.loads(v.read_text())
    doc["input_bound"] = "5"
    (tmp_path / "v5.json").write_text(json.dumps(doc))
    lie = cli("recheck", str(tmp_path / "v5.json"))
    assert lie.returncode == 1 and lie.stdout.startswith("NOT confirmed")


def test_delayed_recheck_is_independent_and_can_fail() -> None:
    from urnn_sym.smt.recheck import recheck_delayed
    from urnn_sym.stacked import StackedRNN, to_delayed_single_layer

    net = StackedRNN([([["1/2"]], [[1]], [0]), ([["1/2"]], [[1]], [0])], [[1]])
    single = to_delayed_single_layer(net).rnn
    layers, C = net._layers, net._layers[-1].to_exact().C
    ok = recheck_delayed(layers, C, single, delay=1, input_bound=Q(1), norm="inf", horizon=4)
    assert ok.holds and ok.method.startswith("independent re-check")
    # the wrong delay: the outputs are one step off
    wrong = recheck_delayed(layers, C, single, delay=0, input_bound=Q(1), norm="inf", horizon=4)
    assert not wrong and wrong.detail.startswith("does not hold")


@pytest.mark.timeout(120)
def test_refutation_with_algebraic_outputs_round_trips() -> None:
    # found by the soundness campaign: outputs with square roots were refused when read back
    a = RNN([[Q(1, 2)]], [[1]], [0], [[1]])
    b = construct_urnn(a, 1).urnn  # W_u has sqrt(3)/2
    v = check_equivalence(a, b, input_bound=10, horizon=4)
    assert v.status == "refuted"
    back = Verdict.from_json(json.loads(json.dumps(v.to_json())))
    assert recheck_verdict(back).holds
    doc = v.to_json()
    doc["y_b"][v.time_step][0] = doc["y_a"][v.time_step][0]  # a forged record: the outputs "agree"
    assert not recheck_verdict(Verdict.from_json(doc))


@pytest.mark.parametrize(
    "key, value", [("H", "abc"), ("H", None), ("norm_W_upper", [1]), ("perm", "0"), ("perm", ["x"]), ("H", "1/0")]
)
def test_a_malformed_certificate_does_not_hold(key, value) -> None:
    doc = prove_equivalence(A1, U1, input_bound=Q(1, 2)).to_json()
    doc["invariant"][key] = value
    check = recheck_document(doc)
    assert not check and check.detail.startswith("does not hold")


@pytest.mark.skipif(not HAVE_CVC5, reason="the solvers extra (cvc5) is not installed")
@pytest.mark.timeout(120)
def test_cvc5_reads_the_rechecker_encoding_of_one_state() -> None:
    # n = 1: sums of one square; cvc5 rejects a one-argument (+ t), so the encoder must not write one
    doc = prove_equivalence(A1, U1, input_bound=Q(1, 2)).to_json()
    doc["input_bound"] = "40"
    check = recheck_document(doc, solver="cvc5", timeout=60)
    assert (
        not check and check.detail.startswith("does not hold") and "cvc5 finds the negation satisfiable" in check.detail
    )


def test_a_forged_verdict_for_sigmoid_networks_is_not_confirmed() -> None:
    """The re-checker encodes relu and identity only; it must not read sigmoid as identity.

    As identity networks, a: y = x - x and b: y = 0 agree; as sigmoid networks they do not
    (y_a = sigma(x) + sigma(-x) = 1).  A proved verdict of the identity pair with the activations
    rewritten to sigmoid is a forgery, and recheck must not confirm it.
    """
    a = RNN([[0, 0], [0, 0]], [[1], [-1]], [0, 0], [[1, 1]], activation="identity")
    b = RNN([[0]], [[1]], [0], [[0]], activation="identity")
    v = check_equivalence(a, b, input_bound=1, horizon=2)
    assert v.status == "proved"
    doc = json.loads(json.dumps(v.to_json()))
    assert recheck_document(doc, timeout=20)
    for key in ("a", "b"):
        doc[key]["activation"] = "sigmoid"
    check = recheck_document(doc, timeout=20)
    assert not check and "network a is piecewise linear" in check.detail


def test_recheck_delayed_declines_a_sigmoid_network() -> None:
    from urnn_sym.smt.recheck import recheck_delayed

    layer = RNN([[0]], [[1]], [0], [[1]], activation="sigmoid")
    check = recheck_delayed([layer], [[1]], layer, delay=0, input_bound=Q(1), norm="inf", horizon=1)
    assert not check and "relu and identity only" in check.detail
