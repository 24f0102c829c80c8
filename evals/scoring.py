"""Small counting helpers shared by the answer, policy and gate evals."""

from __future__ import annotations

import statistics
from collections.abc import Sequence
from typing import Any


def rate(flags: Sequence[bool]) -> float | None:
    """Share of True; None for an empty list, so "no cases" never reads as a perfect or a zero score."""
    return round(sum(flags) / len(flags), 4) if flags else None


def binary_scores(expected: Sequence[bool], predicted: Sequence[bool]) -> dict[str, Any]:
    """Precision and recall of the positive class, with the counts behind them."""
    if len(expected) != len(predicted):
        raise ValueError("expected und predicted sind verschieden lang")
    pairs = list(zip(expected, predicted, strict=True))
    tp = sum(1 for e, p in pairs if e and p)
    fp = sum(1 for e, p in pairs if not e and p)
    fn = sum(1 for e, p in pairs if e and not p)
    return {
        "precision": round(tp / (tp + fp), 4) if tp + fp else None,
        "recall": round(tp / (tp + fn), 4) if tp + fn else None,
        "tp": tp,
        "fp": fp,
        "fn": fn,
        "tn": len(pairs) - tp - fp - fn,
    }


def latency(milliseconds: Sequence[int | float]) -> dict[str, float]:
    """p50/p95 of answer latencies as the Assistant measured them itself."""
    if not milliseconds:
        return {}
    values = sorted(milliseconds)
    p95 = values[min(len(values) - 1, round(0.95 * (len(values) - 1)))]
    return {"p50_ms": float(statistics.median(values)), "p95_ms": float(p95), "answers": len(values)}
