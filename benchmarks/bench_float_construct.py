"""float64 Theorem 1 construction speed against one numpy SVD measured in the same run.

For each n in (16, 32, 64, 128, 256, 512, 1024) the script builds a random
float64 ReLU RNN (``W`` scaled to ``||W||_2 = 0.9``, ``F`` n x 4, ``b``,
``C`` 2 x n, ``h0``) and times, best of R repeats:

* ``svd``: one ``numpy.linalg.svd`` of a random n x n matrix (the baseline);
* ``completion``: ``urnn_sym.construct.completion.unitary_completion(W)``, and with
  ``check=False`` (no residual ``max|U^T U - I|``);
* ``construct``: ``urnn_sym.construct.theorem1.construct_urnn(rnn, 1)`` (full);
* ``RNN(arrays)``: ``RNN(W, F, b, C, h0)`` from numpy arrays;
* ``RNN(lists)``: the same from lists of Python floats.

The ops are timed in turn (round-robin, so that a drifting machine load hits
all of them alike).  Each time is printed with its ratio to the SVD of the
same n.  Then the growth exponent ``k`` of ``time ~ n^k`` is fitted (least
squares on log-log) over n = 16..256 and over n = 256..1024.  Against an
older urnn_sym without ``check=`` the check=False column is nan.

Targets at n = 1024: construct <= 3x svd, completion <= 1.2x svd.  On a loaded
machine a multi-threaded BLAS makes the SVD erratic; OPENBLAS_NUM_THREADS=1
gives steadier ratios.

    python benchmarks/bench_float_construct.py [--sizes 16,32,...] [--repeat R]
"""

from __future__ import annotations

import argparse
import inspect
import time
from collections.abc import Callable
from functools import partial
from typing import Any

import numpy as np

from urnn_sym.construct.completion import unitary_completion
from urnn_sym.construct.theorem1 import construct_urnn
from urnn_sym.model import RNN

SIZES = (16, 32, 64, 128, 256, 512, 1024)
TARGETS = {"construct": 3.0, "completion": 1.2, "completion(check=False)": 1.2}


def best_of(repeat: int, ops: dict[str, Callable[[], Any]]) -> dict[str, float]:
    """The smallest wall time of ``repeat`` calls of each op, the ops taken in turn (round-robin).

    Interleaving makes slow drifts of the machine's load hit every op alike.
    """
    best = dict.fromkeys(ops, float("inf"))
    for _ in range(repeat):
        for name, func in ops.items():
            start = time.perf_counter()
            func()
            best[name] = min(best[name], time.perf_counter() - start)
    return best


def random_rnn_fields(n: int, rng: np.random.Generator) -> dict[str, Any]:
    """W with ||W||_2 = 0.9, F (n x 4), b, C (2 x n), h0."""
    W = rng.standard_normal((n, n))
    W *= 0.9 / np.linalg.norm(W, 2)
    return {
        "W": W,
        "F": rng.standard_normal((n, 4)),
        "b": rng.standard_normal(n),
        "C": rng.standard_normal((2, n)),
        "h0": rng.standard_normal(n),
    }


def slope(ns: list[int], ts: list[float]) -> float:
    """Least-squares slope of log(t) against log(n)."""
    return float(np.polyfit(np.log(ns), np.log(ts), 1)[0])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--sizes", default=",".join(map(str, SIZES)), help="comma-separated n values")
    parser.add_argument("--repeat", type=int, default=3, help="best of R runs (default 3)")
    args = parser.parse_args()
    sizes = [int(s) for s in args.sizes.split(",")]
    rng = np.random.default_rng(0)

    names = ("svd", "completion", "completion(check=False)", "construct", "RNN(arrays)", "RNN(lists)")
    times: dict[str, list[float]] = {k: [] for k in names}
    print(f"float64 construct_urnn, best of {args.repeat}; times in s, (ratio to one n x n SVD)")
    print(f"{'n':>5}  " + "  ".join(f"{k:>23}" for k in names))
    for n in sizes:
        f = random_rnn_fields(n, rng)
        A = rng.standard_normal((n, n))
        lists = {k: v.tolist() for k, v in f.items()}
        rnn = RNN(**f)
        assert rnn.system == "float64"
        ops: dict[str, Callable[[], Any]] = {
            "svd": partial(np.linalg.svd, A),
            "completion": partial(unitary_completion, f["W"]),
            "completion(check=False)": partial(unitary_completion, f["W"], check=False),
            "construct": partial(construct_urnn, rnn, 1),
            "RNN(arrays)": partial(RNN, **f),
            "RNN(lists)": partial(RNN, **lists),
        }
        if "check" not in inspect.signature(unitary_completion).parameters:  # an older urnn_sym
            del ops["completion(check=False)"]
        row = dict.fromkeys(names, float("nan")) | best_of(args.repeat, ops)
        for k in names:
            times[k].append(row[k])
        base = row["svd"]
        print(f"{n:>5}  " + "  ".join(f"{row[k]:>13.4f} ({row[k] / base:>6.2f}x)" for k in names), flush=True)

    print("\ngrowth exponent k (time ~ n^k, log-log least squares)")
    ranges = [(lo, hi) for lo, hi in ((16, 256), (256, 1024)) if sum(lo <= n <= hi for n in sizes) >= 2]
    for lo, hi in ranges:
        idx = [i for i, n in enumerate(sizes) if lo <= n <= hi]
        fitted = "  ".join(f"{k}={slope([sizes[i] for i in idx], [times[k][i] for i in idx]):.2f}" for k in names)
        print(f"  n={lo}..{hi}: {fitted}")

    last = sizes[-1]
    base = times["svd"][-1]
    print(f"\ntargets at n={last}:")
    for k, target in TARGETS.items():
        ratio = times[k][-1] / base
        print(f"  {k}: {ratio:.2f}x svd  [target <= {target}x] {'OK' if ratio <= target else 'MISSED'}")


if __name__ == "__main__":
    main()
