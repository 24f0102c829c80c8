"""Policy rule 1 (case-data gate): personal data is found, benign questions pass, nothing leaves the host."""

from __future__ import annotations

import dataclasses
import ipaddress
import logging
import socket
import subprocess
import sys
from pathlib import Path

import pytest

from assistant.gate import ENTITY_TYPES, CaseDataGate, DetectedEntity, GateResult, KnownTerms, PublicNames
from evals.gate_data import (
    RECALL_TARGET,
    KnownTermsGate,
    evaluate_gate,
    generate_benign_set,
    generate_case_data_set,
    known_terms_of_files,
    missed_targets,
)
from evals.gate_variants import generate_benign_lookalikes

PROJECT = Path(__file__).resolve().parents[2]

# (question, entity type, the raw value that must be detected and must not survive redaction)
CASE_EXAMPLES = [
    (
        "Kevin Schulz, 9 Jahre, wohnt in der Hauptstraße 12 in Unna – darf ich informieren?",
        "PERSON",
        "Kevin Schulz",
    ),
    ("Kevin Schulz, 9 Jahre, wohnt in der Hauptstraße 12 in Unna – darf ich informieren?", "AGE", "9 Jahre"),
    (
        "Kevin Schulz, 9 Jahre, wohnt in der Hauptstraße 12 in Unna – darf ich informieren?",
        "ADDRESS",
        "Hauptstraße 12",
    ),
    ("Frau Yilmaz hat heute angerufen.", "PERSON", "Yilmaz"),
    ("Wie gehe ich mit Familie Becker um?", "PERSON", "Becker"),
    ("Der kleine Finn kommt ohne Frühstück in die Kita.", "PERSON", "Finn"),
    ("Herr Dr. Meier möchte einen Bericht.", "PERSON", "Meier"),
    ("Lea, geb. 03.05.2015, lebt bei der Oma.", "DATE_OF_BIRTH", "03.05.2015"),
    ("Das Kind ist geboren am 3. Mai 2015.", "DATE_OF_BIRTH", "3. Mai 2015"),
    ("Die Familie wohnt Am Markt 3, 59425 Unna.", "ADDRESS", "Am Markt 3, 59425 Unna"),
    ("Die Mutter ist unter 0231 1234567 erreichbar.", "PHONE_NUMBER", "0231 1234567"),
    ("Handy des Vaters: +49 170 1234567", "PHONE_NUMBER", "+49 170 1234567"),
    ("Sie schrieb von k.schulz@web.de an uns.", "EMAIL_ADDRESS", "k.schulz@web.de"),
    ("Überweisung an DE89 3704 0044 0532 0130 00 bitte.", "IBAN_CODE", "DE89 3704 0044 0532 0130 00"),
    ("Steuer-ID der Mutter: 36 574 261 809", "TAX_ID", "36 574 261 809"),
    ("Die Steuernummer 133/8150/8159 liegt vor.", "TAX_ID", "133/8150/8159"),
    ("Rentenversicherungsnummer 15070649C103 des Vaters", "SOCIAL_SECURITY_NUMBER", "15070649C103"),
    ("Bitte Bericht zu Az. 51.2-1234/25 schreiben.", "FILE_NUMBER", "51.2-1234/25"),
    ("AZ: JA-2024-0815 – wie ist der Stand?", "FILE_NUMBER", "JA-2024-0815"),
    ("Der Vater fährt den Wagen UN-AB 123.", "LICENSE_PLATE", "UN-AB 123"),
    ("Kennzeichen KN-X 4711 vor der Schule gesehen.", "LICENSE_PLATE", "KN-X 4711"),
    # Issue #10: the spellings that reached the answer log before.
    ("kevin schulz hat angerufen und will Akteneinsicht.", "PERSON", "kevin schulz"),
    ("K. Schulz hat den Hilfeplan nicht unterschrieben.", "PERSON", "K. Schulz"),
    ("Kind M. K., geboren 2009, lebt bei der Oma.", "PERSON", "M. K."),
    ("Anna-Lena Yılmaz kommt nicht zur Schule.", "PERSON", "Anna-Lena Yılmaz"),
    ("frau kowalski ruft jeden Tag an.", "PERSON", "kowalski"),
    ("Im Fall Becker gibt es Streit um den Umgang.", "PERSON", "Becker"),
    ("Ihr Sohn Dmytro geht nicht zur Schule.", "PERSON", "Dmytro"),
    ("Bekommt Beau Verkade Hilfe für junge Volljährige?", "PERSON", "Beau Verkade"),
    ("Kevin Schulz (*03/04/2015) ist krank.", "DATE_OF_BIRTH", "03/04/2015"),
    ("Lea, geb. 3.4.15, wohnt bei der Oma.", "DATE_OF_BIRTH", "3.4.15"),
    ("Kevin Schulz, 03.04.2015, fehlt in der Schule.", "DATE_OF_BIRTH", "03.04.2015"),
    ("Überweisung an de89 3704 0044 0532 0130 00 bitte.", "IBAN_CODE", "de89 3704 0044 0532 0130 00"),
    ("51-2024-0815: wie ist der Stand?", "FILE_NUMBER", "51-2024-0815"),
    ("Fallnummer 2024/0815 bitte prüfen.", "FILE_NUMBER", "2024/0815"),
    ("Vorgang 51-2024-0815 liegt vor.", "FILE_NUMBER", "51-2024-0815"),
    ("Kassenzeichen 5100.1234.5678 für die Rückzahlung.", "FILE_NUMBER", "5100.1234.5678"),
    ("Versicherungsnummer 15 070649 C 103 liegt vor.", "SOCIAL_SECURITY_NUMBER", "15 070649 C 103"),
    ("Die Nummer 15070649c103 steht im Bescheid.", "SOCIAL_SECURITY_NUMBER", "15070649c103"),
    ("Krankenversichertennummer A123456789 fehlt.", "SOCIAL_SECURITY_NUMBER", "A123456789"),
    (
        "Die Mutter ist unter null eins sieben sechs neun acht sieben erreichbar.",
        "PHONE_NUMBER",
        "null eins sieben sechs neun acht sieben",
    ),
    (
        "Sie schreibt von kevin punkt schulz at example punkt org.",
        "EMAIL_ADDRESS",
        "kevin punkt schulz at example punkt org",
    ),
    ("Sie wohnen in der Lindenstraße siebzehn.", "ADDRESS", "Lindenstraße siebzehn"),
    ("Die Familie wohnt in 44137 Dortmund.", "ADDRESS", "44137 Dortmund"),
    # Town names of more than one word, the old "D-" prefix, "Nr." before the house number.
    ("Die Mutter ist nach 32105 Bad Salzuflen gezogen.", "ADDRESS", "32105 Bad Salzuflen"),
    ("Post bitte an D-59425 Unna schicken.", "ADDRESS", "D-59425 Unna"),
    ("Sie ist nach 06108 Halle (Saale) gezogen.", "ADDRESS", "06108 Halle (Saale)"),
    ("Sie lebt jetzt in 66386 St. Ingbert.", "ADDRESS", "66386 St. Ingbert"),
    ("Die Familie wohnt Lindenstraße Nr. 17.", "ADDRESS", "Lindenstraße Nr. 17"),
    # Streets named after someone: a month for a first name, two first names, a particle.
    ("Er wohnt in der August-Bebel-Straße 4.", "ADDRESS", "August-Bebel-Straße 4"),
    ("Sie wohnt in der Hermann Josef-Hörle-Allee 32a.", "ADDRESS", "Hermann Josef-Hörle-Allee 32a"),
    ("Sie wohnt in der Curt-van der Dussen-Straße 4.", "ADDRESS", "Curt-van der Dussen-Straße 4"),
    ("Ist die Adresse Olaf-Süßebier-Weg 30a zu schwärzen?", "ADDRESS", "Olaf-Süßebier-Weg 30a"),
    ("Das Auto do-ab 123 steht vor der Kita.", "LICENSE_PLATE", "do-ab 123"),
    ("Kevin Schulz aus der Klasse 4b der Grundschule Am Park wird gemobbt.", "SCHOOL_CLASS", "Klasse 4b"),
    ("Das Kind wurde geboren am 03.04.2015 in Dortmund.", "PLACE", "Dortmund"),
]

BENIGN_EXAMPLES = [
    "Was regelt § 8a SGB VIII?",
    "Ist das Jugendamt Unna zuständig?",
    "Was hat Frau Ministerin zur Reform gesagt?",
    "Wenn die Familie Hilfe ablehnt, was dann?",
    "Welche Angebote hat der Kreis Unna?",
    "Wann gibt es Hilfe zur Erziehung nach § 27?",
    "Gilt die Fassung Stand 29.03.2026?",
    "Was ändert sich ab dem 1. Januar 2024?",
    "Was bedeutet Abs. 4 Satz 1 Nr. 2?",
    "Was tun, wenn ein 9-jähriges Kind von Schlägen erzählt?",
    "Brauchen Jugendliche ab 16 Jahren die Zustimmung der Eltern?",
    # Borderline by design: a street name without a house number or "wohnt" names a place, not a household.
    "Gibt es die Beratungsstelle in der Friedrich-Ebert-Straße noch?",
    "Gilt die Regel im August 2024 schon?",
    "Hat das Kind Anspruch auf einen Kita-Platz?",
    "Wie unterstütze ich eine junge Frau, die Hilfe sucht?",
    "Was gilt nach § 45 SGB XI für Pflegepersonen?",
    "Gilt das Elterngeld für Kinder, die ab dem 1. April 2024 geboren sind?",
    "Wie ist BGH XII ZB 34/21 zum Umgangsrecht zu verstehen?",
    "Was gilt nach § 1684 BGB für den Umgang?",
    # Issue #10: general ages, law dates, amounts, classes and surnames that are nouns are no case data.
    "Eine 14-jährige Schülerin fragt nach Beratung ohne die Eltern.",
    "Was gilt für Kinder unter sechs Jahren?",
    "Darf ein 17-Jähriger allein ausziehen?",
    "Hat ein 15-jähriger Schüler Anspruch auf Hilfe zur Erziehung?",
    "Was gilt seit dem 1. Januar 2023 für die Kostenheranziehung?",
    "Ist ein Kostenbeitrag von 1.200 Euro oder 15000 Euro zulässig?",
    "In der Klasse 4b fehlt ein Kind oft. Ab wann ist das ein Fall für das Jugendamt?",
    "Der Koch der Kita fragt nach Hygieneregeln.",
    "Was sagt der Richter am Familiengericht zum Sorgerecht?",
    "Was regelt § 35a Abs. 1a und §§ 61 bis 65 SGB VIII?",
    "was regelt § 8a sgb viii bei gewichtigen anhaltspunkten?",
]


def _covering(result: GateResult, text: str, entity_type: str, value: str) -> bool:
    start = text.index(value)
    return any(
        e.type == entity_type and e.start <= start and e.end >= start + len(value) - 1
        for e in result.entities
    )


@pytest.mark.parametrize(("text", "entity_type", "value"), CASE_EXAMPLES)
def test_case_data_is_detected_with_its_type(
    shared_gate: CaseDataGate, text: str, entity_type: str, value: str
) -> None:
    result = shared_gate.check(text)
    assert result.found
    assert _covering(result, text, entity_type, value), [
        (e.type, text[e.start : e.end]) for e in result.entities
    ]


@pytest.mark.parametrize(("text", "entity_type", "value"), CASE_EXAMPLES)
def test_redacted_text_holds_no_raw_value(
    shared_gate: CaseDataGate, text: str, entity_type: str, value: str
) -> None:
    result = shared_gate.check(text)
    assert value not in result.redacted
    assert "[" in result.redacted


@pytest.mark.parametrize("text", BENIGN_EXAMPLES)
def test_benign_questions_pass(shared_gate: CaseDataGate, text: str) -> None:
    result = shared_gate.check(text)
    assert not result.found, [(e.type, text[e.start : e.end]) for e in result.entities]
    assert result.redacted == text


def test_public_names_are_no_case_data_unless_other_case_data_stands_beside_them(
    shared_gate: CaseDataGate,
) -> None:
    phrases = {"Landrätin Astrid Klinkert-Kittel", "Jugendamtsleiter Karl Vorlage", "Kreis Unna"}
    known = KnownTerms(public=PublicNames.from_phrases(phrases, shared_gate.lexicon))
    for question in (
        "Was hat Landrätin Astrid Klinkert-Kittel beim Fachtag gesagt?",
        "was sagte astrid klinkert-kittel zum fachkräftemangel?",
        "Wie begründet Frau Klinkert-Kittel die Kooperation?",
        "Was hat Jugendamtsleiter Karl Vorlage gesagt?",
    ):
        result = shared_gate.check(question, known)
        assert not result.found and result.public, question
    with_birth_date = shared_gate.check("Astrid Klinkert-Kittel, geb. 03.05.2015, wohnt wo?", known)
    assert with_birth_date.entity_types == ["DATE_OF_BIRTH", "PERSON"]
    # Without the knowledge base the same name is a person like any other.
    assert shared_gate.check("Was hat Landrätin Astrid Klinkert-Kittel gesagt?").entity_types == ["PERSON"]


def test_redaction_uses_german_placeholders(shared_gate: CaseDataGate) -> None:
    text = "Frau Yilmaz, geb. 03.05.2015, Tel. 0231 1234567, Az. 51.2-1234/25"
    assert (
        shared_gate.check(text).redacted
        == "Frau [PERSON], geb. [GEBURTSDATUM], Tel. [TELEFON], Az. [AKTENZEICHEN]"
    )


def test_age_counts_only_next_to_a_person(shared_gate: CaseDataGate) -> None:
    assert shared_gate.check("Ein Kind, 9 Jahre, erzählt von Schlägen.").entity_types == []
    assert shared_gate.check("Lea Schulz, 9 Jahre, erzählt von Schlägen.").entity_types == ["AGE", "PERSON"]


def test_result_types_carry_no_raw_value(shared_gate: CaseDataGate) -> None:
    assert [f.name for f in dataclasses.fields(DetectedEntity)] == ["type", "start", "end", "score"]
    result = shared_gate.check("Frau Yilmaz, Tel. 0231 1234567")
    assert {e.type for e in result.entities} <= set(ENTITY_TYPES)
    assert result.entity_types == sorted(set(result.entity_types))
    assert all(0 < e.score <= 1 for e in result.entities)


def test_building_the_gate_imports_neither_torch_nor_transformers() -> None:
    """Presidio asks for them (about 3 s of warm-up) for NLP engines the gate does not use."""
    code = (
        "import sys, time; t = time.perf_counter(); from assistant.gate import CaseDataGate; "
        "CaseDataGate().check('Frau Test'); "
        "assert 'transformers' not in sys.modules and 'torch' not in sys.modules, 'schwere Importe'"
    )
    subprocess.run([sys.executable, "-c", code], cwd=PROJECT, check=True, timeout=60)


def test_case_data_stays_out_of_debug_logs(caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level(logging.DEBUG)  # an operator troubleshooting with the root logger at DEBUG
    CaseDataGate().check("Kennzeichen des Autos von Frau Geheimname: UN-AB 123, Tel. 0231 1234567")
    assert not {"geheimname", "un-ab", "1234567"} & set(caplog.text.lower().split())


def test_empty_question_passes(shared_gate: CaseDataGate) -> None:
    assert shared_gate.check("   ") == GateResult(entities=(), redacted="   ")


@pytest.fixture
def recorded_connections(monkeypatch: pytest.MonkeyPatch) -> list[object]:
    """Record and refuse every non-loopback connect and DNS lookup, even where a library swallows errors."""
    attempts: list[object] = []
    real_connect, real_getaddrinfo = socket.socket.connect, socket.getaddrinfo

    def is_loopback(host: object) -> bool:
        try:
            return host in {"localhost", ""} or ipaddress.ip_address(str(host)).is_loopback
        except ValueError:
            return False

    def connect(self: socket.socket, address: object) -> None:
        if isinstance(address, tuple) and not is_loopback(address[0]):
            attempts.append(address)
            raise ConnectionRefusedError(f"blocked: {address!r}")
        real_connect(self, address)  # type: ignore[arg-type]

    def getaddrinfo(host: object, *args: object, **kwargs: object) -> object:
        if host is not None and not is_loopback(host):
            attempts.append(host)
            raise socket.gaierror(f"blocked: {host!r}")
        return real_getaddrinfo(host, *args, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(socket.socket, "connect", connect)
    monkeypatch.setattr(socket, "getaddrinfo", getaddrinfo)
    return attempts


def test_gate_builds_and_runs_without_network(recorded_connections: list[object]) -> None:
    gate = CaseDataGate()  # a fresh gate, so the engine is built under the block as well
    text = "Mail von anna.becker@gmx.de und Frau Yilmaz, Tel. 0231 1234567"
    assert gate.check(text).entity_types == ["EMAIL_ADDRESS", "PERSON", "PHONE_NUMBER"]
    assert recorded_connections == []


def test_the_network_block_would_notice_a_suffix_list_download(recorded_connections: list[object]) -> None:
    """Control: tldextract's defaults do try to download, so the test above can fail."""
    import tldextract

    tldextract.TLDExtract(cache_dir=None)("someone@example.org")
    assert recorded_connections


def test_importing_the_gate_loads_nothing_heavy() -> None:
    code = "import sys, assistant.gate; assert not {'presidio_analyzer', 'spacy', 'faker'} & set(sys.modules)"
    subprocess.run([sys.executable, "-c", code], cwd=PROJECT, check=True, timeout=60)


def test_generated_sets_are_deterministic_and_consistent() -> None:
    cases = generate_case_data_set(n=40, seed=3)
    assert cases == generate_case_data_set(n=40, seed=3)
    assert all(0 <= s.start < s.end <= len(q.text) and s.type in ENTITY_TYPES for q in cases for s in q.spans)
    benign = generate_benign_set(n=100, seed=3)
    assert len({q.text for q in benign}) == 100 and not any(q.spans for q in benign)


def test_metrics_on_a_fresh_sample_meet_the_targets(shared_gate: CaseDataGate) -> None:
    # Another seed than the checked-in snapshot, so the gate is not judged only on data it was tuned on.
    questions = generate_case_data_set(n=120, seed=11) + generate_benign_set(n=120, seed=11)
    questions += generate_benign_lookalikes(n=120, seed=11)  # officials' names: public via the press files
    metrics = evaluate_gate(KnownTermsGate(shared_gate, known_terms_of_files(shared_gate)), questions)
    assert missed_targets(metrics) == [], metrics
    assert metrics["question_recall"] >= RECALL_TARGET
    assert metrics["false_refusal_rate"] <= 0.02


def test_metrics_count_misses_and_false_alarms() -> None:
    """evaluate_gate itself: finding nothing means zero recall, flagging everything means refusing all."""

    class Nothing:
        def check(self, text: str) -> GateResult:
            return GateResult(entities=(), redacted=text)

    class Everything:
        def check(self, text: str) -> GateResult:
            return GateResult(entities=(DetectedEntity("PERSON", 0, len(text), 1.0),), redacted="[PERSON]")

    questions = generate_case_data_set(n=20, seed=5) + generate_benign_set(n=20, seed=5)
    nothing, everything = evaluate_gate(Nothing(), questions), evaluate_gate(Everything(), questions)
    assert nothing["question_recall"] == 0 and nothing["per_type"]["PERSON"]["recall"] == 0
    assert everything["false_refusal_rate"] == 1 and everything["per_type"]["PERSON"]["precision"] < 1
    assert missed_targets(nothing) and missed_targets(everything)
