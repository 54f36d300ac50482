"""The compare view: two to four models side by side on every track and benchmark (:mod:`.page`), from
one small file per model made from its model page's context (:mod:`.data`), and the "compare with …"
links of the model pages (:mod:`.links`)."""
