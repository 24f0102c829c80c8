"""`Container`: the one composition root. Every backend is built here from the settings, once, on first
use, and closed here: the catalog, vector store and lexical index (`knowledge.stores`), the embedder,
the index, the answer log and its database, the case-data gate, the answerer (built-in or LLM) and the
assistant. The CLIs (`python -m ingest`, `python -m assistant`, `python -m web`), the web app
(`web.state.AppState`), the evals and the tests take their services from it.

>>> container = Container(make_settings())  # doctest: +SKIP
>>> container.assistant.ask("Was regelt § 8a SGB VIII?").status  # doctest: +SKIP
>>> container.close()  # doctest: +SKIP

The web server's accounts, sessions and login throttle live in `web/` (nothing below `web` imports it):
`AppState` builds them over `container.database`, the engine of the answer log's database.
"""

from __future__ import annotations

from functools import cached_property
from typing import TYPE_CHECKING

from knowledge.settings import Settings

if TYPE_CHECKING:
    from sqlalchemy import Engine

    from assistant.answerer import Answerer
    from assistant.gate import CaseDataGate
    from assistant.log import AnswerLog
    from assistant.service import Assistant
    from knowledge.embedders import Embedder
    from knowledge.index import KnowledgeIndex
    from knowledge.stores import IndexStores


class Container:
    """Builds lazily, so that `python -m ingest list` never opens the answer log and `web users` never
    loads the index. Parts handed in (a shared gate in tests, an embedder) are used instead of built."""

    def __init__(
        self,
        settings: Settings,
        *,
        gate: CaseDataGate | None = None,
        embedder: Embedder | None = None,
        check_embedder: bool = True,
    ) -> None:
        self.settings = settings
        self._check_embedder = check_embedder
        if gate is not None:
            self.__dict__["gate"] = gate
        if embedder is not None:
            self.__dict__["embedder"] = embedder

    # -- knowledge --------------------------------------------------------------------------------
    @cached_property
    def embedder(self) -> Embedder:
        from knowledge.embedders import make_embedder

        return make_embedder(self.settings)

    @cached_property
    def stores(self) -> IndexStores:
        from knowledge.stores import open_stores

        return open_stores(self.settings, self.embedder)

    @cached_property
    def index(self) -> KnowledgeIndex:
        from knowledge.index import KnowledgeIndex

        return KnowledgeIndex(
            self.settings, self.embedder, stores=self.stores, check_embedder=self._check_embedder
        )

    # -- assistant --------------------------------------------------------------------------------
    @cached_property
    def answer_log(self) -> AnswerLog:
        from assistant.log import AnswerLog

        return AnswerLog(self.settings.effective_database_url)

    @property
    def database(self) -> Engine:
        """The answer log's database, migrated (branch `app`: log, audit trail, web tables)."""
        return self.answer_log.engine

    @cached_property
    def gate(self) -> CaseDataGate:
        from assistant.gate import CaseDataGate

        return CaseDataGate(dictionary=self.settings.policy.dictionary_path)

    @cached_property
    def answerer(self) -> Answerer | None:
        """The LLM answerer when `JHA_LLM_BASE_URL` and `JHA_LLM_MODEL` are set; None: built-in answers."""
        if not (self.settings.llm.base_url and self.settings.llm.model):
            return None
        from assistant.answering.llm import LlmAnswerer

        return LlmAnswerer(self.settings)

    @cached_property
    def assistant(self) -> Assistant:
        from assistant.service import Assistant

        return Assistant(self.settings, self.index, self.answer_log, self.gate, answerer=self.answerer)

    def close(self) -> None:
        """Close what was built, in reverse order of dependence."""
        built = self.__dict__
        if "answerer" in built and built["answerer"] is not None:
            built["answerer"].close()
        if "index" in built:
            built["index"].close()
        elif "stores" in built:
            built["stores"].close()
        if "answer_log" in built:
            built["answer_log"].close()
