"""Which Absätze of a § and which documents an answer shows, on real texts of the corpus: an
Absatz the search did not find that holds the rest of the question, a § whose heading names the
question, and the Satzung of the place the question names before another Kreis's."""

from __future__ import annotations

import shutil
from collections.abc import Iterator

import pytest

from assistant.answering.entities import asked_in_index
from assistant.answering.law_passage import LawCandidate, legal_passage
from assistant.answering.passage import relevance
from assistant.answering.passages import law_passage, select_passages
from assistant.answering.terms import QuestionTerms
from ingest.pipeline import IngestPipeline
from knowledge.index import KnowledgeIndex
from knowledge.models import Hit
from knowledge.settings import EmbedderMode, make_settings
from tests.conftest import CORPUS


@pytest.fixture(scope="module")
def index(tmp_path_factory: pytest.TempPathFactory) -> Iterator[KnowledgeIndex]:
    root = tmp_path_factory.mktemp("absatz-place")
    (root / "laws").mkdir()
    (root / "bylaws").mkdir()
    shutil.copy(CORPUS / "laws" / "2022" / "jarbschg.md", root / "laws" / "jarbschg.md")
    for name in ("Lkr_KON_Jugendamtssatzung.md", "Lkr_GP_Satzung_Jugendamt.md"):
        shutil.copy(CORPUS / "bylaws" / name, root / "bylaws" / name)
    index = KnowledgeIndex.open(make_settings(data_dir=root / "var", embedder=EmbedderMode.HASHING))
    report = IngestPipeline(index).add([root / "laws", root / "bylaws"])
    assert not report.failed, report.failed
    yield index
    index.close()


def test_an_absatz_the_search_missed_that_holds_the_rest_of_the_question_is_shown(
    index: KnowledgeIndex,
) -> None:
    question = "Azubi hat die Nachuntersuchung ein Jahr nach Beginn der Beschäftigung versäumt – Verbot?"
    found = index.paragraph_chunks("JArbSchG", "§ 33")
    assert found is not None
    document, chunks = found
    # The search found the chunk of the Beschäftigungsverbot (Abs. 3).
    verbot = next(c for c in chunks if "(3)" in c.text)
    hit = Hit(rank=1, score=1.0, chunk=verbot, document=document)
    candidate = LawCandidate(("JArbSchG", "§ 33"), 1.0, hit, {verbot.id: 1.0})
    terms = QuestionTerms.of(index, question)
    passage = legal_passage(index, terms, candidate, asked_in_index(index, question))
    assert passage is not None
    # Abs. 1 sets the Nachuntersuchung "ein Jahr nach Aufnahme der ersten Beschäftigung": the duty
    # the Verbot of Abs. 3 enforces, and the part of the question the other Absätze lack.
    assert "1" in passage.numbers, passage.numbers
    assert list(passage.numbers) == sorted(passage.numbers)  # the law's own order


def test_a_paragraph_whose_heading_names_the_question_counts_more_than_its_words(
    index: KnowledgeIndex,
) -> None:
    question = "Wie viel Urlaub bekommt ein 16-jähriger Azubi?"
    terms = QuestionTerms.of(index, question)
    urlaub = law_passage(index, terms, "JArbSchG", "§ 19")  # "§ 19 Urlaub"
    arbeitszeit = law_passage(index, terms, "JArbSchG", "§ 8")  # "§ 8 Dauer der Arbeitszeit"
    assert urlaub is not None and arbeitszeit is not None
    # Words and standing alone would give relevance(standing, coverage); the heading "Urlaub" adds.
    assert urlaub.relevance > relevance(urlaub.standing, urlaub.coverage)
    assert arbeitszeit.relevance == pytest.approx(relevance(arbeitszeit.standing, arbeitszeit.coverage))


def test_the_satzung_of_the_named_kreis_comes_before_another_kreis(index: KnowledgeIndex) -> None:
    question = "Hat die Polizei im Jugendhilfeausschuss im Landkreis Konstanz ein Stimmrecht?"
    hits = index.search(question, k=8)
    assert any(h.document.region == "Landkreis Göppingen" for h in hits[:3]), "the test needs a rival"
    chosen = select_passages(index, question, hits)
    regions = [p.hit.document.region for p in chosen]
    assert regions and regions[0] == "Landkreis Konstanz", regions
    assert "Landkreis Göppingen" not in regions
