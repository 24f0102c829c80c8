from __future__ import annotations

import pytest

from assistant.log import LogFilter
from assistant.models import AnswerStatus, NoticeKind
from assistant.policy import Rule
from assistant.service import Assistant

# A dozen colleague questions and the § their answer must cite.
ANSWERABLE = [
    (
        "Was muss das Jugendamt bei gewichtigen Anhaltspunkten für eine Kindeswohlgefährdung tun?",
        "§ 8a",
        "SGB VIII",
    ),
    ("Wann muss das Jugendamt ein Kind in Obhut nehmen?", "§ 42", "SGB VIII"),
    ("Was macht eine Ombudsstelle in der Kinder- und Jugendhilfe?", "§ 9a", "SGB VIII"),
    ("Welche Aufgaben hat der Verfahrenslotse?", "§ 10b", "SGB VIII"),
    ("Wer hat Anspruch auf Elterngeld?", "§ 1", "BEEG"),
    ("Wie lange wird Unterhaltsvorschuss gezahlt?", "§ 1", "UVG"),
    (
        "Dürfen Berufsgeheimnisträger wie Ärzte das Jugendamt bei Kindeswohlgefährdung informieren?",
        "§ 4",
        "KKG",
    ),
    ("Wann gilt ein per Post übermittelter Verwaltungsakt als bekannt gegeben?", "§ 37", "SGB X"),
    ("Ab welchem Alter dürfen Jugendliche Bier kaufen?", "§ 9", "JuSchG"),
    (
        "Unter welchen Voraussetzungen erhält ein Träger die Betriebserlaubnis für ein Heim?",
        "§ 45",
        "SGB VIII",
    ),
    ("Wer darf im Jugendhilfeausschuss stimmberechtigt mitwirken?", "§ 71", "SGB VIII"),
    ("Was ist bei der Hilfeplanung und der Mitwirkung der Eltern zu beachten?", "§ 36", "SGB VIII"),
]


@pytest.mark.parametrize(("question", "paragraph", "law"), ANSWERABLE)
def test_answerable_questions_cite_the_right_paragraph(
    assistant: Assistant, question: str, paragraph: str, law: str
) -> None:
    answer = assistant.ask(question)
    assert answer.status is AnswerStatus.ANSWERED, answer.text
    assert answer.text.startswith(("Kurz gesagt", "Maßgeblich sind:"))
    assert [(c.paragraph, c.law) for c in answer.citations].count((paragraph, law)) >= 1, [
        c.label for c in answer.citations
    ]
    for citation in answer.citations:
        assert f"[{citation.n}]" in answer.text
        # A quote is the passage's own words, beginning in the cited chunk (whitespace aside).
        assert citation.quote and " ".join(citation.quote.split())[:60] in " ".join(
            _chunk_text(assistant, citation.chunk_id).split()
        )


def _chunk_text(assistant: Assistant, chunk_id: str) -> str:
    return assistant.index.chunks([chunk_id])[chunk_id].text


def test_citation_label_names_paragraph_absatz_law_and_state(assistant: Assistant) -> None:
    answer = assistant.ask(
        "Was muss das Jugendamt bei gewichtigen Anhaltspunkten für eine Kindeswohlgefährdung tun?"
    )
    labels = [c.label for c in answer.citations]
    assert any(
        label.startswith("§ 8a Abs. ") and label.endswith("SGB VIII, Stand 29.03.2026") for label in labels
    )


@pytest.mark.parametrize(
    "question",
    [
        "Wie wird das Wetter morgen in Unna?",
        "Hast du ein gutes Rezept für Käsespätzle?",
        "Wer hat das letzte Bundesligaspiel zwischen Dortmund und Schalke gewonnen?",
        "Was regelt § 99z SGB VIII?",
    ],
)
def test_out_of_scope_questions_abstain(assistant: Assistant, question: str) -> None:
    answer = assistant.ask(question)
    assert answer.status is AnswerStatus.ABSTAINED
    assert answer.text.startswith("Dazu habe ich keine belastbare Quelle gefunden.")
    assert answer.citations == []
    assert Rule.SOURCES_ONLY.value in answer.rules


def test_every_answer_carries_the_ai_disclosure(assistant: Assistant) -> None:
    for question in (
        "Was regelt § 8a SGB VIII?",
        "Wie wird das Wetter morgen?",
        "Frau Yilmaz fragt nach Elterngeld",
    ):
        answer = assistant.ask(question)
        assert NoticeKind.AI_DISCLOSURE in [n.kind for n in answer.notices]
        assert Rule.AI_DISCLOSURE.value in answer.rules


def test_case_decision_gets_general_frame_and_responsibility_notice(assistant: Assistant) -> None:
    answer = assistant.ask("Soll ich das Kind in Obhut nehmen?")
    assert Rule.NO_CASE_DECISIONS.value in answer.rules
    notice = next(n for n in answer.notices if n.kind is NoticeKind.CASE_DECISION)
    assert "Art. 22 DSGVO" in notice.text
    assert answer.status is AnswerStatus.ANSWERED
    assert any(c.paragraph in {"§ 42", "§ 42a", "§ 8a"} for c in answer.citations)


def test_emergency_notice_comes_first_then_sourced_answer(assistant: Assistant) -> None:
    events = list(
        assistant.stream("Ein Kind ruft an, der Vater schlägt es gerade. Was muss das Jugendamt jetzt tun?")
    )
    assert events[0].kind == "notice" and events[0].data["kind"] == NoticeKind.EMERGENCY.value
    assert "110" in events[0].data["text"] and "§ 8a" in events[0].data["text"]
    done = events[-1].answer
    assert done is not None and Rule.EMERGENCY.value in done.rules
    assert done.status is AnswerStatus.ANSWERED and done.citations


def test_follow_up_uses_the_conversation(assistant: Assistant) -> None:
    first = assistant.ask("Wer hat Anspruch auf Hilfe zur Erziehung?", conversation_id="gespräch-1")
    assert any(c.paragraph == "§ 27" for c in first.citations)
    follow_up = assistant.ask("Und für junge Volljährige?", conversation_id="gespräch-1")
    sections = [p.section or "" for p in follow_up.retrieved[:5]]
    assert any(s.startswith("§ 41 ") for s in sections), sections
    alone = assistant.ask("Und für junge Volljährige?", conversation_id="anderes-gespräch")
    assert alone.search_query == "Und für junge Volljährige?"


def test_follow_up_of_a_follow_up_keeps_the_topic(assistant: Assistant) -> None:
    topic = "Braucht eine Tagesmutter eine Erlaubnis vom Jugendamt?"
    assistant.ask(topic, conversation_id="gespräch-kette")
    assistant.ask("Wie lange gilt die dann?", conversation_id="gespräch-kette")
    third = assistant.ask("Und für wie viele Kinder?", conversation_id="gespräch-kette")
    assert topic in third.search_query
    sections = [p.section or "" for p in third.retrieved[:5]]
    assert any(s.startswith("§ 43 ") for s in sections), sections
    # A question that sets a topic of its own ends the chain: the topic before it is not carried on.
    assistant.ask("Wer hat Anspruch auf Hilfe zur Erziehung?", conversation_id="gespräch-kette")
    fourth = assistant.ask("Und für junge Volljährige?", conversation_id="gespräch-kette")
    assert topic not in fourth.search_query


def test_superseded_version_is_labelled(assistant: Assistant) -> None:
    answer = assistant.ask(
        "Wie hoch war der Kostenbeitrag junger Menschen aus ihrem Einkommen mit 25 Prozent?"
    )
    superseded = [c for c in answer.citations if c.superseded_by]
    for citation in superseded:
        assert "ersetzte Fassung" in citation.label
    if superseded:
        assert NoticeKind.SUPERSEDED in [n.kind for n in answer.notices]


def test_refused_question_is_logged_with_entity_types_only(assistant: Assistant) -> None:
    answer = assistant.ask(
        "Kevin Schulz, 9 Jahre, Hauptstraße 12 in Unna: soll das Jugendamt eingreifen?", user="anna"
    )
    assert answer.status is AnswerStatus.REFUSED
    assert {"PERSON", "ADDRESS"} <= set(answer.entities)
    assert "Kevin" not in answer.text and "Hauptstraße 12" not in answer.text
    assert answer.retrieved == []
    entry = assistant.answer_log.get(answer.log_id or "")
    assert entry is not None and entry.question is None and entry.status is AnswerStatus.REFUSED
    assert assistant.answer_log.count(LogFilter(rule=Rule.CASE_DATA.value)) == 1


def test_log_row_has_pseudonym_not_name(assistant: Assistant) -> None:
    answer = assistant.ask("Was regelt § 9a SGB VIII?", user="anna.beispiel")
    with assistant.answer_log.engine.connect() as connection:
        from sqlalchemy import text

        row = connection.execute(
            text("SELECT user_pseudonym FROM answers WHERE id = :id"), {"id": answer.log_id}
        ).one()
    assert row[0] and "anna" not in row[0] and len(row[0]) == 32


def test_server_start_purges_entries_past_retention(assistant: Assistant) -> None:
    from datetime import UTC, datetime, timedelta

    from assistant.models import Answer

    old = assistant.answer_log.record(
        Answer(status=AnswerStatus.ABSTAINED, text="alt"),
        user_pseudonym=None,
        conversation_pseudonym=None,
        policy_version="1.0",
        index_version=1,
        asked_at=datetime.now(UTC) - timedelta(days=assistant.settings.policy.log_retention_days + 1),
    )
    assistant.on_server_start()
    assert assistant.answer_log.get(old) is None


def test_server_start_builds_the_public_names_before_the_first_question(
    assistant: Assistant, monkeypatch: pytest.MonkeyPatch
) -> None:
    # At 100k chunks the names take about a second: the first colleague must not wait for them.
    from assistant.gate.public import PublicNames

    assistant.on_server_start()
    built: list[int] = []
    original = PublicNames.from_phrases.__func__  # type: ignore[attr-defined]

    def counting(cls: type[PublicNames], *args: object, **kwargs: object) -> PublicNames:
        built.append(1)
        return original(cls, *args, **kwargs)

    monkeypatch.setattr(PublicNames, "from_phrases", classmethod(counting))
    answer = assistant.ask("Was regelt § 8a SGB VIII?")
    assert answer.status is AnswerStatus.ANSWERED
    assert built == []
