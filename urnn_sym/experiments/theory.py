"""The link to Theorem 1: a trained contractive RNN with n units is a URNN with 2n units.

For every trained RNN that is contractive (``||W||_2 < 1``, possibly after a
positive diagonal rescaling, which is an exact equivalence for ReLU RNNs) and for
every true system, the experiment builds Theorem 1's URNN (math.md section 2) and
simulates both on the experiment's input; the outputs agree up to float64
rounding.  This is why twice the hidden units are always enough for a URNN.

The construction is :func:`urnn_sym.construct.theorem1.construct_urnn` in float64
(:func:`theorem1_urnn_float`).

Examples
--------
>>> from urnn_sym import RNN
>>> rnn = RNN([[0.5, 0.1], [0.0, 0.3]], [[1.0], [-1.0]], [0.1, 0.2], [[1.0, 2.0]])
>>> urnn = theorem1_urnn_float(rnn, input_bound=1.0)
>>> urnn.n, bool(np.allclose(urnn.W.T @ urnn.W, np.eye(4)))
(4, True)
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from urnn_sym.construct.scaling import contracting_scaling, scaled_norm_infimum
from urnn_sym.construct.theorem1 import construct_urnn, rescale
from urnn_sym.model import RNN, simulate

__all__ = ["Theorem1Check", "check_theorem1", "theorem1_urnn_float"]


def theorem1_urnn_float(rnn: RNN, input_bound: float) -> RNN:
    """Theorem 1's URNN with 2n states for a contractive float64 ReLU RNN: ``construct_urnn(rnn, M).urnn``.

    Parameters
    ----------
    rnn : RNN
        A float64 ReLU RNN with ``||W||_2 < 1``.
    input_bound : float
        ``M``: the construction is equivalent on inputs with ``||x(k)||_2 <= M``.

    Returns
    -------
    RNN
        The URNN (float64, ``W`` orthogonal up to rounding).

    Raises
    ------
    NotContractiveError
        If ``||W||_2 >= 1``.

    Notes
    -----
    math.md section 2, through :func:`urnn_sym.construct.theorem1.construct_urnn` (the
    Halmos completion by an SVD, with margins on the bound ``H`` that cover
    float64 rounding).  Float64 only: the result is not a certificate.
    """
    return construct_urnn(rnn.to_float(), float(input_bound)).urnn


@dataclass(frozen=True)
class Theorem1Check:
    """Result of comparing a ReLU RNN with its Theorem-1 URNN.

    Parameters
    ----------
    w_norm : float
        ``||W||_2`` of the RNN.
    scaled_norm : float
        ``||L W L^-1||_2`` after the certified diagonal scaling of
        :func:`urnn_sym.construct.scaling.contracting_scaling` (equal to ``w_norm`` when no
        scaling was needed; when none was found, the smallest norm the search
        reached, :func:`urnn_sym.construct.scaling.scaled_norm_infimum`).
    method : str
        ``"direct"`` (``||W|| < 1``), ``"diagonal scaling"`` (Theorem 1 applied to the
        scaled RNN) or ``"not contractive"`` (then the other fields are NaN).
    max_abs_diff : float
        ``max |y_rnn(k) - y_urnn(k)|`` over the compared steps and outputs.
    max_output : float
        ``max |y_rnn(k)|`` over the same steps, for scale.
    orthogonality : float
        ``max |U^T U - I|`` of the URNN.
    """

    w_norm: float
    scaled_norm: float
    method: str
    max_abs_diff: float
    max_output: float
    orthogonality: float

    @property
    def contractive(self) -> bool:
        """Whether Theorem 1 applied (directly or after diagonal scaling)."""
        return self.method != "not contractive"


def check_theorem1(rnn: RNN, x: np.ndarray, start: int = 0) -> Theorem1Check:
    """Simulate ``rnn`` and its Theorem-1 URNN on ``x`` and compare outputs from step ``start``.

    When ``||W||_2 >= 1`` the RNN is first rescaled by
    :func:`urnn_sym.construct.scaling.contracting_scaling`; if no scaling makes it
    contractive, nothing is built.  The input bound ``M``
    is the largest ``||x(k)||_2`` over the whole input fed (the warm-up steps before
    ``start`` drive the state too).

    Parameters
    ----------
    rnn : RNN
        A float64 ReLU RNN.
    x : numpy.ndarray
        Input, shape (T, d).
    start : int
        First compared step (e.g. the first test step).

    Returns
    -------
    Theorem1Check
    """
    x = np.asarray(x, float)
    W = np.asarray(rnn.W, float)
    w_norm = float(np.linalg.norm(W, 2))
    method, target = "direct", rnn
    if w_norm >= 1.0:
        scale = contracting_scaling(W)
        if scale is None:
            nan = float("nan")
            return Theorem1Check(w_norm, scaled_norm_infimum(W), "not contractive", nan, nan, nan)
        target = rescale(rnn.to_float(), scale)
        method = "diagonal scaling"
    scaled_norm = float(np.linalg.norm(np.asarray(target.W, float), 2))
    if scaled_norm >= 1.0:
        nan = float("nan")
        return Theorem1Check(w_norm, scaled_norm, "not contractive", nan, nan, nan)
    urnn = theorem1_urnn_float(target, float(np.linalg.norm(x, axis=1).max()))
    U = np.asarray(urnn.W, float)
    y, y_u = simulate(rnn, x)[start:], simulate(urnn, x)[start:]
    return Theorem1Check(
        w_norm,
        scaled_norm,
        method,
        float(np.abs(y - y_u).max()),
        float(np.abs(y).max()),
        float(np.abs(U.T @ U - np.eye(U.shape[0])).max()),
    )
