"""What a new installation needs next: said on the console when the server starts and on the documents
page while the knowledge base is empty or holds no law. One list of steps for both, so they agree.

`make run` indexes only the sample documents (no law text): the first law question of a newcomer would
find no source, so the server says how to import the laws and the office's own folder.
"""

from __future__ import annotations

from dataclasses import dataclass

from knowledge.models import DocumentType

# Where the official XML of a law is downloaded (one xml.zip per law); `ingest laws import` reads it.
LAW_DOWNLOAD_EXAMPLE = "https://www.gesetze-im-internet.de/sgb_8/xml.zip"


@dataclass(frozen=True)
class Step:
    text: str
    command: str


@dataclass(frozen=True)
class KnowledgeState:
    documents: int
    laws: int

    @classmethod
    def from_counts(cls, documents: int, by_type: dict[str, int]) -> KnowledgeState:
        return cls(documents, by_type.get(DocumentType.LAW.value, 0))

    @property
    def needs_content(self) -> bool:
        return self.documents == 0 or self.laws == 0


def knowledge_steps(state: KnowledgeState) -> list[Step]:
    """Steps that fill the knowledge base; empty when it holds documents and laws."""
    if not state.needs_content:
        return []
    steps = []
    if state.laws == 0:
        steps.append(
            Step(
                "Gesetze importieren: je Gesetz die XML-Datei von gesetze-im-internet.de herunterladen "
                f"(z. B. {LAW_DOWNLOAD_EXAMPLE}) und auf dem Server einlesen",
                "python -m ingest laws import sgb_8.zip kkg.zip …",
            )
        )
    steps.append(
        Step(
            "Den Ordner mit den Dokumenten des Amtes einlesen und aktuell halten "
            "(regelmäßig wiederholen, z. B. mit einem systemd-Timer; siehe README „Erste Schritte“)",
            "python -m ingest sync /srv/jugendamt/wissen",
        )
    )
    return steps


def console_text(state: KnowledgeState, *, admin_created: bool, url: str) -> str | None:
    """The start-up hint for the operator, or None when nothing is left to set up."""
    steps: list[Step] = []
    if admin_created:
        steps.append(Step(f"Im Browser {url} öffnen und als admin mit dem Passwort oben anmelden", ""))
        steps.append(
            Step(
                "Konten für die Kolleginnen und Kollegen anlegen",
                "python -m web users add NAME --role fachkraft",
            )
        )
    steps += knowledge_steps(state)
    if not steps:
        return None
    lines = []
    if state.documents == 0:
        lines.append("Die Wissensbasis ist leer: Der Assistent findet zu keiner Frage eine Quelle.")
    elif state.laws == 0:
        lines.append("Die Wissensbasis enthält noch kein Gesetz: Fragen nach Paragrafen bleiben ohne Quelle.")
    lines.append("Erste Schritte:")
    for number, step in enumerate(steps, start=1):
        lines.append(f"  {number}. {step.text}" + (f":\n       {step.command}" if step.command else "."))
    return "\n".join(lines)
