"""Questions that ask what a term means are answered by the law text that defines it (real KKG, BEEG
and SGB VIII texts from the corpus)."""

from __future__ import annotations

import re
import shutil
from collections.abc import Iterator

import pytest

from assistant.answering.definitions import asked_term, defines
from assistant.answering.passages import select_passages
from ingest.pipeline import IngestPipeline
from knowledge.index import KnowledgeIndex
from knowledge.settings import EmbedderMode, make_settings
from tests.conftest import CORPUS


@pytest.fixture(scope="module")
def index(tmp_path_factory: pytest.TempPathFactory) -> Iterator[KnowledgeIndex]:
    root = tmp_path_factory.mktemp("definitions")
    (root / "laws").mkdir()
    for source in ("2022/kkg.md", "2022/beeg.md"):
        shutil.copy(CORPUS / "laws" / source, root / "laws" / source.split("/")[1])
    index = KnowledgeIndex.open(make_settings(data_dir=root / "var", embedder=EmbedderMode.HASHING))
    report = IngestPipeline(index).add([root / "laws"])
    assert not report.failed, report.failed
    yield index
    index.close()


def _absatz(source: str, paragraph: str, number: str) -> str:
    """The text of one Absatz of the corpus file `source`, as one line."""
    text = (CORPUS / "laws" / source).read_text(encoding="utf-8")
    section = re.split(rf"\n#+ {re.escape(paragraph)}\b", text, maxsplit=1)[1]
    section = re.split(r"\n#+ §", section, maxsplit=1)[0]
    found = re.search(rf"\({number}\)(.*?)(?=\n\(\d+[a-z]?\)|\Z)", section, re.DOTALL)
    body = found.group(0) if found else section.split("\n", 1)[1]
    return " ".join(body.split())


@pytest.mark.parametrize(
    ("question", "term"),
    [
        ("Was versteht man unter Frühen Hilfen?", "Frühen Hilfen"),
        ("Was sind Partnermonate?", "Partnermonate"),
        ("Was ist rechtlich eine Einrichtung im Sinne der Betriebserlaubnis?", "Einrichtung"),
        ("Was ist eine insoweit erfahrene Fachkraft?", "insoweit erfahrene Fachkraft"),
        ("Was bedeutet das Sozialgeheimnis für die Weitergabe von Daten?", None),
        ("Was ist zu tun, wenn ein Verdacht aufkommt?", None),
        ("Wer ist für die Inobhutnahme zuständig?", None),
    ],
)
def test_the_term_a_question_asks_the_meaning_of(question: str, term: str | None) -> None:
    assert asked_term(question) == term


def test_a_law_defines_a_term_in_brackets_or_by_a_sentence_opening_with_it(index: KnowledgeIndex) -> None:
    assert defines(index, "Frühen Hilfen", _absatz("2022/kkg.md", "§ 1", "4"))
    assert defines(index, "Partnermonate", _absatz("2022/beeg.md", "§ 4", "3"))
    assert defines(index, "Einrichtung", _absatz("2026/sgb8.md", "§ 45a", "1"))
    # "Netzwerke Frühe Hilfen" names the term; it does not say what Frühe Hilfen are.
    assert not defines(index, "Frühen Hilfen", _absatz("2022/kkg.md", "§ 3", "4"))
    assert not defines(index, "Einrichtung", _absatz("2026/sgb8.md", "§ 45", "1"))


def test_the_defining_paragraph_is_cited_first(index: KnowledgeIndex) -> None:
    question = "Was versteht man unter Frühen Hilfen?"
    hits = index.search(question, k=8)
    chosen = select_passages(index, question, hits)
    assert chosen, hits
    first = chosen[0]
    assert (first.hit.chunk.paragraph, first.hit.document.law) == ("§ 1", "KKG"), [p.label for p in chosen]
    assert "4" in first.numbers  # Abs. 4 ends "(Frühe Hilfen)"
