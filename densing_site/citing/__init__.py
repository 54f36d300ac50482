"""Citing and linking: the citation from CITATION.cff, the cite-this boxes, links to records and
repository files pinned to a release or commit, and the per-model badges."""
