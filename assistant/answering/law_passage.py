"""A § as a passage: the Absatz that answers best, whole, with the Absätze of the same § that qualify
or extend it (1a after 1, "Abweichend von Absatz 1 …"), in the law's own order.

Beside it:
- the Absatz that holds what the question asks for (an age, an amount, a date or span), when the
  shown ones do not ("bis wann" answered by "innerhalb von zwei Wochen" in the next Absatz), even
  beyond `MAX_ABSAETZE`;
- the Absatz that holds the question terms the shown ones lack, whether the search found it or not;
- for "Was versteht man unter …", the Absatz that defines the term is the best one (`definitions`);
- while room is left, an Absatz that answers nearly as well or names the best one, then the Absätze
  the best one applies ("Beschäftigungsverbot nach Absatz 3", "von einem nach Absatz 1 maßgebenden
  Geburtsdatum"): without them its rule is incomplete.

An Absatz's words are read with its participles as infinitives ("nachgeholt": "nachholen",
`verb_forms`): the question asks "nachholen möglich?", the law says "… nachgeholt wird". Measured on
dev against the index's tokens alone: key fact gold 0.832 -> 0.851, gold citation 0.888 -> 0.894,
citation precision 0.629 -> 0.633, abstention unchanged.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace

from assistant.answering.definitions import defines
from assistant.answering.entities import DISPLAY_KINDS, AskedEntities, missing_kinds
from assistant.answering.legal_text import Absatz, absaetze_of, qualifies, referenced_absaetze, refers_to
from assistant.answering.passage import Passage, relevance
from assistant.answering.screening import without_instructions
from assistant.answering.terms import QuestionTerms, text_tokens
from assistant.answering.verb_forms import verb_tokens
from knowledge.index import KnowledgeIndex
from knowledge.models import Hit

MAX_ABSAETZE = 3  # the best Absatz and up to two that qualify it (the one holding what was asked may add one)
# Another Absatz of the same § that does not qualify the best one is shown when it answers nearly as
# well (tuned on dev with `python -m evals.calibrate_answers --absaetze`: key fact against length).
_SIBLING_ABSATZ = 0.85
_REFERRING_ABSATZ = 0.3  # one that names the best Absatz ("im Sinne des Absatzes 1") needs less
_RETRIEVED_BONUS = 0.15  # an Absatz whose chunk the search itself found
# A § whose heading names what the question is about is the rule about it ("§ 9 Berufsschule" for
# "Berufsschule beginnt 8 Uhr – darf er vorher arbeiten?"): its relevance rises by this share of the
# question's weight its heading (without the law's name) holds. Measured on dev against none:
# citation precision 0.618 -> 0.629, key fact and gold citation unchanged (0.2 and 0.3: precision
# 0.626; 0.5: key fact 0.832 -> 0.822); nested 5-fold CV over corpus and knowledge dev with the
# completing Absatz chose 0.25 in 4 of 5 folds. It sharpens the choice: a further passage must come
# nearer to a best one whose heading names the question.
_HEADING_WEIGHT = 0.25
_DEFINING_BONUS = 1.0  # above any coverage: the Absatz defining the term asked about answers best
# The Absatz that holds what was asked for must still speak about the question: a span of weeks in
# an unrelated Absatz would make the passage look as if it answered "Wann findet … statt?".
_HOLDING_ABSATZ = 0.3
# An age is no such accident (laws name ages where they set them, and an age is no evidence for
# answering at all, `entities.EVIDENCE_KINDS`): an Absatz that adds only the asked age needs less.
# Fitted on dev: from 0.2 down to 0 the age of § 5 Abs. 3 JArbSchG ("Kinder über 13 Jahre") joins
# Abs. 4 for "Darf ein 14-Jähriger in den Ferien arbeiten?", all else the same; the middle of that.
_HOLDING_AGE = 0.1
# An Absatz that holds question terms the shown ones lack completes the rule, as a § ranked lower
# completes the passages (`passages._COMPLETING_GAIN`): for "Nachuntersuchung Azubi nach einem Jahr
# fehlt Beschäftigungsverbot" § 33 JArbSchG showed Abs. 2 and 3 (the Verbot), while the duty "ein Jahr
# nach Aufnahme der ersten Beschäftigung" stands in Abs. 1. Fitted on dev against none: key fact
# gold 0.822 -> 0.832, gold citation 0.875 -> 0.881, citation precision 0.612 -> 0.616, abstention
# unchanged; any gain from 0.07 to 0.12 the same.
_COMPLETING_ABSATZ = 0.1


@dataclass
class LawCandidate:
    """A § the answer may quote: the hit that brought it (in the version wanted) and what the search
    and any summary said about it."""

    key: tuple[str, str]  # (law, "§ n")
    standing: float
    hit: Hit
    retrieved: dict[str, float] = field(default_factory=dict)  # chunk id -> standing of its hit
    named_absatz: str | None = None
    via: Hit | None = None


def legal_passage(
    index: KnowledgeIndex, terms: QuestionTerms, candidate: LawCandidate, asked: AskedEntities | None = None
) -> Passage | None:
    """The § of `candidate` with the Absätze to show; None when it has no text. `asked`: what the
    question asks for (an age, an amount, a date)."""
    hit = candidate.hit
    chunks = index.document_paragraph(hit.document.id, hit.chunk.paragraph or "")
    absaetze = absaetze_of(chunks or [hit.chunk])
    if not absaetze:
        return None
    heading = text_tokens(index, f"{hit.chunk.section or ''} {hit.document.law or ''}")
    title = text_tokens(index, (hit.chunk.section or "").removeprefix(hit.chunk.paragraph or ""))
    # The search read every chunk of the §: the answering Absatz stands in a chunk it found (or the
    # one a summary named); an Absatz longer than a chunk stands in each of its chunks. Only those
    # are weighed word by word; the rest can still qualify them.
    weighed = [
        not candidate.retrieved
        or any(c in candidate.retrieved for c in a.chunks)
        or (candidate.named_absatz is not None and a.number == candidate.named_absatz)
        for a in absaetze
    ]
    scores = []
    for position, (absatz, weigh) in enumerate(zip(absaetze, weighed, strict=True)):
        if not weigh:
            scores.append(-1.0)
            continue
        score = terms.coverage(verb_tokens(index, absatz.text), heading)
        score += _RETRIEVED_BONUS * max(candidate.retrieved.get(c, 0.0) for c in absatz.chunks)
        if candidate.named_absatz and absatz.number == candidate.named_absatz:
            score += _RETRIEVED_BONUS
        scores.append(score - 0.001 * position)  # on a tie, the earlier Absatz states the rule
    if asked is not None and asked.defined:
        # The Absatz that defines the term asked about is the answer, whatever else it shares.
        for i, absatz in enumerate(absaetze):
            if defines(index, asked.defined, absatz.text):
                scores[i] = max(scores[i], 0.0) + _DEFINING_BONUS
    best = max(range(len(absaetze)), key=lambda i: scores[i])
    shown = {best}
    for i, absatz in enumerate(absaetze):
        if len(shown) >= MAX_ABSAETZE:
            break
        if i != best and qualifies(absatz, absaetze[best]):
            shown.add(i)
    # The Absatz holding what was asked for is the answer itself: it is shown even beyond the limit.
    if asked is not None:
        shown |= _holding_asked(
            index, terms, asked, absaetze, shown=shown, heading=heading, best=max(scores[best], 0.0)
        )
    for i in sorted(range(len(absaetze)), key=lambda i: scores[i], reverse=True):
        if len(shown) >= MAX_ABSAETZE:
            break
        ratio = _REFERRING_ABSATZ if refers_to(absaetze[i], absaetze[best]) else _SIBLING_ABSATZ
        if i not in shown and scores[i] >= ratio * scores[best] > 0:
            shown.add(i)
    applied = referenced_absaetze(absaetze[best].text) - {absaetze[best].number}
    for i, absatz in enumerate(absaetze):
        if len(shown) >= MAX_ABSAETZE:
            break
        if absatz.number in applied:
            shown.add(i)
    shown |= _completing(index, terms, absaetze, shown=shown, heading=heading)
    ordered = sorted(shown)
    shown_tokens = frozenset().union(*(verb_tokens(index, absaetze[i].text) for i in ordered))
    coverage = terms.coverage(shown_tokens, heading)
    first_chunk = next((c for c in chunks if c.id == absaetze[ordered[0]].chunk_id), hit.chunk)
    return Passage(
        hit=replace(hit, chunk=first_chunk),
        relevance=relevance(candidate.standing, coverage) * (1 + _HEADING_WEIGHT * terms.coverage(title)),
        standing=candidate.standing,
        coverage=coverage,
        absaetze=tuple(absaetze[i] for i in ordered),
        tokens=shown_tokens | heading,
        via=candidate.via,
    )


def _holding_asked(
    index: KnowledgeIndex,
    terms: QuestionTerms,
    asked: AskedEntities,
    absaetze: list[Absatz],
    *,
    shown: set[int],
    heading: frozenset[str],
    best: float,
) -> set[int]:
    """The Absatz (as a set of at most one position) that best answers among those holding a kind
    of entity the question asks for and the shown Absätze lack, if it covers at least its floor
    (`_HOLDING_ABSATZ`, for an age alone `_HOLDING_AGE`) of the `best` Absatz's score."""
    lacking = missing_kinds(asked, "\n".join(absaetze[i].text for i in shown), DISPLAY_KINDS)
    if not lacking:
        return set()
    holding = [
        i
        for i, absatz in enumerate(absaetze)
        if i not in shown and len(missing_kinds(asked, absatz.text, tuple(lacking))) < len(lacking)
    ]
    coverage = {i: terms.coverage(verb_tokens(index, absaetze[i].text), heading) for i in holding}
    chosen = max(holding, key=coverage.__getitem__, default=None)
    if chosen is None:
        return set()
    supplied = set(lacking) - set(missing_kinds(asked, absaetze[chosen].text, tuple(lacking)))
    floor = _HOLDING_AGE if supplied == {"age"} else _HOLDING_ABSATZ
    return {chosen} if coverage[chosen] >= floor * best else set()


def _completing(
    index: KnowledgeIndex,
    terms: QuestionTerms,
    absaetze: list[Absatz],
    *,
    shown: set[int],
    heading: frozenset[str],
) -> set[int]:
    """The Absatz (as a set of at most one position) that adds the most question terms to the shown
    ones, if it adds at least `_COMPLETING_ABSATZ` of the question's weight; whether the search
    found its chunk or not."""
    tokens = frozenset().union(*(verb_tokens(index, absaetze[i].text) for i in shown))
    covered = terms.coverage(tokens, heading)
    gains = {
        i: terms.coverage(tokens | verb_tokens(index, a.text), heading) - covered
        for i, a in enumerate(absaetze)
        if i not in shown
    }
    chosen = max(gains, key=gains.__getitem__, default=None)
    return {chosen} if chosen is not None and gains[chosen] >= _COMPLETING_ABSATZ else set()


def screened(passage: Passage) -> Passage:
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
