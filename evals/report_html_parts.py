"""The long lists of the HTML report: where we miss, and the speed tables of `python -m evals bench`."""

from __future__ import annotations

import html
from typing import Any

from evals.report_text import number, withheld_note


def _e(value: Any) -> str:
    return html.escape(value if isinstance(value, str) else number(value))


def _list(items: list[str]) -> str:
    return "<ul>" + "".join(f"<li>{item}</li>" for item in items) + "</ul>" if items else ""


def _hits(hits: list[dict[str, Any]]) -> str:
    items = "".join(
        f"<li>{_e(h.get('title') or h.get('source'))} – {_e(h.get('section') or '')}</li>" for h in hits
    )
    return f'<ol class="hits">{items}</ol>'


def misses_section(report: dict[str, Any]) -> str:
    """The dev questions we get wrong (test ones only with `--list-test-misses`), with what came instead."""
    parts = [
        "<h2>Fragen, bei denen wir danebenliegen</h2>",
        '<p class="dim">Aufgeführt sind die dev-Fragen; verfehlte test-Fragen werden nur gezählt, damit '
        "niemand an ihnen abstimmt.</p>",
    ]
    for name, result in report.get("sets", {}).items():
        misses = result.get("misses", [])
        parts.append(
            f"<h3>Suche ({_e(name)}): Gold nicht unter den ersten 5 – {len(misses)} Fragen"
            f"{_e(withheld_note(report, f'sets.{name}.misses'))}</h3>"
            '<p class="dim">Rang „–“ heißt: nicht unter den ersten 10.</p>'
        )
        rows = []
        for m in misses:
            ranks = ", ".join(f"{k}: {_e(v)}" for k, v in m.get("baseline_ranks", {}).items())
            rows.append(
                f'<b>{_e(m["id"])}</b>{_split(m)} {_e(m["question"])}<br><span class="dim">Gold:</span> '
                f'{_e("; ".join(m["gold"]))} · <span class="dim">unser Rang</span> {_e(m["rank"])} '
                f'<span class="dim">(Grundlinien {ranks})</span><br><span class="dim">stattdessen:</span> '
                f"{_hits(m['retrieved'])}"
            )
        parts.append(_list(rows))
    for section in ("answers", "answers_llm"):
        part = report.get(section)
        if isinstance(part, dict) and "splits" in part:
            parts.append(_answer_misses(report, section, part))
    return "".join(parts)


def _split(row: dict[str, Any]) -> str:
    return f' <span class="dim">[{_e(row["split"])}]</span>' if "split" in row else ""


def _heading(report: dict[str, Any], section: str, key: str, title: str, count: int) -> str:
    return f"<h3>{title} – {count} Fragen{_e(withheld_note(report, f'{section}.{key}'))}</h3>"


def _cited_rows(rows: list[dict[str, Any]]) -> str:
    return _list(
        [
            f'<b>{_e(x["id"])}</b>{_split(x)} {_e(x["question"])}<br><span class="dim">Gold:</span> '
            f"{_e('; '.join(x['gold']) or '– (keine Quelle vorhanden)')}{_seen(x)} · "
            '<span class="dim">zitiert:'
            f'</span> {_e("; ".join(x["cited"]))}<br><span class="dim">{_e(x["lead"])}</span>'
            for x in rows
        ]
    )


def _facts_rows(rows: list[dict[str, Any]]) -> str:
    return _list(
        [
            f"<b>{_e(x['id'])}</b>{_split(x)} ({_e(x['status'])}) {_e(x['question'])}<br>"
            f'<span class="dim">erwartet eines von:</span> {_e(" | ".join(x["facts"]))}{_elsewhere(x)} · '
            f'<span class="dim">zitiert:</span> {_e("; ".join(x["cited"]))}<br>'
            f'<span class="dim">{_e(x["answer"])}</span>'
            for x in rows
        ]
    )


def _elsewhere(row: dict[str, Any]) -> str:
    """A fact the answer states, but not under a gold citation: missed by the strict metric only."""
    if not row.get("stated_elsewhere"):
        return ""
    return ' <span class="dim">(steht nur außerhalb der Gold-Zitate)</span>'


def _answer_misses(report: dict[str, Any], section: str, answers: dict[str, Any]) -> str:
    if section == "answers_llm":
        rows = answers["facts_missed"]
        return _heading(
            report, section, "facts_missed", "Sprachmodell-Pfad: Kernaussage fehlt", len(rows)
        ) + _facts_rows(rows)
    missed = answers["wrongly_abstained"]
    parts = [
        _heading(report, section, "wrongly_abstained", "Beantwortbar, aber nicht beantwortet", len(missed))
    ]
    parts.append(
        _list(
            [
                f"<b>{_e(x['id'])}</b>{_split(x)} ({_e(x['status'])}) {_e(x['question'])}<br>"
                f'<span class="dim">Gold:</span> {_e("; ".join(x["gold"]))} · '
                f'<span class="dim">vorgeschlagen:</span> {_e("; ".join(x["suggestions"]))}'
                for x in missed
            ]
        )
    )
    rows = answers["without_gold_citation"]
    parts.append(
        _heading(
            report, section, "without_gold_citation", "Beantwortet, aber kein Zitat trifft Gold", len(rows)
        )
    )
    parts.append(_cited_rows(rows))
    rows = answers.get("facts_missed", [])
    parts.append(_heading(report, section, "facts_missed", "Kernaussage fehlt in der Antwort", len(rows)))
    parts.append(_facts_rows(rows))
    rows = answers["wrongly_answered"]
    parts.append(
        _heading(report, section, "wrongly_answered", "Ohne Quelle, trotzdem beantwortet", len(rows))
    )
    parts.append(_cited_rows(rows))
    followups = [f for f in answers["followups"] if not f["hit"]]
    parts.append(
        _heading(report, section, "followups", "Anschlussfragen ohne Gold unter den ersten 5", len(followups))
    )
    parts.append(
        _list(
            [
                f"<b>{_e(f['id'])}</b>{_split(f)} {_e(' → '.join([*f['history'], f['question']]))}<br>"
                f'<span class="dim">Gold:</span> {_e("; ".join(f["gold"]))} · <span class="dim">gesucht:'
                f'</span> {_e(f["search_query"])}<br><span class="dim">stattdessen:</span> '
                f"{_hits(f['retrieved'])}"
                for f in followups
            ]
        )
    )
    return "".join(parts)


def _seen(row: dict[str, Any]) -> str:
    if "gold_retrieved" not in row:
        return ""
    return " (unter den ersten 5 Treffern)" if row["gold_retrieved"] else " (nicht gefunden)"


def _flatten(value: Any, prefix: str = "") -> list[tuple[str, Any]]:
    if isinstance(value, dict):
        rows: list[tuple[str, Any]] = []
        for key, inner in value.items():
            rows += _flatten(inner, f"{prefix}.{key}" if prefix else str(key))
        return rows
    if isinstance(value, list) and value and all(isinstance(v, int | float) for v in value):
        return [(prefix, ", ".join(number(v) for v in value))]
    if isinstance(value, list) and any(isinstance(v, dict | list) for v in value):
        rows = []
        for n, inner in enumerate(value):
            rows += _flatten(inner, f"{prefix}[{n}]")
        return rows
    return [(prefix, value)]


def bench_section(bench: dict[str, Any] | None, plot_uri: str | None) -> str:
    """Written by another command whose format may grow: rendered generically, one table per part."""
    parts = ["<h2>Geschwindigkeit (<code>python -m evals bench</code>)</h2>"]
    if plot_uri:
        parts.append(f'<img alt="Suchlatenz über Indexgröße" src="{plot_uri}">')
    scalars = [(k, v) for k, v in (bench or {}).items() if not isinstance(v, dict | list)]
    if scalars:
        body = "".join(f"<tr><td>{_e(k)}</td><td>{_e(v)}</td></tr>" for k, v in scalars)
        parts.append(f"<h3>Allgemein</h3><table><tbody>{body}</tbody></table>")
    for key, value in (bench or {}).items():
        if not isinstance(value, dict | list):
            continue
        if isinstance(value, list) and value and all(isinstance(v, dict) for v in value):
            columns = list(dict.fromkeys(c for row in value for c in row))
            head = "".join(f"<th>{_e(c)}</th>" for c in columns)
            body = "".join(
                "<tr>" + "".join(f"<td>{_e(_cell(row.get(c)))}</td>" for c in columns) + "</tr>"
                for row in value
            )
            parts.append(
                f"<h3>{_e(key)}</h3><table><thead><tr>{head}</tr></thead><tbody>{body}</tbody></table>"
            )
            continue
        rows = _flatten(value)
        body = "".join(f"<tr><td>{_e(k or key)}</td><td>{_e(_cell(v))}</td></tr>" for k, v in rows)
        parts.append(f"<h3>{_e(key)}</h3><table><tbody>{body}</tbody></table>")
    return "".join(parts)


def _cell(value: Any) -> Any:
    if isinstance(value, dict | list):
        return ", ".join(f"{k}={number(v)}" for k, v in _flatten(value))
    return value
