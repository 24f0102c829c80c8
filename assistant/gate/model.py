"""The gate's own result types; Presidio types never leave the `gate` package."""

from __future__ import annotations

from dataclasses import dataclass

ENTITY_TYPES: tuple[str, ...] = (
    "PERSON",
    "DATE_OF_BIRTH",
    "AGE",
    "ADDRESS",
    "PHONE_NUMBER",
    "EMAIL_ADDRESS",
    "IBAN_CODE",
    "TAX_ID",
    "SOCIAL_SECURITY_NUMBER",
    "FILE_NUMBER",
    "LICENSE_PLATE",
    "SCHOOL_CLASS",
    "PLACE",
)

# German placeholders, so a redacted question still reads naturally to staff and to the answer model.
PLACEHOLDERS: dict[str, str] = {
    "PERSON": "[PERSON]",
    "DATE_OF_BIRTH": "[GEBURTSDATUM]",
    "AGE": "[ALTER]",
    "ADDRESS": "[ADRESSE]",
    "PHONE_NUMBER": "[TELEFON]",
    "EMAIL_ADDRESS": "[E-MAIL]",
    "IBAN_CODE": "[IBAN]",
    "TAX_ID": "[STEUER-ID]",
    "SOCIAL_SECURITY_NUMBER": "[SV-NUMMER]",
    "FILE_NUMBER": "[AKTENZEICHEN]",
    "LICENSE_PLATE": "[KENNZEICHEN]",
    "SCHOOL_CLASS": "[KLASSE]",
    "PLACE": "[ORT]",
}
# What the storage filter writes for a word nothing vouches for.
UNKNOWN_PLACEHOLDER = "[?]"


@dataclass(frozen=True)
class DetectedEntity:
    """Where personal data sits in the checked text.

    There is deliberately no value field: raw values must not be copied into logs or results;
    a caller that really needs one slices the original text with `start`/`end`.
    """

    type: str
    start: int
    end: int
    score: float


@dataclass(frozen=True)
class GateResult:
    """What the gate found in one question, and the question with those spans replaced.

    >>> GateResult(entities=(), redacted="Was regelt § 8a SGB VIII?").found
    False
    """

    entities: tuple[DetectedEntity, ...]
    redacted: str
    # Names the knowledge base prints (officials, authors): not case data, and stored as written.
    public: tuple[DetectedEntity, ...] = ()

    @property
    def found(self) -> bool:
        """True when the question holds anything the gate treats as personal data."""
        return bool(self.entities)

    @property
    def entity_types(self) -> list[str]:
        """The distinct entity types found, sorted."""
        return sorted({entity.type for entity in self.entities})
