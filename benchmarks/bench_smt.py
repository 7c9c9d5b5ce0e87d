"""Equivalence checking with z3: the naive baseline against the structured encodings.

Pairs: Theorem 1 pairs of the rational-defect family (math.md section 2, route
(a): ``W = P S Q^T`` with Cayley-transform P, Q and rational defects, the URNN
``[[W, D_W*], [D_W, -W^T]]`` exactly orthogonal, ``b2 = -c_i H``), and, as
"general" pairs, a linear RNN against the ReLU RNN with states
``[relu(h); relu(-h)]`` (equivalent but not of the Theorem 1 shape, so every
step needs a z3 query).  Input set: ``||x(k)||_inf <= 1``.

Prints, measured in this run:

1. the naive encoding (both networks unrolled side by side, one query) at n = 2
   for T = 4, 8, 12, 16 until it exceeds the time limit;
2. the all-horizon proof (:func:`prove_equivalence`) for n = 4, 8, 16;
3. the shared bounded check at n = 4, T = 32, with and without the invariant
   lemma that the extra states are 0;
4. for general pairs at n = 2, 4: the largest T proved within the time limit.

    python benchmarks/bench_smt.py [--limit SECONDS]
"""

from __future__ import annotations

import argparse
import sys
import time
from fractions import Fraction as Q
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "tests"))

from test_smt import relu_split, theorem1_pair

from urnn_sym.smt.check import check_equivalence, prove_equivalence


def timed(fn, *args, **kwargs):
    start = time.perf_counter()
    out = fn(*args, **kwargs)
    return out, time.perf_counter() - start


def general_pair(n: int):
    W = [[Q((3 * i + 5 * j) % 7 - 3, 8 * n) for j in range(n)] for i in range(n)]
    F = [[Q((i % 3) - 1 or 1, 2)] for i in range(n)]
    b = [Q((i % 4) - 2, 8) for i in range(n)]
    C = [[Q(1) if i % 2 == 0 else Q(-1) for i in range(n)]]
    return relu_split(W, F, b, C)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--limit", type=float, default=60.0, help="time limit per run in seconds (60)")
    args = parser.parse_args()
    limit = args.limit

    print("1. naive baseline, Theorem 1 pair n = 2 (4-state URNN):")
    rnn, urnn = theorem1_pair(2, seed=2)
    for T in (4, 8, 12, 16):
        v, s = timed(check_equivalence, rnn, urnn, input_bound=1, horizon=T, encoding="naive", timeout=limit)
        print(f"   T = {T:2}: {v.status:8} {s:7.2f} s" + (f"  ({v.reason})" if v.status == "unknown" else ""))
        if v.status == "unknown":
            break
    v, s = timed(check_equivalence, rnn, urnn, input_bound=1, horizon=16, use_invariant=False, timeout=limit)
    print(f"   same pair, shared encoding, T = 16: {v.status} in {s:.3f} s")

    print("2. all-horizon proof (target: n = 16 under 5 s):")
    for n in (4, 8, 16):
        rnn, urnn = theorem1_pair(n, seed=n)
        v, s = timed(prove_equivalence, rnn, urnn, input_bound=1, norm="2", timeout=limit)
        print(f"   n = {n:2}: {v.status:8} {s:7.3f} s  invariant {v.invariant and v.invariant['kind']}, {v.method}")

    print("3. bounded check, Theorem 1 pair n = 4, T = 32 (target: under 30 s):")
    rnn, urnn = theorem1_pair(4, seed=4)
    for use in (True, False):
        v, s = timed(check_equivalence, rnn, urnn, input_bound=1, horizon=32, use_invariant=use, timeout=limit)
        label = "with the invariant lemma   " if use else "interval bounds only       "
        print(f"   {label}: {v.status:8} {s:7.3f} s  z3 queries {v.data['queries']}")

    print(f"4. general pairs (linear vs relu-split, every step a z3 query), largest T within {limit:g} s:")
    for n in (2, 4):
        lin, split = general_pair(n)
        v, s = timed(check_equivalence, lin, split, input_bound=1, horizon=1000, timeout=limit)
        steps = len(v.data.get("steps", []))
        print(f"   n = {n}: proved up to T = {steps} ({v.status}: {v.reason or 'all'}) in {s:.1f} s")
    return 0


if __name__ == "__main__":
    sys.exit(main())
