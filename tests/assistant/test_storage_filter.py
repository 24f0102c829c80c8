"""Policy rule 2, storage side: every stored word is vouched for, whatever the gate missed."""

from __future__ import annotations

from pathlib import Path

import pytest

from assistant.gate import CaseDataGate, KnownTerms, PublicNames, StorageFilter
from assistant.gate.lexicon import Lexicon
from evals.gate_templates import generate_benign_set
from evals.gate_variants import generate_benign_lookalikes


@pytest.fixture(scope="module")
def storage(shared_gate: CaseDataGate) -> StorageFilter:
    return StorageFilter(shared_gate.lexicon)


@pytest.mark.parametrize(
    ("text", "stored"),
    [
        # Names the gate never heard of: no list, no cue. The shape of the question stays.
        (
            "Darf ich Zyprianus Quackenbusch zur Erziehungsberatung verweisen?",
            "Darf ich [?] [?] zur Erziehungsberatung verweisen?",
        ),
        ("ich habe quappenbach gestern gesehen", "ich habe [?] gestern gesehen"),
        # Dictionary words that are surnames, in a name position.
        ("anna müller hat angerufen", "[?] [?] hat angerufen"),
        ("Frau Koch will Akteneinsicht", "Frau [?] will Akteneinsicht"),
        ("Familie Winter zieht um", "Familie [?] zieht um"),
        # Numbers that are no year, §, amount or age; codes; raw e-mail addresses.
        ("Die Familie wohnt in 44137 Dortmund", "Die Familie wohnt in [?] Dortmund"),
        ("Vorgang 4711-0815 bitte prüfen", "Vorgang [?] bitte prüfen"),
        ("Die Nummer T 605 219 375 liegt vor", "Die Nummer T [?] [?] [?] liegt vor"),
        ("Mail an k.schulz@web.de", "Mail an [E-MAIL]"),
        # Harmless German written as case data.
        ("null eins sieben sechs neun acht sieben sechs", "[TELEFON]"),
        ("kevin punkt schulz at example punkt org", "[E-MAIL]"),
        ("sie wohnt in der Lindenstraße siebzehn", "sie wohnt in der [ADRESSE]"),
        ("sie wohnt Am Markt drei", "sie wohnt Am [ADRESSE]"),
        ("Wagen B AB 123 gesehen", "Wagen [KENNZEICHEN] gesehen"),
        ("K. Schulz, geb. 3.4.15", "[?]. [?], geb. [GEBURTSDATUM]"),
        ("Kind (*03/04/2015) aus Unna", "Kind (*[GEBURTSDATUM]) aus Unna"),
    ],
)
def test_unvouched_words_are_stored_as_placeholders(storage: StorageFilter, text: str, stored: str) -> None:
    assert storage.clean(text).text == stored


@pytest.mark.parametrize(
    "text",
    [
        "Was regelt § 8a Abs. 4 Satz 1 Nr. 2 SGB VIII?",
        "Seit dem 1. Januar 2023 gilt das KJSG auch für 17-Jährige.",
        "Ist ein Kostenbeitrag von 1.200,50 € oder 25 Prozent zulässig?",
        "Wie ist BGH XII ZB 34/21 zu verstehen, und was steht in Drucksache 19/26107?",
        "Was folgt aus 1 BvR 1178/14 für Art. 9 Abs. 2 lit. h DSGVO?",
        "Der Koch der Kita fragt nach Hygieneregeln.",
        "Wie gehe ich mit den Jugendaemtern um, z.B. beim ASD?",
        "Kinder zwischen 6 und 12 Jahren, Stand 29.03.2026",
        "Erziehungsberatungsstelle und Kindeswohlgefährdungseinschätzung im Landkreis",
    ],
)
def test_harmless_text_is_stored_as_written(storage: StorageFilter, text: str) -> None:
    result = storage.clean(text)
    assert result.text == text, result.masked
    assert result.masked_words == 0


def test_filter_is_idempotent_and_keeps_the_gates_placeholders(
    storage: StorageFilter, shared_gate: CaseDataGate
) -> None:
    text = "Frau Yilmaz, geb. 03.05.2015, Tel. 0231 1234567, wohnt bei Quappenbach"
    gated = shared_gate.check(text)
    once = storage.clean(text, gated.entities).text
    assert once == "Frau [PERSON], geb. [GEBURTSDATUM], Tel. [TELEFON], wohnt bei [?]"
    assert storage.clean(once).text == once


def test_words_of_the_knowledge_base_and_its_public_names_are_kept(shared_gate: CaseDataGate) -> None:
    phrases = {"Sozialdezernent Torsten Göpfert", "Kreis Unna"}  # as `KnowledgeIndex.name_phrases()` has them
    known = KnownTerms(
        vocabulary=frozenset({"kekiz", "göpfert", "torsten"}),
        public=PublicNames.from_phrases(phrases, shared_gate.lexicon),
    )
    storage = StorageFilter(shared_gate.lexicon, lambda: known)
    assert storage.clean("Was sagte Torsten Göpfert zu KeKiz?").text == "Was sagte Torsten Göpfert zu KeKiz?"
    assert storage.clean("Hat Frau Göpfert recht?").text == "Hat Frau Göpfert recht?"
    # Without the knowledge base neither is vouched for.
    assert StorageFilter(shared_gate.lexicon).clean("Was sagte Torsten Göpfert zu KeKiz?").text == (
        "Was sagte [?] [?] zu [?]?"
    )


def test_scrub_removes_masked_values_from_other_text(storage: StorageFilter) -> None:
    filtered = storage.clean("Darf ich Zyprianus zur Beratung schicken?")
    answer = "Zyprianus kann zur Beratung: § 28 SGB VIII [1]."
    assert storage.scrub(answer, filtered.masked) == "[?] kann zur Beratung: § 28 SGB VIII [1]."


def test_without_the_dictionary_the_filter_fails_closed(tmp_path: Path) -> None:
    lexicon = Lexicon.load(tmp_path / "missing-ngerman")
    storage = StorageFilter(lexicon, lambda: KnownTerms(vocabulary=frozenset({"jugendamt", "regelt"})))
    assert not storage.dictionary_available
    # Only the knowledge base and law references vouch; a known word beside a masked one goes too.
    assert storage.clean("Darf das Jugendamt Kevin anrufen, § 8a?").text == "[?] [?] [?] [?] [?], § 8a?"
    assert storage.clean("Jugendamt regelt § 8a").text == "Jugendamt regelt § 8a"


def test_benign_questions_are_masked_rarely(storage: StorageFilter) -> None:
    """The filter must not turn the review into a page of [?]: measured on both benign generators."""
    questions = generate_benign_set(n=150, seed=7) + generate_benign_lookalikes(n=150, seed=7)
    results = [storage.clean(q.text) for q in questions]
    words = sum(r.words for r in results)
    masked = sum(r.masked_words for r in results)
    # Without the knowledge base's vocabulary (cities, officials' names) the rate is higher than in
    # `python -m evals run`; it still stays small.
    assert masked / words < 0.03, [r.masked for r in results if r.masked]
