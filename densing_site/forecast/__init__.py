"""The forecast on the site: the densing-law chart's dashed forecast and band (:mod:`.chart`), the
densing-law page's words and back-test (:mod:`.law`), a model page's match date and smallest matching
model (:mod:`.model`), and the per-track files the browser recomputes them from (:mod:`.files`)."""
