"""Tests of the output bias of urnn_sym.experiments.train and of the fast BatchedBPTT trainer."""

from __future__ import annotations

from collections.abc import Callable

import numpy as np
import pytest

from urnn_sym.errors import InvalidArgumentError
from urnn_sym.experiments.batched import BatchedBPTT
from urnn_sym.experiments.data import make_trials
from urnn_sym.experiments.train import Adam, Params, fit, init_params, loss_and_grad, predict, windowed_predict

pytestmark = pytest.mark.timeout(120)


def _problem(seed: int, *, bias: bool, M: int = 3, n: int = 3, d: int = 2, p: int = 2, L: int = 12, B: int = 3):
    rng = np.random.default_rng(seed)
    params = init_params(M, n, d, p, rng, output_bias=bias)
    params.W *= 0.9
    params.b += 0.3 * rng.standard_normal(params.b.shape)
    if bias:
        assert params.c is not None
        params.c += rng.standard_normal(params.c.shape)
    X = rng.standard_normal((M, L, B, d))
    Y = rng.standard_normal((M, L, B, p))
    mask = (rng.random((L, B)) < 0.7).astype(float)
    mask[:3] = 0.0
    return params, X, Y, mask


def _finite_differences(params: Params, loss: Callable[[], float], h: float = 1e-6) -> list[np.ndarray]:
    out = []
    for a in params.arrays():
        numeric = np.empty_like(a)
        for idx in np.ndindex(a.shape):
            old = a[idx]
            a[idx] = old + h
            up = loss()
            a[idx] = old - h
            down = loss()
            a[idx] = old
            numeric[idx] = (up - down) / (2 * h)
        out.append(numeric)
    return out


def _rel(a: np.ndarray, b: np.ndarray) -> float:
    return float(np.linalg.norm(a - b) / max(np.linalg.norm(a), np.linalg.norm(b)))


# ------------------------------------------------------------------------------
# output bias
# ------------------------------------------------------------------------------


@pytest.mark.parametrize("seed", [0, 1])
def test_gradient_with_output_bias_matches_finite_differences(seed: int) -> None:
    params, X, Y, mask = _problem(seed, bias=True)
    _, grad = loss_and_grad(params, X, Y, mask)
    assert grad.c is not None and grad.c.shape == (3, 2)
    numeric = _finite_differences(params, lambda: float(loss_and_grad(params, X, Y, mask)[0].sum()))
    assert len(numeric) == 5
    for num, g in zip(numeric, grad.arrays(), strict=True):
        assert _rel(num, g) < 1e-6


def test_output_bias_shifts_the_outputs_and_is_absent_by_default() -> None:
    params, X, _, _ = _problem(2, bias=True)
    assert params.c is not None
    plain = Params(params.W, params.F, params.b, params.C)
    assert plain.c is None and len(plain.arrays()) == 4 and len(params.arrays()) == 5
    x = X[:, :, 0, :]
    assert np.allclose(predict(params, x), predict(plain, x) + params.c[:, None, :], rtol=0, atol=1e-14)
    shifted = windowed_predict(params, x, 4, 12, 2, 2) - windowed_predict(plain, x, 4, 12, 2, 2)
    assert np.allclose(shifted, np.broadcast_to(params.c[:, None, :], shifted.shape), rtol=0, atol=1e-14)
    # the bias draws no random numbers: W, F, b, C are those of the model without it
    a, b = (
        init_params(2, 3, 2, 2, np.random.default_rng(5)),
        init_params(2, 3, 2, 2, np.random.default_rng(5), output_bias=True),
    )
    assert all(np.array_equal(u, v) for u, v in zip(a.arrays(), b.arrays()[:4], strict=True))
    assert b.c is not None and not b.c.any()


def test_output_bias_bad_shape() -> None:
    params, X, Y, mask = _problem(3, bias=True)
    params.c = np.zeros((3, 3))
    with pytest.raises(InvalidArgumentError, match=r"c: expected shape \(3, 2\)"):
        loss_and_grad(params, X, Y, mask)


def test_fit_with_output_bias_learns_an_offset() -> None:
    trials = make_trials(20.0, 1, seed=0, T=400)
    x = np.stack([trials[0].x] * 2)
    y = np.stack([trials[0].y] * 2) + 5.0  # a constant offset the bias can absorb
    seeds = [[0, 0], [0, 1]]
    plain = fit(x, y, trials[0].n_train, 3, np.array([False, True]), seeds, epochs=120, washout=40)
    biased = fit(x, y, trials[0].n_train, 3, np.array([False, True]), seeds, epochs=120, washout=40, output_bias=True)
    assert plain.params.c is None and biased.params.c is not None
    assert np.all(biased.train_r2 > plain.train_r2)
    W = biased.params.W[1]
    assert np.abs(W.T @ W - np.eye(3)).max() < 1e-12


# ------------------------------------------------------------------------------
# BatchedBPTT
# ------------------------------------------------------------------------------


@pytest.mark.parametrize(("seed", "bias"), [(0, False), (1, True), (2, True)])
def test_batched_equals_stacked_loss_and_grad(seed: int, bias: bool) -> None:
    params, X, Y, mask = _problem(seed, bias=bias, M=4, n=5, L=30, B=3)
    loss, grad = loss_and_grad(params, X, Y, mask)
    ws = BatchedBPTT(4, 30, 3, 5, 2, 2, output_bias=bias)
    for _ in range(2):  # the reused buffers give the same answer
        loss2, grad2 = ws.loss_and_grad(params, X, Y, mask)
        assert np.allclose(loss2, loss, rtol=1e-13, atol=0)
        assert len(grad2.arrays()) == len(grad.arrays())
        for a, b in zip(grad.arrays(), grad2.arrays(), strict=True):
            assert a.shape == b.shape and b.dtype == np.float64
            assert _rel(a, b) < 1e-13


@pytest.mark.parametrize("bias", [False, True])
def test_batched_gradient_matches_finite_differences(bias: bool) -> None:
    params, X, Y, mask = _problem(4, bias=bias)
    ws = BatchedBPTT(3, 12, 3, 3, 2, 2, output_bias=bias)
    _, grad = ws.loss_and_grad(params, X, Y, mask)
    numeric = _finite_differences(params, lambda: float(ws.loss_and_grad(params, X, Y, mask)[0].sum()))
    for num, g in zip(numeric, grad.arrays(), strict=True):
        assert _rel(num, g) < 1e-6


def test_batched_float32_is_close_to_float64() -> None:
    params, X, Y, mask = _problem(5, bias=True, M=3, n=6, L=200, B=4)
    loss, grad = BatchedBPTT(3, 200, 4, 6, 2, 2, output_bias=True).loss_and_grad(params, X, Y, mask)
    ws32 = BatchedBPTT(3, 200, 4, 6, 2, 2, dtype=np.float32, output_bias=True)
    loss32, grad32 = ws32.loss_and_grad(params, X, Y, mask)
    assert loss32.dtype == np.float64 and np.allclose(loss32, loss, rtol=1e-5)
    for a, b in zip(grad.arrays(), grad32.arrays(), strict=True):
        assert b.dtype == np.float64 and _rel(a, b) < 1e-4
    assert not all(np.array_equal(a, b) for a, b in zip(grad.arrays(), grad32.arrays(), strict=True))


def test_batched_trains_like_the_stacked_trainer() -> None:
    params, X, Y, mask = _problem(6, bias=True, M=2, n=4, L=40, B=3)
    other = Params(*(a.copy() for a in params.arrays()))
    opt, opt2 = Adam(params), Adam(other)
    ws = BatchedBPTT(2, 40, 3, 4, 2, 2, output_bias=True)
    first = loss_and_grad(params, X, Y, mask)[0]
    for _ in range(30):
        opt.step(loss_and_grad(params, X, Y, mask)[1])
        opt2.step(ws.loss_and_grad(other, X, Y, mask)[1])
    last = loss_and_grad(params, X, Y, mask)[0]
    assert np.all(last < first)
    for a, b in zip(params.arrays(), other.arrays(), strict=True):
        assert np.allclose(a, b, rtol=0, atol=1e-9)


@pytest.mark.parametrize(
    ("change", "match"),
    [
        ({"X": (3, 12, 3, 1)}, "X: expected shape"),
        ({"Y": (3, 12, 2, 2)}, "Y: expected shape"),
        ({"mask": (11, 3)}, "mask: expected shape"),
        ({"W": (3, 4, 4)}, r"params\.W: expected shape"),
        ({"c": (3, 2)}, r"params\.c: expected None"),
    ],
)
def test_batched_bad_shapes(change: dict, match: str) -> None:
    params, X, Y, mask = _problem(7, bias=False)
    arrays = {"X": X, "Y": Y, "mask": mask}
    for name, shape in change.items():
        if name in arrays:
            arrays[name] = np.zeros(shape)
        else:
            setattr(params, name, np.zeros(shape))
    with pytest.raises(InvalidArgumentError, match=match):
        BatchedBPTT(3, 12, 3, 3, 2, 2).loss_and_grad(params, arrays["X"], arrays["Y"], arrays["mask"])


@pytest.mark.parametrize(
    ("kwargs", "match"),
    [({"steps": 0}, "steps"), ({"n": 2.5}, "n: expected a positive int"), ({"dtype": np.int64}, "dtype")],
)
def test_batched_bad_arguments(kwargs: dict, match: str) -> None:
    args = {"models": 1, "steps": 3, "batch": 1, "n": 2, "d": 1, "p": 1, **kwargs}
    with pytest.raises(InvalidArgumentError, match=match):
        BatchedBPTT(**args)
