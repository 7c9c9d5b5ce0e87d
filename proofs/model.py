"""Proof checks for math.md section 1: facts about the RNN model itself.

Read top to bottom; every check returns what proved it.  Run with
``urnn-sym prove model`` or ``python proofs/model.py``.
"""

from __future__ import annotations

import random
from fractions import Fraction

import numpy as np
import sympy

from urnn_sym import RNN, simulate
from urnn_sym.proofkit import CheckFailed, Script, proved

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
    # One step of the scaled network maps the state L h to L h' (by the previous
    # check, applied row by row), and C L^-1 (L h') = C h'.  Check that step
    # symbolically for n = 2 with generic entries, by the sign cases of the two
    # pre-activations, then on exact rational instances over long inputs.
    l1, l2 = sympy.symbols("l1 l2", positive=True)
    L = sympy.diag(l1, l2)
    for s1 in (1, 0, -1):
        for s2 in (1, 0, -1):
            z = sympy.Matrix([s1 * sympy.Symbol("a", positive=True), s2 * sympy.Symbol("c", positive=True)])
            lhs = (L * z).applyfunc(lambda e: sympy.Max(0, e))
            rhs = L * z.applyfunc(lambda e: sympy.Max(0, e))
            if sympy.simplify(lhs - rhs) != sympy.zeros(2, 1):
                raise CheckFailed(f"relu(L z) != L relu(z) in sign case ({s1}, {s2})")
    rng = random.Random(1)
    instances, steps = 12, 60
    for _ in range(instances):
        rnn = _random_rational_rnn(rng, n=3, d=2, p=2)
        ell = [Fraction(rng.randint(1, 9), rng.randint(1, 9)) for _ in range(3)]
        L_m = sympy.diag(*ell)
        L_inv = L_m.inv()
        m = rnn.matrices()
        scaled = RNN(L_m * m["W"] * L_inv, L_m * m["F"], L_m * m["b"], m["C"] * L_inv, L_m * m["h0"])
        xs = [[Fraction(rng.randint(-20, 20), 7) for _ in range(2)] for _ in range(steps)]
        if not (simulate(rnn, xs) == simulate(scaled, xs)).all():
            raise CheckFailed("scaled and original ReLU RNN outputs differ on an exact instance")
    return proved(
        "sympy: relu(L z) = L relu(z) in all nine sign cases for n = 2; exact rational simulation "
        f"of {instances} random instances x {steps} steps gives identical outputs"
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
    if sympy.nsimplify(original) != sympy.Rational(1, 2) or sympy.nsimplify(scaled) != sympy.Rational(1, 4):
        raise CheckFailed(f"expected outputs 1/2 and 1/4 but found {original} and {scaled}")
    return proved("exact evaluation: sigmoid(0) = 1/2, so the outputs at x(0) = 0 are 1/2 and 1/4")


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
    symbolic = simulate(exact.to_symbolic(), xs_sym)
    values = {s: sympy.Rational(rng.integers(-9, 10), 4) for s in syms}
    xs_exact = [[values[s] for s in row] for row in xs_sym]
    direct = simulate(exact, xs_exact)
    substituted = symbolic.subs(values)
    if any(sympy.Rational(direct[k, 0]) != substituted[k, 0] for k in range(3)):
        raise CheckFailed("symbolic simulation with substituted inputs differs from exact simulation")
    return proved(
        "exact comparison: dyadic round trip, and symbolic simulation (Max(0, .)) with rational "
        "inputs substituted equals flint's exact simulation"
    )


if __name__ == "__main__":
    raise SystemExit(script.main())
