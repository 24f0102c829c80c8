"""Public names come from the indexed documents and go with them; general ages are no case data."""

from __future__ import annotations

import sqlite3
from pathlib import Path

from assistant.gate import CaseDataGate
from assistant.log import AnswerLog
from assistant.models import AnswerStatus
from assistant.service import Assistant
from ingest.pipeline import IngestPipeline
from knowledge.index import KnowledgeIndex
from knowledge.settings import Settings

PRESS_RELEASE = """---
title: "Fachtag Pflegekinderhilfe im Landkreis Beispielhausen"
type: press_release
date: 2026-03-02
---

# Fachtag Pflegekinderhilfe

Landrätin Wiebke Quernheimer-Sassnitz eröffnete den Fachtag. „Pflegefamilien brauchen verlässliche
Beratung“, sagte Quernheimer-Sassnitz. Die Pflegekinderhilfe nach § 37 SGB VIII wird ausgebaut.
"""
QUESTION = "Was hat Landrätin Wiebke Quernheimer-Sassnitz zur Pflegekinderhilfe gesagt?"


def _assistant(settings: Settings, gate: CaseDataGate) -> Assistant:
    return Assistant(
        settings, KnowledgeIndex.open(settings), AnswerLog(settings.effective_database_url), gate
    )


def test_a_name_in_an_indexed_press_release_is_public_until_the_release_is_removed(
    corpus_settings: Settings, shared_gate: CaseDataGate, tmp_path: Path
) -> None:
    assistant = _assistant(corpus_settings, shared_gate)
    try:
        assert assistant.screen(QUESTION).found  # nobody knows the name yet
        folder = tmp_path / "presse"
        folder.mkdir()
        (folder / "fachtag.md").write_text(PRESS_RELEASE, encoding="utf-8")
        report = IngestPipeline(assistant.index).add([folder])
        assert report.added and not report.failed
        assert not assistant.screen(QUESTION).found
        answer = assistant.ask(QUESTION)
        assert answer.status is not AnswerStatus.REFUSED
        # Stored as asked: the name is public, the filter keeps it.
        assert assistant.answer_log.get(answer.log_id or "").question == QUESTION  # type: ignore[union-attr]
        # A public name beside a birth date is case data again.
        assert assistant.screen("Wiebke Quernheimer-Sassnitz, geb. 03.05.1971, wohnt wo?").found
        IngestPipeline(assistant.index).remove(report.added[0].id)
        assert assistant.screen(QUESTION).found
    finally:
        assistant.close()


def test_officials_of_the_corpus_press_releases_are_public(
    corpus_settings: Settings, shared_gate: CaseDataGate
) -> None:
    assistant = _assistant(corpus_settings, shared_gate)
    try:
        for question in (
            "Was sagte Sozialdezernent Torsten Göpfert zum Fachtag?",
            "Welche Rolle hat Christoph Helms im Kooperationsverbund?",
            "was sagte landrätin astrid klinkert-kittel beim treffen in kalefeld?",
        ):
            assert assistant.ask(question).status is not AnswerStatus.REFUSED, question
    finally:
        assistant.close()


def test_general_ages_are_answered(corpus_settings: Settings, shared_gate: CaseDataGate) -> None:
    assistant = _assistant(corpus_settings, shared_gate)
    try:
        for question in (
            "Eine 14-jährige Schülerin möchte ohne ihre Eltern beraten werden. Geht das?",
            "Welche Betreuung gibt es für Kinder unter sechs Jahren?",
            "Darf ein 17-Jähriger ohne Zustimmung der Eltern in eine Wohngruppe?",
        ):
            assert assistant.ask(question).status is not AnswerStatus.REFUSED, question
    finally:
        assistant.close()


def test_the_term_index_is_rebuilt_when_it_lags_behind_the_catalog(corpus_settings: Settings) -> None:
    index = KnowledgeIndex.open(corpus_settings)
    words = index.vocabulary()
    assert {"kindeswohlgefährdung", "göpfert"} <= words
    index.close()
    terms = corpus_settings.index_dir / "terms.sqlite3"
    with sqlite3.connect(terms) as db:  # as after a crash between the catalog write and this one
        db.execute("DELETE FROM terms")
        db.execute("UPDATE meta SET value = '0' WHERE key = 'catalog_version'")
    index = KnowledgeIndex.open(corpus_settings)
    assert index.vocabulary() == words
    index.close()
