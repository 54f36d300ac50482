"""Summaries across tracks and rulers: agreement between tracks, the sensitivity and compression
tables, and the paper's "average" reading."""
