"""Witness families for the lower-bound theorems.

:func:`lower_bound_witness` is the Theorem 2 family (math.md section 3): the
memoryless ReLU RNN ``W = 0, F = I_n, b = 0, C = I_n, h0 = 0`` whose output is
``y(k) = relu(x(k))``.  It is contractive (``||W||_2 = 0``), and every URNN
equivalent to it on a ball of inputs has at least ``2n`` states.

Sizes are limited to :data:`MAX_WITNESS_STATES` states: the ``n x n`` matrices
are dense exact matrices, built entry by entry, and 256 states already take
seconds (a 100000-state request would ask FLINT for 10^10 entries and abort).

(The smooth-activation witness of Theorem 3 lives in :mod:`urnn_sym.refute.smooth`.)

>>> rnn = lower_bound_witness(2)
>>> rnn.n, rnn.d, rnn.p, rnn.activation, rnn.system
(2, 2, 2, 'relu', 'exact')
"""

from __future__ import annotations

import numbers

from urnn_sym.errors import EntryTypeError, InvalidArgumentError
from urnn_sym.model import RNN
from urnn_sym.names import MAX_WITNESS_STATES
from urnn_sym.numbers.arith import arith

__all__ = ["MAX_WITNESS_STATES", "lower_bound_witness"]

"""The largest number of states of a witness network (``urnn-sym witness KIND N`` too)."""


def lower_bound_witness(n: int) -> RNN:
    """The memoryless ReLU RNN ``y(k) = relu(x(k))`` with n states (exact).

    Parameters
    ----------
    n : int
        Number of states, ``1 <= n <= MAX_WITNESS_STATES`` (also the input and
        output dimension).

    Returns
    -------
    RNN
        ``W = 0``, ``F = I_n``, ``b = 0``, ``C = I_n``, ``h0 = 0``; exact rational.

    Raises
    ------
    EntryTypeError
        ``n`` is not an integer.
    InvalidArgumentError
        ``n < 1`` or ``n > MAX_WITNESS_STATES``.

    Notes
    -----
    Theorem 2 (math.md section 3): an m-state URNN that matches it on
    ``X_M`` needs ``m >= 2n``; the bound is attained by Theorem 1's construction.

    Examples
    --------
    >>> from urnn_sym import simulate
    >>> simulate(lower_bound_witness(1), [[3], [-2], ["1/2"]]).ravel().tolist()
    [Fraction(3, 1), Fraction(0, 1), Fraction(1, 2)]
    >>> lower_bound_witness(0)
    Traceback (most recent call last):
    ...
    urnn_sym.errors.InvalidArgumentError: n: expected a number of states >= 1 but found 0
    >>> lower_bound_witness(100000)
    Traceback (most recent call last):
    ...
    urnn_sym.errors.InvalidArgumentError: n: expected a number of states <= 256 (MAX_WITNESS_STATES) but found 100000
    """
    if isinstance(n, bool) or not isinstance(n, numbers.Integral):
        raise EntryTypeError(f"n: expected an integer number of states but found {type(n).__name__}")
    if n < 1:
        raise InvalidArgumentError(f"n: expected a number of states >= 1 but found {n}")
    if n > MAX_WITNESS_STATES:
        raise InvalidArgumentError(
            f"n: expected a number of states <= {MAX_WITNESS_STATES} (MAX_WITNESS_STATES) but found {n}"
        )
    ar = arith("exact")
    n = int(n)
    return RNN(ar.zeros(n, n), ar.eye(n), ar.zeros(n, 1), ar.eye(n), ar.zeros(n, 1), "relu", system="exact")
