"""The leadership overview: rates and counts over answers, never over people."""

from __future__ import annotations

from collections import Counter
from datetime import date, timedelta
from typing import TYPE_CHECKING

from assistant.models import AnswerStatus

if TYPE_CHECKING:
    from assistant.log.store import LogEntry, Overview


def build_overview(entries: list[LogEntry], since: date, until: date) -> Overview:
    from assistant.log.store import Overview

    days: dict[date, list[int]] = {}
    day = since
    while day <= until:
        days[day] = [0, 0, 0, 0]
        day += timedelta(days=1)
    cited: Counter[tuple[str, str]] = Counter()
    verdicts: Counter[str] = Counter()
    negative = 0
    for entry in entries:
        counts = days.setdefault(entry.asked_at.date(), [0, 0, 0, 0])
        counts[0] += 1
        # An incomplete answer was served (in part): it counts as answered.
        status = AnswerStatus.ANSWERED if entry.status is AnswerStatus.INCOMPLETE else entry.status
        counts[1 + [AnswerStatus.ANSWERED, AnswerStatus.ABSTAINED, AnswerStatus.REFUSED].index(status)] += 1
        for citation in {(c["document_id"], c.get("title", "")) for c in entry.citations}:
            cited[citation] += 1
        if any(f.negative for f in entry.feedback):
            negative += 1
        for review in entry.reviews:
            verdicts[review.verdict] += 1
    total = len(entries)
    abstained = [e for e in entries if e.status is AnswerStatus.ABSTAINED]
    return Overview(
        per_day=[(d, *counts) for d, counts in sorted(days.items())],  # type: ignore[misc]
        total=total,
        abstention_rate=len(abstained) / total if total else 0.0,
        refusal_rate=sum(1 for e in entries if e.status is AnswerStatus.REFUSED) / total if total else 0.0,
        negative_feedback_rate=negative / total if total else 0.0,
        top_documents=[(doc_id, title, n) for (doc_id, title), n in cited.most_common(10)],
        unanswered=[(e.question, e.asked_at) for e in abstained if e.question][:50],
        verdicts=dict(verdicts),
    )
