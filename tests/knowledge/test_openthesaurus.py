"""OpenThesaurus from Debian's mythes-de (installed by `make`), read where the package puts it."""

from __future__ import annotations

from pathlib import Path

import pytest

from knowledge.index import KnowledgeIndex
from knowledge.lexical import LexicalEntry, LexicalSnapshot
from knowledge.query import general_synonyms, prepare
from knowledge.text.openthesaurus import DEFAULT_PATH, OpenThesaurus


@pytest.fixture(scope="module")
def thesaurus() -> OpenThesaurus:
    opened = OpenThesaurus.open(DEFAULT_PATH)
    assert opened is not None, f"{DEFAULT_PATH} fehlt: Debian-Paket mythes-de (make system-deps)"
    return opened


def test_synonyms_are_plain_words_without_marked_senses(thesaurus: OpenThesaurus) -> None:
    synonyms = thesaurus.synonyms("meldung")
    assert "mitteilung" in synonyms
    assert "meldung" not in synonyms
    assert all(" " not in s and s == s.lower() for s in synonyms)
    # "Penne (ugs.)" and "Anstalt (Oberbegriff)" are senses of Schule that the search must not use
    school = thesaurus.synonyms("schule")
    assert "penne" not in school and "anstalt" not in school
    assert thesaurus.synonyms("gibtesnichtalswort") == []


def test_missing_thesaurus_switches_the_feature_off(tmp_path: Path) -> None:
    assert OpenThesaurus.open(tmp_path / "th_de_DE_v2.dat") is None


def test_only_synonyms_the_corpus_uses_are_added_below_the_typed_words(thesaurus: OpenThesaurus) -> None:
    snapshot = LexicalSnapshot.build(
        [LexicalEntry("c1", "Die Mitteilung an das Jugendamt erfolgt schriftlich.")], 1
    )
    extra = general_synonyms("Meldung ans Jugendamt", snapshot, thesaurus, 0.3)
    assert extra == {"mitteil": 0.3}  # "Nachricht", "Bericht" … are not in this corpus
    ranked = snapshot.search("Meldung", k=1, extra_terms=extra)
    assert ranked and ranked[0][0] == "c1"
    assert snapshot.search("Meldung", k=1) == []


def test_the_setting_switches_general_synonyms_on(corpus_index: KnowledgeIndex) -> None:
    snapshot = corpus_index.stores.lexical.current()
    off = prepare("Meldung an die Schule", snapshot)
    assert off.extra_terms == {}
    corpus_index.settings = corpus_index.settings.replaced(search_general_synonyms=True)
    on = corpus_index._searcher._thesaurus()
    assert on is not None
    assert prepare("Meldung an die Schule", snapshot, on, 0.3).extra_terms
    assert corpus_index.search("Meldung an die Schule", k=3)
