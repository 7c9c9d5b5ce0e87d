"""Tests of urnn_sym.refute.smooth: the Theorem 3 witness, ball simulation, certified distinguishing inputs.

Every certified claim is re-checked independently with mpmath at 100 digits
(no python-flint involved): the outputs lie inside the recorded enclosures and
their difference is at least the certified gap.
"""

from __future__ import annotations

import json
from fractions import Fraction

import flint
import mpmath
import numpy as np
import pytest
import sympy

from urnn_sym import RNN, distinguishing_input, lower_bound_witness
from urnn_sym.cli import main
from urnn_sym.construct.hypotheses import is_contractive, is_orthogonal
from urnn_sym.errors import EntryTypeError, FileFormatError, InvalidArgumentError, ShapeError, UnsupportedError
from urnn_sym.io import write_rnn
from urnn_sym.model import simulate
from urnn_sym.numbers.activations import ball_activation
from urnn_sym.numbers.arith import working_precision
from urnn_sym.refutation import Refutation, input_within_bound, recheck
from urnn_sym.refutation import parse_enclosure as exact_enclosure
from urnn_sym.refutation.simulate import simulate_ball
from urnn_sym.refute.smooth import (
    delay_line_candidate,
    distinguishing_input_smooth,
    fitted_candidate,
    random_candidate,
    recheck_smooth,
    sigmoid_witness,
)

pytestmark = pytest.mark.timeout(120)

ACTS = ("sigmoid", "tanh")


# ------------------------------------------------------------------------------
# independent reference: mpmath at 100 digits
# ------------------------------------------------------------------------------


def mp_outputs(rnn: RNN, xs) -> list[list[mpmath.mpf]]:
    """Outputs at 100 digits from the exact rational parameters (mpmath only)."""
    exact = rnn.to_exact()

    def mat(M) -> mpmath.matrix:
        rows = M.tolist()
        return mpmath.matrix([[mpmath.mpf(int(v.p)) / int(v.q) for v in row] for row in rows])

    W, F, b, C, h = (mat(getattr(exact, k)) for k in ("W", "F", "b", "C", "h0"))
    phi = {"sigmoid": lambda z: 1 / (1 + mpmath.exp(-z)), "tanh": mpmath.tanh}[rnn.activation]
    out = []
    for row in xs:
        x = mpmath.matrix([[mpmath.mpf(Fraction(v).numerator) / Fraction(v).denominator] for v in row])
        z = W * h + F * x + b
        h = mpmath.matrix([[phi(z[i, 0])] for i in range(z.rows)])
        y = C * h
        out.append([y[i, 0] for i in range(y.rows)])
    return out


def parse_enclosure(text: str) -> tuple[mpmath.mpf, mpmath.mpf]:
    mid, rad = text.strip("[]").split("+/-")
    return mpmath.mpf(mid.strip()), mpmath.mpf(rad.strip())


def check_independently(ref: Refutation) -> None:
    """The recorded enclosures contain the 100-digit outputs, which differ by at least gap_lower."""
    assert ref.status == "refuted" and ref.rnn is not None and ref.candidate is not None
    assert input_within_bound(ref.xs, ref.input_bound, ref.norm)
    with mpmath.workdps(100):
        ya, yb = mp_outputs(ref.rnn, ref.xs), mp_outputs(ref.candidate, ref.xs)
        for label, ys in (("rnn", ya), ("candidate", yb)):
            for row, texts in zip(ys, ref.data["enclosures"][label], strict=True):
                for value, text in zip(row, texts, strict=True):
                    mid, rad = parse_enclosure(text)
                    assert abs(value - mid) <= rad, (label, value, text)
        k, i = ref.time_step, ref.data["component"]
        assert abs(ya[k][i] - yb[k][i]) >= ref.data["gap_lower"] > 0


# ------------------------------------------------------------------------------
# witness
# ------------------------------------------------------------------------------


@pytest.mark.parametrize("act", ACTS)
def test_witness_is_memoryless_and_contractive(act: str) -> None:
    w = sigmoid_witness(activation=act)
    assert (w.n, w.d, w.p, w.activation, w.system) == (1, 1, 1, act, "exact")
    assert is_contractive(w.W)
    xs = sympy.symbols("x0:3", real=True)
    ys = simulate(w.to_symbolic(), [[x] for x in xs])
    phi = {"sigmoid": lambda z: 1 / (1 + sympy.exp(-z)), "tanh": sympy.tanh}[act]
    assert all(sympy.simplify(ys[k, 0] - phi(xs[k])) == 0 for k in range(3))


def test_witness_sizes() -> None:
    w = sigmoid_witness(3, d=2, p=4)
    assert (w.n, w.d, w.p) == (3, 2, 4)
    assert w.matrices()["F"] == sympy.Matrix([[1, 0], [0, 1], [0, 0]])


@pytest.mark.parametrize(
    ("kwargs", "error", "match"),
    [
        ({"n": 0}, InvalidArgumentError, "n: expected a dimension in 1..256 but found 0"),
        ({"n": 257}, InvalidArgumentError, "n: expected a dimension in 1..256 but found 257"),
        ({"n": 10**9}, InvalidArgumentError, "n: expected a dimension in 1..256 but found 1000000000"),
        ({"n": 1.5}, EntryTypeError, "n: expected an integer dimension but found float"),
        ({"n": True}, EntryTypeError, "n: expected an integer dimension"),
        ({"d": 0}, InvalidArgumentError, "d: expected a dimension in 1..256"),
        ({"p": -1}, InvalidArgumentError, "p: expected a dimension in 1..256"),
        ({"activation": "relu"}, InvalidArgumentError, "activation: expected 'sigmoid' or 'tanh' but found 'relu'"),
    ],
)
def test_witness_bad_inputs(kwargs, error, match) -> None:
    with pytest.raises(error, match=match):
        sigmoid_witness(**kwargs)


# ------------------------------------------------------------------------------
# ball simulation
# ------------------------------------------------------------------------------


def test_working_precision_restores() -> None:
    before = flint.ctx.prec
    with pytest.raises(RuntimeError), working_precision(300):
        assert flint.ctx.prec == 300
        raise RuntimeError
    assert flint.ctx.prec == before
    with (
        pytest.raises(InvalidArgumentError, match="precision: expected an integer number of bits >= 16"),
        working_precision(8),
    ):
        pass


@pytest.mark.parametrize("act", ("sigmoid", "tanh", "relu", "identity"))
def test_ball_activation_encloses_the_range(act: str) -> None:
    z = flint.arb(Fraction(-1, 3).numerator) / 3 + flint.arb(0, 2)
    ball = ball_activation(act, z)
    phi = {"sigmoid": lambda t: 1 / (1 + np.exp(-t)), "tanh": np.tanh, "relu": lambda t: max(t, 0.0)}
    f = phi.get(act, lambda t: t)
    for t in np.linspace(float(z.lower()), float(z.upper()), 41):
        assert ball.contains(flint.arb(float(f(t)))) or ball.overlaps(flint.arb(float(f(t)), 1e-15))


@pytest.mark.parametrize("act", ACTS)
def test_simulate_ball_contains_100_digit_values(act: str) -> None:
    c = random_candidate(4, d=2, p=3, activation=act, seed=3)
    xs = [[Fraction(1, 3), Fraction(-2, 7)], [Fraction(5, 9), 1], [0, Fraction(-1, 2)]]
    ys, hs = simulate_ball(c, xs, precision=96, return_states=True)
    assert len(ys) == len(hs) == 3 and len(ys[0]) == 3 and len(hs[0]) == 4
    with mpmath.workdps(100):
        ref = mp_outputs(c, xs)
        for row, balls in zip(ref, ys, strict=True):
            for value, ball in zip(row, balls, strict=True):
                mid, rad = mpmath.mpf(ball.mid().str(40, radius=False)), mpmath.mpf(float(ball.rad()))
                assert abs(value - mid) <= rad + mpmath.mpf(10) ** -38
                assert float(ball.rad()) < 1e-20


def test_simulate_ball_agrees_with_float() -> None:
    c = random_candidate(3, seed=5)
    xs = np.array([[0.25], [-0.5], [1.0]])
    ys = simulate_ball(c, xs.tolist())
    assert np.allclose([float(y[0].mid()) for y in ys], simulate(c, xs)[:, 0], rtol=0, atol=1e-14)


@pytest.mark.parametrize(
    ("rnn", "xs", "error", "match"),
    [
        (sigmoid_witness(), [], ShapeError, "xs: the input sequence is empty"),
        (sigmoid_witness(), [[1, 2]], ShapeError, r"xs\[0\]: expected 1 entries .* but found 2"),
        (sigmoid_witness(), [["a"]], Exception, "xs"),
        ("not an rnn", [[1]], EntryTypeError, "rnn: expected an RNN but found str"),
        (RNN([[sympy.Symbol("w")]], [[1]], [0], [[1]], activation="tanh"), [[1]], UnsupportedError, "free symbols"),
        (RNN([[sympy.sqrt(2) / 2]], [[1]], [0], [[1]], activation="tanh"), [[1]], UnsupportedError, "irrational"),
    ],
)
def test_simulate_ball_bad_inputs(rnn, xs, error, match) -> None:
    with pytest.raises(error, match=match):
        simulate_ball(rnn, xs)


# ------------------------------------------------------------------------------
# candidates
# ------------------------------------------------------------------------------


@pytest.mark.parametrize("act", ACTS)
def test_delay_line_agrees_on_every_input_of_length_m(act: str) -> None:
    m = 3
    c = delay_line_candidate(m, act)
    assert is_orthogonal(c.W)
    xs = sympy.symbols(f"x0:{m + 1}", real=True)
    yc = simulate(c.to_symbolic(), [[x] for x in xs])
    yw = simulate(sigmoid_witness(activation=act).to_symbolic(), [[x] for x in xs])
    assert all(sympy.simplify(yc[k, 0] - yw[k, 0]) == 0 for k in range(m))
    assert xs[0] in (yc[m, 0] - yw[m, 0]).free_symbols


def test_candidates_are_orthogonal() -> None:
    for m in (1, 3):
        assert is_orthogonal(random_candidate(m, seed=m).W, tol=1e-12)
        assert is_orthogonal(fitted_candidate(m, seed=m).W, tol=1e-12)
        assert is_orthogonal(fitted_candidate(m, seed=m, start="delay-line", activation="tanh").W, tol=1e-12)


@pytest.mark.parametrize(
    ("call", "match"),
    [
        (lambda: delay_line_candidate(0), "m: expected a dimension in 1..256"),
        (lambda: random_candidate(2, activation="relu"), "activation: expected 'sigmoid' or 'tanh'"),
        (lambda: fitted_candidate(2, start="zero"), "start: expected 'random' or 'delay-line'"),
    ],
)
def test_candidate_bad_inputs(call, match) -> None:
    with pytest.raises(InvalidArgumentError, match=match):
        call()


# ------------------------------------------------------------------------------
# certified distinguishing inputs
# ------------------------------------------------------------------------------


@pytest.mark.parametrize("act", ACTS)
@pytest.mark.parametrize("m", range(1, 9))
def test_refutes_random_and_delay_line_candidates(act: str, m: int) -> None:
    w = sigmoid_witness(activation=act)
    for candidate in (random_candidate(m, activation=act, seed=m), delay_line_candidate(m, act)):
        ref = distinguishing_input_smooth(w, candidate, input_bound=1)
        assert ref.status == "refuted" and ref.length <= m + 1
        check_independently(ref)
    assert ref.length == m + 1  # the delay line agrees on every shorter input


@pytest.mark.parametrize("act", ACTS)
@pytest.mark.parametrize("m", [1, 2, 4])
def test_refutes_fitted_candidates(act: str, m: int) -> None:
    w = sigmoid_witness(activation=act)
    for start in ("random", "delay-line"):
        ref = distinguishing_input_smooth(w, fitted_candidate(m, activation=act, seed=m, start=start), input_bound=1)
        assert ref.status == "refuted" and ref.length <= m + 1
        check_independently(ref)


@pytest.mark.slow
@pytest.mark.parametrize("act", ACTS)
@pytest.mark.parametrize("m", [3, 5, 6, 7, 8])
def test_refutes_fitted_candidates_large(act: str, m: int) -> None:
    ref = distinguishing_input_smooth(
        sigmoid_witness(activation=act), fitted_candidate(m, activation=act, seed=m), input_bound=1
    )
    assert ref.status == "refuted" and ref.length <= m + 1
    check_independently(ref)


def test_refutation_with_two_norm_and_vector_inputs() -> None:
    w = sigmoid_witness(2)
    ref = distinguishing_input_smooth(w, random_candidate(3, d=2, p=2, seed=2), input_bound="1/2", norm="2")
    assert ref.status == "refuted" and input_within_bound(ref.xs, Fraction(1, 2), "2")
    check_independently(ref)


def test_recheck_at_higher_precision_and_json_round_trip() -> None:
    ref = distinguishing_input_smooth(sigmoid_witness(), delay_line_candidate(5), input_bound=1)
    doc = json.loads(json.dumps(ref.to_json()))
    assert doc["data"]["precision"] == 128 and len(doc["data"]["enclosures"]["rnn"]) == 6
    check = recheck_smooth(doc, precision=512)
    assert check and check.data["precision"] == 512 and check.data["gap_lower"] >= ref.data["gap_lower"] * 0.999
    assert recheck(Refutation.from_json(doc))  # refutation.recheck takes the same ball route
    tampered = dict(doc, x=[["0"]] * len(doc["x"]))
    assert not recheck_smooth(tampered)
    assert not recheck_smooth(doc, candidate=sigmoid_witness())
    out_of_range = recheck_smooth(dict(doc, time_step=len(doc["x"])))
    assert not out_of_range and out_of_range.method == "time-step check"


def test_precision_is_only_for_smooth_refutations() -> None:
    w = lower_bound_witness(1)
    ref = distinguishing_input(w, w.replace(W=[[Fraction(1, 2)]]), input_bound=1)
    assert ref.status == "refuted" and recheck(ref)
    with pytest.raises(InvalidArgumentError, match="precision: applies to sigmoid/tanh refutations only"):
        recheck(ref, precision=256)


def test_identical_networks_are_inconclusive() -> None:
    w = sigmoid_witness()
    ref = distinguishing_input_smooth(w, w, input_bound=1, horizon=2, points=8, max_precision=256)
    assert ref.status == "inconclusive" and len(ref.tried) == 2
    assert "no certified difference on inputs of length <= 2" in ref.reason
    assert not recheck_smooth(ref, rnn=w, candidate=w)


def test_dispatch_from_distinguishing_input() -> None:
    ref = distinguishing_input(sigmoid_witness(activation="tanh"), delay_line_candidate(2, "tanh"), input_bound=1)
    assert ref.status == "refuted" and ref.length == 3 and ref.method.startswith("ball arithmetic")


@pytest.mark.parametrize(
    ("kwargs", "error", "match"),
    [
        ({"candidate": random_candidate(2, d=2)}, ShapeError, "candidate: expected input dimension d = 1 and output"),
        ({"candidate": "c"}, EntryTypeError, "candidate: expected an RNN but found str"),
        ({"input_bound": 0}, InvalidArgumentError, "input_bound: expected a positive number but found 0"),
        ({"input_bound": "abc"}, InvalidArgumentError, "input_bound: .*'abc'"),
        ({"norm": "1"}, InvalidArgumentError, "norm: expected '2' or 'inf'"),
        ({"horizon": 0}, InvalidArgumentError, "horizon: expected an integer >= 1 but found 0"),
        ({"precision": 8}, InvalidArgumentError, "precision: expected an integer >= 16 but found 8"),
        ({"max_precision": 64}, InvalidArgumentError, "max_precision: expected an integer >= 128"),
    ],
)
def test_distinguishing_bad_inputs(kwargs, error, match) -> None:
    args = {"candidate": delay_line_candidate(1), "input_bound": 1} | kwargs
    candidate = args.pop("candidate")
    with pytest.raises(error, match=match):
        distinguishing_input_smooth(sigmoid_witness(), candidate, **args)


def test_cli_refute_and_recheck_smooth(tmp_path, capsys) -> None:
    write_rnn(sigmoid_witness(), tmp_path / "w.json")
    write_rnn(delay_line_candidate(3), tmp_path / "c.json")
    target = tmp_path / "ref.json"
    code = main(["refute", str(tmp_path / "w.json"), str(tmp_path / "c.json"), "--input-bound", "1", "-o", str(target)])
    out = capsys.readouterr().out
    assert code == 0 and out.startswith("refuted: outputs differ at k = 3 on an input of length 4")
    doc = json.loads(target.read_text())
    assert doc["data"]["precision"] == 128 and recheck_smooth(doc, precision=1024)
    assert main(["recheck", str(target)]) == 0


# ------------------------------------------------------------------------------
# tampering: every recorded output is re-derived by the re-check
# ------------------------------------------------------------------------------

RECORDS = [("y_rnn",), ("y_candidate",), ("data", "enclosures", "rnn"), ("data", "enclosures", "candidate")]


@pytest.fixture(scope="module")
def smooth_doc() -> dict:
    """A sigmoid refutation document of the 2-state delay line (length 3, recorded at 128 bits)."""
    ref = distinguishing_input_smooth(sigmoid_witness(), delay_line_candidate(2), input_bound=1)
    doc = json.loads(json.dumps(ref.to_json()))
    assert doc["time_step"] == 2 and len(doc["y_rnn"]) == 3 and recheck_smooth(doc)
    return doc


def _record(doc: dict, where: tuple[str, ...]) -> list:
    for key in where:
        doc = doc[key]
    return doc  # type: ignore[return-value]


def _decimal(q: Fraction) -> str:
    import decimal

    with decimal.localcontext() as ctx:
        ctx.prec = 45
        return str(decimal.Decimal(q.numerator) / decimal.Decimal(q.denominator))


def _shifted(text: str, delta: Fraction) -> str:
    mid, _ = exact_enclosure(text)
    return f"[{_decimal(mid + delta)} +/- {text.split('+/-')[1].strip()}"


@pytest.mark.parametrize("where", RECORDS, ids=[".".join(w) for w in RECORDS])
@pytest.mark.parametrize("t", range(3))
def test_a_tampered_recorded_output_is_not_confirmed(smooth_doc: dict, where: tuple[str, ...], t: int) -> None:
    label = ".".join(where)
    for tamper, words in (
        (lambda text: _shifted(text, Fraction(1, 10**12)), "contradicted by the fresh enclosure"),
        (lambda text: _shifted(text, Fraction(-1, 10**25)), "contradicted by the fresh enclosure"),
        (lambda text: _decimal(exact_enclosure(text)[0]), "is not confirmed by the fresh enclosure"),
    ):
        doc = json.loads(json.dumps(smooth_doc))
        row = _record(doc, where)[t]
        row[0] = tamper(row[0])
        if where[0] == "data" and "+/-" not in row[0]:  # data.enclosures hold enclosures only
            with pytest.raises(FileFormatError, match=rf"data: enclosures: {where[-1]}\[{t}\]\[0\]"):
                recheck_smooth(doc)
            continue
        check = recheck_smooth(doc)
        assert not check and check.detail.startswith(f"{label}({t})[0]: ") and words in check.detail, check.detail


def test_a_looser_recorded_enclosure_is_still_true(smooth_doc: dict) -> None:
    doc = json.loads(json.dumps(smooth_doc))
    for where in RECORDS:
        for row in _record(doc, where):
            row[0] = f"[{_decimal(exact_enclosure(row[0])[0])} +/- 1e-6]"
    assert recheck_smooth(doc)


@pytest.mark.parametrize(
    ("change", "method", "words"),
    [
        (lambda d: d["data"].update(gap_lower=d["data"]["gap_lower"] * 2), "ball", "exceeds the gap certified"),
        (lambda d: d["data"].update(component=1), "ball", "the recorded component 1 is outside 0..0"),
        (lambda d: d.update(y_rnn=d["y_rnn"][:2]), "record check", "the recorded y_rnn has 2 rows; expected 3..3"),
        (lambda d: d["data"]["enclosures"]["candidate"].pop(), "record check", "data.enclosures.candidate has 2"),
        (lambda d: d.update(time_step=1), "ball", "overlap"),
    ],
)
def test_other_recorded_fields_are_checked(smooth_doc: dict, change, method: str, words: str) -> None:
    doc = json.loads(json.dumps(smooth_doc))
    change(doc)
    check = recheck_smooth(doc)
    assert not check and check.method.startswith(method) and words in check.detail, check.detail


def test_a_lower_precision_than_recorded_cannot_confirm(smooth_doc: dict) -> None:
    check = recheck_smooth(smooth_doc, precision=64)
    assert not check and "undecided at this precision" in check.detail
    assert recheck_smooth(smooth_doc, precision=128)
