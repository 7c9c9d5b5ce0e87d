"""Tests of the slide figures (urnn_sym.experiments.figures) and of ``urnn-sym figures``."""

from __future__ import annotations

import subprocess
import sys
from fractions import Fraction
from pathlib import Path

import flint
import numpy as np
import pytest
from clitools import run as run_cli

from urnn_sym.cli import main
from urnn_sym.errors import FileFormatError, InvalidArgumentError
from urnn_sym.experiments import figures
from urnn_sym.experiments.figures import (
    FIGURES,
    RNN_COLOR,
    URNN_COLOR,
    experiment_png,
    make_figures,
    sigmoid_gap,
    teaching_rnn,
    theorem1_extra_states,
    theorem1_run,
    theorem1_trajectories,
)
from urnn_sym.io import read_rnn
from urnn_sym.model import simulate
from urnn_sym.refute.smooth import delay_line_candidate, distinguishing_input_smooth, fitted_candidate, sigmoid_witness

pytestmark = pytest.mark.timeout(120)

ROOT = Path(__file__).resolve().parents[2]
DOCS = ROOT / "docs" / "figures"
PNG_MAGIC = b"\x89PNG\r\n\x1a\n"


@pytest.fixture(scope="module")
def run():
    return theorem1_run(length=8)


@pytest.fixture
def close_figures():
    plt = figures._pyplot()
    yield
    plt.close("all")


# ------------------------------------------------------------------------------
# Theorem 1 data
# ------------------------------------------------------------------------------


def test_teaching_rnn_is_the_example_file() -> None:
    assert teaching_rnn() == read_rnn(ROOT / "examples" / "rnn_exact.json")


def test_theorem1_run_is_exact(run) -> None:
    rnn, urnn = run.rnn, run.construction.urnn
    assert (rnn.n, urnn.n, run.construction.extra_states) == (2, 4, 2)
    assert run.construction.orthogonal.holds
    assert all(isinstance(x[0], Fraction) and abs(x[0]) <= 1 for x in run.xs)
    # independent re-simulation of both networks, compared with == on exact values
    assert run.ys_rnn == [Fraction(v) for v in simulate(rnn, run.xs)[:, 0]]
    assert run.ys_urnn == run.ys_rnn
    assert run.max_diff == 0 and isinstance(run.max_diff, Fraction)
    assert [h[:2] for h in run.hs_urnn] == run.hs_rnn
    assert all(h[2:] == [0, 0] for h in run.hs_urnn)


def test_theorem1_run_is_deterministic_and_cached(run) -> None:
    assert theorem1_run(length=8) is run
    assert theorem1_run(length=8, seed=1).xs != run.xs


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"length": 0}, "length: expected an integer >= 1 but found 0"),
        ({"length": 2.5}, "length: expected an integer >= 1 but found 2.5"),
        ({"length": True}, "length: expected an integer >= 1 but found True"),
        ({"seed": -1}, "seed: expected an integer >= 0 but found -1"),
        ({"input_bound": 0}, "input_bound: expected an integer >= 1 but found 0"),
    ],
)
def test_theorem1_run_bad_arguments(kwargs, message) -> None:
    with pytest.raises(InvalidArgumentError, match=message.replace(".", r"\.")):
        theorem1_run(**kwargs)


def test_extra_preactivations_are_negative_and_exact_enough(run) -> None:
    pre = figures._extra_preactivations(run)
    assert pre.shape == (len(run.xs), 2)
    assert (pre < 0).all()  # hence relu(pre) = 0 = the extra states
    # the same numbers from the exact U and b, evaluated at 50 digits
    m = run.construction.urnn.matrices()
    U, b = m["W"], m["b"]
    h_prev = run.hs_urnn[2]
    exact = [(U[2 + i, 0] * h_prev[0] + U[2 + i, 1] * h_prev[1] + b[2 + i]).evalf(50) for i in range(2)]
    assert np.allclose(pre[3], [float(v) for v in exact], rtol=1e-12, atol=0)


# ------------------------------------------------------------------------------
# figures
# ------------------------------------------------------------------------------


def test_trajectories_plot_the_exact_outputs(run, close_figures) -> None:
    fig = theorem1_trajectories(run)
    ax_x, ax_y, ax_d = fig.axes
    assert list(ax_x.lines[0].get_ydata()) == [float(x[0]) for x in run.xs]
    rnn_line, urnn_line = ax_y.lines
    assert list(rnn_line.get_ydata()) == [float(y) for y in run.ys_rnn]
    assert list(urnn_line.get_ydata()) == [float(y) for y in run.ys_urnn]
    assert (rnn_line.get_color(), urnn_line.get_color()) == (RNN_COLOR, URNN_COLOR)
    assert rnn_line.get_linestyle() == "-" and urnn_line.get_linestyle() == "--"
    assert list(ax_d.lines[0].get_ydata()) == [0.0] * len(run.xs)
    assert "= 0 " in ax_d.texts[0].get_text()
    assert ax_y.get_legend() is not None and ax_d.get_xlabel() == "time step $k$"


def test_extra_states_plot_zeros_and_the_bound(run, close_figures) -> None:
    fig = theorem1_extra_states(run)
    ax_h, ax_e, ax_n = fig.axes
    assert [line.get_color() for line in ax_h.lines][:2] == [RNN_COLOR, URNN_COLOR]
    for i in range(2):
        assert list(ax_h.lines[2 * i].get_ydata()) == [float(h[i]) for h in run.hs_rnn]
        assert list(ax_h.lines[2 * i + 1].get_ydata()) == [float(h[i]) for h in run.hs_urnn]
    states, pre = ax_e.lines[0:4:2], ax_e.lines[1:4:2]
    assert all(list(line.get_ydata()) == [0.0] * len(run.xs) for line in states)
    assert all(max(line.get_ydata()) < 0 for line in pre)
    norm_line, bound = ax_n.lines
    assert list(bound.get_ydata()) == [float(run.construction.H)] * 2
    assert max(norm_line.get_ydata()) < float(run.construction.H)


def test_sigmoid_gap_plots_certified_gaps(close_figures) -> None:
    fig = sigmoid_gap((1, 2, 3), fitted=(2,), shown=2)
    ax_g, ax_o = fig.axes
    delay, fit = ax_g.lines
    assert ax_g.get_yscale() == "log"
    witness = sigmoid_witness()
    expected = [distinguishing_input_smooth(witness, delay_line_candidate(m), input_bound=1) for m in (1, 2, 3)]
    assert list(delay.get_ydata()) == [r.data["gap_lower"] for r in expected]
    assert [r.length for r in expected] == [2, 3, 4]
    ref = distinguishing_input_smooth(witness, fitted_candidate(2, seed=0), input_bound=1)
    assert list(fit.get_ydata()) == [ref.data["gap_lower"]]
    assert all(g > 0 for g in delay.get_ydata())
    # right panel: the outputs lie inside the refutation's certified enclosures
    ref2 = expected[1]
    for line, rows in zip(ax_o.lines, (ref2.ys_rnn, ref2.ys_candidate), strict=True):
        for y, row in zip(line.get_ydata(), rows, strict=True):
            assert flint.arb(row[0]).contains(flint.arb(y))
    (zoom,) = ax_o.child_axes
    assert f"{ref2.data['gap_lower']:.2e}" in zoom.get_xlabel()


def test_sigmoid_gap_bad_shown() -> None:
    with pytest.raises(InvalidArgumentError, match=r"shown: expected one of the sizes \[1, 2\] but found 5"):
        sigmoid_gap((1, 2), fitted=(), shown=5)


# ------------------------------------------------------------------------------
# the experiment figures
# ------------------------------------------------------------------------------


@pytest.mark.parametrize("name", ["fig2", "fig3"])
def test_experiment_png_redraws_the_committed_figure(name) -> None:
    png = experiment_png(name, DOCS)
    assert png.startswith(PNG_MAGIC)
    assert png == (DOCS / f"{name}.png").read_bytes()


def test_experiment_png_errors(tmp_path, write_json) -> None:
    with pytest.raises(InvalidArgumentError, match="name: expected 'fig2' or 'fig3' but found 'fig4'"):
        experiment_png("fig4", DOCS)
    with pytest.raises(FileFormatError, match=r"summaries: expected fig2_summary\.json in .* but found no such file"):
        experiment_png("fig2", tmp_path)
    write_json({"summary": {}}, name="fig2_summary.json")
    with pytest.raises(FileFormatError, match=r"expected an urnn-sym experiment summary .* KeyError: 'config'"):
        experiment_png("fig2", tmp_path)


# ------------------------------------------------------------------------------
# make_figures
# ------------------------------------------------------------------------------


def test_make_figures_experiment_only(tmp_path) -> None:
    out = tmp_path / "new" / "dir"
    paths = make_figures(out, which=["experiment"], summaries=DOCS)
    assert paths == [out / "fig2.png", out / "fig3.png"]
    assert all(p.read_bytes().startswith(PNG_MAGIC) for p in paths)
    assert sorted(p.name for p in out.iterdir()) == ["fig2.png", "fig3.png"]


def test_make_figures_writes_png_and_svg(tmp_path, run, monkeypatch) -> None:
    monkeypatch.setattr(figures, "theorem1_run", lambda: run)
    paths = make_figures(tmp_path, which=["theorem1-extra-states", "theorem1-extra-states"])  # duplicates drawn once
    assert [p.name for p in paths] == ["theorem1-extra-states.png", "theorem1-extra-states.svg"]
    assert paths[0].read_bytes().startswith(PNG_MAGIC)
    assert b"<svg" in paths[1].read_bytes()[:400]
    first = [p.read_bytes() for p in paths]
    make_figures(tmp_path, which="theorem1-extra-states")
    assert [p.read_bytes() for p in paths] == first  # deterministic, byte for byte


@pytest.mark.parametrize(
    ("which", "message"),
    [
        (["nope"], r"which: expected names from theorem1-trajectories, .* but found \['nope'\]"),
        ([], r"which: expected names from .* but found \[\]"),
    ],
)
def test_make_figures_bad_names(tmp_path, which, message) -> None:
    with pytest.raises(InvalidArgumentError, match=message):
        make_figures(tmp_path / "out", which=which)
    assert not (tmp_path / "out").exists()


def test_make_figures_outdir_is_a_file(tmp_path) -> None:
    target = tmp_path / "file.png"
    target.write_bytes(b"x")
    with pytest.raises(InvalidArgumentError, match="outdir: expected a directory but found a file"):
        make_figures(target, which=["experiment"])


def test_missing_summaries_error_when_asked_and_skip_by_default(tmp_path, monkeypatch) -> None:
    with pytest.raises(FileFormatError, match=r"summaries: expected fig2_summary\.json and fig3_summary\.json in"):
        make_figures(tmp_path / "a", which=["experiment"], summaries=tmp_path)
    assert not (tmp_path / "a").exists()
    monkeypatch.setattr(figures, "__file__", str(tmp_path / "pkg" / "figures.py"))  # no checkout docs either
    with pytest.raises(FileFormatError):
        make_figures(tmp_path / "b", which=["experiment"])
    monkeypatch.setattr(figures, "FIGURES", {"experiment": "only this one"})
    log = _Log()
    assert make_figures(tmp_path / "c", progress=log) == []
    assert "experiment: skipped (no fig2_summary.json / fig3_summary.json in" in log.text


class _Log:
    def __init__(self) -> None:
        self.text = ""

    def write(self, text: str) -> None:
        self.text += text

    def flush(self) -> None:
        pass


def test_nothing_half_written_on_error(tmp_path, run, monkeypatch) -> None:
    monkeypatch.setattr(figures, "theorem1_run", lambda: run)
    old = tmp_path / "theorem1-trajectories.png"
    old.write_bytes(b"old figure")
    real = figures._save
    formats = []

    def fail_on_svg(fig, fmt):
        formats.append(fmt)
        if fmt == "svg":
            raise OSError("disk full")
        return real(fig, fmt)

    monkeypatch.setattr(figures, "_save", fail_on_svg)
    with pytest.raises(OSError, match="disk full"):
        make_figures(tmp_path, which=["theorem1-trajectories"])
    assert formats == ["png", "svg"]
    assert old.read_bytes() == b"old figure"  # the PNG was rendered but not written
    assert sorted(p.name for p in tmp_path.iterdir()) == ["theorem1-trajectories.png"]


def test_progress_lines(tmp_path) -> None:
    log = _Log()
    make_figures(tmp_path, which=["experiment"], summaries=DOCS, progress=log)
    assert log.text.startswith("[1/1] experiment: ") and log.text.endswith("wrote fig2.png, fig3.png\n")


def test_import_stays_light() -> None:
    code = (
        "import sys, urnn_sym, urnn_sym.experiments.figures, urnn_sym.cli.figures; print('matplotlib' in sys.modules)"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert out.strip() == "False"


@pytest.mark.slow
def test_make_figures_all(tmp_path) -> None:
    log = _Log()
    paths = make_figures(tmp_path, progress=log, summaries=DOCS)
    names = sorted(p.name for p in paths)
    expected = sorted([f"{n}.{e}" for n in FIGURES if n != "experiment" for e in ("png", "svg")])
    assert names == sorted([*expected, "fig2.png", "fig3.png"])
    assert all(p.stat().st_size > 1000 for p in paths)
    assert sorted(p.name for p in tmp_path.iterdir()) == names  # no temporary files left
    assert log.text.count("\n") == len(FIGURES)


# ------------------------------------------------------------------------------
# the command
# ------------------------------------------------------------------------------


def test_cli_list(capsys, tmp_path) -> None:
    code, out, err = run_cli(capsys, "figures", tmp_path / "never", "--list")
    assert code == 0 and err == ""
    assert [line.split()[0] for line in out.splitlines()] == list(FIGURES)
    assert not (tmp_path / "never").exists()


def test_cli_help(capsys) -> None:
    with pytest.raises(SystemExit) as exc:
        main(["figures", "--help"])
    out = capsys.readouterr().out
    assert exc.value.code == 0
    assert "urnn-sym figures docs/figures" in out and "--only NAME" in out and "exit codes:" in out


@pytest.mark.parametrize(
    ("argv", "message"),
    [
        (["--only", "nope"], "argument --only: invalid choice: 'nope'"),
        (["--only"], "argument --only: expected at least one argument"),
    ],
)
def test_cli_bad_only(capsys, tmp_path, argv, message) -> None:
    code, out, err = run_cli(capsys, "figures", tmp_path / "out", *argv)
    assert code == 2 and out == ""
    assert message in err and err.count("\n") == 1
    assert not (tmp_path / "out").exists()


def test_cli_outdir_is_a_file(capsys, tmp_path) -> None:
    target = tmp_path / "f"
    target.write_text("x")
    code, _, err = run_cli(capsys, "figures", target, "--only", "experiment")
    assert code == 2 and err == f"urnn-sym: error: outdir: expected a directory but found a file: {target}\n"


def test_cli_experiment(capsys, tmp_path) -> None:
    code, out, err = run_cli(capsys, "figures", tmp_path, "--only", "experiment", "--summaries", DOCS)
    assert code == 0
    assert out.splitlines() == [str(tmp_path / "fig2.png"), str(tmp_path / "fig3.png")]
    assert err.startswith("[1/1] experiment: ")
    assert (tmp_path / "fig2.png").read_bytes() == (DOCS / "fig2.png").read_bytes()
