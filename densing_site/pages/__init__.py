"""One module per page type; each has a ``write_*`` function taking a :class:`SiteData`."""
