"""Run the synthetic experiment of poster Figures 2 and 3 (:mod:`urnn_sym.experiments.report` writes its files).

One task per hidden size trains, for every realisation, an RNN and a URNN of that
size at once (:func:`urnn_sym.experiments.train.fit`); the tasks run on ``jobs``
processes, largest size first.  Results do not depend on ``jobs``.

Outputs (every file written atomically: temporary file, then ``os.replace``):

* ``<name>.csv``: one row per (realisation, model, hidden size) with its test R^2;
* ``<name>_theorem1.csv``: one row per trained 4-unit RNN and per true system: its
  ``||W||_2`` and, if it is contractive (possibly after a diagonal rescaling), the
  largest output difference of its 8-unit Theorem-1 URNN on the test inputs;
* ``<name>.png``: mean test R^2 (band: interquartile range) against hidden units
  for both models, with the noise ceiling ``SNR / (1 + SNR)``;
* ``<name>_summary.json``: the settings, the run time and the figures of :func:`summarize`.
"""

from __future__ import annotations

import multiprocessing
import time
from collections.abc import Sequence
from dataclasses import asdict
from typing import Any, TextIO

import numpy as np

from urnn_sym.experiments.config import FIGURES, ExperimentConfig
from urnn_sym.experiments.data import make_trials
from urnn_sym.experiments.report import MODELS
from urnn_sym.experiments.theory import check_theorem1
from urnn_sym.experiments.train import fit
from urnn_sym.model import RNN
from urnn_sym.validation import check_int

__all__ = ["FIGURES", "ExperimentConfig", "run_experiment"]

# ------------------------------------------------------------------------------
# workers
# ------------------------------------------------------------------------------

_QUEUE: Any = None


def _init_worker(queue: Any) -> None:
    global _QUEUE
    _QUEUE = queue


def _task(job: tuple[ExperimentConfig, int, np.ndarray, np.ndarray, int]) -> dict[str, Any]:
    """Train both models of one size on every realisation."""
    config, n, x, y, n_train = job
    R = x.shape[0]
    done = [0]

    def report(epoch: int) -> None:
        if _QUEUE is not None:
            _QUEUE.put(2 * R * (epoch - done[0]))
        done[0] = epoch

    unitary = np.repeat([False, True], R)
    seeds = [[config.seed, r, n, int(u)] for u in (0, 1) for r in range(R)]
    result = fit(
        np.concatenate([x, x]),
        np.concatenate([y, y]),
        n_train,
        n,
        unitary,
        seeds,
        epochs=config.epochs,
        lr=config.lr,
        batch=config.batch,
        washout=config.washout,
        progress=report,
    )
    return {"n": n, "result": result}


class _Progress:
    """A plain-text progress bar on a stream (redrawn in place on a terminal)."""

    def __init__(self, total: int, stream: TextIO | None, label: str) -> None:
        self.total, self.stream, self.label = total, stream, label
        self.done, self.start, self.shown = 0, time.monotonic(), -1

    def add(self, k: int) -> None:
        self.done = min(self.total, self.done + k)
        if self.stream is None:
            return
        percent = int(100 * self.done / self.total)
        tty = self.stream.isatty()
        if percent == self.shown or (not tty and percent % 10 and self.done < self.total):
            return
        self.shown = percent
        elapsed = time.monotonic() - self.start
        eta = elapsed * (self.total - self.done) / self.done if self.done else 0.0
        bar = "#" * (percent // 4) + "." * (25 - percent // 4)
        line = f"{self.label} [{bar}] {percent:3d}%  {elapsed:5.0f} s elapsed, ~{eta:4.0f} s left"
        self.stream.write(("\r" + line) if tty else line + "\n")
        if tty and self.done >= self.total:
            self.stream.write("\n")
        self.stream.flush()


def _run_tasks(jobs_list: list[Any], jobs: int, progress: _Progress) -> list[dict[str, Any]]:
    if jobs == 1:
        global _QUEUE
        _QUEUE = _ListQueue(progress)
        try:
            return [_task(job) for job in jobs_list]
        finally:
            _QUEUE = None
    method = "fork" if "fork" in multiprocessing.get_all_start_methods() else "spawn"
    ctx = multiprocessing.get_context(method)
    queue: Any = ctx.Queue()
    with ctx.Pool(jobs, initializer=_init_worker, initargs=(queue,)) as pool:
        pending = pool.map_async(_task, jobs_list, chunksize=1)
        while not pending.ready():
            pending.wait(0.2)
            while not queue.empty():
                progress.add(queue.get())
        results = pending.get()
        while not queue.empty():
            progress.add(queue.get())
    return results


class _ListQueue:
    """In-process stand-in for the progress queue (``jobs == 1``)."""

    def __init__(self, progress: _Progress) -> None:
        self.progress = progress

    def put(self, k: int) -> None:
        self.progress.add(k)


# ------------------------------------------------------------------------------
# the run
# ------------------------------------------------------------------------------


def run_experiment(config: ExperimentConfig, *, jobs: int = 1, progress: TextIO | None = None) -> dict[str, Any]:
    """Train every model of the experiment and collect the results.

    Parameters
    ----------
    config : ExperimentConfig
        What to run.
    jobs : int
        Worker processes (1 runs in this process).
    progress : text stream, optional
        Where to draw the progress bar (e.g. ``sys.stderr``); none when omitted.

    Returns
    -------
    dict
        ``rows`` (list of dicts with :data:`CSV_COLUMNS`), ``theorem1`` (list of
        dicts, one per trained 4-unit RNN and per true system), ``seconds`` and ``config``.
    """
    check_int("jobs", jobs, low=1)
    start = time.monotonic()
    trials = make_trials(config.snr_db, config.realizations, config.seed)
    x = np.stack([t.x for t in trials])
    y = np.stack([t.y for t in trials])
    n_train = trials[0].n_train
    oracle = [_r2(t.y[n_train:], t.y_clean[n_train:]) for t in trials]
    sizes = sorted(set(config.sizes), reverse=True)
    bar = _Progress(2 * config.realizations * config.epochs * len(sizes), progress, config.name)
    outputs = _run_tasks([(config, n, x, y, n_train) for n in sizes], min(jobs, len(sizes)), bar)
    rows: list[dict[str, Any]] = []
    theorem1: list[dict[str, Any]] = []
    R = config.realizations
    for out in sorted(outputs, key=lambda o: o["n"]):
        n, result = out["n"], out["result"]
        w_norms = np.linalg.norm(result.params.W, 2, axis=(1, 2))
        for k, model in enumerate(MODELS):
            for r in range(R):
                m = k * R + r
                rows.append(
                    {
                        "experiment": config.name,
                        "snr_db": config.snr_db,
                        "realization": r,
                        "model": model,
                        "hidden": n,
                        "test_r2": float(result.test_r2[m]),
                        "train_r2": float(result.train_r2[m]),
                        "w_norm": float(w_norms[m]),
                        "oracle_r2": oracle[r],
                    }
                )
        if n == 4:
            theorem1 = _theorem1_rows(result, trials, x, n_train)
    rows.sort(key=lambda row: (row["realization"], MODELS.index(row["model"]), row["hidden"]))
    return {"rows": rows, "theorem1": theorem1, "seconds": time.monotonic() - start, "config": config}


def _r2(y: np.ndarray, yhat: np.ndarray) -> float:
    return float(1.0 - ((y - yhat) ** 2).sum() / ((y - y.mean(axis=0)) ** 2).sum())


def _theorem1_rows(result: Any, trials: Sequence[Any], x: np.ndarray, n_train: int) -> list[dict[str, Any]]:
    """Theorem 1 for every trained 4-unit RNN and every true system.

    Both are simulated on the test inputs after a 100-step warm-up on the inputs before them.
    """
    rows = []
    P = result.params
    for r in range(x.shape[0]):
        for system, rnn in (
            ("trained RNN", RNN(P.W[r], P.F[r], P.b[r], P.C[r], system="float64")),
            ("true system", RNN(trials[r].W, trials[r].F, trials[r].b, trials[r].C, system="float64")),
        ):
            check = check_theorem1(rnn, x[r, n_train - 100 :], start=100)
            rows.append({"realization": r, "system": system, "contractive": check.contractive, **asdict(check)})
    return rows
