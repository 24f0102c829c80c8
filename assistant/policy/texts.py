"""The German texts users see when a policy rule fires."""

from __future__ import annotations

ABSTAIN_TEXT = (
    "Dazu habe ich keine belastbare Quelle gefunden. Ich antworte nur mit Aussagen, die ich in der "
    "Wissensbasis belegen kann. Vielleicht helfen die nächstliegenden Dokumente unten weiter; sonst "
    "wenden Sie sich bitte an Ihre Leitung oder die Rechtsabteilung."
)

EMERGENCY_TEXT = (
    "Wenn ein Kind akut gefährdet ist: Handeln Sie jetzt nach dem Verfahren gemäß § 8a SGB VIII. "
    "Beziehen Sie sofort Ihre zuständige Leitung bzw. die insoweit erfahrene Fachkraft ein. "
    "Bei akuter Gefahr für Leib und Leben rufen Sie die Polizei unter 110."
)

CASE_DECISION_TEXT = (
    "Die Entscheidung im Einzelfall treffen die zuständigen Fachkräfte, nicht der Assistent "
    "(Art. 22 DSGVO; § 8a Abs. 1 SGB VIII: Einschätzung im Zusammenwirken mehrerer Fachkräfte). "
    "Hier folgt nur der allgemeine rechtliche Rahmen mit Quellen."
)

REDACTED_TEXT = (
    "Ihre Frage enthielt personenbezogene Angaben. Diese wurden vor der Suche geschwärzt; beantwortet "
    "wird nur die anonymisierte Fassung."
)

SUPERSEDED_TEXT = (
    "Mindestens eine Quelle stammt aus einer älteren, inzwischen ersetzten Fassung. Bitte prüfen Sie die "
    "aktuelle Fassung."
)

LLM_FALLBACK_TEXT = (
    "Das Sprachmodell war nicht erreichbar oder lieferte keine belegte Antwort. Sie sehen stattdessen "
    "die eingebaute Antwort aus wörtlichen Auszügen der Quellen."
)

LLM_TIMEOUT_TEXT = (
    "Das Sprachmodell hat nicht rechtzeitig geantwortet. Sie sehen stattdessen die eingebaute Antwort "
    "aus wörtlichen Auszügen der Quellen."
)

LLM_BUSY_TEXT = (
    "Das Sprachmodell ist gerade ausgelastet. Sie sehen stattdessen sofort die eingebaute Antwort aus "
    "wörtlichen Auszügen der Quellen."
)

LLM_WAITING_TEXT = "Sprachmodell antwortet …"

UNSOURCED_REMOVED_TEXT = (
    "Aussagen des Sprachmodells ohne gültigen Quellenverweis oder ohne Beleg in der zitierten Quelle "
    "wurden entfernt und werden nicht angezeigt."
)

ENTITY_LABELS = {
    "PERSON": "Namen",
    "DATE_OF_BIRTH": "Geburtsdaten",
    "AGE": "Altersangaben zu einer Person",
    "ADDRESS": "Anschriften",
    "PHONE_NUMBER": "Telefonnummern",
    "EMAIL_ADDRESS": "E-Mail-Adressen",
    "IBAN_CODE": "Kontonummern (IBAN)",
    "TAX_ID": "Steuernummern",
    "SOCIAL_SECURITY_NUMBER": "Sozialversicherungsnummern",
    "FILE_NUMBER": "Aktenzeichen",
    "LICENSE_PLATE": "Kfz-Kennzeichen",
}


def refusal_text(entity_types: list[str]) -> str:
    """A friendly refusal that names what was found (types only, never values) and shows a better way."""
    found = ", ".join(ENTITY_LABELS.get(t, t) for t in entity_types)
    return (
        f"Diese Frage kann ich so nicht bearbeiten: Sie enthält personenbezogene Falldaten ({found}). "
        "Zum Schutz der Sozialdaten (§§ 61 ff. SGB VIII, § 67 ff. SGB X) wurde sie weder gesucht noch "
        "gespeichert.\n\nBitte fragen Sie allgemein, ohne Namen, Geburtsdaten, Anschriften oder "
        "Aktenzeichen. "
        "Statt „Frau M., geb. 03.05.1990, Hauptstraße 5 – steht ihr Hilfe zur Erziehung zu?“ zum Beispiel: "
        "„Unter welchen Voraussetzungen haben Eltern Anspruch auf Hilfe zur Erziehung?“"
    )
