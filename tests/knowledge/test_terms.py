"""The term file: recent documents' rows and the merged ones read as one set, before and after a merge."""

from __future__ import annotations

from pathlib import Path

import pytest

from knowledge import terms as terms_module
from knowledge.terms import PHRASE, WORD, TermIndex, document_terms

TEXTS = {
    "a": "Landrätin Astrid Klinkert-Kittel eröffnet den Verfahrenslotsen im Jugendamt.",
    "b": "Der Verfahrenslotse berät nach dem KJSG. Bürgermeister Hans Maier lobt die Beratung.",
    "c": "Hilfe zur Erziehung nach SGB VIII; Landrätin Astrid Klinkert-Kittel zieht Bilanz.",
}


def expected(document_ids: list[str], kind: str) -> frozenset[str]:
    return frozenset(term for d in document_ids for term in document_terms(TEXTS[d])[kind])


def row_counts(index: TermIndex) -> tuple[int, int]:
    merged = index._db.execute("SELECT count(*) FROM terms").fetchone()[0]
    recent = index._db.execute("SELECT count(*) FROM recent_terms").fetchone()[0]
    return merged, recent


@pytest.mark.parametrize("merge_rows", [1, 10_000])
def test_terms_are_the_live_documents_terms_whether_merged_or_recent(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, merge_rows: int
) -> None:
    monkeypatch.setattr(terms_module, "MERGE_ROWS", merge_rows)
    index = TermIndex(tmp_path / "terms.sqlite3")
    index.replace("a", TEXTS["a"], 1)
    index.replace("b", TEXTS["b"], 2)
    merged, recent = row_counts(index)
    assert (merged > 0, recent > 0) == ((True, False) if merge_rows == 1 else (False, True))
    assert index.terms(WORD) == expected(["a", "b"], WORD)
    assert index.terms(PHRASE) == expected(["a", "b"], PHRASE)

    # A removed document's terms go wherever they are; a term another document still has stays.
    index.remove("a", 3)
    index.replace("c", TEXTS["c"], 4, also_remove="b")
    assert index.terms(WORD) == expected(["c"], WORD)
    assert index.terms(PHRASE) == expected(["c"], PHRASE) == {"Landrätin Astrid Klinkert-Kittel", "SGB VIII"}
    assert index.synced_version() == 4
    index.close()

    reopened = TermIndex(tmp_path / "terms.sqlite3")
    assert reopened.terms(WORD) == expected(["c"], WORD)
    reopened.rebuild([("a", TEXTS["a"]), ("b", TEXTS["b"])], 5)
    assert row_counts(reopened)[1] == 0
    assert reopened.terms(WORD) == expected(["a", "b"], WORD)
    reopened.close()
