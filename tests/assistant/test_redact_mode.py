"""Redact mode (`JHA_GATE_ACTION=redact`): the same detection plus the storage filter, and no raw value
reaches the language model (a scripted OpenAI-compatible server on 127.0.0.1 records what it got)."""

from __future__ import annotations

import json

from assistant.gate import CaseDataGate
from assistant.log import AnswerLog
from assistant.models import AnswerStatus
from assistant.service import Assistant
from knowledge.index import KnowledgeIndex
from knowledge.settings import GateAction, Settings, make_settings
from tests.assistant.fake_llm import running_llm

QUESTION = (
    "Frau Quackenbusch (Tel. 0176 98765432) fragt, ob Quappenbach nach § 8a SGB VIII "
    "gewichtige Anhaltspunkte für eine Kindeswohlgefährdung zeigt. Was muss das Jugendamt tun?"
)
RAW_VALUES = ("Quackenbusch", "0176 98765432", "Quappenbach")  # the last one the gate does not see
# Nothing the gate sees at all: only the storage filter keeps the name from the model.
MISSED_ONLY = (
    "Was muss das Jugendamt tun, wenn Quappenbach gewichtige Anhaltspunkte für eine Gefährdung zeigt?"
)


def test_the_model_and_the_log_see_only_the_filtered_question(
    corpus_settings: Settings, shared_gate: CaseDataGate
) -> None:
    assert "Quappenbach" not in [QUESTION[e.start : e.end] for e in shared_gate.check(QUESTION).entities]
    with running_llm() as (script, url):
        settings = make_settings(
            data_dir=corpus_settings.data_dir,
            embedder=corpus_settings.embedding.mode,
            gate_action=GateAction.REDACT,
            llm_base_url=url,
            llm_model="skript-modell",
        )
        assistant = Assistant(
            settings, KnowledgeIndex.open(settings), AnswerLog(settings.effective_database_url), shared_gate
        )
        try:
            assert not shared_gate.check(MISSED_ONLY).found
            assistant.ask(MISSED_ONLY)
            answer = assistant.ask(QUESTION)
            entry = assistant.answer_log.get(answer.log_id or "")
        finally:
            assistant.close()
    assert answer.status is not AnswerStatus.REFUSED
    assert len(script.requests) == 2, "das Sprachmodell wurde nicht zweimal gefragt"
    sent = json.dumps(script.requests, ensure_ascii=False)
    assert "Kindeswohlgefährdung" in sent  # the question did reach the model, filtered
    assert [value for value in RAW_VALUES if value in sent] == []
    assert entry is not None and entry.question is not None
    assert entry.question.startswith("Frau [PERSON] (Tel. [TELEFON]) fragt, ob [?] nach § 8a SGB VIII")
    assert answer.as_json()["question"] == entry.question  # and that is what the page shows back
