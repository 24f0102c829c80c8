"""Dev and test: every eval question belongs to one split, fixed by its id (`evals.gold.split_of`).

Metrics are reported for both splits side by side; thresholds gate on test. The lists of questions
we get wrong show dev questions only: a test question that fails is counted, never shown, so nobody
tunes on it. The final audit may list them with `python -m evals run --list-test-misses` (not for
tuning). Every list of failures the report holds is registered in `MISS_LISTS`; a new section adds
its lists there.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any, TypeVar

from evals.gold import Question, split_of

SPLITS = ("dev", "test")
GATED_SPLIT = "test"

T = TypeVar("T")

# Where the report lists failing questions: a path of keys ("*" = every set). Each row has an "id".
MISS_LISTS: tuple[tuple[str, ...], ...] = (
    ("sets", "*", "misses"),
    ("answers", "wrongly_abstained"),
    ("answers", "without_gold_citation"),
    ("answers", "wrongly_answered"),
    ("answers", "facts_missed"),
    ("answers", "followups"),
    ("answers_llm", "facts_missed"),
    ("answers_llm", "without_gold_citation"),
    ("policy", "case_decisions", "errors"),
    ("policy", "emergencies", "errors"),
    ("policy", "emergencies", "rules_missing"),
)
WITHHELD = "withheld_test_rows"  # report key: dotted list path -> number of test rows not shown


def by_split(questions: Sequence[Question], items: Sequence[T]) -> dict[str, list[T]]:
    """`items` (one per question, same order) grouped by the question's split."""
    grouped: dict[str, list[T]] = {split: [] for split in SPLITS}
    for question, item in zip(questions, items, strict=True):
        grouped[question.split].append(item)
    return grouped


def per_split(
    questions: Sequence[Question], items: Sequence[T], measure: Callable[[list[T]], dict[str, Any]]
) -> dict[str, dict[str, Any]]:
    """`measure` applied to the items of each split: `{"dev": …, "test": …}`."""
    return {split: measure(group) for split, group in by_split(questions, items).items()}


def withhold_test_rows(report: dict[str, Any], *, list_test: bool = False) -> None:
    """Tag every failure row with its split and (unless `list_test`) drop the test rows, counting them."""
    withheld: dict[str, int] = {}
    for path in MISS_LISTS:
        for dotted, holder, key in _lists(report, path):
            rows = holder[key]
            for row in rows:
                row["split"] = split_of(str(row["id"]))
            # Follow-ups list their hits too; only a failure counts as a withheld miss.
            test_misses = [r for r in rows if r["split"] == GATED_SPLIT and r.get("hit") is not True]
            withheld[dotted] = 0 if list_test else len(test_misses)
            if not list_test:
                holder[key] = [row for row in rows if row["split"] != GATED_SPLIT]
    report[WITHHELD] = withheld


def _lists(node: Any, path: tuple[str, ...], prefix: str = "") -> list[tuple[str, dict[str, Any], str]]:
    """(dotted path, dict holding the list, key) for every list the path reaches."""
    if not isinstance(node, dict) or not path:
        return []
    head, rest = path[0], path[1:]
    keys = [k for k in node if not isinstance(node[k], dict) or "skipped" not in node[k]]
    names = keys if head == "*" else [head] if head in node else []
    found: list[tuple[str, dict[str, Any], str]] = []
    for name in names:
        dotted = f"{prefix}.{name}" if prefix else name
        if not rest:
            if isinstance(node[name], list):
                found.append((dotted, node, name))
        else:
            found += _lists(node[name], rest, dotted)
    return found
