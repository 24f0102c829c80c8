"""Synthetic labelled questions for the case-data gate, and the metrics that judge it.

Four sets, each a checked-in JSONL snapshot under `evals/datasets/` generated from Faker with a fixed
seed, every line with an id that fixes its split (`evals.gold.split_of`: tune on dev, report on test):

- `gate_cases.jsonl` / `gate_benign.jsonl`: the first sets (`evals.gate_templates`);
- `gate_case_variants.jsonl` / `gate_benign_lookalikes.jsonl`: new templates written for issue #10
  (`evals.gate_variants`): lower case, no cue word, foreign, hyphenated and initialled names, office file
  numbers, insurance numbers, phone formats, addresses in running text, quasi-identifiers; and benign
  questions that look like case data (ages, law dates, §§, amounts, offices, places, officials' names);
- `gate_address_cases.jsonl` / `gate_address_benign.jsonl`: hand-written lines, marked up as
  `[[TYPE:value]]` in their `template` field: addresses the way staff and attackers type them (street
  abbreviations and compounds, adjectives before the street, letters and ranges in the house number,
  numbers in words, floors and flats, Postfach, Ortsteile, lower case), and benign questions naming
  towns, offices and courts ("Jugendamt Hamm", "OLG Hamm", "Hamm-Uentrop") outside any address.

    python -m evals.gate_data --write                  # regenerate the issue #10 snapshots
    python -m evals.gate_data --report [--json]        # detector metrics on dev (tuning) and test
"""

from __future__ import annotations

import json
import statistics
import subprocess
import sys
import time
from collections.abc import Callable, Iterable, Sequence
from pathlib import Path
from typing import Any, Protocol

import regex

from evals.gate_model import LabelledQuestion, LabelledSpan, read_jsonl, write_jsonl
from evals.gate_templates import generate_benign_set, generate_case_data_set

ROOT = Path(__file__).resolve().parent.parent
DATASETS = ROOT / "evals" / "datasets"
CASES_FILE = DATASETS / "gate_cases.jsonl"
BENIGN_FILE = DATASETS / "gate_benign.jsonl"
CASE_VARIANTS_FILE = DATASETS / "gate_case_variants.jsonl"
BENIGN_LOOKALIKES_FILE = DATASETS / "gate_benign_lookalikes.jsonl"
ADDRESS_CASES_FILE = DATASETS / "gate_address_cases.jsonl"
ADDRESS_BENIGN_FILE = DATASETS / "gate_address_benign.jsonl"
SET_FILES = {
    "cases": CASES_FILE,
    "benign": BENIGN_FILE,
    "case_variants": CASE_VARIANTS_FILE,
    "benign_lookalikes": BENIGN_LOOKALIKES_FILE,
    "address_cases": ADDRESS_CASES_FILE,
    "address_benign": ADDRESS_BENIGN_FILE,
}
# Targets of policy rule 1 (issue #10, on the test split). AGE is no target: an age alone identifies
# nobody; SCHOOL_CLASS and PLACE count only in combination and are measured, not targeted.
RECALL_TARGET, FALSE_REFUSAL_TARGET = 0.98, 0.01
IDENTIFYING_TYPES = (
    "PERSON", "DATE_OF_BIRTH", "ADDRESS", "PHONE_NUMBER", "EMAIL_ADDRESS", "IBAN_CODE", "TAX_ID",
    "SOCIAL_SECURITY_NUMBER", "FILE_NUMBER", "LICENSE_PLATE",
)  # fmt: skip

__all__ = [
    "LabelledQuestion", "LabelledSpan", "evaluate_gate", "generate_benign_set", "generate_case_data_set",
    "load_sets", "missed_targets", "read_jsonl", "write_jsonl",
]  # fmt: skip


class Gate(Protocol):
    def check(self, text: str) -> Any: ...


def load_sets(split: str | None = None) -> dict[str, list[LabelledQuestion]]:
    """Every snapshot set by name, optionally only its "dev" or "test" questions."""
    return {
        name: [q for q in read_jsonl(path) if split is None or q.split == split]
        for name, path in SET_FILES.items()
        if path.exists()
    }


def _tokens(text: str) -> list[tuple[int, int]]:
    return [(m.start(), m.end()) for m in regex.finditer(r"\w+|[^\w\s]", text)]


def _type_at(spans: Iterable[Any], start: int, end: int) -> str | None:
    return next((s.type for s in spans if s.start < end and start < s.end), None)


def _ratio(hits: Sequence[bool]) -> float | None:
    return round(sum(hits) / len(hits), 4) if hits else None


def evaluate_gate(gate: Gate, cases: Iterable[LabelledQuestion]) -> dict[str, Any]:
    """Per-type token precision/recall/F2 (counted as presidio-research does), entity recall, false refusals.

    Tokens are words and punctuation marks; a token counts for a type when a labelled (or detected) span of
    that type overlaps it. `entity_recall` counts a labelled span as found when a detected span of the same
    type overlaps it, which is what blocking needs. A benign question with any finding is a false refusal.
    """
    counts: dict[str, dict[str, int]] = {}
    entity_hits: dict[str, list[bool]] = {}
    tag_hits: dict[str, list[bool]] = {}
    case_flags: list[bool] = []
    benign_flags: list[bool] = []
    refused: list[str] = []
    missed: list[str] = []
    for question in cases:
        detected = gate.check(question.text).entities
        if question.kind == "benign":
            benign_flags.append(bool(detected))
            refused += [question.text] if detected else []
            continue
        case_flags.append(bool(detected))
        for start, end in _tokens(question.text):
            gold, predicted = _type_at(question.spans, start, end), _type_at(detected, start, end)
            for entity_type in {gold, predicted} - {None}:
                c = counts.setdefault(entity_type, {"tp": 0, "fp": 0, "fn": 0})  # type: ignore[arg-type]
                c["tp" if gold == predicted else "fn" if entity_type == gold else "fp"] += 1
        for span in question.spans:
            hit = any(d.type == span.type and d.start < span.end and span.start < d.end for d in detected)
            entity_hits.setdefault(span.type, []).append(hit)
            if not hit:
                missed.append(f"{span.type}: {question.text[span.start : span.end]!r} in {question.text}")
            for tag in question.tags if span.type == "PERSON" else ():
                tag_hits.setdefault(tag, []).append(hit)
    per_type = {}
    for entity_type, c in sorted(counts.items()):
        precision = c["tp"] / (c["tp"] + c["fp"]) if c["tp"] + c["fp"] else 0.0
        recall = c["tp"] / (c["tp"] + c["fn"]) if c["tp"] + c["fn"] else 0.0
        f2 = 5 * precision * recall / (4 * precision + recall) if precision + recall else 0.0
        hits = entity_hits.get(entity_type, [])
        per_type[entity_type] = {
            "precision": round(precision, 4), "recall": round(recall, 4), "f2": round(f2, 4),
            "entities": len(hits), "entity_recall": _ratio(hits),
        }  # fmt: skip
    return {
        "per_type": per_type,
        "case_questions": len(case_flags),
        "question_recall": _ratio(case_flags),
        "benign_questions": len(benign_flags),
        "false_refusal_rate": _ratio(benign_flags),
        "false_refusals": refused,
        "missed_spans": missed,
        "person_recall_by_tag": {tag: _ratio(hits) for tag, hits in tag_hits.items()},
    }


def missed_targets(metrics: dict[str, Any]) -> list[str]:
    """The targets of policy rule 1 that `metrics` miss; empty when the gate meets them."""
    missed = [
        f"{entity_type}: Recall {m['recall']:.3f} < {RECALL_TARGET}"
        for entity_type, m in metrics["per_type"].items()
        if entity_type in IDENTIFYING_TYPES and m["entities"] and m["recall"] < RECALL_TARGET
    ]
    rate = metrics["false_refusal_rate"]
    if rate is not None and rate > FALSE_REFUSAL_TARGET:
        missed.append(f"Fehlablehnungen {rate:.3f} > {FALSE_REFUSAL_TARGET}")
    return missed


def time_gate(
    check: Callable[[str], Any], texts: Sequence[str], runs: int = 400, cold_start: bool = True
) -> dict[str, float]:
    """Cold start in a fresh interpreter (import, build, first check), then `runs` checks with `check`."""
    timings: dict[str, float] = {}
    if cold_start:
        probe = (
            "import time; t = time.perf_counter(); from assistant.gate import CaseDataGate; "
            "CaseDataGate().check('Frau Yilmaz ruft an.'); print(time.perf_counter() - t)"
        )
        run = subprocess.run(
            [sys.executable, "-c", probe], cwd=ROOT, capture_output=True, text=True, check=True
        )
        timings["cold_start_s"] = round(float(run.stdout), 2)
    started = time.perf_counter()
    check(texts[0])
    timings["first_check_s"] = round(time.perf_counter() - started, 3)
    durations = []
    for i in range(runs):
        started = time.perf_counter()
        check(texts[i % len(texts)])
        durations.append(time.perf_counter() - started)
    timings["median_ms"] = round(1000 * statistics.median(durations), 2)
    timings["p95_ms"] = round(1000 * statistics.quantiles(durations, n=20)[-1], 2)
    timings["runs"] = runs
    return timings


PUBLIC_SOURCES = (ROOT.parent / "shared" / "corpus" / "press", ROOT / "knowledge" / "documents" / "presse")


def known_terms_of_files(gate: Any, sources: Sequence[Path] = PUBLIC_SOURCES) -> Any:
    """Words and public names of the press releases the eval indexes, read from the files (no index)."""
    from assistant.gate import KnownTerms, PublicNames
    from knowledge.terms import PHRASE, WORD, document_terms

    phrases: set[str] = set()
    words: set[str] = set()
    for folder in sources:
        for path in sorted(folder.glob("*")) if folder.is_dir() else ():
            terms = document_terms(path.read_text(encoding="utf-8"))
            phrases |= terms[PHRASE]
            words |= terms[WORD]
    return KnownTerms(frozenset(words), PublicNames.from_phrases(phrases, gate.lexicon))


class KnownTermsGate:
    """The gate as the Assistant calls it: with the words and public names of the knowledge base."""

    def __init__(self, gate: Any, known: Any) -> None:
        self.gate, self.known = gate, known

    def check(self, text: str) -> Any:
        return self.gate.check(text, self.known)


def _print_report(split: str, metrics: dict[str, Any], show_failures: bool) -> None:
    print(
        f"\n== {split}: {metrics['case_questions']} Fallfragen, {metrics['benign_questions']} unbedenkliche"
    )
    print(f"{'Typ':<24}{'Precision':>10}{'Recall':>8}{'F2':>8}{'Entitäten':>11}{'Entity-Recall':>15}")
    for entity_type, m in metrics["per_type"].items():
        entity_recall = "–" if m["entity_recall"] is None else f"{m['entity_recall']:.3f}"
        print(
            f"{entity_type:<24}{m['precision']:>10.3f}{m['recall']:>8.3f}{m['f2']:>8.3f}"
            f"{m['entities']:>11}{entity_recall:>15}"
        )
    print(
        f"Frage-Recall {metrics['question_recall']:.3f}; Fehlablehnungen {metrics['false_refusal_rate']:.3f}"
    )
    print(f"Personen-Recall nach Markierung: {metrics['person_recall_by_tag']}")
    if show_failures:  # only ever the dev split: test failures are not looked at
        for text in metrics["false_refusals"]:
            print(f"  fälschlich markiert: {text}")
        for line in metrics["missed_spans"]:
            print(f"  übersehen: {line}")


def main(argv: Sequence[str]) -> int:
    """`--write` regenerates the snapshots; `--report` evaluates the gate on them (`--json` for scripts)."""
    if not {"--write", "--report"} & set(argv):
        print(__doc__)
        return 2
    if "--write" in argv:
        from evals.gate_variants import generate_benign_lookalikes, generate_case_variants

        # The first snapshots stay as checked in: their birth dates were drawn relative to the day they
        # were written (Faker's date_of_birth), so regenerating them would change the questions.
        write_jsonl(CASE_VARIANTS_FILE, generate_case_variants())
        write_jsonl(BENIGN_LOOKALIKES_FILE, generate_benign_lookalikes())
        print(
            f"geschrieben: {CASE_VARIANTS_FILE.relative_to(ROOT)}, {BENIGN_LOOKALIKES_FILE.relative_to(ROOT)}"
        )
    if "--report" in argv:
        from assistant.gate import CaseDataGate

        gate = CaseDataGate()
        known = known_terms_of_files(gate)
        report = {}
        for split in ("dev", "test"):
            questions = [q for qs in load_sets(split).values() for q in qs]
            report[split] = evaluate_gate(KnownTermsGate(gate, known), questions)
        texts = [q.text for qs in load_sets().values() for q in qs]
        report["timings"] = time_gate(lambda text: gate.check(text, known), texts)
        if "--json" in argv:
            print(json.dumps(report, ensure_ascii=False, indent=2))
        else:
            for split in ("dev", "test"):
                _print_report(split, report[split], show_failures=split == "dev")
            print(f"\nZeit: {report['timings']}")
        missed = missed_targets(report["test"])
        for line in missed:
            print(f"ZIEL VERFEHLT (test): {line}", file=sys.stderr)
        return 1 if missed else 0
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
