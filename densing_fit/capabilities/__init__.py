"""What densifies? The densing law per capability group (knowledge, reasoning, math, code,
commonsense, reading), one track at a time.

``registry`` declares the groups once (and refuses a benchmark in two); ``readings`` reads a group on
a track (the track's scores, ruler and rules); ``group_fit`` fits its frontier and all-model trends or
says why there are too few readings; ``extra_tracks`` adds the track that reads a closed-book
knowledge benchmark (TriviaQA on the Gemma 3 ruler); ``ikp`` sets the knowledge group against
Incompressible Knowledge Probes; ``contamination`` checks MMLU against MMLU-CF; ``document`` writes it
all as capabilities.json and capabilities.csv (docs/dev/fit-outputs.md).
"""

from densing_fit.capabilities.document import capabilities_document
from densing_fit.capabilities.extra_tracks import CAPABILITY_TRACKS, capability_tracks
from densing_fit.capabilities.registry import GROUPS, UNGROUPED, CapabilityGroup, check_groups

__all__ = [
    "CAPABILITY_TRACKS",
    "GROUPS",
    "UNGROUPED",
    "CapabilityGroup",
    "capabilities_document",
    "capability_tracks",
    "check_groups",
]
