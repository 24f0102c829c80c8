"""What an ingest run reads: the files found below the given paths (the report is `ingest.report`).

Kept apart from the pipeline so that a command which only compares files with the catalog (an unchanged
`ingest sync`) does not import the parsers, the chunker and the index.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

_IGNORED_NAMES = {"readme.md", "license.md", "sha256sums"}
# Key in `Document.extra`: the SHA-256 of the file's bytes as last ingested.
FILE_HASH = "file_sha256"


@dataclass(frozen=True)
class SourceFile:
    path: Path
    source: str  # how the document is named in the index: below the directory given, or as given


def discover(paths: list[Path]) -> Iterator[SourceFile]:
    """Walk the given files and directories; hidden files and project paperwork are skipped."""
    for given in paths:
        if given.is_dir():
            # Resolved once per folder, not per file (resolving stats every part of the path).
            name = Path(given.resolve().name)
            for path in sorted(p for p in given.rglob("*") if p.is_file()):
                relative = path.relative_to(given)
                if (
                    any(part.startswith(".") for part in relative.parts)
                    or path.name.lower() in _IGNORED_NAMES
                ):
                    continue
                yield SourceFile(path, (name / relative).as_posix())
        else:
            yield SourceFile(given, given.as_posix().removeprefix("./"))


Progress = Callable[[SourceFile], None]


def file_sha256(path: Path) -> str:
    """SHA-256 of a file's bytes, read in blocks (a sync hashes every file of a folder)."""
    with path.open("rb") as handle:
        return hashlib.file_digest(handle, "sha256").hexdigest()
