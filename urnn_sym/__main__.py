"""``python -m urnn_sym`` runs the command line."""

from urnn_sym.cli.main import entry_point

entry_point()
