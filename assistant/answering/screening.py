"""Documents are data (policy rule 6): lines that address an AI are skipped at answer time too.

Ingest screens new documents already; this also protects indexes built before screening existed.
A chunk's text never changes, so the screened text is cached: the pattern is the costliest step of
composing a built-in answer otherwise.
"""

from __future__ import annotations

from functools import lru_cache

from knowledge.text.injection import looks_like_injection


@lru_cache(maxsize=16384)
def without_instructions(text: str) -> tuple[str, int]:
    """The passage without any line that addresses an AI, and how many lines were dropped."""
    lines = text.splitlines()
    kept = [line for line in lines if not looks_like_injection(line)]
    return "\n".join(kept), len(lines) - len(kept)
