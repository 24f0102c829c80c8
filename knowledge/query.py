"""From what a colleague typed to what the search looks for.

1. Respelling: "Kindeswohlgefaehrdung" → "Kindeswohlgefährdung" where the corpus writes it so.
2. Expansion: office abbreviations (`text/abbreviations.yaml`) and everyday words (`text/thesaurus.py`)
   bring the words of the law along ("ASD" → "Allgemeiner Sozialer Dienst"); a thesaurus word as
   a compound's first part ("Kitaplatz") brings them at a lower weight.
3. Verb forms: the participle or zu-infinitive the corpus writes for a verb asked in another form.
4. General synonyms (OpenThesaurus), when switched on: further lexical terms at a lower weight than
   the words typed, and only those the corpus uses.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from types import MappingProxyType

from knowledge.lexical import LexicalSnapshot
from knowledge.text.german import stems, words
from knowledge.text.openthesaurus import OpenThesaurus
from knowledge.text.references import References, parse_references
from knowledge.text.thesaurus import split_additions
from knowledge.text.verbs import verb_forms

_MAX_SYNONYMS = 6  # per query word, in OpenThesaurus' order
# A participle or zu-infinitive the corpus writes for a verb of the query ("zusammenführen" ->
# "zusammengeführt", `knowledge.text.verbs`) counts as the typed word: it is the same word. Measured on
# the dev split (retrieval-only): recall@1 0.737 -> 0.749, MRR 0.830 -> 0.838 on the older corpus and
# knowledge questions together; recall@5 0.714 -> 0.786, MRR 0.607 -> 0.667 on the 14 dev questions
# c282+ nobody had tuned on. Weight 0.5 gained less; no question lost a place.
VERB_FORM_WEIGHT = 1.0
# The terms a thesaurus word brings as the first part of a compound ("Kitaplatz" expands like "Kita")
# count this share of the expansion weight: the compound's head says what is asked about
# ("Heimaufsicht" is a kind of Aufsicht; "Heimerziehung" pulled § 34 over the Aufsicht of § 46,
# "Arztbesuch" the Berufsgeheimnisträger). On the dev split (retrieval-only, corpus and knowledge):
# recall@1 0.735 -> 0.746, MRR 0.825 -> 0.832, no question lost a place; 0.25 and 0 lost some.
# In 5-fold CV over 1 / 0.75 / 0.5 / 0.25 / 0 the held-out numbers were even (recall@1 0.730,
# recall@5 0.968, MRR 0.822 against 0.735 / 0.963 / 0.825), two folds chose 0.
MODIFIER_EXPANSION_SHARE = 0.5
_INFLECTIONS = ("en", "er", "es", "n", "e", "s")  # tried off the end when the word itself is no entry


@dataclass(frozen=True)
class PreparedQuery:
    text: str  # respelled and expanded: what the dense side embeds
    lexical_text: str  # respelled: what the lexical side analyses at full weight
    references: References
    extra_terms: Mapping[str, float] = field(default_factory=lambda: MappingProxyType({}))


def prepare(
    query: str,
    lexical: LexicalSnapshot,
    thesaurus: OpenThesaurus | None = None,
    synonym_weight: float = 0.0,
    expansion_weight: float = 1.0,
) -> PreparedQuery:
    """Respell, expand; the expansions' lexical tokens count `expansion_weight` each (those of a
    compound's first part `MODIFIER_EXPANSION_SHARE` of it), general synonyms `synonym_weight` (a
    word typed counts 1)."""
    respelled = lexical.normalise(query)
    whole, by_modifier = split_additions(
        respelled, lexical.knows_word_or_german if lexical.vocabulary else None
    )
    added = [*whole, *by_modifier]
    text = f"{respelled} ({' '.join(added)})" if added else respelled
    own = set(lexical.query_tokens(respelled))
    extra: dict[str, float] = {}
    if thesaurus is not None and synonym_weight > 0:
        extra.update(general_synonyms(text, lexical, thesaurus, synonym_weight))
    modifier_weight = expansion_weight * MODIFIER_EXPANSION_SHARE
    for terms, weight in ((whole, expansion_weight), (by_modifier, modifier_weight)):
        for token in lexical.query_tokens(" ".join(terms)):
            if token not in own:
                extra[token] = max(extra.get(token, 0.0), weight)
    for token in _written_verb_forms(respelled, lexical):
        if token not in own:
            extra[token] = max(extra.get(token, 0.0), VERB_FORM_WEIGHT)
    return PreparedQuery(text, respelled, parse_references(respelled), MappingProxyType(extra))


def _written_verb_forms(text: str, lexical: LexicalSnapshot) -> list[str]:
    """Stems of the participles and zu-infinitives the corpus writes for the query's verbs."""
    if not lexical.vocabulary:
        return []
    forms = [form for word in words(text) for form in verb_forms(word) if form in lexical.vocabulary]
    return stems(forms) if forms else []


def general_synonyms(
    text: str, lexical: LexicalSnapshot, thesaurus: OpenThesaurus, weight: float
) -> Mapping[str, float]:
    """Stems of the synonyms of the words in `text` that the corpus knows, each at `weight`."""
    own = set(lexical.query_tokens(text))
    extra: dict[str, float] = {}
    for word in dict.fromkeys(words(text)):
        entry = _entry_of(word, thesaurus)
        if entry is None:
            continue
        synonyms = [s for s in thesaurus.synonyms(entry) if lexical.knows_word(s)][:_MAX_SYNONYMS]
        # The synonym's own stem only: its compound parts would add senses of their own
        # ("Berichterstattung" is no "Erstattung").
        for token in stems(synonyms):
            if token not in own and lexical.knows(token):
                extra[token] = weight
    return MappingProxyType(extra)


def _entry_of(word: str, thesaurus: OpenThesaurus) -> str | None:
    """The thesaurus entry of an inflected word ("kinder" → "kind"), if there is one."""
    if len(word) < 4:
        return None
    if word in thesaurus:
        return word
    for ending in _INFLECTIONS:
        base = word[: -len(ending)]
        if word.endswith(ending) and len(base) >= 4 and base in thesaurus:
            return base
    return None
