"""The stage that lost a question's gold: retrieval first, then each step of composing the answer."""

from __future__ import annotations

from dataclasses import replace

import pytest

from evals.miss_kinds import STAGES, Trace, stage_of

# Every stage kept the gold, the fact stands in the shown gold Absatz: a miss only the report explains.
KEPT = Trace(
    answered=True,
    gold_ranks=(1,),
    read_hits=6,
    gold_passage=True,
    gold_chosen=True,
    gold_shown=True,
    fact_in_shown_gold=True,
    fact_in_gold_paragraph=True,
)


@pytest.mark.parametrize(
    ("changes", "stage"),
    [
        ({"gold_ranks": ()}, "retrieval"),
        ({"gold_ranks": (7, 8)}, "retrieval"),  # found, but below the hits the passages are read from
        ({"gold_ranks": (7, 8), "answered": False}, "retrieval"),
        ({"answered": False}, "abstained"),
        ({"gold_passage": False, "gold_chosen": False, "gold_shown": False}, "not_read"),
        ({"gold_chosen": False, "gold_shown": False}, "not_chosen"),
        ({"gold_shown": False}, "dropped_borderline"),
        ({"fact_in_shown_gold": False}, "absatz_not_shown"),
        ({"fact_in_shown_gold": False, "fact_in_gold_paragraph": False}, "fact_not_in_gold"),
        ({}, "other"),
        ({"fact_in_shown_gold": None, "fact_in_gold_paragraph": None}, "other"),
    ],
)
def test_the_first_stage_that_lost_the_gold_is_named(changes: dict[str, object], stage: str) -> None:
    assert stage_of(replace(KEPT, **changes)) == stage
    assert stage in STAGES
