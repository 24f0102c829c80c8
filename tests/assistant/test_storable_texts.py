"""`StorableTexts`: the history stores a question the assistant answered as the answer log stored it
(both filter passes done), without screening it again; any other text goes through gate and filter."""

from assistant.service import Assistant
from assistant.storable_texts import StorableTexts


def test_keeps_the_logged_form_of_the_newest_shown_questions_only() -> None:
    texts = StorableTexts(size=2)
    for text in ("Was regelt § 8a SGB VIII?", "Wer zahlt [?]?", "Frist nach § 42?"):
        texts.shown(text)
        texts.logged(text, text.upper())
    assert texts.logged_form("Was regelt § 8a SGB VIII?") is None  # the oldest made room
    assert texts.logged_form("Wer zahlt [?]?") == "WER ZAHLT [?]?"


def test_a_text_that_was_not_shown_is_not_remembered_when_logged() -> None:
    texts = StorableTexts()
    texts.logged("Titel, den jemand selbst schrieb", "Titel")
    assert texts.logged_form("Titel, den jemand selbst schrieb") is None
    texts.shown("Wer zahlt [?]?")
    assert texts.logged_form("Wer zahlt [?]?") is None  # shown, not yet logged


def test_the_history_stores_an_answered_question_exactly_as_the_log_did(assistant: Assistant) -> None:
    answer = assistant.ask("Was gilt laut Blorfexheft bei einer Inobhutnahme nach § 42 SGB VIII?")
    assert answer.log_id is not None and answer.shown_question
    entry = assistant.answer_log.get(answer.log_id)
    assert entry is not None and entry.question
    assert assistant.stored_text(answer.shown_question) == entry.question
    assert "Blorfexheft" not in entry.question  # an unvouched word never reaches disk


def test_a_text_the_assistant_did_not_show_is_screened_and_filtered(assistant: Assistant) -> None:
    typed = "Gespräch mit Frau Blorfexheft am Dienstag"
    gated = assistant.screen(typed)
    assert assistant.stored_text(typed) == assistant.storage.clean(typed, gated.entities, gated.public).text
    assert "Blorfexheft" not in assistant.stored_text(typed)
