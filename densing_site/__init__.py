"""The static leaderboard site: pages and charts generated from the records and the fitter's outputs.

``densing build`` loads the records, runs the fitter (:mod:`densing_fit`) into a build directory, then
:func:`densing_site.generate.generate_pages` writes Markdown pages, chart specs and SVG fallbacks into
``site_src/`` and mkdocs-material turns them into HTML (:func:`densing_site.build.build_site`).
Templates only display what the fitter wrote (``docs/dev/fit-outputs.md``); nothing here refits.
Each released data version also gets frozen pages under ``v/<version>/`` (:mod:`densing_site.versions`).
"""
