"""Proof checks for math.md section 2: Theorem 1 (ReLU: 2n states suffice).

Read top to bottom; every check returns what established it: "proved" for the
general statement, "checked on N instances" for a check over finitely many.  Run with
``urnn-sym prove theorem1`` or ``python proofs/theorem1.py``.
"""

from __future__ import annotations

import random
from fractions import Fraction

import flint
import sympy

from urnn_sym import RNN, simulate
from urnn_sym.construct.completion import minimal_completion, unitary_completion
from urnn_sym.construct.ldl import ldl_completion
from urnn_sym.construct.rational import cayley, rational_defect_rnn, rational_defect_svd
from urnn_sym.construct.theorem1 import construct_urnn
from urnn_sym.proofkit import CheckFailed, Script, checked, proved
from urnn_sym.smt.induction import prove_equivalence

script = Script("theorem1", "math.md section 2: unitary completion and the equivalent 2n-state URNN")

# Noncommutative block symbols: W, its transpose Wt, and the symmetric defect operators.
W, Wt, D, Ds = sympy.symbols("W Wt D Ds", commutative=False)
ONE = sympy.Integer(1)  # stands for the identity block


def _rewrite(expr: sympy.Expr) -> sympy.Expr:
    """Apply the defect relations D D = I - Wt W, Ds Ds = I - W Wt, W D = Ds W, D Wt = Wt Ds until stable."""
    rules = [(D * D, ONE - Wt * W), (Ds * Ds, ONE - W * Wt), (W * D, Ds * W), (D * Wt, Wt * Ds)]
    for _ in range(10):
        new = sympy.expand(expr)
        for lhs, rhs in rules:
            new = sympy.expand(new.subs(lhs, rhs))
        if new == expr:
            break
        expr = new
    return expr


@script.check("W (W^T W)^k = (W W^T)^k W for every k, hence W D_W = D_W* W (intertwining)")
def intertwining_general() -> object:
    # Induction on k with noncommutative symbols: P stands for (W^T W)^k and Q for (W W^T)^k.
    if W * ONE - ONE * W != 0:
        raise CheckFailed("base case k = 0: W I != I W")
    P, Q = sympy.symbols("P Q", commutative=False)
    # (W^T W)^(k+1) = P W^T W and (W W^T)^(k+1) = Q W W^T; the hypothesis W P = Q W rewrites the left side.
    lhs = sympy.expand(W * (P * Wt * W)).subs(W * P, Q * W)
    rhs = sympy.expand((Q * W * Wt) * W)
    if sympy.expand(lhs - rhs) != 0:
        raise CheckFailed(f"induction step: W (W^T W)^(k+1) rewrites to {lhs}, not (W W^T)^(k+1) W = {rhs}")
    return proved(
        "noncommutative sympy, induction on k: k = 0 is W = W; if W P = Q W for P = (W^T W)^k, Q = (W W^T)^k, "
        "then W (P W^T W) = (Q W) W^T W = (Q W W^T) W.  D_W = p(W^T W) and D_W* = p(W W^T) for one polynomial p "
        "interpolating sqrt(1 - t) on the common spectrum (a textbook step, not machine-checked), so "
        "W D_W = D_W* W"
    )


@script.check("U^T U = I for U = [[W, D_W*], [D_W, -W^T]], general n (block algebra)")
def block_identity() -> object:
    U = sympy.Matrix([[W, Ds], [D, -Wt]])
    Ut = sympy.Matrix([[Wt, D], [Ds, -W]])  # D, Ds symmetric
    G = Ut * U
    expected = sympy.Matrix([[ONE, 0], [0, ONE]])
    for i in range(2):
        for j in range(2):
            if _rewrite(G[i, j]) != expected[i, j]:
                raise CheckFailed(f"block ({i}, {j}) of U^T U rewrites to {_rewrite(G[i, j])}")
    return proved(
        "noncommutative symbols W, Wt, D, Ds rewritten with D^2 = I - W^T W, D*^2 = I - W W^T and the "
        "intertwining identity: the blocks are I, 0, 0, I"
    )


@script.check("symbolic n = 1 (|w| < 1) and generic 2 x 2: U^T U = I")
def symbolic_cases() -> object:
    t = sympy.Symbol("t", real=True)
    one = unitary_completion(sympy.Matrix([[2 * t / (1 + t**2)]]))
    w = sympy.Symbol("w", real=True)
    one_w = unitary_completion(sympy.Matrix([[w]]), assume_contractive=True)
    a, b, c, d = sympy.symbols("a b c d", real=True)
    two = unitary_completion(sympy.Matrix([[a, b], [c, d]]), assume_contractive=True)
    for name, comp in (("w = 2t/(1+t^2)", one), ("w, |w| <= 1 assumed", one_w), ("[[a, b], [c, d]]", two)):
        if not comp.orthogonal:
            raise CheckFailed(f"{name}: {comp.orthogonal.detail}")
    return proved(
        "sympy: every entry of U^T U - I reduces to 0 modulo the relations r^2 = (radicand) of its square "
        "roots, for n = 1 (w = 2t/(1+t^2), and w with |w| <= 1) and the generic 2 x 2 W = [[a, b], [c, d]] "
        "with sqrt(A) = (A + sqrt(det A) I) / sqrt(tr A + 2 sqrt(det A))"
    )


def _instances() -> list[tuple[str, RNN, object]]:
    out: list[tuple[str, RNN, object]] = []
    for n, seed in ((1, 1), (2, 2), (3, 3), (5, 4), (8, 5)):
        inst = rational_defect_rnn(n, 2, 2, seed=seed)
        out.append((f"rational-defect n={n}", inst.rnn, inst.svd))
    half = Fraction(1, 2)
    out.append(
        ("algebraic 2 x 2", RNN([[half, -Fraction(1, 4)], [Fraction(1, 3), 0]], [[1], [-half]], [0, 1], [[1, 2]]), None)
    )
    return out


@script.check("W D_W = D_W* W exactly on rational-defect and algebraic instances")
def intertwining_exact() -> object:
    names = []
    for name, rnn, svd in _instances():
        comp = unitary_completion(rnn.W, svd=svd)
        S = [sympy.Matrix(x) if not isinstance(x, flint.fmpq_mat) else x for x in (rnn.W, comp.D, comp.D_star)]
        if isinstance(comp.D, flint.fmpq_mat):
            ok = comp.D_star * rnn.W == rnn.W * comp.D
        else:
            diff = (sympy.Matrix(rnn.matrices()["W"]) * S[1] - S[2] * sympy.Matrix(rnn.matrices()["W"])).applyfunc(
                sympy.nsimplify
            )
            ok = all(sympy.minimal_polynomial(x, sympy.Symbol("z")) == sympy.Symbol("z") for x in diff)
        if not ok or not comp.orthogonal:
            raise CheckFailed(f"{name}: W D_W != D_W* W or U^T U != I")
        names.append(name)
    return checked(len(names), f"exact products (python-flint / minimal polynomials): {', '.join(names)}")


def _inputs(rng: random.Random, T: int, d: int, bound: Fraction) -> list[list[Fraction]]:
    """inf-norm bounded rational inputs, a quarter of them on the boundary."""
    return [
        [
            bound * rng.choice((-1, 1)) if rng.random() < 0.25 else bound * Fraction(rng.randint(-20, 20), 20)
            for _ in range(d)
        ]
        for _ in range(T)
    ]


@script.check("state bound ||h(k)|| <= H and extra pre-activations D_W h(k-1) + b2 <= 0 (exact instances)")
def state_bound() -> object:
    rng = random.Random(7)
    steps, instances = 0, 0
    for name, rnn, svd in _instances()[:5]:
        bound = Fraction(3, 2)
        res = construct_urnn(rnn, bound, norm="inf", svd=svd)
        xs = _inputs(rng, 150, rnn.d, bound)
        _, hs = simulate(rnn, xs, return_states=True)
        H2 = res.H * res.H
        Y = res.urnn.W  # rows n.. of U, columns :n are D_W
        n = rnn.n
        prev = [Fraction(0)] * n if rnn.h0 is None else [Fraction(int(q.p), int(q.q)) for q in rnn.h0.entries()]
        Yrows = [[Fraction(int(Y[n + i, j].p), int(Y[n + i, j].q)) for j in range(n)] for i in range(n)]
        for k in range(len(xs)):
            pre = [sum(Yrows[i][j] * prev[j] for j in range(n)) + res.b2[i] for i in range(n)]
            if any(p > 0 for p in pre):
                raise CheckFailed(f"{name}: extra pre-activation > 0 at step {k}")
            h = list(hs[k])
            if sum(v * v for v in h) > H2:
                raise CheckFailed(f"{name}: ||h({k})||^2 > H^2")
            prev = h
            steps += 1
        instances += 1
    return checked(
        instances,
        f"exact rational arithmetic on rational-defect instances, one input sequence each ({steps} steps in all) "
        "with inf-norm inputs <= 3/2 (a quarter on the boundary): ||h(k)||^2 <= H^2 and every extra "
        "pre-activation <= 0",
    )


@script.check("RNN and URNN outputs are exactly equal over long rational input sequences")
def outputs_equal() -> object:
    rng = random.Random(11)
    T = 400
    done = []
    for name, rnn, svd in _instances():
        bound = Fraction(2)
        res = construct_urnn(rnn, bound, norm="inf", svd=svd)
        xs = _inputs(rng, T if svd is not None else 60, rnn.d, bound)
        if not (simulate(rnn, xs) == simulate(res.urnn, xs)).all():
            raise CheckFailed(f"{name}: outputs differ")
        done.append(f"{name} (T={len(xs)})")
    return checked(len(done), "exact simulation of one long input sequence each, identical outputs: " + ", ".join(done))


@script.check("minimal completion: n + rank(I - W^T W) states; blockdiag(Q, K) equivalent on all horizons")
def minimal_counts() -> object:
    counts = []
    instances = 0
    for n, unit, seed in ((3, 1, 1), (4, 2, 2), (5, 5, 3), (6, 0, 4)):
        svd = rational_defect_svd(n, seed=seed, unit=unit)
        m = minimal_completion(svd.W, svd=svd)
        if m.rank != n - unit or not m.orthogonal:
            raise CheckFailed(f"n={n}, {unit} unit singular values: rank {m.rank}, orthogonal {bool(m.orthogonal)}")
        counts.append(f"n={n}, unit={unit}: {n + m.rank} states")
        instances += 1
    Q = cayley([[0, Fraction(1, 2)], [Fraction(-1, 2), 0]])
    Wm = [[Q[0, 0], Q[0, 1], 0], [Q[1, 0], Q[1, 1], 0], [0, 0, Fraction(3, 5)]]
    rnn = RNN(Wm, [[1], [0], [1]], [0, 0, Fraction(1, 4)], [[1, 1, 1]], [1, 0, 0])
    res = construct_urnn(rnn, 1, minimal=True)
    xs = _inputs(random.Random(3), 300, 1, Fraction(1))
    if res.urnn.n != 4 or res.horizon is not None or not (simulate(rnn, xs) == simulate(res.urnn, xs)).all():
        raise CheckFailed("blockdiag(Q, K): expected 4 states, all horizons and equal outputs")
    instances += 1
    return checked(
        instances,
        "exact rank of the rational Y and exact U^T U == I: "
        + "; ".join(counts)
        + f"; W = blockdiag(Q 2x2 orthogonal, 3/5): 4 states, construct_urnn reports all horizons, outputs equal "
        f"on one input of {len(xs)} steps (the extra row sees only the contractive block)",
    )


@script.check("LDL^T completion: U^T U = I for the generic symbolic 2 x 2 W (identity of rational functions)")
def ldl_symbolic_generic() -> object:
    a, b, c, d = sympy.symbols("a b c d", real=True)
    comp = ldl_completion(sympy.Matrix([[a, b], [c, d]]), assume_contractive=True)
    if not comp.orthogonal:
        raise CheckFailed(f"generic 2 x 2: {comp.orthogonal.detail}")
    # re-checked here, apart from the construction: the identity on R, and U = S1 R S2 entry by entry (squares)
    left = [sympy.Integer(1)] * 2 + list(comp.pivots_P)
    right = [sympy.Integer(1)] * 2 + list(comp.pivots_Q)
    G = comp.R.T * sympy.diag(*left) * comp.R - sympy.diag(*[1 / v for v in right])
    if any(sympy.cancel(x) != 0 for x in G):
        raise CheckFailed("generic 2 x 2: R^T diag(I, Λ_P) R != diag(I, Λ_Q^-1)")
    if any(
        sympy.cancel(comp.U[i, j] ** 2 - comp.R[i, j] ** 2 * left[i] * right[j]) != 0
        for i in range(4)
        for j in range(4)
    ):
        raise CheckFailed("generic 2 x 2: U is not diag(I, Λ_P^1/2) R diag(I, Λ_Q^1/2)")
    return proved(
        "sympy, computed by the construction and re-computed here: R^T diag(I, Λ_P) R - diag(I, Λ_Q^-1) cancels to "
        "0 as rational functions of a, b, c, d, and U_ij^2 = R_ij^2 s_i t_j entry by entry, so "
        "U = diag(I, Λ_P^1/2) R diag(I, Λ_Q^1/2) is orthogonal for every 2 x 2 W whose pivots are positive "
        "(that is ||W||_2 < 1; docs/tutorials/theorem1.md section 7 gives the argument for every n)"
    )


@script.check("LDL^T route: random rational contractions of sizes 1..8 give all-horizon-proved Theorem 1 pairs")
def ldl_pairs_proved() -> object:
    rng = random.Random(15)
    sizes = []
    for n in range(1, 9):
        vals = [Fraction(rng.randint(-9, 9), 10) for _ in range(n * n)]
        W_n = [[v / n for v in vals[i * n : (i + 1) * n]] for i in range(n)]  # ||W||_2 <= ||W||_inf < 1
        F = [[Fraction(rng.randint(-3, 3), 4)] for _ in range(n)]
        rnn = RNN(W_n, F, [Fraction(rng.randint(-2, 2), 8) for _ in range(n)], [[1] * n])
        res = construct_urnn(rnn, 1)
        if not res.method.startswith("LDL^T") or res.urnn.n != 2 * n or not res.orthogonal:
            raise CheckFailed(f"n={n}: {res.method}, {res.urnn.n} states, {res.orthogonal.detail}")
        verdict = prove_equivalence(rnn, res.urnn, input_bound=1)
        if verdict.status != "proved":
            raise CheckFailed(f"n={n}: the pair is {verdict.status}: {verdict.reason}")
        sizes.append(n)
    return checked(
        len(sizes),
        "construct_urnn (LDL^T completion, U^T U = I by exact identities over Q) and prove_equivalence "
        f"(induction, exact certificates, independent re-check) on one random rational RNN each of n = {sizes}",
    )


if __name__ == "__main__":
    raise SystemExit(script.main())
