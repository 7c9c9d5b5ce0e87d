"""Unitary completion speed: one SVD against scipy.linalg.sqrtm (float64), python-flint against sympy (exact).

Both comparisons run their baseline in the same process and print the measured
times, residuals and ratios:

1. float64, n = 1024 (a random contraction): ``urnn_sym.construct.completion.unitary_completion``
   (one SVD) against ``D = sqrtm(I - W^T W)``, ``D* = sqrtm(I - W W^T)``; both
   include assembling U and measuring ``max|U^T U - I|``.
   Targets: residual <= 5e-15 and >= 4x faster.
2. exact, n = 64 (rational-defect family with known factors): building U and
   checking ``U^T U == I`` exactly with python-flint against the same steps
   with sympy ``Matrix``.  Targets: < 1 s and >= 20x faster.

    python benchmarks/bench_completion.py [--float-n N] [--exact-n N] [--repeat R]
"""

from __future__ import annotations

import argparse
import time

import numpy as np
import scipy.linalg
import sympy

from urnn_sym.construct.completion import unitary_completion
from urnn_sym.construct.rational import rational_defect_svd


def sqrtm_completion(W: np.ndarray) -> tuple[np.ndarray, float]:
    """The baseline: principal square roots by scipy.linalg.sqrtm."""
    n = W.shape[0]
    D = np.real(scipy.linalg.sqrtm(np.eye(n) - W.T @ W))
    Ds = np.real(scipy.linalg.sqrtm(np.eye(n) - W @ W.T))
    U = np.block([[W, Ds], [D, -W.T]])
    return U, float(np.max(np.abs(U.T @ U - np.eye(2 * n))))


def sympy_completion(f) -> bool:
    """The baseline: the same known-factor construction and exact check with sympy Matrix."""
    P, Q = sympy.Matrix(f.P.tolist()), sympy.Matrix(f.Q.tolist())
    n = P.shape[0]
    P = P.applyfunc(lambda x: sympy.Rational(int(x.p), int(x.q)))
    Q = Q.applyfunc(lambda x: sympy.Rational(int(x.p), int(x.q)))
    S = sympy.diag(*[sympy.Rational(int(v.p), int(v.q)) for v in f.s])
    C = sympy.diag(*[sympy.Rational(int(v.p), int(v.q)) for v in f.c])
    W = P * S * Q.T
    D, Ds = Q * C * Q.T, P * C * P.T
    U = sympy.Matrix(sympy.BlockMatrix([[W, Ds], [D, -W.T]]))
    return sympy.eye(2 * n) == U.T * U


def best_of(repeat: int, func):
    times, value = [], None
    for _ in range(repeat):
        start = time.perf_counter()
        value = func()
        times.append(time.perf_counter() - start)
    return min(times), value


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--float-n", type=int, default=1024)
    parser.add_argument("--exact-n", type=int, default=64)
    parser.add_argument("--repeat", type=int, default=3, help="float64: best of R runs (default 3)")
    args = parser.parse_args()

    n = args.float_n
    rng = np.random.default_rng(0)
    W = rng.standard_normal((n, n))
    W /= np.linalg.norm(W, 2) * 1.01
    t_svd, comp = best_of(args.repeat, lambda: unitary_completion(W))
    t_sqrtm, (_, res_sqrtm) = best_of(args.repeat, lambda: sqrtm_completion(W))
    res_svd = comp.orthogonal.data["residual"]
    print(f"float64 unitary completion, n={n} (U is {2 * n} x {2 * n}), best of {args.repeat}")
    print(f"  one SVD (urnn_sym):     {t_svd:.3f} s, max|U^T U - I| = {res_svd:.2e}")
    print(f"  scipy.linalg.sqrtm x2:  {t_sqrtm:.3f} s, max|U^T U - I| = {res_sqrtm:.2e}")
    print(f"  speed-up ratio (sqrtm / SVD): {t_sqrtm / t_svd:.1f}x  [target >= 4x, residual <= 5e-15]")

    m = args.exact_n
    f = rational_defect_svd(m, seed=1)
    Wq = f.W
    start = time.perf_counter()
    exact = unitary_completion(Wq, svd=f)
    t_flint = time.perf_counter() - start
    start = time.perf_counter()
    ok_sympy = sympy_completion(f)
    t_sympy = time.perf_counter() - start
    bits = max(int(x.q).bit_length() for x in exact.U.entries())
    print(
        f"exact unitary completion + U^T U == I check, n={m} (rational-defect family, denominators up to {bits} bits)"
    )
    print(f"  python-flint (urnn_sym): {t_flint:.3f} s, U^T U == I: {bool(exact.orthogonal)}")
    print(f"  sympy Matrix:            {t_sympy:.3f} s, U^T U == I: {ok_sympy}")
    print(f"  speed-up ratio (sympy / flint): {t_sympy / t_flint:.1f}x  [target < 1 s and >= 20x]")
    if not (exact.orthogonal and ok_sympy):
        raise SystemExit("an exact check failed")


if __name__ == "__main__":
    main()
