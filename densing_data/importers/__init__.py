"""Importers: turn public data sets into records, written only through ``densing_data.store``."""
