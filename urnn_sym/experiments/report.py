"""The experiment's outputs: the summary, the CSV files, the plot and the printed report.

Every file is written atomically (:func:`urnn_sym.io.atomic_write_bytes`):

* ``<name>.csv``: one row per (realisation, model, hidden size) with its test R^2;
* ``<name>_theorem1.csv``: one row per trained 4-unit RNN and per true system;
* ``<name>.png``: mean and median test R^2 (band: interquartile range) against
  hidden units for both models, with the noise ceiling ``SNR / (1 + SNR)``;
* ``<name>_summary.json``: the settings, the run time and the figures of
  :func:`summarize`; :func:`summary_png` redraws the plot from it.
"""

from __future__ import annotations

import csv
import io
import json
import os
from collections.abc import Sequence
from dataclasses import asdict
from pathlib import Path
from typing import Any

import numpy as np

from urnn_sym.errors import FileFormatError, InvalidArgumentError, UnsupportedError
from urnn_sym.experiments.config import ExperimentConfig
from urnn_sym.io import atomic_write_bytes

__all__ = [
    "CSV_COLUMNS",
    "MODELS",
    "plot_png",
    "plot_title",
    "report_lines",
    "require_matplotlib",
    "summarize",
    "summary_png",
    "write_outputs",
]

#: Columns of ``<name>.csv``.
CSV_COLUMNS = ("experiment", "snr_db", "realization", "model", "hidden", "test_r2", "train_r2", "w_norm", "oracle_r2")

#: The two models, in plotting order.
MODELS = ("RNN", "URNN")


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
