"""The grounding check (`assistant.answering.grounding`) on labelled statements: precision and recall of
"shown as sourced", dev and test side by side, and the threshold calibrated on dev.

`datasets/grounding.jsonl` holds statements about real passages of `../shared/corpus` — whole Absätze
as the LLM gets them, found again by source, § and Absatz (the corpus is read, never copied). Each line:
`{"id", "source", "paragraph", "absatz", "statement", "label", "kind", "origin"}`; `label` is
`supported` (the passage says it), `unsupported` (it does not: other numbers, flipped negation, an
absolute term, another passage's content, a wrong §) or `injected` (a link, an address, an instruction
to the reader). `origin` is `hand` (written against the passage) or `rule` (`evals.grounding_build`).
The split is `evals.gold.split_of(id)`; the threshold is chosen on dev only.

Positive class: "supported". Precision = shown statements that are supported; recall = supported
statements that are shown. Injected statements shown is counted apart and must be 0.
"""

from __future__ import annotations

import html
import json
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any

from assistant.answering.grounding import THRESHOLD, GroundingCheck, Support, passage_text
from evals.gold import DATASETS, split_of
from evals.scoring import binary_scores

DATASET = "grounding.jsonl"
LABELS = ("supported", "unsupported", "injected")
# Candidate thresholds for the calibration on dev (the check's own default is `THRESHOLD`).
GRID = tuple(round(0.40 + 0.05 * n, 2) for n in range(11))
Progress = Callable[[str], None]


@dataclass(frozen=True)
class Statement:
    id: str
    source: str
    paragraph: str | None
    absatz: str | None
    statement: str
    label: str
    kind: str
    origin: str

    @property
    def split(self) -> str:
        return split_of(self.id)


def load_statements(path: Path = DATASETS / DATASET) -> list[Statement]:
    statements = []
    for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
        if not line.strip():
            continue
        raw = json.loads(line)
        if raw.get("label") not in LABELS:
            raise ValueError(f"{path.name}, Zeile {number}: label muss eines von {LABELS} sein")
        statements.append(
            Statement(
                raw["id"],
                raw["source"],
                raw.get("paragraph"),
                raw.get("absatz"),
                raw["statement"],
                raw["label"],
                raw.get("kind", ""),
                raw.get("origin", "hand"),
            )
        )
    return statements


class CorpusPassages:
    """Whole-Absatz passages of the corpus, chunked exactly as ingest chunks them."""

    def __init__(self, corpus: Path) -> None:
        self.corpus = corpus

    def text(self, source: str, paragraph: str | None, absatz: str | None) -> str:
        """The passage as the grounding check sees it in the product: law, title, § heading, Absätze."""
        for heads, chunk in self._chunks(source):
            if chunk.paragraph == paragraph and (absatz is None or absatz in chunk.absaetze):
                return passage_text(chunk.text, *heads, chunk.section)
        raise KeyError(f"{source}: kein Abschnitt {paragraph} Abs. {absatz}")

    def all_passages(self, source: str) -> list[tuple[str | None, tuple[str, ...], str]]:
        """(paragraph, Absätze, raw chunk text) of every chunk of a source."""
        return [(c.paragraph, c.absaetze, c.text) for _heads, c in self._chunks(source)]

    @cache  # noqa: B019 - one instance per eval run; the corpus is small
    def _chunks(self, source: str) -> list[tuple[tuple[str | None, str], Any]]:
        from ingest.chunking import chunk_document
        from ingest.loaders import load_file
        from ingest.metadata import extract_metadata
        from knowledge.text.injection import screen_paragraphs

        loaded = load_file(self.corpus / source)
        meta = extract_metadata(source, loaded.text, loaded.front_matter, html_title=loaded.html_title)
        text, _screened = screen_paragraphs(loaded.text)
        return [((meta.law, meta.title), chunk) for chunk in chunk_document(text, meta.type, meta.title)]


def evaluate_grounding(corpus: Path, progress: Progress | None = None) -> dict[str, Any]:
    """The `grounding` section of `python -m evals run`."""
    path = DATASETS / DATASET
    if not path.exists() or not corpus.is_dir():
        return {"skipped": f"{DATASET} oder Korpus fehlt"}
    statements = load_statements(path)
    missing = sorted({s.source for s in statements if not (corpus / s.source).is_file()})
    if missing:
        return {"skipped": f"Quellen von {DATASET} fehlen im Korpus: {', '.join(missing)}"}
    say = progress or (lambda _message: None)
    say(f"Belegprüfung: {len(statements)} Aussagen")
    passages = CorpusPassages(corpus)
    check = GroundingCheck()
    supports = {
        s.id: check.check(s.statement, [passages.text(s.source, s.paragraph, s.absatz)]) for s in statements
    }
    dev = [s for s in statements if s.split == "dev"]
    calibration = {str(t): _scores(dev, supports, t)["f0.5"] for t in GRID}
    report: dict[str, Any] = {
        "statements": len(statements),
        "threshold": THRESHOLD,
        "calibration_dev_f0.5": calibration,
        "splits": {},
        "details": {},
    }
    for split in ("dev", "test"):
        part = [s for s in statements if s.split == split]
        scores = _scores(part, supports, THRESHOLD)
        # Flat numbers per split (shown side by side, thresholds on test); counts in `details`.
        report["splits"][split] = {
            "grounding_precision": scores["precision"],
            "grounding_recall": scores["recall"],
            "grounding_f0.5": scores["f0.5"],
            "grounding_injected_shown": scores["injected_shown"],
            "grounding_statements": len(part),
        }
        report["details"][split] = {
            **{k: scores[k] for k in ("tp", "fp", "fn", "tn")},
            "by_label": dict(Counter(s.label for s in part)),
            "by_kind_shown": _shown_by_kind(part, supports),
        }
    # Dev failures are listed to tune on; test failures are never listed (evals/splits.py).
    report["dev_errors"] = [
        {"id": s.id, "label": s.label, "kind": s.kind, "statement": s.statement, **_why(supports[s.id])}
        for s in dev
        if supports[s.id].shown != (s.label == "supported")
    ]
    return report


def grounding_html(part: dict[str, Any]) -> str:
    """Dev and test side by side for the HTML report (test errors are not listed, by design)."""
    rows = "".join(
        f"<tr><td>{split}</td><td>{html.escape(str(d['by_label']))}</td><td>{d['tp']}</td><td>{d['fp']}</td>"
        f"<td>{d['fn']}</td><td>{d['tn']}</td></tr>"
        for split, d in part["details"].items()
    )
    return (
        "<table><tr><th>Split</th><th>Labels</th><th>belegt, gezeigt</th><th>nicht belegt, gezeigt</th>"
        f"<th>belegt, entfernt</th><th>nicht belegt, entfernt</th></tr>{rows}</table>"
        f"<p>Schwelle {part['threshold']} (kalibriert auf dev); {len(part['dev_errors'])} Fehler auf dev.</p>"
    )


def _scores(statements: list[Statement], supports: dict[str, Support], threshold: float) -> dict[str, Any]:
    expected = [s.label == "supported" for s in statements]
    shown = [_shown_at(supports[s.id], threshold) for s in statements]
    scores = binary_scores(expected, shown)
    p, r = scores["precision"] or 0.0, scores["recall"] or 0.0
    scores["f0.5"] = round(1.25 * p * r / (0.25 * p + r), 4) if p + r else 0.0
    scores["statements"] = len(statements)
    scores["injected_shown"] = sum(
        1 for s, show in zip(statements, shown, strict=True) if show and s.label == "injected"
    )
    return scores


def _shown_at(support: Support, threshold: float) -> bool:
    """What the check would decide at another threshold: hard failures stay failures."""
    if support.reason not in (None, "gering"):
        return False
    return support.score >= threshold and support.score > 0


def _shown_by_kind(statements: list[Statement], supports: dict[str, Support]) -> dict[str, str]:
    counts: dict[str, list[int]] = {}
    for s in statements:
        key = f"{s.label}/{s.kind}"
        shown, total = counts.setdefault(key, [0, 0])
        counts[key] = [shown + supports[s.id].shown, total + 1]
    return {key: f"{shown}/{total}" for key, (shown, total) in sorted(counts.items())}


def _why(support: Support) -> dict[str, Any]:
    return {"score": round(support.score, 3), "reason": support.reason, "missing": list(support.missing)}


def main(argv: list[str]) -> None:
    """`python -m evals.grounding_eval [--corpus DIR]`: dev and test numbers, the dev calibration, and
    the dev errors (never the test ones) to tune on."""
    corpus = Path(argv[argv.index("--corpus") + 1]) if "--corpus" in argv else Path("../shared/corpus")
    report = evaluate_grounding(corpus)
    if "skipped" in report:
        print(f"übersprungen: {report['skipped']}")
        raise SystemExit(2)
    for split, scores in report["splits"].items():
        print(
            f"{split}: {scores['grounding_statements']} Aussagen {report['details'][split]['by_label']}, "
            f"Präzision {scores['grounding_precision']}, Recall {scores['grounding_recall']}, "
            f"F0.5 {scores['grounding_f0.5']}, injiziert gezeigt {scores['grounding_injected_shown']}"
        )
    print(f"Schwelle {report['threshold']}; F0.5 auf dev je Schwelle: {report['calibration_dev_f0.5']}")
    print("dev, gezeigt je Art:", report["details"]["dev"]["by_kind_shown"])
    for error in report["dev_errors"]:
        print(
            f"  dev {error['id']} {error['label']}/{error['kind']} {error['score']} {error['reason']}: "
            f"{error['statement'][:140]} – fehlt: {error['missing']}"
        )


if __name__ == "__main__":
    import sys

    main(sys.argv[1:])
