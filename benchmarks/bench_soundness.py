"""The cost of trusting a proof: non-vacuity, SMT-LIB2 records and the independent re-check.

Issue 14 made every "proved" pass three extra steps: each z3 unsat is preceded by
a model of its assumptions alone, re-checked exactly (non-vacuity); each z3
obligation is stored as SMT-LIB2 text; and the whole verdict is re-checked by
:mod:`urnn_sym.smt.recheck` before it is returned.  This script measures the
all-horizon proof (:func:`urnn_sym.smt.check.prove_equivalence`) of rational-defect
Theorem 1 pairs at n = 4, 16, 32, in the same run:

* baseline: the proof with those three steps switched off (monkeypatched);
* full: the proof as shipped;

and prints ``full / baseline`` (target: at most 2x).  Rows:

1. ``discharge="auto"`` (the default: the ball invariant, exact certificates);
2. ``discharge="z3"`` at n = 1, 2 (the ball obligations as z3 queries, so
   non-vacuity and the SMT-LIB2 text are exercised);
3. the bounded check (:func:`urnn_sym.smt.check.check_equivalence`) of pairs that are
   equivalent but not of the Theorem 1 shape (a linear RNN against the ReLU RNN
   on ``[relu(h); relu(-h)]``), where every step is an unsat z3 query;
4. ``recheck --solver cvc5`` of the n = 2 z3 verdict, against the z3 re-check.

    python benchmarks/bench_soundness.py [--repeat R]
"""

from __future__ import annotations

import argparse
import sys
import time
from contextlib import contextmanager
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "tests"))

from bench_smt import general_pair
from test_smt import theorem1_pair

import urnn_sym.smt.bounded as bounded
import urnn_sym.smt.induction as induction
import urnn_sym.smt.unrolling as unrolling
import urnn_sym.smt.vacuity as vacuity
from urnn_sym.evidence import Check
from urnn_sym.smt.check import check_equivalence, prove_equivalence
from urnn_sym.smt.recheck import recheck_document


@contextmanager
def without_soundness_steps():
    """The proof as it was before issue 14: no non-vacuity, no SMT-LIB2 text, no re-check."""
    patches = [
        (vacuity, "show_nonvacuous", lambda *a, **k: Check(True, "skipped", "baseline")),
        (bounded, "show_nonvacuous", lambda *a, **k: Check(True, "skipped", "baseline")),
        (unrolling, "_smtlib", lambda *a, **k: ""),
        (bounded, "_smtlib", lambda *a, **k: ""),
        (induction, "confirm", lambda verdict, **k: verdict),
        (bounded, "confirm", lambda verdict, **k: verdict),
    ]
    saved = [(mod, name, getattr(mod, name)) for mod, name, _ in patches]
    for mod, name, new in patches:
        setattr(mod, name, new)
    try:
        yield
    finally:
        for mod, name, old in saved:
            setattr(mod, name, old)


def best(fn, repeat: int) -> tuple[float, object]:
    times, out = [], None
    for _ in range(repeat):
        start = time.perf_counter()
        out = fn()
        times.append(time.perf_counter() - start)
    return min(times), out


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--repeat", type=int, default=3, help="runs per measurement; the best is kept (3)")
    args = parser.parse_args()
    print(f"{'case':38} {'baseline s':>11} {'full s':>9} {'ratio':>7}")
    ratios = []
    cases = [("prove", n, "auto") for n in (4, 16, 32)] + [("prove", n, "z3") for n in (1, 2)]
    cases += [("bounded", n, T) for n, T in ((2, 8), (4, 6))]
    z3_doc = None
    for kind, n, how in cases:
        if kind == "prove":
            rnn, urnn = theorem1_pair(n)
            label = f"prove_equivalence n = {n}, discharge={how}"

            def job(rnn=rnn, urnn=urnn, how=how):
                return prove_equivalence(rnn, urnn, input_bound=1, discharge=how, timeout=600)
        else:
            rnn, urnn = general_pair(n)
            label = f"check_equivalence n = {n}, T = {how}"

            def job(rnn=rnn, urnn=urnn, how=how):
                return check_equivalence(rnn, urnn, input_bound=1, horizon=how, timeout=600)

        with without_soundness_steps():
            base, _ = best(job, args.repeat)
        full, verdict = best(job, args.repeat)
        assert verdict.status == "proved", verdict.summary()
        if kind == "prove" and how == "z3" and n == 2:
            z3_doc = verdict.to_json()
        ratios.append((kind, full / base))
        print(f"{label:38} {base:11.3f} {full:9.3f} {full / base:7.2f}")
    proofs = max(r for kind, r in ratios if kind == "prove")
    checks = max(r for kind, r in ratios if kind == "bounded")
    print(f"all-horizon proofs: largest ratio {proofs:.2f} (target <= 2)")
    print(
        f"bounded checks: largest ratio {checks:.2f} (no target: the re-check decides every step on its own encoding)"
    )
    assert z3_doc is not None
    t_z3, c1 = best(lambda: recheck_document(z3_doc, solver="z3"), args.repeat)
    t_cvc5, c2 = best(lambda: recheck_document(z3_doc, solver="cvc5", timeout=20), args.repeat)
    print(
        f"recheck of the n = 2 z3 verdict: z3 {t_z3:.3f} s ({c1.holds}), cvc5 {t_cvc5:.3f} s ({c2.holds}), "
        f"ratio {t_cvc5 / t_z3:.2f}"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
