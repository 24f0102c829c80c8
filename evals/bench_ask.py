"""Built-in `Assistant.ask` latency: gate, search, evidence check, extractive answer, log row.

The case-data gate builds its recognizers on first use (the server does that at start-up); that
warm-up is timed and reported apart, never mixed into the per-question latency.
"""

from __future__ import annotations

import time
from collections import Counter
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from assistant.service import Assistant
from evals.bench_stats import measure
from knowledge.settings import EmbedderMode, make_settings


def ask_latency(data_dir: Path, questions: Sequence[str], *, warmup: int) -> dict[str, Any]:
    """p50/p95 of `ask` over an index in `data_dir` (its answer log is written there)."""
    # Built-in answers, whatever the environment says: an LLM endpoint would measure the endpoint.
    settings = make_settings(
        data_dir=data_dir, embedder=EmbedderMode.HASHING, llm_base_url=None, llm_model=None, database_url=None
    )
    started = time.perf_counter()
    assistant = Assistant.build(settings)
    build_s = time.perf_counter() - started
    try:
        started = time.perf_counter()
        assistant.gate.check("Frau Test")
        gate_warmup_s = time.perf_counter() - started
        statuses: Counter[str] = Counter()

        def ask(question: str) -> None:
            statuses[assistant.ask(question).status.value] += 1

        result = measure(ask, questions, warmup=warmup)
    finally:
        assistant.close()
    return {
        **result,
        "mode": "builtin",
        "build_s": build_s,
        "gate_warmup_s": gate_warmup_s,
        "statuses": dict(statuses),
    }
