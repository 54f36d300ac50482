"""The public-sources pass: citations that lead a reader to a public place.

Records written while this data set was assembled sometimes said how a source was reached through
internal tooling (a search index's file reference, its copy of a page) instead of where a
reader can find it. The pass appends a corrected revision of every current record whose text names
such tooling, rewritten by the reviewed rules in ``data/public_sources.yaml``: the document's own URL
and locator, or the public address of the copy that was read. Run it with
``python -m densing_data.importers.public_sources`` (``--dry-run`` to see what it would do).

* :mod:`.phrases` recognizes internal wording;
* :mod:`.rules` reads the rules file and rewrites text;
* :mod:`.revise` plans the corrected revisions and appends them through the store.
"""

from densing_data.importers.public_sources.phrases import (
    INTERNAL_PHRASES,
    InternalPhrase,
    find_internal_phrases,
    has_internal_phrase,
)
from densing_data.importers.public_sources.revise import (
    Leftover,
    PublicSourcesPlan,
    plan_public_sources,
    rewrite_record,
    run_public_sources,
)
from densing_data.importers.public_sources.rules import RULES_YAML, Rule, RulesError, RuleSet, load_rules

__all__ = [
    "INTERNAL_PHRASES",
    "RULES_YAML",
    "InternalPhrase",
    "Leftover",
    "PublicSourcesPlan",
    "Rule",
    "RuleSet",
    "RulesError",
    "find_internal_phrases",
    "has_internal_phrase",
    "load_rules",
    "plan_public_sources",
    "rewrite_record",
    "run_public_sources",
]
