"""``python -m urnn_sym`` runs the command line."""

from .cli import entry_point

entry_point()
