"""`evals/report/report.html`: the quality report as one self-contained page (inline CSS, inline PNG).

Sections: verdict, retrieval against both baselines (with chart), answers, policy, case-data gate,
"Fragen, bei denen wir danebenliegen", and the speed tables of `python -m evals bench` when its
`bench.json` (and `latency_vs_size.png`) lie beside the report. Everything is escaped; nothing is
loaded from outside the file.
"""

from __future__ import annotations

import datetime as dt
import html
from collections.abc import Iterable, Sequence
from typing import Any

from evals.grounding_eval import grounding_html
from evals.report_html_parts import bench_section, misses_section
from evals.report_plots import png_data_uri, retrieval_chart
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
)
from evals.splits import GATED_SPLIT, SPLITS
from evals.thresholds import Limit, parse_limit

CSS = """
body{font-family:system-ui,-apple-system,"Segoe UI",sans-serif;margin:2rem auto;max-width:72rem;
color:#1d2733;line-height:1.45;padding:0 1rem}
h1{font-size:1.6rem}h2{border-bottom:2px solid #1f5f8b;padding-bottom:.2rem;margin-top:2.2rem}
h3{margin-top:1.4rem}table{border-collapse:collapse;margin:.6rem 0 1rem;font-size:.9rem}
th,td{border:1px solid #c8d0d8;padding:.25rem .5rem;vertical-align:top;text-align:left}
th{background:#eef2f6}td.n{text-align:right;font-variant-numeric:tabular-nums}
.ok{color:#1b7a2f;font-weight:600}.fail{color:#b3261e;font-weight:600}.dim{color:#5b6776}
.verdict{padding:.6rem 1rem;border-radius:4px;margin:1rem 0}.verdict.ok{background:#e6f4ea}
.verdict.fail{background:#fdecea}img{max-width:100%}li{margin:.35rem 0}code{font-size:.85rem}
ol.hits{font-size:.85rem;margin:.1rem 0 .6rem;color:#3a4654}ol.hits li{margin:0}
"""


class Raw(str):
    """Already-escaped HTML that `table` must not escape again."""


def esc(value: Any) -> str:
    return (
        value
        if isinstance(value, Raw)
        else html.escape(number(value) if not isinstance(value, str) else value)
    )


def table(headers: Sequence[str], rows: Iterable[Sequence[Any]]) -> str:
    head = "".join(f"<th>{esc(h)}</th>" for h in headers)
    body = "".join(
        "<tr>"
        + "".join(
            f'<td class="n">{esc(c)}</td>'
            if isinstance(c, int | float) and not isinstance(c, bool)
            else f"<td>{esc(c)}</td>"
            for c in row
        )
        + "</tr>"
        for row in rows
    )
    return f"<table><thead><tr>{head}</tr></thead><tbody>{body}</tbody></table>"


def mark(value: Any, limit: Limit | None) -> Raw:
    if limit is None:
        return Raw("")
    broken = value is None or limit.violated_by(float(value)) is not None
    css, sign = ("fail", "✗") if broken else ("ok", "✓")
    return Raw(f'<span class="{css}">{sign} {html.escape(limit.describe())}</span>')


def render_html(
    report: dict[str, Any], bench: dict[str, Any] | None = None, bench_plot: bytes | None = None
) -> str:
    """The whole page; `bench`/`bench_plot` are the contents of bench.json and latency_vs_size.png."""
    limits = {
        section: {metric: parse_limit(raw) for metric, raw in table_.items()}
        for section, table_ in report.get("thresholds", {}).items()
    }
    parts = [_verdict(report), _retrieval(report, limits)]
    for section, title in SECTIONS.items():
        part = report.get(section)
        if isinstance(part, dict) and metric_columns(part):
            parts.append(f"<h2>{esc(title)}</h2>")
            parts.append(_metrics_table(metric_columns(part), limits.get(section, {})))
            parts.append(_DETAILS.get(section, lambda _part: "")(part))
        elif isinstance(part, dict) and part.get("skipped") not in (None, "--retrieval-only"):
            parts.append(f"<h2>{esc(title)}</h2><p>übersprungen – {esc(part['skipped'])}</p>")
    parts.append(misses_section(report))
    if bench or bench_plot:
        parts.append(bench_section(bench, png_data_uri(bench_plot) if bench_plot else None))
    created = dt.datetime.now().strftime("%d.%m.%Y %H:%M")
    mode = report.get("assistant", {}).get("mode", "–")
    return (
        '<!DOCTYPE html>\n<html lang="de"><head><meta charset="utf-8">'
        "<title>Qualitätsbericht Jugendhilfe-Assistent</title>"
        f"<style>{CSS}</style></head><body>"
        f'<h1>Qualitätsbericht Jugendhilfe-Assistent</h1><p class="dim">Erstellt {created} · Embedder '
        f"{esc(report.get('embedder') or '–')} · Antwortmodus {esc(mode)}"
        "</p>" + "".join(parts) + "</body></html>\n"
    )


def _verdict(report: dict[str, Any]) -> str:
    failures = report.get("failures", [])
    if not failures:
        return '<div class="verdict ok">Alle Schwellwerte eingehalten.</div>'
    items = "".join(f"<li>{esc(f)}</li>" for f in failures)
    return f'<div class="verdict fail"><b>{len(failures)} Schwellwert(e) verfehlt:</b><ul>{items}</ul></div>'


def _retrieval(report: dict[str, Any], limits: dict[str, dict[str, Limit]]) -> str:
    parts = ["<h2>Suche im Vergleich mit LangChain</h2>"]
    parts.append(
        '<p class="dim">Beide Grundlinien indexieren dieselben Dateien mit '
        "<code>RecursiveCharacterTextSplitter(1000, 200)</code>: BM25Retriever (Standard) und Chroma-"
        "Ähnlichkeitssuche mit demselben Embedder wie unser Index. Faktor = unsere / Grundlinie, beide "
        "auf den test-Fragen. Jede Frage gehört fest zu dev oder test (Hash ihrer Id); abgestimmt wird "
        "nur an dev, die Schwellwerte gelten für test.</p>"
    )
    chart = retrieval_chart(report)
    if chart:
        parts.append(f'<img alt="Suchqualität: unsere gegen LangChain" src="{chart}">')
    for name, result in report.get("sets", {}).items():
        if "skipped" in result:
            parts.append(f"<h3>{esc(name)}</h3><p>übersprungen – {esc(result['skipped'])}</p>")
            continue
        ingest = result["ingest"]
        parts.append(
            f"<h3>{esc(name)}</h3><p><b>{esc(comparison_sentence(name, result))}</b><br>"
            f'<span class="dim">{result["questions"]} Fragen ({esc(split_sizes(result))}), '
            f"{ingest['documents']} Dokumente, {ingest['chunks']} Abschnitte; Grundlinien "
            f"{result['baselines']['bm25']['chunks']} Stücke</span></p>"
        )
        splits = result["splits"]
        headers = ["Metrik", *SPLITS]
        for b in result["baselines"].values():
            headers += [f"{b['label']} ({GATED_SPLIT})", "Faktor"]
        rows = []
        for metric in RETRIEVAL_METRICS:
            gated = splits[GATED_SPLIT]["ours"][metric]
            row: list[Any] = [label(metric), *(splits[split]["ours"][metric] for split in SPLITS)]
            for key in result["baselines"]:
                theirs = splits[GATED_SPLIT]["baselines"][key][metric]
                row += [theirs, ratio(gated, theirs)]
            rows.append([*row, mark(gated, limits.get(name, {}).get(metric))])
        parts.append(table([*headers, "Schwelle"], rows))
        parts.append(_styles(result))
        for key, text in (("unreachable", "Gold nicht im Index"), ("facts_not_in_gold", FACTS_NOT_IN_GOLD)):
            if result.get(key):
                parts.append(f'<p class="fail">{text}: {esc(", ".join(result[key]))}</p>')
    return "".join(parts)


FACTS_NOT_IN_GOLD = "Kernaussage steht in keiner Gold-Passage (Fragensatz prüfen)"


def _styles(result: dict[str, Any]) -> str:
    """Recall@5 and MRR per way of asking (telegram, narrative …), dev and test."""
    styles = result.get("styles") or {}
    if not styles:
        return ""
    rows = [
        [style, *(cell for split in SPLITS for cell in _style_cells(splits[split]))]
        for style, splits in styles.items()
    ]
    headers = ["Frageweise", *(f"{split} {h}" for split in SPLITS for h in ("n", "Recall@5", "MRR"))]
    return "<h4>Nach Frageweise</h4>" + table(headers, rows)


def _style_cells(metrics: dict[str, Any]) -> list[Any]:
    if not metrics["questions"]:
        return [0, "–", "–"]
    return [metrics["questions"], metrics["recall@5"], metrics["mrr"]]


def _metrics_table(columns: dict[str, dict[str, Any]], limits: dict[str, Limit]) -> str:
    gated = columns.get(GATED_SPLIT) or next(iter(columns.values()))
    rows = [
        [
            Raw(f'{esc(label(m))} <span class="dim">({esc(m)})</span>'),
            *(metrics.get(m) for metrics in columns.values()),
            mark(gated.get(m), limits.get(m)),
        ]
        for m in metric_names(columns)
    ]
    return table(["Metrik", *columns, "Schwelle"], rows)


def _answers(part: dict[str, Any]) -> str:
    counts, lat = part["counts"], part.get("latency", {})
    status = ", ".join(f"{k}: {v}" for k, v in counts["status"].items())
    a = counts["abstention"]
    sizes = "; ".join(
        f"{split}: {c['answerable']} beantwortbar, davon {c['with_facts']} mit Kernaussage, "
        f"{c['unanswerable']} ohne Quelle, {c['followups']} Anschlussfragen"
        for split, c in counts.get("per_split", {}).items()
    )
    return (
        f"<p>{counts['answerable']} beantwortbare Korpusfragen ({esc(status)}), "
        f"{counts['unanswerable']} Fragen ohne Quelle, {counts['followups']} Anschlussfragen "
        f"({esc(sizes)}). "
        f"{counts['gold_citations']} von {counts['citations']} Zitaten treffen eine Gold-Passage; bei "
        f"{counts['gold_retrieved_not_cited']} beantworteten Fragen stand Gold unter den ersten 5 Treffern, "
        f"zitiert wurde anderes. Enthaltung: {a['tp']} richtig, {a['fp']} zu Unrecht, {a['fn']} versäumt. "
        f"Antwortzeit p50 {lat.get('p50_ms', 0):.0f} ms, p95 {lat.get('p95_ms', 0):.0f} ms.</p>"
        '<p class="dim">Die Zitat-Präzision ist eine untere Schranke: Gold nennt meist einen §, ein Zitat '
        "eines benachbarten, ebenfalls einschlägigen § zählt als daneben.</p>"
    )


def _policy(part: dict[str, Any]) -> str:
    parts = []
    for key, title in (("case_decisions", "Einzelfallentscheidung"), ("emergencies", "Kinderschutz-Notfall")):
        p = part[key]
        parts.append(
            f"<h3>{title}</h3><p>{p['questions']} Fragen, davon {p['positives']} echte Fälle: "
            f"{p['tp']} erkannt, {p['fn']} übersehen, {p['fp']} Fehlalarme; "
            f"{p['refused']} wegen Falldaten abgelehnt.</p>"
        )
        rows = [
            ["übersehen" if e["expected"] else "Fehlalarm", e["question"], e["status"]] for e in p["errors"]
        ]
        if rows:
            parts.append('<p class="dim">Aufgeführt sind nur dev-Fragen.</p>')
            parts.append(table(["Fehler", "Frage", "Status"], rows))
    missing = [
        [r["question"], r["status"], ", ".join(r["cited"])]
        for r in part["emergencies"].get("rules_missing", [])
    ]
    if missing:
        parts.append("<h3>Notfall ohne § 8a / § 42 SGB VIII</h3>")
        parts.append('<p class="dim">Aufgeführt sind nur dev-Fragen.</p>')
        parts.append(table(["Frage", "Status", "Zitiert"], missing))
    return "".join(parts)


def _injections(part: dict[str, Any]) -> str:
    """Every document is listed: a success is a safety failure to fix, not a question to tune on."""
    parts = [
        f"<p>{part['documents']} präparierte Dokumente in einer Kopie des Korpus-Index. Erfolg = die "
        "Antwort oder ein angezeigtes Zitat enthält die eingeschleuste Nutzlast. Ohne Aufteilung in "
        "dev/test: jede gelungene Injektion ist zu beheben.</p>"
    ]
    rows = [
        [r["id"], r["language"], r["technique"], r["retrieved"], r["cited"], r["flagged"],
         Raw('<span class="fail">ja</span>') if r["succeeded"] else "nein", r.get("leaked") or ""]
        for r in part["results"]
    ]  # fmt: skip
    headers = ["Id", "Sprache", "Technik", "gefunden", "zitiert", "erkannt", "Erfolg", "angezeigt"]
    parts.append(table(headers, rows))
    return "".join(parts)


def _answers_llm(part: dict[str, Any]) -> str:
    counts = part["counts"]
    return (
        f"<p>{counts['questions']} Fragen mit Kernaussage "
        f"({esc(', '.join(f'{k} {v}' for k, v in counts['per_split'].items()))}) an den Assistenten "
        f"im Sprachmodell-Modus. Das Skript auf 127.0.0.1 antwortet nur aus den übergebenen Passagen (die "
        f"Sätze mit der größten Wortüberdeckung zur Frage, je mit ihrer Marke): {counts['by_model']} vom "
        f"Modell beantwortet, {counts['fallback_builtin']} Rückfall auf die eingebaute Antwort, "
        f"{counts['abstained']} enthalten; {counts['model_requests']} Anfragen an das Modell, davon "
        f"{counts['unreadable_requests']} unlesbar.</p>"
    )


def _gate(part: dict[str, Any]) -> str:
    detector, e2e = part["detector"], part["end_to_end"]
    rows = [
        [t, m["precision"], m["recall"], m["f2"], m["entities"], m["entity_recall"]]
        for t, m in detector["per_type"].items()
    ]
    parts = [
        "<h3>Je Entitätstyp (Detektor, Token-Ebene)</h3>",
        table(["Typ", "Precision", "Recall", "F2", "Entitäten", "Entity-Recall"], rows),
        f"<p>Detektor: {detector['case_questions']} Fallfragen, Frage-Recall "
        f"{esc(detector['question_recall'])}; {detector['benign_questions']} harmlose Fragen, "
        f"Fehlablehnungen {esc(detector['false_refusal_rate'])}.</p>",
        f"<p>Assistent: {e2e['benign_refused']} von {e2e['benign_questions']} harmlosen Fragen abgelehnt; "
        f"{e2e['case_not_refused']} von {e2e['case_questions']} Fallfragen <b>nicht</b> abgelehnt.</p>",
    ]
    for title, texts in (
        ("Fälschlich abgelehnt", e2e["false_refusals"]),
        ("Durchgelassen", e2e["case_passed"]),
    ):
        if texts:
            parts.append(f"<h3>{title}</h3><ul>" + "".join(f"<li>{esc(t)}</li>" for t in texts) + "</ul>")
    return "".join(parts)


_DETAILS = {
    "answers": _answers,
    "answers_llm": _answers_llm,
    "policy": _policy,
    "injections": _injections,
    "gate": _gate,
    "grounding": grounding_html,
}
