"""The console tables of `python -m evals bench`."""

from __future__ import annotations

from typing import Any

from rich.console import Console
from rich.table import Table

from evals.bench_search import SYSTEMS


def print_bench(out: Console, report: dict[str, Any]) -> None:
    machine = report["machine"]
    out.print(
        f"Maschine: {machine['cpu_count']} Kerne, {machine['memory_gib']} GiB, Python {machine['python']}, "
        f"Last (1 min) {machine['load_average_1m_at_start']} zu Beginn, "
        f"{machine['load_average_1m_at_end']} am Ende; "
        f"Embedder {report['embedder']}; {report['queries']} Anfragen je Messung "
        f"nach {_warmup(report)} zum Aufwärmen"
    )
    _ingest(out, report)
    if "ocr" in report:
        from evals.bench_ocr import print_ocr

        print_ocr(out, report["ocr"])
    _sync(out, report.get("sync"))
    _builds(out, report["indexes"])
    _search(out, report["search"])
    _ask_load_memory(out, report)
    _targets(out, report["targets"])


def _warmup(report: dict[str, Any]) -> int:
    return int(report["search"][0]["ours"]["warmup"]) if report.get("search") else 0


def _ingest(out: Console, report: dict[str, Any]) -> None:
    ingest = report["ingest"]
    table = Table(
        title=f"Ingest ../shared/corpus ({ingest['files']} Dateien, Median aus {ingest['runs']} Läufen)"
    )
    for column in (
        "Sekunden",
        "alle Läufe",
        "Dokumente",
        "Duplikate",
        "Abschnitte",
        "Dokumente/s",
        "Abschnitte/s",
    ):
        table.add_column(column, justify="right")
    table.add_row(
        f"{ingest['seconds']:.2f}",
        ", ".join(f"{s:.2f}" for s in ingest["all_seconds"]),
        str(ingest["documents"]),
        str(ingest["duplicates"]),
        str(ingest["chunks"]),
        f"{ingest['documents_per_second']:.1f}",
        f"{ingest['chunks_per_second']:.0f}",
    )
    out.print(table)


def _builds(out: Console, meta: dict[str, Any]) -> None:
    cached = (
        f"aus dem Zwischenspeicher, gebaut {meta['built_at']}"
        if meta.get("cached")
        else "in diesem Lauf gebaut"
    )
    table = Table(
        title=f"Aufbau der synthetisch vergrößerten Indizes ({cached}; beide Prozesse gleichzeitig)"
    )
    for column in (
        "Abschnitte",
        "unser Index s",
        "davon BM25-Neuaufbau s",
        "Abschnitte/s",
        "Chroma (stock) s",
        "Abschnitte/s",
    ):
        table.add_column(column, justify="right")
    previous = 0
    for stage in meta["stages"]:
        ours, stock = stage["ours"], stage["stock"]
        table.add_row(
            f"{previous:,} → {stage['size']:,}".replace(",", "."),
            f"{ours['seconds']:.1f}",
            f"{ours['lexical_rebuild_seconds']:.1f}",
            f"{ours['chunks_per_second']:.0f}",
            f"{stock['seconds']:.1f}",
            f"{stock['chunks_per_second']:.0f}",
        )
        previous = stage["size"]
    out.print(table)
    out.print(f"Gesamtaufbau: {meta['build_seconds']:.0f} s ({meta['path']})")


def _search(out: Console, rows: list[dict[str, Any]]) -> None:
    table = Table(title="Suchlatenz k=10 (ms): p50 / p95, Faktor = unsere ÷ andere")
    table.add_column("Abschnitte", justify="right")
    for label in SYSTEMS.values():
        table.add_column(label, justify="right")
    table.add_column("Faktor p95 ÷ BM25", justify="right")
    table.add_column("Faktor p95 ÷ Chroma", justify="right")
    for row in rows:
        table.add_row(
            f"{row['chunks']:,}".replace(",", "."),
            *(f"{row[s]['p50_ms']:.1f} / {row[s]['p95_ms']:.1f}" for s in SYSTEMS),
            _factor(row["ratios"]["ours/bm25"]["p95"]),
            _factor(row["ratios"]["ours/chroma"]["p95"]),
        )
    out.print(table)
    for row in rows:
        out.print(
            f"  {row['chunks']:,}".replace(",", ".")
            + f": BM25Retriever-Aufbau {row['bm25']['build_s']:.1f} s; erste Anfrage nach dem Öffnen: "
            f"unsere {row['ours']['first_ms']:.0f} ms, Chroma {row['chroma']['first_ms']:.0f} ms"
        )


def _factor(value: float | None) -> str:
    return "–" if value is None else f"{value:.2f}×"


def _ask_load_memory(out: Console, report: dict[str, Any]) -> None:
    ask, load, memory = report["ask"], report["load"], report["memory"]
    table = Table(title="Antworten, Last und Speicher")
    for column in ("Messung", "Abschnitte", "Ergebnis"):
        table.add_column(column, justify="left" if column != "Abschnitte" else "right")
    table.add_row(
        "Assistant.ask (eingebaut)",
        _n(ask["chunks"]),
        f"p50 {ask['p50_ms']:.1f} ms, p95 {ask['p95_ms']:.1f} ms "
        f"({ask['n']} Fragen; {_counts(ask['statuses'])}); "
        f"Gate-Aufwärmen {ask['gate_warmup_s']:.1f} s, Aufbau {ask['build_s']:.1f} s",
    )
    gate = report.get("gate")
    if gate:
        table.add_row(
            "Falldaten-Prüfung + Speicherfilter",
            "–",
            f"Wandzeit p50 {gate['wall_p50_ms']:.1f} ms, p95 {gate['wall_p95_ms']:.1f} ms; CPU p95 "
            f"{gate['cpu_p95_ms']:.1f} ms ({gate['questions']} Fragen); Aufwärmen {gate['warmup_s']:.1f} s",
        )
    latency = load["latency"] or {}
    table.add_row(
        f"Server unter Last ({load['users']} Nutzer, {load['duration_s']:.0f} s)",
        _n(load["chunks"]),
        f"{load['requests_per_second']:.1f} Anfragen/s, {load['requests']} Anfragen, "
        f"p50 {latency.get('p50_ms', 0):.0f} ms, p95 {latency.get('p95_ms', 0):.0f} ms; "
        f"Fehler {load['errors']}{_kinds(load['error_kinds'])}; Protokollzeilen {load['log_rows_written']} "
        f"für {load['answered']} Antworten (verloren {load['log_rows_lost']})",
    )
    table.add_row(
        "Server-Speicher (VmHWM)",
        _n(memory["chunks"]),
        f"Spitze {memory['peak_rss_mib']:.0f} MiB nach {memory['questions']} Fragen "
        f"(nach dem Start {memory['after_start_kib']['VmHWM'] / 1024:.0f} MiB, "
        f"Start {memory['server_start_s']:.1f} s, "
        f"Fehler {memory['errors']})",
    )
    out.print(table)


def _sync(out: Console, sync: dict[str, Any] | None) -> None:
    if not sync:
        return
    out.print(
        f"Abgleich (`ingest sync`): {sync['files']} Dateien zum ersten Mal {sync['first_seconds']:.1f} s; "
        f"unverändert {sync['unchanged_seconds']:.2f} s je Befehl, CPU {sync['unchanged_cpu_seconds']:.2f} s "
        f"(Läufe {sync['unchanged_all_seconds']}, "
        f"davon Abgleich selbst {sync['unchanged_sync_seconds']:.2f} s), "
        f"Spitzenspeicher {sync['unchanged_peak_rss_mb']} MB"
    )


def _targets(out: Console, targets: list[dict[str, Any]]) -> None:
    table = Table(title="Ziele")
    for column in ("Ziel", "Grenze", "gemessen", ""):
        table.add_column(column, justify="left" if column == "Ziel" else "right")
    for target in targets:
        value = target["value"]
        unit = " ms" if target["key"].endswith("_ms") else ""
        verdict = {True: "[green]erfüllt[/green]", False: "[red]verfehlt[/red]", None: "nicht gemessen"}[
            target["met"]
        ]
        bound = "=" if target["key"].startswith("load_") else "≤"
        table.add_row(
            target["what"],
            f"{bound} {target['limit']:g}{unit}",
            "–" if value is None else f"{value:.1f}{unit}" if unit else str(value),
            verdict,
        )
    out.print(table)


def _n(chunks: int) -> str:
    return f"{chunks:,}".replace(",", ".")


def _counts(counts: dict[str, int]) -> str:
    return ", ".join(f"{k} {v}" for k, v in sorted(counts.items()))


def _kinds(kinds: dict[str, int]) -> str:
    return f" ({_counts(kinds)})" if kinds else ""
