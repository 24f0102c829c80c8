"""Metrics and gold matching of the evals, on small hand-made cases."""

from __future__ import annotations

import json
import math
import re
from pathlib import Path

import pytest

from evals.baseline import BaselineChunk, BaselineRetriever, chunk_matches, passage_spans
from evals.gold import DATASETS, DatasetError, Gold, Question, load_questions, split_of
from evals.retrieval import Ranked, ndcg, retrieval_metrics
from evals.thresholds import Limit, check


def test_recall_and_mrr_count_the_first_gold_hit() -> None:
    results = [
        Ranked((0, None, None)),  # rank 1
        Ranked((None, None, None, None, 0)),  # rank 5: inside recall@5
        Ranked((None, None, None, None, None, 1)),  # rank 6: outside recall@5
        Ranked((None,) * 10),  # no gold at all
    ]
    metrics = retrieval_metrics(results)
    assert metrics["recall@1"] == 0.25
    assert metrics["recall@5"] == 0.5
    assert metrics["recall@10"] == 0.75
    assert metrics["mrr"] == pytest.approx((1 + 1 / 5 + 1 / 6) / 4)


def test_empty_result_lists_score_zero() -> None:
    assert retrieval_metrics([Ranked(())]) == {
        "recall@1": 0.0,
        "recall@5": 0.0,
        "recall@10": 0.0,
        "mrr": 0.0,
        "ndcg@10": 0.0,
    }


def test_ndcg_counts_each_gold_unit_once() -> None:
    # Three chunks of the same § are one answer: the repeats neither help nor hurt.
    assert ndcg(Ranked((0, 0, 0))) == 1.0
    assert ndcg(Ranked((None, 0))) == pytest.approx(1 / math.log2(3))
    assert ndcg(Ranked((None, 0, 0))) == pytest.approx(1 / math.log2(3))


def test_ndcg_expects_every_gold_unit_the_index_holds() -> None:
    both = Ranked((1, 0), gold_units=2)
    one = Ranked((0, None), gold_units=2)
    assert ndcg(both) == 1.0
    assert ndcg(one) == pytest.approx(1 / (1 + 1 / math.log2(3)))
    assert ndcg(Ranked((0,), gold_units=0)) == 0.0  # gold the index does not hold
    assert ndcg(Ranked((None,) * 10 + (0,))) == 0.0  # beyond the depth of 10


def test_gold_matches_source_suffix_and_exact_paragraph() -> None:
    gold = Gold("laws/2026/sgb8.md", "§ 8a")
    assert gold.matches("laws/2026/sgb8.md", "§ 8a", "§ 8a Schutzauftrag")
    assert gold.matches("corpus/laws/2026/sgb8.md", "§ 8a", None)
    assert not gold.matches("laws/2026/sgb8.md", "§ 8", "§ 8 Beteiligung")  # § 8 is not § 8a
    assert not gold.matches("laws/2022/sgb8.md", "§ 8a", None)  # the older version is another source
    assert not gold.matches("otherlaws/2026/sgb8.md", "§ 8a", None)  # a suffix only at a "/"


def test_gold_heading_matches_section_or_ancestor_and_none_matches_whole_document() -> None:
    gold = Gold("praxis/ablauf.md", "Schritt 2: Gefährdungseinschätzung")
    assert gold.matches("documents/praxis/ablauf.md", None, "Schritt 2: Gefährdungseinschätzung")
    assert gold.matches(
        "praxis/ablauf.md", None, "Fachteam", "Überblick › Schritt 2: Gefährdungseinschätzung"
    )
    assert not gold.matches("praxis/ablauf.md", None, "Schritt 3: Hausbesuch", "Überblick")
    assert Gold("press/001.txt", None).matches("press/001.txt", None, "irgendein Abschnitt")


def test_question_reports_which_alternative_matched_and_its_split() -> None:
    question = Question("c004", "…", (Gold("laws/2026/sgb8.md", "§ 8b"), Gold("laws/2022/kkg.md", "§ 4")))
    assert question.gold_match("laws/2022/kkg.md", "§ 4", None) == 1
    assert question.gold_match("laws/2026/sgb8.md", "§ 8b", None) == 0
    assert question.gold_match("laws/2026/sgb8.md", "§ 4", None) is None
    # sha256("c004") starts with "d", sha256("c007") with "5": 0-7 is dev, 8-f is test.
    assert question.split == split_of("c004") == "test"
    assert Question("c007", "…").split == "dev"


def test_split_depends_on_the_id_alone_and_is_roughly_even() -> None:
    ids = [f"c{n:03d}" for n in range(1, 401)]
    splits = [split_of(i) for i in ids]
    assert splits == [split_of(i) for i in ids]  # deterministic
    assert 0.4 < splits.count("dev") / len(ids) < 0.6


def test_question_files_name_the_line_and_the_reason_of_an_error(tmp_path: Path) -> None:
    path = tmp_path / "q.jsonl"
    cases = {
        '{"id": "x1", "question": "A?"}\n{"id": "x1", "question": "B?"}\n': "Zeile 2: Id 'x1' kommt doppelt",
        '{"id": "x1", "question": "A?", "facts": "18. Lebensjahr"}\n': "Zeile 1: Feld 'facts'",
        '{"id": "x1", "question": "A?", "facts": [""]}\n': "Zeile 1: Feld 'facts'",
        '{"id": "x1"}\n': "Zeile 1: Feld 'question' fehlt",
        '{"id": "x1", "question": "A?", "gold": [{"section": "§ 1"}]}\n': "Zeile 1: Feld 'gold'",
        "{kein json\n": "Zeile 1: kein gültiges JSON",
    }
    for text, message in cases.items():
        path.write_text(text, encoding="utf-8")
        with pytest.raises(DatasetError, match=re.escape(f"q.jsonl, {message}")):
            load_questions("q.jsonl", tmp_path)
    path.write_text(
        '{"id": "x1", "question": "A?", "facts": ["acht Wochen"], "note": "n"}\n', encoding="utf-8"
    )
    (question,) = load_questions("q.jsonl", tmp_path)
    assert question.facts == ("acht Wochen",) and question.extra == {"note": "n"}


def test_retired_questions_keep_their_id_but_are_not_asked(tmp_path: Path) -> None:
    (tmp_path / "q.jsonl").write_text(
        '{"id": "x1", "question": "A?", "retired": "Gold falsch"}\n{"id": "x2", "question": "B?"}\n'
        '{"id": "x1", "question": "C?"}\n',
        encoding="utf-8",
    )
    with pytest.raises(DatasetError, match="doppelt"):
        load_questions("q.jsonl", tmp_path)
    (tmp_path / "q.jsonl").write_text(
        '{"id": "x1", "question": "A?", "retired": "Gold falsch"}\n{"id": "x2", "question": "B?"}\n',
        encoding="utf-8",
    )
    assert [q.id for q in load_questions("q.jsonl", tmp_path)] == ["x2"]


DATASET_PREFIXES = {
    "corpus_questions.jsonl": "c",
    "knowledge_questions.jsonl": "k",
    "abstain_questions.jsonl": "a",
    "followups.jsonl": "f",
    "case_decisions.jsonl": "d",
    "emergencies.jsonl": "e",
    "injections.jsonl": "i",
}


@pytest.mark.parametrize("name", sorted(DATASET_PREFIXES))
def test_checked_in_ids_run_consecutively_so_nobody_picks_a_split(name: str) -> None:
    """A new question takes the next number: choosing an id to land a question in dev is visible."""
    prefix = DATASET_PREFIXES[name]
    lines = (DATASETS / name).read_text(encoding="utf-8").splitlines()
    ids = [json.loads(line)["id"] for line in lines if line.strip()]
    assert ids == [f"{prefix}{n:03d}" for n in range(1, len(ids) + 1)]
    questions = load_questions(name)
    assert {q.split for q in questions} == {"dev", "test"}


def test_missing_question_file_is_an_empty_set(tmp_path: Path) -> None:
    assert load_questions("fehlt.jsonl", tmp_path) == []
    (tmp_path / "q.jsonl").write_text(
        '{"id": "x1", "question": "Frage?", "gold": [{"source": "a.md"}], "kind": "law"}\n\n',
        encoding="utf-8",
    )
    assert load_questions("q.jsonl", tmp_path) == [Question("x1", "Frage?", (Gold("a.md", None),), "law")]


LAW = """# Gesetz

## Erster Abschnitt

### § 1 Ziel

(1) Erster Absatz über das Ziel.

(2) Zweiter Absatz über das Ziel.

### § 1a - Weiteres

Text des Paragrafen 1a.

## Was sich geändert hat

Einleitung.

### Einzelheiten

Mehr dazu.

## Schluss
"""


def _chunk(text: str, start_marker: str, end_marker: str, source: str = "laws/g.md") -> BaselineChunk:
    start = text.index(start_marker)
    end = text.index(end_marker) + len(end_marker)
    return BaselineChunk(source, start, end, text[start:end])


def test_passage_spans_end_at_the_next_heading_of_the_same_or_higher_level() -> None:
    spans = passage_spans(LAW)
    (paragraph,) = spans["§ 1"]
    assert LAW[paragraph.heading_start : paragraph.end].startswith("### § 1 Ziel")
    assert LAW[paragraph.end :].startswith("### § 1a - Weiteres")
    assert "§ 1a" in spans  # the 2026 style "§ 1a - Titel" is keyed by its number too
    (section,) = spans["Was sich geändert hat"]
    assert "Mehr dazu." in LAW[section.heading_start : section.end]  # a sub-heading stays inside
    assert LAW[section.end :].startswith("## Schluss")


def test_baseline_chunk_is_gold_with_the_heading_line_or_inside_the_span() -> None:
    spans = passage_spans(LAW)
    paragraph_1 = Gold("laws/g.md", "§ 1")
    paragraph_1a = Gold("laws/g.md", "§ 1a")
    with_heading = _chunk(LAW, "### § 1 Ziel", "Erster Absatz")
    inside = _chunk(LAW, "(2) Zweiter", "über das Ziel.\n")
    straddling = _chunk(LAW, "(2) Zweiter", "### § 1a - Weiteres")
    assert chunk_matches(paragraph_1, with_heading, spans)
    assert chunk_matches(paragraph_1, inside, spans)
    assert not chunk_matches(paragraph_1, straddling, spans)  # only the tail of § 1 …
    assert chunk_matches(paragraph_1a, straddling, spans)  # … and the heading of § 1a
    assert not chunk_matches(paragraph_1a, inside, spans)
    assert not chunk_matches(paragraph_1, _chunk(LAW, "### § 1 Ziel", "Erster", source="laws/h.md"), spans)
    sub = _chunk(LAW, "Mehr", "dazu.")
    assert chunk_matches(Gold("laws/g.md", "Was sich geändert hat"), sub, spans)
    assert chunk_matches(Gold("laws/g.md", None), sub, spans)


def test_baseline_retriever_finds_and_matches_on_real_files(tmp_path: Path) -> None:
    (tmp_path / "g.md").write_text(LAW + "\n" + "Fülltext ohne Bedeutung. " * 80, encoding="utf-8")
    (tmp_path / "p.txt").write_text("Pressemitteilung über den Fachtag in Unna.", encoding="utf-8")
    baseline = BaselineRetriever([("laws/g.md", tmp_path / "g.md"), ("press/p.txt", tmp_path / "p.txt")], k=2)
    question = Question("q1", "Fachtag Unna", (Gold("press/p.txt", None),))
    hits = baseline.search(question.question)
    assert hits[0].source == "press/p.txt"
    assert baseline.gold_match(question, hits[0]) == 0
    assert all(c.text == baseline.texts[c.source][c.start : c.end] for c in baseline.chunks)


def test_check_flags_low_metrics_and_indexed_duplicates_but_not_skipped_sets() -> None:
    ok = {"recall@5": 0.9, "mrr": 0.8}
    ingest = {"failed": [], "duplicates": {"files": 3, "skipped_as_duplicates": 3, "added": 0, "failed": []}}
    report = {
        "sets": {
            "corpus": {"splits": {"dev": {"ours": {}}, "test": {"ours": ok}}, "ingest": ingest},
            "knowledge": {"skipped": "Fragen fehlen"},
        }
    }
    assert check(report, {"corpus": {"recall@5": Limit(0.88)}, "knowledge": {"mrr": Limit(0.5)}}) == []
    failures = check(report, {"corpus": {"recall@5": Limit(0.95), "ndcg@99": Limit(0.1)}})
    assert failures == [
        "corpus (test): recall@5 = 0.900 < 0.950",
        "corpus (test): unbekannte Metrik 'ndcg@99' in den Schwellwerten",
    ]
    ingest["duplicates"] = {"files": 3, "skipped_as_duplicates": 2, "added": 1, "failed": []}
    assert check(report, {}) == ["corpus: 1 von 3 Duplikaten neu indexiert, 2 erkannt"]
