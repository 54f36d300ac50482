"""The public-sources pass: a tiny records folder whose sources name internal tooling gets corrected
revisions (values unchanged, records valid), and a second run writes nothing.

Internal wording is built from separate words here (:func:`words`) so that this file itself holds
none: ``tests/test_no_internal_references.py`` checks every tracked file.
"""

from __future__ import annotations

import hashlib
from pathlib import Path

import pytest
from click.testing import CliRunner

from densing_data.importers.public_sources import (
    find_internal_phrases,
    load_rules,
    plan_public_sources,
    rewrite_record,
    run_public_sources,
)
from densing_data.importers.public_sources.__main__ import main
from densing_data.importers.public_sources.rules import MAX_INNER, Rule, RulesError
from densing_data.store import append_records, record_to_yaml_dict
from densing_data.validate import read_records_dir
from tests.data import factories


def words(*parts: str) -> str:
    """``parts`` joined by single spaces."""
    return " ".join(parts)


INDEX_REF = words("stored-file", "id", "71298731966", "in", "the", "search", "corpus")
COPY_NOTE = words("Read", "from", "a", "stored", "copy", "of", "the", "card.")
CARD = "https://huggingface.co/example/tiny-1b"
REPORT = "https://arxiv.org/abs/2406.08446"

RULES = f"""\
notes:
  document: "Source: cite the document itself; the value is unchanged."
  wording: "Notes: say how the card was read in public words; nothing else changes."
rules:
  - urls: {CARD}
    start: " (read from a verbatim copy of the card in a public GitHub repository ("
    end: "))"
    text: ""
    note: document
  - urls: [{REPORT}]
    start: " (read from a text extraction of the PDF, "
    end: "; its tables agree)"
    text: " (its tables agree)"
    note: document
  - start: "Read from a "
    end: " of the card."
    text: "Read from a third-party copy of the card."
    note: wording
"""

CARD_LOCATOR = "model card, 'Evaluation' table"
REPORT_LOCATOR = "Table 13, row 'Tiny-1B', column PIQA CF"


def card_source() -> dict[str, str]:
    copy = f"read from a verbatim copy of the card in a public GitHub repository ({INDEX_REF})"
    return {"url": CARD, "locator": f"{CARD_LOCATOR} ({copy})"}


@pytest.fixture()
def rules_file(tmp_path: Path) -> Path:
    path = tmp_path / "rules.yaml"
    path.write_text(RULES, encoding="utf-8")
    return path


@pytest.fixture()
def records_dir(tmp_path: Path) -> Path:
    """A benchmark, three models (one whose release date cites the card through a copy), three scores
    (two citing through copies, one clean), a retracted score that still names a copy, and the ruler."""
    root = tmp_path / "records"
    factories.minimal_records(root)
    cited_model = factories.model("tiny-8b", 8 * 10**9, sources={"release_date": card_source()})
    append_records("model", [cited_model], records_dir=root)
    report_locator = (
        f"{REPORT_LOCATOR} (read from a text extraction of the PDF, {INDEX_REF}; its tables agree)"
    )
    append_records(
        "score",
        [
            factories.score("tiny-8b.mmlu.card", "tiny-8b", 61.25, source=card_source()),
            factories.score(
                "tiny-8b.mmlu.olmes",
                "tiny-8b",
                58.5,
                protocol="olmes",
                source={"url": REPORT, "locator": report_locator},
                notes=COPY_NOTE,
            ),
            factories.score("tiny-8b.mmlu.old", "tiny-8b", 40.0, protocol="old", source=card_source()),
        ],
        records_dir=root,
    )
    retraction = factories.score("tiny-8b.mmlu.old", "tiny-8b", 40.0, protocol="old", source=card_source())
    retraction |= {"revision": 2, "retracted": True, "correction_note": "wrong model"}
    append_records("score", [retraction], records_dir=root)
    return root


def snapshot(root: Path) -> dict[str, str]:
    return {
        str(p.relative_to(root)): hashlib.sha256(p.read_bytes()).hexdigest()
        for p in sorted(root.rglob("*.yaml"))
    }


def test_the_pass_writes_revision_2_with_public_sources_and_the_same_values(
    records_dir: Path, rules_file: Path
) -> None:
    before, _ = read_records_dir(records_dir)
    plan = run_public_sources(load_rules(rules_file), records_dir=records_dir)
    assert plan.revised == 3 and not plan.leftovers

    after, report = read_records_dir(records_dir)
    assert report.ok, report.render()
    scores = after.heads("score")
    card = scores["tiny-8b.mmlu.card"].record
    assert card.revision == 2 and card.source.locator == CARD_LOCATOR
    assert card.correction_note == "Source: cite the document itself; the value is unchanged."
    olmes = scores["tiny-8b.mmlu.olmes"].record
    assert olmes.source.locator == f"{REPORT_LOCATOR} (its tables agree)"
    assert olmes.notes == "Read from a third-party copy of the card."
    assert olmes.correction_note == (
        "Source: cite the document itself; the value is unchanged. "
        "Notes: say how the card was read in public words; nothing else changes."
    )
    model = after.heads("model")["tiny-8b"].record
    assert (model.revision, model.sources.release_date.locator) == (2, CARD_LOCATOR)

    # everything but the text, the revision and its note is as it was: values, dates, provenance
    old_heads = before.heads("score")
    for score_id in ("tiny-8b.mmlu.card", "tiny-8b.mmlu.olmes"):
        old = record_to_yaml_dict(old_heads[score_id].record)
        new = record_to_yaml_dict(scores[score_id].record)
        changed = {k for k in old.keys() | new.keys() if old.get(k) != new.get(k)}
        assert changed <= {"source", "notes", "revision", "correction_note"}
        assert (new["value"], new["recorded"], new["source"]["url"]) == (
            old["value"],
            old["recorded"],
            old["source"]["url"],
        )
    # the superseded revisions are kept as they were; the retracted head and clean records are left alone
    assert len(after.history("score")) == len(before.history("score")) + 2
    assert INDEX_REF in old_heads["tiny-8b.mmlu.card"].record.source.locator
    assert scores["tiny-8b.mmlu.old"].record.retracted and scores["tiny-8b.mmlu.old"].record.revision == 2
    assert scores["tiny-1b.mmlu"].record.revision == 1


def test_a_second_run_writes_nothing(records_dir: Path, rules_file: Path) -> None:
    rules = load_rules(rules_file)
    run_public_sources(rules, records_dir=records_dir)
    written = snapshot(records_dir)
    plan = run_public_sources(rules, records_dir=records_dir)
    assert plan.revised == 0 and not plan.leftovers
    assert snapshot(records_dir) == written


def test_a_dry_run_writes_nothing(records_dir: Path, rules_file: Path) -> None:
    written = snapshot(records_dir)
    plan = run_public_sources(load_rules(rules_file), records_dir=records_dir, dry_run=True)
    assert plan.revised == 3
    assert snapshot(records_dir) == written


def test_wording_no_rule_covers_is_reported_with_its_file_and_line_and_left_alone(
    records_dir: Path, rules_file: Path
) -> None:
    stray = words("found", "in", "the", "pages", "corpus")
    stray_score = factories.score("tiny-2b.mmlu.stray", "tiny-2b", 41.0, protocol="stray", notes=stray)
    append_records("score", [stray_score], records_dir=records_dir)
    plan = run_public_sources(load_rules(rules_file), records_dir=records_dir)
    assert plan.revised == 3
    left = next(x for x in plan.leftovers if x.record_id == "tiny-2b.mmlu.stray")
    assert left.field == "notes" and left.path.endswith("scores/tiny-2b.yaml") and left.line > 1
    assert left.as_text().startswith(f"{left.path}:{left.line}: score tiny-2b.mmlu.stray: notes")
    assert read_records_dir(records_dir)[0].heads("score")["tiny-2b.mmlu.stray"].record.revision == 1

    result = CliRunner().invoke(main, ["--records", str(records_dir), "--rules", str(rules_file)])
    assert result.exit_code == 1, result.output
    assert "tiny-2b.mmlu.stray: notes still names internal tooling" in result.output


def test_the_command_reports_what_it_revised(records_dir: Path, rules_file: Path) -> None:
    args = ["--records", str(records_dir), "--rules", str(rules_file)]
    first = CliRunner().invoke(main, args)
    assert first.exit_code == 0, first.output
    assert "model: 1 record(s) revised" in first.output and "score: 2 record(s) revised" in first.output
    second = CliRunner().invoke(main, args)
    assert second.exit_code == 0, second.output
    assert "nothing to revise" in second.output


def test_a_locator_uses_its_own_source_url_and_notes_the_records(rules_file: Path) -> None:
    rules = load_rules(rules_file)
    record = {
        "id": "x",
        "source": {"url": REPORT, "locator": card_source()["locator"]},
        "sources": {"params": card_source()},
        "notes": COPY_NOTE,
    }
    rewritten, notes = rewrite_record(record, rules)
    # the card rule does not apply to a locator of the report, only to the card's own source block
    assert rewritten["source"]["locator"] == card_source()["locator"]
    assert rewritten["sources"]["params"]["locator"] == CARD_LOCATOR
    assert rewritten["notes"] == "Read from a third-party copy of the card."
    assert notes == ["document", "wording"]


def test_a_span_without_internal_wording_or_too_long_is_kept() -> None:
    rule = Rule(start=" (read from ", end=")", text="", note="x")
    assert rule.rewrite("Table 1 (read from the paper)") == "Table 1 (read from the paper)"
    assert rule.rewrite(f"Table 1 (read from {INDEX_REF})") == "Table 1"
    long = f"Table 1 (read from {'x' * MAX_INNER} {INDEX_REF})"
    assert rule.rewrite(long) == long


def test_the_shipped_rules_load_and_name_no_internal_tooling() -> None:
    rules = load_rules()
    assert rules.rules and set(rules.notes) >= {r.note for r in rules.rules}
    for rule in rules.rules:
        assert not find_internal_phrases(rule.text)
    for note in rules.notes.values():
        assert not find_internal_phrases(note)


def test_the_shipped_rules_cover_every_current_shipped_record() -> None:
    records, report = read_records_dir(Path(__file__).resolve().parents[2] / "densing_data" / "records")
    assert report.ok
    plan = plan_public_sources(records, load_rules())
    assert not plan.leftovers, "\n".join(x.as_text() for x in plan.leftovers[:10])


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("rules: []\n", "expected the keys 'notes' and 'rules'"),
        ("notes: {a: x}\nrules: []\n", "'rules' must be a non-empty list"),
        ("notes: {a: x}\nrules:\n  - start: a\n    end: b\n    note: a\n", "missing key(s) ['text']"),
        ("notes: {a: x}\nrules:\n  - {start: a, end: b, text: '', note: zz}\n", "note 'zz' is not one of"),
        ("notes: {a: x}\nrules:\n  - {start: a, end: b, text: '', note: a, urls: [ftp://x]}\n", "https://"),
        ("notes: {a: x}\nrules:\n  - {start: '', end: b, text: '', note: a}\n", "'start' must be non-empty"),
        ("notes: {a: x}\nrules:\n  - {start: a, end: b, text: '', note: a, x: 1}\n", "unknown key(s) ['x']"),
        ("notes: {a: x}\nrules:\n  - {start: a, end: b, text: [], note: a}\n", "'text' must be text"),
        ("notes: {a: x}\nrules: [\n", ""),
    ],
)
def test_a_bad_rules_file_is_refused_naming_file_and_line(tmp_path: Path, text: str, message: str) -> None:
    path = tmp_path / "rules.yaml"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(RulesError) as err:
        load_rules(path)
    assert str(err.value).startswith(f"{path}:") and message in str(err.value)


def test_a_replacement_that_names_internal_tooling_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "rules.yaml"
    text = words("read", "from", "a", "stored", "copy")
    rule = f"  - start: a\n    end: b\n    text: '{text}'\n    note: a\n"
    path.write_text("notes: {a: x}\nrules:\n" + rule, encoding="utf-8")
    with pytest.raises(RulesError, match=r"rules\.yaml:5: rule 1 'text' names internal tooling"):
        load_rules(path)


def test_a_missing_rules_file_is_a_clear_error(tmp_path: Path, records_dir: Path) -> None:
    missing = tmp_path / "nope.yaml"
    with pytest.raises(RulesError, match=r"nope\.yaml:0: cannot read the rules file"):
        load_rules(missing)
    result = CliRunner().invoke(main, ["--records", str(records_dir), "--rules", str(missing)])
    assert result.exit_code == 1 and "cannot read the rules file" in result.output
    assert "Traceback" not in result.output
