"""Proof checks for issue 8: stacked RNNs as delayed single-layer RNNs, and then as URNNs.

Read top to bottom; every check returns what established it: "proved" for the
general statement, "checked on N instances" for a check over finitely many.  Run with
``urnn-sym prove stacked`` or ``python proofs/stacked.py``.

The lag identity.  With ``s(-1) = s0`` and the pre-history ``p_1 = s_1(-1)``,
``p_l = s_l(l-2)`` (input-independent: block l at time l - 2 depends on block
l - 1 at time l - 3, ..., on block 1 at time -1 only), suppose
``W_l p_l = W_l h0_l`` for every l.  Then for every input, by induction on l and k:
``s_l(l-1) = phi(W_l p_l + V_l s_{l-1}(l-2) + b_l) = phi(W_l h0_l + V_l h_{l-1}(0) + b_l) = h_l(0)``
and ``s_l(k) = phi(W_l h_l(k-l) + V_l h_{l-1}(k-l+1) + b_l) = h_l(k-l+1)`` after that.
"""

from __future__ import annotations

import random
from fractions import Fraction

import numpy as np
import sympy

from urnn_sym import simulate
from urnn_sym.construct.hypotheses import is_contractive
from urnn_sym.errors import SolverTimeoutError
from urnn_sym.proofkit import CheckFailed, Script, checked, proved, unknown
from urnn_sym.stacked import (
    StackedRNN,
    at_equilibrium,
    check_delayed_equivalence,
    contractive_layer_scaling,
    delay_condition,
    simulate_delayed,
    simulate_stacked,
    stack_to_urnn,
    to_delayed_single_layer,
)

script = Script("stacked", "issue 8: stacked RNN = single-layer RNN with delay L - 1 = URNN with delay L - 1")


def _random_stacked(rng: random.Random, sizes: tuple[int, ...], d: int) -> StackedRNN:
    def q() -> Fraction:
        return Fraction(rng.randint(-9, 9), rng.randint(1, 9))

    layers, prev = [], d
    for n in sizes:
        layers.append(
            ([[q() / (10 * n) for _ in range(n)] for _ in range(n)], [[q()] * prev for _ in range(n)], [q()] * n)
        )
        layers[-1][1][0] = [q() for _ in range(prev)]
        prev = n
    return StackedRNN(layers, [[q() for _ in range(prev)]])


@script.check("lag identity for generic parameters, every k: symbolic 2-layer network (one unit per layer) from 0")
def lag_identity_symbolic() -> object:
    # Every parameter and input is a symbol; b_l = 0 and h0 = 0 make 0 a fixed point of each layer.
    # Claim: s(k) = (h_1(k), h_2(k - 1)) for every k >= 0, hence y_single(k + 1) = c h_2(k) = y_stacked(k).
    w1, w2, v1, v2, c = sympy.symbols("w1 w2 v1 v2 c", real=True)
    net = StackedRNN([([[w1]], [[v1]], [0]), ([[w2]], [[v2]], [0])], [[c]])
    single = to_delayed_single_layer(net)

    def relu(e: sympy.Expr) -> sympy.Expr:
        return sympy.Max(0, e)

    # Base case k = 0 from s(-1) = 0: s(0) = (relu(v1 x0), relu(0)) = (h_1(0), h_2(-1)) with h_2(-1) = 0.
    x0, x, a, e = sympy.symbols("x0 x a e", real=True)
    _, s0 = simulate(single.rnn, [[x0]], return_states=True)
    if sympy.simplify(s0[0, 0] - relu(v1 * x0)) != 0 or sympy.simplify(s0[0, 1]) != 0:
        raise CheckFailed(f"base case: s(0) = {list(s0[0])}, expected (relu(v1 x0), 0)")
    # Induction step: from s(k) = (a, e) = (h_1(k), h_2(k - 1)) and any input x = x(k + 1), one step gives
    # (h_1(k + 1), h_2(k)) = (relu(w1 a + v1 x), relu(w2 e + v2 a)) and the output c h_2(k) = y_stacked(k).
    ys, s1 = simulate(single.rnn.replace(h0=[[a], [e]]), [[x]], return_states=True)
    expected = (relu(w1 * a + v1 * x), relu(w2 * e + v2 * a))
    if any(sympy.simplify(s1[0, i] - expected[i]) != 0 for i in range(2)) or sympy.simplify(ys[0, 0] - c * expected[1]):
        raise CheckFailed(f"induction step: s(k + 1) = {list(s1[0])}, y = {ys[0, 0]}; expected {expected}")
    # The same identity unrolled, as a cross-check of simulate_stacked against the definition.
    xs = [[xk] for xk in sympy.symbols("x0:4", real=True)]
    ys_stacked, ydel = simulate_stacked(net, xs), simulate_delayed(single.rnn, xs, delay=1)
    for k in range(len(xs)):
        if sympy.simplify(ys_stacked[k, 0] - ydel[k, 0]) != 0:
            raise CheckFailed(f"y_stacked({k}) = {ys_stacked[k, 0]} but y_single({k + 1}) = {ydel[k, 0]}")
    return proved(
        "sympy, induction on k in the symbols w1, w2, v1, v2, c: base case s(0) = (h_1(0), h_2(-1)) from s(-1) = 0; "
        "step: one step of the single layer from the symbolic state (h_1(k), h_2(k - 1)) with a symbolic input "
        "gives (h_1(k + 1), h_2(k)) and the output c h_2(k) = y_stacked(k), by the layer recurrences; "
        f"unrolled cross-check: simulate_stacked and simulate_delayed give identical expressions for k < {len(xs)}"
    )


@script.check("lag identity s_l(k) = h_l(k - l + 1) on exact instances started at an equilibrium")
def lag_identity_exact() -> object:
    rng = random.Random(8)
    instances, steps = 0, 30
    for _ in range(20):
        net = at_equilibrium(_random_stacked(rng, (2, 3, 2), 2), [Fraction(rng.randint(-3, 3)), Fraction(1, 2)])
        single = to_delayed_single_layer(net)
        xs = [[Fraction(rng.randint(-20, 20), 7) for _ in range(2)] for _ in range(steps)]
        _, hs = simulate_stacked(net, xs, return_states=True)
        _, ss = simulate(single.rnn, xs + [[0, 0]] * single.delay, return_states=True)
        offsets = np.cumsum((0, *net.sizes))
        for l in range(1, net.L + 1):
            for k in range(l - 1, steps + l - 1):
                if list(ss[k, offsets[l - 1] : offsets[l]]) != list(hs[l - 1][k - l + 1]):
                    raise CheckFailed(f"s_{l}({k}) != h_{l}({k - l + 1}) on an exact instance")
        instances += 1
    return checked(
        instances,
        f"exact rational simulation (python-flint) of random 3-layer networks, one input of {steps} steps each",
    )


@script.check("an arbitrary initial state breaks the identity (exact counterexample)")
def counterexample() -> object:
    net = StackedRNN([([[0]], [[1]], [0]), ([[Fraction(1, 2)]], [[1]], [0], [1])], [[1]])
    cond = delay_condition(net)
    single = to_delayed_single_layer(net, require_condition=False)
    y_stacked = simulate_stacked(net, [[0]])[0, 0]
    y_single = simulate_delayed(single.rnn, [[0]], delay=1)[0, 0]
    if cond or y_stacked == y_single:
        raise CheckFailed("the counterexample does not separate the outputs")
    repaired = to_delayed_single_layer(net, s0=[0, 2])
    if not (simulate_stacked(net, [[1], [-1]]) == simulate_delayed(repaired.rnn, [[1], [-1]], delay=1)).all():
        raise CheckFailed("the re-initialised single layer s(-1) = (0, 2) does not reproduce the stacked outputs")
    return proved(
        f"exact: h0 = (0, 1), W_2 = 1/2, x(0) = 0 gives y_stacked(0) = {y_stacked} but y_single(1) = {y_single}; "
        "the pre-history condition fails at layer 2 (delay_condition); aside: s(-1) = (0, 2) satisfies it and "
        "reproduces the stacked outputs on the input (1, -1)"
    )


@script.check("the layer scaling alpha^(l-1) gives a certified norm below 1 when max ||W_l|| < 1")
def scaling_bound() -> object:
    rng = random.Random(3)
    worst, instances = Fraction(0), 0
    for _ in range(15):
        net = _random_stacked(rng, (2, 2, 2), 1)
        s = contractive_layer_scaling(net)
        if not (s.norm_upper < 1 and is_contractive(s.delayed.rnn.W)):
            raise CheckFailed(f"alpha = {s.alpha}: the scaled recurrence is not certified contractive")
        worst = max(worst, s.norm_upper)
        instances += 1
    return checked(
        instances,
        "random 3-layer networks: an exact LDL^T certificate of ||W_scaled||_2 < 1 each (largest certified norm "
        f"{float(worst):.4f}); the general bound ||blockdiag(W_l) + alpha subdiag(V_l)|| <= max||W_l|| + "
        "alpha max||V_l|| is the triangle inequality, not machine-checked here",
    )


@script.check("stacked = scaled delayed single layer, z3 bounded check of the shifted outputs")
def z3_delayed() -> object:
    rng = random.Random(5)
    networks = []
    for sizes in ((2, 2, 1),):
        net = at_equilibrium(_random_stacked(rng, sizes, 1))
        scaled = contractive_layer_scaling(net).delayed.rnn
        # check_delayed_equivalence asks z3 in a fresh context and trusts its unsat only after showing the
        # assumptions (the input box) non-vacuous with a model re-checked exactly; otherwise it raises.
        try:
            check = check_delayed_equivalence(net, scaled, delay=net.L - 1, input_bound=2, horizon=4, norm="inf")
        except SolverTimeoutError as exc:
            return unknown(f"sizes {sizes}: {exc}")
        if not check:
            raise CheckFailed(check.detail)
        networks.append(f"sizes {sizes}: {check.method}")
    return checked(
        len(networks),
        "random networks at an equilibrium, z3 over every input in the box, own z3 context, non-vacuity of the "
        f"assumptions shown: {'; '.join(networks)}",
    )


@script.check("stacked = URNN with delay L - 1 (Theorem 1 on the scaled delayed single layer)")
def composed_urnn() -> object:
    rng = random.Random(11)
    net = at_equilibrium(_random_stacked(rng, (1, 1), 1))
    try:
        result = stack_to_urnn(net, 1, norm="inf")
    except Exception as exc:  # the Theorem 1 module is written concurrently (issue 3)
        return unknown(f"construct_urnn unavailable: {type(exc).__name__}: {exc}")
    inputs, steps = 0, 10
    for _ in range(2):  # the URNN has algebraic entries: each simulation takes seconds
        xs = [[Fraction(rng.randint(-7, 7), 7)] for _ in range(steps)]
        if not (simulate_stacked(net, xs) == simulate_delayed(result.urnn, xs, delay=result.delay)).all():
            raise CheckFailed(f"URNN outputs delayed by L - 1 differ from the stacked outputs on {xs}")
        inputs += 1
    return checked(
        inputs,
        f"one random 2-layer network; URNN with {result.urnn.n} states, delay {result.delay}; exact simulation of "
        f"random inputs of {steps} steps in the box ||x||_inf <= 1: identical outputs",
    )


if __name__ == "__main__":
    raise SystemExit(script.main())
