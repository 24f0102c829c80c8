"""Thresholds of `python -m evals run`: loading `thresholds.toml` and checking a report against it.

A plain number is a minimum (`"recall@5" = 0.89`); an inline table says which side it bounds
(`injection_success_rate = { max = 0.0 }`, `citation_precision = { min = 0.7 }`). A table names a
retrieval set (`[corpus]`, its metrics in `report["sets"][name]["splits"]["test"]["ours"]`) or another
section of the report (`[answers]`, `[policy]`, `[gate]` …). Thresholds gate on the **test** split:
a section with `splits` is checked on `splits["test"]`; a section without a split (the case-data
gate's generated sets, the injection documents) on its `metrics`.
"""

from __future__ import annotations

import tomllib
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from evals.splits import GATED_SPLIT


@dataclass(frozen=True)
class Limit:
    minimum: float | None = None
    maximum: float | None = None

    def violated_by(self, value: float) -> str | None:
        """ "0.900 < 0.950" when `value` breaks the limit, else None."""
        if self.minimum is not None and value < self.minimum:
            return f"{value:.3f} < {self.minimum:.3f}"
        if self.maximum is not None and value > self.maximum:
            return f"{value:.3f} > {self.maximum:.3f}"
        return None

    def describe(self) -> str:
        parts = [f"≥ {self.minimum:.2f}"] if self.minimum is not None else []
        parts += [f"≤ {self.maximum:.2f}"] if self.maximum is not None else []
        return ", ".join(parts)

    def as_json(self) -> dict[str, float]:
        data = {"min": self.minimum, "max": self.maximum}
        return {k: v for k, v in data.items() if v is not None}


Thresholds = dict[str, dict[str, Limit]]


def parse_limit(raw: Any) -> Limit:
    if isinstance(raw, int | float) and not isinstance(raw, bool):
        return Limit(minimum=float(raw))
    if isinstance(raw, dict) and raw and set(raw) <= {"min", "max"}:
        low, high = raw.get("min"), raw.get("max")
        return Limit(None if low is None else float(low), None if high is None else float(high))
    raise ValueError(f"Schwellwert muss eine Zahl oder {{ min = …, max = … }} sein, nicht {raw!r}")


def load_thresholds(path: Path) -> Thresholds:
    with path.open("rb") as handle:
        raw = tomllib.load(handle)
    return {name: {m: parse_limit(v) for m, v in table.items()} for name, table in raw.items()}


def thresholds_json(thresholds: Thresholds) -> dict[str, dict[str, dict[str, float]]]:
    return {name: {m: limit.as_json() for m, limit in table.items()} for name, table in thresholds.items()}


def metrics_of(report: dict[str, Any], section: str) -> dict[str, Any] | None:
    """The metric dict a threshold table gates; None when that part was skipped or is unknown."""
    if section in report.get("sets", {}):
        result = report["sets"][section]
        return None if "skipped" in result else result["splits"][GATED_SPLIT]["ours"]
    part = report.get(section)
    if not isinstance(part, dict) or "skipped" in part:
        return None
    splits = part.get("splits")
    metrics = splits.get(GATED_SPLIT) if isinstance(splits, dict) else part.get("metrics")
    return metrics if isinstance(metrics, dict) else None


def _has_splits(report: dict[str, Any], section: str) -> bool:
    part = report.get("sets", {}).get(section, report.get(section))
    return isinstance(part, dict) and isinstance(part.get("splits"), dict)


def check(report: dict[str, Any], thresholds: Thresholds) -> list[str]:
    """Human-readable failures: metrics beyond their threshold, duplicates that were indexed."""
    failures: list[str] = []
    for section, limits in thresholds.items():
        known = section in report.get("sets", {}) or section in report
        if not known:
            failures.append(f"{section}: unbekannter Abschnitt in den Schwellwerten")
            continue
        metrics = metrics_of(report, section)
        if metrics is None:
            continue  # skipped on purpose (missing folder, --retrieval-only): not a failure
        name = f"{section} ({GATED_SPLIT})" if _has_splits(report, section) else section
        for metric, limit in limits.items():
            if metric not in metrics:
                failures.append(f"{name}: unbekannte Metrik {metric!r} in den Schwellwerten")
                continue
            value = metrics[metric]
            if value is None:  # e.g. a precision without a single positive prediction
                failures.append(f"{name}: {metric} nicht messbar (keine Fälle)")
                continue
            broken = limit.violated_by(float(value))
            if broken:
                failures.append(f"{name}: {metric} = {broken}")
    for name, result in report.get("sets", {}).items():
        if "skipped" in result:
            continue
        ingest = result["ingest"]
        if ingest["failed"]:
            failures.append(f"{name}: {len(ingest['failed'])} Dateien nicht indexiert")
        duplicates = ingest.get("duplicates")
        if duplicates and (duplicates["added"] or duplicates["skipped_as_duplicates"] != duplicates["files"]):
            failures.append(
                f"{name}: {duplicates['added']} von {duplicates['files']} Duplikaten neu indexiert, "
                f"{duplicates['skipped_as_duplicates']} erkannt"
            )
    return failures
