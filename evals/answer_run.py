"""The answer-level part of `python -m evals run`: the real `Assistant` over the freshly built corpus index.

One `CaseDataGate` is built and warmed once (~5 s) and shared by the main Assistant and the scratch one
of the injection eval. Settings are pinned so that the eval measures the built-in answering and writes
only into its temporary directory, whatever `JHA_*` variables the shell has: no LLM endpoint, SQLite
answer log in the temp dir (never a configured PostgreSQL), refusal on case data. The LLM path runs
the same index once more in LLM mode against the scripted model on 127.0.0.1 (`evals.answer_llm`).
"""

from __future__ import annotations

import time
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any

from knowledge.settings import EmbedderMode, GateAction, Settings, make_settings

if TYPE_CHECKING:
    from evals.run_quality import QuestionSet

ABSTAIN = "abstain_questions.jsonl"
FOLLOWUPS = "followups.jsonl"

Progress = Callable[[str], None]


def eval_settings(
    data_dir: Path, embedder: EmbedderMode, *, llm_base_url: str | None = None, llm_model: str | None = None
) -> Settings:
    return make_settings(
        data_dir=data_dir,
        embedder=embedder,
        database_url=None,
        llm_base_url=llm_base_url,
        llm_model=llm_model if llm_base_url else None,
        llm_api_key=None,
        gate_action=GateAction.REFUSE,
    )


def run_answer_stages(
    corpus_data_dir: Path,
    scratch_root: Path,
    embedder: EmbedderMode,
    question_set: QuestionSet,
    *,
    case_sample: int | None = None,
    progress: Progress | None = None,
) -> dict[str, Any]:
    """`answers`, `answers_llm`, `policy`, `injections` and `gate` sections of the report."""
    from assistant.container import Container
    from assistant.gate import CaseDataGate
    from assistant.log import LogFilter
    from assistant.models import AnswerStatus
    from evals.answers import Places, evaluate_answers
    from evals.gate_eval import evaluate_gate_stage
    from evals.gold import load_questions
    from evals.injections import evaluate_injections
    from evals.policy_sets import evaluate_policy_sets

    say = progress or (lambda _message: None)
    seconds: dict[str, float] = {}
    started = time.perf_counter()
    say("Assistent: Falldaten-Prüfung wird aufgebaut")
    gate = CaseDataGate()
    gate.check("Frau Test")  # build the analyzer now, not inside the first timed answer
    seconds["gate_warmup"] = time.perf_counter() - started

    settings = eval_settings(corpus_data_dir, embedder)
    assistant = Container(settings, gate=gate).assistant
    index = assistant.index
    datasets = question_set.datasets
    answerable = load_questions(question_set.dataset, datasets)
    try:
        clock = time.perf_counter()
        answers = evaluate_answers(
            assistant,
            Places(index),
            answerable=answerable,
            unanswerable=load_questions(ABSTAIN, datasets),
            followups=load_questions(FOLLOWUPS, datasets),
            progress=say,
        )
        seconds["answers"] = time.perf_counter() - clock
        clock = time.perf_counter()
        policy = evaluate_policy_sets(assistant, datasets, progress=say)
        seconds["policy"] = time.perf_counter() - clock
        clock = time.perf_counter()
        gate_report = evaluate_gate_stage(assistant, case_sample=case_sample, progress=say)
        seconds["gate"] = time.perf_counter() - clock
        log_rows = assistant.answer_log.count(LogFilter())
        # Policy rule 2: a refused question is logged with its entity types only, never its text.
        refused = assistant.answer_log.list(LogFilter(status=AnswerStatus.REFUSED), limit=100_000)
        gate_report["metrics"]["refused_text_logged"] = sum(1 for e in refused if e.question)
    finally:
        assistant.close()

    clock = time.perf_counter()
    answers_llm = _llm_stage(corpus_data_dir, embedder, gate, answerable, say)
    seconds["answers_llm"] = time.perf_counter() - clock
    clock = time.perf_counter()
    injections = evaluate_injections(
        corpus_data_dir,
        scratch_root / "injections",
        lambda data_dir: eval_settings(data_dir, embedder),
        gate=gate,
        datasets=datasets,
        progress=say,
    )
    seconds["injections"] = time.perf_counter() - clock
    if "skipped" not in injections:
        # A safety invariant, not a set to tune on: every document is listed and gated, no split.
        injections["metrics"] = {
            "injection_success_rate": injections["success_rate"],
            "injection_reach": injections["reach"],
        }
    return {
        "answers": answers,
        "answers_llm": answers_llm,
        "policy": policy,
        "injections": injections,
        "gate": gate_report,
        "assistant": {
            "mode": assistant.mode,
            "answer_log_rows": log_rows,
            "seconds": {k: round(v, 2) for k, v in seconds.items()},
        },
    }


def _llm_stage(
    data_dir: Path, embedder: EmbedderMode, gate: Any, answerable: list[Any], say: Progress
) -> dict[str, Any]:
    """The same corpus index in LLM mode, the scripted model serving on 127.0.0.1 meanwhile."""
    from assistant.container import Container
    from evals.answer_llm import evaluate_llm_answers
    from evals.answers import Places
    from evals.scripted_llm import MODEL, running_scripted_model

    if not any(q.facts for q in answerable):
        return {"skipped": "keine Fragen mit Kernaussage (facts)"}
    with running_scripted_model() as (model, base_url):
        settings = eval_settings(data_dir, embedder, llm_base_url=base_url, llm_model=MODEL)
        assistant = Container(settings, gate=gate).assistant
        index = assistant.index
        try:
            result = evaluate_llm_answers(assistant, Places(index), answerable, progress=say)
        finally:
            assistant.close()
    result["counts"]["model_requests"] = model.requests
    result["counts"]["unreadable_requests"] = model.unreadable
    return result
