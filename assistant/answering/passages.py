"""The passages an answer stands on, chosen from the retrieved hits; shared by built-in and LLM answers.

- A legal hit becomes its § in the right version (the current one unless the question asks about the
  old state), shown as whole Absätze: the Absatz that answers best, and the Absätze of the same §
  that qualify or extend it (1a after 1, "Abweichend von Absatz 1 …"), in the law's own order.
- A summary, workshop paper or press release that names "§ X <law>" of an indexed law brings that §
  of the law itself; the summary stays only where it adds something the law passages do not say.
- Prose keeps sentence extracts: whole sentences that can stand alone, a pronoun opening ("Dieses
  kann …") together with the sentence before it.
- Shown are the passages nearly as relevant as the best, and a § ranked lower that holds question
  terms the chosen ones lack (it completes the rule); a passage that only repeats the question terms
  of those chosen takes whatever room is left after them.
- A passage of another place's document (the Satzung of another Kreis than the question names) comes
  last and is not shown beside the named place's; for "Was versteht man unter …" the passage that
  defines the term comes first.

>>> passages = select_passages(index, "Brauchen Pflegeeltern eine Erlaubnis?", hits)  # doctest: +SKIP
>>> passages[0].label, passages[0].numbers  # doctest: +SKIP
('§ 44 SGB VIII', ('1',))
"""

from __future__ import annotations

import re
from dataclasses import replace

from assistant.answering.definitions import defines
from assistant.answering.entities import AskedEntities, asked_in_index, of_other_place
from assistant.answering.law_passage import LawCandidate, legal_passage, screened
from assistant.answering.law_references import LawReference, default_law, law_references, referred_paragraphs
from assistant.answering.legal_text import absaetze_of
from assistant.answering.passage import Passage, relevance
from assistant.answering.prose_passage import prose_passage
from assistant.answering.terms import QuestionTerms, text_tokens
from knowledge.index import KnowledgeIndex
from knowledge.models import Document, DocumentType, Hit

__all__ = ["Passage", "asks_about_old_state", "law_passage", "ranked_passages", "select_passages"]

LEGAL_TYPES = frozenset({DocumentType.LAW, DocumentType.BYLAW})
CONSIDERED_HITS = 6
# Tuned on the dev split (`python -m evals.calibrate_answers --passages`, see `passage`): at most
# three passages; a further one is shown when its relevance reaches 85 % of the best, or 60 % when the
# best passage is a § that holds less than half of the question: then the rest of the rule may well
# stand in a § the search ranked lower (how far back is paid: § 44 SGB X beside § 93 SGB VIII).
# Measured on dev against one ratio of 0.75: key fact 0.795 -> 0.849, gold citation 0.855 -> 0.887,
# citation precision 0.626 -> 0.617, answer length +3 % (coverage 0.6: key fact 0.863, precision
# 0.586). Prose is left out of the rule: a press release that covers little is no sign of a § below
# it, and more passages there only weakened abstention.
MAX_PASSAGES = 3
_FURTHER_PASSAGE = 0.85
_FURTHER_PASSAGE_UNSURE = 0.6
_SURE_COVERAGE = 0.5
# A § ranked below the cut that holds question terms the chosen passages lack completes them ("KV
# verweigert Auskunft … Arbeitgeber nachfragen?": § 94 holds the Kostenbeitrag, § 97a the Auskunft
# of the Arbeitgeber). Fitted on dev (gold citation against citation precision): the § must reach
# half the best relevance and add 0.15 of the question's weight; measured on dev against none:
# key fact 0.836 -> 0.863, gold citation 0.879 -> 0.903, citation precision 0.615 -> 0.582
# (floor 0.4 or gain 0.1: the same key fact, lower precision; floor 0.6: no gain).
_COMPLETING_FLOOR = 0.5
_COMPLETING_GAIN = 0.15
_READ_FLOOR = min(_FURTHER_PASSAGE_UNSURE, _COMPLETING_FLOOR)  # below it a § can be chosen by no rule
_VIA_SUMMARY = 0.9  # a § reached through a summary stands a little below the summary's own rank
# A § that a referral applies stands on its own rank: only the best of them takes the referring §'s
# place ("gelten die §§ 45 bis 48 entsprechend" names four, one answers).
_VIA_REFERRAL = 0.5
_ADDS_SOMETHING = 0.15  # coverage a summary must add to the law passages to stay as context
_OLD_STATE = re.compile(
    r"\b(früher\w*|bisherige[nrs]?|bisher|alte[nrs]?\s+(fassung|recht|rechtslage|regelung)|a\.\s?f\.|"
    r"vor (der|dem) (reform|änderung|kjsg|inkrafttreten)|damals|galt|galten|war|waren)\b",
    re.IGNORECASE,
)
_YEAR = re.compile(r"\b(19\d\d|20\d\d)\b")


def select_passages(
    index: KnowledgeIndex, question: str, hits: list[Hit], *, limit: int | None = None
) -> list[Passage]:
    """The passages to answer `question` from, best first (at most `limit`, default `MAX_PASSAGES`)."""
    terms = QuestionTerms.of(index, question)
    if not hits or terms.empty:
        return []
    ranked = ranked_passages(index, question, hits)
    asked = asked_in_index(index, question)
    if ranked and not _of_other_place(asked, ranked[0]):
        ranked = [p for p in ranked if not _of_other_place(asked, p)]
    return _choose(terms, ranked, limit or MAX_PASSAGES)


def ranked_passages(index: KnowledgeIndex, question: str, hits: list[Hit]) -> list[Passage]:
    """Every passage the hits bring, by relevance, before the choice of those to show; a model may
    read the next ones too."""
    terms = QuestionTerms.of(index, question)
    if not hits or terms.empty:
        return []
    top = hits[0].score or 1.0
    old_state = asks_about_old_state(question)
    candidates: dict[tuple[str, str], LawCandidate] = {}
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
        passage = prose_passage(index, terms, asked, hit, standing)
        if passage is None:
            continue
        prose_passages.append(passage)
        for reference in _named_laws(passage):
            _add_reference(candidates, index, reference, passage, old_state)

    best = max((p.relevance for p in prose_passages), default=0.0)
    read = _read_laws(index, terms, asked, candidates, best)
    # A § that states its rule by reference ("… gelten die §§ 45 bis 48 entsprechend") brings the §§
    # it applies, as a summary does: the rule itself stands there.
    referred: set[tuple[str, str]] = set()
    referrers = [p for p in read.values() if p.via is None and _add_referrals(candidates, index, p, referred)]
    if referrers:
        best = max([best, *(p.relevance for p in read.values())])
        read.update(_read_laws(index, terms, asked, candidates, best, only=referred))
    legal = _law_before_summary(list(read.values()), [*prose_passages, *referrers])
    # A passage of another place's document (the Satzung of another Kreis) comes after those of the
    # place the question names, however many words it shares: it answers another question. For "Was
    # versteht man unter …" the passage that defines the term comes first (`definitions`).
    return sorted(
        [*legal, *prose_passages],
        key=lambda p: (
            not _of_other_place(asked, p),
            asked.defined is not None and defines(index, asked.defined, p.text),
            p.relevance,
            p.is_legal,
        ),
        reverse=True,
    )


def _read_laws(
    index: KnowledgeIndex,
    terms: QuestionTerms,
    asked: AskedEntities,
    candidates: dict[tuple[str, str], LawCandidate],
    best: float,
    *,
    only: set[tuple[str, str]] | None = None,
) -> dict[tuple[str, str], Passage]:
    """The candidate §§ (`only`: these keys) as passages, best standing first."""
    read: dict[tuple[str, str], Passage] = {}
    for candidate in sorted(candidates.values(), key=lambda c: c.standing, reverse=True):
        if only is not None and candidate.key not in only:
            continue
        # Relevance is at most standing × 2 (coverage ≤ 1): a § that cannot come near the best so
        # far is not read at all, unless a summary named it (it may take the summary's place).
        if candidate.via is None and relevance(candidate.standing, 1.0) < _READ_FLOOR * best:
            continue
        passage = legal_passage(index, terms, candidate, asked)
        if passage is not None:
            read[candidate.key] = passage
            best = max(best, passage.relevance)
    return read


def _add_referrals(
    candidates: dict[tuple[str, str], LawCandidate],
    index: KnowledgeIndex,
    passage: Passage,
    keys: set[tuple[str, str]],
) -> bool:
    """Add the §§ a shown Absatz applies by reference as candidates named by `passage` (their keys
    to `keys`)."""
    law = passage.hit.document.law
    own = passage.hit.chunk.paragraph
    referred = [
        r for a in passage.absaetze if law for r in referred_paragraphs(a.text, law) if r.paragraph != own
    ]
    old_state = passage.hit.document.superseded_by is not None
    for reference in referred:
        _add_reference(candidates, index, reference, passage, old_state, factor=_VIA_REFERRAL)
        keys.add((reference.law, reference.paragraph))
    return bool(referred)


def _law_before_summary(legal: list[Passage], summaries: list[Passage]) -> list[Passage]:
    """The best § a summary (or a referring §) names takes its place in the ranking (the law is the
    source)."""
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
    return legal_passage(index, terms, LawCandidate((law, paragraph), 1.0, hit, {}, absatz))


def asks_about_old_state(question: str) -> bool:
    """ "Wie hoch war der Kostenbeitrag früher?", "… vor der Reform", "… im Jahr 2020"."""
    return bool(_OLD_STATE.search(question) or _YEAR.search(question))


def _of_other_place(asked: AskedEntities, passage: Passage) -> bool:
    return of_other_place(asked, passage.hit.document.region, passage.hit.document.title)


def _is_legal(hit: Hit) -> bool:
    return hit.document.type in LEGAL_TYPES and hit.chunk.paragraph is not None


def _version_key(document: Document, paragraph: str) -> tuple[str, str]:
    return (document.law or document.id, paragraph)


def _add(
    candidates: dict[tuple[str, str], LawCandidate],
    index: KnowledgeIndex,
    hit: Hit,
    standing: float,
    old_state: bool,
) -> None:
    paragraph = hit.chunk.paragraph or ""
    key = _version_key(hit.document, paragraph)
    candidate = candidates.get(key)
    if candidate is None:
        candidate = candidates[key] = LawCandidate(key, standing, _in_version(index, hit, old_state))
    candidate.standing = max(candidate.standing, standing)
    for chunk_id in _found_in_version(index, hit, candidate.hit):
        candidate.retrieved[chunk_id] = max(candidate.retrieved.get(chunk_id, 0.0), standing)


def _found_in_version(index: KnowledgeIndex, hit: Hit, shown: Hit) -> tuple[str, ...]:
    """The chunks of `shown`'s version that hold what `hit` found. A hit moved to the other version
    of its law found the same Absätze there: their chunks, matched by Absatz number (an id of the
    other version would match no chunk, and then no Absatz of the shown § counted as found)."""
    if hit.document.id == shown.document.id:
        return (hit.chunk.id,)
    paragraph = hit.chunk.paragraph or ""
    found = {
        a.number
        for a in absaetze_of(index.document_paragraph(hit.document.id, paragraph))
        if hit.chunk.id in a.chunks
    }
    there = absaetze_of(index.document_paragraph(shown.document.id, paragraph))
    return tuple(dict.fromkeys(c for a in there if a.number in found for c in a.chunks))


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
    if not _same_rule(index, paragraph, hit.chunk.section, chunks[0].section):
        return hit  # the number now holds another rule: this version is the one that has it
    return replace(hit, chunk=chunks[0], document=document)


def _same_rule(index: KnowledgeIndex, paragraph: str, title: str | None, other: str | None) -> bool:
    """Whether two versions' headings of "§ n" speak of one rule: a reform renumbers paragraphs
    (the 2022 "§ 58 Gegenvormundschaft" is not the 2026 "§ 58 Auskunft … aus dem Sorgeregister",
    which was § 58a), and a heading that shares no word with the other names another rule."""
    words, other_words = (text_tokens(index, (t or "").removeprefix(paragraph)) for t in (title, other))
    return not words or not other_words or bool(words & other_words)


def _add_reference(
    candidates: dict[tuple[str, str], LawCandidate],
    index: KnowledgeIndex,
    reference: LawReference,
    summary: Passage,
    old_state: bool,
    *,
    factor: float = _VIA_SUMMARY,
) -> None:
    key = (reference.law, reference.paragraph)
    standing = summary.standing * factor
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
    candidates[key] = LawCandidate(key, standing, hit, {}, reference.absatz, summary.hit)


def _named_laws(passage: Passage) -> list[LawReference]:
    """The §§ of indexed laws a summary's shown sentences name (or, failing that, its heading)."""
    document, chunk = passage.hit.document, passage.hit.chunk
    fallback = default_law(chunk.section or "", document.title)
    named = law_references(" ".join(passage.sentences), fallback)
    return named or law_references(chunk.section or "", fallback) or law_references(document.title, fallback)


def _choose(terms: QuestionTerms, ranked: list[Passage], limit: int) -> list[Passage]:
    if not ranked:
        return []
    best = ranked[0].relevance
    unsure = ranked[0].is_legal and ranked[0].coverage < _SURE_COVERAGE
    further = _FURTHER_PASSAGE_UNSURE if unsure else _FURTHER_PASSAGE
    # A passage as relevant as the rule wants that holds no question word the chosen ones lack
    # ("Unterlagen … verlangen" in § 50 JArbSchG, § 47 and § 45 SGB VIII alike) took the last place
    # from the § that holds the rest ("Übersetzung", § 19 SGB X): such a repeating passage fills only
    # the room left at the end. Measured on dev against taking it at once: key fact gold 0.840 ->
    # 0.851, gold citation 0.884 -> 0.897, citation precision 0.604 -> 0.602, abstention unchanged.
    chosen = [ranked[0]]
    repeating: list[Passage] = []
    covered = terms.coverage(ranked[0].tokens)
    for passage in ranked[1:]:
        if len(chosen) >= limit:
            break
        if passage.relevance >= further * best:
            together = terms.coverage(frozenset().union(passage.tokens, *(p.tokens for p in chosen)))
            if together <= covered:
                # It holds only question words the chosen ones hold: it waits until every passage
                # that adds one has had its place.
                repeating.append(passage)
                continue
            chosen.append(passage)
            covered = together
            continue
        if not passage.is_legal or passage.relevance < _COMPLETING_FLOOR * best:
            continue
        # A § ranked lower that holds what the chosen ones leave out of the question completes them.
        together = terms.coverage(frozenset().union(passage.tokens, *(p.tokens for p in chosen)))
        if together - covered >= _COMPLETING_GAIN:
            chosen.append(passage)
            covered = together
    chosen += repeating[: limit - len(chosen)]
    chosen.sort(key=ranked.index)
    laws = [p for p in chosen if p.is_legal]
    kept: list[Passage] = []
    for passage in chosen:
        named_by_it = [p for p in laws if p.via is not None and p.via.chunk.id == passage.hit.chunk.id]
        if not passage.is_legal and named_by_it:
            law_tokens = frozenset().union(*(p.tokens for p in named_by_it))
            if terms.coverage(law_tokens | passage.tokens) - terms.coverage(law_tokens) < _ADDS_SOMETHING:
                continue  # the law says it; the summary adds nothing
        kept.append(passage)
    return [p for p in map(screened, kept) if p.absaetze or p.sentences]
