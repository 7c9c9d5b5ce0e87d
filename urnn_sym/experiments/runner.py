"""Run the synthetic experiment of poster Figures 2 and 3 and write its CSV and plot.

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

import csv
import io
import json
import multiprocessing
import os
import time
from collections.abc import Sequence
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any, TextIO

import numpy as np

from ..errors import FileFormatError, InvalidArgumentError, UnsupportedError
from ..io import atomic_write_bytes
from ..model import RNN
from .data import make_trials
from .theory import check_theorem1
from .train import fit

__all__ = [
    "CSV_COLUMNS",
    "FIGURES",
    "ExperimentConfig",
    "plot_png",
    "plot_title",
    "report_lines",
    "require_matplotlib",
    "run_experiment",
    "summarize",
    "summary_png",
    "write_outputs",
]

#: Output SNR in dB of each figure of the poster.
FIGURES = {"fig2": 20.0, "fig3": 15.0}

#: Columns of ``<name>.csv``.
CSV_COLUMNS = ("experiment", "snr_db", "realization", "model", "hidden", "test_r2", "train_r2", "w_norm", "oracle_r2")

MODELS = ("RNN", "URNN")


@dataclass(frozen=True)
class ExperimentConfig:
    """Settings of one run.

    Parameters
    ----------
    name : str
        ``"fig2"`` (20 dB) or ``"fig3"`` (15 dB).
    realizations : int
        Number of true systems.
    epochs : int
        Adam steps per model (one full batch of 10 sequences each).
    seed : int
        Base seed of the data and of the initialisations.
    sizes : tuple of int
        Hidden sizes of the trained models.
    lr : float
        Adam step size.
    batch : int
        Training sequences per batch.
    washout : int
        Warm-up steps of each training and test sequence.
    """

    name: str
    realizations: int = 30
    epochs: int = 4000
    seed: int = 0
    sizes: tuple[int, ...] = (2, 4, 6, 8, 10, 12, 14)
    lr: float = 0.01
    batch: int = 10
    washout: int = 100
    snr_db: float = field(init=False)

    def __post_init__(self) -> None:
        if self.name not in FIGURES:
            raise InvalidArgumentError(f"name: expected one of {', '.join(FIGURES)} but found {self.name!r}")
        for label, value in (("realizations", self.realizations), ("epochs", self.epochs)):
            if not isinstance(value, int) or value < 1:
                raise InvalidArgumentError(f"{label}: expected an integer >= 1 but found {value!r}")
        if not isinstance(self.seed, int) or self.seed < 0:
            raise InvalidArgumentError(f"seed: expected an integer >= 0 but found {self.seed!r}")
        if not self.sizes or any(not isinstance(s, int) or s < 1 for s in self.sizes):
            raise InvalidArgumentError(f"sizes: expected positive integers but found {self.sizes!r}")
        object.__setattr__(self, "snr_db", FIGURES[self.name])

    @classmethod
    def quick(cls, name: str, **changes: Any) -> ExperimentConfig:
        """A small version that runs in seconds: 4 realisations, 400 epochs.

        Parameters
        ----------
        name : str
            ``"fig2"`` or ``"fig3"``.
        **changes
            Overrides of the quick settings.

        Returns
        -------
        ExperimentConfig
        """
        return cls(name, **{"realizations": 4, "epochs": 400, **changes})


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
    if not isinstance(jobs, int) or jobs < 1:
        raise InvalidArgumentError(f"jobs: expected an integer >= 1 but found {jobs!r}")
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


# ------------------------------------------------------------------------------
# summary, files, plot
# ------------------------------------------------------------------------------


def summarize(rows: Sequence[dict[str, Any]], tolerance: float = 0.01) -> dict[str, Any]:
    """Per model: mean test R^2 by size, smallest size within ``tolerance`` of the best, R^2 at 4 and 8.

    Parameters
    ----------
    rows : sequence of dict
        Rows with at least ``model``, ``hidden`` and ``test_r2``.
    tolerance : float
        How close to the model's best mean R^2 counts as reaching it.

    Returns
    -------
    dict
        ``{model: {"mean": {n: ...}, "median": {...}, "q25": {...}, "q75": {...},
        "best": ..., "smallest_within": n, "at_4": ..., "at_8": ..., "best_median": ...,
        "smallest_within_median": n}}``; the ``*_median`` entries are the same
        figures for the median, which a few diverged trainings cannot drag down.

    Examples
    --------
    >>> rows = [{"model": "RNN", "hidden": n, "test_r2": r} for n, r in ((2, 0.5), (4, 0.95), (6, 0.955))]
    >>> summarize(rows)["RNN"]["smallest_within"]
    4
    """
    out: dict[str, Any] = {}
    for model in sorted({row["model"] for row in rows}, key=lambda m: (m not in MODELS, m)):
        by_size: dict[int, list[float]] = {}
        for row in rows:
            if row["model"] == model:
                by_size.setdefault(int(row["hidden"]), []).append(float(row["test_r2"]))
        sizes = sorted(by_size)
        mean = {n: float(np.mean(by_size[n])) for n in sizes}
        best = max(mean.values())
        out[model] = {
            "mean": mean,
            "median": {n: float(np.median(by_size[n])) for n in sizes},
            "q25": {n: float(np.percentile(by_size[n], 25)) for n in sizes},
            "q75": {n: float(np.percentile(by_size[n], 75)) for n in sizes},
            "best": best,
            "smallest_within": min(n for n in sizes if mean[n] >= best - tolerance),
            "at_4": mean.get(4),
            "at_8": mean.get(8),
        }
        median = out[model]["median"]
        best_median = max(median.values())
        out[model]["best_median"] = best_median
        out[model]["smallest_within_median"] = min(n for n in sizes if median[n] >= best_median - tolerance)
    return out


def _csv_bytes(rows: Sequence[dict[str, Any]], columns: Sequence[str]) -> bytes:
    buf = io.StringIO()
    writer = csv.DictWriter(buf, fieldnames=list(columns), lineterminator="\n")
    writer.writeheader()
    for row in rows:
        writer.writerow({k: (repr(v) if isinstance(v, float) else v) for k, v in row.items()})
    return buf.getvalue().encode("utf-8")


def require_matplotlib() -> Any:
    """Import ``matplotlib.pyplot`` with the Agg backend, or explain how to install it.

    Returns
    -------
    module
        ``matplotlib.pyplot``.

    Raises
    ------
    UnsupportedError
        If matplotlib is not installed (it is the ``experiments`` extra).
    """
    try:
        import matplotlib

        matplotlib.use("Agg")
        import matplotlib.pyplot as plt
    except ImportError as exc:
        raise UnsupportedError(
            "matplotlib is needed to draw figures; install it with: pip install 'urnn-sym[experiments]'"
        ) from exc
    return plt


def plot_png(summary: dict[str, Any], snr_db: float, title: str) -> bytes:
    """The figure (PNG bytes): mean and median test R^2 with interquartile band against hidden units.

    Means below the plotted range (a diverged training makes R^2 very negative)
    are marked by an arrow with their value.

    Parameters
    ----------
    summary : dict
        The output of :func:`summarize`.
    snr_db : float
        For the ceiling ``SNR / (1 + SNR)``.
    title : str
        Plot title.

    Returns
    -------
    bytes
    """
    plt = require_matplotlib()
    fig, ax = plt.subplots(figsize=(6.4, 4.4), dpi=120)
    present = [m for m in MODELS if m in summary]
    bottom = max(min(v for m in present for k in ("median", "q25") for v in summary[m][k].values()) - 0.02, -0.5)
    for model, color in zip(MODELS, ("tab:blue", "tab:orange"), strict=True):
        if model not in summary:
            continue
        s = summary[model]
        sizes = sorted(s["mean"])
        mean = np.array([s["mean"][n] for n in sizes])
        off = mean < bottom
        ax.plot(sizes, np.where(off, np.nan, mean), "o-", color=color, label=f"{model} (mean)")
        ax.plot(sizes, [s["median"][n] for n in sizes], "s--", color=color, ms=4, lw=1, label=f"{model} (median)")
        q25, q75 = [s["q25"][n] for n in sizes], [s["q75"][n] for n in sizes]
        ax.fill_between(sizes, q25, q75, color=color, alpha=0.2, label=f"{model} (25-75%)")
        for n, m in zip(np.array(sizes)[off], mean[off], strict=True):
            ax.annotate(
                f"{model} mean {m:.3g}",
                (n, bottom),
                xytext=(0, 14),
                textcoords="offset points",
                ha="center",
                fontsize=7,
                color=color,
                arrowprops={"arrowstyle": "->", "color": color},
            )
    snr = 10.0 ** (snr_db / 10.0)
    ceiling = snr / (1.0 + snr)
    ax.axhline(ceiling, color="k", ls="--", lw=1, label=f"SNR/(1+SNR) = {ceiling:.3f}")
    ax.set_ylim(bottom, min(1.0, ceiling + 0.02))
    ax.set_xlabel("hidden units")
    ax.set_ylabel("test $R^2$")
    ax.set_title(title)
    ax.grid(alpha=0.3)
    ax.legend(loc="lower right", fontsize=8)
    buf = io.BytesIO()
    fig.savefig(buf, format="png", bbox_inches="tight")
    plt.close(fig)
    return buf.getvalue()


def plot_title(config: dict[str, Any]) -> str:
    """The figure title of a run, e.g. ``"fig2: SNR 20 dB, 30 realisations, 300 epochs"``.

    Parameters
    ----------
    config : dict
        ``asdict(ExperimentConfig)``, as stored under ``"config"`` in the summary JSON.

    Returns
    -------
    str
    """
    name, snr = config["name"], config["snr_db"]
    return f"{name}: SNR {snr:g} dB, {config['realizations']} realisations, {config['epochs']} epochs"


def summary_png(doc: dict[str, Any]) -> bytes:
    """Redraw a run's figure from its summary document (``NAME_summary.json``), without training.

    Parameters
    ----------
    doc : dict
        The JSON document written by :func:`write_outputs` (``config`` and ``summary``).

    Returns
    -------
    bytes
        The same PNG as :func:`write_outputs` wrote for that run.

    Raises
    ------
    FileFormatError
        If ``doc`` lacks ``config`` or ``summary`` or they have the wrong shape.
    """
    try:
        config, summary = doc["config"], doc["summary"]
        # JSON turns the hidden sizes into strings; plot_png sorts them, so they must be ints again
        by_size = {
            model: {k: {int(n): v for n, v in val.items()} if isinstance(val, dict) else val for k, val in s.items()}
            for model, s in summary.items()
        }
        title, snr_db = plot_title(config), float(config["snr_db"])
    except (KeyError, TypeError, AttributeError, ValueError) as exc:
        raise FileFormatError(
            f"summary: expected an urnn-sym experiment summary (config, summary) but found {type(exc).__name__}: {exc}"
        ) from None
    return plot_png(by_size, snr_db, title)


def write_outputs(run: dict[str, Any], out: str | os.PathLike[str]) -> dict[str, Path]:
    """Write the CSVs, the summary JSON and the PNG of a run into directory ``out``.

    Parameters
    ----------
    run : dict
        The output of :func:`run_experiment`.
    out : path-like
        Directory (created if missing).

    Returns
    -------
    dict
        The written paths by kind (``csv``, ``theorem1``, ``summary``, ``png``).
    """
    directory = Path(out)
    if directory.exists() and not directory.is_dir():
        raise InvalidArgumentError(f"out: expected a directory but found a file: {directory}")
    directory.mkdir(parents=True, exist_ok=True)
    config: ExperimentConfig = run["config"]
    summary = summarize(run["rows"])
    png = plot_png(summary, config.snr_db, plot_title(asdict(config)))
    paths = {
        "csv": directory / f"{config.name}.csv",
        "theorem1": directory / f"{config.name}_theorem1.csv",
        "summary": directory / f"{config.name}_summary.json",
        "png": directory / f"{config.name}.png",
    }
    t1_columns = (
        "realization",
        "system",
        "w_norm",
        "scaled_norm",
        "method",
        "contractive",
        "max_abs_diff",
        "max_output",
        "orthogonality",
    )
    doc = {
        "config": asdict(config),
        "seconds": run["seconds"],
        "summary": summary,
        "theorem1": _theorem1_summary(run["theorem1"]),
    }
    atomic_write_bytes(paths["csv"], _csv_bytes(run["rows"], CSV_COLUMNS))
    atomic_write_bytes(paths["theorem1"], _csv_bytes(run["theorem1"], t1_columns))
    atomic_write_bytes(paths["summary"], (json.dumps(doc, indent=1) + "\n").encode("utf-8"))
    atomic_write_bytes(paths["png"], png)
    return paths


def _theorem1_summary(rows: Sequence[dict[str, Any]]) -> dict[str, Any]:
    out = {}
    for system in ("trained RNN", "true system"):
        mine = [r for r in rows if r["system"] == system]
        ok = [r for r in mine if r["contractive"]]
        out[system] = {
            "count": len(mine),
            "contractive": len(ok),
            "direct": sum(r["method"] == "direct" for r in ok),
            "max_abs_diff": max((r["max_abs_diff"] for r in ok), default=None),
            "max_output": max((r["max_output"] for r in ok), default=None),
            "max_orthogonality_error": max((r["orthogonality"] for r in ok), default=None),
        }
    return out


def report_lines(run: dict[str, Any]) -> list[str]:
    """The human-readable result of a run (printed by the CLI).

    Parameters
    ----------
    run : dict
        The output of :func:`run_experiment`.

    Returns
    -------
    list of str
    """
    config: ExperimentConfig = run["config"]
    summary = summarize(run["rows"])
    snr = 10.0 ** (config.snr_db / 10.0)
    lines = [
        f"{config.name}: SNR {config.snr_db:g} dB (ceiling SNR/(1+SNR) = {snr / (1 + snr):.4f}), "
        f"{config.realizations} realisations, {config.epochs} epochs, {run['seconds']:.1f} s",
        "mean test R^2 by hidden units:",
        "  units " + " ".join(f"{n:>7d}" for n in sorted(next(iter(summary.values()))["mean"])),
    ]
    for model, s in summary.items():
        lines.append(f"  {model:5} " + " ".join(f"{s['mean'][n]:7.4f}" for n in sorted(s["mean"])))
    lines.append("median test R^2 by hidden units:")
    for model, s in summary.items():
        lines.append(f"  {model:5} " + " ".join(f"{s['median'][n]:7.4f}" for n in sorted(s["median"])))
    for model, s in summary.items():
        at = ", ".join(f"at {k} units {s[f'at_{k}']:.4f}" for k in (4, 8) if s[f"at_{k}"] is not None)
        lines.append(
            f"{model}: smallest size within 0.01 of its best mean R^2 ({s['best']:.4f}): "
            f"{s['smallest_within']} units; {at} (median: within 0.01 of {s['best_median']:.4f} "
            f"from {s['smallest_within_median']} units)"
        )
    for system, t in _theorem1_summary(run["theorem1"]).items():
        if not t["count"]:
            continue
        diff = "n/a" if t["max_abs_diff"] is None else f"{t['max_abs_diff']:.3g}"
        label = "trained 4-unit RNNs" if system == "trained RNN" else "true systems"
        lines.append(
            f"Theorem 1 ({label}): {t['contractive']} of {t['count']} contractive "
            f"({t['direct']} directly, {t['contractive'] - t['direct']} after diagonal scaling); "
            f"their 8-unit URNNs reproduce the outputs on the test inputs with max abs difference {diff}"
        )
    return lines
