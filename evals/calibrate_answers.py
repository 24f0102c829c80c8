"""Fit the abstention model of `assistant.answering.evidence` on the dev split and print it.

    python -m evals.calibrate_answers [--corpus ../shared/corpus] [--knowledge knowledge/documents]

Builds fresh indexes like `python -m evals run` (corpus: press, laws, bylaws; knowledge: the default
knowledge base), computes the evidence features of every dev question (answerable corpus and
knowledge questions: "answer"; `abstain_questions.jsonl` over the corpus index: "abstain"), fits an
L2-regularised logistic regression and prints the weights as Python for `evidence.py`, with dev
precision and recall, in-sample and cross-validated, at several thresholds. Test questions are left
out entirely: `python -m evals run` reports the test split.
"""

from __future__ import annotations

import argparse
import math
import tempfile
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from assistant.answering.evidence import THRESHOLD, WEIGHTS, assess
from assistant.answering.passages import select_passages
from assistant.answering.short_answer import Lead, best_statement
from assistant.answering.terms import QuestionTerms
from evals.gold import Question, load_questions
from ingest.pipeline import IngestPipeline
from knowledge.index import KnowledgeIndex
from knowledge.models import Hit
from knowledge.settings import EmbedderMode, make_settings

PROJECT = Path(__file__).resolve().parent.parent
RETRIEVE_K = 8
L2 = 0.3
REPEATS = 20  # reshuffled cross-validation splits averaged (`cross_validated`)


@dataclass(frozen=True)
class Row:
    question: Question
    abstain: bool
    features: dict[str, float] | None  # None: a rule decides (no passage, unknown §)
    missing: tuple[str, ...] = ()
    lead: Lead | None = None  # the best candidate for "Kurz gesagt"
    lead_states_fact: bool = False  # it comes from a gold passage and states one of the question's facts


def evidence_rows(index: KnowledgeIndex, questions: list[Question], abstain: bool) -> list[Row]:
    rows = []
    for question in questions:
        hits = index.search(question.question, k=RETRIEVE_K)
        passages = select_passages(index, question.question, hits)
        evidence = assess(index, question.question, hits, passages)
        rule_decides = (
            not evidence.features
            or evidence.missing_paragraph is not None
            or evidence.missing_law is not None
            or evidence.off_topic
        )
        lead = (
            best_statement(index, QuestionTerms.of(index, question.question), passages) if passages else None
        )
        states = lead is not None and _states_fact(question, lead.sentence, passages[lead.passage].hit)
        features = None if rule_decides else evidence.features
        rows.append(Row(question, abstain, features, evidence.missing_entities, lead, states))
    return rows


def _states_fact(question: Question, sentence: str, hit: Hit) -> bool:
    facts = question.facts
    text = " ".join(sentence.lower().split())
    gold = question.is_gold(hit.document.source, hit.chunk.paragraph, hit.chunk.section, hit.chunk.chapter)
    return gold and any(" ".join(str(f).lower().split()) in text for f in facts)


def fit_lead(rows: list[Row], min_precision: float = 0.9) -> tuple[float, float, int, dict[str, float]]:
    """The "Kurz gesagt" thresholds that show the most leads while at least `min_precision` of the
    shown ones state a fact of the question (questions with `facts` only)."""
    candidates = [r for r in rows if not r.abstain and r.lead is not None and r.question.facts]
    best = (1.01, 1.01, 0, {"shown": 0, "precision": 1.0, "candidates": len(candidates)})
    for coverage in np.arange(0.3, 1.01, 0.05):
        for margin in np.arange(0.0, 0.51, 0.05):
            for chars in (250, 400, 600):
                shown = [
                    r
                    for r in candidates
                    if r.lead is not None
                    and r.lead.coverage >= coverage
                    and r.lead.margin >= margin
                    and len(r.lead.sentence) <= chars
                ]
                if not shown:
                    continue
                precision = sum(r.lead_states_fact for r in shown) / len(shown)
                if precision >= min_precision and len(shown) > best[3]["shown"]:
                    best = (
                        round(float(coverage), 2),
                        round(float(margin), 2),
                        chars,
                        {
                            "shown": len(shown),
                            "precision": round(precision, 3),
                            "candidates": len(candidates),
                        },
                    )
    return best


def fit(rows: list[Row], names: list[str]) -> tuple[float, dict[str, float]]:
    """Logistic regression (Newton steps) on standardised features, returned in raw feature units."""
    usable = [r for r in rows if r.features is not None]
    x = np.array([[r.features[n] for n in names] for r in usable if r.features is not None])
    y = np.array([1.0 if r.abstain else 0.0 for r in usable])
    mean, scale = x.mean(axis=0), x.std(axis=0) + 1e-9
    z = np.hstack([np.ones((len(x), 1)), (x - mean) / scale])
    beta = np.zeros(z.shape[1])
    penalty = np.diag([0.0] + [L2] * len(names))
    for _ in range(50):
        p = 1.0 / (1.0 + np.exp(-z @ beta))
        gradient = z.T @ (p - y) + penalty @ beta
        hessian = z.T @ (z * (p * (1 - p))[:, None]) + penalty
        beta -= np.linalg.solve(hessian, gradient)
    weights = beta[1:] / scale
    intercept = beta[0] - float(weights @ mean)
    return float(intercept), {n: float(w) for n, w in zip(names, weights, strict=True)}


def scores(
    rows: list[Row], intercept: float, weights: dict[str, float], threshold: float = 0.5
) -> dict[str, float]:
    predicted = [_abstains(row, intercept, weights, threshold) for row in rows]
    return {**_precision_recall(rows, predicted), "answerable": sum(not r.abstain for r in rows)}


def cross_validated(
    rows: list[Row], names: list[str], folds: int = 5, threshold: float = 0.5, repeats: int = REPEATS
) -> dict[str, float]:
    """Precision, recall and log loss with each dev question predicted by a model fitted without it,
    averaged over `repeats` reshuffled `folds`-fold splits (seeded): the honest way to compare
    feature sets on dev alone. One split moves precision by a question or two; the log loss also
    sees how sure the model was, not only on which side of the threshold it fell."""
    ordered = sorted(rows, key=lambda r: (r.abstain, r.question.id))
    usable = [i for i, r in enumerate(ordered) if r.features is not None]
    generator = np.random.default_rng(0)
    totals = {"precision": 0.0, "recall": 0.0, "log_loss": 0.0}
    for _ in range(repeats):
        fold_of = {i: k % folds for k, i in enumerate(generator.permutation(usable))}
        probability: dict[int, float] = {}
        for fold in range(folds):
            intercept, weights = fit([ordered[i] for i in usable if fold_of[i] != fold], names)
            for i in usable:
                if fold_of[i] == fold:
                    probability[i] = _probability(ordered[i], intercept, weights)
        predicted = [r.features is None or probability[i] >= threshold for i, r in enumerate(ordered)]
        measured = _precision_recall(ordered, predicted)
        totals["precision"] += measured["precision"]
        totals["recall"] += measured["recall"]
        totals["log_loss"] -= sum(
            math.log(p if ordered[i].abstain else 1.0 - p) for i, p in probability.items()
        ) / max(1, len(probability))
    return {
        **{name: round(total / repeats, 3 if name != "log_loss" else 4) for name, total in totals.items()},
        "abstain": sum(r.abstain for r in rows),
    }


def _precision_recall(rows: list[Row], predicted: list[bool]) -> dict[str, float]:
    tp = sum(p and r.abstain for p, r in zip(predicted, rows, strict=True))
    fp = sum(p and not r.abstain for p, r in zip(predicted, rows, strict=True))
    fn = sum(not p and r.abstain for p, r in zip(predicted, rows, strict=True))
    return {
        "precision": round(tp / (tp + fp), 3) if tp + fp else 1.0,
        "recall": round(tp / (tp + fn), 3) if tp + fn else 1.0,
        "abstain": sum(r.abstain for r in rows),
    }


def _abstains(row: Row, intercept: float, weights: dict[str, float], threshold: float = 0.5) -> bool:
    return row.features is None or _probability(row, intercept, weights) >= threshold


def _probability(row: Row, intercept: float, weights: dict[str, float]) -> float:
    """The fitted probability of "no source" for a row the model decides."""
    features = row.features or {}
    z = intercept + sum(w * features[n] for n, w in weights.items())
    return float(1.0 / (1.0 + np.exp(-z)))


# The passage-selection constants tried by `--passages` (the chosen ones are in passages.py).
PASSAGE_GRID: dict[str, tuple[float, ...]] = {
    "passage.STANDING_POWER": (0.5, 1.0, 2.0),
    "passage.COVERAGE_FLOOR": (0.2, 0.5, 1.0),
    "passages._FURTHER_PASSAGE": (0.6, 0.75, 0.85, 0.95),
    "passages.MAX_PASSAGES": (2, 3),
}
# Which Absätze of a § are shown beside the best one (`--absaetze`; passage settings as chosen).
ABSATZ_GRID: dict[str, tuple[float, ...]] = {
    "law_passage._SIBLING_ABSATZ": (0.5, 0.7, 0.85, 1.01),
    "law_passage._REFERRING_ABSATZ": (0.3, 0.5, 0.7),
    "law_passage.MAX_ABSAETZE": (2, 3, 4),
}


def grid_place(name: str) -> tuple[object, str]:
    """The module and attribute of a grid name such as "passage.STANDING_POWER"."""
    from assistant.answering import law_passage, passage, passages

    module, attribute = name.split(".")
    return {"passage": passage, "passages": passages, "law_passage": law_passage}[module], attribute


def passage_grid(
    sets: list[tuple[str, KnowledgeIndex, list[Question]]], grid: dict[str, tuple[float, ...]]
) -> None:
    """Per setting of `PASSAGE_GRID`: gold citation, citation precision, key fact and answer length
    of the built-in answer on the dev questions (abstention aside: every question is answered)."""
    import itertools

    from assistant.answering.extractive import extract_answer
    from evals.facts import states_fact

    searched = {(name, q.id): index.search(q.question, k=RETRIEVE_K) for name, index, qs in sets for q in qs}
    saved = {name: getattr(*grid_place(name)) for name in grid}
    try:
        for values in itertools.product(*grid.values()):
            for name, value in zip(grid, values, strict=True):
                setattr(*grid_place(name), value)
            measured = {}
            for set_name, index, questions in sets:
                gold, flags, facts, chars = [], [], [], []
                for q in questions:
                    hits = searched[(set_name, q.id)]
                    answer = extract_answer(index, q.question, hits)
                    cited = [] if answer is None else answer.citations
                    chunks = index.chunks([c.chunk_id for c in cited])
                    marks = [
                        q.is_gold(
                            c.source, c.paragraph, c.section, getattr(chunks.get(c.chunk_id), "chapter", None)
                        )
                        for c in cited
                    ]
                    gold.append(any(marks))
                    flags += marks
                    chars.append(len(answer.text) if answer else 0)
                    if q.facts:
                        facts.append(answer is not None and states_fact(answer.text, q.facts))
                measured[set_name] = {
                    "gold_citation": round(sum(gold) / max(1, len(gold)), 3),
                    "citation_precision": round(sum(flags) / max(1, len(flags)), 3),
                    "key_fact": f"{sum(facts)}/{len(facts)}",
                    "chars": int(sum(chars) / max(1, len(chars))),
                }
            print(dict(zip(grid, values, strict=True)), measured, flush=True)
    finally:
        for name, value in saved.items():
            setattr(*grid_place(name), value)


def _index(root: Path, name: str, folders: list[Path]) -> KnowledgeIndex:
    index = KnowledgeIndex.open(make_settings(data_dir=root / name, embedder=EmbedderMode.HASHING))
    if index.stats().documents:
        return index
    report = IngestPipeline(index).add([f for f in folders if f.is_dir()])
    if report.failed:
        raise SystemExit(f"Indexieren fehlgeschlagen: {report.failed}")
    return index


def main() -> None:
    parser = argparse.ArgumentParser(description="Enthaltungsmodell auf dem Dev-Split anpassen.")
    parser.add_argument("--corpus", type=Path, default=PROJECT.parent / "shared" / "corpus")
    parser.add_argument("--knowledge", type=Path, default=PROJECT / "knowledge" / "documents")
    parser.add_argument("--show-dev", action="store_true", help="Dev-Fragen mit Merkmalen ausgeben.")
    parser.add_argument("--passages", action="store_true", help="Auswahl der Fundstellen: Raster auf Dev.")
    parser.add_argument("--absaetze", action="store_true", help="Auswahl der Absätze: Raster auf Dev.")
    parser.add_argument("--features", help="Diese Merkmale statt der gewählten anpassen (Komma-getrennt).")
    parser.add_argument(
        "--ablate", action="store_true", help="Kreuzvalidiert ohne je eines der Merkmale anpassen."
    )
    parser.add_argument("--indexes", type=Path, help="Vorhandene Indizes (DIR/corpus, DIR/knowledge) nutzen.")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="jha-calibrate-") as tmp:
        root = args.indexes or Path(tmp)
        corpus = _index(root, "corpus", [args.corpus / "press", args.corpus / "laws", args.corpus / "bylaws"])
        knowledge = _index(root, "knowledge", [args.knowledge])
        if args.passages or args.absaetze:
            passage_grid(
                [
                    (name, index, [q for q in load_questions(file) if q.split == "dev"])
                    for name, index, file in (
                        ("corpus", corpus, "corpus_questions.jsonl"),
                        ("knowledge", knowledge, "knowledge_questions.jsonl"),
                    )
                ],
                PASSAGE_GRID if args.passages else ABSATZ_GRID,
            )
            return
        rows = (
            evidence_rows(corpus, load_questions("corpus_questions.jsonl"), abstain=False)
            + evidence_rows(knowledge, load_questions("knowledge_questions.jsonl"), abstain=False)
            + evidence_rows(corpus, load_questions("abstain_questions.jsonl"), abstain=True)
        )
    dev = [r for r in rows if r.question.split == "dev"]
    names = args.features.split(",") if args.features else list(WEIGHTS)
    intercept, weights = fit(dev, names)
    print(f"INTERCEPT = {intercept:.3f}")
    print("WEIGHTS: dict[str, float] = {")
    for name, weight in weights.items():
        print(f'    "{name}": {weight:.3f},')
    print("}")
    print(
        f"dev at threshold {THRESHOLD}",
        scores(dev, intercept, weights, THRESHOLD),
        "cross-validated:",
        cross_validated(dev, names, threshold=THRESHOLD),
    )
    for threshold in (0.3, 0.35, 0.4, 0.45, 0.5, 0.55, 0.6):
        print(
            f"  threshold {threshold}: cross-validated on dev",
            cross_validated(dev, names, threshold=threshold),
        )
    if args.ablate:
        for left_out in names:
            kept = [n for n in names if n != left_out]
            measured = cross_validated(dev, kept, threshold=THRESHOLD)
            print(f"  without {left_out}: cross-validated on dev", measured)
    coverage, margin, chars, lead_scores = fit_lead(dev)
    print(
        f"Kurz gesagt: MIN_COVERAGE = {coverage}, MIN_MARGIN = {margin}, MAX_LEAD_CHARS = {chars}",
        lead_scores,
    )
    if args.show_dev:
        for row in dev:
            shown = {k: round(v, 2) for k, v in (row.features or {}).items()}
            z = intercept + sum(w * (row.features or {}).get(n, 0.0) for n, w in weights.items())
            verdict = "RULE" if row.features is None else f"{1 / (1 + np.exp(-z)):.2f}"
            print(
                row.question.id,
                "abstain" if row.abstain else "answer",
                verdict,
                shown,
                row.missing,
                row.question.question[:70],
                _lead_text(row),
            )


def _lead_text(row: Row) -> str:
    """ "Kurz gesagt" candidate: coverage / margin / length / states a fact."""
    lead = row.lead
    if lead is None:
        return ""
    return f"lead={lead.coverage:.2f}/{lead.margin:.2f}/{len(lead.sentence)}/{row.lead_states_fact}"


if __name__ == "__main__":
    main()
