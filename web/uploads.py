"""Uploaded files on their way into the index, safe against a kill -9 at any step.

Layout under the data dir:

    uploads/<name>                    the kept copy of every uploaded document that is indexed
    staging/upload-<id>.lock          held (flock) by the process handling that upload
    staging/upload-<id>/manifest.json name, type, who uploaded
    staging/upload-<id>/uploads/<name>  the file as received; the index names it "uploads/<name>"
    staging/upload-<id>/previous      the kept copy it replaces, until the upload is decided

Everything under `staging/` whose lock nobody holds is debris of a killed process; `recover()` clears it
at start. The route writes an audit intent and installs the kept copy *before* the index commit, so a
document is never indexed without an audit record and a kept copy. If the process dies before the index
commit, `recover()` puts the previous copy back (or removes the new one) and records that in the audit.
"""

from __future__ import annotations

import fcntl
import json
import logging
import os
import secrets
import shutil
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import IO

from knowledge.models import DocumentType

log = logging.getLogger(__name__)

UPLOAD_FOLDER = "uploads"  # uploaded files are indexed as "uploads/<name>", their copy kept there too
STAGING_FOLDER = "staging"
_LEGACY_PREFIX = ".upload-"  # tempfile staging of earlier versions, directly in the data dir
_GRACE_SECONDS = 60  # a lock file or directory younger than this may belong to an upload just starting

# Told about every upload recovery settled: (file name, who uploaded it, whether the index holds it).
RecoveryAudit = Callable[[str, str, bool], None]


@dataclass
class StagedUpload:
    directory: Path
    name: str
    lock: int | None  # file descriptor holding the flock; None once released

    @property
    def folder(self) -> Path:
        """What the ingest pipeline is given: a folder called "uploads" holding just this file."""
        return self.directory / UPLOAD_FOLDER

    @property
    def file(self) -> Path:
        return self.folder / self.name

    @property
    def previous(self) -> Path:
        return self.directory / "previous"


class UploadArea:
    """`area.stage(name, stream)`, `area.keep(staged)`, then `area.settle(staged, indexed=...)`."""

    def __init__(self, data_dir: Path) -> None:
        self.data_dir = data_dir
        self.kept_dir = data_dir / UPLOAD_FOLDER
        self.staging_dir = data_dir / STAGING_FOLDER

    def kept_copy(self, name: str) -> Path:
        return self.kept_dir / name

    def stage(
        self, name: str, stream: IO[bytes], *, type_override: DocumentType | None, actor: str
    ) -> StagedUpload:
        """Receive the file into a fresh staging directory held locked by this process."""
        self.staging_dir.mkdir(parents=True, exist_ok=True)
        token = secrets.token_hex(8)
        # The lock comes first: a directory without a held lock is debris, never one being filled.
        lock = os.open(self.staging_dir / f"upload-{token}.lock", os.O_CREAT | os.O_WRONLY, 0o600)
        fcntl.flock(lock, fcntl.LOCK_EX)
        staged = StagedUpload(self.staging_dir / f"upload-{token}", name, lock)
        staged.folder.mkdir(parents=True)
        manifest = {"name": name, "type": type_override.value if type_override else None, "actor": actor}
        (staged.directory / "manifest.json").write_text(json.dumps(manifest), encoding="utf-8")
        with staged.file.open("wb") as target:
            shutil.copyfileobj(stream, target)
            target.flush()
            os.fsync(target.fileno())
        return staged

    def keep(self, staged: StagedUpload) -> None:
        """Install the staged file as the kept copy, keeping the one it replaces aside until `settle`."""
        keep = self.kept_copy(staged.name)
        if keep.exists():
            _link_or_copy(keep, staged.previous)
        self._install(staged)

    def _install(self, staged: StagedUpload) -> None:
        keep = self.kept_copy(staged.name)
        keep.parent.mkdir(parents=True, exist_ok=True)
        incoming = staged.directory / "incoming"
        shutil.copyfile(staged.file, incoming)
        incoming.replace(keep)  # atomic: the kept copy is the old file or the new one, never half

    def settle(self, staged: StagedUpload, *, indexed: bool) -> None:
        """After the index decided: the new copy stays when the index holds the file, else the old returns."""
        keep = self.kept_copy(staged.name)
        if indexed:
            return
        if staged.previous.exists():
            staged.previous.replace(keep)
        elif keep.exists() and _same_bytes(keep, staged.file):
            keep.unlink()

    def discard(self, staged: StagedUpload) -> None:
        shutil.rmtree(staged.directory, ignore_errors=True)
        if staged.lock is not None:
            Path(f"{staged.directory}.lock").unlink(missing_ok=True)
            os.close(staged.lock)  # releases the flock
            staged.lock = None

    def recover(self, is_indexed: Callable[[Path, DocumentType | None], bool], audit: RecoveryAudit) -> int:
        """Settle and remove every upload a killed process left behind; returns how many were found.

        `is_indexed(folder, type)` tells whether the catalog holds the staged file as it is.
        """
        found = 0
        for staged, manifest in self._orphans():
            found += 1
            try:
                if staged.name and staged.file.is_file():
                    type_value = manifest.get("type")
                    indexed = is_indexed(staged.folder, DocumentType(str(type_value)) if type_value else None)
                    if indexed and not _same_bytes(self.kept_copy(staged.name), staged.file):
                        self._install(staged)  # killed after the index commit, before the copy (old layout)
                    self.settle(staged, indexed=indexed)
                    audit(staged.name, str(manifest.get("actor") or "unbekannt"), indexed)
            finally:
                self.discard(staged)
        return found

    def _orphans(self) -> list[tuple[StagedUpload, dict[str, object]]]:
        orphans: list[tuple[StagedUpload, dict[str, object]]] = []
        for directory in sorted(self.data_dir.glob(f"{_LEGACY_PREFIX}*")):
            if directory.is_dir():  # no process of this version writes there
                orphans.append((_staged_in(directory, None), {}))
        if not self.staging_dir.is_dir():
            return orphans
        for path in sorted(self.staging_dir.iterdir()):
            if path.suffix == ".lock":
                if not path.with_suffix("").exists() and _age(path) > _GRACE_SECONDS and _try_lock(path):
                    path.unlink(missing_ok=True)
                continue
            lock_path = Path(f"{path}.lock")
            if lock_path.exists():
                lock = _try_lock(lock_path)
                if lock is None:
                    continue  # a live process is still working on it
            elif _age(path) > _GRACE_SECONDS:
                lock = None
            else:
                continue
            orphans.append((_staged_in(path, lock), _manifest(path)))
        return orphans


def _staged_in(directory: Path, lock: int | None) -> StagedUpload:
    files = sorted((directory / UPLOAD_FOLDER).glob("*")) if (directory / UPLOAD_FOLDER).is_dir() else []
    name = files[0].name if files else ""
    return StagedUpload(directory, name, lock)


def _manifest(directory: Path) -> dict[str, object]:
    try:
        data = json.loads((directory / "manifest.json").read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}
    return data if isinstance(data, dict) else {}


def _try_lock(path: Path) -> int | None:
    """The lock's descriptor if nobody holds it (its process is gone), else None."""
    try:
        descriptor = os.open(path, os.O_WRONLY)
    except OSError:
        return None
    try:
        fcntl.flock(descriptor, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except OSError:
        os.close(descriptor)
        return None
    return descriptor


def _age(path: Path) -> float:
    try:
        return time.time() - path.stat().st_mtime
    except OSError:
        return 0.0


def _same_bytes(a: Path, b: Path) -> bool:
    try:
        return a.stat().st_size == b.stat().st_size and a.read_bytes() == b.read_bytes()
    except OSError:
        return False


def _link_or_copy(source: Path, target: Path) -> None:
    try:
        os.link(source, target)  # the old inode survives the replace below; no copy needed
    except OSError:
        shutil.copyfile(source, target)
