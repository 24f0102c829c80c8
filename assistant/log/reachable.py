"""Moved to `knowledge.reachable` (the catalog needs it too); kept so that existing imports still work."""

from knowledge.reachable import DatabaseUnavailable, database_errors, describe

__all__ = ["DatabaseUnavailable", "database_errors", "describe"]
