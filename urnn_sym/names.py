"""Names and limits shared by the library and the command line.

This module imports nothing, so that ``urnn-sym --help`` can show the figure
names and size limits without loading the code behind them.

>>> sorted(EXPERIMENT_SNR_DB)
['fig2', 'fig3']
>>> MAX_WITNESS_STATES
256
"""

from __future__ import annotations

__all__ = ["EXPERIMENT_SNR_DB", "MAX_WITNESS_STATES", "TEACHING_FIGURES"]

#: The largest witness of Theorems 2 and 3 (``n x n`` matrices; ``witness KIND N``).
MAX_WITNESS_STATES = 256

#: Output SNR in dB of each figure of the poster's experiment.
EXPERIMENT_SNR_DB = {"fig2": 20.0, "fig3": 15.0}

#: Teaching figure name -> what a student should see (``urnn-sym figures --list``).
TEACHING_FIGURES = {
    "theorem1-trajectories": "ReLU RNN and its Theorem 1 URNN: identical outputs, max difference exactly 0",
    "theorem1-extra-states": "the URNN's extra states stay at exactly 0 (their pre-activation is <= 0)",
    "sigmoid-gap": "y = sigma(x) against m-state URNNs, m = 1..12: certified output gaps",
    "experiment": "poster Figures 2 and 3 (fig2.png, fig3.png) from the committed summaries",
}
