"""The compression page says in words which compressed models are denser than their parents."""

from __future__ import annotations

from densing_site.pages.reference.compression import compression_summary


def test_the_page_says_in_words_which_are_denser_than_their_parents() -> None:
    rows = [
        {"name": "Denser", "denser_than_parent": "yes"},
        {"name": "Close", "denser_than_parent": "unclear"},
        {"name": "Smaller", "denser_than_parent": "no"},
        {"name": "Unread", "denser_than_parent": None},
    ]
    words = compression_summary(rows)
    assert words.startswith("3 of 4 compressed models have a density on this track")
    assert "Denser is denser than its parent." in words
    assert "Smaller is less dense than its parent." in words
    assert "Close is not clearly different" in words
    assert compression_summary([{"name": "Unread", "denser_than_parent": None}]).startswith("No compressed")
