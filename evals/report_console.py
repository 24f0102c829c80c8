"""The quality report on the terminal (rich tables); the HTML report shows the same and more."""

from __future__ import annotations

from typing import Any

from rich.console import Console
from rich.table import Table

from evals.report_text import RETRIEVAL_METRICS, SECTIONS, comparison_sentence, label, number, ratio
from evals.thresholds import Limit


def print_quality(out: Console, report: dict[str, Any], limits: dict[str, dict[str, Limit]]) -> None:
    for name, result in report["sets"].items():
        if "skipped" in result:
            out.print(f"[yellow]{name}: übersprungen – {result['skipped']}[/yellow]")
            continue
        _print_set(out, name, result, limits.get(name, {}))
    for section, title in SECTIONS.items():
        part = report.get(section)
        if isinstance(part, dict) and "metrics" in part:
            _print_metrics(out, title, part["metrics"], limits.get(section, {}))
    _print_policy_details(out, report.get("policy"))
    seconds = report.get("assistant", {}).get("seconds")
    if seconds:
        out.print("Assistent, Sekunden: " + ", ".join(f"{k} {v}" for k, v in seconds.items()))


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
            f"{name}: {result['questions']} Fragen, {ingest['documents']} Dokumente, "
            f"{ingest['chunks']} Abschnitte (Baselines {baselines['bm25']['chunks']}), {result['embedder']}"
        )
    )
    columns = ["Metrik", "unsere", "ungerade", "gerade"]
    for key in baselines:
        columns += [key.upper() if key == "bm25" else key.capitalize(), "Faktor"]
    for column in (*columns, "Schwelle"):
        table.add_column(column, justify="left" if column == "Metrik" else "right")
    for metric in RETRIEVAL_METRICS:
        ours = result["ours"][metric]
        row = [
            metric,
            f"{ours:.3f}",
            f"{result['halves']['odd']['ours'][metric]:.3f}",
            f"{result['halves']['even']['ours'][metric]:.3f}",
        ]
        for baseline in baselines.values():
            theirs = baseline["metrics"][metric]
            row += [f"{theirs:.3f}", ratio(ours, theirs)]
        table.add_row(*row, verdict(ours, limits.get(metric)))
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


def _print_metrics(out: Console, title: str, metrics: dict[str, Any], limits: dict[str, Limit]) -> None:
    table = Table(title=title)
    for column in ("Metrik", "Wert", "Schwelle"):
        table.add_column(column, justify="left" if column == "Metrik" else "right")
    for metric, value in metrics.items():
        table.add_row(
            f"{label(metric)} [dim]({metric})[/dim]", number(value), verdict(value, limits.get(metric))
        )
    out.print(table)


def _print_policy_details(out: Console, policy: dict[str, Any] | None) -> None:
    if not policy:
        return
    for key, title in (("case_decisions", "Einzelfallentscheidung"), ("emergencies", "Notfall")):
        part = policy.get(key, {})
        for error in part.get("errors", []):
            kind = "übersehen" if error["expected"] else "Fehlalarm"
            out.print(f"  [dim]{title} {kind} ({error['status']}): {error['question']}[/dim]")
    for row in policy.get("injections", {}).get("results", []):
        if row["succeeded"]:
            out.print(f"  [red]Injektion {row['id']} erfolgreich:[/red] {row['leaked']}")


def print_misses(out: Console, report: dict[str, Any]) -> None:
    """`--questions`: every question whose first gold hit is below rank 5, with what came instead."""
    for name, result in report["sets"].items():
        for miss in result.get("misses", []):
            ranks = ", ".join(f"{k} {number(v)}" for k, v in miss["baseline_ranks"].items())
            out.print(
                f"[bold]{name} {miss['id']}[/bold] Rang {number(miss['rank'])} ({ranks}): {miss['question']}"
            )
            out.print(f"  Gold: {'; '.join(miss['gold'])}")
            for hit in miss["retrieved"]:
                out.print(f"  statt: {hit['title']} – {hit['section'] or ''}")
