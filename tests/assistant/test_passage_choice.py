"""Which passages an answer shows: the best §, those nearly as relevant, and a § ranked lower that
holds the part of the question the others leave out (on a tiny real index: ingest, Chroma, lexical)."""

from __future__ import annotations

import math
from collections.abc import Iterator

import pytest

from assistant.answering.evidence import INTERCEPT, THRESHOLD, WEIGHTS, Evidence, shown_for_evidence
from assistant.answering.passages import law_passage, ranked_passages, select_passages
from assistant.answering.terms import QuestionTerms
from ingest.pipeline import IngestPipeline
from knowledge.index import KnowledgeIndex
from knowledge.settings import EmbedderMode, make_settings

LAW = """# Gesetz über Kostenbeiträge in der Jugendhilfe (KostBG)

## § 1 Heranziehung der Eltern zum Kostenbeitrag

(1) Zu den Kosten der Unterbringung sind die Eltern aus ihrem Einkommen durch einen Kostenbeitrag
heranzuziehen. Der Kostenbeitrag richtet sich nach dem Einkommen der Eltern.

(2) Der Kostenbeitrag der Eltern darf die tatsächlichen Kosten nicht übersteigen.

## § 2 Berechnung des Einkommens

(1) Als Einkommen gelten alle Einkünfte in Geld. Vom Einkommen werden Steuern abgezogen.

## § 3 Pflicht zur Auskunft

(1) Gibt die kostenbeitragspflichtige Person keine Auskunft, so ist ihr Arbeitgeber verpflichtet, dem
Jugendamt über die Art und Dauer der Beschäftigung und den Arbeitsverdienst Auskunft zu geben.

## § 4 Inkrafttreten

(1) Dieses Gesetz tritt am Tag nach der Verkündung in Kraft.
"""

# Evidence the fitted model is sure of: the best passage holds the whole question, which is several
# telling words long (the covered terms of a three-rare-word question).
STRONG_FEATURES = {"answering_share": 1.0, "covered_terms": math.log1p(3.0)}
QUESTION = (
    "Eltern verweigern die Auskunft zum Einkommen für den Kostenbeitrag – dürfen wir den Arbeitgeber fragen?"
)


@pytest.fixture(scope="module")
def index(tmp_path_factory: pytest.TempPathFactory) -> Iterator[KnowledgeIndex]:
    root = tmp_path_factory.mktemp("choice")
    laws = root / "laws"
    laws.mkdir()
    (laws / "kostbg.md").write_text(LAW, encoding="utf-8")
    index = KnowledgeIndex.open(make_settings(data_dir=root / "var", embedder=EmbedderMode.HASHING))
    IngestPipeline(index).add([laws])
    yield index
    index.close()


def test_a_lower_ranked_paragraph_that_holds_the_rest_of_the_question_is_shown(index: KnowledgeIndex) -> None:
    hits = index.search(QUESTION, k=8)
    ranked = ranked_passages(index, QUESTION, hits)
    shown = [p.hit.chunk.paragraph for p in select_passages(index, QUESTION, hits)]
    # The Auskunft of the Arbeitgeber stands in § 3, which the search ranks below the Kostenbeitrag.
    assert "§ 3" in shown, [(p.hit.chunk.paragraph, round(p.relevance, 2)) for p in ranked]
    assert "§ 4" not in shown  # a § that adds nothing to the question is not shown


def test_a_borderline_answer_shows_only_passages_that_add_question_terms(index: KnowledgeIndex) -> None:
    hits = index.search(QUESTION, k=8)
    chosen = select_passages(index, QUESTION, hits)
    terms = QuestionTerms.of(index, QUESTION)
    auskunft = next(p for p in chosen if p.hit.chunk.paragraph == "§ 3")
    inkrafttreten = law_passage(index, terms, "KostBG", "§ 4")
    assert inkrafttreten is not None
    passages = [chosen[0], inkrafttreten, auskunft]
    strong = Evidence(STRONG_FEATURES)
    # The share at which the fitted model says "no source" with probability 0.35 (a refit moves it).
    borderline_share = (INTERCEPT - math.log(0.35 / 0.65)) / -WEIGHTS["answering_share"]
    borderline = Evidence({"answering_share": borderline_share})
    assert strong.no_source_probability < 0.05
    assert 0.3 < borderline.no_source_probability < THRESHOLD
    # Strong evidence: a passage that adds a question word stays (it may complete the rule); § 4 of
    # the law already cited holds none and is not cited a second time.
    assert shown_for_evidence(terms, passages, strong) == [chosen[0], auskunft]
    # Borderline: § 4 (Inkrafttreten) holds no word of the question and goes; § 3 adds the Arbeitgeber.
    shown = [p.hit.chunk.paragraph for p in shown_for_evidence(terms, passages, borderline)]
    assert shown == [chosen[0].hit.chunk.paragraph, "§ 3"]


NACHWEISE = """# Gesetz über Nachweise in der Jugendhilfe (NachwG)

## § 1 Vorlage von Unterlagen durch Antragsteller

(1) Wer Leistungen beantragt, hat dem Jugendamt auf Verlangen die Unterlagen über sein Einkommen
vorzulegen. Die Unterlagen über das Einkommen sind vollständig vorzulegen.

## § 2 Vorlage von Unterlagen durch Träger

(1) Der Träger einer Einrichtung hat dem Jugendamt auf Verlangen die Unterlagen über die Belegung
vorzulegen. Die Unterlagen über die Belegung sind vollständig vorzulegen.

## § 3 Amtssprache

(1) Die Amtssprache ist deutsch. Wird ein Antrag in einer fremden Sprache gestellt, soll das
Jugendamt unverzüglich eine Übersetzung verlangen.

## § 4 Inkrafttreten

(1) Dieses Gesetz tritt am Tag nach der Verkündung in Kraft.
"""


@pytest.fixture(scope="module")
def nachweise(tmp_path_factory: pytest.TempPathFactory) -> Iterator[KnowledgeIndex]:
    root = tmp_path_factory.mktemp("nachweise")
    laws = root / "laws"
    laws.mkdir()
    (laws / "nachwg.md").write_text(NACHWEISE, encoding="utf-8")
    index = KnowledgeIndex.open(make_settings(data_dir=root / "var", embedder=EmbedderMode.HASHING))
    IngestPipeline(index).add([laws])
    yield index
    index.close()


def test_a_passage_that_only_repeats_the_chosen_ones_gives_way_to_one_that_adds(
    nachweise: KnowledgeIndex,
) -> None:
    question = "Müssen Unterlagen vorgelegt werden und darf das Jugendamt eine Übersetzung verlangen?"
    hits = nachweise.search(question, k=8)
    ranked = [
        (p.hit.chunk.paragraph, round(p.relevance, 2)) for p in ranked_passages(nachweise, question, hits)
    ]
    assert [paragraph for paragraph, _ in ranked] == ["§ 1", "§ 2", "§ 3"], ranked
    # § 2 holds the very question words § 1 holds; § 3, ranked below it, holds the Übersetzung.
    shown = [p.hit.chunk.paragraph for p in select_passages(nachweise, question, hits, limit=2)]
    assert shown == ["§ 1", "§ 3"], ranked
    # With room for all, the repeating § is shown too, in the order of the ranking.
    shown = [p.hit.chunk.paragraph for p in select_passages(nachweise, question, hits)]
    assert shown == ["§ 1", "§ 2", "§ 3"], ranked


def test_a_confident_answer_does_not_cite_a_law_again_for_less_of_what_it_already_shows(
    index: KnowledgeIndex,
) -> None:
    terms = QuestionTerms.of(index, QUESTION)
    kostenbeitrag, einkommen, auskunft = (
        law_passage(index, terms, "KostBG", n) for n in ("§ 1", "§ 2", "§ 3")
    )
    assert kostenbeitrag is not None and einkommen is not None and auskunft is not None
    assert einkommen.coverage < kostenbeitrag.coverage
    strong = Evidence(STRONG_FEATURES)
    assert strong.no_source_probability < 0.05
    # § 2 holds only the Einkommen that § 1 of the same law shows with the Kostenbeitrag: its
    # citation adds nothing; § 3 adds the Auskunft of the Arbeitgeber and is cited.
    shown = shown_for_evidence(terms, [kostenbeitrag, einkommen, auskunft], strong)
    assert [p.hit.chunk.paragraph for p in shown] == ["§ 1", "§ 3"]


def test_a_paragraph_holding_as_much_of_the_question_as_the_first_stays_cited(
    nachweise: KnowledgeIndex,
) -> None:
    question = "Müssen Unterlagen vorgelegt werden und darf das Jugendamt eine Übersetzung verlangen?"
    chosen = select_passages(nachweise, question, nachweise.search(question, k=8))
    terms = QuestionTerms.of(nachweise, question)
    # § 2 repeats the words of § 1 but holds as many of them: only the ranking put it second.
    assert chosen[1].coverage == chosen[0].coverage
    strong = Evidence(STRONG_FEATURES)
    assert shown_for_evidence(terms, chosen, strong) == chosen
