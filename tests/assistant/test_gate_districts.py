"""An office question naming a town's district is no case data; an unknown name beside a town still is.

The gate reads two unknown words in a row as a name it has no list for ("Beau Verkade"). A district the
gazetteer lacks ("Wandsbek") before a compound the dictionary lacks ("Sprechzeiten") looked the same, and
a benign office question was refused.
"""

from __future__ import annotations

import pytest

from assistant.gate import CaseDataGate, StorageFilter


@pytest.fixture(scope="module")
def storage(shared_gate: CaseDataGate) -> StorageFilter:
    return StorageFilter(shared_gate.lexicon)


@pytest.mark.parametrize(
    ("question", "stored"),
    [
        # The district is unknown to every list, so the storage filter still masks it.
        ("Jugendamt Hamburg Wandsbek Sprechzeiten", "Jugendamt Hamburg [?] Sprechzeiten"),
        (
            "Welche Sprechzeiten hat das Jugendamt Hamburg-Wandsbek?",
            "Welche Sprechzeiten hat das Jugendamt [?]?",
        ),
        ("Köln Porz Öffnungszeiten Erziehungsberatung", "Köln Porz Öffnungszeiten Erziehungsberatung"),
    ],
)
def test_a_district_after_its_town_passes_the_gate(
    shared_gate: CaseDataGate, storage: StorageFilter, question: str, stored: str
) -> None:
    result = shared_gate.check(question)
    assert result.entities == ()
    assert storage.clean(question, result.entities).text == stored


@pytest.mark.parametrize(
    ("question", "name"),
    [
        ("Hat das Jugendamt Hamm Beau Verkade informiert?", "Beau Verkade"),  # two unknown words
        ("Bekommt Beau Sprechzeiten Hilfe?", "Beau Sprechzeiten"),  # no town before: a name as before
        ("Wandsbek Sprechzeiten wohnt in Unna.", "Wandsbek Sprechzeiten"),
    ],
)
def test_an_unknown_name_is_still_found(
    shared_gate: CaseDataGate, storage: StorageFilter, question: str, name: str
) -> None:
    result = shared_gate.check(question)
    start = question.index(name)
    assert [(e.type, e.start, e.end) for e in result.entities] == [("PERSON", start, start + len(name))]
    stored = storage.clean(question, result.entities).text
    assert name not in stored and "[PERSON]" in stored


def test_a_verb_stem_heads_a_german_compound(shared_gate: CaseDataGate) -> None:
    lexicon = shared_gate.lexicon
    assert lexicon.is_word("Sprechzeiten") and lexicon.is_word("Wohngruppe")
    assert not lexicon.is_word("Verkade") and not lexicon.is_word("Quackenbusch")
