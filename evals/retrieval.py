"""Retrieval metrics: recall@k, MRR and nDCG@10 of a ranked list of gold flags."""

from __future__ import annotations

import math
from collections.abc import Sequence


def first_relevant_rank(flags: Sequence[bool]) -> int | None:
    return next((rank for rank, flag in enumerate(flags, start=1) if flag), None)


def retrieval_metrics(rankings: list[list[bool]], ks: Sequence[int] = (1, 5, 10)) -> dict[str, float]:
    """Each ranking is the gold flag of every returned hit, best first."""
    n = max(1, len(rankings))
    ranks = [first_relevant_rank(flags) for flags in rankings]
    metrics = {f"recall@{k}": sum(1 for r in ranks if r is not None and r <= k) / n for k in ks}
    metrics["mrr"] = sum(1.0 / r for r in ranks if r is not None) / n
    metrics["ndcg@10"] = sum(_ndcg(flags[:10]) for flags in rankings) / n
    return metrics


def _ndcg(flags: Sequence[bool]) -> float:
    # Binary relevance at the level of passages: several chunks of the gold § may each count.
    dcg = sum(1.0 / math.log2(rank + 1) for rank, flag in enumerate(flags, start=1) if flag)
    ideal = sum(1.0 / math.log2(rank + 1) for rank in range(1, sum(flags) + 1))
    return dcg / ideal if ideal else 0.0
