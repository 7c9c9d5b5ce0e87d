"""Exact Theorem 1 construction by the LDL^T route, against sympy and the old certified-norm path.

For each n the script builds a deterministic rational strict contraction W
(integer entries in [-100, 100] / 100, scaled by the rational
``9/10 / (ceil(1000 sigma_max) / 1000)`` with ``sigma_max`` the float64 spectral
norm, so ``||W||_2 < 0.9``) and times, in the same run:

1. ``urnn_sym.construct.ldl.ldl_completion(W)`` (python-flint: LDL^T of ``P = I - W^T W``
   and ``Q = I - W W^T``, the rational R and the exact certificate
   ``U^T U = I``; ``.orthogonal`` must hold), n = 16, 32, 64, 128 (256 with
   ``--full``).  Baselines:

   a. sympy ``DomainMatrix`` over QQ doing the same mathematics (n <= 32 by
      default; it is slow): ``DomainMatrix.lu`` of P and Q (no row exchange, so
      ``U = Λ L^T``), ``R = [[W, L_Q], [L_P^T, -L_P^T P^-1 W^T L_Q]]`` and the
      identity ``R^T diag(I, Λ_P) R == diag(I, Λ_Q^-1)`` in one product.
      Without gmpy2 sympy takes python-flint as its ground types, so the default
      DomainMatrix format is flint's (DFM) and only the LU runs in sympy's
      Python loops; ``--sympy-format ddm`` forces sympy's pure-Python dense
      format throughout.
   b. the path before this work: the certified norm by bisection,
      ``urnn_sym.numbers.norms.spectral_norm_bounds(W, precision=2^-30)`` (over 90% of
      the old exact construction time), n <= 64.

2. The full library path on ``RNN(W, F, b, C)`` (F n x 2, b, C 1 x n small
   rationals): ``construct_urnn(rnn, 1)`` and
   ``prove_equivalence(rnn, urnn, input_bound=1, timeout=600)`` (status must be
   "proved"), n = 16, 32, 64 (128 with ``--full``).

3. The growth exponent k of ``time ~ n^k`` of every cost (log-log least
   squares over the n measured).

Times are best of 3 for n <= 32 and of 1 beyond (the large sizes are slow).
Targets (printed, not asserted): LDL construct + certificate n = 64 under 2 s
and n = 128 under 10 s; the proof at n = 64 under 10 s.

    python benchmarks/bench_exact_construct.py [--quick | --full] [--seed S]
        [--sympy-max-n N] [--norm-max-n N] [--sympy-format {default,ddm}]
"""

from __future__ import annotations

import argparse
import math
import time
from collections.abc import Callable
from fractions import Fraction
from functools import partial
from typing import Any

import flint
import numpy as np
from sympy import QQ
from sympy.polys.matrices import DomainMatrix

from urnn_sym.construct.ldl import ldl_completion
from urnn_sym.construct.theorem1 import construct_urnn
from urnn_sym.model import RNN
from urnn_sym.numbers.norms import spectral_norm_bounds
from urnn_sym.smt.induction import prove_equivalence

LDL_TARGETS = {64: 2.0, 128: 10.0}
PROOF_TARGETS = {64: 10.0}


def repeats_for(n: int) -> int:
    """Best of 3 for n <= 32, a single run for the slow large sizes."""
    return 3 if n <= 32 else 1


def timed(repeat: int, func: Callable[[], Any]) -> tuple[float, Any]:
    """The smallest wall time of ``repeat`` calls and the last value returned."""
    best, value = math.inf, None
    for _ in range(repeat):
        start = time.perf_counter()
        value = func()
        best = min(best, time.perf_counter() - start)
    return best, value


def rational_contraction(n: int, seed: int) -> flint.fmpq_mat:
    """Integer entries in [-100, 100] / 100 scaled by ``9/10 / (ceil(1000 sigma) / 1000)``: ``||W||_2 < 0.9``."""
    rng = np.random.default_rng(seed)
    A = rng.integers(-100, 101, size=(n, n))
    sigma = float(np.linalg.norm(A / 100.0, 2))
    c = math.ceil(1000 * sigma)
    # W = A/100 * 9/10 * 1000/c = 9 A / c
    return flint.fmpq_mat(n, n, [flint.fmpq(9 * int(a), c) for a in A.flat])


def small_rational_rnn(W: flint.fmpq_mat, seed: int) -> RNN:
    """``RNN(W, F, b, C)`` with F n x 2, b, C 1 x n entries in [-10, 10] / 10."""
    n = W.nrows()
    rng = np.random.default_rng(seed + 1)

    def q(shape: tuple[int, ...]) -> list[Any]:
        return [[Fraction(int(x), 10) for x in row] for row in rng.integers(-10, 11, size=shape)]

    F = q((n, 2))
    b = [row[0] for row in q((n, 1))]
    C = q((1, n))
    return RNN(W, F, b, C)


# ------------------------------------------------------------------------------
# baseline (a): the same mathematics with sympy DomainMatrix over QQ
# ------------------------------------------------------------------------------


def in_format(M: DomainMatrix, fmt: str) -> DomainMatrix:
    """M dense in sympy's default format (``"default"``) or in the pure-Python DDM format (``"ddm"``)."""
    D = M.to_dense()
    return D if fmt == "default" else DomainMatrix.from_rep(D.rep.to_ddm())


def to_domain(W: flint.fmpq_mat, fmt: str) -> DomainMatrix:
    rows = [[QQ(int(W[i, j].p), int(W[i, j].q)) for j in range(W.ncols())] for i in range(W.nrows())]
    return in_format(DomainMatrix(rows, (W.nrows(), W.ncols()), QQ), fmt)


def sympy_ldl(A: DomainMatrix) -> tuple[DomainMatrix, list[Any]]:
    """``A = L diag(piv) L^T`` from ``DomainMatrix.lu`` (``U = diag(piv) L^T`` when no row is exchanged)."""
    L, U, swaps = A.lu()
    if swaps:
        raise SystemExit("sympy baseline: DomainMatrix.lu exchanged rows of a positive definite matrix")
    piv = [U[k, k].element for k in range(A.shape[0])]
    if not all(p > 0 for p in piv):
        raise SystemExit("sympy baseline: a pivot is not positive (W is not a strict contraction)")
    return L, piv


def sympy_construct(Wd: DomainMatrix, fmt: str) -> bool:
    """LDL^T of P and Q, the block R and ``R^T diag(I, Λ_P) R == diag(I, Λ_Q^-1)``, all over QQ."""
    n = Wd.shape[0]
    eye = in_format(DomainMatrix.eye(n, QQ), fmt)
    Wt = Wd.transpose()
    P = eye - Wt * Wd
    Q = eye - Wd * Wt
    L_P, lam = sympy_ldl(P)
    L_Q, mu = sympy_ldl(Q)
    X = P.lu_solve(Wt)  # P^-1 W^T
    Lt = L_P.transpose()
    Y = -(Lt * X * L_Q)  # -L_P^T P^-1 W^T L_Q = -Λ_P^-1 L_P^-1 W^T L_Q
    R = DomainMatrix.vstack(DomainMatrix.hstack(Wd, L_Q), DomainMatrix.hstack(Lt, Y))
    one = QQ(1)
    left = in_format(DomainMatrix.diag([one] * n + lam, QQ), fmt)
    right = in_format(DomainMatrix.diag([one] * n + [one / m for m in mu], QQ), fmt)
    return bool(R.transpose() * left * R == right)


# ------------------------------------------------------------------------------
# report helpers
# ------------------------------------------------------------------------------


def exponent(ns: list[int], ts: list[float]) -> float:
    """The slope k of ``log t = k log n + c`` (least squares); nan with fewer than two points."""
    if len(ns) < 2:
        return float("nan")
    return float(np.polyfit(np.log(ns), np.log(ts), 1)[0])


def cell(t: float | None) -> str:
    return f"{t:10.3f}" if t is not None else f"{'-':>10}"


def ratio(base: float | None, ours: float | None) -> str:
    return f"{base / ours:8.1f}x" if base is not None and ours else f"{'-':>9}"


def target(t: float, n: int, targets: dict[int, float]) -> str:
    if n not in targets:
        return ""
    limit = targets[n]
    return f"[target < {limit:g} s: {'met' if t < limit else 'MISSED'}]"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    size = parser.add_mutually_exclusive_group()
    size.add_argument("--quick", action="store_true", help="n = 16, 32 only (a smoke run)")
    size.add_argument("--full", action="store_true", help="also n = 256 (LDL) and n = 128 (construct + proof)")
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--sympy-max-n", type=int, default=32, help="sympy baseline up to this n (default 32)")
    parser.add_argument("--norm-max-n", type=int, default=64, help="certified-norm baseline up to this n (default 64)")
    parser.add_argument(
        "--sympy-format",
        choices=("default", "ddm"),
        default="default",
        help="DomainMatrix format of the sympy baseline: sympy's default (flint-backed DFM here) or pure-Python DDM",
    )
    args = parser.parse_args()

    if args.quick:
        ldl_sizes, proof_sizes = [16, 32], [16, 32]
    elif args.full:
        ldl_sizes, proof_sizes = [16, 32, 64, 128, 256], [16, 32, 64, 128]
    else:
        ldl_sizes, proof_sizes = [16, 32, 64, 128], [16, 32, 64]

    # ---- 1. LDL^T construction + certificate against sympy and the certified norm
    print(
        f"1. exact LDL^T construction + certificate (ldl_completion), W rational with ||W||_2 < 0.9, seed {args.seed}",
        flush=True,
    )
    results: list[dict[str, Any]] = []
    for n in ldl_sizes:
        W = rational_contraction(n, args.seed)
        rep = repeats_for(n)
        bits = max(int(W[i, j].q).bit_length() for i in range(n) for j in range(n))
        print(f"  n={n}: W denominators {bits} bits; ldl_completion (best of {rep}) ...", flush=True)
        t_ldl, comp = timed(rep, partial(ldl_completion, W))
        if not comp.orthogonal:
            raise SystemExit(f"n={n}: ldl_completion's certificate failed: {comp.orthogonal}")
        pbits = max(int(x.q).bit_length() for x in comp.pivots_P)
        row: dict[str, Any] = {"n": n, "ldl": t_ldl, "sympy": None, "norm": None, "pivot_bits": pbits}
        print(f"    ldl_completion {t_ldl:.3f} s, U^T U == I: {bool(comp.orthogonal)}", flush=True)
        if n <= args.sympy_max_n:
            Wd = to_domain(W, args.sympy_format)
            print(f"    sympy DomainMatrix ({args.sympy_format}) baseline (best of {rep}) ...", flush=True)
            t_sym, ok = timed(rep, partial(sympy_construct, Wd, args.sympy_format))
            if not ok:
                raise SystemExit(f"n={n}: the sympy baseline's identity R^T diag(I, Λ_P) R == diag(I, Λ_Q^-1) failed")
            row["sympy"] = t_sym
            print(f"    sympy {t_sym:.3f} s, identity holds: {ok}", flush=True)
        if n <= args.norm_max_n:
            print(f"    spectral_norm_bounds(precision=2^-30) (best of {rep}) ...", flush=True)
            t_norm, nb = timed(rep, partial(spectral_norm_bounds, W, precision=Fraction(1, 2**30)))
            row["norm"] = t_norm
            print(f"    certified norm {t_norm:.3f} s, ||W||_2 <= {float(nb.upper):.6f}", flush=True)
        results.append(row)

    print()
    print("exact LDL^T construction + certificate: seconds (ratio = baseline / ldl_completion)")
    print(
        f"{'n':>5} {'pivot den':>10} {'ldl (ours)':>10} {'sympy DM':>10} {'ratio':>9} {'cert. norm':>10} {'ratio':>9}"
        "  target"
    )
    for r in results:
        print(
            f"{r['n']:>5} {r['pivot_bits']:>6} bit {cell(r['ldl'])} {cell(r['sympy'])} {ratio(r['sympy'], r['ldl'])} "
            f"{cell(r['norm'])} {ratio(r['norm'], r['ldl'])}  {target(r['ldl'], r['n'], LDL_TARGETS)}",
            flush=True,
        )

    # ---- 2. full library path: construct_urnn + prove_equivalence
    print()
    print("2. construct_urnn(rnn, 1) + prove_equivalence(rnn, urnn, input_bound=1, timeout=600)", flush=True)
    proofs: list[dict[str, Any]] = []
    for n in proof_sizes:
        rnn = small_rational_rnn(rational_contraction(n, args.seed), args.seed)
        rep = repeats_for(n)
        print(f"  n={n}: construct_urnn (best of {rep}) ...", flush=True)
        t_con, res = timed(rep, partial(construct_urnn, rnn, 1))
        if not res.orthogonal:
            raise SystemExit(f"n={n}: construct_urnn's U^T U == I check failed: {res.orthogonal}")
        print(f"    construct {t_con:.3f} s ({res.extra_states} extra states); prove_equivalence ...", flush=True)
        t_prf, verdict = timed(rep, partial(prove_equivalence, rnn, res.urnn, input_bound=1, timeout=600))
        if verdict.status != "proved":
            raise SystemExit(f"n={n}: prove_equivalence returned {verdict.status!r}: {verdict.reason}")
        print(f"    proof {t_prf:.3f} s, status {verdict.status}", flush=True)
        proofs.append({"n": n, "construct": t_con, "prove": t_prf, "method": res.method.split(":")[0]})

    print()
    print("full library path: seconds")
    print(f"{'n':>5} {'construct':>10} {'prove':>10} {'total':>10}  target (prove)")
    for p in proofs:
        print(
            f"{p['n']:>5} {cell(p['construct'])} {cell(p['prove'])} {cell(p['construct'] + p['prove'])}  "
            f"{target(p['prove'], p['n'], PROOF_TARGETS)}",
            flush=True,
        )
    print(f"  completion used: {proofs[0]['method']}" if proofs else "")

    # ---- 3. growth exponents
    print()
    print("growth exponent k (time ~ n^k, log-log least squares over the n measured)")
    series: list[tuple[str, list[int], list[float]]] = [
        ("ldl_completion", [r["n"] for r in results], [r["ldl"] for r in results]),
        (
            f"sympy DomainMatrix ({args.sympy_format})",
            [r["n"] for r in results if r["sympy"] is not None],
            [r["sympy"] for r in results if r["sympy"] is not None],
        ),
        (
            "spectral_norm_bounds",
            [r["n"] for r in results if r["norm"] is not None],
            [r["norm"] for r in results if r["norm"] is not None],
        ),
        ("construct_urnn", [p["n"] for p in proofs], [p["construct"] for p in proofs]),
        ("prove_equivalence", [p["n"] for p in proofs], [p["prove"] for p in proofs]),
    ]
    for name, ns, ts in series:
        span = f"n = {ns[0]}..{ns[-1]}" if ns else "no data"
        print(f"  {name:<32} k = {exponent(ns, ts):5.2f}   ({span})")


if __name__ == "__main__":
    main()
