"""Proof checks for Theorem 2 (math.md section 3): 2n states are necessary.

Read top to bottom; every check returns what established it: "proved" for the
general statement, "checked on N instances" for a check over finitely many.  Run with
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
   proved equivalent on all horizons (through the Theorem 1 and z3 modules),
   for n = 1..4.

Every z3 query here has its own ``z3.Context`` and trusts an unsat only after
its assumptions alone were shown satisfiable by a model re-checked exactly.
"""

from __future__ import annotations

import random
from collections import Counter
from fractions import Fraction
from typing import Any

import flint
import sympy

from urnn_sym import RNN
from urnn_sym.construct.hypotheses import is_contractive, is_orthogonal
from urnn_sym.construct.theorem1 import construct_urnn
from urnn_sym.proofkit import CheckFailed, Script, checked, nonvacuity, proved, unknown, vacuous
from urnn_sym.refutation import Refutation, recheck
from urnn_sym.refute.adversarial import (
    shared_state_candidate,
    trained_candidate,
    truncated_construction,
    witness_construction,
)
from urnn_sym.refute.distinguish import constructive_input
from urnn_sym.refute.linearize import dimension_count, linearize
from urnn_sym.smt.check import prove_equivalence
from urnn_sym.witnesses import lower_bound_witness

script = Script("theorem2", "math.md section 3: every URNN equivalent to the witness has at least 2n states")

M = Fraction(1)
SIZES = range(1, 7)


@script.check("the witness W = 0, F = I, b = 0, C = I is contractive and memoryless: y(k) = relu(x(k))")
def witness_contractive_memoryless() -> object:
    # Every n, from any previous state h: z = 0 h + I x + 0 = x, so h(k) = relu(x(k)) and y(k) = I h(k).
    n = sympy.Symbol("n", integer=True, positive=True)
    h, x, v = (sympy.MatrixSymbol(name, n, 1) for name in ("h", "x", "v"))
    zero, eye = sympy.ZeroMatrix(n, n), sympy.Identity(n)
    pre = (zero * h + eye * x + sympy.ZeroMatrix(n, 1) - x).doit()
    image = (zero * v).doit()  # ||0 v|| = 0 for every v, so ||W||_2 = 0 < 1
    if not (getattr(pre, "is_ZeroMatrix", False) and getattr(image, "is_ZeroMatrix", False)):
        raise CheckFailed(f"symbolic n: W h + F x + b - x = {pre}, W v = {image}")
    # The implementation is this network: lower_bound_witness(n) for the sizes the other checks use.
    for size in SIZES:
        w = lower_bound_witness(size)
        m = w.matrices()
        expected = (sympy.zeros(size, size), sympy.eye(size), sympy.zeros(size, 1), sympy.eye(size))
        if (m["W"], m["F"], m["b"], m["C"]) != expected or not is_contractive(w.W):
            raise CheckFailed(f"lower_bound_witness({size}) is not W = 0, F = I, b = 0, C = I with ||W||_2 < 1")
    return proved(
        "sympy matrix algebra with symbolic n: W h + F x + b = 0 h + I x + 0 = x for every previous state h, so "
        "h(k) = relu(x(k)) and y(k) = I h(k) = relu(x(k)) independent of earlier inputs; W v = 0 for every v, "
        f"so ||W||_2 = 0 < 1.  (lower_bound_witness(n) is this network, certified contractive, for n = 1..{max(SIZES)})"
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
    return checked(
        len(records),
        f"exact rational ranks (python-flint) on undersized candidates: every one violates a Jacobian "
        f"condition ({table}); each got a distinguishing input at the same point, re-simulated exactly and "
        f"re-checked from its JSON (lengths: {dict(sorted(lengths.items()))})",
        candidates=records,
    )


@script.check("the lemma is tight: the 2n construction meets every condition, dim K = n = m - rank P_1")
def lemma_tight_for_construction() -> object:
    rng = random.Random(3)
    sizes = []
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
        sizes.append(n)
    return checked(
        len(sizes),
        f"exact ranks at a generic positive point for n = {sizes}: U = [[0, I], [I, 0]] orthogonal, all three "
        "conditions hold, and n + d_0 - d_1 = dim K = n = m - rank P_1 = m - n - d_1, so m >= 2n + d_0 holds "
        "with equality",
    )


@script.check("n = 1 (z3): no 1-state URNN of any parameters matches relu(x) on inputs of length 2")
def one_state_formal() -> object:
    import z3

    ctx = z3.Context()  # this query's own names
    U, G, c, D, g0, Mv = params = z3.Reals("U G c D g0 M", ctx=ctx)
    zero = z3.RealVal(0, ctx)

    def relu(e: Any) -> Any:
        return z3.If(e > 0, e, zero)

    # The assumptions: a 1 x 1 orthogonal U and a positive bound M.  The negated goal: the outputs match on
    # the 9 inputs (x(0), x(1)) in {0, M/2, M}^2.
    assumptions = [U * U == 1, Mv > 0]
    grid = [zero, Mv / 2, Mv]
    match = []
    for x0 in grid:
        for x1 in grid:
            h0 = relu(U * g0 + G * x0 + c)
            h1 = relu(U * h0 + G * x1 + c)
            match += [D * h0 == relu(x0), D * h1 == relu(x1)]
    solver = z3.Solver(ctx=ctx)
    solver.set("timeout", 60_000)
    solver.add(*assumptions, *match)
    result = solver.check()
    if result == z3.sat:
        again = nonvacuity([*assumptions, *match], free=params, ctx=ctx)
        if again:
            raise CheckFailed(f"z3 found matching parameters, re-checked exactly: {solver.model()}")
        return unknown(f"z3 answered sat but its model does not re-check exactly: {again.detail}")
    if result != z3.unsat:
        return unknown(f"z3 returned {result} ({solver.reason_unknown()})")
    nv = nonvacuity(assumptions, free=params, ctx=ctx)
    if not nv:
        return vacuous(nv)
    return proved(
        "z3 (nonlinear real arithmetic, exact): the constraints U^2 = 1 (orthogonal 1 x 1), M > 0 and "
        "matching outputs y(0), y(1) on the 9 inputs (x(0), x(1)) in {0, M/2, M}^2 are unsatisfiable for "
        "real G, c, D, h0 -- a fortiori no parameters match on the whole ball X_M.  Non-vacuity shown: "
        f"U^2 = 1, M > 0 alone have a z3 model re-checked exactly ({nv.detail}); own z3 context"
    )


@script.check("tightness: a 2n-state URNN is equivalent to the witness on every horizon")
def tightness() -> object:
    done, how = [], ""
    for n in (1, 2, 3, 4):
        witness = lower_bound_witness(n)
        urnn = construct_urnn(witness, M, norm="inf").urnn
        if urnn.n != 2 * n or not is_orthogonal(urnn.W):
            raise CheckFailed(
                f"n = {n}: construct_urnn gave {urnn.n} states (orthogonal: {bool(is_orthogonal(urnn.W))})"
            )
        verdict = prove_equivalence(witness, urnn, input_bound=M, norm="inf")
        if verdict.status != "proved":
            return unknown(f"n = {n}: {verdict.summary()}")
        done.append(n)
        how = f"{verdict.method}; {verdict.data['recheck']['method']}: passed"
    return checked(
        len(done),
        f"for n = {done}, Theorem 1's construct_urnn gives a 2n-state URNN that prove_equivalence shows "
        f"equivalent to the witness on all horizons (M = {M}, inf-norm inputs), so Theorem 2's bound is tight "
        f"for these n: {how}",
    )


if __name__ == "__main__":
    raise SystemExit(script.main())
