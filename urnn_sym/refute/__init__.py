"""The refute wing of urnn-sym."""
