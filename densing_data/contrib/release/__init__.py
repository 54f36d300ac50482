"""Data releases: cutting a version (cut, build, files, records, assets, changelog, citation), the
rules a release must keep, which models earlier releases held, and verifying every release against
the commit that released it (verify, record_hashes)."""
