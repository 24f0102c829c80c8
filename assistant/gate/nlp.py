"""A Presidio NLP engine on a blank German spaCy pipeline: tokens only, no model download."""

from __future__ import annotations

import spacy
from presidio_analyzer.nlp_engine import NlpArtifacts, SlimSpacyNlpEngine
from spacy.tokens import Doc


class BlankGermanNlpEngine(SlimSpacyNlpEngine):
    """Tokenises German with `spacy.blank("de")`; no NER, no lemmatiser, nothing to download.

    Presidio's context enhancer compares context words with token lemmas. A blank pipeline has no
    lemmatiser and leaves every lemma empty, which would silently switch context scoring off, so the
    lower-cased token text stands in for the lemma. German compounds still match because the enhancer
    compares by substring ("telefon" in "telefonnummer").
    """

    def __init__(self) -> None:
        # No model names: `load` below never asks spaCy for a package, so auto-download stays off.
        super().__init__(models=[{"lang_code": "de", "model_name": "blank:de"}], auto_download=False)

    def load(self) -> None:
        """Create the blank pipeline; this is the only place spaCy is touched."""
        # Presidio declares `nlp` as None until loaded, hence the ignore.
        self.nlp = {"de": spacy.blank("de")}  # type: ignore[assignment]

    def _doc_to_nlp_artifact(self, doc: Doc, language: str) -> NlpArtifacts:
        return NlpArtifacts(
            entities=[],
            tokens=doc,
            tokens_indices=[token.idx for token in doc],
            lemmas=[token.lemma_ or token.lower_ for token in doc],
            nlp_engine=self,
            language=language,
            scores=[],
        )
