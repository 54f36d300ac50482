"""Rulers: the curves that map a score to an effective size (direct, two-step, chained), their fits,
their back-tested extrapolation error, and reading effective sizes off them."""
