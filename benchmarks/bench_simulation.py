"""Exact simulation speed: urnn-sym (python-flint) against a plain Fraction loop.

Measures T = 1000 steps of a rational ReLU RNN with n = 32 states, d = 4 inputs,
both implementations in the same run, checks that their outputs are identical,
and prints the times and the speed-up ratio.

    python benchmarks/bench_simulation.py [--steps T] [--states n]
"""

from __future__ import annotations

import argparse
import random
import time
from fractions import Fraction

from urnn_sym import RNN, simulate


def fraction_loop(W, F, b, C, xs):
    """The baseline: the same recursion with lists of Fractions."""
    n = len(W)
    h = [Fraction(0)] * n
    ys = []
    for x in xs:
        z = [
            sum(W[i][j] * h[j] for j in range(n)) + sum(F[i][k] * x[k] for k in range(len(x))) + b[i] for i in range(n)
        ]
        h = [v if v > 0 else Fraction(0) for v in z]
        ys.append([sum(C[r][j] * h[j] for j in range(n)) for r in range(len(C))])
    return ys


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--steps", type=int, default=1000)
    parser.add_argument("--states", type=int, default=32)
    args = parser.parse_args()
    rng = random.Random(0)
    n, d, T = args.states, 4, args.steps

    def q(den: int) -> Fraction:
        return Fraction(rng.randint(-8, 8), den)

    W = [[q(8 * n) for _ in range(n)] for _ in range(n)]
    F = [[q(16) for _ in range(d)] for _ in range(n)]
    b = [q(16) for _ in range(n)]
    C = [[q(16) for _ in range(n)] for _ in range(2)]
    xs = [[q(7) for _ in range(d)] for _ in range(T)]
    rnn = RNN(W, F, b, C)

    start = time.perf_counter()
    ys = simulate(rnn, xs)
    t_flint = time.perf_counter() - start
    start = time.perf_counter()
    ys_ref = fraction_loop(W, F, b, C, xs)
    t_frac = time.perf_counter() - start
    same = ys.tolist() == ys_ref
    print(f"exact simulation, T={T}, n={n}, d={d}, p=2 (rational ReLU RNN)")
    print(f"  urnn_sym.simulate (python-flint): {t_flint:.3f} s")
    print(f"  baseline fractions.Fraction loop: {t_frac:.3f} s")
    print(f"  outputs identical: {same}")
    print(f"  speed-up ratio (baseline / urnn-sym): {t_frac / t_flint:.1f}x")
    if not same:
        raise SystemExit("outputs differ")


if __name__ == "__main__":
    main()
