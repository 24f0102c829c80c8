"""A hit in a superseded version of a law is moved to the current one: the Absatz the search found
there is weighed in the current version too (on a tiny real index: ingest, Chroma, lexical)."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from assistant.answering.passages import ranked_passages
from ingest.pipeline import IngestPipeline
from knowledge.index import KnowledgeIndex
from knowledge.settings import EmbedderMode, make_settings


def _law(state: str, kosten: str) -> str:
    return f"""---
jurabk: KostBG
rechtsnatur: Bundesgesetz
stand: "{state}"
---

# Gesetz über Kostenbeiträge in der Jugendhilfe (KostBG)

## § 1 Kostenbeitrag

(1) Zu den Kosten der Unterbringung sind die Eltern aus ihrem Einkommen durch einen Kostenbeitrag
heranzuziehen. Der Beitrag richtet sich nach dem Einkommen der Eltern.

(2) Ein Kostenbeitrag darf {kosten} nicht übersteigen; eine Pfändung ist ausgeschlossen.

(3) Das Nähere regelt das Land.

## § 2 Inkrafttreten

(1) Dieses Gesetz tritt am Tag nach der Verkündung in Kraft.
"""


QUESTION = "Darf der Beitrag die tatsächlichen Aufwendungen übersteigen und gepfändet werden?"


@pytest.fixture(scope="module")
def index(tmp_path_factory: pytest.TempPathFactory) -> Iterator[KnowledgeIndex]:
    root = tmp_path_factory.mktemp("versions")
    laws = root / "laws"
    laws.mkdir()
    (laws / "kostbg_2020.md").write_text(
        _law("2020-01-01", "die tatsächlichen Aufwendungen"), encoding="utf-8"
    )
    (laws / "kostbg_2026.md").write_text(_law("2026-01-01", "die tatsächlichen Kosten"), encoding="utf-8")
    index = KnowledgeIndex.open(make_settings(data_dir=root / "var", embedder=EmbedderMode.HASHING))
    IngestPipeline(index).add([laws])
    yield index
    index.close()


def test_the_absatz_found_in_the_old_version_is_weighed_in_the_current_one(index: KnowledgeIndex) -> None:
    # The search ranks the old wording first; keep only the old version's hits so the current § is
    # reached solely by moving them (its own chunks were not found).
    hits = [h for h in index.search(QUESTION, k=8) if h.document.superseded_by is not None]
    assert hits and hits[0].chunk.paragraph == "§ 1"
    law = next(p for p in ranked_passages(index, QUESTION, hits) if p.hit.chunk.paragraph == "§ 1")
    assert law.hit.document.superseded_by is None  # moved to the current version
    assert "2" in law.numbers, law.numbers  # Abs. 2 answers; without the mapping Abs. 1 stood alone


def _register_law(state: str, paragraphs: str) -> str:
    return f"""---
jurabk: RegG
rechtsnatur: Bundesgesetz
stand: "{state}"
---

# Gesetz über das Sorgeregister (RegG)

{paragraphs}
"""


_AUSKUNFT = "(1) Die Mutter erhält auf Antrag eine schriftliche Auskunft aus dem Sorgeregister."
_GEGENVORMUND = "(1) Das Jugendamt kann zum Gegenvormund bestellt werden."


@pytest.fixture(scope="module")
def renumbered(tmp_path_factory: pytest.TempPathFactory) -> Iterator[KnowledgeIndex]:
    """A reform renumbered the Auskunft from § 2 to § 3; § 2 now holds another rule."""
    root = tmp_path_factory.mktemp("renumbered")
    laws = root / "laws"
    laws.mkdir()
    auskunft = f"Auskunft aus dem Sorgeregister\n\n{_AUSKUNFT}\n"
    old = f"## § 1 Gegenvormundschaft\n\n{_GEGENVORMUND}\n\n## § 2 {auskunft}"
    new = (
        "## § 1 Zweck\n\n(1) Dieses Gesetz regelt das Sorgeregister.\n\n"
        f"## § 2 Gegenvormundschaft\n\n{_GEGENVORMUND}\n\n## § 3 {auskunft}"
    )
    (laws / "regg_2020.md").write_text(_register_law("2020-01-01", old), encoding="utf-8")
    (laws / "regg_2026.md").write_text(_register_law("2026-01-01", new), encoding="utf-8")
    index = KnowledgeIndex.open(make_settings(data_dir=root / "var", embedder=EmbedderMode.HASHING))
    IngestPipeline(index).add([laws])
    yield index
    index.close()


def test_a_hit_is_not_moved_to_a_paragraph_that_now_holds_another_rule(renumbered: KnowledgeIndex) -> None:
    question = "Bekommt die Mutter eine Auskunft aus dem Sorgeregister?"
    # Only the old version's § 2 was found: the current § 2 (Gegenvormundschaft) is another rule.
    hits = [
        h
        for h in renumbered.search(question, k=8)
        if h.document.superseded_by is not None and h.chunk.paragraph == "§ 2"
    ]
    assert hits
    passage = ranked_passages(renumbered, question, hits)[0]
    assert "Auskunft" in (passage.hit.chunk.section or ""), passage.hit.chunk.section
    assert passage.hit.document.superseded_by is not None  # the version that holds the rule
