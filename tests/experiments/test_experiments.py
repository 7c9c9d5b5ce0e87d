"""Tests of urnn_sym.experiments: data, BPTT gradients, projection, Theorem 1 link, runner and CLI."""

from __future__ import annotations

import csv
import json
import os

import numpy as np
import pytest
import scipy.linalg

from urnn_sym import RNN, simulate
from urnn_sym.cli import main
from urnn_sym.errors import InvalidArgumentError, NotContractiveError
from urnn_sym.experiments.config import ExperimentConfig
from urnn_sym.experiments.data import activity, make_trial, make_trials, realised_snr_db, true_recurrence
from urnn_sym.experiments.report import CSV_COLUMNS, summarize, write_outputs
from urnn_sym.experiments.runner import run_experiment
from urnn_sym.experiments.theory import check_theorem1, theorem1_urnn_float
from urnn_sym.experiments.train import (
    fit,
    init_params,
    loss_and_grad,
    predict,
    project_orthogonal,
    r2_score,
    windowed_predict,
    windows,
)

pytestmark = pytest.mark.timeout(120)


@pytest.fixture(scope="module")
def trials20():
    return make_trials(20.0, 6, seed=3)


# ------------------------------------------------------------------------------
# data
# ------------------------------------------------------------------------------


def test_true_recurrence_is_symmetric_contractive_with_eigenvalues_in_range(trials20) -> None:
    for t in trials20:
        assert np.array_equal(t.W, t.W.T)
        eig = np.linalg.eigvalsh(t.W)
        assert eig.min() >= 1 - 0.01 - 1e-12
        assert np.linalg.norm(t.W, 2) < 1.0
    A = np.random.default_rng(0).standard_normal((4, 4))
    W = true_recurrence(A, eps=0.01)
    assert np.isclose(np.linalg.eigvalsh(W).min(), 0.99)


def test_every_hidden_unit_is_active_about_60_percent(trials20) -> None:
    for t in trials20:
        act = activity(t.W, t.F, t.b, t.x)
        assert act.shape == (4,)
        assert np.all(np.abs(act - 0.6) <= 0.05), act


@pytest.mark.parametrize("snr_db", [20.0, 15.0, 3.5])
def test_realised_snr_matches_request(snr_db: float) -> None:
    for t in make_trials(snr_db, 3, seed=1):
        assert abs(realised_snr_db(t) - snr_db) < 0.2
        assert t.snr_db == snr_db


def test_split_shapes_and_reproducibility(trials20) -> None:
    t = trials20[2]
    assert t.x.shape == (1000, 2) and t.y.shape == (1000, 2) and t.n_train == 700
    again = make_trial(20.0, seed=3, realization=2)
    assert np.array_equal(again.y, t.y) and np.array_equal(again.b, t.b)
    other = make_trial(20.0, seed=4, realization=2)
    assert not np.array_equal(other.x, t.x)
    # the true system's own output is reproduced by the package simulator
    rnn = RNN(t.W, t.F, t.b, t.C, system="float64")
    assert np.allclose(simulate(rnn, t.x), t.y_clean, rtol=1e-12, atol=1e-9)


@pytest.mark.parametrize(
    ("kwargs", "match"),
    [({"realizations": 0}, "realizations"), ({"test_fraction": 1.0}, "test_fraction"), ({"snr_db": np.inf}, "snr_db")],
)
def test_make_trials_bad_input(kwargs: dict, match: str) -> None:
    args = {"snr_db": 20.0, "realizations": 1, **kwargs}
    with pytest.raises(InvalidArgumentError, match=match):
        make_trials(**args)


# ------------------------------------------------------------------------------
# BPTT
# ------------------------------------------------------------------------------


def _problem(seed: int = 0, M: int = 3, n: int = 3, d: int = 2, p: int = 2, L: int = 12, B: int = 3):
    rng = np.random.default_rng(seed)
    params = init_params(M, n, d, p, rng)
    params.W *= 0.9
    params.b += 0.3 * rng.standard_normal(params.b.shape)
    X = rng.standard_normal((M, L, B, d))
    Y = rng.standard_normal((M, L, B, p))
    mask = (rng.random((L, B)) < 0.7).astype(float)
    mask[:3] = 0.0
    return params, X, Y, mask


@pytest.mark.parametrize("seed", [0, 1, 2])
def test_bptt_gradient_matches_finite_differences(seed: int) -> None:
    params, X, Y, mask = _problem(seed)
    loss, grad = loss_and_grad(params, X, Y, mask)
    h = 1e-6
    for a, g in zip(params.arrays(), grad.arrays(), strict=True):
        numeric = np.empty_like(a)
        for idx in np.ndindex(a.shape):
            old = a[idx]
            a[idx] = old + h
            up = loss_and_grad(params, X, Y, mask)[0].sum()
            a[idx] = old - h
            down = loss_and_grad(params, X, Y, mask)[0].sum()
            a[idx] = old
            numeric[idx] = (up - down) / (2 * h)
        rel = np.linalg.norm(numeric - g) / max(np.linalg.norm(numeric), np.linalg.norm(g))
        assert rel < 1e-6, rel
    assert loss.shape == (3,) and np.all(loss > 0)


def test_loss_is_mse_of_predict_and_models_are_independent() -> None:
    params, X, Y, _ = _problem(4, L=8, B=1)
    mask = np.ones((8, 1))
    loss, grad = loss_and_grad(params, X, Y, mask)
    yhat = predict(params, X[:, :, 0, :])
    assert np.allclose(loss, ((yhat - Y[:, :, 0, :]) ** 2).mean(axis=(1, 2)), rtol=1e-13)
    # changing model 0 changes neither the loss nor the gradient of model 1
    params.W[0] += 0.1
    loss2, grad2 = loss_and_grad(params, X, Y, mask)
    assert loss2[1] == loss[1] and np.array_equal(grad2.W[1], grad.W[1])


def test_predict_matches_package_simulate() -> None:
    params, X, _, _ = _problem(5)
    x = X[:, :, 0, :]
    ys = predict(params, x)
    for m in range(3):
        rnn = RNN(params.W[m], params.F[m], params.b[m], params.C[m], system="float64")
        assert np.allclose(ys[m], simulate(rnn, x[m]), rtol=1e-12, atol=1e-12)


def test_loss_and_grad_bad_shapes() -> None:
    params, X, Y, mask = _problem(0)
    with pytest.raises(InvalidArgumentError, match="X: expected shape"):
        loss_and_grad(params, X[:2], Y, mask)
    with pytest.raises(InvalidArgumentError, match="Y: expected shape"):
        loss_and_grad(params, X, Y[..., :1], mask)
    with pytest.raises(InvalidArgumentError, match="mask: expected shape"):
        loss_and_grad(params, X, Y, mask[:-1])


# ------------------------------------------------------------------------------
# projection and training
# ------------------------------------------------------------------------------


def test_projection_is_the_polar_factor_and_idempotent() -> None:
    rng = np.random.default_rng(7)
    W = rng.standard_normal((5, 6, 6))
    Q = project_orthogonal(W)
    for k in range(5):
        assert np.allclose(Q[k], scipy.linalg.polar(W[k])[0], atol=1e-12)
        assert np.abs(Q[k].T @ Q[k] - np.eye(6)).max() < 1e-13
    assert np.allclose(project_orthogonal(Q), Q, atol=1e-14)


def test_windows_tile_the_steps_once_with_washout() -> None:
    for first, last, count, washout in ((0, 700, 10, 100), (700, 1000, 4, 100), (5, 37, 3, 4), (0, 10, 10, 0)):
        starts, mask = windows(first, last, count, washout)
        covered = np.zeros(last, int)
        for j in range(count):
            steps = starts[j] + np.nonzero(mask[:, j])[0]
            covered[steps] += 1
            assert steps[0] - starts[j] == min(washout, steps[0]) or starts[j] == last - mask.shape[0]
            assert starts[j] >= 0 and starts[j] + mask.shape[0] <= last
        assert np.all(covered[first:] == 1) and np.all(covered[:first] == 0)
    with pytest.raises(InvalidArgumentError, match="count"):
        windows(0, 5, 6, 0)


def test_windowed_predict_equals_full_simulation_for_memoryless_model() -> None:
    params, _, _, _ = _problem(1, M=2)
    params.W[:] = 0.0
    x = np.random.default_rng(1).standard_normal((2, 50, 2))
    assert np.allclose(windowed_predict(params, x, 20, 50, 3, 5), predict(params, x)[:, 20:], atol=1e-14)


def test_training_keeps_urnn_orthogonal_and_learns() -> None:
    trials = make_trials(20.0, 2, seed=0, T=400)
    x = np.stack([t.x for t in trials] * 2)
    y = np.stack([t.y for t in trials] * 2)
    unitary = np.array([False, False, True, True])
    seeds = [[0, m] for m in range(4)]
    result = fit(x, y, trials[0].n_train, 4, unitary, seeds, epochs=150, washout=40)
    W = result.params.W
    for m in (2, 3):
        assert np.abs(W[m].T @ W[m] - np.eye(4)).max() < 1e-12
    assert np.abs(W[0].T @ W[0] - np.eye(4)).max() > 1e-3  # the plain RNN is not constrained
    assert np.all(np.isfinite(result.test_r2)) and np.all(result.train_r2 > 0.2)
    again = fit(x, y, trials[0].n_train, 4, unitary, seeds, epochs=150, washout=40)
    assert np.array_equal(again.test_r2, result.test_r2)


def test_r2_score() -> None:
    y = np.array([[1.0, 0.0], [2.0, 1.0], [3.0, 5.0]])
    assert r2_score(y, y) == 1.0
    assert r2_score(y, np.broadcast_to(y.mean(axis=0), y.shape)) == 0.0
    assert r2_score(np.stack([y, y]), np.stack([y, 0 * y])).shape == (2,)


# ------------------------------------------------------------------------------
# Theorem 1
# ------------------------------------------------------------------------------


def _contractive_rnn(seed: int, n: int = 4) -> RNN:
    rng = np.random.default_rng(seed)
    W = rng.standard_normal((n, n))
    W *= 0.95 / np.linalg.norm(W, 2)
    return RNN(W, rng.standard_normal((n, 2)), rng.standard_normal(n), rng.standard_normal((2, n)), system="float64")


@pytest.mark.parametrize("seed", range(4))
def test_theorem1_urnn_is_orthogonal_and_equivalent(seed: int) -> None:
    rnn = _contractive_rnn(seed)
    x = np.random.default_rng(seed + 10).standard_normal((300, 2))
    urnn = theorem1_urnn_float(rnn, float(np.linalg.norm(x, axis=1).max()))
    U = np.asarray(urnn.W)
    assert urnn.n == 8
    assert np.abs(U.T @ U - np.eye(8)).max() < 1e-12
    _, hs = simulate(urnn, x, return_states=True)
    assert np.all(hs[:, 4:] == 0.0)  # the extra states stay exactly at zero
    assert np.abs(simulate(urnn, x) - simulate(rnn, x)).max() < 1e-12
    check = check_theorem1(rnn, x, start=100)
    assert check.method == "direct" and check.contractive and check.max_abs_diff < 1e-12


def test_theorem1_needs_contraction_and_uses_diagonal_scaling() -> None:
    rnn = _contractive_rnn(1)
    with pytest.raises(NotContractiveError, match="W"):
        theorem1_urnn_float(rnn.replace(W=1.5 * np.eye(4)), 1.0)
    # a diagonally similar copy of a contractive W with norm > 1
    L = np.array([1.0, 4.0, 0.5, 2.0])
    W = L[:, None] * np.asarray(rnn.W) / L[None, :]
    scaled = RNN(W, L[:, None] * np.asarray(rnn.F), L * np.asarray(rnn.b), np.asarray(rnn.C) / L, system="float64")
    assert np.linalg.norm(W, 2) > 1
    x = np.random.default_rng(0).standard_normal((200, 2))
    check = check_theorem1(scaled, x)
    assert check.method == "diagonal scaling" and check.scaled_norm < 1 and check.max_abs_diff < 1e-9
    big = check_theorem1(rnn.replace(W=2.0 * np.eye(4)), x)
    assert big.method == "not contractive" and not big.contractive and np.isnan(big.max_abs_diff)


# ------------------------------------------------------------------------------
# runner and CLI
# ------------------------------------------------------------------------------


def test_summarize_smallest_size_within_tolerance() -> None:
    rows = [
        {"model": model, "hidden": n, "test_r2": r}
        for model, values in (("RNN", (0.5, 0.95, 0.958, 0.96)), ("URNN", (0.2, 0.7, 0.9, 0.96)))
        for n, r in zip((2, 4, 6, 8), values, strict=True)
    ]
    s = summarize(rows)
    assert s["RNN"]["smallest_within"] == 4 and s["URNN"]["smallest_within"] == 8
    assert s["RNN"]["at_4"] == 0.95 and s["URNN"]["at_8"] == 0.96


def test_config_bad_input() -> None:
    for kwargs, match in (
        ({"name": "fig9"}, "name"),
        ({"realizations": 0}, "realizations"),
        ({"epochs": -1}, "epochs"),
        ({"seed": -1}, "seed"),
        ({"sizes": ()}, "sizes"),
    ):
        with pytest.raises(InvalidArgumentError, match=match):
            ExperimentConfig(**{"name": "fig2", **kwargs})
    with pytest.raises(InvalidArgumentError, match="jobs"):
        run_experiment(ExperimentConfig("fig2", realizations=1, epochs=1, sizes=(2,)), jobs=0)


def test_results_do_not_depend_on_jobs_and_files_are_atomic(tmp_path, monkeypatch) -> None:
    config = ExperimentConfig("fig3", realizations=2, epochs=20, sizes=(2, 4))
    one, two = run_experiment(config, jobs=1), run_experiment(config, jobs=2)
    assert [r["test_r2"] for r in one["rows"]] == [r["test_r2"] for r in two["rows"]]
    assert len(one["rows"]) == 2 * 2 * 2 and one["rows"][0]["snr_db"] == 15.0
    paths = write_outputs(one, tmp_path / "a")
    assert sorted(p.name for p in (tmp_path / "a").iterdir()) == sorted(p.name for p in paths.values())

    def fail(*_args):
        raise OSError("disk full")

    monkeypatch.setattr(os, "replace", fail)
    with pytest.raises(OSError, match="disk full"):
        write_outputs(one, tmp_path / "b")
    assert list((tmp_path / "b").iterdir()) == []


@pytest.mark.parametrize(
    ("argv", "match"),
    [
        (["experiment", "fig4"], "invalid choice"),
        (["experiment", "fig2", "--realizations", "0"], "realizations"),
        (["experiment", "fig2", "--jobs", "0"], "--jobs"),
        (["experiment", "fig2", "--epochs", "x"], "invalid int"),
    ],
)
def test_cli_bad_input_exit_2(argv, match, capsys) -> None:
    assert main(argv) == 2
    err = capsys.readouterr().err
    assert match in err and len(err.strip().splitlines()) == 1


def test_cli_out_is_a_file(tmp_path, capsys) -> None:
    target = tmp_path / "file"
    target.write_text("x")
    assert main(["experiment", "fig2", "--out", str(target)]) == 2
    assert "--out" in capsys.readouterr().err


def test_cli_help_names_options(capsys) -> None:
    with pytest.raises(SystemExit) as info:
        main(["experiment", "--help"])
    assert info.value.code == 0
    out = capsys.readouterr().out
    for word in ("--quick", "--realizations", "--seed", "--out", "--jobs", "examples:", "fig3"):
        assert word in out


@pytest.mark.slow
def test_cli_quick_end_to_end(tmp_path, capsys) -> None:
    assert main(["experiment", "fig2", "--quick", "--out", str(tmp_path), "--jobs", "2"]) == 0
    captured = capsys.readouterr()
    assert "smallest size within 0.01" in captured.out and "Theorem 1 (true systems)" in captured.out
    assert "100%" in captured.err
    with open(tmp_path / "fig2.csv", newline="") as fh:
        rows = list(csv.DictReader(fh))
    assert tuple(rows[0]) == CSV_COLUMNS
    assert len(rows) == 4 * 2 * 7
    assert {r["model"] for r in rows} == {"RNN", "URNN"}
    assert sorted({int(r["hidden"]) for r in rows}) == [2, 4, 6, 8, 10, 12, 14]
    assert all(np.isfinite(float(r["test_r2"])) for r in rows)
    assert (tmp_path / "fig2.png").read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    summary = json.loads((tmp_path / "fig2_summary.json").read_text())
    assert summary["theorem1"]["true system"]["contractive"] == 4
    assert summary["theorem1"]["true system"]["max_abs_diff"] < 1e-9
    assert not [name for name in os.listdir(tmp_path) if name.endswith(".tmp")]
