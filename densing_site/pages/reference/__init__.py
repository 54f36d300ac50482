"""The reference pages: rulers (with their back-tests and chain links), benchmarks, tracks and their
agreement, and compression."""
