"""Slide figures computed from exact and certified results: Theorem 1 trajectories, the sigmoid gap, the experiment.

* :func:`theorem1_trajectories` -- a contractive 2-state ReLU RNN and its Theorem 1
  URNN simulated exactly on the same bounded input: the outputs coincide, and the
  largest difference is computed with ``Fraction`` arithmetic (it is exactly 0).
* :func:`theorem1_extra_states` -- the URNN's states: the first n copy the RNN's
  states, the n extra states stay at exactly 0 because their pre-activation
  ``Y h(k-1) + b2`` never leaves ``(-inf, 0]`` (math.md section 2), and
  ``||h(k)||_2`` stays below the certified bound H.
* :func:`sigmoid_gap` -- the sigmoid witness ``y = sigma(x)`` against m-state
  URNNs (delay lines that agree on every input of length ``<= m``, and fitted
  ones): every candidate is refuted, and only certified numbers are plotted (the
  lower bound ``gap_lower`` of disjoint ball enclosures, math.md section 4).
* :func:`experiment_png` -- poster Figures 2 and 3 redrawn by
  :func:`urnn_sym.experiments.report.plot_png` from the committed summaries (no training).

:func:`make_figures` renders every figure to bytes first and then writes each
file atomically (:func:`urnn_sym.io.atomic_write_bytes`).  matplotlib is
imported lazily with the Agg backend, so ``import urnn_sym`` stays light.

Examples
--------
>>> run = theorem1_run(length=5)
>>> run.rnn.n, run.construction.urnn.n, run.max_diff
(2, 4, Fraction(0, 1))
"""

from __future__ import annotations

import functools
import io
import os
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from fractions import Fraction
from pathlib import Path
from typing import TYPE_CHECKING, Any, TextIO

import flint
import numpy as np

from urnn_sym.construct.construction import URNNConstruction
from urnn_sym.construct.theorem1 import construct_urnn
from urnn_sym.errors import FileFormatError, InvalidArgumentError
from urnn_sym.io import atomic_write_bytes
from urnn_sym.model import RNN, simulate
from urnn_sym.names import TEACHING_FIGURES
from urnn_sym.numbers.arith import as_fraction
from urnn_sym.refutation.document import Refutation
from urnn_sym.refute.smooth import delay_line_candidate, distinguishing_input_smooth, fitted_candidate, sigmoid_witness
from urnn_sym.validation import check_int

if TYPE_CHECKING:
    from matplotlib.figure import Figure

__all__ = [
    "FIGURES",
    "Theorem1Run",
    "experiment_png",
    "make_figures",
    "sigmoid_gap",
    "teaching_rnn",
    "theorem1_extra_states",
    "theorem1_run",
    "theorem1_trajectories",
]

#: Figure name -> what a student should see (``urnn-sym figures --list``).
FIGURES = TEACHING_FIGURES

RNN_COLOR, URNN_COLOR = "tab:blue", "tab:orange"  # the colours of report.plot_png
_STYLE: dict[str, Any] = {"font.size": 14, "axes.titlesize": 16, "axes.labelsize": 15, "legend.fontsize": 12}
_STYLE |= {"xtick.labelsize": 13, "ytick.labelsize": 13, "axes.grid": True, "grid.alpha": 0.3}
_STYLE |= {"svg.hashsalt": "urnn-sym"}  # deterministic SVG ids


def _pyplot() -> Any:
    from urnn_sym.experiments.report import require_matplotlib

    return require_matplotlib()


# ------------------------------------------------------------------------------
# Theorem 1
# ------------------------------------------------------------------------------


def teaching_rnn() -> RNN:
    """The exact contractive 2-state ReLU RNN of ``examples/rnn_exact.json`` (``||W||_2 < 1``).

    Returns
    -------
    RNN
        ``W = [[1/2, -1/4], [1/3, 0]]``, ``F = [1, -1/2]^T``, ``b = [0, 1/8]``, ``C = [1, 2]``.
    """
    Q = Fraction
    return RNN([[Q(1, 2), Q(-1, 4)], [Q(1, 3), 0]], [[1], [Q(-1, 2)]], [0, Q(1, 8)], [[1, 2]], system="exact")


@dataclass(frozen=True)
class Theorem1Run:
    """An RNN, its Theorem 1 URNN and both exact simulations on one input.

    Attributes
    ----------
    rnn : RNN
        The contractive ReLU RNN (n states).
    construction : URNNConstruction
        :func:`urnn_sym.construct.theorem1.construct_urnn` of ``rnn`` (2n states, ``H``, ``b2``).
    xs : list of list of Fraction
        The input, ``|x(k)| <= input_bound``.
    ys_rnn, ys_urnn : list of Fraction
        Exact outputs ``y(0..T-1)`` (first output component).
    hs_rnn, hs_urnn : list of list of Fraction
        Exact states ``h(0..T-1)``.
    max_diff : Fraction
        ``max_k |y_rnn(k) - y_urnn(k)|``, computed exactly.
    """

    rnn: RNN
    construction: URNNConstruction
    xs: list[list[Fraction]]
    ys_rnn: list[Fraction]
    ys_urnn: list[Fraction]
    hs_rnn: list[list[Fraction]]
    hs_urnn: list[list[Fraction]]
    max_diff: Fraction


def _extra_preactivations(run: Theorem1Run) -> np.ndarray:
    """Row k: the extra states' pre-activation ``Y h(k-1) + b2`` (float64 values of the exact numbers)."""
    n, urnn = run.rnn.n, run.construction.urnn.matrices()
    U, b = np.array(urnn["W"].evalf(30).tolist(), dtype=float), np.array(urnn["b"].evalf(30), dtype=float).ravel()
    prev = np.array([[float(v) for v in run.rnn.matrices()["h0"]], *[h[:n] for h in run.hs_urnn[:-1]]], dtype=float)
    return np.asarray(prev @ U[n:, :n].T + b[n:])


@functools.lru_cache(maxsize=4)
def _theorem1_cached(length: int, seed: int, input_bound: Fraction) -> Theorem1Run:
    rnn = teaching_rnn()
    construction = construct_urnn(rnn, input_bound)
    grid = 8 * input_bound.numerator // input_bound.denominator
    draws = np.random.default_rng(seed).integers(-grid, grid + 1, size=length)
    xs = [[Fraction(int(v), 8)] for v in draws]
    ys, hs = simulate(rnn, xs, return_states=True)
    yu, hu = simulate(construction.urnn, xs, return_states=True)
    ys_rnn = [as_fraction(v, name="y_rnn") for v in ys[:, 0]]
    ys_urnn = [as_fraction(v, name="y_urnn") for v in yu[:, 0]]
    max_diff = max(abs(a - b) for a, b in zip(ys_rnn, ys_urnn, strict=True))
    rows = [[as_fraction(v, name="h_rnn") for v in row] for row in hs]
    rows_u = [[as_fraction(v, name="h_urnn") for v in row] for row in hu]
    return Theorem1Run(rnn, construction, xs, ys_rnn, ys_urnn, rows, rows_u, max_diff)


def theorem1_run(length: int = 30, *, seed: int = 0, input_bound: int = 1) -> Theorem1Run:
    """Simulate :func:`teaching_rnn` and its Theorem 1 URNN exactly on a random input with ``|x(k)| <= input_bound``.

    Parameters
    ----------
    length : int, default 30
        Number of time steps T.
    seed : int, default 0
        Seed of the input: multiples of 1/8 drawn uniformly from ``[-M, M]``.
    input_bound : int, default 1
        M, the bound given to :func:`urnn_sym.construct.theorem1.construct_urnn`.

    Returns
    -------
    Theorem1Run
        Cached: the same arguments return the same object.

    Raises
    ------
    InvalidArgumentError
        If ``length`` or ``input_bound`` is not a positive integer or ``seed`` is negative.
    """
    for name, value, low in (("length", length, 1), ("seed", seed, 0), ("input_bound", input_bound, 1)):
        check_int(name, value, low=low)
    return _theorem1_cached(length, seed, Fraction(input_bound))


def theorem1_trajectories(run: Theorem1Run | None = None) -> Figure:
    """Figure: input, the RNN and URNN outputs overlaid, and their exact difference (identically 0).

    Parameters
    ----------
    run : Theorem1Run, optional
        Default ``theorem1_run()``.

    Returns
    -------
    matplotlib.figure.Figure
        Three axes sharing the time axis: input, outputs (RNN solid, URNN dashed), difference.
    """
    run = run if run is not None else theorem1_run()
    plt = _pyplot()
    k = np.arange(len(run.xs))
    c = run.construction
    with plt.rc_context(_STYLE):
        fig, (ax_x, ax_y, ax_d) = plt.subplots(
            3, 1, figsize=(11, 7.5), sharex=True, gridspec_kw={"height_ratios": [1, 2.4, 1]}, layout="constrained"
        )
        M = float(c.input_bound)
        ax_x.step(k, [float(x[0]) for x in run.xs], where="mid", color="0.3", lw=2)
        ax_x.axhspan(-M, M, color="0.92", zorder=0)
        ax_x.set(ylim=(-1.3 * M, 1.3 * M), ylabel="input $x(k)$")
        title = f"Theorem 1: a {run.rnn.n}-state contractive ReLU RNN and its {c.urnn.n}-state URNN, inputs"
        ax_x.set_title(title + f" $|x(k)| \\leq M = {c.input_bound}$")
        ys, yu = np.array(run.ys_rnn, dtype=float), np.array(run.ys_urnn, dtype=float)
        ax_y.plot(k, ys, "-o", color=RNN_COLOR, lw=4, ms=8, label=f"RNN ({run.rnn.n} states)")
        ax_y.plot(k, yu, "--s", color=URNN_COLOR, lw=2.5, ms=4, label=f"URNN ({c.urnn.n} states, $W$ orthogonal)")
        ax_y.set_ylabel("output $y(k)$")
        ax_y.set_ylim(top=ys.max() + 0.3 * np.ptp(ys))
        ax_y.legend(loc="upper left", ncols=2)
        ax_d.plot(k, [float(abs(a - b)) for a, b in zip(run.ys_rnn, run.ys_urnn, strict=True)], "o", color="tab:green")
        ax_d.set(ylim=(-0.4, 1), ylabel="$|\\Delta y(k)|$", xlabel="time step $k$")
        ax_d.text(
            0.5, 0.45, f"exact max$_k$ $|y_{{RNN}}(k) - y_{{URNN}}(k)|$ = {run.max_diff}   (Fraction arithmetic)",
            transform=ax_d.transAxes, ha="center", va="bottom", fontsize=14,
            bbox={"boxstyle": "round", "fc": "white", "ec": "tab:green"},
        )  # fmt: skip
    return fig


def theorem1_extra_states(run: Theorem1Run | None = None) -> Figure:
    """Figure: the URNN's copied states, its extra states (exactly 0) with their pre-activations, and ``||h||`` vs H.

    Parameters
    ----------
    run : Theorem1Run, optional
        Default ``theorem1_run()``.

    Returns
    -------
    matplotlib.figure.Figure
        Three axes sharing the time axis: states 1..n (RNN solid, URNN dashed),
        states n+1..2n with their pre-activations, and ``||h(k)||_2`` with H.
    """
    run = run if run is not None else theorem1_run()
    plt = _pyplot()
    n, T = run.rnn.n, len(run.xs)
    k = np.arange(T)
    hs, hu = np.array(run.hs_rnn, dtype=float), np.array(run.hs_urnn, dtype=float)
    H = float(run.construction.H)
    pre = _extra_preactivations(run)
    with plt.rc_context(_STYLE):
        fig, (ax_h, ax_e, ax_n) = plt.subplots(3, 1, figsize=(11, 9), sharex=True, layout="constrained")
        shades = ((RNN_COLOR, URNN_COLOR), ("#93c4ec", "#a0522d"), ("navy", "gold"))
        for i in range(n):
            rnn_c, urnn_c = shades[i % len(shades)]
            ax_h.plot(k, hs[:, i], "-", color=rnn_c, lw=4.5, label=f"RNN $h_{i + 1}$")
            ax_h.plot(k, hu[:, i], "--", color=urnn_c, lw=2, label=f"URNN $h_{i + 1}$")
        ax_h.set_ylabel("states " + ", ".join(f"$h_{i + 1}$" for i in range(n)))
        ax_h.set_ylim(top=1.45 * hs.max())
        ax_h.set_title(f"Theorem 1: the URNN copies the RNN's {n} states and adds {n} that stay at 0")
        ax_h.legend(loc="upper left", ncols=2 * n)
        markers = ("o", "^", "s", "D")
        for i in range(n):
            mk = markers[i % len(markers)]
            ax_e.plot(k, hu[:, n + i], mk, color=URNN_COLOR, ms=8, label=f"$h_{n + i + 1}(k)$ (exact)")
            ax_e.plot(k, pre[:, i], "-" + mk, color="0.45", ms=4, lw=1.5, label=f"pre-activation {n + i + 1}")
        low = min(pre.min() * 1.45, -0.5)
        ax_e.axhspan(low, 0, color="tab:red", alpha=0.07, zorder=0)
        ax_e.axhline(0, color="k", lw=1)
        ax_e.set_ylim(low, -0.6 * low)
        ax_e.text(0.01, 0.06, "pre-activation $\\leq 0$: ReLU outputs 0", transform=ax_e.transAxes, color="tab:red")
        ax_e.set_ylabel("extra states " + ", ".join(f"$h_{i + 1}$" for i in range(n, 2 * n)))
        ax_e.legend(loc="upper left", ncols=2 * n, fontsize=11)
        norms = np.linalg.norm(hu[:, run.construction.watched], axis=1)
        ax_n.plot(k, norms, "-o", color=URNN_COLOR, lw=2, ms=5, label="$\\|h_S(k)\\|_2$")
        ax_n.axhline(H, color="k", ls="--", lw=1.5, label=f"certified bound $H$ = {H:.3f}")
        ax_n.set(ylim=(0, 1.15 * H), ylabel="state norm", xlabel="time step $k$")
        ax_n.legend(loc="center right")
    return fig


# ------------------------------------------------------------------------------
# Theorem 3: the sigmoid gap
# ------------------------------------------------------------------------------


def _refutations(sizes: Sequence[int], fitted: Sequence[int], seed: int) -> dict[str, dict[int, Refutation]]:
    witness = sigmoid_witness()
    out: dict[str, dict[int, Refutation]] = {"delay-line": {}, "fitted": {}}
    for kind, ms in (("delay-line", sizes), ("fitted", fitted)):
        for m in ms:
            cand = delay_line_candidate(m) if kind == "delay-line" else fitted_candidate(m, seed=seed)
            ref = distinguishing_input_smooth(witness, cand, input_bound=1, seed=seed)
            if ref.status != "refuted":
                where = "sizes" if kind == "delay-line" else "fitted"
                raise InvalidArgumentError(
                    f"{where}: expected m = {m} to be refuted but found {ref.status}: {ref.reason}"
                )
            out[kind][m] = ref
    return out


def _mid(text: str) -> float:
    return float(flint.arb(text).mid())


def sigmoid_gap(
    sizes: Sequence[int] = tuple(range(1, 13)), *, fitted: Sequence[int] = (1, 2, 4, 8), shown: int = 4, seed: int = 0
) -> Figure:
    """Figure: certified output gaps between ``y = sigma(x)`` and m-state URNNs, and one refutation in detail.

    Parameters
    ----------
    sizes : sequence of int, default 1..12
        m of the delay-line candidates (:func:`urnn_sym.refute.smooth.delay_line_candidate`).
    fitted : sequence of int, default (1, 2, 4, 8)
        m of the least-squares candidates (:func:`urnn_sym.refute.smooth.fitted_candidate`).
    shown : int, default 4
        The delay line whose distinguishing input is drawn on the right; must be in ``sizes``.
    seed : int, default 0
        Seed of the fits and of the searches.

    Returns
    -------
    matplotlib.figure.Figure
        Left: ``gap_lower`` against m (log scale).  Right: both outputs on the
        distinguishing input of the ``shown`` delay line (midpoints of their
        certified enclosures), with the gap at the last step marked.

    Raises
    ------
    InvalidArgumentError
        If ``shown`` is not in ``sizes`` or a candidate could not be refuted.
    """
    if shown not in sizes:
        raise InvalidArgumentError(f"shown: expected one of the sizes {list(sizes)} but found {shown!r}")
    refs = _refutations(sizes, fitted, seed)
    plt = _pyplot()
    with plt.rc_context(_STYLE):
        fig, (ax_g, ax_o) = plt.subplots(1, 2, figsize=(14, 6), layout="constrained")
        for kind, marker, color in (("delay-line", "o-", URNN_COLOR), ("fitted", "s", "tab:purple")):
            ms = sorted(refs[kind])
            lengths = sorted({refs[kind][m].length or 0 for m in ms})
            when = "m + 1" if all(refs[kind][m].length == m + 1 for m in ms) else ", ".join(map(str, lengths))
            gaps = [refs[kind][m].data["gap_lower"] for m in ms]
            ax_g.semilogy(ms, gaps, marker, color=color, ms=9, lw=2, label=f"{kind} URNN (refuted at length {when})")
        ax_g.set(xlabel="URNN states $m$", ylabel="certified gap $|y_{\\sigma}(k) - y_{URNN}(k)|$")
        ax_g.set_title("No m-state URNN matches $y = \\sigma(x)$")
        ax_g.legend(loc="upper right", fontsize=11)
        _refutation_axes(ax_o, refs["delay-line"][shown], shown)
    return fig


def _refutation_axes(ax: Any, ref: Refutation, m: int) -> None:
    """Both outputs on the distinguishing input (enclosure midpoints), with a zoom on the certified gap."""
    rows_a, rows_b = ref.ys_rnn or [], ref.ys_candidate or []
    k = np.arange(len(rows_a))
    ya, yb = [_mid(row[0]) for row in rows_a], [_mid(row[0]) for row in rows_b]
    ax.plot(k, ya, "-o", color=RNN_COLOR, lw=4, ms=10, label="witness $\\sigma(x(k))$")
    ax.plot(k, yb, "--s", color=URNN_COLOR, lw=2.5, ms=6, label=f"delay-line URNN, m = {m}")
    ax.set(xticks=k, xlim=(-0.3, k[-1] + 2.4), xlabel="time step $k$", ylabel="output $y(k)$")
    ax.set_title(f"A distinguishing input of length {len(k)} = m + 1")
    low, high = min(ya + yb), max(ya + yb)
    ax.set_ylim(low - 0.05 * (high - low), high + 0.35 * (high - low))
    ax.legend(loc="upper center", ncols=2, fontsize=11)
    gap = ref.data["gap_lower"]
    zoom = ax.inset_axes((0.77, 0.2, 0.2, 0.45))
    zoom.plot([k[-1]], [ya[-1]], "o", color=RNN_COLOR, ms=12)
    zoom.plot([k[-1]], [yb[-1]], "s", color=URNN_COLOR, ms=10)
    lo, hi = sorted((ya[-1], yb[-1]))
    pad = 0.6 * (hi - lo)
    zoom.set(xlim=(k[-1] - 0.3, k[-1] + 0.4), ylim=(lo - pad, hi + pad), xticks=[], yticks=[])
    zoom.annotate("", (k[-1] + 0.2, hi), (k[-1] + 0.2, lo), arrowprops={"arrowstyle": "<->", "lw": 1.5})
    zoom.set_xlabel(f"certified gap\n$\\geq$ {gap:.2e}", fontsize=12)
    zoom.set_title(f"zoom at $k$ = {k[-1]}", fontsize=12)
    ax.indicate_inset_zoom(zoom, edgecolor="0.3")


# ------------------------------------------------------------------------------
# the experiment (poster Figures 2 and 3)
# ------------------------------------------------------------------------------

_EXPERIMENT = ("fig2", "fig3")


def experiment_png(name: str, directory: str | os.PathLike[str]) -> bytes:
    """PNG bytes of poster Figure 2 or 3, redrawn by ``report.summary_png`` from ``DIRECTORY/NAME_summary.json``.

    Parameters
    ----------
    name : {"fig2", "fig3"}
        Which figure.
    directory : path-like
        Where the summary written by ``urnn-sym experiment`` lies.

    Returns
    -------
    bytes
        The same PNG as the one ``urnn-sym experiment`` wrote with that summary.

    Raises
    ------
    InvalidArgumentError
        If ``name`` is not fig2 or fig3.
    FileFormatError
        If the summary is missing or lacks ``config`` / ``summary``.
    """
    from urnn_sym.experiments.report import summary_png
    from urnn_sym.io import read_json

    if name not in _EXPERIMENT:
        raise InvalidArgumentError(f"name: expected 'fig2' or 'fig3' but found {name!r}")
    path = Path(directory) / f"{name}_summary.json"
    if not path.is_file():
        raise FileFormatError(f"summaries: expected {path.name} in {directory} but found no such file")
    try:
        return summary_png(read_json(path, what="experiment summary"))
    except FileFormatError as exc:
        raise FileFormatError(f"{path}: {exc}") from None


def _summaries(outdir: Path, given: str | os.PathLike[str] | None) -> Path | None:
    """The directory with both summaries: ``given``, else ``outdir``, else the checkout's docs/figures, else None."""
    candidates = (
        [Path(given)] if given is not None else [outdir, Path(__file__).resolve().parents[1] / "docs" / "figures"]
    )
    for directory in candidates:
        if all((directory / f"{name}_summary.json").is_file() for name in _EXPERIMENT):
            return directory
    return None


# ------------------------------------------------------------------------------
# writing
# ------------------------------------------------------------------------------


def _save(fig: Figure, fmt: str) -> bytes:
    buf = io.BytesIO()
    fig.savefig(buf, format=fmt, dpi=110, metadata={"Date": None} if fmt == "svg" else None)
    return buf.getvalue()


def _files(name: str, summaries: Path) -> dict[str, bytes]:
    if name == "experiment":
        return {f"{fig}.png": experiment_png(fig, summaries) for fig in _EXPERIMENT}
    builders: dict[str, Callable[[], Figure]] = {
        "theorem1-trajectories": theorem1_trajectories,
        "theorem1-extra-states": theorem1_extra_states,
        "sigmoid-gap": sigmoid_gap,
    }
    plt = _pyplot()
    fig = builders[name]()
    try:
        with plt.rc_context(_STYLE):
            return {f"{name}.{fmt}": _save(fig, fmt) for fmt in ("png", "svg")}
    finally:
        plt.close(fig)


def make_figures(
    outdir: str | os.PathLike[str],
    *,
    which: str | Sequence[str] | None = None,
    progress: TextIO | None = None,
    summaries: str | os.PathLike[str] | None = None,
) -> list[Path]:
    """Render the figures named in ``which`` (default all of :data:`FIGURES`) into ``outdir``; return the paths.

    Parameters
    ----------
    outdir : path-like
        Output directory, created if missing.
    which : str or sequence of str, optional
        Names from :data:`FIGURES`; default all of them, in that order.
    progress : text stream, optional
        Receives one line per figure (name, seconds, files).
    summaries : path-like, optional
        Directory of ``fig2_summary.json`` and ``fig3_summary.json`` for the
        experiment figure; default ``outdir`` if it has them, else the
        checkout's ``docs/figures``.  When neither has them and ``which`` is
        None, the experiment figure is skipped (with a progress line).

    Returns
    -------
    list of Path
        The written files: ``NAME.png`` and ``NAME.svg`` per figure, and
        ``fig2.png``, ``fig3.png`` for the experiment.

    Raises
    ------
    InvalidArgumentError
        If a name is unknown or ``outdir`` is a file.
    FileFormatError
        If the experiment figure is requested (``which`` or ``summaries``
        given) and the summaries are missing, or if they are malformed.

    Notes
    -----
    All files of a figure are rendered to memory before the first one is
    written, and each is written atomically, so an error never leaves a
    half-written file behind.
    """
    names = list(FIGURES) if which is None else list(dict.fromkeys([which] if isinstance(which, str) else which))
    unknown = [n for n in names if n not in FIGURES]
    if unknown or not names:
        raise InvalidArgumentError(f"which: expected names from {', '.join(FIGURES)} but found {unknown or names}")
    out = Path(outdir)
    if out.exists() and not out.is_dir():
        raise InvalidArgumentError(f"outdir: expected a directory but found a file: {out}")
    source = _summaries(out, summaries)
    if "experiment" in names and source is None:
        where = summaries if summaries is not None else f"{out} or the checkout's docs/figures"
        if which is not None or summaries is not None:
            raise FileFormatError(
                f"summaries: expected fig2_summary.json and fig3_summary.json in {where} but found none"
            )
        names.remove("experiment")
        if progress is not None:
            progress.write(f"experiment: skipped (no fig2_summary.json / fig3_summary.json in {where})\n")
    out.mkdir(parents=True, exist_ok=True)
    written: list[Path] = []
    for i, name in enumerate(names, 1):
        start = time.perf_counter()
        files = _files(name, source or out)
        for filename, data in files.items():
            atomic_write_bytes(out / filename, data)
            written.append(out / filename)
        if progress is not None:
            seconds = time.perf_counter() - start
            progress.write(f"[{i}/{len(names)}] {name}: {seconds:.1f} s, wrote {', '.join(files)}\n")
            progress.flush()
    return written
