"""The passages an answer stands on, chosen from the retrieved hits; shared by built-in and LLM answers.

- A legal hit becomes its § in the right version (the current one unless the question asks about the
  old state), shown as whole Absätze: the Absatz that answers best, and the Absätze of the same §
  that qualify or extend it (1a after 1, "Abweichend von Absatz 1 …"), in the law's own order.
- A summary, workshop paper or press release that names "§ X <law>" of an indexed law brings that §
  of the law itself; the summary stays only where it adds something the law passages do not say.
- Prose keeps sentence extracts: whole sentences that can stand alone, a pronoun opening ("Dieses
  kann …") together with the sentence before it.

>>> passages = select_passages(index, "Brauchen Pflegeeltern eine Erlaubnis?", hits)  # doctest: +SKIP
>>> passages[0].label, passages[0].numbers  # doctest: +SKIP
('§ 44 SGB VIII', ('1',))
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field, replace

from assistant.answering.entities import AskedEntities, asked_in_index, missing_kinds
from assistant.answering.law_references import LawReference, default_law, law_references
from assistant.answering.legal_text import Absatz, absaetze_of, qualifies, refers_to
from assistant.answering.screening import without_instructions
from assistant.answering.sentences import split_sentences
from assistant.answering.statements import is_statement, opens_with_pronoun
from assistant.answering.terms import QuestionTerms, text_tokens
from knowledge.index import KnowledgeIndex
from knowledge.models import Document, DocumentType, Hit

LEGAL_TYPES = frozenset({DocumentType.LAW, DocumentType.BYLAW})
CONSIDERED_HITS = 6
MAX_PASSAGES = 3
MAX_ABSAETZE = 3  # the best Absatz and up to two that qualify it
MAX_SENTENCES = 2
# Tuned on the dev split (corpus and knowledge questions: gold citation against citation precision
# and answer length; `python -m evals.calibrate_answers --passages` prints the grid):
# a passage's relevance is standing² × (1 + coverage), a further one is shown at 75 % of the best.
_STANDING_POWER = 2.0
_COVERAGE_FLOOR = 1.0
_FURTHER_PASSAGE = 0.75
# Another Absatz of the same § that does not qualify the best one is shown when it answers as well.
_SIBLING_ABSATZ = 0.85
_REFERRING_ABSATZ = 0.5  # one that names the best Absatz ("im Sinne des Absatzes 1") needs less
_RETRIEVED_BONUS = 0.15  # an Absatz whose chunk the search itself found
_VIA_SUMMARY = 0.9  # a § reached through a summary stands a little below the summary's own rank
_ADDS_SOMETHING = 0.15  # coverage a summary must add to the law passages to stay as context
_HOLDS_ENTITY = 0.5  # a prose sentence that holds the asked-for number, date or place
_OLD_STATE = re.compile(
    r"\b(früher\w*|bisherige[nrs]?|bisher|alte[nrs]?\s+(fassung|recht|rechtslage|regelung)|a\.\s?f\.|"
    r"vor (der|dem) (reform|änderung|kjsg|inkrafttreten)|damals|galt|galten|war|waren)\b",
    re.IGNORECASE,
)
_YEAR = re.compile(r"\b(19\d\d|20\d\d)\b")


@dataclass(frozen=True)
class Passage:
    """One source of an answer and what of it is shown.

    Legal: `absaetze` holds the whole Absätze shown, in order. Prose: `sentences` holds the whole
    sentences shown, in text order. `hit` carries the document and the chunk the shown text begins in.
    """

    hit: Hit
    relevance: float  # how well the passage answers the question (coverage × standing)
    standing: float  # the search's judgement: its hit's score relative to the best hit
    coverage: float  # weighted share of the question's known terms the shown text holds
    absaetze: tuple[Absatz, ...] = ()
    sentences: tuple[str, ...] = ()
    tokens: frozenset[str] = field(default=frozenset(), repr=False)
    via: Hit | None = None  # the summary hit that named this § of the law
    skipped: int = 0  # lines of the shown text that address an AI and were left out (policy rule 6)

    @property
    def is_legal(self) -> bool:
        return bool(self.absaetze)

    @property
    def numbers(self) -> tuple[str, ...]:
        return tuple(a.number for a in self.absaetze if a.number)

    @property
    def text(self) -> str:
        """The shown text: Absätze one per line block, or the sentences."""
        return "\n".join(a.text for a in self.absaetze) if self.absaetze else " ".join(self.sentences)

    @property
    def label(self) -> str:
        document = self.hit.document
        if self.is_legal and self.hit.chunk.paragraph:
            return f"{self.hit.chunk.paragraph} {document.law or document.title}"
        return document.title


@dataclass
class _Candidate:
    key: tuple[str, str]
    standing: float
    hit: Hit
    retrieved: dict[str, float] = field(default_factory=dict)  # chunk id -> standing of its hit
    named_absatz: str | None = None
    via: Hit | None = None


def select_passages(
    index: KnowledgeIndex, question: str, hits: list[Hit], *, limit: int | None = None
) -> list[Passage]:
    """The passages to answer `question` from, best first (at most `limit`, default `MAX_PASSAGES`)."""
    terms = QuestionTerms.of(index, question)
    if not hits or terms.empty:
        return []
    top = hits[0].score or 1.0
    old_state = asks_about_old_state(question)
    candidates: dict[tuple[str, str], _Candidate] = {}
    prose: list[tuple[Hit, float]] = []
    for hit in hits[:CONSIDERED_HITS]:
        standing = hit.score / top
        if _is_legal(hit):
            _add(candidates, index, hit, standing, old_state)
        else:
            prose.append((hit, standing))

    asked = asked_in_index(index, question)
    prose_passages: list[Passage] = []
    for hit, standing in prose:
        passage = _prose_passage(index, terms, asked, hit, standing)
        if passage is None:
            continue
        prose_passages.append(passage)
        for reference in _named_laws(passage):
            _add_reference(candidates, index, reference, passage, old_state)

    legal: list[Passage] = []
    best = max((p.relevance for p in prose_passages), default=0.0)
    for candidate in sorted(candidates.values(), key=lambda c: c.standing, reverse=True):
        # Relevance is at most standing × 1.5 (coverage ≤ 1): a § that cannot come near the best so
        # far is not read at all, unless a summary named it (it may take the summary's place).
        if candidate.via is None and _relevance(candidate.standing, 1.0) < _FURTHER_PASSAGE * best:
            continue
        passage = _legal_passage(index, terms, candidate)
        if passage is not None:
            legal.append(passage)
            best = max(best, passage.relevance)
    legal = _law_before_summary(legal, prose_passages)
    ranked = sorted([*legal, *prose_passages], key=lambda p: (p.relevance, p.is_legal), reverse=True)
    return _choose(terms, ranked, limit or MAX_PASSAGES)


def _law_before_summary(legal: list[Passage], summaries: list[Passage]) -> list[Passage]:
    """The best § a summary names takes the summary's place in the ranking (the law is the source)."""
    by_summary: dict[str, Passage] = {}
    for passage in legal:
        if passage.via is None:
            continue
        current = by_summary.get(passage.via.chunk.id)
        if current is None or passage.coverage > current.coverage:
            by_summary[passage.via.chunk.id] = passage
    promoted = {id(p): s for s in summaries if (p := by_summary.get(s.hit.chunk.id)) is not None}
    return [
        replace(p, relevance=max(p.relevance, promoted[id(p)].relevance)) if id(p) in promoted else p
        for p in legal
    ]


def law_passage(
    index: KnowledgeIndex, terms: QuestionTerms, law: str, paragraph: str, *, absatz: str | None = None
) -> Passage | None:
    """ "§ n" of the current version of `law` as a passage (`absatz`: the Absatz to prefer)."""
    found = index.paragraph_chunks(law, paragraph)
    if found is None:
        return None
    document, chunks = found
    hit = Hit(rank=0, score=1.0, chunk=chunks[0], document=document)
    return _legal_passage(index, terms, _Candidate((law, paragraph), 1.0, hit, {}, absatz))


def _relevance(standing: float, coverage: float) -> float:
    """The search's judgement of the passage, sharpened by how much of the question it holds."""
    return standing**_STANDING_POWER * (_COVERAGE_FLOOR + coverage)


def asks_about_old_state(question: str) -> bool:
    """ "Wie hoch war der Kostenbeitrag früher?", "… vor der Reform", "… im Jahr 2020"."""
    return bool(_OLD_STATE.search(question) or _YEAR.search(question))


def _is_legal(hit: Hit) -> bool:
    return hit.document.type in LEGAL_TYPES and hit.chunk.paragraph is not None


def _version_key(document: Document, paragraph: str) -> tuple[str, str]:
    return (document.law or document.id, paragraph)


def _add(
    candidates: dict[tuple[str, str], _Candidate],
    index: KnowledgeIndex,
    hit: Hit,
    standing: float,
    old_state: bool,
) -> None:
    paragraph = hit.chunk.paragraph or ""
    key = _version_key(hit.document, paragraph)
    candidate = candidates.get(key)
    if candidate is None:
        candidate = candidates[key] = _Candidate(key, standing, _in_version(index, hit, old_state))
    candidate.standing = max(candidate.standing, standing)
    candidate.retrieved[hit.chunk.id] = max(candidate.retrieved.get(hit.chunk.id, 0.0), standing)


def _in_version(index: KnowledgeIndex, hit: Hit, old_state: bool) -> Hit:
    """The hit moved to the version of its law the question is about: current unless the old state
    was asked for (a superseded version holds the old state)."""
    law, paragraph = hit.document.law, hit.chunk.paragraph
    if not law or not paragraph:
        return hit
    wanted_current = not old_state
    if (hit.document.superseded_by is None) == wanted_current:
        return hit
    found = index.paragraph_chunks(law, paragraph, current=wanted_current)
    if found is None:
        return hit
    document, chunks = found
    return replace(hit, chunk=chunks[0], document=document)


def _add_reference(
    candidates: dict[tuple[str, str], _Candidate],
    index: KnowledgeIndex,
    reference: LawReference,
    summary: Passage,
    old_state: bool,
) -> None:
    key = (reference.law, reference.paragraph)
    standing = summary.standing * _VIA_SUMMARY
    candidate = candidates.get(key)
    if candidate is not None:
        candidate.standing = max(candidate.standing, standing)
        candidate.named_absatz = candidate.named_absatz or reference.absatz
        candidate.via = candidate.via or summary.hit
        return
    found = index.paragraph_chunks(reference.law, reference.paragraph, current=not old_state)
    found = found or index.paragraph_chunks(reference.law, reference.paragraph, current=old_state)
    if found is None:
        return
    document, chunks = found
    hit = Hit(rank=summary.hit.rank, score=summary.hit.score, chunk=chunks[0], document=document)
    candidates[key] = _Candidate(key, standing, hit, {}, reference.absatz, summary.hit)


def _named_laws(passage: Passage) -> list[LawReference]:
    """The §§ of indexed laws a summary's shown sentences name (or, failing that, its heading)."""
    document, chunk = passage.hit.document, passage.hit.chunk
    fallback = default_law(chunk.section or "", document.title)
    named = law_references(" ".join(passage.sentences), fallback)
    return named or law_references(chunk.section or "", fallback) or law_references(document.title, fallback)


def _legal_passage(index: KnowledgeIndex, terms: QuestionTerms, candidate: _Candidate) -> Passage | None:
    hit = candidate.hit
    chunks = index.document_paragraph(hit.document.id, hit.chunk.paragraph or "")
    absaetze = absaetze_of(chunks or [hit.chunk])
    if not absaetze:
        return None
    heading = text_tokens(index, f"{hit.chunk.section or ''} {hit.document.law or ''}")
    # The search read every chunk of the §: the answering Absatz stands in a chunk it found (or the
    # one a summary named). Only those are weighed word by word; the rest can still qualify them.
    weighed = [
        not candidate.retrieved
        or a.chunk_id in candidate.retrieved
        or (candidate.named_absatz is not None and a.number == candidate.named_absatz)
        for a in absaetze
    ]
    scores = []
    for position, (absatz, weigh) in enumerate(zip(absaetze, weighed, strict=True)):
        if not weigh:
            scores.append(-1.0)
            continue
        score = terms.coverage(text_tokens(index, absatz.text), heading)
        score += _RETRIEVED_BONUS * candidate.retrieved.get(absatz.chunk_id, 0.0)
        if candidate.named_absatz and absatz.number == candidate.named_absatz:
            score += _RETRIEVED_BONUS
        scores.append(score - 0.001 * position)  # on a tie, the earlier Absatz states the rule
    best = max(range(len(absaetze)), key=lambda i: scores[i])
    shown = {best}
    for i, absatz in enumerate(absaetze):
        if len(shown) >= MAX_ABSAETZE:
            break
        if i != best and qualifies(absatz, absaetze[best]):
            shown.add(i)
    for i in sorted(range(len(absaetze)), key=lambda i: scores[i], reverse=True):
        if len(shown) >= MAX_ABSAETZE:
            break
        ratio = _REFERRING_ABSATZ if refers_to(absaetze[i], absaetze[best]) else _SIBLING_ABSATZ
        if i not in shown and scores[i] >= ratio * scores[best] > 0:
            shown.add(i)
    ordered = sorted(shown)
    shown_tokens = frozenset().union(*(text_tokens(index, absaetze[i].text) for i in ordered))
    coverage = terms.coverage(shown_tokens, heading)
    first_chunk = next((c for c in chunks if c.id == absaetze[ordered[0]].chunk_id), hit.chunk)
    return Passage(
        hit=replace(hit, chunk=first_chunk),
        relevance=_relevance(candidate.standing, coverage),
        standing=candidate.standing,
        coverage=coverage,
        absaetze=tuple(absaetze[i] for i in ordered),
        tokens=shown_tokens | heading,
        via=candidate.via,
    )


def _prose_passage(
    index: KnowledgeIndex, terms: QuestionTerms, asked: AskedEntities, hit: Hit, standing: float
) -> Passage | None:
    """The best one or two sentences of a prose chunk that can stand alone, in text order."""
    context = text_tokens(index, f"{hit.document.title} {hit.chunk.section or ''}")
    screened, skipped = without_instructions(hit.chunk.text)
    sentences = split_sentences(screened)
    units: list[tuple[int, tuple[str, ...], frozenset[str], float]] = []
    # What the document itself holds (the place in its region or title) no sentence needs to repeat.
    document_context = f"{hit.document.title} {hit.document.region or ''}"
    wanted = missing_kinds(asked, document_context)
    for i, sentence in enumerate(sentences):
        if not is_statement(sentence):
            continue
        unit = (sentence,)
        if opens_with_pronoun(sentence):
            if i == 0 or not is_statement(sentences[i - 1]) or opens_with_pronoun(sentences[i - 1]):
                continue  # what "Dieses" points at is not in this passage
            unit = (sentences[i - 1], sentence)
        tokens = text_tokens(index, " ".join(unit))
        # A sentence that holds what was asked for (the number, the date, the place) answers better.
        holds = len(wanted) - len(missing_kinds(asked, " ".join((document_context, *unit)))) if wanted else 0
        units.append((i, unit, tokens, terms.coverage(tokens, context) + _HOLDS_ENTITY * holds))
    if not units:
        return None
    units.sort(key=lambda u: u[3], reverse=True)
    chosen = [units[0]]
    covered = set(units[0][2])
    for unit in units[1:]:
        if len(chosen) >= MAX_SENTENCES:
            break
        gain = terms.coverage(covered | unit[2]) - terms.coverage(covered)
        if unit[3] >= 0.6 * chosen[0][3] and gain > 0.05:
            chosen.append(unit)
            covered |= unit[2]
    chosen.sort(key=lambda u: u[0])
    # A pronoun sentence stays with the sentence it points back at, in one statement.
    items: list[list[str]] = []
    for _, unit, _, _ in chosen:
        if items and unit[0] == items[-1][-1]:
            items[-1].extend(unit[1:])
        elif not items or unit[-1] not in items[-1]:
            items.append(list(unit))
    shown = tuple(" ".join(item) for item in items)
    coverage = terms.coverage(frozenset(covered), context)
    return Passage(
        hit,
        _relevance(standing, coverage),
        standing,
        coverage,
        sentences=shown,
        tokens=frozenset(covered) | context,
        skipped=skipped,
    )


def _choose(terms: QuestionTerms, ranked: list[Passage], limit: int) -> list[Passage]:
    if not ranked:
        return []
    best = ranked[0].relevance
    chosen = [p for p in ranked if p.relevance >= _FURTHER_PASSAGE * best][:limit]
    laws = [p for p in chosen if p.is_legal]
    kept: list[Passage] = []
    for passage in chosen:
        named_by_it = [p for p in laws if p.via is not None and p.via.chunk.id == passage.hit.chunk.id]
        if not passage.is_legal and named_by_it:
            law_tokens = frozenset().union(*(p.tokens for p in named_by_it))
            if terms.coverage(law_tokens | passage.tokens) - terms.coverage(law_tokens) < _ADDS_SOMETHING:
                continue  # the law says it; the summary adds nothing
        kept.append(passage)
    return [p for p in map(_screened, kept) if p.absaetze or p.sentences]


def _screened(passage: Passage) -> Passage:
    """The shown Absätze without any line that addresses an AI (documents are data, policy rule 6).
    Only what is shown is screened: the pattern is costly on long legal lines."""
    if not passage.is_legal:
        return passage
    absaetze, skipped = [], 0
    for absatz in passage.absaetze:
        text, dropped = without_instructions(absatz.text)
        skipped += dropped
        if text.strip():
            absaetze.append(replace(absatz, text=text) if dropped else absatz)
    return replace(passage, absaetze=tuple(absaetze), skipped=skipped) if skipped else passage
