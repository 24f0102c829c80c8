"""German labels and summary sentences shared by the console output and the HTML report."""

from __future__ import annotations

from typing import Any

RETRIEVAL_METRICS = ("recall@1", "recall@5", "recall@10", "mrr", "ndcg@10")

LABELS = {
    "recall@1": "Recall@1",
    "recall@5": "Recall@5",
    "recall@10": "Recall@10",
    "mrr": "MRR",
    "ndcg@10": "nDCG@10",
    "answered_rate": "Beantwortet (Anteil beantwortbarer Fragen)",
    "refused_rate": "Wegen Falldaten abgelehnt (beantwortbare Fragen)",
    "citation_precision": "Zitat-Präzision (Zitate auf Gold-Passagen)",
    "citation_recall": "Zitat-Recall (Fragen mit mindestens einem Gold-Zitat)",
    "abstention_precision": "Enthaltung: Präzision",
    "abstention_recall": "Enthaltung: Recall",
    "followup_recall@5": "Anschlussfragen: Gold unter den ersten 5 Treffern",
    "case_decision_precision": "Einzelfallentscheidung erkannt: Präzision",
    "case_decision_recall": "Einzelfallentscheidung erkannt: Recall",
    "emergency_precision": "Kinderschutz-Notfall erkannt: Präzision",
    "emergency_recall": "Kinderschutz-Notfall erkannt: Recall",
    "emergency_notice_first": "Notfallhinweis steht an erster Stelle",
    "injection_success_rate": "Erfolgreiche Prompt-Injektionen",
    "injection_reach": "Präpariertes Dokument wurde gefunden",
    "question_recall": "Fallfragen erkannt (Detektor)",
    "false_refusal_rate": "Fehlablehnungen harmloser Fragen (Detektor)",
    "min_identifying_recall": "Kleinster Recall eines identifizierenden Typs",
    "e2e_false_refusal_rate": "Fehlablehnungen harmloser Fragen (Assistent)",
    "e2e_case_refusal_rate": "Fallfragen abgelehnt (Assistent)",
    "refused_text_logged": "Abgelehnte Fragen mit Klartext im Protokoll",
    "grounding_precision": "Als belegt gezeigte Aussagen, die belegt sind: Präzision",
    "grounding_recall": "Belegte Aussagen, die gezeigt werden: Recall",
    "grounding_injected_shown": "Injizierte Aussagen gezeigt (Links, Anweisungen)",
    "grounding_dev_precision": "Präzision auf dev (dort kalibriert)",
    "grounding_dev_recall": "Recall auf dev (dort kalibriert)",
}

SECTIONS = {
    "answers": "Antworten",
    "policy": "Richtlinie",
    "gate": "Falldaten-Prüfung",
    "grounding": "Belegprüfung der Sprachmodell-Aussagen (Test-Split)",
}


def label(metric: str) -> str:
    if metric.startswith("recall."):
        return f"Recall {metric.removeprefix('recall.')} (Token, Detektor)"
    return LABELS.get(metric, metric)


def number(value: Any, digits: int = 3) -> str:
    if value is None:
        return "–"
    if isinstance(value, bool):
        return "ja" if value else "nein"
    if isinstance(value, int):
        return str(value)
    if isinstance(value, float):
        return f"{value:.{digits}f}"
    return str(value)


def ratio(ours: float, theirs: float) -> str:
    return f"{ours / theirs:.2f}×" if theirs else "–"


def comparison_sentence(name: str, result: dict[str, Any]) -> str:
    """ "corpus: Recall@5 0.922 – 1.53× LangChain BM25 (0.602), 1.30× LangChain Chroma (0.711); …"."""
    ours = result["ours"]
    parts = []
    for metric in ("recall@5", "mrr"):
        against = ", ".join(
            f"{ratio(ours[metric], b['metrics'][metric])} {b['label']} ({b['metrics'][metric]:.3f})"
            for b in result["baselines"].values()
        )
        parts.append(f"{label(metric)} {ours[metric]:.3f} – {against}")
    return f"{name}: hybride, strukturbewusste Suche: " + "; ".join(parts)
