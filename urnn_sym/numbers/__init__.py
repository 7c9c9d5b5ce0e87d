"""The numbers wing of urnn-sym."""
