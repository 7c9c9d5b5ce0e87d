"""Soundness campaign: every verdict of the equivalence checkers is held to exact simulation.

Hypothesis draws pairs of ReLU RNNs whose relation is known by construction
(``urnn_sym.strategies``):

* equivalent on every input: positive diagonal scalings, dead states, state
  permutations (:func:`equivalent_pairs`);
* Theorem 1 pairs from ``construct_urnn`` in every number system it has --
  float64, exact rational (the rational-defect family) and exact algebraic
  (square roots, nested for 2 x 2 W) -- checked at their construction bound
  and ABOVE it, where the claim may be false (:func:`theorem1_pairs`);
* one perturbed entry of W, F, b, C or h0 (:func:`perturbed_pairs`);
* units that stay off for a while and then fire: an input accumulator that
  crosses a threshold only above a known input bound, and a clock
  (:func:`late_firing_pairs`).

Each pair is run through ``check_equivalence`` (small horizons, both
encodings) and ``prove_equivalence`` (every horizon), and every verdict goes
through its JSON round trip.  Then:

* a "proved" must pass ``recheck_verdict`` and agree with exact simulation on
  box corners (constant, alternating, sign patterns), axis points and random
  inputs inside the bound -- for an all-horizon proof over a longer horizon
  than any checked;
* a "refuted" must pass ``recheck_verdict`` and re-simulate here: its input is
  inside the bound, the outputs agree before its time step and differ at it,
  and equal the recorded ones;
* a pair that simulation (or the construction) shows to differ at step k must
  never be "proved" for a horizon > k or for every horizon; the failure message
  prints the input and a Python reproducer.

"unknown" is always allowed.  CI runs few examples with a fixed seed
(``derandomize``); ``make soundness`` (the environment variable
``URNN_SYM_SOUNDNESS_EXAMPLES``) runs many more, with random seeds.
"""

from __future__ import annotations

import json
import math
import os
import random
import sys
from dataclasses import dataclass, field
from fractions import Fraction
from pathlib import Path
from typing import Any

import pytest
import sympy
from hypothesis import HealthCheck, Phase, currently_in_test_context, event, given, note, settings
from hypothesis import strategies as st

from urnn_sym import RNN, simulate
from urnn_sym.construct.theorem1 import construct_urnn
from urnn_sym.io import dump_rnn, load_rnn
from urnn_sym.numbers.arith import exact_sign
from urnn_sym.smt.check import check_equivalence, prove_equivalence, recheck_verdict
from urnn_sym.strategies import (
    RNNPair,
    equivalent_pairs,
    late_firing_pairs,
    perturbed_pairs,
    theorem1_pairs,
)
from urnn_sym.verdict import Verdict

EXAMPLES = int(os.environ.get("URNN_SYM_SOUNDNESS_EXAMPLES", "0") or 0)
"""Examples per test in a long run (``make soundness``); 0: the CI counts below, derandomized."""

EXAMPLE_DIR = Path(__file__).resolve().parents[2] / "examples"


def campaign(ci_examples: int, seconds_per_example: float, share: float = 1.0) -> Any:
    """Settings and a timeout for one test: CI-sized, or long (``share`` of the examples) with random seeds."""
    count = max(ci_examples, round(EXAMPLES * share)) if EXAMPLES else ci_examples
    phases = [Phase.explicit, Phase.reuse, Phase.generate] + ([Phase.shrink] if EXAMPLES else [])
    limits = settings(
        max_examples=count,
        derandomize=not EXAMPLES,
        phases=phases,
        deadline=None,
        database=None,
        suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large, HealthCheck.filter_too_much],
    )
    timeout = pytest.mark.timeout(int(60 + 2 * seconds_per_example * count))

    def wrap(test: Any) -> Any:
        return timeout(limits(test))

    return wrap


pytestmark = pytest.mark.slow


def _event(text: str) -> None:
    if currently_in_test_context():
        event(text)


def _note(text: str) -> None:
    if currently_in_test_context():
        note(text)


# ------------------------------------------------------------------------------
# exact simulation
# ------------------------------------------------------------------------------

_SQRT_UPPER = {1: Fraction(1), 2: Fraction(17, 12), 3: Fraction(26, 15), 4: Fraction(2)}  # >= sqrt(d)


def _inside(xs: list[list[Fraction]], M: Fraction, norm: str) -> bool:
    if norm == "inf":
        return all(abs(v) <= M for row in xs for v in row)
    return all(sum(v * v for v in row) <= M * M for row in xs)


def input_family(d: int, M: Fraction, norm: str, length: int, rng: random.Random, randoms: int) -> list[list[list]]:
    """Inputs of ``length`` steps inside ``||x(k)||_norm <= M``: corners, axis points, zeros, random points.

    Corners of the box (every sign pattern, constant, alternating, switched on
    late) and, for the 2-norm, the same directions scaled by ``1 / r`` with a
    rational ``r >= sqrt(d)``; axis points ``+-M e_j``; random sign patterns per
    step; random rationals inside.  Constant corners come first, then alternating ones.
    """
    corner = M if norm == "inf" else M / _SQRT_UPPER.get(d, Fraction(d))
    signs = [[1 if (mask >> j) & 1 else -1 for j in range(d)] for mask in range(2 ** min(d, 3))]
    signs = [[(s[j] if j < len(s) else 1) for j in range(d)] for s in signs]
    points = [[corner * c for c in s] for s in signs]
    out: list[list[list]] = [[v] * length for v in points]  # most telling first: constant corners
    out += [[v if k % 2 == 0 else [-x for x in v] for k in range(length)] for v in points]
    out += [[[Fraction(0)] * d if k < length // 2 else v for k in range(length)] for v in points]
    for j in range(d):
        for sign in (1, -1):
            e = [sign * M if i == j else Fraction(0) for i in range(d)]
            out.append([e] * length)
    out.append([[Fraction(0)] * d] * length)
    for _ in range(randoms):
        out.append([[corner * rng.choice((-1, 1)) for _ in range(d)] for _ in range(length)])
        row = [[Fraction(rng.randint(-12, 12), 12) for _ in range(d)] for _ in range(length)]
        out.append([[corner * v for v in r] for r in row])
    unique: list[list[list]] = []
    for xs in out:
        assert _inside(xs, M, norm), xs
        if xs not in unique:
            unique.append(xs)
    return unique


def _same(u: Any, v: Any) -> bool:
    """Exact equality of two rationals or real algebraic numbers (not sympy's structural ``==``)."""
    if isinstance(u, Fraction) and isinstance(v, Fraction):
        return u == v
    return exact_sign(sympy.sympify(u) - sympy.sympify(v)) == 0


def exact_outputs(rnn: RNN, xs: list[list[Fraction]]) -> list[list[Any]]:
    """``simulate`` in exact arithmetic (float64 entries as their exact dyadic values)."""
    return [list(row) for row in simulate(rnn.to_exact(), xs).tolist()]


def first_difference(a: RNN, b: RNN, xs: list[list[Fraction]]) -> int | None:
    """The first step at which the exact outputs of a and b on ``xs`` differ, or None."""
    ya, yb = exact_outputs(a, xs), exact_outputs(b, xs)
    for k, (ra, rb) in enumerate(zip(ya, yb, strict=True)):
        if not all(_same(u, v) for u, v in zip(ra, rb, strict=True)):
            return k
    return None


@dataclass
class Witness:
    """The earliest difference found by simulation: the input (cut after the step) and the step."""

    step: int
    xs: list[list[Fraction]]


def search_difference(a: RNN, b: RNN, inputs: list[list[list]]) -> Witness | None:
    best: Witness | None = None
    for xs in inputs:
        k = first_difference(a, b, xs)
        if k is not None and (best is None or k < best.step):
            best = Witness(k, xs[: k + 1])
    return best


# ------------------------------------------------------------------------------
# reproducers and the audit of one verdict
# ------------------------------------------------------------------------------


def reproducer(pair: RNNPair, call: str) -> str:
    """A Python snippet that rebuilds the pair and repeats ``call`` (which uses ``a`` and ``b``)."""
    return "\n".join(
        [
            "import json",
            "from fractions import Fraction",
            "from urnn_sym.io import load_rnn",
            "from urnn_sym.smt.check import check_equivalence, prove_equivalence, recheck_verdict",
            "from urnn_sym.verdict import Verdict",
            f"a = load_rnn(json.loads({json.dumps(json.dumps(dump_rnn(pair.a)))}))",
            f"b = load_rnn(json.loads({json.dumps(json.dumps(dump_rnn(pair.b)))}))",
            f"v = {call}",
            "print(v.summary())",
            "back = Verdict.from_json(json.loads(json.dumps(v.to_json())))",
            "print(recheck_verdict(back))",
        ]
    )


@dataclass
class Audit:
    """One pair at one input bound: what is known, and every verdict held to it."""

    pair: RNNPair
    M: Fraction
    norm: str
    witness: Witness | None
    sim_length: int
    inputs: int
    known_diff_step: int | None = None  # construction: the outputs differ at this step (or later when -1)
    statuses: list[str] = field(default_factory=list)

    def describe(self) -> str:
        w = "none found" if self.witness is None else f"step {self.witness.step} on x = {_fmt(self.witness.xs)}"
        return (
            f"pair: {self.pair.how}\n  a: {self.pair.a!r}, b: {self.pair.b!r}\n"
            f"  checked at {self.norm}-norm input bound M = {self.M}; construction: bound {self.pair.bound}, "
            f"horizon {self.pair.horizon}, differs above {self.pair.differs_above}\n"
            f"  exact simulation ({self.inputs} inputs of {self.sim_length} steps: corners first): first difference {w}"
        )


def _fmt(xs: list[list[Fraction]]) -> str:
    return "[" + ", ".join("[" + ", ".join(str(v) for v in row) + "]" for row in xs) + "]"


def start_audit(
    pair: RNNPair, M: Fraction, norm: str, sim_length: int, randoms: int, seed: int, limit: int | None = None
) -> Audit:
    """Search a distinguishing input by exact simulation, and check it against the construction's claims."""
    rng = random.Random(seed)
    inputs = input_family(pair.a.d, M, norm, sim_length, rng, randoms)[:limit]
    witness = search_difference(pair.a, pair.b, inputs)
    audit = Audit(pair, M, norm, witness, sim_length, len(inputs))
    if pair.bound is not None and pair.bound >= M and witness is not None:
        limit = pair.horizon if pair.horizon is not None else math.inf
        assert witness.step >= limit, (
            f"construction bug: the pair is claimed equivalent up to bound {pair.bound} "
            f"(horizon {pair.horizon}) but exact simulation differs\n{audit.describe()}"
        )
    if pair.differs_above is not None and pair.differs_above < M:
        audit.known_diff_step = pair.horizon if pair.horizon is not None and pair.bound == math.inf else -1
        if audit.known_diff_step is not None and audit.known_diff_step >= 0:
            assert witness is not None and witness.step == audit.known_diff_step, (
                f"construction bug: the outputs should first differ at step {audit.known_diff_step}\n{audit.describe()}"
            )
    _event(f"simulation: {'differs' if witness is not None else 'agrees'}")
    _note(audit.describe())
    return audit


def _roundtrip(v: Verdict) -> Verdict:
    return Verdict.from_json(json.loads(json.dumps(v.to_json())))


def judge(audit: Audit, v: Verdict, call: str) -> None:
    """Hold one verdict to the recheck, to exact simulation and to what the construction says."""
    pair, M = audit.pair, audit.M
    audit.statuses.append(v.status)
    _event(f"{v.kind} verdict: {v.status}")
    where = f"\n{audit.describe()}\nverdict: {v.summary()}\nreproducer:\n{reproducer(pair, call)}"
    assert v.input_bound == M and v.norm == audit.norm, f"verdict about another input set{where}"
    try:
        back = _roundtrip(v)
    except Exception as exc:  # any failure to read back its own document is a finding
        raise AssertionError(f"Verdict.from_json(v.to_json()) failed: {type(exc).__name__}: {exc}{where}") from exc
    assert back.status == v.status and back.kind == v.kind and back.input_bound == M, f"JSON round trip{where}"
    if v.status == "unknown":
        return
    if v.status == "proved":
        check = recheck_verdict(back)
        assert check.holds, f"a 'proved' failed its independent re-check: {check.method}: {check.detail}{where}"
        assert back.a == pair.a and back.b == pair.b, f"the proof record embeds other networks{where}"
        limit = math.inf if v.kind == "all-horizons" else int(v.horizon or 0)
        w = audit.witness
        assert w is None or w.step >= limit, (
            f"FALSE PROOF: 'proved' ({v.kind}), but the exact outputs differ at step {w.step} "
            f"on x = {_fmt(w.xs)}{where}"
        )
        known = audit.known_diff_step
        if known is not None:
            assert (known >= limit) if known >= 0 else v.kind == "bounded", (
                f"FALSE PROOF: 'proved' ({v.kind}), but by construction the outputs differ "
                f"{'at step ' + str(known) if known >= 0 else 'at some step'} for M > {pair.differs_above}{where}"
            )
        return
    ref = v.refutation
    assert ref is not None and ref.xs is not None and ref.time_step is not None, f"refuted without an input{where}"
    check = recheck_verdict(back)
    assert check.holds, f"a 'refuted' failed its re-check: {check.method}: {check.detail}{where}"
    xs, k = [[Fraction(x) for x in row] for row in ref.xs], ref.time_step
    assert _inside(xs, M, audit.norm), f"the refuting input leaves the bound: x = {_fmt(xs)}{where}"
    if v.kind == "bounded":
        assert len(xs) <= int(v.horizon or 0), f"the refuting input is longer than the horizon{where}"
    assert 0 <= k < len(xs), f"time step {k} outside the input{where}"
    first = first_difference(pair.a, pair.b, xs)
    assert first == k, f"exact re-simulation: the outputs first differ at step {first}, not {k}, on {_fmt(xs)}{where}"
    ya, yb = exact_outputs(pair.a, xs), exact_outputs(pair.b, xs)
    for label, recorded, fresh in (("y_a", ref.ys_rnn, ya), ("y_b", ref.ys_candidate, yb)):
        if recorded is not None:
            assert all(
                _same(sympy.sympify(str(u)) if not isinstance(u, Fraction) else u, w)
                for r_rec, r_new in zip(recorded, fresh, strict=True)
                for u, w in zip(r_rec, r_new, strict=True)
            ), f"the recorded {label} is not the re-simulated one{where}"
    if pair.bound is not None and pair.bound >= M:
        limit_eq = pair.horizon if pair.horizon is not None else math.inf
        assert k >= limit_eq, f"refuted a pair that is equivalent by construction{where}"


# ------------------------------------------------------------------------------
# running the checkers on a pair
# ------------------------------------------------------------------------------


@dataclass(frozen=True)
class Budget:
    """How much of each check one example may use."""

    horizons: tuple[int, ...] = (1, 2, 3)
    sim_length: int = 16
    randoms: int = 4
    inputs: int | None = None  # simulate only the first inputs of the family (exact algebraic simulation is slow)
    timeout: float = 2.0
    rlimit: int = 5 * 10**7


CHEAP = Budget()
ALGEBRAIC = Budget(horizons=(1, 3), sim_length=4, randoms=0, inputs=4, timeout=3.0, rlimit=10**8)


@dataclass(frozen=True)
class Options:
    """The checkers' options for one example, all drawn before any checker runs (so replays draw the same)."""

    seed: int
    bounded: tuple[tuple[str, bool], ...]  # (encoding, use_invariant) per horizon
    invariant: str
    discharge: str


def draw_options(data: st.DataObject, budget: Budget) -> Options:
    seed = data.draw(st.integers(0, 2**32 - 1), label="input seed")
    bounded = tuple(
        (
            data.draw(st.sampled_from(["shared", "naive"] if T <= 3 else ["shared"]), label=f"encoding at T = {T}"),
            data.draw(st.booleans(), label=f"use_invariant at T = {T}"),
        )
        for T in budget.horizons
    )
    invariant = data.draw(st.sampled_from(["auto", "ball", "box"]), label="invariant")
    discharge = data.draw(st.sampled_from(["auto", "certificate", "z3"]), label="discharge")
    return Options(seed, bounded, invariant, discharge)


def _call(name: str, kwargs: dict[str, Any]) -> str:
    """The Python text of a checker call on ``a`` and ``b`` (for reproducers)."""
    args = ", ".join(
        f"{k}={f'Fraction({str(v)!r})' if isinstance(v, Fraction) else repr(v)}" for k, v in kwargs.items()
    )
    return f"{name}(a, b, {args})"


def run_checkers(audit: Audit, budget: Budget, options: Options) -> None:
    """Every checker on the pair at ``audit.M``, each verdict judged."""
    a, b = audit.pair.a, audit.pair.b
    limits = {"timeout": budget.timeout, "rlimit": budget.rlimit}
    for T, (encoding, use_invariant) in zip(budget.horizons, options.bounded, strict=True):
        kwargs: dict[str, Any] = {"input_bound": audit.M, "norm": audit.norm, "horizon": T, "encoding": encoding}
        kwargs.update(use_invariant=use_invariant, **limits)
        judge(audit, check_equivalence(a, b, **kwargs), _call("check_equivalence", kwargs))
    kwargs = {"input_bound": audit.M, "norm": audit.norm, "invariant": options.invariant}
    kwargs.update(discharge=options.discharge, **limits)
    judge(audit, prove_equivalence(a, b, **kwargs), _call("prove_equivalence", kwargs))


def campaign_step(pair: RNNPair, M: Fraction, norm: str, budget: Budget, data: st.DataObject) -> Audit:
    options = draw_options(data, budget)
    audit = start_audit(pair, M, norm, budget.sim_length, budget.randoms, options.seed, budget.inputs)
    run_checkers(audit, budget, options)
    return audit


def _bounds(pair: RNNPair, factors: list[Fraction]) -> st.SearchStrategy[Fraction]:
    """Input bounds relative to the construction's (``bound`` or ``differs_above``), else small rationals."""
    ref = pair.bound if pair.bound not in (None, math.inf) else pair.differs_above
    if ref and factors:
        return st.sampled_from([Fraction(ref) * f for f in factors])
    return st.sampled_from([Fraction(1, 2), Fraction(1), Fraction(3, 2), Fraction(5)])


_NORMS = st.sampled_from(["inf", "inf", "inf", "2"])
_ABOVE = [Fraction(1), Fraction(2), Fraction(5), Fraction(10)]


# ------------------------------------------------------------------------------
# the campaign
# ------------------------------------------------------------------------------


@campaign(ci_examples=8, seconds_per_example=3)
@given(
    st.sampled_from(["exact", "float64"]).flatmap(
        lambda s: equivalent_pairs(system=s, n=st.integers(1, 3), activation=st.sampled_from(["relu", "identity"]))
    ),
    st.data(),
)
def test_equivalent_pairs(pair: RNNPair, data: st.DataObject) -> None:
    M = data.draw(_bounds(pair, []), label="M")
    campaign_step(pair, M, data.draw(_NORMS, label="norm"), CHEAP, data)


@campaign(ci_examples=8, seconds_per_example=3)
@given(
    st.one_of(
        theorem1_pairs(system="rational"),
        theorem1_pairs(system="rational", horizon=st.integers(1, 4)),
        theorem1_pairs(system="float64", n=st.integers(1, 3)),
    ),
    st.data(),
)
def test_theorem1_pairs_rational_and_float64(pair: RNNPair, data: st.DataObject) -> None:
    M = data.draw(_bounds(pair, _ABOVE), label="M")
    campaign_step(pair, M, data.draw(_NORMS, label="norm"), CHEAP, data)


_ALGEBRAIC_SIZES = st.integers(1, 2) if EXAMPLES else st.just(2)  # CI: 2 x 2 W only (nested square roots)


@campaign(ci_examples=2, seconds_per_example=40, share=0.1)
@given(
    theorem1_pairs(system="algebraic", n=_ALGEBRAIC_SIZES, d=1, p=1).filter(lambda pair: not pair.b.is_rational),
    st.data(),
)
def test_theorem1_pairs_algebraic(pair: RNNPair, data: st.DataObject) -> None:
    M = data.draw(_bounds(pair, _ABOVE), label="M")
    campaign_step(pair, M, "inf", ALGEBRAIC, data)


@campaign(ci_examples=8, seconds_per_example=3)
@given(
    perturbed_pairs(
        st.one_of(
            equivalent_pairs(system="exact", n=st.integers(1, 3)),
            equivalent_pairs(system="float64", n=st.integers(1, 3)),
            theorem1_pairs(system="rational", n=st.integers(1, 2)),
            theorem1_pairs(system="float64", n=st.integers(1, 2)),
        )
    ),
    st.data(),
)
def test_perturbed_pairs(pair: RNNPair, data: st.DataObject) -> None:
    M = data.draw(_bounds(pair, []), label="M")
    campaign_step(pair, M, data.draw(_NORMS, label="norm"), CHEAP, data)


@campaign(ci_examples=8, seconds_per_example=4)
@given(
    st.sampled_from(["exact", "float64"]).flatmap(lambda s: late_firing_pairs(system=s, n=st.integers(1, 2))),
    st.data(),
)
def test_late_firing_pairs(pair: RNNPair, data: st.DataObject) -> None:
    M = data.draw(_bounds(pair, [Fraction(1, 2), Fraction(1), Fraction(17, 16), Fraction(2)]), label="M")
    budget = Budget(horizons=(1, 3, 8), sim_length=24)
    campaign_step(pair, M, data.draw(_NORMS, label="norm"), budget, data)


# ------------------------------------------------------------------------------
# the known-bad case, and a guard against a vacuous campaign
# ------------------------------------------------------------------------------


def _example_rnn() -> RNN:
    return load_rnn(json.loads((EXAMPLE_DIR / "rnn_exact.json").read_text(encoding="utf-8")))


def _upper_triangular_rnn() -> RNN:
    half = Fraction(1, 2)
    return RNN([[half, Fraction(1, 4)], [0, half]], [[1], [1]], [0, 0], [[1, 1]])


def _lower_triangular_rnn() -> RNN:
    return RNN([[Fraction(1, 2), 0], [Fraction(1, 4), Fraction(1, 3)]], [[1], [0]], [0, 0], [[0, 1]])


ABOVE_THE_BOUND = [
    # (name, the RNN, the bound M above the construction bound 1, the first step at which the outputs differ)
    ("examples/rnn_exact.json", _example_rnn, Fraction(5), 2),
    ("W=[[1/2,1/4],[0,1/2]]", _upper_triangular_rnn, Fraction(5), 2),
    ("W=[[1/2,0],[1/4,1/3]]", _lower_triangular_rnn, Fraction(2), 3),
]


@pytest.mark.timeout(120)
@pytest.mark.parametrize(("name", "make", "M", "step"), ABOVE_THE_BOUND, ids=[c[0] for c in ABOVE_THE_BOUND])
def test_theorem1_urnn_above_its_construction_bound_is_not_proved(name: str, make: Any, M: Fraction, step: int) -> None:
    """Theorem 1 URNNs (nested square roots) built for bound 1 differ above it (constant x = M): never "proved".

    Before the fix of the shared z3 square-root names these were "proved" for every horizon.
    """
    rnn = make()
    urnn = construct_urnn(rnn, 1).urnn
    pair = RNNPair(rnn, urnn, f"construct_urnn({name}, 1) (algebraic)", Fraction(1))
    audit = start_audit(pair, M, "inf", step + 1, 0, 0, limit=2)
    assert audit.witness is not None and audit.witness.step == step, audit.describe()
    v = prove_equivalence(rnn, urnn, input_bound=M, timeout=10)
    judge(audit, v, f"prove_equivalence(a, b, input_bound=Fraction({str(M)!r}), timeout=10)")


@pytest.mark.timeout(120)
def test_the_campaign_sees_proofs_and_refutations() -> None:
    """Fixed pairs the checkers decide, so the campaign is not vacuous (every verdict judged as above)."""
    from urnn_sym.construct.rational import rational_defect_rnn

    inst = rational_defect_rnn(2, 1, 1, seed=7)
    res = construct_urnn(inst.rnn, 1, svd=inst.svd)
    theorem1 = RNNPair(inst.rnn, res.urnn, "construct_urnn(rational_defect_rnn(2, seed=7), 1)", Fraction(1))
    half = Fraction(1, 2)
    # c = relu(c/2 + x/2), e = relu(c - 1) on the output: e fires iff M > 1
    late = RNN([[half, 0], [1, 0]], [[half], [0]], [0, -1], [[0, 1]])
    silent = RNN([[0]], [[0]], [0], [[0]])
    accumulator = RNNPair(silent, late, "late firing accumulator", Fraction(1), None, Fraction(1))
    seen: list[str] = []
    for pair, M in ((theorem1, Fraction(1)), (accumulator, Fraction(2)), (accumulator, Fraction(1))):
        audit = start_audit(pair, M, "inf", 12, 2, 1)
        for T in (1, 4):
            call = f"check_equivalence(a, b, input_bound=Fraction('{M}'), horizon={T})"
            judge(audit, check_equivalence(pair.a, pair.b, input_bound=M, horizon=T), call)
        call = f"prove_equivalence(a, b, input_bound=Fraction('{M}'))"
        judge(audit, prove_equivalence(pair.a, pair.b, input_bound=M), call)
        seen += audit.statuses
    assert "refuted" in seen and seen.count("proved") >= 3, seen


@pytest.mark.timeout(60)
def test_the_judge_catches_forged_verdicts(monkeypatch: pytest.MonkeyPatch) -> None:
    """The campaign can fail: a false "proved" is caught by simulation even when the re-check is fooled."""
    from urnn_sym.evidence import Check
    from urnn_sym.refutation import Refutation

    half = Fraction(1, 2)
    a = RNN([[half]], [[1]], [0], [[1]])
    b = RNN([[half]], [[1]], [0], [[2]])  # y_b = 2 y_a: differs as soon as the state is non-zero
    pair = RNNPair(a, b, "C doubled")
    audit = start_audit(pair, Fraction(1), "inf", 4, 1, 0)
    assert audit.witness is not None and audit.witness.step == 0
    monkeypatch.setattr(sys.modules[__name__], "recheck_verdict", lambda *args, **kwargs: Check(True, "fooled", ""))
    forged = Verdict("proved", "bounded", "forged", horizon=2, input_bound=Fraction(1), a=a, b=b)
    with pytest.raises(AssertionError, match="FALSE PROOF"):
        judge(audit, forged, "forged")
    zero = [[Fraction(0)]]
    ref = Refutation("refuted", "forged", xs=zero, time_step=0, ys_rnn=zero, ys_candidate=zero, input_bound=Fraction(1))
    forged = Verdict("refuted", "bounded", "forged", horizon=1, input_bound=Fraction(1), refutation=ref, a=a, b=b)
    with pytest.raises(AssertionError, match="exact re-simulation: the outputs first differ at step None"):
        judge(audit, forged, "forged")
