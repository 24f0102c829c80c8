"""`python -m evals run`: retrieval quality of our index against the stock baseline, on fresh indexes.

Two question sets, each over its own index built in a temporary data directory:

- corpus: `../shared/corpus` (press, laws, bylaws; then formats/, whose files must all be recognised
  as duplicates), questions `datasets/corpus_questions.jsonl`;
- knowledge: the shipped default knowledge base `knowledge/documents`, questions
  `datasets/knowledge_questions.jsonl`. A missing folder or question file skips the set.

Two stock baselines index the same files: LangChain BM25 (`evals.baseline`) and LangChain Chroma with
our own embedder (`evals.baseline_chroma`). Metrics are reported per split (`evals.splits`): search
parameters are tuned on the dev questions, the thresholds gate on the test questions, and the misses
listed are dev questions only. After the retrieval sets, the real `Assistant` answers over the corpus
index (`evals.answer_run`): answer, policy and case-data-gate metrics.
"""

from __future__ import annotations

import tempfile
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Protocol

from evals.baseline import BaselineChunk, BaselineRetriever
from evals.baseline_chroma import ChromaBaseline
from evals.gold import DATASETS, Question, load_questions
from evals.gold_checks import facts_not_in_gold, units_in_index
from evals.retrieval import Ranked, retrieval_metrics
from evals.splits import per_split, withhold_test_rows
from ingest.pipeline import IngestPipeline
from ingest.sources import discover
from knowledge.embedders.base import VectorEmbedder
from knowledge.embedders.hashing import HashingEmbedder
from knowledge.index import KnowledgeIndex
from knowledge.settings import EmbedderMode, make_settings

K = 10
MISS_RANK = 5  # a question whose first gold hit is below this rank is listed as a miss
NO_STYLE = "ohne Angabe"  # questions written before the "style" field existed

Progress = Callable[[str], None]
# Report keys and German labels of the two stock baselines.
BASELINES = {"bm25": "LangChain BM25Retriever", "chroma": "LangChain Chroma (unser Embedder)"}


class Baseline(Protocol):
    chunks: list[BaselineChunk]

    def search(self, query: str) -> list[BaselineChunk]: ...

    def gold_match(self, question: Question, chunk: BaselineChunk) -> int | None: ...


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
    answers: bool = True,
    list_test_misses: bool = False,
    progress: Progress | None = None,
) -> dict[str, Any]:
    """Evaluate every set, then (with `answers`) the Assistant over the first set's index.

    The result is the JSON report without threshold checks. Its failure lists hold dev questions
    only; `list_test_misses` keeps the test ones too (the final audit, not for tuning).
    """
    report: dict[str, Any] = {"k": K, "sets": {}}
    with tempfile.TemporaryDirectory(prefix="jha-eval-") as root:
        data_dirs: dict[str, Path] = {}
        for question_set in sets:
            data_dir = Path(root) / question_set.name
            result = evaluate_set(question_set, data_dir, embedder, progress=progress)
            report["sets"][question_set.name] = result
            report.setdefault("embedder", result.get("embedder"))
            if "skipped" not in result:
                data_dirs[question_set.name] = data_dir
        # The answer-level evals use the corpus questions and their index (the first set).
        if answers and sets and sets[0].name in data_dirs:
            from evals.answer_run import run_answer_stages

            report.update(
                run_answer_stages(data_dirs[sets[0].name], Path(root), embedder, sets[0], progress=progress)
            )
    withhold_test_rows(report, list_test=list_test_misses)
    return report


def evaluate_set(
    question_set: QuestionSet,
    data_dir: Path,
    embedder: EmbedderMode,
    *,
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
                "chunks": sum(entry.chunks for entry in ingest.added),
                "failed": ingest.as_json()["failed"],
            },
        }
        if question_set.duplicates and question_set.duplicates.is_dir():
            again = pipeline.add([question_set.duplicates])
            result["ingest"]["duplicates"] = {
                "files": len(list(discover([question_set.duplicates]))),
                "skipped_as_duplicates": len(again.duplicates),
                "added": len(again.added) + len(again.updated),
                "failed": again.as_json()["failed"],
            }
        say(f"{question_set.name}: {len(questions)} Fragen, unser Index")
        ours = [_rank_ours(index, q) for q in questions]
        ours_units = units_in_index(index, questions)
        facts_missing = facts_not_in_gold(index, questions)
        # The very embedder make_embedder(settings) built for our index; the weight-free mode has no
        # vectors, so Chroma gets the hashed n-gram vectors that mode used to put there.
        embedder_in_use = index.vector_embedder or HashingEmbedder()
    finally:
        index.close()

    ours_ranked = [Ranked(r.matches, ours_units[q.id]) for q, r in zip(questions, ours, strict=True)]
    baselines: dict[str, list[Ranked]] = {}
    result["baselines"] = {}
    for key, label in BASELINES.items():
        say(f"{question_set.name}: {len(questions)} Fragen, {label}")
        baseline = _build_baseline(key, files, embedder_in_use, data_dir)
        units = _units_in_baseline(baseline, questions)
        baselines[key] = [Ranked(_rank_baseline(baseline, q), units[q.id]) for q in questions]
        result["baselines"][key] = {"label": label, "chunks": len(baseline.chunks)}
    rows = [(r, {key: ranked[n] for key, ranked in baselines.items()}) for n, r in enumerate(ours_ranked)]
    result["splits"] = per_split(questions, rows, _split_metrics)
    result["styles"] = _by_style(questions, ours_ranked)
    # Gold the index cannot return at all points at the dataset or the chunking, not at the search.
    result["unreachable"] = [q.id for q in questions if ours_units[q.id] == 0]
    result["facts_not_in_gold"] = facts_missing
    result["misses"] = [
        _miss(q, r, {key: ranked[n].first_rank for key, ranked in baselines.items()})
        for n, (q, r) in enumerate(zip(questions, ours, strict=True))
        if r.ranked.first_rank is None or r.ranked.first_rank > MISS_RANK
    ]
    return result


def _build_baseline(
    key: str, files: list[tuple[str, Path]], embedder: VectorEmbedder, data_dir: Path
) -> Baseline:
    if key == "bm25":
        return BaselineRetriever(files, k=K)
    # Beside the data dir, not inside it: the injection eval copies the data dir.
    return ChromaBaseline(files, embedder, data_dir.with_name(f"{data_dir.name}-langchain"), k=K)


def _by_style(questions: list[Question], ranked: list[Ranked]) -> dict[str, dict[str, Any]]:
    """Our metrics per way of asking (`"style"` of a question: telegram, narrative …) and split."""
    styles = sorted({str(q.extra.get("style", NO_STYLE)) for q in questions})
    result = {}
    for style in styles:
        picked = [
            (q, r) for q, r in zip(questions, ranked, strict=True) if q.extra.get("style", NO_STYLE) == style
        ]
        result[style] = per_split(
            [q for q, _ in picked],
            [r for _, r in picked],
            lambda rs: {"questions": len(rs), **retrieval_metrics(rs)},
        )
    return result


def _split_metrics(rows: list[tuple[Ranked, dict[str, Ranked]]]) -> dict[str, Any]:
    return {
        "questions": len(rows),
        "ours": retrieval_metrics([ours for ours, _ in rows]),
        "baselines": {key: retrieval_metrics([b[key] for _, b in rows]) for key in BASELINES},
    }


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
        {
            "source": h.document.source,
            "title": h.document.title,
            "section": h.chunk.section,
            "score": round(h.score, 3),
        }
        for h in hits
    ]
    return _OurResult(Ranked(matches), summary)


def _rank_baseline(baseline: Baseline, question: Question) -> tuple[int | None, ...]:
    return tuple(baseline.gold_match(question, chunk) for chunk in baseline.search(question.question))


def _units_in_baseline(baseline: Baseline, questions: list[Question]) -> dict[str, int]:
    counts: dict[str, int] = {}
    for q in questions:
        found = {baseline.gold_match(q, chunk) for chunk in baseline.chunks}
        counts[q.id] = len(found - {None})
    return counts


def _miss(question: Question, ours: _OurResult, baseline_ranks: dict[str, int | None]) -> dict[str, Any]:
    return {
        "id": question.id,
        "question": question.question,
        "gold": [f"{g.source} {g.section or ''}".strip() for g in question.gold],
        "rank": ours.ranked.first_rank,
        "baseline_ranks": baseline_ranks,
        "retrieved": ours.hits[:MISS_RANK],
    }
