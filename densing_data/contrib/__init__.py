"""Contribution and release flow: the data rules a pull request must keep, adding records from
command-line values, and freezing a released data version (see ``releases/README.md``)."""
