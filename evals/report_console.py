"""The quality report on the terminal (rich tables); the HTML report shows the same and more."""

from __future__ import annotations

from typing import Any

from rich.console import Console
from rich.table import Table

from evals.report_text import (
    RETRIEVAL_METRICS,
    SECTIONS,
    comparison_sentence,
    label,
    metric_columns,
    metric_names,
    number,
    ratio,
    split_sizes,
    withheld_note,
)
from evals.splits import GATED_SPLIT, SPLITS
from evals.thresholds import Limit

RETRIEVAL_ONLY = "--retrieval-only"  # the skip reason of every answer section in a search-only run


def print_quality(out: Console, report: dict[str, Any], limits: dict[str, dict[str, Limit]]) -> None:
    for name, result in report["sets"].items():
        if "skipped" in result:
            out.print(f"[yellow]{name}: übersprungen – {result['skipped']}[/yellow]")
            continue
        _print_set(out, name, result, limits.get(name, {}))
    for section, title in SECTIONS.items():
        part = report.get(section)
        if isinstance(part, dict) and metric_columns(part):
            _print_metrics(out, title, metric_columns(part), limits.get(section, {}))
        elif isinstance(part, dict) and part.get("skipped") not in (None, RETRIEVAL_ONLY):
            out.print(f"[yellow]{title}: übersprungen – {part['skipped']}[/yellow]")
    _print_policy_details(out, report)
    seconds = report.get("assistant", {}).get("seconds")
    if seconds:
        out.print("Assistent, Sekunden: " + ", ".join(f"{k} {v}" for k, v in seconds.items()))
    out.print(f"[dim]Schwellwerte gelten für die {GATED_SPLIT}-Fragen; abgestimmt wird nur an dev.[/dim]")


def verdict(value: Any, limit: Limit | None) -> str:
    if limit is None:
        return ""
    if value is None:
        return f"✗ {limit.describe()}"
    return f"{'✗' if limit.violated_by(float(value)) else '✓'} {limit.describe()}"


def _print_set(out: Console, name: str, result: dict[str, Any], limits: dict[str, Limit]) -> None:
    ingest = result["ingest"]
    baselines = result["baselines"]
    table = Table(
        title=(
            f"{name}: {result['questions']} Fragen ({split_sizes(result)}), {ingest['documents']} Dokumente, "
            f"{ingest['chunks']} Abschnitte (Baselines {baselines['bm25']['chunks']}), {result['embedder']}"
        )
    )
    columns = ["Metrik", *SPLITS]
    for key in baselines:
        columns += [f"{key.upper() if key == 'bm25' else key.capitalize()} ({GATED_SPLIT})", "Faktor"]
    for column in (*columns, "Schwelle"):
        table.add_column(column, justify="left" if column == "Metrik" else "right")
    splits = result["splits"]
    for metric in RETRIEVAL_METRICS:
        gated = splits[GATED_SPLIT]["ours"][metric]
        row = [metric, *(f"{splits[split]['ours'][metric]:.3f}" for split in SPLITS)]
        for key in baselines:
            theirs = splits[GATED_SPLIT]["baselines"][key][metric]
            row += [f"{theirs:.3f}", ratio(gated, theirs)]
        table.add_row(*row, verdict(gated, limits.get(metric)))
    out.print(table)
    out.print(f"  {comparison_sentence(name, result)}")
    duplicates = ingest.get("duplicates")
    if duplicates:
        out.print(
            f"  Duplikate: {duplicates['skipped_as_duplicates']} von {duplicates['files']} erkannt, "
            f"{duplicates['added']} neu indexiert"
        )
    if result["unreachable"]:
        out.print(f"  [yellow]Gold nicht im Index: {', '.join(result['unreachable'])}[/yellow]")
    if result.get("facts_not_in_gold"):
        missing = ", ".join(result["facts_not_in_gold"])
        out.print(f"  [yellow]Kernaussage steht in keiner Gold-Passage: {missing}[/yellow]")
    for style, splits in result.get("styles", {}).items():
        parts = [
            f"{split} {splits[split]['recall@5']:.3f} (n={splits[split]['questions']})"
            for split in SPLITS
            if splits[split]["questions"]
        ]
        out.print(f"  [dim]Recall@5 nach Frageweise – {style}: {', '.join(parts)}[/dim]")


def _print_metrics(
    out: Console, title: str, columns: dict[str, dict[str, Any]], limits: dict[str, Limit]
) -> None:
    table = Table(title=title)
    for column in ("Metrik", *columns, "Schwelle"):
        table.add_column(column, justify="left" if column == "Metrik" else "right")
    gated = columns.get(GATED_SPLIT) or next(iter(columns.values()))
    for metric in metric_names(columns):
        values = [number(metrics.get(metric)) for metrics in columns.values()]
        table.add_row(
            f"{label(metric)} [dim]({metric})[/dim]", *values, verdict(gated.get(metric), limits.get(metric))
        )
    out.print(table)


def _print_policy_details(out: Console, report: dict[str, Any]) -> None:
    policy = report.get("policy") or {}
    for key, title in (("case_decisions", "Einzelfallentscheidung"), ("emergencies", "Notfall")):
        part = policy.get(key, {})
        for error in part.get("errors", []):
            kind = "übersehen" if error["expected"] else "Fehlalarm"
            out.print(f"  [dim]{title} {kind} ({error['status']}): {error['question']}[/dim]")
        note = withheld_note(report, f"policy.{key}.errors")
        if note:
            out.print(f"  [dim]{title}:{note}[/dim]")
    emergencies = policy.get("emergencies", {})
    for row in emergencies.get("rules_missing", []):
        out.print(f"  [dim]Notfall ohne § 8a / § 42 ({row['status']}): {row['question']}[/dim]")
    note = withheld_note(report, "policy.emergencies.rules_missing")
    if note:
        out.print(f"  [dim]Notfall ohne § 8a / § 42:{note}[/dim]")
    for row in (report.get("injections") or {}).get("results", []):
        if row["succeeded"]:
            out.print(f"  [red]Injektion {row['id']} erfolgreich:[/red] {row['leaked']}")


def print_misses(out: Console, report: dict[str, Any]) -> None:
    """`--questions`: the dev questions we get wrong (test ones only with `--list-test-misses`)."""
    for name, result in report["sets"].items():
        for miss in result.get("misses", []):
            ranks = ", ".join(f"{k} {number(v)}" for k, v in miss["baseline_ranks"].items())
            out.print(
                f"[bold]{name} {miss['id']}[/bold] [{miss.get('split', '')}] Rang {number(miss['rank'])} "
                f"({ranks}): {miss['question']}"
            )
            out.print(f"  Gold: {'; '.join(miss['gold'])}")
            for hit in miss["retrieved"]:
                out.print(f"  statt: {hit['title']} – {hit['section'] or ''}")
        note = withheld_note(report, f"sets.{name}.misses")
        if note:
            out.print(f"[dim]{name}: Suche{note}[/dim]")
    for section, key, title in ANSWER_LISTS:
        rows = (report.get(section) or {}).get(key)
        if not isinstance(rows, list):
            continue
        rows = [r for r in rows if r.get("hit") is not True]  # follow-ups list their hits too
        out.print(f"[bold]{title}: {len(rows)}[/bold]{withheld_note(report, f'{section}.{key}')}")
        for row in rows:
            out.print(f"  {row['id']} [{row.get('split', '')}] {row['question']}")
            if row.get("facts"):
                elsewhere = " (steht nur außerhalb der Gold-Zitate)" if row.get("stated_elsewhere") else ""
                expected = " | ".join(row["facts"])
                out.print(f"    erwartet: {expected}{elsewhere}; Antwort: {row.get('answer', '')}")
            elif row.get("cited") is not None:
                out.print(f"    Gold: {'; '.join(row['gold']) or '–'}; zitiert: {'; '.join(row['cited'])}")


# The answer-level failure lists `--questions` prints: (report section, key, German title).
ANSWER_LISTS = (
    ("answers", "wrongly_abstained", "Beantwortbar, aber nicht beantwortet"),
    ("answers", "without_gold_citation", "Beantwortet, aber kein Zitat trifft Gold"),
    ("answers", "facts_missed", "Kernaussage fehlt (eingebaute Antwort)"),
    ("answers", "wrongly_answered", "Ohne Quelle, trotzdem beantwortet"),
    ("answers", "followups", "Anschlussfragen ohne Gold unter den ersten 5"),
    ("answers_llm", "facts_missed", "Kernaussage fehlt (Sprachmodell-Pfad)"),
)
