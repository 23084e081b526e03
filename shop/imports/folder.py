"""Import the exports a shop drops into a folder, each file once (for cron or a systemd timer).

Files are remembered by the SHA-256 of their bytes in ``imported_files``, so a
file is never imported twice, whatever it is called; new files go oldest
first, so the newest export has the last word. A file still being written
(changed in the last ``settle_seconds``) waits for the next run.
"""

from __future__ import annotations

import hashlib
import time
from collections.abc import Iterator
from pathlib import Path

from sqlalchemy import Engine
from sqlalchemy.orm import Session

from shop.imports.report import ImportReport
from shop.imports.run import import_file
from shop.models.imports import ImportedFile

EXPORT_SUFFIXES = (".csv", ".xlsx", ".xlsm")


def _exports(folder: Path, settle_seconds: float) -> Iterator[Path]:
    quiet_since = time.time() - settle_seconds
    files = [p for p in folder.iterdir() if p.is_file() and p.suffix.lower() in EXPORT_SUFFIXES]
    for path in sorted(files, key=lambda p: (p.stat().st_mtime, p.name)):
        if path.stat().st_mtime <= quiet_since:
            yield path


def import_folder(
    folder: Path, *, engine: Engine, dry_run: bool = False, strict: bool = False, settle_seconds: float = 10
) -> list[ImportReport]:
    """Import every export in ``folder`` not imported before; one report per file imported."""
    reports = []
    for path in _exports(folder, settle_seconds):
        digest = hashlib.sha256(path.read_bytes()).hexdigest()
        with Session(engine) as session:
            if session.get(ImportedFile, digest) is not None:
                continue
            report = import_file(path, session=session, dry_run=dry_run, strict=strict)
            reports.append(report)
            if report.applied:
                session.add(
                    ImportedFile(
                        sha256=digest,
                        name=path.name[:255],
                        kind=report.kind,
                        rows=report.rows,
                        problems=len(report.problems),
                    )
                )
                session.commit()
    return reports
