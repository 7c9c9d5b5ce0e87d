"""Stacked RNNs and the single-layer RNN with delay that mimics them.

An L-layer stacked RNN (layer l = 1..L, ``h_0(k) = x(k)``)::

    h_l(k) = phi(W_l h_l(k-1) + V_l h_{l-1}(k) + b_l),    y(k) = C h_L(k),    h_l(-1) = h0_l

is mimicked by one RNN whose state ``s = [s_1; ...; s_L]`` stacks the layers with
layer l lagging by l - 1 steps (block lower-bidiagonal recurrence: diagonal blocks
``W_l``, sub-diagonal blocks ``V_l``; input into block 1 only, output from block L)::

    s_l(k) = phi(W_l s_l(k-1) + V_l s_{l-1}(k-1) + b_l)   (l >= 2),    s_1(k) = phi(W_1 s_1(k-1) + V_1 x(k) + b_1)

*Exact condition* (:func:`delay_condition`, proved in ``proofs/stacked.py``): call
``p_1 = s_1(-1)`` and ``p_l = s_l(l-2)`` for l >= 2 the *pre-history* of the
single layer; it depends on ``s(-1)`` only, never on the input.  If
``W_l p_l = W_l h0_l`` for every l, then ``s_l(k) = h_l(k - l + 1)`` for every
``k >= l - 1`` and every input, hence ``y_single(k + L - 1) = y_stacked(k)``.
Starting the single layer at ``s(-1) = h0`` this holds when every layer l >= 2
starts at a fixed point of its own map driven by the layer below,
``h0_l = phi(W_l h0_l + V_l h0_{l-1} + b_l)`` -- for example at an equilibrium of
the stacked network for a constant input before time 0 (:func:`at_equilibrium`);
layer 1 may start anywhere.  From an arbitrary initial state it fails in general
(see ``docs/stacked.md`` for a two-state counterexample).

The code lives in :mod:`urnn_sym.stacked.model` (the value, simulation, file
format), :mod:`urnn_sym.stacked.delay` (the delayed single layer, its condition
and z3 check) and :mod:`urnn_sym.stacked.urnn` (equilibria, layer scalings, the
URNN); this module re-exports their public names.

Examples
--------
>>> from fractions import Fraction as Q
>>> net = StackedRNN([([[Q(1, 2)]], [[1]], [0]), ([[Q(1, 4)]], [[1]], [0])], [[1]])
>>> net.L, net.sizes, net.system
(2, (1, 1), 'exact')
>>> simulate_stacked(net, [[1], [2], [0]])[:, 0].tolist()
[Fraction(1, 1), Fraction(11, 4), Fraction(31, 16)]
>>> single = to_delayed_single_layer(net)
>>> single.delay, bool(single.condition)
(1, True)
>>> simulate_delayed(single.rnn, [[1], [2], [0]], delay=1)[:, 0].tolist()
[Fraction(1, 1), Fraction(11, 4), Fraction(31, 16)]
"""

from __future__ import annotations

from urnn_sym.stacked.delay import (
    DelayedRNN,
    DelayedVerdict,
    check_delayed_equivalence,
    delay_condition,
    delayed_verdict,
    simulate_delayed,
    to_delayed_single_layer,
)
from urnn_sym.stacked.model import (
    STACKED_FORMAT,
    StackedRNN,
    dump_stacked,
    load_stacked,
    read_stacked,
    simulate_stacked,
    write_stacked,
)
from urnn_sym.stacked.urnn import (
    LayerScaling,
    StackedURNN,
    at_equilibrium,
    contractive_layer_scaling,
    equilibrium,
    scale_layers,
    stack_to_urnn,
)

__all__ = [
    "STACKED_FORMAT",
    "DelayedRNN",
    "DelayedVerdict",
    "LayerScaling",
    "StackedRNN",
    "StackedURNN",
    "at_equilibrium",
    "check_delayed_equivalence",
    "contractive_layer_scaling",
    "delay_condition",
    "delayed_verdict",
    "dump_stacked",
    "equilibrium",
    "load_stacked",
    "read_stacked",
    "scale_layers",
    "simulate_delayed",
    "simulate_stacked",
    "stack_to_urnn",
    "to_delayed_single_layer",
    "write_stacked",
]
