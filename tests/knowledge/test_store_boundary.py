"""No module outside `knowledge/` reaches into the index's stores, and only the Chroma adapter speaks
Chroma's filter dialect: callers ask `KnowledgeIndex` (document(), chunks(), counts(), version …)."""

from __future__ import annotations

import re

from tests.conftest import PROJECT

_STORE_ACCESS = re.compile(r"\.(stores|catalog|vectors|lexical|_catalog|_vectors|_lexical)\.\w")
_CHROMA_DIALECT = re.compile(r'"\$(and|or|in|eq|gte|lte|nin|ne)"')


def _sources(*packages: str) -> list[tuple[str, str]]:
    return [
        (str(path.relative_to(PROJECT)), path.read_text(encoding="utf-8"))
        for package in packages
        for path in sorted((PROJECT / package).rglob("*.py"))
    ]


def test_no_caller_outside_knowledge_touches_a_store() -> None:
    offenders = [
        f"{name}:{number}: {line.strip()}"
        for name, text in _sources("assistant", "ingest", "web", "evals")
        for number, line in enumerate(text.splitlines(), start=1)
        if _STORE_ACCESS.search(line)
    ]
    assert offenders == []


def test_only_the_chroma_adapter_writes_chroma_filters() -> None:
    speakers = {
        name
        for name, text in _sources("assistant", "ingest", "knowledge", "web")
        if _CHROMA_DIALECT.search(text)
    }
    assert speakers == {"knowledge/vector_store.py"}
