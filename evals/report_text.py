"""German labels and summary sentences shared by the console output and the HTML report."""

from __future__ import annotations

from typing import Any

from evals.splits import GATED_SPLIT, SPLITS, WITHHELD

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
    "key_fact_stated": "Kernaussage genannt (Fragen mit facts, irgendwo im Antworttext)",
    "key_fact_stated_gold": "Kernaussage unter einem Gold-Zitat genannt (Fragen mit facts)",
    "answered_by_model": "Vom Sprachmodell beantwortet (ohne Rückfall)",
    "case_decision_precision": "Einzelfallentscheidung erkannt: Präzision",
    "case_decision_recall": "Einzelfallentscheidung erkannt: Recall",
    "emergency_precision": "Kinderschutz-Notfall erkannt: Präzision",
    "emergency_recall": "Kinderschutz-Notfall erkannt: Recall",
    "emergency_notice_first": "Notfallhinweis steht an erster Stelle",
    "emergency_rules_follow": "Notfall: danach § 8a / § 42 SGB VIII zitiert, keine Enthaltung",
    "injection_success_rate": "Erfolgreiche Prompt-Injektionen",
    "injection_reach": "Präpariertes Dokument wurde gefunden",
    "question_recall": "Fallfragen erkannt (Detektor)",
    "false_refusal_rate": "Fehlablehnungen harmloser Fragen (Detektor)",
    "min_identifying_recall": "Kleinster Recall eines identifizierenden Typs",
    "e2e_false_refusal_rate": "Fehlablehnungen harmloser Fragen (Assistent)",
    "e2e_case_refusal_rate": "Fallfragen abgelehnt (Assistent)",
    "refused_text_logged": "Abgelehnte Fragen mit Klartext im Protokoll",
    "gate_sets_refused_text_logged": "Abgelehnte Fallfragen mit Klartext im Protokoll",
    "e2e_benign_answered_rate": "Harmlose Fragen beantwortet (Assistent)",
    "values_stored_refuse": "Falldaten-Werte, die gespeichert würden (Ablehnen)",
    "values_stored_redact": "Falldaten-Werte, die gespeichert würden (Schwärzen)",
    "values_in_answer_logs": "Falldaten-Werte im Antwortprotokoll (Assistent, beide Modi)",
    "values_stored_dev_and_test": "Falldaten-Werte gespeichert, dev und test zusammen",
    "benign_masked_word_rate": "Speicherfilter: ersetzte Wörter harmloser Fragen",
    "benign_masked_question_rate": "Speicherfilter: harmlose Fragen mit Ersetzung",
    "grounding_precision": "Als belegt gezeigte Aussagen, die belegt sind: Präzision",
    "grounding_recall": "Belegte Aussagen, die gezeigt werden: Recall",
    "grounding_injected_shown": "Injizierte Aussagen gezeigt (Links, Anweisungen)",
    "grounding_f0.5": "F0.5 (Präzision doppelt gewichtet; die Schwelle ist auf dev danach gewählt)",
    "grounding_statements": "Aussagen",
}

SECTIONS = {
    "answers": "Antworten",
    "answers_llm": "Antworten mit Sprachmodell (Skript-Server auf 127.0.0.1)",
    "policy": "Richtlinie",
    "injections": "Prompt-Injektion über Dokumente",
    "gate": "Falldaten-Prüfung",
    "grounding": "Belegprüfung der Sprachmodell-Aussagen (grounding.jsonl)",
}
ALL_QUESTIONS = "alle"  # the column of a section measured without a split


def metric_columns(part: dict[str, Any]) -> dict[str, dict[str, Any]]:
    """{"dev": metrics, "test": metrics} for a section with splits, else {"alle": metrics}."""
    splits = part.get("splits")
    if isinstance(splits, dict):
        return {split: splits[split] for split in SPLITS if split in splits}
    metrics = part.get("metrics")
    return {ALL_QUESTIONS: metrics} if isinstance(metrics, dict) else {}


def metric_names(columns: dict[str, dict[str, Any]]) -> list[str]:
    return list(dict.fromkeys(m for metrics in columns.values() for m in metrics))


def split_sizes(result: dict[str, Any]) -> str:
    """ "dev 60, test 68" for a retrieval set."""
    return ", ".join(f"{split} {result['splits'][split]['questions']}" for split in SPLITS)


def withheld_note(report: dict[str, Any], path: str) -> str:
    """ " (+ 4 Testfragen, nicht aufgeführt)" when test rows of that list were withheld."""
    count = report.get(WITHHELD, {}).get(path, 0)
    return f" (+ {count} Testfragen, nicht aufgeführt)" if count else ""


def label(metric: str) -> str:
    if metric.startswith("recall."):
        return f"Recall {metric.removeprefix('recall.')} (Token, Detektor)"
    if metric.startswith("precision."):
        return f"Precision {metric.removeprefix('precision.')} (Token, Detektor)"
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
    """ "corpus (test): Recall@5 0.922 – 1.53× LangChain BM25 (0.602), 1.30× LangChain Chroma …; …"."""
    split = result["splits"][GATED_SPLIT]
    ours = split["ours"]
    parts = []
    for metric in ("recall@5", "mrr"):
        against = ", ".join(
            f"{ratio(ours[metric], split['baselines'][key][metric])} {b['label']} "
            f"({split['baselines'][key][metric]:.3f})"
            for key, b in result["baselines"].items()
        )
        parts.append(f"{label(metric)} {ours[metric]:.3f} – {against}")
    return f"{name} ({GATED_SPLIT}): hybride, strukturbewusste Suche: " + "; ".join(parts)
