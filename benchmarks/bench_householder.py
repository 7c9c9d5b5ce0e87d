"""Rational Householder completion: python-flint matrix algebra against the entry-by-entry reflection loop.

``householder_completion(V)`` for a rational isometry V (m x k, ``V^T V = I``)
returns the orthogonal ``[V, Z] = H_1 ... H_k``.  The baseline is the reflection
loop on Python lists of ``fmpq`` (retained as
``urnn_sym.construct.householder._householder_lists``, O(m^2 k) Python-level operations);
the new path forms ``I - A_J A_JJ^{-T} A_J^T`` with ``A = [I; 0] - V`` by one
inverse and a few ``fmpq_mat`` products.  Both run in this process on the same
V; the script checks ``U^T U == I`` exactly and that both give the same U, and
prints the times and the ratio old / new.

V is ``[c_1 O_1; ...; c_p O_p]`` (p = 2 or 5 blocks, m = p n, k = n) with O_i
rational orthogonal Cayley transforms ``(I - K)(I + K)^-1`` of random
skew-symmetric K (entries a/b, |a| <= 2, b in {1, 2}) and ``sum c_i^2 = 1``
(``3/5, 4/5`` and ``1/2, 1/2, 1/2, 3/10, 2/5``): the top block is a
contraction W and the rest a B with ``B^T B = I - W^T W``, the shape of the
isometry ``[W; Y]`` that the minimal and fully rational completions complete.

    python benchmarks/bench_householder.py [--n 16 32 64] [--old-max-n 64] [--seed 0]

The baseline is slow: at n = 64 the old loop takes ~20 s (128 x 64) and ~5 min
(320 x 64); ``--old-max-n 32`` skips it above n = 32 (the new path still runs).
"""

from __future__ import annotations

import argparse
import random
import time
from typing import Any

import flint

from urnn_sym.construct.householder import _householder_lists, householder_completion
from urnn_sym.construct.rational import cayley

COEFFS = {
    2: [flint.fmpq(3, 5), flint.fmpq(4, 5)],
    5: [flint.fmpq(1, 2), flint.fmpq(1, 2), flint.fmpq(1, 2), flint.fmpq(3, 10), flint.fmpq(2, 5)],
}


def random_skew(n: int, rng: random.Random) -> flint.fmpq_mat:
    """Skew-symmetric K with entries a/b, |a| <= 2, b in {1, 2}."""
    K = flint.fmpq_mat(n, n)
    for i in range(n):
        for j in range(i + 1, n):
            q = flint.fmpq(rng.randint(-2, 2), rng.randint(1, 2))
            K[i, j], K[j, i] = q, -q
    return K


def stacked_isometry(n: int, blocks: int, seed: int) -> flint.fmpq_mat:
    """``[c_1 O_1; ...; c_p O_p]`` with Cayley orthogonal O_i and sum c_i^2 = 1 (so V^T V = I)."""
    rng = random.Random(seed)
    entries: list[flint.fmpq] = []
    for c in COEFFS[blocks]:
        O = cayley(random_skew(n, rng))
        entries += [c * x for x in O.entries()]
    return flint.fmpq_mat(blocks * n, n, entries)


def eye(n: int) -> flint.fmpq_mat:
    M = flint.fmpq_mat(n, n)
    for i in range(n):
        M[i, i] = 1
    return M


def timed(func: Any, *args: Any) -> tuple[float, Any]:
    start = time.perf_counter()
    value = func(*args)
    return time.perf_counter() - start, value


def max_digits(M: flint.fmpq_mat) -> int:
    return max(len(str(abs(x.p))) + len(str(x.q)) for x in M.entries())


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument(
        "--n", type=int, nargs="+", default=[16, 32, 64], help="k = n; m = 2n and 5n (default 16 32 64)"
    )
    parser.add_argument("--old-max-n", type=int, default=64, help="run the old loop only for n <= this (default 64)")
    parser.add_argument("--seed", type=int, default=0)
    args = parser.parse_args()

    print("rational householder_completion: old = reflection loop on lists, new = fmpq_mat closed form")
    print(f"{'m x k':>10} {'digits':>7} {'old [s]':>9} {'new [s]':>9} {'old/new':>8}  checks")
    for n in args.n:
        for blocks in (2, 5):
            V = stacked_isometry(n, blocks, args.seed)
            m = blocks * n
            t_new, U = timed(householder_completion, V)
            ok = U.transpose() * U == eye(m)
            first = flint.fmpq_mat(m, n, [U[i, j] for i in range(m) for j in range(n)]) == V
            checks = f"U^T U == I: {ok}, first block V: {first}"
            if n <= args.old_max_n:
                t_old, U_old = timed(_householder_lists, V)
                checks += f", same U as old: {U_old == U}"
                old, ratio = f"{t_old:9.3f}", f"{t_old / t_new:7.1f}x"
            else:
                old, ratio = f"{'skipped':>9}", f"{'-':>8}"
            print(f"{f'{m} x {n}':>10} {max_digits(U):7d} {old} {t_new:9.3f} {ratio}  {checks}", flush=True)


if __name__ == "__main__":
    main()
