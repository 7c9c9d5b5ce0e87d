"""Trainer speed: sample-steps per second of one full training update, three ways.

One update = forward + backward (BPTT) + Adam + the URNN projection of ``W``, for
M models of one hidden size n, each on a batch of B sequences of L steps
(d = p = 2, ReLU, output bias).  A *sample-step* is one sequence advanced one
time step forward and backward, so an update is M B L sample-steps.  Measured,
in the same run:

(a) ``loop``     a plain loop over models and sequences, each one a stack of one
                 model and one sequence for ``train.loss_and_grad`` (the baseline);
(b) ``stacked``  ``train.loss_and_grad`` on the whole stack (today's trainer);
(c) ``batched``  :class:`urnn_sym.experiments.batched.BatchedBPTT`, float64,
    ``batched32`` the same in float32 (parameters and Adam stay float64).

The baseline runs ``--loop-steps`` steps (default 100, it is slow) and its rate is
per step; the others run ``--steps``.  Then the wall time of the paper's full run
is extrapolated: hidden sizes 2, 4, ..., 14, per size 2 figures x 30 realisations
x 2 models (RNN, URNN), each model 100 epochs x 70 updates of 10 sequences x 1000
steps (7e7 sample-steps per model, 5.9e10 in all), spread over ``--cores``
independent processes; rates between the measured sizes are interpolated linearly
in n.  Run with ``OPENBLAS_NUM_THREADS=1`` (set here before numpy is imported):
the work is many small products, and BLAS threads only compete with the other process.

    python benchmarks/bench_train.py [--sizes 2 8 14] [--models 30] [--batch 10]
                                     [--steps 1000] [--loop-steps 100] [--repeats 3] [--cores 2]
"""

from __future__ import annotations

import os

os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")

import argparse
import time
from collections.abc import Callable

import numpy as np

from urnn_sym.experiments.batched import BatchedBPTT
from urnn_sym.experiments.train import Adam, Params, init_params, loss_and_grad, project_orthogonal

D = P = 2
FULL_SIZES = (2, 4, 6, 8, 10, 12, 14)
MODELS_PER_SIZE = 2 * 30 * 2  # figures x realisations x (RNN, URNN)
SAMPLE_STEPS_PER_MODEL = 100 * 70 * 10 * 1000  # epochs x updates per epoch x batch x steps


def loop_grad(params: Params, X: np.ndarray, Y: np.ndarray, mask: np.ndarray) -> Params:
    """The baseline: one model and one sequence at a time (same loss as the stacked call)."""
    M, _L, B, _d = X.shape
    total = mask.sum()
    grads = [np.zeros_like(a) for a in params.arrays()]
    for m in range(M):
        one = Params(*(a[m : m + 1] for a in params.arrays()))
        for s in range(B):
            part = mask[:, s : s + 1]
            if part.sum() == 0:
                continue
            _, g = loss_and_grad(one, X[m : m + 1, :, s : s + 1], Y[m : m + 1, :, s : s + 1], part)
            for acc, ga in zip(grads, g.arrays(), strict=True):
                acc[m] += ga[0] * (part.sum() / total)
    return Params(*grads)


def rate(update: Callable[[], None], sample_steps: int, repeats: int) -> float:
    """Best-of-``repeats`` sample-steps per second of ``update`` (after one warm-up call)."""
    update()
    best = np.inf
    for _ in range(repeats):
        start = time.perf_counter()
        update()
        best = min(best, time.perf_counter() - start)
    return sample_steps / best


def trainer(kind: str, M: int, L: int, B: int, n: int, seed: int) -> tuple[Callable[[], None], int]:
    """One update of the given kind on fresh models and data; returns it and its sample-steps."""
    rng = np.random.default_rng(seed)
    params = init_params(M, n, D, P, rng, output_bias=True)
    X, Y = rng.standard_normal((M, L, B, D)), rng.standard_normal((M, L, B, P))
    mask = np.ones((L, B))
    mask[: min(100, L // 2)] = 0.0  # a washout, as in training
    unitary = np.arange(M) % 2 == 1
    opt = Adam(params, 0.01)
    if kind == "loop":

        def grad() -> Params:
            return loop_grad(params, X, Y, mask)
    elif kind == "stacked":

        def grad() -> Params:
            return loss_and_grad(params, X, Y, mask)[1]
    else:
        ws = BatchedBPTT(M, L, B, n, D, P, dtype=np.float32 if kind == "batched32" else np.float64, output_bias=True)

        def grad() -> Params:
            return ws.loss_and_grad(params, X, Y, mask)[1]

    def update() -> None:
        opt.step(grad())
        params.W[unitary] = project_orthogonal(params.W[unitary])

    return update, M * L * B


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--sizes", type=int, nargs="+", default=[2, 8, 14])
    parser.add_argument("--models", type=int, default=30)
    parser.add_argument("--batch", type=int, default=10)
    parser.add_argument("--steps", type=int, default=1000)
    parser.add_argument("--loop-steps", type=int, default=100)
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument("--cores", type=int, default=2)
    args = parser.parse_args()
    kinds = ("loop", "stacked", "batched", "batched32")
    M, B = args.models, args.batch
    print(f"trainer rates, M={M} models, batch {B}, d=p=2, output bias; one update = fwd + bwd + Adam + projection")
    print(f"steps per sequence: {args.steps} ({args.loop_steps} for 'loop'; rates are per sample-step)")
    print(
        f"OPENBLAS_NUM_THREADS={os.environ['OPENBLAS_NUM_THREADS']}, "
        f"rates in million sample-steps/s (best of {args.repeats})"
    )
    print(f"{'n':>4} " + " ".join(f"{k:>10}" for k in kinds) + f" {'best/loop':>10} {'best/stacked':>12}")
    table: dict[str, list[float]] = {k: [] for k in kinds}
    for n in args.sizes:
        row = []
        for kind in kinds:
            L = args.loop_steps if kind == "loop" else args.steps
            update, steps = trainer(kind, M, L, B, n, seed=n)
            r = rate(update, steps, 1 if kind == "loop" else args.repeats)
            table[kind].append(r)
            row.append(r)
        best = max(row[2:])
        print(
            f"{n:>4} " + " ".join(f"{r / 1e6:>10.3f}" for r in row) + f" {best / row[0]:>10.1f} {best / row[1]:>12.2f}"
        )
    total = MODELS_PER_SIZE * SAMPLE_STEPS_PER_MODEL * len(FULL_SIZES)
    print(f"\nfull run (both figures): sizes {FULL_SIZES}, {total:.2e} sample-steps, on {args.cores} cores")
    for kind in kinds:
        if len(args.sizes) == 1:
            rates = np.full(len(FULL_SIZES), table[kind][0])
        else:
            rates = np.interp(FULL_SIZES, args.sizes, table[kind])
        seconds = sum(MODELS_PER_SIZE * SAMPLE_STEPS_PER_MODEL / r for r in rates) / args.cores
        print(f"  {kind:>10}: {seconds / 3600:8.2f} h  (target: 1 h)")


if __name__ == "__main__":
    main()
