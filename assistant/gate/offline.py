"""Presidio's e-mail recognizer without its network access.

Presidio validates an e-mail's domain with the module-level `tldextract.extract`, whose default
extractor downloads the public-suffix list on first use and caches it under the user's home. The office
server has no internet (policy: nothing leaves the machine), so this recognizer owns an extractor that
reads only the snapshot bundled with tldextract and writes no cache.
"""

from __future__ import annotations

import tldextract
from presidio_analyzer.predefined_recognizers import EmailRecognizer

from .guards import NeedsAt

EMAIL_CONTEXT = ["e-mail", "email", "mail", "mailadresse", "schreiben", "erreichbar", "kontakt"]


def offline_tld_extractor() -> tldextract.TLDExtract:
    """A TLD extractor that never opens a socket: no suffix-list URLs, no cache dir, bundled snapshot."""
    return tldextract.TLDExtract(cache_dir=None, suffix_list_urls=(), fallback_to_snapshot=True)


class OfflineEmailRecognizer(NeedsAt, EmailRecognizer):
    """Presidio's `EmailRecognizer` for German text, validated against the bundled suffix snapshot."""

    def __init__(self) -> None:
        super().__init__(supported_language="de", context=EMAIL_CONTEXT)
        self._extractor = offline_tld_extractor()

    def validate_result(self, pattern_text: str) -> bool:
        """Accept the match only if its domain ends in a known public suffix (same rule as Presidio)."""
        return self._extractor(pattern_text).fqdn != ""
