"""Retrieval metrics: recall@k, MRR and nDCG@10 over ranked lists of gold matches.

A ranked list records, for every returned hit (best first), which gold unit of the question it
matches (`Question.gold_match`) or None. Gold units are alternatives, so

- recall@k: share of questions with any gold hit in the first k;
- MRR: mean of 1 / rank of the first gold hit (0 when none is returned);
- nDCG@10: binary gain for the first hit on each gold unit; further chunks of a unit already shown
  gain nothing (five Absätze of § 8a are one answer, not five). The ideal list shows every gold unit
  the index holds (`gold_units`), so a question with two gold paragraphs scores 1 only when both come
  first.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass

NDCG_DEPTH = 10


@dataclass(frozen=True)
class Ranked:
    """One question's result list: the gold unit each hit matches, and how many units the index holds.

    >>> retrieval_metrics([Ranked((None, 0)), Ranked((None,))])["mrr"]
    0.25
    """

    matches: tuple[int | None, ...]
    gold_units: int = 1

    @property
    def first_rank(self) -> int | None:
        return next((rank for rank, unit in enumerate(self.matches, start=1) if unit is not None), None)


def retrieval_metrics(results: Sequence[Ranked], ks: Sequence[int] = (1, 5, 10)) -> dict[str, float]:
    """recall@k for each k, MRR and nDCG@10, averaged over the questions."""
    n = max(1, len(results))
    ranks = [r.first_rank for r in results]
    metrics = {f"recall@{k}": sum(1 for r in ranks if r is not None and r <= k) / n for k in ks}
    metrics["mrr"] = sum(1.0 / r for r in ranks if r is not None) / n
    metrics[f"ndcg@{NDCG_DEPTH}"] = sum(ndcg(r) for r in results) / n
    return metrics


def ndcg(result: Ranked, depth: int = NDCG_DEPTH) -> float:
    seen: set[int] = set()
    dcg = 0.0
    for rank, unit in enumerate(result.matches[:depth], start=1):
        if unit is not None and unit not in seen:
            seen.add(unit)
            dcg += 1.0 / math.log2(rank + 1)
    ideal = sum(1.0 / math.log2(rank + 1) for rank in range(1, min(result.gold_units, depth) + 1))
    return dcg / ideal if ideal else 0.0
