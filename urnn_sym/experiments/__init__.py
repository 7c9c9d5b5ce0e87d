"""The paper's synthetic experiment (poster Figures 2 and 3), in float64 numpy.

* :mod:`~urnn_sym.experiments.data`: the random contractive 4-state ReLU RNNs and their data;
* :mod:`~urnn_sym.experiments.train`: BPTT, Adam and the orthogonal projection;
* :mod:`~urnn_sym.experiments.theory`: Theorem 1's 2n-state URNN for trained contractive RNNs;
* :mod:`~urnn_sym.experiments.runner`: the run, its CSV, plot and summary;
* :mod:`~urnn_sym.cli.experiment`: ``urnn-sym experiment fig2|fig3``.

The names of ``__all__`` are loaded on first use (PEP 562), so importing one
submodule (``urnn_sym.experiments.config`` for the command's parser) does not
import numpy and the rest.

>>> from urnn_sym.experiments import ExperimentConfig
>>> ExperimentConfig.__module__
'urnn_sym.experiments.config'
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from urnn_sym.lazy import lazy_names

if TYPE_CHECKING:  # the same names as _WHERE, for type checkers and editors
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

# public name -> the module that defines it
_WHERE = {
    "ExperimentConfig": "urnn_sym.experiments.config",
    "Trial": "urnn_sym.experiments.data",
    "make_trials": "urnn_sym.experiments.data",
    "summarize": "urnn_sym.experiments.report",
    "write_outputs": "urnn_sym.experiments.report",
    "run_experiment": "urnn_sym.experiments.runner",
    "check_theorem1": "urnn_sym.experiments.theory",
    "theorem1_urnn_float": "urnn_sym.experiments.theory",
    "fit": "urnn_sym.experiments.train",
    "loss_and_grad": "urnn_sym.experiments.train",
    "project_orthogonal": "urnn_sym.experiments.train",
}


__getattr__, __dir__ = lazy_names("urnn_sym.experiments", _WHERE, __all__, globals())
