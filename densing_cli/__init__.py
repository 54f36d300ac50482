"""The ``densing`` command line: a thin face over data, fit, site and evaluators."""
