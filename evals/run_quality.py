"""`python -m evals run`: retrieval quality of our index against the stock baseline, on fresh indexes.

Two question sets, each over its own index built in a temporary data directory:

- corpus: `../shared/corpus` (press, laws, bylaws; then formats/, whose files must all be recognised
  as duplicates), questions `datasets/corpus_questions.jsonl`;
- knowledge: the shipped default knowledge base `knowledge/documents`, questions
  `datasets/knowledge_questions.jsonl`. A missing folder or question file skips the set.

The baseline (`evals.baseline`) indexes the same files. Metrics are reported for all questions and
for the odd and even ids apart: search parameters are tuned on the odd ids, the even ids show whether
a change generalises.
"""

from __future__ import annotations

import tempfile
import tomllib
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from evals.baseline import BaselineRetriever
from evals.gold import DATASETS, Question, load_questions
from evals.retrieval import Ranked, retrieval_metrics
from ingest.pipeline import IngestPipeline, discover
from knowledge.index import KnowledgeIndex
from knowledge.settings import EmbedderMode, make_settings

K = 10
MISS_RANK = 5  # a question whose first gold hit is below this rank is listed as a miss
HALVES = ("odd", "even")

Progress = Callable[[str], None]


@dataclass(frozen=True)
class QuestionSet:
    name: str
    dataset: str
    folders: tuple[Path, ...]
    duplicates: Path | None = None  # a folder whose files must all be skipped as duplicates
    datasets: Path = DATASETS


def question_sets(corpus: Path, knowledge: Path) -> list[QuestionSet]:
    return [
        QuestionSet(
            "corpus",
            "corpus_questions.jsonl",
            (corpus / "press", corpus / "laws", corpus / "bylaws"),
            corpus / "formats",
        ),
        QuestionSet("knowledge", "knowledge_questions.jsonl", (knowledge,)),
    ]


def run(
    sets: list[QuestionSet],
    *,
    embedder: EmbedderMode = EmbedderMode.HASHING,
    misses: bool = False,
    progress: Progress | None = None,
) -> dict[str, Any]:
    """Evaluate every set; the result is the JSON report (without threshold checks)."""
    report: dict[str, Any] = {"k": K, "sets": {}}
    for question_set in sets:
        with tempfile.TemporaryDirectory(prefix=f"jha-eval-{question_set.name}-") as data_dir:
            result = evaluate_set(question_set, Path(data_dir), embedder, misses=misses, progress=progress)
        report["sets"][question_set.name] = result
        report.setdefault("embedder", result.get("embedder"))
    return report


def evaluate_set(
    question_set: QuestionSet,
    data_dir: Path,
    embedder: EmbedderMode,
    *,
    misses: bool = False,
    progress: Progress | None = None,
) -> dict[str, Any]:
    questions = load_questions(question_set.dataset, question_set.datasets)
    folders = [f for f in question_set.folders if f.is_dir()]
    files = [(f.source, f.path) for f in discover(folders)]
    if not questions or not files:
        missing = "Fragen" if not questions else "Dokumente"
        folders_named = ", ".join(map(str, question_set.folders))
        return {"skipped": f"{missing} fehlen ({question_set.dataset}, {folders_named})"}

    say = progress or (lambda _message: None)
    say(f"{question_set.name}: indexiere {len(files)} Dateien")
    index = KnowledgeIndex.open(make_settings(data_dir=data_dir, embedder=embedder))
    try:
        pipeline = IngestPipeline(index)
        ingest = pipeline.add(folders)
        result: dict[str, Any] = {
            "questions": len(questions),
            "embedder": index.embedder.id,
            "ingest": {
                "files": len(files),
                "documents": len(ingest.added),
                "chunks": sum(entry["chunks"] for entry in ingest.added),
                "failed": ingest.failed,
            },
        }
        if question_set.duplicates and question_set.duplicates.is_dir():
            again = pipeline.add([question_set.duplicates])
            result["ingest"]["duplicates"] = {
                "files": len(list(discover([question_set.duplicates]))),
                "skipped_as_duplicates": len(again.duplicates),
                "added": len(again.added) + len(again.updated),
                "failed": again.failed,
            }
        say(f"{question_set.name}: {len(questions)} Fragen, unser Index")
        ours = [_rank_ours(index, q) for q in questions]
        ours_units = _units_in_index(index, questions)
    finally:
        index.close()

    say(f"{question_set.name}: {len(questions)} Fragen, Baseline")
    baseline = BaselineRetriever(files, k=K)
    theirs = [_rank_baseline(baseline, q) for q in questions]
    baseline_units = _units_in_baseline(baseline, questions)

    ours_ranked = [Ranked(r.matches, ours_units[q.id]) for q, r in zip(questions, ours, strict=True)]
    theirs_ranked = [Ranked(m, baseline_units[q.id]) for q, m in zip(questions, theirs, strict=True)]
    result["ours"] = retrieval_metrics(ours_ranked)
    result["baseline"] = retrieval_metrics(theirs_ranked)
    result["baseline_chunks"] = len(baseline.chunks)
    result["halves"] = {
        half: {
            "questions": sum(1 for q in questions if q.half == half),
            "ours": retrieval_metrics(
                [r for q, r in zip(questions, ours_ranked, strict=True) if q.half == half]
            ),
            "baseline": retrieval_metrics(
                [r for q, r in zip(questions, theirs_ranked, strict=True) if q.half == half]
            ),
        }
        for half in HALVES
    }
    # Gold the index cannot return at all points at the dataset or the chunking, not at the search.
    result["unreachable"] = [q.id for q in questions if ours_units[q.id] == 0]
    if misses:
        result["misses"] = [
            _miss(q, r, t.first_rank)
            for q, r, t in zip(questions, ours, theirs_ranked, strict=True)
            if r.ranked.first_rank is None or r.ranked.first_rank > MISS_RANK
        ]
    return result


@dataclass(frozen=True)
class _OurResult:
    ranked: Ranked
    hits: list[dict[str, Any]]

    @property
    def matches(self) -> tuple[int | None, ...]:
        return self.ranked.matches


def _rank_ours(index: KnowledgeIndex, question: Question) -> _OurResult:
    hits = index.search(question.question, k=K)
    matches = tuple(
        question.gold_match(h.document.source, h.chunk.paragraph, h.chunk.section, h.chunk.chapter)
        for h in hits
    )
    summary = [
        {"source": h.document.source, "section": h.chunk.section, "score": round(h.score, 3)} for h in hits
    ]
    return _OurResult(Ranked(matches), summary)


def _rank_baseline(baseline: BaselineRetriever, question: Question) -> tuple[int | None, ...]:
    return tuple(baseline.gold_match(question, chunk) for chunk in baseline.search(question.question))


def _units_in_index(index: KnowledgeIndex, questions: list[Question]) -> dict[str, int]:
    """Per question, how many of its gold units some chunk of the index belongs to."""
    sources = {d.id: d.source for d in index.catalog.documents()}
    places = {(sources[c.document_id], c.paragraph, c.section, c.chapter) for c in index.catalog.all_chunks()}
    return {q.id: sum(1 for g in q.gold if any(g.matches(*place) for place in places)) for q in questions}


def _units_in_baseline(baseline: BaselineRetriever, questions: list[Question]) -> dict[str, int]:
    counts: dict[str, int] = {}
    for q in questions:
        found = {baseline.gold_match(q, chunk) for chunk in baseline.chunks}
        counts[q.id] = len(found - {None})
    return counts


def _miss(question: Question, ours: _OurResult, baseline_rank: int | None) -> dict[str, Any]:
    return {
        "id": question.id,
        "question": question.question,
        "gold": [f"{g.source} {g.section or ''}".strip() for g in question.gold],
        "rank": ours.ranked.first_rank,
        "baseline_rank": baseline_rank,
        "retrieved": ours.hits[:MISS_RANK],
    }


def load_thresholds(path: Path) -> dict[str, dict[str, float]]:
    with path.open("rb") as handle:
        raw = tomllib.load(handle)
    return {name: {m: float(v) for m, v in table.items()} for name, table in raw.items()}


def check(report: dict[str, Any], thresholds: dict[str, dict[str, float]]) -> list[str]:
    """Human-readable failures: metrics below their threshold, duplicates that were indexed."""
    failures: list[str] = []
    for name, result in report["sets"].items():
        if "skipped" in result:
            continue
        for metric, minimum in thresholds.get(name, {}).items():
            value = result["ours"].get(metric)
            if value is None:
                failures.append(f"{name}: unbekannte Metrik {metric!r} in den Schwellwerten")
            elif value < minimum:
                failures.append(f"{name}: {metric} = {value:.3f} < {minimum:.3f}")
        ingest = result["ingest"]
        if ingest["failed"]:
            failures.append(f"{name}: {len(ingest['failed'])} Dateien nicht indexiert")
        duplicates = ingest.get("duplicates")
        if duplicates and (duplicates["added"] or duplicates["skipped_as_duplicates"] != duplicates["files"]):
            failures.append(
                f"{name}: {duplicates['added']} von {duplicates['files']} Duplikaten neu indexiert, "
                f"{duplicates['skipped_as_duplicates']} erkannt"
            )
    return failures
