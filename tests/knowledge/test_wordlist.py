"""The German word list (Debian wngerman, installed by `make`) guards typo correction."""

from __future__ import annotations

from pathlib import Path

from knowledge.index import KnowledgeIndex
from knowledge.lexical import LexicalEntry, LexicalSnapshot
from knowledge.text.wordlist import DEFAULT_PATH, GermanWordlist


def test_the_word_list_knows_german_words_in_any_case() -> None:
    words = GermanWordlist.load(DEFAULT_PATH)
    assert len(words) > 300_000, f"{DEFAULT_PATH} fehlt: Debian-Paket wngerman (make system-deps)"
    assert "Ferien" in words and "ferien" in words and "Maßnahme" in words
    assert "Anhaltsspunkte" not in words and "Massnahme" not in words


def test_a_missing_word_list_is_empty(tmp_path: Path) -> None:
    assert len(GermanWordlist.load(tmp_path / "ngerman")) == 0
    assert GermanWordlist.load(tmp_path / "ngerman").among(["ferien"]) == []


def test_among_picks_the_listed_words_as_single_lookups_do() -> None:
    words = GermanWordlist.load(DEFAULT_PATH)
    candidates = ["ferien", "versorgen", "versrogen", "anhaltsspunkte", "maßnahme", "zzzzzzzz"]
    assert words.among(candidates) == [w for w in candidates if w in words]
    assert words.among(candidates) == ["ferien", "versorgen", "maßnahme"]


def test_a_german_word_the_corpus_lacks_is_no_typo() -> None:
    snapshot = LexicalSnapshot.build(
        [LexicalEntry("c1", "Im freien Gelände gilt die Beschäftigung in Schulferien.")], 1
    )
    assert snapshot.normalise("Arbeit in den Ferien") == "Arbeit in den Ferien"  # not "freien"
    assert snapshot.normalise("Beschaeftigung in Schulfeiren") == "Beschäftigung in Schulferien"


def test_a_14_year_old_in_the_holidays_finds_the_child_labour_rules(corpus_index: KnowledgeIndex) -> None:
    hits = corpus_index.search("Darf ein 14-Jähriger in den Ferien arbeiten?", k=5)
    assert any(h.document.law == "JArbSchG" and h.chunk.paragraph in {"§ 2", "§ 5"} for h in hits)
