"""The construct wing of urnn-sym."""
