"""The weight-free mode: no embedding model, no vectors; the similarity side of the hybrid search is the
character-n-gram channel of the lexical snapshot (`knowledge.ngram_channel`)."""

from __future__ import annotations

from knowledge.ngram_channel import SCORING

# What indexes built before the n-gram channel recorded: hashed n-gram vectors in Chroma. They open
# with the n-gram channel at once (their lexical snapshot is rebuilt, the old vectors are not read);
# the next write records the new id (`KnowledgeIndex.writing`).
LEGACY_HASHING_PREFIX = "hashing-"


class NgramEmbedder:
    """The weight-free mode's identity: what the index records and `doctor` shows.

    >>> NgramEmbedder().id
    'ngram-char4-6-h1048576-tf'
    """

    @property
    def id(self) -> str:
        return f"ngram-{SCORING}"

    @property
    def description(self) -> str:
        return (
            f"gewichtsfreier Zeichen-n-Gramm-Kanal ({self.id}); kein Sprachmodell geladen, "
            "Bedeutungsähnlichkeit wird nur über Wortbestandteile erkannt"
        )

    def accepts(self, recorded: str) -> bool:
        """Whether an index that recorded embedder `recorded` can be searched in this mode."""
        return recorded == self.id or recorded.startswith(LEGACY_HASHING_PREFIX)
