"""Case-data gate and storage filter: personal data in staff text is found before anything sees it,
and nothing unvouched is stored.

Importing this package is cheap; Presidio, spaCy, the dictionary and the name lists are loaded on the
first `CaseDataGate.check` (or the first text a `StorageFilter` cleans).
"""

from .gate import CaseDataGate
from .index_terms import IndexTerms
from .model import ENTITY_TYPES, PLACEHOLDERS, UNKNOWN_PLACEHOLDER, DetectedEntity, GateResult
from .public import KnownTerms, PublicNames
from .storage_filter import Filtered, StorageFilter

__all__ = [
    "ENTITY_TYPES",
    "PLACEHOLDERS",
    "UNKNOWN_PLACEHOLDER",
    "CaseDataGate",
    "DetectedEntity",
    "Filtered",
    "GateResult",
    "IndexTerms",
    "KnownTerms",
    "PublicNames",
    "StorageFilter",
]
