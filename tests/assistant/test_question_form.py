"""Decision questions ("Darf …?") against questions for a datum ("Wie hoch …?"), by their form."""

from __future__ import annotations

import pytest

from assistant.answering.question_form import asking_sentences, asks_decision


@pytest.mark.parametrize(
    ("question", "decision"),
    [
        ("Darf ein 14-Jähriger in den Ferien arbeiten?", True),
        ("Muss das Jugendamt die Eltern vorher beteiligen?", True),
        # A narrative tells first and asks last: only the asking sentence counts.
        ("Die Mutter blockt ab, wo sie kann. Hat der Junge selbst Anspruch auf Beratung?", True),
        ("Wie hoch ist das Pflegegeld in NRW?", False),
        ("Für welche Jugendlichen ist eine ISE gedacht?", False),  # the interrogative need not open it
        ("Wofür steht ISE?", False),
        ("Das Kind ist 15. Wann endet die Hilfe?", False),
        # "5." ends no sentence: the asking sentence is the whole question, with its "Welche".
        ("Welche Schulbücher muss das Jobcenter für ein Kind in der 5. Klasse bezahlen?", False),
        ("Kita Gebuehren Reutlingen Geschwisterkind", False),  # telegram style has no form
    ],
)
def test_decision_question_has_no_interrogative(question: str, decision: bool) -> None:
    assert asks_decision(question) is decision


def test_asking_sentences_are_those_ending_in_a_question_mark() -> None:
    question = "Die Tochter ist 15. Sie will allein ins Kino. Darf sie das nach § 11 Abs. 3 JuSchG?"
    assert asking_sentences(question) == ["Darf sie das nach § 11 Abs. 3 JuSchG?"]
