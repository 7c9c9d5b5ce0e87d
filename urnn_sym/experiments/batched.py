"""Fast backpropagation through time for a stack of models: time-major, preallocated.

:class:`BatchedBPTT` computes the same loss and gradient as
:func:`urnn_sym.experiments.train.loss_and_grad` (same model, same loss, same
argument shapes) but is built for speed: the M models and B sequences of one
step are advanced by one stacked matrix product, the states are stored
time-major, ``(L, M, B, n)``, so that every step works on one contiguous block,
all buffers are allocated once and reused by every call, and the ReLU's
derivative is a float mask computed once per call.  The per-step work is two
numpy calls forward and two backward; everything else is a few large products.

The computation runs in ``float64`` (default) or ``float32``; the parameters and
the gradient stay ``float64`` either way (the float32 path rounds the inputs once
per call).  The float64 path agrees with ``loss_and_grad`` up to rounding.

Examples
--------
>>> from urnn_sym.experiments.train import init_params, loss_and_grad
>>> rng = np.random.default_rng(0)
>>> params = init_params(2, 3, 1, 1, rng)
>>> X, Y, mask = rng.standard_normal((2, 5, 4, 1)), rng.standard_normal((2, 5, 4, 1)), np.ones((5, 4))
>>> loss, grad = BatchedBPTT(2, 5, 4, 3, 1, 1).loss_and_grad(params, X, Y, mask)
>>> bool(np.allclose(loss, loss_and_grad(params, X, Y, mask)[0], rtol=1e-12))
True
"""

from __future__ import annotations

import numpy as np

from urnn_sym.errors import InvalidArgumentError
from urnn_sym.experiments.train import Params

__all__ = ["BatchedBPTT"]


class BatchedBPTT:
    """Reusable BPTT workspace for M models, B sequences of L steps, n states, d inputs, p outputs.

    Parameters
    ----------
    models : int
        Number M of models in the stack.
    steps : int
        Sequence length L.
    batch : int
        Sequences per batch B.
    n, d, p : int
        States, inputs, outputs.
    dtype : numpy dtype
        ``numpy.float64`` (default) or ``numpy.float32``: the precision of the computation.
    output_bias : bool
        Whether the models have an output bias ``c`` (``params.c`` must match).

    Examples
    --------
    >>> BatchedBPTT(30, 1000, 10, 14, 2, 2).shape
    (30, 1000, 10, 14, 2, 2)
    """

    def __init__(
        self,
        models: int,
        steps: int,
        batch: int,
        n: int,
        d: int,
        p: int,
        *,
        dtype: type = np.float64,
        output_bias: bool = False,
    ) -> None:
        for name, value in (("models", models), ("steps", steps), ("batch", batch), ("n", n), ("d", d), ("p", p)):
            if not isinstance(value, int) or value < 1:
                raise InvalidArgumentError(f"{name}: expected a positive int but found {value!r}")
        if np.dtype(dtype) not in (np.dtype(np.float64), np.dtype(np.float32)):
            raise InvalidArgumentError(f"dtype: expected float64 or float32 but found {np.dtype(dtype)}")
        M, L, B = models, steps, batch
        self.shape = (M, L, B, n, d, p)
        self.dtype = np.dtype(dtype)
        self.output_bias = output_bias
        t = self.dtype
        # row k of S: [h(k-1), x(k), 1] (h(-1) = 0, x(L) = 0); row k of Z: [z(k), y(k-1)] = S[k] V;
        # row k of T: [dloss/dz(k), dloss/dy(k-1)] (dloss/dz(L) = 0, dloss/dy(-1) = 0)
        self._S = np.zeros((M, L + 1, B, n + d + 1), t)
        self._S[..., n + d] = 1.0
        self._Z = np.empty((M, L + 1, B, n + p), t)
        self._T = np.zeros((M, L + 1, B, n + p), t)
        self._A = np.empty((M, L, B, n), t)  # relu'(z(k)) as 0.0 / 1.0
        self._V = np.zeros((M, n + d + 1, n + p), t)
        self._tmp = np.empty((M, B, n), t)

    def _check(self, params: Params, X: np.ndarray, Y: np.ndarray, mask: np.ndarray) -> None:
        M, L, B, n, d, p = self.shape
        expected = {"W": (M, n, n), "F": (M, n, d), "b": (M, n), "C": (M, p, n)}
        if self.output_bias:
            expected["c"] = (M, p)
        for name, shape in expected.items():
            found = getattr(params, name)
            if found is None or found.shape != shape:
                raise InvalidArgumentError(
                    f"params.{name}: expected shape {shape} but found {None if found is None else found.shape}"
                )
        if not self.output_bias and params.c is not None:
            raise InvalidArgumentError(
                "params.c: expected None (workspace built without output_bias) but found an array"
            )
        if X.shape != (M, L, B, d):
            raise InvalidArgumentError(f"X: expected shape {(M, L, B, d)} but found {X.shape}")
        if Y.shape != (M, L, B, p):
            raise InvalidArgumentError(f"Y: expected shape {(M, L, B, p)} but found {Y.shape}")
        if mask.shape != (L, B):
            raise InvalidArgumentError(f"mask: expected shape {(L, B)} but found {mask.shape}")

    def loss_and_grad(
        self, params: Params, X: np.ndarray, Y: np.ndarray, mask: np.ndarray
    ) -> tuple[np.ndarray, Params]:
        """Per-model MSE and its gradient, as :func:`urnn_sym.experiments.train.loss_and_grad`.

        Parameters
        ----------
        params : Params
            A stack of M models (``float64``).
        X : numpy.ndarray
            Inputs, shape (M, L, B, d).
        Y : numpy.ndarray
            Targets, shape (M, L, B, p).
        mask : numpy.ndarray
            Weights of the steps in the loss, shape (L, B).

        Returns
        -------
        loss : numpy.ndarray
            Shape (M,), ``float64``.
        grad : Params
            Gradient (``float64``, new arrays).

        Examples
        --------
        >>> from urnn_sym.experiments.train import init_params
        >>> rng = np.random.default_rng(1)
        >>> ws = BatchedBPTT(1, 3, 2, 2, 1, 1)
        >>> loss, grad = ws.loss_and_grad(init_params(1, 2, 1, 1, rng), np.ones((1, 3, 2, 1)),
        ...                               np.zeros((1, 3, 2, 1)), np.ones((3, 2)))
        >>> loss.shape, grad.W.shape
        ((1,), (1, 2, 2))
        """
        X, Y, mask = np.asarray(X), np.asarray(Y), np.asarray(mask, float)
        self._check(params, X, Y, mask)
        M, L, _B, n, d, p = self.shape
        S, Z, T, A, V, tmp = self._S, self._Z, self._T, self._A, self._V, self._tmp
        # V = [[W^T, C^T], [F^T, 0], [b, c]]: one product per step gives z(k) and y(k-1)
        V[:, :n, :n] = params.W.transpose(0, 2, 1)
        V[:, n : n + d, :n] = params.F.transpose(0, 2, 1)
        V[:, n + d, :n] = params.b
        V[:, :n, n:] = params.C.transpose(0, 2, 1)
        V[:, n + d, n:] = 0.0 if params.c is None else params.c
        S[:, :L, :, n : n + d] = X
        for k in range(L):
            np.matmul(S[:, k], V, out=Z[:, k])
            np.maximum(Z[:, k, :, :n], 0.0, out=S[:, k + 1, :, :n])
        np.matmul(S[:, L], V, out=Z[:, L])
        np.greater(Z[:, :L, :, :n], 0.0, out=A)
        # loss and dloss/dy
        E = Z[:, 1:, :, n:] - Y
        weight = (mask / (p * mask.sum()))[None, :, :, None]
        loss = (E * weight * E).sum(axis=(1, 2, 3), dtype=np.float64)
        np.multiply(2.0 * weight, E, out=T[:, 1:, :, n:], casting="same_kind")
        # backward: dloss/dh(k-1) = [dloss/dz(k), dloss/dy(k-1)] [[W], [C]], then times relu'(z(k-1))
        Vh = np.ascontiguousarray(V[:, :n, :].transpose(0, 2, 1))
        for k in range(L, 0, -1):
            np.matmul(T[:, k], Vh, out=tmp)
            np.multiply(tmp, A[:, k - 1], out=T[:, k - 1, :, :n])
        dV = S.reshape(M, -1, n + d + 1).transpose(0, 2, 1) @ T.reshape(M, -1, n + p)
        dV = dV.astype(np.float64)
        grad = Params(
            np.ascontiguousarray(dV[:, :n, :n].transpose(0, 2, 1)),
            np.ascontiguousarray(dV[:, n : n + d, :n].transpose(0, 2, 1)),
            dV[:, n + d, :n].copy(),
            np.ascontiguousarray(dV[:, :n, n:].transpose(0, 2, 1)),
            None if params.c is None else dV[:, n + d, n:].copy(),
        )
        return loss, grad
