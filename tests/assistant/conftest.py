from __future__ import annotations

from collections.abc import Iterator

import pytest

from assistant.gate import CaseDataGate
from assistant.log import AnswerLog
from assistant.service import Assistant
from knowledge.index import KnowledgeIndex
from knowledge.settings import Settings


@pytest.fixture(scope="session")
def shared_gate() -> CaseDataGate:
    """Presidio takes seconds to set up; one gate serves every test (it holds no per-question state)."""
    return CaseDataGate()


@pytest.fixture
def assistant(corpus_settings: Settings, shared_gate: CaseDataGate) -> Iterator[Assistant]:
    service = Assistant(
        corpus_settings,
        KnowledgeIndex.open(corpus_settings),
        AnswerLog(corpus_settings.effective_database_url),
        shared_gate,
    )
    yield service
    service.close()
