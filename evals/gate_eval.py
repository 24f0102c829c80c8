"""The case-data gate, twice: the detector alone (per entity type) and end to end through the Assistant.

The detector numbers come from `evals.gate_data.evaluate_gate` on the checked-in snapshots
`gate_cases.jsonl` / `gate_benign.jsonl`. End to end, the same benign questions go to `Assistant.ask`
and every refusal is a colleague turned away for nothing (policy target: at most 2 %); the case
questions go there too and every answer that was not refused is case data that reached the search and
the answer log.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

from assistant.models import AnswerStatus
from assistant.service import Assistant
from evals.gate_data import (
    BENIGN_FILE,
    CASES_FILE,
    IDENTIFYING_TYPES,
    LabelledQuestion,
    evaluate_gate,
    read_jsonl,
)
from evals.scoring import rate

Progress = Callable[[str], None]


def flat_gate_metrics(detector: dict[str, Any]) -> dict[str, float | None]:
    """Threshold-ready numbers: token recall per identifying type ("recall.PERSON") and the overall ones."""
    metrics: dict[str, float | None] = {
        "question_recall": detector["question_recall"],
        "false_refusal_rate": detector["false_refusal_rate"],
    }
    identifying = {t: m for t, m in detector["per_type"].items() if t in IDENTIFYING_TYPES and m["entities"]}
    for entity_type, m in identifying.items():
        metrics[f"recall.{entity_type}"] = m["recall"]
    metrics["min_identifying_recall"] = min((m["recall"] for m in identifying.values()), default=None)
    return metrics


def end_to_end(
    assistant: Assistant, benign: Sequence[LabelledQuestion], cases: Sequence[LabelledQuestion]
) -> dict[str, Any]:
    """Ask the Assistant; count refusals of benign questions and non-refusals of case questions."""
    benign_refused = [assistant.ask(q.text).status is AnswerStatus.REFUSED for q in benign]
    case_refused = [assistant.ask(q.text).status is AnswerStatus.REFUSED for q in cases]
    return {
        "benign_questions": len(benign),
        "benign_refused": sum(benign_refused),
        "false_refusal_rate": rate(benign_refused),
        "false_refusals": [q.text for q, r in zip(benign, benign_refused, strict=True) if r],
        "case_questions": len(cases),
        "case_not_refused": sum(1 for r in case_refused if not r),
        "case_refusal_rate": rate(case_refused),
        "case_passed": [q.text for q, r in zip(cases, case_refused, strict=True) if not r],
    }


def evaluate_gate_stage(
    assistant: Assistant, case_sample: int | None = None, progress: Progress | None = None
) -> dict[str, Any]:
    say = progress or (lambda _message: None)
    cases, benign = read_jsonl(CASES_FILE), read_jsonl(BENIGN_FILE)
    say(f"Falldaten-Prüfung: {len(cases)} Fallfragen, {len(benign)} unbedenkliche (Detektor)")
    detector = evaluate_gate(assistant.gate, [*cases, *benign])
    # Every n-th case question keeps the sample spread over all templates of the generator.
    step = max(1, len(cases) // case_sample) if case_sample else 1
    sample = cases[::step][: case_sample or None]
    say(f"Falldaten-Prüfung: {len(benign)} unbedenkliche und {len(sample)} Fallfragen an den Assistenten")
    e2e = end_to_end(assistant, benign, sample)
    metrics = flat_gate_metrics(detector)
    metrics["e2e_false_refusal_rate"] = e2e["false_refusal_rate"]
    metrics["e2e_case_refusal_rate"] = e2e["case_refusal_rate"]
    return {"detector": detector, "end_to_end": e2e, "metrics": metrics}
