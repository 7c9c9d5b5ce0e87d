"""Proof checks for math.md section 1: facts about the RNN model itself.

Read top to bottom; every check returns what established it: "proved" for the
general statement, "checked on N instances" for a check over finitely many.  Run with
``urnn-sym prove model`` or ``python proofs/model.py``.
"""

from __future__ import annotations

import random
from fractions import Fraction

import numpy as np
import sympy

from urnn_sym import RNN, simulate
from urnn_sym.proofkit import CheckFailed, Script, checked, proved

script = Script("model", "math.md section 1: the RNN model, its number systems and the ReLU scaling symmetry")


def _random_rational_rnn(rng: random.Random, n: int, d: int, p: int) -> RNN:
    def q() -> Fraction:
        return Fraction(rng.randint(-9, 9), rng.randint(1, 9))

    return RNN(
        [[q() / (2 * n) for _ in range(n)] for _ in range(n)],
        [[q() for _ in range(d)] for _ in range(n)],
        [q() for _ in range(n)],
        [[q() for _ in range(n)] for _ in range(p)],
        [abs(q()) for _ in range(n)],
    )


@script.check("relu(l z) = l relu(z) for every real z and every l > 0")
def relu_positive_homogeneity() -> object:
    l = sympy.Symbol("l", positive=True)
    cases = {
        "z > 0": sympy.Symbol("z", positive=True),
        "z < 0": sympy.Symbol("z", negative=True),
        "z = 0": sympy.Integer(0),
    }
    for label, z in cases.items():
        diff = sympy.Max(0, l * z) - l * sympy.Max(0, z)
        if diff != 0:
            raise CheckFailed(f"case {label}: relu(l z) - l relu(z) evaluates to {diff}")
    return proved("sympy evaluation in the three exhaustive cases z > 0, z = 0, z < 0 (with l > 0)")


@script.check("(W, F, b, C, h0) -> (L W L^-1, L F, L b, C L^-1, L h0) is an exact equivalence for ReLU")
def relu_diagonal_scaling() -> object:
    # Every n, d, p and every positive diagonal L.  The scaled network's state is
    # L h(k): if h'(k-1) = L h(k-1), its pre-activation is
    # L W L^-1 (L h(k-1)) + L F x(k) + L b = L z(k) (matrix algebra, checked here
    # with symbolic sizes), and relu(L z) = L relu(z) component by component
    # ((L z)_i = l_i z_i and the previous check), so h'(k) = L h(k); the start is
    # h'(-1) = L h0 and the output C L^-1 (L h(k)) = C h(k).  Induction on k.
    n, d, p = sympy.symbols("n d p", integer=True, positive=True)
    L, W = sympy.MatrixSymbol("L", n, n), sympy.MatrixSymbol("W", n, n)
    F, b, C = sympy.MatrixSymbol("F", n, d), sympy.MatrixSymbol("b", n, 1), sympy.MatrixSymbol("C", p, n)
    h, x = sympy.MatrixSymbol("h", n, 1), sympy.MatrixSymbol("x", d, 1)
    identities = {
        "pre-activation": ((L * W * L.I) * (L * h) + (L * F) * x + L * b, L * (W * h + F * x + b)),
        "output": ((C * L.I) * (L * h), C * h),
    }
    for label, (lhs, rhs) in identities.items():
        diff = sympy.expand(lhs - rhs).doit()
        if not (diff.is_ZeroMatrix or diff == 0):
            raise CheckFailed(f"{label}: {lhs} - ({rhs}) expands to {diff}, not 0")
    return proved(
        "sympy matrix algebra with symbolic sizes n, d, p: L W L^-1 (L h) + L F x + L b = L (W h + F x + b) and "
        "C L^-1 (L h) = C h; relu(L z) = L relu(z) component by component (relu-positive-homogeneity, "
        "(L z)_i = l_i z_i); induction on k from h'(-1) = L h0 gives h'(k) = L h(k) and equal outputs"
    )


@script.check("the ReLU scaling symmetry on exact random instances (simulation of the implementation)")
def relu_diagonal_scaling_instances() -> object:
    rng = random.Random(1)
    instances, steps = 0, 60
    for _ in range(12):
        rnn = _random_rational_rnn(rng, n=3, d=2, p=2)
        ell = [Fraction(rng.randint(1, 9), rng.randint(1, 9)) for _ in range(3)]
        L_m = sympy.diag(*ell)
        L_inv = L_m.inv()
        m = rnn.matrices()
        scaled = RNN(L_m * m["W"] * L_inv, L_m * m["F"], L_m * m["b"], m["C"] * L_inv, L_m * m["h0"])
        xs = [[Fraction(rng.randint(-20, 20), 7) for _ in range(2)] for _ in range(steps)]
        if not (simulate(rnn, xs) == simulate(scaled, xs)).all():
            raise CheckFailed("scaled and original ReLU RNN outputs differ on an exact instance")
        instances += 1
    return checked(
        instances,
        f"exact rational simulation of random 3-state networks and random positive diagonal L, {steps} steps "
        "each: identical outputs",
    )


@script.check("the scaling symmetry fails for sigmoid (exact counterexample)")
def sigmoid_no_scaling() -> object:
    # W = 0, F = 1, b = 0, C = 1 and L = 2: at x = 0 the original outputs
    # sigmoid(0) = 1/2 while the scaled one outputs (1/2) sigmoid(0) = 1/4.
    x = sympy.Integer(0)
    original = simulate(RNN([[0]], [[1]], [0], [[1]], activation="sigmoid", system="symbolic"), [[x]])[0, 0]
    scaled = simulate(RNN([[0]], [[2]], [0], [[sympy.Rational(1, 2)]], activation="sigmoid", system="symbolic"), [[x]])[
        0, 0
    ]
    half, quarter = sympy.Rational(1, 2), sympy.Rational(1, 4)
    if sympy.simplify(original - half) != 0 or sympy.simplify(scaled - quarter) != 0:
        raise CheckFailed(f"expected outputs 1/2 and 1/4 but found {original} and {scaled}")
    return proved("exact symbolic evaluation: sigmoid(0) = 1/2, so the outputs at x(0) = 0 are 1/2 and 1/4")


@script.check("float64 -> exact conversion is exact and the three number systems agree")
def number_systems_agree() -> object:
    rng = np.random.default_rng(7)
    W = rng.standard_normal((3, 3)) / 4
    rnn = RNN(W, rng.standard_normal((3, 2)), rng.standard_normal(3), rng.standard_normal((1, 3)))
    exact = rnn.to_exact()
    if exact.to_float() != rnn:
        raise CheckFailed("float64 -> exact -> float64 does not return the same doubles")
    if any(Fraction(float(v)) != v for v in exact.matrices()["W"]):
        raise CheckFailed("an exact entry is not the dyadic value of its double")
    syms = sympy.symbols("x0:6", real=True)
    xs_sym = [list(syms[2 * k : 2 * k + 2]) for k in range(3)]
    symbolic = simulate(exact.to_symbolic(), xs_sym)  # once; each input below is substituted into it
    inputs = 0
    for _ in range(8):
        values = {s: sympy.Rational(rng.integers(-9, 10), 4) for s in syms}
        xs_exact = [[values[s] for s in row] for row in xs_sym]
        direct = simulate(exact, xs_exact)
        substituted = symbolic.xreplace(values)
        if any(sympy.Rational(direct[k, 0]) != substituted[k, 0] for k in range(3)):
            raise CheckFailed(f"symbolic simulation with inputs {values} substituted differs from exact simulation")
        inputs += 1
    return checked(
        inputs,
        "one random float64 RNN (3 states): dyadic round trip float64 -> exact -> float64 exact; for each "
        "rational input sequence (3 steps), symbolic simulation (Max(0, .)) with the inputs substituted equals "
        "flint's exact simulation",
    )


if __name__ == "__main__":
    raise SystemExit(script.main())
