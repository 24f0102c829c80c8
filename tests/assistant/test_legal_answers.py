"""Legal answers over the real corpus index: the whole rule, the right version, the law before its summary."""

from __future__ import annotations

import re
import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest

from assistant.answering.entities import asked_entities
from assistant.answering.passages import select_passages
from assistant.answering.statements import is_statement, opens_with_pronoun
from assistant.gate import CaseDataGate
from assistant.log import AnswerLog
from assistant.models import Answer, AnswerStatus, NoticeKind
from assistant.service import Assistant
from evals.gold import load_questions
from ingest.pipeline import IngestPipeline
from knowledge.index import KnowledgeIndex
from knowledge.models import DocumentType
from knowledge.settings import EmbedderMode, Settings, make_settings
from tests.assistant.fake_llm import running_llm

PROJECT = Path(__file__).resolve().parents[2]
SAMPLE_DOCUMENTS = PROJECT / "knowledge" / "documents"
_QUOTED = re.compile(r"^> ?(.*)$")
_CUT_LIST = re.compile(r"(?<!Absatz)(?<!Abs\.)(?<!Satz)(?<!Nr\.)(?<!Nummer)(?<!§)\s(?:\d{1,2}\.|[a-z]\))$")


@pytest.fixture(scope="module")
def combined_dir(indexed_corpus_dir: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The corpus plus our sample summaries and workshop papers, which name §§ of the indexed laws."""
    data_dir = tmp_path_factory.mktemp("combined") / "var"
    shutil.copytree(indexed_corpus_dir, data_dir)
    index = KnowledgeIndex.open(make_settings(data_dir=data_dir, embedder=EmbedderMode.HASHING))
    report = IngestPipeline(index).add([SAMPLE_DOCUMENTS])
    assert not report.failed, report.failed
    index.close()
    return data_dir


@pytest.fixture
def combined(combined_dir: Path, tmp_path: Path, shared_gate: CaseDataGate) -> Iterator[Assistant]:
    data_dir = tmp_path / "var"
    shutil.copytree(combined_dir, data_dir)
    settings = make_settings(data_dir=data_dir, embedder=EmbedderMode.HASHING)
    service = Assistant(
        settings, KnowledgeIndex.open(settings), AnswerLog(settings.effective_database_url), shared_gate
    )
    yield service
    service.close()


def _quoted_absaetze(answer: Answer) -> list[str]:
    """The quoted Absätze of the answer, each as one whitespace-normalised string."""
    absaetze: list[str] = []
    for line in answer.text.splitlines():
        quoted = _QUOTED.match(line)
        if quoted is None:
            continue
        body = quoted.group(1)
        if re.match(r"\(\d+[a-z]?\)", body) or not absaetze:
            absaetze.append(body)
        else:
            absaetze[-1] += " " + body
    return [" ".join(a.split()) for a in absaetze]


def _normalised(text: str) -> str:
    return " ".join(text.split())


def test_unterhaltsvorschuss_age_shows_absatz_1a_with_absatz_1(assistant: Assistant) -> None:
    answer = assistant.ask("Bis zu welchem Alter gibt es Unterhaltsvorschuss?")
    assert answer.status is AnswerStatus.ANSWERED, answer.text
    uvg = next(c for c in answer.citations if c.law == "UVG" and c.paragraph == "§ 1")
    assert uvg.absatz is not None and {"1", "1a"} <= set(re.findall(r"\d+[a-z]?", uvg.absatz))
    text = _normalised(answer.text)
    assert "bis zur Vollendung des 18. Lebensjahres" in text
    assert "das zwölfte Lebensjahr noch nicht vollendet" in text
    assert text.index("(1) Anspruch auf Unterhaltsvorschuss") < text.index(
        "(1a) Über Absatz 1 Nummer 1 hinaus"
    )


def test_pflegeerlaubnis_shows_satz_2_with_every_exception(assistant: Assistant) -> None:
    answer = assistant.ask("Brauchen Pflegeeltern eine Erlaubnis?")
    assert answer.status is AnswerStatus.ANSWERED, answer.text
    assert any(c.paragraph == "§ 44" and c.law == "SGB VIII" for c in answer.citations)
    text = _normalised(answer.text)
    for exception in (
        "Vermittlung durch das Jugendamt",
        "bis zum dritten Grad",
        "bis zur Dauer von acht Wochen",
    ):
        assert exception in text
    # "§ 72a Absatz 1 und 5 gilt entsprechend" belongs to its Absatz, never a finding of its own.
    assert not any(line.lstrip("- ").startswith("§ 72a") for line in answer.text.splitlines())


def test_current_version_is_cited_unless_the_old_state_is_asked(assistant: Assistant) -> None:
    index = assistant.index
    question = "Brauchen Pflegeeltern eine Erlaubnis?"
    hits = index.search(question, k=8)
    old = [
        h for h in index.search(question, k=40) if h.document.superseded_by and h.chunk.paragraph == "§ 44"
    ]
    assert old, "the corpus holds the 2022 version of SGB VIII"
    passages = select_passages(index, question, [old[0], *hits])
    assert all(p.hit.document.superseded_by is None for p in passages if p.is_legal)
    earlier = select_passages(index, "Was galt früher für die Erlaubnis zur Vollzeitpflege?", [old[0], *hits])
    assert earlier[0].hit.document.superseded_by is not None


def test_kkg_question_is_answered_from_the_law_not_from_our_summary(combined: Assistant) -> None:
    answer = combined.ask(
        "Dürfen Berufsgeheimnisträger wie Ärzte das Jugendamt bei Kindeswohlgefährdung informieren?"
    )
    assert answer.status is AnswerStatus.ANSWERED, answer.text
    first = answer.citations[0]
    assert (first.type, first.law, first.paragraph) == (DocumentType.LAW.value, "KKG", "§ 4")
    assert "so sind sie befugt, das Jugendamt zu informieren" in _normalised(answer.text)


def test_a_summary_that_names_an_indexed_paragraph_brings_the_law(combined: Assistant) -> None:
    index = combined.index
    summary_hits = [
        h
        for h in index.search("Perspektivklärung im Hilfeplan bei Hilfen außerhalb der eigenen Familie", k=20)
        if h.document.type is DocumentType.LEGAL_CHANGE and "37c" in (h.chunk.section or "")
    ]
    assert summary_hits, "the sample summary on §§ 37 to 37c is indexed"
    passages = select_passages(
        index, "Was muss im Hilfeplan zur Perspektive geklärt werden?", summary_hits[:1]
    )
    law = passages[0]
    assert law.is_legal and law.hit.document.law == "SGB VIII" and law.hit.chunk.paragraph == "§ 37c"
    assert law.hit.document.superseded_by is None and law.via is not None


def test_a_paragraph_that_applies_others_by_reference_brings_the_one_that_answers(
    assistant: Assistant,
) -> None:
    # § 48a Abs. 1 SGB VIII: "Für den Betrieb einer sonstigen Wohnform … gelten die §§ 45 bis 48
    # entsprechend." The rule itself stands in § 45, even when the search found only § 48a.
    index = assistant.index
    question = "Unter welchen Voraussetzungen erhält ein Träger die Betriebserlaubnis?"
    referral = [h for h in index.search(question, k=20) if h.chunk.paragraph == "§ 48a" and h.document.law]
    assert referral, "§ 48a SGB VIII is indexed"
    shown = [
        (p.hit.chunk.paragraph, p.via is not None) for p in select_passages(index, question, referral[:1])
    ]
    assert shown[:2] == [("§ 48a", False), ("§ 45", True)], shown


def test_referrals_name_the_paragraphs_of_the_same_law_only() -> None:
    from assistant.answering.law_references import referred_paragraphs

    def named(text: str) -> list[str]:
        return [r.paragraph for r in referred_paragraphs(text, "SGB VIII")]

    assert named("(1) Für den Betrieb … gelten die §§ 45 bis 48 entsprechend.") == [
        "§ 45",
        "§ 46",
        "§ 47",
        "§ 48",
    ]
    assert named("(4) § 24 ist entsprechend anzuwenden.") == ["§ 24"]
    assert named("(4) § 25 Absatz 2 und 3 des Zehnten Buches gilt entsprechend.") == []
    # A referral after the Absatz's own rule is a detail of that rule, not where the rule stands.
    assert (
        named("(1) Wer ein Kind betreut, bedarf der Erlaubnis. § 72a Absatz 1 und 5 gilt entsprechend.") == []
    )


def test_no_absatz_is_ever_cut_and_absaetze_keep_their_order(assistant: Assistant) -> None:
    """Over every corpus question: each quoted Absatz is a whole Absatz of the cited law, in order."""
    catalog = assistant.index.stores.catalog
    checked = 0
    for question in load_questions("corpus_questions.jsonl"):
        answer = assistant.ask(question.question)
        if answer.status is not AnswerStatus.ANSWERED:
            continue
        quoted = _quoted_absaetze(answer)
        legal = [c for c in answer.citations if c.type in {"law", "bylaw"} and c.paragraph]
        whole: list[str] = []
        for citation in legal:
            document_text = _normalised(catalog.document_text(citation.document_id) or "")
            shown = [a for a in quoted if _normalised(a) in _normalised(citation.quote)]
            numbers = [int(m.group(1)) for a in shown if (m := re.match(r"\((\d+)", a))]
            assert numbers == sorted(numbers), (question.id, citation.label)
            for absatz in shown:
                assert absatz in document_text, (question.id, absatz[:80])
                whole.append(absatz)
                checked += 1
        for absatz in whole:  # ends like an Absatz, not like a list cut after its number ("… und 3.")
            assert not _CUT_LIST.search(absatz), (question.id, absatz[-80:])
        for line in answer.text.splitlines():
            if line.startswith(("- ", "Kurz gesagt")):
                statement = re.sub(r"^(- |Kurz gesagt( \([^)]*\))?: )| \[\d+\]$", "", line)
                # A contact line is furniture, shown only when the question asks for that detail.
                contact = asked_entities(question.question).contact
                assert (is_statement(statement) or contact) and not opens_with_pronoun(statement), (
                    question.id,
                    line,
                )
    assert checked > 100


def test_every_quoted_absatz_is_complete_in_the_law(assistant: Assistant) -> None:
    """The Absatz shown ends where the law's Absatz ends: the next "(n)" or the next §."""
    answer = assistant.ask("Bis zu welchem Alter gibt es Unterhaltsvorschuss?")
    document = next(c for c in answer.citations if c.law == "UVG")
    text = _normalised(assistant.index.document_text(document.document_id) or "")
    for absatz in _quoted_absaetze(answer):
        end = text.index(absatz) + len(absatz)
        assert re.match(r"\s*(\(\d+[a-z]?\)|#+ §|$)", text[end:]), text[end : end + 80]


def test_emergency_notice_is_followed_by_paragraphs_8a_and_42(assistant: Assistant) -> None:
    for question in (
        "Ein Kind ruft an, der Vater schlägt es gerade. Was muss das Jugendamt jetzt tun?",
        "Die Nachbarin ruft an: Im Haus gegenüber ist ein Baby seit Stunden allein in der Wohnung.",
        "Ein Mädchen sagt mir gerade, dass sie Angst hat, nach Hause zu gehen: Der Stiefvater bedroht sie.",
    ):
        events = list(assistant.stream(question))
        assert events[0].kind == "notice" and events[0].data["kind"] == NoticeKind.EMERGENCY.value, question
        answer = events[-1].answer
        assert answer is not None and answer.status is AnswerStatus.ANSWERED, (
            question,
            answer and answer.text,
        )
        cited = [(c.law, c.paragraph) for c in answer.citations]
        assert cited[:2] == [("SGB VIII", "§ 8a"), ("SGB VIII", "§ 42")], (question, cited)
        assert "keine belastbare Quelle" not in answer.text


def test_prose_extracts_are_whole_sentences_without_furniture(combined: Assistant) -> None:
    for question in (
        "Was muss im Hilfeplan zur Perspektive eines Pflegekindes geklärt werden?",
        "Welche Themen hatten die Workshops beim Fachtag zur stationären Jugendhilfe in Musterstadt?",
        "Wie funktioniert die Online-Beratung in Beispielhausen?",
    ):
        answer = combined.ask(question)
        for line in answer.text.splitlines():
            assert "Beispielmaterial" not in line and "fiktive Pressemitteilung" not in line, line
            if line.startswith("- "):
                statement = line[2:].rsplit(" [", 1)[0]
                assert is_statement(statement) and not opens_with_pronoun(statement), line


def test_an_asked_contact_detail_is_shown_from_the_press_release(assistant: Assistant) -> None:
    # The contact block is document furniture, never a statement, except when exactly it was asked.
    answer = assistant.ask("Unter welcher Telefonnummer ist die Pressestelle des Kreises Unna erreichbar?")
    assert answer.status is AnswerStatus.ANSWERED, answer.text
    assert "02303 27-1213" in answer.text
    assert "Foto" not in answer.text and "frei veröffentlicht" not in answer.text
    other = assistant.ask("Unter welcher Telefonnummer erreiche ich das Jugendamt im Kreis Segeberg?")
    assert other.status is AnswerStatus.ABSTAINED, other.text


def test_kurz_gesagt_only_with_a_statement_of_a_cited_passage(assistant: Assistant) -> None:
    for question in load_questions("corpus_questions.jsonl")[:40]:
        answer = assistant.ask(question.question)
        if not answer.text.startswith("Kurz gesagt"):
            assert answer.status is not AnswerStatus.ANSWERED or answer.text.startswith("Maßgeblich sind:")
            continue
        lead = answer.text.splitlines()[0]
        marker = int(re.search(r"\[(\d+)\]$", lead).group(1))  # type: ignore[union-attr]
        statement = re.sub(r"^Kurz gesagt( \([^)]*\))?: | \[\d+\]$", "", lead)
        cited = next(c for c in answer.citations if c.n == marker)
        assert _normalised(statement) in _normalised(cited.quote.replace("**", ""))


@pytest.mark.parametrize(
    "question",
    [
        "Wie hoch ist das Pflegegeld in NRW?",  # § 39 SGB VIII says how it is set, not what it is in NRW
        "Wer ist im Jugendamt Unna zuständig?",  # a press release from Unna names no office for it
        "Wann findet der nächste Workshop zum Kinderschutz statt?",  # no passage holds a date for it
    ],
)
def test_related_words_without_what_was_asked_abstain(combined: Assistant, question: str) -> None:
    answer = combined.ask(question)
    assert answer.status is AnswerStatus.ABSTAINED, answer.text
    assert answer.citations == []


def test_holiday_job_of_a_fourteen_year_old_is_answered_from_the_jarbschg(assistant: Assistant) -> None:
    answer = assistant.ask("Darf ein 14-Jähriger in den Ferien arbeiten?")
    assert answer.status is AnswerStatus.ANSWERED, answer.text
    assert any(c.law == "JArbSchG" for c in answer.citations), [c.label for c in answer.citations]
    # The age is the answer: § 5 Abs. 3 (children over 13, light work, two hours a day) is shown.
    text = _normalised(answer.text)
    assert "Beschäftigung von Kindern über 13 Jahre" in text and "nicht mehr als zwei Stunden" in text


def test_a_deadline_asked_brings_the_absatz_that_holds_it(assistant: Assistant) -> None:
    answer = assistant.ask("Bis wann muss ich die Wiedereinsetzung in den vorigen Stand beantragen?")
    assert answer.status is AnswerStatus.ANSWERED, answer.text
    assert any(c.law == "SGB X" and c.paragraph == "§ 27" for c in answer.citations), answer.text
    assert "innerhalb von zwei Wochen nach Wegfall des Hindernisses" in _normalised(answer.text)


def test_the_absatz_the_best_one_applies_is_shown_with_it(assistant: Assistant) -> None:
    # § 33 (2) JArbSchG warns of "das Beschäftigungsverbot nach Absatz 3": (3) states it.
    question = (
        "Der Jugendliche legt die Bescheinigung über die erste Nachuntersuchung nicht vor. "
        "Was muss der Arbeitgeber tun?"
    )
    passages = select_passages(assistant.index, question, assistant.index.search(question, k=8))
    jarbschg = next(p for p in passages if p.label == "§ 33 JArbSchG")
    assert {"2", "3"} <= set(jarbschg.numbers), jarbschg.numbers


def test_the_rule_in_a_lower_ranked_paragraph_is_stated_when_the_best_one_holds_little(
    assistant: Assistant,
) -> None:
    # The search ranks § 93 SGB VIII (Berechnung des Einkommens) first; it holds little of the
    # question. How far back is paid lies in § 44 Abs. 4 SGB X, ranked below it.
    answer = assistant.ask(
        "Wir haben einer Familie über Jahre zu wenig Leistungen bewilligt, weil wir das Einkommen falsch "
        "berechnet haben. Wie weit zurück müssen wir nachzahlen?"
    )
    assert answer.status is AnswerStatus.ANSWERED, answer.text
    assert any(c.law == "SGB X" and c.paragraph == "§ 44" for c in answer.citations), answer.citations
    assert "längstens für einen Zeitraum bis zu vier Jahren" in _normalised(answer.text)


def test_in_acute_danger_the_rules_are_quoted_even_with_a_model_that_finds_nothing(
    corpus_settings: Settings, shared_gate: CaseDataGate
) -> None:
    """With an LLM configured that answers "KEINE_QUELLE", the emergency answer still quotes the law."""
    with running_llm() as (script, url):
        script.mode = "no_source"
        settings = make_settings(
            data_dir=corpus_settings.data_dir,
            embedder=EmbedderMode.HASHING,
            llm_base_url=url,
            llm_model="skript",
        )
        service = Assistant(
            settings, KnowledgeIndex.open(settings), AnswerLog(settings.effective_database_url), shared_gate
        )
        try:
            answer = service.ask(
                "Ein Kind ruft an, der Vater schlägt es gerade. Was muss das Jugendamt jetzt tun?"
            )
        finally:
            service.close()
    assert answer.status is AnswerStatus.ANSWERED and answer.mode == "builtin"
    assert [(c.law, c.paragraph) for c in answer.citations][:2] == [
        ("SGB VIII", "§ 8a"),
        ("SGB VIII", "§ 42"),
    ]
