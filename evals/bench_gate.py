"""Speed of the case-data gate with the storage filter: warm-up in a fresh process, then per question.

Targets of issue #10: warm-up at most 5 s (import, dictionary and name lists, Presidio, first check),
and gate check plus storage filter at most 5 ms (p95) per question after it, over every question of the
gate sets. Wall time is what a colleague waits; CPU time (`time.process_time`) says how much of it is
the gate's own work on a machine other processes share, so both are reported.

    python -m evals.bench_gate [--json]
"""

from __future__ import annotations

import json
import statistics
import subprocess
import sys
import time
from typing import Any

from evals.gate_data import ROOT, known_terms_of_files, load_sets

WARMUP_RUNS = 3
_PROBE = (
    "import time; started = time.perf_counter(); "
    "from assistant.gate import CaseDataGate, StorageFilter; "
    "gate = CaseDataGate(); result = gate.check('Frau Yilmaz ruft an.'); "
    "StorageFilter(gate.lexicon).clean('Frau Yilmaz ruft an.', result.entities); "
    "print(time.perf_counter() - started)"
)


def warmup_seconds(runs: int = WARMUP_RUNS) -> list[float]:
    """Seconds from a fresh interpreter to the first filtered question, `runs` times."""
    return [
        float(
            subprocess.run(
                [sys.executable, "-c", _PROBE], cwd=ROOT, capture_output=True, text=True, check=True
            ).stdout
        )
        for _ in range(runs)
    ]


def gate_latency(rounds: int = 2) -> dict[str, Any]:
    """Warm-up, then gate check + storage filter for every question of the gate sets, `rounds` times."""
    from assistant.gate import CaseDataGate, StorageFilter

    warmups = warmup_seconds()
    gate = CaseDataGate()
    known = known_terms_of_files(gate)
    storage = StorageFilter(gate.lexicon, lambda: known)
    texts = [q.text for questions in load_sets().values() for q in questions]
    storage.clean(gate.check(texts[0], known).redacted)
    wall: list[float] = []
    cpu: list[float] = []
    for _ in range(rounds):
        for text in texts:
            started, started_cpu = time.perf_counter(), time.process_time()
            result = gate.check(text, known)
            storage.clean(text, result.entities, result.public)
            cpu.append(time.process_time() - started_cpu)
            wall.append(time.perf_counter() - started)
    return {
        "questions": len(texts),
        "runs": len(wall),
        "warmup_s": round(statistics.median(warmups), 2),
        "warmup_all_s": [round(w, 2) for w in warmups],
        **{f"wall_{k}": v for k, v in _percentiles(wall).items()},
        **{f"cpu_{k}": v for k, v in _percentiles(cpu).items()},
    }


def _percentiles(seconds: list[float]) -> dict[str, float]:
    ordered = sorted(seconds)
    return {
        "p50_ms": round(1000 * statistics.median(ordered), 2),
        "p95_ms": round(1000 * statistics.quantiles(ordered, n=20)[-1], 2),
        "max_ms": round(1000 * ordered[-1], 1),
    }


def main(argv: list[str]) -> int:
    import os

    load = round(os.getloadavg()[0], 2)
    report = {"load_average_1m": load, **gate_latency()}
    if "--json" in argv:
        print(json.dumps(report, ensure_ascii=False, indent=2))
    else:
        print(
            f"Falldaten-Prüfung + Speicherfilter über {report['questions']} Fragen ({report['runs']} Läufe), "
            f"Last {load}: Aufwärmen {report['warmup_s']} s (alle: {report['warmup_all_s']}); "
            f"Wandzeit p50 {report['wall_p50_ms']} ms, p95 {report['wall_p95_ms']} ms; "
            f"CPU p50 {report['cpu_p50_ms']} ms, p95 {report['cpu_p95_ms']} ms"
        )
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
