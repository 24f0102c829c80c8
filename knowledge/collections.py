"""Collections: which part of the knowledge base a document belongs to (`allgemein`, `asd`, …).

A user sees only the collections granted to them (`web.permissions`); the restriction is one field of
`knowledge.search.SearchFilter` and a view of the index (`KnowledgeIndex.restricted_to`), so it holds
inside retrieval and in every lookup that could surface a document.

>>> collection_name(" ASD ")
'asd'
"""

from __future__ import annotations

import re
from collections.abc import Iterable

DEFAULT_COLLECTION = "allgemein"
_NAME = re.compile(r"^[a-z0-9][a-z0-9-]{0,63}$")

# The collections a reader may see: None is every collection (administrators, maintainers' CLI).
Collections = frozenset[str] | None


def collection_name(value: str) -> str:
    """A valid collection name, lower-cased; ValueError with a German reason otherwise."""
    name = value.strip().lower()
    if not _NAME.match(name):
        raise ValueError(
            f"Ungültiger Sammlungsname {value!r}: nur Kleinbuchstaben a-z, Ziffern und '-', "
            "beginnend mit Buchstabe oder Ziffer, höchstens 64 Zeichen."
        )
    return name


def collection_names(values: Iterable[str]) -> frozenset[str]:
    """Every name validated (`collection_name`); commas separate names too (`--collection asd,kita`)."""
    return frozenset(collection_name(part) for value in values for part in value.split(",") if part.strip())


def admits(collections: Collections, collection: str) -> bool:
    """Whether a reader restricted to `collections` may see a document of `collection`."""
    return collections is None or collection in collections
