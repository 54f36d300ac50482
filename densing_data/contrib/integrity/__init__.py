"""Integrity of released data: each release's manifest as the commit that made it holds it
(:mod:`.anchor`), where a released record was in the tree it was released from (:mod:`.locate`), and
which of two records sharing an id is the new one (:mod:`.standing`)."""
