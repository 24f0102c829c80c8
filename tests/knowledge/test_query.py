"""Query normalisation: respelling, abbreviations, everyday words, ages; keyword-only queries."""

from __future__ import annotations

import pytest
import yaml

from knowledge.index import KnowledgeIndex
from knowledge.lexical import LexicalEntry, LexicalSnapshot
from knowledge.query import prepare
from knowledge.text.german import stems, words
from knowledge.text.spelling import TypoMemo, correct_typos, one_edit, respell, spellings
from knowledge.text.thesaurus import ABBREVIATIONS_FILE, expand

_KNOWN = {"gefährdung", "kindeswohlgefährdung", "maßnahme", "steuer", "neue", "prozess", "gaststätte"}


def test_spellings_replace_any_subset_of_digraphs() -> None:
    assert spellings("massnahme") == ["maßnahme"]
    assert set(spellings("gaststaette")) == {"gaststätte"}
    assert set(spellings("muessen")) == {"muessen".replace("ue", "ü"), "mueßen", "müßen"}


@pytest.mark.parametrize(
    ("typed", "respelled"),
    [
        ("Kindeswohlgefaehrdung melden", "Kindeswohlgefährdung melden"),
        ("Massnahme in der Gaststaette", "Maßnahme in der Gaststätte"),
        ("neue Steuer im Prozess", "neue Steuer im Prozess"),  # known as typed: left alone
        ("Quelle unbekannt", "Quelle unbekannt"),  # no known respelling: left alone
    ],
)
def test_respelling_only_where_the_umlaut_form_is_a_known_word(typed: str, respelled: str) -> None:
    assert respell(typed, _KNOWN.__contains__) == respelled


def test_one_typo_is_corrected_to_the_most_frequent_corpus_word() -> None:
    vocabulary = frozenset({"anhaltspunkte", "inobhutnahme", "jugendamt", "kindes"})
    frequency = {"anhaltspunkte": 3.0, "inobhutnahme": 9.0}.get

    def correct(text: str) -> str:
        return correct_typos(text, vocabulary.__contains__, vocabulary, lambda w: frequency(w) or 0.0)

    assert correct("gewichtige Anhaltsspunkte") == "gewichtige Anhaltspunkte"  # one letter too many
    assert correct("Inobhutname eines Kindes") == "Inobhutnahme eines Kindes"  # one missing
    assert correct("Jugnedamt") == "Jugendamt"  # two swapped
    assert correct("Kindr") == "Kindr"  # too short to guess
    assert correct("Quantenphysik") == "Quantenphysik"  # nothing one edit away: left alone
    assert "jugendamt" in one_edit("jugendmt") and "jugendmt" not in one_edit("jugendmt")


def test_a_typo_beside_an_umlaut_typed_as_digraph_is_corrected() -> None:
    vocabulary = frozenset({"kindeswohlgefährdung", "träger", "zurückzahlen"})

    def correct(text: str) -> str:
        return correct_typos(text, vocabulary.__contains__, vocabulary, lambda _w: 1.0)

    assert correct("Knideswohlgefaehrdung melden") == "Kindeswohlgefährdung melden"  # edit, then respell
    assert correct("freier Tareger") == "freier Träger"  # the typo broke the digraph "ae"
    assert correct("zurueckzahlne") == "zurückzahlen"


def test_a_typo_may_become_a_word_the_corpus_uses_in_another_form() -> None:
    vocabulary = frozenset({"versorgung"})
    german = {"versorgen", "versorgung"}

    def correct(text: str, target: bool) -> str:
        return correct_typos(
            text,
            german.__contains__,
            vocabulary,
            lambda _w: 1.0,
            known_targets=german.intersection if target else None,
        )

    assert correct("Kinder versrogen", target=False) == "Kinder versrogen"
    assert correct("Kinder versrogen", target=True) == "Kinder versorgen"


def test_the_respelling_known_as_written_wins_and_umlauts_before_eszett() -> None:
    written = {"geschäftsstelle"}
    # Both respellings stem alike, so an inflection-aware check accepts either; the one written so wins.
    assert respell("Geschaeftsstelle", written.__contains__, lambda _w: True) == "Geschäftsstelle"
    assert respell("Geschaeftsstelle", set().__contains__, lambda _w: True) == "Geschäftsstelle"


def test_stop_words_typed_without_umlauts_are_stop_words() -> None:
    assert words("fuer die Eltern ueber das Kind") == words("für die Eltern über das Kind")


def test_abbreviation_file_is_documented_and_well_formed() -> None:
    text = ABBREVIATIONS_FILE.read_text(encoding="utf-8")
    assert text.startswith("# "), "the file explains itself in a header comment"
    data = yaml.safe_load(text)
    assert set(data) == {"any_case", "exact_case"}
    for section in data.values():
        for key, terms in section.items():
            assert isinstance(key, str) and key.strip() == key
            assert terms and all(isinstance(term, str) and term for term in terms), key
    brief = {"ASD", "JGH", "SPFH", "HzE", "UMA", "UMF", "UVG", "KWG", "ISE", "ieF", "InsoFa", "EGH"}
    assert brief | {"WJH", "PKD", "BTHG"} <= set(data["any_case"])


def test_abbreviations_expand_in_any_case_and_the_exact_ones_only_as_written() -> None:
    assert "Sozialpädagogische Familienhilfe" in expand("Wann gibt es SPFH?")
    assert "Hilfe zur Erziehung" in expand("hze-antrag stellen")
    assert "Jugendamt" in expand("Muss das JA informiert werden?")
    assert expand("Ja, das geht.") == "Ja, das geht."
    assert expand("Fasd") == "Fasd"  # an abbreviation inside a word is none


def test_everyday_words_expand_inflected_and_as_compound_heads() -> None:
    assert "Netzwerke Kinderschutz" in expand(
        "Was versteht man unter Frühen Hilfen?", known=_KNOWN.__contains__
    )
    # Without `known` (the answer code's coverage measure) only whole words match, as before.
    assert expand("Was versteht man unter Frühen Hilfen?") == "Was versteht man unter Frühen Hilfen?"
    assert "Tageseinrichtung" in expand("Kitaplatz ab eins", known={"platz"}.__contains__)
    assert expand("Heimat", known={"platz"}.__contains__) == "Heimat"


@pytest.mark.parametrize(
    ("question", "terms"),
    [
        ("Darf ein 13-Jähriger ins Kino?", {"Lebensjahr", "Kind"}),
        ("Darf eine 14-jährige arbeiten?", {"Lebensjahr", "Kind", "Jugendlicher"}),
        ("ein 19-Jaehriger", {"Lebensjahr", "junger Volljähriger"}),
    ],
)
def test_ages_bring_the_legal_age_groups(question: str, terms: set[str]) -> None:
    assert all(term in expand(question, known=_KNOWN.__contains__) for term in terms)


def test_snapshot_normalises_against_its_own_vocabulary() -> None:
    snapshot = LexicalSnapshot.build(
        [LexicalEntry("c1", "Bei Kindeswohlgefährdung handelt das Jugendamt. Maßnahmen der Gefährdung.")], 1
    )
    assert snapshot.normalise("Kindeswohlgefaehrdung Massnahmen") == "Kindeswohlgefährdung Maßnahmen"
    assert snapshot.query_tokens("Kindeswohlgefaehrdung") == snapshot.query_tokens("Kindeswohlgefährdung")


def test_normalised_texts_are_kept_only_for_the_search_in_progress() -> None:
    snapshot = LexicalSnapshot.build(
        [LexicalEntry("c1", "Bei Kindeswohlgefährdung handelt das Jugendamt.")], 1
    )
    first = snapshot.normalise("Kindeswohlgefaehrdung melden")
    assert snapshot.normalise("Kindeswohlgefaehrdung melden") == first  # from the memo, the same text
    for n in range(20):
        snapshot.normalise(f"Kindeswohlgefaehrdung Nummer{n}")
    # A bounded memo of the last texts: an earlier question's result is not kept (nor is it needed).
    assert "Kindeswohlgefaehrdung melden" not in snapshot._normalised
    assert len(snapshot._normalised) <= 8
    assert snapshot.normalise("Kindeswohlgefaehrdung melden") == first


def test_snapshot_respells_to_a_german_word_the_corpus_lacks() -> None:
    snapshot = LexicalSnapshot.build([LexicalEntry("c1", "Jugendliche unter achtzehn Jahren")], 1)
    # "jährige" is in the German word list (wngerman), not in this corpus: respelled all the same.
    assert snapshot.normalise("eine 13-Jaehrige beraten") == "eine 13-Jährige beraten"


@pytest.mark.parametrize(
    ("query", "paragraph"),
    [
        ("Kindeswohlgefaehrdung Jugendamt Schutzauftrag", "§ 8a"),
        ("SPFH", "§ 31"),
        ("HzE Anspruch", "§ 27"),
        ("EGH seelische Behinderung", "§ 35a"),
        ("UMA vorlaeufige Inobhutnahme", "§ 42a"),
        ("Pflegeeltern Erlaubnis", "§ 44"),
    ],
)
def test_keyword_and_abbreviation_queries_find_the_paragraph(
    corpus_index: KnowledgeIndex, query: str, paragraph: str
) -> None:
    assert paragraph in [h.chunk.paragraph for h in corpus_index.search(query, k=5)]


def test_a_typo_ranks_like_the_word_spelled_right(corpus_index: KnowledgeIndex) -> None:
    right = corpus_index.search("gewichtige Anhaltspunkte Inobhutnahme", k=5)
    typo = corpus_index.search("gewichtige Anhaltsspunkte Inobhutname", k=5)
    assert [h.chunk.id for h in typo] == [h.chunk.id for h in right]


def test_typed_without_umlauts_ranks_like_typed_with_them(corpus_index: KnowledgeIndex) -> None:
    with_umlauts = corpus_index.search("Schutzauftrag bei Kindeswohlgefährdung Maßnahmen", k=5)
    without = corpus_index.search("Schutzauftrag bei Kindeswohlgefaehrdung Massnahmen", k=5)
    assert [h.chunk.id for h in without] == [h.chunk.id for h in with_umlauts]


def test_public_token_interface_of_the_index(corpus_index: KnowledgeIndex) -> None:
    tokens = corpus_index.query_tokens("Kindeswohlgefährdung im Jugendamt")
    assert "kindeswohlgefahrd" in tokens and "gefahrd" in tokens  # the compound and its parts
    weights = corpus_index.term_weights([*tokens, "quantenphysik"])
    assert all(corpus_index.knows(t) for t in tokens)
    assert not corpus_index.knows("quantenphysik")
    assert weights["quantenphysik"] > weights["jugendamt"] > 0


def test_expansions_reach_the_lexical_side_once_at_their_own_weight() -> None:
    snapshot = LexicalSnapshot.build(
        [
            LexicalEntry("c1", "Der Allgemeine Soziale Dienst berät."),
            LexicalEntry("c2", "Aufgaben des Amtes."),
        ],
        1,
    )
    prepared = prepare("Aufgaben ASD", snapshot, expansion_weight=0.5)
    assert prepared.lexical_text == "Aufgaben ASD"
    assert "Allgemeiner Sozialer Dienst" in prepared.text  # what the dense side embeds
    assert prepared.extra_terms and set(prepared.extra_terms.values()) == {0.5}
    assert "aufgab" not in prepared.extra_terms  # a typed word keeps its own weight of 1
    assert snapshot.search(prepared.lexical_text, 2, extra_terms=prepared.extra_terms)[0][0] == "c1"


def test_a_thesaurus_word_as_first_part_of_a_compound_brings_its_terms_at_a_lower_weight() -> None:
    snapshot = LexicalSnapshot.build(
        [
            LexicalEntry(
                "p34", "Heimerziehung in einer Einrichtung über Tag und Nacht.", "§ 34 Heimerziehung"
            ),
            LexicalEntry(
                "p46", "Die Aufsicht prüft vor Ort, ob die Voraussetzungen bestehen.", "§ 46 Prüfung"
            ),
        ],
        1,
    )
    # "Heimaufsicht" is a kind of Aufsicht: the terms of "Heim" count half, the typed "Heim" all.
    asked = prepare("Heimaufsicht unangemeldet vor Ort", snapshot)
    assert "Heimerziehung" in asked.text  # the dense side still sees them
    assert asked.extra_terms["heimerzieh"] == 0.5
    assert prepare("Heim unangemeldet vor Ort", snapshot).extra_terms["heimerzieh"] == 1.0
    # A term also brought by a whole word keeps the whole word's weight.
    both = prepare("Heimaufsicht im Heim", snapshot)
    assert both.extra_terms["heimerzieh"] == 1.0


def test_a_separable_verb_asked_as_infinitive_finds_the_participle_the_law_writes() -> None:
    snapshot = LexicalSnapshot.build(
        [
            LexicalEntry("p63", "Sie dürfen nur zusammengeführt werden, wenn ein Sachzusammenhang besteht."),
            LexicalEntry("p28", "Erziehungsberatung soll Kinder und Familien unterstützen."),
            LexicalEntry("p73", "Ehrenamtlich tätige Personen sollen angeleitet und beraten werden."),
        ],
        1,
    )
    asked = prepare("Darf die Erziehungsberatung ihre Akten zusammenführen?", snapshot)
    assert asked.extra_terms == {"zusammengefuhrt": 1.0}  # the participle's stem, as if typed
    assert snapshot.search(asked.lexical_text, 3)[0][0] == "p28"  # the infinitive alone: no match
    assert snapshot.search(asked.lexical_text, 3, extra_terms=asked.extra_terms)[0][0] == "p63"
    # Only forms the corpus writes come along: "anleiten" brings "angeleitet", no guessed "anzuleiten".
    guided = prepare("Muss das Jugendamt Ehrenamtliche anleiten?", snapshot)
    assert set(guided.extra_terms) == set(stems(["angeleitet"]))


@pytest.mark.parametrize(
    ("word", "form"),
    [
        ("zusammenführen", "zusammengeführt"),
        ("anleiten", "angeleitet"),
        ("anhören", "anzuhören"),
        ("weitergeben", "weitergegeben"),
        ("abändern", "abgeändert"),
        ("unangemeldet", "anmelden"),  # negated participle back to the infinitive
        ("anzuhören", "angehört"),  # zu-infinitive to participle, through the infinitive
    ],
)
def test_verb_forms_guess_participle_and_zu_infinitive(word: str, form: str) -> None:
    from knowledge.text.verbs import verb_forms

    assert form in verb_forms(word)


def test_verb_forms_leave_words_without_a_separable_particle_alone() -> None:
    from knowledge.text.verbs import verb_forms

    assert verb_forms("melden") == []
    assert verb_forms("jugendamt") == []


def test_a_memo_decides_each_word_once_with_the_same_result() -> None:
    vocabulary = frozenset({"anhaltspunkte", "jugendamt"})
    looked_up: list[str] = []

    def known(word: str) -> bool:
        looked_up.append(word)
        return word in vocabulary

    memo = TypoMemo(limit=2)
    text = "Anhaltsspunkte beim Jugnedamt, Quantenphysik"
    for _ in range(2):
        assert (
            correct_typos(text, known, vocabulary, lambda _w: 1.0)
            == "Anhaltspunkte beim Jugendamt, Quantenphysik"
        )
    without = len(looked_up)
    looked_up.clear()
    assert (
        correct_typos(text, known, vocabulary, lambda _w: 1.0, memo=memo)
        == "Anhaltspunkte beim Jugendamt, Quantenphysik"
    )
    assert len(memo) == 2  # the oldest of three words dropped
    assert correct_typos("jugnedamt", known, vocabulary, lambda _w: 1.0, memo=memo) == "jugendamt"
    assert len(looked_up) == without / 2  # "jugnedamt" came from the memo, case of the first letter aside
