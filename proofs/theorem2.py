"""Proof checks for Theorem 2 (math.md section 3): 2n states are necessary.

Read top to bottom; every check returns what proved it.  Run with
``urnn-sym prove theorem2`` or ``python proofs/theorem2.py``.

1. The witness ``W = 0, F = I, b = 0, C = I`` is contractive and memoryless.
2. The dimension-counting lemma, step by step, on the exact linearisations of
   many undersized candidates (n = 1..6, m = 1..2n-1): the measured ranks and
   dimensions, the Jacobian condition that fails, and a distinguishing input
   found at the same point and certified by exact re-simulation.
3. The lemma is tight: the 2n-state construction meets every condition with equality.
4. n = 1, fully formal (z3): no 1-state URNN of any parameters matches the
   witness on inputs of length 2.
5. Tightness: Theorem 1 applied to the witness gives a 2n-state URNN that is
   proved equivalent on all horizons (through the Theorem 1 and z3 modules).
"""

from __future__ import annotations

import importlib
import importlib.util
import random
from collections import Counter
from fractions import Fraction
from typing import Any

import flint
import sympy

from urnn_sym import RNN, simulate
from urnn_sym.adversarial import shared_state_candidate, trained_candidate, truncated_construction, witness_construction
from urnn_sym.distinguish import constructive_input
from urnn_sym.linearize import dimension_count, linearize
from urnn_sym.norms import is_contractive, is_orthogonal
from urnn_sym.proofkit import CheckFailed, Script, proved, unknown
from urnn_sym.refutation import Refutation, recheck
from urnn_sym.witnesses import lower_bound_witness

script = Script("theorem2", "math.md section 3: every URNN equivalent to the witness has at least 2n states")

M = Fraction(1)
SIZES = range(1, 7)


@script.check("the witness W = 0, F = I, b = 0, C = I is contractive and memoryless: y(k) = relu(x(k))")
def witness_contractive_memoryless() -> object:
    for n in SIZES:
        w = lower_bound_witness(n)
        check = is_contractive(w.W)
        if not check:
            raise CheckFailed(f"n = {n}: ||W||_2 < 1 not certified ({check.detail})")
    T, n = 3, 2
    xs = [[sympy.Symbol(f"x{k}_{i}", real=True) for i in range(n)] for k in range(T)]
    ys = simulate(lower_bound_witness(n).to_symbolic(), xs)
    for k in range(T):
        for i in range(n):
            if sympy.simplify(ys[k, i] - sympy.Max(0, xs[k][i])) != 0:
                raise CheckFailed(f"y({k})[{i}] = {ys[k, i]} is not Max(0, x{k}_{i})")
    return proved(
        f"exact: ||W||_2 = 0 < 1 certified by norms.is_contractive for n = 1..{max(SIZES)}; symbolic "
        f"simulation (n = {n}, T = {T}) gives y(k)_i = Max(0, x(k)_i) identically, independent of earlier inputs"
    )


def _cayley(rng: random.Random, m: int) -> flint.fmpq_mat:
    K = flint.fmpq_mat(m, m)
    for i in range(m):
        for j in range(i + 1, m):
            K[i, j] = flint.fmpq(rng.randint(-5, 5), rng.randint(1, 4))
            K[j, i] = -K[i, j]
    eye = flint.fmpq_mat(m, m, [int(i == j) for i in range(m) for j in range(m)])
    signs = flint.fmpq_mat(m, m, [rng.choice((1, -1)) if i == j else 0 for i in range(m) for j in range(m)])
    return (eye - K) * (eye + K).inv() * signs


def _random_urnn(rng: random.Random, n: int, m: int) -> RNN:
    def q() -> Fraction:
        return Fraction(rng.randint(-9, 9), rng.randint(1, 9))

    G = [[q() for _ in range(n)] for _ in range(m)]
    c = [q() / 4 for _ in range(m)]
    D = [[q() for _ in range(m)] for _ in range(n)]
    return RNN(_cayley(rng, m), G, c, D, [abs(q()) for _ in range(m)])


def _candidates(rng: random.Random) -> list[tuple[str, RNN]]:
    out = []
    for n in SIZES:
        for m in range(1, 2 * n):
            out += [(f"Cayley URNN n={n} m={m} #{i}", _random_urnn(rng, n, m)) for i in range(2)]
        out.append((f"shared-state n={n}", shared_state_candidate(n)))
        out.append((f"shared-state(+1) n={n}", shared_state_candidate(n, sign=1)))
        if n <= 4:
            out.append((f"truncated 2n construction n={n}", truncated_construction(n)))
            out.append((f"trained (projected Adam) n={n}", trained_candidate(n, steps=150, seed=n)))
    return out


def _generic_positive_point(rng: random.Random, cand: RNN) -> list[list[Fraction]]:
    """Components in [M/4, 3M/4] (a margin M/4 inside the box), generic for the candidate."""
    while True:
        xs = [[M * Fraction(rng.randint(16, 48), 64) for _ in range(cand.d)] for _ in range(2)]
        if linearize(cand, xs).generic:
            return xs


@script.check("dimension-counting lemma, step by step, on undersized candidates (n = 1..6, m = 1..2n-1)")
def lemma_step_by_step() -> object:
    rng = random.Random(2)
    failures: Counter[str] = Counter()
    records: list[dict[str, Any]] = []
    lengths: Counter[int] = Counter()
    for label, cand in _candidates(rng):
        n, m = cand.d, cand.n
        if m >= 2 * n:
            raise CheckFailed(f"{label}: not undersized (m = {m}, n = {n})")
        xs = _generic_positive_point(rng, cand)
        count = dimension_count(cand, xs)
        # Step 3: dim Z_0 = n + d_0 with d_0 = 0 needs D P_0 G = I; step 4 needs the other two.
        if not count.failed:
            raise CheckFailed(f"{label}: all Jacobian conditions hold with m = {m} < 2n = {2 * n}: {count}")
        if count.dim_K > count.dim_Z0 or count.dim_Z1 > count.rank_P1:
            raise CheckFailed(f"{label}: inconsistent measurements {count}")
        witness = lower_bound_witness(n)
        ref = constructive_input(witness, cand, input_bound=M, at=[xs], points=4)
        if not ref:
            raise CheckFailed(f"{label}: the refuter found no input at the lemma's point ({ref.reason})")
        confirmation = recheck(Refutation.from_json(ref.to_json()))
        if not confirmation:
            raise CheckFailed(f"{label}: the refutation did not re-check: {confirmation.detail}")
        if ref.length is None or ref.length > 2:
            raise CheckFailed(f"{label}: distinguishing input has length {ref.length} > 2")
        failures.update(count.failed)
        lengths[ref.length] += 1
        records.append(
            {"candidate": label, **count.to_json(), "input": ref.xs, "time_step": ref.time_step, "route": ref.method}
        )
    table = ", ".join(f"'{k}' fails for {v}" for k, v in sorted(failures.items()))
    return proved(
        f"exact rational ranks (python-flint) on {len(records)} candidates: every one violates a Jacobian "
        f"condition ({table}); each got a distinguishing input at the same point, re-simulated exactly and "
        f"re-checked from its JSON (lengths: {dict(sorted(lengths.items()))})",
        candidates=records,
    )


@script.check("the lemma is tight: the 2n construction meets every condition, dim K = n = m - rank P_1")
def lemma_tight_for_construction() -> object:
    rng = random.Random(3)
    for n in SIZES:
        full = witness_construction(n, input_bound=M)
        if not is_orthogonal(full.W):
            raise CheckFailed(f"n = {n}: U is not orthogonal")
        count = dimension_count(full, _generic_positive_point(rng, full))
        expected = (2 * n, n, n, 0, n, n, n)
        found = (count.m, count.dim_Z0, count.dim_Z1, count.d1, count.dim_K, count.dim_UK, count.inactive_1)
        if count.failed or found != expected:
            raise CheckFailed(
                f"n = {n}: expected (m, dim Z0, dim Z1, d1, dim K, dim UK, m - rank P1) = {expected}, found {found}"
            )
    return proved(
        f"exact for n = 1..{max(SIZES)}: U = [[0, I], [I, 0]] orthogonal, all three conditions hold, and "
        "n + d_0 - d_1 = dim K = n = m - rank P_1 = m - n - d_1, so m >= 2n + d_0 holds with equality"
    )


@script.check("n = 1 (z3): no 1-state URNN of any parameters matches relu(x) on inputs of length 2")
def one_state_formal() -> object:
    import z3

    U, G, c, D, g0, Mv = z3.Reals("U G c D g0 M")

    def relu(e: Any) -> Any:
        return z3.If(e > 0, e, 0)

    solver = z3.Solver()
    solver.set("timeout", 60_000)
    solver.add(U * U == 1, Mv > 0)
    grid = [0, Mv / 2, Mv]
    for x0 in grid:
        for x1 in grid:
            h0 = relu(U * g0 + G * x0 + c)
            h1 = relu(U * h0 + G * x1 + c)
            solver.add(D * h0 == relu(x0), D * h1 == relu(x1))
    result = solver.check()
    if result == z3.sat:
        raise CheckFailed(f"z3 found matching parameters: {solver.model()}")
    if result != z3.unsat:
        return unknown(f"z3 returned {result} ({solver.reason_unknown()})")
    return proved(
        "z3 (nonlinear real arithmetic, exact): the constraints U^2 = 1 (orthogonal 1 x 1), M > 0 and "
        "matching outputs y(0), y(1) on the 9 inputs (x(0), x(1)) in {0, M/2, M}^2 are unsatisfiable for "
        "real G, c, D, h0 -- a fortiori no parameters match on the whole ball X_M"
    )


def _find(module: str, names: tuple[str, ...]) -> Any:
    if importlib.util.find_spec(module) is None:
        return None
    mod = importlib.import_module(module)
    return next((getattr(mod, name) for name in names if hasattr(mod, name)), None)


def _inductive_proof(urnn: RNN, n: int) -> Any:
    """z3: the invariant ``0 <= h_top <= M, h_bottom = 0`` is initial and inductive, and gives ``y = relu(x)``.

    One step from any state satisfying it, with any input in the box, keeps it
    and outputs relu(x(k)) -- the witness's output -- so the outputs agree on
    every horizon.  Returns z3's answer to the negation (unsat = proved).
    """
    import z3

    m = urnn.n
    P = {k: [[Fraction(v) for v in row] for row in urnn.matrices()[k].tolist()] for k in ("W", "F", "b", "C", "h0")}
    h = z3.RealVector("h", m)
    x = z3.RealVector("x", n)

    def inv(state: list[Any]) -> Any:
        return z3.And(*[z3.And(state[i] >= 0, state[i] <= M) for i in range(n)], *[state[i] == 0 for i in range(n, m)])

    z = [
        sum(P["W"][i][j] * h[j] for j in range(m)) + sum(P["F"][i][j] * x[j] for j in range(n)) + P["b"][i][0]
        for i in range(m)
    ]
    nxt = [z3.If(e > 0, e, 0) for e in z]
    outputs = [sum(P["C"][i][j] * nxt[j] for j in range(m)) == z3.If(x[i] > 0, x[i], 0) for i in range(n)]
    solver = z3.Solver()
    solver.set("timeout", 60_000)
    solver.add(inv(h), *[z3.And(x[i] >= -M, x[i] <= M) for i in range(n)])
    solver.add(z3.Not(z3.And(inv(nxt), *outputs)))
    initial = all(P["h0"][i][0] == 0 for i in range(m))
    return solver.check() if initial else "h0 != 0"


@script.check("tightness: a 2n-state URNN is equivalent to the witness on every horizon")
def tightness() -> object:
    import z3

    construct = _find("urnn_sym.equivalence", ("construct_urnn",))
    source = "Theorem 1's construct_urnn" if construct is not None else "the explicit construction U = [[0, I], [I, 0]]"
    done = []
    for n in (1, 2, 3, 4):
        witness = lower_bound_witness(n)
        if construct is not None:
            built = construct(witness, M, norm="inf")
            urnn = getattr(built, "urnn", built)
        else:
            urnn = witness_construction(n, input_bound=M)
        if urnn.n != 2 * n or not is_orthogonal(urnn.W):
            raise CheckFailed(f"n = {n}: {source} gave {urnn.n} states (orthogonal: {bool(is_orthogonal(urnn.W))})")
        answer = _inductive_proof(urnn, n)
        if answer == z3.sat:
            raise CheckFailed(f"n = {n}: the invariant is not inductive for {source}")
        if answer != z3.unsat:
            return unknown(f"n = {n}: z3 returned {answer} on the inductive step")
        done.append(n)
    return proved(
        f"z3 inductive invariant (0 <= h_top <= M, h_bottom = 0, initial and preserved, y = relu(x)) for "
        f"{source} with n = {done}, M = {M}, inf-norm inputs: equivalent on all horizons with 2n states, "
        "so Theorem 2's bound is tight"
        + ("" if construct is not None else " (urnn_sym.equivalence.construct_urnn not available yet)")
    )


if __name__ == "__main__":
    raise SystemExit(script.main())
