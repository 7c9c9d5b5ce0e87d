"""Refuter run times and how close the near-miss candidates get to the Theorem 2 witness.

For n = 1..N and each adversarial candidate with 2n - 1 states (shared-state
exact, truncated construction, trained by projected Adam) and a random float
Haar URNN, prints: the fraction of random inputs on which the candidate agrees
with the witness (within 1e-9, and within 1e-2 M) for lengths 2 and 10, the RMS
output error, and the time of ``distinguishing_input`` (median of 3 runs), the
length of the certified input and its route.  The 2n construction is the control:
it agrees everywhere and is never refuted.

    python benchmarks/bench_refute.py [--max-n N] [--samples S]
"""

from __future__ import annotations

import argparse
import statistics
import time

import numpy as np
from scipy.stats import ortho_group

from urnn_sym import RNN
from urnn_sym.refute.adversarial import (
    agreement,
    shared_state_candidate,
    trained_candidate,
    truncated_construction,
    witness_construction,
)
from urnn_sym.refute.distinguish import distinguishing_input
from urnn_sym.witnesses import lower_bound_witness


def random_urnn(n: int, seed: int) -> RNN:
    rng = np.random.default_rng(seed)
    m = 2 * n - 1
    U = ortho_group.rvs(m, random_state=rng) if m > 1 else np.array([[-1.0]])
    return RNN(U, rng.standard_normal((m, n)), rng.standard_normal(m), rng.standard_normal((n, m)))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--max-n", type=int, default=6)
    parser.add_argument("--samples", type=int, default=20000)
    args = parser.parse_args()
    header = f"{'n':>2} {'candidate':<22} {'m':>3} {'agree T=2':>9} {'~1e-2':>6} {'agree T=10':>10} {'rms T=2':>8}"
    print(header + f" {'refute ms':>9} {'len':>3}  route")
    for n in range(1, args.max_n + 1):
        witness = lower_bound_witness(n)
        start = time.perf_counter()
        trained = trained_candidate(n, steps=1000, seed=n)
        train_s = time.perf_counter() - start
        candidates = {
            "shared-state (-1)": shared_state_candidate(n),
            "shared-state (+1)": shared_state_candidate(n, sign=1),
            "truncated 2n": truncated_construction(n),
            f"trained ({train_s:.1f} s)": trained,
            "random Haar URNN": random_urnn(n, n),
            "2n construction": witness_construction(n),
        }
        for name, cand in candidates.items():
            a2 = agreement(cand, samples=args.samples, length=2)
            loose = agreement(cand, samples=args.samples, length=2, tol=1e-2)
            a10 = agreement(cand, samples=args.samples, length=10)
            times, ref = [], None
            for _ in range(3):
                t0 = time.perf_counter()
                ref = distinguishing_input(witness, cand, input_bound=1)
                times.append(time.perf_counter() - t0)
            assert ref is not None
            route = ref.method.split(": ")[-1] if ref else "none found (inconclusive)"
            ms, length = 1000 * statistics.median(times), ref.length or "-"
            print(
                f"{n:>2} {name:<22} {cand.n:>3} {a2['fraction']:>9.3f} {loose['fraction']:>6.3f} "
                f"{a10['fraction']:>10.3f} {a2['rms_error']:>8.2e} {ms:>9.1f} {length:>3}  {route}"
            )


if __name__ == "__main__":
    main()
