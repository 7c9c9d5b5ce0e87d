"""Start-up time of the command line: ``urnn-sym --version`` and ``--help`` against a bare interpreter.

Runs each command as a fresh process several times, in the same run and
interleaved (so a busy machine slows all of them alike), checks that each
exits 0 with the expected output, and prints the median wall-clock seconds
and the ratio to ``python -c pass``, with the median CPU time (user + system),
which a machine busy with other work inflates less.  The target is a ``--version`` under 0.3 s.

    python benchmarks/bench_startup.py [--repeats R]
"""

from __future__ import annotations

import argparse
import resource
import statistics
import subprocess
import sys
import time
from pathlib import Path

TARGET_VERSION_SECONDS = 0.3


def urnn_sym_command() -> list[str]:
    """The installed console script next to this interpreter, else ``python -m urnn_sym``."""
    script = Path(sys.executable).with_name("urnn-sym")
    return [str(script)] if script.exists() else [sys.executable, "-m", "urnn_sym"]


def _children_cpu() -> float:
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def seconds(argv: list[str], expect: str) -> tuple[float, float]:
    """Wall-clock and CPU (user + system) seconds of one run of ``argv``; its stdout must start with ``expect``."""
    cpu, start = _children_cpu(), time.perf_counter()
    res = subprocess.run(argv, capture_output=True, text=True, check=False)
    elapsed, cpu = time.perf_counter() - start, _children_cpu() - cpu
    if res.returncode != 0 or not res.stdout.startswith(expect):
        raise SystemExit(f"{' '.join(argv)}: exit {res.returncode}, stdout {res.stdout[:80]!r}, {res.stderr[-300:]}")
    return elapsed, cpu


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--repeats", type=int, default=9, help="runs of each command (default 9)")
    args = parser.parse_args()
    cli = urnn_sym_command()
    cases = {
        "python -c pass": ([sys.executable, "-c", "pass"], ""),
        "urnn-sym --version": ([*cli, "--version"], "urnn-sym "),
        "urnn-sym --help": ([*cli, "--help"], "usage: urnn-sym"),
    }
    times: dict[str, list[float]] = {name: [] for name in cases}
    cpus: dict[str, list[float]] = {name: [] for name in cases}
    for argv, expect in cases.values():  # warm-up: byte-compiled files, file cache
        seconds(argv, expect)
    for _ in range(args.repeats):
        for name, (argv, expect) in cases.items():
            wall, cpu = seconds(argv, expect)
            times[name].append(wall)
            cpus[name].append(cpu)
    base = statistics.median(times["python -c pass"])
    head = f"{'command':22} {'median s':>9} {'min s':>7} {'x python':>9} {'median CPU s':>13}"
    print(f"{head}   ({args.repeats} runs each)")
    for name, runs in times.items():
        med = statistics.median(runs)
        print(f"{name:22} {med:9.3f} {min(runs):7.3f} {med / base:9.1f} {statistics.median(cpus[name]):13.3f}")
    version = statistics.median(times["urnn-sym --version"])
    met = "met" if version < TARGET_VERSION_SECONDS else "NOT met"
    print(f"target: urnn-sym --version under {TARGET_VERSION_SECONDS} s: {met} (median {version:.3f} s)")


if __name__ == "__main__":
    main()
