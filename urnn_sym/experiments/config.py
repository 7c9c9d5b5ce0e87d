"""The settings of one experiment run (:class:`ExperimentConfig`) and the figures it can reproduce."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from urnn_sym.errors import InvalidArgumentError
from urnn_sym.names import EXPERIMENT_SNR_DB
from urnn_sym.validation import check_int

__all__ = ["FIGURES", "ExperimentConfig"]


#: Output SNR in dB of each figure of the poster.
FIGURES = EXPERIMENT_SNR_DB


@dataclass(frozen=True)
class ExperimentConfig:
    """Settings of one run.

    Parameters
    ----------
    name : str
        ``"fig2"`` (20 dB) or ``"fig3"`` (15 dB).
    realizations : int
        Number of true systems.
    epochs : int
        Adam steps per model (one full batch of 10 sequences each).
    seed : int
        Base seed of the data and of the initialisations.
    sizes : tuple of int
        Hidden sizes of the trained models.
    lr : float
        Adam step size.
    batch : int
        Training sequences per batch.
    washout : int
        Warm-up steps of each training and test sequence.
    """

    name: str
    realizations: int = 30
    epochs: int = 4000
    seed: int = 0
    sizes: tuple[int, ...] = (2, 4, 6, 8, 10, 12, 14)
    lr: float = 0.01
    batch: int = 10
    washout: int = 100
    snr_db: float = field(init=False)

    def __post_init__(self) -> None:
        if self.name not in FIGURES:
            raise InvalidArgumentError(f"name: expected one of {', '.join(FIGURES)} but found {self.name!r}")
        check_int("realizations", self.realizations, low=1)
        check_int("epochs", self.epochs, low=1)
        check_int("seed", self.seed, low=0)
        if not self.sizes or any(not isinstance(s, int) or s < 1 for s in self.sizes):
            raise InvalidArgumentError(f"sizes: expected positive integers but found {self.sizes!r}")
        object.__setattr__(self, "snr_db", FIGURES[self.name])

    @classmethod
    def quick(cls, name: str, **changes: Any) -> ExperimentConfig:
        """A small version that runs in seconds: 4 realisations, 400 epochs.

        Parameters
        ----------
        name : str
            ``"fig2"`` or ``"fig3"``.
        **changes
            Overrides of the quick settings.

        Returns
        -------
        ExperimentConfig
        """
        return cls(name, **{"realizations": 4, "epochs": 400, **changes})
