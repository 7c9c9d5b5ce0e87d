"""The paper's synthetic experiment (poster Figures 2 and 3), in float64 numpy.

* :mod:`~urnn_sym.experiments.data`: the random contractive 4-state ReLU RNNs and their data;
* :mod:`~urnn_sym.experiments.train`: BPTT, Adam and the orthogonal projection;
* :mod:`~urnn_sym.experiments.theory`: Theorem 1's 2n-state URNN for trained contractive RNNs;
* :mod:`~urnn_sym.experiments.runner`: the run, its CSV, plot and summary;
* :mod:`~urnn_sym.cli.experiment`: ``urnn-sym experiment fig2|fig3``.
"""

from __future__ import annotations

from urnn_sym.experiments.config import ExperimentConfig
from urnn_sym.experiments.data import Trial, make_trials
from urnn_sym.experiments.report import summarize, write_outputs
from urnn_sym.experiments.runner import run_experiment
from urnn_sym.experiments.theory import check_theorem1, theorem1_urnn_float
from urnn_sym.experiments.train import fit, loss_and_grad, project_orthogonal

__all__ = [
    "ExperimentConfig",
    "Trial",
    "check_theorem1",
    "fit",
    "loss_and_grad",
    "make_trials",
    "project_orthogonal",
    "run_experiment",
    "summarize",
    "theorem1_urnn_float",
    "write_outputs",
]
