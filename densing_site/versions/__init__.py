"""Released data versions on the site: their frozen pages under ``v/<version>/``, the version
switcher that links to them, and keeping the published ones when the site is deployed again."""
