"""Export files already imported by the folder watcher (``python -m shop.imports folder``)."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Integer, String
from sqlalchemy.orm import Mapped, mapped_column

from shop.models.base import Base, UTCDateTime, utcnow


class ImportedFile(Base):
    """One export file imported from the watched folder, known by its content.

    Keyed by the SHA-256 of the bytes, not the name: a shop's tool may write the
    same name every day, and a copied or renamed file is still the same export.
    """

    __tablename__ = "imported_files"

    sha256: Mapped[str] = mapped_column(String(64), primary_key=True)
    name: Mapped[str] = mapped_column(String(255))
    kind: Mapped[str] = mapped_column(String(16))
    rows: Mapped[int] = mapped_column(Integer, default=0)
    problems: Mapped[int] = mapped_column(Integer, default=0)
    imported_at: Mapped[datetime] = mapped_column(UTCDateTime(), default=utcnow)
