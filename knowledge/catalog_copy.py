"""Copy a catalog into an empty one, e.g. from the default SQLite file into PostgreSQL when an office
moves to `JHA_DATABASE_URL` (the vectors and the lexical index stay where they are and match it)."""

from __future__ import annotations

from sqlalchemy import insert, select

from knowledge.catalog import SqlCatalog
from knowledge.catalog_rows import chunks, documents, meta, write_journal

_BATCH = 1000


class CatalogNotEmpty(RuntimeError):
    """The target already lists documents: copying would mix two indexes."""


def copy_catalog(source_url: str, target_url: str) -> int:
    """Every row of the source catalog into the (empty) target, in one transaction; returns the number
    of documents copied."""
    source, target = SqlCatalog(source_url), SqlCatalog(target_url)
    try:
        if target.counts()["documents"]:
            raise CatalogNotEmpty(
                f"Der Katalog in {target.engine.url.render_as_string(hide_password=True)} enthält "
                "bereits Dokumente; kopiert wird nur in einen leeren Katalog."
            )
        with source.engine.connect() as reading, target.engine.begin() as writing:
            for table in (meta, documents, chunks, write_journal):  # documents before their chunks
                writing.execute(table.delete())
                rows = [dict(row) for row in reading.execute(select(table)).mappings()]
                for start in range(0, len(rows), _BATCH):
                    writing.execute(insert(table), rows[start : start + _BATCH])
        return target.counts()["documents"]
    finally:
        source.close()
        target.close()
