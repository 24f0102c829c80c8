"""Which shown passages an answer cites (`cited_passages`): not those beside a first passage whose
sentence answers the question clearly better, not a Kreis's Satzung for a question that names no
place (on a tiny real index: ingest, Chroma, lexical)."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from assistant.answering.cited_passages import STATEMENT_MARGIN, cited_passages, statement_margin
from assistant.answering.passages import Passage, law_passage, ranked_passages
from assistant.answering.terms import QuestionTerms
from ingest.pipeline import IngestPipeline
from knowledge.index import KnowledgeIndex
from knowledge.models import DocumentType
from knowledge.settings import EmbedderMode, make_settings

LAW = """# Gesetz über Kostenbeiträge in der Jugendhilfe (KostBG)

## § 1 Heranziehung der Eltern zum Kostenbeitrag

(1) Zu den Kosten der Unterbringung sind die Eltern aus ihrem Einkommen durch einen Kostenbeitrag
heranzuziehen. Der Kostenbeitrag richtet sich nach dem Einkommen der Eltern.

## § 2 Anerkennung freier Träger

(1) Ein freier Träger der Jugendhilfe wird anerkannt, wenn er gemeinnützige Ziele verfolgt und auf dem
Gebiet der Jugendhilfe tätig ist.

## § 3 Berechnung des Einkommens

(1) Als Einkommen gelten alle Einkünfte in Geld. Vom Einkommen werden Steuern abgezogen.
"""

BYLAW = """---
titel: Satzung über das Jugendamt des Landkreises Musterstadt
kreis: Musterstadt
---

# Satzung über das Jugendamt des Landkreises Musterstadt

## § 4 Anerkennung als Träger der freien Jugendhilfe

(1) Ein freier Träger der Jugendhilfe im Landkreis Musterstadt wird vom Jugendhilfeausschuss anerkannt.
"""


@pytest.fixture(scope="module")
def index(tmp_path_factory: pytest.TempPathFactory) -> Iterator[KnowledgeIndex]:
    root = tmp_path_factory.mktemp("cited")
    (root / "laws").mkdir()
    (root / "laws" / "kostbg.md").write_text(LAW, encoding="utf-8")
    (root / "bylaws").mkdir()
    (root / "bylaws" / "satzung_musterstadt.md").write_text(BYLAW, encoding="utf-8")
    index = KnowledgeIndex.open(make_settings(data_dir=root / "var", embedder=EmbedderMode.HASHING))
    IngestPipeline(index).add([root / "laws", root / "bylaws"])
    yield index
    index.close()


def _law(index: KnowledgeIndex, terms: QuestionTerms, paragraph: str) -> Passage:
    passage = law_passage(index, terms, "KostBG", paragraph)
    assert passage is not None
    return passage


def _bylaw(index: KnowledgeIndex, question: str) -> Passage:
    ranked = ranked_passages(index, question, index.search(question, k=8))
    return next(p for p in ranked if p.hit.document.type is DocumentType.BYLAW)


def test_a_first_passage_whose_sentence_answers_clearly_better_is_cited_alone(index: KnowledgeIndex) -> None:
    question = "Richtet sich der Kostenbeitrag der Eltern nach ihrem Einkommen?"
    terms = QuestionTerms.of(index, question)
    first, further = _law(index, terms, "§ 1"), _law(index, terms, "§ 3")
    assert statement_margin(index, terms, first, [further]) >= STATEMENT_MARGIN
    assert cited_passages(index, question, terms, [first, further]) == [first]


def test_a_further_passage_that_answers_better_stays(index: KnowledgeIndex) -> None:
    question = "Welche Einkünfte gelten beim Kostenbeitrag als Einkommen, werden Steuern abgezogen?"
    terms = QuestionTerms.of(index, question)
    first, further = _law(index, terms, "§ 1"), _law(index, terms, "§ 3")
    assert statement_margin(index, terms, first, [further]) < STATEMENT_MARGIN
    assert cited_passages(index, question, terms, [first, further]) == [first, further]


def test_a_satzung_beside_the_law_is_cited_only_when_the_question_names_its_place(
    index: KnowledgeIndex,
) -> None:
    placeless = "Wann wird ein freier Träger der Jugendhilfe anerkannt?"
    terms = QuestionTerms.of(index, placeless)
    law, satzung = _law(index, terms, "§ 2"), _bylaw(index, placeless)
    assert satzung.hit.document.region
    assert statement_margin(index, terms, law, [satzung]) < STATEMENT_MARGIN  # it answers as well
    assert cited_passages(index, placeless, terms, [law, satzung]) == [law]

    placed = "Wann wird ein freier Träger der Jugendhilfe im Landkreis Musterstadt anerkannt?"
    terms = QuestionTerms.of(index, placed)
    law, satzung = _law(index, terms, "§ 2"), _bylaw(index, placed)
    assert cited_passages(index, placed, terms, [law, satzung]) == [law, satzung]
