from __future__ import annotations

import pytest

from assistant.answering.entities import DISPLAY_KINDS, EVIDENCE_KINDS, asked_entities, missing_kinds


@pytest.mark.parametrize(
    "question",
    ["Bis zu welchem Alter gibt es Unterhaltsvorschuss?", "Darf ein 14-Jaehriger jobben?", "UVG ab 12"],
)
def test_an_age_is_asked(question: str) -> None:
    assert asked_entities(question).age


@pytest.mark.parametrize(
    "question", ["Gilt das ab 1. Januar 2024?", "Wie hoch ist der Kostenbeitrag?", "Bis 18 Uhr geöffnet?"]
)
def test_no_age_is_asked(question: str) -> None:
    assert not asked_entities(question).age


def test_an_age_is_a_kind_shown_with_a_passage_not_one_abstention_weighs() -> None:
    asked = asked_entities("Darf ein 14-Jähriger in den Ferien arbeiten?")
    lacking = "Das Verbot des Absatzes 1 gilt nicht für Jugendliche (§ 2 Abs. 3) während der Schulferien."
    holding = "Das Verbot gilt nicht für die Beschäftigung von Kindern über 13 Jahre mit Einwilligung."
    assert missing_kinds(asked, lacking, DISPLAY_KINDS) == ["age"]
    assert missing_kinds(asked, holding, DISPLAY_KINDS) == []
    assert missing_kinds(asked, lacking, EVIDENCE_KINDS) == []
