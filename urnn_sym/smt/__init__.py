"""The smt wing of urnn-sym."""
