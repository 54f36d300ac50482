"""Numbers and words as the pages show them: formatting of sizes, intervals and bounds, table rows,
record counts, the capability page's sentences, and the unreleased-changes summary."""
