"""``python -m urnn_sym`` runs the command line."""

from urnn_sym.cli import entry_point

entry_point()
