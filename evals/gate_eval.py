"""The `[gate]` section of `python -m evals run`: the case-data gate and the storage filter, dev and test.

Over a scratch copy of the run's corpus index with `knowledge/documents/presse` added (so the names of
officials in both the corpus press releases and the sample press releases are public), on the four
snapshot sets of `evals.gate_data`:

- detector: per-type precision/recall (tokens, as presidio-research counts), question recall, false
  alarms on benign questions — per split;
- storage: for every case question, what refuse mode and redact mode would store (the storage filter
  behind the gate), and whether any labelled value survives in it ("values stored": must be 0, dev and
  test, every set); for benign questions, the share of words and of questions the filter masks;
- end to end: every benign test question (every second dev one) and every second case question
  through `Assistant.ask` (refuse mode), every fourth of those again in redact mode; then both answer
  logs are searched for the values.

Metrics per split under `splits` (thresholds, `thresholds.toml [gate]`, bound the test split). Failures
are listed for dev only: test failures are not for reading.
"""

from __future__ import annotations

import shutil
import tempfile
import time
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

from assistant.log import AnswerLog
from assistant.models import AnswerStatus
from assistant.service import Assistant
from evals.gate_data import (
    IDENTIFYING_TYPES,
    ROOT,
    KnownTermsGate,
    LabelledQuestion,
    evaluate_gate,
    load_sets,
    time_gate,
)
from evals.scoring import rate
from knowledge.settings import GateAction

Progress = Callable[[str], None]
PUBLIC_DOCUMENTS = ROOT / "knowledge" / "documents" / "presse"
# An age or a place alone identifies nobody: only these values count as stored case data.
_NOT_STORED_TYPES = {"AGE", "PLACE"}


def evaluate_gate_stage(
    assistant: Assistant, case_sample: int | None = None, progress: Progress | None = None
) -> dict[str, Any]:
    say = progress or (lambda _message: None)
    with tempfile.TemporaryDirectory(prefix="jha-gate-eval-") as scratch:
        say("Falldaten-Prüfung: Kopie des Index mit knowledge/documents/presse")
        refuse, redact = _scratch_assistants(assistant, Path(scratch))
        try:
            return _evaluate(refuse, redact, case_sample, say)
        finally:
            refuse.close()
            redact.answer_log.close()


def _scratch_assistants(assistant: Assistant, scratch: Path) -> tuple[Assistant, Assistant]:
    from ingest.pipeline import IngestPipeline
    from knowledge.index import KnowledgeIndex

    data_dir = scratch / "var"
    shutil.copytree(assistant.settings.data_dir, data_dir, ignore=shutil.ignore_patterns("*.sqlite3-*"))
    settings = assistant.settings.replaced(data_dir=data_dir, database_url=None)
    index = KnowledgeIndex.open(settings)
    IngestPipeline(index).add([PUBLIC_DOCUMENTS])
    refuse = Assistant(settings, index, AnswerLog(f"sqlite:///{scratch / 'refuse.sqlite3'}"), assistant.gate)
    redact_settings = settings.replaced(gate_action=GateAction.REDACT)
    redact = Assistant(
        redact_settings, index, AnswerLog(f"sqlite:///{scratch / 'redact.sqlite3'}"), assistant.gate
    )
    return refuse, redact


def _evaluate(refuse: Assistant, redact: Assistant, case_sample: int | None, say: Progress) -> dict[str, Any]:
    gate = KnownTermsGate(refuse.gate, refuse.terms())
    sets = load_sets()
    report: dict[str, Any] = {"sets": {name: len(questions) for name, questions in sets.items()}}
    for split in ("dev", "test"):
        questions = [q for qs in sets.values() for q in qs if q.split == split]
        say(f"Falldaten-Prüfung ({split}): Detektor und Speicherfilter, {len(questions)} Fragen")
        detector = evaluate_gate(gate, questions)
        set_of = {q.id: name for name, qs in sets.items() for q in qs}
        report[split] = {
            "detector": detector if split == "dev" else _without_failures(detector),
            "storage": _storage(refuse, gate, questions, set_of, keep_failures=split == "dev"),
        }
    all_questions = [q for qs in sets.values() for q in qs]
    cases = [q for q in all_questions if q.kind == "case"]
    benign = [q for q in all_questions if q.kind == "benign"]
    # Every case question meets the storage check above; end to end every second one is enough to
    # measure refusals (the canary test asks them all), every eighth one in redact mode too.
    step = max(1, len(cases) // case_sample) if case_sample else 2
    # Benign: every test question (the target), every second dev one.
    benign = [q for i, q in enumerate(benign) if q.split == "test" or i % 2 == 0]
    say(f"Falldaten-Prüfung: {len(benign)} unbedenkliche, {len(cases[::step])} Fallfragen an den Assistenten")
    report["end_to_end"] = _end_to_end(refuse, redact, benign, cases[::step], redact_every=4)
    report["timing"] = time_gate(
        lambda text: _stored_text(refuse, gate, text, GateAction.REDACT),
        [q.text for q in all_questions],
        cold_start=False,
    )
    report["splits"] = _split_metrics(report)
    # `metrics` is the test split's table too (the runner adds its own counts there).
    report["metrics"] = report["splits"]["test"]
    # The keys the report pages read: the test split's detector, and refusals end to end (failures: dev).
    report["detector"] = report["test"]["detector"]
    e2e = report["end_to_end"]
    report["end_to_end"] = {
        **e2e,
        "benign_questions": e2e["test"]["benign_questions"],
        "benign_refused": e2e["test"]["benign_refused"],
        "case_questions": e2e["test"]["case_questions"],
        "case_not_refused": e2e["test"]["case_not_refused"],
        "false_refusals": e2e["dev"].pop("false_refusals"),
        "case_passed": e2e["dev"].pop("case_passed"),
    }
    return report


def _stored_text(assistant: Assistant, gate: KnownTermsGate, text: str, action: GateAction) -> str | None:
    """What the Assistant would write for `text` as the question: nothing when refusing case data."""
    result = gate.check(text)
    if result.found and action is GateAction.REFUSE:
        return None
    return assistant.storage.clean(text, result.entities, result.public).text


def _leaks(question: LabelledQuestion, stored: str | None) -> list[str]:
    if stored is None:
        return []
    haystack, compact = stored.lower(), "".join(stored.lower().split())
    return [
        value
        for span, value in zip(question.spans, question.values(), strict=True)
        if span.type not in _NOT_STORED_TYPES
        and (value.lower() in haystack or "".join(value.lower().split()) in compact)
    ]


def _storage(
    assistant: Assistant,
    gate: KnownTermsGate,
    questions: Sequence[LabelledQuestion],
    set_of: dict[str, str],
    *,
    keep_failures: bool,
) -> dict[str, Any]:
    stored_values = {"refuse": 0, "redact": 0}
    per_set: dict[str, dict[str, int]] = {}
    leaks: list[str] = []
    words = masked_words = masked_questions = benign = 0
    for question in questions:
        if question.kind == "case":
            counts = per_set.setdefault(set_of[question.id], {"refuse": 0, "redact": 0})
            for action in (GateAction.REFUSE, GateAction.REDACT):
                found = _leaks(question, _stored_text(assistant, gate, question.text, action))
                stored_values[action.value] += len(found)
                counts[action.value] += len(found)
                leaks += [f"{action.value}: {value!r} in {question.text}" for value in found]
            continue
        result = gate.check(question.text)
        filtered = assistant.storage.clean(question.text, result.entities, result.public)
        benign += 1
        words += filtered.words
        masked_words += filtered.masked_words
        masked_questions += filtered.masked_words > 0
    report: dict[str, Any] = {
        "values_stored": stored_values,
        "values_stored_per_set": per_set,
        "benign_masked_word_rate": round(masked_words / words, 4) if words else None,
        "benign_masked_question_rate": round(masked_questions / benign, 4) if benign else None,
        "benign_words": words,
    }
    if keep_failures:
        report["leaks"] = leaks
    return report


def _end_to_end(
    refuse: Assistant,
    redact: Assistant,
    benign: Sequence[LabelledQuestion],
    cases: Sequence[LabelledQuestion],
    redact_every: int,
) -> dict[str, Any]:
    """Ask the Assistants; then look for each case question's values in its rows of both answer logs
    (question and search query; answers quote documents, which may print any word)."""
    started = time.perf_counter()
    benign_refused = {q.id: refuse.ask(q.text).status is AnswerStatus.REFUSED for q in benign}
    case_refused: dict[str, bool] = {}
    rows: dict[str, list[tuple[Assistant, str | None]]] = {}
    for question in cases:
        answer = refuse.ask(question.text)
        case_refused[question.id] = answer.status is AnswerStatus.REFUSED
        rows[question.id] = [(refuse, answer.log_id)]
    for question in cases[::redact_every]:
        rows[question.id].append((redact, redact.ask(question.text).log_id))
    stored = {"dev": 0, "test": 0}
    refused_text = {"dev": 0, "test": 0}
    for question in cases:
        for assistant, log_id in rows[question.id]:
            logged = _logged_text(assistant, log_id)
            stored[question.split] += len(_leaks(question, logged))
            if assistant is refuse and case_refused[question.id] and logged:
                refused_text[question.split] += 1  # a refused question is logged by its types only
    by_split: dict[str, Any] = {}
    for split in ("dev", "test"):
        split_benign = [benign_refused[q.id] for q in benign if q.split == split]
        split_cases = [case_refused[q.id] for q in cases if q.split == split]
        by_split[split] = {
            "benign_questions": len(split_benign),
            "benign_refused": sum(split_benign),
            "benign_answered_rate": None if not split_benign else round(1 - (rate(split_benign) or 0), 4),
            "case_questions": len(split_cases),
            "case_not_refused": sum(1 for refused in split_cases if not refused),
            "case_refusal_rate": rate(split_cases),
            "values_in_answer_logs": stored[split],
            "refused_text_logged": refused_text[split],
        }
    by_split["dev"]["false_refusals"] = [q.text for q in benign if q.split == "dev" and benign_refused[q.id]]
    by_split["dev"]["case_passed"] = [q.text for q in cases if q.split == "dev" and not case_refused[q.id]]
    return {
        **by_split,
        "redact_questions": len(cases[::redact_every]),
        "seconds": round(time.perf_counter() - started, 1),
    }


def _logged_text(assistant: Assistant, log_id: str | None) -> str:
    """What the answer log holds of a question: the question and the search query."""
    from sqlalchemy import select

    from assistant.log.schema import answers

    query = select(answers.c.question, answers.c.search_query).where(answers.c.id == log_id)
    with assistant.answer_log.engine.connect() as connection:
        row = connection.execute(query).first()
    return " ".join(filter(None, row or ()))


def _without_failures(detector: dict[str, Any]) -> dict[str, Any]:
    return {k: v for k, v in detector.items() if k not in {"false_refusals", "missed_spans"}}


def flat_gate_metrics(detector: dict[str, Any], prefix: str = "") -> dict[str, float | None]:
    """Threshold-ready detector numbers: recall (and precision) per identifying type, overall recall."""
    metrics: dict[str, float | None] = {
        f"{prefix}question_recall": detector["question_recall"],
        f"{prefix}false_refusal_rate": detector["false_refusal_rate"],
    }
    identifying = {t: m for t, m in detector["per_type"].items() if t in IDENTIFYING_TYPES and m["entities"]}
    for entity_type, m in identifying.items():
        metrics[f"{prefix}recall.{entity_type}"] = m["recall"]
        if "precision" in m:
            metrics[f"{prefix}precision.{entity_type}"] = m["precision"]
    metrics[f"{prefix}min_identifying_recall"] = min(
        (m["recall"] for m in identifying.values()), default=None
    )
    return metrics


def _split_metrics(report: dict[str, Any]) -> dict[str, dict[str, float | None]]:
    """Threshold-ready numbers per split ("splits": thresholds gate on test)."""
    splits: dict[str, dict[str, float | None]] = {}
    for split in ("dev", "test"):
        storage, e2e = report[split]["storage"], report["end_to_end"][split]
        metrics = flat_gate_metrics(report[split]["detector"])
        metrics["values_stored_refuse"] = storage["values_stored"]["refuse"]
        metrics["values_stored_redact"] = storage["values_stored"]["redact"]
        metrics["benign_masked_word_rate"] = storage["benign_masked_word_rate"]
        metrics["benign_masked_question_rate"] = storage["benign_masked_question_rate"]
        for key in ("benign_answered_rate", "case_refusal_rate"):
            metrics[f"e2e_{key}"] = e2e[key]
        metrics["values_in_answer_logs"] = e2e["values_in_answer_logs"]
        metrics["gate_sets_refused_text_logged"] = e2e["refused_text_logged"]
        splits[split] = metrics
    # The canary count must be 0 in every set and both splits; the test split's table carries the sum.
    splits["test"]["values_stored_dev_and_test"] = sum(
        splits[split][key]  # type: ignore[misc]
        for split in ("dev", "test")
        for key in ("values_stored_refuse", "values_stored_redact", "values_in_answer_logs")
    )
    return splits
