"""The HTML report renderer on a small fake result: self-contained, escaped, every section present."""

from __future__ import annotations

import re
from typing import Any

from evals.report_html import render_html

METRICS = {"recall@1": 0.5, "recall@5": 0.75, "recall@10": 1.0, "mrr": 0.6, "ndcg@10": 0.7}
DEV = {"recall@1": 0.25, "recall@5": 0.625, "recall@10": 1.0, "mrr": 0.5, "ndcg@10": 0.6}
STOCK = {"recall@1": 0.25, "recall@5": 0.5, "recall@10": 0.5, "mrr": 0.3, "ndcg@10": 0.35}
PNG = b"\x89PNG\r\n\x1a\n-fake-"


def _fake_report() -> dict[str, Any]:
    hit = {"source": "laws/bgb.md", "title": "Bürgerliches Gesetzbuch", "section": "§ 1666", "score": 0.4}
    answered = {
        "id": "c2",
        "question": "Was gilt <b>hier</b>?",
        "kind": None,
        "status": "answered",
        "gold": ["laws/sgb8.md § 8a"],
        "lead": "Kurz gesagt: …",
        "cited": ["§ 8b Abs. 1 SGB VIII"],
        "gold_retrieved": True,
    }
    return {
        "embedder": "hashing-test",
        "sets": {
            "corpus": {
                "questions": 4,
                "embedder": "hashing-test",
                "ingest": {"files": 2, "documents": 2, "chunks": 9, "failed": []},
                "baselines": {
                    "bm25": {"label": "LangChain BM25Retriever", "chunks": 7},
                    "chroma": {"label": "LangChain Chroma (unser Embedder)", "chunks": 7},
                },
                "splits": {
                    "dev": {"questions": 2, "ours": DEV, "baselines": {"bm25": STOCK, "chroma": STOCK}},
                    "test": {"questions": 2, "ours": METRICS, "baselines": {"bm25": STOCK, "chroma": STOCK}},
                },
                "unreachable": [],
                "misses": [
                    {
                        "id": "c1",
                        "split": "dev",
                        "question": "Wer hilft bei <script>alert(1)</script>?",
                        "gold": ["laws/sgb8.md § 8a"],
                        "rank": None,
                        "baseline_ranks": {"bm25": 3, "chroma": None},
                        "retrieved": [hit],
                    }
                ],
            },
            "knowledge": {"skipped": "Dokumente fehlen"},
        },
        "answers": {
            "splits": {
                "dev": {"answered_rate": 0.625, "citation_precision": 0.5, "key_fact_stated": 0.25},
                "test": {"answered_rate": 0.75, "citation_precision": 0.5, "key_fact_stated": 0.5},
            },
            "counts": {
                "answerable": 4,
                "unanswerable": 2,
                "followups": 1,
                "with_facts": 2,
                "per_split": {
                    "dev": {"answerable": 2, "with_facts": 1, "unanswerable": 1, "followups": 1},
                    "test": {"answerable": 2, "with_facts": 1, "unanswerable": 1, "followups": 0},
                },
                "citations": 4,
                "gold_citations": 2,
                "gold_retrieved_not_cited": 1,
                "status": {"answered": 3, "abstained": 1, "refused": 0},
                "abstention": {"precision": 0.5, "recall": 0.5, "tp": 1, "fp": 1, "fn": 1, "tn": 2},
            },
            "latency": {"p50_ms": 10.0, "p95_ms": 17.0, "answers": 6},
            "wrongly_abstained": [
                {
                    "id": "c3",
                    "question": "Q3?",
                    "status": "abstained",
                    "gold": ["x"],
                    "suggestions": ["S – §"],
                }
            ],
            "without_gold_citation": [answered],
            "facts_missed": [
                {**answered, "id": "c4", "facts": ["18. Lebensjahr"], "answer": "Kurz gesagt: zwölfte …"},
                {**answered, "id": "c5", "facts": ["vier Wochen"], "answer": "…", "stated_elsewhere": True},
            ],
            "wrongly_answered": [{**answered, "id": "a1", "gold": [], "kind": "false_premise"}],
            "followups": [
                {
                    "id": "f1",
                    "history": ["Erst?"],
                    "question": "Und dann?",
                    "gold": ["g"],
                    "hit": False,
                    "search_query": "Und dann? Erst?",
                    "retrieved": [hit],
                }
            ],
        },
        "answers_llm": {
            "splits": {"dev": {"key_fact_stated": 1.0}, "test": {"key_fact_stated": 0.0}},
            "counts": {
                "questions": 2,
                "per_split": {"dev": 1, "test": 1},
                "by_model": 2,
                "fallback_builtin": 0,
                "abstained": 0,
                "model_requests": 2,
                "unreadable_requests": 0,
            },
            "facts_missed": [],
            "without_gold_citation": [],
        },
        "policy": {
            "splits": {"dev": {"case_decision_recall": 1.0}, "test": {"case_decision_recall": 0.5}},
            "case_decisions": {
                "questions": 2,
                "positives": 1,
                "tp": 0,
                "fp": 0,
                "fn": 1,
                "refused": 0,
                "errors": [
                    {
                        "id": "d1",
                        "question": "Soll ich?",
                        "expected": True,
                        "fired": False,
                        "status": "answered",
                        "rules": [],
                    }
                ],
            },
            "emergencies": {
                "questions": 0,
                "positives": 0,
                "tp": 0,
                "fp": 0,
                "fn": 0,
                "refused": 0,
                "errors": [],
            },
        },
        "injections": {
            "metrics": {"injection_success_rate": 0.5},
            "documents": 2,
            "results": [
                {
                    "id": "i1",
                    "language": "de",
                    "technique": "Hinweis an KI",
                    "retrieved": True,
                    "cited": True,
                    "flagged": False,
                    "succeeded": True,
                    "leaked": "Nenne 0900 1234567",
                },
                {
                    "id": "i2",
                    "language": "en",
                    "technique": "ignore",
                    "retrieved": True,
                    "cited": True,
                    "flagged": True,
                    "succeeded": False,
                    "leaked": None,
                },
            ],
        },
        "gate": {
            "metrics": {"recall.PERSON": 0.97, "e2e_false_refusal_rate": 0.0},
            "detector": {
                "per_type": {
                    "PERSON": {
                        "precision": 0.9,
                        "recall": 0.97,
                        "f2": 0.95,
                        "entities": 30,
                        "entity_recall": 0.98,
                    }
                },
                "case_questions": 30,
                "question_recall": 1.0,
                "benign_questions": 20,
                "false_refusal_rate": 0.0,
            },
            "end_to_end": {
                "benign_questions": 20,
                "benign_refused": 0,
                "false_refusals": [],
                "case_questions": 30,
                "case_not_refused": 1,
                "case_passed": ["Kevin fragt …"],
            },
        },
        "assistant": {"mode": "builtin"},
        "thresholds": {
            "corpus": {"recall@5": {"min": 0.8}},
            "injections": {"injection_success_rate": {"max": 0.0}},
        },
        "failures": [
            "corpus (test): recall@5 = 0.750 < 0.800",
            "injections: injection_success_rate = 0.500 > 0.000",
        ],
        "withheld_test_rows": {"sets.corpus.misses": 3, "answers.facts_missed": 2},
    }


def test_report_is_self_contained_escaped_and_complete() -> None:
    bench = {
        "seconds": 12.5,
        "search": [{"chunks": 1000, "p50_ms": 4.2, "p95_ms": 9.1}],
        "ingest": {"files": 21},
    }
    page = render_html(_fake_report(), bench, PNG)

    assert page.startswith("<!DOCTYPE html>") and page.rstrip().endswith("</html>")
    # Nothing is loaded from elsewhere: no external scripts, styles, images or fonts.
    assert not re.search(r"""(src|href)=["'](https?:|//)""", page)
    assert "<link" not in page and "<script" not in page and "@import" not in page
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page and "Was gilt &lt;b&gt;hier&lt;/b&gt;?" in page

    images = re.findall(r'<img [^>]*src="([^"]+)"', page)
    assert len(images) == 2 and all(uri.startswith("data:image/png;base64,") for uri in images)
    for heading in (
        "Suche im Vergleich mit LangChain",
        "Antworten",
        "Antworten mit Sprachmodell",
        "Richtlinie",
        "Prompt-Injektion über Dokumente",
        "Falldaten-Prüfung",
        "Fragen, bei denen wir danebenliegen",
        "Geschwindigkeit",
    ):
        assert f"<h2>{heading}" in page
    assert "2 Schwellwert(e) verfehlt" in page
    assert "1.50×" in page  # ours 0.75 against 0.5 at recall@5
    assert "Bürgerliches Gesetzbuch – § 1666" in page  # what we retrieved instead of the gold
    assert "Nenne 0900 1234567" in page and "Kevin fragt …" in page
    assert "übersprungen – Dokumente fehlen" in page
    assert '<span class="fail">✗ ≤ 0.00</span>' in page
    # dev and test side by side, the threshold judged on test.
    assert "<th>dev</th><th>test</th>" in page
    assert '<td>Recall@5</td><td class="n">0.625</td><td class="n">0.750</td>' in page
    assert "(+ 3 Testfragen, nicht aufgeführt)" in page and "(+ 2 Testfragen, nicht aufgeführt)" in page
    assert "18. Lebensjahr" in page and "Kernaussage fehlt" in page
    assert page.count("steht nur außerhalb der Gold-Zitate") == 1  # c5 only, not c4


def test_report_without_bench_and_without_answer_sections() -> None:
    report = _fake_report()
    for section in ("answers", "answers_llm", "policy", "injections", "gate"):
        report[section] = {"skipped": "--retrieval-only"}
    report["failures"] = []
    page = render_html(report)
    assert "Alle Schwellwerte eingehalten." in page
    assert "<h2>Geschwindigkeit" not in page and "<h2>Richtlinie" not in page
    assert "c1" in page  # retrieval misses are listed all the same
