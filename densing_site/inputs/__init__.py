"""What the site reads: the fitter's output files (fit_outputs, fit_tracks, capability_outputs) and
the repository's own documents it shows (repo_docs)."""
