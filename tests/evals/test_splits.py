"""Failure lists hold dev questions only; test rows are counted, listed only for the final audit."""

from __future__ import annotations

import copy
from typing import Any

from evals.gold import Question
from evals.splits import WITHHELD, by_split, per_split, withhold_test_rows

# c3, c4, f1 hash to dev; c1, c2, f2 to test (see test_metrics for the rule).
REPORT: dict[str, Any] = {
    "sets": {
        "corpus": {"misses": [{"id": "c1"}, {"id": "c3"}]},
        "knowledge": {"skipped": "Dokumente fehlen"},
    },
    "answers": {
        "facts_missed": [{"id": "c2"}, {"id": "c4"}],
        "followups": [{"id": "f1", "hit": False}, {"id": "f2", "hit": True}],
    },
    "policy": {"case_decisions": {"errors": [{"id": "c2"}]}},
}


def test_test_rows_are_withheld_and_counted() -> None:
    report = copy.deepcopy(REPORT)
    withhold_test_rows(report)
    assert report["sets"]["corpus"]["misses"] == [{"id": "c3", "split": "dev"}]
    assert report["answers"]["facts_missed"] == [{"id": "c4", "split": "dev"}]
    assert report["answers"]["followups"] == [{"id": "f1", "hit": False, "split": "dev"}]
    assert report["policy"]["case_decisions"]["errors"] == []
    assert report[WITHHELD] == {
        "sets.corpus.misses": 1,
        "answers.facts_missed": 1,
        "answers.followups": 0,  # the test follow-up was a hit: withheld, but no miss
        "policy.case_decisions.errors": 1,
    }


def test_final_audit_lists_everything_tagged_with_its_split() -> None:
    report = copy.deepcopy(REPORT)
    withhold_test_rows(report, list_test=True)
    assert [r["split"] for r in report["sets"]["corpus"]["misses"]] == ["test", "dev"]
    assert set(report[WITHHELD].values()) == {0}


def test_grouping_keeps_order_within_a_split() -> None:
    questions = [Question(i, "?") for i in ("c1", "c3", "c2", "c4")]
    assert by_split(questions, [1, 2, 3, 4]) == {"dev": [2, 4], "test": [1, 3]}
    assert per_split(questions, [1, 2, 3, 4], lambda xs: {"n": sum(xs)}) == {
        "dev": {"n": 6},
        "test": {"n": 4},
    }
