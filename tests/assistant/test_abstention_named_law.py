"""A question about a law the knowledge base does not hold abstains; one about an indexed law under
its common name ("Bundeskinderschutzgesetz" for the KKG) does not."""

from __future__ import annotations

import pytest

from assistant.models import AnswerStatus
from assistant.service import Assistant


@pytest.mark.parametrize(
    "question",
    [
        "Welche Fristen gelten nach dem Bundeskitagesetz von 2019?",
        "Was schreibt die Kitaplatzvergabeverordnung zur Reihenfolge der Anmeldungen vor?",
    ],
)
def test_question_about_a_law_no_indexed_text_names_abstains(assistant: Assistant, question: str) -> None:
    answer = assistant.ask(question)
    assert answer.status is AnswerStatus.ABSTAINED, answer.text
    assert answer.citations == []


def test_indexed_law_under_its_common_name_is_answered(assistant: Assistant) -> None:
    answer = assistant.ask(
        "Dürfen Ärzte nach dem Bundeskinderschutzgesetz das Jugendamt bei Kindeswohlgefährdung informieren?"
    )
    assert answer.status is AnswerStatus.ANSWERED, answer.text
    assert answer.citations, answer.text
