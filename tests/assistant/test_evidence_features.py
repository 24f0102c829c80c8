"""Evidence features of the abstention model on the real corpus index: the covered terms (coverage
as an amount of telling words, not a share) and the decision question."""

from __future__ import annotations

import math

from assistant.answering.evidence import assess, covered_terms
from assistant.answering.passages import select_passages
from assistant.answering.terms import QuestionTerms
from knowledge.index import KnowledgeIndex

NARRATIVE = (
    "Die Eltern eines Zwölfjährigen streiten seit Monaten um den Umgang, der Vater sieht seinen Sohn "
    "kaum noch. Hat der Junge selbst einen Anspruch auf Beratung durch das Jugendamt?"
)


def test_covered_terms_count_rare_words_not_raw_idf(corpus_index: KnowledgeIndex) -> None:
    terms = QuestionTerms.of(corpus_index, "Darf das Jugendamt ein Kind in Obhut nehmen?")
    assert covered_terms(corpus_index, terms, 0.0) == 0.0
    whole = covered_terms(corpus_index, terms, 1.0)
    # No term weighs more than a word no text uses: the whole question is at most one such word each.
    assert 0.0 < whole <= math.log1p(len(terms.plain))
    assert covered_terms(corpus_index, terms, 0.5) < whole


def test_a_long_question_covered_by_a_share_holds_more_than_a_short_one(corpus_index: KnowledgeIndex) -> None:
    long = QuestionTerms.of(corpus_index, NARRATIVE)
    short = QuestionTerms.of(corpus_index, "Kita Gebuehren Reutlingen Geschwisterkind")
    assert covered_terms(corpus_index, long, 0.25) > covered_terms(corpus_index, short, 0.25)


def test_narrative_decision_question_with_a_thin_share_is_answered_confidently(
    corpus_index: KnowledgeIndex,
) -> None:
    """The narrative's best passage holds about a quarter of its words, which on the share alone
    was a borderline answer; its covered terms and its form make it a confident one."""
    hits = corpus_index.search(NARRATIVE, k=8)
    evidence = assess(corpus_index, NARRATIVE, hits, select_passages(corpus_index, NARRATIVE, hits))
    assert evidence.features["asks_decision"] == 1.0
    assert evidence.features["answering_share"] < 0.4
    assert evidence.no_source_probability < 0.1, evidence.features
    assert not evidence.is_weak


def test_question_for_a_datum_no_passage_holds_is_weak(corpus_index: KnowledgeIndex) -> None:
    question = "Wie hoch ist die Kita-Gebühr in Ulm für Geschwisterkinder?"
    hits = corpus_index.search(question, k=8)
    evidence = assess(corpus_index, question, hits, select_passages(corpus_index, question, hits))
    assert evidence.features["asks_decision"] == 0.0
    assert evidence.is_weak, evidence.features
