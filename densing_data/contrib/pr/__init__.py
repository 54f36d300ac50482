"""Pull requests of records: the data rules between a base and a head (check_pr), what changed (diff),
what no release holds yet (unreleased), and record text made safe for Markdown summaries."""
