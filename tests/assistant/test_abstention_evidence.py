"""Abstention from the evidence: a question naming a law is answered by that law or not at all, a
question about things no indexed text names abstains, and asking what a named § says is answered."""

from __future__ import annotations

import pytest

from assistant.models import AnswerStatus
from assistant.service import Assistant


@pytest.mark.parametrize(
    "question",
    [
        # The best passages are § 1 UVG and § 21 SGB VIII: the named law says nothing about it.
        "Was sagt das UVG zur Kostenerstattung zwischen Jugendämtern?",
        "Was regelt das JuSchG zur Schulpflicht von Flüchtlingskindern?",
    ],
)
def test_question_about_a_named_law_that_does_not_cover_it_abstains(
    assistant: Assistant, question: str
) -> None:
    answer = assistant.ask(question)
    assert answer.status is AnswerStatus.ABSTAINED, answer.text
    assert answer.citations == []


@pytest.mark.parametrize(
    "question",
    ["Welcher Staubsauger eignet sich für Teppichböden?", "Welches Smartphone hat die beste Kamera?"],
)
def test_question_whose_nouns_no_indexed_text_uses_abstains(assistant: Assistant, question: str) -> None:
    answer = assistant.ask(question)
    assert answer.status is AnswerStatus.ABSTAINED, answer.text


@pytest.mark.parametrize(
    ("question", "law", "paragraph"),
    [
        ("Was regelt § 8a SGB VIII?", "SGB VIII", "§ 8a"),
        ("Was sagt das UVG zur Höhe des Unterhaltsvorschusses?", "UVG", None),
        ("Wann darf das Jugendamt nach § 42 SGB VIII ein Kind in Obhut nehmen?", "SGB VIII", "§ 42"),
    ],
)
def test_asking_what_a_named_law_says_is_answered_from_it(
    assistant: Assistant, question: str, law: str, paragraph: str | None
) -> None:
    answer = assistant.ask(question)
    assert answer.status is AnswerStatus.ANSWERED, answer.text
    cited = [(c.law, c.paragraph) for c in answer.citations]
    assert any(c_law == law and paragraph in (None, c_paragraph) for c_law, c_paragraph in cited), cited


@pytest.mark.parametrize(
    "question",
    ["Was änderte sich 2031 beim Elterngeld?", "Welche Regeln galten 1975 für die Heimerziehung?"],
)
def test_question_about_a_year_no_passage_speaks_of_abstains(assistant: Assistant, question: str) -> None:
    answer = assistant.ask(question)
    assert answer.status is AnswerStatus.ABSTAINED, answer.text


@pytest.mark.parametrize(
    "question",
    [
        # A year the question tells (in the sentence before the question) is not asked about.
        "Seit 2019 lebt das Kind allein bei der Mutter. Bis wann gibt es Unterhaltsvorschuss?",
        # "Bis wann" is answered by an age: "bis zur Vollendung des 18. Lebensjahres".
        "Bis wann gibt es Unterhaltsvorschuss?",
    ],
)
def test_question_telling_a_year_or_asking_until_when_is_answered(
    assistant: Assistant, question: str
) -> None:
    answer = assistant.ask(question)
    assert answer.status is AnswerStatus.ANSWERED, answer.text
    assert any(c.law == "UVG" for c in answer.citations), [c.label for c in answer.citations]


@pytest.mark.parametrize(
    "question",
    [
        # The other words are in the laws (Kinder, Tagespflege, Ausbildung); the asked one is not.
        "Welche Impfstoffe brauchen Kinder in der Tagespflege?",
        "Wie hoch ist das Bafög für Jugendliche in einer Ausbildung?",
    ],
)
def test_question_asking_for_a_thing_no_indexed_text_names_abstains(
    assistant: Assistant, question: str
) -> None:
    answer = assistant.ask(question)
    assert answer.status is AnswerStatus.ABSTAINED, answer.text
