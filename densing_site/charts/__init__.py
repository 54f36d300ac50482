"""Charts: the Vega-Lite charts (Altair) of the densing-law and capability pages, and the static SVG
charts (svg, svgmarks) the leaderboard and model pages draw without a script."""
