"""`Assistant`: a question in, a sourced answer or an honest refusal out, and a log row written."""

from __future__ import annotations

import logging
import re
import time
from collections.abc import Generator, Iterator
from dataclasses import dataclass, field, replace
from types import EllipsisType
from typing import TYPE_CHECKING, Any

from assistant.answering.emergency import emergency_passages
from assistant.answering.evidence import assess
from assistant.answering.extractive import extract_answer
from assistant.answering.passages import Passage, ranked_passages, select_passages
from assistant.gate import CaseDataGate, GateResult, IndexTerms, KnownTerms, StorageFilter
from assistant.log import AnswerLog, LogEntry, Verdict
from assistant.models import Answer, AnswerStatus, Notice, NoticeKind, RetrievedPassage, Suggestion
from assistant.policy import AI_DISCLOSURE_TEXT, Rule, policy_version
from assistant.policy.intent import asks_for_case_decision, describes_acute_danger
from assistant.policy.texts import (
    ABSTAIN_TEXT,
    CASE_DECISION_TEXT,
    EMERGENCY_TEXT,
    LLM_BUSY_TEXT,
    LLM_FALLBACK_TEXT,
    LLM_TIMEOUT_TEXT,
    LLM_WAITING_TEXT,
    REDACTED_TEXT,
    SUPERSEDED_TEXT,
    UNSOURCED_REMOVED_TEXT,
    refusal_text,
)
from assistant.secrets import pseudonym, server_secret
from assistant.storable_texts import LoggedFormFilter, StorableTexts
from knowledge.collections import Collections
from knowledge.index import KnowledgeIndex
from knowledge.models import Hit
from knowledge.settings import GateAction, Settings

if TYPE_CHECKING:
    from assistant.answerer import Answerer

log = logging.getLogger(__name__)

RETRIEVE_K = 8
_FOLLOW_UP = re.compile(
    r"^\s*(und|aber|auch|was ist mit|wie ist es|wie sieht es|gilt (das|dies)|trifft (das|dies)|"
    r"und wenn|was wenn|dafür|davon|dazu|welche? (davon|dafür))\b",
    re.IGNORECASE,
)
# Words that point back at the previous question ("Was passiert, wenn die Eltern dagegen sind?").
_BACK_REFERENCE = re.compile(
    r"\b(dagegen|dafür|davon|dazu|darauf|darüber|daran|hierfür|hierzu|dabei|dann|diese[rsmn]?|dies|"
    r"derselbe\w*|ebenfalls|auch dann)\b",
    re.IGNORECASE,
)

# Earlier turns a chain of follow-ups is read back over, newest first, to find its topic.
_CONTEXT_TURNS = 3


def _is_follow_up(question: str) -> bool:
    """A question that only makes sense after the previous one: it opens like one ("Und für …?"),
    is short, or points back ("Was passiert, wenn die Eltern dagegen sind?")."""
    words = len(question.split())
    return bool(
        _FOLLOW_UP.search(question) or words <= 6 or (words <= 12 and _BACK_REFERENCE.search(question))
    )


@dataclass(frozen=True)
class AnswerEvent:
    kind: str  # "notice" | "progress" (waiting for the language model) | "delta" | "done"
    data: dict[str, Any] = field(default_factory=dict)  # JSON-ready; for "done": `Answer.as_json()`
    answer: Answer | None = None  # set on "done"


class Assistant:
    """>>> assistant = Assistant.build(make_settings())  # doctest: +SKIP
    >>> assistant.ask("Was regelt § 8a SGB VIII?").status  # doctest: +SKIP
    <AnswerStatus.ANSWERED: 'answered'>
    """

    def __init__(
        self,
        settings: Settings,
        index: KnowledgeIndex,
        answer_log: AnswerLog,
        gate: CaseDataGate | None = None,
        *,
        answerer: Answerer | EllipsisType | None = ...,
    ) -> None:
        """`answerer`: the LLM answerer, None for built-in answers only; left out, the one the settings
        select (built by `assistant.container`, like every other backend)."""
        self.settings = settings
        self.index = index
        self.answer_log = answer_log
        self.gate = gate or CaseDataGate(dictionary=settings.policy.dictionary_path)
        # Policy rule 2: the storage filter vouches for every word before it is stored; the answer log
        # applies it on every write, whoever calls it.
        self.terms = IndexTerms(index, lambda: self.gate.lexicon)
        self.storage = StorageFilter(lambda: self.gate.lexicon, self.terms)
        self.storable = StorableTexts()
        answer_log.use_filter(LoggedFormFilter(self.storage, self.storable))
        self._secret = server_secret(settings)
        if isinstance(answerer, EllipsisType):
            from assistant.container import Container

            answerer = Container(settings).answerer
        self._llm = answerer

    @classmethod
    def build(cls, settings: Settings) -> Assistant:
        """The assistant with every backend the settings select (`assistant.container.Container`)."""
        from assistant.container import Container

        return Container(settings).assistant

    def close(self) -> None:
        if self._llm is not None:
            self._llm.close()
        self.index.close()
        self.answer_log.close()

    def secret(self) -> bytes:
        return self._secret

    @property
    def mode(self) -> str:
        return f"llm:{self.settings.llm.model}" if self._llm else "builtin"

    # -- public API -------------------------------------------------------------------------------
    def ask(
        self,
        question: str,
        *,
        conversation_id: str | None = None,
        user: str | None = None,
        collections: Collections = None,
    ) -> Answer:
        answer: Answer | None = None
        stream = self.stream(question, conversation_id=conversation_id, user=user, collections=collections)
        for event in stream:
            if event.answer is not None:
                answer = event.answer
        assert answer is not None
        return answer

    def stream(
        self,
        question: str,
        *,
        conversation_id: str | None = None,
        user: str | None = None,
        collections: Collections = None,
    ) -> Iterator[AnswerEvent]:
        """Notices first, then the answer text in pieces, then `done` with the whole logged `Answer`.

        `collections`: what the asker may see (None: everything); retrieval, § lookups, citations and
        suggestions read only those (`KnowledgeIndex.restricted_to`).

        Each step up to the next event reads one catalog version (`KnowledgeIndex.pinned`): a step runs
        on one thread (a web server may resume the stream on another), and it read the version from
        the database ~28 times. Closing the stream closes the steps (a model's row keeps what was sent).
        """
        steps = self._events(question, conversation_id=conversation_id, user=user, collections=collections)
        try:
            while True:
                with self.index.pinned():
                    event = next(steps, None)
                if event is None:
                    return
                yield event
        finally:
            with self.index.pinned():
                steps.close()

    def _events(
        self,
        question: str,
        *,
        conversation_id: str | None,
        user: str | None,
        collections: Collections,
    ) -> Generator[AnswerEvent, None, None]:
        index = self.index.restricted_to(collections)
        started = time.perf_counter()
        answer = Answer(status=AnswerStatus.ANSWERED, text="", mode=self.mode)
        answer.rules.append(Rule.AI_DISCLOSURE.value)
        conversation = pseudonym(self._secret, "conversation", conversation_id)

        # The knowledge base's words and names, read once for every check of this question.
        known = self.terms()
        # Rule 1 runs before anything else sees the question: retrieval, the log, an LLM.
        gated = self.screen(question, known)
        # Rule 2: what is stored, and what is shown back (pages, CLI output), is the question as the
        # storage filter lets it through: detected values typed, every unvouched word "[?]".
        stored = self.storage.clean(question, gated.entities, gated.public, known=known)
        answer.shown_question = stored.text
        self.storable.shown(stored.text)
        if gated.found:
            answer.entities = gated.entity_types
            answer.rules += [Rule.CASE_DATA.value, Rule.NO_IDENTIFIERS.value]
            if self.settings.policy.gate_action is GateAction.REFUSE:
                answer.status = AnswerStatus.REFUSED
                answer.text = refusal_text(gated.entity_types)
                answer.notices.append(Notice(NoticeKind.CASE_DATA, answer.text))
                yield from self._finish(answer, started, user, conversation, send_text=False)
                return
            answer.notices.append(Notice(NoticeKind.REDACTED, REDACTED_TEXT))
        if self.settings.policy.gate_action is GateAction.REDACT:
            # Redact mode: search and an LLM see the stored text too, so no raw value reaches a model,
            # also none the gate missed.
            question = stored.text
        answer.question_for_log = stored.text

        emergency = describes_acute_danger(question)
        if emergency:
            answer.rules.append(Rule.EMERGENCY.value)
            answer.notices.insert(0, Notice(NoticeKind.EMERGENCY, EMERGENCY_TEXT))
        if asks_for_case_decision(question):
            answer.rules.append(Rule.NO_CASE_DECISIONS.value)
            answer.notices.append(Notice(NoticeKind.CASE_DECISION, CASE_DECISION_TEXT))
        for notice in answer.notices:
            yield AnswerEvent("notice", {"kind": notice.kind.value, "text": notice.text})

        query = self._search_query(question, conversation)
        answer.search_query = self.storage.clean(query, known=known).text
        hits = index.search(query, k=RETRIEVE_K)
        answer.retrieved = [
            RetrievedPassage(h.chunk.id, h.document.id, h.chunk.section, round(h.score, 4)) for h in hits
        ]
        passages = select_passages(index, query, hits)
        if emergency:
            # The notice is never left alone: the rules for acting on acute danger always follow.
            passages = emergency_passages(index, query, passages)
        elif assess(index, query, hits, passages).is_weak:
            yield from self._abstain(answer, hits, started, user, conversation)
            return
        # In acute danger the rules are quoted as they stand, at once: no model in between.
        yield from self._answer(
            answer,
            query,
            hits,
            passages,
            started,
            index=index,
            user=user,
            conversation=conversation,
            emergency=emergency,
        )
        if not answer.citations:
            yield from self._abstain(answer, hits, started, user, conversation)
            return
        # An LLM may repeat a word of the question that the filter masked; the log gets the answer without it.
        answer.text = self.storage.scrub(answer.text, stored.masked)
        if any(c.superseded_by for c in answer.citations):
            answer.notices.append(Notice(NoticeKind.SUPERSEDED, SUPERSEDED_TEXT))
        # A model's answer went out statement by statement; the built-in one is sent after its row.
        yield from self._finish(answer, started, user, conversation, send_text=answer.mode == "builtin")

    def feedback(
        self,
        log_id: str,
        *,
        user: str,
        helpful: bool | None,
        source_mismatch: bool = False,
        comment: str | None = None,
    ) -> bool:
        """Store feedback on the user's own answer (False for anyone else's or an unknown id); a comment
        with case data is stored redacted (rule 2 applies to comments too)."""
        if self.answer_log.asked_by(log_id) != pseudonym(self._secret, "user", user):
            return False
        return self.answer_log.add_feedback(
            log_id, helpful=helpful, source_mismatch=source_mismatch, comment=self._redacted(comment, 2000)
        )

    def review(self, log_id: str, *, reviewer: str, verdict: Verdict, comment: str | None) -> bool:
        """Record a verdict; a comment is redacted like a question (reviewers may quote a case too)."""
        return self.answer_log.add_review(
            log_id, reviewer=reviewer, verdict=verdict, comment=self._redacted(comment, 4000)
        )

    def _redacted(self, comment: str | None, limit: int) -> str | None:
        """Free text from staff passes the gate and the storage filter before it is stored (rule 2)."""
        if not comment or not comment.strip():
            return None
        known = self.terms()
        gated = self.screen(comment, known)
        stored = self.storage.clean(comment, gated.entities, gated.public, known=known)
        return stored.text.strip()[:limit] or None

    def stored_text(self, text: str) -> str:
        """What a person typed, as it may be stored: the gate's findings typed, every unvouched word
        "[?]"; a question as this assistant showed it is stored as the answer log stored it
        (`StorableTexts`): both passes of gate and filter are done already."""
        logged = self.storable.logged_form(text)
        if logged is not None:
            return logged
        gated = self.screen(text)
        return self.storage.clean(text, gated.entities, gated.public).text

    def screen(self, text: str, known: KnownTerms | None = None) -> GateResult:
        """The gate's verdict on any text a person typed, with the knowledge base's names and words
        (`known` when the caller read them already for the other checks of the same text)."""
        return self.gate.check(text, self.terms() if known is None else known)

    def may_continue(self, conversation_id: str, user: str) -> bool:
        """Whether the user may ask in this conversation: it is theirs, or nobody has used the id yet."""
        key = pseudonym(self._secret, "conversation", conversation_id)
        mine = pseudonym(self._secret, "user", user)
        return key is not None and self.answer_log.conversation_users(key) <= {mine}

    def conversation(self, conversation_id: str, limit: int = 20) -> list[LogEntry]:
        """Every logged turn of a conversation, oldest first (refused ones without their question)."""
        key = pseudonym(self._secret, "conversation", conversation_id)
        return self.answer_log.conversation(key, limit, include_refused=True) if key else []

    def purge_log(self) -> int:
        return self.answer_log.purge(self.settings.policy.log_retention_days)

    def on_server_start(self) -> None:
        """Enforce retention (policy rule 8) and build the gate and the index's public names now, not on
        a colleague's first question (at 100k chunks the names take about a second to build)."""
        removed = self.purge_log()
        if removed:
            log.info("Aufbewahrungsfrist: %d Protokolleinträge gelöscht.", removed)
        self.gate.check("Frau Test")
        self.terms.public_names()

    # -- steps ------------------------------------------------------------------------------------
    def _search_query(self, question: str, conversation: str | None) -> str:
        """A follow-up ("Und für junge Volljährige?") is searched together with the previous question;
        when that was a follow-up too ("Wie lange gilt die dann?"), back to the question that set the
        topic (at most `_CONTEXT_TURNS` turns): otherwise the third turn has lost what it is about."""
        if not conversation or not _is_follow_up(question):
            return question
        context: list[str] = []
        for previous in reversed(self.answer_log.conversation(conversation, limit=_CONTEXT_TURNS)):
            if not previous.question:
                break
            context.append(previous.question)
            if not _is_follow_up(previous.question):
                break
        if not context:
            return question
        # The new question is named twice so that its terms outweigh those carried over.
        return f"{question} {' '.join(context)} {question}"

    def _answer(
        self,
        answer: Answer,
        query: str,
        hits: list[Hit],
        passages: list[Passage],
        started: float,
        *,
        index: KnowledgeIndex,
        user: str | None,
        conversation: str | None,
        emergency: bool = False,
    ) -> Iterator[AnswerEvent]:
        """Decide the answer; only a model's statements are streamed from here (the built-in answer is
        complete at once and `_finish` sends it after writing its log row). In acute danger the rules
        are quoted as they stand, whole and at once: no model in between."""
        if self._llm is not None and not emergency:
            yield from self._answer_with_llm(
                answer, query, hits, passages, started, index=index, user=user, conversation=conversation
            )
            if answer.mode == self.mode:
                return  # sourced by the model, or the model found no source (then the caller abstains)
        answer.mode = "builtin"
        extracted = extract_answer(index, query, hits, passages, whole=emergency)
        if extracted is None:
            return
        if extracted.skipped_injections:
            answer.rules.append(Rule.DOCUMENTS_ARE_DATA.value)
        answer.text, answer.citations = extracted.text, extracted.citations

    def _answer_with_llm(
        self,
        answer: Answer,
        query: str,
        hits: list[Hit],
        passages: list[Passage],
        started: float,
        *,
        index: KnowledgeIndex,
        user: str | None,
        conversation: str | None,
    ) -> Iterator[AnswerEvent]:
        """Statements as the model finishes them; on failure, timeout, a full pool or nothing sourced
        the answer's mode becomes "builtin" and a notice says why (the built-in answer follows).

        Before the first statement goes out, the answer's log row is written marked incomplete (and
        rewritten with what was sent if the client goes away): `_finish` completes it."""
        from assistant.answering.llm import LlmFailure, source_passages
        from assistant.answering.llm_calls import LlmBusy, LlmTimeout, Waiting

        assert self._llm is not None  # called only with an answerer
        # The model reads what the built-in answer would show: whole Absätze, in order, with the
        # Absatz that qualifies them.
        further = ranked_passages(index, query, hits)
        sources = source_passages(passages, further, hits)
        statements = self._llm.stream_answer(query, sources, started=started)
        result, fallback = None, LLM_FALLBACK_TEXT
        sent: list[str] = []
        try:
            while True:
                item = next(statements)
                if isinstance(item, Waiting):
                    yield AnswerEvent("progress", {"text": LLM_WAITING_TEXT, "seconds": round(item.seconds)})
                    continue
                sent.append(item + "\n")
                self._record_incomplete(answer, "".join(sent), started, user, conversation)
                yield AnswerEvent("delta", {"text": item + "\n"})
        except GeneratorExit:
            # The client went away (the server closes the stream): the row keeps what was sent.
            self._record_incomplete(answer, "".join(sent), started, user, conversation, final=True)
            raise
        except StopIteration as finished:
            result = finished.value
        except LlmFailure as exc:
            log.warning("Sprachmodell nicht verfügbar, eingebaute Antwort: %s", type(exc).__name__)
            if isinstance(exc, LlmTimeout):
                fallback = LLM_TIMEOUT_TEXT
            elif isinstance(exc, LlmBusy):
                fallback = LLM_BUSY_TEXT
        if result is not None and result.removed_statements:
            answer.notices.append(Notice(NoticeKind.UNSOURCED_REMOVED, UNSOURCED_REMOVED_TEXT))
            answer.rules.append(Rule.SOURCES_ONLY.value)
        if result is not None and result.injected_statements:
            answer.rules.append(Rule.DOCUMENTS_ARE_DATA.value)
        if result is not None and result.citations:
            answer.text, answer.citations = result.text, result.citations
            return
        if result is not None and result.no_source:
            return  # the model found no source in the passages: abstain
        # Failed, timed out, busy, or nothing sourced: the built-in answer follows. Anything streamed
        # before a failure is replaced by the final answer in the `done` event.
        answer.mode = "builtin"
        answer.notices.append(Notice(NoticeKind.LLM_FALLBACK, fallback))
        yield AnswerEvent("notice", {"kind": NoticeKind.LLM_FALLBACK.value, "text": fallback})

    def _abstain(
        self, answer: Answer, hits: list[Hit], started: float, user: str | None, conversation: str | None
    ) -> Iterator[AnswerEvent]:
        answer.status = AnswerStatus.ABSTAINED
        answer.text, answer.citations = ABSTAIN_TEXT, []
        answer.rules.append(Rule.SOURCES_ONLY.value)
        seen: set[str] = set()
        for hit in hits:
            if hit.document.id not in seen and len(seen) < 3:
                seen.add(hit.document.id)
                answer.suggestions.append(Suggestion(hit.document.id, hit.document.title, hit.chunk.section))
        yield from self._finish(answer, started, user, conversation, send_text=True)

    def _finish(
        self,
        answer: Answer,
        started: float,
        user: str | None,
        conversation: str | None,
        *,
        send_text: bool,
    ) -> Iterator[AnswerEvent]:
        """Decide, record, then stream: the log row is written before the answer's text goes out, so a
        client that drops the connection after the first piece has its answer logged all the same."""
        answer.notices.append(Notice(NoticeKind.AI_DISCLOSURE, AI_DISCLOSURE_TEXT))
        answer.rules = list(dict.fromkeys(answer.rules))
        answer.latency_ms = int((time.perf_counter() - started) * 1000)
        answer.collections = self._drawn_from(answer)
        if answer.log_id is None:
            answer.log_id = self._record(answer, user, conversation)
        else:  # the row a model's stream began with
            self.answer_log.update(answer.log_id, answer)
        if send_text:
            for line in answer.text.splitlines(keepends=True):
                yield AnswerEvent("delta", {"text": line})
        yield AnswerEvent("done", answer.as_json(), answer)

    def _drawn_from(self, answer: Answer) -> list[str]:
        """The collections of every document the answer retrieved, cited or suggested (the review
        pages show all of them)."""
        ids = {r.document_id for r in answer.retrieved} | {c.document_id for c in answer.citations}
        ids |= {s.document_id for s in answer.suggestions}
        return sorted({d.collection for d in self.index.documents() if d.id in ids})

    def _record(self, answer: Answer, user: str | None, conversation: str | None) -> str:
        return self.answer_log.record(
            answer,
            user_pseudonym=pseudonym(self._secret, "user", user),
            conversation_pseudonym=conversation,
            policy_version=policy_version(),
            index_version=self.index.version,
        )

    def _record_incomplete(
        self,
        answer: Answer,
        sent: str,
        started: float,
        user: str | None,
        conversation: str | None,
        *,
        final: bool = False,
    ) -> None:
        """The row of a model's answer while it streams: written at the first statement, rewritten with
        the text sent so far when the stream is closed early (`final`)."""
        if answer.log_id is not None and not final:
            return
        partial = replace(
            answer,
            status=AnswerStatus.INCOMPLETE,
            text=sent,
            latency_ms=int((time.perf_counter() - started) * 1000),
            collections=self._drawn_from(answer),
        )
        if answer.log_id is None:
            answer.log_id = self._record(partial, user, conversation)
        else:
            self.answer_log.update(answer.log_id, partial)
