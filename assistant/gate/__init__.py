"""Case-data gate: detects client case data in staff questions before retrieval, logging or an LLM.

Importing this package is cheap; Presidio and spaCy are loaded on the first `CaseDataGate.check`.
"""

from .gate import CaseDataGate
from .model import ENTITY_TYPES, DetectedEntity, GateResult

__all__ = ["ENTITY_TYPES", "CaseDataGate", "DetectedEntity", "GateResult"]
