"""The one table of activations: their names, their classes, and their values in each number system.

``relu`` and ``identity`` are piecewise linear (exact simulation, z3 encodings);
``sigmoid`` and ``tanh`` are smooth (certified ball arithmetic).

Examples
--------
>>> ACTIVATIONS
('relu', 'sigmoid', 'tanh', 'identity')
>>> [a for a in ACTIVATIONS if is_smooth(a)]
['sigmoid', 'tanh']
"""

from __future__ import annotations

import flint

__all__ = ["ACTIVATIONS", "PIECEWISE_LINEAR", "SMOOTH", "ball_activation", "is_smooth"]

#: Every activation a network may have.
ACTIVATIONS = ("relu", "sigmoid", "tanh", "identity")
#: Activations whose networks are simulated exactly and encoded for z3.
PIECEWISE_LINEAR = ("relu", "identity")
#: Activations whose networks are simulated in certified ball arithmetic.
SMOOTH = ("sigmoid", "tanh")


def is_smooth(activation: str) -> bool:
    """Whether ``activation`` is smooth (sigmoid, tanh), so that outputs are certified balls, not exact numbers.

    Parameters
    ----------
    activation : str
        A name from :data:`ACTIVATIONS`.
    """
    return activation in SMOOTH


def _point(activation: str, z: flint.arb) -> flint.arb:
    if activation == "sigmoid":
        return (1 + (z / 2).tanh()) / 2
    if activation == "tanh":
        return z.tanh()
    if activation == "relu":
        return z if z > 0 else (flint.arb(0) if z < 0 else flint.arb(0).union(z))
    return z


def ball_activation(activation: str, z: flint.arb) -> flint.arb:
    """A ball that contains ``phi(t)`` for every ``t`` in the ball ``z`` (phi monotone).

    Parameters
    ----------
    activation : {"sigmoid", "tanh", "relu", "identity"}
    z : flint.arb

    Examples
    --------
    >>> ball_activation("sigmoid", flint.arb(0, 1)).contains(flint.arb(1) / (1 + flint.arb(1).exp()))
    True
    """
    if z.rad() == 0 or activation == "identity":
        return _point(activation, z)
    return _point(activation, z.lower()).union(_point(activation, z.upper()))
